"""Clockify's regular API (`{backendUrl}/v1/...`, `{backendUrl}/addon/...`): reads, one write.

::

    GET   /v1/workspaces/<ws>                            WorkspaceDtoV1          WORKSPACE_READ
    GET   /v1/workspaces/<ws>/users                      [UserDtoV1]             USER_READ
    GET   /v1/workspaces/<ws>/clients[/<id>]             [ClientWithCurrencyDtoV1] CLIENT_READ
    GET   /v1/workspaces/<ws>/projects[/<id>]            [ProjectDtoV1]          PROJECT_READ
    GET   /v1/workspaces/<ws>/projects/<id>/tasks        [TaskDtoV1]             TASK_READ
    GET   /v1/workspaces/<ws>/tags                       [TagDtoV1]              TAG_READ
    PATCH /v1/workspaces/<ws>/time-entries/invoiced      200, no body            TIME_ENTRY_WRITE
    GET   /addon/workspaces/<ws>/settings                {tabs: [...]}           (any token)
    GET   /addon/workspaces/<ws>/user                    UserDtoV1 of the token  (any token)

`create_sandbox_app` mounts this blueprint at `/api` (global) and `/regions/<region>/api` (a
subdomain workspace's regular API stays on its region's host); the gate (`web/gate.py`) reads the
region and refuses a token whose workspace lives elsewhere. Lists take the query parameters their
OpenAPI operation lists (filters, `sort-column`, `sort-order`) and paginate with `page` (1-based)
and the hyphenated `page-size` (default 50); each answer says `Last-Page: true|false`, as
documented in every spec's "Pagination" section. A camelCase `pageSize` is ignored, as it is live
(reports-api.md §5). An unknown project or client is 400 code 501, as Clockify answers
(reports-api.md §6.7).

The one write marks time entries invoiced or not: body `{"timeEntryIds": [...], "invoiced":
true}`, both required (reports-api.md §6.5). It is all or nothing: an id that is not a time entry
of this workspace is 400 code 501 naming it, and nothing changes. Reports asked afterwards see
the new state (`invoicingState`). The success answer, 200 with an empty body, is an assumption:
no source shows what Clockify returns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from flask import Blueprint, Response, g, jsonify, request
from flask.typing import ResponseReturnValue

from sandbox.api_dtos import (
    client_dto,
    project_dto,
    settings_dto,
    tag_dto,
    task_dto,
    user_dto,
    workspace_dto,
)
from sandbox.errors import ClockifyApiError
from sandbox.web import context
from sandbox.web.gate import install_gate, installation, requires, workspace

__all__ = ["bp"]

bp = Blueprint("api", __name__)
install_gate(bp)
T = TypeVar("T")
_WS = "/v1/workspaces/<workspace_id>"
# Not documented by Clockify (reports-api.md §6.5 names no limit): 1,000 ids, counted as sent
# (duplicates included), is the sandbox's own bound, so an add-on batches a large invoice
# here as it would have to against whatever limit Clockify really has.
MAX_INVOICED_IDS = 1000


@bp.get(_WS)
@requires("WORKSPACE_READ")
def get_workspace(workspace_id: str) -> ResponseReturnValue:
    with context().state.lock:
        return workspace_dto(workspace())


@bp.get(f"{_WS}/users")
@requires("USER_READ")
def users(workspace_id: str) -> ResponseReturnValue:
    memberships = _choice(
        "memberships", ("ALL", "NONE", "WORKSPACE", "PROJECT", "USERGROUP"), "NONE"
    )
    status = _choice("status", ("PENDING", "ACTIVE", "DECLINED", "INACTIVE", "ALL"), "ALL")
    email, name = _text("email"), _text("name")
    project_id = request.args.get("project-id")
    with context().state.lock:
        ws = workspace()
        project = ws.projects.get(project_id) if project_id else None
        found = [
            u
            for u in ws.users.values()
            if status in ("ACTIVE", "ALL")
            and email in u.email.lower()
            and name in u.name.lower()
            and (project_id is None or (project is not None and project.member(u.id)))
        ]
        sorts = {"ID": "id", "EMAIL": "email", "NAME": "name", "NAME_LOWERCASE": "name"}
        found = _sorted(found, sorts, "EMAIL")
        return _paged(found, lambda u: user_dto(ws, u, memberships))


@bp.get(f"{_WS}/clients")
@requires("CLIENT_READ")
def clients(workspace_id: str) -> ResponseReturnValue:
    name, archived = _text("name"), _flag("archived")
    with context().state.lock:
        ws = workspace()
        found = [
            c
            for c in ws.clients.values()
            if name in c.name.lower() and archived in (None, c.archived)
        ]
        found = _sorted(found, {"ID": "id", "NAME": "name"}, "NAME")
        return _paged(found, lambda c: client_dto(ws, c))


@bp.get(f"{_WS}/clients/<client_id>")
@requires("CLIENT_READ")
def client(workspace_id: str, client_id: str) -> ResponseReturnValue:
    with context().state.lock:
        ws = workspace()
        found = ws.clients.get(client_id)
        if found is None:
            raise ClockifyApiError("Client doesn't belong to Workspace")
        return client_dto(ws, found)


@bp.get(f"{_WS}/projects")
@requires("PROJECT_READ")
def projects(workspace_id: str) -> ResponseReturnValue:
    name, archived, billable = _text("name"), _flag("archived"), _flag("billable")
    strict = _flag("strict-name-search") is True
    hydrated = _flag("hydrated") is True
    client_ids = set(request.args.getlist("clients"))
    with_clients = _flag("contains-client") is not False
    with context().state.lock:
        ws = workspace()
        found = [
            p
            for p in ws.projects.values()
            if (p.name.lower() == name if strict and name else name in p.name.lower())
            and archived in (None, p.archived)
            and billable in (None, p.billable)
            and (not client_ids or ((p.client_id or "") in client_ids) is with_clients)
        ]
        found = _sorted(found, {"ID": "id", "NAME": "name"}, "NAME")
        return _paged(found, lambda p: project_dto(ws, p, hydrated=hydrated))


@bp.get(f"{_WS}/projects/<project_id>")
@requires("PROJECT_READ")
def project(workspace_id: str, project_id: str) -> ResponseReturnValue:
    with context().state.lock:
        ws = workspace()
        found = ws.projects.get(project_id)
        if found is None:
            raise ClockifyApiError("Project doesn't belong to Workspace")
        return project_dto(ws, found, hydrated=_flag("hydrated") is True)


@bp.get(f"{_WS}/projects/<project_id>/tasks")
@requires("TASK_READ")
def tasks(workspace_id: str, project_id: str) -> ResponseReturnValue:
    name, active = _text("name"), _flag("is-active") is True
    with context().state.lock:
        ws = workspace()
        if project_id not in ws.projects:
            raise ClockifyApiError("Project doesn't belong to Workspace")
        found = [
            t
            for t in ws.tasks.values()
            if t.project_id == project_id
            and name in t.name.lower()
            and (not active or t.status == "ACTIVE")
        ]
        found = _sorted(found, {"ID": "id", "NAME": "name"}, "ID")
        return _paged(found, lambda t: task_dto(ws, t))


@bp.get(f"{_WS}/tags")
@requires("TAG_READ")
def tags(workspace_id: str) -> ResponseReturnValue:
    name, archived = _text("name"), _flag("archived")
    excluded = set(request.args.getlist("excluded-ids"))
    with context().state.lock:
        ws = workspace()
        found = [
            t
            for t in ws.tags.values()
            if name in t.name.lower() and archived in (None, t.archived) and t.id not in excluded
        ]
        found = _sorted(found, {"ID": "id", "NAME": "name"}, "NAME")
        return _paged(found, lambda t: tag_dto(ws, t))


@bp.patch(f"{_WS}/time-entries/invoiced")
@requires("TIME_ENTRY_WRITE")
def mark_invoiced(workspace_id: str) -> ResponseReturnValue:
    entry_ids, invoiced = _invoiced_body(request.get_json(force=True, silent=True))
    with context().state.lock:
        try:
            workspace().set_invoiced(entry_ids, invoiced)
        except KeyError as exc:
            raise ClockifyApiError(
                f"Time entry {exc.args[0]} doesn't belong to Workspace"
            ) from None
    return "", 200


@bp.get("/addon/workspaces/<workspace_id>/settings")
def addon_settings(workspace_id: str) -> ResponseReturnValue:
    found = installation()
    with context().state.lock:
        return settings_dto(found.manifest, dict(found.settings))


@bp.get("/addon/workspaces/<workspace_id>/user")
def addon_user(workspace_id: str) -> ResponseReturnValue:
    """The token's user (installation tokens: the owner), as the weather example reads it."""
    with context().state.lock:
        ws = workspace()
        return user_dto(ws, ws.users.get(g.get("token_user") or "") or ws.owner, "NONE")


