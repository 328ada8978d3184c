"""What the durable report-job queue costs per job, against the in-process pool it replaced.

The queue is the production code: `Runtime.from_settings`, a database migrated with
`addon.store.migrate.upgrade`, `addon.store.jobs.create_job` for each queued row and a
`JobRunner` (dispatcher, one thread per job, heartbeat) that claims and finishes them. Only the
job's work is replaced (`JobRunner(perform=...)`): it returns an empty result at once, so every
figure is the queue's overhead, not Clockify's. Jobs are spread over 50 workspaces, so the
per-workspace limit (`jobs_per_workspace`, 2) never holds one back.

Baselines, measured in the same run on the same database: the old in-process path (before
6bce956), a `ThreadPoolExecutor(4)` per process whose thread writes the "starting" progress and
then the result with the statements of that time (`where id = :id`, no owner, no claim); and
the pure-pool floor, `submit` + `result` of the same work with no database at all.

* Throughput: N rows are queued first (one `create_job` transaction each, timed on its own as
  "queueing"), then 1 or 2 worker processes start together and the clock runs until this
  process sees every row `done` (it polls every 5 ms). Statements are counted with a
  `before_cursor_execute` listener, transactions as pool checkouts (on PostgreSQL each also
  costs a pre-ping, BEGIN and COMMIT), and CPU is `time.process_time` of the workers,
  all their threads included, divided by the jobs; "claiming" is the dispatcher threads' share.
  Statements are also named by role (scan for candidates, workspace lock, running count, claim
  UPDATE, re-read of the claimed row, progress, finish), and the output counts what two
  claimers cost each other: claims whose compare-and-set matched no row, PostgreSQL workspace
  locks another claimer held, and the runner's warnings.
* Latency: jobs arrive one at a time, spaced at random (exponential, mean `--gap-ms`), and
  each is timed from its `create_job` commit to the moment its work starts ("pickup") and to
  the finish statement's timestamp (`finished_at`, taken just before that UPDATE: "done").
  Woken: the runner lives in the process that queued the job and is woken (`wake()`), the web
  path. Polling: a separate worker process that only polls, so pickup waits up to
  `POLL_SECONDS`. The old pool: insert, commit, `submit`.

Production also writes two INFO log lines per job; the bench leaves logging unconfigured, so
their cost is not in these figures (nor in the baseline's).

    .venv/bin/python bench/jobs.py [--jobs 2000] [--latency-jobs 200] [--gap-ms 25]
                                   [--sqlite] [--postgres URL]
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import multiprocessing
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy import Engine, create_engine, delete, event, func, select, text, update

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from addon.jobs.runner import POLL_SECONDS, JobContext, JobRunner
from addon.runtime import Runtime
from addon.services.previews import JobOutput
from addon.settings import LogFormat, Secret, Settings
from addon.store import jobs as store
from addon.store.migrate import upgrade
from addon.store.models import ReportJob
from bench.machine import machine

WORKERS = 4
WORKSPACES = 50
IDLE = 4.0
"""Seconds the polling worker idles before the latency run, to count what idling costs."""
KEY = Fernet.generate_key().decode()
STARTED: dict[str, float] = {}
"""Job id -> wall time its work started, in the process that ran it."""


# -- the work, the old path, and what the database sees ----------------------------------------


def trivial(rt: Runtime, job: ReportJob, context: JobContext) -> JobOutput:
    """The queue's job: nothing to build, so only the queue is measured."""
    STARTED[job.id] = time.time()
    return JobOutput({"rows": 0})


def old_run(rt: Runtime, job_id: str) -> None:
    """One job as the old `JobExecutor._run` did it, with the store statements of that time."""
    with rt.sessions.begin() as session:  # context.progress("starting", 0): the stage changed
        session.execute(
            update(ReportJob)
            .where(ReportJob.id == job_id, ReportJob.state.in_(store.IN_PROGRESS))
            .values(state="running", stage="starting", entries=0, pages=0, heartbeat_at=rt.now())
        )
    STARTED[job_id] = time.time()
    output = JobOutput({"rows": 0})
    now = rt.now()
    with rt.sessions.begin() as session:  # the old finish_job: no owner to match
        session.execute(
            update(ReportJob)
            .where(ReportJob.id == job_id)
            .values(
                state="done",
                stage="done",
                result=output.result,
                snapshot=output.snapshot,
                heartbeat_at=now,
                finished_at=now,
            )
        )


