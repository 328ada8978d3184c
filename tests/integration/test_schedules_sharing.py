"""Schedules of one workspace share their Clockify fetch within a tick (`addon.delivery.sharing`).

Real components throughout: the sandbox (its request log counts what Clockify was asked), a real
SMTP server on loopback and the test database. "Alone" is the same tick with `share=False`, on
the same schedules after their runs are wiped, so both emails come from the same data.
"""

from __future__ import annotations

import email
import email.policy
import itertools
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import delete, update

from addon.clockify.retry import RetryPolicy
from addon.delivery.runner import MailRetry, TickReport, tick
from addon.mail.compose import Recipients
from addon.mail.smtp import SmtpSender
from addon.render.files import FileFormat
from addon.reports.model import GroupBy
from addon.runtime import Runtime
from addon.schedules import Cadence, Coverage
from addon.services.schedule_spec import ReportFilters, ReportKind, ReportSpec, ScheduleSpec
from addon.services.schedules import save_schedule
from addon.settings import SmtpSecurity
from addon.store.models import DeliveryRun, Schedule
from sandbox import SandboxServer, TokenIssuer
from sandbox.data import Workspace
from sandbox.faults import Fault, FaultKind
from sandbox.generator import generate_workspace
from sandbox.tokens import ApiUrls
from tests.clockify import ClockifyActions, install_in_sandbox

REPORT_FIELDS = ("kind", "filters", "groups", "locale", "durations", "week_start")

FAST = MailRetry(tries=2, base_seconds=0.01, cap_seconds=0.02)
CREATED = datetime(2025, 1, 15, tzinfo=UTC)
AFTER_DUE = datetime(2025, 2, 1, 9, tzinfo=UTC)  # Feb 1 08:00 Berlin is 07:00 UTC
_issued = itertools.count(int(time.time()) - 3_600)


@dataclass
class Site:
    sandbox: SandboxServer
    workspaces: tuple[Workspace, Workspace]


@pytest.fixture(scope="module")
def site(issuer: TokenIssuer) -> Iterator[Site]:
    """Two workspaces generated from the same arguments but their seeds."""
    with SandboxServer(issuer) as sandbox:
        made = tuple(
            generate_workspace(
                sandbox.state,
                seed,
                entries=60,
                expenses=4,
                start=date(2025, 1, 1),
                end=date(2025, 1, 31),
                currencies=("EUR",),
            )
            for seed in (71, 72)
        )
        yield Site(sandbox, (made[0], made[1]))


def _install(
    clockify: ClockifyActions, site: Site, ws: Workspace, addon_id: str
) -> ClockifyActions:
    actions = replace(clockify, workspace_id=ws.id, addon_id=addon_id, sent=[])
    actions.urls = ApiUrls.for_sandbox(site.sandbox.url, ws.region, ws.subdomain)
    install_in_sandbox(actions, site.sandbox.state, ws, issued_at=next(_issued))
    return actions


@pytest.fixture
def first(clockify: ClockifyActions, site: Site) -> str:
    return _install(clockify, site, site.workspaces[0], "65a1b2c3d4e5f60718293a01").workspace_id


@pytest.fixture
def second(clockify: ClockifyActions, site: Site, first: str) -> str:
    return _install(clockify, site, site.workspaces[1], "65a1b2c3d4e5f60718293a02").workspace_id


@dataclass
class Outbox:
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def outbox() -> Iterator[tuple[Outbox, SmtpSender]]:
    box, port = Outbox(), _free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, SmtpSender(host="127.0.0.1", port=port, security=SmtpSecurity.NONE)
    controller.stop()


def _spec(**changes: Any) -> ScheduleSpec:
    values: dict[str, Any] = {
        "name": "January hours",
        "cadence": Cadence.monthly(1, hour=8, zone="Europe/Berlin"),
        "coverage": Coverage.PREVIOUS_MONTH,
        "recipients": Recipients.parse(["boss@example.com"]),
        "formats": (FileFormat.CSV,),
    }
    values.update(changes)
    report = {k: values.pop(k) for k in REPORT_FIELDS if k in values}
    return ScheduleSpec(**values, report=ReportSpec(**report))


def _save(runtime: Runtime, workspace_id: str, *specs: ScheduleSpec) -> list[int]:
    with runtime.sessions.begin() as session:
        return [
            save_schedule(session, workspace_id, spec, created_by="u1", now=CREATED).id
            for spec in specs
        ]


