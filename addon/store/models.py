"""Tables: one installation per workspace, its webhook subscriptions, and removal tombstones.

Every workspace-scoped table carries a `workspace_id` column; `repositories.purge_workspace`
deletes from each of them, so a DELETED callback leaves nothing behind (a test keeps new tables
honest). Secrets never sit in clear: the installation token is Fernet ciphertext, webhook tokens
are kept only as SHA-256 digests (we only ever compare them).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Double,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from addon.store.db import Base, UTCDateTime
from addon.store.einvoices import EInvoiceBuyer, EInvoiceSeller

__all__ = [
    "DeliveryRun",
    "DeliveryState",
    "EInvoiceBuyer",
    "EInvoiceSeller",
    "Installation",
    "InstallationStatus",
    "InvoiceSequence",
    "IssuedInvoice",
    "MarkingState",
    "RateLimitState",
    "RemovedInstallation",
    "ReportJob",
    "Schedule",
    "WebhookSubscription",
]

_ID = 64
_URL = 2048


class InstallationStatus(StrEnum):
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"


class Installation(Base):
    """The INSTALLED payload of one workspace, plus what later lifecycle callbacks changed."""

    __tablename__ = "installation"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(_ID), unique=True)
    addon_id: Mapped[str] = mapped_column(String(_ID))
    installed_by: Mapped[str | None] = mapped_column(String(_ID))
    addon_user_id: Mapped[str | None] = mapped_column(String(_ID))
    owner_user_id: Mapped[str | None] = mapped_column(String(_ID))
    token_ciphertext: Mapped[str] = mapped_column(Text)
    token_digest: Mapped[str] = mapped_column(String(64))
    token_issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    api_url: Mapped[str] = mapped_column(String(_URL))
    backend_url: Mapped[str] = mapped_column(String(_URL))
    reports_url: Mapped[str] = mapped_column(String(_URL))
    status: Mapped[str] = mapped_column(String(16), default=InstallationStatus.ACTIVE.value)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    settings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    settings_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    needs_reinstall: Mapped[bool] = mapped_column(Boolean, default=False)
    # What Clockify was seen to serve this workspace (addon.clockify.reconcile.ReportLimits).
    report_page_size: Mapped[int | None] = mapped_column(Integer)
    report_range_service: Mapped[str | None] = mapped_column(String(8))
    report_limits_learned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    installed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    webhooks: Mapped[list[WebhookSubscription]] = relationship(
        back_populates="installation", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_active(self) -> bool:
        return self.status == InstallationStatus.ACTIVE.value

    def __repr__(self) -> str:
        return f"Installation(workspace_id={self.workspace_id!r}, status={self.status!r})"


class WebhookSubscription(Base):
    """One webhook Clockify registered for an installation, with its token's digest."""

    __tablename__ = "webhook_subscription"
    __table_args__ = (UniqueConstraint("installation_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    installation_id: Mapped[int] = mapped_column(
        ForeignKey("installation.id", ondelete="CASCADE"), index=True
    )
    workspace_id: Mapped[str] = mapped_column(String(_ID), index=True)
    path: Mapped[str] = mapped_column(String(_URL))
    webhook_type: Mapped[str] = mapped_column(String(32))
    token_digest: Mapped[str] = mapped_column(String(64))

    installation: Mapped[Installation] = relationship(back_populates="webhooks")


class RemovedInstallation(Base):
    """A tombstone: which installation a DELETED callback removed, and when.

    Clockify delivers at least once and in no guaranteed order, so a retried INSTALLED can
    arrive after the DELETED that ended it. The tombstone lets us recognise it (same token, or a
    token issued before the removal) and refuse to bring the installation back.
    """

    __tablename__ = "removed_installation"
    __table_args__ = (Index(None, "workspace_id", "addon_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(_ID))
    addon_id: Mapped[str] = mapped_column(String(_ID))
    token_digest: Mapped[str | None] = mapped_column(String(64), index=True)
    removed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RateLimitState(Base):
    """The GCRA ledger of `store.permits`: one theoretical arrival time per workspace.

    Written only through raw SQL in `store.permits` (one UPSERT per permit); declared here
    so that the migration history and the purge on DELETED know about it.
    """

    __tablename__ = "rate_limit_state"

    workspace_id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    tat: Mapped[float] = mapped_column(Double)  # epoch seconds of the next free slot


class InvoiceSequence(Base):
    """One gap-free invoice counter per workspace and scope (`global`, `client:<id>[:<year>]`).

    `last_value` is the last number issued. It is locked, advanced and committed in the same
    transaction that stores the invoice, so a failed issue rolls the counter back (no gap) and
    two workers issuing at once queue on the row (no duplicate).
    """

    __tablename__ = "invoice_sequence"

    workspace_id: Mapped[str] = mapped_column(String(_ID), primary_key=True)
    scope_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer)


class MarkingState(StrEnum):
    """Whether an issued invoice's time entries are marked invoiced in Clockify.

    OFF: the admin chose not to (or the invoice predates marking); PENDING: issued, marking not
    finished (still running, its process died, or Clockify was unavailable: the scheduler tries
    again); MARKED: Clockify took every batch; FAILED: Clockify refused, with the reason in
    `clockify_error`. Marking is idempotent, so every state but MARKED can be marked again.
    """

    OFF = "off"
    PENDING = "pending"
    MARKED = "marked"
    FAILED = "failed"


class IssuedInvoice(Base):
    """An issued invoice: its number, key figures for listing, and the full frozen snapshot.

    The snapshot is what every later rendering reads, so re-rendering gives identical numbers
    even after rates or entries change in Clockify.
    """

    __tablename__ = "issued_invoice"
    __table_args__ = (
        UniqueConstraint("workspace_id", "number"),
        # Every scheduler tick looks for stale PENDING markings across all workspaces.
        Index(None, "clockify_state", "clockify_attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(_ID), index=True)
    number: Mapped[str] = mapped_column(String(128))
    client_id: Mapped[str] = mapped_column(String(_ID))
    currency: Mapped[str] = mapped_column(String(3))
    issue_date: Mapped[date] = mapped_column(Date)
    total_minor: Mapped[int] = mapped_column(BigInteger)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    clockify_state: Mapped[str] = mapped_column(
        String(16), default=MarkingState.OFF.value, server_default=MarkingState.OFF.value
    )
    clockify_error: Mapped[str | None] = mapped_column(String(500))
    clockify_marked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    clockify_attempted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Schedule(Base):
    """A saved report definition emailed on a cadence; `addon.delivery` validates and runs it.

    `report` is the report definition as JSON (kind, filters, groups, formats, locale, duration
    style) and `recipients` is `{"to": [...], "cc": [...], "bcc": [...]}`; both are written only
    from a validated `ScheduleSpec`. The cadence is stored in columns (`day_of_month` 0 means the
    last day of the month) so the database can be read without our code. `last_due` is the last
    due date the runner claimed or skipped: the scheduler of record is this row, not a process.
    """

    __tablename__ = "schedule"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(_ID), index=True)
    name: Mapped[str] = mapped_column(String(200))
    report: Mapped[dict[str, Any]] = mapped_column(JSON)
    frequency: Mapped[str] = mapped_column(String(16))
    weekday: Mapped[str | None] = mapped_column(String(16))
    day_of_month: Mapped[int | None] = mapped_column(Integer)
    hour: Mapped[int] = mapped_column(Integer)
    minute: Mapped[int] = mapped_column(Integer)
    zone: Mapped[str] = mapped_column(String(64))
    coverage: Mapped[str] = mapped_column(String(32))
    week_start: Mapped[str] = mapped_column(String(16))
    recipients: Mapped[dict[str, list[str]]] = mapped_column(JSON)
    subject_template: Mapped[str] = mapped_column(String(500))
    body_template: Mapped[str] = mapped_column(Text)
    skip_when_empty: Mapped[bool] = mapped_column(Boolean, default=False)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str | None] = mapped_column(String(_ID))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_due: Mapped[date | None] = mapped_column(Date)

    def __repr__(self) -> str:
        return f"Schedule(id={self.id!r}, workspace_id={self.workspace_id!r})"


class DeliveryState(StrEnum):
    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


class DeliveryRun(Base):
    """One due date of one schedule: the claim that makes its email go out exactly once.

    `UNIQUE(schedule_id, due)` is the claim: the process whose INSERT wins owns the run until
    `lease_expires_at`, after which another may take it over (one UPDATE, one winner). The
    Message-ID is derived from this row, so every retry of the run carries the same one.
    `last_error` is a short code and reason, never a secret or a server's full reply.
    """

    __tablename__ = "delivery_run"
    __table_args__ = (
        UniqueConstraint("schedule_id", "due"),
        Index(None, "state", "lease_expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(_ID), index=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("schedule.id", ondelete="CASCADE"))
    due: Mapped[date] = mapped_column(Date)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message_id: Mapped[str | None] = mapped_column(String(255))
    last_error: Mapped[str | None] = mapped_column(String(500))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"DeliveryRun(id={self.id!r}, schedule_id={self.schedule_id!r}, due={self.due!r})"


class ReportJob(Base):
    """One report the sidebar asked for: built in the background, polled, then downloaded.

    Why a table and not process memory: under gunicorn the poll and the download may reach any
    worker or replica, and the result must outlive the thread that built it. `request` is the
    validated request (`ReportRequest.to_json` in `addon.services.report_spec`), `cache_key` its
    digest, so an identical finished report is served again without calling Clockify. The table is
    also the queue: any process running jobs claims the oldest `queued` row, becomes its `owner`
    and moves `heartbeat_at` while it builds; a running job whose heartbeat stopped (its process
    died) is claimed again, up to a few `attempts`. `result` is what the page shows (preview,
    totals, drafts) and `snapshot` the built report that downloads and issuing start from; issuing
    a draft records its number in `result`, under a row lock, so a draft is issued at most once.
    """

    __tablename__ = "report_job"
    __table_args__ = (
        Index(None, "workspace_id", "cache_key"),
        Index("ix_report_job_state_created", "state", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(String(_ID))
    user_id: Mapped[str] = mapped_column(String(_ID))
    kind: Mapped[str] = mapped_column(String(16))
    request: Mapped[dict[str, Any]] = mapped_column(JSON)
    cache_key: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    stage: Mapped[str] = mapped_column(String(16))
    entries: Mapped[int] = mapped_column(Integer, default=0)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Loaded only by downloads and issuing: polls read `result` alone (the preview is smaller).
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON, deferred=True)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The lease: which process holds the running job (`addon.jobs.runner`); NULL while queued.
    owner: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    def __repr__(self) -> str:
        return (
            f"ReportJob(id={self.id!r}, workspace_id={self.workspace_id!r}, state={self.state!r})"
        )
