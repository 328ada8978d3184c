"""Scheduled delivery end to end: the sandbox's reports, a real SMTP server (aiosmtpd on
loopback), SQLite and PostgreSQL. Duplicates are counted by Message-ID, as receivers do."""

from __future__ import annotations

import email
import email.policy
import io
import itertools
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from pypdf import PdfReader
from sqlalchemy import func, select

from addon.delivery.runner import MailRetry, TickReport, tick
from addon.mail.compose import Recipients
from addon.mail.smtp import SmtpSender
from addon.render.files import FileFormat
from addon.reports.periods import Weekday
from addon.runtime import Runtime
from addon.schedules import Cadence, Coverage
from addon.services.schedule_spec import ReportKind, ReportSpec, ScheduleSpec
from addon.services.schedules import save_schedule
from addon.settings import MissedRuns, SmtpSecurity
from addon.store import runs as run_store
from addon.store import schedules as store
from addon.store.models import DeliveryRun, IssuedInvoice, Schedule
from addon.store.repositories import get_installation
from sandbox import SandboxServer, TokenIssuer
from sandbox.behaviour import MATRIX, Behaviour
from sandbox.data import Workspace
from sandbox.generator import generate_workspace
from sandbox.tokens import ApiUrls
from tests.clockify import ClockifyActions, install_in_sandbox

REPORT_FIELDS = ("kind", "filters", "groups", "locale", "durations", "week_start")

FAST = MailRetry(tries=4, base_seconds=0.01, cap_seconds=0.05)


@dataclass
class Site:
    sandbox: SandboxServer
    workspace: Workspace


@pytest.fixture(scope="module")
def site(issuer: TokenIssuer) -> Iterator[Site]:
    with SandboxServer(issuer) as sandbox:
        workspace = generate_workspace(
            sandbox.state,
            43,
            entries=60,
            expenses=0,
            start=date(2025, 1, 1),
            end=date(2025, 1, 31),
            currencies=("EUR",),
        )
        yield Site(sandbox, workspace)


_issued = itertools.count(int(time.time()) - 3_600)


@pytest.fixture
def installed(clockify: ClockifyActions, site: Site) -> ClockifyActions:
    ws = site.workspace
    clockify.workspace_id = ws.id
    clockify.urls = ApiUrls.for_sandbox(site.sandbox.url, ws.region, ws.subdomain)
    install_in_sandbox(clockify, site.sandbox.state, ws, issued_at=next(_issued))
    return clockify


@dataclass
class Outbox:
    """What the SMTP server accepted, and the replies it gives to the next DATA commands."""

    messages: list[EmailMessage] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)
    port: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.replies:
            return self.replies.pop(0)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.messages]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def outbox() -> Iterator[Outbox]:
    box = Outbox(port=_free_port())
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    yield box
    controller.stop()


@pytest.fixture
def sender(outbox: Outbox) -> SmtpSender:
    return SmtpSender(host="127.0.0.1", port=outbox.port, security=SmtpSecurity.NONE)


def _schedule(runtime: Runtime, workspace_id: str, spec: ScheduleSpec, now: datetime) -> int:
    with runtime.sessions.begin() as session:
        return save_schedule(session, workspace_id, spec, created_by="u1", now=now).id


def _monthly(**changes: Any) -> ScheduleSpec:
    values: dict[str, Any] = {
        "name": "January hours",
        "cadence": Cadence.monthly(1, hour=8, zone="Europe/Berlin"),
        "coverage": Coverage.PREVIOUS_MONTH,
        "recipients": Recipients.parse(["boss@example.com"], bcc=["audit@example.com"]),
        "formats": (FileFormat.CSV, FileFormat.XLSX, FileFormat.PDF),
        "subject_template": "{name}: {period}",
    }
    values.update(changes)
    report = {k: values.pop(k) for k in REPORT_FIELDS if k in values}
    return ScheduleSpec(**values, report=ReportSpec(**report))


def _run(runtime: Runtime, run_id: int) -> DeliveryRun:
    with runtime.sessions() as session:
        run = session.get(DeliveryRun, run_id)
        assert run is not None
        return run


