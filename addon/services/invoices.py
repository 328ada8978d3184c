"""Issuing invoices: the use case that joins the pure engine and the store.

`issue_invoice` runs inside the caller's transaction: it locks the counter, computes the next
value and the number (`reports.numbering`), builds the frozen invoice (`reports.invoice`),
stores its snapshot and advances the counter. Commit makes all of it visible at once; a failure
anywhere rolls all of it back, so numbers stay unique and gap-free.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from addon.reports.invoice import InvoiceBatch, build_invoice
from addon.reports.model import Invoice, Party
from addon.reports.numbering import (
    NumberingSettings,
    client_code,
    counter_scope,
    format_invoice_number,
    next_sequence,
)
from addon.reports.periods import DateRange
from addon.reports.snapshot import invoice_from_json, invoice_to_json
from addon.reports.terms import InvoiceTerms
from addon.store import invoices as store
from addon.store.models import MarkingState

__all__ = ["issue_draft", "issue_invoice", "load_invoice"]


def issue_invoice(
    session: Session,
    *,
    workspace_id: str,
    batch: InvoiceBatch,
    terms: InvoiceTerms,
    numbering: NumberingSettings,
    issue_date: date,
    bill_from: Party,
    bill_to: Party,
    now: datetime,
    period: DateRange | None = None,
) -> Invoice:
    """Number, build and store one invoice; the caller commits."""
    draft = build_invoice(
        batch,
        terms=terms,
        number="DRAFT",
        issue_date=issue_date,
        bill_from=bill_from,
        bill_to=bill_to,
        period=period,
    )
    return issue_draft(
        session,
        workspace_id=workspace_id,
        draft=draft,
        numbering=numbering,
        issue_date=issue_date,
        now=now,
    )


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
