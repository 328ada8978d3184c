"""Send instants across DST changes: one send per local day, at the documented instant.

Expected instants are worked out by hand from each zone's rules (comments give the reasoning);
they are not recomputed with the code under test.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from addon.reports.periods import Weekday
from addon.schedules import (
    LAST_DAY,
    Cadence,
    InvalidSchedule,
    Occurrence,
    next_occurrence,
    occurrence_on,
    occurrences,
    occurrences_since,
)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def sends(cadence: Cadence, first: date, last: date) -> list[tuple[date, datetime]]:
    """(due, at) for the due dates first..last, using a window wide enough for any offset."""
    window = occurrences(
        cadence,
        utc(first.year, first.month, first.day) - timedelta(days=1),
        utc(last.year, last.month, last.day) + timedelta(days=2),
    )
    return [(occ.due, occ.at) for occ in window if first <= occ.due <= last]


def test_berlin_spring_forward_sends_the_skipped_0230_at_0330_cest() -> None:
    # 2026-03-29 (last Sunday of March) jumps 02:00 CET -> 03:00 CEST: 02:30 is read as CET
    # (+01:00), i.e. 01:30 UTC = 03:30 CEST. The day after, 02:30 CEST is 00:30 UTC.
    cadence = Cadence.daily(hour=2, minute=30, zone="Europe/Berlin")

    assert sends(cadence, date(2026, 3, 28), date(2026, 3, 30)) == [
        (date(2026, 3, 28), utc(2026, 3, 28, 1, 30)),
        (date(2026, 3, 29), utc(2026, 3, 29, 1, 30)),
        (date(2026, 3, 30), utc(2026, 3, 30, 0, 30)),
    ]


def test_berlin_fall_back_sends_the_repeated_0230_once_in_summer_time() -> None:
    # 2026-10-25 (last Sunday of October) repeats 02:00-03:00: the first 02:30 is CEST (+02:00).
    cadence = Cadence.daily(hour=2, minute=30, zone="Europe/Berlin")

    assert sends(cadence, date(2026, 10, 24), date(2026, 10, 26)) == [
        (date(2026, 10, 24), utc(2026, 10, 24, 0, 30)),
        (date(2026, 10, 25), utc(2026, 10, 25, 0, 30)),
        (date(2026, 10, 26), utc(2026, 10, 26, 1, 30)),
    ]


def test_new_york_spring_forward_on_the_second_sunday_of_march() -> None:
    # 2026-03-08: 02:00 EST -> 03:00 EDT. 02:30 read as EST (-05:00) = 07:30 UTC = 03:30 EDT.
    cadence = Cadence.daily(hour=2, minute=30, zone="America/New_York")

    assert sends(cadence, date(2026, 3, 7), date(2026, 3, 9)) == [
        (date(2026, 3, 7), utc(2026, 3, 7, 7, 30)),
        (date(2026, 3, 8), utc(2026, 3, 8, 7, 30)),
        (date(2026, 3, 9), utc(2026, 3, 9, 6, 30)),
    ]


def test_new_york_fall_back_on_the_first_sunday_of_november_sends_0130_once() -> None:
    # 2026-11-01: 02:00 EDT -> 01:00 EST, so 01:30 happens at 05:30 UTC (EDT) and 06:30 UTC.
    cadence = Cadence.daily(hour=1, minute=30, zone="America/New_York")

    assert sends(cadence, date(2026, 10, 31), date(2026, 11, 2)) == [
        (date(2026, 10, 31), utc(2026, 10, 31, 5, 30)),
        (date(2026, 11, 1), utc(2026, 11, 1, 5, 30)),
        (date(2026, 11, 2), utc(2026, 11, 2, 6, 30)),
    ]


def test_sydney_falls_back_in_april_and_sends_the_repeated_0230_once() -> None:
    # 2026-04-05 (first Sunday of April): 03:00 AEDT (+11) -> 02:00 AEST (+10).
    cadence = Cadence.daily(hour=2, minute=30, zone="Australia/Sydney")

    assert sends(cadence, date(2026, 4, 4), date(2026, 4, 6)) == [
        (date(2026, 4, 4), utc(2026, 4, 3, 15, 30)),
        (date(2026, 4, 5), utc(2026, 4, 4, 15, 30)),
        (date(2026, 4, 6), utc(2026, 4, 5, 16, 30)),
    ]


def test_sydney_springs_forward_in_october_and_shifts_the_skipped_0230() -> None:
    # 2026-10-04 (first Sunday of October): 02:00 AEST -> 03:00 AEDT; 02:30 read as AEST.
    cadence = Cadence.daily(hour=2, minute=30, zone="Australia/Sydney")

    assert sends(cadence, date(2026, 10, 3), date(2026, 10, 5)) == [
        (date(2026, 10, 3), utc(2026, 10, 2, 16, 30)),
        (date(2026, 10, 4), utc(2026, 10, 3, 16, 30)),
        (date(2026, 10, 5), utc(2026, 10, 4, 15, 30)),
    ]


def test_kolkata_has_no_dst_and_sends_the_evening_before_in_utc() -> None:
    # +05:30 all year: 02:30 IST is 21:00 UTC on the previous UTC day, even on Berlin's DST day.
    cadence = Cadence.daily(hour=2, minute=30, zone="Asia/Kolkata")

    assert sends(cadence, date(2026, 3, 28), date(2026, 3, 30)) == [
        (date(2026, 3, 28), utc(2026, 3, 27, 21, 0)),
        (date(2026, 3, 29), utc(2026, 3, 28, 21, 0)),
        (date(2026, 3, 30), utc(2026, 3, 29, 21, 0)),
    ]


def test_chatham_falls_back_at_0345_and_sends_the_repeated_0300_once() -> None:
    # 2026-04-05: 03:45 CHADT (+13:45) -> 02:45 CHAST (+12:45); the first 03:00 is +13:45.
    cadence = Cadence.daily(hour=3, minute=0, zone="Pacific/Chatham")

    assert sends(cadence, date(2026, 4, 4), date(2026, 4, 6)) == [
        (date(2026, 4, 4), utc(2026, 4, 3, 13, 15)),
        (date(2026, 4, 5), utc(2026, 4, 4, 13, 15)),
        (date(2026, 4, 6), utc(2026, 4, 5, 14, 15)),
    ]


def test_chatham_springs_forward_at_0245_and_sends_the_skipped_0300_at_0400() -> None:
    # 2026-09-27 (last Sunday of September): 02:45 +12:45 -> 03:45 +13:45. 03:00 read as
    # +12:45 is 14:15 UTC the day before, which is 04:00 CHADT.
    cadence = Cadence.daily(hour=3, minute=0, zone="Pacific/Chatham")

    assert sends(cadence, date(2026, 9, 26), date(2026, 9, 28)) == [
        (date(2026, 9, 26), utc(2026, 9, 25, 14, 15)),
        (date(2026, 9, 27), utc(2026, 9, 26, 14, 15)),
        (date(2026, 9, 28), utc(2026, 9, 27, 13, 15)),
    ]


def test_nuuk_gap_at_the_end_of_the_day_sends_just_after_midnight_for_that_day() -> None:
    # 2026-03-28 jumps 23:00 -02:00 -> 00:00 -01:00: Saturday's 23:30 is read as -02:00
    # (01:30 UTC), which is 00:30 on Sunday; it still belongs to, and is claimed as, Saturday.
    cadence = Cadence.daily(hour=23, minute=30, zone="America/Nuuk")

    assert sends(cadence, date(2026, 3, 27), date(2026, 3, 29)) == [
        (date(2026, 3, 27), utc(2026, 3, 28, 1, 30)),
        (date(2026, 3, 28), utc(2026, 3, 29, 1, 30)),
        (date(2026, 3, 29), utc(2026, 3, 30, 0, 30)),
    ]


def test_day_samoa_skipped_has_no_occurrence() -> None:
    # Pacific/Apia went from 2011-12-29 24:00 (-10:00) straight to 2011-12-31 00:00 (+14:00).
    cadence = Cadence.daily(hour=9, zone="Pacific/Apia")

    assert sends(cadence, date(2011, 12, 29), date(2011, 12, 31)) == [
        (date(2011, 12, 29), utc(2011, 12, 29, 19, 0)),
        (date(2011, 12, 31), utc(2011, 12, 30, 19, 0)),
    ]
    assert occurrence_on(cadence, date(2011, 12, 30)) is None


def test_weekly_sunday_schedule_keeps_0230_local_across_berlin_spring_forward() -> None:
    cadence = Cadence.weekly(Weekday.SUNDAY, hour=2, minute=30, zone="Europe/Berlin")

    assert sends(cadence, date(2026, 3, 16), date(2026, 4, 6)) == [
        (date(2026, 3, 22), utc(2026, 3, 22, 1, 30)),
        (date(2026, 3, 29), utc(2026, 3, 29, 1, 30)),  # in the gap: 03:30 CEST
        (date(2026, 4, 5), utc(2026, 4, 5, 0, 30)),
    ]


def test_weekly_schedule_sends_only_on_its_weekday() -> None:
    cadence = Cadence.weekly(Weekday.WEDNESDAY, hour=8, zone="America/New_York")

    dues = [due for due, _ in sends(cadence, date(2026, 5, 1), date(2026, 5, 31))]

    assert dues == [date(2026, 5, 6), date(2026, 5, 13), date(2026, 5, 20), date(2026, 5, 27)]


def test_monthly_on_the_31st_sends_on_the_last_day_of_february_in_2027_and_2028() -> None:
    cadence = Cadence.monthly(31, hour=9, zone="Europe/Berlin")

    assert sends(cadence, date(2027, 1, 1), date(2027, 4, 30)) == [
        (date(2027, 1, 31), utc(2027, 1, 31, 8, 0)),
        (date(2027, 2, 28), utc(2027, 2, 28, 8, 0)),
        (date(2027, 3, 31), utc(2027, 3, 31, 7, 0)),  # CEST from 2027-03-28
        (date(2027, 4, 30), utc(2027, 4, 30, 7, 0)),
    ]
    assert [due for due, _ in sends(cadence, date(2028, 1, 1), date(2028, 4, 30))] == [
        date(2028, 1, 31),
        date(2028, 2, 29),
        date(2028, 3, 31),
        date(2028, 4, 30),
    ]


def test_monthly_on_the_last_day_follows_leap_years() -> None:
    cadence = Cadence.monthly(LAST_DAY, hour=18, zone="Asia/Kolkata")

    assert sends(cadence, date(2028, 1, 1), date(2028, 3, 31)) == [
        (date(2028, 1, 31), utc(2028, 1, 31, 12, 30)),
        (date(2028, 2, 29), utc(2028, 2, 29, 12, 30)),
        (date(2028, 3, 31), utc(2028, 3, 31, 12, 30)),
    ]
    assert [due for due, _ in sends(cadence, date(2027, 2, 1), date(2027, 2, 28))] == [
        date(2027, 2, 28)
    ]


def test_monthly_on_the_30th_sends_once_in_february() -> None:
    cadence = Cadence.monthly(30, hour=9, zone="UTC")

    assert [due for due, _ in sends(cadence, date(2027, 2, 1), date(2027, 3, 31))] == [
        date(2027, 2, 28),
        date(2027, 3, 30),
    ]


def test_window_is_open_at_after_and_closed_at_until() -> None:
    cadence = Cadence.daily(hour=9, zone="UTC")

    found = list(occurrences(cadence, utc(2026, 5, 1, 9, 0), utc(2026, 5, 3, 9, 0)))

    assert found == [
        Occurrence(date(2026, 5, 2), utc(2026, 5, 2, 9, 0)),
        Occurrence(date(2026, 5, 3), utc(2026, 5, 3, 9, 0)),
    ]


def test_empty_window_has_no_occurrences() -> None:
    cadence = Cadence.daily(hour=9, zone="UTC")

    assert list(occurrences(cadence, utc(2026, 5, 3), utc(2026, 5, 1))) == []


def test_next_occurrence_is_strictly_after_the_given_instant() -> None:
    cadence = Cadence.daily(hour=2, minute=30, zone="Europe/Berlin")

    at_send = next_occurrence(cadence, utc(2026, 3, 29, 1, 30))
    just_before = next_occurrence(cadence, utc(2026, 3, 29, 1, 29))

    assert at_send == Occurrence(date(2026, 3, 30), utc(2026, 3, 30, 0, 30))
    assert just_before == Occurrence(date(2026, 3, 29), utc(2026, 3, 29, 1, 30))


def test_next_occurrence_accepts_any_aware_instant() -> None:
    cadence = Cadence.weekly(Weekday.MONDAY, hour=9, zone="Australia/Sydney")
    # Sunday 2026-05-10 20:00 in New York is Monday 10:00 in Sydney: this week's 09:00 has passed.
    after = datetime(2026, 5, 10, 20, 0, tzinfo=ZoneInfo("America/New_York"))

    assert next_occurrence(cadence, after) == Occurrence(date(2026, 5, 18), utc(2026, 5, 17, 23, 0))


def test_occurrence_on_turns_a_claimed_due_date_back_into_its_instant() -> None:
    cadence = Cadence.monthly(31, hour=6, zone="America/New_York")

    assert occurrence_on(cadence, date(2026, 2, 28)) == Occurrence(
        date(2026, 2, 28), utc(2026, 2, 28, 11, 0)
    )
    assert occurrence_on(cadence, date(2026, 2, 27)) is None


def test_occurrences_since_starts_at_the_first_due_date_on_or_after_the_day() -> None:
    cadence = Cadence.weekly(Weekday.FRIDAY, hour=7, zone="UTC")

    first = next(occurrences_since(cadence, date(2026, 5, 9)))

    assert first == Occurrence(date(2026, 5, 15), utc(2026, 5, 15, 7, 0))


@pytest.mark.parametrize(
    "instant",
    [datetime(2026, 5, 1, 9, 0), datetime(1800, 1, 1, tzinfo=UTC), "2026-05-01T09:00Z"],
)
def test_naive_or_out_of_range_instant_is_refused_when_called(instant: object) -> None:
    cadence = Cadence.daily(hour=9, zone="UTC")

    with pytest.raises(InvalidSchedule, match="after") as caught:
        occurrences(cadence, instant, utc(2026, 6, 1))  # type: ignore[arg-type]  # on purpose

    assert caught.value.field == "after"


def test_occurrence_needs_a_plain_date_and_a_utc_instant() -> None:
    with pytest.raises(InvalidSchedule, match="due"):
        Occurrence(utc(2026, 5, 1), utc(2026, 5, 1))
    with pytest.raises(InvalidSchedule, match="at must"):
        Occurrence(date(2026, 5, 1), datetime(2026, 5, 1, 9, 0))
