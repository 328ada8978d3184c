"""The report use cases the sidebar's jobs and the scheduler run: fetch, then build.

Data flows one way: the Clockify client yields entries, the pure engine (`addon.reports`) turns
them into a `Summary` or draft `Invoice`s; a summary Clockify's own summary report can express
is built from that report instead (`fetch_summary`, one request per range window).
`progress(stage, count)` is called as entries and expenses arrive, so a background job can
tell the page how far it got; it must be cheap (the job throttles its own writes).

Every fetch is checked against Clockify's own totals window by window (`addon.clockify.client`):
a report is only built from rows that add up, and carries what it was checked against
(`ClockifyCheck`) so every format can print it. A fetch that does not add up raises
`ClockifyIncomplete` instead of building anything.

Drafts are numbered `DRAFT-1`, `DRAFT-2`, ...: a number of the gap-free sequence is only taken
when an admin issues one (`addon.services.invoices`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from typing import Protocol

from addon.clockify.client import ClockifyClient
from addon.clockify.queries import ReportFilter
from addon.clockify.reconcile import as_check
from addon.clockify.summary_plan import clockify_groups, summary_source
from addon.clockify.summary_walk import SummaryUnverifiable
from addon.observe.metrics import reconciliation_failed
from addon.render.i18n import Formatter
from addon.reports.detailed import DetailedReport
from addon.reports.from_clockify import summary_from_clockify
from addon.reports.model import (
    GroupBy,
    Invoice,
    NonWorkTime,
    Summary,
    SummarySource,
    Totals,
)
from addon.reports.periods import Weekday, load_zone
from addon.reports.terms import InvoiceTerms, PercentDiscount
from addon.runtime import Runtime
from addon.services.defaults import WorkspaceDefaults
from addon.services.installations import clockify_for
from addon.services.report_rows import (
    Progress,
    build_drafts,
    build_summary_of,
    fetch_detailed,
    fetch_entry_rows,
    fetch_invoice_rows,
    no_progress,
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

log = logging.getLogger(__name__)


class JobProgress(Protocol):
    """What a report job reports to (the runner's `JobContext`): stage, count and pages."""

    def progress(self, stage: str, count: int) -> None: ...

    def count_pages(self, counter: Callable[[], int]) -> None:
        """Read Clockify requests made so far from `counter` (the client's own count)."""


def fetch_summary(
    client: ClockifyClient,
    query: ReportFilter,
    groups: Sequence[GroupBy],
    *,
    week_start: Weekday,
    non_work: NonWorkTime = NonWorkTime.SEPARATE,
    progress: Progress = no_progress,
    source: SummarySource | None = None,
) -> Summary:
    """The period's summary: Clockify's own summary report where it can say it, else our engine.

    `summary_source` decides (`addon.clockify.summary_plan`: INCLUDE non-work time and groupings
    Clockify's summary expresses). That path costs one request per range window plus one
    totals check, and shows Clockify's figures; a window it cannot verify
    (`SummaryUnverifiable`: totals that do not match, groups that do not add up, amounts in no
    named currency) falls back to the engine path, logged, which checks every row and fails with
    `ClockifyIncomplete` if they do not add up. `source` ENGINE forces the engine path (to
    compare the two, as bench/fetch.py does); otherwise `summary_source` decides.
    """
    if (
        source is not SummarySource.ENGINE
        and summary_source(groups, query, non_work) is SummarySource.CLOCKIFY
    ):
        try:
            return _summary_from_report(client, query, groups, week_start, progress)
        except SummaryUnverifiable as exc:
            reconciliation_failed("summary")
            log.warning("clockify summary unverifiable, building it from entries: %s", exc)
    return _summary_from_entries(client, query, groups, week_start, non_work, progress)


def _summary_from_report(
    client: ClockifyClient,
    query: ReportFilter,
    groups: Sequence[GroupBy],
    week_start: Weekday,
    progress: Progress,
) -> Summary:
    """Clockify's summary report, window by window; progress counts Clockify's entries."""
    progress("entries", 0)
    checked = client.summary_checked(
        query,
        clockify_groups(groups),
        on_window=lambda so_far: progress("entries", so_far.entries or 0),
    )
    expected = checked.expected
    if not expected.amounts and expected.unlabelled:
        raise SummaryUnverifiable("Clockify's totals name no currency for their amount")
    totals = Totals(
        expected.duration,
        expected.billable_duration,
        expected.entries or 0,
        tuple(amount for amount in expected.amounts if amount.minor),
    )
    progress("building", totals.entries or 0)
    return summary_from_clockify(
        ((window.report, window.currency) for window in checked.windows),
        groups,
        zone=query.zone,
        week_start=week_start,
        totals=totals,
        billable=query.billable,
        check=as_check(expected),
    )


def _summary_from_entries(
    client: ClockifyClient,
    query: ReportFilter,
    groups: Sequence[GroupBy],
    week_start: Weekday,
    non_work: NonWorkTime,
    progress: Progress,
) -> Summary:
    """Our engine over every detailed row (exact money, every figure on every row).

    Names the rows leave out are filled in from the workspace's listings as entries stream by
    (`addon.clockify.names`); `non_work` says where breaks, holidays and time off go.
    """
    rows = fetch_entry_rows(client, query, progress)
    summary = build_summary_of(rows, query, groups, week_start=week_start, non_work=non_work)
    progress("building", summary.totals.entries or 0)
    return summary


def fetch_invoice_drafts(
    client: ClockifyClient,
    query: ReportFilter,
    *,
    terms: InvoiceTerms,
    issue_date: date,
    progress: Progress = no_progress,
    timesheet: bool = False,
) -> tuple[Invoice, ...]:
    """One draft per client and currency of the period's billable, uninvoiced time and expenses.

    The rows are uninvoiced only, whatever the filter said (`fetch_invoice_rows` says why).
    Breaks, holidays and time off are never billed (`plan_invoices`); each draft counts those
    it left out. With `timesheet` each draft carries its billed entries (the appendix).
    """
    rows = fetch_invoice_rows(client, query, progress)
    return build_drafts(rows, query, terms=terms, issue_date=issue_date, timesheet=timesheet)


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
) -> Summary | tuple[Invoice, ...] | DetailedReport:
    """Fetch and build `wanted` for `workspace_id`: a summary, one draft per client and
    currency, or the detailed report's compact rows.

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
        if wanted.kind is ReportKind.DETAILED:
            return fetch_detailed(client, query, wanted.filters.non_work_time, job.progress)
        return fetch_invoice_drafts(
            client,
            query,
            terms=invoice_terms(wanted, defaults),
            issue_date=rt.now().astimezone(load_zone(wanted.zone)).date(),
            progress=job.progress,
            timesheet=wanted.invoice.timesheet,
        )
