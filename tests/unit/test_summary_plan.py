"""Which summaries take Clockify's summary report: one test per rule of `summary_source`."""

from __future__ import annotations

from datetime import date

import pytest

from addon.clockify.queries import Invoicing, ReportFilter
from addon.clockify.summary_plan import clockify_groups, summary_source
from addon.reports.model import GroupBy, NonWorkTime, SummarySource
from addon.reports.periods import DateRange

QUERY = ReportFilter(DateRange(date(2025, 1, 1), date(2025, 12, 31)), "Europe/Berlin")


@pytest.mark.parametrize("non_work", [NonWorkTime.SEPARATE, NonWorkTime.EXCLUDE])
def test_non_work_time_kept_apart_or_dropped_takes_the_engine_path(non_work: NonWorkTime) -> None:
    assert summary_source([GroupBy.PROJECT], QUERY, non_work) is SummarySource.ENGINE


def test_non_work_time_counted_as_work_takes_the_summary_report() -> None:
    source = summary_source([GroupBy.PROJECT], QUERY, NonWorkTime.INCLUDE)

    assert source is SummarySource.CLOCKIFY


@pytest.mark.parametrize("group", list(GroupBy))
def test_every_grouping_is_one_clockify_expresses(group: GroupBy) -> None:
    assert summary_source([group], QUERY, NonWorkTime.INCLUDE) is SummarySource.CLOCKIFY


def test_week_and_month_are_asked_as_days_and_rolled_up() -> None:
    asked = clockify_groups([GroupBy.WEEK, GroupBy.PROJECT])

    assert asked == ("DATE", "PROJECT")
    assert clockify_groups([GroupBy.MONTH]) == ("DATE",)


@pytest.mark.parametrize(
    "groups",
    [
        [GroupBy.DATE, GroupBy.WEEK],
        [GroupBy.MONTH, GroupBy.DATE],
        [GroupBy.WEEK, GroupBy.PROJECT, GroupBy.MONTH],
    ],
)
def test_two_groupings_needing_days_take_the_engine_path(groups: list[GroupBy]) -> None:
    assert summary_source(groups, QUERY, NonWorkTime.INCLUDE) is SummarySource.ENGINE


def test_no_grouping_asks_for_projects_and_keeps_the_totals() -> None:
    assert clockify_groups([]) == ("PROJECT",)
    assert summary_source([], QUERY, NonWorkTime.INCLUDE) is SummarySource.CLOCKIFY


def test_every_filter_is_one_the_summary_report_takes() -> None:
    query = ReportFilter(
        QUERY.period,
        QUERY.zone,
        users=("u",),
        clients=("c",),
        projects=("p",),
        tasks=("t",),
        tags=("g",),
        billable=True,
        invoicing=Invoicing.UNINVOICED,
    )

    assert summary_source([GroupBy.USER], query, NonWorkTime.INCLUDE) is SummarySource.CLOCKIFY
