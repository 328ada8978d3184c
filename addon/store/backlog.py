"""Counts of unfinished work, for the scrape-time gauges (`addon.observe.exposition`).

Read-only and cheap: report jobs in progress are few (finished ones are purged after
`report_keep_seconds`), and claimed delivery runs are found through the `(state,
lease_expires_at)` index. A function over the caller's Session, like the rest of the store.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from addon.store.jobs import IN_PROGRESS, Lease
from addon.store.models import DeliveryRun, DeliveryState, ReportJob

__all__ = ["claimed_runs", "jobs_in_progress"]


def jobs_in_progress(session: Session, lease: Lease) -> dict[str, int]:
    """Report jobs waiting for a runner (`queued`, including a dead runner's, to be taken over)
    and being built (`running`), under the queue's lease rules: a job given up on is neither."""
    waiting = or_(lease.waiting(), lease.orphaned())
    counts = session.execute(
        select(
            func.count().filter(waiting),
            func.count().filter(lease.alive()),
        ).where(ReportJob.state.in_(IN_PROGRESS))
    ).one()
    return {"queued": int(counts[0] or 0), "running": int(counts[1] or 0)}


def claimed_runs(session: Session) -> int:
    """Delivery runs claimed and not finished (sending, waiting to retry, or deferred)."""
    query = select(func.count()).where(DeliveryRun.state == DeliveryState.CLAIMED.value)
    return int(session.scalar(query) or 0)