def _invoiced_body(body: Any) -> tuple[list[str], bool]:
    """`timeEntryIds` and `invoiced` of a mark-invoiced body; unparsable JSON arrives as None."""
    if not isinstance(body, dict):
        raise ClockifyApiError("The request body must be a JSON object")
    entry_ids, invoiced = body.get("timeEntryIds"), body.get("invoiced")
    if entry_ids is None:
        raise ClockifyApiError("timeEntryIds is required: a list of time entry ids")
    if not isinstance(entry_ids, list) or not all(isinstance(i, str) for i in entry_ids):
        raise ClockifyApiError("timeEntryIds must be a list of time entry ids (strings)")
    if not entry_ids:
        raise ClockifyApiError("timeEntryIds must not be empty")
    if len(entry_ids) > MAX_INVOICED_IDS:
        raise ClockifyApiError(
            f"timeEntryIds must not list more than {MAX_INVOICED_IDS} ids (got {len(entry_ids)})"
        )
    if invoiced is None:
        raise ClockifyApiError("invoiced is required: true or false")
    if not isinstance(invoiced, bool):
        raise ClockifyApiError("invoiced must be true or false")
    return entry_ids, invoiced


def _paged(items: Sequence[T], render: Callable[[T], dict[str, Any]]) -> Response:
    page, size = _number("page", 1), _number("page-size", 50)
    chunk = items[(page - 1) * size : page * size]
    response = jsonify([render(item) for item in chunk])
    response.headers["Last-Page"] = "true" if page * size >= len(items) else "false"
    return response


def _sorted(items: list[T], columns: dict[str, str], default: str) -> list[T]:
    column = _choice("sort-column", tuple(columns), default)
    descending = _choice("sort-order", ("ASCENDING", "DESCENDING"), "ASCENDING") == "DESCENDING"
    attribute = columns[column]
    return sorted(items, key=lambda item: str(getattr(item, attribute)).lower(), reverse=descending)


def _number(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ClockifyApiError(f"{name} must be a whole number of at least 1")
    return int(raw)


def _choice(name: str, allowed: tuple[str, ...], default: str) -> str:
    value = request.args.get(name, default)
    if value not in allowed:
        raise ClockifyApiError(f"{name} must be one of {', '.join(allowed)}")
    return value


def _flag(name: str) -> bool | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    if raw.lower() not in ("true", "false"):
        raise ClockifyApiError(f"{name} must be true or false")
    return raw.lower() == "true"


def _text(name: str) -> str:
    return request.args.get(name, "").lower()
