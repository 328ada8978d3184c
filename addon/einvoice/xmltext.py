"""Values as XML text: amounts, quantities, rates, dates, and text XML 1.0 can hold.

Amounts are written with exactly their currency's decimals (12.50 EUR, 1667 JPY): that is the
figure the invoice printed, and at most 2 decimals by the time a writer runs (BR-DEC-*).
Quantities and rates are written as the shortest exact decimal ("1.33", "19", "7.5"), never in
exponent notation, which xs:decimal does not accept.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from addon.reports.money import Money

__all__ = ["amount_text", "clean_text", "compact_date", "decimal_text", "iso_date"]

_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def amount_text(money: Money) -> str:
    """Major units with the currency's own number of decimals (1250 EUR -> "12.50")."""
    return format(money.to_major(), "f")


def decimal_text(value: Decimal) -> str:
    """The shortest exact decimal: trailing zeros dropped, never an exponent ("1.50" -> "1.5")."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def clean_text(text: str) -> str:
    """`text` without the control characters XML 1.0 cannot carry, trimmed."""
    return _NOT_XML.sub("", text).strip()


def iso_date(day: date) -> str:
    """UBL dates: 2024-05-31."""
    return day.isoformat()


def compact_date(day: date) -> str:
    """CII dates in format 102: 20240531."""
    return day.strftime("%Y%m%d")