def floor_work(job_id: str) -> None:
    STARTED[job_id] = time.time()
    JobOutput({"rows": 0})


def kind_of(statement: str) -> str:
    """Name a report_job statement by its role in a claim, a job or a heartbeat."""
    sql = " ".join(statement.split())
    if sql.startswith("INSERT"):
        return "insert"
    if "pg_try_advisory" in sql or "SET stage=report_job.stage" in sql:
        return "lock"
    if sql.startswith("UPDATE"):
        if "finished_at" in sql:
            return "finish"
        if "attempts" in sql:
            return "claim"
        return "progress"
    if "count(" in sql:
        return "count"
    if sql.startswith("SELECT report_job.id, report_job.workspace_id FROM"):
        return "scan"
    return "read" if sql.startswith("SELECT") else "other"


@dataclass
class Tally:
    """Statements by kind, claims that matched no row, and transactions (pool checkouts)."""

    kinds: Counter[str] = field(default_factory=Counter)
    lost_claims: int = 0
    transactions: int = 0
    warnings: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def attach(self, engine: Engine) -> Tally:
        event.listen(engine, "after_cursor_execute", self._executed)
        event.listen(engine, "checkout", self._checkout)
        return self

    def _executed(self, conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        kind = kind_of(statement)
        with self._lock:
            self.kinds[kind] += 1
            if kind == "claim" and cursor.rowcount == 0:
                self.lost_claims += 1

    def _checkout(self, *_: Any) -> None:
        with self._lock:
            self.transactions += 1

    def reset(self) -> None:
        with self._lock:
            self.kinds, self.lost_claims, self.transactions = Counter(), 0, 0
            self.warnings = Counter()

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "kinds": dict(self.kinds),
                "lost": self.lost_claims,
                "transactions": self.transactions,
                "warnings": dict(self.warnings),
            }


class WarningCount(logging.Handler):
    """Counts the runner's warnings (failed claims, lost leases) into a tally."""

    def __init__(self, tally: Tally) -> None:
        super().__init__(logging.WARNING)
        self.tally = tally

    def emit(self, record: logging.LogRecord) -> None:
        with self.tally._lock:
            self.tally.warnings[record.getMessage()] += 1


def settings_for(url: str) -> Settings:
    return Settings(
        database_url=url,
        report_workers=WORKERS,
        encryption_keys=(Secret(KEY),),  # no tokens are stored; it only keeps start-up quiet
        log_level="WARNING",
        log_format=LogFormat.TEXT,
    )


def runtime_for(url: str) -> tuple[Runtime, Tally]:
    """A process's runtime with its connections opened (connecting is not the queue's cost)."""
    rt = Runtime.from_settings(settings_for(url))
    connections = [rt.engine.connect() for _ in range(WORKERS + 2)]
    for connection in connections:
        connection.execute(text("SELECT 1"))
        connection.close()
    tally = Tally().attach(rt.engine)
    logging.getLogger("addon").addHandler(WarningCount(tally))
    return rt, tally


# -- child processes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Worker:
    """What one worker process runs: the queue, the old pool over `job_ids`, or the floor."""

    kind: str
    url: str
    job_ids: tuple[str, ...] = ()
    idle_seconds: float = 0.0


