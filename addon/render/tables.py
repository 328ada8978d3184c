"""The one tabular view every format prints from, so HTML, CSV, XLSX and PDF show the same figures.

A `Table` is columns plus rows of `Cell`s. Each cell carries both its `text` (already formatted
by the report's `Formatter`) and its raw `value`, so a spreadsheet can write a number while a page
prints the text, and neither formats anything itself. Raw values by column kind:

    TEXT      str (the same as `text`)
    DATE      datetime.date
    DURATION  int seconds
    MONEY     Decimal in major units with the currency's places (1234.50), `currency` set
    NUMBER    Decimal
    PERCENT   Decimal percent (7.5 means 7.5 %)

Summaries get one money column per currency (`amount:USD`, `amount:EUR`): a workspace rarely
bills in more than two or three, and a column per currency keeps every column summable in a
spreadsheet, which an "amount + currency" pair would not. Detailed entries, whose rows each carry
their own currency, use one amount column and the cell's `currency` instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache, partial

from addon.render.i18n import Formatter
from addon.reports.model import (
    EntryType,
    GroupBy,
    Invoice,
    Ref,
    Summary,
    SummaryRow,
    TimeEntry,
    Totals,
)
from addon.reports.money import Money
from addon.reports.periods import local_date
from addon.reports.terms import PercentDiscount

__all__ = [
    "Cell",
    "CellValue",
    "Column",
    "Kind",
    "Row",
    "Table",
    "detailed_table",
    "dimension_label",
    "entry_type_label",
    "group_label",
    "invoice_lines_table",
    "invoice_totals",
    "money_cell",
    "non_work_table",
    "summary_currency_totals",
    "summary_table",
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


def dimension_label(group: GroupBy, fmt: Formatter) -> str:
    """The printed name of a grouping dimension ("Project", "Datum")."""
    return fmt.label(group.value.lower())


def group_label(row: SummaryRow, fmt: Formatter) -> str:
    """How a summary row's key prints: "Without project" for an empty id, dates and months
    localised ("01.05.2024", "Mai 2024").

    The model names empty keys in English ("Without project"); the report's language wins here.
    German capitalises nouns, so only other languages lower-case the dimension in the phrase.
    """
    if row.key.id == "":
        return fmt.without(dimension_label(row.group, fmt))
    if row.group in (GroupBy.DATE, GroupBy.WEEK):
        return fmt.date(date.fromisoformat(row.key.name))
    if row.group is GroupBy.MONTH:
        return _month_label(row.key.name, fmt)
    return row.key.name


def _month_label(key: str, fmt: Formatter) -> str:
    """A MONTH key (`2024-05`) as the month's name, `Mai 2024`; an unexpected key as given."""
    try:
        return fmt.month(date.fromisoformat(f"{key}-01"))
    except ValueError:
        return key


def _summary_columns(summary: Summary, fmt: Formatter) -> tuple[Column, ...]:
    levels = " / ".join(dimension_label(group, fmt) for group in summary.groups)
    columns = [
        Column("name", levels or fmt.label("summary"), Kind.TEXT),
        Column("duration", fmt.label("duration"), Kind.DURATION),
        Column("billable_duration", fmt.label("billable_duration"), Kind.DURATION),
        Column("entries", fmt.label("entries"), Kind.NUMBER),
    ]
    for amount in summary.totals.amounts:
        code = amount.currency
        columns.append(Column(f"amount:{code}", f"{fmt.label('amount')} ({code})", Kind.MONEY))
    return tuple(columns)


def _totals_cells(totals: Totals, currencies: tuple[str, ...], fmt: Formatter) -> list[Cell]:
    by_code = {amount.currency: amount for amount in totals.amounts}
    cells = [
        _duration_cell(fmt, totals.duration),
        _optional_duration_cell(fmt, totals.billable_duration),
        _count_cell(fmt, totals.entries),
    ]
    for code in currencies:
        amount = by_code.get(code)
        cells.append(money_cell(fmt, amount) if amount is not None else Cell("", None, code))
    return cells


def _summary_rows(
    rows: tuple[SummaryRow, ...], depth: int, currencies: tuple[str, ...], fmt: Formatter
) -> Iterator[Row]:
    for row in rows:
        name = _text(group_label(row, fmt))
        cells = (name, *_totals_cells(row.totals, currencies, fmt))
        yield Row(cells, depth, subtotal=bool(row.children))
        yield from _summary_rows(row.children, depth + 1, currencies, fmt)


def summary_table(summary: Summary, fmt: Formatter) -> Table:
    """Summary groups depth-first (each parent before its children) and a grand total footer."""
    currencies = tuple(amount.currency for amount in summary.totals.amounts)
    total = (_text(fmt.label("total")), *_totals_cells(summary.totals, currencies, fmt))
    return Table(
        title=fmt.label("summary_report"),
        columns=_summary_columns(summary, fmt),
        rows=tuple(_summary_rows(summary.rows, 0, currencies, fmt)),
        footer=(Row(total, 0, subtotal=True),),
        levels=tuple(dimension_label(group, fmt) for group in summary.groups),
    )


