"""Money as integer minor units, and the one rounding rule every amount goes through.

Amounts are `Money(minor, currency)`: an `int` count of the currency's minor unit (cents for USD,
yen for JPY, fils for KWD), so sums are exact and nothing is ever a float. The exponent of each
currency comes from Babel's ISO 4217 data (CLDR), never from a table of our own.

Every conversion from an exact quantity (a `Decimal`, a `Fraction`, a ratio of ints) to minor
units goes through `round_ratio`, which rounds half away from zero (`ROUND_HALF_UP` in `decimal`
terms: 0.5 cent becomes 1 cent, -0.5 becomes -1). That is the commercial rule invoices use and what
Clockify's own rounded report values show. Where rounding happens on an invoice (each line, or
only the sum) is the separate, named `RoundingRule`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction
from functools import cache
from typing import Final

from babel.numbers import get_currency_precision, list_currencies

from addon.reports.errors import CurrencyMismatch, InvalidAmount, UnknownCurrency, shorten

__all__ = [
    "TIE_RULE",
    "Money",
    "RoundingRule",
    "currency_exponent",
    "money_from_report",
    "round_minor",
    "round_ratio",
    "sum_money",
]

TIE_RULE: Final = "half away from zero"
"""How `round_ratio` breaks an exact tie; stated once so docs and renderers can quote it."""

_CODE = re.compile(r"[A-Z]{3}")


class RoundingRule(StrEnum):
    """Where an invoice rounds to minor units: chosen per invoice, `PER_LINE` by default.

    `PER_LINE` ("round each line, then sum"): every line amount and every line's tax is rounded,
    and the subtotal and tax totals are sums of those rounded figures, so nothing needs adjusting.
    Clockify calls this ITEM_BASED calculation.

    `PER_INVOICE` ("sum, then round"): the subtotal and each tax are rounded once from exact sums.
    Lines still show their own rounded amounts, so the invoice carries an explicit rounding
    adjustment (at most half a minor unit per line) that makes the printed lines add up to the
    printed subtotal. Clockify calls this INVOICE_BASED calculation.
    """

    PER_LINE = "per_line"
    PER_INVOICE = "per_invoice"


@cache
def _known_currencies() -> frozenset[str]:
    return frozenset(list_currencies())


@cache
def currency_exponent(currency: str) -> int:
    """Number of decimal places of the currency's minor unit: JPY 0, USD 2, KWD 3 (ISO 4217).

    Raises `UnknownCurrency` for anything that is not an upper-case ISO code Babel knows, because
    Babel would otherwise silently answer 2 for a typo.
    """
    if not (isinstance(currency, str) and _CODE.fullmatch(currency)):
        raise UnknownCurrency(f"Currency {shorten(currency)} is not a three-letter ISO 4217 code.")
    if currency not in _known_currencies():
        raise UnknownCurrency(f"Currency {currency} is not a known ISO 4217 code.")
    return int(get_currency_precision(currency))


def round_ratio(numerator: int, denominator: int) -> int:
    """Round `numerator / denominator` to an integer, ties half away from zero.

    This is the rounding rule of the whole core: every amount is produced by it exactly once.
    Pure integer arithmetic, so it is exact for any size and fast enough for 100,000 entries.
    """
    if denominator == 0:
        raise ZeroDivisionError("round_ratio with a zero denominator")
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    quotient, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


def round_minor(value: Decimal | Fraction | int) -> int:
    """Round an exact number of minor units to an `int` with the rule of `round_ratio`."""
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and not value.is_finite():
        raise InvalidAmount(f"{value} is not a finite amount.")
    numerator, denominator = value.as_integer_ratio()
    return round_ratio(numerator, denominator)


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount: `minor` units (cents, yen, fils) of an ISO 4217 `currency`.

    Arithmetic is only defined between amounts of one currency; mixing raises `CurrencyMismatch`
    instead of producing a meaningless number. Negative amounts are allowed (credits).
    """

    minor: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.minor, int) or isinstance(self.minor, bool):
            raise InvalidAmount(f"Amounts are whole minor units, not {shorten(self.minor)}.")
        currency_exponent(self.currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        """No money in `currency` (the start of a sum)."""
        return cls(0, currency)

    @classmethod
    def from_major(cls, amount: Decimal | str | int, currency: str) -> Money:
        """Exact amount from major units ("12.50" USD -> 1250), refusing extra decimals.

        A user typing 12.345 for a USD rate gets an error, never a silent rounding.
        """
        if isinstance(amount, bool) or isinstance(amount, float):
            raise InvalidAmount("Give major-unit amounts as text or Decimal, not a float.")
        try:
            value = Decimal(amount)
        except InvalidOperation:
            raise InvalidAmount(f"{shorten(amount)} is not a number.") from None
        if not value.is_finite():
            raise InvalidAmount(f"{shorten(amount)} is not a finite amount.")
        exponent = currency_exponent(currency)
        minor = value.scaleb(exponent)
        if minor != minor.to_integral_value():
            raise InvalidAmount(
                f"{currency} amounts have {exponent} decimal places; {shorten(amount)} has more."
            )
        return cls(int(minor), currency)

    @property
    def exponent(self) -> int:
        """Decimal places of this currency's minor unit."""
        return currency_exponent(self.currency)

    def to_major(self) -> Decimal:
        """The amount in major units with exactly the currency's places (1250 USD -> 12.50)."""
        return Decimal(self.minor).scaleb(-self.exponent)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(
                f"Cannot combine {self.currency} and {other.currency} amounts; "
                "make one invoice or total per currency."
            )

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)


def sum_money(amounts: Iterable[Money], currency: str) -> Money:
    """Exact sum of amounts that must all be in `currency` (empty sum: zero)."""
    total = 0
    for amount in amounts:
        if amount.currency != currency:
            raise CurrencyMismatch(f"Cannot add a {amount.currency} amount to a {currency} total.")
        total += amount.minor
    return Money(total, currency)


def money_from_report(value: float | int | str | Decimal, currency: str) -> Money:
    """Round a Clockify report amount (minor units, maybe fractional) to `Money`, exactly once.

    Reports send amounts such as `40055.555555555555` cents (7210 s at 200.00/h). A float is read
    through its shortest `repr`, i.e. the decimal text Clockify sent, so `2.675` stays 2.675 and
    rounds to 3 rather than to the binary neighbour below it. Prefer parsing JSON with
    `parse_float=Decimal` and passing the `Decimal`.
    """
    if isinstance(value, bool):
        raise InvalidAmount("A report amount cannot be true or false.")
    if isinstance(value, int):
        return Money(value, currency)
    try:
        exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        raise InvalidAmount(f"Report amount {shorten(value)} is not a number.") from None
    if not exact.is_finite():
        raise InvalidAmount(f"Report amount {shorten(value)} is not finite.")
    return Money(round_minor(exact), currency)
