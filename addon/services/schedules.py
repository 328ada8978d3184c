"""Schedule use cases for the web layer: save, change and resume from a validated spec.

They compute `last_due` so that nothing before the first due date ever runs: a new schedule,
a changed cadence or a resumed one starts from its next occurrence after `now`, never catching
up on days it was not (yet) meant to cover. Functions flush; the caller commits.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from addon.schedules import Cadence, next_occurrence
from addon.services.schedule_spec import ScheduleSpec, spec_of
from addon.store import schedules as store
from addon.store.models import Schedule

__all__ = ["change_schedule", "resume", "save_schedule", "start_after"]


def start_after(cadence: Cadence, now: datetime) -> date:
    """The `last_due` that makes the next occurrence after `now` the first one to run."""
    return next_occurrence(cadence, now).due - timedelta(days=1)


def save_schedule(
    session: Session,
    workspace_id: str,
    spec: ScheduleSpec,
    *,
    created_by: str | None,
    now: datetime,
) -> Schedule:
    return store.create_schedule(
        session,
        workspace_id=workspace_id,
        columns=spec.columns(),
        created_by=created_by,
        now=now,
        last_due=start_after(spec.cadence, now),
    )


def change_schedule(
    session: Session, schedule: Schedule, spec: ScheduleSpec, *, now: datetime
) -> Schedule:
    """Replace the definition; a changed cadence restarts from its next occurrence."""
    moved = spec_of(schedule).cadence != spec.cadence
    last_due = start_after(spec.cadence, now) if moved else None
    return store.update_schedule(session, schedule, spec.columns(), now=now, last_due=last_due)


def resume(session: Session, schedule: Schedule, *, now: datetime) -> None:
    """Resume a paused schedule without sending what fell due while it was paused."""
    last_due = start_after(spec_of(schedule).cadence, now)
    store.resume_schedule(session, schedule, now=now, last_due=last_due)
