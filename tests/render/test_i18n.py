"""Labels and Babel formats follow the report's locale, whoever views it."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from addon.render.i18n import LABELS, LANGUAGES, DurationStyle, Formatter, UnknownLanguage
from addon.reports.errors import UnknownTimeZone
from addon.reports.money import Money
from addon.reports.periods import DateRange


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_every_label(language: str) -> None:
    assert set(LABELS[language]) == set(LABELS["en"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_translation_has_the_placeholders_of_the_english_label(language: str) -> None:
    def placeholders(text: str) -> set[str]:
        return set(re.findall(r"{(\w+)}", text))

    for key, english in LABELS["en"].items():
        assert placeholders(LABELS[language][key]) == placeholders(english), key
        assert LABELS[language][key].strip(), key
        assert LABELS[language][key] == " ".join(LABELS[language][key].split()), key


def test_the_languages_are_exactly_the_label_tables() -> None:
    assert LANGUAGES == tuple(LABELS)
    assert {"en", "de", "fr", "es", "it", "nl", "pt", "ja"} <= set(LANGUAGES)


@pytest.mark.parametrize("language", [language for language in LANGUAGES if language != "en"])
def test_a_translation_is_not_the_english_table_copied(language: str) -> None:
    same = [key for key, english in LABELS["en"].items() if LABELS[language][key] == english]

    assert len(same) <= 8, same  # "Total", "Project", "Tag", "No": a few words are shared


@pytest.mark.parametrize(
    ("locale", "other", "yes", "no", "capped"),
    [
        ("en", "Other (3)", "Yes", "No", "first 20,000 of 31,000 entries"),
        ("de_DE", "Sonstige (3)", "Ja", "Nein", "ersten 20.000 von 31.000 Einträgen"),
        ("fr_FR", "Autres (3)", "Oui", "Non", "20\u202f000 premières entrées sur 31\u202f000"),
        ("es_ES", "Otros (3)", "Sí", "No", "primeros 20.000 de 31.000 registros"),
        ("it_IT", "Altri (3)", "Sì", "No", "prime 20.000 registrazioni su 31.000"),
        ("nl_NL", "Overig (3)", "Ja", "Nee", "eerste 20.000 van 31.000 registraties"),
        ("pt_BR", "Outros (3)", "Sim", "Não", "primeiros 20.000 de 31.000 registros"),
        ("ja_JP", "その他 (3)", "はい", "いいえ", "全31,000件中、最初の20,000件"),
    ],
)
def test_labels_the_renderers_asked_for_exist_in_every_language(
    locale: str, other: str, yes: str, no: str, capped: str
) -> None:
    fmt = Formatter(locale)

    notice = fmt.label(
        "rows_capped", shown=fmt.number(20_000, places=0), total=fmt.number(31_000, places=0)
    )

    assert fmt.label("other", count="3") == other
    assert (fmt.label("yes"), fmt.label("no")) == (yes, no)
    assert capped in notice and "CSV" in notice and "XLSX" in notice


@pytest.mark.parametrize(
    ("locale", "month", "time"),
    [
        ("en", "May 2024", "11:05\u202fAM"),
        ("en_GB", "May 2024", "11:05"),
        ("de_DE", "Mai 2024", "11:05"),
        ("fr_FR", "mai 2024", "11:05"),
        ("es_ES", "mayo de 2024", "11:05"),
        ("it_IT", "maggio 2024", "11:05"),
        ("nl_NL", "mei 2024", "11:05"),
        ("pt_BR", "maio de 2024", "11:05"),
        ("ja_JP", "2024年5月", "11:05"),
    ],
)
def test_months_and_times_of_day_follow_the_locale(locale: str, month: str, time: str) -> None:
    fmt = Formatter(locale)
    instant = datetime(2024, 5, 31, 9, 5, tzinfo=UTC)  # 11:05 in Berlin (CEST)

    assert fmt.month(date(2024, 5, 31)) == month
    assert fmt.time(instant, "Europe/Berlin") == time


def test_time_of_day_crosses_midnight_into_the_zone_and_refuses_naive_times() -> None:
    fmt = Formatter("de_DE")

    assert fmt.time(datetime(2024, 1, 1, 23, 30, tzinfo=UTC), "Asia/Tokyo") == "08:30"
    with pytest.raises(ValueError, match="timezone-aware"):
        fmt.time(datetime(2024, 1, 1, 23, 30), "UTC")
    with pytest.raises(UnknownTimeZone):
        fmt.time(datetime(2024, 1, 1, tzinfo=UTC), "Mars/Olympus")


@pytest.mark.parametrize(
    ("locale", "money", "day", "hours"),
    [
        ("en", "€1,234.50", "Jan 5, 2025", "12.50"),
        ("de_DE", "1.234,50\xa0€", "05.01.2025", "12,50"),
        ("fr_FR", "1\u202f234,50\xa0€", "5 janv. 2025", "12,50"),
        ("de-CH", "EUR\xa01\u2019234.50", "05.01.2025", "12.50"),
        ("es_ES", "1.234,50\xa0€", "5 ene 2025", "12,50"),
        ("it_IT", "1.234,50\xa0€", "5 gen 2025", "12,50"),
        ("nl_NL", "€\xa01.234,50", "5 jan 2025", "12,50"),
        ("pt_BR", "€\xa01.234,50", "5 de jan. de 2025", "12,50"),
        ("ja_JP", "€1,234.50", "2025/01/05", "12.50"),
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
    assert Formatter("es_MX").label("due_date") == "Fecha de vencimiento"
    assert Formatter("pt_BR").label("bill_to") == "Faturar para"
    assert Formatter("ja_JP").label("without", dimension="プロジェクト") == "プロジェクトなし"
    assert Formatter("ja_JP").label("page_of", page="1", pages="3") == "1 / 3 ページ"
    assert Formatter("de").label("without", dimension="Projekt") == "Ohne Projekt"
    assert Formatter("de").percent(Decimal("7.5")) == "7,5\xa0%"
    assert Formatter("en").percent(Decimal("19")) == "19%"


@pytest.mark.parametrize("locale", ["xx", "sw", "sw_KE", "zh_CN", "", "zz_ZZ"])
def test_an_unsupported_locale_is_refused_by_name(locale: str) -> None:
    with pytest.raises(UnknownLanguage):
        Formatter(locale)


def test_a_period_joins_both_dates_with_an_en_dash() -> None:
    span = DateRange(date(2026, 11, 1), date(2026, 11, 30))

    assert Formatter("en").period(span) == "Nov 1, 2026 \u2013 Nov 30, 2026"
    assert Formatter("de_DE").period(span) == "01.11.2026 \u2013 30.11.2026"
