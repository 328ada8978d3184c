"""Fetching a year's detailed report (100,000 entries) under the 50 requests/s workspace limit.

The sandbox runs in a process of its own (so its CPU does not compete with the callers' GIL),
holding one generated workspace with the add-on installed. Callers share the add-on's limiter
(SQLite file, as on a single host) and each fetches the whole detailed report with the real
`ClockifyClient`; 1, 4 and 16 callers run as threads and as processes. The sandbox's request log
gives the figures: requests per second over the run, the busiest one-second window, and 429s.

The floor is the time the limit alone imposes: requests / 50 s. The baseline, measured in the
same run, is a naive client following the guide's advice: at most 3 requests at once, each
worker waiting 2 s between requests.

A reconciliation table fetches the year once per sandbox behaviour (the documented one, a page
size served silently at 200, a FREE plan's range served silently in part) with our reconciled
client and with an unreconciled walk (the client before reconciliation: no totals, stop at the
first short page), printing requests and rows got against the rows Clockify holds. Target: at
most one extra request per window where nothing is clamped; and no silently short report.

A summary line compares the year's summary built from Clockify's summary report (one request per
window, plus the workspace and a totals check) with the engine's (every detailed page), same run.

A second table runs cheap requests (`GET workspace`) with 16 callers: it shows what the limiter
sustains when the server is not the bottleneck, against the target of at least 90% of the budget.

`--replay` instead serves a few recorded pages from a process that spends next to no CPU
(`bench/replay.py`): the client's own CPU per 1,000-row page and the rate one caller sustains.

    .venv/bin/python bench/fetch.py [--entries 100000] [--skip-naive] [--reconcile-only]
    .venv/bin/python bench/fetch.py --replay
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from addon.clockify.client import ClockifyClient, Endpoints
from addon.clockify.queries import ReportFilter
from addon.clockify.transport import Transport
from addon.manifest import build_manifest
from addon.reports.model import GroupBy, NonWorkTime, SummarySource
from addon.reports.periods import DateRange, Weekday
from addon.secret import Secret
from addon.services.reports import fetch_summary
from addon.settings import Settings
from addon.store.db import create_db_engine
from addon.store.migrate import upgrade
from addon.store.permits import RateLimiter
from bench.replay import replay_table

YEAR = DateRange(date(2025, 1, 1), date(2025, 12, 31))
LIMIT = 50.0
ZONE = "Europe/Berlin"


@dataclass(frozen=True)
class Target:
    url: str
    workspace_id: str
    token: str
    backend_url: str
    reports_url: str


def serve_sandbox(conn: Connection, entries: int) -> None:
    """Child process: the sandbox with one generated, installed workspace, until told to stop."""
    from sandbox import SandboxServer, TokenIssuer
    from sandbox.generator import generate_workspace
    from sandbox.manifests import parse_manifest
    from sandbox.tokens import ApiUrls

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    issuer = TokenIssuer(addon_key="reports-invoices")
    with SandboxServer(issuer) as sandbox:
        ws = generate_workspace(
            sandbox.state,
            7,
            entries=entries,
            expenses=0,
            start=YEAR.start,
            end=YEAR.end,
            currencies=("EUR",),
        )
        urls = ApiUrls.for_sandbox(sandbox.url, None)
        manifest = parse_manifest(build_manifest(Settings()), expected_key="reports-invoices")
        token = sandbox.register_installation(ws, manifest, addon_id="b" * 24).auth_token
        conn.send(Target(sandbox.url, ws.id, token, urls.backend_url, urls.reports_url))
        conn.recv()


@dataclass(frozen=True)
class Limits:
    database_url: str
    rate: float
    burst: int


def make_client(target: Target, limits: Limits) -> tuple[ClockifyClient, Any]:
    engine = create_db_engine(limits.database_url)
    limiter = RateLimiter(engine, limits.rate, limits.burst)
    transport = Transport(Secret(target.token), limiter.for_workspace(target.workspace_id))
    endpoints = Endpoints(target.workspace_id, target.backend_url, target.reports_url)
    return ClockifyClient(endpoints, transport, currency="EUR"), engine


def fetch_report(target: Target, limits: Limits) -> int:
    client, engine = make_client(target, limits)
    with client:
        count = sum(1 for _ in client.detailed(ReportFilter(YEAR, ZONE)))
    engine.dispose()
    return count


def summary_paths(target: Target, limits: Limits) -> None:
    """The year's summary by Clockify's summary report and by our engine: requests, seconds.

    The same request (PROJECT then USER, non-work time counted as work, which the summary
    report path needs) on the same sandbox; the client reads the workspace, so its plan is
    known (a paid plan's year is one window).
    """
    engine = create_db_engine(limits.database_url)
    limiter = RateLimiter(engine, limits.rate, limits.burst)
    endpoints = Endpoints(target.workspace_id, target.backend_url, target.reports_url)
    figures = {}
    for source in (SummarySource.CLOCKIFY, SummarySource.ENGINE):
        reset_log(target)
        transport = Transport(Secret(target.token), limiter.for_workspace(target.workspace_id))
        started = time.perf_counter()
        with ClockifyClient(endpoints, transport) as client:
            summary = fetch_summary(
                client,
                ReportFilter(YEAR, ZONE),
                (GroupBy.PROJECT, GroupBy.USER),
                week_start=Weekday.MONDAY,
                non_work=NonWorkTime.INCLUDE,
                source=source,
            )
        wall = time.perf_counter() - started
        count, _, _, _ = observed(target)
        figures[source] = (count, wall, summary.source)
    engine.dispose()
    (ours, ours_s, got), (theirs, theirs_s, _) = figures.values()
    print(
        f"Summary of the year: summary report ({got.value}) {ours} requests, {ours_s:.2f} s; "
        f"engine {theirs} requests, {theirs_s:.2f} s; {theirs / max(ours, 1):.0f}x fewer "
        f"requests, {theirs_s / max(ours_s, 1e-9):.1f}x faster\n"
    )


def fetch_workspace(target: Target, limits: Limits, calls: int) -> int:
    client, engine = make_client(target, limits)
    with client:
        for _ in range(calls):
            client.workspace()
    engine.dispose()
    return calls


def unreconciled_walk(target: Target) -> tuple[int, int]:
    """(requests, rows) of the walk before reconciliation: 1,000-row pages until a short one."""
    url = f"{target.reports_url}/v1/workspaces/{target.workspace_id}/reports/detailed"
    body = ReportFilter(YEAR, ZONE).time_body()
    session = requests.Session()
    session.headers["X-Addon-Token"] = target.token
    sent = rows = 0
    for page in range(1, 10_000):
        filters = {"page": page, "pageSize": 1000, "options": {"totals": "EXCLUDE"}}
        answer = session.post(url, json={**body, "detailedFilter": filters}, timeout=120)
        sent += 1
        answer.raise_for_status()
        data = answer.json()
        got = len(data.get("timeentries", data.get("timeEntries", [])))
        rows += got
        if got < 1000:
            break
    return sent, rows


def set_behaviour(target: Target, preset: str) -> None:
    answer = requests.put(
        f"{target.url}/sandbox/workspaces/{target.workspace_id}/behaviour",
        json={"preset": preset},
        timeout=30,
    )
    answer.raise_for_status()


def reconciliation_table(target: Target, limits: Limits, held: int) -> None:
    """Requests per report with and without reconciliation, per sandbox behaviour."""
    print("Requests per yearly report, with and without reconciliation")
    print(f"{'behaviour':>16} {'client':>13} {'requests':>8} {'rows got':>9} {'of':>8}  outcome")
    for preset in ("live", "silent_page_cap", "partial_range"):
        set_behaviour(target, preset)
        reset_log(target)
        sent, rows = unreconciled_walk(target)
        outcome = "complete" if rows == held else f"SILENTLY SHORT by {held - rows:,}"
        print(f"{preset:>16} {'unreconciled':>13} {sent:>8} {rows:>9,} {held:>8,}  {outcome}")
        reset_log(target)
        try:
            got = fetch_report(target, limits)
            outcome = "complete, checked" if got == held else f"short by {held - got:,}"
        except Exception as exc:  # the bench reports whatever the client raised
            got, outcome = 0, f"failed: {exc}"
        count = observed(target)[0]
        print(f"{preset:>16} {'reconciled':>13} {count:>8} {got:>9,} {held:>8,}  {outcome}")
    set_behaviour(target, "live")
    print()


def _process_job(job: Callable[..., int], args: tuple[Any, ...], queue: Any) -> None:
    queue.put(job(*args))


def run_callers(mode: str, callers: int, job: Callable[..., int], args: tuple[Any, ...]) -> float:
    """Run `callers` copies of `job` at once; returns the wall time."""
    started = time.perf_counter()
    if mode == "threads":
        results: list[int] = []
        threads = [
            threading.Thread(target=lambda: results.append(job(*args))) for _ in range(callers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        processes = [
            context.Process(target=_process_job, args=(job, args, queue)) for _ in range(callers)
        ]
        for process in processes:
            process.start()
        for _ in processes:
            queue.get()
        for process in processes:
            process.join()
    return time.perf_counter() - started


def naive_fetch(target: Target) -> tuple[float, int]:
    """The guide's advice: 3 workers, each waiting 2 s between requests, 1,000-row pages."""
    session = requests.Session()
    session.headers["X-Addon-Token"] = target.token
    url = f"{target.reports_url}/v1/workspaces/{target.workspace_id}/reports/detailed"
    body = ReportFilter(YEAR, ZONE).time_body()
    lock = threading.Lock()
    state = {"next": 1, "done": False, "rows": 0}

    def worker() -> None:
        while True:
            with lock:
                if state["done"]:
                    return
                page = state["next"]
                state["next"] += 1
            filters = {"page": page, "pageSize": 1000, "sortColumn": "ID"}
            answer = session.post(url, json={**body, "detailedFilter": filters}, timeout=120)
            answer.raise_for_status()
            rows = len(answer.json()["timeEntries"])
            with lock:
                state["rows"] += rows
                if rows < 1000:
                    state["done"] = True
            time.sleep(2.0)

    started = time.perf_counter()
    workers = [threading.Thread(target=worker) for _ in range(3)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return time.perf_counter() - started, int(state["rows"])


def observed(target: Target) -> tuple[int, int, int, float]:
    """(requests, busiest one-second window, 429s, seconds from first to last) from the log."""
    answer = requests.get(
        f"{target.url}/sandbox/requests", params={"workspace": target.workspace_id}, timeout=60
    ).json()
    records = [r for r in answer["requests"] if r["status"] is not None]
    moments = sorted(r["monotonic"] for r in records)
    span = moments[-1] - moments[0] if len(moments) > 1 else 0.0
    throttled = sum(1 for r in records if r["status"] == 429)
    return len(records), int(answer["busiestSecond"]), throttled, span


def reset_log(target: Target) -> None:
    requests.delete(f"{target.url}/sandbox/requests", timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--callers", type=int, nargs="*", default=[1, 4, 16])
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument("--rate", type=float, default=Settings().clockify_rate)
    parser.add_argument("--burst", type=int, default=Settings().clockify_burst)
    parser.add_argument("--cheap-only", action="store_true", help="skip the detailed reports")
    parser.add_argument(
        "--reconcile-only", action="store_true", help="only the reconciliation table"
    )
    parser.add_argument("--replay", action="store_true", help="only the replayed-pages table")
    args = parser.parse_args()
    if args.replay:
        tmp = tempfile.mkdtemp(prefix="fetch-bench-")
        upgrade(f"sqlite:///{tmp}/limits.sqlite3")
        replay_table(args.rate, args.burst, f"sqlite:///{tmp}/limits.sqlite3")
        return 0

    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    server = context.Process(target=serve_sandbox, args=(child, args.entries), daemon=True)
    server.start()
    print(f"generating a workspace of {args.entries:,} entries over 2025 ...", flush=True)
    target: Target = parent.recv()
    tmp = tempfile.mkdtemp(prefix="fetch-bench-")
    database_url = f"sqlite:///{tmp}/limits.sqlite3"
    upgrade(database_url)
    limits = Limits(database_url, args.rate, args.burst)
    print(f"limiter: {args.rate:g}/s, burst {args.burst}")

    if not args.cheap_only:
        print("warming the sandbox's report cache ...", flush=True)
        rows = fetch_report(target, limits)
        print(f"{rows:,} finished entries, {rows // 1000 + 1} pages of 1,000\n")
        summary_paths(target, limits)
        reconciliation_table(target, limits, rows)
        if args.reconcile_only:
            parent.send("stop")
            server.join(timeout=10)
            return 0

    header = (
        f"{'callers':>7} {'mode':>9} {'requests':>8} {'req/s':>6} {'budget':>6} "
        f"{'busiest 1s':>10} {'429s':>4} {'wall s':>7} {'floor s':>7} {'wall/floor':>10}"
    )
    print("Detailed report of the year, each caller fetching all of it")
    print(header)
    walls: dict[tuple[str, int], float] = {}
    for callers in [] if args.cheap_only else args.callers:
        for mode in ("threads", "processes"):
            reset_log(target)
            wall = run_callers(mode, callers, fetch_report, (target, limits))
            count, busiest, throttled, span = observed(target)
            rate = count / span if span else 0.0
            floor = count / LIMIT
            walls[(mode, callers)] = wall
            print(
                f"{callers:>7} {mode:>9} {count:>8} {rate:>6.1f} {rate / LIMIT:>6.0%} "
                f"{busiest:>10} {throttled:>4} {wall:>7.1f} {floor:>7.1f} {wall / floor:>10.2f}"
            )

    print("\nCheap requests (GET workspace), 16 callers x 40: the limiter's own ceiling")
    print(header)
    for mode in ("threads", "processes"):
        reset_log(target)
        wall = run_callers(mode, 16, fetch_workspace, (target, limits, 40))
        count, busiest, throttled, span = observed(target)
        rate = count / span if span else 0.0
        floor = count / LIMIT
        print(
            f"{16:>7} {mode:>9} {count:>8} {rate:>6.1f} {rate / LIMIT:>6.0%} "
            f"{busiest:>10} {throttled:>4} {wall:>7.1f} {floor:>7.1f} {wall / floor:>10.2f}"
        )

    if not (args.skip_naive or args.cheap_only):
        reset_log(target)
        naive_wall, naive_rows = naive_fetch(target)
        ours = walls.get(("threads", 1)) or next(iter(walls.values()))
        print(
            f"\nNaive client (3 at once, 2 s apart): {naive_rows:,} rows in {naive_wall:.1f} s; "
            f"ours with 1 caller: {ours:.1f} s; speed-up {naive_wall / ours:.1f}x"
        )

    parent.send("stop")
    server.join(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
