"""An invoice's timesheet appendix: the time entries behind each line, in every format.

An invoice built with the timesheet option carries its billed entries (`Invoice.timesheet`, in
the issued snapshot too, so the appendix never changes after issue); one without them, such as
every snapshot stored before the option existed, prints no appendix. Each row is a detailed
row (`detailed_table`) behind a `#` column naming the invoice line that bills the entry, in
line order, then entry order. The renderers call these helpers at their end: the PDF on new
pages, the XLSX as its own sheet, the CSV as rows of section `timesheet`, the HTML as a
section after the invoice.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import PageBreak  # type: ignore[import-untyped]

from addon.render.detailed_table import detailed_table
from addon.render.i18n import Formatter
from addon.render.pdflayout import RowStream
from addon.render.pdfparts import (
    column_widths,
    document_heading,
    grid_style,
    header_cells,
    row_cells,
)
from addon.render.tables import Cell, Column, Kind, Row, Table
from addon.reports.model import Invoice, TimeEntry

__all__ = ["timesheet_story", "timesheet_table"]

_SIZE, _ROW, _HEAD = 7.0, 11.0, 21.0


def _by_line(invoice: Invoice) -> list[tuple[int, TimeEntry]]:
    """(line number, entry) for every carried entry a line bills, in line then entry order."""
    carried = {entry.id: entry for entry in invoice.timesheet}
    return [
        (number, carried[entry_id])
        for number, line in enumerate(invoice.lines, start=1)
        for entry_id in line.entry_ids
        if entry_id in carried
    ]


def timesheet_table(invoice: Invoice, fmt: Formatter) -> Table | None:
    """The appendix as a table, or None when the invoice carries no timesheet."""
    pairs = _by_line(invoice)
    if not pairs:
        return None
    entries = detailed_table((entry for _, entry in pairs), fmt, zone=invoice.terms.zone)
    rows = tuple(
        Row((Cell(str(number), number), *row.cells))
        for (number, _), row in zip(pairs, entries.rows, strict=True)
    )
    return Table(fmt.label("timesheet"), (Column("line", "#", Kind.TEXT), *entries.columns), rows)


def timesheet_story(invoice: Invoice, fmt: Formatter, width: float) -> list[Any]:
    """The PDF appendix: a new page, the heading, the rows (continued on as many pages)."""
    table = timesheet_table(invoice, fmt)
    if table is None:
        return []
    widths = column_widths(table, width, lambda c: 14.0 if c.key == "line" else 0.0, fmt, _SIZE)
    rows = (row_cells(row, table, widths, _SIZE, False) for row in table.rows)
    header = header_cells(table, widths, _SIZE)
    tight = [("TOPPADDING", (0, 1), (-1, -1), 1), ("BOTTOMPADDING", (0, 1), (-1, -1), 1)]
    stream = RowStream(header, rows, widths, grid_style(table, _SIZE, tight), (_HEAD, _ROW))
    return [PageBreak(), *document_heading(table.title), stream]
