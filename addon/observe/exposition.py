"""One scrape's text: this process's counters, or every process's, plus gauges read at scrape time.

A fresh registry per scrape, as prometheus-client's multiprocess documentation asks: in
multiprocess mode a `MultiProcessCollector` merges the files of every process that shares the
directory (`addon.observe.processes`), so the web's `/metrics` also shows the schedulers and
workers on the same host; otherwise the process's own default registry is served (`make demo`,
tests). Gauges that describe the database rather than a process (`addon_report_jobs`, jobs
waiting or running) are computed at scrape time by `BacklogCollector`, so they are right
whichever process serves them and however many there are.

This is the one module that imports prometheus-client at its top; the others import it inside
functions (see `addon.observe.processes` for why), and only code that runs after start-up
imports this one.

The answer is always the classic text format (0.0.4), not OpenMetrics: `addon_report_jobs_total`
(a counter) and `addon_report_jobs` (the gauge) are two names there, but one family name in
OpenMetrics.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from addon.observe.backlog import Backlog
from addon.observe.metrics import _metrics
from addon.observe.processes import in_multiprocess_mode

__all__ = ["CONTENT_TYPE", "BacklogCollector", "render_metrics"]

log = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class BacklogCollector(Collector):
    """`addon_report_jobs{state}` and `addon_delivery_runs{state}` from `count()`.

    A database that does not answer leaves these gauges out of the scrape (and logs why), so
    the rest of the metrics still arrive when they matter most.
    """

    def __init__(self, count: Callable[[], Backlog]) -> None:
        self._count = count

    def collect(self) -> Iterable[Metric]:
        try:
            backlog = self._count()
        except Exception as exc:  # a scrape is a process edge: answer what we can
            log.warning("metrics: could not count the backlog (%s)", type(exc).__name__)
            return []
        jobs = GaugeMetricFamily(
            "addon_report_jobs", "Report jobs queued or running now.", labels=["state"]
        )
        for state in ("queued", "running"):
            jobs.add_metric([state], backlog.report_jobs.get(state, 0))
        runs = GaugeMetricFamily(
            "addon_delivery_runs",
            "Scheduled deliveries claimed and not finished now (sending, retrying or deferred).",
            labels=["state"],
        )
        runs.add_metric(["claimed"], backlog.delivery_runs.get("claimed", 0))
        return [jobs, runs]


class _Chain(Collector):
    def __init__(self, *parts: Collector) -> None:
        self._parts = parts

    def collect(self) -> Iterable[Metric]:
        for part in self._parts:
            yield from part.collect()


def render_metrics(backlog: Callable[[], Backlog] | None = None) -> bytes:
    """The scrape's body in the Prometheus text format (`CONTENT_TYPE`)."""
    from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
    from prometheus_client.multiprocess import MultiProcessCollector

    _metrics()  # this process's families exist, even before their first event
    source: Collector
    if in_multiprocess_mode():
        source = CollectorRegistry(auto_describe=False)
        MultiProcessCollector(source)  # type: ignore[no-untyped-call]  # unannotated upstream
    else:
        source = REGISTRY
    parts = (source,) if backlog is None else (source, BacklogCollector(backlog))
    return generate_latest(_Chain(*parts))
