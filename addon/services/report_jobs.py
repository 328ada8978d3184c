"""Report jobs: queue what the sidebar asks for, show how far it got, hand out its files.

Reports never run inside a request: `start_report` either returns an identical report built in
the last `report_cache_seconds` (cached) or stores a queued job and wakes this process's runner
(`Runtime.wake_jobs`); whichever runner claims it, in any process, builds it with `perform`.
The page polls `job_status` and downloads any format of the finished report from its stored
snapshot (`job_file`), from any worker or replica. A test email is a job too
(`start_test_email`), because it fetches a whole report before it sends.

A job's row says everything needed to build it (the validated request; the workspace's stored
settings are read when it starts), so a job whose runner died is built again by another one,
at most `MAX_ATTEMPTS` times; a job nobody claimed within `QUEUE_TIMEOUT` (no runner is up)
fails saying so rather than waiting forever.

Every read takes the caller's workspace, so a job of another workspace is `NotFound` exactly
like one that does not exist. A workspace has at most `MAX_ACTIVE_JOBS` jobs in progress.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from addon.errors import Conflict, InvalidInput, NotFound, TooManyJobs
from addon.mail.compose import Recipients
from addon.render.files import (
    FileFormat,
    RenderedFile,
    detailed_file,
    invoice_file,
    slug,
    summary_file,
)
from addon.render.i18n import Formatter
from addon.reports.detailed import DetailedReport, detailed_from_json
from addon.reports.snapshot import invoice_from_json, summary_from_json
from addon.runtime import Runtime
from addon.services import emails, reports
from addon.services.defaults import WorkspaceDefaults
from addon.services.installations import stored_defaults
from addon.services.previews import (
    JobOutput,
    detailed_output,
    invoices_output,
    summary_output,
)
from addon.services.report_spec import ReportRequest
from addon.services.reports import JobProgress
from addon.services.schedule_spec import ReportKind
from addon.services.schedules import one_schedule
from addon.store import jobs as store
from addon.store.models import ReportJob

__all__ = [
    "MAX_ACTIVE_JOBS",
    "MAX_ATTEMPTS",
    "QUEUE_TIMEOUT",
    "Started",
    "draft_of",
    "draft_snapshot",
    "job_file",
    "job_id_of",
    "job_json",
    "job_status",
    "lease",
    "perform",
    "start_report",
    "start_test_email",
]

MAX_ACTIVE_JOBS: Final = 8
"""Queued or running jobs per workspace: a ninth waits until one finishes (429)."""
MAX_ATTEMPTS: Final = 3
"""Starts of one job whose runner died each time: a report that kills its process fails."""
QUEUE_TIMEOUT: Final = timedelta(minutes=15)
"""A job no runner claimed in this long is not built any more: nobody is waiting for it."""


@dataclass(frozen=True, slots=True)
class Started:
    """A job as the API answers it: 202 while it runs, 200 when a cached one is already done."""

    job: dict[str, Any]
    status: int

    @property
    def location(self) -> str:
        return f"/api/jobs/{self.job['id']}"


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def lease(rt: Runtime) -> store.Lease:
    """The queue's rules as of now: which jobs are alive, waiting, or orphaned."""
    now = rt.now()
    return store.Lease(
        now=now,
        alive_since=now - timedelta(seconds=rt.settings.job_lease_seconds),
        queued_since=now - QUEUE_TIMEOUT,
        max_attempts=MAX_ATTEMPTS,
    )


