"""The Schedules tab in Chromium: the form, its preview, pause/resume/delete, a test email that
reaches a real SMTP server, and the delivery log with a failed run re-sent."""

from __future__ import annotations

import email
import email.policy
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from addon.delivery.runner import MailRetry, tick
from addon.mail.smtp import SmtpSender
from sandbox.state import SEED_WORKSPACE_ID
from tests.e2e.conftest import LiveStack
from tests.e2e.sidebar_page import WAIT, Sidebar, open_sidebar

pytestmark = pytest.mark.browser

FAST = MailRetry(tries=1, base_seconds=0.01, cap_seconds=0.01)


def _api(sidebar: Sidebar, method: str, path: str, body: Any = None) -> Any:
    """Call the API as the page does (its session, its hook)."""
    return sidebar.frame.locator("body").evaluate(
        "(body, [method, path, data]) => window.reportsAddon.call(method, path, data)",
        [method, path, body],
    )


def _schedules_tab(sidebar: Sidebar) -> None:
    sidebar.tab("Schedules")
    sidebar.frame.locator("#schedules-card[aria-busy='false']").wait_for(timeout=WAIT)


def _spec(name: str, to: str, **changes: Any) -> dict[str, Any]:
    spec = {
        "name": name,
        "kind": "summary",
        "groups": ["PROJECT"],
        "formats": ["csv", "pdf"],
        "frequency": "DAILY",
        "hour": 7,
        "minute": 0,
        "zone": "Europe/Berlin",
        "coverage": "PREVIOUS_DAY",
        "recipients": {"to": [to]},
    }
    spec.update(changes)
    return spec


def test_a_schedule_is_created_previewed_paused_edited_and_deleted(
    live: LiveStack, browser: Any, screenshots: Path
) -> None:
    addon_id = live.install()
    sidebar = open_sidebar(browser, live, addon_id)
    frame = sidebar.frame
    _schedules_tab(sidebar)
    assert "No scheduled emails yet" in frame.locator("#schedules-status").inner_text()

    frame.get_by_role("button", name="New schedule").click()
    frame.get_by_label("Name", exact=True).fill("Friday hours")
    frame.get_by_label("XLSX").check()
    frame.get_by_label("Frequency").select_option("WEEKLY")
    frame.get_by_label("On", exact=True).select_option("FRIDAY")
    frame.locator("#s-time").fill("17:30")
    frame.locator("#s-zone").fill("Europe/Berlin")
    sidebar.tick("s-clients", "Acme Logistics")
    frame.locator("#s-non-work-time").select_option("EXCLUDE")
    frame.get_by_label("To", exact=True).fill("boss@example.com, team@example.com")
    frame.get_by_role("button", name="Preview next sends").click()
    sends = frame.locator("#s-next time")
    sends.nth(4).wait_for(timeout=WAIT)
    first = datetime.fromisoformat(str(sends.first.get_attribute("datetime")))
    assert (first.weekday(), first.hour, first.minute) == (4, 17, 30)
    sidebar.screenshot(screenshots / "schedule-form.png", frame.locator("#s-next"))
    frame.get_by_role("button", name="Save schedule").click()

    row = frame.locator("#schedules tr", has_text="Friday hours")
    row.wait_for(timeout=WAIT)
    assert "Every Friday at 5:30" in row.inner_text()
    assert "Active" in row.inner_text()
    assert "saved" in frame.locator("#banner").inner_text()
    stored = _api(sidebar, "GET", "/schedules")["schedules"][0]
    acme = next(
        c.id
        for c in live.sandbox.state.workspace(SEED_WORKSPACE_ID).clients.values()
        if c.name == "Acme Logistics"
    )
    assert stored["filters"]["clients"] == [acme]
    assert stored["filters"]["non_work_time"] == "EXCLUDE"
    assert stored["formats"] == ["csv", "xlsx", "pdf"]
    assert (stored["weekday"], stored["hour"], stored["minute"]) == ("FRIDAY", 17, 30)
    assert stored["recipients"]["to"] == ["boss@example.com", "team@example.com"]

    row.get_by_role("button", name="Pause").click()
    frame.locator("#schedules tr.paused", has_text="Friday hours").wait_for(timeout=WAIT)
    assert "Paused" in row.inner_text()
    row.get_by_role("button", name="Resume").click()
    frame.locator("#schedules tr:not(.paused)", has_text="Friday hours").wait_for(timeout=WAIT)

    row.get_by_role("button", name="Edit").click()
    expect(frame.locator("#schedule-form-title")).to_have_text("Edit schedule", timeout=WAIT)
    assert frame.get_by_label("Name", exact=True).input_value() == "Friday hours"
    frame.get_by_label("Name", exact=True).fill("Friday hours (team)")
    frame.get_by_role("button", name="Save schedule").click()
    renamed = frame.locator("#schedules tr", has_text="Friday hours (team)")
    renamed.wait_for(timeout=WAIT)
    sidebar.screenshot(screenshots / "schedules.png")

    renamed.get_by_role("button", name="Delete").click()
    dialog = frame.get_by_role("dialog")
    assert "Friday hours (team)" in dialog.inner_text()
    dialog.get_by_role("button", name="Delete").click()
    frame.get_by_text("No scheduled emails yet").wait_for(timeout=WAIT)
    assert _api(sidebar, "GET", "/schedules") == {"schedules": []}


