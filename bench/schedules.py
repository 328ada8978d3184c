"""10,000 scheduled emails due at 09:00 local time, delivered by competing scheduler processes.

Every schedule is a daily summary at 09:00 in one of eleven zones (Honolulu to Auckland), saved
with `save_schedule` 24 hours before a fixed instant `NOW`, so each has exactly one occurrence
due (its 09:00 fell somewhere in those 24 hours) and none is claimed yet: the state a fleet
finds when the backlog of a whole day is due at once. Workers are processes that each build the
add-on (`create_app`) and loop the real `runner.tick(now=NOW + elapsed)` until every run is
finished; exactly-once comes from the claims in the database (a SQLite file, or a throwaway
PostgreSQL database with `--postgres URL`), and the Clockify limiter is the shared one in it.

The sandbox runs in its own process (its CPU does not compete with the workers' GIL) with
`--workspaces` small generated workspaces (30 entries over June 8-11, 2025), the add-on installed
in each with its real manifest; the add-on's side is stored through `apply_installed`. Schedules
are laid out in blocks (consecutive ids in one workspace), the hard case for the 50/s limit:
all workers walk the same workspace at once. Attachments: CSV only (`--attachments none` drops
it), so rendering stays cheap and the figures show the scheduler, the API and SMTP.

An aiosmtpd server in this process counts messages by Message-ID: duplicates are a Message-ID
(or a schedule) received twice, misses are schedules without a message. The sandbox's request
log gives each workspace's busiest one-second window and mean rate against the 50/s limit.

The baseline, measured in the same run, sends the same number of messages (the html, text and
CSV of the first delivered one) through `compose` + `SmtpSender` from the same number of
processes, with no database, report or claim: pure mail throughput.

    .venv/bin/python bench/schedules.py [--schedules 10000] [--workspaces 50] [--workers 4]
                                        [--attachments csv|none] [--postgres URL]
                                        [--sharing both|on|off]

`--sharing both` (the default) delivers the same schedules twice, each on a fresh database and
request log: without fetch sharing, then with it (`tick(share=...)`), and prints the two side
by side (Clockify requests, fetches, messages per second) from the same run.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import re
import socket
import ssl
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import requests
from aiosmtpd.controller import Controller
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from addon import create_app
from addon.delivery.runner import MailRetry, tick
from addon.delivery.scheduler import owner_id
from addon.mail.compose import Attachment, Recipients, compose, sender_address
from addon.mail.smtp import SmtpSender
from addon.render.files import FileFormat
from addon.runtime import Runtime
from addon.schedules import Cadence, Coverage
from addon.services.schedule_spec import ScheduleSpec
from addon.services.schedules import save_schedule
from addon.settings import LogFormat, Secret, Settings, SmtpSecurity
from addon.store.migrate import upgrade
from addon.store.models import DeliveryRun, DeliveryState, Schedule
from addon.store.repositories import NewInstallation, apply_installed
from sandbox.recorder import busiest_window_of

LIMIT = 50.0
NOW = datetime(2025, 6, 11, 12, 17, tzinfo=UTC)  # no zone below changes its offset near it
CREATED = NOW - timedelta(days=1)
ZONES = (
    "Pacific/Honolulu",
    "America/Los_Angeles",
    "America/New_York",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Africa/Nairobi",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
)
_MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(<[^>\r\n]+>)", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Tenant:
    """One generated workspace with the add-on installed, as the sandbox's child reports it."""

    workspace_id: str
    addon_id: str
    owner_id: str
    token: str
    backend_url: str
    reports_url: str


def serve_sandbox(conn: Connection, workspaces: int) -> None:
    """Child process: the sandbox with `workspaces` generated and installed, until told to stop."""
    from addon.manifest import build_manifest
    from sandbox import SandboxServer, TokenIssuer
    from sandbox.generator import generate_workspace
    from sandbox.manifests import parse_manifest
    from sandbox.tokens import ApiUrls

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    issuer = TokenIssuer(addon_key="reports-invoices")
    manifest = parse_manifest(build_manifest(Settings()), expected_key="reports-invoices")
    with SandboxServer(issuer) as sandbox:
        tenants = []
        for index in range(workspaces):
            ws = generate_workspace(
                sandbox.state,
                1000 + index,
                entries=30,
                expenses=0,
                start=date(2025, 6, 8),
                end=date(2025, 6, 11),
                users=3,
                currencies=("EUR",),
                time_zone=ZONES[index % len(ZONES)],
            )
            owner = ws.owner
            urls = ApiUrls.for_sandbox(sandbox.url, None)
            addon_id = f"{index:024x}"
            token = sandbox.register_installation(ws, manifest, addon_id=addon_id).auth_token
            tenants.append(
                Tenant(ws.id, addon_id, owner.id, token, urls.backend_url, urls.reports_url)
            )
        conn.send((sandbox.url, tenants))
        conn.recv()


