"""CSV exports: raw machine-readable columns next to the formatted ones, safe to open in Excel.

Each column of the shared `Table` becomes its raw form (decimal point, ISO dates, major-unit
amounts such as `1234.50`, seconds and decimal hours) followed by its formatted text in the
report's locale, so one file serves both a script and a person. Raw headers are the stable column
keys; formatted headers are the localised labels.

What a summary says beside its table comes after it, each part behind one empty row, so the
header stays the first row a script or spreadsheet reads and the data ends at the first empty
row: the breaks, holidays and time off (a heading row, then one row per type in the data
columns, never counted in the total above), then the Clockify check as one sentence in the
first column. Invoices, which have a `section` column, say the same in rows of section `note`
(non-work entries not billed) and `check`, then, with the timesheet option, an empty row, the
appendix's header and one row of section `timesheet` per entry. A report without a check has
no check row.

Formula injection (CWE-1236): a spreadsheet evaluates a cell that starts with `=`, `+`, `-`, `@`,
tab or carriage return, so every *text* cell that does gets a leading `'`. Raw numeric columns
are left alone: `-12.50` must stay a number, and it cannot carry a formula.
The module is named `csvfile` so it never shadows the standard `csv` it uses.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Final, TextIO

from addon.render.csvfields import FORMULA_FIRSTS, EntryFields, neutralise
from addon.render.detailed_table import DetailedText, detailed_columns, tag_names
from addon.render.i18n import Formatter
from addon.render.invoice_tables import invoice_lines_table, invoice_totals
from addon.render.remarks import check_text, left_out_text
from addon.render.summary_tables import non_work_table, summary_table
from addon.render.tables import Cell, Column, Kind, Row, Table
from addon.render.timesheet import timesheet_table
from addon.reports.model import Invoice, Summary, TimeEntry

if TYPE_CHECKING:
    from _csv import Writer as CsvWriter

__all__ = [
    "BOM",
    "entries_csv",
    "invoice_csv",
    "neutralise",
    "summary_csv",
    "write_entries_csv",
    "write_invoice_csv",
    "write_summary_csv",
    "write_table_csv",
]

BOM: Final = "\ufeff"
"""Written first on request: Excel reads UTF-8 only when the file starts with it."""


def _raw(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _headers(column: Column) -> list[str]:
    if column.kind is Kind.TEXT:
        return [column.label]
    if column.kind is Kind.DURATION:
        return [f"{column.key}_seconds", f"{column.key}_hours", column.label]
    if column.kind is Kind.MONEY:
        return [column.key, f"{column.key}_currency", column.label]
    return [column.key, column.label]


def _fields(column: Column, cell: Cell, fmt: Formatter) -> list[str]:
    text = neutralise(cell.text)
    if column.kind is Kind.TEXT:
        return [text]
    if column.kind is Kind.DURATION:
        seconds = cell.value
        hours = _raw(fmt.hours(seconds)) if isinstance(seconds, int) else ""
        return [_raw(seconds), hours, text]
    if column.kind is Kind.MONEY:
        return [_raw(cell.value), (cell.currency or "") if cell.value is not None else "", text]
    return [_raw(cell.value), text]


def _record(columns: tuple[Column, ...], row: Row, fmt: Formatter) -> list[str]:
    return [
        field
        for column, cell in zip(columns, row.cells, strict=True)
        for field in _fields(column, cell, fmt)
    ]


def _start(out: TextIO, bom: bool) -> CsvWriter:
    if bom:
        out.write(BOM)
    return csv.writer(out)


def write_table_csv(table: Table, fmt: Formatter, out: TextIO, *, bom: bool = False) -> None:
    """Header, rows (streamed one at a time) and footer rows of `table` into `out`."""
    writer = _start(out, bom)
    writer.writerow([field for column in table.columns for field in _headers(column)])
    for row in table.rows:
        writer.writerow(_record(table.columns, row, fmt))
    for row in table.footer:
        writer.writerow(_record(table.columns, row, fmt))


def _summary_records(table: Table, fmt: Formatter) -> Iterator[list[str]]:
    """Rows with one name column per grouping level, ancestors repeated, so each row filters."""
    depth_count = max(len(table.levels), 1)
    path: list[str] = [""] * depth_count
    columns = table.columns[1:]
    for row in table.rows:
        path[row.depth] = neutralise(row.cells[0].text)
        names = path[: row.depth + 1] + [""] * (depth_count - row.depth - 1)
        yield [*names, *_record(columns, Row(row.cells[1:]), fmt)]
    for row in table.footer:
        names = [neutralise(row.cells[0].text)] + [""] * (depth_count - 1)
        yield [*names, *_record(columns, Row(row.cells[1:]), fmt)]


def _aligned(columns: tuple[Column, ...], part: Table, row: Row, fmt: Formatter) -> list[str]:
    """`row` of `part` under the main header: each cell in the columns of its key, others empty."""
    by_key = {column.key: cell for column, cell in zip(part.columns, row.cells, strict=True)}
    fields: list[str] = []
    for column in columns:
        cell = by_key.get(column.key)
        if cell is None:
            fields.extend([""] * len(_headers(column)))
        else:
            fields.extend(_fields(column, cell, fmt))
    return fields


def _summary_remarks(summary: Summary, table: Table, fmt: Formatter) -> Iterator[list[str]]:
    """After the data: the non-work group, then the check sentence, each behind an empty row."""
    depth_count = max(len(table.levels), 1)
    pad = [""] * (depth_count - 1)
    non_work = non_work_table(summary, fmt)
    if non_work is not None:
        yield []
        yield [neutralise(non_work.title)]
        for row in non_work.rows:
            name = neutralise(row.cells[0].text)
            yield [name, *pad, *_aligned(table.columns[1:], non_work, row, fmt)]
    check = check_text(summary.check, fmt, full=True)
    if check:
        yield []
        yield [neutralise(check)]


def write_summary_csv(summary: Summary, fmt: Formatter, out: TextIO, *, bom: bool = False) -> None:
    """The summary: a name column per grouping level, totals, one amount per currency.

    Then, when the summary has them, the non-work group and the check line (module docstring).
    """
    table = summary_table(summary, fmt)
    writer = _start(out, bom)
    levels = list(table.levels) or [table.columns[0].label]
    writer.writerow([*levels, *(f for c in table.columns[1:] for f in _headers(c))])
    writer.writerows(_summary_records(table, fmt))
    writer.writerows(_summary_remarks(summary, table, fmt))


def write_invoice_csv(invoice: Invoice, fmt: Formatter, out: TextIO, *, bom: bool = False) -> None:
    """Invoice lines (`section` = line), its totals (`section` = total) with the label, then
    the `note` on unbilled non-work entries and the `check` line when there are any."""
    table = invoice_lines_table(invoice, fmt)
    writer = _start(out, bom)
    writer.writerow(["section", *(f for c in table.columns for f in _headers(c))])
    for row in table.rows:
        writer.writerow(["line", *_record(table.columns, row, fmt)])
    blank = Cell("", None)
    amount_at = [column.key for column in table.columns].index("amount")
    for label, cell in invoice_totals(invoice, fmt):
        cells = [blank] * len(table.columns)
        cells[0], cells[amount_at] = Cell(label, label), cell
        writer.writerow(["total", *_record(table.columns, Row(tuple(cells)), fmt)])
    for section, text in (
        ("note", left_out_text(invoice, fmt)),
        ("check", check_text(invoice.check, fmt, full=True)),
    ):
        if text:
            writer.writerow([section, neutralise(text)])
    timesheet = timesheet_table(invoice, fmt)
    if timesheet is not None:  # the appendix, behind an empty row with its own header
        writer.writerow([])
        writer.writerow(["section", *(f for c in timesheet.columns for f in _headers(c))])
        for row in timesheet.rows:
            writer.writerow(["timesheet", *_record(timesheet.columns, row, fmt)])


def write_entries_csv(
    entries: Iterable[TimeEntry],
    fmt: Formatter,
    out: TextIO,
    *,
    zone: str = "UTC",
    bom: bool = False,
) -> None:
    """Detailed entries, streamed: each row is written as it is read, so memory stays flat.

    The same columns and bytes as `write_table_csv` over `detailed_table` (the order of
    `DetailedRow`), without a `Cell` or a row tuple per entry: each entry is read here and its
    figures come from `EntryFields` (`csvfields.py`), text fields neutralised inline.
    """
    writer = _start(out, bom)
    writer.writerow([f for column in detailed_columns(fmt) for f in _headers(column)])
    figures = EntryFields(fmt, zone)
    day, duration, amount = figures.day, figures.duration, figures.amount
    rate_fields = lru_cache(maxsize=1024)(amount)  # hourly rates repeat, amounts rarely
    yes_no = {flag: neutralise(word) for flag, word in DetailedText(fmt).yes_no.items()}
    no_amount, firsts, write = ("", "", ""), FORMULA_FIRSTS, writer.writerow
    for e in entries:
        user, note = e.user.name, e.description
        project = e.project.name if e.project else ""
        client = e.client.name if e.client else ""
        task = e.task.name if e.task else ""
        tags = tag_names(e.tags)
        rate, earned = e.hourly_rate, e.earned
        write(
            (
                *day(e.start),
                "'" + user if user[:1] in firsts else user,
                "'" + project if project[:1] in firsts else project,
                "'" + client if client[:1] in firsts else client,
                "'" + task if task[:1] in firsts else task,
                "'" + note if note[:1] in firsts else note,
                "'" + tags if tags[:1] in firsts else tags,
                yes_no[e.billable],
                *duration(e.duration),
                *(no_amount if rate is None else rate_fields(rate.minor, rate.currency)),
                *(no_amount if earned is None else amount(earned.minor, earned.currency)),
            )
        )


def summary_csv(summary: Summary, fmt: Formatter, *, bom: bool = False) -> str:
    """`write_summary_csv` into a string (summaries are small)."""
    out = io.StringIO(newline="")
    write_summary_csv(summary, fmt, out, bom=bom)
    return out.getvalue()


def invoice_csv(invoice: Invoice, fmt: Formatter, *, bom: bool = False) -> str:
    """`write_invoice_csv` into a string."""
    out = io.StringIO(newline="")
    write_invoice_csv(invoice, fmt, out, bom=bom)
    return out.getvalue()


def entries_csv(
    entries: Iterable[TimeEntry], fmt: Formatter, *, zone: str = "UTC", bom: bool = False
) -> str:
    """`write_entries_csv` into a string; prefer the writer for large exports."""
    out = io.StringIO(newline="")
    write_entries_csv(entries, fmt, out, zone=zone, bom=bom)
    return out.getvalue()
