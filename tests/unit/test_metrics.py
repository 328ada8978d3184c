"""Metrics: labels from fixed vocabularies only, the bearer check, and no early library import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from addon.observe import metrics
from addon.observe.access import Access, check_bearer
from addon.observe.backlog import Backlog
from addon.observe.exposition import render_metrics
from addon.secret import Secret

ROOT = Path(__file__).resolve().parents[2]
WORKSPACE_ID = "64b0c1d2e3f4a5b6c7d8e9f0"
TOKEN = Secret("a-metrics-token-of-some-length")


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_a_value_outside_the_vocabulary_is_counted_as_other() -> None:
    before = _value("addon_clockify_requests_total", operation="other", outcome="other")

    metrics.clockify_request(f"/v1/workspaces/{WORKSPACE_ID}/users", "HTTP 418 from 10.0.0.1")

    after = _value("addon_clockify_requests_total", operation="other", outcome="other")
    assert after == before + 1


def test_a_429_counts_as_a_request_and_as_rate_limited() -> None:
    requests_before = _value(
        "addon_clockify_requests_total", operation="users", outcome="rate_limited"
    )
    limited_before = _value("addon_clockify_rate_limited_total", operation="users")

    metrics.clockify_request("users", "rate_limited")

    assert _value("addon_clockify_requests_total", operation="users", outcome="rate_limited") == (
        requests_before + 1
    )
    assert _value("addon_clockify_rate_limited_total", operation="users") == limited_before + 1


def test_no_label_ever_holds_a_workspace_id_or_a_secret() -> None:
    secret = TOKEN.reveal()
    for hostile in (WORKSPACE_ID, secret, f"Bearer {secret}", "reports@example.com"):
        metrics.clockify_request(hostile, hostile)
        metrics.reconciliation_failed(hostile)
        metrics.delivery_finished(hostile)
        metrics.invoice_marked(hostile)
        metrics.lifecycle_event(hostile)
        metrics.job_finished(hostile, hostile, 1.0)

    text = render_metrics(lambda: Backlog({"queued": 2}, {"claimed": 1})).decode()

    assert WORKSPACE_ID not in text and secret not in text and "example.com" not in text
    vocabulary = (
        metrics.OPERATIONS
        | metrics.OUTCOMES
        | metrics.RECONCILED_REPORTS
        | metrics.DELIVERY_STATES
        | metrics.MARKING_STATES
        | metrics.LIFECYCLE_EVENTS
        | metrics.JOB_KINDS
        | metrics.JOB_STATES
        | {"other", "queued", "running", "claimed"}
    )
    for family in REGISTRY.collect():
        if family.name.startswith("addon_"):
            for sample in family.samples:
                values = {v for k, v in sample.labels.items() if k != "le"}
                assert values <= vocabulary, (sample.name, sample.labels)


def test_job_metrics_count_and_time_a_finished_job() -> None:
    before = _value("addon_report_jobs_total", kind="invoice", state="done")
    seconds_before = _value("addon_report_job_seconds_sum", kind="invoice", state="done")

    metrics.job_finished("invoice", "done", 2.5)

    assert _value("addon_report_jobs_total", kind="invoice", state="done") == before + 1
    assert _value("addon_report_job_seconds_sum", kind="invoice", state="done") == (
        seconds_before + 2.5
    )


def test_scrape_time_gauges_come_from_the_backlog_and_survive_a_failing_database() -> None:
    text = render_metrics(lambda: Backlog({"running": 3}, {"claimed": 2})).decode()

    assert 'addon_report_jobs{state="running"} 3.0' in text
    assert 'addon_report_jobs{state="queued"} 0.0' in text
    assert 'addon_delivery_runs{state="claimed"} 2.0' in text

    def broken() -> Backlog:
        raise ConnectionError("database down")

    degraded = render_metrics(broken).decode()
    assert "addon_clockify_requests_total" in degraded
    assert "addon_report_jobs{" not in degraded


@pytest.mark.parametrize(
    ("header", "token", "expected"),
    [
        (None, None, Access.UNCONFIGURED),
        (f"Bearer {TOKEN.reveal()}", None, Access.UNCONFIGURED),
        (None, TOKEN, Access.DENIED),
        ("", TOKEN, Access.DENIED),
        ("Bearer wrong-token", TOKEN, Access.DENIED),
        (f"Basic {TOKEN.reveal()}", TOKEN, Access.DENIED),
        (f"Bearer {TOKEN.reveal()}x", TOKEN, Access.DENIED),
        ("Bearer \udcff", TOKEN, Access.DENIED),
        (f"Bearer {TOKEN.reveal()}", TOKEN, Access.GRANTED),
        (f"bearer  {TOKEN.reveal()} ", TOKEN, Access.GRANTED),
    ],
)
def test_the_bearer_check(header: str | None, token: Secret | None, expected: Access) -> None:
    assert check_bearer(header, token) is expected


def test_importing_the_addon_does_not_load_the_metrics_library() -> None:
    """prometheus-client picks single- or multi-process mode when first imported, so no module
    a process imports before `use_metrics_dir` may import it (addon.observe.processes)."""
    modules = sorted(
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for path in (ROOT / "addon").rglob("*.py")
        if path.name != "__main__.py" and path.stem != "exposition"
    )
    code = (
        "import importlib, sys\n"
        f"for name in {[m.removesuffix('.__init__') for m in modules]!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('prometheus_client'))\n"
        "print(loaded)\n"
    )
    done = subprocess.run(  # noqa: S603  # our own interpreter and code
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
