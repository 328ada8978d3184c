"""DELETED leaves nothing behind: every workspace-scoped table is purged, other workspaces kept."""

from __future__ import annotations

from sqlalchemy import func, select

from addon.runtime import Runtime
from addon.store.db import Base
from addon.store.repositories import workspace_tables
from tests.clockify import ClockifyActions


def test_every_table_with_workspace_data_is_purged(
    clockify: ClockifyActions, runtime: Runtime
) -> None:
    clockify.install(webhooks=2)
    neighbour = ClockifyActions(
        clockify.client, clockify.issuer, workspace_id="e" * 24, addon_id="f" * 24
    )
    neighbour.install(webhooks=1)

    clockify.uninstall()

    purged = {table.name for table in workspace_tables()}
    expected = {t.name for t in Base.metadata.sorted_tables if "workspace_id" in t.c} - {
        "removed_installation"
    }
    assert purged == expected
    with runtime.sessions() as session:
        for table in workspace_tables():
            left = session.scalar(
                select(func.count())
                .select_from(table)
                .where(table.c.workspace_id == clockify.workspace_id)
            )
            kept = session.scalar(
                select(func.count())
                .select_from(table)
                .where(table.c.workspace_id == neighbour.workspace_id)
            )
            assert left == 0, table.name
            assert kept and kept > 0, table.name
