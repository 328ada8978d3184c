"""Live components for end-to-end tests: the sandbox and the add-on on real loopback ports, and
headless Chromium from Debian's package (never a downloaded browser)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from aiosmtpd.controller import Controller

from addon import create_app
from addon.settings import LogFormat, Secret, Settings
from addon.store.migrate import upgrade
from sandbox.served import ServedApp
from sandbox.server import SandboxServer
from sandbox.state import SEED_WORKSPACE_ID
from sandbox.tokens import TokenIssuer
from tests.conftest import require_or_skip
from tests.mail.conftest import Inbox, free_port


@dataclass
class LiveStack:
    sandbox: SandboxServer
    addon: ServedApp
    inbox: Inbox | None = None

    def install(self) -> str:
        response = requests.post(
            f"{self.sandbox.url}/sandbox/workspaces/{SEED_WORKSPACE_ID}/addons",
            json={"manifestUrl": f"{self.addon.url}/manifest"},
            timeout=10,
        )
        assert response.status_code == 201, response.text
        assert response.json()["lifecycleStatus"] == 200
        return str(response.json()["addonId"])

    def shell_url(self, addon_id: str, viewer: str | None = None) -> str:
        url = f"{self.sandbox.url}/workspaces/{SEED_WORKSPACE_ID}/addons/{addon_id}/0"
        return f"{url}?as={viewer}" if viewer else url


@contextmanager
def serve_stack(
    database_url: str, encryption_key: Secret, *, inbox: Inbox | None = None, **changes: Any
) -> Iterator[LiveStack]:
    """The sandbox and the add-on (built from `Settings` plus `changes`) on loopback ports.

    On exit the add-on's report jobs are waited for before its engine is disposed, so no
    background thread outlives the test with an open connection.
    """
    issuer = TokenIssuer(addon_key=Settings().addon_key)
    with SandboxServer(issuer) as sandbox:

        def build(url: str) -> Any:
            return create_app(
                Settings(
                    public_url=url,
                    database_url=database_url,
                    encryption_keys=(encryption_key,),
                    clockify_public_keys=(issuer.public_key_pem,),
                    frame_ancestors=(sandbox.url,),
                    log_format=LogFormat.TEXT,
                    **{"log_level": "DEBUG", **changes},
                )
            )

        with ServedApp(build) as addon:
            yield LiveStack(sandbox=sandbox, addon=addon, inbox=inbox)
            addon.app.extensions["addon"].close(grace=10)


@contextmanager
def _live_stack(
    tmp_path: Path, encryption_key: Secret, *, inbox: Inbox | None = None, **changes: Any
) -> Iterator[LiveStack]:
    database_url = f"sqlite:///{tmp_path / 'addon.sqlite3'}"
    upgrade(database_url)
    with serve_stack(database_url, encryption_key, inbox=inbox, **changes) as stack:
        yield stack


@pytest.fixture
def live(tmp_path: Path, encryption_key: Secret) -> Iterator[LiveStack]:
    with _live_stack(tmp_path, encryption_key) as stack:
        yield stack


@pytest.fixture
def live_mail(tmp_path: Path, encryption_key: Secret) -> Iterator[LiveStack]:
    """`live`, with the add-on's SMTP settings pointing at an aiosmtpd server (`.inbox`)."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, server_hostname="mail.test")
    controller.start()
    try:
        with _live_stack(
            tmp_path,
            encryption_key,
            inbox=inbox,
            smtp_host="127.0.0.1",
            smtp_port=port,
            mail_from="Reports & Invoices <reports@addon.test>",
        ) as stack:
            yield stack
    finally:
        controller.stop()


@pytest.fixture
def stack(db_url: str, encryption_key: Secret) -> Iterator[Any]:
    """The report-API stack (`tests.e2e.report_api.Stack`) on SQLite and on PostgreSQL."""
    from tests.e2e.report_api import open_stack  # it builds on serve_stack, defined here

    yield from open_stack(db_url, encryption_key)


@pytest.fixture
def lite(tmp_path: Path, encryption_key: Secret) -> Iterator[Any]:
    """The same on SQLite only, for tests about Clockify's side rather than the database's."""
    from tests.e2e.report_api import open_stack

    url = f"sqlite:///{tmp_path / 'addon.sqlite3'}"
    upgrade(url)
    yield from open_stack(url, encryption_key)


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    """Where browser tests save screenshots: `SCREENSHOT_DIR` if set, else the test's tmp_path.

    `SCREENSHOT_DIR=docs/screenshots pytest -m browser tests/e2e` regenerates the README's.
    """
    directory = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path / "screenshots")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        require_or_skip("Debian's chromium is not installed")
        raise AssertionError("unreachable")
    return path


@pytest.fixture(scope="package")
def playwright_driver(chromium_path: str) -> Iterator[Any]:
    """Playwright's driver, started once for these tests (about 2.5 s; a launch takes 0.5 s)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture
def browser(playwright_driver: Any, chromium_path: str) -> Iterator[Any]:
    browser = playwright_driver.chromium.launch(
        executable_path=chromium_path,
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    )
    yield browser
    browser.close()
