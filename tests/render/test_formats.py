"""One model, four formats: each file's totals, read back, are the model's totals.

The summary (PROJECT > USER, USD and EUR) and the invoice (a percent discount and two taxes) are
built by the real engine and rendered in every locale the add-on's settings offer; HTML, CSV,
XLSX and PDF are read back with the tools a reader would use (html.parser, csv, openpyxl, pypdf)
and their printed figures parsed into Decimals. So a renderer that prints another number, drops
a currency or mislabels a tax fails here, whatever the Formatter says. The hostile-workspace
test checks the same four formats in one place.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser

import pytest
from babel.numbers import get_decimal_symbol
from openpyxl import load_workbook
from pypdf import PdfReader

from addon.manifest import LOCALES as MANIFEST_LOCALES
from addon.render.csvfile import BOM, invoice_csv, summary_csv
from addon.render.html import render_invoice_html, render_summary_html
from addon.render.i18n import Formatter
from addon.render.pdf import render_invoice_pdf, render_summary_pdf
from addon.render.xlsx import invoice_xlsx, summary_xlsx
from addon.reports.aggregate import build_summary
from addon.reports.model import GroupBy, Invoice, Party, Ref, Summary
from tests.unit.reports.builders import make_entry, usd

from .samples import FORMULA_PREFIXES, make_invoice, sample_summary

FORMATS = ("html", "csv", "xlsx", "pdf")
LOCALES = (*MANIFEST_LOCALES, "de_CH")
"""Every locale the add-on's settings offer, plus one with a third decimal style (1\u2019234.50)."""

Figures = dict[str, Decimal]
"""Printed label (whitespace normalised) -> the figure read back from the file."""


# -- what the model says ---------------------------------------------------------------------


def summary_expected(summary: Summary, fmt: Formatter) -> Figures:
    """Per currency the grand total in major units, and the total hours."""
    figures = {amount.currency: amount.to_major() for amount in summary.totals.amounts}
    figures["hours"] = fmt.hours(summary.totals.duration)
    return figures


def invoice_expected(invoice: Invoice, fmt: Formatter) -> Figures:
    """Subtotal, discount (negative), each tax, total, under the labels a reader sees."""
    discount = invoice.terms.discount
    assert discount is not None and len(invoice.taxes) == 2  # the model this module is about
    percent = getattr(discount, "percent", None)
    discount_label = fmt.label("discount")
    if percent is not None:
        discount_label = f"{discount_label} ({fmt.percent(percent)})"
    figures = {
        fmt.label("subtotal"): invoice.subtotal.to_major(),
        discount_label: -invoice.discount.to_major(),
    }
    for tax in invoice.taxes:
        figures[f"{tax.tax.name} ({fmt.percent(tax.tax.percent)})"] = tax.amount.to_major()
    figures[fmt.label("total")] = invoice.total.to_major()
    return {normal(label): value for label, value in figures.items()}


# -- reading printed text back -----------------------------------------------------------------


def normal(text: str) -> str:
    """Whitespace collapsed: pypdf turns no-break spaces into spaces and wraps lines."""
    return " ".join(text.split())


def figure(text: str, fmt: Formatter) -> Decimal:
    """A printed amount or number (`-$45.21`, `1.234,50 €`, `EUR 1\u2019234.50`) as a Decimal.

    Currency signs, codes and group separators are dropped; the locale's decimal sign is kept.
    """
    decimal_sign = get_decimal_symbol(fmt.locale.replace("-", "_"))
    kept = "".join(
        "." if char == decimal_sign else "-" if char in "-\u2212" else char
        for char in text
        if char.isdigit() or char in "-\u2212" or char == decimal_sign
    )
    try:
        return Decimal(kept)
    except InvalidOperation:
        raise AssertionError(f"{text!r} does not read as a number") from None


@dataclass
class HtmlTable:
    css: str
    rows: list[tuple[str, list[str]]] = field(default_factory=list)  # (thead/tbody/tfoot, cells)


