"""What a scheduled email says: the report fetched for the run's period, rendered for mail.

Summary schedules fetch the detailed report and build the summary with our engine. Detailed
schedules attach every entry as CSV/XLSX (the PDF up to its cap) and show the first page of
entries in the body. Invoice
schedules send **drafts**, one per client and currency, numbered `DRAFT-1`, `DRAFT-2`, ...: they
never consume a number of the gap-free sequence. We chose that because issuing is a legal act an
admin takes (`addon.services.invoices` from the sidebar), while a run may be sent twice in
the one window no design closes (see `runner`); an issued number in a duplicate or a failed send
would be a number to explain to an auditor, a draft is not.

`send_test` is the "send a test email now" use case: the real email (same content, same
attachments, same SMTP settings) for the schedule's latest period, with "[Test]" in the subject,
so what the admin receives is what the schedule will send. It is not a delivery run: nothing is
claimed or logged in the delivery log, and the Message-ID is the job's own.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from typing import Any

from addon.clockify.client import ClockifyClient
from addon.errors import MailFailed
from addon.mail.compose import Attachment, Recipients, compose, fill_template, sender_address
from addon.mail.smtp import MailError, SmtpSender
from addon.render.files import (
    FileFormat,
    RenderedFile,
    detailed_file,
    invoice_file,
    slug,
    summary_file,
)
from addon.render.html import render_invoice_html, render_summary_html
from addon.render.i18n import Formatter
from addon.render.remarks import check_text, left_out_text
from addon.reports.detailed import DetailedReport, collect
from addon.reports.model import Invoice, NonWorkTime, Summary
from addon.reports.periods import DateRange, load_zone
from addon.runtime import Runtime
from addon.schedules import covered_period
from addon.services.defaults import WorkspaceDefaults
from addon.services.installations import clockify_for
from addon.services.report_rows import (
    EntryRows,
    InvoiceRows,
    ReportRows,
    Rows,
    RowsKey,
    build_drafts,
    build_summary_of,
    fetch_rows,
    rows_key,
)
from addon.services.reports import JobProgress
from addon.services.schedule_spec import ReportKind, ScheduleSpec, template_values

__all__ = ["Content", "build_content", "render_content", "rows_needed", "send_test"]


@dataclass(frozen=True, slots=True)
class Content:
    """One run's email, before addressing; `empty` when the period had nothing to report."""

    subject: str
    html: str
    text: str
    attachments: tuple[Attachment, ...]
    empty: bool


def _attachment(file: RenderedFile) -> Attachment:
    return Attachment(file.filename, file.content_type, file.data)


def rows_needed(workspace_id: str, spec: ScheduleSpec, period: DateRange) -> RowsKey:
    """What `spec`'s email for `period` fetches: runs with equal keys may share that fetch.

    The key is the Clockify query (period, the cadence's zone, every filter) and the rows the
    kind needs; what the email groups, formats, says or attaches is not part of it.
    """
    query = spec.filters.query(period, spec.cadence.zone)
    rows = {ReportKind.SUMMARY: Rows.ENTRIES, ReportKind.DETAILED: Rows.DETAILED}.get(
        spec.kind, Rows.INVOICE
    )
    return rows_key(workspace_id, query, rows)


def build_content(
    client: ClockifyClient,
    spec: ScheduleSpec,
    period: DateRange,
    due: date,
    defaults: WorkspaceDefaults,
) -> Content:
    """Fetch the period's entries and render the email (raises `ClockifyError` on failure)."""
    rows = fetch_rows(client, rows_needed(client.endpoints.workspace_id, spec, period))
    return render_content(rows, spec, period, due, defaults)


def render_content(
    rows: ReportRows,
    spec: ScheduleSpec,
    period: DateRange,
    due: date,
    defaults: WorkspaceDefaults,
) -> Content:
    """Build `spec`'s report from `rows` (fetched for `rows_needed`) and render the email.

    Invoice drafts use the workspace's invoice settings (grouping, rounding, taxes, payment
    terms), so an emailed draft shows what the sidebar would for the same period.
    """
    fmt = Formatter(spec.locale, spec.durations)
    values = template_values(spec.name, period, due)
    subject = fill_template(spec.subject_template, values)
    intro = fill_template(spec.body_template, values)
    query = spec.filters.query(period, spec.cadence.zone)
    stem = f"{slug(spec.name)}-{period.start.isoformat()}-{period.end.isoformat()}"
    if spec.kind is ReportKind.SUMMARY:
        if not isinstance(rows, EntryRows):
            raise TypeError("a summary is built from EntryRows")
        summary = build_summary_of(
            rows,
            query,
            spec.groups,
            week_start=spec.week_start,
            non_work=spec.filters.non_work_time,
        )
        return _summary_content(summary, spec, fmt, period, subject, intro, stem)
    if spec.kind is ReportKind.DETAILED:
        if not isinstance(rows, DetailedReport):
            raise TypeError("a detailed report is built from a DetailedReport")
        if spec.filters.non_work_time is not NonWorkTime.INCLUDE:  # fetched with every row
            rows = collect(rows.entries(), spec.filters.non_work_time, rows.check)
        return _detailed_content(rows, spec, fmt, period, subject, intro, stem)
    if not isinstance(rows, InvoiceRows):
        raise TypeError("invoice drafts are built from InvoiceRows")
    terms = defaults.invoice_terms(zone=spec.cadence.zone, fmt=fmt)
    invoices = build_drafts(rows, query, terms=terms, issue_date=due, timesheet=spec.timesheet)
    return _invoice_content(invoices, spec, fmt, subject, intro, stem)


