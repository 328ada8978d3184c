"""The rows a report is built from, fetched and reconciled once, then built as often as needed.

A report is two steps: *fetch* (Clockify's rows for a query, checked against its totals, names
filled in) and *build* (our engine's summary or drafts from those rows). Only the fetch talks to
Clockify, and its result depends on nothing but the `RowsKey`: the workspace, the query as sent
(period, zone, every filter including the invoicing state) and which rows are needed. Grouping,
week start, non-work placement, invoice terms, issue date, locale, formats and templates are
build or render inputs, so runs that differ only in those can share one fetch
(`addon.delivery.sharing`); the build then runs per report, from the same rows, exactly as if
each had fetched alone.

The fetched value carries the `ClockifyCheck` of that fetch, so every report built from it still
prints what its rows were checked against.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from addon.clockify.client import ClockifyClient
from addon.clockify.directory import ClientInfo
from addon.clockify.names import WorkspaceNames, fill_entries, fill_expenses
from addon.clockify.queries import Invoicing, ReportFilter
from addon.clockify.reconcile import as_check
from addon.reports.aggregate import build_summary
from addon.reports.detailed import DetailedCollector, DetailedReport
from addon.reports.invoice import InvoiceBatch, InvoicePlan, build_invoice, plan_invoices
from addon.reports.model import (
    ClockifyCheck,
    GroupBy,
    Invoice,
    NonWorkTime,
    Party,
    Summary,
    TimeEntry,
)
from addon.reports.periods import Weekday
from addon.reports.terms import InvoiceTerms

__all__ = [
    "EntryRows",
    "InvoiceRows",
    "Progress",
    "ReportRows",
    "Rows",
    "RowsKey",
    "build_drafts",
    "build_summary_of",
    "fetch_detailed",
    "fetch_entry_rows",
    "fetch_invoice_rows",
    "fetch_rows",
    "no_progress",
    "rows_key",
]

Progress = Callable[[str, int], None]


def no_progress(stage: str, count: int) -> None:
    """The default progress sink: nobody is watching."""


class Rows(StrEnum):
    """Which rows a report needs: the two kinds never share, since they fetch different data."""

    ENTRIES = "entries"
    """Detailed time entries (a summary)."""
    INVOICE = "invoice"
    """Uninvoiced entries and expenses, plus the workspace and its clients (drafts)."""
    DETAILED = "detailed"
    """Detailed time entries kept compact (`DetailedReport`); never a tuple of entries."""


@dataclass(frozen=True, slots=True)
class RowsKey:
    """Everything a fetch depends on: equal keys fetch equal rows (within one moment)."""

    workspace_id: str
    query: ReportFilter
    rows: Rows


def rows_key(workspace_id: str, query: ReportFilter, rows: Rows) -> RowsKey:
    """The key of `query` as it is sent: ids sorted, invoices always uninvoiced.

    Clockify reads id filters as sets, so their order is not part of the data; an invoice fetch
    asks for uninvoiced rows whatever the filter said (`fetch_rows`), so that is its key too.
    """
    canonical = replace(
        query,
        users=tuple(sorted(query.users)),
        clients=tuple(sorted(query.clients)),
        projects=tuple(sorted(query.projects)),
        tasks=tuple(sorted(query.tasks)),
        tags=tuple(sorted(query.tags)),
    )
    if rows is Rows.INVOICE:
        canonical = replace(canonical, invoicing=Invoicing.UNINVOICED)
    return RowsKey(workspace_id, canonical, rows)


@dataclass(frozen=True, slots=True)
class EntryRows:
    """A summary's rows: the period's entries, names filled in, and what they were checked by."""

    entries: tuple[TimeEntry, ...]
    check: ClockifyCheck


@dataclass(frozen=True, slots=True)
class InvoiceRows:
    """Drafts' rows, already priced and split per client and currency (terms come later).

    `bill_from` and `clients` are only read from Clockify when there is something to bill, as
    a single fetch always did: an empty period costs no workspace or client listing.
    """

    plan: InvoicePlan
    check: ClockifyCheck
    bill_from: Party | None
    clients: Mapping[str, ClientInfo]


ReportRows = EntryRows | InvoiceRows | DetailedReport


def fetch_rows(
    client: ClockifyClient, key: RowsKey, progress: Progress = no_progress
) -> ReportRows:
    """Fetch `key`'s rows through `client` (which must be `key.workspace_id`'s)."""
    if client.endpoints.workspace_id != key.workspace_id:
        raise ValueError("fetch_rows: the client is not the key's workspace")
    if key.rows is Rows.ENTRIES:
        return fetch_entry_rows(client, key.query, progress)
    if key.rows is Rows.DETAILED:
        return fetch_detailed(client, key.query, NonWorkTime.INCLUDE, progress)
    return fetch_invoice_rows(client, key.query, progress)


def fetch_entry_rows(
    client: ClockifyClient, query: ReportFilter, progress: Progress = no_progress
) -> EntryRows:
    """The period's entries with names filled in (`addon.clockify.names`), and their check."""
    progress("entries", 0)
    names = WorkspaceNames(client)
    fetched = client.detailed_checked(query, on_rows=lambda n: progress("entries", n))
    entries = tuple(fill_entries(fetched, names))
    progress("entries", len(entries))
    return EntryRows(entries, as_check(fetched.expected))


