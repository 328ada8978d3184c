"""Delivery runs of schedules: claims, leases, outcomes, the log; functions over the caller's
Session that never commit.

Exactly-once delivery rests on two statements, both single-statement atomic on SQLite and
PostgreSQL, so any number of scheduler processes may call them at once:

* `claim_run`: `INSERT ... ON CONFLICT (schedule_id, due) DO NOTHING`. The unique row is the
  claim; whoever inserted it owns the run until its lease expires. On PostgreSQL a concurrent
  second INSERT waits for the first transaction and then does nothing; SQLite has one writer.
* `take_over_expired`: `UPDATE ... WHERE state = 'claimed' AND lease_expires_at < :now`. The
  first UPDATE changes the row and the lease, so a second one matches nothing: one winner.

Callers commit the claim *before* sending, so the row is visible to every other process while
the email is on its way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from addon.store.db import dialect_insert, rowcount
from addon.store.models import DeliveryRun, DeliveryState, Schedule
from addon.store.schedules import runnable_ids

__all__ = [
    "advance_last_due",
    "claim_run",
    "defer_run",
    "delivery_log",
    "expired_runs",
    "find_run",
    "finish_run",
    "note_attempt",
    "record_skipped",
    "reset_for_resend",
    "runs_of",
    "take_over_expired",
]

MAX_ERROR = 500


def _insert_run(
    session: Session,
    schedule: Schedule,
    due: date,
    period: tuple[date, date],
    **columns: object,
) -> int | None:
    """INSERT the `(schedule, due)` run unless it exists; its id when this statement made it.

    The unique `(schedule_id, due)` row is the claim: whoever inserts it owns the run, on
    SQLite and PostgreSQL alike, with no lock held between processes.
    """
    statement = (
        dialect_insert(session)(DeliveryRun)
        .values(
            workspace_id=schedule.workspace_id,
            schedule_id=schedule.id,
            due=due,
            period_start=period[0],
            period_end=period[1],
            **columns,
        )
        .on_conflict_do_nothing(index_elements=["schedule_id", "due"])
        .returning(DeliveryRun.id)
    )
    run_id: int | None = session.execute(statement).scalar_one_or_none()
    return run_id


def claim_run(
    session: Session,
    schedule: Schedule,
    due: date,
    period: tuple[date, date],
    owner: str,
    now: datetime,
    lease: timedelta,
) -> DeliveryRun | None:
    """Claim `(schedule, due)` for `owner`; the run if this INSERT created it, else None."""
    run_id = _insert_run(
        session,
        schedule,
        due,
        period,
        state=DeliveryState.CLAIMED.value,
        attempts=1,
        lease_owner=owner,
        lease_expires_at=now + lease,
        claimed_at=now,
    )
    return None if run_id is None else session.get(DeliveryRun, run_id)


def record_skipped(
    session: Session, schedule: Schedule, due: date, period: tuple[date, date], now: datetime
) -> bool:
    """Record a run deliberately not sent (missed-run SKIP policy); False if it already exists."""
    run_id = _insert_run(
        session,
        schedule,
        due,
        period,
        state=DeliveryState.SKIPPED.value,
        attempts=0,
        last_error="missed while no scheduler ran (policy: skip)",
        claimed_at=now,
        finished_at=now,
    )
    return run_id is not None


def advance_last_due(session: Session, schedule_id: int, due: date) -> None:
    """Move `last_due` forward to `due`, never back (several processes may race here)."""
    session.execute(
        update(Schedule)
        .where(Schedule.id == schedule_id)
        .where(or_(Schedule.last_due.is_(None), Schedule.last_due < due))
        .values(last_due=due)
        .execution_options(synchronize_session=False)
    )


def expired_runs(session: Session, now: datetime, limit: int = 100) -> Sequence[int]:
    """Ids of claimed runs whose lease has run out, for schedules that may still send."""
    return session.scalars(
        select(DeliveryRun.id)
        .where(DeliveryRun.state == DeliveryState.CLAIMED.value)
        .where(DeliveryRun.lease_expires_at < now)
        .where(DeliveryRun.schedule_id.in_(runnable_ids()))
        .order_by(DeliveryRun.id)
        .limit(limit)
    ).all()


def runs_of(session: Session, run_ids: Sequence[int]) -> Sequence[tuple[DeliveryRun, Schedule]]:
    """The runs `run_ids` with their schedules, by id (to plan a tick's takeovers)."""
    rows = session.execute(
        select(DeliveryRun, Schedule)
        .join(Schedule, Schedule.id == DeliveryRun.schedule_id)
        .where(DeliveryRun.id.in_(run_ids))
        .order_by(DeliveryRun.id)
    ).all()
    return [(run, schedule) for run, schedule in rows]


def take_over_expired(
    session: Session, run_id: int, owner: str, now: datetime, lease: timedelta
) -> DeliveryRun | None:
    """Take over a claimed run whose lease expired; the run if this UPDATE won, else None."""
    result = session.execute(
        update(DeliveryRun)
        .where(DeliveryRun.id == run_id)
        .where(DeliveryRun.state == DeliveryState.CLAIMED.value)
        .where(DeliveryRun.lease_expires_at < now)
        .values(
            lease_owner=owner,
            lease_expires_at=now + lease,
            attempts=DeliveryRun.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        return None
    run = session.get(DeliveryRun, run_id, populate_existing=True)
    return run


def finish_run(
    session: Session,
    run_id: int,
    owner: str,
    state: DeliveryState,
    *,
    now: datetime,
    message_id: str | None = None,
    error: str | None = None,
) -> bool:
    """End `owner`'s claim as sent, failed or skipped; False if another process owns it now."""
    if state is DeliveryState.CLAIMED:
        raise ValueError("finish_run ends a claim: use SENT, FAILED or SKIPPED")
    result = session.execute(
        update(DeliveryRun)
        .where(DeliveryRun.id == run_id)
        .where(DeliveryRun.state == DeliveryState.CLAIMED.value)
        .where(DeliveryRun.lease_owner == owner)
        .values(
            state=state.value,
            message_id=message_id,
            last_error=error[:MAX_ERROR] if error else None,
            finished_at=now,
            lease_expires_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    return rowcount(result) == 1


def note_attempt(session: Session, run_id: int, owner: str, error: str) -> None:
    """Record why an attempt failed while keeping the claim: the lease expiry is the backoff."""
    session.execute(
        update(DeliveryRun)
        .where(DeliveryRun.id == run_id)
        .where(DeliveryRun.lease_owner == owner)
        .values(last_error=error[:MAX_ERROR])
        .execution_options(synchronize_session=False)
    )


def defer_run(session: Session, run_id: int, owner: str, until: datetime, error: str) -> None:
    """Keep the claim but let nobody retry it before `until` (Clockify asked us to wait)."""
    session.execute(
        update(DeliveryRun)
        .where(DeliveryRun.id == run_id)
        .where(DeliveryRun.lease_owner == owner)
        .values(last_error=error[:MAX_ERROR], lease_expires_at=until)
        .execution_options(synchronize_session=False)
    )


def find_run(session: Session, workspace_id: str, run_id: int) -> DeliveryRun | None:
    """The workspace's delivery run `run_id`, or None (another workspace's reads as none)."""
    return session.scalars(
        select(DeliveryRun)
        .where(DeliveryRun.workspace_id == workspace_id)
        .where(DeliveryRun.id == run_id)
    ).one_or_none()


def delivery_log(session: Session, workspace_id: str, limit: int = 50) -> Sequence[DeliveryRun]:
    """The workspace's most recent runs, newest first (the admin's delivery history)."""
    return session.scalars(
        select(DeliveryRun)
        .where(DeliveryRun.workspace_id == workspace_id)
        .order_by(DeliveryRun.due.desc(), DeliveryRun.id.desc())
        .limit(limit)
    ).all()


def reset_for_resend(session: Session, workspace_id: str, run_id: int, now: datetime) -> bool:
    """Re-open a failed run for an admin re-send: same claim and Message-ID, a new attempt.

    The run becomes a claim whose lease has already expired, so the next tick of any scheduler
    takes it over (one winner) and sends it. Returns False unless the run exists and failed.
    """
    result = session.execute(
        update(DeliveryRun)
        .where(DeliveryRun.id == run_id)
        .where(DeliveryRun.workspace_id == workspace_id)
        .where(DeliveryRun.state == DeliveryState.FAILED.value)
        .values(
            state=DeliveryState.CLAIMED.value,
            lease_owner=None,
            lease_expires_at=now - timedelta(seconds=1),
            finished_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    return rowcount(result) == 1
