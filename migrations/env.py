"""Alembic environment: one history for SQLite and PostgreSQL.

`render_as_batch=True` lets SQLite follow ALTERs; on PostgreSQL an advisory lock serialises
concurrent `migrate` runs (two replicas starting at once) and a lock timeout keeps a migration
from queueing behind a long transaction forever (warehouse's habit).
"""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import text

from addon.store import models  # noqa: F401  # registers every table on Base.metadata
from addon.store.db import Base, UTCDateTime, create_db_engine

config = context.config
target_metadata = Base.metadata
_LOCK_ID = 0x4144_444F_4E  # "ADDON"


def render_item(kind: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write our UTC column type as a plain `sa.DateTime(timezone=True)`.

    Revisions must not import application code that may change after they are written.
    """
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("sqlalchemy.url is not configured")
    engine = create_db_engine(url)
    with engine.connect() as connection:
        is_postgres = connection.dialect.name == "postgresql"
        if is_postgres:
            connection.execute(text("SET lock_timeout = '10s'"))
            connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": _LOCK_ID})
            connection.commit()
        try:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=True,
                compare_type=True,
                render_item=render_item,
            )
            with context.begin_transaction():
                context.run_migrations()
        finally:
            if is_postgres:
                connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": _LOCK_ID})
                connection.commit()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
