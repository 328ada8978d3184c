"""Sidebar first render, report preview latency and API throughput, served as production does.

The add-on runs under gunicorn with `addon.gunicorn_conf` (2 workers x 4 threads unless told
otherwise) on a loopback port, configured only through `ADDON_*` variables, against a throwaway
PostgreSQL database when one answers at 127.0.0.1:5432 (else a SQLite file). The sandbox (the
seed workspace "Northwind Studio", 360 entries over the last 13 weeks) runs in this process;
the add-on is installed through it, and user tokens are minted with its issuer, so the figures
are the add-on's, not the shell's. The load generator is this process too: on a 2-core machine
it competes with the server for CPU, so the tables show both processes' CPU use.

Baseline, measured in the same run on the same server and connections: `GET /healthz` (no
database, no template), sequentially for the latencies and under the same concurrency for the
throughput; every figure is also printed as a ratio to it.

* First render: `GET /sidebar?auth_token=<fresh user token>` (RS256 verification, installation
  lookup, session, template). Warm: a worker that has rendered before. Cold: the first page a
  just-booted worker serves once `/healthz` answers (what an orchestrator routes to it first).
  Once more through the sandbox's shell page plus the iframe it embeds.
* Preview: `POST /api/reports`, then `GET /api/jobs/<id>` every 50 ms until done (so figures
  are rounded up to the poll). Cold: `"refresh": true` (Clockify's Reports API, build, render);
  warm: the identical request answered from the result cache (200, `cached: true`). The
  workspace directory `GET /api/workspace`: cold with `?refresh=1`, warm from the process cache.
  For cold calls the sandbox's request log shows how many Clockify requests each made and how
  far apart they were (the add-on's limiter spaces them 1/46 s apart).
* Throughput: N users (threads, each with its own session and connection) repeat a page's mix
  (poll a finished job, list schedules, the workspace, a cached report), in rounds alternating
  with the baseline (3 of 2 s each; req/s is the median round), so other work on a shared
  machine slows both alike. Any non-2xx answer counts as an error.

If gunicorn cannot start, the add-on is served in this process by werkzeug (`ServedApp`) and
the output says so; `--werkzeug` asks for that directly.

    .venv/bin/python bench/sidebar.py [--quick] [--workers 2] [--threads 4] [--sqlite]
                                      [--werkzeug] [--postgres URL]
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import logging
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from cryptography.fernet import Fernet
from flask import Flask
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from addon import create_app
from addon.settings import Settings
from addon.store.migrate import upgrade
from sandbox.data import Role, User
from sandbox.served import ServedApp
from sandbox.server import SandboxServer
from sandbox.state import SEED_WORKSPACE_ID
from sandbox.tokens import ApiUrls, TokenIssuer

ROOT = Path(__file__).resolve().parents[1]
POLL_SECONDS = 0.05
SESSION = re.compile(r'<meta name="session" content="([^"]+)">')
FRAME = re.compile(r'<iframe id="addon-frame"[^>]* src="([^"]+)"')


@dataclass(frozen=True)
class Plan:
    """How much to measure: the full run (about 2 minutes) or `--quick` (about 30 s)."""

    renders: int
    cold_boots: int
    shell_views: int
    cold_reports: int
    warm_reports: int
    cold_directories: int
    warm_directories: int
    users: tuple[int, ...]
    rounds: int  # of the baseline and the mix, alternating, per number of users
    seconds: float  # per round


FULL = Plan(300, 5, 10, 20, 100, 15, 100, (1, 4, 16, 32), 3, 2.0)
QUICK = Plan(40, 1, 3, 5, 30, 4, 30, (1, 4, 16), 1, 1.5)


# ---------------------------------------------------------------------------------------------
# Figures


def percentile(samples: list[float], pct: int) -> float:
    """The `pct`th percentile (inclusive method; a lone sample is every percentile)."""
    if len(samples) < 2:
        return samples[0] if samples else float("nan")
    return statistics.quantiles(samples, n=100, method="inclusive")[pct - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f}"


@dataclass
class Timings:
    samples: list[float] = field(default_factory=list)
    failures: int = 0

    def p(self, pct: int) -> float:
        return percentile(self.samples, pct)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes (Linux /proc; 0 where unreadable)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def machine_jiffies() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine since boot, from /proc/stat."""
    try:
        first = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return 0, 0
    values = [int(v) for v in first]
    idle = values[3] + values[4]  # idle, iowait
    return sum(values[:8]) - idle, sum(values[:8])