@dataclass
class Outbox:
    """What the SMTP server accepted: Message-IDs in arrival order and the bytes received."""

    ids: list[str] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    first: bytes = b""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content: bytes = envelope.content
        found = _MESSAGE_ID.search(content)
        self.ids.append(found.group(1).decode() if found else "")
        self.sizes.append(len(content))
        if not self.first:
            self.first = content
        return "250 OK"

    def clear(self) -> None:
        self.ids, self.sizes, self.first = [], [], b""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Plan:
    database_url: str
    key: str
    smtp_port: int
    schedules: int
    timeout: float
    share: bool = True

    def settings(self) -> Settings:
        return Settings(
            database_url=self.database_url,
            encryption_keys=(Secret(self.key),),
            smtp_host="127.0.0.1",
            smtp_port=self.smtp_port,
            smtp_security=SmtpSecurity.NONE,
            log_level="WARNING",
            log_format=LogFormat.TEXT,
        )


def install_and_schedule(plan: Plan, tenants: list[Tenant], formats: tuple[str, ...]) -> None:
    """Store each installation (the INSTALLED event's repository call), then the schedules."""
    app = create_app(plan.settings())
    runtime: Runtime = app.extensions["addon"]
    with runtime.sessions.begin() as session:
        for t in tenants:
            event = NewInstallation(
                workspace_id=t.workspace_id,
                addon_id=t.addon_id,
                installed_by=t.owner_id,
                addon_user_id=None,
                owner_user_id=t.owner_id,
                token=t.token,
                token_issued_at=CREATED,
                api_url=t.backend_url,
                backend_url=t.backend_url,
                reports_url=t.reports_url,
                webhooks=(),
            )
            apply_installed(session, event, runtime.cipher, CREATED, CREATED)
    with runtime.sessions.begin() as session:
        for index in range(plan.schedules):
            tenant = tenants[index * len(tenants) // plan.schedules]  # blocks of one workspace
            spec = ScheduleSpec(
                name=f"Daily hours {index}",
                cadence=Cadence.daily(hour=9, zone=ZONES[index % len(ZONES)]),
                coverage=Coverage.PREVIOUS_DAY,
                formats=tuple(FileFormat(f) for f in formats),
                recipients=Recipients.parse([f"team-{index % 97}@example.com"]),
            )
            save_schedule(
                session, tenant.workspace_id, spec, created_by=tenant.owner_id, now=CREATED
            )
    runtime.engine.dispose()


def finished_runs(runtime: Runtime) -> tuple[int, int]:
    """(finished runs, runs still claimed) in the database."""
    with runtime.sessions() as session:
        rows = session.execute(
            select(DeliveryRun.state, func.count()).group_by(DeliveryRun.state)
        ).all()
    counts = {state: int(n) for state, n in rows}
    claimed = counts.pop(DeliveryState.CLAIMED.value, 0)
    return sum(counts.values()), claimed


def deliver(plan: Plan, ready: Any, go: Any, queue: Any) -> None:
    """Worker process: tick until every schedule's run is finished (or the timeout)."""
    app = create_app(plan.settings())
    runtime: Runtime = app.extensions["addon"]
    sender = SmtpSender(host="127.0.0.1", port=plan.smtp_port, security=SmtpSecurity.NONE)
    owner = owner_id()
    ready.release()
    go.wait()
    started = time.monotonic()
    ticks = sent = failed = fetches = shared = 0
    while time.monotonic() - started < plan.timeout:
        now = NOW + timedelta(seconds=time.monotonic() - started)
        report = tick(
            runtime, now=now, owner=owner, sender=sender, retry=MailRetry(), share=plan.share
        )
        ticks += 1
        sent += len(report.sent)
        failed += len(report.failed)
        fetches += report.fetches
        shared += report.shared
        done, _claimed = finished_runs(runtime)
        if done >= plan.schedules:
            break
        if not (report.sent or report.failed or report.retrying):
            time.sleep(0.2)  # others hold the remaining claims
    runtime.engine.dispose()
    queue.put((ticks, sent, failed, time.monotonic() - started, fetches, shared))


@dataclass(frozen=True)
class Parts:
    html: str
    text: str
    attachments: tuple[Attachment, ...]


def send_plain(
    port: int,
    first: int,
    count: int,
    parts: Parts,
    one_context: bool,
    ready: Any,
    go: Any,
    queue: Any,
) -> None:
    """Baseline worker: compose and send `count` messages, no database or report.

    `one_context` hands `SmtpSender` one SSL context for the process; without it the sender
    builds a default one (loading the CA bundle) per message, even for plain SMTP, as tick does.
    """
    context = ssl.create_default_context() if one_context else None
    sender = SmtpSender(
        host="127.0.0.1", port=port, security=SmtpSecurity.NONE, ssl_context=context
    )
    mail_from = Settings().mail_from
    envelope_from = sender_address(mail_from)
    recipients = Recipients.parse(["team-1@example.com"])
    ready.release()
    go.wait()
    for number in range(first, first + count):
        message = compose(
            sender=mail_from,
            recipients=recipients,
            subject=f"Daily hours {number}: 2025-06-10",
            html=parts.html,
            text=parts.text,
            attachments=parts.attachments,
            message_id=f"<baseline.{number}@localhost>",
        )
        sender.send(message, envelope_from=envelope_from, recipients=recipients.envelope())
    queue.put(count)


def parts_of(raw: bytes) -> Parts:
    """The bodies and attachments of a delivered message, to send again in the baseline."""
    message = message_from_bytes(raw, policy=default_policy)
    if not raw or not isinstance(message, EmailMessage):
        return Parts("<p>Daily hours</p>", "Daily hours\n", ())
    html = message.get_body(("html",))
    plain = message.get_body(("plain",))
    attachments = tuple(
        Attachment(
            str(part.get_filename()),
            f"{part.get_content_type()}; charset=utf-8",
            part.get_payload(decode=True),
        )
        for part in message.iter_attachments()
    )
    return Parts(
        html.get_content() if html else "", plain.get_content() if plain else "", attachments
    )


def run_processes(workers: list[Any], ready: Any, go: Any, queue: Any) -> tuple[float, list[Any]]:
    """Start workers, wait until each is ready, release them; (wall seconds, their results)."""
    for worker in workers:
        worker.start()
    for _ in workers:
        ready.acquire()
    started = time.perf_counter()
    go.set()
    results = [queue.get() for _ in workers]
    wall = time.perf_counter() - started
    for worker in workers:
        worker.join()
    return wall, results


@dataclass(frozen=True)
class Traffic:
    """The sandbox's request log of the run, per workspace."""

    total: int
    throttled: int
    counts: list[int]
    busiest: list[int]
    active_rates: list[float]


def traffic(sandbox_url: str, tenants: list[Tenant]) -> Traffic:
    answer = requests.get(f"{sandbox_url}/sandbox/requests", timeout=120).json()
    moments: dict[str, list[float]] = {t.workspace_id: [] for t in tenants}
    throttled = 0
    for record in answer["requests"]:
        if record["workspaceId"] in moments and record["status"] is not None:
            moments[record["workspaceId"]].append(record["monotonic"])
            throttled += record["status"] == 429
    counts = [len(m) for m in moments.values()]
    spans = [max(m) - min(m) if len(m) > 1 else 0.0 for m in moments.values()]
    return Traffic(
        total=sum(counts),
        throttled=throttled,
        counts=counts,
        busiest=[busiest_window_of(m) for m in moments.values()],
        active_rates=[n / span if span else 0.0 for n, span in zip(counts, spans, strict=True)],
    )


@dataclass(frozen=True)
class Outcome:
    messages: int
    same_id: int
    same_schedule: int
    misses: int
    states: dict[str, int]


def outcome(database_url: str, ids: list[str]) -> Outcome:
    """Duplicates and misses from the Message-IDs received (`<run.schedule.due@domain>`)."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        scheduled = set(connection.scalars(select(Schedule.id)))
        states = dict(
            connection.execute(
                select(DeliveryRun.state, func.count()).group_by(DeliveryRun.state)
            ).all()
        )
    engine.dispose()
    per_id = Counter(ids)
    per_schedule = Counter(int(i[1:].split(".")[1]) for i in ids if i.count(".") >= 2)
    return Outcome(
        messages=len(ids),
        same_id=sum(n - 1 for n in per_id.values()),
        same_schedule=sum(n - 1 for n in per_schedule.values()),
        misses=len(scheduled - set(per_schedule)),
        states={str(k): int(v) for k, v in states.items()},
    )


def throwaway_postgres(admin_url: str) -> tuple[str, Any]:
    """A new empty database on the server at `admin_url`, and a function that drops it."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"addon_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return admin.url.set(database=name).render_as_string(hide_password=False), drop


def run_ticks(plan: Plan, workers: int) -> tuple[float, list[Any]]:
    context = multiprocessing.get_context("spawn")
    ready, go, queue = context.Semaphore(0), context.Event(), context.Queue()
    processes = [
        context.Process(target=deliver, args=(plan, ready, go, queue)) for _ in range(workers)
    ]
    return run_processes(processes, ready, go, queue)


def run_baseline(port: int, count: int, workers: int, parts: Parts, one_context: bool) -> float:
    context = multiprocessing.get_context("spawn")
    ready, go, queue = context.Semaphore(0), context.Event(), context.Queue()
    shares = [count // workers + (1 if i < count % workers else 0) for i in range(workers)]
    firsts = [sum(shares[:i]) for i in range(workers)]
    processes = [
        context.Process(
            target=send_plain,
            args=(port, first, share, parts, one_context, ready, go, queue),
        )
        for first, share in zip(firsts, shares, strict=True)
    ]
    wall, _ = run_processes(processes, ready, go, queue)
    return wall


def median_max(values: list[float], spec: str) -> str:
    if not values:
        return f"{'-':>8} {'-':>8}"
    return f"{statistics.median(values):>8{spec}} {max(values):>8{spec}}"


def report(
    args: argparse.Namespace,
    result: Outcome,
    seen: Traffic,
    wall: float,
    baselines: tuple[float, float],
    sizes: tuple[float, float],
) -> None:
    n = args.schedules
    baseline, reused = baselines
    print(f"\n{'':36} {'messages':>8} {'workers':>7} {'wall s':>7} {'msg/s':>7} {'KiB':>5}")
    print(
        f"{'scheduled delivery (tick)':36} {result.messages:>8} {args.workers:>7} "
        f"{wall:>7.1f} {result.messages / wall:>7.1f} {sizes[0] / 1024:>5.1f}"
    )
    print(
        f"{'baseline: compose + SmtpSender only':36} {n:>8} {args.workers:>7} "
        f"{baseline:>7.1f} {n / baseline:>7.1f} {sizes[1] / 1024:>5.1f}"
    )
    print(
        f"{'  the same, one SSL context/process':36} {n:>8} {args.workers:>7} "
        f"{reused:>7.1f} {n / reused:>7.1f} {sizes[1] / 1024:>5.1f}"
    )
    print(f"{'tick wall / baseline wall':36} {wall / baseline:>33.1f}x")
    print(f"\n{'duplicates (same Message-ID twice)':36} {result.same_id:>8}   target 0")
    print(f"{'second message for one schedule':36} {result.same_schedule:>8}   target 0")
    print(f"{'misses (schedule without a message)':36} {result.misses:>8}   target 0")
    states = ", ".join(f"{k} {v}" for k, v in sorted(result.states.items()))
    print(f"{'runs in the database':36} {states}")
    print(
        f"\nClockify requests: {seen.total} in {wall:.1f} s "
        f"({seen.total / wall:.1f}/s over all workspaces), 429s: {seen.throttled}"
    )
    print(f"{'per workspace (limit 50/s)':36} {'median':>8} {'max':>8} {'of limit':>8}")
    print(f"{'requests':36} {median_max([float(c) for c in seen.counts], '.0f')}")
    busiest = [float(b) for b in seen.busiest]
    print(
        f"{'busiest one-second window':36} {median_max(busiest, '.0f')} "
        f"{max(busiest, default=0) / LIMIT:>8.0%}"
    )
    over_run = [c / wall for c in seen.counts]
    print(
        f"{'mean req/s over the run':36} {median_max(over_run, '.1f')} "
        f"{max(over_run, default=0) / LIMIT:>8.0%}"
    )
    active = seen.active_rates
    print(
        f"{'mean req/s while the workspace is busy':36} {median_max(active, '.1f')} "
        f"{max(active, default=0) / LIMIT:>8.0%}"
    )


@dataclass(frozen=True)
class Measured:
    """One configuration's delivery: outcome, Clockify traffic, wall time and shared fetches."""

    result: Outcome
    seen: Traffic
    wall: float
    size: float
    first: bytes
    fetches: int
    shared: int


def measure(
    args: argparse.Namespace,
    plan: Plan,
    sandbox_url: str,
    tenants: list[Tenant],
    outbox: Outbox,
) -> Measured:
    """Deliver every schedule once on a fresh database with `plan.share`, counting requests."""
    drop = None
    if args.postgres:
        database_url, drop = throwaway_postgres(args.postgres)
    else:
        database_url = f"sqlite:///{tempfile.mkdtemp(prefix='schedules-bench-')}/addon.sqlite3"
    plan = replace(plan, database_url=database_url)
    try:
        upgrade(database_url)
        started = time.perf_counter()
        install_and_schedule(plan, tenants, ("csv",) if args.attachments == "csv" else ())
        print(
            f"{args.schedules:,} daily 09:00 schedules in {len(ZONES)} zones saved in "
            f"{time.perf_counter() - started:.1f} s; {args.workers} workers deliver "
            f"({'PostgreSQL' if args.postgres else 'SQLite'}, attachments: {args.attachments}, "
            f"sharing {'on' if plan.share else 'off'})",
            flush=True,
        )
        outbox.clear()
        requests.delete(f"{sandbox_url}/sandbox/requests", timeout=30)
        wall, results = run_ticks(plan, args.workers)
        size = statistics.fmean(outbox.sizes) if outbox.sizes else 0.0
        return Measured(
            outcome(database_url, list(outbox.ids)),
            traffic(sandbox_url, tenants),
            wall,
            size,
            outbox.first,
            sum(r[4] for r in results),
            sum(r[5] for r in results),
        )
    finally:
        if drop is not None:
            drop()


def compare(runs: dict[bool, Measured]) -> None:
    """Sharing on against off, from this run: requests, fetches and messages per second."""
    print(
        f"\n{'fetch sharing':14} {'requests':>9} {'fetches':>8} {'shared':>7} {'wall s':>7} "
        f"{'msg/s':>7} {'dup':>4} {'miss':>5}"
    )
    for share, m in runs.items():
        print(
            f"{'on' if share else 'off':14} {m.seen.total:>9} {m.fetches:>8} {m.shared:>7} "
            f"{m.wall:>7.1f} {m.result.messages / m.wall:>7.1f} {m.result.same_id:>4} "
            f"{m.result.misses:>5}"
        )
    if len(runs) == 2 and runs[True].seen.total:
        on, off = runs[True], runs[False]
        print(
            f"{'off / on':14} {off.seen.total / on.seen.total:>8.1f}x {'':>8} {'':>7} "
            f"{off.wall / on.wall:>6.1f}x "
            f"{(on.result.messages / on.wall) / (off.result.messages / off.wall):>6.1f}x"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--schedules", type=int, default=10_000)
    parser.add_argument("--workspaces", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--attachments", choices=("csv", "none"), default="csv")
    parser.add_argument("--postgres", metavar="URL", help="admin URL; a throwaway database is made")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per worker")
    parser.add_argument(
        "--sharing",
        choices=("both", "on", "off"),
        default="both",
        help="share Clockify fetches within a tick; both: off, then on, each on a fresh database",
    )
    args = parser.parse_args()
    began = time.perf_counter()

    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    server = context.Process(target=serve_sandbox, args=(child, args.workspaces), daemon=True)
    server.start()
    print(f"generating {args.workspaces} workspaces in the sandbox ...", flush=True)
    sandbox_url, tenants = parent.recv()

    outbox = Outbox()
    controller = Controller(outbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    key = Fernet.generate_key().decode()
    shares = {"on": (True,), "off": (False,), "both": (False, True)}[args.sharing]
    runs: dict[bool, Measured] = {}
    try:
        for share in shares:
            runs[share] = measure(
                args,
                Plan("", key, controller.port, args.schedules, args.timeout, share),
                sandbox_url,
                tenants,
                outbox,
            )
        print("baseline: the same messages, composed and sent without reports ...", flush=True)
        last = runs[shares[-1]]
        outbox.clear()
        parts = parts_of(last.first)
        baseline = run_baseline(controller.port, args.schedules, args.workers, parts, False)
        base_size = statistics.fmean(outbox.sizes) if outbox.sizes else 0.0
        reused = run_baseline(controller.port, args.schedules, args.workers, parts, True)
        for share, measured in runs.items():
            print(f"\n== fetch sharing {'on' if share else 'off'} ==")
            report(
                args,
                measured.result,
                measured.seen,
                measured.wall,
                (baseline, reused),
                (measured.size, base_size),
            )
        compare(runs)
    finally:
        controller.stop()
        parent.send("stop")
        server.join(timeout=10)
    print(f"\nwhole bench: {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
