"""`/api/reports`, `/api/jobs`, issuing, test emails: the sidebar's report tools.

Same guard as every `/api/` route (`addon.web.session.guard_api`): a sidebar session of an owner
or admin, every query filtered by the session's workspace, and a job or invoice of another
workspace answers 404 exactly like one that does not exist.

Reports never run inside the request: `POST /api/reports` validates, then either returns an
identical report built in the last `report_cache_seconds` (200, `cached: true`) or queues a job
(202) that a background thread builds (`addon.jobs`). The page polls `GET /api/jobs/<id>` for
progress and, when done, shows the stored preview and downloads any format from the stored
snapshot, from any worker. Issuing an invoice takes a draft of a finished job, under a row lock
of that job, so one draft gets one number however often the button is pressed; then, unless
the admin opted out, its time entries are marked invoiced in Clockify (`addon.services.marking`).
Issued invoices are listed and downloaded by `api_invoices`.
"""

from __future__ import annotations

import copy
import time
from datetime import datetime, timedelta
from typing import Any, ClassVar, Final
from zoneinfo import ZoneInfo

from flask import Blueprint, Flask, request
from flask.typing import ResponseReturnValue

from addon.errors import AddonError, Conflict
from addon.jobs.executor import STALE_AFTER, JobContext, JobExecutor, JobOutput
from addon.jobs.testmail import send_test_email
from addon.jobs.work import build_report
from addon.mail.compose import Recipients
from addon.render.files import invoice_file, slug, summary_file
from addon.render.i18n import Formatter
from addon.reports.snapshot import invoice_from_json, summary_from_json
from addon.runtime import Runtime, runtime
from addon.services.bodies import IssueRequest, TestEmailRequest
from addon.services.invoices import issue_draft
from addon.services.marking import mark_in_clockify, not_marked
from addon.services.report_spec import InvalidReportRequest, ReportRequest, read_request
from addon.services.schedule_spec import ReportKind, spec_of
from addon.store import jobs as store
from addon.store import schedules as schedule_store
from addon.store.models import MarkingState, ReportJob
from addon.web import api_invoices, api_workspace
from addon.web.api_schedules import MAX_ID, NotFound
from addon.web.api_workspace import current_defaults
from addon.web.downloads import file_response, requested_format
from addon.web.requests import json_object
from addon.web.session import current_session, guard_api

__all__ = ["TooManyJobs", "bp", "init_app", "job_json"]

bp = Blueprint("api_reports", __name__, url_prefix="/api")
guard_api(bp)

MAX_ACTIVE_JOBS: Final = 8
"""Queued or running jobs per workspace: a ninth waits until one finishes (429)."""


class TooManyJobs(AddonError):
    """Raise when a workspace already has `MAX_ACTIVE_JOBS` reports in progress."""

    status: ClassVar[int] = 429
    code: ClassVar[str] = "too_many_jobs"


def init_app(app: Flask) -> None:
    """Create the process's job executor, register the report APIs; called by create_app."""
    rt: Runtime = app.extensions["addon"]
    app.extensions["addon.jobs"] = JobExecutor(rt, rt.settings.report_workers)
    app.register_blueprint(bp)
    app.register_blueprint(api_invoices.bp)
    api_workspace.init_app(app)


def _executor() -> JobExecutor:
    from flask import current_app

    value = current_app.extensions["addon.jobs"]
    assert isinstance(value, JobExecutor)  # noqa: S101  # set by init_app
    return value


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _is_stale(job: ReportJob, now: datetime) -> bool:
    return job.state in store.IN_PROGRESS and job.heartbeat_at < now - STALE_AFTER


def job_json(job: ReportJob, now: datetime, *, cached: bool = False) -> dict[str, Any]:
    """A job in the API's shape (the snapshot column is not even loaded)."""
    state, error = job.state, None
    if job.error_code is not None:
        error = {"error": job.error_code, "message": job.error_message or ""}
    if _is_stale(job, now):
        state = "failed"
        error = {"error": "interrupted", "message": "The server building this stopped; run again."}
    result = None
    if job.state == store.JobState.DONE and job.result is not None:
        result = job.result
    return {
        "id": job.id,
        "kind": job.kind,
        "state": state,
        "progress": {"stage": job.stage, "entries": job.entries, "pages": job.pages},
        "error": error,
        "cached": cached,
        "request": job.request,
        "created_at": job.created_at.isoformat(),
        "finished_at": _iso(job.finished_at),
        "result": result,
    }


