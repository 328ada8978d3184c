"""`/api/reports`, `/api/jobs`, issuing, test emails: the sidebar's report tools.

Same guard as every `/api/` route (`addon.web.session.guard_api`): a sidebar session of an owner
or admin, and every use case takes the session's workspace, so a job or invoice of another
workspace answers 404 exactly like one that does not exist.

Reports never run inside the request (`addon.services.report_jobs`): `POST /api/reports`
validates, then answers an identical report built moments ago (200, `cached: true`) or a queued
job (202) that the page polls at `GET /api/jobs/<id>` and downloads from when it is done.
Issuing a draft (`POST /api/invoices`) is `addon.services.invoices.issue_from_job`.
"""

from __future__ import annotations

from flask import Blueprint, Flask, request
from flask.typing import ResponseReturnValue

from addon.services import invoices, report_jobs
from addon.services.bodies import IssueRequest, TestEmailRequest
from addon.services.report_jobs import Started
from addon.services.report_spec import ReportRequest, read_request
from addon.web import api_einvoices, api_invoices, api_workspace, runtime
from addon.web.api_workspace import current_defaults
from addon.web.downloads import file_response, requested_format
from addon.web.requests import json_object
from addon.web.session import current_session, guard_api

__all__ = ["bp", "init_app"]

bp = Blueprint("api_reports", __name__, url_prefix="/api")
guard_api(bp)


def init_app(app: Flask) -> None:
    """Register the report APIs; called by create_app."""
    app.register_blueprint(bp)
    app.register_blueprint(api_invoices.bp)
    app.register_blueprint(api_einvoices.bp)
    api_workspace.init_app(app)


def _answer(started: Started) -> ResponseReturnValue:
    return started.job, started.status, {"Location": started.location}


@bp.post("/reports")
def start_report() -> ResponseReturnValue:
    """Queue a report (202), or return an identical one built moments ago (200, cached)."""
    session, body = current_session(), json_object(request)
    defaults, version = current_defaults()
    wanted = ReportRequest.from_json(body, default_locale=defaults.locale)
    refresh = body.get("refresh") is True  # its type was checked by ReportRequest.from_json
    started = report_jobs.start_report(
        runtime(),
        workspace_id=session.workspace_id,
        user_id=session.user_id,
        wanted=wanted,
        defaults=defaults,
        settings_version=version,
        refresh=refresh,
    )
    return _answer(started)


@bp.get("/jobs/<job_id>")
def get_job(job_id: str) -> ResponseReturnValue:
    return report_jobs.job_status(runtime(), current_session().workspace_id, job_id)


@bp.get("/jobs/<job_id>/download")
def download_job(job_id: str) -> ResponseReturnValue:
    """The finished report in one format; invoice jobs name the draft with `invoice=<key>`."""
    kind, draft = requested_format(), request.args.get("invoice", "")
    file = report_jobs.job_file(
        runtime(), current_session().workspace_id, job_id, kind, draft=draft
    )
    return file_response(file)


@bp.post("/invoices")
def issue() -> ResponseReturnValue:
    """Issue one draft of a finished invoice job: it gets the next number, once."""
    session = current_session()
    wanted = read_request(json_object(request), IssueRequest)
    defaults = current_defaults()[0]
    mark = wanted.mark_invoiced
    issued = invoices.issue_from_job(
        runtime(),
        session.workspace_id,
        job_id=wanted.job,
        key=wanted.invoice,
        mark_invoiced=mark if isinstance(mark, bool) else defaults.mark_invoiced,
        defaults=defaults,
    )
    return issued, 201, {"Location": f"/api/invoices/{issued['number']}"}


@bp.post("/schedules/<int:schedule_id>/test")
def test_email(schedule_id: int) -> ResponseReturnValue:
    """Send the schedule's email for its latest period now, to `to` (default: its recipients)."""
    session = current_session()
    to = read_request(json_object(request), TestEmailRequest).to
    started = report_jobs.start_test_email(
        runtime(),
        workspace_id=session.workspace_id,
        user_id=session.user_id,
        schedule_id=schedule_id,
        to=to,
    )
    return _answer(started)
