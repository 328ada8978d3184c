"""HTML for the sidebar (a fragment) and for email (a whole document), from Jinja2 templates.

Autoescaping is on for every template, so a project called `<script>` prints as text; the only
markup inserted unescaped is the chart SVG, which `chart.py` builds with every label escaped.

The sidebar fragment is styled by classes only: no inline script and no `style` attribute, so it
runs under a strict Content-Security-Policy (images may need `img-src data:` for the logo). The
email document carries a `<style>` block plus inline styles on the elements clients restyle
(Outlook and Gmail drop or rewrite `<style>`), light by default and dark under
`prefers-color-scheme`; its chart is a table of bars, because Gmail and Outlook drop inline SVG.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from addon.render.chart import Bar, chart_bars, chart_title, svg_bar_chart
from addon.render.detailed_table import detailed_table
from addon.render.i18n import Formatter
from addon.render.invoice_tables import invoice_lines_table, invoice_totals
from addon.render.remarks import check_text, left_out_text
from addon.render.summary_tables import non_work_table, summary_currency_totals, summary_table
from addon.render.timesheet import timesheet_table
from addon.reports.model import ClockifyCheck, Invoice, Summary, TimeEntry

__all__ = [
    "DETAILED_PAGE_ROWS",
    "logo_data_uri",
    "render_detailed_html",
    "render_invoice_html",
    "render_summary_html",
]

_TEMPLATES: Final = Path(__file__).parent / "templates"
_SIGNATURES: Final = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))
DETAILED_PAGE_ROWS: Final = 100
"""Entries a detailed report's HTML (the sidebar preview, an email body) shows at most."""
MAX_LOGO_BYTES: Final = 512 * 1024
"""Larger logos are left out: a data: URI repeats in every email and sidebar page."""


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(_TEMPLATES),
        autoescape=True,  # every template, whatever its name
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def logo_data_uri(logo: bytes | None) -> str | None:
    """A `data:` URI for a PNG or JPEG logo, sniffed from its bytes; `None` for anything else.

    Content is trusted by its magic number, never by a name or a declared type, so an SVG (which
    can carry script) or HTML posing as a logo is dropped. A bad logo never fails a scheduled
    email: it is simply not shown.
    """
    if not logo or len(logo) > MAX_LOGO_BYTES:
        return None
    for magic, mime in _SIGNATURES:
        if logo.startswith(magic):
            return f"data:{mime};base64,{base64.b64encode(logo).decode('ascii')}"
    return None


@dataclass(frozen=True, slots=True)
class _EmailBar:
    label: str
    value: str
    percent: int


def _email_bars(bars: tuple[Bar, ...], fmt: Formatter) -> tuple[_EmailBar, ...]:
    """Bar lengths as whole percents of the longest: a table of bars every email client draws."""
    longest = max((bar.seconds for bar in bars), default=0)
    return tuple(
        _EmailBar(
            bar.label,
            fmt.duration(bar.seconds),
            round(100 * bar.seconds / longest) if longest > 0 else 0,
        )
        for bar in bars
    )


def _document(body: str, fmt: Formatter, title: str) -> str:
    return (
        _environment()
        .get_template("email.html.j2")
        .render(
            body=Markup(body),  # noqa: S704  # rendered by our autoescaping templates
            lang=fmt.language,
            title=title,
        )
    )


def render_summary_html(
    summary: Summary,
    fmt: Formatter,
    *,
    title: str,
    period_label: str | None = None,
    email: bool = False,
) -> str:
    """The summary: chart of the outer grouping, nested table with subtotals, currency totals.

    Then breaks, holidays and time off as their own table, and the Clockify check line last,
    where a reader who has taken in the figures looks for how far to trust them.
    """
    bars = chart_bars(summary, fmt=fmt)
    heading = chart_title(summary, fmt)
    svg = "" if email else svg_bar_chart(bars, fmt, title=heading)
    body = (
        _environment()
        .get_template("summary.html.j2")
        .render(
            email=email,
            title=title,
            period_label=period_label,
            no_data=fmt.label("no_data") if not summary.totals.entries else None,
            has_chart=bool(bars),
            chart_title=heading,
            chart_svg=Markup(svg),  # noqa: S704  # built by chart.py, every label escaped
            email_bars=_email_bars(bars, fmt) if email else (),
            table=summary_table(summary, fmt),
            currencies=summary_currency_totals(summary, fmt),
            show_currencies=len(summary.totals.amounts) > 1,
            non_work=non_work_table(summary, fmt),
            check=check_text(summary.check, fmt),
        )
    )
    return _document(body, fmt, title) if email else body


def render_invoice_html(
    invoice: Invoice, fmt: Formatter, *, logo: bytes | None = None, email: bool = False
) -> str:
    """The invoice: parties, number and dates, lines, discount, taxes, total, terms and notes.

    Under the totals, how many non-work entries were not billed (so fewer hours than Clockify
    shows are explained); then the Clockify check line; last, the timesheet appendix when the
    invoice carries one (`addon.render.timesheet`).
    """
    period = None
    if invoice.period is not None:
        period = fmt.period(invoice.period)
    title = f"{fmt.label('invoice')} {invoice.number}"
    body = (
        _environment()
        .get_template("invoice.html.j2")
        .render(
            email=email,
            title=title,
            invoice=invoice,
            label=fmt.label,
            logo=logo_data_uri(logo),
            issue_date=fmt.date(invoice.issue_date),
            due_date=fmt.date(invoice.due_date),
            period=period,
            lines=invoice_lines_table(invoice, fmt),
            totals=invoice_totals(invoice, fmt),
            left_out=left_out_text(invoice, fmt),
            check=check_text(invoice.check, fmt),
            timesheet=timesheet_table(invoice, fmt),
        )
    )
    return _document(body, fmt, title) if email else body


def render_detailed_html(
    page: Iterable[TimeEntry],
    fmt: Formatter,
    *,
    total: int,
    title: str,
    zone: str = "UTC",
    period_label: str | None = None,
    remarks: Sequence[str] = (),
    check: ClockifyCheck | None = None,
    email: bool = False,
) -> str:
    """One page of a detailed report: `page` (the caller's first rows), of `total` entries.

    Never the whole report: when the page holds fewer than `total`, a notice above the table
    says how many are shown and points to the CSV/XLSX downloads for all of them.
    """
    entries = list(page)  # one page: the caller bounds it
    shown = len(entries)
    notice = None
    if shown < total:
        notice = fmt.label(
            "rows_shown", shown=fmt.number(shown, places=0), total=fmt.number(total, places=0)
        )
    body = (
        _environment()
        .get_template("detailed.html.j2")
        .render(
            email=email,
            title=title,
            period_label=period_label,
            no_data=fmt.label("no_data") if not total else None,
            shown_notice=notice,
            shown=shown,
            total=total,
            table=detailed_table(entries, fmt, zone=zone),
            remarks=remarks,
            check=check_text(check, fmt),
        )
    )
    return _document(body, fmt, title) if email else body
