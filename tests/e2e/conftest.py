"""Live components for end-to-end tests: the sandbox and the add-on on real loopback ports, and
headless Chromium from Debian's package (never a downloaded browser)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from addon import create_app
from addon.settings import LogFormat, Secret, Settings
from addon.store.migrate import upgrade
from sandbox.served import ServedApp
from sandbox.server import SandboxServer
from sandbox.state import SEED_WORKSPACE_ID
from sandbox.tokens import TokenIssuer
from tests.conftest import require_or_skip


@dataclass
class LiveStack:
    sandbox: SandboxServer
    addon: ServedApp

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


@pytest.fixture
def live(tmp_path: Path, encryption_key: Secret) -> Iterator[LiveStack]:
    issuer = TokenIssuer(addon_key=Settings().addon_key)
    database_url = f"sqlite:///{tmp_path / 'addon.sqlite3'}"
    upgrade(database_url)
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
                    log_level="DEBUG",
                )
            )

        with ServedApp(build) as addon:
            yield LiveStack(sandbox=sandbox, addon=addon)
            addon.app.extensions["addon"].engine.dispose()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        require_or_skip("Debian's chromium is not installed")
        raise AssertionError("unreachable")
    return path


@pytest.fixture
def browser(chromium_path: str, tmp_path: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
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
