"""The installer API: what an admin does in Clockify's UI, as JSON for tests and the demo.

::

    GET    /sandbox/public-key                          the PEM tokens are signed with
    POST   /sandbox/reset                               back to the seeded state (204)
    GET    /sandbox/workspaces                          workspaces, members, installations
    POST   /sandbox/workspaces/<ws>/addons              {"manifestUrl"}      -> 201
    GET    /sandbox/workspaces/<ws>/addons/<id>         status, settings, delivery log
    PATCH  /sandbox/workspaces/<ws>/addons/<id>/settings  [{"id", "value"}]
    POST   /sandbox/workspaces/<ws>/addons/<id>/status    {"status": "ACTIVE"|"INACTIVE"}
    DELETE /sandbox/workspaces/<ws>/addons/<id>
    POST   /sandbox/workspaces/<ws>/addons/<id>/redeliver {"type": "INSTALLED"|...}

`?as=<userId>` picks the acting user (default: the owner). Actions answer
`{addonId, lifecycleStatus}`: the add-on's HTTP status for the lifecycle request, `null` when
none was sent, plus `lifecycleError` when the add-on could not be reached. Tokens never appear
in these answers; they only travel to the add-on, as in Clockify.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request
from flask.typing import ResponseReturnValue

from sandbox.errors import SandboxError
from sandbox.state import Delivery, Installation, Workspace
from sandbox.web import api_urls, context

__all__ = ["bp"]

bp = Blueprint("installer_api", __name__, url_prefix="/sandbox")
_ADDON = "/workspaces/<workspace_id>/addons/<addon_id>"


def _body(kind: type[dict[str, Any]] | type[list[Any]]) -> Any:
    body = request.get_json(silent=True)
    if not isinstance(body, kind):
        raise SandboxError(f"the body must be a JSON {'object' if kind is dict else 'list'}")
    return body


def _actor() -> str | None:
    return request.args.get("as") or None


def _outcome(addon_id: str, delivery: Delivery | None, **extra: Any) -> dict[str, Any]:
    answer: dict[str, Any] = {"addonId": addon_id, **extra}
    answer["lifecycleStatus"] = delivery.status_code if delivery else None
    if delivery is not None and delivery.error is not None:
        answer["lifecycleError"] = delivery.error
    return answer


def _workspace_json(workspace: Workspace, installations: list[Installation]) -> dict[str, Any]:
    return {
        "id": workspace.id,
        "name": workspace.name,
        "plan": workspace.plan,
        "currency": workspace.currency,
        "timeZone": workspace.time_zone,
        "region": workspace.region,
        "subdomain": workspace.subdomain,
        "users": [
            {"id": u.id, "name": u.name, "email": u.email, "role": u.role.value}
            for u in workspace.users.values()
        ],
        "addons": [i.addon_id for i in installations],
    }


@bp.get("/public-key")
def public_key() -> ResponseReturnValue:
    return Response(context().issuer.public_key_pem, mimetype="text/plain")


@bp.post("/reset")
def reset() -> ResponseReturnValue:
    context().state.reset()
    return "", 204


@bp.get("/workspaces")
def workspaces() -> ResponseReturnValue:
    state = context().state
    with state.lock:
        return [_workspace_json(w, state.installations_of(w.id)) for w in state.workspaces.values()]


@bp.post("/workspaces/<workspace_id>/addons")
def install(workspace_id: str) -> ResponseReturnValue:
    manifest_url = _body(dict).get("manifestUrl")
    if not isinstance(manifest_url, str) or not manifest_url:
        raise SandboxError("manifestUrl is required")
    sandbox = context()
    urls = api_urls(sandbox.state.workspace(workspace_id))
    installation, delivery = sandbox.installer.install(
        workspace_id, manifest_url, actor_id=_actor(), urls=urls
    )
    return _outcome(installation.addon_id, delivery), 201


@bp.get(_ADDON)
def installation(workspace_id: str, addon_id: str) -> ResponseReturnValue:
    state = context().state
    with state.lock:
        found = state.installation(workspace_id, addon_id)
        return {
            "addonId": found.addon_id,
            "workspaceId": found.workspace_id,
            "key": found.manifest.key,
            "name": found.manifest.name,
            "baseUrl": found.base_url,
            "status": found.status.value,
            "settings": [
                {"id": s.id, "name": s.name, "value": found.settings[s.id]}
                for s in found.manifest.settings
            ],
            "deliveries": [
                {"type": d.event.value, "url": d.url, "statusCode": d.status_code, "error": d.error}
                for d in found.deliveries
            ],
        }


@bp.patch(f"{_ADDON}/settings")
def update_settings(workspace_id: str, addon_id: str) -> ResponseReturnValue:
    delivery = context().installer.update_settings(
        workspace_id, addon_id, _body(list), actor_id=_actor()
    )
    return _outcome(addon_id, delivery)


@bp.post(f"{_ADDON}/status")
def change_status(workspace_id: str, addon_id: str) -> ResponseReturnValue:
    status = str(_body(dict).get("status"))
    delivery = context().installer.change_status(workspace_id, addon_id, status, actor_id=_actor())
    return _outcome(addon_id, delivery, status=status)


@bp.delete(_ADDON)
def uninstall(workspace_id: str, addon_id: str) -> ResponseReturnValue:
    delivery = context().installer.uninstall(workspace_id, addon_id, actor_id=_actor())
    return _outcome(addon_id, delivery)


@bp.post(f"{_ADDON}/redeliver")
def redeliver(workspace_id: str, addon_id: str) -> ResponseReturnValue:
    event = str(_body(dict).get("type"))
    delivery = context().installer.redeliver(workspace_id, addon_id, event)
    return _outcome(addon_id, delivery, type=delivery.event.value)
