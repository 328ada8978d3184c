"""The calendar days a scheduled run reports on, derived from its due date alone.

The due date is already a day in the schedule's zone, so the period is plain calendar
arithmetic: the same run always covers the same days, whenever and wherever it is sent (late,
retried, or caught up after downtime). Every period ends before the due date, so it is
complete when the run is due.

MONTH_TO_DATE is "the month of the day before the due date, from its 1st up to that day". On
most days that is the due date's month up to yesterday; on the 1st it is the whole previous
month. We chose that over an empty or skipped run: a daily or weekly month-to-date email then
never silently drops the last day(s) of a month, and the one rule needs no special case.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from addon.reports.periods import DateRange, Weekday, month_start, week_start
from addon.schedules.times import check_due

__all__ = ["Coverage", "covered_period"]

_DAY = timedelta(days=1)


class Coverage(StrEnum):
    """Which days a scheduled report covers, relative to its due date."""

    PREVIOUS_DAY = "PREVIOUS_DAY"
    PREVIOUS_WEEK = "PREVIOUS_WEEK"
    PREVIOUS_MONTH = "PREVIOUS_MONTH"
    MONTH_TO_DATE = "MONTH_TO_DATE"


def covered_period(
    coverage: Coverage, due: date, *, first_weekday: Weekday = Weekday.MONDAY
) -> DateRange:
    """The days a run due on `due` (a local date) reports on.

    PREVIOUS_DAY is the day before `due`. PREVIOUS_WEEK is the last whole week before the week
    containing `due`, weeks starting on `first_weekday` (the workspace's week start; ignored by
    the others). PREVIOUS_MONTH is the calendar month before `due`'s month. MONTH_TO_DATE: see
    the module docstring.
    """
    check_due("due", due)
    yesterday = due - _DAY
    if coverage is Coverage.PREVIOUS_DAY:
        return DateRange(yesterday, yesterday)
    if coverage is Coverage.PREVIOUS_WEEK:
        this_week = week_start(due, first_weekday)
        return DateRange(this_week - timedelta(days=7), this_week - _DAY)
    if coverage is Coverage.PREVIOUS_MONTH:
        last_of_previous = month_start(due) - _DAY
        return DateRange(month_start(last_of_previous), last_of_previous)
    return DateRange(month_start(yesterday), yesterday)
