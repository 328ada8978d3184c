"""Calendar-true report ranges in an IANA zone, and the day/week/month an instant falls in.

A report for "May 2024 in Europe/Berlin" covers the instants from local midnight of May 1 up to,
not including, local midnight of June 1; `utc_bounds` turns that into a half-open UTC interval.
Midnight that does not exist (a DST jump at 00:00, as in America/Santiago) starts the day at the
first instant that does; an ambiguous midnight starts it at the earlier one. An entry belongs to
the day its *start* falls on in the report zone, as in Clockify's reports.

Zone names are validated here (`load_zone`); the core never reads the machine's local zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from addon.reports.errors import InvalidPeriod, UnknownTimeZone, shorten

__all__ = [
    "DateRange",
    "SplitUnit",
    "Weekday",
    "load_zone",
    "local_date",
    "month_start",
    "split_range",
    "utc_bounds",
    "week_start",
]


class Weekday(StrEnum):
    """First day of a week, named as Clockify's `weekStart` setting names it."""

    MONDAY = "MONDAY"
    TUESDAY = "TUESDAY"
    WEDNESDAY = "WEDNESDAY"
    THURSDAY = "THURSDAY"
    FRIDAY = "FRIDAY"
    SATURDAY = "SATURDAY"
    SUNDAY = "SUNDAY"

    @property
    def number(self) -> int:
        """Monday 0 ... Sunday 6, as `date.weekday()` counts."""
        return _WEEKDAY_INDEX[self]


_WEEKDAY_INDEX = {day: index for index, day in enumerate(Weekday)}


class SplitUnit(StrEnum):
    """How `split_range` cuts a long range (Clockify limits one report request's span)."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@cache
def load_zone(name: str) -> ZoneInfo:
    """The IANA zone called `name` ("Europe/Berlin"); `UnknownTimeZone` for anything else."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise UnknownTimeZone(f"{shorten(name)} is not an IANA time zone name.") from None


@dataclass(frozen=True, slots=True)
class DateRange:
    """Calendar days `start` to `end`, both included, in whatever zone the report uses."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidPeriod(
                f"The range ends on {self.end.isoformat()}, before it starts on "
                f"{self.start.isoformat()}."
            )

    @property
    def days(self) -> int:
        """Number of calendar days covered (a one-day range has 1)."""
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def _local_midnight_utc(day: date, zone: ZoneInfo) -> datetime:
    # fold=0 maps a skipped midnight to the instant the gap begins (the first real instant of the
    # day) and an ambiguous one to its first occurrence: both are where the local day starts.
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def utc_bounds(period: DateRange, zone: str) -> tuple[datetime, datetime]:
    """The half-open UTC interval `[start, end)` of the range's local days in `zone`."""
    tz = load_zone(zone)
    return (
        _local_midnight_utc(period.start, tz),
        _local_midnight_utc(period.end + timedelta(days=1), tz),
    )


def local_date(instant: datetime, zone: str) -> date:
    """The calendar day an aware instant falls on in `zone`."""
    return instant.astimezone(load_zone(zone)).date()


def week_start(day: date, first: Weekday = Weekday.MONDAY) -> date:
    """The first day of the week containing `day`, weeks starting on `first`."""
    return day - timedelta(days=(day.weekday() - first.number) % 7)


def month_start(day: date) -> date:
    """The first day of the month containing `day`."""
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def split_range(
    period: DateRange, unit: SplitUnit, first: Weekday = Weekday.MONDAY
) -> tuple[DateRange, ...]:
    """Cut a range at day, week or month boundaries; the pieces cover it exactly, in order.

    The first and last pieces may be partial (a range starting mid-month starts mid-month). Used
    to request long periods from Clockify month by month without losing or doubling an entry.
    """
    pieces: list[DateRange] = []
    cursor = period.start
    while cursor <= period.end:
        if unit is SplitUnit.DAY:
            boundary = cursor + timedelta(days=1)
        elif unit is SplitUnit.WEEK:
            boundary = week_start(cursor, first) + timedelta(days=7)
        else:
            boundary = _next_month(cursor)
        last = min(boundary - timedelta(days=1), period.end)
        pieces.append(DateRange(cursor, last))
        cursor = last + timedelta(days=1)
    return tuple(pieces)
