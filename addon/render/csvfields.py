"""CSV fields: formula neutralising, and the figures of a detailed row from plain integers.

`write_entries_csv` writes 100,000 rows, and its figures are what miss the caches: durations
spread over thousands of seconds and each amount is its own. So the fields are keyed on what
the text depends on, not on the raw value: decimal hours on whole hundredths of an hour (a few
hundred values where seconds have tens of thousands), the day on the UTC hour an entry starts
in. What is left on a miss is integer arithmetic through the compiled patterns of `numbers.py`.
The strings are the ones `csvfile._fields` makes from the `detailed_table` cells, byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Final

from addon.render.i18n import DurationStyle, Formatter
from addon.render.numbers import parts_function
from addon.reports.money import round_ratio
from addon.reports.periods import load_zone

__all__ = ["FORMULA_FIRSTS", "EntryFields", "neutralise"]

_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
FORMULA_FIRSTS: Final = frozenset(_FORMULA_STARTS)
"""First characters `neutralise` prefixes: `text[:1] in FORMULA_FIRSTS` is its test inline."""

_HOUR_END: Final = timedelta(hours=1, microseconds=-1)


def neutralise(text: str) -> str:
    """`text`, prefixed with `'` when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


Fields = tuple[str, str, str]


class EntryFields:
    """A detailed row's figures as CSV fields, memoised in bounded caches, for one export.

    `duration(seconds)` gives seconds, decimal hours and the text; `amount(minor, currency)`
    major units, currency and text; `day(start)` the ISO day and its text in `zone`.
    """

    def __init__(self, fmt: Formatter, zone: str) -> None:
        self.fmt = fmt
        self.tz = load_zone(zone)
        self.decimal_hours = fmt.durations is DurationStyle.DECIMAL
        self.hours_parts = parts_function(fmt.number_pattern(2))
        self.by_hundredths = lru_cache(maxsize=4096)(self._hours)
        self.by_seconds = lru_cache(maxsize=8192)(self._duration)
        self.by_day = lru_cache(maxsize=4096)(self._day)
        self.by_utc_hour = lru_cache(maxsize=8192)(self._utc_hour)
        self.money_parts: dict[str, Callable[[int], tuple[str, str]]] = {}

    def duration(self, seconds: int) -> Fields:
        """`(seconds, hours, text)`; decimal hours of non-negative seconds hit a small cache."""
        if seconds >= 0 and self.decimal_hours:
            # round_ratio(seconds * 100, 3600), half up, for non-negative seconds
            return (str(seconds), *self.by_hundredths((seconds * 100 + 1800) // 3600))
        return self.by_seconds(seconds)

    def _hours(self, hundredths: int) -> tuple[str, str]:
        hours, text = self.hours_parts(hundredths)
        return hours, neutralise(text)

    def _duration(self, seconds: int) -> Fields:
        hours, text = self.hours_parts(round_ratio(seconds * 100, 3600))  # `fmt.hours`
        text = text if self.decimal_hours else self.fmt.duration(seconds)
        return str(seconds), hours, neutralise(text)

    def amount(self, minor: int, currency: str) -> Fields:
        """`(major units, currency, text)`, from the currency's compiled pattern."""
        parts = self.money_parts.get(currency)
        if parts is None:
            parts = self.money_parts[currency] = parts_function(self.fmt.money_pattern(currency))
        major, text = parts(minor)
        return major, currency, neutralise(text)

    def day(self, start: datetime) -> tuple[str, str]:
        """The ISO day and its medium text of `start` in the zone, cached per UTC hour."""
        if start.tzinfo is UTC:
            fields = self.by_utc_hour(start.date(), start.hour)
            if fields is not None:
                return fields
        return self.by_day(start.astimezone(self.tz).date())

    def _utc_hour(self, day: date, hour: int) -> tuple[str, str] | None:
        """The fields of every instant of this UTC hour, or None when the local day changes in
        it (offsets that are not whole hours, or a transition within the hour)."""
        first = datetime.combine(day, time(hour), UTC).astimezone(self.tz)
        last = (datetime.combine(day, time(hour), UTC) + _HOUR_END).astimezone(self.tz)
        if first.date() != last.date() or first.utcoffset() != last.utcoffset():
            return None
        return self.by_day(first.date())

    def _day(self, day: date) -> tuple[str, str]:
        return day.isoformat(), neutralise(self.fmt.date(day))
