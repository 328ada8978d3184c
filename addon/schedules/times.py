"""The UTC instants a cadence sends at, each tied to the local calendar day it belongs to.

An `Occurrence` is `(due, at)`: `due` is the calendar day in the schedule's zone that the run
belongs to, and `at` the UTC instant it is sent. `due` is the run's identity: the runner claims
`(schedule id, due)` under a unique constraint, and the period a run covers is computed from
`due` alone, so retries, replicas and catch-up all agree on what one run is.

The DST rule, applied to the local send time on the due day:

* Normal time: sent at that wall-clock time.
* Nonexistent time (spring-forward gap): shifted forward by the length of the gap, i.e. read
  with the UTC offset in force before the jump (PEP 495 `fold=0`). Berlin 02:30 on the last
  Sunday of March is sent at 03:30 CEST (01:30 UTC); Chatham 03:00 in its 02:45-03:45 gap at
  04:00. PostgreSQL resolves `'... 02:30'::timestamptz` the same way, and send times inside
  one gap stay distinct and in order instead of piling up on the jump.
* Ambiguous time (fall-back overlap): sent once, at the first of the two instants (`fold=0`,
  still summer time). Berlin 02:30 on the last Sunday of October goes out at 00:30 UTC and not
  again an hour later. PostgreSQL would pick the *second* instant here, so the database must
  store `at` as computed here and never re-derive it from a local timestamp.
* A gap that runs to the end of the day (Greenland jumps 23:00 -> 24:00) can push the send to
  early next morning; it still belongs to, and is claimed as, its `due` day.
* A local day that does not exist at all (Samoa skipped 2011-12-30) has no occurrence.

Instants in and out are timezone-aware; results are in UTC. Nothing here reads a clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import takewhile
from zoneinfo import ZoneInfo

from addon.reports.periods import load_zone
from addon.schedules.cadence import Cadence, Frequency
from addon.schedules.errors import InvalidSchedule

__all__ = [
    "EARLIEST",
    "LATEST",
    "Occurrence",
    "check_due",
    "check_instant",
    "next_occurrence",
    "occurrence_on",
    "occurrences",
    "occurrences_since",
]

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)
"""Instants accepted as `after`/`until`/`now`; the bounds keep date arithmetic from overflowing."""


def check_due(field: str, value: object) -> date:
    """`value` if it is a calendar day (a `datetime` is refused: it carries a time and zone)."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InvalidSchedule(
            field, f"{field} must be a calendar date, not {type(value).__name__}."
        )
    return value


def check_instant(field: str, value: object) -> datetime:
    """`value` converted to UTC; naive datetimes and instants outside 1900-9000 are refused."""
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise InvalidSchedule(field, f"{field} must be a timezone-aware datetime.")
    instant = value.astimezone(UTC)
    if not EARLIEST <= instant < LATEST:
        raise InvalidSchedule(field, f"{field} must fall between the years 1900 and 9000.")
    return instant


@dataclass(frozen=True, slots=True, order=True)
class Occurrence:
    """One run of a schedule: the local day `due` it belongs to and the UTC instant `at`."""

    due: date
    at: datetime

    def __post_init__(self) -> None:
        check_due("due", self.due)
        if not isinstance(self.at, datetime) or self.at.utcoffset() != timedelta(0):
            raise InvalidSchedule("at", "at must be a timezone-aware UTC datetime.")


def _day_exists(day: date, zone: ZoneInfo) -> bool:
    # fold=0 reads a skipped midnight with the offset before the jump; if even that lands on a
    # later date, the whole day was skipped (Pacific/Apia, 2011-12-30).
    midnight = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    return midnight.astimezone(zone).date() == day


def _send_instant(day: date, send_time: time, zone: ZoneInfo) -> datetime | None:
    # astimezone on a fold=0 wall time implements the whole rule: a gap time is read with the
    # pre-jump offset (shifted forward by the gap), an overlap time is its first instant.
    at = datetime.combine(day, send_time, tzinfo=zone).astimezone(UTC)
    if at.astimezone(zone).date() != day and not _day_exists(day, zone):
        return None
    return at


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _due_dates(cadence: Cadence, first: date) -> Iterator[date]:
    """The days on or after `first` that `cadence` sends on, in order, without end."""
    if cadence.frequency is Frequency.MONTHLY:
        year, month = first.year, first.month
        while True:
            day = date(year, month, cadence.day_in(year, month))
            if day >= first:
                yield day
            year, month = _next_month(year, month)
    step = timedelta(days=1)
    day = first
    if cadence.frequency is Frequency.WEEKLY and cadence.weekday is not None:
        step = timedelta(days=7)
        day = first + timedelta(days=(cadence.weekday.number - first.weekday()) % 7)
    while True:
        yield day
        day += step


def occurrences_since(cadence: Cadence, first_due: date) -> Iterator[Occurrence]:
    """Every occurrence whose `due` is on or after `first_due`, oldest first, without end.

    `at` strictly increases along the sequence (consecutive sends are at least a day apart
    in wall-clock terms, far more than any offset change), which callers may rely on to stop.
    """
    check_due("first_due", first_due)
    zone = load_zone(cadence.zone)
    return _occurrences(cadence, first_due, zone)


def _occurrences(cadence: Cadence, first_due: date, zone: ZoneInfo) -> Iterator[Occurrence]:
    for due in _due_dates(cadence, first_due):
        at = _send_instant(due, cadence.send_time, zone)
        if at is not None:
            yield Occurrence(due, at)


def occurrence_on(cadence: Cadence, due: date) -> Occurrence | None:
    """The occurrence identified by `due`, or None if the cadence does not send that day.

    The runner uses this to turn a claimed `(schedule id, due)` back into its instant.
    """
    check_due("due", due)
    if not cadence.falls_on(due):
        return None
    at = _send_instant(due, cadence.send_time, load_zone(cadence.zone))
    return None if at is None else Occurrence(due, at)


def _after(cadence: Cadence, start: datetime) -> Iterator[Occurrence]:
    zone = load_zone(cadence.zone)
    # A send belongs to its due day or (gap at the end of the day) lands early the next day,
    # so no occurrence after `start` is due before the day preceding start's local day.
    first = start.astimezone(zone).date() - timedelta(days=1)
    return (occ for occ in _occurrences(cadence, first, zone) if occ.at > start)


def occurrences(cadence: Cadence, after: datetime, until: datetime) -> Iterator[Occurrence]:
    """The occurrences with `after < at <= until`, oldest first.

    Half-open on the left so that consecutive windows `(a, b]`, `(b, c]` together yield each
    occurrence exactly once; an empty iterator when `until <= after`.
    """
    start = check_instant("after", after)
    end = check_instant("until", until)
    return takewhile(lambda occ: occ.at <= end, _after(cadence, start))


def next_occurrence(cadence: Cadence, after: datetime) -> Occurrence:
    """The first occurrence strictly after `after`; every cadence has one."""
    return next(_after(cadence, check_instant("after", after)))