def _tick(runtime: Runtime, sender: SmtpSender, *, share: bool = True, **kw: Any) -> TickReport:
    now = kw.pop("now", AFTER_DUE)
    return tick(runtime, now=now, owner="a", sender=sender, retry=FAST, share=share, **kw)


def _wipe_runs(runtime: Runtime) -> None:
    """Forget every run, so the same schedules are due again (for the run alone)."""
    with runtime.sessions.begin() as session:
        session.execute(delete(DeliveryRun))
        session.execute(update(Schedule).values(last_due=None))


def _requests(site: Site, workspace_id: str) -> int:
    return len(site.sandbox.state.recorder.records(workspace_id))


def _content(message: EmailMessage) -> tuple[object, ...]:
    """Everything a reader sees: subject, bodies and attachments (not the Message-ID)."""
    html, text = message.get_body(("html",)), message.get_body(("plain",))
    assert html is not None and text is not None
    files = tuple((p.get_filename(), p.get_content()) for p in message.iter_attachments())
    return (str(message["Subject"]), html.get_content(), text.get_content(), files)


SAME_ROWS = {
    ReportKind.SUMMARY: (
        _spec(),
        _spec(name="By user", groups=(GroupBy.USER, GroupBy.PROJECT), locale="de_DE"),
        _spec(name="Plain", formats=(), subject_template="{period}", durations="clock"),
    ),
    ReportKind.INVOICE: (
        _spec(kind=ReportKind.INVOICE, groups=(), formats=(FileFormat.PDF,)),
        _spec(kind=ReportKind.INVOICE, groups=(), name="Rechnungen", locale="de_DE"),
        # the invoicing filter says ALL, but drafts always ask for uninvoiced rows: same query
        _spec(kind=ReportKind.INVOICE, groups=(), name="Drafts", formats=(FileFormat.CSV,)),
    ),
}


@pytest.mark.parametrize("kind", list(SAME_ROWS))
def test_schedules_needing_the_same_rows_fetch_once_and_email_what_each_sends_alone(
    runtime: Runtime,
    first: str,
    site: Site,
    outbox: tuple[Outbox, SmtpSender],
    kind: ReportKind,
) -> None:
    box, sender = outbox
    _save(runtime, first, *SAME_ROWS[kind])
    before = _requests(site, first)

    shared = _tick(runtime, sender)
    shared_requests = _requests(site, first) - before
    shared_mail = sorted(_content(m) for m in box.messages)
    _wipe_runs(runtime)
    box.messages.clear()
    alone = _tick(runtime, sender, share=False)
    alone_requests = _requests(site, first) - before - shared_requests

    assert len(shared.sent) == len(alone.sent) == 3
    assert (shared.fetches, shared.shared) == (1, 2)
    assert (alone.fetches, alone.shared) == (3, 0)
    assert alone_requests == 3 * shared_requests > 0
    assert shared_mail == sorted(_content(m) for m in box.messages)
    english = next(c for c in shared_mail if str(c[0]).startswith("January hours"))
    assert "Checked against Clockify: " in str(english[2])  # the shared fetch's check


def test_different_filters_periods_or_kinds_do_not_share(
    runtime: Runtime, first: str, site: Site, outbox: tuple[Outbox, SmtpSender]
) -> None:
    project = next(iter(site.workspaces[0].projects))
    _save(
        runtime,
        first,
        _spec(),
        _spec(name="One project", filters=ReportFilters(projects=(project,))),
        _spec(name="Billable", filters=ReportFilters(billable=True)),
        _spec(name="Last week", coverage=Coverage.PREVIOUS_WEEK),
        _spec(name="Tokyo", cadence=Cadence.monthly(1, hour=8, zone="Asia/Tokyo")),
        _spec(name="Drafts", kind=ReportKind.INVOICE, groups=()),
    )

    report = _tick(runtime, outbox[1])

    assert len(report.sent) == 6
    assert (report.fetches, report.shared) == (6, 0)


def test_the_order_of_filter_ids_does_not_keep_schedules_from_sharing(
    runtime: Runtime, first: str, site: Site, outbox: tuple[Outbox, SmtpSender]
) -> None:
    a, b = list(site.workspaces[0].projects)[:2]
    _save(
        runtime,
        first,
        _spec(filters=ReportFilters(projects=(a, b))),
        _spec(name="Reversed", filters=ReportFilters(projects=(b, a))),
    )

    report = _tick(runtime, outbox[1])

    assert len(report.sent) == 2 and (report.fetches, report.shared) == (1, 1)


