"""PDFs print the model's figures through the Formatter, on every page, and any name literally.

Text is read back with pypdf; pages are rasterised with Debian's `pdftoppm` (poppler-utils),
which CI must have (a missing binary skips on a laptop and fails under CI=true).
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from addon.manifest import LOCALES
from addon.render import fonts as fonts_module
from addon.render.detailed_table import detailed_table
from addon.render.fonts import font_runs, fonts
from addon.render.i18n import LABELS, Formatter
from addon.render.invoice_tables import invoice_lines_table, invoice_totals
from addon.render.pdf import (
    PageSize,
    UnsupportedLogo,
    UnsupportedPageSize,
    render_detailed_pdf,
    render_invoice_pdf,
    render_summary_pdf,
)
from addon.render.summary_tables import summary_table
from addon.reports.aggregate import build_summary
from addon.reports.model import GroupBy
from tests.conftest import require_or_skip
from tests.render.pdf_samples import (
    HOSTILE,
    PNG_1PX,
    detailed_entries,
    invoice_with_lines,
    summary_with_names,
)
from tests.unit.reports.builders import make_entry

EN, DE, FR = Formatter("en"), Formatter("de_DE"), Formatter("fr_FR")
ES, JA = Formatter("es_ES"), Formatter("ja_JP")
LITERAL = tuple(name for name in HOSTILE if "\u200d" not in name)  # emoji: see fonts.py


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(pdf)).pages]


def printed(text: str) -> str:
    """`text` as pypdf reads it back: it turns a no-break space into a plain space."""
    return text.replace("\xa0", " ")


def words(text: str) -> str:
    """`text` with whitespace collapsed, for pypdf's line breaks are not the text's.

    pypdf breaks a line where a label wraps between words ("Fecha de / vencimiento") and where
    a string changes font ("1 / 1 " in DejaVu Sans, "ページ" in WenQuanYi Micro Hei).
    """
    return " ".join(printed(text).split())


def assert_numbered(texts: list[str], fmt: Formatter) -> None:
    total = len(texts)
    for number, text in enumerate(texts, start=1):
        assert words(fmt.label("page_of", page=str(number), pages=str(total))) in words(text)


@pytest.fixture
def pdftoppm() -> str:
    found = shutil.which("pdftoppm")
    if found is None:
        require_or_skip("pdftoppm (Debian poppler-utils) is not installed")
        raise AssertionError("unreachable")
    return found


def rasterise(pdftoppm: str, pdf: bytes, tmp_path: Path) -> list[Path]:
    source = tmp_path / "report.pdf"
    source.write_bytes(pdf)
    subprocess.run(  # noqa: S603  # a fixed binary on our own temporary file
        [pdftoppm, "-r", "50", "-png", str(source), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    return sorted(tmp_path.glob("page-*.png"))


def test_summary_prints_model_totals_through_the_formatter_on_numbered_pages() -> None:
    summary = summary_with_names(per_name=6)

    texts = pages_text(render_summary_pdf(summary, EN, title="May summary"))

    everything = "\n".join(texts)
    assert EN.duration(summary.totals.duration) in texts[-1]
    for amount in summary.totals.amounts:
        assert EN.money(amount) in texts[-1]
    for row in summary.rows:
        assert EN.duration(row.totals.duration) in everything
    assert all("May summary" in text for text in texts)
    assert_numbered(texts, EN)


def test_summary_totals_block_lists_every_currency() -> None:
    summary = summary_with_names(("Website",), per_name=4)

    (text,) = pages_text(render_summary_pdf(summary, EN, title="Mixed currencies"))

    assert {amount.currency for amount in summary.totals.amounts} == {"EUR", "USD"}
    assert EN.label("totals_by_currency") in text
    for amount in summary.totals.amounts:
        assert amount.currency in text
        assert EN.money(amount) in text


def test_empty_summary_says_no_time_was_tracked() -> None:
    summary = build_summary([], [GroupBy.PROJECT])

    (text,) = pages_text(render_summary_pdf(summary, DE, title="Leer"))

    assert DE.label("no_data") in text


@pytest.mark.parametrize("fmt", [DE, FR, ES, JA], ids=["de", "fr", "es", "ja"])
def test_invoice_labels_and_numbers_follow_the_locale(fmt: Formatter) -> None:
    invoice = invoice_with_lines(8)

    texts = pages_text(render_invoice_pdf(invoice, fmt))

    text = words("\n".join(texts))
    for key in ("invoice", "bill_to", "issue_date", "due_date", "period", "description"):
        assert fmt.label(key) in text, key
    for label, cell in invoice_totals(invoice, fmt):
        assert printed(label) in texts[-1]
        assert printed(cell.text) in texts[-1]
    assert fmt.date(invoice.due_date) in text
    assert_numbered(texts, fmt)


def test_long_invoice_repeats_headers_and_ends_with_the_whole_totals_block() -> None:
    invoice = invoice_with_lines(1000)

    texts = pages_text(render_invoice_pdf(invoice, EN, page_size="LETTER"))

    assert len(texts) > 5
    for text in texts:
        assert f"Invoice {invoice.number}" in text
        if "Design review #" in text:  # a page of lines (the last may hold only totals)
            assert EN.label("description") in text and EN.label("unit_price") in text
    assert all("Design review #" in text for text in texts[:-1])
    last = texts[-1]
    for label, cell in invoice_totals(invoice, EN):
        assert label in last and cell.text in last
    assert EN.money(invoice.total) not in "\n".join(texts[:-1])
    assert "Thank you." in last
    assert_numbered(texts, EN)


def test_short_invoice_fits_its_lines_totals_and_notes_on_one_page() -> None:
    invoice = invoice_with_lines(3)

    texts = pages_text(render_invoice_pdf(invoice, EN))

    assert len(texts) == 1  # totals once moved to a page of their own (nested KeepTogether)
    assert "Design review #2" in texts[0]
    assert EN.money(invoice.total) in texts[0] and "Thank you." in texts[0]


def test_every_page_rasterises_and_the_last_one_shows_the_totals(
    pdftoppm: str, tmp_path: Path
) -> None:
    invoice = invoice_with_lines(150)
    pdf = render_invoice_pdf(invoice, EN)

    images = rasterise(pdftoppm, pdf, tmp_path)

    texts = pages_text(pdf)
    assert len(images) == len(texts) > 1
    assert EN.money(invoice.total) in texts[-1]
    with Image.open(images[-1]) as last:
        darkest, lightest = last.convert("L").getextrema()
    assert darkest < 128 < lightest  # ink on paper, not a blank page


@pytest.mark.parametrize("fmt", [EN, DE, JA], ids=["en", "de", "ja"])
def test_summary_chart_and_table_rasterise(fmt: Formatter, pdftoppm: str, tmp_path: Path) -> None:
    pdf = render_summary_pdf(summary_with_names(), fmt, title="Chart", logo=PNG_1PX)

    images = rasterise(pdftoppm, pdf, tmp_path)

    assert len(images) == len(PdfReader(BytesIO(pdf)).pages)


def test_hostile_names_print_literally_in_every_report() -> None:
    summary = summary_with_names(HOSTILE)
    invoice = invoice_with_lines(len(HOSTILE), names=HOSTILE, notes="<b>not bold</b> & <i>")

    texts = {
        "summary": "\n".join(pages_text(render_summary_pdf(summary, EN, title="<b>Title</b>"))),
        "invoice": "\n".join(pages_text(render_invoice_pdf(invoice, EN))),
        "detailed": "\n".join(
            pages_text(render_detailed_pdf(detailed_entries(30, HOSTILE), EN, title="D"))
        ),
    }

    for report, text in texts.items():
        for name in LITERAL:
            assert name in text, (report, name)
        assert "Dev" in text  # the emoji itself may be missing from every font
    assert "<b>Title</b>" in texts["summary"]
    assert "<b>not bold</b> & <i>" in texts["invoice"]


def test_right_to_left_names_keep_their_letters() -> None:
    summary = summary_with_names(("שלום עולם", "مرحبا بالعالم"))

    text = "\n".join(pages_text(render_summary_pdf(summary, EN, title="RTL")))

    assert "שלום עולם" in text
    assert "مرحبا بالعالم" in text


@pytest.mark.parametrize("locale", LOCALES)
def test_column_headers_wrap_between_words_and_dates_print_whole(locale: str) -> None:
    fmt = Formatter(locale)
    invoice, summary = invoice_with_lines(3), summary_with_names(("Website",))
    every_28th = [  # each month's longest date ("28 de mar. de 2024", "May 28, 2024")
        make_entry(id=f"m{month}", seconds=900, start=datetime(2024, month, 28, 9, tzinfo=UTC))
        for month in range(1, 13)
    ]
    reports = {
        "invoice": (invoice_lines_table(invoice, fmt), render_invoice_pdf(invoice, fmt)),
        "summary": (summary_table(summary, fmt), render_summary_pdf(summary, fmt, title="S")),
        "detailed": (
            detailed_table(every_28th, fmt),
            render_detailed_pdf(every_28th, fmt, title="D"),
        ),
    }

    for report, (view, pdf) in reports.items():
        text = printed("\n".join(pages_text(pdf)))
        for column in view.columns:  # a word cut by a narrow column is no longer in the text
            for word in column.label.split():
                assert word in text, (report, word)
    assert printed(fmt.date(date(2024, 5, 1))) in printed(pages_text(reports["invoice"][1])[0])
    detailed = printed("\n".join(pages_text(reports["detailed"][1])))
    for month in range(1, 13):
        assert printed(fmt.date(date(2024, month, 28))) in detailed, month


def test_japanese_labels_are_drawn_in_the_cjk_font_not_as_empty_boxes() -> None:
    found = fonts()
    if found.missing:
        require_or_skip(f"fonts missing: {', '.join(found.missing)} (fonts-dejavu, fonts-wqy)")

    for key, text in LABELS["ja"].items():
        for name, chunk in font_runs(text):
            glyphs = pdfmetrics.getFont(name).face.charToGlyph
            assert all(ord(char) in glyphs for char in chunk), (key, name, chunk)
    pdf = render_invoice_pdf(invoice_with_lines(3), JA)

    used = {
        str(font.get_object()["/BaseFont"])
        for font in PdfReader(BytesIO(pdf)).pages[0]["/Resources"]["/Font"].values()
    }
    cjk = pdfmetrics.getFont(found.fallbacks[0]).face.name.decode()
    assert any(cjk in name for name in used), used  # WenQuanYiMicroHei, embedded as a subset
    assert JA.label("invoice") in pages_text(pdf)[0]


def test_this_machine_has_the_debian_fonts() -> None:
    found = fonts()

    if found.missing:
        require_or_skip(f"fonts missing: {', '.join(found.missing)} (fonts-dejavu, fonts-wqy)")
    assert found.fallbacks


def test_missing_font_files_fall_back_to_helvetica(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts_module, "SANS_FONTS", ("/nonexistent/DejaVuSans.ttf",))
    monkeypatch.setattr(fonts_module, "SANS_BOLD_FONTS", ())
    monkeypatch.setattr(fonts_module, "CJK_FONTS", ())

    found = fonts_module._load()

    assert (found.regular, found.bold, found.fallbacks) == ("Helvetica", "Helvetica-Bold", ())
    assert len(found.missing) == 3


@pytest.mark.parametrize(
    ("page_size", "portrait"),
    [("A4", (595.2756, 841.8898)), ("LETTER", (612.0, 792.0))],
)
def test_page_size_sets_the_media_box(page_size: PageSize, portrait: tuple[float, float]) -> None:
    summary = summary_with_names(("Website",))

    summary_pdf = render_summary_pdf(summary, EN, title="S", page_size=page_size)
    detailed_pdf = render_detailed_pdf(detailed_entries(3), EN, title="D", page_size=page_size)

    summary_box = PdfReader(BytesIO(summary_pdf)).pages[0].mediabox
    detailed_box = PdfReader(BytesIO(detailed_pdf)).pages[0].mediabox
    assert (summary_box.width, summary_box.height) == pytest.approx(portrait, abs=0.01)
    assert (detailed_box.width, detailed_box.height) == pytest.approx(portrait[::-1], abs=0.01)


def test_unknown_page_size_is_refused() -> None:
    with pytest.raises(UnsupportedPageSize):
        render_invoice_pdf(invoice_with_lines(1), EN, page_size="A3")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "logo",
    [
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        PNG_1PX[:40],  # a PNG cut short
        b"",
    ],
    ids=["gif", "svg", "truncated-png", "empty"],
)
def test_a_logo_that_is_not_a_readable_png_or_jpeg_is_refused(logo: bytes) -> None:
    with pytest.raises(UnsupportedLogo) as raised:
        render_summary_pdf(summary_with_names(("Website",)), EN, title="S", logo=logo)

    assert isinstance(raised.value, ValueError)
    assert "PNG or JPEG" in str(raised.value)


def test_logo_is_drawn_on_every_page() -> None:
    pdf = render_invoice_pdf(invoice_with_lines(120), EN, logo=PNG_1PX)

    pages = PdfReader(BytesIO(pdf)).pages
    assert len(pages) > 1
    for page in pages:
        assert page["/Resources"]["/XObject"]  # type: ignore[index]


def test_metadata_names_title_and_author_and_output_is_reproducible() -> None:
    invoice = invoice_with_lines(3)

    first, second = render_invoice_pdf(invoice, EN), render_invoice_pdf(invoice, EN)

    metadata = PdfReader(BytesIO(first)).metadata
    assert metadata is not None
    assert metadata.title == f"Invoice {invoice.number} \u2013 {invoice.bill_to.name}"
    assert metadata.author == invoice.bill_from.name
    assert first == second  # no clock, no random document id


def test_detailed_report_repeats_headers_and_numbers_pages() -> None:
    texts = pages_text(render_detailed_pdf(detailed_entries(200), FR, title="Détail"))

    assert len(texts) > 3
    for text in texts:
        assert "Détail" in text
        assert FR.label("description") in text and FR.label("duration") in text
    assert "Task 199" in texts[-1]
    assert_numbered(texts, FR)


@pytest.mark.parametrize("sized", [False, True], ids=["stream", "list"])
def test_detailed_report_stops_at_the_cap_and_points_to_csv(sized: bool) -> None:
    entries = detailed_entries(130)
    source = list(entries) if sized else entries

    texts = pages_text(render_detailed_pdf(source, EN, title="D", max_rows=100))

    text = "\n".join(texts)
    assert "Task 99 " in text and "Task 100 " not in text
    assert "first 100 of 130 entries" in texts[-1]
    assert "CSV" in texts[-1]
    assert ("first 100 of 130" in texts[0]) is sized  # a known size warns on page 1 too


def test_detailed_report_without_entries_says_so() -> None:
    (text,) = pages_text(render_detailed_pdf(iter(()), DE, title="Leer"))

    assert DE.label("no_data") in text


def test_invoice_pdf_uses_only_embedded_fonts_never_standard_helvetica() -> None:
    """ReportLab selects Helvetica for each page and table cell unless told otherwise; a font
    that is never embedded rules out PDF/A (the Factur-X invoice) and varies between viewers."""
    if fonts().missing:
        require_or_skip(f"fonts missing: {', '.join(fonts().missing)}")
    pdf = render_invoice_pdf(invoice_with_lines(40), Formatter("de_DE"))

    named = {
        str(font["/BaseFont"]): "/FontDescriptor" in font
        and "/FontFile2" in font["/FontDescriptor"]
        for page in PdfReader(BytesIO(pdf)).pages
        for font in (
            page["/Resources"]["/Font"][name].get_object() for name in page["/Resources"]["/Font"]
        )
    }

    assert named and all(named.values()), named