def fetch_detailed(
    client: ClockifyClient,
    query: ReportFilter,
    non_work: NonWorkTime = NonWorkTime.SEPARATE,
    progress: Progress = no_progress,
) -> DetailedReport:
    """The period's entries, names filled in, collected compactly as they arrive (so memory
    holds the compact columns, never a tuple of entries), with their check.

    A fetch shared by several schedules (`addon.delivery.sharing`) keeps every row (INCLUDE);
    each schedule then applies its own non-work choice (`addon.services.emails`).
    """
    progress("entries", 0)
    names = WorkspaceNames(client)
    fetched = client.detailed_checked(query, on_rows=lambda n: progress("entries", n))
    collector = DetailedCollector(non_work)
    for entry in fill_entries(fetched, names):
        collector.add(entry)
    report = collector.finish(as_check(fetched.expected))
    progress("entries", report.count)
    return report


def fetch_invoice_rows(
    client: ClockifyClient, query: ReportFilter, progress: Progress = no_progress
) -> InvoiceRows:
    """The period's billable, uninvoiced time and expenses, planned per client and currency.

    Clockify is asked for uninvoiced rows only, whatever the filter said: detailed rows need not
    say whether an entry is invoiced (the spec's rows have no such field), so only this filter
    keeps time marked invoiced by an earlier invoice (`addon.services.marking`) off the next one.
    Missing names and clients are filled in first (`addon.clockify.names`): expense rows never
    name their client, and without it they would not reach any invoice.
    """
    query = replace(query, invoicing=Invoicing.UNINVOICED)
    names = WorkspaceNames(client)
    progress("entries", 0)
    fetched = client.detailed_checked(query, on_rows=lambda n: progress("entries", n))
    entries = list(fill_entries(fetched, names))
    progress("expenses", 0)
    fetched_expenses = client.expenses_checked(query, on_rows=lambda n: progress("expenses", n))
    expenses = list(fill_expenses(fetched_expenses, names))
    progress("building", len(entries))
    check = as_check(fetched.expected, fetched_expenses.expected)
    plan = plan_invoices(entries, expenses, default_currency=client.currency())
    if not plan.batches:
        return InvoiceRows(plan, check, None, {})
    workspace = client.workspace()
    known = {c.id: c for c in client.clients()}
    return InvoiceRows(plan, check, Party(workspace.name), known)


def build_summary_of(
    rows: EntryRows,
    query: ReportFilter,
    groups: Sequence[GroupBy],
    *,
    week_start: Weekday,
    non_work: NonWorkTime,
) -> Summary:
    """The summary of `rows` (fetched for `query`), carrying the fetch's check."""
    summary = build_summary(
        rows.entries, groups, zone=query.zone, week_start=week_start, non_work=non_work
    )
    return replace(summary, check=rows.check)


def build_drafts(
    rows: InvoiceRows,
    query: ReportFilter,
    *,
    terms: InvoiceTerms,
    issue_date: date,
    timesheet: bool = False,
) -> tuple[Invoice, ...]:
    """One draft per batch of `rows`, numbered `DRAFT-1`, ..., each carrying the fetch's check.

    With `timesheet`, each draft also carries the entries its lines bill, for the appendix
    (`addon.render.timesheet`); they travel in the draft's snapshot, so an issued invoice
    prints the same appendix for ever. Without it drafts carry none and snapshots stay small.
    """
    if rows.bill_from is None:
        return ()
    bill_from = rows.bill_from
    return tuple(
        replace(
            build_invoice(
                batch,
                terms=terms,
                number=f"DRAFT-{index}",
                issue_date=issue_date,
                bill_from=bill_from,
                bill_to=_bill_to(batch.client.id, batch.client.name, rows.clients),
                period=query.period,
            ),
            check=rows.check,
            timesheet=_billed(batch) if timesheet else (),
        )
        for index, batch in enumerate(rows.plan.batches, start=1)
    )


def _billed(batch: InvoiceBatch) -> tuple[TimeEntry, ...]:
    return tuple(priced.entry for priced in batch.entries)


def _bill_to(client_id: str, name: str, known: Mapping[str, ClientInfo]) -> Party:
    """The client as the regular API knows it (address, email), else the report's name."""
    found = known.get(client_id)
    if found is None:
        return Party(name)
    return Party(found.name, found.address, found.email)