def work(plan: Worker, ready: Any, go: Any, stop: Any, results: Any) -> None:
    """Child process: run its share of the jobs between `go` and `stop`, then report."""
    if plan.kind == "floor":
        ready.release()
        go.wait()
        cpu, wall = time.process_time(), time.perf_counter()
        with ThreadPoolExecutor(WORKERS) as pool:
            for future in [pool.submit(floor_work, i) for i in plan.job_ids]:
                future.result()
        wall = time.perf_counter() - wall
        results.put({"cpu": time.process_time() - cpu, "wall": wall, "tally": None})
        return
    rt, tally = runtime_for(plan.url)
    runner = JobRunner(rt, WORKERS, perform=trivial)  # started only for kind "queue"
    idle: dict[str, Any] | None = None
    if plan.kind == "queue" and plan.idle_seconds:  # a polling worker, up before any job
        runner.wake()  # as `python -m addon worker` does; from now on it claims or polls
        tally.reset()
        time.sleep(plan.idle_seconds)
        idle = tally.snapshot()
    tally.reset()
    ready.release()
    go.wait()
    cpu, claiming = time.process_time(), thread_cpu("report-dispatch")
    if plan.kind == "queue":
        runner.wake()
        stop.wait()
    else:
        with ThreadPoolExecutor(WORKERS) as pool:
            for future in [pool.submit(old_run, rt, i) for i in plan.job_ids]:
                future.result()
    cpu, claiming = time.process_time() - cpu, thread_cpu("report-dispatch") - claiming
    counted = tally.snapshot()
    stop.wait()
    runner.shutdown(grace=5)
    rt.close()
    report = {"cpu": cpu, "claiming": claiming, "tally": counted, "idle": idle}
    results.put({**report, "started": dict(STARTED)})


def thread_cpu(name: str) -> float:
    """CPU seconds of this process's live thread called `name` (0 if there is none)."""
    for thread in threading.enumerate():
        if thread.name == name and thread.ident is not None:
            return time.clock_gettime(time.pthread_getcpuclockid(thread.ident))
    return 0.0


@dataclass
class Children:
    """Worker processes started together: ready, go, stop, and their reports."""

    plans: list[Worker]
    context: Any = field(default_factory=lambda: multiprocessing.get_context("spawn"))

    def __post_init__(self) -> None:
        c = self.context
        self.ready, self.go, self.stop, self.results = (
            c.Semaphore(0),
            c.Event(),
            c.Event(),
            c.Queue(),
        )
        self.processes = [
            c.Process(target=work, args=(p, self.ready, self.go, self.stop, self.results))
            for p in self.plans
        ]

    def start(self) -> None:
        for process in self.processes:
            process.start()
        for _ in self.processes:
            self.ready.acquire()

    def finish(self) -> list[dict[str, Any]]:
        self.stop.set()
        reports = [self.results.get(timeout=120) for _ in self.processes]
        for process in self.processes:
            process.join(timeout=30)
        return reports


# -- the measurements ---------------------------------------------------------------------------


def clear(rt: Runtime) -> None:
    with rt.sessions.begin() as session:
        session.execute(delete(ReportJob))
    if rt.engine.dialect.name == "postgresql":  # dead rows of the last run would slow the next
        with rt.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE report_job"))


def queue_one(rt: Runtime, index: int) -> tuple[str, float]:
    """`create_job` in its own transaction; (id, wall time just after its commit)."""
    with rt.sessions.begin() as session:
        job = store.create_job(
            session,
            workspace_id=f"ws-{index % WORKSPACES:02d}",
            user_id="bench",
            kind="summary",
            request={"bench": index},
            cache_key=uuid.uuid4().hex,
            now=rt.now(),
        )
        job_id = job.id
    return job_id, time.time()


def done_count(rt: Runtime) -> int:
    with rt.sessions() as session:
        query = select(func.count()).select_from(ReportJob).where(ReportJob.state == "done")
        return int(session.scalar(query) or 0)


def wait_done(rt: Runtime, n: int, *, every: float, timeout: float = 600.0) -> float:
    """Poll until `n` rows are done; the wall time when this process saw it."""
    deadline = time.perf_counter() + timeout
    while done_count(rt) < n:
        if time.perf_counter() > deadline:
            raise TimeoutError(f"only {done_count(rt)} of {n} jobs done after {timeout:.0f} s")
        time.sleep(every)
    return time.perf_counter()


@dataclass(frozen=True)
class Throughput:
    """One run: `jobs` finished in `wall` seconds, and what the processes that ran them spent."""

    label: str
    shape: str
    jobs: int
    wall: float
    cpu: float
    kinds: dict[str, int]
    transactions: int
    claiming: float = 0.0  # CPU seconds of the dispatcher threads (the claims)
    lost: int = 0
    warnings: dict[str, int] = field(default_factory=dict)

    def per_job(self, value: float) -> float:
        return value / self.jobs

    @property
    def statements(self) -> int:
        return sum(self.kinds.values())


