"""Runs report jobs claimed from the database: in `python -m addon worker` processes, and in
threads of web processes unless `ADDON_WEB_JOBS` is off.

The use cases (`addon.services.report_jobs`) only store a queued row and call `wake`; any
process running a `JobRunner` may claim it (`addon.store.jobs.claim_next`), so a report outlives
the web process that took the request. Each runner has one dispatcher thread that claims while
it has a free slot (`report_workers` per process) and then sleeps until woken or `POLL_SECONDS`
pass (a job another process queued waits that long once the queue is drained), one daemon
thread per claimed job, and one heartbeat thread that writes their progress every `beat`
seconds. The heartbeat is the lease: a job whose heartbeat stops for
`job_lease_seconds` (its process was killed) is claimed again by another runner and built from
the start; a runner whose heartbeat finds the job taken (it stalled past its lease) stops
building it, and its late result is refused by the store, so a job's result is written once.

Why the database and not a broker: the deployment stays one image plus PostgreSQL (SQLite
embedded); a report is seconds of Clockify I/O, so a claim per job costs nothing that matters
(`bench/jobs.py` measures it against the old in-process pool).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from addon.errors import AddonError
from addon.logs import log_context
from addon.observe.metrics import job_finished
from addon.reports.errors import ReportError
from addon.services import report_jobs
from addon.services.previews import JobOutput
from addon.store import jobs as store
from addon.store.models import ReportJob

if TYPE_CHECKING:
    from addon.runtime import Runtime

__all__ = ["POLL_SECONDS", "JobContext", "JobRunner", "LeaseLost", "Perform", "runner_id"]

log = logging.getLogger(__name__)

POLL_SECONDS: Final = 0.5
"""How often an idle runner looks for work another process queued (its own are instant)."""


def runner_id() -> str:
    """This runner's lease owner: `host:pid:random`, unique even across a reused pid."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


class LeaseLost(Exception):  # a signal to stop, not an error to report
    """Another runner took this job over (this one stalled past its lease): stop building it."""


@dataclass(slots=True)
class JobContext:
    """What a job's work gets: a cheap progress reporter that also knows if its lease is lost.

    `progress` records the latest stage and count in memory, and writes at once only when the
    stage changes, so the page sees "fetching entries" become "rendering" without delay; the
    heartbeat writes the latest figures every beat, so a job blocked on a slow Clockify page
    still shows how far it got.
    """

    job_id: str
    owner: str
    runtime: Runtime
    pages: Callable[[], int] = lambda: 0
    stage: str = "starting"
    count: int = 0
    lost: bool = False
    finishing: bool = False  # set before the result is written: a failed heartbeat then is ours
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count_pages(self, counter: Callable[[], int]) -> None:
        self.pages = counter

    def progress(self, stage: str, count: int) -> None:
        if self.lost:
            raise LeaseLost(self.job_id)
        with self._lock:
            changed = stage != self.stage
            self.stage, self.count = stage, count
        if changed:
            self.save()

    def save(self) -> None:
        """Write the latest progress and the heartbeat; note it if the job is no longer ours."""
        with self._lock:
            stage, count = self.stage, self.count
        with self.runtime.sessions.begin() as session:
            held = store.record_progress(
                session,
                self.job_id,
                owner=self.owner,
                stage=stage,
                entries=count,
                pages=self.pages(),
                now=self.runtime.now(),
            )
        if not held and not self.lost and not self.finishing:
            self.lost = True
            log.warning("report job taken over by another runner", extra={"job_id": self.job_id})


Perform = Callable[["Runtime", ReportJob, JobContext], JobOutput]
"""Builds one claimed job: `report_jobs.perform` in production."""


