"""Marking an issued invoice's time entries as invoiced in Clockify, so they are billed once.

Without it, the next invoice run (which prices only entries Clockify reports as not invoiced)
would bill the same hours again. Marking runs after the issuing transaction committed: a number,
once given, stays (numbers are gap-free, and Clockify being unreachable must not undo an invoice
the admin has seen). The ids come from the invoice's snapshot, so what is marked is exactly what
was billed. PENDING is stored before the first call and stays when Clockify is unavailable, so
a process that dies half-way or an outage leaves a visible "not finished" that every scheduler
tick retries after `RETRY_AFTER` (`retry_stale_markings`); and since setting the flag is
idempotent, every state but MARKED can also simply be marked again by hand.

Expenses on an invoice are not marked: Clockify documents no endpoint for it (unconfirmed). Their
count is reported so the admin knows to mark them in Clockify.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from addon.clockify.client import MarkResult
from addon.clockify.errors import ClockifyUnavailable
from addon.clockify.retry import RetryPolicy
from addon.errors import AddonError
from addon.logs import log_context
from addon.observe.metrics import invoice_marked
from addon.reports.model import Invoice
from addon.reports.snapshot import invoice_from_json
from addon.runtime import Runtime
from addon.services.installations import clockify_for
from addon.store import invoices as store
from addon.store.models import IssuedInvoice, MarkingState

__all__ = [
    "MARK_RETRY",
    "RETRY_AFTER",
    "Marking",
    "MarkingState",
    "mark_in_clockify",
    "marking_of",
    "not_marked",
    "retry_stale_markings",
]

log = logging.getLogger(__name__)

# Issuing marks inside the web request: wait out a short Clockify hiccup, not a long outage (the
# marking stays PENDING and the scheduler tries again).
MARK_RETRY = RetryPolicy(deadline=15.0)
RETRY_AFTER = timedelta(minutes=5)
"""How long a PENDING marking waits before a scheduler tries it again."""


@dataclass(frozen=True, slots=True)
class Marking:
    """Where an issued invoice stands in Clockify, as the API shows it."""

    state: MarkingState
    error: str | None
    marked_at: datetime | None
    entries: int
    expenses: int

    def to_json(self) -> dict[str, object]:
        return {
            "state": self.state.value,
            "error": self.error,
            "marked_at": None if self.marked_at is None else self.marked_at.isoformat(),
            "entries": self.entries,
            "expenses": self.expenses,
        }


def _ids(invoice: Invoice) -> tuple[list[str], int]:
    entries = list(dict.fromkeys(e for line in invoice.lines for e in line.entry_ids))
    expenses = len({e for line in invoice.lines for e in line.expense_ids})
    return entries, expenses


def not_marked(invoice: Invoice) -> Marking:
    """The marking of an invoice issued without marking its time (the admin opted out)."""
    entries, expenses = _ids(invoice)
    return Marking(MarkingState.OFF, None, None, len(entries), expenses)


def marking_of(row: IssuedInvoice, invoice: Invoice) -> Marking:
    """The stored marking of `row`, whose snapshot decoded is `invoice`."""
    entries, expenses = _ids(invoice)
    return Marking(
        state=MarkingState(row.clockify_state),
        error=row.clockify_error,
        marked_at=row.clockify_marked_at,
        entries=len(entries),
        expenses=expenses,
    )


def _partly(result: MarkResult) -> str:
    count, (_, reason) = len(result.refused), result.refused[0]
    done = result.sent - count
    return (
        f"Clockify refused {count} of {result.sent} time entries ({reason}); "
        f"the other {done} are marked."
    )


def mark_in_clockify(
    runtime: Runtime, workspace_id: str, number: str, *, retry: RetryPolicy = MARK_RETRY
) -> Marking | None:
    """Mark the invoice's entries invoiced in Clockify and store the outcome; None if unknown."""
    with runtime.sessions.begin() as session:
        row = store.find_issued_invoice(session, workspace_id, number)
        if row is None:
            return None
        store.record_marking(row, MarkingState.PENDING, error=None, at=runtime.now())
    return _attempt(runtime, workspace_id, number, retry)


def retry_stale_markings(
    runtime: Runtime,
    *,
    now: datetime,
    after: timedelta = RETRY_AFTER,
    limit: int = 20,
    retry: RetryPolicy = MARK_RETRY,
) -> list[str]:
    """Try again the PENDING markings last attempted more than `after` ago; their numbers.

    Run by every scheduler tick. A marking stays PENDING when its process died or Clockify was
    unavailable, and its entries would be billed again by the next invoice run, so nobody has
    to notice and press the button. Several schedulers may run: each attempt is claimed first
    (`store.claim_marking`), so one process makes it.
    """
    with runtime.sessions() as session:
        stale = store.stale_markings(session, before=now - after, limit=limit)
    done = []
    for workspace_id, number, seen in stale:
        with runtime.sessions.begin() as session:
            if not store.claim_marking(session, workspace_id, number, seen=seen, now=now):
                continue
        _attempt(runtime, workspace_id, number, retry)
        done.append(number)
    return done


def _attempt(
    runtime: Runtime, workspace_id: str, number: str, retry: RetryPolicy
) -> Marking | None:
    """One marking attempt of an invoice already recorded PENDING; stores and returns the outcome.

    Clockify being unavailable leaves it PENDING (the scheduler tries again after `RETRY_AFTER`);
    a refusal, a revoked installation or refused entries make it FAILED. Each attempt is one
    log line and one count in `addon_invoice_markings_total`.
    """
    with log_context(workspace_id=workspace_id, invoice=number):
        with runtime.sessions() as session:
            row = store.find_issued_invoice(session, workspace_id, number)
            if row is None:
                return None
            entries, _ = _ids(invoice_from_json(row.snapshot))
        state, error = _mark(runtime, workspace_id, entries, retry)
        invoice_marked(state.value)
        if error is None:
            log.info("invoice marked invoiced in Clockify", extra={"entries": len(entries)})
        else:
            log.warning("marking invoiced not done", extra={"state": state.value, "reason": error})
        with runtime.sessions.begin() as session:
            row = store.find_issued_invoice(session, workspace_id, number)
            if row is None:  # the workspace was uninstalled meanwhile: nothing left to record
                return None
            store.record_marking(row, state, error=error, at=runtime.now())
            return marking_of(row, invoice_from_json(row.snapshot))


def _mark(
    runtime: Runtime, workspace_id: str, entries: list[str], retry: RetryPolicy
) -> tuple[MarkingState, str | None]:
    """Ask Clockify to mark `entries`: the state to store, and the reason when not MARKED."""
    if not entries:
        return MarkingState.MARKED, None
    try:
        with clockify_for(runtime, workspace_id, retry=retry) as client:
            result = client.mark_invoiced(entries)
    except ClockifyUnavailable as exc:
        return MarkingState.PENDING, f"{exc} It is tried again automatically."
    except AddonError as exc:  # Clockify's refusals, or an inactive or revoked install
        return MarkingState.FAILED, str(exc)
    if result.refused:
        return MarkingState.FAILED, _partly(result)
    return MarkingState.MARKED, None