def non_work_table(summary: Summary, fmt: Formatter) -> Table | None:
    """Breaks, holidays and time off, one row per type: duration and entries; None if none.

    Their own table, after the main one, because these totals are *not* in the summary's rows
    or grand total (`NonWorkTime.SEPARATE`): a reader who adds them in counts them twice. No
    billable or amount columns: non-work time is never billed, and zeros would only be noise.
    """
    if not summary.non_work:
        return None
    columns = (
        Column("name", fmt.label("entry_type"), Kind.TEXT),
        Column("duration", fmt.label("duration"), Kind.DURATION),
        Column("entries", fmt.label("entries"), Kind.NUMBER),
    )
    rows = tuple(
        Row(
            (
                _text(entry_type_label(kind, fmt)),
                _duration_cell(fmt, totals.duration),
                _count_cell(fmt, totals.entries),
            )
        )
        for kind, totals in summary.non_work
    )
    return Table(fmt.label("non_work"), columns, rows)


def entry_type_label(kind: EntryType, fmt: Formatter) -> str:
    """ "Break", "Feiertag", "休暇": a non-work entry type in the report's language."""
    return fmt.label(f"entry_{kind.value.lower()}")


def summary_currency_totals(summary: Summary, fmt: Formatter) -> Table:
    """One row per currency the summary earned in: the grand total amount in that currency."""
    columns = (
        Column("currency", fmt.label("currency"), Kind.TEXT),
        Column("amount", fmt.label("amount"), Kind.MONEY),
    )
    rows = tuple(
        Row((_text(amount.currency), money_cell(fmt, amount))) for amount in summary.totals.amounts
    )
    return Table(fmt.label("totals_by_currency"), columns, rows)


def invoice_lines_table(invoice: Invoice, fmt: Formatter) -> Table:
    """The invoice's lines as printed: description, date, quantity (hours), unit price, amount."""
    columns = (
        Column("description", fmt.label("description"), Kind.TEXT),
        Column("date", fmt.label("date"), Kind.DATE),
        Column("quantity", fmt.label("quantity"), Kind.NUMBER),
        Column("unit_price", fmt.label("unit_price"), Kind.MONEY),
        Column("amount", fmt.label("amount"), Kind.MONEY),
    )
    rows = tuple(
        Row(
            (
                _text(line.description),
                _date_cell(fmt, line.date) if line.date else EMPTY,
                Cell(fmt.number(line.quantity), line.quantity),
                money_cell(fmt, line.unit_price),
                money_cell(fmt, line.amount),
            )
        )
        for line in invoice.lines
    )
    return Table(fmt.label("lines"), columns, rows)


def invoice_totals(invoice: Invoice, fmt: Formatter) -> tuple[tuple[str, Cell], ...]:
    """Subtotal, rounding adjustment (if any), discount, each tax with its percent, total.

    The discount prints negative, so every amount after the subtotal adds up to the total.
    """
    pairs = [(fmt.label("subtotal"), money_cell(fmt, invoice.subtotal))]
    if invoice.rounding_adjustment.minor:
        pairs.append(
            (fmt.label("rounding_adjustment"), money_cell(fmt, invoice.rounding_adjustment))
        )
    discount = invoice.terms.discount
    if discount is not None or invoice.discount.minor:
        label = fmt.label("discount")
        if isinstance(discount, PercentDiscount):
            label = f"{label} ({fmt.percent(discount.percent)})"
        pairs.append((label, money_cell(fmt, -invoice.discount)))
    for tax in invoice.taxes:
        pairs.append(
            (f"{tax.tax.name} ({fmt.percent(tax.tax.percent)})", money_cell(fmt, tax.amount))
        )
    pairs.append((fmt.label("total"), money_cell(fmt, invoice.total)))
    return tuple(pairs)


class _RowFormatter:
    """Formats one detailed row, memoising Babel calls (bounded LRU caches).

    Babel takes about 100 us per amount; entries repeat rates, days and durations, so caching
    makes 100,000 rows several times faster while memory stays bounded by `maxsize`.
    """

    def __init__(self, fmt: Formatter, zone: str) -> None:
        self.zone = zone
        self.billable = {True: _text(fmt.label("yes")), False: _text(fmt.label("no"))}
        self.money = lru_cache(maxsize=4096)(partial(money_cell, fmt))
        self.duration = lru_cache(maxsize=4096)(partial(_duration_cell, fmt))
        self.day = lru_cache(maxsize=1024)(partial(_date_cell, fmt))

    def row(self, entry: TimeEntry) -> Row:
        def name(ref: Ref | None) -> Cell:
            return _text(ref.name if ref else "")

        return Row(
            (
                self.day(local_date(entry.start, self.zone)),
                name(entry.user),
                name(entry.project),
                name(entry.client),
                name(entry.task),
                _text(entry.description),
                _text(", ".join(tag.name for tag in entry.tags)),
                self.billable[entry.billable],
                self.duration(entry.duration),
                self.money(entry.hourly_rate) if entry.hourly_rate else EMPTY,
                self.money(entry.earned) if entry.earned else EMPTY,
            )
        )


def detailed_table(entries: Iterable[TimeEntry], fmt: Formatter, *, zone: str = "UTC") -> Table:
    """One row per entry, produced lazily: 100,000 entries stream through without a list.

    `zone` names the calendar whose day each entry's start falls on (the report's zone).
    """
    labels = ("date", "user", "project", "client", "task", "description", "tags", "billable")
    kinds = (Kind.DATE, *(Kind.TEXT,) * 7)
    columns = (
        *(Column(key, fmt.label(key), kind) for key, kind in zip(labels, kinds, strict=True)),
        Column("duration", fmt.label("duration"), Kind.DURATION),
        Column("rate", fmt.label("rate"), Kind.MONEY),
        Column("amount", fmt.label("amount"), Kind.MONEY),
    )
    formatter = _RowFormatter(fmt, zone)
    rows = (formatter.row(entry) for entry in entries)
    return Table(fmt.label("detailed_report"), columns, rows)
