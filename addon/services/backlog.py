"""How much work is waiting, for the metrics endpoints' scrape-time gauges.

A use case so that the doors that serve metrics (the web's `/metrics`, a scheduler's or
worker's own bind) reach the database the usual way, through `addon.store`.
"""

from __future__ import annotations

from addon.observe.backlog import Backlog
from addon.runtime import Runtime
from addon.services.report_jobs import lease
from addon.store import backlog as store

__all__ = ["count_backlog"]


def count_backlog(rt: Runtime) -> Backlog:
    """Report jobs queued and running, delivery runs claimed: one short read transaction."""
    with rt.sessions() as session:
        return Backlog(
            report_jobs=store.jobs_in_progress(session, lease(rt)),
            delivery_runs={"claimed": store.claimed_runs(session)},
        )
