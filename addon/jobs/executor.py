"""Runs report jobs in background threads of the web process, so no request waits for Clockify.

The use cases (`addon.services.report_jobs`) create the job's row and hand its work here
through `Runtime.jobs`; this module only runs it, keeps its heartbeat and stores the outcome.

Why threads in the web process and not a queue service: a report is I/O-bound (Clockify pages
at most 50 requests/second per workspace), the result goes to the database where any worker or
replica can serve the poll and the download, and the deployment stays one image with no broker.
Each process runs at most `report_workers` jobs at once; more wait in the pool's queue, shown
as `queued`. A heartbeat thread touches this process's running jobs every few seconds; a job
whose heartbeat stops for `STALE_AFTER` (its process died or was redeployed) reads as failed
with a reason, so the page offers a retry instead of a spinner that never ends.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from sqlalchemy import update

from addon.errors import AddonError
from addon.reports.errors import ReportError
from addon.services.previews import JobOutput
from addon.services.reports import JobProgress
from addon.store import jobs as store
from addon.store.models import ReportJob

if TYPE_CHECKING:
    from addon.runtime import Runtime

__all__ = ["HEARTBEAT_SECONDS", "JobContext", "JobExecutor", "Work"]

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS: Final = 1.0


@dataclass(slots=True)
class JobContext:
    """What a job's work function gets: its id and a cheap progress reporter.

    `progress` only records the latest stage and count in memory, except when the stage
    changes, which is written at once so the page sees "fetching entries" become "rendering"
    without delay. The executor's heartbeat writes the latest figures every second, so a job
    blocked on a slow Clockify page still shows how far it got.
    """

    job_id: str
    runtime: Runtime
    pages: Callable[[], int] = lambda: 0
    stage: str = "queued"
    count: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count_pages(self, counter: Callable[[], int]) -> None:
        self.pages = counter

    def progress(self, stage: str, count: int) -> None:
        with self._lock:
            changed = stage != self.stage
            self.stage, self.count = stage, count
        if changed:
            self.save()

    def save(self) -> None:
        """Write the latest progress and the heartbeat."""
        with self._lock:
            stage, count = self.stage, self.count
        with self.runtime.sessions.begin() as session:
            store.record_progress(
                session,
                self.job_id,
                stage=stage,
                entries=count,
                pages=self.pages(),
                now=self.runtime.now(),
            )


Work = Callable[[JobProgress], JobOutput]


class JobExecutor:
    """A bounded pool of job threads plus one heartbeat thread, per process."""

    def __init__(self, runtime: Runtime, workers: int) -> None:
        self.runtime = runtime
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="report-job")
        self._running: dict[str, JobContext | None] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None

    def submit(self, job_id: str, work: Work) -> None:
        """Queue `work` for `job_id`; its heartbeat starts now, so a long queue is not "lost"."""
        with self._lock:
            self._running[job_id] = None
            if self._beat is None:  # started on first use: most app instances never run a job
                self._beat = threading.Thread(
                    target=self._heartbeat, name="report-heartbeat", daemon=True
                )
                self._beat.start()
        self._pool.submit(self._run, job_id, work)

    def shutdown(self, *, wait: bool = False) -> None:
        self._stop.set()
        self._pool.shutdown(wait=wait, cancel_futures=True)

    def _run(self, job_id: str, work: Work) -> None:
        context = JobContext(job_id, self.runtime)
        with self._lock:
            self._running[job_id] = context
        try:
            context.progress("starting", 0)
            output = work(context)
        except (AddonError, ReportError) as exc:  # Clockify's errors are AddonErrors
            code = getattr(exc, "code", "failed")
            self._finish(job_id, error=(str(code), str(exc) or type(exc).__name__))
        except Exception:  # a bug: log it with its traceback, tell the page only that it failed
            log.exception("report job failed", extra={"job_id": job_id})
            self._finish(job_id, error=("internal_error", "The report could not be built."))
        else:
            self._finish(job_id, output=output)
        finally:
            with self._lock:
                self._running.pop(job_id, None)

    def _finish(
        self,
        job_id: str,
        *,
        output: JobOutput | None = None,
        error: tuple[str, str] | None = None,
    ) -> None:
        with self.runtime.sessions.begin() as session:
            store.finish_job(
                session,
                job_id,
                now=self.runtime.now(),
                result=output.result if output else None,
                snapshot=output.snapshot if output else None,
                error=error,
            )

    def _heartbeat(self) -> None:
        while not self._stop.wait(HEARTBEAT_SECONDS):
            with self._lock:
                waiting = [job_id for job_id, c in self._running.items() if c is None]
                working = [c for c in self._running.values() if c is not None]
            try:
                for context in working:
                    context.save()
                if waiting:
                    with self.runtime.sessions.begin() as session:
                        session.execute(
                            update(ReportJob)
                            .where(ReportJob.id.in_(waiting))
                            .values(heartbeat_at=self.runtime.now())
                        )
            except Exception:  # a database blip must not kill the heartbeat thread
                log.warning("report heartbeat failed", exc_info=True)