def _reading(job: ReportJob, rules: store.Lease) -> tuple[str, str, dict[str, str] | None]:
    """The state, stage and error a job shows: what its row means under the lease rules."""
    error = None
    if job.error_code is not None:
        error = {"error": job.error_code, "message": job.error_message or ""}
    if job.state == store.JobState.QUEUED and job.created_at < rules.queued_since:
        minutes = int(QUEUE_TIMEOUT.total_seconds() // 60)
        message = f"No worker started this report within {minutes} minutes; run it again."
        return "failed", job.stage, {"error": "not_started", "message": message}
    if job.state == store.JobState.RUNNING and job.heartbeat_at < rules.alive_since:
        if job.heartbeat_at < rules.queued_since:
            message = "The server building this stopped and no other took it over; run it again."
        elif job.attempts >= rules.max_attempts:
            message = f"The server building this stopped {job.attempts} times; run it again."
        else:  # another runner will take it over
            return "queued", "queued", None
        return "failed", job.stage, {"error": "interrupted", "message": message}
    return job.state, job.stage, error


def _usable(job: ReportJob, rules: store.Lease) -> bool:
    return _reading(job, rules)[0] != "failed"


def job_json(job: ReportJob, rules: store.Lease, *, cached: bool = False) -> dict[str, Any]:
    """A job in the API's shape (the snapshot column is not even loaded)."""
    state, stage, error = _reading(job, rules)
    result = None
    if job.state == store.JobState.DONE and job.result is not None:
        result = job.result
    return {
        "id": job.id,
        "kind": job.kind,
        "state": state,
        "progress": {"stage": stage, "entries": job.entries, "pages": job.pages},
        "error": error,
        "cached": cached,
        "request": job.request,
        "created_at": job.created_at.isoformat(),
        "finished_at": _iso(job.finished_at),
        "result": result,
    }


def _new_job(
    rt: Runtime, *, workspace_id: str, user_id: str, kind: str, body: dict[str, Any], key: str
) -> ReportJob:
    with rt.sessions() as db:
        active = store.count_active(db, workspace_id, lease(rt))
    if active >= MAX_ACTIVE_JOBS:
        raise TooManyJobs(
            f"{MAX_ACTIVE_JOBS} reports are already being built for this workspace; "
            "wait for one to finish."
        )
    with rt.sessions.begin() as db:
        cutoff = rt.now() - timedelta(seconds=rt.settings.report_keep_seconds)
        store.purge_old_jobs(db, workspace_id=workspace_id, before=cutoff)
        job = store.create_job(
            db,
            workspace_id=workspace_id,
            user_id=user_id,
            kind=kind,
            request=body,
            cache_key=key,
            now=rt.now(),
        )
        db.expunge(job)
    return job


def start_report(
    rt: Runtime,
    *,
    workspace_id: str,
    user_id: str,
    wanted: ReportRequest,
    defaults: WorkspaceDefaults,
    settings_version: str,
    refresh: bool = False,
) -> Started:
    """Queue `wanted` (202), or answer an identical report built moments ago (cached)."""
    key = wanted.cache_key(workspace_id, settings_version)
    now = rt.now()
    if not refresh and rt.settings.report_cache_seconds:
        with rt.sessions() as db:
            since = now - timedelta(seconds=rt.settings.report_cache_seconds)
            found = store.find_fresh(db, workspace_id, key, since=since)
            rules = lease(rt)
            if found is not None and _usable(found, rules):
                status = 200 if found.state == store.JobState.DONE else 202
                return Started(job_json(found, rules, cached=True), status)
    job = _new_job(
        rt,
        workspace_id=workspace_id,
        user_id=user_id,
        kind=wanted.kind.value,
        body=wanted.to_json(),
        key=key,
    )
    rt.wake_jobs()
    return Started(job_json(job, lease(rt)), 202)


def perform(rt: Runtime, job: ReportJob, context: JobProgress) -> JobOutput:
    """Build a claimed job from its row alone: what a runner in any process calls."""
    defaults = stored_defaults(rt, job.workspace_id)
    if job.kind == "test_email":
        with rt.sessions() as db:
            spec = one_schedule(db, job.workspace_id, int(job.request["schedule_id"]))[1]
        asked = job.request  # each header's list as given: Cc stays Cc and Bcc stays hidden
        recipients = Recipients.parse(asked["to"], asked.get("cc", ()), asked.get("bcc", ()))
        sent = emails.send_test(rt, context, job.workspace_id, spec, recipients, defaults, job.id)
        return JobOutput(sent)
    if job.kind not in set(ReportKind):
        raise ValueError(f"job {job.id} has an unknown kind {job.kind[:20]!r}")
    wanted = ReportRequest.from_json(job.request)
    return _build(rt, context, job.workspace_id, wanted, defaults)


def _build(
    rt: Runtime,
    context: JobProgress,
    workspace_id: str,
    wanted: ReportRequest,
    defaults: WorkspaceDefaults,
) -> JobOutput:
    fmt = Formatter(wanted.locale, wanted.durations)
    built = reports.build(rt, workspace_id, wanted, defaults, context)
    if isinstance(built, tuple):
        context.progress("rendering", len(built))
        return invoices_output(built, wanted, fmt)
    if isinstance(built, DetailedReport):
        context.progress("rendering", built.count)
        return detailed_output(built, wanted, fmt)
    context.progress("rendering", built.totals.entries or 0)
    return summary_output(built, wanted, fmt)


def job_id_of(raw: str) -> str:
    """A job id as the store writes them (32 hex digits); anything else cannot exist."""
    if len(raw) != 32 or not all(c in "0123456789abcdef" for c in raw):
        raise NotFound(f"job {raw[:40]!r} does not exist")
    return raw


def _one_job(
    rt: Runtime, workspace_id: str, job_id: str, *, with_snapshot: bool = False
) -> ReportJob:
    with rt.sessions() as db:
        job = store.get_job(db, workspace_id, job_id_of(job_id), with_snapshot=with_snapshot)
        if job is None:
            raise NotFound(f"job {job_id} does not exist")
        db.expunge(job)
        return job


def job_status(rt: Runtime, workspace_id: str, job_id: str) -> dict[str, Any]:
    """The job as the page polls it: state, progress, then the result or the error.

    A job still waiting wakes this process's runner: in the embedded set-up, the poll of a job
    whose process died is what starts the runner that takes it over.
    """
    shown = job_json(_one_job(rt, workspace_id, job_id), lease(rt))
    if shown["state"] == store.JobState.QUEUED:
        rt.wake_jobs()
    return shown


def draft_of(job: ReportJob, key: str) -> dict[str, Any]:
    """The draft's entry in the job's result (what the page shows of it); 422 if unknown."""
    drafts = (job.result or {}).get("invoices") or []
    for draft in drafts:
        if draft.get("key") == key:
            assert isinstance(draft, dict)  # noqa: S101  # stored by addon.services.previews
            return draft
    raise InvalidInput("invoice", f"job {job.id} has no invoice draft {key[:80]!r}")


def draft_snapshot(job: ReportJob, key: str) -> dict[str, Any]:
    """The draft invoice itself, as built: what downloads and issuing start from."""
    draft_of(job, key)  # a 422 naming the field for an unknown key
    found = ((job.snapshot or {}).get("invoices") or {}).get(key)
    if not isinstance(found, dict):
        raise Conflict(f"job {job.id} no longer holds draft {key[:80]!r}; run the report again")
    return found


def job_file(
    rt: Runtime, workspace_id: str, job_id: str, kind: FileFormat, *, draft: str = ""
) -> RenderedFile:
    """The finished report in one format; an invoice job names the draft by its key."""
    job = _one_job(rt, workspace_id, job_id, with_snapshot=True)
    if job.kind not in set(ReportKind):
        raise NotFound(f"job {job_id} has nothing to download")
    if job.state != store.JobState.DONE or job.snapshot is None:
        raise Conflict(f"job {job_id} is {job.state}; download it when it is done")
    wanted = ReportRequest.from_json(job.request)
    fmt = Formatter(wanted.locale, wanted.durations)
    span = f"{wanted.period.start.isoformat()}-{wanted.period.end.isoformat()}"
    if job.kind == ReportKind.SUMMARY.value:
        return summary_file(
            summary_from_json(job.snapshot["summary"]),
            fmt,
            kind,
            title=fmt.label("summary"),
            stem=f"summary-{span}",
            period_label=fmt.period(wanted.period),
        )
    if job.kind == ReportKind.DETAILED.value:
        return detailed_file(
            detailed_from_json(job.snapshot["detailed"]),
            fmt,
            kind,
            title=fmt.label("detailed_report"),
            stem=f"detailed-{span}",
            zone=wanted.zone,
            period_label=fmt.period(wanted.period),
        )
    invoice = invoice_from_json(draft_snapshot(job, draft))
    stem = f"invoice-draft-{slug(invoice.client.name)}-{invoice.currency.lower()}-{span}"
    return invoice_file(invoice, fmt, kind, stem=stem)


def start_test_email(
    rt: Runtime,
    *,
    workspace_id: str,
    user_id: str,
    schedule_id: int,
    to: Sequence[str] | None,
) -> Started:
    """Queue the schedule's email for its latest period, to `to` (default: its recipients)."""
    with rt.sessions() as db:
        spec = one_schedule(db, workspace_id, schedule_id)[1]
    recipients = spec.recipients if to is None else Recipients.parse(to)
    job = _new_job(
        rt,
        workspace_id=workspace_id,
        user_id=user_id,
        kind="test_email",
        body={
            "schedule_id": schedule_id,
            "to": list(recipients.to),
            "cc": list(recipients.cc),
            "bcc": list(recipients.bcc),
        },
        key=f"test-{schedule_id}-{uuid.uuid4().hex}"[:64],
    )
    rt.wake_jobs()
    return Started(job_json(job, lease(rt)), 202)
