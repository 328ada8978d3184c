"""`tick`: send every scheduled email that is due, exactly once across all scheduler processes.

The database is the scheduler of record; a tick is idempotent and safe to run anywhere, any
number of times at once. For each runnable schedule (not paused, ACTIVE installation whose token
works) it lists the occurrences due since `last_due` (`missed_occurrences`), claims each
`(schedule, due)` under the unique row (`claim_run`), and delivers the runs it claimed, plus
claims of crashed processes whose lease expired (`take_over_expired`). Each step commits before
the next, so the claim is visible before the email leaves.

Message-ID `<run id.schedule id.due@domain>` is derived from the claim, so every retry and every
takeover of a run sends the same one. The one window no design closes is a process killed after
the SMTP server accepted the message and before our commit: the run stays `claimed`, its lease
expires, and another process sends it **again with the same Message-ID**. That is our rule: a
taken-over run is re-sent, and receivers (and our tests) de-duplicate by Message-ID.

Runs of one workspace that need the same Clockify rows (same query, same kind of rows) fetch
them once per tick (`sharing.SharedRows`, keyed and bounded as it says), in the order
`planning.TickPlan` gives; each run still claims first, then builds and sends on its own.

Missed runs after downtime follow `Settings.missed_runs`: SEND sends each once, oldest first;
SKIP records all but the latest as `skipped` and sends only the latest.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from addon.clockify.errors import ClockifyError, ClockifyRateLimited, ClockifyUnavailable
from addon.clockify.retry import RetryPolicy
from addon.delivery.mailing import MailRetry, Sender, message_id_for
from addon.delivery.planning import TickPlan, last_handled, period_of, split_batch
from addon.delivery.sharing import SharedRows
from addon.errors import AddonError
from addon.logs import log_context
from addon.mail.compose import compose, sender_address
from addon.mail.smtp import PermanentMailError, TransientMailError
from addon.observe.metrics import delivery_finished
from addon.reports.errors import ReportError
from addon.reports.periods import DateRange
from addon.runtime import Runtime
from addon.schedules import (
    Occurrence,
    missed_occurrences,
)
from addon.services.emails import Content, render_content, rows_needed
from addon.services.installations import clockify_for, stored_defaults
from addon.services.report_rows import fetch_rows
from addon.services.schedule_spec import ScheduleSpec, spec_of
from addon.store import runs as run_store
from addon.store import schedules as store
from addon.store.models import DeliveryRun, DeliveryState, Schedule

__all__ = ["MAX_ATTEMPTS", "MailRetry", "Sender", "TickReport", "message_id_for", "tick"]

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
"""Claims (first try, takeovers) a run gets for transient failures before it is marked failed."""

MAX_DEFERRALS = 24
"""Claims a run gets while Clockify keeps answering 429: a FREE workspace's hourly quota defers
a run by the wait Clockify names (a day of hourly windows in all), rather than failing it after
three quick tries; a report larger than the quota ever allows still fails, saying so."""

DEFER_FLOOR = timedelta(minutes=1)
DEFER_CAP = timedelta(hours=2)


@dataclass(slots=True)
class TickReport:
    """What one tick did, for logs and tests."""

    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    deferred: list[int] = field(default_factory=list)
    fetches: int = field(default=0, compare=False)
    shared: int = field(default=0, compare=False)


def tick(
    runtime: Runtime,
    *,
    now: datetime,
    owner: str,
    sender: Sender,
    retry: MailRetry | None = None,
    clockify_retry: RetryPolicy | None = None,
    share: bool = True,
) -> TickReport:
    """Claim and deliver every due run; one schedule's failure never stops the others.

    Runs of one workspace that need the same Clockify rows fetch them once (`SharedRows`);
    `share=False` fetches per run, as before (the bench's comparison).
    """
    shared = SharedRows(keep=share)
    plan = TickPlan(shared, runtime.settings.missed_runs, now)
    mail_retry = retry or MailRetry()
    job = _Tick(runtime, now, owner, sender, mail_retry, TickReport(), plan, clockify_retry)
    with runtime.sessions() as session:
        schedules = list(store.due_schedules(session))
    for schedule in plan.order(schedules):
        try:
            job.schedule(schedule)
        except Exception:  # the scheduler job is a process edge: log, go on with the next
            log.exception("scheduled delivery failed", extra={"schedule_id": schedule.id})
        finally:
            plan.forget(schedule.id)
    with runtime.sessions() as session:
        expired = run_store.runs_of(session, run_store.expired_runs(session, job.clock()))
    for run_id, key in plan.order_takeovers(expired):
        try:
            job.take_over(run_id)
        except Exception:  # the scheduler job is a process edge: log, go on with the next
            log.exception("taken-over delivery failed", extra={"run_id": run_id})
        finally:
            plan.release(key)
    job.report.fetches, job.report.shared = shared.fetches, shared.shared
    return job.report


@dataclass(slots=True)
class _Tick:
    runtime: Runtime
    now: datetime
    owner: str
    sender: Sender
    retry: MailRetry
    report: TickReport
    plan: TickPlan
    clockify_retry: RetryPolicy | None = None
    started: float = field(init=False)

    def __post_init__(self) -> None:
        self.started = self.runtime.clock()

    def clock(self) -> datetime:
        """`now` plus the time this tick has run so far.

        A lease must start at its claim, not at the tick's start: a tick that runs longer than
        the lease (many schedules, slow reports, SMTP retries) would otherwise make claims that
        have already expired, and another process would take them over while we still send.
        """
        return self.now + timedelta(seconds=self.runtime.clock() - self.started)

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.runtime.settings.delivery_lease_seconds)

    def schedule(self, schedule: Schedule) -> None:
        spec = spec_of(schedule)
        last = last_handled(schedule, spec)
        while True:
            batch = missed_occurrences(spec.cadence, last, self.now)
            if not batch.occurrences:
                return
            skipped, sending = split_batch(batch, self.runtime.settings.missed_runs)
            self._skip(schedule, spec, skipped)
            for occurrence in sending:
                self._claim_and_deliver(schedule, spec, occurrence)
            if not batch.more:
                return
            last = batch.occurrences[-1].due

    def _claim_and_deliver(self, schedule: Schedule, spec: ScheduleSpec, occ: Occurrence) -> None:
        """Claim the run, then deliver it; its planned count is given back either way."""
        key = self.plan.take(schedule.id, occ.due)
        try:
            run = self._claim(schedule, spec, occ)
            if run is not None:
                self._deliver(schedule, spec, run)
        finally:
            self.plan.release(key)

    def _skip(
        self, schedule: Schedule, spec: ScheduleSpec, occurrences: tuple[Occurrence, ...]
    ) -> None:
        if not occurrences:
            return
        with self.runtime.sessions.begin() as session:
            for occurrence in occurrences:
                due = occurrence.due
                run_store.record_skipped(session, schedule, due, period_of(spec, due), self.clock())
            run_store.advance_last_due(session, schedule.id, occurrences[-1].due)
        for _ in occurrences:
            delivery_finished("skipped")
        log.info(
            "missed deliveries skipped",
            extra={"schedule_id": schedule.id, "skipped": len(occurrences)},
        )

    def _claim(
        self, schedule: Schedule, spec: ScheduleSpec, occurrence: Occurrence
    ) -> DeliveryRun | None:
        due = occurrence.due
        with self.runtime.sessions.begin() as session:
            run = run_store.claim_run(
                session,
                schedule,
                due,
                period_of(spec, due),
                self.owner,
                self.clock(),
                self.lease,
            )
            run_store.advance_last_due(session, schedule.id, due)
        return run

    def take_over(self, run_id: int) -> None:
        with self.runtime.sessions.begin() as session:
            run = run_store.take_over_expired(session, run_id, self.owner, self.clock(), self.lease)
            schedule = session.get(Schedule, run.schedule_id) if run is not None else None
        if run is None or schedule is None:
            return
        log.info("took over an expired claim", extra={"run_id": run.id, "attempts": run.attempts})
        self._deliver(schedule, spec_of(schedule), run)

    def _finish(
        self,
        run: DeliveryRun,
        state: DeliveryState,
        *,
        message_id: str | None = None,
        error: str | None = None,
    ) -> None:
        with self.runtime.sessions.begin() as session:
            run_store.finish_run(
                session,
                run.id,
                self.owner,
                state,
                now=self.clock(),
                message_id=message_id,
                error=error,
            )
        bucket = {
            DeliveryState.SENT: self.report.sent,
            DeliveryState.FAILED: self.report.failed,
            DeliveryState.SKIPPED: self.report.skipped,
        }[state]
        bucket.append(run.id)
        delivery_finished(state.value)
        level = logging.WARNING if state is DeliveryState.FAILED else logging.INFO
        log.log(level, "scheduled delivery %s", state.value, extra={"reason": _code(error)})

    def _deliver(self, schedule: Schedule, spec: ScheduleSpec, run: DeliveryRun) -> None:
        """Deliver one claimed run; every log line on the way names it."""
        with log_context(
            workspace_id=schedule.workspace_id, schedule_id=schedule.id, run_id=run.id
        ):
            self._build_and_send(schedule, spec, run)

    def _build_and_send(self, schedule: Schedule, spec: ScheduleSpec, run: DeliveryRun) -> None:
        """Fetch (or share) the run's rows, build and send; the key comes from the claimed run
        itself, so rows fetched for any other query can never reach it."""
        period = DateRange(run.period_start, run.period_end)
        try:
            defaults = stored_defaults(self.runtime, schedule.workspace_id)
            key = rows_needed(schedule.workspace_id, spec, period)
            with clockify_for(
                self.runtime, schedule.workspace_id, retry=self.clockify_retry
            ) as client:
                rows = self.plan.shared.rows(key, lambda: fetch_rows(client, key))
            content = render_content(rows, spec, period, run.due, defaults)
        except ClockifyRateLimited as exc:  # a quota: wait as long as Clockify asks
            self._defer(run, exc)
            return
        except ClockifyUnavailable as exc:  # Clockify is down or busy: retry after the lease
            self._give_up_for_now(run, f"{exc.code}: {exc}")
            return
        except ClockifyError as exc:
            self._finish(run, DeliveryState.FAILED, error=f"{exc.code}: {exc}")
            return
        except (AddonError, ReportError) as exc:  # inactive/removed meanwhile, unusable data
            self._finish(run, DeliveryState.FAILED, error=f"{exc.code}: {exc}")
            return
        if content.empty and spec.skip_when_empty:
            self._finish(run, DeliveryState.SKIPPED, error="nothing to report (skip when empty)")
            return
        self._send(spec, run, content)

    def _send(self, spec: ScheduleSpec, run: DeliveryRun, content: Content) -> None:
        settings = self.runtime.settings
        envelope_from = sender_address(settings.mail_from)
        message_id = message_id_for(run, envelope_from.rpartition("@")[2])
        message = compose(
            sender=settings.mail_from,
            recipients=spec.recipients,
            subject=content.subject,
            html=content.html,
            text=content.text,
            attachments=content.attachments,
            message_id=message_id,
            date=self.runtime.now(),
        )
        delays = self.retry.delays(settings.delivery_lease_seconds)
        while True:
            try:
                self.sender.send(
                    message,
                    envelope_from=envelope_from,
                    recipients=spec.recipients.envelope(),
                )
            except PermanentMailError as exc:
                self._finish(run, DeliveryState.FAILED, error=f"smtp_rejected: {exc}")
                return
            except TransientMailError as exc:
                delay = next(delays, None)
                if delay is not None:
                    self.retry.sleep(delay)
                    continue
                self._give_up_for_now(run, f"smtp_unavailable: {exc}")
                return
            self._finish(run, DeliveryState.SENT, message_id=message_id)
            return

    def _defer(self, run: DeliveryRun, exc: ClockifyRateLimited) -> None:
        """Leave the run claimed until Clockify's named wait is over; nobody retries sooner."""
        error = f"{exc.code}: {exc}"
        if run.attempts >= MAX_DEFERRALS:
            self._finish(run, DeliveryState.FAILED, error=error)
            return
        wait = timedelta(seconds=exc.retry_after or 0)
        until = self.clock() + min(max(wait, DEFER_FLOOR), DEFER_CAP)
        with self.runtime.sessions.begin() as session:
            run_store.defer_run(session, run.id, self.owner, until, error)
        delivery_finished("deferred")
        log.info("scheduled delivery deferred", extra={"until": until})
        self.report.deferred.append(run.id)

    def _give_up_for_now(self, run: DeliveryRun, error: str) -> None:
        """Keep the claim so a later tick retries it once the lease expires, up to a limit."""
        if run.attempts >= MAX_ATTEMPTS:
            self._finish(run, DeliveryState.FAILED, error=error)
            return
        with self.runtime.sessions.begin() as session:
            run_store.note_attempt(session, run.id, self.owner, error)
        delivery_finished("retrying")
        log.info("scheduled delivery retried later", extra={"reason": _code(error)})
        self.report.retrying.append(run.id)


def _code(error: str | None) -> str | None:
    """The code part of a run's error (`smtp_rejected: 550 ...`): a server's words may name a
    recipient, which a log line must not; the delivery log in the sidebar shows them."""
    return None if error is None else error.partition(":")[0]
