"""PDF summaries, invoices and detailed reports, drawn with ReportLab from the shared tables.

Every figure comes from `tables` (and the chart from `chart`), already formatted by the report's
`Formatter`, so the PDF prints what HTML, CSV and XLSX print. Each page repeats the title (and
the workspace logo) in its header and the table's column headings, and says "Page x of y" in its
footer; the totals block is kept in one piece on the last page.

Layout choices, after `shared/stack.md` §2: `LongTable` with `repeatRows=1`; fixed row
heights for the detailed report, which is built page by page from a one-shot row stream so
100,000 rows never sit in a list; pages, logo and "Page x of y" come from `pdflayout`, styles,
grids, the totals block and the chart from `pdfparts`. User text
goes through `fonts.markup` (escaped, with CJK runs in a fallback font) or `fonts.fit_text` (one
line, cut to the column). The same report gives the same bytes: no clock is read.

    UnsupportedLogo (ReportError, ValueError)   the logo is not a PNG or JPEG we can read
    UnsupportedPageSize (ReportError)           a page size other than A4 and LETTER

The detailed PDF stops after `max_rows` entries (`DETAILED_MAX_ROWS` by default) and ends with a
notice giving the full count and pointing to CSV and XLSX, which have no such limit: past about
20,000 rows (350 pages) a PDF is slow to make and to open and nobody reads it on paper.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import chain, islice
from typing import Any, Final

from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    KeepTogether,
    LongTable,
    Spacer,
    Table,
    TableStyle,
)

from addon.render.detailed_table import detailed_table
from addon.render.fonts import fonts
from addon.render.i18n import Formatter
from addon.render.invoice_tables import invoice_lines_table, invoice_totals
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
from addon.render.pdfparts import (
    chart_block,
    column_widths,
    document_heading,
    grid_style,
    header_cells,
    paragraph,
    row_cells,
    text_style,
    totals_block,
)
from addon.render.remarks import check_text, left_out_text
from addon.render.summary_tables import non_work_table, summary_currency_totals, summary_table
from addon.render.tables import Column, Kind
from addon.render.tables import Table as View
from addon.render.timesheet import timesheet_story
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


def _summary_widths(column: Column) -> float:
    return {Kind.DURATION: 60.0, Kind.NUMBER: 48.0, Kind.MONEY: 80.0}.get(column.kind, 0.0)


def _summary_grid(view: View, fmt: Formatter, width: float) -> Any:
    size = 8
    widths = column_widths(view, width, _summary_widths, fmt, size)
    bold = fonts().bold
    data = [header_cells(view, widths, size)]
    extra: list[tuple[Any, ...]] = []
    footer_start = None
    for row in (*view.rows, None, *view.footer):
        if row is None:
            footer_start = len(data)
            continue
        number = len(data)
        name = paragraph(
            row.cells[0].text, text_style(size, bold=row.subtotal, indent=8 * row.depth)
        )
        data.append([name, *row_cells(row, view, widths, size, row.subtotal)[1:]])
        if row.subtotal:
            extra.append(("FONTNAME", (0, number), (-1, number), bold))
    if footer_start is not None and footer_start < len(data):
        extra.append(("LINEABOVE", (0, footer_start), (-1, footer_start), 0.75, colors.black))
    return LongTable(data, colWidths=widths, repeatRows=1, style=grid_style(view, size, extra))


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
    return KeepTogether(totals_block(fmt.label("total"), pairs, width, strong_last=False))


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
    not fit under the table it moves, entire, to a new page. Breaks, holidays and time off
    follow the totals, whose figures they are not part of; the check line is in every footer.
    """
    size = media_size(page_size)
    image = logo_image(logo) if logo is not None else None
    page = Page(title, fmt, image, note=check_text(summary.check, fmt))
    width = size[0] - 2 * SIDE
    view = summary_table(summary, fmt)
    story: list[Any] = document_heading(title)
    if summary.rows:
        story.extend(chart_block(summary, fmt, width))
        story.append(_summary_grid(view, fmt, width))
    else:
        story.append(paragraph(fmt.label("no_data"), text_style(9)))
    story.append(_summary_totals(summary, view, fmt, width))
    non_work = non_work_table(summary, fmt)
    if non_work is not None:
        heading = paragraph(non_work.title, text_style(10, bold=True))
        grid = _summary_grid(non_work, fmt, width)
        story.append(KeepTogether([Spacer(1, 6 * mm), heading, Spacer(1, 2 * mm), grid]))
    return build_pdf(story, page, size, AUTHOR)


# -- invoice ------------------------------------------------------------------------------


def _party(heading: str, party: Party) -> list[Any]:
    lines = "\n".join(text for text in (party.name, party.address, party.email) if text)
    return [paragraph(heading, text_style(8, bold=True)), paragraph(lines, text_style(9))]