# ---------------------------------------------------------------------------------------------
# The servers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_ready(url: str, deadline: float) -> None:
    """Poll `/healthz` with throwaway connections until it answers 200."""
    while True:
        try:
            if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:  # bound, but the worker is still booting
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not become ready")
        time.sleep(0.02)


class Gunicorn:
    """`gunicorn --config python:addon.gunicorn_conf 'addon:create_app()'` on a loopback port."""

    def __init__(self, env: dict[str, str], logs: Path, *, workers: int, threads: int) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.mode = f"gunicorn (addon.gunicorn_conf), {workers} workers x {threads} threads"
        self.logging = "the defaults (INFO, JSON) and gunicorn's access log, to a file"
        env = {
            **env,
            "ADDON_PUBLIC_URL": self.url,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_THREADS": str(threads),
        }
        executable = Path(sys.executable).with_name("gunicorn")
        argv = [str(executable), "--config", "python:addon.gunicorn_conf", "addon:create_app()"]
        self.log = logs / f"gunicorn-{port}.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603  # our own argv, no shell
                argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        self.started = time.monotonic()

    def wait_ready(self, timeout: float = 60) -> float:
        """Seconds from spawn until `/healthz` answers; raises with the log's tail on failure."""
        try:
            wait_ready(self.url, self.started + timeout)
        except BaseException as exc:
            self.stop()
            if not isinstance(exc, RuntimeError):
                raise
            tail = self.log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"gunicorn did not start:\n{tail}") from None
        return time.monotonic() - self.started

    def settle(self, workers: int, timeout: float = 60) -> None:
        """Wait until every worker has booted and the processes are idle.

        `/healthz` answers as soon as one worker is up; the others may still be importing,
        which would take CPU from the first measurements.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            before = cpu_seconds(self.pids())
            time.sleep(0.3)
            pids = self.pids()
            if len(pids) > workers and cpu_seconds(pids) - before < 0.02:
                return

    def pids(self) -> list[int]:
        """The master and its workers."""
        pid = self.process.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            children = []
        return [pid, *map(int, children)]

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # graceful: workers finish their requests
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class InThread:
    """The fallback: werkzeug's threaded server in this process (`sandbox.served.ServedApp`)."""

    mode = "werkzeug ServedApp in this process (threaded), not gunicorn"
    logging = "WARNING only (the server shares this process's output)"

    def __init__(self, env: dict[str, str]) -> None:
        def build(url: str) -> Flask:
            changes = {"ADDON_PUBLIC_URL": url, "ADDON_LOG_LEVEL": "WARNING"}
            self.app = create_app(Settings.from_env({**env, **changes}))
            return self.app

        self.served = ServedApp(build)
        self.url = self.served.url

    def wait_ready(self, timeout: float = 60) -> float:
        wait_ready(self.url, time.monotonic() + timeout)
        return 0.0

    def pids(self) -> list[int]:
        return []  # its CPU is this process's

    def stop(self) -> None:
        self.served.stop()
        self.app.extensions["addon"].close()


Server = Gunicorn | InThread