class JobRunner:
    """One process's dispatcher, build pool and heartbeat; threads start on first `wake`.

    `perform` builds each claimed job. Only `bench/jobs.py` passes another one (a trivial
    job), so that it times the queue itself (claim, lease, heartbeat, finish) rather than
    Clockify; everything around the call is the production path.
    """

    def __init__(
        self, runtime: Runtime, workers: int, *, perform: Perform = report_jobs.perform
    ) -> None:
        self.runtime = runtime
        self.perform = perform
        self.owner = runner_id()
        self.workers = workers
        self._running: dict[str, JobContext] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()  # no more claims
        self._halt = threading.Event()  # no more heartbeats: the process is leaving
        self._threads: list[threading.Thread] = []
        self.beat = min(1.0, runtime.settings.job_lease_seconds / 5)

    @property
    def running(self) -> list[str]:
        with self._lock:
            return list(self._running)

    def wake(self) -> None:
        """There may be work: start the threads if needed and look for it now."""
        with self._lock:
            if not self._threads and not self._stop.is_set():
                for target, name in ((self._dispatch, "report-dispatch"), (self._heartbeat, "")):
                    thread = threading.Thread(
                        target=target, name=name or "report-heartbeat", daemon=True
                    )
                    thread.start()
                    self._threads.append(thread)
        self._wake.set()

    def shutdown(self, *, grace: float = 0.0) -> None:
        """Stop claiming; give running jobs `grace` seconds, then hand the rest back.

        Handed-back jobs are queued again at once (not after a lease), so a deploy delays a
        report by its restart, not by `job_lease_seconds`. The dispatcher is joined first, so
        no claim lands after the running jobs were counted.
        """
        self._stop.set()
        self._wake.set()
        with self._lock:
            threads = list(self._threads)
        for thread in threads[:1]:  # the dispatcher
            thread.join(timeout=10)
        deadline = time.monotonic() + grace
        while self.running and time.monotonic() < deadline:
            time.sleep(0.05)
        left = self.running
        if left:
            try:
                with self.runtime.sessions.begin() as session:
                    count = store.release_jobs(session, self.owner, left)
                log.info("report jobs handed back", extra={"jobs": count, "owner": self.owner})
            except Exception:  # the database is gone too: the lease will expire instead
                log.warning("could not hand back report jobs", exc_info=True)
            for context in self._contexts(left):
                context.lost = True
        self._halt.set()
        for thread in threads[1:]:  # the heartbeat: its session ends before the pool goes
            thread.join(timeout=10)

    def _contexts(self, job_ids: list[str]) -> list[JobContext]:
        with self._lock:
            return [self._running[i] for i in job_ids if i in self._running]

    def _dispatch(self) -> None:
        failures = 0
        while not self._stop.is_set():
            claimed = None
            if len(self.running) < self.workers:
                try:
                    claimed = self._claim()
                    failures = 0
                except Exception:  # the database is down: back off, say so once per outage
                    failures += 1
                    log.warning("claiming a report job failed", exc_info=failures == 1)
                    self._stop.wait(min(30.0, POLL_SECONDS * 2**failures))
            if claimed is not None:
                continue  # there may be more: claim until the slots or the queue run out
            self._wake.wait(POLL_SECONDS)
            self._wake.clear()

    def _claim(self) -> ReportJob | None:
        rt = self.runtime
        with rt.sessions.begin() as session:
            job = store.claim_next(
                session,
                owner=self.owner,
                lease=report_jobs.lease(rt),
                per_workspace=rt.settings.jobs_per_workspace,
            )
            if job is None:
                return None
            session.expunge(job)
        context = JobContext(job.id, self.owner, rt)
        with self._lock:
            self._running[job.id] = context
        # A daemon thread, not a pool's: a stopping worker hands its jobs back and exits
        # rather than waiting at interpreter exit for builds it no longer owns.
        threading.Thread(
            target=self._run, args=(job, context), name=f"report-job-{job.id[:8]}", daemon=True
        ).start()
        return job

    def _run(self, job: ReportJob, context: JobContext) -> None:
        with log_context(workspace_id=job.workspace_id, job_id=job.id):
            try:
                self._build(job, context)
            finally:
                with self._lock:
                    self._running.pop(job.id, None)
                self._wake.set()  # a slot is free

    def _build(self, job: ReportJob, context: JobContext) -> None:
        log.info("report job started", extra={"kind": job.kind, "attempt": job.attempts})
        started = time.monotonic()
        try:
            output = self.perform(self.runtime, job, context)
        except LeaseLost:
            log.info("report job abandoned: another runner holds it", extra={"kind": job.kind})
            job_finished(job.kind, "interrupted", time.monotonic() - started)
        except (AddonError, ReportError) as exc:  # Clockify's errors are AddonErrors
            code = str(getattr(exc, "code", "failed"))
            self._finish(job, context, started, error=(code, str(exc) or type(exc).__name__))
        except Exception:  # a bug: log it with its traceback, tell the page only that it failed
            log.exception("report job failed", extra={"kind": job.kind})
            error = ("internal_error", "The report could not be built.")
            self._finish(job, context, started, error=error)
        else:
            self._finish(job, context, started, output=output)

    def _finish(
        self,
        job: ReportJob,
        context: JobContext,
        started: float,
        *,
        output: JobOutput | None = None,
        error: tuple[str, str] | None = None,
    ) -> None:
        if context.lost:
            return
        context.finishing = True
        with self.runtime.sessions.begin() as session:
            stored = store.finish_job(
                session,
                job.id,
                owner=self.owner,
                now=self.runtime.now(),
                result=output.result if output else None,
                snapshot=output.snapshot if output else None,
                error=error,
            )
        seconds = time.monotonic() - started
        state = "failed" if error else "done"
        extra = {"kind": job.kind, "state": state, "seconds": round(seconds, 3)}
        if error:
            extra["error"] = error[0]
        if stored:
            job_finished(job.kind, state, seconds)
            log.info("report job finished", extra=extra)
        else:
            job_finished(job.kind, "interrupted", seconds)
            log.warning("report job result dropped: another runner holds it", extra=extra)

    def _heartbeat(self) -> None:
        while not self._halt.wait(self.beat):
            with self._lock:
                working = list(self._running.values())
            for context in working:
                try:
                    context.save()
                except Exception:  # a database blip must not kill the heartbeat thread
                    log.warning("report heartbeat failed", exc_info=True)