def _summary_content(
    summary: Summary,
    spec: ScheduleSpec,
    fmt: Formatter,
    period: DateRange,
    subject: str,
    intro: str,
    stem: str,
) -> Content:
    label = fmt.period(period)
    body = render_summary_html(summary, fmt, title=spec.name, period_label=label, email=True)
    total = f"{fmt.label('total')}: {fmt.duration(summary.totals.duration)}"
    check = check_text(summary.check, fmt)
    remarks = f"{check}\n" if check else ""
    attachments = [
        _attachment(summary_file(summary, fmt, kind, title=spec.name, stem=stem))
        for kind in spec.formats
    ]
    return Content(
        subject=subject,
        html=body,
        text=f"{intro}\n\n{spec.name} ({label})\n{total}\n{remarks}",
        attachments=tuple(attachments),
        empty=summary.totals.entries == 0,
    )


def _detailed_content(
    report: DetailedReport,
    spec: ScheduleSpec,
    fmt: Formatter,
    period: DateRange,
    subject: str,
    intro: str,
    stem: str,
) -> Content:
    """The first page of entries in the body; CSV and XLSX attach every entry, the PDF up to
    its cap (`render_detailed_pdf`)."""
    label = fmt.period(period)
    files = [
        detailed_file(
            report,
            fmt,
            kind,
            title=spec.name,
            stem=stem,
            zone=spec.cadence.zone,
            period_label=label,
        )
        for kind in (*spec.formats, FileFormat.HTML)
    ]
    total = f"{fmt.label('total')}: {fmt.duration(report.totals.duration)}"
    entries = fmt.label("entries")
    check = check_text(report.check, fmt)
    remarks = f"{check}\n" if check else ""
    return Content(
        subject=subject,
        html=files[-1].data.decode("utf-8"),
        text=f"{intro}\n\n{spec.name} ({label})\n{entries}: {report.count}\n{total}\n{remarks}",
        attachments=tuple(_attachment(file) for file in files[:-1]),
        empty=report.count == 0,
    )


def _invoice_content(
    invoices: tuple[Invoice, ...],
    spec: ScheduleSpec,
    fmt: Formatter,
    subject: str,
    intro: str,
    stem: str,
) -> Content:
    lines = [
        f"{inv.number}  {inv.bill_to.name}  {fmt.money(inv.total)}  {fmt.label('draft_not_issued')}"
        for inv in invoices
    ]
    # Each draft's own unbilled non-work entries; the check once, since one fetch made them all.
    notes = [f"{inv.number}: {text}" for inv in invoices if (text := left_out_text(inv, fmt))]
    check = check_text(invoices[0].check, fmt) if invoices else ""
    remarks = [*notes, *([check] if check else [])]
    if len(invoices) == 1:
        body = render_invoice_html(invoices[0], fmt, email=True)
    else:
        items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
        extra = "".join(f"<p>{html.escape(line)}</p>" for line in remarks)
        body = (
            f'<!doctype html><html lang="{html.escape(fmt.language)}"><head><meta charset="utf-8">'
            f"<title>{html.escape(subject)}</title></head><body>"
            f"<p>{html.escape(intro)}</p><ul>{items}</ul>{extra}</body></html>"
        )
    attachments = [
        _attachment(
            invoice_file(
                invoice,
                fmt,
                kind,
                stem=f"{stem}-{invoice.number.lower()}-{slug(invoice.bill_to.name)}",
            )
        )
        for invoice in invoices
        for kind in spec.formats
    ]
    return Content(
        subject=subject,
        html=body,
        text="\n".join([intro, "", *lines, *(["", *remarks] if remarks else [])]) + "\n",
        attachments=tuple(attachments),
        empty=not invoices,
    )


def send_test(
    rt: Runtime,
    job: JobProgress,
    workspace_id: str,
    spec: ScheduleSpec,
    recipients: Recipients,
    defaults: WorkspaceDefaults,
    job_id: str,
) -> dict[str, Any]:
    """Send `spec`'s email for its latest period to `recipients` now; what was sent."""
    settings = rt.settings
    due = rt.now().astimezone(load_zone(spec.cadence.zone)).date()
    period = covered_period(spec.coverage, due, first_weekday=spec.week_start)
    job.progress("entries", 0)
    with clockify_for(rt, workspace_id) as client:
        job.count_pages(lambda: client.transport.stats.requests)
        content = build_content(client, spec, period, due, defaults)
    job.progress("sending", 0)
    envelope_from = sender_address(settings.mail_from)
    subject = f"[Test] {content.subject}"
    message = compose(
        sender=settings.mail_from,
        recipients=recipients,
        subject=subject,
        html=content.html,
        text=content.text,
        attachments=content.attachments,
        message_id=f"<test.{job_id}@{envelope_from.rpartition('@')[2]}>",
        date=rt.now(),
    )
    try:
        SmtpSender.from_settings(settings).send(
            message, envelope_from=envelope_from, recipients=recipients.envelope()
        )
    except MailError as exc:
        raise MailFailed(f"The test email was not sent: {exc}") from None
    return {
        "recipients": len(recipients.envelope()),
        "subject": subject,
        "period_start": period.start.isoformat(),
        "period_end": period.end.isoformat(),
        "attachments": [a.filename for a in content.attachments],
    }
