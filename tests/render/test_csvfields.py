"""The detailed CSV's fast fields print exactly what the general formatters print."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from babel.numbers import format_currency

from addon.render.csvfields import EntryFields, neutralise
from addon.render.i18n import DurationStyle, Formatter
from addon.render.numbers import decimal_pattern, money_pattern, parts_function

LOCALES = ("en", "de", "fr", "es", "it", "nl", "pt", "ja", "de_CH", "en_IN")
CURRENCIES = ("USD", "EUR", "JPY", "KWD", "CHF", "INR")
ZONES = ("UTC", "Europe/Berlin", "Asia/Kathmandu", "America/St_Johns", "Australia/Lord_Howe")


def _units(seed: int) -> list[int]:
    """Edges around each power of ten, both signs, and random units up to 10**13."""
    rng = random.Random(seed)
    powers = [sign * (10**n + d) for n in range(14) for sign in (1, -1) for d in (-1, 0, 1)]
    randoms = [
        rng.randint(-(10 ** rng.randint(1, 13)), 10 ** rng.randint(1, 13)) for _ in range(300)
    ]
    return [0, *powers, *randoms]


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("currency", CURRENCIES)
def test_fast_money_parts_match_the_pattern_and_babel(locale: str, currency: str) -> None:
    pattern = money_pattern(locale, currency)
    parts = parts_function(pattern)

    for minor in _units(sum(map(ord, locale + currency))):
        exact = Decimal(minor).scaleb(-pattern.places)
        assert parts(minor) == pattern.parts(minor), minor
        assert parts(minor)[1] == format_currency(exact, currency, locale=locale), minor


@pytest.mark.parametrize("locale", LOCALES)
def test_fast_hours_parts_match_the_decimal_pattern(locale: str) -> None:
    pattern = decimal_pattern(locale, 2)
    parts = parts_function(pattern)

    for units in _units(len(locale)):
        assert parts(units) == pattern.parts(units), units


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("style", list(DurationStyle))
def test_duration_fields_match_the_formatter(locale: str, style: DurationStyle) -> None:
    fmt = Formatter(locale, durations=style)
    fields = EntryFields(fmt, "UTC")
    rng = random.Random(locale)
    samples = [0, 1, 17, 18, 35, 36, 1799, 1800, -18, -36, -3600, 3_600_000_017]
    samples += [rng.randint(-100_000, 10**8) for _ in range(2_000)]

    for seconds in samples:
        hours = format(fmt.hours(seconds), "f")
        expected = (str(seconds), hours, neutralise(fmt.duration(seconds)))
        assert fields.duration(seconds) == expected, seconds


@pytest.mark.parametrize("locale", LOCALES)
def test_amount_fields_match_the_formatter(locale: str) -> None:
    fmt = Formatter(locale)
    fields = EntryFields(fmt, "UTC")

    for currency in CURRENCIES:
        for minor in _units(len(currency)):
            pattern = fmt.money_pattern(currency)
            major = format(Decimal(minor).scaleb(-pattern.places), "f")
            expected = (major, currency, neutralise(pattern(minor)))
            assert fields.amount(minor, currency) == expected, minor


@pytest.mark.parametrize("zone", ZONES)
def test_day_fields_follow_the_zone_across_offsets_and_transitions(zone: str) -> None:
    fmt = Formatter("de")
    fields = EntryFields(fmt, zone)
    rng = random.Random(zone)
    base = datetime(1985, 1, 1, tzinfo=UTC)
    starts = [base + timedelta(seconds=rng.randint(0, 45 * 365 * 86400)) for _ in range(3_000)]
    starts += [
        datetime(2024, 3, 31, 0, 0, tzinfo=UTC) + timedelta(minutes=7 * i) for i in range(600)
    ]
    starts += [
        datetime(2024, 4, 6, 14, 0, tzinfo=UTC) + timedelta(minutes=7 * i) for i in range(600)
    ]
    tz = ZoneInfo(zone)
    for start in starts:
        day = start.astimezone(tz).date()
        assert fields.day(start) == (day.isoformat(), neutralise(fmt.date(day))), start
        other = start.astimezone(ZoneInfo("America/New_York"))
        assert fields.day(other) == (day.isoformat(), neutralise(fmt.date(day))), other