CREATED = datetime(2025, 1, 15, tzinfo=UTC)
AFTER_DUE = datetime(2025, 2, 1, 9, tzinfo=UTC)  # Feb 1 08:00 Berlin is 07:00 UTC


def _tick(runtime: Runtime, sender: SmtpSender, now: datetime, owner: str = "a") -> TickReport:
    return tick(runtime, now=now, owner=owner, sender=sender, retry=FAST)


def test_a_due_summary_is_emailed_once_with_attachments_and_a_derived_message_id(
    runtime: Runtime, installed: ClockifyActions, sender: SmtpSender, outbox: Outbox
) -> None:
    schedule_id = _schedule(runtime, installed.workspace_id, _monthly(), CREATED)

    before = _tick(runtime, sender, datetime(2025, 2, 1, 6, 59, tzinfo=UTC))
    first = _tick(runtime, sender, AFTER_DUE)
    second = _tick(runtime, sender, AFTER_DUE, owner="b")

    assert before.sent == [] and second == TickReport()
    [run_id] = first.sent
    run = _run(runtime, run_id)
    expected_id = f"<{run_id}.{schedule_id}.2025-02-01@localhost>"
    assert (run.state, run.message_id) == ("sent", expected_id)
    assert (run.period_start, run.period_end) == (date(2025, 1, 1), date(2025, 1, 31))
    [message] = outbox.messages
    assert message["Message-ID"] == expected_id
    assert message["Subject"] == "January hours: 2025-01-01 \u2013 2025-01-31"
    assert "audit@example.com" not in str(message)  # Bcc is envelope-only
    html = message.get_body(("html",))
    assert html is not None and "January hours" in html.get_content()
    names = sorted(str(part.get_filename()) for part in message.iter_attachments())
    assert [n.rsplit(".", 1)[1] for n in names] == ["csv", "pdf", "xlsx"]
    pdf = next(p for p in message.iter_attachments() if p.get_content_type() == "application/pdf")
    assert pdf.get_content().startswith(b"%PDF")
    with runtime.sessions() as session:
        row = session.get(Schedule, schedule_id)
        assert row is not None and row.last_due == date(2025, 2, 1)


def test_paused_inactive_or_deleted_workspaces_send_nothing(
    runtime: Runtime, installed: ClockifyActions, sender: SmtpSender, outbox: Outbox
) -> None:
    schedule_id = _schedule(runtime, installed.workspace_id, _monthly(formats=()), CREATED)
    with runtime.sessions.begin() as session:
        row = session.get(Schedule, schedule_id)
        assert row is not None
        store.pause_schedule(session, row, now=CREATED)
    assert _tick(runtime, sender, AFTER_DUE) == TickReport()

    with runtime.sessions.begin() as session:
        row = session.get(Schedule, schedule_id)
        assert row is not None
        row.paused = False
    installed.set_status("INACTIVE")
    assert _tick(runtime, sender, AFTER_DUE) == TickReport()

    installed.uninstall()
    assert _tick(runtime, sender, AFTER_DUE) == TickReport()
    assert outbox.messages == []
    with runtime.sessions() as session:
        assert store.list_schedules(session, installed.workspace_id) == []
        assert run_store.delivery_log(session, installed.workspace_id) == []


def test_temporary_smtp_failures_are_retried_and_the_email_is_sent_once(
    runtime: Runtime, installed: ClockifyActions, sender: SmtpSender, outbox: Outbox
) -> None:
    _schedule(runtime, installed.workspace_id, _monthly(formats=()), CREATED)
    outbox.replies = ["451 4.3.0 try again later", "451 4.3.0 try again later"]

    report = _tick(runtime, sender, AFTER_DUE)

    assert len(report.sent) == 1 and report.retrying == []
    assert len(outbox.message_ids()) == len(set(outbox.message_ids())) == 1


