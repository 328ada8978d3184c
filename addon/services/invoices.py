"""Issuing invoices, and the issued ones: the use cases that join the pure engine and the store.

`issue_from_job` issues one draft of a finished invoice job: under a row lock of that job it
locks the counter, computes the next value and the number (`reports.numbering`), stores the
invoice's snapshot and advances the counter, and records the number in the job's result. Commit
makes all of it visible at once; a failure anywhere rolls all of it back, so numbers stay
unique and gap-free, and one draft gets one number however often the button is pressed. Then,
unless the admin opted out, its time entries are marked invoiced in Clockify
(`addon.services.marking`), after the commit: a number, once given, stays.

Issued invoices are read back from their snapshot only, so a listing or a download shows the
invoice exactly as issued, whatever the workspace's settings say today.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any, Final

from sqlalchemy.orm import Session

from addon.errors import Conflict, InvalidInput, NotFound
from addon.render.files import FileFormat, RenderedFile, invoice_file, slug
from addon.render.i18n import Formatter
from addon.reports.model import Invoice
from addon.reports.numbering import (
    NumberingSettings,
    client_code,
    counter_scope,
    format_invoice_number,
    next_sequence,
)
from addon.reports.periods import load_zone
from addon.reports.snapshot import invoice_from_json, invoice_to_json
from addon.runtime import Runtime
from addon.services.defaults import WorkspaceDefaults
from addon.services.marking import Marking, mark_in_clockify, marking_of, not_marked
from addon.services.previews import invoice_json
from addon.services.report_jobs import draft_of, draft_snapshot, job_id_of
from addon.services.schedule_spec import ReportKind
from addon.store import invoices as store
from addon.store import jobs as job_store
from addon.store.models import MarkingState

__all__ = [
    "MAX_INVOICES",
    "MAX_NUMBER",
    "issue_draft",
    "issue_from_job",
    "issued_file",
    "issued_invoices",
    "issued_json",
    "load_invoice",
    "mark",
]

MAX_INVOICES: Final = 500
MAX_NUMBER: Final = 128  # the column's width: a longer "number" cannot exist


def issue_draft(
    session: Session,
    *,
    workspace_id: str,
    draft: Invoice,
    numbering: NumberingSettings,
    issue_date: date,
    now: datetime,
    marking: MarkingState = MarkingState.OFF,
) -> Invoice:
    """Issue a draft the admin previewed: the same lines and totals, a number, today's dates.

    Issuing what was shown (rather than fetching again) is what makes the number the admin sees
    attached to exactly the amounts they checked. `marking` is PENDING when the caller marks the
    entries in Clockify after committing (`addon.services.marking`). The caller commits.
    """
    scope = counter_scope(numbering, issue_date, draft.client.id)
    sequence = next_sequence(numbering, store.lock_sequence(session, workspace_id, scope))
    number = format_invoice_number(numbering, sequence, issue_date, client_code(draft.client.name))
    invoice = replace(
        draft,
        number=number,
        issue_date=issue_date,
        due_date=issue_date + timedelta(days=draft.terms.due_days),
    )
    store.save_issued_invoice(
        session,
        workspace_id=workspace_id,
        number=invoice.number,
        client_id=invoice.client.id,
        currency=invoice.currency,
        issue_date=invoice.issue_date,
        total_minor=invoice.total.minor,
        snapshot=invoice_to_json(invoice),
        issued_at=now,
        clockify_state=marking,
    )
    store.set_sequence(session, workspace_id, scope, sequence)
    return invoice


def load_invoice(session: Session, workspace_id: str, number: str) -> Invoice | None:
    """The issued invoice exactly as it was issued, rebuilt from its snapshot."""
    row = store.find_issued_invoice(session, workspace_id, number)
    return None if row is None else invoice_from_json(row.snapshot)


def issued_json(
    invoice: Invoice, issued_at: datetime, fmt: Formatter, marking: Marking
) -> dict[str, Any]:
    """An issued invoice in the API's shape: a draft's fields less its key, `issued_at`, and
    where its time stands in Clockify (`clockify`)."""
    body = {k: v for k, v in invoice_json(invoice, fmt).items() if k != "key"}
    return {**body, "issued_at": issued_at.isoformat(), "clockify": marking.to_json()}


def issue_from_job(
    rt: Runtime,
    workspace_id: str,
    *,
    job_id: str,
    key: str,
    mark_invoiced: bool,
    defaults: WorkspaceDefaults,
) -> dict[str, Any]:
    """Issue draft `key` of finished invoice job `job_id`: it gets the next number, once.

    With `mark_invoiced`, its time entries are then marked invoiced in Clockify.
    """
    mark = mark_invoiced
    numbering = defaults.numbering()
    with rt.sessions.begin() as db:
        job = job_store.lock_job(db, workspace_id, job_id_of(job_id))
        if job is None:
            raise NotFound(f"job {job_id} does not exist")
        if job.kind != ReportKind.INVOICE.value:
            raise InvalidInput("job", f"job {job_id} is a {job.kind} report, not invoices")
        if job.state != job_store.JobState.DONE or job.result is None:
            raise Conflict(f"job {job_id} is {job.state}; issue its drafts when it is done")
        draft = draft_of(job, key)
        if draft.get("issued_number"):
            raise Conflict(f"This draft was already issued as {draft['issued_number']}.")
        now = rt.now()
        issued = issue_draft(
            db,
            workspace_id=workspace_id,
            draft=invoice_from_json(draft_snapshot(job, key)),
            numbering=numbering,
            issue_date=now.astimezone(load_zone(str(job.request.get("zone", "UTC")))).date(),
            now=now,
            marking=MarkingState.PENDING if mark else MarkingState.OFF,
        )
        result = copy.deepcopy(job.result)
        for item in result["invoices"]:
            if item.get("key") == key:
                item["issued_number"] = issued.number
        job.result = result  # a new object, so the JSON column is written
        fmt = Formatter(str(job.request.get("locale", defaults.locale)))
    # After the commit: the number stands whatever Clockify answers (see addon.services.marking).
    marking = mark_in_clockify(rt, workspace_id, issued.number) if mark else None
    return issued_json(issued, now, fmt, marking or not_marked(issued))


def issued_invoices(rt: Runtime, workspace_id: str, locale: str) -> list[dict[str, Any]]:
    """The workspace's issued invoices, newest first, at most `MAX_INVOICES`."""
    fmt = Formatter(locale)
    with rt.sessions() as db:
        rows = store.list_issued_invoices(db, workspace_id, MAX_INVOICES)
        items = []
        for row in rows:
            invoice = invoice_from_json(row.snapshot)
            items.append(issued_json(invoice, row.issued_at, fmt, marking_of(row, invoice)))
    return items


def issued_file(
    rt: Runtime, workspace_id: str, number: str, kind: FileFormat, locale: str
) -> RenderedFile:
    """An issued invoice in one format, rendered from its snapshot."""
    invoice = None
    if len(number) <= MAX_NUMBER:
        with rt.sessions() as db:
            invoice = load_invoice(db, workspace_id, number)
    if invoice is None:
        raise NotFound(f"invoice {number[:60]!r} does not exist")
    return invoice_file(invoice, Formatter(locale), kind, stem=slug(invoice.number))


def mark(rt: Runtime, workspace_id: str, number: str, locale: str) -> dict[str, Any]:
    """Mark the invoice's time entries invoiced in Clockify; the outcome is in `clockify`."""
    marking = None
    if len(number) <= MAX_NUMBER:
        marking = mark_in_clockify(rt, workspace_id, number)
    if marking is None:
        raise NotFound(f"invoice {number[:60]!r} does not exist")
    with rt.sessions() as db:
        row = store.find_issued_invoice(db, workspace_id, number)
        if row is None:
            raise NotFound(f"invoice {number[:60]!r} does not exist")
        invoice = invoice_from_json(row.snapshot)
        return issued_json(invoice, row.issued_at, Formatter(locale), marking)
