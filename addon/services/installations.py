"""Installations: Clockify's lifecycle events, the sidebar's view of its installation, and a
`ClockifyClient` for an installed workspace.

Lifecycle use cases (`install`, `uninstall`, `change_status`, `update_settings`) each run in
one transaction, after the web layer verified the token and parsed the body, so a rejected
request stores nothing; every one is idempotent (see `addon.store.repositories`).

`clockify_for` is where storage meets the client (data flows store -> Clockify client): the
token is decrypted for the call's lifetime only, the base URLs are the ones the installation
named, the rate limiter is the process-wide one backed by the database, and a 401 code 4017
flags the installation as needing a reinstall, which the sidebar then tells the admin.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from addon.clockify.client import ClockifyClient, Endpoints
from addon.clockify.reconcile import RangeService, ReportLimits
from addon.clockify.retry import RetryPolicy
from addon.clockify.transport import Transport
from addon.errors import Conflict, InvalidToken, NotInstalled
from addon.runtime import Runtime
from addon.services.defaults import WorkspaceDefaults, workspace_defaults
from addon.store import repositories as repo
from addon.store.models import Installation, InstallationStatus
from addon.store.repositories import (
    NewInstallation,
    NewWebhook,
    Outcome,
    get_installation,
    mark_needs_reinstall,
    remember_report_limits,
)

__all__ = [
    "InstallationStatus",
    "InstallationView",
    "NewInstallation",
    "NewWebhook",
    "Outcome",
    "change_status",
    "clockify_for",
    "install",
    "installation_view",
    "is_installed",
    "rotate_tokens",
    "stored_defaults",
    "uninstall",
    "update_settings",
]

log = logging.getLogger(__name__)

LIMITS_TTL = timedelta(days=30)
"""How long learned report limits are trusted: a plan upgraded meanwhile (FREE to paid) gets its
long ranges and large pages back within a month, at the cost of relearning once."""


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
        limits = _learned_limits(installation, runtime.now())

    def token_rejected() -> None:
        with runtime.sessions.begin() as session:
            if mark_needs_reinstall(session, workspace_id, digest, runtime.now()):
                log.warning("installation token rejected", extra={"workspace_id": workspace_id})

    def learned(found: ReportLimits) -> None:
        with runtime.sessions.begin() as session:
            remember_report_limits(
                session,
                workspace_id,
                page_size=found.page_size,
                range_service=found.long_ranges.value,
                now=runtime.now(),
            )

    transport = Transport(
        token=token,
        permits=runtime.limiter.for_workspace(workspace_id),
        retry=retry or RetryPolicy(),
        read_timeout=runtime.settings.clockify_timeout_seconds,
        on_token_rejected=token_rejected,
    )
    return ClockifyClient(endpoints, transport, limits=limits, on_learned=learned)


def _learned_limits(installation: Installation, now: datetime) -> ReportLimits:
    """The limits a report on this installation starts from: learned ones, while fresh."""
    learned_at = installation.report_limits_learned_at
    if learned_at is None or now - learned_at > LIMITS_TTL:
        return ReportLimits()
    try:
        service = RangeService(installation.report_range_service or RangeService.UNKNOWN)
    except ValueError:  # written by a newer release: start afresh rather than guess
        return ReportLimits()
    return ReportLimits(installation.report_page_size or ReportLimits().page_size, service)


def stored_defaults(runtime: Runtime, workspace_id: str) -> WorkspaceDefaults:
    """The workspace's add-on settings as stored by the last SETTINGS_UPDATED (or INSTALLED)."""
    with runtime.sessions() as session:
        installation = get_installation(session, workspace_id)
        return workspace_defaults(installation.settings if installation is not None else [])


def install(rt: Runtime, event: NewInstallation, event_at: datetime) -> Outcome:
    """Store (or renew) the installation an INSTALLED event describes."""
    try:
        return _installed(rt, event, event_at)
    except IntegrityError:
        # Two deliveries of the same INSTALLED raced on the unique workspace id: the loser
        # re-reads and finds the winner's row, which makes its own delivery a no-op.
        return _installed(rt, event, event_at)


def _installed(rt: Runtime, event: NewInstallation, event_at: datetime) -> Outcome:
    with rt.sessions.begin() as session:
        return repo.apply_installed(session, event, rt.cipher, rt.now(), event_at)


def rotate_tokens(rt: Runtime) -> int:
    """Re-encrypt every stored installation token under the newest key; how many."""
    with rt.sessions.begin() as session:
        return repo.rotate_tokens(session, rt.cipher)


def is_installed(rt: Runtime, workspace_id: str) -> bool:
    with rt.sessions() as session:
        return get_installation(session, workspace_id) is not None


def uninstall(rt: Runtime, workspace_id: str, addon_id: str) -> Outcome:
    """Forget the workspace (DELETED): its token, schedules, jobs and invoices."""
    with rt.sessions.begin() as session:
        current = get_installation(session, workspace_id)
        if current is not None and current.addon_id != addon_id:
            raise Conflict("addonId does not match the current installation of this workspace")
        return repo.apply_deleted(session, workspace_id, addon_id, rt.now())


def _stored(session: Session, workspace_id: str, addon_id: str) -> Installation:
    installation = get_installation(session, workspace_id)
    if installation is None:
        raise NotInstalled("no installation for this workspace")
    if installation.addon_id != addon_id:
        raise Conflict("addonId does not match the current installation of this workspace")
    return installation


def change_status(
    rt: Runtime,
    workspace_id: str,
    addon_id: str,
    status: InstallationStatus,
    event_at: datetime,
) -> Outcome:
    """Activate or deactivate the installation (STATUS_CHANGED); older events are ignored."""
    with rt.sessions.begin() as session:
        installation = _stored(session, workspace_id, addon_id)
        return repo.apply_status(session, installation, status, event_at)


def update_settings(
    rt: Runtime,
    workspace_id: str,
    addon_id: str,
    settings: list[dict[str, Any]],
    event_at: datetime,
) -> Outcome:
    """Keep the workspace's add-on settings (SETTINGS_UPDATED); older events are ignored."""
    with rt.sessions.begin() as session:
        installation = _stored(session, workspace_id, addon_id)
        return repo.apply_settings(session, installation, settings, event_at)


@dataclass(frozen=True, slots=True)
class InstallationView:
    """What a sidebar request needs of the workspace's installation, read once per request."""

    active: bool
    settings: tuple[dict[str, Any], ...]
    settings_version: str

    def defaults(self) -> WorkspaceDefaults:
        return workspace_defaults(self.settings)


def installation_view(rt: Runtime, workspace_id: str, addon_id: str | None) -> InstallationView:
    """The workspace's installation, which must exist and match `addon_id`; raises if not."""
    with rt.sessions.begin() as session:
        installation = get_installation(session, workspace_id)
        if installation is None:
            raise NotInstalled("This add-on is not installed on this workspace.")
        if addon_id != installation.addon_id:
            raise InvalidToken("user token was issued for another installation")
        updated = installation.settings_updated_at
        return InstallationView(
            active=installation.is_active,
            settings=tuple(installation.settings or ()),
            settings_version=updated.isoformat() if updated is not None else "",
        )
