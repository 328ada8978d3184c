"""`/api/invoices`: issued invoices, their downloads, and marking their time in Clockify.

Issuing itself starts from a report job's draft (`api_reports.issue`). Everything here reads
the issued snapshot (`addon.services.invoices`), so a listing or a download shows the invoice
exactly as issued. `POST /api/invoices/<number>/mark` (re)marks its time entries as invoiced in
Clockify: after a failure, after the admin chose not to at issue time, or for invoices issued
before marking existed. It answers 200 whether Clockify took it or not: the invoice exists
either way, and `clockify.state` (`marked` or `failed` with `clockify.error`) says what happened.
"""

from __future__ import annotations

from flask import Blueprint
from flask.typing import ResponseReturnValue

from addon.services import invoices
from addon.web import runtime
from addon.web.api_workspace import current_defaults
from addon.web.downloads import file_response, requested_format
from addon.web.session import current_session, guard_api

__all__ = ["bp"]

bp = Blueprint("api_invoices", __name__, url_prefix="/api")
guard_api(bp)


def _locale() -> str:
    return current_defaults()[0].locale


@bp.get("/invoices")
def list_invoices() -> ResponseReturnValue:
    items = invoices.issued_invoices(runtime(), current_session().workspace_id, _locale())
    return {"invoices": items}


@bp.get("/invoices/<path:number>/download")
def download_invoice(number: str) -> ResponseReturnValue:
    kind = requested_format()
    file = invoices.issued_file(runtime(), current_session().workspace_id, number, kind, _locale())
    return file_response(file)


@bp.post("/invoices/<path:number>/mark")
def mark_invoice(number: str) -> ResponseReturnValue:
    """Mark the invoice's time entries invoiced in Clockify; the outcome is in `clockify`."""
    return invoices.mark(runtime(), current_session().workspace_id, number, _locale())
