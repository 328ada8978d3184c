"""The sidebar inside the sandbox's Clockify page, in real headless Chromium."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from sandbox.state import SEED_WORKSPACE_ID
from tests.e2e.conftest import LiveStack

pytestmark = pytest.mark.browser


def test_admin_sees_the_sidebar_with_workspace_and_user_inside_clockify(
    live: LiveStack, browser: Any
) -> None:
    addon_id = live.install()
    owner = live.sandbox.state.workspace(SEED_WORKSPACE_ID).owner
    page = browser.new_page()

    page.goto(live.shell_url(addon_id))
    frame = page.frame_locator("#addon-frame")

    assert frame.locator("h1").inner_text(timeout=10_000) == "Reports & Invoices"
    assert frame.locator("#workspace-id").inner_text() == SEED_WORKSPACE_ID
    assert frame.locator("#user-id").inner_text() == owner.id
    assert frame.locator("#status").inner_text() == "Active"
    assert page.get_by_text("Reports & Invoices").first.is_visible()


def test_inactive_addon_is_marked_and_sidebar_says_so(live: LiveStack, browser: Any) -> None:
    addon_id = live.install()
    base = f"{live.sandbox.url}/sandbox/workspaces/{SEED_WORKSPACE_ID}/addons/{addon_id}"
    assert requests.post(f"{base}/status", json={"status": "INACTIVE"}, timeout=10).ok
    page = browser.new_page()

    page.goto(live.shell_url(addon_id))

    assert page.locator("#addon-frame").count() == 0
    assert "inactive" in page.content().lower()
