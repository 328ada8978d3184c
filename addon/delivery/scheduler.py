"""APScheduler 3 as a clock only: every `scheduler_tick_seconds` it calls `runner.tick` (and
retries invoice markings left pending, `invoice_marking.retry_stale_markings`).

The job store is in memory and private to this process (APScheduler's rule: job stores are
never shared); what is due lives in our tables. Any number of scheduler processes may run,
one per replica or one per gunicorn worker with `scheduler_in_web`: claims keep each email
exactly once. `max_instances=1` and `coalesce=True` stop a slow tick from overlapping the next.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import uuid
from collections.abc import Callable
from types import FrameType

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from addon.clockify.retry import RetryPolicy
from addon.delivery.runner import Sender, tick
from addon.observe.metrics import scheduler_ticked
from addon.observe.server import serve_metrics_if_configured
from addon.runtime import Runtime
from addon.services.backlog import count_backlog
from addon.services.marking import retry_stale_markings

__all__ = [
    "SWEEP_RETRY",
    "add_tick_job",
    "owner_id",
    "run_forever",
    "run_once",
    "start_in_background",
]

log = logging.getLogger(__name__)

SWEEP_RETRY = RetryPolicy(deadline=5.0)
"""Per marking in the sweep: a stale one is tried again in `RETRY_AFTER` anyway."""


def owner_id() -> str:
    """This process's lease owner: `host:pid:random`, unique even across a reused pid."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def run_once(runtime: Runtime, sender: Sender, owner: str) -> None:
    """One tick: due emails first, then invoice markings left pending.

    In that order, and the sweep with a short retry deadline, because a Clockify outage is
    exactly when markings pile up: it must not hold the emails back. Each half is a process
    edge: a failure is logged and the next tick tries again.
    """
    try:
        report = tick(runtime, now=runtime.now(), owner=owner, sender=sender)
    except Exception:
        log.exception("scheduler tick failed")
    else:
        scheduler_ticked(runtime.clock())
        if report.sent or report.failed or report.skipped or report.retrying:
            log.debug(  # each delivery logged its own line; this sums them up
                "scheduler tick",
                extra={
                    "sent": len(report.sent),
                    "failed": len(report.failed),
                    "skipped": len(report.skipped),
                    "retrying": len(report.retrying),
                },
            )
    try:
        retried = retry_stale_markings(runtime, now=runtime.now(), retry=SWEEP_RETRY)
    except Exception:
        log.exception("retrying invoice markings failed")
    else:
        if retried:
            log.info("invoice markings retried", extra={"invoices": retried})


def _job(runtime: Runtime, sender: Sender, owner: str) -> Callable[[], None]:
    return lambda: run_once(runtime, sender, owner)


def add_tick_job(scheduler: BaseScheduler, runtime: Runtime, sender: Sender, owner: str) -> None:
    scheduler.add_job(
        _job(runtime, sender, owner),
        IntervalTrigger(seconds=runtime.settings.scheduler_tick_seconds),
        id="delivery-tick",
        name="delivery tick",  # what a log line names, rather than `_job.<locals>.<lambda>`
        max_instances=1,
        coalesce=True,
        replace_existing=True,
    )


def run_forever(runtime: Runtime, sender: Sender) -> None:
    """Tick until SIGTERM or SIGINT (`python -m addon scheduler`); an interrupted run is safe.

    Metrics go to `ADDON_METRICS_DIR` and, with `ADDON_METRICS_BIND`, to a `/metrics` of its own.
    """
    metrics = serve_metrics_if_configured(runtime.settings, backlog=lambda: count_backlog(runtime))
    owner = owner_id()
    scheduler = BlockingScheduler(timezone="UTC")
    add_tick_job(scheduler, runtime, sender, owner)

    def stop(signum: int, _frame: FrameType | None) -> None:
        if scheduler.running:  # a second signal may come while we stop (`timeout`, a pod)
            log.info("scheduler stopping", extra={"signal": signum})
            scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("scheduler started", extra={"owner": owner})
    try:
        scheduler.start()
    finally:
        if metrics is not None:
            metrics.stop()


def start_in_background(runtime: Runtime, sender: Sender) -> BackgroundScheduler:
    """The same tick in a daemon thread of a web worker (`scheduler_in_web`)."""
    scheduler = BackgroundScheduler(timezone="UTC", daemon=True)
    add_tick_job(scheduler, runtime, sender, owner_id())
    scheduler.start()
    return scheduler
