"""The invoice's timesheet appendix in every format, and its absence without the option."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from addon.render.csvfile import invoice_csv
from addon.render.html import render_invoice_html
from addon.render.i18n import Formatter
from addon.render.pdf import render_invoice_pdf
from addon.render.timesheet import timesheet_table
from addon.render.xlsx import invoice_xlsx
from addon.reports.model import Invoice
from addon.reports.snapshot import invoice_from_json, invoice_to_json
from tests.render.samples import make_invoice, sample_invoice_entries

FMT = Formatter("en")


def _with_timesheet() -> Invoice:
    invoice = make_invoice()
    return replace(invoice, timesheet=tuple(sample_invoice_entries()))


def test_each_row_names_the_line_that_bills_its_entry() -> None:
    invoice = _with_timesheet()

    table = timesheet_table(invoice, FMT)

    assert table is not None and table.title == "Timesheet"
    lines = {
        entry_id: number
        for number, line in enumerate(invoice.lines, start=1)
        for entry_id in line.entry_ids
    }
    rows = list(table.rows)
    assert len(rows) == 3
    assert sorted(int(row.cells[0].text) for row in rows) == sorted(lines.values())


def test_an_invoice_without_a_timesheet_prints_no_appendix_in_any_format() -> None:
    invoice = make_invoice()

    assert timesheet_table(invoice, FMT) is None
    assert "cr-timesheet" not in render_invoice_html(invoice, FMT)
    assert "timesheet" not in invoice_csv(invoice, FMT)
    assert "Timesheet" not in load_workbook(io.BytesIO(invoice_xlsx(invoice, FMT))).sheetnames


def test_a_snapshot_stored_before_the_option_loads_without_an_appendix() -> None:
    stored = invoice_to_json(make_invoice())
    del stored["timesheet"]  # what every snapshot written before the option looks like

    assert invoice_from_json(stored).timesheet == ()


def test_the_timesheet_survives_the_issued_snapshot() -> None:
    invoice = _with_timesheet()

    assert invoice_from_json(invoice_to_json(invoice)).timesheet == invoice.timesheet


@pytest.mark.parametrize("kind", ["html", "csv", "xlsx", "pdf"])
def test_every_format_appends_the_timesheet(kind: str) -> None:
    invoice = _with_timesheet()

    if kind == "html":
        html = render_invoice_html(invoice, FMT, email=True)
        assert html.count("cr-timesheet-table") == 1
        assert html.index("cr-timesheet") > html.index("cr-lines")
    elif kind == "csv":
        records = list(csv.reader(io.StringIO(invoice_csv(invoice, FMT))))
        assert sum(1 for record in records if record[:1] == ["timesheet"]) == 3
    elif kind == "xlsx":
        book = load_workbook(io.BytesIO(invoice_xlsx(invoice, FMT)))
        assert "Timesheet" in book.sheetnames
        assert book["Timesheet"].max_row == 4  # header and three entries
    else:
        without = len(PdfReader(io.BytesIO(render_invoice_pdf(make_invoice(), FMT))).pages)
        pdf = PdfReader(io.BytesIO(render_invoice_pdf(invoice, FMT)))
        assert len(pdf.pages) == without + 1
        assert "Timesheet" in pdf.pages[-1].extract_text()