def measured(label: str, shape: str, n: int, wall: float, reports: list[Any]) -> Throughput:
    """The workers' reports added up into one row."""
    kinds: Counter[str] = Counter()
    warnings: Counter[str] = Counter()
    for r in reports:
        kinds.update(r["tally"]["kinds"])
        warnings.update(r["tally"]["warnings"])
    return Throughput(
        label,
        shape,
        n,
        wall,
        sum(r["cpu"] for r in reports),
        dict(kinds),
        sum(r["tally"]["transactions"] for r in reports),
        sum(r["claiming"] for r in reports),
        sum(r["tally"]["lost"] for r in reports),
        dict(warnings),
    )


def queue_rows(rt: Runtime, tally: Tally, n: int) -> tuple[list[str], Throughput]:
    """Queue `n` rows one transaction each; the ids and what queueing cost."""
    clear(rt)
    tally.reset()
    cpu, wall = time.process_time(), time.perf_counter()
    ids = [queue_one(rt, i)[0] for i in range(n)]
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    counted = tally.snapshot()
    label = "queueing: create_job + commit"
    return ids, Throughput(label, "1 x 1", n, wall, cpu, counted["kinds"], counted["transactions"])


def throughput(rt: Runtime, tally: Tally, url: str, n: int) -> tuple[list[Throughput], Throughput]:
    """The queue and the old pool with 1 and 2 worker processes, then the pool floor."""
    rows: list[Throughput] = []
    for label, kind, procs in (
        ("durable queue (JobRunner)", "queue", 1),
        ("durable queue (JobRunner)", "queue", 2),
        ("old in-process pool", "pool", 1),
        ("old in-process pool", "pool", 2),
    ):
        ids, queued = queue_rows(rt, tally, n)
        shards = [tuple(ids[i::procs]) for i in range(procs)] if kind == "pool" else [()] * procs
        children = Children([Worker(kind, url, shard) for shard in shards])
        children.start()
        began = time.perf_counter()
        children.go.set()
        ended = wait_done(rt, n, every=0.005)
        shape = f"{procs} x {WORKERS}"
        rows.append(measured(label, shape, n, ended - began, children.finish()))
        print(f"  {label}, {shape}: {n / (ended - began):.0f} jobs/s", flush=True)
    children = Children([Worker("floor", url, tuple(str(i) for i in range(n)))])
    children.start()
    children.go.set()
    (floor,) = children.finish()
    shape = f"1 x {WORKERS}"
    rows.append(
        Throughput("pure pool floor (no database)", shape, n, floor["wall"], floor["cpu"], {}, 0)
    )
    return rows, queued


@dataclass(frozen=True)
class Latency:
    label: str
    pickup: list[float]  # seconds, commit -> work starts
    done: list[float]  # seconds, commit -> finished_at
    note: str = ""


def finished_at(rt: Runtime, ids: list[str]) -> dict[str, datetime]:
    with rt.sessions() as session:
        rows = session.execute(
            select(ReportJob.id, ReportJob.finished_at).where(ReportJob.id.in_(ids))
        )
        return {job_id: at for job_id, at in rows if at is not None}


def latencies(
    label: str,
    rt: Runtime,
    queued: list[tuple[str, float]],
    started: dict[str, float],
    note: str = "",
) -> Latency:
    finished = finished_at(rt, [job_id for job_id, _ in queued])
    return Latency(
        label,
        [started[job_id] - at for job_id, at in queued],
        [finished[job_id].timestamp() - at for job_id, at in queued],
        note,
    )


def arrive(n: int, gap: float, seed: int) -> Iterator[int]:
    """Yield 0..n-1, sleeping an exponential gap (mean `gap` seconds) before each."""
    spacing = random.Random(seed)  # noqa: S311  # arrival times, not secrets
    for index in range(n):
        time.sleep(spacing.expovariate(1 / gap))
        yield index


