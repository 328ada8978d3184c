"""One report as one downloadable file: the format's bytes, its media type and a file name.

The sidebar's downloads and the scheduled emails' attachments both come from here, so a CSV a
user downloads is byte for byte the CSV a schedule attaches for the same report.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from enum import StrEnum

from addon.render.csvfile import invoice_csv, neutralise, summary_csv, write_entries_csv
from addon.render.html import (
    DETAILED_PAGE_ROWS,
    render_detailed_html,
    render_invoice_html,
    render_summary_html,
)
from addon.render.i18n import Formatter
from addon.render.pdf import render_detailed_pdf, render_invoice_pdf, render_summary_pdf
from addon.render.remarks import check_text
from addon.render.xlsx import invoice_xlsx, summary_xlsx, write_entries_xlsx
from addon.reports.detailed import DetailedReport
from addon.reports.model import Invoice, Summary

__all__ = [
    "ATTACHMENT_FORMATS",
    "FileFormat",
    "RenderedFile",
    "detailed_file",
    "detailed_remarks",
    "invoice_file",
    "slug",
    "summary_file",
]


class FileFormat(StrEnum):
    """The one list of report file formats: downloads, email attachments and the API alike."""

    HTML = "html"
    CSV = "csv"
    XLSX = "xlsx"
    PDF = "pdf"


ATTACHMENT_FORMATS = (FileFormat.CSV, FileFormat.XLSX, FileFormat.PDF)
"""What a scheduled email may attach: HTML is the email's body itself, so it is never attached."""


MEDIA_TYPES = {
    FileFormat.HTML: "text/html; charset=utf-8",
    FileFormat.CSV: "text/csv; charset=utf-8",
    FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileFormat.PDF: "application/pdf",
}


@dataclass(frozen=True, slots=True)
class RenderedFile:
    filename: str
    content_type: str
    data: bytes


def slug(name: str) -> str:
    """A file-name-safe, lower-case form of `name` (ASCII letters and digits, `-` between)."""
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()[:60] or "report"


def summary_file(
    summary: Summary,
    fmt: Formatter,
    kind: FileFormat,
    *,
    title: str,
    stem: str,
    period_label: str | None = None,
) -> RenderedFile:
    """The summary in `kind`; HTML is the standalone (email-safe) document."""
    if kind is FileFormat.CSV:
        data = summary_csv(summary, fmt, bom=True).encode("utf-8")
    elif kind is FileFormat.XLSX:
        data = summary_xlsx(summary, fmt)
    elif kind is FileFormat.PDF:
        data = render_summary_pdf(summary, fmt, title=title)
    else:
        html = render_summary_html(summary, fmt, title=title, period_label=period_label, email=True)
        data = html.encode("utf-8")
    return RenderedFile(f"{stem}.{kind.value}", MEDIA_TYPES[kind], data)


def invoice_file(invoice: Invoice, fmt: Formatter, kind: FileFormat, *, stem: str) -> RenderedFile:
    """The invoice in `kind`; HTML is the standalone (email-safe) document."""
    if kind is FileFormat.CSV:
        data = invoice_csv(invoice, fmt, bom=True).encode("utf-8")
    elif kind is FileFormat.XLSX:
        data = invoice_xlsx(invoice, fmt)
    elif kind is FileFormat.PDF:
        data = render_invoice_pdf(invoice, fmt)
    else:
        data = render_invoice_html(invoice, fmt, email=True).encode("utf-8")
    return RenderedFile(f"{stem}.{kind.value}", MEDIA_TYPES[kind], data)


def detailed_remarks(report: DetailedReport, fmt: Formatter) -> list[str]:
    """What a detailed report says beside its rows: non-work time counted apart (SEPARATE)."""
    if not report.non_work.entries:
        return []
    return [f"{fmt.label('non_work')}: {fmt.duration(report.non_work.duration)}"]


def detailed_file(
    report: DetailedReport,
    fmt: Formatter,
    kind: FileFormat,
    *,
    title: str,
    stem: str,
    zone: str,
    period_label: str | None = None,
) -> RenderedFile:
    """The detailed report in `kind`: CSV and XLSX carry every entry, streamed from the
    compact rows; the PDF stops at `DETAILED_MAX_ROWS` with a notice; HTML shows one page
    (`DETAILED_PAGE_ROWS`) and says how many there are."""
    if kind is FileFormat.CSV:
        text = io.StringIO(newline="")
        write_entries_csv(report.entries(), fmt, text, zone=zone, bom=True)
        check = check_text(report.check, fmt, full=True)
        # After the data, behind an empty row, as summaries do (`csvfile` module docstring).
        tail = [*detailed_remarks(report, fmt), *([check] if check else [])]
        if tail:
            csv.writer(text).writerows([[], *([neutralise(line)] for line in tail)])
        data = text.getvalue().encode("utf-8")
    elif kind is FileFormat.XLSX:
        binary = io.BytesIO()
        write_entries_xlsx(report.entries(), fmt, binary, zone=zone)
        data = binary.getvalue()
    elif kind is FileFormat.PDF:
        data = render_detailed_pdf(report.entries(), fmt, title=title, zone=zone)
    else:
        html = render_detailed_html(
            report.entries(DETAILED_PAGE_ROWS),
            fmt,
            total=report.count,
            title=title,
            zone=zone,
            period_label=period_label,
            remarks=detailed_remarks(report, fmt),
            check=report.check,
            email=True,
        )
        data = html.encode("utf-8")
    return RenderedFile(f"{stem}.{kind.value}", MEDIA_TYPES[kind], data)
