"""The add-on's Prometheus metrics, and one recording function per thing worth counting.

Instrumented code calls one function here (`clockify_request("users", "ok")`), never
prometheus-client itself, for two reasons:

* Labels come from fixed vocabularies. A value outside its vocabulary is recorded as `other`,
  so no workspace id, URL, e-mail address or secret can ever become a label (one series per
  value would also grow without bound).
* The metric objects are made on first use, not at import. prometheus-client decides at its own
  import whether values live in memory or in files shared between processes (multiprocess
  mode, `PROMETHEUS_MULTIPROC_DIR`); importing it lazily lets a process point it at
  `ADDON_METRICS_DIR` first (`addon.observe.processes.use_metrics_dir`), wherever in the
  start-up this module happened to be imported.

Names and labels are part of the operations contract (README "Metrics", alerts): change them
only together with those.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prometheus_client import Counter, Gauge, Histogram

__all__ = [
    "DELIVERY_STATES",
    "JOB_KINDS",
    "JOB_STATES",
    "LIFECYCLE_EVENTS",
    "MARKING_STATES",
    "OPERATIONS",
    "OUTCOMES",
    "RECONCILED_REPORTS",
    "clockify_request",
    "delivery_finished",
    "invoice_marked",
    "job_finished",
    "lifecycle_event",
    "limiter_waited",
    "reconciliation_failed",
    "scheduler_ticked",
]

OTHER = "other"

OPERATIONS = frozenset(
    {
        "workspace",
        "users",
        "clients",
        "projects",
        "tasks",
        "tags",
        "detailed_report",
        "summary_report",
        "expense_report",
        "mark_invoiced",
    }
)
"""Clockify client calls, by endpoint family (`addon.clockify.client`)."""

OUTCOMES = frozenset(
    {
        "ok",
        "redirect",
        "client_error",
        "unauthorized",
        "forbidden",
        "rate_limited",
        "server_error",
        "network_error",
        "bad_response",
    }
)
"""What one HTTP attempt came to: 2xx, 3xx, other 4xx, 401, 403, 429, 5xx, no answer (timeout or
connection), and a 2xx whose body was not JSON."""

RECONCILED_REPORTS = frozenset({"detailed", "expenses", "summary"})
DELIVERY_STATES = frozenset({"sent", "failed", "skipped", "deferred", "retrying"})
MARKING_STATES = frozenset({"marked", "failed", "pending"})
LIFECYCLE_EVENTS = frozenset({"installed", "deleted", "status_changed", "settings_updated"})
JOB_KINDS = frozenset({"summary", "invoice", "detailed", "test_email"})
JOB_STATES = frozenset({"done", "failed", "interrupted"})

# Seconds. The limiter mostly answers at once; a busy workspace waits tens of milliseconds,
# a long report behind another one seconds.
_WAIT_BUCKETS = (0.001, 0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# Seconds. Previews take under a second to a minute; large invoices of a year, minutes.
_JOB_BUCKETS = (0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0)


def _known(value: str, vocabulary: frozenset[str]) -> str:
    return value if value in vocabulary else OTHER


@dataclass(frozen=True, slots=True)
class _Metrics:
    clockify_requests: Counter
    rate_limited: Counter
    limiter_wait: Histogram
    jobs: Counter
    job_seconds: Histogram
    reconciliation_failures: Counter
    deliveries: Counter
    markings: Counter
    lifecycle: Counter
    last_tick: Gauge


def _create() -> _Metrics:
    from prometheus_client import Counter, Gauge, Histogram, disable_created_metrics

    # A `_created` series per label set would double the output for nothing. (The library
    # leaves this function unannotated.)
    disable_created_metrics()  # type: ignore[no-untyped-call]
    made = _Metrics(
        clockify_requests=Counter(
            "addon_clockify_requests",
            "Clockify HTTP requests (each attempt, retries included), by operation and outcome.",
            ["operation", "outcome"],
        ),
        rate_limited=Counter(
            "addon_clockify_rate_limited",
            "429 answers received from Clockify, by operation.",
            ["operation"],
        ),
        limiter_wait=Histogram(
            "addon_limiter_wait_seconds",
            "Time a Clockify request waited for our own per-workspace rate limiter.",
            buckets=_WAIT_BUCKETS,
        ),
        jobs=Counter(
            "addon_report_jobs", "Report jobs finished, by kind and final state.", ["kind", "state"]
        ),
        job_seconds=Histogram(
            "addon_report_job_seconds",
            "Time from a report job's start to its end, by kind and final state.",
            ["kind", "state"],
            buckets=_JOB_BUCKETS,
        ),
        reconciliation_failures=Counter(
            "addon_reconciliation_failures",
            "Reports that did not add up to Clockify's own totals, by report.",
            ["report"],
        ),
        deliveries=Counter("addon_deliveries", "Scheduled delivery outcomes, by state.", ["state"]),
        markings=Counter(
            "addon_invoice_markings",
            "Attempts to mark an invoice's time entries invoiced in Clockify, by outcome.",
            ["state"],
        ),
        lifecycle=Counter(
            "addon_lifecycle_events", "Lifecycle callbacks from Clockify, by event.", ["event"]
        ),
        # The newest tick of any scheduler: `max` over processes, dead ones included, is what
        # "has anything ticked lately" asks. Unix seconds.
        last_tick=Gauge(
            "addon_scheduler_last_tick_timestamp_seconds",
            "When a scheduler last finished a tick (Unix time).",
            multiprocess_mode="max",
        ),
    )
    for operation in OPERATIONS:  # series that exist at zero make rate() alerts work at once
        made.rate_limited.labels(operation)
    return made


_lock = threading.Lock()
_made: _Metrics | None = None


def _metrics() -> _Metrics:
    global _made
    if _made is None:
        with _lock:
            if _made is None:
                _made = _create()
    return _made


def clockify_request(operation: str, outcome: str) -> None:
    """Count one HTTP attempt to Clockify; a 429 also counts in `addon_clockify_rate_limited`."""
    metrics, op = _metrics(), _known(operation, OPERATIONS)
    metrics.clockify_requests.labels(op, _known(outcome, OUTCOMES)).inc()
    if outcome == "rate_limited":
        metrics.rate_limited.labels(op).inc()


def limiter_waited(seconds: float) -> None:
    """Record one permit taken from the per-workspace limiter after `seconds` of waiting."""
    _metrics().limiter_wait.observe(max(0.0, seconds))


def job_finished(kind: str, state: str, seconds: float) -> None:
    """Record a report job that ended in `state` after `seconds` of running."""
    metrics = _metrics()
    labels = (_known(kind, JOB_KINDS), _known(state, JOB_STATES))
    metrics.jobs.labels(*labels).inc()
    metrics.job_seconds.labels(*labels).observe(max(0.0, seconds))


def reconciliation_failed(report: str) -> None:
    """Count a report (`detailed`, `expenses`, `summary`) that failed to prove itself complete."""
    _metrics().reconciliation_failures.labels(_known(report, RECONCILED_REPORTS)).inc()


def delivery_finished(state: str) -> None:
    """Count one scheduled delivery outcome (sent, failed, skipped, deferred, retrying)."""
    _metrics().deliveries.labels(_known(state, DELIVERY_STATES)).inc()


def invoice_marked(state: str) -> None:
    """Count one marking attempt's outcome (marked, failed, pending: Clockify unavailable)."""
    _metrics().markings.labels(_known(state, MARKING_STATES)).inc()


def lifecycle_event(event: str) -> None:
    """Count one lifecycle callback (`installed`, `deleted`, `status_changed`, ...)."""
    _metrics().lifecycle.labels(_known(event, LIFECYCLE_EVENTS)).inc()


def scheduler_ticked(unix_seconds: float) -> None:
    """Note that a scheduler finished a tick at `unix_seconds`."""
    _metrics().last_tick.set(unix_seconds)
