"""When a schedule sends: daily, weekly on a weekday, or monthly on a day, at a local time.

A `Cadence` is a frozen value validated on construction, so a bad schedule fails when the user
saves it, not at 02:30 on a Sunday. The send time is a wall-clock time in the schedule's IANA
zone; `addon.schedules.times` turns it into UTC instants and owns the DST rule.

Monthly days: 1 to 28 exist in every month. 29, 30 and 31 mean "that day, or the month's last
day when the month is shorter" (a schedule on the 31st sends on Feb 28, or Feb 29 in a leap
year, and on Apr 30), so no month is ever skipped. `LAST_DAY` always means the last day.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum
from typing import Final, Literal

from addon.reports.errors import UnknownTimeZone, shorten
from addon.reports.periods import Weekday, load_zone
from addon.schedules.errors import InvalidSchedule, UnknownScheduleZone

__all__ = ["LAST_DAY", "Cadence", "Frequency", "MonthDay"]

LAST_DAY: Final = "LAST"
"""`Cadence.month_day` value for "the last day of every month"."""

MonthDay = int | Literal["LAST"]


class Frequency(StrEnum):
    """How often a schedule sends."""

    DAILY = "DAILY"
    WEEKLY = "WEEKLY"
    MONTHLY = "MONTHLY"


def _check_whole(field: str, value: object, low: int, high: int) -> None:
    # bool is an int subclass; True is never a meaningful hour or day.
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidSchedule(
            field, f"{field} must be a whole number from {low} to {high}, not {shorten(value)}."
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Cadence:
    """A validated recurrence: `frequency`, local send time `hour`:`minute`, IANA `zone`.

    WEEKLY needs `weekday`; MONTHLY needs `month_day` (1 to 31 or `LAST_DAY`, see the module
    docstring). Each field is refused where it does not apply, so one stored shape means one
    schedule. Build one with `Cadence.daily(...)`, `Cadence.weekly(...)` or `Cadence.monthly(...)`.
    """

    frequency: Frequency
    hour: int
    minute: int = 0
    zone: str
    weekday: Weekday | None = None
    month_day: MonthDay | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.frequency, Frequency):
            names = ", ".join(Frequency)
            raise InvalidSchedule(
                "frequency", f"frequency must be one of {names}, not {shorten(self.frequency)}."
            )
        _check_whole("hour", self.hour, 0, 23)
        _check_whole("minute", self.minute, 0, 59)
        self._check_zone()
        self._check_weekday()
        self._check_month_day()

    def _check_zone(self) -> None:
        try:
            if not isinstance(self.zone, str):
                raise UnknownTimeZone("not a string")
            load_zone(self.zone)
        except UnknownTimeZone:
            raise UnknownScheduleZone(
                "zone",
                f"zone must be an IANA time-zone name such as 'Europe/Berlin', "
                f"not {shorten(self.zone)}.",
            ) from None

    def _check_weekday(self) -> None:
        if self.frequency is not Frequency.WEEKLY:
            if self.weekday is not None:
                raise InvalidSchedule(
                    "weekday", f"weekday applies only to WEEKLY schedules, not {self.frequency}."
                )
        elif not isinstance(self.weekday, Weekday):
            names = ", ".join(Weekday)
            raise InvalidSchedule(
                "weekday",
                f"A WEEKLY schedule needs a weekday ({names}), not {shorten(self.weekday)}.",
            )

    def _check_month_day(self) -> None:
        if self.frequency is not Frequency.MONTHLY:
            if self.month_day is not None:
                raise InvalidSchedule(
                    "month_day",
                    f"month_day applies only to MONTHLY schedules, not {self.frequency}.",
                )
            return
        day = self.month_day
        if day == LAST_DAY:
            return
        if isinstance(day, bool) or not isinstance(day, int) or not 1 <= day <= 31:
            raise InvalidSchedule(
                "month_day",
                f"A MONTHLY schedule needs month_day 1 to 31 or {LAST_DAY!r}, not {shorten(day)}.",
            )

    @classmethod
    def daily(cls, *, hour: int, minute: int = 0, zone: str) -> Cadence:
        """Every day at `hour`:`minute` in `zone`."""
        return cls(frequency=Frequency.DAILY, hour=hour, minute=minute, zone=zone)

    @classmethod
    def weekly(cls, weekday: Weekday, *, hour: int, minute: int = 0, zone: str) -> Cadence:
        """Every `weekday` at `hour`:`minute` in `zone`."""
        return cls(frequency=Frequency.WEEKLY, weekday=weekday, hour=hour, minute=minute, zone=zone)

    @classmethod
    def monthly(cls, day: MonthDay, *, hour: int, minute: int = 0, zone: str) -> Cadence:
        """Every month on `day` (1-31, clamped to the month's end, or `LAST_DAY`)."""
        return cls(frequency=Frequency.MONTHLY, month_day=day, hour=hour, minute=minute, zone=zone)

    @property
    def send_time(self) -> time:
        """The local wall-clock send time (no zone attached: it is read in `zone`)."""
        return time(self.hour, self.minute)

    def day_in(self, year: int, month: int) -> int:
        """The day of `month` a MONTHLY cadence sends on: `month_day` clamped to the month."""
        last = calendar.monthrange(year, month)[1]
        if self.month_day is None or self.month_day == LAST_DAY:
            return last
        return min(int(self.month_day), last)

    def falls_on(self, day: date) -> bool:
        """Whether the local calendar day `day` is one this cadence sends on."""
        if self.frequency is Frequency.DAILY:
            return True
        if self.frequency is Frequency.WEEKLY:
            return self.weekday is not None and day.weekday() == self.weekday.number
        return day.day == self.day_in(day.year, day.month)
