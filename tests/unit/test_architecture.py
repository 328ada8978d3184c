"""Imports follow the data flow (STYLE.md §2, design/services-floor.md): each layer imports only
the layers below it, and every door (web, jobs, delivery) reaches the stages through the use
cases in `addon/services`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The recording functions of the metrics (`addon.observe.metrics`: no I/O, no imports of ours)
# sit beside logging: any layer outside the pure core may count what it does, with one call.
COUNT = "addon.observe.metrics"

# package -> the `addon` modules it may import (besides itself)
RULES = {
    "addon/reports": ("addon.reports",),
    "addon/render": ("addon.reports", "addon.render"),
    "addon/einvoice": ("addon.reports", "addon.einvoice"),
    "addon/schedules": ("addon.reports", "addon.schedules"),
    "addon/verify": ("addon.errors", "addon.verify"),
    "addon/store": ("addon.errors", "addon.secret", "addon.store", COUNT),
    "addon/clockify": (
        "addon.reports",  # the model the client returns, periods, rates
        "addon.errors",
        "addon.secret",
        "addon.clockify",
        COUNT,  # every HTTP attempt, and reports that do not add up
    ),
    "addon/mail": ("addon.errors", "addon.secret", "addon.settings", "addon.mail"),
    "addon/secret.py": (),
    # Metrics sit low: they know settings (which token, which directory) and nothing above.
    "addon/observe": ("addon.observe", "addon.errors", "addon.secret", "addon.settings"),
    "addon/errors.py": ("addon.reports.errors",),  # the pure core's errors answer 422
    "addon/services": (
        "addon.services",
        "addon.runtime",
        "addon.errors",
        "addon.settings",
        "addon.manifest",
        "addon.reports",
        "addon.render",
        "addon.schedules",
        "addon.clockify",
        "addon.store",
        "addon.mail",
        "addon.einvoice",  # e-invoices of issued invoices (addon.services.einvoices)
        "addon.logs",  # log_context: the ids a use case works on
        "addon.observe",  # counts, and the `Backlog` the metrics endpoints report
    ),
    "addon/jobs": (
        "addon.jobs",
        "addon.services",
        "addon.errors",
        "addon.runtime",
        "addon.reports.errors",
        "addon.store",  # its own table: addon.store.jobs
        "addon.logs",  # log_context per job
        "addon.observe",  # job metrics, and a worker's own /metrics
    ),
    "addon/delivery": (
        "addon.delivery",
        "addon.services",
        "addon.mail",
        "addon.errors",
        "addon.runtime",
        "addon.settings",
        "addon.store",  # its own tables: addon.store.schedules
        "addon.schedules",
        "addon.reports.errors",
        "addon.reports.periods",
        "addon.clockify.errors",
        "addon.clockify.retry",
        "addon.logs",  # log_context per run
        "addon.observe",  # delivery outcomes, and the scheduler's own /metrics
    ),
    "addon/web": (
        "addon.web",
        "addon.services",
        "addon.verify",
        "addon.errors",
        "addon.runtime",
        "addon.settings",
        "addon.manifest",
        "addon.render.files",  # the download response's type
        "addon.logs",  # the verified workspace joins the request's log context
        "addon.observe",  # GET /metrics, and lifecycle counts
    ),
}
EXCEPTIONS = {
    # The readiness probe asks the database itself, not a use case: that is its whole point.
    "addon/web/health.py": ("addon.store.db",),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _files(target: str) -> list[Path]:
    path = ROOT / target
    return [path] if path.suffix == ".py" else sorted(path.rglob("*.py"))


@pytest.mark.parametrize("target", sorted(RULES))
def test_layer_imports_only_what_lies_below_it(target: str) -> None:
    for path in _files(target):
        allowed = RULES[target] + EXCEPTIONS.get(str(path.relative_to(ROOT)), ())
        for module in _imports(path):
            if module == "addon" or module.startswith("addon."):
                assert module.startswith(allowed), f"{path.relative_to(ROOT)} imports {module}"


def test_addon_never_imports_the_sandbox() -> None:
    for path in _files("addon"):
        bad = {m for m in _imports(path) if m == "sandbox" or m.startswith("sandbox.")}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_only_the_demo_starts_both_addon_and_sandbox() -> None:
    for path in _files("sandbox"):
        if path.name == "demo.py":
            continue
        bad = {m for m in _imports(path) if m == "addon" or m.startswith("addon.")}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_only_the_web_layer_imports_web_modules() -> None:
    """Use cases (`addon/services`), jobs and delivery never reach back into HTTP."""
    for path in _files("addon"):
        if path.is_relative_to(ROOT / "addon/web") or path == ROOT / "addon/__init__.py":
            continue
        bad = {m for m in _imports(path) if m == "addon.web" or m.startswith("addon.web.")}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_the_clockify_client_writes_no_sql() -> None:
    """Permits come through the `Permits` protocol; the SQL ledger lives in `addon/store`."""
    for path in _files("addon/clockify"):
        bad = {m for m in _imports(path) if m == "sqlalchemy" or m.startswith("sqlalchemy.")}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_only_the_composition_root_wires_the_job_pool() -> None:
    """`Runtime.jobs` is how use cases reach the pool; nothing else imports `addon.jobs`."""
    for path in _files("addon"):
        if path.is_relative_to(ROOT / "addon/jobs") or path == ROOT / "addon/runtime.py":
            continue
        bad = {m for m in _imports(path) if m == "addon.jobs" or m.startswith("addon.jobs.")}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_only_process_entry_points_start_the_scheduler() -> None:
    """The scheduler is a door of its own: `python -m addon scheduler`, or inside a web worker."""
    doors = {ROOT / "addon/__init__.py", ROOT / "addon/__main__.py"}
    for path in _files("addon"):
        if path.is_relative_to(ROOT / "addon/delivery") or path in doors:
            continue
        bad = {m for m in _imports(path) if m.startswith("addon.delivery")}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_the_services_never_import_flask() -> None:
    """Use cases run in the scheduler and the CLI too, where there is no app or request."""
    for path in _files("addon/services"):
        bad = {m for m in _imports(path) if m.split(".")[0] in {"flask", "werkzeug"}}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"
