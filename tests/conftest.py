"""Shared fixtures: real components only (SQLite files, a throwaway PostgreSQL database, the
sandbox's token issuer, the add-on app). PostgreSQL-backed tests skip on a laptop without a
server, and fail instead when `CI=true`."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from addon import create_app
from addon.runtime import Runtime
from addon.settings import Secret, Settings
from addon.store.migrate import upgrade
from sandbox.tokens import TokenIssuer
from tests.clockify import ClockifyActions

ADDON_KEY = "reports-invoices"
PG_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never inherit the developer's ADDON_* settings."""
    for name in list(os.environ):
        if name.startswith("ADDON_"):
            monkeypatch.delenv(name)


def require_or_skip(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this must not skip)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def issuer() -> TokenIssuer:
    """The sandbox's signer: tokens as Clockify signs them, with a key generated for this run."""
    return TokenIssuer(addon_key=ADDON_KEY)


class PostgresServer:
    """Creates throwaway databases from one migrated template, then drops them all."""

    def __init__(self, admin_url: str) -> None:
        self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.prefix = f"addon_test_{uuid.uuid4().hex[:8]}"
        self.template = f"{self.prefix}_tmpl"
        self.created: list[str] = []
        self._execute(f'CREATE DATABASE "{self.template}"')
        upgrade(self.url(self.template))

    def url(self, name: str) -> str:
        return self.admin.url.set(database=name).render_as_string(hide_password=False)

    def _execute(self, sql: str) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(sql))

    def new_database(self, *, migrated: bool = True) -> str:
        name = f"{self.prefix}_{len(self.created)}"
        template = f' TEMPLATE "{self.template}"' if migrated else ""
        self._execute(f'CREATE DATABASE "{name}"{template}')
        self.created.append(name)
        return self.url(name)

    def close(self) -> None:
        for name in [*self.created, self.template]:
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    try:
        server = PostgresServer(PG_ADMIN_URL)
    except Exception as exc:  # any driver error means "no server here"
        require_or_skip(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {type(exc).__name__}")
        raise
    yield server
    server.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database: a SQLite file, or a throwaway PostgreSQL database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'addon.sqlite3'}"
        upgrade(url)
        return url
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.new_database()


@pytest.fixture
def encryption_key() -> Secret:
    return Secret(Fernet.generate_key().decode("ascii"))


@pytest.fixture
def settings(db_url: str, issuer: TokenIssuer, encryption_key: Secret) -> Settings:
    return Settings(
        database_url=db_url,
        clockify_public_keys=(issuer.public_key_pem,),
        encryption_keys=(encryption_key,),
        log_format="text",  # type: ignore[arg-type]  # StrEnum accepts its value
    )


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    app = create_app(settings)
    app.config.update(TESTING=True)
    yield app
    app.extensions["addon"].close(grace=10)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runtime(app: Flask) -> Runtime:
    value = app.extensions["addon"]
    assert isinstance(value, Runtime)
    return value


@pytest.fixture
def clockify(client: FlaskClient, issuer: TokenIssuer) -> ClockifyActions:
    return ClockifyActions(client, issuer)
