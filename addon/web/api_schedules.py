"""`/api/schedules` and `/api/deliveries`: the sidebar's schedule tools, as JSON.

Every request carries a sidebar session (`addon.web.session.guard_api`): owners and admins
only, on reads too, because the sidebar refuses everyone else. Every query is filtered by the
session's workspace, and a schedule or run of another workspace answers 404 exactly like one
that does not exist, so ids leak nothing. Input goes through `ScheduleSpec.from_json`, the same
validation as the CLI (`addon.schedule_cli`): an `InvalidSchedule` answers 422 naming `field`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Final
from zoneinfo import ZoneInfo

from flask import Blueprint, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import Session

from addon.errors import AddonError, BadRequest, Conflict
from addon.runtime import runtime
from addon.schedules import Cadence, next_occurrence
from addon.services.schedule_spec import ScheduleSpec, spec_of
from addon.services.schedules import change_schedule, resume, save_schedule
from addon.store import schedules as store
from addon.store.models import DeliveryRun, DeliveryState, Schedule
from addon.web.requests import json_object
from addon.web.session import current_session, guard_api

__all__ = ["NotFound", "bp", "delivery_json", "schedule_json", "spec_from_body"]

bp = Blueprint("api_schedules", __name__, url_prefix="/api")
guard_api(bp)

MAX_ID: Final = 2**31 - 1  # INTEGER primary keys: a larger id cannot exist (and must not 500)
MAX_NEXT: Final = 50
MAX_LOG: Final = 200


class NotFound(AddonError):
    """Raise when a schedule or run does not exist in the session's workspace."""

    status: ClassVar[int] = 404
    code: ClassVar[str] = "not_found"


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def schedule_json(row: Schedule, now: datetime) -> dict[str, Any]:
    """A stored schedule in the API's shape; the input fields round-trip through PUT."""
    spec = spec_of(row)
    columns = spec.columns()
    upcoming = None if row.paused else next_occurrence(spec.cadence, now)
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
        "next_send": None if upcoming is None else _local(upcoming.at, columns.zone),
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


def _local(at: datetime, zone: str) -> str:
    return at.astimezone(ZoneInfo(zone)).isoformat()


def spec_from_body(body: dict[str, Any]) -> ScheduleSpec:
    """The spec a request body defines; unknown fields, read-only fields and the JSON's field
    names are `ScheduleSpec.from_json`'s (through `addon.services.bodies.ScheduleInput`)."""
    return ScheduleSpec.from_json(body)


def _one(db: Session, workspace_id: str, schedule_id: int) -> Schedule:
    found = None
    if schedule_id <= MAX_ID:
        found = store.get_schedule(db, workspace_id, schedule_id)
    if found is None:
        raise NotFound(f"schedule {schedule_id} does not exist")
    return found


