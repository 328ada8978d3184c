"""Schedules: create, change, pause, resume, delete, list; functions over the caller's Session
that never commit. Their delivery runs (claims, leases, the delivery log) are `addon.store.runs`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from addon.store.db import rowcount
from addon.store.models import (
    Installation,
    InstallationStatus,
    Schedule,
)

__all__ = [
    "ScheduleColumns",
    "create_schedule",
    "delete_schedule",
    "due_schedules",
    "get_schedule",
    "list_schedules",
    "pause_schedule",
    "resume_schedule",
    "runnable_ids",
    "update_schedule",
]


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


def runnable_ids() -> Any:
    """The ids of schedules that may send, as a subquery (see `due_schedules`)."""
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
        select(Schedule).where(Schedule.id.in_(runnable_ids())).order_by(Schedule.id)
    ).all()
