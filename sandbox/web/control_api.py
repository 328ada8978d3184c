"""The control API: what tests and benches in another process turn, as JSON under `/sandbox`.

::

    POST   /sandbox/generate                     {seed, entries, expenses, start, end, ...} -> 201
    POST   /sandbox/workspaces/<ws>/faults       a fault (see `sandbox/faults.py`)          -> 201
    GET    /sandbox/workspaces/<ws>/faults       {"pending": [{...fault, "remaining"}]}
    DELETE /sandbox/workspaces/<ws>/faults       forget them                                -> 204
    GET    /sandbox/workspaces/<ws>/shape        the ShapeMode, camelCase
    PUT    /sandbox/workspaces/<ws>/shape        {"preset": "official|live|guide", field: choice}
    PATCH  /sandbox/workspaces/<ws>/shape        {field: choice} over the current mode
    GET    /sandbox/workspaces/<ws>/behaviour    the Behaviour, camelCase, and the plan
    PUT    /sandbox/workspaces/<ws>/behaviour    {"preset": name, field: value}: a preset (its
                                                 behaviour, shape and plan), then the fields
    GET    /sandbox/workspaces/<ws>/rate-limit   {"limit", "window", "retryAfter"}
    PUT    /sandbox/workspaces/<ws>/rate-limit   the same fields (each optional)
    GET    /sandbox/requests?workspace=<ws>      {"requests": [...], "busiestSecond": n}
    DELETE /sandbox/requests                     forget the log                             -> 204
    GET    /sandbox/user-tokens                  {"lifetimeSeconds", "refreshes"}
    PUT    /sandbox/user-tokens                  {"lifetimeSeconds": n}, 1 to 86400

`user-tokens`: `lifetimeSeconds` is how long the user tokens the shell mints live (page views and
`refreshAddonToken` alike; Clockify's 1800 by default), `refreshes` how many the shell handed
out through `refreshAddonToken` since the last reset.

`behaviour` plays either side of what real Clockify may do (`sandbox/behaviour.py`: silent page
caps, a FREE range served in part, 401 for a missing scope, row variants, an hourly quota).

In-process tests can use the same objects directly: `state.faults`, `state.set_shape`,
`state.set_behaviour`, `state.apply_preset`,
`state.limiter`, `state.recorder`, `state.set_user_token_seconds`, `state.token_refreshes`,
`generate_workspace(state, ...)`.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import date
from typing import Any

from flask import Blueprint, request
from flask.typing import ResponseReturnValue

from sandbox.behaviour import PRESETS, Behaviour
from sandbox.errors import SandboxError
from sandbox.faults import Fault
from sandbox.generator import generate_workspace
from sandbox.limiter import RatePolicy
from sandbox.recorder import busiest_window
from sandbox.shapes import GUIDE, LIVE, OFFICIAL, ShapeMode
from sandbox.web import context

__all__ = ["bp"]

bp = Blueprint("control_api", __name__, url_prefix="/sandbox")
_PRESETS = {"official": OFFICIAL, "live": LIVE, "guide": GUIDE}
_WS = "/workspaces/<workspace_id>"


def _object() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise SandboxError("the body must be a JSON object")
    return body


@bp.post("/generate")
def generate() -> ResponseReturnValue:
    body = _object()
    try:
        workspace = generate_workspace(
            context().state,
            int(body["seed"]),
            entries=int(body.get("entries", 200)),
            expenses=int(body.get("expenses", 20)),
            start=date.fromisoformat(body["start"]),
            end=date.fromisoformat(body["end"]),
            plan=str(body.get("plan", "PRO")),
            region=body.get("region"),
            subdomain=body.get("subdomain"),
            name=body.get("name"),
            users=int(body.get("users", 5)),
            currencies=tuple(body.get("currencies", ("EUR", "USD", "GBP"))),
            time_zone=str(body.get("timeZone", "Europe/Berlin")),
            non_work=int(body.get("nonWork", 0)),
        )
    except KeyError as exc:
        raise SandboxError(f"{exc.args[0]} is required") from None
    except (TypeError, ValueError) as exc:
        raise SandboxError(str(exc)) from None
    return {
        "id": workspace.id,
        "name": workspace.name,
        "region": workspace.region,
        "subdomain": workspace.subdomain,
    }, 201


@bp.post(f"{_WS}/faults")
def add_fault(workspace_id: str) -> ResponseReturnValue:
    state = context().state
    state.workspace(workspace_id)
    try:
        fault = Fault.from_json(_object())
    except ValueError as exc:
        raise SandboxError(str(exc)) from None
    state.faults.inject(workspace_id, fault)
    return _faults(workspace_id), 201


@bp.get(f"{_WS}/faults")
def list_faults(workspace_id: str) -> ResponseReturnValue:
    context().state.workspace(workspace_id)
    return _faults(workspace_id)


@bp.delete(f"{_WS}/faults")
def clear_faults(workspace_id: str) -> ResponseReturnValue:
    context().state.faults.clear(workspace_id)
    return "", 204


@bp.get(f"{_WS}/shape")
def get_shape(workspace_id: str) -> ResponseReturnValue:
    state = context().state
    state.workspace(workspace_id)
    return state.shape(workspace_id).as_json()


@bp.put(f"{_WS}/shape")
@bp.patch(f"{_WS}/shape")
def set_shape(workspace_id: str) -> ResponseReturnValue:
    state = context().state
    state.workspace(workspace_id)
    body = dict(_object())
    preset = body.pop("preset", None)
    if preset is not None and preset not in _PRESETS:
        raise SandboxError(f"preset must be one of {', '.join(_PRESETS)}")
    base = _PRESETS[preset] if preset else None
    if request.method == "PATCH" and base is None:
        base = state.shape(workspace_id)
    try:
        shape = ShapeMode.from_json(body, base)
    except (TypeError, ValueError) as exc:
        raise SandboxError(str(exc)) from None
    state.set_shape(workspace_id, shape)
    return shape.as_json()


@bp.get(f"{_WS}/behaviour")
def get_behaviour(workspace_id: str) -> ResponseReturnValue:
    state = context().state
    found = state.workspace(workspace_id)
    return {**state.behaviour(workspace_id).as_json(), "plan": found.plan}


@bp.put(f"{_WS}/behaviour")
def set_behaviour(workspace_id: str) -> ResponseReturnValue:
    state = context().state
    found = state.workspace(workspace_id)
    body = dict(_object())
    preset = body.pop("preset", None)
    if preset is not None and preset not in PRESETS:
        raise SandboxError(f"preset must be one of {', '.join(PRESETS)}")
    try:  # everything is checked before anything changes
        behaviour = Behaviour.from_json(body, PRESETS[preset].behaviour if preset else None)
    except (TypeError, ValueError) as exc:
        raise SandboxError(str(exc)) from None
    if preset is not None:
        state.apply_preset(workspace_id, preset)
    state.set_behaviour(workspace_id, behaviour)
    return {**behaviour.as_json(), "plan": found.plan}


@bp.get(f"{_WS}/rate-limit")
def get_rate_limit(workspace_id: str) -> ResponseReturnValue:
    state = context().state
    state.workspace(workspace_id)
    return _policy_json(state.limiter.policy(workspace_id))


@bp.put(f"{_WS}/rate-limit")
def set_rate_limit(workspace_id: str) -> ResponseReturnValue:
    state = context().state
    state.workspace(workspace_id)
    body = _object()
    current = state.limiter.policy(workspace_id)
    try:
        policy = replace(
            current,
            limit=int(body.get("limit", current.limit)),
            window=float(body.get("window", current.window)),
            retry_after=bool(body.get("retryAfter", current.retry_after)),
        )
    except (TypeError, ValueError) as exc:
        raise SandboxError(str(exc)) from None
    state.limiter.configure(workspace_id, policy)
    return _policy_json(policy)


@bp.get("/requests")
def requests_log() -> ResponseReturnValue:
    records = context().state.recorder.records(request.args.get("workspace"))
    return {
        "requests": [
            {
                "monotonic": r.monotonic,
                "wall": r.wall.isoformat(),
                "workspaceId": r.workspace_id,
                "method": r.method,
                "path": r.path,
                "status": r.status,
            }
            for r in records
        ],
        "busiestSecond": busiest_window(records),
    }


@bp.delete("/requests")
def clear_requests() -> ResponseReturnValue:
    context().state.recorder.reset()
    return "", 204


@bp.get("/user-tokens")
def get_user_tokens() -> ResponseReturnValue:
    return _user_tokens_json()


@bp.put("/user-tokens")
def set_user_tokens() -> ResponseReturnValue:
    seconds = _object().get("lifetimeSeconds")
    if isinstance(seconds, bool) or not isinstance(seconds, int):
        raise SandboxError("lifetimeSeconds must be a whole number of seconds")
    try:
        context().state.set_user_token_seconds(seconds)
    except ValueError as exc:
        raise SandboxError(str(exc)) from None
    return _user_tokens_json()


def _user_tokens_json() -> dict[str, Any]:
    state = context().state
    with state.lock:
        return {"lifetimeSeconds": state.user_token_seconds, "refreshes": state.token_refreshes}


def _faults(workspace_id: str) -> dict[str, Any]:
    pending = context().state.faults.pending(workspace_id)
    return {"pending": [{**fault.as_json(), "remaining": left} for fault, left in pending]}


def _policy_json(policy: RatePolicy) -> dict[str, Any]:
    values = asdict(policy)
    return {
        "limit": values["limit"],
        "window": values["window"],
        "retryAfter": values["retry_after"],
    }