def test_a_rejected_email_fails_visibly_and_resends_with_the_same_message_id(
    runtime: Runtime, installed: ClockifyActions, sender: SmtpSender, outbox: Outbox
) -> None:
    schedule_id = _schedule(runtime, installed.workspace_id, _monthly(formats=()), CREATED)
    outbox.replies = ["550 5.1.1 mailbox unavailable"]

    report = _tick(runtime, sender, AFTER_DUE)

    [run_id] = report.failed
    with runtime.sessions() as session:
        [logged] = run_store.delivery_log(session, installed.workspace_id)
    assert (logged.id, logged.state) == (run_id, "failed")
    assert logged.last_error is not None and logged.last_error.startswith("smtp_rejected")
    assert outbox.messages == []

    with runtime.sessions.begin() as session:
        assert run_store.reset_for_resend(session, installed.workspace_id, run_id, AFTER_DUE)
    resent = _tick(runtime, sender, AFTER_DUE.replace(minute=1))

    assert resent.sent == [run_id]
    assert outbox.message_ids() == [f"<{run_id}.{schedule_id}.2025-02-01@localhost>"]
    assert _run(runtime, run_id).attempts == 2


def test_a_crashed_claim_is_taken_over_after_its_lease_with_the_same_message_id(
    runtime: Runtime, installed: ClockifyActions, sender: SmtpSender, outbox: Outbox
) -> None:
    schedule_id = _schedule(runtime, installed.workspace_id, _monthly(formats=()), CREATED)
    with runtime.sessions.begin() as session:
        row = session.get(Schedule, schedule_id)
        assert row is not None
        period = (date(2025, 1, 1), date(2025, 1, 31))
        lease = runtime.settings.delivery_lease_seconds
        crashed = run_store.claim_run(
            session, row, date(2025, 2, 1), period, "crashed", AFTER_DUE, timedelta(seconds=lease)
        )
        assert crashed is not None
        run_store.advance_last_due(session, schedule_id, date(2025, 2, 1))

    assert _tick(runtime, sender, AFTER_DUE.replace(minute=1)) == TickReport()
    later = AFTER_DUE.replace(hour=10)
    report = _tick(runtime, sender, later, owner="b")

    assert report.sent == [crashed.id]
    assert outbox.message_ids() == [f"<{crashed.id}.{schedule_id}.2025-02-01@localhost>"]


def _daily() -> ScheduleSpec:
    return ScheduleSpec(
        name="Daily hours",
        report=ReportSpec(week_start=Weekday.MONDAY),
        cadence=Cadence.daily(hour=8, zone="UTC"),
        coverage=Coverage.PREVIOUS_DAY,
        recipients=Recipients.parse(["boss@example.com"]),
    )


@pytest.mark.parametrize("policy", [MissedRuns.SEND, MissedRuns.SKIP])
def test_runs_missed_during_downtime_are_sent_once_each_or_skipped_but_the_latest(
    runtime: Runtime,
    installed: ClockifyActions,
    sender: SmtpSender,
    outbox: Outbox,
    policy: MissedRuns,
) -> None:
    runtime.settings = runtime.settings.with_(missed_runs=policy)
    _schedule(runtime, installed.workspace_id, _daily(), datetime(2025, 1, 10, tzinfo=UTC))
    back_up = datetime(2025, 1, 14, 9, tzinfo=UTC)  # runs due Jan 10 .. Jan 14 were missed

    report = _tick(runtime, sender, back_up)
    again = _tick(runtime, sender, back_up, owner="b")

    with runtime.sessions() as session:
        log = {r.due.day: r.state for r in run_store.delivery_log(session, installed.workspace_id)}
    assert again == TickReport()
    assert len(outbox.message_ids()) == len(set(outbox.message_ids()))
    if policy is MissedRuns.SEND:
        assert log == dict.fromkeys(range(10, 15), "sent")
        assert len(outbox.messages) == 5 and len(report.sent) == 5
    else:
        assert log == {10: "skipped", 11: "skipped", 12: "skipped", 13: "skipped", 14: "sent"}
        assert [m["Subject"] for m in outbox.messages] == ["Daily hours: 2025-01-13"]


