"""PDF summaries, invoices and detailed reports, drawn with ReportLab from the shared tables.

Every figure comes from `tables` (and the chart from `chart`), already formatted by the report's
`Formatter`, so the PDF prints what HTML, CSV and XLSX print. Each page repeats the title (and
the workspace logo) in its header and the table's column headings, and says "Page x of y" in its
footer; the totals block is kept in one piece on the last page.

Layout choices, after `/work/shared/stack.md` §2: `LongTable` with `repeatRows=1`; fixed row
heights for the detailed report, which is built page by page from a one-shot row stream so
100,000 rows never sit in a list; pages, logo and "Page x of y" come from `pdflayout`. User text
goes through `fonts.markup` (escaped, with CJK runs in a fallback font) or `fonts.fit_text` (one
line, cut to the column). The same report gives the same bytes: no clock is read.

    UnsupportedLogo (ReportError, ValueError)   the logo is not a PNG or JPEG we can read
    UnsupportedPageSize (ReportError)           a page size other than A4 and LETTER

The detailed PDF stops after `max_rows` entries (`DETAILED_MAX_ROWS` by default) and ends with a
notice giving the full count and pointing to CSV and XLSX, which have no such limit: past about
20,000 rows (350 pages) a PDF is slow to make and to open and nobody reads it on paper.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from itertools import chain, islice
from typing import Any, Final

from reportlab.graphics.shapes import (  # type: ignore[import-untyped]  # ReportLab has no hints
    Drawing,
    Rect,
    String,
)
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.enums import TA_RIGHT  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    KeepTogether,
    LongTable,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from addon.render.chart import Bar, chart_bars, chart_title
from addon.render.fonts import fit_text, font_runs, fonts, markup, text_width
from addon.render.i18n import Formatter
from addon.render.pdflayout import (
    AUTHOR,
    LOGO_MAX_BYTES,
    SIDE,
    Later,
    Page,
    PageSize,
    RowStream,
    UnsupportedLogo,
    UnsupportedPageSize,
    build_pdf,
    logo_image,
    media_size,
)
from addon.render.tables import (
    Column,
    Kind,
    Row,
    detailed_table,
    invoice_lines_table,
    invoice_totals,
    summary_currency_totals,
    summary_table,
)
from addon.render.tables import Table as View
from addon.reports.model import Invoice, Party, Summary, TimeEntry

__all__ = [
    "DETAILED_MAX_ROWS",
    "LOGO_MAX_BYTES",
    "PageSize",
    "UnsupportedLogo",
    "UnsupportedPageSize",
    "render_detailed_pdf",
    "render_invoice_pdf",
    "render_summary_pdf",
]

DETAILED_MAX_ROWS: Final = 20_000
"""Entries a detailed PDF prints at most; the rest are counted in a closing notice."""
_STRIPE = colors.HexColor("#f2f4f7")
_BAR = colors.HexColor("#3b82c4")  # chart.BAR_COLOUR, so PDF and HTML charts match
_RIGHT = frozenset({Kind.DURATION, Kind.MONEY, Kind.NUMBER, Kind.PERCENT})  # figures align right


# -- text and tables -----------------------------------------------------------------------


@lru_cache(maxsize=64)
def _style(size: float, *, bold: bool = False, right: bool = False, indent: float = 0) -> Any:
    found = fonts()
    return ParagraphStyle(
        f"s{size}{bold}{right}{indent}",
        fontName=found.bold if bold else found.regular,
        fontSize=size,
        leading=size * 1.25,
        alignment=TA_RIGHT if right else 0,
        leftIndent=indent,
    )


def _para(text: str, style: Any) -> Any:
    return Paragraph(markup(text, bold=style.fontName == fonts().bold), style)


def _line(text: str, width: float, style: Any) -> Any:
    """A one-line cell: a plain string when the main font has every glyph (fast), else runs."""
    bold = style.fontName == fonts().bold
    fitted = fit_text(text, width, style.fontSize, bold)
    runs = font_runs(fitted, bold)
    if len(runs) == 1 and runs[0][0] == style.fontName:
        return runs[0][1]  # in drawing order
    return Paragraph(markup(fitted, bold=bold), style)


def _grid(view: View, size: float, extra: Sequence[tuple[Any, ...]] = ()) -> Any:
    found = fonts()
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), found.regular),
        ("FONTNAME", (0, 0), (-1, 0), found.bold),
        ("FONTSIZE", (0, 0), (-1, -1), size),
        ("LEADING", (0, 0), (-1, -1), size * 1.25),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("LINEBELOW", (0, 0), (-1, 0), 0.75, colors.black),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, _STRIPE]),
    ]
    for index, column in enumerate(view.columns):
        if column.kind in _RIGHT:
            commands.append(("ALIGN", (index, 0), (index, -1), "RIGHT"))
    commands.extend(extra)
    return TableStyle(commands)


def _header(view: View, widths: Sequence[float], size: float) -> list[Any]:
    cells = []
    for column, width in zip(view.columns, widths, strict=True):
        style = _style(size, bold=True, right=column.kind in _RIGHT)
        cells.append(_para(column.label, style) if width > 0 else "")
    return cells


def _cells(row: Row, view: View, widths: Sequence[float], size: float, bold: bool) -> list[Any]:
    return [
        _line(cell.text, width - 6, _style(size, bold=bold, right=column.kind in _RIGHT))
        for cell, column, width in zip(row.cells, view.columns, widths, strict=True)
    ]


def _widths(view: View, total: float, fixed: Callable[[Column], float]) -> list[float]:
    """Column widths: `fixed(column)` points each, and columns given 0 share what is left.

    When the fixed columns would leave the shared ones under a quarter of the page, they shrink.
    """
    wanted = [fixed(column) for column in view.columns]
    sharing = sum(1 for width in wanted if width == 0) or 1
    room = total - sum(wanted)
    if room < total / 4:
        scale = (total * 3 / 4) / sum(wanted)
        wanted = [width * scale for width in wanted]
        room = total / 4
    return [width or room / sharing for width in wanted]


def _totals_block(
    heading: str, pairs: Sequence[tuple[str, str]], width: float, *, strong_last: bool
) -> list[Any]:
    """Label/amount pairs right-aligned under a heading, as flowables for one `KeepTogether`.

    With `strong_last` the final pair (an invoice's total) is bold above a rule. The caller
    wraps the list: a `KeepTogether` inside another always reports an endless height, which
    pushed every invoice's totals onto a page of their own.
    """
    plain, strong = _style(9, right=True), _style(10, bold=True, right=True)
    heading_style = _style(9, bold=True, right=True)  # a pair without a value: a sub-heading
    rows = []
    for index, (name, text) in enumerate(pairs):
        last = strong_last and index == len(pairs) - 1
        style = strong if last else heading_style if not text else plain
        rows.append([_para(name, style), _line(text, width * 0.25 - 12, style)])
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), plain.fontName),
        ("FONTSIZE", (0, 0), (-1, -1), plain.fontSize),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    if strong_last:
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 0.75, colors.black))
        commands.append(("FONTNAME", (0, -1), (-1, -1), strong.fontName))
        commands.append(("FONTSIZE", (0, -1), (-1, -1), strong.fontSize))
    table = Table(rows, colWidths=[width * 0.35, width * 0.25], hAlign="RIGHT")
    table.setStyle(TableStyle(commands))
    block = (
        [Spacer(1, 4 * mm), table]
        if not heading
        else [
            Spacer(1, 4 * mm),
            _para(heading, _style(10, bold=True, right=True)),
            Spacer(1, 1 * mm),
            table,
        ]
    )
    return block


def _graphic_runs(drawing: Any, x: float, y: float, text: str, size: float) -> None:
    for name, chunk in font_runs(text):
        drawing.add(String(x, y, chunk, fontName=name, fontSize=size, fillColor=colors.black))
        x += stringWidth(chunk, name, size)


def _chart(summary: Summary, fmt: Formatter, width: float) -> list[Any]:
    """Hours per outer group as horizontal bars (the bars of `chart_bars`), kept in one piece."""
    bars: tuple[Bar, ...] = chart_bars(summary, fmt=fmt)
    if not bars:
        return []
    size, step, label_width, value_width = 8.0, 14.0, width * 0.3, 60.0
    span = width - label_width - value_width
    largest = max(bar.seconds for bar in bars)
    drawing = Drawing(width, step * len(bars))
    for index, bar in enumerate(bars):
        y = drawing.height - (index + 1) * step
        label = fit_text(bar.label, label_width - 8, size)
        _graphic_runs(drawing, label_width - 6 - text_width(label, size), y + 4, label, size)
        length = span * max(bar.seconds, 0) / largest if largest > 0 else 0
        drawing.add(Rect(label_width, y + 2, length, step - 4, fillColor=_BAR, strokeColor=None))
        _graphic_runs(drawing, label_width + length + 4, y + 4, fmt.duration(bar.seconds), size)
    heading = _para(chart_title(summary, fmt), _style(10, bold=True))
    return [KeepTogether([heading, Spacer(1, 2 * mm), drawing, Spacer(1, 5 * mm)])]


def _document_heading(title: str) -> list[Any]:
    return [_para(title, _style(15, bold=True)), Spacer(1, 4 * mm)]


# -- summary ------------------------------------------------------------------------------


def _summary_widths(column: Column) -> float:
    return {Kind.DURATION: 60.0, Kind.NUMBER: 48.0, Kind.MONEY: 80.0}.get(column.kind, 0.0)


def _summary_grid(view: View, width: float) -> Any:
    size = 8
    widths = _widths(view, width, _summary_widths)
    bold = fonts().bold
    data = [_header(view, widths, size)]
    extra: list[tuple[Any, ...]] = []
    footer_start = None
    for row in (*view.rows, None, *view.footer):
        if row is None:
            footer_start = len(data)
            continue
        number = len(data)
        name = _para(row.cells[0].text, _style(size, bold=row.subtotal, indent=8 * row.depth))
        data.append([name, *_cells(row, view, widths, size, row.subtotal)[1:]])
        if row.subtotal:
            extra.append(("FONTNAME", (0, number), (-1, number), bold))
    if footer_start is not None and footer_start < len(data):
        extra.append(("LINEABOVE", (0, footer_start), (-1, footer_start), 0.75, colors.black))
    return LongTable(data, colWidths=widths, repeatRows=1, style=_grid(view, size, extra))


def _summary_totals(summary: Summary, view: View, fmt: Formatter, width: float) -> Any:
    footer = view.footer[0].cells
    pairs = [
        (column.label, cell.text)
        for column, cell in zip(view.columns[1:], footer[1:], strict=True)
        if column.kind is not Kind.MONEY
    ]
    by_currency = summary_currency_totals(summary, fmt)
    pairs.append((by_currency.title, ""))
    pairs.extend((row.cells[0].text, row.cells[1].text) for row in by_currency.rows)
    return KeepTogether(_totals_block(fmt.label("total"), pairs, width, strong_last=False))


def render_summary_pdf(
    summary: Summary,
    fmt: Formatter,
    *,
    title: str,
    page_size: PageSize = "A4",
    logo: bytes | None = None,
) -> bytes:
    """A summary report: heading, hours chart, the grouped table, then the totals block.

    The totals block (durations, entries, one total per currency) is kept whole: when it does
    not fit under the table it moves, entire, to a new page.
    """
    size = media_size(page_size)
    page = Page(title, fmt, logo_image(logo) if logo is not None else None)
    width = size[0] - 2 * SIDE
    view = summary_table(summary, fmt)
    story: list[Any] = _document_heading(title)
    if summary.rows:
        story.extend(_chart(summary, fmt, width))
        story.append(_summary_grid(view, width))
    else:
        story.append(_para(fmt.label("no_data"), _style(9)))
    story.append(_summary_totals(summary, view, fmt, width))
    return build_pdf(story, page, size, AUTHOR)


# -- invoice ------------------------------------------------------------------------------


def _party(heading: str, party: Party) -> list[Any]:
    lines = "\n".join(text for text in (party.name, party.address, party.email) if text)
    return [_para(heading, _style(8, bold=True)), _para(lines, _style(9))]


def _invoice_head(invoice: Invoice, fmt: Formatter, width: float) -> list[Any]:
    facts = [
        (fmt.label("invoice_number"), invoice.number),
        (fmt.label("issue_date"), fmt.date(invoice.issue_date)),
        (fmt.label("due_date"), fmt.date(invoice.due_date)),
    ]
    if invoice.period is not None:
        span = f"{fmt.date(invoice.period.start)} \u2013 {fmt.date(invoice.period.end)}"
        facts.append((fmt.label("period"), span))
    key, value = _style(8, bold=True), _style(9)
    facts_table = Table(
        [[_para(name, key), _para(text, value)] for name, text in facts],
        colWidths=[width * 0.2, width * 0.24],
    )
    facts_table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    parties = Table(
        [
            [
                _party(fmt.label("bill_from"), invoice.bill_from),
                _party(fmt.label("bill_to"), invoice.bill_to),
                facts_table,
            ]
        ],
        colWidths=[width * 0.28, width * 0.28, width * 0.44],
    )
    parties.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (1, 0), 0)])
    )
    return [*_document_heading(f"{fmt.label('invoice')} {invoice.number}"), parties]


def _invoice_widths(column: Column) -> float:
    return {Kind.DATE: 64.0, Kind.NUMBER: 48.0, Kind.MONEY: 82.0}.get(column.kind, 0.0)


def _invoice_lines(invoice: Invoice, fmt: Formatter, width: float) -> Any:
    size = 8.5
    view = invoice_lines_table(invoice, fmt)
    widths = _widths(view, width, _invoice_widths)
    text = _style(size)
    data = [_header(view, widths, size)]
    for row in view.rows:
        data.append([_para(row.cells[0].text, text), *_cells(row, view, widths, size, False)[1:]])
    return LongTable(data, colWidths=widths, repeatRows=1, style=_grid(view, size))


def _notes(invoice: Invoice, fmt: Formatter) -> list[Any]:
    texts = [text for text in (invoice.terms.payment_terms, invoice.terms.notes) if text.strip()]
    if not texts:
        return []
    flowables: list[Any] = [Spacer(1, 6 * mm), _para(fmt.label("notes"), _style(9, bold=True))]
    flowables.extend(_para(text, _style(9)) for text in texts)
    return flowables


def render_invoice_pdf(
    invoice: Invoice,
    fmt: Formatter,
    *,
    page_size: PageSize = "A4",
    logo: bytes | None = None,
) -> bytes:
    """An invoice: parties, number and dates, the lines, then totals and notes kept together.

    Totals (subtotal, rounding adjustment, discount, each tax, total) come from
    `tables.invoice_totals`, so they read as the model reconciles them. They and the notes form
    one block that moves whole to the next page, so the total is always on the last page (unless
    the notes alone are longer than a page).
    """
    size = media_size(page_size)
    title = f"{fmt.label('invoice')} {invoice.number} \u2013 {invoice.bill_to.name}"
    page = Page(title, fmt, logo_image(logo) if logo is not None else None)
    width = size[0] - 2 * SIDE
    pairs = [(label, cell.text) for label, cell in invoice_totals(invoice, fmt)]
    closing = _totals_block("", pairs, width, strong_last=True)
    story = [
        *_invoice_head(invoice, fmt, width),
        Spacer(1, 6 * mm),
        _invoice_lines(invoice, fmt, width),
        KeepTogether([*closing, *_notes(invoice, fmt)]),
    ]
    return build_pdf(story, page, size, invoice.bill_from.name or AUTHOR)


# -- detailed -----------------------------------------------------------------------------

_DETAILED_WIDTHS: Final = {
    "date": 54.0,
    "user": 62.0,
    "project": 72.0,
    "client": 62.0,
    "task": 56.0,
    "tags": 56.0,
    "billable": 46.0,
    "duration": 42.0,
    "rate": 58.0,
    "amount": 62.0,
}
_DETAILED_SIZE, _DETAILED_ROW, _DETAILED_HEAD = 7.0, 11.0, 21.0


def _truncated(fmt: Formatter, shown: int, total: int) -> Any:
    text = fmt.label(
        "rows_capped", shown=fmt.number(shown, places=0), total=fmt.number(total, places=0)
    )
    style = _style(9, bold=True)
    return KeepTogether([Spacer(1, 3 * mm), _para(text, style)])


def render_detailed_pdf(
    entries: Iterable[TimeEntry],
    fmt: Formatter,
    *,
    title: str,
    page_size: PageSize = "A4",
    max_rows: int = DETAILED_MAX_ROWS,
    zone: str = "UTC",
    logo: bytes | None = None,
) -> bytes:
    """One line per entry on landscape pages, at most `max_rows` of them.

    Entries stream through (a generator is fine). Past `max_rows` the rest are only counted and
    a closing notice says "first N of M" and points to CSV or XLSX; a sized input also gets the
    notice on the first page. Long names are cut to their column with "…".
    """
    if max_rows < 1:
        raise ValueError("max_rows must be at least 1.")
    size = media_size(page_size, wide=True)
    page = Page(title, fmt, logo_image(logo) if logo is not None else None)
    width = size[0] - 2 * SIDE
    source = iter(entries)
    view = detailed_table(source, fmt, zone=zone)
    widths = _widths(view, width, lambda column: _DETAILED_WIDTHS.get(column.key, 0.0))
    rows = (
        _cells(row, view, widths, _DETAILED_SIZE, False)
        for row in islice(iter(view.rows), max_rows)
    )
    first = next(rows, None)
    story: list[Any] = _document_heading(title)
    if first is None:
        story.append(_para(fmt.label("no_data"), _style(9)))
        return build_pdf(story, page, size, AUTHOR)
    known = len(entries) if isinstance(entries, Sequence) else None
    if known is not None and known > max_rows:
        story.append(_truncated(fmt, max_rows, known))
    header = _header(view, widths, _DETAILED_SIZE)
    tight = [("TOPPADDING", (0, 1), (-1, -1), 1), ("BOTTOMPADDING", (0, 1), (-1, -1), 1)]
    style = _grid(view, _DETAILED_SIZE, tight)
    heights = (_DETAILED_HEAD, _DETAILED_ROW)
    story.append(RowStream(header, chain([first], rows), widths, style, heights))

    def notice() -> Any | None:
        rest = sum(1 for _ in source)
        return _truncated(fmt, max_rows, max_rows + rest) if rest else None

    story.append(Later(notice))
    return build_pdf(story, page, size, AUTHOR)
