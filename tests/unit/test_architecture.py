"""Imports follow the data flow (STYLE.md §2): each layer imports only the layers below it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# package -> the `addon` modules it may import (besides itself)
RULES = {
    "addon/reports": ("addon.reports",),
    "addon/render": ("addon.reports", "addon.render"),
    "addon/einvoice": ("addon.reports", "addon.einvoice"),
    "addon/schedules": ("addon.reports", "addon.schedules"),
    "addon/verify": ("addon.errors", "addon.verify"),
    "addon/store": ("addon.errors", "addon.secret", "addon.store"),
    "addon/clockify": (
        "addon.reports",  # the model the client returns, periods, rates
        "addon.errors",
        "addon.secret",
        "addon.clockify",
    ),
    "addon/mail": ("addon.errors", "addon.secret", "addon.settings", "addon.mail"),
    "addon/secret.py": (),
    "addon/errors.py": (),
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
    allowed = RULES[target]
    for path in _files(target):
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
    """Use cases (`addon/jobs`, `addon/reporting.py`, delivery) never reach back into HTTP."""
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
