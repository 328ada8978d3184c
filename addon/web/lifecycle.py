"""Lifecycle callbacks: INSTALLED, DELETED, STATUS_CHANGED, SETTINGS_UPDATED.

Order of checks, the same for all four: the `X-Addon-Lifecycle-Token` is verified (401), the
body is read as JSON (415/400/413), the body's workspace and add-on ids must be the token's
(401), and only then does a use case (`addon.services.installations`) touch the database,
inside one transaction. A rejected request therefore stores nothing. Every callback is
idempotent.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue

from addon.errors import BadRequest, InvalidToken
from addon.logs import bind_log_context
from addon.manifest import LIFECYCLE_PATHS
from addon.observe.metrics import lifecycle_event
from addon.runtime import Runtime
from addon.services import installations
from addon.services.installations import (
    InstallationStatus,
    NewInstallation,
    NewWebhook,
    Outcome,
)
from addon.verify.tokens import ClockifyClaims, TokenKind
from addon.web import runtime
from addon.web.requests import json_object, optional_id, required_id, required_url

__all__ = ["bp"]

log = logging.getLogger(__name__)
bp = Blueprint("lifecycle", __name__)

LIFECYCLE_HEADER = "X-Addon-Lifecycle-Token"
_MAX_SETTINGS = 200
_MAX_WEBHOOKS = 50


def _verified(rt: Runtime) -> tuple[ClockifyClaims, dict[str, Any]]:
    claims = rt.verifier.verify(
        request.headers.get(LIFECYCLE_HEADER), kind=TokenKind.LIFECYCLE, now=rt.clock()
    )
    body = json_object(request)
    workspace_id = required_id(body, "workspaceId")
    addon_id = required_id(body, "addonId")
    if claims.workspace_id != workspace_id:
        raise InvalidToken("lifecycle token was issued for another workspace")
    if claims.addon_id is not None and claims.addon_id != addon_id:
        raise InvalidToken("lifecycle token was issued for another installation")
    bind_log_context(workspace_id=workspace_id)  # verified; until the request ends
    return claims, body


def _event_time(rt: Runtime, claims: ClockifyClaims) -> datetime:
    """When Clockify says the event happened (`iat`), else when we received it."""
    if claims.issued_at is not None:
        return datetime.fromtimestamp(claims.issued_at, UTC)
    return rt.now()


def _answer(outcome: Outcome, event: str, workspace_id: str) -> ResponseReturnValue:
    log.info("lifecycle %s: %s", event, outcome.value, extra={"workspace_id": workspace_id})
    lifecycle_event(event.lower())
    return jsonify({"result": outcome.value})


def _parse_installed(rt: Runtime, body: dict[str, Any]) -> NewInstallation:
    workspace_id = required_id(body, "workspaceId")
    addon_id = required_id(body, "addonId")
    https_only = rt.settings.is_production
    token = body.get("authToken")
    if not isinstance(token, str) or not token:
        raise BadRequest("authToken is missing")
    installation = rt.verifier.verify(token, kind=TokenKind.INSTALLATION, now=rt.clock())
    if installation.workspace_id != workspace_id or installation.addon_id != addon_id:
        raise InvalidToken("installation token was issued for another installation")
    assert installation.backend_url is not None and installation.reports_url is not None  # noqa: S101  # required for this kind
    for name, url in (
        ("backendUrl", installation.backend_url),
        ("reportsUrl", installation.reports_url),
    ):
        if https_only and not url.startswith("https://"):
            raise InvalidToken(f"installation token claim {name} must be https")
    return NewInstallation(
        workspace_id=workspace_id,
        addon_id=addon_id,
        installed_by=optional_id(body, "asUser"),
        addon_user_id=optional_id(body, "addonUserId"),
        owner_user_id=installation.user_id,
        token=token,
        token_issued_at=(
            datetime.fromtimestamp(installation.issued_at, UTC)
            if installation.issued_at is not None
            else None
        ),
        api_url=required_url(body, "apiUrl", https_only=https_only),
        backend_url=installation.backend_url,
        reports_url=installation.reports_url,
        webhooks=_parse_webhooks(rt, body.get("webhooks"), workspace_id),
    )


def _parse_webhooks(rt: Runtime, value: Any, workspace_id: str) -> tuple[NewWebhook, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) > _MAX_WEBHOOKS:
        raise BadRequest(f"webhooks must be a list of at most {_MAX_WEBHOOKS} objects")
    hooks = []
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise BadRequest(f"webhooks[{index}] must be an object")
        path, kind, token = (
            item.get("path"),
            item.get("webhookType", "ADDON"),
            item.get("authToken"),
        )
        if not isinstance(path, str) or not path or len(path) > 2048:
            raise BadRequest(f"webhooks[{index}].path is missing")
        if not isinstance(kind, str) or len(kind) > 32:
            raise BadRequest(f"webhooks[{index}].webhookType is invalid")
        if not isinstance(token, str) or not token:
            raise BadRequest(f"webhooks[{index}].authToken is missing")
        claims = rt.verifier.verify(token, kind=TokenKind.WEBHOOK, now=rt.clock())
        if claims.workspace_id != workspace_id:
            raise InvalidToken(f"webhooks[{index}] token was issued for another workspace")
        hooks.append(NewWebhook(path=path, webhook_type=kind, token=token))
    return tuple(hooks)


@bp.post(LIFECYCLE_PATHS["INSTALLED"])
def installed() -> ResponseReturnValue:
    rt = runtime()
    claims, body = _verified(rt)
    event = _parse_installed(rt, body)
    outcome = installations.install(rt, event, _event_time(rt, claims))
    return _answer(outcome, "INSTALLED", event.workspace_id)


@bp.post(LIFECYCLE_PATHS["DELETED"])
def deleted() -> ResponseReturnValue:
    rt = runtime()
    _claims, body = _verified(rt)
    workspace_id, addon_id = body["workspaceId"], body["addonId"]
    optional_id(body, "asUser")
    outcome = installations.uninstall(rt, workspace_id, addon_id)
    return _answer(outcome, "DELETED", workspace_id)


@bp.post(LIFECYCLE_PATHS["STATUS_CHANGED"])
def status_changed() -> ResponseReturnValue:
    rt = runtime()
    claims, body = _verified(rt)
    try:
        status = InstallationStatus(str(body.get("status")))
    except ValueError:
        raise BadRequest("status must be ACTIVE or INACTIVE") from None
    workspace_id, addon_id = body["workspaceId"], body["addonId"]
    event_at = _event_time(rt, claims)
    outcome = installations.change_status(rt, workspace_id, addon_id, status, event_at)
    return _answer(outcome, "STATUS_CHANGED", workspace_id)


@bp.post(LIFECYCLE_PATHS["SETTINGS_UPDATED"])
def settings_updated() -> ResponseReturnValue:
    rt = runtime()
    claims, body = _verified(rt)
    settings = _parse_settings(body.get("settings"))
    workspace_id, addon_id = body["workspaceId"], body["addonId"]
    event_at = _event_time(rt, claims)
    outcome = installations.update_settings(rt, workspace_id, addon_id, settings, event_at)
    return _answer(outcome, "SETTINGS_UPDATED", workspace_id)


def _parse_settings(value: Any) -> list[dict[str, Any]]:
    """The documented flat list `[{id, name, value}]`; values are scalars or lists of scalars."""
    if not isinstance(value, list) or len(value) > _MAX_SETTINGS:
        raise BadRequest(f"settings must be a list of at most {_MAX_SETTINGS} objects")
    parsed: list[dict[str, Any]] = []
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise BadRequest(f"settings[{index}] must be an object")
        setting_id, name, setting_value = item.get("id"), item.get("name"), item.get("value")
        if not isinstance(setting_id, str) or not 0 < len(setting_id) <= 100:
            raise BadRequest(f"settings[{index}].id is missing")
        if name is not None and not isinstance(name, str):
            raise BadRequest(f"settings[{index}].name must be a string")
        if not _is_setting_value(setting_value):
            raise BadRequest(f"settings[{index}].value must be a string, number, boolean or list")
        parsed.append({"id": setting_id, "name": name, "value": setting_value})
    return parsed


def _is_setting_value(value: Any) -> bool:
    scalar = (str, int, float, bool)
    if value is None or isinstance(value, scalar):
        return True
    return isinstance(value, list) and all(isinstance(v, scalar) for v in value)