@contextlib.contextmanager
def database(args: argparse.Namespace, tmp: Path) -> Iterator[tuple[str, str]]:
    """(URL, description): a throwaway PostgreSQL database, dropped after, or a SQLite file."""
    sqlite = (f"sqlite:///{tmp / 'addon.sqlite3'}", "SQLite file (WAL)")
    if args.sqlite:
        yield sqlite
        return
    admin = create_engine(
        args.postgres, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
    )
    try:
        with admin.connect() as connection:
            version = connection.execute(text("SHOW server_version")).scalar()
    except Exception as exc:  # a laptop without PostgreSQL still gets the SQLite figures
        print(f"PostgreSQL unreachable ({type(exc).__name__}); using SQLite")
        admin.dispose()
        yield sqlite
        return
    name = f"addon_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield (
            admin.url.set(database=name).render_as_string(hide_password=False),
            f"PostgreSQL {version} (throwaway database {name}, dropped at the end)",
        )
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def addon_environment(issuer: TokenIssuer, sandbox_url: str, database_url: str) -> dict[str, str]:
    """This process's environment without any `ADDON_*`/`GUNICORN_*`, plus the add-on's."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("ADDON_", "GUNICORN_"))}
    return {
        **inherited,
        "ADDON_DATABASE_URL": database_url,
        "ADDON_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ADDON_CLOCKIFY_PUBLIC_KEYS": issuer.public_key_pem,
        "ADDON_FRAME_ANCESTORS": sandbox_url,
    }


# ---------------------------------------------------------------------------------------------
# The workspace as the add-on sees it


@dataclass
class Target:
    sandbox: SandboxServer
    addon_url: str
    addon_id: str

    @property
    def users(self) -> list[User]:
        """The owner and admins: the only viewers the sidebar serves."""
        workspace = self.sandbox.state.workspace(SEED_WORKSPACE_ID)
        return [u for u in workspace.users.values() if u.role in (Role.OWNER, Role.ADMIN)]

    def user_token(self, user: User) -> str:
        """What the shell appends as `auth_token` (see `sandbox.web.shell.component`)."""
        workspace = self.sandbox.state.workspace(SEED_WORKSPACE_ID)
        return self.sandbox.issuer.user_token(
            workspace_id=workspace.id,
            addon_id=self.addon_id,
            user_id=user.id,
            urls=ApiUrls.for_sandbox(self.sandbox.url, workspace.region, workspace.subdomain),
            role=user.role.value,
        )

    def session(self, index: int) -> requests.Session:
        """A connection with a sidebar session of its own (users taken in turn)."""
        user = self.users[index % len(self.users)]
        page = requests.get(
            f"{self.addon_url}/sidebar", params={"auth_token": self.user_token(user)}, timeout=10
        )
        found = SESSION.search(page.text)
        if page.status_code != 200 or found is None:
            raise RuntimeError(f"no session from the sidebar ({page.status_code})")
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {found.group(1)}"
        return http


def install(sandbox: SandboxServer, addon_url: str) -> str:
    answer = requests.post(
        f"{sandbox.url}/sandbox/workspaces/{SEED_WORKSPACE_ID}/addons",
        json={"manifestUrl": f"{addon_url}/manifest"},
        timeout=30,
    )
    if answer.status_code != 201:
        raise RuntimeError(f"install failed: {answer.status_code} {answer.text[:300]}")
    return str(answer.json()["addonId"])


def summary_body(**changes: Any) -> dict[str, Any]:
    """The last 91 days grouped by project and user (the e2e tests' `_summary_body`)."""
    end = date.today() - timedelta(days=1)
    start = end - timedelta(days=90)
    return {
        "kind": "summary",
        "start": start.isoformat(),
        "end": end.isoformat(),
        "zone": "Europe/Berlin",
        "groups": ["PROJECT", "USER"],
        **changes,
    }


def invoice_body(**changes: Any) -> dict[str, Any]:
    return summary_body(kind="invoice", groups=[], **changes)


# ---------------------------------------------------------------------------------------------
# Latencies


def time_calls(
    call: Callable[[], requests.Response],
    count: int,
    windows: list[tuple[float, float]] | None = None,
) -> Timings:
    """`count` sequential calls after two unmeasured ones; a non-2xx is a failure.

    `windows` collects each measured call's (start, end) on the monotonic clock, the one the
    sandbox's request log uses.
    """
    for _ in range(2):
        call()
    timings = Timings()
    for _ in range(count):
        window = time.monotonic()
        started = time.perf_counter()
        answer = call()
        elapsed = time.perf_counter() - started
        if windows is not None:
            windows.append((window, time.monotonic()))
        if answer.ok:
            timings.samples.append(elapsed)
        else:
            timings.failures += 1
    return timings


def baseline(http: requests.Session, url: str, count: int) -> Timings:
    return time_calls(lambda: http.get(f"{url}/healthz", timeout=10), count)


def first_renders(target: Target, http: requests.Session, count: int) -> Timings:
    """Warm first renders; each page view gets a token minted before the clock starts."""
    viewers = target.users
    tokens = iter([target.user_token(viewers[i % len(viewers)]) for i in range(count + 2)])
    url = f"{target.addon_url}/sidebar"
    return time_calls(lambda: http.get(url, params={"auth_token": next(tokens)}, timeout=10), count)


def shell_views(target: Target, count: int) -> Timings:
    """The shell page (the sandbox mints the token) and then the iframe it embeds."""
    owner = target.users[0]
    shell = (
        f"{target.sandbox.url}/workspaces/{SEED_WORKSPACE_ID}/addons/{target.addon_id}/0"
        f"?as={owner.id}"
    )
    http = requests.Session()

    def view() -> requests.Response:
        page = http.get(shell, timeout=10)
        found = FRAME.search(page.text)
        if found is None:
            raise RuntimeError(f"the shell page embeds no iframe ({page.status_code})")
        return http.get(found.group(1).replace("&amp;", "&"), timeout=10)

    return time_calls(view, count)


@dataclass
class ColdBoot:
    ready_seconds: float
    first: float
    second: float


def cold_boot(target: Target, env: dict[str, str], logs: Path, threads: int) -> ColdBoot:
    """A one-worker gunicorn on the same database: the first page after `/healthz` answers."""
    server = Gunicorn(env, logs, workers=1, threads=threads)
    try:
        ready = server.wait_ready()
        url = f"{server.url}/sidebar"
        tokens = [target.user_token(target.users[0]) for _ in range(2)]
        laps = []
        with requests.Session() as http:
            for token in tokens:
                started = time.perf_counter()
                answer = http.get(url, params={"auth_token": token}, timeout=30)
                laps.append(time.perf_counter() - started)
                if answer.status_code != 200:
                    raise RuntimeError(f"cold render failed: {answer.status_code}")
        return ColdBoot(ready, laps[0], laps[1])
    finally:
        server.stop()


@dataclass
class Preview:
    timings: Timings = field(default_factory=Timings)
    built: list[float] = field(default_factory=list)  # the job's created_at -> finished_at
    windows: list[tuple[float, float]] = field(default_factory=list)
    not_cached: int = 0


def run_report(http: requests.Session, url: str, body: dict[str, Any]) -> tuple[float, Any, int]:
    """(seconds from POST to done, the final job, the POST's status)."""
    started = time.perf_counter()
    answer = http.post(f"{url}/api/reports", json=body, timeout=30)
    answer.raise_for_status()
    job = answer.json()
    while job["state"] in {"queued", "running"}:
        time.sleep(POLL_SECONDS)
        polled = http.get(f"{url}/api/jobs/{job['id']}", timeout=30)
        polled.raise_for_status()
        job = polled.json()
    return time.perf_counter() - started, job, answer.status_code


def previews(http: requests.Session, url: str, body: dict[str, Any], count: int) -> Preview:
    """`count` reports of `body`: cold with `refresh`, warm (expecting a cached 200) without."""
    preview = Preview()
    run_report(http, url, body)  # warm-up, and for warm runs the result the cache serves
    for _ in range(count):
        window = time.monotonic()
        elapsed, job, status = run_report(http, url, body)
        preview.windows.append((window, time.monotonic()))
        if job["state"] != "done":
            preview.timings.failures += 1
            continue
        preview.timings.samples.append(elapsed)
        if not body.get("refresh") and (status != 200 or not job["cached"]):
            preview.not_cached += 1
        if job["finished_at"] and body.get("refresh"):
            created = _instant(job["created_at"])
            preview.built.append(_instant(job["finished_at"]) - created)
    return preview


def clockify_traffic(sandbox: SandboxServer, windows: list[tuple[float, float]]) -> str:
    """Requests the sandbox received per window and the median gap between them in one.

    With no burst the add-on's limiter spaces one workspace's requests 1/46 s (21.7 ms) apart,
    idle or not, so the gap shows whether a cold call waits on Clockify or on the limiter.
    """
    moments = sorted(r.monotonic for r in sandbox.state.recorder.records(SEED_WORKSPACE_ID))
    counts: list[int] = []
    gaps: list[float] = []
    for start, end in windows:
        inside = [m for m in moments if start <= m <= end]
        counts.append(len(inside))
        gaps.extend(b - a for a, b in itertools.pairwise(inside))
    gap = f"{statistics.median(gaps) * 1000:.1f} ms apart" if gaps else "-"
    return f"{statistics.median(counts):.0f} Clockify requests, {gap}"


def _instant(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


# ---------------------------------------------------------------------------------------------
# Throughput


@dataclass
class Call:
    name: str
    method: str
    path: str
    body: dict[str, Any] | None = None


@dataclass
class Load:
    users: int
    seconds: float
    laps: dict[str, list[float]]
    errors: dict[str, int]
    sizes: dict[str, int]
    client_cpu: float
    server_cpu: float
    machine_busy: float  # share of all cores, whoever used them
    rates: list[float] = field(default_factory=list)  # requests per second of each round

    @property
    def all_laps(self) -> list[float]:
        return [lap for laps in self.laps.values() for lap in laps]

    @property
    def rate(self) -> float:
        """The median round's rate: one round slowed by other work on the machine is ignored."""
        if self.rates:
            return statistics.median(self.rates)
        return (len(self.all_laps) + sum(self.errors.values())) / self.seconds


def combine(rounds: list[Load]) -> Load:
    """One `Load` of several rounds: latencies pooled, CPU summed, each round's rate kept."""
    first = rounds[0]
    laps = {name: [lap for r in rounds for lap in r.laps[name]] for name in first.laps}
    errors = {name: sum(r.errors[name] for r in rounds) for name in first.errors}
    sizes = {name: size for r in rounds for name, size in r.sizes.items()}
    return Load(
        first.users,
        sum(r.seconds for r in rounds),
        laps,
        errors,
        sizes,
        sum(r.client_cpu for r in rounds),
        sum(r.server_cpu for r in rounds),
        statistics.mean(r.machine_busy for r in rounds),
        [r.rate for r in rounds],
    )


def hammer(
    url: str,
    sessions: list[requests.Session],
    mix: list[Call],
    seconds: float,
    server_pids: list[int],
) -> Load:
    """Each session repeats `mix` (from its own offset) for `seconds`, all starting together."""
    laps: dict[str, list[float]] = {c.name: [] for c in mix}
    errors: dict[str, int] = {c.name: 0 for c in mix}
    sizes: dict[str, int] = {}
    lock = threading.Lock()
    start = threading.Barrier(len(sessions) + 1)
    window: dict[str, float] = {}

    def user(index: int, http: requests.Session) -> None:
        mine: list[tuple[str, float, bool, int]] = []
        step = index
        start.wait()
        end = window["end"]
        while True:
            call = mix[step % len(mix)]
            step += 1
            began = time.perf_counter()
            if began >= end:
                break
            try:
                answer = http.request(call.method, f"{url}{call.path}", json=call.body, timeout=30)
                ok, size = answer.ok, len(answer.content)
            except requests.RequestException:
                ok, size = False, 0
            finished = time.perf_counter()
            if finished <= end:
                mine.append((call.name, finished - began, ok, size))
        with lock:
            for name, lap, ok, size in mine:
                if ok:
                    laps[name].append(lap)
                    sizes[name] = size
                else:
                    errors[name] += 1

    threads = [
        threading.Thread(target=user, args=(i, http), daemon=True)
        for i, http in enumerate(sessions)
    ]
    for thread in threads:
        thread.start()
    client0, server0 = time.process_time(), cpu_seconds(server_pids)
    busy0, total0 = machine_jiffies()
    window["end"] = time.perf_counter() + seconds
    start.wait()
    for thread in threads:
        thread.join()
    client = time.process_time() - client0
    server = cpu_seconds(server_pids) - server0
    busy1, total1 = machine_jiffies()
    machine = (busy1 - busy0) / (total1 - total0) if total1 > total0 else float("nan")
    return Load(len(sessions), seconds, laps, errors, sizes, client, server, machine)


def page_mix(job_id: str) -> list[Call]:
    """What an open sidebar does, weighted the way the page polls: jobs most often."""
    job = Call("GET /api/jobs/<done>", "GET", f"/api/jobs/{job_id}")
    return [
        job,
        Call("GET /api/schedules", "GET", "/api/schedules"),
        job,
        Call("GET /api/workspace", "GET", "/api/workspace"),
        job,
        Call("POST /api/reports (cached)", "POST", "/api/reports", summary_body()),
    ]


HEALTH = [Call("GET /healthz", "GET", "/healthz")]


# ---------------------------------------------------------------------------------------------
# Sections


def print_latency_row(label: str, timings: Timings, floor: float, extra: str = "") -> None:
    p50 = timings.p(50)
    print(
        f"{label:<40} {len(timings.samples):>4} {ms(p50)} {ms(timings.p(95))} "
        f"{ms(max(timings.samples))} {p50 / floor:>8.1f} {timings.failures:>4}  {extra}"
    )


LATENCY_HEADER = (
    f"{'':<40} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'x health':>8} {'err':>4}"
)


def section_first_render(
    target: Target, server: Server, env: dict[str, str], logs: Path, args: argparse.Namespace
) -> float:
    plan: Plan = args.plan
    http = requests.Session()
    health = baseline(http, target.addon_url, plan.renders)
    floor = health.p(50)
    print("\nFirst render: GET /sidebar?auth_token=<fresh user token>, one keep-alive connection")
    print(LATENCY_HEADER)
    print_latency_row("GET /healthz (baseline)", health, floor)
    warm = first_renders(target, http, plan.renders)
    print_latency_row("GET /sidebar, warm worker", warm, floor)
    shell = shell_views(target, plan.shell_views)
    print_latency_row("shell page + its iframe (via sandbox)", shell, floor)
    token = target.user_token(target.users[0])
    page = http.get(f"{target.addon_url}/sidebar", params={"auth_token": token}, timeout=10)
    added = (shell.p(50) - warm.p(50)) * 1000
    print(f"  page size {len(page.content):,} bytes; the shell adds {added:+.1f} ms at p50")
    if isinstance(server, Gunicorn):
        boots = [cold_boot(target, env, logs, args.threads) for _ in range(plan.cold_boots)]
        cold = Timings([b.first for b in boots])
        second = Timings([b.second for b in boots])
        ready = statistics.median(b.ready_seconds for b in boots)
        print_latency_row("GET /sidebar, cold: a just-booted worker", cold, floor)
        print_latency_row("  the same worker's second page", second, floor)
        print(
            f"  (1-worker gunicorn, {plan.cold_boots} boot(s); spawn to /healthz 200: "
            f"median {ready:.2f} s; cold/warm p50 {cold.p(50) / warm.p(50):.1f}x)"
        )
    else:
        print("  cold worker boot: skipped (needs gunicorn)")
    return floor


def section_previews(target: Target, floor: float, plan: Plan) -> str:
    http = target.session(0)
    url = target.addon_url
    print("\nPreview: POST /api/reports, then GET /api/jobs/<id> every 50 ms until done")
    print(LATENCY_HEADER)
    results = {}
    notes = []
    for name, body in (("summary", summary_body()), ("invoice", invoice_body())):
        cold = previews(http, url, {**body, "refresh": True}, plan.cold_reports)
        built = statistics.median(cold.built) * 1000
        traffic = clockify_traffic(target.sandbox, cold.windows)
        notes.append(f"  {name} cold: built in {built:.0f} ms (job created -> finished), {traffic}")
        print_latency_row(f"{name}, cold (refresh: true)", cold.timings, floor)
        warm = previews(http, url, body, plan.warm_reports)
        note = f"{warm.not_cached} not cached" if warm.not_cached else "all 200 cached"
        print_latency_row(f"{name}, warm (result cache)", warm.timings, floor, note)
        results[name] = (cold, warm)
    directory = f"{url}/api/workspace"
    windows: list[tuple[float, float]] = []
    cold_dir = time_calls(
        lambda: http.get(directory, params={"refresh": "1"}), plan.cold_directories, windows
    )
    notes.append(f"  workspace cold: {clockify_traffic(target.sandbox, windows)}")
    warm_dir = time_calls(lambda: http.get(directory), plan.warm_directories)
    print_latency_row("GET /api/workspace, cold (?refresh=1)", cold_dir, floor)
    print_latency_row("GET /api/workspace, warm (process cache)", warm_dir, floor)
    print("\n".join(notes))
    speedups = [
        f"{name} {cold.timings.p(50) / warm.timings.p(50):.1f}x"
        for name, (cold, warm) in results.items()
    ]
    speedups.append(f"workspace {cold_dir.p(50) / warm_dir.p(50):.1f}x")
    print(f"  cold/warm at p50: {', '.join(speedups)}")
    # A fresh result for the throughput section: the cache keeps one for report_cache_seconds.
    _, job, _ = run_report(http, url, {**summary_body(), "refresh": True})
    return str(job["id"])


def section_throughput(target: Target, server: Server, job_id: str, plan: Plan, cores: int) -> None:
    url = target.addon_url
    sessions = [target.session(i) for i in range(max(plan.users))]
    mix = page_mix(job_id)
    pids = server.pids()
    hammer(url, sessions[:4], mix, min(2.0, plan.seconds), pids)  # warm every worker's caches
    hammer(url, sessions[:4], HEALTH, 0.5, pids)
    rounds = f"{plan.rounds} rounds of {plan.seconds:g} s" if plan.rounds > 1 else ""
    print(
        f"\nThroughput: N users, {rounds or f'{plan.seconds:g} s'} each of the baseline and the "
        "mix (alternating); each user repeats: "
        + ", ".join(dict.fromkeys(c.name for c in mix))
        + " (the job 3 times in 6)"
    )
    print(
        f"{'users':>5} {'load':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'err':>4} {'x req/s':>7} {'x p50':>6} {'server':>6} {'client':>6} {'box':>5} "
        f"{'srv CPU ms/req':>14}"
    )
    last: Load | None = None
    for users in plan.users:
        healths, loads = [], []
        for _ in range(plan.rounds):
            healths.append(hammer(url, sessions[:users], HEALTH, plan.seconds, pids))
            loads.append(hammer(url, sessions[:users], mix, plan.seconds, pids))
        health, load = combine(healths), combine(loads)
        for name, run in (("healthz", health), ("mix", load)):
            laps = run.all_laps
            errors = sum(run.errors.values())
            ratio_rate = run.rate / health.rate
            ratio_p50 = percentile(laps, 50) / percentile(health.all_laps, 50)
            client_share = run.client_cpu / run.seconds / cores
            server_share, per_request = "-", "-"  # in-thread: the server's CPU is the client's
            if pids:
                server_share = f"{run.server_cpu / run.seconds / cores:.0%}"
                per_request = f"{run.server_cpu / max(1, len(laps) + errors) * 1000:.2f}"
            print(
                f"{users:>5} {name:>8} {run.rate:>7.0f} {ms(percentile(laps, 50))} "
                f"{ms(percentile(laps, 95))} {ms(percentile(laps, 99))} {errors:>4} "
                f"{ratio_rate:>7.2f} {ratio_p50:>6.1f} {server_share:>6} {client_share:>6.0%} "
                f"{run.machine_busy:>5.0%} {per_request:>14}"
            )
        last = load
    print(
        "  req/s: the median round; x: ratio to /healthz with the same users\n"
        f"  server, client, box: CPU as a share of all {cores} cores used by gunicorn, by this "
        "process, by the whole machine (PostgreSQL and anything else running included)"
    )
    assert last is not None  # plan.users is never empty
    print(f"\nPer request at {last.users} users (the mix above)")
    print(f"{'':<28} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'err':>4} {'bytes':>8}")
    for name, laps in last.laps.items():
        print(
            f"{name:<28} {len(laps):>6} {ms(percentile(laps, 50))} {ms(percentile(laps, 95))} "
            f"{ms(percentile(laps, 99))} {last.errors[name]:>4} {last.sizes.get(name, 0):>8,}"
        )
    for http in sessions:
        http.close()


# ---------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="about 30 s instead of 2 minutes")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--sqlite", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--werkzeug", action="store_true", help="serve in-thread, not gunicorn")
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    args = parser.parse_args()
    args.plan = QUICK if args.quick else FULL
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per sandbox request else
    began = time.monotonic()
    cores = os.cpu_count() or 1
    issuer = TokenIssuer(addon_key=Settings().addon_key)
    with (
        tempfile.TemporaryDirectory(prefix="sidebar-bench-") as tmp,
        database(args, Path(tmp)) as (database_url, database_name),
        SandboxServer(issuer) as sandbox,
    ):
        upgrade(database_url)
        env = addon_environment(issuer, sandbox.url, database_url)
        server = start_server(env, Path(tmp), args)
        try:
            target = Target(sandbox, server.url, install(sandbox, server.url))
            entries = len(sandbox.state.workspace(SEED_WORKSPACE_ID).entries)
            print(
                f"cores        {cores} ({platform.machine()}, Python {platform.python_version()})"
            )
            print(f"server       {server.mode}, {server.url}")
            print(f"database     {database_name}")
            print(
                f"sandbox      in this process (werkzeug, threaded), {entries} entries; "
                f"load generator: threads in this process"
            )
            print(f"logging      {server.logging}")
            load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
            busy0, total0 = machine_jiffies()
            time.sleep(1.0)
            busy1, total1 = machine_jiffies()
            busy = (busy1 - busy0) / max(1, total1 - total0)
            print(
                f"machine      {busy:.0%} of all cores busy over 1 s before measuring, load "
                f"average {load}: other work on this machine shares the cores"
            )
            floor = section_first_render(target, server, env, Path(tmp), args)
            job_id = section_previews(target, floor, args.plan)
            section_throughput(target, server, job_id, args.plan, cores)
        finally:
            server.stop()
    print(f"\ntotal {time.monotonic() - began:.0f} s")
    return 0


def start_server(env: dict[str, str], logs: Path, args: argparse.Namespace) -> Server:
    """gunicorn as in production; the in-thread server if asked for or if gunicorn fails."""
    if not args.werkzeug:
        server = Gunicorn(env, logs, workers=args.workers, threads=args.threads)
        try:
            server.wait_ready()
            server.settle(args.workers)
            return server
        except RuntimeError as exc:
            print(f"gunicorn failed, falling back to the in-thread server: {exc}")
    fallback = InThread(env)
    fallback.wait_ready()
    return fallback


if __name__ == "__main__":
    sys.exit(main())
