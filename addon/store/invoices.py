"""Invoice counters and issued invoices; functions over the caller's Session, never committing.

The counter is advanced under a row lock (`FOR UPDATE` on PostgreSQL; SQLite has one writer at
a time) inside the transaction that also stores the invoice. That is what makes numbers unique
and gap-free with any number of workers: a second issuer waits for the first to commit, and a
rolled-back issue never consumed its number.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from addon.store.db import dialect_insert, rowcount
from addon.store.models import InvoiceSequence, IssuedInvoice, MarkingState

__all__ = [
    "claim_marking",
    "find_issued_invoice",
    "list_issued_invoices",
    "lock_sequence",
    "record_marking",
    "save_issued_invoice",
    "set_sequence",
    "stale_markings",
]


def lock_sequence(session: Session, workspace_id: str, scope_key: str) -> int | None:
    """Lock the counter row (creating it when new) and return its last value, None if unused."""
    session.execute(
        dialect_insert(session)(InvoiceSequence)
        .values(workspace_id=workspace_id, scope_key=scope_key, last_value=0)
        .on_conflict_do_nothing(index_elements=["workspace_id", "scope_key"])
    )
    last = session.scalars(
        select(InvoiceSequence.last_value)
        .where(InvoiceSequence.workspace_id == workspace_id)
        .where(InvoiceSequence.scope_key == scope_key)
        .with_for_update()
    ).one()
    return None if last == 0 else last


def set_sequence(session: Session, workspace_id: str, scope_key: str, value: int) -> None:
    row = session.get(InvoiceSequence, (workspace_id, scope_key), with_for_update=True)
    if row is None:
        raise LookupError("lock_sequence must run first in this transaction")
    row.last_value = value
    session.flush()


def save_issued_invoice(
    session: Session,
    *,
    workspace_id: str,
    number: str,
    client_id: str,
    currency: str,
    issue_date: date,
    total_minor: int,
    snapshot: dict[str, Any],
    issued_at: datetime,
    clockify_state: MarkingState = MarkingState.OFF,
) -> IssuedInvoice:
    row = IssuedInvoice(
        workspace_id=workspace_id,
        number=number,
        client_id=client_id,
        currency=currency,
        issue_date=issue_date,
        total_minor=total_minor,
        snapshot=snapshot,
        issued_at=issued_at,
        clockify_state=clockify_state.value,
    )
    session.add(row)
    session.flush()
    return row


def record_marking(
    row: IssuedInvoice, state: MarkingState, *, error: str | None, at: datetime
) -> None:
    """Write how marking in Clockify went (`at`: this attempt; also `marked_at` on success)."""
    row.clockify_state = state.value
    row.clockify_error = None if error is None else error[:500]
    row.clockify_marked_at = at if state is MarkingState.MARKED else None
    row.clockify_attempted_at = at


def stale_markings(
    session: Session, *, before: datetime, limit: int
) -> list[tuple[str, str, datetime | None]]:
    """(workspace, number, attempted at) of PENDING markings last attempted before `before`."""
    rows = session.execute(
        select(
            IssuedInvoice.workspace_id, IssuedInvoice.number, IssuedInvoice.clockify_attempted_at
        )
        .where(IssuedInvoice.clockify_state == MarkingState.PENDING.value)
        .where(
            (IssuedInvoice.clockify_attempted_at.is_(None))
            | (IssuedInvoice.clockify_attempted_at < before)
        )
        .order_by(IssuedInvoice.clockify_attempted_at, IssuedInvoice.id)
        .limit(limit)
    )
    return [(r[0], r[1], r[2]) for r in rows]


def claim_marking(
    session: Session, workspace_id: str, number: str, *, seen: datetime | None, now: datetime
) -> bool:
    """Take the next attempt of a PENDING marking, if no other process took it since `seen`.

    A compare-and-set on the attempt time: of several schedulers that saw the same stale row,
    exactly one updates it.
    """
    attempted = IssuedInvoice.clockify_attempted_at
    result = session.execute(
        update(IssuedInvoice)
        .where(IssuedInvoice.workspace_id == workspace_id)
        .where(IssuedInvoice.number == number)
        .where(IssuedInvoice.clockify_state == MarkingState.PENDING.value)
        .where(attempted.is_(None) if seen is None else attempted == seen)
        .values(clockify_attempted_at=now)
    )
    return rowcount(result) == 1


def find_issued_invoice(session: Session, workspace_id: str, number: str) -> IssuedInvoice | None:
    return session.scalars(
        select(IssuedInvoice)
        .where(IssuedInvoice.workspace_id == workspace_id)
        .where(IssuedInvoice.number == number)
    ).one_or_none()


def list_issued_invoices(session: Session, workspace_id: str, limit: int) -> list[IssuedInvoice]:
    """The workspace's issued invoices, newest first."""
    return list(
        session.scalars(
            select(IssuedInvoice)
            .where(IssuedInvoice.workspace_id == workspace_id)
            .order_by(IssuedInvoice.issued_at.desc(), IssuedInvoice.id.desc())
            .limit(limit)
        )
    )
