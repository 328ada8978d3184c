"""What an admin does on Clockify's Add-ons tab, and the lifecycle requests each action causes.

Every action first changes the state, then sends its lifecycle request outside the state lock
(the add-on may call the sandbox back while it handles it). A lifecycle type the manifest does
not declare is simply not sent, as in Clockify.

Only one rule differs from "record the add-on's answer and carry on": when INSTALLED gets no
HTTP answer at all, the installation is dropped again and the caller gets 502, because an
add-on that never received its installation token could not use the installation anyway.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from sandbox import lifecycle
from sandbox.errors import AddonUnreachable, Forbidden, NotFound, SandboxError
from sandbox.manifests import (
    PLANS,
    AddonManifest,
    SettingDeclaration,
    fetch_manifest,
    parse_manifest,
)
from sandbox.state import (
    Delivery,
    Installation,
    InstallationStatus,
    LifecycleEvent,
    SandboxState,
    User,
    WebhookRegistration,
    Workspace,
)
from sandbox.tokens import ApiUrls, TokenIssuer

__all__ = ["DEFAULT_TIMEOUT", "Installer", "initial_settings"]

log = logging.getLogger(__name__)

# (connect, read) seconds. Clockify's own limits are undocumented; these keep a hung add-on
# from hanging a test for longer than it takes to notice.
DEFAULT_TIMEOUT = (3.05, 10.0)


def initial_settings(manifest: AddonManifest, installer_id: str) -> dict[str, Any]:
    """Values as declared; user dropdowns start as the installer, as the schema documents."""
    values: dict[str, Any] = {}
    for setting in manifest.settings:
        if setting.type == "USER_DROPDOWN_SINGLE":
            values[setting.id] = installer_id
        elif setting.type == "USER_DROPDOWN_MULTIPLE":
            values[setting.id] = [installer_id]
        else:
            values[setting.id] = setting.value
    return values


class Installer:
    """Install, configure, toggle, uninstall and redeliver, each as one method."""

    def __init__(
        self,
        state: SandboxState,
        issuer: TokenIssuer,
        *,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
    ) -> None:
        self._state = state
        self._issuer = issuer
        self._timeout = timeout

    def install(
        self, workspace_id: str, manifest_url: str, *, actor_id: str | None, urls: ApiUrls
    ) -> tuple[Installation, Delivery | None]:
        """Fetch and check the manifest, create the installation, send INSTALLED."""
        workspace = self._state.workspace(workspace_id)
        actor = _admin(workspace, actor_id)
        manifest = parse_manifest(
            fetch_manifest(manifest_url, timeout=self._timeout),
            expected_key=self._issuer.addon_key,
        )
        if PLANS.index(workspace.plan) < PLANS.index(manifest.minimal_plan):
            raise Forbidden(
                f"workspace plan {workspace.plan} is below the add-on's minimal plan"
                f" {manifest.minimal_plan}"
            )
        addon_id = self._state.new_id("installation")
        installation = Installation(
            addon_id=addon_id,
            workspace_id=workspace.id,
            manifest=manifest,
            installed_by=actor.id,
            addon_user_id=self._state.new_id("addon-user"),
            auth_token=self._issuer.installation_token(
                workspace_id=workspace.id, addon_id=addon_id, owner_id=workspace.owner.id, urls=urls
            ),
            webhooks=tuple(
                WebhookRegistration(
                    hook.event,
                    manifest.url(hook.path),
                    self._issuer.webhook_token(workspace_id=workspace.id, addon_id=addon_id),
                )
                for hook in manifest.webhooks
            ),
            settings=initial_settings(manifest, actor.id),
        )
        self._state.add_installation(installation)
        payload = lifecycle.installed_payload(installation, urls.backend_url)
        delivery = self._deliver(installation, LifecycleEvent.INSTALLED, payload)
        if delivery is not None and delivery.status_code is None:
            self._state.remove_installation(addon_id, keep_log=False)
            raise AddonUnreachable(
                f"the add-on did not answer INSTALLED at {delivery.url}: {delivery.error}"
            )
        return installation, delivery

    def update_settings(
        self,
        workspace_id: str,
        addon_id: str,
        changes: Sequence[Any],
        *,
        actor_id: str | None,
    ) -> Delivery | None:
        """Apply `[{id, value}]` all or nothing, then send every setting in SETTINGS_UPDATED."""
        workspace = self._state.workspace(workspace_id)
        actor = workspace.user(actor_id) if actor_id else workspace.owner
        installation = self._state.installation(workspace_id, addon_id)
        declared = {setting.id: setting for setting in installation.manifest.settings}
        updates: dict[str, Any] = {}
        for index, change in enumerate(changes):
            if not isinstance(change, dict) or "value" not in change:
                raise SandboxError(f"settings[{index}] must be an object with id and value")
            setting = declared.get(str(change.get("id")))
            if setting is None:
                raise NotFound(f"settings[{index}]: the manifest declares no such setting")
            _check_change(setting, change["value"], actor, workspace)
            updates[setting.id] = change["value"]
        with self._state.lock:
            installation.settings.update(updates)
            payload = lifecycle.settings_payload(installation)
        return self._deliver(installation, LifecycleEvent.SETTINGS_UPDATED, payload)

    def change_status(
        self, workspace_id: str, addon_id: str, status: str, *, actor_id: str | None
    ) -> Delivery | None:
        """Enable or disable; setting the current status again sends nothing."""
        try:
            new_status = InstallationStatus(status)
        except ValueError:
            raise SandboxError("status must be ACTIVE or INACTIVE") from None
        _admin(self._state.workspace(workspace_id), actor_id)
        installation = self._state.installation(workspace_id, addon_id)
        with self._state.lock:
            if installation.status is new_status:
                return None
            installation.status = new_status
            payload = lifecycle.status_payload(installation)
        return self._deliver(installation, LifecycleEvent.STATUS_CHANGED, payload)

    def uninstall(
        self, workspace_id: str, addon_id: str, *, actor_id: str | None
    ) -> Delivery | None:
        """Send DELETED, then forget the installation whatever the add-on answered."""
        actor = _admin(self._state.workspace(workspace_id), actor_id)
        installation = self._state.installation(workspace_id, addon_id)
        payload = lifecycle.deleted_payload(installation, actor.id)
        delivery = self._deliver(installation, LifecycleEvent.DELETED, payload)
        self._state.remove_installation(addon_id)
        return delivery

    def redeliver(self, workspace_id: str, addon_id: str, event: str) -> Delivery:
        """Resend the last request of `event` unchanged (body, headers and token).

        Works after uninstalling too: a late duplicate DELETED is exactly what an add-on must
        survive.
        """
        try:
            kind = LifecycleEvent(event)
        except ValueError:
            raise SandboxError(f"type must be one of {', '.join(LifecycleEvent)}") from None
        installation = self._state.delivered(workspace_id, addon_id)
        with self._state.lock:
            last = installation.last_delivery(kind)
        if last is None:
            raise NotFound(f"no {kind} request was sent for add-on {addon_id}")
        delivery = lifecycle.send(kind, last.url, last.body, last.headers, timeout=self._timeout)
        self._state.record_delivery(installation, delivery)
        return delivery

    def _deliver(
        self, installation: Installation, event: LifecycleEvent, payload: dict[str, Any]
    ) -> Delivery | None:
        path = installation.manifest.lifecycle.get(event)
        if path is None:
            return None
        token = self._issuer.lifecycle_token(
            workspace_id=installation.workspace_id, addon_id=installation.addon_id
        )
        delivery = lifecycle.send(
            event,
            installation.manifest.url(path),
            lifecycle.encode(payload),
            lifecycle.lifecycle_headers(token),
            timeout=self._timeout,
        )
        self._state.record_delivery(installation, delivery)
        # URL and outcome only: the body and headers carry tokens.
        log.info("%s -> %s: %s", event, delivery.url, delivery.status_code or delivery.error)
        return delivery


def _admin(workspace: Workspace, actor_id: str | None) -> User:
    """Only owners and admins open the Add-ons tab; `None` means the owner."""
    actor = workspace.user(actor_id) if actor_id else workspace.owner
    if not actor.is_admin:
        raise Forbidden(f"user {actor.id} has role {actor.role}; only admins manage add-ons")
    return actor


def _check_change(setting: SettingDeclaration, value: Any, actor: User, ws: Workspace) -> None:
    if setting.read_only:
        raise Forbidden(f"setting {setting.id!r} is read-only")
    if setting.access_level == "ADMINS" and not actor.is_admin:
        raise Forbidden(f"setting {setting.id!r} can only be changed by admins")
    if not _fits(setting, value, ws):
        raise SandboxError(f"value for setting {setting.id!r} does not fit type {setting.type}")


def _fits(setting: SettingDeclaration, value: Any, ws: Workspace) -> bool:
    """The checks Clockify's settings form makes; unknown future types accept anything."""
    allowed = setting.allowed_values or ()
    match setting.type:
        case "TXT" | "LINK":
            return isinstance(value, str)
        case "NUMBER":
            return isinstance(value, int | float) and not isinstance(value, bool)
        case "CHECKBOX":
            return isinstance(value, bool)
        case "DROPDOWN_SINGLE":
            return value in allowed
        case "DROPDOWN_MULTIPLE":
            return isinstance(value, list) and all(item in allowed for item in value)
        case "USER_DROPDOWN_SINGLE":
            return _is_member(value, ws)
        case "USER_DROPDOWN_MULTIPLE":
            return isinstance(value, list) and all(_is_member(item, ws) for item in value)
    return True


def _is_member(value: Any, ws: Workspace) -> bool:
    return isinstance(value, str) and value in ws.users
