"""A `ClockifyClient` for an installed workspace, wired to the stored token and shared limits.

This is where storage meets the client (data flows store -> Clockify client): the token is
decrypted for the call's lifetime only, the base URLs are the ones the installation named, the
rate limiter is the process-wide one backed by the database, and a 401 code 4017 flags the
installation as needing a reinstall, which the sidebar then tells the admin.
"""

from __future__ import annotations

import logging

from addon.clockify.client import ClockifyClient, Endpoints
from addon.clockify.retry import RetryPolicy
from addon.clockify.transport import Transport
from addon.errors import Conflict, NotInstalled
from addon.runtime import Runtime
from addon.store.models import InstallationStatus
from addon.store.repositories import get_installation, mark_needs_reinstall
from addon.workspace_settings import WorkspaceDefaults, workspace_defaults

__all__ = ["clockify_for", "stored_defaults"]

log = logging.getLogger(__name__)


def clockify_for(
    runtime: Runtime, workspace_id: str, *, retry: RetryPolicy | None = None
) -> ClockifyClient:
    """The client for `workspace_id`; refuses workspaces that are gone, inactive or revoked."""
    with runtime.sessions() as session:
        installation = get_installation(session, workspace_id)
        if installation is None:
            raise NotInstalled("The add-on is not installed in this workspace.")
        if installation.status != InstallationStatus.ACTIVE.value:
            raise Conflict("The add-on is inactive in this workspace; reactivate it first.")
        if installation.needs_reinstall:
            raise Conflict("Clockify revoked this installation's token; reinstall the add-on.")
        token = runtime.cipher.decrypt(installation.token_ciphertext, workspace_id=workspace_id)
        digest = installation.token_digest
        endpoints = Endpoints(workspace_id, installation.backend_url, installation.reports_url)

    def token_rejected() -> None:
        with runtime.sessions.begin() as session:
            if mark_needs_reinstall(session, workspace_id, digest, runtime.now()):
                log.warning("installation token rejected", extra={"workspace_id": workspace_id})

    transport = Transport(
        token=token,
        permits=runtime.limiter.for_workspace(workspace_id),
        retry=retry or RetryPolicy(),
        read_timeout=runtime.settings.clockify_timeout_seconds,
        on_token_rejected=token_rejected,
    )
    return ClockifyClient(endpoints, transport)


def stored_defaults(runtime: Runtime, workspace_id: str) -> WorkspaceDefaults:
    """The workspace's add-on settings as stored by the last SETTINGS_UPDATED (or INSTALLED)."""
    with runtime.sessions() as session:
        installation = get_installation(session, workspace_id)
        return workspace_defaults(installation.settings if installation is not None else [])
