"""A `ClockifyClient` for an installed workspace, wired to the stored token and shared limits.

This is where storage meets the client (data flows store -> Clockify client): the token is
decrypted for the call's lifetime only, the base URLs are the ones the installation named, the
rate limiter is the process-wide one backed by the database, and a 401 code 4017 flags the
installation as needing a reinstall, which the sidebar then tells the admin.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from addon.clockify.client import ClockifyClient, Endpoints
from addon.clockify.reconcile import RangeService, ReportLimits
from addon.clockify.retry import RetryPolicy
from addon.clockify.transport import Transport
from addon.errors import Conflict, NotInstalled
from addon.runtime import Runtime
from addon.services.defaults import WorkspaceDefaults, workspace_defaults
from addon.store.models import Installation, InstallationStatus
from addon.store.repositories import (
    get_installation,
    mark_needs_reinstall,
    remember_report_limits,
)

__all__ = ["clockify_for", "stored_defaults"]

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
