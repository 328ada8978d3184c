"""The report use cases the sidebar's jobs and the scheduler run: fetch, then build with the engine.

Data flows one way: the Clockify client yields entries, the pure engine (`addon.reports`) turns
them into a `Summary` or draft `Invoice`s. `progress(stage, count)` is called as entries and
expenses arrive, so a background job can tell the page how far it got; it must be cheap (the
job throttles its own writes).

Every fetch is checked against Clockify's own totals window by window (`addon.clockify.client`):
a report is only built from rows that add up, and carries what it was checked against
(`ClockifyCheck`) so every format can print it. A fetch that does not add up raises
`ClockifyIncomplete` instead of building anything.

Drafts are numbered `DRAFT-1`, `DRAFT-2`, ...: a number of the gap-free sequence is only taken
when an admin issues one (`addon.services.invoices`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from typing import Protocol

from addon.clockify.client import ClockifyClient
from addon.clockify.queries import ReportFilter
from addon.render.i18n import Formatter
from addon.reports.model import GroupBy, Invoice, NonWorkTime, Summary
from addon.reports.periods import Weekday, load_zone
from addon.reports.terms import InvoiceTerms, PercentDiscount
from addon.runtime import Runtime
from addon.services.defaults import WorkspaceDefaults
from addon.services.installations import clockify_for
from addon.services.report_rows import (
    build_drafts,
    build_summary_of,
    fetch_entry_rows,
    fetch_invoice_rows,
)
from addon.services.report_spec import ReportRequest
from addon.services.schedule_spec import ReportKind

__all__ = [
    "JobProgress",
    "Progress",
    "build",
    "fetch_invoice_drafts",
    "fetch_summary",
    "invoice_terms",
]

Progress = Callable[[str, int], None]


class JobProgress(Protocol):
    """What a report job reports to (the executor's `JobContext`): stage, count and pages."""

    def progress(self, stage: str, count: int) -> None: ...

    def count_pages(self, counter: Callable[[], int]) -> None:
        """Read Clockify requests made so far from `counter` (the client's own count)."""


def _ignore(stage: str, count: int) -> None:
    """The default progress sink: nobody is watching."""


def fetch_summary(
    client: ClockifyClient,
    query: ReportFilter,
    groups: Sequence[GroupBy],
    *,
    week_start: Weekday,
    non_work: NonWorkTime = NonWorkTime.SEPARATE,
    progress: Progress = _ignore,
) -> Summary:
    """The period's summary, built by our engine from the detailed report (exact money).

    Names the rows leave out are filled in from the workspace's listings as entries stream by
    (`addon.clockify.names`); `non_work` says where breaks, holidays and time off go.
    """
    rows = fetch_entry_rows(client, query, progress)
    summary = build_summary_of(rows, query, groups, week_start=week_start, non_work=non_work)
    progress("building", summary.totals.entries)
    return summary


def fetch_invoice_drafts(
    client: ClockifyClient,
    query: ReportFilter,
    *,
    terms: InvoiceTerms,
    issue_date: date,
    progress: Progress = _ignore,
) -> tuple[Invoice, ...]:
    """One draft per client and currency of the period's billable, uninvoiced time and expenses.

    The rows are uninvoiced only, whatever the filter said (`fetch_invoice_rows` says why).
    Breaks, holidays and time off are never billed (`plan_invoices`); each draft counts those
    it left out.
    """
    rows = fetch_invoice_rows(client, query, progress)
    return build_drafts(rows, query, terms=terms, issue_date=issue_date)


def invoice_terms(request: ReportRequest, defaults: WorkspaceDefaults) -> InvoiceTerms:
    """The sidebar's choices over the workspace's invoice settings, in the report's language."""
    options = request.invoice
    discount = options.discount_percent
    fmt = Formatter(request.locale)
    return replace(
        defaults.invoice_terms(zone=request.zone, fmt=fmt),
        grouping=options.grouping or defaults.grouping,
        discount=PercentDiscount(discount) if discount else None,
        taxes=defaults.taxes(
            options.tax_percent, options.second_tax_percent, name=fmt.label("tax")
        ),
        due_days=defaults.due_days if options.due_days is None else options.due_days,
        notes=options.notes,
    )


def build(
    rt: Runtime,
    workspace_id: str,
    wanted: ReportRequest,
    defaults: WorkspaceDefaults,
    job: JobProgress,
) -> Summary | tuple[Invoice, ...]:
    """Fetch and build `wanted` for `workspace_id`: a summary, or one draft per client and currency.

    Drafts are dated today in the report's zone, by the runtime's clock. Raises Clockify's and
    the engine's errors; `job` sees progress as rows arrive and counts Clockify requests.
    """
    query = wanted.filters.query(wanted.period, wanted.zone)
    with clockify_for(rt, workspace_id) as client:
        job.count_pages(lambda: client.transport.stats.requests)
        if wanted.kind is ReportKind.SUMMARY:
            return fetch_summary(
                client,
                query,
                wanted.groups,
                week_start=wanted.week_start,
                non_work=wanted.filters.non_work_time,
                progress=job.progress,
            )
        return fetch_invoice_drafts(
            client,
            query,
            terms=invoice_terms(wanted, defaults),
            issue_date=rt.now().astimezone(load_zone(wanted.zone)).date(),
            progress=job.progress,
        )
