"""Runs report jobs in background threads of the web process, so no request waits for Clockify.

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
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Final

from sqlalchemy import update

from addon.clockify.errors import ClockifyError
from addon.errors import AddonError
from addon.reports.errors import ReportError
from addon.runtime import Runtime
from addon.store import jobs as store
from addon.store.models import ReportJob

__all__ = ["HEARTBEAT_SECONDS", "STALE_AFTER", "JobContext", "JobExecutor", "Work"]

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS: Final = 5.0
STALE_AFTER: Final = timedelta(seconds=60)
_PROGRESS_EVERY: Final = 0.4  # seconds between progress writes: the page polls about twice a second


@dataclass(slots=True)
class JobContext:
    """What a job's work function gets: its id and a throttled progress reporter."""

    job_id: str
    runtime: Runtime
    pages: Callable[[], int] = lambda: 0
    _last: float = field(default=0.0)

    def progress(self, stage: str, count: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < _PROGRESS_EVERY:
            return
        self._last = now
        with self.runtime.sessions.begin() as session:
            store.record_progress(
                session,
                self.job_id,
                stage=stage,
                entries=count,
                pages=self.pages(),
                now=self.runtime.now(),
            )


Work = Callable[[JobContext], dict[str, Any]]


class JobExecutor:
    """A bounded pool of job threads plus one heartbeat thread, per process."""

    def __init__(self, runtime: Runtime, workers: int) -> None:
        self.runtime = runtime
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="report-job")
        self._running: set[str] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None

    def submit(self, job_id: str, work: Work) -> None:
        """Queue `work` for `job_id`; its heartbeat starts now, so a long queue is not "lost"."""
        with self._lock:
            self._running.add(job_id)
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
        try:
            context.progress("starting", 0, force=True)
            result = work(context)
        except (AddonError, ClockifyError, ReportError) as exc:
            code = getattr(exc, "code", "failed")
            self._finish(job_id, error=(str(code), str(exc) or type(exc).__name__))
        except Exception:  # a bug: log it with its traceback, tell the page only that it failed
            log.exception("report job failed", extra={"job_id": job_id})
            self._finish(job_id, error=("internal_error", "The report could not be built."))
        else:
            self._finish(job_id, result=result)
        finally:
            with self._lock:
                self._running.discard(job_id)

    def _finish(
        self,
        job_id: str,
        *,
        result: dict[str, Any] | None = None,
        error: tuple[str, str] | None = None,
    ) -> None:
        with self.runtime.sessions.begin() as session:
            store.finish_job(session, job_id, now=self.runtime.now(), result=result, error=error)

    def _heartbeat(self) -> None:
        while not self._stop.wait(HEARTBEAT_SECONDS):
            with self._lock:
                running = list(self._running)
            if not running:
                continue
            try:
                with self.runtime.sessions.begin() as session:
                    session.execute(
                        update(ReportJob)
                        .where(ReportJob.id.in_(running))
                        .values(heartbeat_at=self.runtime.now())
                    )
            except Exception:  # a database blip must not kill the heartbeat thread
                log.warning("report heartbeat failed", exc_info=True)