def test_schedules_of_different_workspaces_never_share(
    runtime: Runtime, first: str, second: str, site: Site, outbox: tuple[Outbox, SmtpSender]
) -> None:
    box, sender = outbox
    _save(runtime, first, _spec(), _spec(name="Twin"))
    _save(runtime, second, _spec(), _spec(name="Twin"))
    before = {ws: _requests(site, ws) for ws in (first, second)}

    report = _tick(runtime, sender)

    assert len(report.sent) == 4 and (report.fetches, report.shared) == (2, 2)
    asked = {ws: _requests(site, ws) - before[ws] for ws in (first, second)}
    assert all(n > 0 for n in asked.values()), asked  # each workspace fetched its own rows
    checks = {
        line for m in box.messages for line in str(_content(m)[2]).splitlines() if "Checked" in line
    }
    assert len(checks) == 2  # the twins of a workspace agree; the workspaces do not


def test_a_rejected_shared_fetch_fails_every_run_that_needed_it_with_the_reason(
    runtime: Runtime, first: str, site: Site, outbox: tuple[Outbox, SmtpSender]
) -> None:
    box, sender = outbox
    _save(runtime, first, _spec(), _spec(name="By user", groups=(GroupBy.USER,)))
    faults = site.sandbox.state.faults
    faults.inject(first, Fault(FaultKind.ERROR, status=400, path="/detailed", count=100))
    try:
        report = _tick(runtime, sender)
    finally:
        faults.clear(first)

    assert len(report.failed) == 2 and report.sent == []
    assert (report.fetches, report.shared) == (1, 1)
    with runtime.sessions() as session:
        errors = {session.get(DeliveryRun, run_id).last_error for run_id in report.failed}  # type: ignore[union-attr]  # the ids come from this tick
    [error] = errors
    assert error is not None and error.startswith("clockify_"), error
    assert box.messages == []


def test_an_outage_keeps_both_runs_claimed_and_a_later_tick_shares_again(
    runtime: Runtime, first: str, site: Site, outbox: tuple[Outbox, SmtpSender]
) -> None:
    box, sender = outbox
    _save(runtime, first, _spec(), _spec(name="Twin", locale="fr_FR"))
    impatient = RetryPolicy(deadline=0.3, backoff_base=0.01, backoff_max=0.02)
    faults = site.sandbox.state.faults
    faults.inject(first, Fault(FaultKind.ERROR, status=503, count=10_000))
    try:
        down = _tick(runtime, sender, clockify_retry=impatient)
    finally:
        faults.clear(first)

    assert down.failed == [] and len(down.retrying) == 2
    assert (down.fetches, down.shared) == (1, 1)  # one retry deadline spent, not two
    with runtime.sessions() as session:
        runs = [session.get(DeliveryRun, run_id) for run_id in down.retrying]
        assert all(r is not None and "clockify_unavailable" in str(r.last_error) for r in runs)

    lease = timedelta(seconds=runtime.settings.delivery_lease_seconds + 1)
    back = _tick(runtime, sender, now=AFTER_DUE + lease)

    assert sorted(back.sent) == sorted(down.retrying)
    assert (back.fetches, back.shared) == (1, 1)
    assert len(box.messages) == 2


def test_missed_runs_share_per_period_and_a_later_tick_fetches_again(
    runtime: Runtime, first: str, site: Site, outbox: tuple[Outbox, SmtpSender]
) -> None:
    daily = {"cadence": Cadence.daily(hour=8, zone="UTC"), "coverage": Coverage.PREVIOUS_DAY}
    _save(runtime, first, _spec(**daily), _spec(name="Twin", **daily))
    monday = datetime(2025, 1, 20, 9, tzinfo=UTC)

    one = _tick(runtime, outbox[1], now=monday)  # Jan 15 to Jan 20: six days each
    two = _tick(runtime, outbox[1], now=monday + timedelta(days=1))

    assert len(one.sent) == 12 and (one.fetches, one.shared) == (6, 6)
    assert len(two.sent) == 2 and (two.fetches, two.shared) == (1, 1)