def latency(rt: Runtime, url: str, n: int, gap: float) -> list[Latency]:
    results = []
    # Woken: the runner is this process's, as in a web process (start_report wakes it).
    clear(rt)
    runner = JobRunner(rt, WORKERS, perform=trivial)
    runner.wake()
    queued = []
    for index in arrive(n, gap, seed=1):
        queued.append(queue_one(rt, index))
        runner.wake()
    wait_done(rt, n, every=0.02)
    runner.shutdown(grace=5)
    results.append(latencies("durable queue, woken (web path)", rt, queued, STARTED))

    # Polling: a worker process nobody wakes; it finds jobs on its POLL_SECONDS round.
    clear(rt)
    children = Children([Worker("queue", url, idle_seconds=IDLE)])
    children.start()
    children.go.set()
    queued = [queue_one(rt, index) for index in arrive(n, gap, seed=1)]
    wait_done(rt, n, every=0.02)
    (report,) = children.finish()
    idle = report["idle"] or {"kinds": {}, "transactions": 0}
    note = (
        f"the worker idle for {IDLE:.0f} s before: {sum(idle['kinds'].values()) / IDLE:.1f} "
        f"statements/s, {idle['transactions'] / IDLE:.1f} transactions/s"
    )
    results.append(latencies("durable queue, polling worker", rt, queued, report["started"], note))

    # The old pool: insert, commit, submit to this process's threads.
    clear(rt)
    queued = []
    with ThreadPoolExecutor(WORKERS) as pool:
        for index in arrive(n, gap, seed=1):
            job = queue_one(rt, index)
            queued.append(job)
            pool.submit(old_run, rt, job[0])
    results.append(latencies("old in-process pool", rt, queued, STARTED))
    return results


# -- printing -----------------------------------------------------------------------------------


MIX = ("insert", "scan", "lock", "count", "claim", "read", "progress", "finish", "other")


def mix(kinds: dict[str, int], jobs: int) -> str:
    return " ".join(f"{k} {kinds[k] / jobs:.2f}" for k in MIX if kinds.get(k))


def print_throughput(rows: list[Throughput], queued: Throughput) -> None:
    print(
        f"\n{'throughput (rows queued before the clock)':40} {'procs x thr':>11} {'jobs/s':>7} "
        f"{'stmts/job':>9} {'txns/job':>8} {'CPU ms/job':>10} {'claiming':>8}"
    )
    for r in [*rows, queued]:
        claiming = f"{r.per_job(r.claiming) * 1000:>8.3f}" if r.claiming else f"{'':>8}"
        print(
            f"{r.label:40} {r.shape:>11} {r.jobs / r.wall:>7.0f} {r.per_job(r.statements):>9.2f} "
            f"{r.per_job(r.transactions):>8.2f} {r.per_job(r.cpu) * 1000:>10.3f} {claiming}"
        )
    print("statements per job, by role (claiming: CPU ms/job of the dispatcher threads):")
    for r in [*rows, queued]:
        if r.kinds:
            print(f"  {r.label + ', ' + r.shape:42} {mix(r.kinds, r.jobs)}")
            skipped = r.kinds.get("lock", 0) - r.kinds.get("count", 0)
            if r.lost or skipped > 0:
                print(
                    f"  {'':42} claims that matched no row: {r.lost}, workspace locks "
                    f"another claimer held (skipped): {max(skipped, 0)}"
                )
            for message, count in sorted(r.warnings.items()):
                print(f"  {'':42} runner warning x{count}: {message}")


def quantiles(values: list[float]) -> tuple[float, float, float]:
    ms = sorted(v * 1000 for v in values)
    return statistics.median(ms), statistics.quantiles(ms, n=20)[18], ms[-1]


def print_latency(rows: list[Latency], n: int, gap: float) -> None:
    print(
        f"\nlatency from the create_job commit, ms ({n} jobs, one at a time, ~{gap * 1000:.0f} ms "
        "apart)\n"
        f"{'':42} {'pickup p50':>10} {'p95':>7} {'max':>7} {'done p50':>9} {'p95':>7} {'max':>7}"
    )
    for r in rows:
        p, d = quantiles(r.pickup), quantiles(r.done)
        print(
            f"{r.label:42} {p[0]:>10.1f} {p[1]:>7.1f} {p[2]:>7.1f} {d[0]:>9.1f} {d[1]:>7.1f} "
            f"{d[2]:>7.1f}"
        )
        if r.note:
            print(f"  {r.note}")


