"""One report as one downloadable file: the format's bytes, its media type and a file name.

The sidebar's downloads and the scheduled emails' attachments both come from here, so a CSV a
user downloads is byte for byte the CSV a schedule attaches for the same report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from addon.render.csvfile import invoice_csv, summary_csv
from addon.render.html import render_invoice_html, render_summary_html
from addon.render.i18n import Formatter
from addon.render.pdf import render_invoice_pdf, render_summary_pdf
from addon.render.xlsx import invoice_xlsx, summary_xlsx
from addon.reports.model import Invoice, Summary

__all__ = [
    "ATTACHMENT_FORMATS",
    "FileFormat",
    "RenderedFile",
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
