"""The summary report as tables: groups depth-first, non-work time, totals by currency.

Separate from the table model (`tables.py`) because this is where a `Summary` becomes rows, and
from the invoice and detailed tables because summaries have their own column rule. Summaries get
one money column per currency (`amount:USD`, `amount:EUR`): a workspace rarely bills in more
than two or three, and a column per currency keeps every column summable in a spreadsheet,
which an "amount + currency" pair would not. The labels of groups and dimensions are here too,
because the chart and the sidebar print the same names as the table.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from addon.render.i18n import Formatter
from addon.render.tables import (
    Cell,
    Column,
    Kind,
    Row,
    Table,
    _count_cell,
    _duration_cell,
    _optional_duration_cell,
    _text,
    money_cell,
)
from addon.reports.model import EntryType, GroupBy, Summary, SummaryRow, Totals

__all__ = [
    "dimension_label",
    "entry_type_label",
    "group_label",
    "non_work_table",
    "summary_currency_totals",
    "summary_table",
]


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