def _check_capacity(rt: Runtime, workspace_id: str) -> None:
    with rt.sessions() as db:
        active = store.count_active(db, workspace_id, alive_since=rt.now() - STALE_AFTER)
    if active >= MAX_ACTIVE_JOBS:
        raise TooManyJobs(
            f"{MAX_ACTIVE_JOBS} reports are already being built for this workspace; "
            "wait for one to finish."
        )


def _new_job(
    rt: Runtime, *, workspace_id: str, user_id: str, kind: str, body: dict[str, Any], key: str
) -> ReportJob:
    _check_capacity(rt, workspace_id)
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


@bp.post("/reports")
def start_report() -> ResponseReturnValue:
    """Queue a report (202), or return an identical one built moments ago (200, cached)."""
    rt, session = runtime(), current_session()
    body = json_object(request)
    defaults, version = current_defaults()
    wanted = ReportRequest.from_json(body, default_locale=defaults.locale)
    refresh = body.get("refresh", False)
    if not isinstance(refresh, bool):
        raise InvalidReportRequest("refresh", "refresh must be true or false.")
    key = wanted.cache_key(session.workspace_id, version)
    now = rt.now()
    if not refresh and rt.settings.report_cache_seconds:
        with rt.sessions() as db:
            since = now - timedelta(seconds=rt.settings.report_cache_seconds)
            found = store.find_fresh(db, session.workspace_id, key, since=since)
            if found is not None and not _is_stale(found, now):
                status = 200 if found.state == store.JobState.DONE else 202
                return job_json(found, now, cached=True), status, _location(found)
    job = _new_job(
        rt,
        workspace_id=session.workspace_id,
        user_id=session.user_id,
        kind=wanted.kind.value,
        body=wanted.to_json(),
        key=key,
    )
    workspace_id = session.workspace_id

    def work(context: JobContext) -> JobOutput:
        return build_report(context, workspace_id, wanted, defaults)

    _executor().submit(job.id, work)
    return job_json(job, now), 202, _location(job)


def _location(job: ReportJob) -> dict[str, str]:
    return {"Location": f"/api/jobs/{job.id}"}


def _job_id(raw: str) -> str:
    if len(raw) != 32 or not all(c in "0123456789abcdef" for c in raw):
        raise NotFound(f"job {raw[:40]!r} does not exist")
    return raw


def _one_job(
    rt: Runtime, workspace_id: str, job_id: str, *, with_snapshot: bool = False
) -> ReportJob:
    with rt.sessions() as db:
        job = store.get_job(db, workspace_id, _job_id(job_id), with_snapshot=with_snapshot)
        if job is None:
            raise NotFound(f"job {job_id} does not exist")
        db.expunge(job)
        return job


@bp.get("/jobs/<job_id>")
def get_job(job_id: str) -> ResponseReturnValue:
    rt, session = runtime(), current_session()
    return job_json(_one_job(rt, session.workspace_id, job_id), rt.now())


@bp.get("/jobs/<job_id>/download")
def download_job(job_id: str) -> ResponseReturnValue:
    """The finished report in one format; invoice jobs name the draft with `invoice=<key>`."""
    rt, session = runtime(), current_session()
    kind = requested_format()
    job = _one_job(rt, session.workspace_id, job_id, with_snapshot=True)
    if job.kind not in {ReportKind.SUMMARY.value, ReportKind.INVOICE.value}:
        raise NotFound(f"job {job_id} has nothing to download")
    if job.state != store.JobState.DONE or job.snapshot is None:
        raise Conflict(f"job {job_id} is {job.state}; download it when it is done")
    wanted = ReportRequest.from_json(job.request)
    fmt = Formatter(wanted.locale, wanted.durations)
    span = f"{wanted.period.start.isoformat()}-{wanted.period.end.isoformat()}"
    if job.kind == ReportKind.SUMMARY.value:
        summary = summary_from_json(job.snapshot["summary"])
        file = summary_file(
            summary,
            fmt,
            kind,
            title=fmt.label("summary"),
            stem=f"summary-{span}",
            period_label=fmt.period(wanted.period),
        )
        return file_response(file)
    invoice = invoice_from_json(_draft_snapshot(job, request.args.get("invoice", "")))
    stem = f"invoice-draft-{slug(invoice.client.name)}-{invoice.currency.lower()}-{span}"
    return file_response(invoice_file(invoice, fmt, kind, stem=stem))