def _int_arg(name: str, default: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= high:
        raise BadRequest(f"{name} must be a whole number from 1 to {high}")
    return int(raw)


@bp.get("/schedules")
def list_schedules() -> ResponseReturnValue:
    rt, session = runtime(), current_session()
    with rt.sessions.begin() as db:
        rows = store.list_schedules(db, session.workspace_id)
        return {"schedules": [schedule_json(row, rt.now()) for row in rows]}


@bp.post("/schedules")
def create_schedule() -> ResponseReturnValue:
    rt, session = runtime(), current_session()
    spec = spec_from_body(json_object(request))
    with rt.sessions.begin() as db:
        row = save_schedule(
            db, session.workspace_id, spec, created_by=session.user_id, now=rt.now()
        )
        body = schedule_json(row, rt.now())
    return body, 201, {"Location": f"/api/schedules/{body['id']}"}


@bp.get("/schedules/<int:schedule_id>")
def get_schedule(schedule_id: int) -> ResponseReturnValue:
    rt, session = runtime(), current_session()
    with rt.sessions.begin() as db:
        return schedule_json(_one(db, session.workspace_id, schedule_id), rt.now())


@bp.put("/schedules/<int:schedule_id>")
def replace_schedule(schedule_id: int) -> ResponseReturnValue:
    rt, session = runtime(), current_session()
    body = json_object(request)
    with rt.sessions.begin() as db:
        row = _one(db, session.workspace_id, schedule_id)  # 404 before 422: existence first
        row = change_schedule(db, row, spec_from_body(body), now=rt.now())
        return schedule_json(row, rt.now())


@bp.delete("/schedules/<int:schedule_id>")
def delete_schedule(schedule_id: int) -> ResponseReturnValue:
    rt, session = runtime(), current_session()
    with rt.sessions.begin() as db:
        if schedule_id > MAX_ID or not store.delete_schedule(db, session.workspace_id, schedule_id):
            raise NotFound(f"schedule {schedule_id} does not exist")
    return "", 204


@bp.post("/schedules/<int:schedule_id>/pause")
def pause_schedule(schedule_id: int) -> ResponseReturnValue:
    rt, session = runtime(), current_session()
    with rt.sessions.begin() as db:
        row = _one(db, session.workspace_id, schedule_id)
        store.pause_schedule(db, row, now=rt.now())
        return schedule_json(row, rt.now())


@bp.post("/schedules/<int:schedule_id>/resume")
def resume_schedule(schedule_id: int) -> ResponseReturnValue:
    rt, session = runtime(), current_session()
    with rt.sessions.begin() as db:
        row = _one(db, session.workspace_id, schedule_id)
        if row.paused:  # resuming an active schedule must not move its last_due
            resume(db, row, now=rt.now())
        return schedule_json(row, rt.now())


@bp.get("/schedules/<int:schedule_id>/next")
def next_sends(schedule_id: int) -> ResponseReturnValue:
    """The next `count` send times (default 5, at most 50), in the schedule's own zone."""
    rt, session = runtime(), current_session()
    count = _int_arg("count", 5, MAX_NEXT)
    with rt.sessions.begin() as db:
        cadence = spec_of(_one(db, session.workspace_id, schedule_id)).cadence
    return {"schedule_id": schedule_id, "zone": cadence.zone, "next": _upcoming(cadence, count)}


@bp.post("/schedules/next")
def preview_next() -> ResponseReturnValue:
    """The next five send times of an unsaved schedule (the form's preview), in its own zone."""
    cadence = spec_from_body(json_object(request)).cadence
    return {"zone": cadence.zone, "next": _upcoming(cadence, 5)}


def _upcoming(cadence: Cadence, count: int) -> list[dict[str, str]]:
    sends: list[dict[str, str]] = []
    after = runtime().now()
    for _ in range(count):
        occurrence = next_occurrence(cadence, after)
        sends.append({"due": occurrence.due.isoformat(), "at": _local(occurrence.at, cadence.zone)})
        after = occurrence.at
    return sends


@bp.get("/deliveries")
def list_deliveries() -> ResponseReturnValue:
    rt, session = runtime(), current_session()
    limit = _int_arg("limit", 50, MAX_LOG)
    with rt.sessions.begin() as db:
        runs = store.delivery_log(db, session.workspace_id, limit)
        return {"deliveries": [delivery_json(run) for run in runs]}


@bp.post("/deliveries/<int:run_id>/resend")
def resend_delivery(run_id: int) -> ResponseReturnValue:
    """Re-open a failed run; the next scheduler tick sends it again with the same Message-ID."""
    rt, session = runtime(), current_session()
    with rt.sessions.begin() as db:
        run = None
        if run_id <= MAX_ID:
            run = db.scalars(
                select(DeliveryRun)
                .where(DeliveryRun.workspace_id == session.workspace_id)
                .where(DeliveryRun.id == run_id)
            ).one_or_none()
        if run is None:
            raise NotFound(f"delivery run {run_id} does not exist")
        if run.state != DeliveryState.FAILED.value:
            raise Conflict(f"delivery run {run_id} is {run.state}; only failed runs are re-sent")
        if not store.reset_for_resend(db, session.workspace_id, run_id, rt.now()):
            raise Conflict(f"delivery run {run_id} changed meanwhile; reload and try again")
        db.refresh(run)
        return delivery_json(run), 202
