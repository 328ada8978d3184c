"""The compiled patterns print exactly what Babel's own functions print."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from addon.render.i18n import LANGUAGES, DurationStyle, Formatter
from addon.render.numbers import date_text, decimal_pattern, money_pattern
from addon.reports.money import Money

LOCALES = ("en", "de", "fr", "es", "it", "nl", "pt", "ja", "de_CH", "fr_CH", "en_IN")
CURRENCIES = ("USD", "EUR", "JPY", "KWD", "CHF", "GBP", "BRL", "INR")


def _amounts(seed: int) -> list[int]:
    """Edges (zero, one unit, each power of ten, signs) and random minor amounts up to 10**15."""
    rng = random.Random(seed)
    edges = [0, 1, -1, 5, 50, 99, 100, 101, 999, 1000, 1001]
    powers = [sign * 10**n + d for n in range(16) for sign in (1, -1) for d in (-1, 0)]
    randoms = [
        rng.randint(-(10 ** rng.randint(1, 15)), 10 ** rng.randint(1, 15)) for _ in range(200)
    ]
    return [*edges, *powers, *randoms]


def test_every_report_language_is_covered() -> None:
    assert set(LANGUAGES) <= set(LOCALES)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("currency", CURRENCIES)
def test_money_matches_babel_format_currency(locale: str, currency: str) -> None:
    pattern = money_pattern(locale, currency)

    for minor in _amounts(sum(map(ord, locale + currency))):
        exact = Decimal(minor).scaleb(-pattern.places)
        assert pattern(minor) == format_currency(exact, currency, locale=locale), minor


@pytest.mark.parametrize("locale", LOCALES)
def test_formatter_money_matches_babel_for_jpy_and_kwd(locale: str) -> None:
    fmt = Formatter(locale)

    assert fmt.money(Money(1234567, "JPY")) == format_currency(1234567, "JPY", locale=locale)
    kwd = format_currency(Decimal("-1234.567"), "KWD", locale=locale)
    assert fmt.money(Money(-1234567, "KWD")) == kwd


@pytest.mark.parametrize("locale", LOCALES)
def test_decimal_matches_babel_format_decimal(locale: str) -> None:
    for places in (0, 2, 3):
        pattern = decimal_pattern(locale, places)
        expected_format = "#,##0" + ("." + "0" * places if places else "")
        for units in _amounts(places):
            exact = Decimal(units).scaleb(-places)
            assert pattern(units) == format_decimal(exact, format=expected_format, locale=locale)


@pytest.mark.parametrize("locale", LOCALES)
def test_decimal_durations_round_half_up_and_print_like_babel(locale: str) -> None:
    fmt = Formatter(locale)
    seconds = [0, 1, 17, 18, 19, 35, 36, 54, 90, 3599, 3600, 45_000, 3_600_000_018, 10**10]

    for value in [*seconds, *range(0, 200_000, 97)]:
        hours = (Decimal(value) / 3600).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        expected = format_decimal(hours, format="#,##0.00", locale=locale)
        assert fmt.duration(value) == expected, value


def test_clock_durations_round_to_the_minute() -> None:
    fmt = Formatter("de_DE", durations=DurationStyle.CLOCK)

    assert [fmt.duration(s) for s in (0, 29, 30, 3599, 45_000)] == [
        "0:00",
        "0:00",
        "0:01",
        "1:00",
        "12:30",
    ]


@pytest.mark.parametrize("locale", LOCALES)
def test_dates_match_babel_medium_dates(locale: str) -> None:
    days = [date(2024, 1, 1) + timedelta(days=n) for n in range(0, 800, 7)]

    for day in days:
        assert date_text(locale, day) == format_date(day, "medium", locale=locale)
