"""Typed failures of the report core; every message is safe to show to the user who asked.

    ReportError (ValueError)    a report or invoice cannot be built as asked
     +-- UnknownCurrency        not an ISO 4217 code in Babel's data
     +-- CurrencyMismatch       arithmetic, a discount or a line across two currencies
     +-- InvalidAmount          NaN, infinity, a bool, or more decimals than the currency has
     +-- InvalidEntry           an entry that contradicts itself (naive start, negative duration)
     +-- InvalidPeriod          a date range that ends before it starts
     +-- UnknownTimeZone        not an IANA time-zone name
     +-- InvalidGrouping        more than three, repeated or unknown summary groups
     +-- InvalidTerms           discount, tax, rounding, rates or payment terms out of range
     +-- InvalidPattern         an invoice-number pattern or counter setting that cannot give
                                unique numbers

Messages quote only what the user typed (shortened), never entries or tokens. The HTTP layer maps
`ReportError` to one status (422) using `code`; the core itself knows nothing about HTTP.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "CurrencyMismatch",
    "InvalidAmount",
    "InvalidEntry",
    "InvalidGrouping",
    "InvalidPattern",
    "InvalidPeriod",
    "InvalidSnapshot",
    "InvalidTerms",
    "ReportError",
    "UnknownCurrency",
    "UnknownTimeZone",
    "shorten",
]


def shorten(value: object, limit: int = 40) -> str:
    """Quote a user-supplied value for an error message, cut so a huge input stays readable."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ReportError(ValueError):
    """A report or invoice cannot be built from these inputs; the message says what to fix."""

    code: ClassVar[str] = "invalid_report"


class UnknownCurrency(ReportError):
    """Raise when a currency code is not an ISO 4217 code (upper case, as Clockify sends it)."""

    code = "unknown_currency"


class CurrencyMismatch(ReportError):
    """Raise when two amounts in different currencies would be added or compared."""

    code = "currency_mismatch"


class InvalidAmount(ReportError):
    """Raise when a number cannot be an exact amount of money in its currency."""

    code = "invalid_amount"


class InvalidEntry(ReportError):
    """Raise when a time entry or expense contradicts itself (the parser should reject it)."""

    code = "invalid_entry"


class InvalidPeriod(ReportError):
    """Raise when a date range is empty or reversed."""

    code = "invalid_period"


class UnknownTimeZone(ReportError):
    """Raise when a zone name is not in the IANA database that zoneinfo reads."""

    code = "unknown_time_zone"


class InvalidGrouping(ReportError):
    """Raise when summary groups are more than three, repeated, or not a known dimension."""

    code = "invalid_grouping"


class InvalidTerms(ReportError):
    """Raise when invoice terms (discount, taxes, rounding, rates, due days) are out of range."""

    code = "invalid_terms"


class InvalidPattern(ReportError):
    """Raise when an invoice-number pattern or its counter settings cannot give unique numbers."""

    code = "invalid_number_pattern"


class InvalidSnapshot(ReportError):
    """Raise when a stored invoice snapshot cannot be read back; the message names the field."""

    code = "invalid_snapshot"