def _invoice_head(invoice: Invoice, fmt: Formatter, width: float) -> list[Any]:
    facts = [
        (fmt.label("invoice_number"), invoice.number),
        (fmt.label("issue_date"), fmt.date(invoice.issue_date)),
        (fmt.label("due_date"), fmt.date(invoice.due_date)),
    ]
    if invoice.period is not None:
        span = fmt.period(invoice.period)
        facts.append((fmt.label("period"), span))
    key, value = text_style(8, bold=True), text_style(9)
    facts_table = Table(
        [[paragraph(name, key), paragraph(text, value)] for name, text in facts],
        colWidths=[width * 0.2, width * 0.24],
    )
    # Every table names the regular font, though its cells are paragraphs: ReportLab selects
    # the cell font anyway, and its default is Helvetica, which is never embedded (no PDF/A).
    regular = ("FONTNAME", (0, 0), (-1, -1), fonts().regular)
    facts_table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), regular]))
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
        TableStyle(
            [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (1, 0), 0), regular]
        )
    )
    return [*document_heading(f"{fmt.label('invoice')} {invoice.number}"), parties]


def _invoice_widths(column: Column) -> float:
    return {Kind.DATE: 64.0, Kind.NUMBER: 48.0, Kind.MONEY: 82.0}.get(column.kind, 0.0)


def _invoice_lines(invoice: Invoice, fmt: Formatter, width: float) -> Any:
    size = 8.5
    view = invoice_lines_table(invoice, fmt)
    widths = column_widths(view, width, _invoice_widths, fmt, size)
    text = text_style(size)
    data = [header_cells(view, widths, size)]
    for row in view.rows:
        data.append(
            [paragraph(row.cells[0].text, text), *row_cells(row, view, widths, size, False)[1:]]
        )
    return LongTable(data, colWidths=widths, repeatRows=1, style=grid_style(view, size))


def _notes(invoice: Invoice, fmt: Formatter) -> list[Any]:
    texts = [text for text in (invoice.terms.payment_terms, invoice.terms.notes) if text.strip()]
    if not texts:
        return []
    flowables: list[Any] = [
        Spacer(1, 6 * mm),
        paragraph(fmt.label("notes"), text_style(9, bold=True)),
    ]
    flowables.extend(paragraph(text, text_style(9)) for text in texts)
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
    `invoice_tables.invoice_totals`, so they read as the model reconciles them. They and the notes
    form one block that moves whole to the next page, so the total is always on the last page
    (unless the notes alone are longer than a page). The block also says how many non-work entries
    were not billed; the check line is in every footer.
    """
    size = media_size(page_size)
    title = f"{fmt.label('invoice')} {invoice.number} \u2013 {invoice.bill_to.name}"
    image = logo_image(logo) if logo is not None else None
    page = Page(title, fmt, image, note=check_text(invoice.check, fmt))
    width = size[0] - 2 * SIDE
    pairs = [(label, cell.text) for label, cell in invoice_totals(invoice, fmt)]
    closing = totals_block("", pairs, width, strong_last=True)
    left_out = left_out_text(invoice, fmt)
    if left_out:
        closing += [Spacer(1, 3 * mm), paragraph(left_out, text_style(9))]
    story = [
        *_invoice_head(invoice, fmt, width),
        Spacer(1, 6 * mm),
        _invoice_lines(invoice, fmt, width),
        KeepTogether([*closing, *_notes(invoice, fmt)]),
        *timesheet_story(invoice, fmt, width),  # the appendix pages, when it carries one
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
    style = text_style(9, bold=True)
    return KeepTogether([Spacer(1, 3 * mm), paragraph(text, style)])


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
    widths = column_widths(
        view, width, lambda column: _DETAILED_WIDTHS.get(column.key, 0.0), fmt, _DETAILED_SIZE
    )
    rows = (
        row_cells(row, view, widths, _DETAILED_SIZE, False)
        for row in islice(iter(view.rows), max_rows)
    )
    first = next(rows, None)
    story: list[Any] = document_heading(title)
    if first is None:
        story.append(paragraph(fmt.label("no_data"), text_style(9)))
        return build_pdf(story, page, size, AUTHOR)
    known = len(entries) if isinstance(entries, Sequence) else None
    if known is not None and known > max_rows:
        story.append(_truncated(fmt, max_rows, known))
    header = header_cells(view, widths, _DETAILED_SIZE)
    tight = [("TOPPADDING", (0, 1), (-1, -1), 1), ("BOTTOMPADDING", (0, 1), (-1, -1), 1)]
    style = grid_style(view, _DETAILED_SIZE, tight)
    heights = (_DETAILED_HEAD, _DETAILED_ROW)
    story.append(RowStream(header, chain([first], rows), widths, style, heights))

    def notice() -> Any | None:
        rest = sum(1 for _ in source)
        return _truncated(fmt, max_rows, max_rows + rest) if rest else None

    story.append(Later(notice))
    return build_pdf(story, page, size, AUTHOR)