class HtmlTables(HTMLParser):
    """Every table of a page: its class and its rows' cell texts, per section."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[HtmlTable] = []
        self._section = "tbody"
        self._cell: list[str] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append(HtmlTable(dict(attrs).get("class") or ""))
            self._section = "tbody"
        elif tag in ("thead", "tbody", "tfoot"):
            self._section = tag
        elif tag == "tr" and self.tables:
            self.tables[-1].rows.append((self._section, []))
        elif tag in ("td", "th") and self.tables:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1].rows[-1][1].append(normal("".join(self._cell)))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def table(self, css: str) -> HtmlTable:
        return next(table for table in self.tables if css in table.css.split())


def pdf_pairs(pdf: bytes, labels: list[str], fmt: Formatter) -> Figures:
    """For each label, the figure printed on the line after it on the last page (totals block)."""
    last = PdfReader(io.BytesIO(pdf)).pages[-1].extract_text()
    lines = [normal(line) for line in last.splitlines()]
    found: Figures = {}
    for label in labels:
        at = len(lines) - 1 - lines[::-1].index(label)  # the totals block ends the document
        found[label] = figure(lines[at + 1], fmt)
    return found


def csv_records(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix(BOM))))


def xlsx_sheets(data: bytes) -> dict[str, list[list[object]]]:
    book = load_workbook(io.BytesIO(data))
    sheets = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
        sheets[sheet.title] = [[cell.value for cell in row] for row in sheet.iter_rows()]
    return sheets


def from_float(value: object) -> Decimal:
    """An XLSX money cell, which must be a number (never text), to its two-decimal Decimal."""
    assert isinstance(value, int | float) and not isinstance(value, bool), value
    return Decimal(repr(float(value)))


# -- the summary, per format -------------------------------------------------------------------


def summary_from_html(summary: Summary, fmt: Formatter) -> Figures:
    page = HtmlTables(render_summary_html(summary, fmt, title="May"))
    grid = page.table("cr-summary-table")
    header = next(cells for section, cells in grid.rows if section == "thead")
    (total,) = [cells for section, cells in grid.rows if section == "tfoot"]
    by_label = dict(zip(header, total, strict=True))
    found = {"hours": figure(by_label[fmt.label("duration")], fmt)}
    for currency, _ in _currency_columns(summary, fmt):
        found[currency] = figure(by_label[f"{fmt.label('amount')} ({currency})"], fmt)
    per_currency = page.table("cr-currency-totals")
    body = [cells for section, cells in per_currency.rows if section == "tbody"]
    assert {code: figure(text, fmt) for code, text in body} == {
        code: found[code] for code, _ in _currency_columns(summary, fmt)
    }
    return found


def _currency_columns(summary: Summary, fmt: Formatter) -> list[tuple[str, str]]:
    return [(a.currency, f"{fmt.label('amount')} ({a.currency})") for a in summary.totals.amounts]


def summary_from_csv(summary: Summary, fmt: Formatter) -> Figures:
    total = csv_records(summary_csv(summary, fmt))[-1]
    assert total[fmt.label("project")] == fmt.label("total")
    found = {"hours": Decimal(total["duration_hours"])}
    assert figure(total[fmt.label("duration")], fmt) == found["hours"]
    for currency, label in _currency_columns(summary, fmt):
        found[currency] = Decimal(total[f"amount:{currency}"])
        assert total[f"amount:{currency}_currency"] == currency
        assert figure(total[label], fmt) == found[currency], label
    return found


def summary_from_xlsx(summary: Summary, fmt: Formatter) -> Figures:
    sheets = xlsx_sheets(summary_xlsx(summary, fmt))
    rows = sheets[fmt.label("summary")]
    header, total = rows[0], rows[-1]
    assert total[0] == fmt.label("total")
    by_label = dict(zip(header, total, strict=True))
    seconds = by_label[fmt.label("duration")]
    assert isinstance(seconds, float)
    found = {"hours": fmt.hours(round(seconds * 3600))}
    for currency, label in _currency_columns(summary, fmt):
        found[currency] = from_float(by_label[label])
    per_currency = sheets[fmt.label("totals_by_currency")][1:]
    assert {str(code): from_float(value) for code, value in per_currency} == {
        code: found[code] for code, _ in _currency_columns(summary, fmt)
    }
    return found


def summary_from_pdf(summary: Summary, fmt: Formatter) -> Figures:
    pdf = render_summary_pdf(summary, fmt, title="May")
    codes = [amount.currency for amount in summary.totals.amounts]
    found = pdf_pairs(pdf, [fmt.label("duration"), *codes], fmt)
    found["hours"] = found.pop(fmt.label("duration"))
    return found


# -- the invoice, per format -------------------------------------------------------------------


def invoice_from_html(invoice: Invoice, fmt: Formatter) -> Figures:
    totals = HtmlTables(render_invoice_html(invoice, fmt)).table("cr-totals")
    return {label: figure(text, fmt) for _, (label, text) in totals.rows}


def invoice_from_csv(invoice: Invoice, fmt: Formatter) -> Figures:
    records = csv_records(invoice_csv(invoice, fmt))
    found = {}
    for record in records:
        if record["section"] == "total":
            label = normal(record[fmt.label("description")])
            found[label] = Decimal(record["amount"])
            assert figure(record[fmt.label("amount")].lstrip("'"), fmt) == found[label]
            assert record["amount_currency"] == invoice.currency
    return found


def invoice_from_xlsx(invoice: Invoice, fmt: Formatter) -> Figures:
    rows = xlsx_sheets(invoice_xlsx(invoice, fmt))[fmt.label("invoice")]
    expected = invoice_expected(invoice, fmt)
    return {
        normal(str(label)): from_float(value)
        for label, value in rows
        if normal(str(label)) in expected
    }


def invoice_from_pdf(invoice: Invoice, fmt: Formatter) -> Figures:
    pdf = render_invoice_pdf(invoice, fmt)
    return pdf_pairs(pdf, list(invoice_expected(invoice, fmt)), fmt)


SUMMARY_READERS: dict[str, Callable[[Summary, Formatter], Figures]] = {
    "html": summary_from_html,
    "csv": summary_from_csv,
    "xlsx": summary_from_xlsx,
    "pdf": summary_from_pdf,
}
INVOICE_READERS: dict[str, Callable[[Invoice, Formatter], Figures]] = {
    "html": invoice_from_html,
    "csv": invoice_from_csv,
    "xlsx": invoice_from_xlsx,
    "pdf": invoice_from_pdf,
}


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("kind", FORMATS)
def test_summary_totals_read_back_from_each_format_equal_the_model(kind: str, locale: str) -> None:
    summary = sample_summary((GroupBy.PROJECT, GroupBy.USER))
    fmt = Formatter(locale)
    assert len(summary.totals.amounts) == 2  # USD and EUR

    found = SUMMARY_READERS[kind](summary, fmt)

    assert found == summary_expected(summary, fmt)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("kind", FORMATS)
def test_invoice_totals_read_back_from_each_format_equal_the_model(kind: str, locale: str) -> None:
    invoice = make_invoice()
    fmt = Formatter(locale)

    found = INVOICE_READERS[kind](invoice, fmt)

    expected = invoice_expected(invoice, fmt)
    assert found == expected
    assert sum(list(found.values())[:-1]) == found[normal(fmt.label("total"))]


def test_a_wrong_figure_is_caught_by_the_read_back() -> None:
    fmt = Formatter("de_DE")

    assert figure("-45,21\xa0$", fmt) == Decimal("-45.21")
    assert figure("1.234,50 €", fmt) == Decimal("1234.50")
    assert figure("$1,234.50", Formatter("en")) == Decimal("1234.50")
    assert figure("1\u202f234,50\xa0€", Formatter("fr_FR")) == Decimal("1234.50")
    assert figure("EUR\xa01\u2019234.50", Formatter("de_CH")) == Decimal("1234.50")
    assert figure("520,57 $", fmt) != Decimal("520.56")


# -- a hostile workspace, in every format --------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://x","y")'
HEBREW = "עברית"
EMOJI = "👩\u200d💻 Dev"
HOSTILE = (SCRIPT, FORMULA, HEBREW, EMOJI)


def hostile_models() -> tuple[Summary, Invoice]:
    """Each name as a project (summary rows, invoice lines); the client is called FORMULA."""
    entries = [
        make_entry(id=f"h{i}", seconds=900 * (i + 1), rate=usd("50.00"), project=Ref(f"p{i}", name))
        for i, name in enumerate(HOSTILE)
    ]
    summary = build_summary(entries, [GroupBy.PROJECT, GroupBy.USER])
    invoice = make_invoice(entries=entries, bill_to=Party(FORMULA, SCRIPT, ""), notes=HEBREW)
    return summary, invoice


def check_html(summary: Summary, invoice: Invoice, fmt: Formatter) -> None:
    html = render_summary_html(summary, fmt, title=SCRIPT) + render_invoice_html(invoice, fmt)

    class Tags(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.tags: list[str] = []
            self.attributes: list[str] = []
            self.texts: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.tags.append(tag)
            self.attributes.extend(name for name, _ in attrs)

        def handle_data(self, data: str) -> None:
            self.texts.append(data.strip())

    page = Tags()
    page.feed(html)
    page.close()
    assert "script" not in page.tags
    assert not [name for name in page.attributes if name.startswith("on")]
    assert set(HOSTILE) <= set(page.texts)
    assert "&lt;script&gt;" in html


def check_csv(summary: Summary, invoice: Invoice, fmt: Formatter) -> None:
    text = summary_csv(summary, fmt) + invoice_csv(invoice, fmt)

    fields = [value for row in csv.reader(io.StringIO(text.removeprefix(BOM))) for value in row]
    for value in fields:
        if value.startswith(FORMULA_PREFIXES):
            Decimal(value)  # only a raw number (a negative discount) may start with "-"
    assert "'" + FORMULA in fields
    assert {SCRIPT, HEBREW, EMOJI} <= set(fields)


def check_xlsx(summary: Summary, invoice: Invoice, fmt: Formatter) -> None:
    texts = [
        value
        for data in (summary_xlsx(summary, fmt), invoice_xlsx(invoice, fmt))
        for rows in xlsx_sheets(data).values()  # asserts that no cell is a formula
        for row in rows
        for value in row
        if isinstance(value, str)
    ]
    assert set(HOSTILE) <= set(texts)  # the formula text kept literally, as a string cell


def check_pdf(summary: Summary, invoice: Invoice, fmt: Formatter) -> None:
    pdfs = (render_summary_pdf(summary, fmt, title=SCRIPT), render_invoice_pdf(invoice, fmt))

    text = "\n".join(
        page.extract_text() for pdf in pdfs for page in PdfReader(io.BytesIO(pdf)).pages
    )
    for name in (SCRIPT, FORMULA, HEBREW):
        assert name in text, name
    assert "Dev" in text  # no installed font draws the emoji itself (see fonts.py)


HOSTILE_CHECKS: dict[str, Callable[[Summary, Invoice, Formatter], None]] = {
    "html": check_html,
    "csv": check_csv,
    "xlsx": check_xlsx,
    "pdf": check_pdf,
}


@pytest.mark.parametrize("kind", FORMATS)
def test_hostile_workspace_names_stay_inert_text_in_every_format(kind: str) -> None:
    summary, invoice = hostile_models()

    HOSTILE_CHECKS[kind](summary, invoice, Formatter("en"))
