"""Schedules and their delivery runs; functions over the caller's Session that never commit.

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
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from addon.store.db import dialect_insert, rowcount
from addon.store.models import (
    DeliveryRun,
    DeliveryState,
    Installation,
    InstallationStatus,
    Schedule,
)

__all__ = [
    "ScheduleColumns",
    "advance_last_due",
    "claim_run",
    "create_schedule",
    "defer_run",
    "delete_schedule",
    "delivery_log",
    "due_schedules",
    "expired_runs",
    "finish_run",
    "get_schedule",
    "list_schedules",
    "note_attempt",
    "pause_schedule",
    "record_skipped",
    "reset_for_resend",
    "resume_schedule",
    "take_over_expired",
    "update_schedule",
]

MAX_ERROR = 500


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduleColumns:
    """A schedule's stored fields, as `ScheduleSpec.columns` (`addon.services`) validated them."""

    name: str
    report: dict[str, object]
    frequency: str
    weekday: str | None
    day_of_month: int | None
    hour: int
    minute: int
    zone: str
    coverage: str
    week_start: str
    recipients: dict[str, list[str]]
    subject_template: str
    body_template: str
    skip_when_empty: bool


def _assign(row: Schedule, columns: ScheduleColumns) -> None:
    for name in ScheduleColumns.__dataclass_fields__:
        setattr(row, name, getattr(columns, name))


def create_schedule(
    session: Session,
    *,
    workspace_id: str,
    columns: ScheduleColumns,
    created_by: str | None,
    now: datetime,
    last_due: date,
) -> Schedule:
    """Store a new schedule; `last_due` is the day before its first due (nothing older runs)."""
    row = Schedule(
        workspace_id=workspace_id,
        created_by=created_by,
        created_at=now,
        updated_at=now,
        paused=False,
        last_due=last_due,
    )
    _assign(row, columns)
    session.add(row)
    session.flush()
    return row


def update_schedule(
    session: Session,
    schedule: Schedule,
    columns: ScheduleColumns,
    *,
    now: datetime,
    last_due: date | None = None,
) -> Schedule:
    """Replace a schedule's definition; a new cadence passes a new `last_due` (no catch-up)."""
    _assign(schedule, columns)
    if last_due is not None:
        schedule.last_due = last_due
    schedule.updated_at = now
    session.flush()
    return schedule


def pause_schedule(session: Session, schedule: Schedule, *, now: datetime) -> None:
    schedule.paused = True
    schedule.updated_at = now
    session.flush()


def resume_schedule(session: Session, schedule: Schedule, *, now: datetime, last_due: date) -> None:
    """Resume; `last_due` skips what fell due while paused (a pause is not downtime)."""
    schedule.paused = False
    schedule.last_due = max(last_due, schedule.last_due) if schedule.last_due else last_due
    schedule.updated_at = now
    session.flush()


def delete_schedule(session: Session, workspace_id: str, schedule_id: int) -> bool:
    """Delete a schedule; its runs go with it (`ON DELETE CASCADE`). Returns whether it existed."""
    result = session.execute(
        delete(Schedule)
        .where(Schedule.workspace_id == workspace_id)
        .where(Schedule.id == schedule_id)
    )
    session.expire_all()
    return rowcount(result) == 1


def get_schedule(session: Session, workspace_id: str, schedule_id: int) -> Schedule | None:
    return session.scalars(
        select(Schedule)
        .where(Schedule.workspace_id == workspace_id)
        .where(Schedule.id == schedule_id)
    ).one_or_none()


def list_schedules(session: Session, workspace_id: str) -> Sequence[Schedule]:
    return session.scalars(
        select(Schedule).where(Schedule.workspace_id == workspace_id).order_by(Schedule.id)
    ).all()


def _runnable() -> Any:
    return (
        select(Schedule.id)
        .join(Installation, Installation.workspace_id == Schedule.workspace_id)
        .where(Schedule.paused.is_(False))
        .where(Installation.status == InstallationStatus.ACTIVE.value)
        .where(Installation.needs_reinstall.is_(False))
    )


def due_schedules(session: Session) -> Sequence[Schedule]:
    """Schedules that may send: not paused, in an ACTIVE installation whose token still works."""
    return session.scalars(
        select(Schedule).where(Schedule.id.in_(_runnable())).order_by(Schedule.id)
    ).all()


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
        .where(DeliveryRun.schedule_id.in_(_runnable()))
        .order_by(DeliveryRun.id)
        .limit(limit)
    ).all()


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
