"""Invariants of occurrences over a year, for random cadences in zones with awkward DST rules.

The expected local time is derived here from zoneinfo's two readings of the wall time (fold 0
and fold 1), not from the code under test: normal times are kept, a time in a gap is moved
forward by the gap's length, and an ambiguous time is sent at its first instant.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from addon.reports.periods import Weekday
from addon.schedules import (
    LAST_DAY,
    Cadence,
    Frequency,
    MonthDay,
    missed_occurrences,
    next_occurrence,
    occurrences,
)

# The zones the brief names: none of them has a gap reaching midnight, so every send is on its
# due day. The others add a gap at 24:00 (Nuuk), a gap at 00:00 (Santiago) and a 30-minute
# shift (Lord Howe).
DUE_DAY_ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "Pacific/Chatham",
)
ZONES = (*DUE_DAY_ZONES, "America/Nuuk", "America/Santiago", "Australia/Lord_Howe")

# Hours around the usual transition times are drawn more often than the rest.
hours = st.one_of(st.integers(0, 23), st.sampled_from([0, 1, 2, 3, 23]))
minutes = st.one_of(st.integers(0, 59), st.sampled_from([0, 15, 30, 45]))
month_days: st.SearchStrategy[MonthDay] = st.one_of(st.integers(1, 31), st.just(LAST_DAY))
starts = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)


@st.composite
def cadences(draw: st.DrawFn, zones: tuple[str, ...] = ZONES) -> Cadence:
    frequency = draw(st.sampled_from(Frequency))
    return Cadence(
        frequency=frequency,
        hour=draw(hours),
        minute=draw(minutes),
        zone=draw(st.sampled_from(zones)),
        weekday=draw(st.sampled_from(Weekday)) if frequency is Frequency.WEEKLY else None,
        month_day=draw(month_days) if frequency is Frequency.MONTHLY else None,
    )


def expected_wall(cadence: Cadence, due: date) -> datetime:
    """The local wall-clock reading of the send, by the documented DST rule."""
    zone = ZoneInfo(cadence.zone)
    wall = datetime.combine(due, cadence.send_time)
    first, second = wall.replace(tzinfo=zone, fold=0), wall.replace(tzinfo=zone, fold=1)
    exists = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall
    if exists:
        return wall
    gap = second.utcoffset() - first.utcoffset()  # type: ignore[operator]  # zone-aware
    return wall + gap


def sends_on(cadence: Cadence, day: date) -> bool:
    if cadence.frequency is Frequency.DAILY:
        return True
    if cadence.frequency is Frequency.WEEKLY:
        assert cadence.weekday is not None
        return day.weekday() == list(Weekday).index(cadence.weekday)
    last = calendar.monthrange(day.year, day.month)[1]
    wanted = last if cadence.month_day == LAST_DAY else min(int(cadence.month_day or 0), last)
    return day.day == wanted


@given(cadences(), starts)
def test_a_year_of_occurrences_is_strictly_increasing_one_per_due_day(
    cadence: Cadence, start: datetime
) -> None:
    found = list(occurrences(cadence, start, start + timedelta(days=366)))

    assert all(a.at < b.at for a, b in pairwise(found))
    assert all(a.due < b.due for a, b in pairwise(found))
    assert all(start < occ.at <= start + timedelta(days=366) for occ in found)


@given(cadences(), starts)
def test_each_send_is_at_the_local_send_time_or_shifted_by_its_gap(
    cadence: Cadence, start: datetime
) -> None:
    zone = ZoneInfo(cadence.zone)

    for occ in occurrences(cadence, start, start + timedelta(days=366)):
        local = occ.at.astimezone(zone)
        assert local.replace(tzinfo=None) == expected_wall(cadence, occ.due)
        assert local.fold == 0  # an ambiguous time is sent at its first instant, once


@given(cadences(DUE_DAY_ZONES), starts)
def test_each_send_converts_back_to_its_due_day(cadence: Cadence, start: datetime) -> None:
    zone = ZoneInfo(cadence.zone)

    for occ in occurrences(cadence, start, start + timedelta(days=366)):
        assert occ.at.astimezone(zone).date() == occ.due


@given(cadences(), starts)
def test_no_due_day_inside_the_window_is_skipped(cadence: Cadence, start: datetime) -> None:
    zone = ZoneInfo(cadence.zone)
    end = start + timedelta(days=366)
    first, last = start.astimezone(zone).date(), end.astimezone(zone).date()

    dues = {occ.due for occ in occurrences(cadence, start, end)}

    # Days well inside the window must all be there; none may lie outside it.
    inside = {
        first + timedelta(days=n)
        for n in range(2, (last - first).days - 1)
        if sends_on(cadence, first + timedelta(days=n))
    }
    assert inside <= dues
    assert all(first - timedelta(days=1) <= due <= last and sends_on(cadence, due) for due in dues)


@given(cadences(), starts, st.integers(0, 366 * 24), st.integers(0, 366 * 24))
def test_adjacent_windows_yield_each_occurrence_exactly_once(
    cadence: Cadence, start: datetime, first_hours: int, second_hours: int
) -> None:
    middle = start + timedelta(hours=first_hours)
    end = middle + timedelta(hours=second_hours)

    whole = list(occurrences(cadence, start, end))
    parts = list(occurrences(cadence, start, middle)) + list(occurrences(cadence, middle, end))

    assert parts == whole


@given(cadences(), starts)
def test_next_occurrence_is_the_first_of_the_window(cadence: Cadence, start: datetime) -> None:
    following = next_occurrence(cadence, start)

    assert following == next(iter(occurrences(cadence, start, start + timedelta(days=70))))
    assert following.at > start


@given(cadences(), starts, st.integers(1, 40), st.integers(1, 5))
def test_missed_runs_are_the_window_after_the_last_due_day(
    cadence: Cadence, start: datetime, days_down: int, cap: int
) -> None:
    last = next_occurrence(cadence, start)
    now = last.at + timedelta(days=days_down)

    missed = missed_occurrences(cadence, last.due, now, cap=cap)

    window = list(occurrences(cadence, last.at, now))
    assert list(missed.occurrences) == window[:cap]
    assert missed.more == (len(window) > cap)
