"""`/api/schedules` and `/api/deliveries`: the sidebar's schedule tools, as JSON.

Every request carries a sidebar session (`addon.web.session.guard_api`): owners and admins
only, on reads too, because the sidebar refuses everyone else. Every query is filtered by the
session's workspace, and a schedule or run of another workspace answers 404 exactly like one
that does not exist, so ids leak nothing. Input goes through `ScheduleSpec.from_json`, the same
validation as the CLI (`addon.schedule_cli`): an `InvalidSchedule` answers 422 naming `field`.
"""

from __future__ import annotations

from typing import Any, Final

from flask import Blueprint, request
from flask.typing import ResponseReturnValue

from addon.errors import BadRequest
from addon.services import schedules
from addon.services.schedule_spec import ScheduleSpec
from addon.web import runtime
from addon.web.requests import json_object
from addon.web.session import current_session, guard_api

__all__ = ["bp", "spec_from_body"]

bp = Blueprint("api_schedules", __name__, url_prefix="/api")
guard_api(bp)

MAX_NEXT: Final = 50
MAX_LOG: Final = 200


def spec_from_body(body: dict[str, Any]) -> ScheduleSpec:
    """The spec a request body defines; unknown fields, read-only fields and the JSON's field
    names are `ScheduleSpec.from_json`'s (through `addon.services.bodies.ScheduleInput`)."""
    return ScheduleSpec.from_json(body)


def _int_arg(name: str, default: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= high:
        raise BadRequest(f"{name} must be a whole number from 1 to {high}")
    return int(raw)


@bp.get("/schedules")
def list_schedules() -> ResponseReturnValue:
    return {"schedules": schedules.schedules(runtime(), current_session().workspace_id)}


@bp.post("/schedules")
def create_schedule() -> ResponseReturnValue:
    session, spec = current_session(), spec_from_body(json_object(request))
    body = schedules.create(runtime(), session.workspace_id, spec, created_by=session.user_id)
    return body, 201, {"Location": f"/api/schedules/{body['id']}"}


@bp.get("/schedules/<int:schedule_id>")
def get_schedule(schedule_id: int) -> ResponseReturnValue:
    return schedules.get(runtime(), current_session().workspace_id, schedule_id)


@bp.put("/schedules/<int:schedule_id>")
def replace_schedule(schedule_id: int) -> ResponseReturnValue:
    rt, workspace_id, body = runtime(), current_session().workspace_id, json_object(request)
    schedules.get(rt, workspace_id, schedule_id)  # 404 before 422: existence first
    return schedules.replace(rt, workspace_id, schedule_id, spec_from_body(body))


@bp.delete("/schedules/<int:schedule_id>")
def delete_schedule(schedule_id: int) -> ResponseReturnValue:
    schedules.delete(runtime(), current_session().workspace_id, schedule_id)
    return "", 204


@bp.post("/schedules/<int:schedule_id>/pause")
def pause_schedule(schedule_id: int) -> ResponseReturnValue:
    return schedules.pause(runtime(), current_session().workspace_id, schedule_id)


@bp.post("/schedules/<int:schedule_id>/resume")
def resume_schedule(schedule_id: int) -> ResponseReturnValue:
    return schedules.resume_schedule(runtime(), current_session().workspace_id, schedule_id)


@bp.get("/schedules/<int:schedule_id>/next")
def next_sends(schedule_id: int) -> ResponseReturnValue:
    """The next `count` send times (default 5, at most 50), in the schedule's own zone."""
    count = _int_arg("count", 5, MAX_NEXT)
    return schedules.next_sends(runtime(), current_session().workspace_id, schedule_id, count)


@bp.post("/schedules/next")
def preview_next() -> ResponseReturnValue:
    """The next five send times of an unsaved schedule (the form's preview), in its own zone."""
    cadence = spec_from_body(json_object(request)).cadence
    return {"zone": cadence.zone, "next": schedules.upcoming(runtime(), cadence, 5)}


@bp.get("/deliveries")
def list_deliveries() -> ResponseReturnValue:
    limit = _int_arg("limit", 50, MAX_LOG)
    return {"deliveries": schedules.deliveries(runtime(), current_session().workspace_id, limit)}


@bp.post("/deliveries/<int:run_id>/resend")
def resend_delivery(run_id: int) -> ResponseReturnValue:
    """Re-open a failed run; the next scheduler tick sends it again with the same Message-ID."""
    return schedules.resend(runtime(), current_session().workspace_id, run_id), 202
