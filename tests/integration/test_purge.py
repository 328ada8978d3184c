"""DELETED leaves nothing behind: every workspace-scoped table is purged, other workspaces kept."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from addon.mail.compose import Recipients
from addon.runtime import Runtime
from addon.schedules import Cadence
from addon.services.schedule_spec import ScheduleSpec
from addon.services.schedules import save_schedule
from addon.store import einvoices, invoices, jobs, runs
from addon.store.db import Base
from addon.store.permits import RateLimiter
from addon.store.repositories import workspace_tables
from tests.clockify import ClockifyActions

_NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
_PERIOD = (date(2026, 11, 22), date(2026, 11, 22))
_LEASE = timedelta(minutes=5)


def _spec() -> ScheduleSpec:
    return ScheduleSpec(
        name="Daily",
        cadence=Cadence.daily(hour=8, zone="UTC"),
        recipients=Recipients.parse(["boss@example.com"]),
    )


def _counts(runtime: Runtime, workspace_id: str) -> dict[str, int]:
    with runtime.sessions() as session:
        return {
            table.name: session.scalar(
                select(func.count()).select_from(table).where(table.c.workspace_id == workspace_id)
            )
            or 0
            for table in workspace_tables()
        }


def test_every_table_with_workspace_data_is_purged(
    clockify: ClockifyActions, runtime: Runtime
) -> None:
    clockify.install(webhooks=2)
    neighbour = ClockifyActions(
        clockify.client, clockify.issuer, workspace_id="e" * 24, addon_id="f" * 24
    )
    neighbour.install(webhooks=1)
    for workspace_id in (clockify.workspace_id, neighbour.workspace_id):
        RateLimiter(runtime.engine).reserve(workspace_id)
        with runtime.sessions.begin() as session:
            invoices.lock_sequence(session, workspace_id, "global")
            invoices.set_sequence(session, workspace_id, "global", 1)
            invoices.save_issued_invoice(
                session,
                workspace_id=workspace_id,
                number="INV-1",
                client_id="c1",
                currency="EUR",
                issue_date=date(2026, 11, 23),
                total_minor=100,
                snapshot={"schema": 1},
                issued_at=datetime.now(UTC),
            )
            row = save_schedule(session, workspace_id, _spec(), created_by=None, now=_NOW)
            runs.claim_run(session, row, date(2026, 11, 23), _PERIOD, "me", _NOW, _LEASE)
            einvoices.save_seller(
                session, workspace_id, version=1, document={"legal_name": "Me"}, now=_NOW
            )
            einvoices.save_buyer(
                session, workspace_id, "c1", version=1, document={"name": "Them"}, now=_NOW
            )
            jobs.create_job(
                session,
                workspace_id=workspace_id,
                user_id="u1",
                kind="summary",
                request={},
                cache_key="k",
                now=_NOW,
            )
    before = _counts(runtime, neighbour.workspace_id)

    clockify.uninstall()

    purged = {table.name for table in workspace_tables()}
    expected = {t.name for t in Base.metadata.sorted_tables if "workspace_id" in t.c}
    assert purged == expected - {"removed_installation"}
    assert set(_counts(runtime, clockify.workspace_id).values()) == {0}
    assert _counts(runtime, neighbour.workspace_id) == before
    assert all(before.values()), before
