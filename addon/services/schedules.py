"""Schedule use cases for the sidebar's API and the CLI: list, save, change, pause, resume,
delete, preview send times, read the delivery log and re-send a failed run.

Each public function takes the runtime and the caller's workspace and runs in one transaction
of its own; a schedule or run of another workspace is `NotFound` exactly like one that does not
exist, so ids leak nothing. They compute `last_due` so that nothing before the first due date
ever runs: a new schedule, a changed cadence or a resumed one starts from its next occurrence
after now, never catching up on days it was not (yet) meant to cover. The lower-level
`save_schedule`, `change_schedule` and `resume` work inside a caller's session (the demo, tests).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from addon.errors import Conflict, NotFound
from addon.runtime import Runtime
from addon.schedules import Cadence, next_occurrence
from addon.services.schedule_spec import ScheduleSpec, spec_of
from addon.store import runs as run_store
from addon.store import schedules as store
from addon.store.models import DeliveryRun, DeliveryState, Schedule

__all__ = [
    "MAX_ID",
    "DeliveryState",
    "change_schedule",
    "create",
    "delete",
    "deliveries",
    "delivery_json",
    "get",
    "next_sends",
    "one_schedule",
    "pause",
    "replace",
    "resend",
    "resume",
    "resume_schedule",
    "save_schedule",
    "schedule_json",
    "schedules",
    "start_after",
    "upcoming",
]

MAX_ID: Final = 2**31 - 1  # INTEGER primary keys: a larger id cannot exist (and must not 500)


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


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _local(at: datetime, zone: str) -> str:
    return at.astimezone(ZoneInfo(zone)).isoformat()


def schedule_json(row: Schedule, now: datetime) -> dict[str, Any]:
    """A stored schedule in the API's shape; the input fields round-trip through PUT."""
    spec = spec_of(row)
    columns = spec.columns()
    coming = None if row.paused else next_occurrence(spec.cadence, now)
    return {
        "id": row.id,
        "name": columns.name,
        **columns.report,
        "frequency": columns.frequency,
        "weekday": columns.weekday,
        "day_of_month": columns.day_of_month,
        "hour": columns.hour,
        "minute": columns.minute,
        "zone": columns.zone,
        "coverage": columns.coverage,
        "week_start": columns.week_start,
        "recipients": columns.recipients,
        "subject_template": columns.subject_template,
        "body_template": columns.body_template,
        "skip_when_empty": columns.skip_when_empty,
        "paused": row.paused,
        "created_at": _iso(row.created_at),
        "updated_at": _iso(row.updated_at),
        "next_send": None if coming is None else _local(coming.at, columns.zone),
    }


def delivery_json(run: DeliveryRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "schedule_id": run.schedule_id,
        "due": run.due.isoformat(),
        "period_start": run.period_start.isoformat(),
        "period_end": run.period_end.isoformat(),
        "state": run.state,
        "attempts": run.attempts,
        "last_error": run.last_error,
        "claimed_at": _iso(run.claimed_at),
        "finished_at": _iso(run.finished_at),
    }


def one_schedule(db: Session, workspace_id: str, schedule_id: int) -> tuple[Schedule, ScheduleSpec]:
    """The workspace's schedule and its spec; `NotFound` for any other id."""
    found = None
    if 0 < schedule_id <= MAX_ID:
        found = store.get_schedule(db, workspace_id, schedule_id)
    if found is None:
        raise NotFound(f"schedule {schedule_id} does not exist")
    return found, spec_of(found)


def schedules(rt: Runtime, workspace_id: str) -> list[dict[str, Any]]:
    with rt.sessions.begin() as db:
        return [schedule_json(row, rt.now()) for row in store.list_schedules(db, workspace_id)]


def get(rt: Runtime, workspace_id: str, schedule_id: int) -> dict[str, Any]:
    with rt.sessions.begin() as db:
        return schedule_json(one_schedule(db, workspace_id, schedule_id)[0], rt.now())


def create(
    rt: Runtime, workspace_id: str, spec: ScheduleSpec, *, created_by: str | None
) -> dict[str, Any]:
    """Save a new schedule; its first send is its next occurrence after now."""
    with rt.sessions.begin() as db:
        row = save_schedule(db, workspace_id, spec, created_by=created_by, now=rt.now())
        return schedule_json(row, rt.now())


def replace(rt: Runtime, workspace_id: str, schedule_id: int, spec: ScheduleSpec) -> dict[str, Any]:
    with rt.sessions.begin() as db:
        row = one_schedule(db, workspace_id, schedule_id)[0]
        return schedule_json(change_schedule(db, row, spec, now=rt.now()), rt.now())


def delete(rt: Runtime, workspace_id: str, schedule_id: int) -> None:
    with rt.sessions.begin() as db:
        if not 0 < schedule_id <= MAX_ID or not store.delete_schedule(
            db, workspace_id, schedule_id
        ):
            raise NotFound(f"schedule {schedule_id} does not exist")


def pause(rt: Runtime, workspace_id: str, schedule_id: int) -> dict[str, Any]:
    with rt.sessions.begin() as db:
        row = one_schedule(db, workspace_id, schedule_id)[0]
        store.pause_schedule(db, row, now=rt.now())
        return schedule_json(row, rt.now())


def resume_schedule(rt: Runtime, workspace_id: str, schedule_id: int) -> dict[str, Any]:
    """Resume a paused schedule; resuming an active one changes nothing (not even last_due)."""
    with rt.sessions.begin() as db:
        row = one_schedule(db, workspace_id, schedule_id)[0]
        if row.paused:
            resume(db, row, now=rt.now())
        return schedule_json(row, rt.now())


def upcoming(rt: Runtime, cadence: Cadence, count: int) -> list[dict[str, str]]:
    """The next `count` send times of `cadence` after now, in its own zone."""
    sends: list[dict[str, str]] = []
    after = rt.now()
    for _ in range(count):
        occurrence = next_occurrence(cadence, after)
        sends.append({"due": occurrence.due.isoformat(), "at": _local(occurrence.at, cadence.zone)})
        after = occurrence.at
    return sends


def next_sends(rt: Runtime, workspace_id: str, schedule_id: int, count: int) -> dict[str, Any]:
    with rt.sessions() as db:
        cadence = one_schedule(db, workspace_id, schedule_id)[1].cadence
    return {"schedule_id": schedule_id, "zone": cadence.zone, "next": upcoming(rt, cadence, count)}


def deliveries(rt: Runtime, workspace_id: str, limit: int) -> list[dict[str, Any]]:
    """The delivery log, newest first."""
    with rt.sessions.begin() as db:
        return [delivery_json(run) for run in run_store.delivery_log(db, workspace_id, limit)]


def resend(rt: Runtime, workspace_id: str, run_id: int) -> dict[str, Any]:
    """Re-open a failed run; the next scheduler tick sends it again with the same Message-ID."""
    with rt.sessions.begin() as db:
        run = run_store.find_run(db, workspace_id, run_id) if 0 < run_id <= MAX_ID else None
        if run is None:
            raise NotFound(f"delivery run {run_id} does not exist")
        if run.state != DeliveryState.FAILED.value:
            raise Conflict(f"delivery run {run_id} is {run.state}; only failed runs are re-sent")
        if not run_store.reset_for_resend(db, workspace_id, run_id, rt.now()):
            raise Conflict(f"delivery run {run_id} changed meanwhile; reload and try again")
        db.refresh(run)
        return delivery_json(run)
