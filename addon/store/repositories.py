"""Functions over a Session that apply lifecycle events; they flush, never commit.

Each `apply_*` is idempotent and order-tolerant, because Clockify delivers callbacks at least
once and in no guaranteed order:

* INSTALLED with the token we already hold is a no-op; with an older token than the stored one
  it is stale and ignored; after a DELETED of the same token (or of a token issued before the
  removal) it is ignored thanks to the tombstone.
* STATUS_CHANGED and SETTINGS_UPDATED carry the lifecycle token's `iat` as their event time; an
  event older than the last one applied is ignored, so a late ACTIVE cannot undo a newer
  INACTIVE.
* DELETED removes every workspace-scoped row and leaves a tombstone; repeating it is a no-op.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from addon.store.crypto import TokenCipher, token_digest
from addon.store.db import Base
from addon.store.models import (
    Installation,
    InstallationStatus,
    RemovedInstallation,
    WebhookSubscription,
)

__all__ = [
    "NewInstallation",
    "NewWebhook",
    "Outcome",
    "apply_deleted",
    "apply_installed",
    "apply_settings",
    "apply_status",
    "get_installation",
    "mark_needs_reinstall",
    "purge_workspace",
    "remember_report_limits",
    "rotate_tokens",
]


class Outcome(StrEnum):
    CREATED = "created"
    REPLACED = "replaced"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REMOVED = "removed"
    IGNORED_STALE = "ignored_stale"


@dataclass(frozen=True, slots=True)
class NewWebhook:
    path: str
    webhook_type: str
    token: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class NewInstallation:
    """A verified INSTALLED payload together with its installation token's claims."""

    workspace_id: str
    addon_id: str
    installed_by: str | None
    addon_user_id: str | None
    owner_user_id: str | None
    token: str = field(repr=False)
    token_issued_at: datetime | None
    api_url: str
    backend_url: str
    reports_url: str
    webhooks: tuple[NewWebhook, ...]


def get_installation(session: Session, workspace_id: str) -> Installation | None:
    return session.scalars(
        select(Installation).where(Installation.workspace_id == workspace_id)
    ).one_or_none()


def _is_tombstoned(session: Session, event: NewInstallation, digest: str) -> bool:
    conditions = [RemovedInstallation.token_digest == digest]
    if event.token_issued_at is not None:
        conditions.append(
            (RemovedInstallation.addon_id == event.addon_id)
            & (RemovedInstallation.removed_at >= event.token_issued_at)
        )
    found = session.scalars(
        select(RemovedInstallation.id)
        .where(RemovedInstallation.workspace_id == event.workspace_id)
        .where(or_(*conditions))
        .limit(1)
    ).first()
    return found is not None


def apply_installed(
    session: Session,
    event: NewInstallation,
    cipher: TokenCipher,
    now: datetime,
    event_at: datetime,
) -> Outcome:
    """Store (or refresh) the installation of `event.workspace_id`.

    `now` is our clock (audit columns); `event_at` is Clockify's (the lifecycle token's `iat`),
    the clock later STATUS_CHANGED events are ordered against.
    """
    digest = token_digest(event.token)
    if _is_tombstoned(session, event, digest):
        return Outcome.IGNORED_STALE
    current = get_installation(session, event.workspace_id)
    if current is not None and current.token_digest == digest:
        return Outcome.UNCHANGED
    if (
        current is not None
        and current.token_issued_at is not None
        and event.token_issued_at is not None
        and event.token_issued_at < current.token_issued_at
    ):
        return Outcome.IGNORED_STALE
    outcome = Outcome.REPLACED if current is not None else Outcome.CREATED
    if current is None:
        current = Installation(workspace_id=event.workspace_id, installed_at=now, settings=[])
        session.add(current)
    current.addon_id = event.addon_id
    current.installed_by = event.installed_by
    current.addon_user_id = event.addon_user_id
    current.owner_user_id = event.owner_user_id
    current.token_ciphertext = cipher.encrypt(event.token, workspace_id=event.workspace_id)
    current.token_digest = digest
    current.token_issued_at = event.token_issued_at
    current.api_url = event.api_url
    current.backend_url = event.backend_url
    current.reports_url = event.reports_url
    current.status = InstallationStatus.ACTIVE.value
    current.status_changed_at = event_at
    current.needs_reinstall = False
    current.updated_at = now
    if current.webhooks:
        current.webhooks.clear()
        session.flush()  # delete the old rows before inserting paths that may repeat
    current.webhooks = [
        WebhookSubscription(
            workspace_id=event.workspace_id,
            path=hook.path,
            webhook_type=hook.webhook_type,
            token_digest=token_digest(hook.token),
        )
        for hook in _unique_paths(event.webhooks)
    ]
    session.flush()
    return outcome