def test_refused_fields_are_marked_next_to_the_control(live: LiveStack, browser: Any) -> None:
    addon_id = live.install()
    sidebar = open_sidebar(browser, live, addon_id)
    frame = sidebar.frame
    _schedules_tab(sidebar)
    frame.get_by_role("button", name="New schedule").click()
    frame.get_by_label("Name", exact=True).fill("Broken")
    frame.get_by_label("To", exact=True).fill("not-an-address")

    frame.get_by_role("button", name="Save schedule").click()

    to = frame.get_by_label("To", exact=True)
    assert to.get_attribute("aria-invalid") == "true"
    assert (
        "Not an email address: not-an-address"
        in frame.locator("[data-field~='recipients'] .field-error").inner_text()
    )

    # The server's 422 names the field; the page puts its message there.
    to.fill("boss@example.com")
    frame.get_by_label("Subject").fill("{client}: {period}")
    frame.get_by_role("button", name="Save schedule").click()
    error = frame.locator("[data-field='subject_template'] .field-error")
    error.wait_for(timeout=WAIT)
    assert "{client}" in error.inner_text()
    assert frame.get_by_label("Subject").get_attribute("aria-invalid") == "true"
    assert frame.locator("[data-field~='recipients'] .field-error").count() == 0
    assert _api(sidebar, "GET", "/schedules") == {"schedules": []}


def test_send_test_email_now_reaches_the_smtp_server(live_mail: LiveStack, browser: Any) -> None:
    addon_id = live_mail.install()
    sidebar = open_sidebar(browser, live_mail, addon_id)
    _api(sidebar, "POST", "/schedules", _spec("Daily hours", "boss@example.com"))
    _schedules_tab(sidebar)
    row = sidebar.frame.locator("#schedules tr", has_text="Daily hours")

    row.get_by_role("button", name="Send test").click()

    progress = sidebar.frame.locator("#test-progress.done")
    progress.wait_for(timeout=WAIT)
    assert live_mail.inbox is not None
    assert len(live_mail.inbox.received) == 1
    received = live_mail.inbox.received[0]
    message = email.message_from_bytes(received.content, policy=email.policy.default)
    assert received.rcpt_tos == ["boss@example.com"]
    assert str(message["Subject"]).startswith("[Test] Daily hours")
    names = sorted(part.get_filename() for part in message.iter_attachments())
    assert [Path(name).suffix for name in names] == [".csv", ".pdf"]
    text = progress.inner_text()
    assert "sent to 1 recipients" in text and str(message["Subject"]) in text
    for name in names:
        assert name in text


def test_delivery_log_shows_a_failed_run_and_resends_it(
    live_mail: LiveStack, browser: Any, screenshots: Path
) -> None:
    addon_id = live_mail.install()
    assert live_mail.inbox is not None
    live_mail.inbox.rcpt_replies["gone@example.com"] = "550 5.1.1 mailbox unavailable"
    sidebar = open_sidebar(browser, live_mail, addon_id)
    _api(sidebar, "POST", "/schedules", _spec("Daily hours", "gone@example.com"))
    runtime = live_mail.addon.app.extensions["addon"]
    sender = SmtpSender.from_settings(runtime.settings)
    later = runtime.now() + timedelta(days=1, hours=1)
    report = tick(runtime, now=later, owner="e2e", sender=sender, retry=FAST)
    assert report.failed

    _schedules_tab(sidebar)
    failed = sidebar.frame.locator("#deliveries tr[data-state='failed']").first
    failed.wait_for(timeout=WAIT)
    assert "Daily hours" in failed.inner_text()
    assert "550" in failed.locator(".error-text").inner_text()
    sidebar.screenshot(screenshots / "delivery-log.png", sidebar.frame.locator("#deliveries-card"))

    live_mail.inbox.rcpt_replies.clear()
    failed.get_by_role("button", name="Resend").click()
    sidebar.frame.get_by_text("Queued: the next scheduler tick sends it again.").wait_for(
        timeout=WAIT
    )
    assert sidebar.frame.locator("#deliveries tr[data-state='claimed']").count() == 1
    tick(runtime, now=later + timedelta(minutes=1), owner="e2e", sender=sender, retry=FAST)
    sidebar.frame.get_by_role("button", name="Reload").last.click()
    sidebar.frame.locator("#deliveries tr[data-state='sent']").first.wait_for(timeout=WAIT)
    assert len(live_mail.inbox.received) >= 1