def test_an_invoice_schedule_emails_one_draft_invoice_per_client_with_pdfs(
    runtime: Runtime, installed: ClockifyActions, sender: SmtpSender, outbox: Outbox, site: Site
) -> None:
    spec = _monthly(kind=ReportKind.INVOICE, groups=(), formats=(FileFormat.PDF,))
    _schedule(runtime, installed.workspace_id, spec, CREATED)

    report = _tick(runtime, sender, AFTER_DUE)

    assert len(report.sent) == 1
    [message] = outbox.messages
    pdfs = [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
    billed_clients = {
        site.workspace.projects[e.project_id].client_id
        for e in site.workspace.entries
        if e.billable and e.project_id and site.workspace.projects[e.project_id].client_id
    }
    assert pdfs and len(pdfs) <= max(1, len(billed_clients))
    assert all(p.get_content().startswith(b"%PDF") for p in pdfs)
    assert all("draft-" in str(p.get_filename()) for p in pdfs)  # never a gap-free number
    first_lines = {c.address.split(",")[0] for c in site.workspace.clients.values() if c.address}
    for part in pdfs:  # each bill-to block carries that client's address from the regular API
        text = " ".join(
            page.extract_text() for page in PdfReader(io.BytesIO(part.get_content())).pages
        )
        assert any(line in text for line in first_lines), part.get_filename()
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(IssuedInvoice)) == 0


