"""ReportLab building blocks the PDF renderers share: styles, table grids, totals, the chart.

Split from `pdf.py`, which composes them into summaries, invoices and detailed reports. Every
text here is already formatted by the report's `Formatter`; user text goes through
`fonts.markup` (escaped, with CJK runs in a fallback font) or `fonts.fit_text`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

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
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from addon.render.chart import Bar, chart_bars, chart_title
from addon.render.fonts import fit_text, font_runs, fonts, markup, text_width
from addon.render.i18n import Formatter
from addon.render.tables import Column, Kind, Row
from addon.render.tables import Table as View
from addon.reports.model import Summary

_STRIPE = colors.HexColor("#f2f4f7")
_BAR = colors.HexColor("#3b82c4")  # chart.BAR_COLOUR, so PDF and HTML charts match
_RIGHT = frozenset({Kind.DURATION, Kind.MONEY, Kind.NUMBER, Kind.PERCENT})  # figures align right
_CELL_PADDING = 6.0  # LEFTPADDING + RIGHTPADDING of `grid_style`


# -- text and tables -----------------------------------------------------------------------


@lru_cache(maxsize=64)
def text_style(size: float, *, bold: bool = False, right: bool = False, indent: float = 0) -> Any:
    found = fonts()
    return ParagraphStyle(
        f"s{size}{bold}{right}{indent}",
        fontName=found.bold if bold else found.regular,
        fontSize=size,
        leading=size * 1.25,
        alignment=TA_RIGHT if right else 0,
        leftIndent=indent,
    )


def paragraph(text: str, style: Any) -> Any:
    return Paragraph(markup(text, bold=style.fontName == fonts().bold), style)


def one_line(text: str, width: float, style: Any) -> Any:
    """A one-line cell: a plain string when the main font has every glyph (fast), else runs."""
    bold = style.fontName == fonts().bold
    fitted = fit_text(text, width, style.fontSize, bold)
    runs = font_runs(fitted, bold)
    if len(runs) == 1 and runs[0][0] == style.fontName:
        return runs[0][1]  # in drawing order
    return Paragraph(markup(fitted, bold=bold), style)


def grid_style(view: View, size: float, extra: Sequence[tuple[Any, ...]] = ()) -> Any:
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


def header_cells(view: View, widths: Sequence[float], size: float) -> list[Any]:
    cells = []
    for column, width in zip(view.columns, widths, strict=True):
        style = text_style(size, bold=True, right=column.kind in _RIGHT)
        cells.append(paragraph(column.label, style) if width > 0 else "")
    return cells


def row_cells(row: Row, view: View, widths: Sequence[float], size: float, bold: bool) -> list[Any]:
    return [
        one_line(
            cell.text,
            width - _CELL_PADDING,
            text_style(size, bold=bold, right=column.kind in _RIGHT),
        )
        for cell, column, width in zip(row.cells, view.columns, widths, strict=True)
    ]


def _header_word(label: str, size: float) -> float:
    """Width in points of the widest word of a header label in bold at `size`."""
    return max(text_width(word, size, bold=True) for word in label.split() or [""])


@lru_cache(maxsize=64)
def _widest_date(fmt: Formatter, size: float) -> float:
    """Width in points of the locale's widest medium date at `size` (each month's 28th)."""
    return max(text_width(fmt.date(date(2024, month, 28)), size) for month in range(1, 13))


def _floor(column: Column, fmt: Formatter, size: float) -> float:
    """The narrowest a fixed column may be: its header's widest word and, for dates, any date."""
    text = _widest_date(fmt, size) if column.kind is Kind.DATE else 0.0
    return max(text, _header_word(column.label, size)) + _CELL_PADDING


def column_widths(
    view: View, total: float, fixed: Callable[[Column], float], fmt: Formatter, size: float
) -> list[float]:
    """Column widths: `fixed(column)` points each, and columns given 0 share what is left.

    The fixed widths suit English, so a fixed column widens to its header's widest word (a
    header wraps between words, never inside one: "Cantida-d") and a date column to the
    locale's longest date, which is never cut ("28 de mar. de 2024"). When the fixed columns
    would leave the shared ones under a quarter of the page, they shrink, but not below that.
    `size` is the table's font size in points.
    """
    wanted = [fixed(column) for column in view.columns]
    floors = [
        _floor(column, fmt, size) if width else 0.0
        for column, width in zip(view.columns, wanted, strict=True)
    ]
    wanted = [max(width, floor) for width, floor in zip(wanted, floors, strict=True)]
    sharing = sum(1 for width in wanted if width == 0) or 1
    if total - sum(wanted) < total / 4:
        scale = (total * 3 / 4) / sum(wanted)
        wanted = [max(width * scale, floor) for width, floor in zip(wanted, floors, strict=True)]
    room = total - sum(wanted)
    return [width or room / sharing for width in wanted]


def totals_block(
    heading: str, pairs: Sequence[tuple[str, str]], width: float, *, strong_last: bool
) -> list[Any]:
    """Label/amount pairs right-aligned under a heading, as flowables for one `KeepTogether`.

    With `strong_last` the final pair (an invoice's total) is bold above a rule. The caller
    wraps the list: a `KeepTogether` inside another always reports an endless height, which
    pushed every invoice's totals onto a page of their own.
    """
    plain, strong = text_style(9, right=True), text_style(10, bold=True, right=True)
    heading_style = text_style(9, bold=True, right=True)  # a pair without a value: a sub-heading
    rows = []
    for index, (name, text) in enumerate(pairs):
        last = strong_last and index == len(pairs) - 1
        style = strong if last else heading_style if not text else plain
        rows.append([paragraph(name, style), one_line(text, width * 0.25 - 12, style)])
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
            paragraph(heading, text_style(10, bold=True, right=True)),
            Spacer(1, 1 * mm),
            table,
        ]
    )
    return block


def _graphic_runs(drawing: Any, x: float, y: float, text: str, size: float) -> None:
    for name, chunk in font_runs(text):
        drawing.add(String(x, y, chunk, fontName=name, fontSize=size, fillColor=colors.black))
        x += stringWidth(chunk, name, size)


def chart_block(summary: Summary, fmt: Formatter, width: float) -> list[Any]:
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
    heading = paragraph(chart_title(summary, fmt), text_style(10, bold=True))
    return [KeepTogether([heading, Spacer(1, 2 * mm), drawing, Spacer(1, 5 * mm)])]


def document_heading(title: str) -> list[Any]:
    return [paragraph(title, text_style(15, bold=True)), Spacer(1, 4 * mm)]


# -- summary ------------------------------------------------------------------------------
