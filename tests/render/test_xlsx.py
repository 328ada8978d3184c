"""XLSX files read back with openpyxl: typed numbers, formats, frozen header, no formula cells."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from addon.render.detailed_table import detailed_table
from addon.render.i18n import DurationStyle, Formatter
from addon.render.xlsx import (
    _open,
    _write_table,
    entries_xlsx,
    invoice_xlsx,
    summary_xlsx,
    write_entries_xlsx,
)

from .samples import HOSTILE_NAMES, hostile_entries, make_invoice, many_entries, sample_summary

EN = Formatter("en")
MIB = 1024 * 1024


def _sheets(data: bytes) -> dict[str, Worksheet]:
    book = load_workbook(io.BytesIO(data))
    return {sheet.title: sheet for sheet in book.worksheets}


def _column(sheet: Worksheet, header: str) -> int:
    return next(cell.column for cell in sheet[1] if cell.value == header)


def test_summary_sheet_has_numbers_with_currency_formats_and_a_frozen_filtered_header() -> None:
    summary = sample_summary()

    sheet = _sheets(summary_xlsx(summary, EN))["Summary"]

    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:F{1 + 7}"
    total = sheet.max_row
    assert sheet.cell(total, 1).value == "Total"
    assert sheet.cell(total, 1).font.b
    usd = sheet.cell(total, _column(sheet, "Amount (USD)"))
    assert (usd.data_type, usd.value, usd.number_format) == ("n", 520.56, '#,##0.00 "USD"')
    hours = sheet.cell(total, _column(sheet, "Duration"))
    assert hours.number_format == "0.00"
    assert round(Decimal(hours.value) * 3600) == summary.totals.duration
    assert sheet.cell(3, 1).alignment.indent == 1


def test_currency_totals_sheet_lists_each_currency_amount() -> None:
    summary = sample_summary()

    sheet = _sheets(summary_xlsx(summary, Formatter("de_DE")))["Summen nach Währung"]

    rows = [(row[0].value, row[1].value) for row in sheet.iter_rows(min_row=2)]
    assert rows == [(a.currency, float(a.to_major())) for a in summary.totals.amounts]


def test_clock_durations_are_day_fractions_with_an_hours_format() -> None:
    fmt = Formatter("en", durations=DurationStyle.CLOCK)

    sheet = _sheets(summary_xlsx(sample_summary(), fmt))["Summary"]

    total = sheet.cell(sheet.max_row, 2)
    assert total.number_format == "[h]:mm"
    assert total.value == timedelta(seconds=sample_summary().totals.duration)


def test_invoice_workbook_has_totals_and_lines_from_the_model() -> None:
    invoice = make_invoice()

    sheets = _sheets(invoice_xlsx(invoice, Formatter("fr_FR")))

    info = {row[0].value: row[1] for row in sheets["Facture"].iter_rows()}
    assert info["Numéro de facture"].value == "INV-2024-0007"
    assert info["Date d\u2019émission"].value == datetime(2024, 6, 1)
    assert info["Total"].value == float(invoice.total.to_major())
    assert info["Total"].number_format == '#,##0.00 "USD"'
    lines = sheets["Lignes"]
    amounts = [row[4].value for row in lines.iter_rows(min_row=2)]
    assert amounts == [float(line.amount.to_major()) for line in invoice.lines]
    assert lines.freeze_panes == "A2"


def test_hostile_text_is_written_as_strings_never_formulas() -> None:
    sheets = _sheets(entries_xlsx(hostile_entries(), EN))

    (sheet,) = sheets.values()
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    descriptions = [row[5].value for row in sheet.iter_rows(min_row=2)]
    # XlsxWriter stores CR as the OOXML escape _x000D_, which Excel reads back as CR.
    assert [text.replace("_x000D_", "\r") for text in descriptions] == list(HOSTILE_NAMES)
    negative_rate = sheet.cell(1 + HOSTILE_NAMES.index("-2") + 1, 10)
    assert (negative_rate.data_type, negative_rate.value) == ("n", -10.0)


def test_detailed_dates_are_real_dates() -> None:
    sheet = next(iter(_sheets(entries_xlsx(many_entries(3), EN)).values()))

    assert sheet.cell(2, 1).value == datetime(2024, 5, 1)
    assert sheet.cell(2, 1).number_format == "yyyy-mm-dd"
    assert sheet.cell(2, 9).value == pytest.approx(60 / 3600)


def _peak_bytes(rows: int) -> tuple[int, bytes]:
    out = io.BytesIO()
    tracemalloc.start()
    try:
        write_entries_xlsx(many_entries(rows), EN, out)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, out.getvalue()


def test_detailed_rows_stream_in_memory_that_does_not_grow_with_rows() -> None:
    # tracemalloc slows Python ~4x, so 100,000 rows belong to the bench; ten times the rows
    # with the same peak is what "constant memory" means, checked without timing.
    small, _ = _peak_bytes(400)
    large, data = _peak_bytes(4_000)

    assert large < 60 * MIB
    assert large - small < 2 * MIB, f"{small / MIB:.2f} -> {large / MIB:.2f} MiB"
    book = load_workbook(io.BytesIO(data), read_only=True)
    assert book.worksheets[0].max_row == 4_001
    book.close()


def test_streamed_entries_sheet_is_identical_to_the_table_sheet() -> None:
    fmt = Formatter("de_DE")
    entries = [*hostile_entries(), *many_entries(500)]
    table_out = io.BytesIO()
    book, styles = _open(table_out, fmt)
    _write_table(book, styles, fmt.label("detailed_report"), detailed_table(entries, fmt))
    book.close()

    streamed = entries_xlsx(iter(entries), fmt)

    old, new = zipfile.ZipFile(table_out), zipfile.ZipFile(io.BytesIO(streamed))
    parts = [name for name in old.namelist() if not name.startswith("docProps/")]
    assert parts == [name for name in new.namelist() if not name.startswith("docProps/")]
    assert all(old.read(name) == new.read(name) for name in parts)