def reading(name: str, rows: list[Throughput], lat: list[Latency]) -> str:
    """One paragraph from this run's figures: what a job pays for being durable."""
    queue, queue2, pool, _pool2, floor = rows

    def ms(r: Throughput, value: float) -> str:
        return f"{r.per_job(value) * 1000:.2f} ms"

    woken, polled, old = (statistics.median(x.done) * 1000 for x in lat)
    return (
        f"Reading ({name}): per trivial job the durable queue sends "
        f"{queue.per_job(queue.statements):.1f} statements in "
        f"{queue.per_job(queue.transactions):.1f} transactions and spends {ms(queue, queue.cpu)} "
        f"of CPU ({ms(queue, queue.claiming)} of it claiming), against "
        f"{pool.per_job(pool.statements):.1f} statements, {pool.per_job(pool.transactions):.1f} "
        f"transactions and {ms(pool, pool.cpu)} for the old pool ({ms(floor, floor.cpu)} with "
        f"no database). One worker process drains {queue.jobs / queue.wall:.0f} jobs/s, two "
        f"{queue2.jobs / queue2.wall:.0f}, where the old pool managed {pool.jobs / pool.wall:.0f}. "
        f"A woken runner has a job done {woken:.1f} ms (median) after its commit, the old pool "
        f"{old:.1f} ms, and a worker nobody wakes {polled:.0f} ms (it polls every "
        f"{POLL_SECONDS * 1000:.0f} ms). A report is seconds of Clockify requests, so these are "
        "fixed costs per job, paid once, not a share of the report's time."
    )


# -- databases ----------------------------------------------------------------------------------


@contextlib.contextmanager
def sqlite_database() -> Iterator[tuple[str, str]]:
    with tempfile.TemporaryDirectory(prefix="jobs-bench-") as tmp:
        yield f"sqlite:///{tmp}/addon.sqlite3", "SQLite (temp file, WAL)"


@contextlib.contextmanager
def postgres_database(admin_url: str) -> Iterator[tuple[str, str] | None]:
    """A throwaway database, dropped at the end; None (and a message) when none answers."""
    admin = create_engine(
        admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
    )
    try:
        with admin.connect() as connection:
            version = connection.execute(text("SHOW server_version")).scalar()
    except Exception as exc:  # no server here: the SQLite figures still stand
        print(f"\nPostgreSQL unreachable at {admin.url!r} ({type(exc).__name__}); skipped")
        admin.dispose()
        yield None
        return
    name = f"addon_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = admin.url.set(database=name).render_as_string(hide_password=False)
        yield url, f"PostgreSQL {version} (throwaway database {name})"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def bench(url: str, name: str, args: argparse.Namespace) -> None:
    print(f"\n== {name} ==", flush=True)
    upgrade(url)
    rt, tally = runtime_for(url)
    try:
        rows, queued = throughput(rt, tally, url, args.jobs)
        lat = latency(rt, url, args.latency_jobs, args.gap_ms / 1000)
    finally:
        rt.close()
    print_throughput(rows, queued)
    print_latency(lat, args.latency_jobs, args.gap_ms / 1000)
    print(f"\n{reading(name.split(' (')[0], rows, lat)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2000, help="jobs per throughput run")
    parser.add_argument("--latency-jobs", type=int, default=200)
    parser.add_argument("--gap-ms", type=float, default=25.0, help="mean time between arrivals")
    parser.add_argument("--sqlite", action="store_true", help="skip PostgreSQL")
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    args = parser.parse_args()
    began = time.monotonic()
    print(machine())
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {WORKERS} job threads per process", flush=True)
    with sqlite_database() as (url, name):
        bench(url, name, args)
    if not args.sqlite:
        with postgres_database(args.postgres) as found:
            if found is not None:
                bench(*found, args)
    print(f"\n{machine()}\nwhole bench: {time.monotonic() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
