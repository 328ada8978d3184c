"""Money, decimal hours and dates through Babel patterns compiled once per locale and currency.

`format_currency` re-reads the locale's pattern, symbols and the currency's digits on every call
(about 30 us), which dominates a 100,000-row export. Here the pattern Babel would use is taken
apart once (prefix and suffix per sign with the currency symbol in place, group and decimal
symbols, grouping sizes) into a `ScaledPattern` that prints an integer count of the smallest
unit with string operations only. Babel stays the authority: each compiled pattern is checked
against Babel's own `NumberPattern.apply` on probe values when it is built, and any pattern
this shortcut cannot express (scientific, significant digits, scaling, a pattern whose text
depends on the value) keeps calling Babel.

Rounding never happens here: callers pass whole minor units (our rule in `reports/money.py`)
or whole hundredths of an hour, so Babel, which would round half-even, only ever sees an exact
`Decimal` with the right number of places.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from typing import Final

from babel import Locale
from babel.dates import DateTimePattern, get_date_format
from babel.numbers import (
    NumberPattern,
    get_currency_precision,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
    parse_pattern,
)

__all__ = ["ScaledPattern", "date_text", "decimal_pattern", "money_pattern", "parts_function"]

_PROBES: Final = (0, 1, -1, 7, 99, 100, -100, 1234, 12345, -12345, 1_234_567, -98_765_432_101)


@dataclass(frozen=True, slots=True)
class ScaledPattern:
    """Prints `units` (a count of 10**-places) as Babel would print `units * 10**-places`.

    `slow` is Babel's own call, kept for patterns the fast path cannot express.
    """

    places: int
    prefixes: tuple[str, str]
    suffixes: tuple[str, str]
    group: str
    decimal: str
    grouping: tuple[int, int]
    min_int: int
    slow: Callable[[Decimal], str] | None = None

    def __call__(self, units: int) -> str:
        return self.parts(units)[1]

    def parts(self, units: int) -> tuple[str, str]:
        """`plain_decimal(units, places)` and the formatted text, sharing one division."""
        places = self.places
        negative = units < 0
        whole, fraction = divmod(-units if negative else units, 10**places)
        digits = str(fraction).zfill(places) if places else ""
        sign = "-" if negative else ""
        plain = f"{sign}{whole}.{digits}" if places else f"{sign}{whole}"
        if self.slow is not None:
            return plain, self.slow(Decimal(units).scaleb(-places))
        if self.grouping == (3, 3) and self.min_int <= 1:
            number = f"{whole:,}"
            if self.group != ",":
                number = number.replace(",", self.group)
        else:
            number = self._grouped(whole)
        if places:
            number += self.decimal + digits
        return plain, self.prefixes[negative] + number + self.suffixes[negative]

    def _grouped(self, whole: int) -> str:
        digits = str(whole).zfill(self.min_int)
        size, tail = self.grouping[0], ""
        while len(digits) > size:
            tail = self.group + digits[-size:] + tail
            digits = digits[:-size]
            size = self.grouping[1]
        return digits + tail


def parts_function(pattern: ScaledPattern) -> Callable[[int], tuple[str, str]]:
    """`pattern.parts` specialised for two places and groups of three, the common case.

    For writers that print a figure per row (the detailed CSV): the hot path is one `divmod`
    and two f-strings with the affixes and separators bound in a closure. Negative units,
    other place counts, other groupings and Babel-only patterns use `pattern.parts`.
    """
    general = pattern.parts
    if pattern.slow is not None or pattern.places != 2:
        return general
    if pattern.grouping != (3, 3) or pattern.min_int > 1:
        return general
    prefix, suffix, decimal = pattern.prefixes[0], pattern.suffixes[0], pattern.decimal
    group = pattern.group

    def parts(units: int) -> tuple[str, str]:
        if units < 0:
            return general(units)
        whole, fraction = divmod(units, 100)
        if whole < 1000:
            return f"{whole}.{fraction:02d}", f"{prefix}{whole}{decimal}{fraction:02d}{suffix}"
        number = f"{whole:,}".replace(",", group)
        return f"{whole}.{fraction:02d}", f"{prefix}{number}{decimal}{fraction:02d}{suffix}"

    return parts


def _compile(
    pattern: NumberPattern, locale: Locale, places: int, currency: str | None
) -> ScaledPattern:
    def babel(value: Decimal) -> str:
        return str(pattern.apply(value, locale, currency=currency))

    symbol = get_currency_symbol(currency, locale) if currency else ""

    def affix(text: str) -> str:
        return text.replace("¤", symbol) if currency else text

    affixes = (*pattern.prefix, *pattern.suffix)
    expressible = not (
        pattern.exp_prec
        or pattern.scale
        or "@" in pattern.pattern
        or any("'" in part or "¤¤" in part or "%" in part or "‰" in part for part in affixes)
    )
    fast = ScaledPattern(
        places=places,
        prefixes=(affix(pattern.prefix[0]), affix(pattern.prefix[1])),
        suffixes=(affix(pattern.suffix[0]), affix(pattern.suffix[1])),
        group=get_group_symbol(locale),
        decimal=get_decimal_symbol(locale),
        grouping=pattern.grouping,
        min_int=pattern.int_prec[0],
    )
    if expressible and all(fast(u) == babel(Decimal(u).scaleb(-places)) for u in _PROBES):
        return fast
    return ScaledPattern(places, ("", ""), ("", ""), "", "", (3, 3), 1, slow=babel)


@cache
def money_pattern(locale: str, currency: str) -> ScaledPattern:
    """`format_currency(minor / 10**digits, currency, locale=locale)` for whole minor units.

    `locale` is a Babel identifier (`de_DE`); `currency` an ISO 4217 code Babel knows. Cached
    for the process: a handful of locales times a handful of currencies.
    """
    parsed = Locale.parse(locale)
    places = int(get_currency_precision(currency))
    return _compile(parsed.currency_formats["standard"], parsed, places, currency)


@cache
def decimal_pattern(locale: str, places: int) -> ScaledPattern:
    """`format_decimal(units / 10**places, "#,##0.00…", locale)` for whole units."""
    pattern = parse_pattern("#,##0" + ("." + "0" * places if places else ""))
    return _compile(pattern, Locale.parse(locale), places, None)


@lru_cache(maxsize=8192)
def date_text(locale: str, day: date) -> str:
    """`format_date(day, "medium", locale)` (`05.01.2025`), memoised: reports have few days."""
    pattern, parsed = _medium(locale)
    return str(pattern.apply(day, parsed))


@cache
def _medium(locale: str) -> tuple[DateTimePattern, Locale]:
    parsed = Locale.parse(locale)
    return get_date_format("medium", locale=parsed), parsed
