"""Reaching the add-on from outside its processes, as Clockify and a browser do: the sidebar's
session through the sandbox's page and iframe, and Clockify's own total as the oracle."""

from __future__ import annotations

import re

import requests

from sandbox.server import SandboxServer
from sandbox.state import SEED_WORKSPACE_ID
from sandbox.tokens import ApiUrls
from tests.e2e.report_api import period

__all__ = ["clockify_total", "sidebar_session"]

_META = re.compile(r'<meta name="session" content="([^"]+)">')
_FRAME = re.compile(r'<iframe id="addon-frame"[^>]* src="([^"]+)"')


def sidebar_session(sandbox: SandboxServer, addon_id: str) -> str:
    """The sidebar's session, reached as a browser does: Clockify's page, then our iframe."""
    shell = requests.get(
        f"{sandbox.url}/workspaces/{SEED_WORKSPACE_ID}/addons/{addon_id}/0", timeout=10
    )
    assert shell.status_code == 200, shell.text
    frame = _FRAME.search(shell.text)
    assert frame is not None, shell.text
    page = requests.get(frame.group(1).replace("&amp;", "&"), timeout=10)
    found = _META.search(page.text)
    assert page.status_code == 200 and found is not None, page.text
    return found.group(1)


def clockify_total(sandbox: SandboxServer, addon_id: str) -> int:
    """Clockify's own summary total (seconds) for the report's period: the oracle."""
    workspace = sandbox.state.workspace(SEED_WORKSPACE_ID)
    start, end = period()
    urls = ApiUrls.for_sandbox(sandbox.url, workspace.region, workspace.subdomain)
    answer = requests.post(
        f"{urls.reports_url}/v1/workspaces/{workspace.id}/reports/summary",
        json={
            "dateRangeStart": f"{start}T00:00:00.000",
            "dateRangeEnd": f"{end}T23:59:59.999",
            "timeZone": "Europe/Berlin",
            "summaryFilter": {"groups": ["PROJECT"]},
        },
        headers={
            "X-Addon-Token": sandbox.state.installation(SEED_WORKSPACE_ID, addon_id).auth_token
        },
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    totals = answer.json()["totals"]
    return int((totals[0] if isinstance(totals, list) else totals)["totalTime"])
