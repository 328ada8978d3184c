"""Chaos, bounded: three `python -m addon scheduler` processes on one PostgreSQL database, 200
schedules due in the same minute, an SMTP server that refuses the first attempts, and one
process SIGKILLed a third of the way through.

Every (schedule, due) must reach the SMTP server, and none twice, except in the one window no
design closes: a process killed after the server accepted its message but before it committed
`sent`. The runner's documented rule (`addon.delivery.runner`) is to send such a run again, with
the same Message-ID, once its lease expires. The test kills a process exactly there (from the
SMTP handler, after recording the message and before the 250 goes out), so the window is
exercised on every run, and counts its duplicates separately in the line it prints.
"""

from __future__ import annotations

import itertools
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import select

from addon import create_app
from addon.delivery.runner import TickReport, tick
from addon.mail.compose import Recipients
from addon.mail.smtp import SmtpSender
from addon.manifest import SCOPES
from addon.render.files import FileFormat
from addon.runtime import Runtime
from addon.schedules import Cadence, Coverage, next_occurrence
from addon.services.schedule_spec import ScheduleSpec
from addon.services.schedules import save_schedule
from addon.settings import LogFormat, Secret, Settings, SmtpSecurity
from addon.store.models import DeliveryRun
from sandbox import SandboxServer, TokenIssuer
from sandbox.data import Role, Workspace
from sandbox.generator import generate_workspace
from sandbox.manifests import parse_manifest
from sandbox.state import Installation
from sandbox.tokens import ApiUrls
from tests.clockify import ClockifyActions
from tests.conftest import PostgresServer
from tests.integration.chaos_helpers import (
    Accepted,
    FlakyOutbox,
    SchedulerProcess,
    smtp_server,
)
from tests.sandbox.conftest import ADDON_KEY, make_manifest

pytestmark = pytest.mark.postgres

SCHEDULES = 200
WORKSPACES = 8
PROCESSES = 3
REFUSE_FIRST = 6
KILL_AT = SCHEDULES // 3  # accepted messages before the kill
LEASE_SECONDS = 30  # the least Settings allows; the kill window costs one lease of waiting
WAIT_SECONDS = 90
ZONES = (
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Australia/Sydney",
    "Pacific/Auckland",
)


def _run_id(message_id: str) -> int:
    """`<run.schedule.due@domain>` -> run id (`addon.delivery.runner.message_id_for`)."""
    return int(message_id.strip("<>").split(".", 1)[0])


def _schedule_and_due(message_id: str) -> tuple[int, date]:
    _run, schedule_id, due = message_id.strip("<>").split("@", 1)[0].split(".", 2)
    return int(schedule_id), date.fromisoformat(due)


@dataclass(frozen=True, slots=True)
class Kill:
    """The SIGKILL: whom, when (`time.monotonic()`), which message was in the window, and the
    runs the process still held as `claimed` when it died."""

    pid: int
    owner: str
    message_id: str
    at: float
    claimed: frozenset[int]


@dataclass
class Chaos:
    """Kills the process that sent the `KILL_AT`-th accepted message, before it hears 250."""

    runtime: Runtime
    children: dict[int, SchedulerProcess] = field(default_factory=dict)
    kill: Kill | None = None
    errors: list[BaseException] = field(default_factory=list)

    def on_accept(self, accepted: Accepted, count: int) -> None:
        if self.kill is not None or count < KILL_AT:
            return
        try:
            self._kill_sender(accepted)
        except Exception as exc:  # surfaced in the test's thread
            self.errors.append(exc)

    def _kill_sender(self, accepted: Accepted) -> None:
        run_id = _run_id(accepted.message_id)
        with self.runtime.sessions() as session:
            owner = session.scalar(select(DeliveryRun.lease_owner).where(DeliveryRun.id == run_id))
        # lease owner is `host:pid:random` (addon.delivery.scheduler.owner_id)
        child = self.children.get(int(owner.rsplit(":", 2)[1])) if owner else None
        if owner is None or child is None:
            return  # not one of ours (cannot happen while leases are fresh): try the next
        child.kill()
        at = time.monotonic()
        with self.runtime.sessions() as session:
            claimed = session.scalars(
                select(DeliveryRun.id)
                .where(DeliveryRun.state == "claimed")
                .where(DeliveryRun.lease_owner == owner)
            ).all()
        self.kill = Kill(child.pid, owner, accepted.message_id, at, frozenset(claimed))


@pytest.fixture
def app(postgres: PostgresServer, issuer: TokenIssuer, encryption_key: Secret) -> Iterator[Flask]:
    """The add-on on its own throwaway PostgreSQL database (the children share it)."""
    settings = Settings(
        database_url=postgres.new_database(),
        clockify_public_keys=(issuer.public_key_pem,),
        encryption_keys=(encryption_key,),
        log_format=LogFormat.TEXT,
        log_level="WARNING",  # 200 emails' SMTP and HTTP chatter would bury the summary line
    )
    app = create_app(settings)
    app.config.update(TESTING=True)
    yield app
    app.extensions["addon"].engine.dispose()


