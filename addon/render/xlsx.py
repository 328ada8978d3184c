"""XLSX exports with XlsxWriter: numbers stay numbers, text stays text, memory stays flat.

`constant_memory` makes XlsxWriter flush each row to a temporary file once the next row starts,
so 100,000 detailed entries cost a row's worth of memory (stack.md §3). Rows must therefore be
written strictly in order, which the shared `Table` already yields.

Money is written as a number in major units with a per-currency format (`#,##0.00 "EUR"`,
`#,##0 "JPY"`), so the sheet sums it; durations follow the report's style, decimal hours with
`0.00` or a day fraction with `[h]:mm`. Spreadsheets only have binary floats: the exact amounts
live in the model and the CSV, and here each is the nearest float, which Excel shows exactly.

Every text cell goes through `write_string`, and the workbook also disables XlsxWriter's string
conversions, so a name such as `=HYPERLINK(...)` can never become a formula (CWE-1236).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import BinaryIO, Final

from xlsxwriter import Workbook  # type: ignore[import-untyped]  # no stubs; pyproject override pending
from xlsxwriter.format import Format  # type: ignore[import-untyped]  # no stubs; pyproject override pending
from xlsxwriter.worksheet import Worksheet  # type: ignore[import-untyped]  # no stubs; pyproject override pending

from addon.render.detailed_table import DetailedText, detailed_columns, detailed_rows
from addon.render.i18n import DurationStyle, Formatter
from addon.render.invoice_tables import invoice_lines_table, invoice_totals
from addon.render.remarks import check_pairs, check_text, left_out_text
from addon.render.summary_tables import non_work_table, summary_currency_totals, summary_table
from addon.render.tables import EMPTY, Cell, Column, Kind, Row, Table
from addon.render.timesheet import timesheet_table
from addon.reports.model import ClockifyCheck, Invoice, Summary, TimeEntry
from addon.reports.money import Money, currency_exponent

__all__ = [
    "entries_xlsx",
    "invoice_xlsx",
    "summary_xlsx",
    "write_entries_xlsx",
    "write_invoice_xlsx",
    "write_summary_xlsx",
]

_OPTIONS: Final = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}
_WIDTHS: Final = {
    Kind.TEXT: 24,
    Kind.DATE: 12,
    Kind.DURATION: 10,
    Kind.MONEY: 16,
    Kind.NUMBER: 10,
    Kind.PERCENT: 9,
}
_MAX_WIDTH: Final = 60
_SECONDS_PER_DAY: Final = 86_400


@dataclass(slots=True)
class _Styles:
    """Cell formats created once per workbook and shared (Excel caps distinct styles at 64k)."""

    book: Workbook
    fmt: Formatter
    cache: dict[tuple[str, bool, int], Format] = field(default_factory=dict)
    by_cell: dict[tuple[Kind, str | None, int, bool, int], Format] = field(default_factory=dict)

    def get(self, number_format: str, bold: bool = False, indent: int = 0) -> Format:
        key = (number_format, bold, indent)
        if key not in self.cache:
            props: dict[str, object] = {"bold": bold, "valign": "top"}
            if number_format:
                props["num_format"] = number_format
            if indent:
                props["indent"] = indent
            self.cache[key] = self.book.add_format(props)
        return self.cache[key]

    def for_cell(self, kind: Kind, cell: Cell, bold: bool, indent: int) -> Format:
        """The format of a cell, looked up by what decides it (hot path: once per cell)."""
        places = 0
        if kind is Kind.NUMBER and isinstance(cell.value, Decimal):
            places = int(cell.value.as_tuple().exponent)
        key = (kind, cell.currency, places, bold, indent)
        found = self.by_cell.get(key)
        if found is None:
            found = self.by_cell[key] = self.get(self.number_format(kind, cell), bold, indent)
        return found

    def number_format(self, kind: Kind, cell: Cell) -> str:
        if kind is Kind.MONEY and cell.currency:
            places = currency_exponent(cell.currency)
            return f'#,##0{"." + "0" * places if places else ""} "{cell.currency}"'
        if kind is Kind.DURATION:
            return "[h]:mm" if self.fmt.durations is DurationStyle.CLOCK else "0.00"
        if kind is Kind.DATE:
            return "yyyy-mm-dd"
        if kind is Kind.PERCENT:
            return "0.0##%"
        if kind is Kind.NUMBER and isinstance(cell.value, Decimal):
            places = max(-int(cell.value.as_tuple().exponent), 0)
            return "#,##0" + ("." + "0" * places if places else "")
        return ""


def _write_cell(
    sheet: Worksheet, row: int, col: int, kind: Kind, cell: Cell, style: Format, styles: _Styles
) -> None:
    value = cell.value
    if value is None or kind is Kind.TEXT or isinstance(value, str):
        if cell.text:
            sheet.write_string(row, col, cell.text, style)
        return
    if isinstance(value, date):
        sheet.write_datetime(row, col, value, style)
    elif kind is Kind.DURATION:
        unit = _SECONDS_PER_DAY if styles.fmt.durations is DurationStyle.CLOCK else 3600
        sheet.write_number(row, col, value / unit, style)
    elif kind is Kind.PERCENT:
        sheet.write_number(row, col, float(value) / 100, style)
    else:
        sheet.write_number(row, col, float(value), style)


def _write_row(
    sheet: Worksheet, index: int, columns: tuple[Column, ...], row: Row, styles: _Styles
) -> None:
    for col, (column, cell) in enumerate(zip(columns, row.cells, strict=True)):
        indent = row.depth if col == 0 and column.kind is Kind.TEXT else 0
        style = styles.for_cell(column.kind, cell, row.subtotal, indent)
        _write_cell(sheet, index, col, column.kind, cell, style, styles)


def _widths(table: Table) -> list[int]:
    widths = [max(_WIDTHS[c.kind], len(c.label) + 2) for c in table.columns]
    if isinstance(table.rows, tuple):  # measured only when the rows are already in memory
        for row in (*table.rows, *table.footer):
            for col, cell in enumerate(row.cells):
                widths[col] = max(widths[col], min(len(cell.text) + 2 + row.depth, _MAX_WIDTH))
    return widths


def _start_sheet(
    book: Workbook, styles: _Styles, name: str, columns: tuple[Column, ...], widths: list[int]
) -> Worksheet:
    """A sheet with its column widths and its bold header row, frozen."""
    sheet = book.add_worksheet(name[:31])
    header = styles.get("", bold=True)
    for col, (column, width) in enumerate(zip(columns, widths, strict=True)):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, column.label, header)
    sheet.freeze_panes(1, 0)
    return sheet


def _write_table(book: Workbook, styles: _Styles, name: str, table: Table) -> None:
    """One sheet: bold frozen header, rows in order, footer, autofilter over header and rows."""
    sheet = _start_sheet(book, styles, name, table.columns, _widths(table))
    last = 0
    for last, row in enumerate(table.rows, start=1):
        _write_row(sheet, last, table.columns, row, styles)
    sheet.autofilter(0, 0, last, len(table.columns) - 1)
    for offset, row in enumerate(table.footer, start=1):
        _write_row(sheet, last + offset, table.columns, row, styles)


def _pair_kind(cell: Cell) -> Kind:
    if cell.currency:
        return Kind.MONEY
    return Kind.DATE if isinstance(cell.value, date) else Kind.TEXT


def _pairs_sheet(
    book: Workbook,
    styles: _Styles,
    name: str,
    pairs: list[tuple[str, Cell]],
    *,
    kinds: tuple[Kind, ...] = (),
    strong_last: bool = True,
    note: str = "",
) -> None:
    """Label / value rows (invoice header and totals): money as numbers, text as strings.

    `kinds` names each value's kind where text, money and date are not enough (durations and
    counts of the check); `note`, when given, is a sentence in the first row above the pairs.
    """
    sheet = book.add_worksheet(name[:31])
    sheet.set_column(0, 0, max((len(label) for label, _ in pairs), default=10) + 2)
    sheet.set_column(1, 1, _MAX_WIDTH // 2)
    bold = styles.get("", bold=True)
    start = 0
    if note:
        sheet.write_string(0, 0, note, styles.get(""))
        start = 2
    for index, (label, cell) in enumerate(pairs):
        sheet.write_string(start + index, 0, label, bold)
        kind = kinds[index] if kinds else _pair_kind(cell)
        strong = strong_last and index == len(pairs) - 1
        style = styles.get(styles.number_format(kind, cell), bold=strong)
        _write_cell(sheet, start + index, 1, kind, cell, style, styles)


def _check_sheet(book: Workbook, styles: _Styles, check: ClockifyCheck | None) -> None:
    """A last sheet with the check sentence and its figures, as numbers; none without a check.

    A sheet of its own rather than rows under the data: the data sheets keep their autofilter
    and their sums, and "Clockify check" is a tab anyone can find.
    """
    if check is None:
        return
    fmt = styles.fmt
    triples = check_pairs(check, fmt)
    pairs = [(label, cell) for label, _, cell in triples]
    kinds = tuple(kind for _, kind, _ in triples)
    note = check_text(check, fmt, full=True)
    name = fmt.label("check_sheet")
    _pairs_sheet(book, styles, name, pairs, kinds=kinds, strong_last=False, note=note)


def _open(out: BinaryIO | str, fmt: Formatter) -> tuple[Workbook, _Styles]:
    book = Workbook(out, _OPTIONS)
    return book, _Styles(book, fmt)


def write_summary_xlsx(summary: Summary, fmt: Formatter, out: BinaryIO | str) -> None:
    """Sheets: the summary (indented groups, bold subtotals) and totals per currency.

    When present, a sheet of breaks, holidays and time off and a "Clockify check" sheet follow.
    """
    book, styles = _open(out, fmt)
    _write_table(book, styles, fmt.label("summary"), summary_table(summary, fmt))
    currencies = summary_currency_totals(summary, fmt)
    _write_table(book, styles, fmt.label("totals_by_currency"), currencies)
    non_work = non_work_table(summary, fmt)
    if non_work is not None:
        _write_table(book, styles, non_work.title, non_work)
    _check_sheet(book, styles, summary.check)
    book.close()


def _invoice_pairs(invoice: Invoice, fmt: Formatter) -> list[tuple[str, Cell]]:
    def text(value: str) -> Cell:
        return Cell(value, value)

    pairs = [
        (fmt.label("invoice_number"), text(invoice.number)),
        (fmt.label("issue_date"), Cell(fmt.date(invoice.issue_date), invoice.issue_date)),
        (fmt.label("due_date"), Cell(fmt.date(invoice.due_date), invoice.due_date)),
    ]
    if invoice.period is not None:
        period = fmt.period(invoice.period)
        pairs.append((fmt.label("period"), text(period)))
    pairs += [
        (fmt.label("bill_from"), text(invoice.bill_from.name)),
        (fmt.label("bill_to"), text(invoice.bill_to.name)),
        (fmt.label("currency"), text(invoice.currency)),
    ]
    return [*pairs, *invoice_totals(invoice, fmt)]


def write_invoice_xlsx(invoice: Invoice, fmt: Formatter, out: BinaryIO | str) -> None:
    """Sheets: the invoice (number, dates, parties, then totals) and its lines.

    The invoice sheet opens with the note on unbilled non-work entries when there are any;
    a "Clockify check" sheet comes last when the invoice has a check.
    """
    book, styles = _open(out, fmt)
    pairs = _invoice_pairs(invoice, fmt)
    _pairs_sheet(book, styles, fmt.label("invoice"), pairs, note=left_out_text(invoice, fmt))
    _write_table(book, styles, fmt.label("lines"), invoice_lines_table(invoice, fmt))
    timesheet = timesheet_table(invoice, fmt)
    if timesheet is not None:  # the appendix: the entries behind each line
        _write_table(book, styles, timesheet.title, timesheet)
    _check_sheet(book, styles, invoice.check)
    book.close()


def write_entries_xlsx(
    entries: Iterable[TimeEntry], fmt: Formatter, out: BinaryIO | str, *, zone: str = "UTC"
) -> None:
    """One sheet of detailed entries, streamed row by row in constant memory.

    The cells `_write_table` writes for `detailed_table`, typed alike (dates as day serials
    with a date format, durations and amounts as numbers), without a `Cell` per value: rows
    are `detailed_rows` tuples and formats are looked up once per currency.
    """
    book, styles = _open(out, fmt)
    columns = detailed_columns(fmt)
    widths = _widths(Table("", columns, ()))
    sheet = _start_sheet(book, styles, fmt.label("detailed_report"), columns, widths)
    text, plain = DetailedText(fmt), styles.get("")
    dated = styles.get(styles.number_format(Kind.DATE, EMPTY))
    timed = styles.get(styles.number_format(Kind.DURATION, EMPTY))
    unit = _SECONDS_PER_DAY if fmt.durations is DurationStyle.CLOCK else 3600
    money: dict[str, tuple[Format, int]] = {}

    def put_money(col: int, amount: Money) -> None:
        found = money.get(amount.currency)
        if found is None:
            number_format = styles.number_format(Kind.MONEY, Cell("", None, amount.currency))
            found = styles.get(number_format), 10 ** currency_exponent(amount.currency)
            money[amount.currency] = found
        put_number(last, col, amount.minor / found[1], found[0])  # int / int: correctly rounded

    put_text, put_number = sheet.write_string, sheet.write_number
    last = 0
    for last, values in enumerate(detailed_rows(entries, zone), start=1):
        day, *names, billable, seconds, rate, earned = values
        sheet.write_datetime(last, 0, day, dated)
        for col, name in enumerate(names, start=1):
            if name:
                put_text(last, col, name, plain)
        put_text(last, 7, text.yes_no[billable], plain)
        put_number(last, 8, seconds / unit, timed)
        if rate is not None:
            put_money(9, rate)
        if earned is not None:
            put_money(10, earned)
    sheet.autofilter(0, 0, last, len(columns) - 1)
    book.close()


def summary_xlsx(summary: Summary, fmt: Formatter) -> bytes:
    """`write_summary_xlsx` into bytes."""
    out = io.BytesIO()
    write_summary_xlsx(summary, fmt, out)
    return out.getvalue()


def invoice_xlsx(invoice: Invoice, fmt: Formatter) -> bytes:
    """`write_invoice_xlsx` into bytes."""
    out = io.BytesIO()
    write_invoice_xlsx(invoice, fmt, out)
    return out.getvalue()


def entries_xlsx(entries: Iterable[TimeEntry], fmt: Formatter, *, zone: str = "UTC") -> bytes:
    """`write_entries_xlsx` into bytes (the file, a few MB for 100k rows, is held once)."""
    out = io.BytesIO()
    write_entries_xlsx(entries, fmt, out, zone=zone)
    return out.getvalue()
