"""Clockify's summary report, window by window: merged by key, checked, never clamped silently."""

from __future__ import annotations

from datetime import date

import pytest

from addon.clockify.errors import ClockifyRejectedRequest
from addon.clockify.reconcile import RangeService, ReportLimits
from addon.clockify.summary_walk import SummaryUnverifiable, walk_summary
from addon.clockify.walk import ReportWalker
from addon.reports.from_clockify import amount_bound, summary_from_clockify
from addon.reports.model import ClockifyCheck, GroupBy, Totals
from addon.reports.money import Money
from addon.reports.periods import DateRange, Weekday
from addon.reports.remote import ClockifySummary, ReportAmount, ReportTotals, SummaryGroup

YEAR = DateRange(date(2025, 1, 1), date(2025, 12, 31))


def _group(
    dimension: str, ident: str, seconds: int, cents: int, *children: SummaryGroup, **by: int
) -> SummaryGroup:
    amounts = (
        (ReportAmount("EARNED", Money(cents, "EUR"), tuple(Money(v, c) for c, v in by.items())),)
        if by
        else ()
    )
    return SummaryGroup(
        dimension,
        ident,
        ident or "",
        seconds,
        Money(cents, "EUR"),
        "",
        "",
        (),
        children,
        amounts,
    )


def _totals(seconds: int, entries: int, **by: int) -> ReportTotals:
    money = tuple(Money(v, c) for c, v in sorted(by.items()))
    return ReportTotals(seconds, seconds, entries, Money(sum(by.values()), "EUR"), money, ())


def _walker(plan: str = "PRO", limits: ReportLimits | None = None) -> ReportWalker:
    return ReportWalker(
        limits=limits or ReportLimits(), on_learned=None, max_span_days=366, plan=lambda: plan
    )


def test_a_paid_plans_year_is_one_window_and_a_free_plans_is_twelve() -> None:
    assert len(_walker().unclamped_windows(YEAR)) == 1
    assert len(_walker("FREE").unclamped_windows(YEAR)) == 12
    learned = ReportLimits(long_ranges=RangeService.FULL)
    assert len(_walker("FREE", learned).unclamped_windows(YEAR)) == 1


def test_a_refused_long_window_is_asked_again_by_month() -> None:
    asked: list[DateRange] = []

    def fetch(window: DateRange) -> tuple[ClockifySummary, ReportTotals | None]:
        asked.append(window)
        if window.days > 31:
            raise ClockifyRejectedRequest("too long", clockify_message="", clockify_code=501)
        totals = _totals(60, 1, EUR=100)
        report = ClockifySummary(("PROJECT",), (_group("PROJECT", "p", 60, 100),), totals)
        return report, totals

    walker = _walker()
    checked = walk_summary(YEAR, fetch, walker)

    assert len(asked) == 13 and walker.limits.long_ranges is RangeService.MONTHS
    assert (checked.expected.entries, checked.expected.duration) == (12, 720)


def _one(report: ClockifySummary, detailed: ReportTotals | None) -> None:
    walk_summary(YEAR, lambda window: (report, detailed), _walker())


def test_groups_that_do_not_add_up_to_the_totals_are_unverifiable() -> None:
    totals = _totals(100, 2, EUR=50)
    report = ClockifySummary(("PROJECT",), (_group("PROJECT", "p", 90, 50),), totals)

    with pytest.raises(SummaryUnverifiable, match="add up to 90 s, not 100 s"):
        _one(report, totals)


def test_a_summary_counting_other_entries_than_the_detailed_report_is_unverifiable() -> None:
    report = ClockifySummary(
        ("PROJECT",), (_group("PROJECT", "p", 90, 50),), _totals(90, 2, EUR=50)
    )

    with pytest.raises(SummaryUnverifiable, match="2 entries against 3"):
        _one(report, _totals(100, 3, EUR=50))


def test_amounts_in_two_currencies_without_a_breakdown_are_unverifiable() -> None:
    totals = _totals(100, 2, EUR=50, USD=70)
    report = ClockifySummary(("PROJECT",), (_group("PROJECT", "p", 100, 120),), totals)

    with pytest.raises(SummaryUnverifiable, match="no breakdown"):
        _one(report, totals)


def test_tag_groups_may_add_up_to_more_than_the_total() -> None:
    totals = _totals(100, 1, EUR=50)
    rows = (_group("TAG", "a", 100, 50), _group("TAG", "b", 100, 50))

    _one(ClockifySummary(("TAG",), rows, totals), totals)


def test_windows_merge_by_key_and_days_roll_up_into_weeks() -> None:
    def window(day: str, seconds: int, eur: int, usd: int) -> ClockifySummary:
        child = _group("PROJECT", "p", seconds, eur + usd, EUR=eur, USD=usd)
        return ClockifySummary(("DATE", "PROJECT"), (_group("DATE", day, seconds, 0, child),), None)

    windows = [(window("2025-01-06", 60, 10, 0), None), (window("2025-01-08", 30, 5, 7), None)]
    check = ClockifyCheck(2, 90, 90)
    summary = summary_from_clockify(
        windows,
        (GroupBy.WEEK, GroupBy.PROJECT),
        zone="UTC",
        week_start=Weekday.MONDAY,
        totals=Totals(90, 90, 2, ()),
        billable=None,
        check=check,
    )

    (week,) = summary.rows
    assert week.key.id == "2025-01-06" and week.totals.duration == 90
    (project,) = week.children
    assert project.totals.amounts == (Money(15, "EUR"), Money(7, "USD"))
    assert project.totals.entries is None and project.totals.billable_duration is None


def test_the_amount_bound_is_half_a_minor_unit_per_entry_rounded_up() -> None:
    assert [amount_bound(n) for n in (0, 1, 2, 3, 10)] == [0, 1, 1, 2, 5]
