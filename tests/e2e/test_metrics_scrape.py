"""`/metrics` after a real run: install through the sandbox, a report, a scheduled email and an
invoice marked in Clockify, each moving its counters; without the token, 401."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from aiosmtpd.controller import Controller

from addon.delivery.runner import MailRetry, tick
from addon.mail.smtp import SmtpSender
from addon.settings import Secret
from addon.store.migrate import upgrade
from sandbox.state import SEED_WORKSPACE_ID
from tests.e2e.conftest import serve_stack
from tests.e2e.report_api import Stack, summary_body
from tests.mail.conftest import Inbox, free_port
from tests.prometheus import scrape

TOKEN = "metrics-token-for-the-tests-0123"
FAST = MailRetry(tries=1, base_seconds=0.01, cap_seconds=0.01)


@pytest.fixture
def metered(tmp_path: Path, encryption_key: Secret) -> Iterator[Stack]:
    """The report-API stack with a metrics token, not installed yet."""
    url = f"sqlite:///{tmp_path / 'addon.sqlite3'}"
    upgrade(url)
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        with serve_stack(
            url,
            encryption_key,
            inbox=inbox,
            smtp_port=controller.port,
            log_level="INFO",
            metrics_token=Secret(TOKEN),
        ) as live:
            yield Stack(live.sandbox, live.addon, inbox)
    finally:
        controller.stop()


def _scrape(stack: Stack) -> dict[str, float]:
    return scrape(stack.addon.url, TOKEN)


def _moved(before: dict[str, float], after: dict[str, float], name: str) -> float:
    return after.get(name, 0.0) - before.get(name, 0.0)


def test_an_end_to_end_run_moves_the_counters(metered: Stack) -> None:
    stack = metered
    before = _scrape(stack)
    stack.addon_id = stack.install(SEED_WORKSPACE_ID)  # through the sandbox, as Clockify does
    api = stack.session_for()

    drafts = api.report({**summary_body(kind="invoice", groups=[]), "refresh": True})
    issued = api(
        "POST",
        "/invoices",
        {"job": drafts["id"], "invoice": drafts["result"]["invoices"][0]["key"]},
    )
    assert issued.status_code == 201, issued.text
    assert issued.json()["clockify"]["state"] == "marked"
    schedule = {
        "name": "Daily hours",
        "kind": "summary",
        "groups": ["PROJECT"],
        "formats": ["csv"],
        "frequency": "DAILY",
        "hour": 7,
        "minute": 0,
        "zone": "Europe/Berlin",
        "coverage": "PREVIOUS_DAY",
        "recipients": {"to": ["boss@example.com"]},
    }
    assert api("POST", "/schedules", schedule).status_code == 201
    runtime = stack.addon.app.extensions["addon"]
    sender = SmtpSender.from_settings(runtime.settings)
    report = tick(
        runtime,
        now=runtime.now() + timedelta(days=1, hours=1),
        owner="e2e",
        sender=sender,
        retry=FAST,
    )
    assert report.sent and len(stack.inbox.received) == 1

    after = _scrape(stack)

    assert _moved(before, after, 'addon_lifecycle_events_total{event="installed"}') == 1
    assert _moved(before, after, 'addon_invoice_markings_total{state="marked"}') == 1
    assert _moved(before, after, 'addon_deliveries_total{state="sent"}') == 1
    reports = 'addon_clockify_requests_total{operation="detailed_report",outcome="ok"}'
    assert _moved(before, after, reports) >= 2  # the invoice drafts and the email's report
    marks = 'addon_clockify_requests_total{operation="mark_invoiced",outcome="ok"}'
    assert _moved(before, after, marks) >= 1
    assert _moved(before, after, "addon_limiter_wait_seconds_count") >= 3
    assert _moved(before, after, 'addon_report_jobs_total{kind="invoice",state="done"}') == 1
    assert _moved(before, after, 'addon_report_job_seconds_count{kind="invoice",state="done"}') == 1
    assert after['addon_report_jobs{state="running"}'] == 0
    assert after['addon_report_jobs{state="queued"}'] == 0
    assert not any(SEED_WORKSPACE_ID in name for name in after)
    assert requests.get(f"{stack.addon.url}/metrics", timeout=10).status_code == 401
