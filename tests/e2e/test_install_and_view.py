"""Install through the sandbox's real lifecycle call, then view the sidebar inside its shell."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from sandbox.state import SEED_WORKSPACE_ID
from tests.e2e.conftest import LiveStack

ROOT = Path(__file__).resolve().parents[2]


def _iframe_src(page: str) -> str:
    match = re.search(r'<iframe[^>]*src="([^"]+)"', page)
    assert match, "no iframe on the shell page"
    return match.group(1).replace("&amp;", "&")


def test_no_log_record_of_an_install_and_view_run_contains_a_token(
    live: LiveStack, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        addon_id = live.install()
        shell = requests.get(live.shell_url(addon_id), timeout=10)
        frame_url = _iframe_src(shell.text)
        frame = requests.get(frame_url, timeout=10)

    assert frame.status_code == 200 and SEED_WORKSPACE_ID in frame.text
    installation = live.sandbox.state.installation(SEED_WORKSPACE_ID, addon_id)
    user_token = frame_url.split("auth_token=", 1)[1]
    lifecycle_tokens = [
        value
        for delivery in installation.deliveries
        for name, value in delivery.headers
        if name.lower() == "x-addon-lifecycle-token"
    ]
    secrets = [
        installation.auth_token,
        user_token,
        *lifecycle_tokens,
        *[w.auth_token for w in installation.webhooks],
    ]
    assert lifecycle_tokens
    assert caplog.records
    logged = caplog.text + "".join(
        f"{r.getMessage()} {r.exc_text or ''} {vars(r)}" for r in caplog.records
    )
    for secret in secrets:
        assert secret not in logged
        assert secret.split(".")[2] not in logged
    assert installation.auth_token not in frame.text


def test_sidebar_iframe_shows_the_verified_workspace_and_user(live: LiveStack) -> None:
    addon_id = live.install()
    owner = live.sandbox.state.workspace(SEED_WORKSPACE_ID).owner

    frame = requests.get(
        _iframe_src(requests.get(live.shell_url(addon_id), timeout=10).text), timeout=10
    )

    assert frame.status_code == 200
    assert SEED_WORKSPACE_ID in frame.text and owner.id in frame.text
    assert f"frame-ancestors 'self' {live.sandbox.url}" in frame.headers["Content-Security-Policy"]


def test_make_demo_check_starts_installs_and_serves_the_sidebar(tmp_path: Path) -> None:
    result = subprocess.run(  # noqa: S603  # our own interpreter and module, fixed arguments
        [
            sys.executable,
            "-m",
            "sandbox.demo",
            "--check",
            "--data-dir",
            str(tmp_path / "demo"),
            "--sandbox-port",
            "0",
            "--addon-port",
            "0",
            "--smtp-port",
            "0",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    assert "demo check passed" in result.stdout
    assert "eyJ" not in result.stderr  # no JWT reached the demo's log
