"""The sidebar's session outlives Clockify's user token: `refreshAddonToken` through the shell.

User tokens are made to live a few seconds (`PUT /sandbox/user-tokens`), so the session the
sidebar opened with expires while the page is open; its next API call then has to get a new
user token from the sandbox's shell by window messages and a new session from the add-on.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from sandbox.state import SEED_WORKSPACE_ID
from tests.e2e.conftest import LiveStack

pytestmark = pytest.mark.browser

LIFETIME = 4  # seconds: the session lives as long as the user token it came from

# Settles the call either way, and gives up after 20 s so a page that never answers fails the
# test instead of hanging it (the sidebar itself gives up on the shell after 10 s).
CALL_SCHEDULES = """() => Promise.race([
  window.reportsAddon.call("GET", "/schedules").then(
    (data) => ({ok: true, data: data}),
    (error) => ({ok: false, message: String(error && error.message || error)})),
  new Promise((resolve) => setTimeout(() => resolve({ok: false, hung: true}), 20000)),
])"""


def _set_lifetime(live: LiveStack, seconds: int) -> None:
    response = requests.put(
        f"{live.sandbox.url}/sandbox/user-tokens", json={"lifetimeSeconds": seconds}, timeout=10
    )
    assert response.status_code == 200, response.text


def _refreshes(live: LiveStack) -> int:
    response = requests.get(f"{live.sandbox.url}/sandbox/user-tokens", timeout=10)
    assert response.status_code == 200, response.text
    count: int = response.json()["refreshes"]
    return count


def _open_sidebar(live: LiveStack, page: Any, addon_id: str) -> Any:
    """Open the component page; returns the sidebar's frame once its script is ready."""
    page.goto(live.shell_url(addon_id))
    frame = page.locator("#addon-frame").element_handle(timeout=10_000).content_frame()
    frame.wait_for_function("() => window.reportsAddon !== undefined", timeout=10_000)
    return frame


def _wait_past_expiry(opened_at: float) -> None:
    time.sleep(max(0.0, opened_at + LIFETIME + 1.5 - time.monotonic()))


def test_expired_session_is_renewed_through_the_shell_and_the_call_succeeds(
    live: LiveStack, browser: Any
) -> None:
    addon_id = live.install()
    _set_lifetime(live, LIFETIME)
    page = browser.new_page()
    opened_at = time.monotonic()
    frame = _open_sidebar(live, page, addon_id)
    assert "auth_token" not in frame.url
    _wait_past_expiry(opened_at)

    result = frame.evaluate(CALL_SCHEDULES)

    assert result["ok"] is True, result
    assert result["data"]["schedules"] == []
    assert _refreshes(live) == 1
    assert "auth_token" not in frame.url
    assert all("auth_token" not in f.url for f in page.frames)
    assert page.locator("#toasts .toast").count() == 0


def test_refresh_the_shell_does_not_answer_rejects_the_call_with_a_clear_error(
    live: LiveStack, browser: Any
) -> None:
    addon_id = live.install()
    _set_lifetime(live, LIFETIME)
    page = browser.new_page()
    opened_at = time.monotonic()
    frame = _open_sidebar(live, page, addon_id)
    status = requests.post(
        f"{live.sandbox.url}/sandbox/workspaces/{SEED_WORKSPACE_ID}/addons/{addon_id}/status",
        json={"status": "INACTIVE"},
        timeout=10,
    )
    assert status.ok, status.text
    _wait_past_expiry(opened_at)

    started = time.monotonic()
    result = frame.evaluate(CALL_SCHEDULES)
    waited = time.monotonic() - started

    assert result["ok"] is False and "hung" not in result, result
    assert "refresh" in result["message"].lower()
    assert waited < 15
    assert _refreshes(live) == 0
    assert "HTTP 409" in page.locator("#toasts .toast-error").first.inner_text()


def test_shell_shows_the_addons_toast_as_text(live: LiveStack, browser: Any) -> None:
    addon_id = live.install()
    page = browser.new_page()
    frame = _open_sidebar(live, page, addon_id)

    frame.evaluate(
        """() => window.parent.postMessage(JSON.stringify({action: "toastrPop",
             payload: {type: "success", message: "<b>Saved</b>"}}), "*")"""
    )

    toast = page.locator("#toasts .toast-success")
    assert toast.inner_text(timeout=5_000) == "<b>Saved</b>"
    assert toast.get_attribute("role") == "status"


def test_shell_ignores_refresh_requests_from_other_windows(live: LiveStack, browser: Any) -> None:
    addon_id = live.install()
    page = browser.new_page()
    _open_sidebar(live, page, addon_id)

    page.evaluate(
        """() => window.postMessage(JSON.stringify({action: "refreshAddonToken", payload: {}}),
             "*")"""
    )
    page.wait_for_timeout(500)

    assert _refreshes(live) == 0