def _unique_paths(hooks: Sequence[NewWebhook]) -> list[NewWebhook]:
    seen: dict[str, NewWebhook] = {}
    for hook in hooks:
        seen[hook.path] = hook
    return list(seen.values())


def apply_status(
    session: Session, installation: Installation, status: InstallationStatus, event_at: datetime
) -> Outcome:
    """Record ACTIVE/INACTIVE unless a newer status change was already applied."""
    if event_at < installation.status_changed_at:
        return Outcome.IGNORED_STALE
    if installation.status == status.value:
        installation.status_changed_at = event_at
        return Outcome.UNCHANGED
    installation.status = status.value
    installation.status_changed_at = event_at
    installation.updated_at = event_at
    session.flush()
    return Outcome.UPDATED


def apply_settings(
    session: Session,
    installation: Installation,
    settings: list[dict[str, Any]],
    event_at: datetime,
) -> Outcome:
    """Replace the flat settings list unless a newer update was already applied."""
    previous = installation.settings_updated_at
    if previous is not None and event_at < previous:
        return Outcome.IGNORED_STALE
    if installation.settings == settings:
        installation.settings_updated_at = event_at
        return Outcome.UNCHANGED
    installation.settings = settings
    installation.settings_updated_at = event_at
    installation.updated_at = event_at
    session.flush()
    return Outcome.UPDATED


def apply_deleted(session: Session, workspace_id: str, addon_id: str, now: datetime) -> Outcome:
    """Remove every row of the workspace and leave a tombstone; repeating it changes nothing."""
    current = get_installation(session, workspace_id)
    if current is None:
        already = session.scalars(
            select(RemovedInstallation.id)
            .where(RemovedInstallation.workspace_id == workspace_id)
            .where(RemovedInstallation.addon_id == addon_id)
            .limit(1)
        ).first()
        if already is not None:
            return Outcome.UNCHANGED
    session.add(
        RemovedInstallation(
            workspace_id=workspace_id,
            addon_id=addon_id,
            token_digest=current.token_digest if current is not None else None,
            removed_at=now,
        )
    )
    if current is None:
        session.flush()
        return Outcome.UNCHANGED
    purge_workspace(session, workspace_id)
    return Outcome.REMOVED


def mark_needs_reinstall(session: Session, workspace_id: str, digest: str, now: datetime) -> bool:
    """Flag the installation whose token Clockify rejected (401 code 4017).

    Only the token that was rejected is flagged: when a reinstall stored a new token meanwhile,
    the digests differ and nothing changes. Returns whether a row was flagged.
    """
    current = get_installation(session, workspace_id)
    if current is None or current.token_digest != digest or current.needs_reinstall:
        return False
    current.needs_reinstall = True
    current.updated_at = now
    session.flush()
    return True


def remember_report_limits(
    session: Session, workspace_id: str, *, page_size: int, range_service: str, now: datetime
) -> None:
    """Keep what Clockify was seen to serve this workspace, for its next reports.

    A plain UPDATE: two reports learning at once write the same facts, and a workspace removed
    meanwhile has no row to update.
    """
    session.execute(
        update(Installation)
        .where(Installation.workspace_id == workspace_id)
        .values(
            report_page_size=page_size,
            report_range_service=range_service,
            report_limits_learned_at=now,
        )
        .execution_options(synchronize_session=False)
    )


def workspace_tables() -> list[Any]:
    """Every table holding workspace data, children first (tombstones are not workspace data)."""
    return [
        table
        for table in reversed(Base.metadata.sorted_tables)
        if "workspace_id" in table.c and table.name != RemovedInstallation.__tablename__
    ]


def purge_workspace(session: Session, workspace_id: str) -> None:
    """Delete the workspace's rows from every workspace-scoped table (schedules included)."""
    session.flush()
    for table in workspace_tables():
        session.execute(delete(table).where(table.c.workspace_id == workspace_id))
    session.expire_all()


def rotate_tokens(session: Session, cipher: TokenCipher) -> int:
    """Re-encrypt every stored token under the newest key; returns how many rows changed."""
    count = 0
    for installation in session.scalars(select(Installation)):
        installation.token_ciphertext = cipher.rotate(installation.token_ciphertext)
        count += 1
    session.flush()
    return count