def _runtime(app: Flask) -> Runtime:
    value = app.extensions["addon"]
    assert isinstance(value, Runtime)
    return value


_addon_ids = (f"65a1b2c3d4e5f607182900{i:02x}" for i in itertools.count(1))


def _install(app: Flask, sandbox: SandboxServer, issuer: TokenIssuer, ws: Workspace) -> None:
    """INSTALLED through the real lifecycle route, as Clockify sends it."""
    clockify = ClockifyActions(app.test_client(), issuer, workspace_id=ws.id)
    clockify.addon_id = next(_addon_ids)
    clockify.urls = ApiUrls.for_sandbox(sandbox.url, ws.region, ws.subdomain)
    token = clockify.installation_token(now=time.time() - 60)
    owner = next(u for u in ws.users.values() if u.role is Role.OWNER)
    document = {**make_manifest("http://127.0.0.1:9"), "scopes": list(SCOPES)}
    manifest = parse_manifest(document, expected_key=ADDON_KEY)
    sandbox.state.add_installation(
        Installation(clockify.addon_id, ws.id, manifest, owner.id, owner.id, token)
    )
    response = clockify.install(token=token)
    assert response.status_code == 200, response.get_data(as_text=True)


@contextmanager
def _installed_sandbox(
    app: Flask, issuer: TokenIssuer, count: int, today: date
) -> Iterator[tuple[SandboxServer, list[Workspace]]]:
    """A sandbox with `count` small one-currency workspaces, the add-on installed in each."""
    with SandboxServer(issuer) as sandbox:
        workspaces = [
            generate_workspace(
                sandbox.state,
                700 + n,
                entries=30,
                expenses=0,
                start=today - timedelta(days=14),
                end=today,
                currencies=("EUR",),
            )
            for n in range(count)
        ]
        for workspace in workspaces:
            _install(app, sandbox, issuer, workspace)
        yield sandbox, workspaces


@dataclass(frozen=True, slots=True)
class Expected:
    due: date
    envelope: tuple[str, ...]


def _create_schedules(
    runtime: Runtime, workspaces: list[Workspace], due_at: datetime, count: int = SCHEDULES
) -> dict[int, Expected]:
    """`count` daily schedules over the workspaces and `ZONES`, all due at `due_at` (UTC).

    Each is saved a minute before `due_at`, as the web API saves it, so its first occurrence
    is `due_at`: the local time of that instant in its zone.
    """
    created = due_at - timedelta(minutes=1)
    expected: dict[int, Expected] = {}
    with runtime.sessions.begin() as session:
        for index in range(count):
            zone = ZONES[index % len(ZONES)]
            local = due_at.astimezone(ZoneInfo(zone))
            cadence = Cadence.daily(hour=local.hour, minute=local.minute, zone=zone)
            first = next_occurrence(cadence, created)
            assert first.at == due_at, f"{zone}: {local} is ambiguous today; rerun in an hour"
            bcc = ["audit@example.org"] if index % 4 == 0 else []
            recipients = Recipients.parse([f"team-{index}@example.com"], bcc=bcc)
            spec = ScheduleSpec(
                name=f"Hours {index} ({zone})",
                cadence=cadence,
                coverage=Coverage.PREVIOUS_WEEK,
                formats=(FileFormat.CSV,),
                recipients=recipients,
            )
            workspace = workspaces[index % len(workspaces)]
            row = save_schedule(session, workspace.id, spec, created_by="u1", now=created)
            expected[row.id] = Expected(first.due, recipients.envelope())
    return expected


def _states(runtime: Runtime) -> Counter[str]:
    with runtime.sessions() as session:
        return Counter(session.scalars(select(DeliveryRun.state)).all())


