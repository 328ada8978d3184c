"""Which summaries Clockify's own summary report can answer, and what to ask it for (pure).

A summary takes one of two paths (`SummarySource`). The summary-report path costs one request
per range window plus one totals check, however many entries the period holds (a paid plan's
year: the workspace, one summary, one detailed totals page). The engine path reads every
detailed row (a year of 100,000 entries: about 101 requests). `summary_source` decides; its rules,
each with a unit test (tests/unit/test_summary_plan.py):

1. Breaks, holidays and time off (`NonWorkTime`). Clockify's summary report has no entry-type
   filter and no type grouping (`summaryFilter` is `groups`, `sortColumn`, `summaryChartType`;
   reports-api.md §3.3): it counts every entry, whatever its type. So only INCLUDE (non-work
   counted like work, which is what Clockify shows) can take the summary path; SEPARATE (the
   default) and EXCLUDE need the rows' `type`, and go to the engine.
2. Groupings. Every `GroupBy` is a `summaryFilter.groups` name (PROJECT, CLIENT, USER, TASK,
   TAG, DATE from the OpenAPI enum and live use, USER and TAG confirmed live, §3.3). DATE is
   bucketed in the request's `timeZone`, which we always send (the report's zone), so days
   agree with the engine's. WEEK and MONTH are *not* asked of Clockify: their key format is
   undocumented and Clockify's week start may follow the user's profile rather than the body's
   `weekStart`, so they are asked as DATE and rolled up by us (`addon.reports.from_clockify`)
   with the report's own week start. Two groupings that both need DATE (DATE with WEEK or
   MONTH, or WEEK with MONTH) would repeat a Clockify group, which it refuses: engine.
3. No grouping at all: ask for PROJECT and keep only the totals.
4. Filters. Clients, projects, users, tasks, tags, billable and invoicing are the same top-level
   body fields on both paths (`ReportFilter.time_body`): Clockify filters alike for both, so
   no filter forces the engine.

Invoices always take the engine path: they need every entry (ids to mark invoiced, rates, the
rounding rule per line), which no summary carries.
"""

from __future__ import annotations

from collections.abc import Sequence

from addon.clockify.queries import ReportFilter
from addon.reports.model import GroupBy, NonWorkTime, SummarySource

__all__ = ["clockify_groups", "summary_source"]

_ASKED_AS = {
    GroupBy.PROJECT: "PROJECT",
    GroupBy.CLIENT: "CLIENT",
    GroupBy.USER: "USER",
    GroupBy.TASK: "TASK",
    GroupBy.TAG: "TAG",
    GroupBy.DATE: "DATE",
    GroupBy.WEEK: "DATE",  # rolled up by us, see rule 2
    GroupBy.MONTH: "DATE",
}
_TOTALS_ONLY = ("PROJECT",)


def clockify_groups(groups: Sequence[GroupBy]) -> tuple[str, ...]:
    """The `summaryFilter.groups` to send for `groups` (1 to 3 names, in the same order)."""
    return tuple(_ASKED_AS[group] for group in groups) or _TOTALS_ONLY


def summary_source(
    groups: Sequence[GroupBy], query: ReportFilter, non_work: NonWorkTime
) -> SummarySource:
    """CLOCKIFY when Clockify's summary report expresses the request exactly, else ENGINE.

    `query` is taken so a filter that Clockify's summary cannot express would be caught here;
    today every `ReportFilter` field is one (rule 4).
    """
    del query  # rule 4: every filter is a body field both reports share
    if non_work is not NonWorkTime.INCLUDE:
        return SummarySource.ENGINE
    asked = clockify_groups(groups)
    if len(set(asked)) != len(asked):
        return SummarySource.ENGINE
    return SummarySource.CLOCKIFY