def _draft(job: ReportJob, key: str) -> dict[str, Any]:
    """The draft's entry in the job's result (what the page shows of it)."""
    drafts = (job.result or {}).get("invoices") or []
    for draft in drafts:
        if draft.get("key") == key:
            assert isinstance(draft, dict)  # noqa: S101  # stored by addon.jobs.work
            return draft
    raise InvalidReportRequest("invoice", f"job {job.id} has no invoice draft {key[:80]!r}")


def _draft_snapshot(job: ReportJob, key: str) -> dict[str, Any]:
    """The draft invoice itself, as built: what downloads and issuing start from."""
    _draft(job, key)  # a 422 naming the field for an unknown key
    found = ((job.snapshot or {}).get("invoices") or {}).get(key)
    if not isinstance(found, dict):
        raise Conflict(f"job {job.id} no longer holds draft {key[:80]!r}; run the report again")
    return found


@bp.post("/invoices")
def issue() -> ResponseReturnValue:
    """Issue one draft of a finished invoice job: it gets the next number, once."""
    rt, session = runtime(), current_session()
    wanted = read_request(json_object(request), IssueRequest)
    job_id, key = wanted.job, wanted.invoice
    defaults, _ = current_defaults()
    mark = (
        wanted.mark_invoiced if isinstance(wanted.mark_invoiced, bool) else defaults.mark_invoiced
    )
    numbering = defaults.numbering()
    with rt.sessions.begin() as db:
        job = store.lock_job(db, session.workspace_id, _job_id(job_id))
        if job is None:
            raise NotFound(f"job {job_id} does not exist")
        if job.kind != ReportKind.INVOICE.value:
            raise InvalidReportRequest("job", f"job {job_id} is a {job.kind} report, not invoices")
        if job.state != store.JobState.DONE or job.result is None:
            raise Conflict(f"job {job_id} is {job.state}; issue its drafts when it is done")
        draft = _draft(job, key)
        if draft.get("issued_number"):
            raise Conflict(f"This draft was already issued as {draft['issued_number']}.")
        zone = str(job.request.get("zone", "UTC"))
        now = rt.now()
        issued = issue_draft(
            db,
            workspace_id=session.workspace_id,
            draft=invoice_from_json(_draft_snapshot(job, key)),
            numbering=numbering,
            issue_date=now.astimezone(ZoneInfo(zone)).date(),
            now=now,
            marking=MarkingState.PENDING if mark else MarkingState.OFF,
        )
        result = copy.deepcopy(job.result)
        for item in result["invoices"]:
            if item.get("key") == key:
                item["issued_number"] = issued.number
        job.result = result  # a new object, so the JSON column is written
        fmt = Formatter(str(job.request.get("locale", defaults.locale)))
    # After the commit: the number stands whatever Clockify answers (see invoice_marking).
    marking = mark_in_clockify(rt, session.workspace_id, issued.number) if mark else None
    marking = marking or not_marked(issued)
    answer = api_invoices.issued_json(issued, now, fmt, marking)
    return answer, 201, {"Location": f"/api/invoices/{answer['number']}"}


@bp.post("/schedules/<int:schedule_id>/test")
def test_email(schedule_id: int) -> ResponseReturnValue:
    """Send the schedule's email for its latest period now, to `to` (default: its recipients)."""
    rt, session = runtime(), current_session()
    to = read_request(json_object(request), TestEmailRequest).to
    with rt.sessions() as db:
        row = None
        if schedule_id <= MAX_ID:
            row = schedule_store.get_schedule(db, session.workspace_id, schedule_id)
        if row is None:
            raise NotFound(f"schedule {schedule_id} does not exist")
        spec = spec_of(row)
    recipients = spec.recipients if to is None else Recipients.parse(to)
    job = _new_job(
        rt,
        workspace_id=session.workspace_id,
        user_id=session.user_id,
        kind="test_email",
        body={"schedule_id": schedule_id, "to": list(recipients.envelope())},
        key=f"test-{schedule_id}-{time.time_ns()}"[:64],
    )
    workspace_id = session.workspace_id

    def work(context: JobContext) -> JobOutput:
        return send_test_email(context, workspace_id, spec, recipients)

    _executor().submit(job.id, work)
    return job_json(job, rt.now()), 202, _location(job)