def _wait_until_all_sent(runtime: Runtime, outbox: FlakyOutbox, chaos: Chaos) -> None:
    """Until every run is `sent` and every Message-ID accepted; fails fast, bounded."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        assert not chaos.errors, chaos.errors
        states = _states(runtime)
        accepted = {a.message_id for a in outbox.accepted()}
        if states["sent"] == SCHEDULES and len(accepted) == SCHEDULES:
            return
        killed = chaos.kill.pid if chaos.kill else None
        dead = [c for pid, c in chaos.children.items() if pid != killed and not c.alive()]
        late = time.monotonic() > deadline
        if dead or late:
            logs = "\n".join(c.tail() for c in chaos.children.values())
            why = "a scheduler died" if dead else f"not done after {WAIT_SECONDS} s"
            pytest.fail(f"{why}: runs {dict(states)}, accepted {len(accepted)}\n{logs}")
        time.sleep(0.25)


@pytest.mark.timeout(WAIT_SECONDS + 60)
def test_three_schedulers_one_killed_send_every_run_and_repeat_only_the_kill_window(
    app: Flask, issuer: TokenIssuer, encryption_key: Secret, tmp_path: Path
) -> None:
    runtime = _runtime(app)
    due_at = datetime.now(UTC).replace(second=0, microsecond=0)
    with _installed_sandbox(app, issuer, WORKSPACES, due_at.date()) as (_sandbox, workspaces):
        expected = _create_schedules(runtime, workspaces, due_at)
        chaos = Chaos(runtime)
        outbox = FlakyOutbox(REFUSE_FIRST, chaos.on_accept)
        with smtp_server(outbox) as port:
            environ = {
                "ADDON_DATABASE_URL": runtime.settings.database_url,
                "ADDON_ENCRYPTION_KEYS": encryption_key.reveal(),
                "ADDON_SMTP_HOST": "127.0.0.1",
                "ADDON_SMTP_PORT": str(port),
                "ADDON_SCHEDULER_TICK_SECONDS": "1",
                "ADDON_DELIVERY_LEASE_SECONDS": str(LEASE_SECONDS),
                "ADDON_LOG_FORMAT": "text",
            }
            started = time.monotonic()
            try:
                for n in range(PROCESSES):
                    log = tmp_path / f"scheduler-{n}.log"
                    child = SchedulerProcess(f"scheduler-{n}", environ, log)
                    chaos.children[child.pid] = child
                _wait_until_all_sent(runtime, outbox, chaos)
                elapsed = time.monotonic() - started
            finally:
                for child in chaos.children.values():
                    child.stop()
            accepted = outbox.accepted()

    kill = chaos.kill
    assert kill is not None, "no process was killed"
    copies = Counter(a.message_id for a in accepted)
    first_seen = {a.message_id: a.at for a in reversed(accepted)}
    repeated = {mid: n for mid, n in copies.items() if n > 1}
    in_window = {
        mid: n
        for mid, n in repeated.items()
        if _run_id(mid) in kill.claimed and first_seen[mid] <= kill.at
    }
    other = {mid: n for mid, n in repeated.items() if mid not in in_window}
    with runtime.sessions() as session:
        runs = session.scalars(select(DeliveryRun)).all()
    takeovers = sum(run.attempts - 1 for run in runs)
    window_extra = sum(in_window.values()) - len(in_window)
    other_extra = sum(other.values()) - len(other)
    print(
        f"\nchaos: delivered {len(copies)}/{SCHEDULES} (schedule, due) in {elapsed:.1f} s by "
        f"{PROCESSES} schedulers; pid {kill.pid} SIGKILLed after {KILL_AT} accepted, holding "
        f"{len(kill.claimed)} claim(s); kill-window duplicates {window_extra} {sorted(in_window)}; "
        f"other duplicates {other_extra}; refused attempts {outbox.refused}; "
        f"takeovers {takeovers}"
    )

    assert other == {}
    assert in_window == {kill.message_id: 2}  # the rule: sent again, same Message-ID
    assert outbox.refused == REFUSE_FIRST
    assert {_schedule_and_due(mid) for mid in copies} == {
        (schedule_id, e.due) for schedule_id, e in expected.items()
    }
    for message in accepted:
        schedule_id, _due = _schedule_and_due(message.message_id)
        assert message.recipients == expected[schedule_id].envelope
    assert sorted((r.schedule_id, r.due, r.state) for r in runs) == sorted(
        (schedule_id, e.due, "sent") for schedule_id, e in expected.items()
    )
    assert {r.message_id for r in runs} == set(copies)


@dataclass
class SlowFirstSend:
    """The real `SmtpSender`, but the first send takes longer than a lease (on the app's clock),
    and while the second is on its way another scheduler ticks (`meanwhile`)."""

    sender: SmtpSender
    runtime: Runtime
    meanwhile: Callable[[], TickReport]
    sends: int = 0
    other: TickReport | None = None

    def send(self, message: EmailMessage, *, envelope_from: str, recipients: Sequence[str]) -> None:
        self.sends += 1
        if self.sends == 2:
            self.other = self.meanwhile()
        self.sender.send(message, envelope_from=envelope_from, recipients=recipients)
        if self.sends == 1:
            lease = self.runtime.settings.delivery_lease_seconds
            clock = self.runtime.clock()
            self.runtime.clock = lambda: clock + lease + 1


def test_a_claim_made_late_in_a_long_tick_gets_a_whole_lease_and_is_not_taken_over(
    app: Flask, issuer: TokenIssuer
) -> None:
    runtime = _runtime(app)
    due_at = datetime.now(UTC).replace(second=0, microsecond=0)
    lease = timedelta(seconds=runtime.settings.delivery_lease_seconds)
    outbox = FlakyOutbox(refuse_first=0)
    with (
        _installed_sandbox(app, issuer, 1, due_at.date()) as (_sandbox, workspaces),
        smtp_server(outbox) as port,
    ):
        _create_schedules(runtime, workspaces, due_at, count=2)
        real = SmtpSender(host="127.0.0.1", port=port, security=SmtpSecurity.NONE)
        later = due_at + lease + timedelta(seconds=2)  # the first claim's lease has run out

        def other_scheduler() -> TickReport:
            return tick(runtime, now=later, owner="b", sender=real)

        slow = SlowFirstSend(real, runtime, other_scheduler)
        first = tick(runtime, now=due_at, owner="a", sender=slow)

    ids = [a.message_id for a in outbox.accepted()]
    assert slow.other == TickReport()  # the second claim was fresh: nothing to take over
    assert len(first.sent) == 2
    assert len(ids) == len(set(ids)) == 2
