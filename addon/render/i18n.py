"""Words and numbers as a report's reader expects them: labels and Babel formatting per locale.

The language and locale belong to the report or invoice, not to whoever views it: an invoice for
a French client reads "Facture" and "1 234,50 €" in everyone's browser and in every format. So
each renderer receives one `Formatter` and never formats a number itself, which keeps the
figures of HTML, CSV, XLSX and PDF identical. The words themselves live in `labels.py`; they
are re-exported here, so callers import one module.

Durations are shown as decimal hours ("12.50") or as clock hours ("12:30"), chosen per report.
Both are derived from whole seconds; decimal hours round half up to two places, the precision
invoice quantities use, and clock hours round to the nearest minute.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import NamedTuple

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton, format_time
from babel.numbers import format_decimal, format_percent

from addon.render.labels import LABELS, LANGUAGES
from addon.render.numbers import ScaledPattern, date_text, decimal_pattern, money_pattern
from addon.reports.money import Money, round_ratio
from addon.reports.periods import DateRange, load_zone

__all__ = ["LABELS", "LANGUAGES", "DurationStyle", "Formatter", "LineWords", "UnknownLanguage"]

_HUNDREDTH = Decimal("0.01")
_Day = date  # inside `Formatter` the method `date` shadows the type


class LineWords(NamedTuple):
    """Words the invoice engine puts in line descriptions, in one report language."""

    single_item: str
    no_project: str
    no_description: str


class UnknownLanguage(ValueError):
    """The requested locale is not one Babel knows, or its language has no labels here."""


class DurationStyle(StrEnum):
    """How a duration prints: decimal hours (`12.50`) or hours and minutes (`12:30`)."""

    DECIMAL = "decimal"
    CLOCK = "clock"


@dataclass(frozen=True, slots=True)
class Formatter:
    """Labels and number formats of one locale (`en`, `de_DE`, `fr_CH`, ...).

    The labels follow the locale's language; numbers, currencies and dates follow the whole
    locale, so `de_CH` reads German words with Swiss separators.
    """

    locale: str = "en"
    durations: DurationStyle = DurationStyle.DECIMAL
    _parsed: Locale = field(init=False, repr=False, compare=False)
    _id: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            parsed = Locale.parse(str(self.locale).replace("-", "_"))
        except (UnknownLocaleError, ValueError, TypeError):
            raise UnknownLanguage(f"{self.locale!r} is not a known locale.") from None
        if parsed.language not in LABELS:
            choices = ", ".join(LANGUAGES)
            raise UnknownLanguage(f"Reports are written in {choices}; not in {self.locale!r}.")
        object.__setattr__(self, "_parsed", parsed)  # parsed once: renderers format 100k cells
        object.__setattr__(self, "_id", str(parsed))  # the key of the compiled patterns

    @property
    def language(self) -> str:
        return str(self._parsed.language)

    def _babel(self) -> Locale:
        return self._parsed

    def label(self, key: str, **values: str) -> str:
        """The label `key` in this language, with `{placeholders}` filled from `values`."""
        text = LABELS[self.language][key]
        return text.format(**values) if values else text

    def count(self, key: str, count: int) -> str:
        """`key_one` or `key_other` by the locale's plural rule, `{count}` grouped: "1 entry".

        CLDR names more categories ("many" in French for a million); every language here
        writes those like "other", so only "one" gets its own label.
        """
        form = "one" if self._parsed.plural_form(count) == "one" else "other"
        return self.label(f"{key}_{form}", count=self.number(count, places=0))

    def listing(self, items: list[str]) -> str:
        """Figures side by side: "2 entries, 4 h" ("2件、4時間" in Japanese).

        A plain separator, not Babel's list patterns: those add "and" before the last item,
        which reads wrongly between figures, and the pinned Babel lacks them for `de` and `nl`.
        """
        return ("\u3001" if self.language == "ja" else ", ").join(items)

    def without(self, dimension: str) -> str:
        """ "Without project", "Ohne Projekt", "プロジェクトなし": German keeps its capital noun."""
        word = dimension if self.language == "de" else dimension.lower()
        return self.label("without", dimension=word)

    def line_words(self) -> LineWords:
        """The words invoice lines are built with: `InvoiceTerms`' `*_label` fields."""
        return LineWords(
            single_item=self.label("professional_services"),
            no_project=self.without(self.label("project")),
            no_description=self.label("no_description"),
        )

    def money(self, amount: Money) -> str:
        """`1.234,50 €` (de), `€1,234.50` (en), with the currency's own decimal places.

        Exactly Babel's `format_currency` of the exact amount, through a pattern compiled once
        per locale and currency (`numbers.py`).
        """
        return money_pattern(self._id, amount.currency)(amount.minor)

    def money_pattern(self, currency: str) -> ScaledPattern:
        """The compiled pattern `money` prints `currency` with: whole minor units in, text out.

        For writers that format many amounts without building a `Money` for each.
        """
        return money_pattern(self._id, currency)

    def number(self, value: Decimal | int, places: int = 2) -> str:
        """A plain number with exactly `places` decimals, grouped the locale's way."""
        pattern = "#,##0" + ("." + "0" * places if places else "")
        return format_decimal(value, format=pattern, locale=self._babel())

    def number_pattern(self, places: int) -> ScaledPattern:
        """The compiled pattern of `number(x, places)`: whole `10**-places` units in, text out."""
        return decimal_pattern(self._id, places)

    def percent(self, value: Decimal) -> str:
        """`value` percent (Decimal("7.5") is 7.5 %) with up to three decimals."""
        return format_percent(value / 100, locale=self._babel(), decimal_quantization=False)

    def date(self, day: date) -> str:
        """The locale's medium date: `Jan 5, 2025`, `05.01.2025`, `5 janv. 2025`."""
        return date_text(self._id, day)

    def period(self, span: DateRange) -> str:
        """Both ends of a period as medium dates joined by an en dash."""
        return f"{self.date(span.start)} \u2013 {self.date(span.end)}"

    def month(self, day: _Day) -> str:
        """The month `day` falls in, spelled out: `May 2024`, `mayo de 2024`, `2024年5月`.

        A CLDR skeleton, not a fixed pattern: the locale orders month and year and adds its
        own words (`de`, `年`), where `MMMM yyyy` printed `5月 2024` in Japanese.
        """
        return format_skeleton("yMMMM", day, locale=self._babel())

    def time(self, instant: datetime, zone: str) -> str:
        """The locale's short time of day of `instant` in `zone`: `9:05 AM`, `09:05`.

        `instant` must be timezone-aware: a naive time has no single local reading, and reading
        it as UTC would silently shift every entry of a report in another zone. An unknown
        `zone` raises `UnknownTimeZone`.
        """
        if instant.tzinfo is None or instant.utcoffset() is None:
            raise ValueError("time() needs a timezone-aware datetime (UTC in the model).")
        return format_time(instant, format="short", tzinfo=load_zone(zone), locale=self._babel())

    def hours(self, seconds: int) -> Decimal:
        """Decimal hours with two places, rounded half up: the raw figure behind `duration`."""
        return (Decimal(seconds) / 3600).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)

    def duration(self, seconds: int) -> str:
        """`12.50` / `12,50` (decimal) or `12:30` (clock), per this report's duration style."""
        if self.durations is DurationStyle.CLOCK:
            minutes = (abs(seconds) + 30) // 60
            sign = "-" if seconds < 0 else ""
            return f"{sign}{minutes // 60}:{minutes % 60:02d}"
        return decimal_pattern(self._id, 2)(round_ratio(seconds * 100, 3600))
