"""`/api/invoices`: issued invoices, their downloads, and marking their time in Clockify.

Issuing itself starts from a report job's draft and lives with the jobs (`api_reports.issue`).
Everything here reads the issued snapshot, so a listing or a download shows the invoice exactly
as issued. `POST /api/invoices/<number>/mark` (re)marks its time entries as invoiced in Clockify
(`addon.services.marking`): after a failure, after the admin chose not to at issue time, or for
invoices issued before marking existed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from flask import Blueprint
from flask.typing import ResponseReturnValue

from addon.jobs.work import invoice_json
from addon.render.files import invoice_file, slug
from addon.render.i18n import Formatter
from addon.reports.model import Invoice
from addon.reports.snapshot import invoice_from_json
from addon.runtime import runtime
from addon.services.invoices import load_invoice
from addon.services.marking import Marking, mark_in_clockify, marking_of
from addon.store import invoices as invoice_store
from addon.web.api_schedules import NotFound
from addon.web.api_workspace import current_defaults
from addon.web.downloads import file_response, requested_format
from addon.web.session import current_session, guard_api

__all__ = ["MAX_INVOICES", "bp", "issued_json"]

bp = Blueprint("api_invoices", __name__, url_prefix="/api")
guard_api(bp)

MAX_INVOICES: Final = 500
MAX_NUMBER: Final = 128  # the column's width: a longer "number" cannot exist


def issued_json(
    invoice: Invoice, issued_at: datetime, fmt: Formatter, marking: Marking
) -> dict[str, Any]:
    """An issued invoice in the API's shape: a draft's fields less its key, `issued_at`, and
    where its time stands in Clockify (`clockify`)."""
    body = {k: v for k, v in invoice_json(invoice, fmt).items() if k != "key"}
    return {**body, "issued_at": issued_at.isoformat(), "clockify": marking.to_json()}


def _formatter() -> Formatter:
    return Formatter(current_defaults()[0].locale)


@bp.get("/invoices")
def list_invoices() -> ResponseReturnValue:
    rt, session = runtime(), current_session()
    fmt = _formatter()
    with rt.sessions() as db:
        rows = invoice_store.list_issued_invoices(db, session.workspace_id, MAX_INVOICES)
        items = []
        for row in rows:
            invoice = invoice_from_json(row.snapshot)
            items.append(issued_json(invoice, row.issued_at, fmt, marking_of(row, invoice)))
    return {"invoices": items}


@bp.get("/invoices/<path:number>/download")
def download_invoice(number: str) -> ResponseReturnValue:
    rt, session = runtime(), current_session()
    kind = requested_format()
    with rt.sessions() as db:
        invoice = load_invoice(db, session.workspace_id, number[:MAX_NUMBER])
    if invoice is None:
        raise NotFound(f"invoice {number[:60]!r} does not exist")
    return file_response(invoice_file(invoice, _formatter(), kind, stem=slug(invoice.number)))


@bp.post("/invoices/<path:number>/mark")
def mark_invoice(number: str) -> ResponseReturnValue:
    """Mark the invoice's time entries invoiced in Clockify; the outcome is in `clockify`.

    200 whether Clockify took it or not: the invoice exists either way, and `clockify.state`
    (`marked` or `failed` with `clockify.error`) says what happened.
    """
    rt, session = runtime(), current_session()
    marking = None
    if len(number) <= MAX_NUMBER:
        marking = mark_in_clockify(rt, session.workspace_id, number)
    if marking is None:
        raise NotFound(f"invoice {number[:60]!r} does not exist")
    with rt.sessions() as db:
        row = invoice_store.find_issued_invoice(db, session.workspace_id, number)
        if row is None:
            raise NotFound(f"invoice {number[:60]!r} does not exist")
        invoice = invoice_from_json(row.snapshot)
        return issued_json(invoice, row.issued_at, _formatter(), marking)