def test_an_emailed_invoice_draft_follows_the_workspaces_invoice_settings(
    runtime: Runtime, installed: ClockifyActions, sender: SmtpSender, outbox: Outbox
) -> None:
    """The same terms as the sidebar's drafts: taxes (named in the report's language), rounding
    and payment terms from the add-on settings Clockify last sent."""
    with runtime.sessions.begin() as session:
        row = get_installation(session, installed.workspace_id)
        assert row is not None
        row.settings = [
            {"id": "tax-percent", "name": "Tax (%)", "value": 19},
            {"id": "payment-terms-days", "name": "Payment terms (days)", "value": 14},
        ]
    spec = _monthly(kind=ReportKind.INVOICE, groups=(), formats=(FileFormat.PDF,), locale="de_DE")
    _schedule(runtime, installed.workspace_id, spec, CREATED)

    assert len(_tick(runtime, sender, AFTER_DUE).sent) == 1
    [message] = outbox.messages
    pdf = next(p for p in message.iter_attachments() if p.get_content_type() == "application/pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.get_content())).pages)
    assert "Steuer (19" in text, text[:2000]
    assert "15.02.2025" in text  # issued on the send date, 1 February, due 14 days later
    plain = message.get_body(preferencelist=("plain",))
    assert plain is not None and "(Entwurf, nicht ausgestellt)" in plain.get_content()


def test_an_empty_period_is_skipped_when_asked_and_sent_when_not(
    runtime: Runtime, installed: ClockifyActions, sender: SmtpSender, outbox: Outbox
) -> None:
    december = datetime(2024, 12, 15, tzinfo=UTC)  # the site's entries are all in January 2025
    new_year = datetime(2025, 1, 1, 9, tzinfo=UTC)
    quiet = _schedule(runtime, installed.workspace_id, _monthly(skip_when_empty=True), december)
    loud = _schedule(runtime, installed.workspace_id, _monthly(name="Always"), december)

    report = _tick(runtime, sender, new_year)

    assert len(report.skipped) == 1 and len(report.sent) == 1
    assert _run(runtime, report.skipped[0]).schedule_id == quiet
    assert _run(runtime, report.sent[0]).schedule_id == loud
    assert [str(m["Subject"]).split(":")[0] for m in outbox.messages] == ["Always"]


def test_the_scheduler_inside_the_web_app_delivers_a_due_run(
    runtime: Runtime, installed: ClockifyActions, outbox: Outbox
) -> None:
    from addon import create_app

    now = datetime.now(UTC)
    spec = _monthly(
        name="In web",
        cadence=Cadence.daily(hour=0, minute=0, zone="UTC"),
        coverage=Coverage.PREVIOUS_DAY,
        formats=(),
    )
    with runtime.sessions.begin() as session:  # last handled: two days ago, so today is due
        save_schedule(session, installed.workspace_id, spec, created_by="u1", now=now)
        row = session.scalars(select(Schedule).where(Schedule.name == "In web")).one()
        row.last_due = now.date() - timedelta(days=1)
    settings = runtime.settings.with_(
        scheduler_in_web=True, scheduler_tick_seconds=1, smtp_port=outbox.port
    )
    app = create_app(settings)
    try:
        deadline = time.monotonic() + 20
        while not outbox.messages and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        app.extensions["addon.scheduler"].shutdown(wait=True)
        app.extensions["addon"].engine.dispose()

    assert [str(m["Subject"]).split(":")[0] for m in outbox.messages] == ["In web"]


def test_a_clockify_outage_keeps_the_run_claimed_and_a_later_tick_sends_it(
    runtime: Runtime, installed: ClockifyActions, sender: SmtpSender, outbox: Outbox, site: Site
) -> None:
    from addon.clockify.retry import RetryPolicy
    from sandbox.faults import Fault, FaultKind

    _schedule(runtime, installed.workspace_id, _monthly(formats=()), CREATED)
    impatient = RetryPolicy(deadline=0.3, backoff_base=0.01, backoff_max=0.02)
    faults = site.sandbox.state.faults
    faults.inject(site.workspace.id, Fault(FaultKind.ERROR, status=503, count=10_000))
    try:
        down = tick(
            runtime, now=AFTER_DUE, owner="a", sender=sender, retry=FAST, clockify_retry=impatient
        )
    finally:
        faults.clear(site.workspace.id)

    assert down.failed == [] and len(down.retrying) == 1
    [run_id] = down.retrying
    assert _run(runtime, run_id).state == "claimed"
    assert "clockify_unavailable" in str(_run(runtime, run_id).last_error)
    assert outbox.messages == []

    after_lease = AFTER_DUE + timedelta(seconds=runtime.settings.delivery_lease_seconds + 1)
    back = _tick(runtime, sender, after_lease, owner="b")

    assert back.sent == [run_id]
    assert len(outbox.messages) == 1


@pytest.mark.parametrize("preset", MATRIX)
def test_a_scheduled_report_says_what_it_was_checked_against_across_presets(
    runtime: Runtime,
    installed: ClockifyActions,
    sender: SmtpSender,
    outbox: Outbox,
    site: Site,
    preset: str,
) -> None:
    site.sandbox.state.apply_preset(site.workspace.id, preset)
    try:
        _schedule(runtime, installed.workspace_id, _monthly(), CREATED)
        report = _tick(runtime, sender, AFTER_DUE)
    finally:
        site.sandbox.state.apply_preset(site.workspace.id, "live")  # its own plan back too

    assert len(report.sent) == 1, report
    [message] = outbox.messages
    line = "Checked against Clockify: 60 entries"
    html = message.get_body(("html",))
    assert html is not None and line in html.get_content()
    pdf = next(p for p in message.iter_attachments() if p.get_content_type() == "application/pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.get_content())).pages)
    assert line in " ".join(text.split())


def test_a_used_up_hourly_quota_defers_the_run_until_clockify_said_and_then_sends_it(
    runtime: Runtime, installed: ClockifyActions, sender: SmtpSender, outbox: Outbox, site: Site
) -> None:
    state = site.sandbox.state
    now = [1_000_000.0]
    state.clock = lambda: now[0]
    state.set_behaviour(site.workspace.id, Behaviour(hourly_quota=1))  # the report needs more
    try:
        _schedule(runtime, installed.workspace_id, _monthly(formats=()), CREATED)
        used_up = _tick(runtime, sender, AFTER_DUE)
        [run_id] = used_up.deferred
        run = _run(runtime, run_id)
        assert (run.state, used_up.failed, outbox.messages) == ("claimed", [], [])
        assert "clockify_rate_limited" in str(run.last_error) and "about 60 min" in str(
            run.last_error
        )
        assert run.lease_expires_at is not None
        waited = run.lease_expires_at - AFTER_DUE
        assert timedelta(minutes=59) < waited <= timedelta(minutes=61)  # as Clockify asked

        early = _tick(runtime, sender, AFTER_DUE + timedelta(minutes=30), owner="b")
        assert early == TickReport()  # nobody retries into the quota before the wait is over

        now[0] += 3_601
        state.set_behaviour(site.workspace.id, Behaviour(hourly_quota=30))
        later = _tick(runtime, sender, AFTER_DUE + timedelta(minutes=62), owner="b")
    finally:
        state.set_behaviour(site.workspace.id, Behaviour())
        state.clock = time.monotonic

    assert later.sent == [run_id]
    assert len(outbox.messages) == 1
