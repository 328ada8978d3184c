"""Calendar-true ranges in IANA zones, and the pieces `split_range` cuts them into."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from addon.reports.errors import InvalidPeriod, UnknownTimeZone
from addon.reports.periods import (
    DateRange,
    SplitUnit,
    Weekday,
    local_date,
    split_range,
    utc_bounds,
    week_start,
)


def test_month_in_berlin_starts_and_ends_at_local_midnight() -> None:
    start, end = utc_bounds(DateRange(date(2024, 5, 1), date(2024, 5, 31)), "Europe/Berlin")

    assert start == datetime(2024, 4, 30, 22, 0, tzinfo=UTC)
    assert end == datetime(2024, 5, 31, 22, 0, tzinfo=UTC)


def test_spring_forward_day_is_23_hours_long() -> None:
    start, end = utc_bounds(DateRange(date(2024, 3, 31), date(2024, 3, 31)), "Europe/Berlin")

    assert end - start == timedelta(hours=23)


def test_skipped_midnight_starts_the_day_at_the_first_real_instant() -> None:
    # Chile jumps from 00:00 to 01:00 on 2024-09-08: the day starts at 01:00 -03 = 04:00 UTC.
    start, _ = utc_bounds(DateRange(date(2024, 9, 8), date(2024, 9, 8)), "America/Santiago")

    assert start == datetime(2024, 9, 8, 4, 0, tzinfo=UTC)


def test_an_instant_late_on_may_31_utc_is_june_1_in_auckland() -> None:
    assert local_date(datetime(2024, 5, 31, 20, 0, tzinfo=UTC), "Pacific/Auckland") == date(
        2024, 6, 1
    )


def test_reversed_range_is_refused() -> None:
    with pytest.raises(InvalidPeriod, match="before it starts"):
        DateRange(date(2024, 5, 2), date(2024, 5, 1))


@pytest.mark.parametrize("zone", ["Mars/Olympus", "../etc/passwd", "", "Europe/"])
def test_unknown_zone_is_refused(zone: str) -> None:
    with pytest.raises(UnknownTimeZone):
        utc_bounds(DateRange(date(2024, 5, 1), date(2024, 5, 1)), zone)


def test_week_start_follows_the_workspace_setting() -> None:
    thursday = date(2024, 5, 2)

    assert week_start(thursday, Weekday.MONDAY) == date(2024, 4, 29)
    assert week_start(thursday, Weekday.SUNDAY) == date(2024, 4, 28)
    assert week_start(thursday, Weekday.THURSDAY) == thursday


def test_range_splits_at_month_boundaries_keeping_partial_ends() -> None:
    pieces = split_range(DateRange(date(2024, 1, 15), date(2024, 3, 10)), SplitUnit.MONTH)

    assert pieces == (
        DateRange(date(2024, 1, 15), date(2024, 1, 31)),
        DateRange(date(2024, 2, 1), date(2024, 2, 29)),
        DateRange(date(2024, 3, 1), date(2024, 3, 10)),
    )


ranges = st.builds(
    lambda start, length: DateRange(start, start + timedelta(days=length)),
    st.dates(date(2000, 1, 1), date(2099, 1, 1)),
    st.integers(0, 400),
)


@given(ranges, st.sampled_from(SplitUnit), st.sampled_from(Weekday))
def test_split_pieces_cover_the_range_exactly_in_order(
    period: DateRange, unit: SplitUnit, first: Weekday
) -> None:
    pieces = split_range(period, unit, first)

    assert pieces[0].start == period.start
    assert pieces[-1].end == period.end
    assert all(a.end + timedelta(days=1) == b.start for a, b in pairwise(pieces))
    assert sum(piece.days for piece in pieces) == period.days
