"""The days a run reports on follow from its due date alone."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from addon.reports.periods import DateRange, Weekday
from addon.schedules import Coverage, InvalidSchedule, covered_period


def test_previous_day_is_the_day_before_the_due_date() -> None:
    assert covered_period(Coverage.PREVIOUS_DAY, date(2028, 3, 1)) == DateRange(
        date(2028, 2, 29), date(2028, 2, 29)
    )


@pytest.mark.parametrize(
    ("due", "first_weekday", "expected"),
    [
        # 2026-05-11 is a Monday, 2026-05-10 a Sunday.
        (date(2026, 5, 11), Weekday.MONDAY, DateRange(date(2026, 5, 4), date(2026, 5, 10))),
        (date(2026, 5, 11), Weekday.SUNDAY, DateRange(date(2026, 5, 3), date(2026, 5, 9))),
        (date(2026, 5, 10), Weekday.SUNDAY, DateRange(date(2026, 5, 3), date(2026, 5, 9))),
        (date(2026, 5, 10), Weekday.MONDAY, DateRange(date(2026, 4, 27), date(2026, 5, 3))),
        (date(2026, 5, 15), Weekday.MONDAY, DateRange(date(2026, 5, 4), date(2026, 5, 10))),
        # across a year end: 2027-01-03 is a Sunday
        (date(2027, 1, 3), Weekday.SUNDAY, DateRange(date(2026, 12, 27), date(2027, 1, 2))),
    ],
)
def test_previous_week_is_the_last_whole_week_before_the_due_week(
    due: date, first_weekday: Weekday, expected: DateRange
) -> None:
    assert covered_period(Coverage.PREVIOUS_WEEK, due, first_weekday=first_weekday) == expected


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (date(2028, 3, 1), DateRange(date(2028, 2, 1), date(2028, 2, 29))),
        (date(2027, 3, 31), DateRange(date(2027, 2, 1), date(2027, 2, 28))),
        (date(2027, 1, 15), DateRange(date(2026, 12, 1), date(2026, 12, 31))),
    ],
)
def test_previous_month_is_the_whole_calendar_month_before(due: date, expected: DateRange) -> None:
    assert covered_period(Coverage.PREVIOUS_MONTH, due) == expected


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (date(2026, 5, 15), DateRange(date(2026, 5, 1), date(2026, 5, 14))),
        (date(2026, 5, 2), DateRange(date(2026, 5, 1), date(2026, 5, 1))),
        (date(2028, 2, 29), DateRange(date(2028, 2, 1), date(2028, 2, 28))),
    ],
)
def test_month_to_date_runs_from_the_first_up_to_the_day_before(
    due: date, expected: DateRange
) -> None:
    assert covered_period(Coverage.MONTH_TO_DATE, due) == expected


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (date(2026, 5, 1), DateRange(date(2026, 4, 1), date(2026, 4, 30))),
        (date(2028, 3, 1), DateRange(date(2028, 2, 1), date(2028, 2, 29))),
        (date(2027, 1, 1), DateRange(date(2026, 12, 1), date(2026, 12, 31))),
    ],
)
def test_month_to_date_on_the_first_covers_the_whole_previous_month(
    due: date, expected: DateRange
) -> None:
    assert covered_period(Coverage.MONTH_TO_DATE, due) == expected


def test_due_must_be_a_calendar_date() -> None:
    with pytest.raises(InvalidSchedule, match="due must be a calendar date"):
        covered_period(Coverage.PREVIOUS_DAY, datetime(2026, 5, 1, 9, 0))
