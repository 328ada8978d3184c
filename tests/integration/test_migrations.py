"""One alembic history: it reaches head on SQLite and PostgreSQL, matches the models, and
round-trips down and up."""

from __future__ import annotations

import json

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from addon.store import models  # noqa: F401  # registers the tables
from addon.store.db import Base, create_db_engine
from addon.store.migrate import alembic_config, downgrade, upgrade


def _diff(url: str) -> list[object]:
    engine = create_db_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    return list(diff)


def _tables(url: str) -> set[str]:
    engine = create_db_engine(url)
    names = set(inspect(engine).get_table_names())
    engine.dispose()
    return names


def test_migrations_reach_head_and_match_the_models(db_url: str) -> None:
    assert _diff(db_url) == []
    assert set(Base.metadata.tables) <= _tables(db_url)


def test_every_revision_downgrades_and_upgrades_again(db_url: str) -> None:
    script = ScriptDirectory.from_config(alembic_config(db_url))
    revisions = list(script.walk_revisions())

    for _ in revisions:
        downgrade(db_url, "-1")
    assert _tables(db_url) <= {"alembic_version"}
    upgrade(db_url, "head")

    assert _diff(db_url) == []


def test_history_is_linear_with_verb_noun_names() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))

    heads = script.get_heads()
    assert len(heads) == 1
    for revision in script.walk_revisions():
        assert revision.doc and revision.doc.split()[0].isalpha()


def test_invoices_issued_before_marking_existed_read_as_not_marked(db_url: str) -> None:
    downgrade(db_url, "0005")
    engine = create_db_engine(db_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO issued_invoice (workspace_id, number, client_id, currency,"
                " issue_date, total_minor, snapshot, issued_at) VALUES ('w', 'INV-1', 'c',"
                " 'EUR', '2026-11-30', 1234, '{\"kept\": true}', '2026-11-30 10:00:00+00:00')"
            )
        )
    upgrade(db_url, "head")

    with engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT clockify_state, clockify_error, clockify_marked_at, total_minor, snapshot"
                " FROM issued_invoice WHERE number = 'INV-1'"
            )
        ).one()
    engine.dispose()
    snapshot = row.snapshot if isinstance(row.snapshot, dict) else json.loads(row.snapshot)
    assert (row.clockify_state, row.clockify_error, row.clockify_marked_at) == ("off", None, None)
    assert (row.total_minor, snapshot) == (1234, {"kept": True})
