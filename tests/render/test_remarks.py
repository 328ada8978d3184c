"""The Clockify check line, the non-work group and the left-out notice, read back per format.

Each file is read the way its reader would (html.parser, csv, openpyxl, pypdf), in English,
German and Japanese: the sentence a format prints must be the one `check_text` words, and a
report without a check must print none (an old snapshot, or a report built without Clockify).
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from io import BytesIO

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from addon.render.csvfile import BOM, invoice_csv, summary_csv
from addon.render.html import render_invoice_html, render_summary_html
from addon.render.i18n import DurationStyle, Formatter
from addon.render.pdf import render_invoice_pdf, render_summary_pdf
from addon.render.remarks import check_text, left_out_text
from addon.render.xlsx import invoice_xlsx, summary_xlsx
from addon.reports.model import ClockifyCheck, EntryType, Invoice, Summary, Totals
from addon.reports.money import Money
from addon.reports.snapshot import (
    invoice_from_json,
    invoice_to_json,
    summary_from_json,
    summary_to_json,
)

from .samples import make_invoice, sample_summary

CHECK = ClockifyCheck(
    entries=2345,
    duration=15_725_160,  # 4,368 h 6 min
    billable_duration=14_400_000,
    amounts=(Money(123_450, "EUR"), Money(2_000, "USD")),
    expenses=12,
    expense_amounts=(Money(30_000, "EUR"),),
)
NON_WORK = (
    (EntryType.BREAK, Totals(5_400, 0, 3, ())),
    (EntryType.HOLIDAY, Totals(28_800, 0, 1, ())),
)
LOCALES = ("en", "de_DE", "ja_JP")


def checked_summary(check: ClockifyCheck | None = CHECK) -> Summary:
    return replace(sample_summary(), check=check, non_work=NON_WORK)


def checked_invoice(check: ClockifyCheck | None = CHECK, left_out: int = 3) -> Invoice:
    return replace(make_invoice(), check=check, non_work_left_out=left_out)


def words(text: str) -> str:
    """Whitespace collapsed and no-break spaces plain: pypdf and html.parser read them so."""
    return " ".join(text.replace("\xa0", " ").replace("\u202f", " ").split())


def bare(text: str) -> str:
    """No whitespace at all: pypdf adds a space wherever a line changes font (Latin, CJK)."""
    return "".join(text.split())


def pdf_pages(pdf: bytes) -> list[str]:
    return [bare(page.extract_text()) for page in PdfReader(BytesIO(pdf)).pages]


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix(BOM))))


def sheets(data: bytes) -> dict[str, list[list[object]]]:
    book = load_workbook(io.BytesIO(data))
    return {s.title: [[c.value for c in row] for row in s.iter_rows()] for s in book.worksheets}


# -- the sentence ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "short", "full"),
    [
        (
            "en",
            "Checked against Clockify: 2,345 entries, 4,368.10 h, 12 expenses",
            "Checked against Clockify: 2,345 entries, 4,368.10 h, 4,000.00 h billable, "
            "amount €1,234.50 / $20.00, 12 expenses (€300.00)",
        ),
        (
            "de_DE",
            "Abgeglichen mit Clockify: 2.345 Einträge, 4.368,10 Std., 12 Ausgaben",
            "Abgeglichen mit Clockify: 2.345 Einträge, 4.368,10 Std., 4.000,00 Std. "
            "abrechenbar, Betrag 1.234,50\xa0€ / 20,00\xa0$, 12 Ausgaben (300,00\xa0€)",
        ),
        (
            "ja_JP",
            "Clockifyと照合済み\uff1a2,345件\u30014,368.10時間\u3001経費12件",
            "Clockifyと照合済み\uff1a2,345件\u30014,368.10時間\u3001請求対象4,000.00時間\u3001"
            "金額€1,234.50 / $20.00\u3001経費12件 (€300.00)",
        ),
    ],
)
def test_check_line_is_worded_and_numbered_in_the_report_language(
    locale: str, short: str, full: str
) -> None:
    fmt = Formatter(locale)

    assert check_text(CHECK, fmt) == short
    assert check_text(CHECK, fmt, full=True) == full


def test_check_line_follows_the_clock_style_and_the_plural_rule() -> None:
    one = ClockifyCheck(entries=1, duration=5_400, billable_duration=0, expenses=1)

    assert check_text(one, Formatter("en", DurationStyle.CLOCK)) == (
        "Checked against Clockify: 1 entry, 1:30 h, 1 expense"
    )
    assert check_text(one, Formatter("fr_FR")) == (
        "Vérifié avec Clockify : 1 entrée, 1,50 h, 1 dépense"
    )


def test_check_without_an_expense_report_names_no_expenses() -> None:
    check = replace(CHECK, expenses=None, expense_amounts=())

    assert "expense" not in check_text(check, Formatter("en"), full=True)


def test_no_check_no_line_and_no_left_out_entries_no_notice() -> None:
    fmt = Formatter("en")

    assert check_text(None, fmt) == ""
    assert left_out_text(checked_invoice(left_out=0), fmt) == ""
    assert left_out_text(checked_invoice(left_out=1), fmt) == (
        "1 break, holiday or time-off entry was not billed."
    )


# -- every format ------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_every_summary_format_prints_the_check_line(locale: str) -> None:
    fmt = Formatter(locale)
    summary = checked_summary()
    short, full = check_text(CHECK, fmt), check_text(CHECK, fmt, full=True)

    html = render_summary_html(summary, fmt, title="May")
    email = render_summary_html(summary, fmt, title="May", email=True)
    rows = csv_rows(summary_csv(summary, fmt, bom=True))
    book = sheets(summary_xlsx(summary, fmt))
    pages = pdf_pages(render_summary_pdf(summary, fmt, title="May"))

    assert html.count('class="cr-check"') == 1 and words(short) in words(html)
    assert words(short) in words(email)
    assert rows[-2:] == [[], [full]]
    assert book[fmt.label("check_sheet")][0][0] == full
    assert all(bare(short) in page for page in pages)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_invoice_format_prints_the_check_line_and_the_left_out_notice(locale: str) -> None:
    fmt = Formatter(locale)
    invoice = checked_invoice()
    short, full = check_text(CHECK, fmt), check_text(CHECK, fmt, full=True)
    notice = fmt.count("left_out", 3)

    html = render_invoice_html(invoice, fmt)
    rows = csv_rows(invoice_csv(invoice, fmt))
    book = sheets(invoice_xlsx(invoice, fmt))
    pages = pdf_pages(render_invoice_pdf(invoice, fmt))

    assert words(short) in words(html) and words(notice) in words(html)
    assert rows[-2:] == [["note", notice], ["check", full]]
    assert book[fmt.label("invoice")][0][0] == notice
    assert book[fmt.label("check_sheet")][0][0] == full
    assert all(bare(short) in page for page in pages)
    assert bare(notice) in pages[-1]


def test_check_sheet_keeps_its_figures_as_numbers() -> None:
    fmt = Formatter("en")

    rows = sheets(summary_xlsx(checked_summary(), fmt))["Clockify check"]

    figures = {row[0]: row[1] for row in rows[2:]}
    assert figures["Entries"] == 2345
    assert figures["Duration"] == pytest.approx(15_725_160 / 3600)
    assert figures["Amount (EUR)"] == pytest.approx(1234.5)
    assert figures["Expenses"] == 12
    assert figures["Expenses (EUR)"] == pytest.approx(300.0)


def test_a_report_without_a_check_prints_no_check_line_anywhere() -> None:
    fmt = Formatter("en")
    summary, invoice = checked_summary(check=None), checked_invoice(check=None)
    marker = "Clockify"

    texts = [
        render_summary_html(summary, fmt, title="May"),
        render_invoice_html(invoice, fmt, email=True),
        summary_csv(summary, fmt),
        invoice_csv(invoice, fmt),
        *pdf_pages(render_summary_pdf(summary, fmt, title="May")),
        *pdf_pages(render_invoice_pdf(invoice, fmt)),
    ]
    book_names = [*sheets(summary_xlsx(summary, fmt)), *sheets(invoice_xlsx(invoice, fmt))]

    assert not [text for text in texts if marker in text]
    assert "Clockify check" not in book_names
    assert "cr-check" not in texts[0]


# -- the non-work group ------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_every_summary_format_shows_breaks_and_holidays_as_their_own_group(locale: str) -> None:
    fmt = Formatter(locale)
    summary = checked_summary()
    heading = fmt.label("non_work")
    brk, holiday = fmt.label("entry_break"), fmt.label("entry_holiday")

    html = words(render_summary_html(summary, fmt, title="May"))
    rows = csv_rows(summary_csv(summary, fmt))
    book = sheets(summary_xlsx(summary, fmt))
    last = pdf_pages(render_summary_pdf(summary, fmt, title="May"))[-1]

    assert html.index(words(heading)) > html.index("cr-summary-table")
    assert f"{brk}</td>" in html and fmt.duration(28_800) in html
    header = rows[0]
    records = {row[0]: dict(zip(header, row, strict=False)) for row in rows if row}
    assert [heading] in rows
    assert records[brk]["duration_seconds"] == "5400"
    assert records[holiday]["entries"] == "1"
    assert records[fmt.label("total")]["duration_seconds"] == str(summary.totals.duration)
    sheet = book[heading[:31]]
    assert sheet[1][0] == brk and sheet[2][0] == holiday
    assert bare(heading) in last and brk in last


def test_a_summary_without_non_work_time_has_no_such_group() -> None:
    fmt = Formatter("en")
    summary = sample_summary()

    assert "cr-non-work" not in render_summary_html(summary, fmt, title="May")
    assert [] not in csv_rows(summary_csv(summary, fmt))
    assert fmt.label("non_work") not in sheets(summary_xlsx(summary, fmt))


# -- stored reports ----------------------------------------------------------------------------


def test_snapshots_carry_the_check_and_older_ones_without_it_still_load() -> None:
    summary, invoice = checked_summary(), checked_invoice()
    old_summary = summary_to_json(sample_summary())
    old_invoice = invoice_to_json(make_invoice())
    for key in ("check", "non_work"):
        old_summary.pop(key)
    for key in ("check", "non_work_left_out"):
        old_invoice.pop(key)

    assert summary_from_json(summary_to_json(summary)) == summary
    assert invoice_from_json(invoice_to_json(invoice)) == invoice
    assert summary_from_json(old_summary).check is None
    assert summary_from_json(old_summary).non_work == ()
    assert invoice_from_json(old_invoice).check is None
    assert invoice_from_json(old_invoice).non_work_left_out == 0
