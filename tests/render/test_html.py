"""HTML reads back (html.parser) to the model's figures, escaped, CSP-safe in the sidebar."""

from __future__ import annotations

import base64
from html.parser import HTMLParser

from addon.render.html import logo_data_uri, render_invoice_html, render_summary_html
from addon.render.i18n import Formatter
from addon.reports.aggregate import build_summary
from addon.reports.model import GroupBy, Party

from .samples import HOSTILE_NAMES, hostile_entries, hostile_summary, make_invoice, sample_summary

EN = Formatter("en")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


class Page(HTMLParser):
    """Tags, attributes and text of a page, as a browser's tokenizer sees them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.texts: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.texts.append(data.strip())


def test_summary_fragment_shows_model_totals_chart_and_subtotals() -> None:
    summary = sample_summary()

    page = Page(render_summary_html(summary, EN, title="May report", period_label="May 2024"))

    assert "html" not in page.tags and "svg" in page.tags
    assert "May 2024" in page.texts
    assert EN.duration(summary.totals.duration) in page.texts
    for amount in summary.totals.amounts:
        assert EN.money(amount) in page.texts
    assert ("class", "cr-depth-0 cr-subtotal") in page.attrs
    assert ("class", "cr-depth-1") in page.attrs
    assert "Totals by currency" in page.texts


def test_sidebar_fragment_has_no_script_inline_style_or_event_handler() -> None:
    html = render_summary_html(hostile_summary(), EN, title="<script>alert(1)</script>")
    html += render_invoice_html(make_invoice(entries=hostile_entries()), EN, logo=PNG)

    page = Page(html)

    assert "script" not in page.tags and "style" not in page.tags
    names = {name for name, _ in page.attrs}
    assert "style" not in names
    assert not {name for name in names if name.startswith("on")}
    assert "<script>alert(1)</script>" in page.texts


def test_hostile_names_print_as_text_in_every_table() -> None:
    html = render_summary_html(hostile_summary(), EN, title="x", email=True)

    page = Page(html)

    for name in HOSTILE_NAMES:
        assert name.strip() in page.texts, name
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert page.tags.count("script") == 0


def test_email_summary_is_a_whole_document_with_light_and_dark_styles() -> None:
    html = render_summary_html(sample_summary(), Formatter("de_DE"), title="Mai", email=True)

    page = Page(html)

    assert html.startswith("<!DOCTYPE html>")
    assert ("lang", "de") in page.attrs
    assert "prefers-color-scheme: dark" in html
    assert "svg" not in page.tags  # Gmail and Outlook drop inline SVG: bars are a table
    assert "Stunden nach Projekt" in page.texts
    assert "Ohne Projekt" in page.texts
    assert "520,56\xa0$" in page.texts
    assert any(name == "style" for name, _ in page.attrs)


def test_empty_summary_says_no_time_was_tracked() -> None:
    page = Page(render_summary_html(build_summary([], [GroupBy.PROJECT]), EN, title="Empty"))

    assert "No time tracked in this period." in page.texts
    assert "svg" not in page.tags


def test_invoice_prints_parties_dates_lines_taxes_and_total_from_the_model() -> None:
    invoice = make_invoice(bill_to=Party("Acme", "1 Road\nSpringfield", "ap@acme.test"))

    page = Page(render_invoice_html(invoice, Formatter("fr_FR")))

    assert "Facture INV-2024-0007" in page.texts
    assert {"1 Road", "Springfield", "ap@acme.test", "Studio <b>Nord</b>"} <= set(page.texts)
    assert "b" not in page.tags
    assert {"1 juin 2024", "1 juil. 2024", "1 mai 2024 \u2013 31 mai 2024"} <= set(page.texts)
    fr = Formatter("fr_FR")
    for line in invoice.lines:
        assert fr.money(line.amount) in page.texts
    for tax in invoice.taxes:
        assert fr.money(tax.amount) in page.texts
    assert fr.money(invoice.total) in page.texts
    assert "Remise (10\xa0%)" in page.texts
    assert {"Net 30", "Thanks for your business."} <= set(page.texts)


def test_logo_is_embedded_only_when_its_bytes_are_png_or_jpeg() -> None:
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 8

    assert logo_data_uri(PNG) == "data:image/png;base64," + base64.b64encode(PNG).decode()
    assert (logo_data_uri(jpeg) or "").startswith("data:image/jpeg;base64,")
    assert logo_data_uri(b"<svg onload=alert(1)>") is None
    assert logo_data_uri(b"") is None
    page = Page(render_invoice_html(make_invoice(), EN, logo=PNG, email=True))
    assert ("src", logo_data_uri(PNG)) in page.attrs


def test_invoice_email_document_keeps_figures_and_inline_styles() -> None:
    invoice = make_invoice()

    html = render_invoice_html(invoice, Formatter("de_DE"), email=True)

    page = Page(html)
    assert "Rechnung INV-2024-0007" in page.texts
    assert Formatter("de_DE").money(invoice.total) in page.texts
    assert "Zwischensumme" in page.texts
    assert html.rstrip().endswith("</html>")
