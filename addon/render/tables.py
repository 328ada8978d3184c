"""The table model every format prints from, so HTML, CSV, XLSX and PDF show the same figures.

Only the model and its cell makers live here; the tables built from a summary, an invoice or
detailed entries live in `summary_tables.py`, `invoice_tables.py` and `detailed_table.py`, so a
renderer that only draws a `Table` depends on nothing else. A `Table` is columns plus rows of
`Cell`s. Each cell carries both its `text` (already formatted by the report's `Formatter`) and
its raw `value`, so a spreadsheet can write a number while a page prints the text, and neither
formats anything itself. Raw values by column kind:

    TEXT      str (the same as `text`)
    DATE      datetime.date
    DURATION  int seconds
    MONEY     Decimal in major units with the currency's places (1234.50), `currency` set
    NUMBER    Decimal
    PERCENT   Decimal percent (7.5 means 7.5 %)

The cell makers with a leading underscore serve the table builders in `addon/render` only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from addon.render.i18n import Formatter
from addon.reports.money import Money

__all__ = [
    "Cell",
    "CellValue",
    "Column",
    "Kind",
    "Row",
    "Table",
    "money_cell",
]

CellValue = str | int | Decimal | date | None


class Kind(StrEnum):
    """What a column holds, which decides its raw value type and its spreadsheet format."""

    TEXT = "text"
    DATE = "date"
    DURATION = "duration"
    MONEY = "money"
    NUMBER = "number"
    PERCENT = "percent"


@dataclass(frozen=True, slots=True)
class Column:
    """A column: a stable machine `key` (CSV headers), its printed `label` and its `kind`."""

    key: str
    label: str
    kind: Kind


@dataclass(frozen=True, slots=True)
class Cell:
    """One value: `text` as printed, `value` raw (see the module docstring), money's `currency`."""

    text: str
    value: CellValue
    currency: str | None = None


EMPTY = Cell("", None)


@dataclass(frozen=True, slots=True)
class Row:
    """A row of cells; `depth` is the summary nesting level (0 = outermost grouping).

    `subtotal` is true for a summary group that has children (its figures total them) and for
    footer rows, so renderers can embolden it.
    """

    cells: tuple[Cell, ...]
    depth: int = 0
    subtotal: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """Columns, rows and footer rows (grand totals), plus the dimension label of each depth.

    `rows` may be a one-shot generator (detailed entries stream): iterate it once.
    """

    title: str
    columns: tuple[Column, ...]
    rows: Iterable[Row]
    footer: tuple[Row, ...] = ()
    levels: tuple[str, ...] = ()


def money_cell(fmt: Formatter, amount: Money) -> Cell:
    """A MONEY cell for `amount`: formatted text, major-unit Decimal, currency code."""
    return Cell(fmt.money(amount), amount.to_major(), amount.currency)


def _duration_cell(fmt: Formatter, seconds: int) -> Cell:
    return Cell(fmt.duration(seconds), seconds)


def _optional_duration_cell(fmt: Formatter, seconds: int | None) -> Cell:
    """Seconds, or an empty cell where the source gave none (a Clockify summary group's)."""
    return EMPTY if seconds is None else _duration_cell(fmt, seconds)


def _count_cell(fmt: Formatter, count: int | None) -> Cell:
    """A whole number, or an empty cell where the source gave none."""
    return EMPTY if count is None else Cell(fmt.number(count, places=0), Decimal(count))


def _text(text: str) -> Cell:
    return Cell(text, text)


def _date_cell(fmt: Formatter, day: date) -> Cell:
    return Cell(fmt.date(day), day)
