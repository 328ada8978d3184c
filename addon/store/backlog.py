"""Counts of unfinished work, for the scrape-time gauges (`addon.observe.exposition`).

Read-only and cheap: report jobs in progress are few (finished ones are purged after
`report_keep_seconds`), and claimed delivery runs are found through the `(state,
lease_expires_at)` index. A function over the caller's Session, like the rest of the store.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from addon.store.models import DeliveryRun, DeliveryState, ReportJob

__all__ = ["claimed_runs", "jobs_in_progress"]

_IN_PROGRESS = ("queued", "running")


def jobs_in_progress(session: Session) -> dict[str, int]:
    """Report jobs per state, for the queued and running ones."""
    rows = session.execute(
        select(ReportJob.state, func.count())
        .where(ReportJob.state.in_(_IN_PROGRESS))
        .group_by(ReportJob.state)
    )
    return {str(state): int(count) for state, count in rows}


def claimed_runs(session: Session) -> int:
    """Delivery runs claimed and not finished (sending, waiting to retry, or deferred)."""
    query = select(func.count()).where(DeliveryRun.state == DeliveryState.CLAIMED.value)
    return int(session.scalar(query) or 0)
