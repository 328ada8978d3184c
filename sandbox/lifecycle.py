"""Lifecycle payloads in Clockify's documented shapes, and the one function that sends them.

Shapes (shared `addon-platform.md` §2), keys in the documented order:

* INSTALLED: `addonId, authToken, workspaceId, asUser, apiUrl, addonUserId,
  webhooks[{path, webhookType: "ADDON", authToken}]`; a webhook `path` is the full URL, as in
  the docs' example.
* SETTINGS_UPDATED: `workspaceId, addonId, settings[{id, name, value}]`: every structured
  setting, flat (no tabs or groups).
* STATUS_CHANGED: `addonId, workspaceId, status`.
* DELETED: `addonId, workspaceId, asUser`.

Each is a JSON POST carrying `X-Addon-Lifecycle-Token`. The body is serialised once and kept
(`Delivery.body`), so a redelivery is the same bytes, as Clockify's at-least-once retries are.
"""

from __future__ import annotations

import json
import time
from typing import Any

import requests

from sandbox.errors import describe_failure
from sandbox.state import Delivery, Installation, LifecycleEvent

__all__ = [
    "LIFECYCLE_HEADER",
    "deleted_payload",
    "encode",
    "installed_payload",
    "lifecycle_headers",
    "send",
    "settings_payload",
    "status_payload",
]

LIFECYCLE_HEADER = "X-Addon-Lifecycle-Token"


def installed_payload(installation: Installation, api_url: str) -> dict[str, Any]:
    return {
        "addonId": installation.addon_id,
        "authToken": installation.auth_token,
        "workspaceId": installation.workspace_id,
        "asUser": installation.installed_by,
        "apiUrl": api_url,
        "addonUserId": installation.addon_user_id,
        "webhooks": [
            {"path": hook.url, "webhookType": "ADDON", "authToken": hook.auth_token}
            for hook in installation.webhooks
        ],
    }


def settings_payload(installation: Installation) -> dict[str, Any]:
    return {
        "workspaceId": installation.workspace_id,
        "addonId": installation.addon_id,
        "settings": [
            {"id": s.id, "name": s.name, "value": installation.settings[s.id]}
            for s in installation.manifest.settings
        ],
    }


def status_payload(installation: Installation) -> dict[str, Any]:
    return {
        "addonId": installation.addon_id,
        "workspaceId": installation.workspace_id,
        "status": installation.status.value,
    }


def deleted_payload(installation: Installation, as_user: str) -> dict[str, Any]:
    return {
        "addonId": installation.addon_id,
        "workspaceId": installation.workspace_id,
        "asUser": as_user,
    }


def encode(payload: dict[str, Any]) -> bytes:
    """Compact UTF-8 JSON, the way a Java backend writes it."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def send(
    event: LifecycleEvent,
    url: str,
    body: bytes,
    headers: tuple[tuple[str, str], ...],
    *,
    timeout: tuple[float, float],
) -> Delivery:
    """POST one lifecycle request; never raises, the outcome is in the returned `Delivery`.

    Redirects are not followed: the lifecycle token is a credential and must only reach the
    URL the manifest names.
    """
    sent_at = time.time()
    try:
        with requests.post(
            url, data=body, headers=dict(headers), timeout=timeout, allow_redirects=False
        ) as response:
            status, error = response.status_code, None
    except requests.RequestException as exc:
        status, error = None, describe_failure(exc)
    return Delivery(event, url, body, headers, status, error, sent_at)


def lifecycle_headers(token: str) -> tuple[tuple[str, str], ...]:
    return (("Content-Type", "application/json"), (LIFECYCLE_HEADER, token))
