"""Summary reports and filters: Clockify's numbers for the same entries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from addon.reports.aggregate import EntryFilter, build_summary, filter_entries, filter_expenses
from addon.reports.errors import InvalidGrouping
from addon.reports.model import GroupBy
from addon.reports.money import Money
from addon.reports.periods import DateRange, Weekday
from addon.reports.rates import RateBook

from .builders import (
    ACME,
    ANN,
    APP,
    BOB,
    GLOBEX,
    MAY_1_9AM,
    REVIEW,
    URGENT,
    WEBSITE,
    make_entry,
    make_expense,
    usd,
)


def test_total_matches_clockify_golden_for_7210_seconds_at_200_an_hour() -> None:
    summary = build_summary([make_entry(seconds=7210, rate=usd("200.00"))], [GroupBy.PROJECT])

    assert summary.totals.duration == 7210
    assert summary.totals.amounts == (Money(40056, "USD"),)  # Clockify: 40055.5555 cents


def test_entry_with_two_tags_counts_under_each_tag_but_once_in_the_total() -> None:
    entries = [
        make_entry(id="a", seconds=3600, tags=(URGENT, REVIEW)),
        make_entry(id="b", seconds=1800, tags=()),
    ]

    summary = build_summary(entries, [GroupBy.TAG])

    assert [(row.key.name, row.totals.duration, row.totals.entries) for row in summary.rows] == [
        ("review", 3600, 1),
        ("urgent", 3600, 1),
        ("Without tag", 1800, 1),
    ]
    assert (summary.totals.duration, summary.totals.entries) == (5400, 2)


def test_nested_groups_carry_totals_at_every_level() -> None:
    entries = [
        make_entry(id="a", project=WEBSITE, user=ANN, seconds=3600, rate=usd("100.00")),
        make_entry(id="b", project=WEBSITE, user=BOB, seconds=1800, rate=usd("80.00")),
        make_entry(id="c", project=APP, user=ANN, seconds=900, billable=False, rate=usd("100.00")),
    ]

    summary = build_summary(entries, [GroupBy.PROJECT, GroupBy.USER])

    app, web = summary.rows
    assert (app.key.name, app.totals.billable_duration, app.totals.amounts) == ("App", 0, ())
    assert web.totals.amounts == (Money(14000, "USD"),)
    assert [(c.key.name, c.totals.amounts) for c in web.children] == [
        ("Ann", (Money(10000, "USD"),)),
        ("Bob", (Money(4000, "USD"),)),
    ]
    assert summary.totals == summary.totals.__class__(6300, 5400, 3, (Money(14000, "USD"),))


def test_amounts_are_kept_per_currency() -> None:
    entries = [
        make_entry(id="a", rate=usd("10.00")),
        make_entry(id="b", rate=Money(1500, "JPY"), client=GLOBEX),
    ]

    summary = build_summary(entries, [GroupBy.CLIENT])

    assert summary.totals.amounts == (Money(1500, "JPY"), Money(1000, "USD"))


def test_entry_without_rate_uses_clockify_earned_then_the_rate_book() -> None:
    entries = [
        make_entry(id="a", earned=usd("12.34")),
        make_entry(id="b", seconds=1800),
    ]

    summary = build_summary(entries, [], rates=RateBook(workspace=usd("50.00")))

    assert summary.totals.amounts == (usd("37.34"),)
    assert summary.rows == ()


def test_date_week_and_month_keys_are_local_calendar_days() -> None:
    # 23:30 UTC on Sunday April 28 is already Monday April 29 in Berlin.
    entry = make_entry(start=datetime(2024, 4, 28, 23, 30, tzinfo=UTC))

    by_date = build_summary([entry], [GroupBy.DATE], zone="Europe/Berlin")
    by_week = build_summary([entry], [GroupBy.WEEK], zone="Europe/Berlin")
    sunday_weeks = build_summary(
        [entry], [GroupBy.WEEK], zone="Europe/Berlin", week_start=Weekday.SUNDAY
    )
    by_month = build_summary([entry], [GroupBy.MONTH], zone="Pacific/Auckland")

    assert by_date.rows[0].key.id == "2024-04-29"
    assert by_week.rows[0].key.id == "2024-04-29"
    assert sunday_weeks.rows[0].key.id == "2024-04-28"
    assert by_month.rows[0].key.id == "2024-04"


@pytest.mark.parametrize(
    "groups",
    [
        [GroupBy.PROJECT, GroupBy.USER, GroupBy.DATE, GroupBy.TAG],
        [GroupBy.PROJECT, GroupBy.PROJECT],
        ["TIMEENTRY"],
    ],
)
def test_bad_groupings_are_refused(groups: list[GroupBy]) -> None:
    with pytest.raises(InvalidGrouping):
        build_summary([], groups)


def test_period_filter_uses_local_days_in_the_report_zone() -> None:
    inside = make_entry(id="in", start=datetime(2024, 5, 31, 21, 59, tzinfo=UTC))
    outside = make_entry(id="out", start=datetime(2024, 5, 31, 22, 0, tzinfo=UTC))
    may = EntryFilter(period=DateRange(date(2024, 5, 1), date(2024, 5, 31)))

    kept = filter_entries([inside, outside], may, zone="Europe/Berlin")

    assert [e.id for e in kept] == ["in"]


def test_entity_billable_and_invoiced_filters_combine() -> None:
    entries = [
        make_entry(id="keep", client=ACME, tags=(URGENT,)),
        make_entry(id="other-client", client=GLOBEX, tags=(URGENT,)),
        make_entry(id="no-client", client=None, tags=(URGENT,)),
        make_entry(id="untagged", client=ACME),
        make_entry(id="invoiced", client=ACME, tags=(URGENT,), invoiced=True),
        make_entry(id="free", client=ACME, tags=(URGENT,), billable=False),
    ]
    where = EntryFilter(
        clients=frozenset({ACME.id}), tags=frozenset({URGENT.id}), billable=True, invoiced=False
    )

    assert [e.id for e in filter_entries(entries, where)] == ["keep"]


def test_expense_filter_reads_the_expense_day_and_ignores_tags() -> None:
    expenses = [
        make_expense(id="may", day=date(2024, 5, 31)),
        make_expense(id="jun", day=date(2024, 6, 1)),
    ]
    where = EntryFilter(
        period=DateRange(date(2024, 5, 1), date(2024, 5, 31)), tags=frozenset({URGENT.id})
    )

    assert [x.id for x in filter_expenses(expenses, where)] == ["may"]


def test_summary_applies_its_filter() -> None:
    entries = [
        make_entry(id="a", start=MAY_1_9AM),
        make_entry(id="b", start=MAY_1_9AM + timedelta(days=40)),
    ]
    where = EntryFilter(period=DateRange(date(2024, 5, 1), date(2024, 5, 31)))

    summary = build_summary(entries, [GroupBy.USER], where=where)

    assert summary.totals.entries == 1
