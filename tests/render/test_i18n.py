"""Labels and Babel formats follow the report's locale, whoever views it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from addon.render.i18n import LABELS, DurationStyle, Formatter, UnknownLanguage
from addon.reports.money import Money


def test_every_language_has_every_label() -> None:
    keys = set(LABELS["en"])
    for language, labels in LABELS.items():
        assert set(labels) == keys, language


@pytest.mark.parametrize(
    ("locale", "money", "day", "hours"),
    [
        ("en", "€1,234.50", "Jan 5, 2025", "12.50"),
        ("de_DE", "1.234,50\xa0€", "05.01.2025", "12,50"),
        ("fr_FR", "1\u202f234,50\xa0€", "5 janv. 2025", "12,50"),
        ("de-CH", "EUR\xa01\u2019234.50", "05.01.2025", "12.50"),
    ],
)
def test_numbers_dates_and_money_follow_the_locale(
    locale: str, money: str, day: str, hours: str
) -> None:
    formatter = Formatter(locale)
    assert formatter.money(Money(123450, "EUR")) == money
    assert formatter.date(date(2025, 1, 5)) == day
    assert formatter.duration(45_000) == hours


def test_currencies_keep_their_own_decimal_places() -> None:
    assert Formatter("en").money(Money(1234, "JPY")) == "¥1,234"
    assert Formatter("en").money(Money(1234, "KWD")) == "KWD1.234"


def test_durations_round_half_up_in_either_style() -> None:
    decimal = Formatter("en")
    clock = Formatter("en", DurationStyle.CLOCK)
    assert decimal.hours(18) == Decimal("0.01")  # 0.005 h rounds up
    assert decimal.duration(17) == "0.00"
    assert clock.duration(45_000) == "12:30"
    assert clock.duration(29) == "0:00"
    assert clock.duration(30) == "0:01"
    assert clock.duration(-90) == "-0:02"
    assert clock.duration(360_000) == "100:00"


def test_labels_follow_the_language_and_fill_placeholders() -> None:
    assert Formatter("fr_CA").label("invoice") == "Facture"
    assert Formatter("de").label("without", dimension="Projekt") == "Ohne Projekt"
    assert Formatter("de").percent(Decimal("7.5")) == "7,5\xa0%"
    assert Formatter("en").percent(Decimal("19")) == "19%"


@pytest.mark.parametrize("locale", ["xx", "es", "", "zz_ZZ"])
def test_an_unsupported_locale_is_refused_by_name(locale: str) -> None:
    with pytest.raises(UnknownLanguage):
        Formatter(locale)
