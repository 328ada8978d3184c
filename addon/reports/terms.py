"""Invoice terms: how time is rounded and grouped, discount, taxes, due days and notes.

Terms are frozen values validated on construction, so a bad setting fails when the user saves it,
not when a scheduled invoice is built. An issued `Invoice` keeps the `InvoiceTerms` it was built
with, which is what makes it re-renderable on its own.

Percentages are `Decimal` percent (`Decimal("7.5")` is 7.5 %), the way Clockify's PUT takes
`taxPercent`/`discountPercent` (its GET returns them x100; the client converts).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final

from addon.reports.errors import InvalidTerms, shorten
from addon.reports.money import Money, RoundingRule
from addon.reports.periods import load_zone

__all__ = [
    "ROUNDING_STEPS",
    "Discount",
    "FixedDiscount",
    "InvoiceTerms",
    "LineGrouping",
    "PercentDiscount",
    "RoundingDirection",
    "Tax",
    "TaxApplication",
    "TaxMode",
    "TimeRounding",
    "TimeRoundingScope",
]

ROUNDING_STEPS: Final = (1, 5, 6, 10, 15, 30, 60)
"""Minutes billed time may be rounded to; 6 is the "tenth of an hour" of legal billing."""

MAX_DUE_DAYS: Final = 365


class RoundingDirection(StrEnum):
    """Which way billed time moves to the step: Clockify's "Round up/down/to nearest"."""

    UP = "up"
    DOWN = "down"
    NEAREST = "nearest"


class TimeRoundingScope(StrEnum):
    """What is rounded: each entry (as Clockify does), each line's sum, or the invoice's sum."""

    ENTRY = "entry"
    LINE = "line"
    INVOICE = "invoice"


@dataclass(frozen=True, slots=True)
class TimeRounding:
    """Round billed time to `minutes` (one of `ROUNDING_STEPS`); ties of NEAREST go up."""

    minutes: int
    direction: RoundingDirection = RoundingDirection.NEAREST
    scope: TimeRoundingScope = TimeRoundingScope.ENTRY

    def __post_init__(self) -> None:
        if self.minutes not in ROUNDING_STEPS:
            steps = ", ".join(str(step) for step in ROUNDING_STEPS)
            raise InvalidTerms(
                f"Time can be rounded to {steps} minutes, not {shorten(self.minutes)}."
            )


class LineGrouping(StrEnum):
    """How time entries become invoice lines (Clockify's SINGLE_ITEM / GROUPED / DETAILED)."""

    SINGLE = "single"
    PROJECT = "project"
    TASK = "task"
    USER = "user"
    DAY = "day"
    ENTRY = "entry"


def _check_percent(what: str, percent: Decimal) -> None:
    if not isinstance(percent, Decimal) or not percent.is_finite():
        raise InvalidTerms(f"The {what} percentage must be a decimal number.")
    if not Decimal(0) <= percent <= Decimal(100):
        raise InvalidTerms(f"The {what} percentage must be between 0 and 100, not {percent}.")


@dataclass(frozen=True, slots=True)
class PercentDiscount:
    """A discount of `percent` % of the subtotal, taken before taxes."""

    percent: Decimal

    def __post_init__(self) -> None:
        _check_percent("discount", self.percent)


@dataclass(frozen=True, slots=True)
class FixedDiscount:
    """A fixed discount taken before taxes; capped at the subtotal so totals never go negative."""

    amount: Money

    def __post_init__(self) -> None:
        if self.amount.minor < 0:
            raise InvalidTerms("A fixed discount cannot be negative.")


Discount = PercentDiscount | FixedDiscount


@dataclass(frozen=True, slots=True)
class Tax:
    """A named tax (VAT, GST, QST ...) of `percent` %."""

    name: str
    percent: Decimal

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidTerms("Each tax needs a name to print on the invoice.")
        _check_percent(f"{self.name} tax", self.percent)


class TaxMode(StrEnum):
    """How a second tax applies: on the taxable amount (SIMPLE) or on it plus tax 1 (COMPOUND)."""

    SIMPLE = "SIMPLE"
    COMPOUND = "COMPOUND"


class TaxApplication(StrEnum):
    """Which of the invoice's taxes a line carries, as Clockify's item `applyTaxes` names it.

    A line carries tax k when its application names k and the invoice defines tax k, so the
    default `TAX1TAX2` means "every tax this invoice has".
    """

    NONE = "NONE"
    TAX1 = "TAX1"
    TAX2 = "TAX2"
    TAX1TAX2 = "TAX1TAX2"

    def includes(self, index: int) -> bool:
        """Whether tax number `index` (0 for tax 1, 1 for tax 2) is named."""
        if self is TaxApplication.TAX1TAX2:
            return True
        return (self is TaxApplication.TAX1 and index == 0) or (
            self is TaxApplication.TAX2 and index == 1
        )


@dataclass(frozen=True, slots=True)
class InvoiceTerms:
    """Everything about an invoice that is a choice rather than data.

    `zone` is the IANA zone whose calendar days name DAY lines and entry dates. `taxes` holds at
    most two taxes; `tax_mode` says whether the second compounds on the first. `time_taxes` and
    `expense_taxes` choose which taxes time lines and expense lines carry. The three `*_label`
    fields are the words lines are built with (the report's language, `Formatter.line_words`).
    """

    grouping: LineGrouping = LineGrouping.PROJECT
    time_rounding: TimeRounding | None = None
    rounding_rule: RoundingRule = RoundingRule.PER_LINE
    discount: Discount | None = None
    taxes: tuple[Tax, ...] = ()
    tax_mode: TaxMode = TaxMode.SIMPLE
    time_taxes: TaxApplication = TaxApplication.TAX1TAX2
    expense_taxes: TaxApplication = TaxApplication.TAX1TAX2
    due_days: int = 30
    payment_terms: str = ""
    notes: str = ""
    zone: str = "UTC"
    single_item_label: str = "Professional services"
    no_project_label: str = "Without project"
    no_description_label: str = "(no description)"

    def __post_init__(self) -> None:
        if len(self.taxes) > 2:
            raise InvalidTerms(f"An invoice has at most two taxes, not {len(self.taxes)}.")
        if isinstance(self.due_days, bool) or not 0 <= self.due_days <= MAX_DUE_DAYS:
            raise InvalidTerms(
                f"Payment is due 0 to {MAX_DUE_DAYS} days after issue, "
                f"not {shorten(self.due_days)}."
            )
        load_zone(self.zone)
