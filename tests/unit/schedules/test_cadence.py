"""A cadence is validated when it is built, and each refusal names the field to fix."""

from __future__ import annotations

from datetime import date, time

import pytest

from addon.reports.errors import ReportError, UnknownTimeZone
from addon.reports.periods import Weekday
from addon.schedules import LAST_DAY, Cadence, Frequency, InvalidSchedule, UnknownScheduleZone


def test_weekly_cadence_keeps_its_weekday_and_send_time() -> None:
    cadence = Cadence.weekly(Weekday.FRIDAY, hour=17, minute=45, zone="Asia/Kolkata")

    assert cadence.frequency is Frequency.WEEKLY
    assert cadence.weekday is Weekday.FRIDAY
    assert cadence.send_time == time(17, 45)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"frequency": "DAILY", "hour": 9, "zone": "UTC"}, "frequency"),
        ({"frequency": Frequency.DAILY, "hour": 24, "zone": "UTC"}, "hour"),
        ({"frequency": Frequency.DAILY, "hour": -1, "zone": "UTC"}, "hour"),
        ({"frequency": Frequency.DAILY, "hour": True, "zone": "UTC"}, "hour"),
        ({"frequency": Frequency.DAILY, "hour": 9, "minute": 60, "zone": "UTC"}, "minute"),
        ({"frequency": Frequency.DAILY, "hour": 9, "minute": 1.5, "zone": "UTC"}, "minute"),
        ({"frequency": Frequency.WEEKLY, "hour": 9, "zone": "UTC"}, "weekday"),
        ({"frequency": Frequency.WEEKLY, "hour": 9, "zone": "UTC", "weekday": "MON"}, "weekday"),
        (
            {"frequency": Frequency.DAILY, "hour": 9, "zone": "UTC", "weekday": Weekday.MONDAY},
            "weekday",
        ),
        ({"frequency": Frequency.MONTHLY, "hour": 9, "zone": "UTC"}, "month_day"),
        ({"frequency": Frequency.MONTHLY, "hour": 9, "zone": "UTC", "month_day": 0}, "month_day"),
        ({"frequency": Frequency.MONTHLY, "hour": 9, "zone": "UTC", "month_day": 32}, "month_day"),
        (
            {"frequency": Frequency.MONTHLY, "hour": 9, "zone": "UTC", "month_day": "last"},
            "month_day",
        ),
        ({"frequency": Frequency.WEEKLY, "hour": 9, "zone": "UTC", "month_day": 1}, "weekday"),
        (
            {
                "frequency": Frequency.WEEKLY,
                "hour": 9,
                "zone": "UTC",
                "weekday": Weekday.MONDAY,
                "month_day": 1,
            },
            "month_day",
        ),
    ],
)
def test_out_of_range_field_is_refused_by_name(fields: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidSchedule, match=field) as caught:
        Cadence(**fields)  # type: ignore[arg-type]  # deliberately wrong types

    assert caught.value.field == field
    assert isinstance(caught.value, ReportError)


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "../etc/passwd", "Europe/"])
def test_unknown_zone_is_refused_as_both_schedule_and_zone_error(zone: str) -> None:
    with pytest.raises(UnknownScheduleZone, match="zone must be an IANA") as caught:
        Cadence.daily(hour=9, zone=zone)

    assert isinstance(caught.value, UnknownTimeZone)
    assert caught.value.field == "zone"
    assert caught.value.code == "unknown_time_zone"


def test_zone_that_is_not_a_string_is_refused() -> None:
    with pytest.raises(UnknownScheduleZone):
        Cadence.daily(hour=9, zone=7)  # type: ignore[arg-type]  # deliberately wrong type


def test_cadence_is_frozen() -> None:
    cadence = Cadence.daily(hour=9, zone="UTC")

    with pytest.raises(AttributeError):
        cadence.hour = 10  # type: ignore[misc]  # the point of the test


@pytest.mark.parametrize(
    ("month_day", "year", "month", "expected"),
    [
        (31, 2027, 2, 28),
        (31, 2028, 2, 29),
        (30, 2028, 2, 29),
        (29, 2027, 2, 28),
        (31, 2027, 4, 30),
        (31, 2027, 5, 31),
        (15, 2027, 2, 15),
        (LAST_DAY, 2027, 2, 28),
        (LAST_DAY, 2028, 2, 29),
        (LAST_DAY, 2027, 12, 31),
    ],
)
def test_monthly_day_is_clamped_to_the_end_of_shorter_months(
    month_day: int | str, year: int, month: int, expected: int
) -> None:
    cadence = Cadence.monthly(month_day, hour=9, zone="UTC")  # type: ignore[arg-type]  # LAST

    assert cadence.day_in(year, month) == expected


def test_falls_on_matches_the_chosen_weekday_only() -> None:
    cadence = Cadence.weekly(Weekday.SUNDAY, hour=9, zone="UTC")

    assert cadence.falls_on(date(2026, 5, 10))  # a Sunday
    assert not cadence.falls_on(date(2026, 5, 11))
