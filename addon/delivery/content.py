"""What a scheduled email says: the report fetched for the run's period, rendered for mail.

Summary schedules fetch the detailed report and build the summary with our engine. Invoice
schedules send **drafts**, one per client and currency, numbered `DRAFT-1`, `DRAFT-2`, ...: they
never consume a number of the gap-free sequence. We chose that because issuing is a legal act an
admin takes (`addon.invoicing.issue_invoice` from the sidebar), while a run may be sent twice in
the one window no design closes (see `runner`); an issued number in a duplicate or a failed send
would be a number to explain to an auditor, a draft is not.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from addon.clockify.client import ClockifyClient
from addon.clockify.directory import ClientInfo
from addon.delivery.spec import AttachmentFormat, ReportKind, ScheduleSpec, template_values
from addon.mail.compose import Attachment, fill_template
from addon.render.csvfile import invoice_csv, summary_csv
from addon.render.html import render_invoice_html, render_summary_html
from addon.render.i18n import Formatter
from addon.render.pdf import render_invoice_pdf, render_summary_pdf
from addon.render.xlsx import invoice_xlsx, summary_xlsx
from addon.reports.aggregate import build_summary
from addon.reports.invoice import build_invoice, plan_invoices
from addon.reports.model import Invoice, Party, Summary
from addon.reports.periods import DateRange
from addon.reports.terms import InvoiceTerms

__all__ = ["Content", "build_content"]

_CSV = "text/csv; charset=utf-8"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_PDF = "application/pdf"


@dataclass(frozen=True, slots=True)
class Content:
    """One run's email, before addressing; `empty` when the period had nothing to report."""

    subject: str
    html: str
    text: str
    attachments: tuple[Attachment, ...]
    empty: bool


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()[:60] or "report"


def build_content(
    client: ClockifyClient, spec: ScheduleSpec, period: DateRange, due: date
) -> Content:
    """Fetch the period's entries and render the email (raises `ClockifyError` on failure)."""
    fmt = Formatter(spec.locale, spec.durations)
    values = template_values(spec.name, period, due)
    subject = fill_template(spec.subject_template, values)
    intro = fill_template(spec.body_template, values)
    query = spec.filters.query(period, spec.cadence.zone)
    stem = f"{_slug(spec.name)}-{period.start.isoformat()}-{period.end.isoformat()}"
    if spec.kind is ReportKind.SUMMARY:
        summary = build_summary(
            client.detailed(query),
            spec.groups,
            zone=spec.cadence.zone,
            week_start=spec.week_start,
        )
        return _summary_content(summary, spec, fmt, period, subject, intro, stem)
    entries = list(client.detailed(query))
    expenses = list(client.expenses(query))
    plan = plan_invoices(entries, expenses, default_currency=client.currency())
    workspace = client.workspace()
    known = {c.id: c for c in client.clients()} if plan.batches else {}
    terms = InvoiceTerms(zone=spec.cadence.zone)
    invoices = tuple(
        build_invoice(
            batch,
            terms=terms,
            number=f"DRAFT-{index}",
            issue_date=due,
            bill_from=Party(workspace.name),
            bill_to=_bill_to(batch.client.id, batch.client.name, known),
            period=period,
        )
        for index, batch in enumerate(plan.batches, start=1)
    )
    return _invoice_content(invoices, spec, fmt, subject, intro, stem)


def _bill_to(client_id: str, name: str, known: Mapping[str, ClientInfo]) -> Party:
    """The client as the regular API knows it (address, email), else the report's name."""
    found = known.get(client_id)
    if found is None:
        return Party(name)
    return Party(found.name, found.address, found.email)


def _summary_content(
    summary: Summary,
    spec: ScheduleSpec,
    fmt: Formatter,
    period: DateRange,
    subject: str,
    intro: str,
    stem: str,
) -> Content:
    label = f"{fmt.date(period.start)} \u2013 {fmt.date(period.end)}"
    body = render_summary_html(summary, fmt, title=spec.name, period_label=label, email=True)
    total = f"{fmt.label('total')}: {fmt.duration(summary.totals.duration)}"
    attachments = []
    for kind in spec.formats:
        if kind is AttachmentFormat.CSV:
            data = summary_csv(summary, fmt, bom=True).encode("utf-8")
            attachments.append(Attachment(f"{stem}.csv", _CSV, data))
        elif kind is AttachmentFormat.XLSX:
            attachments.append(Attachment(f"{stem}.xlsx", _XLSX, summary_xlsx(summary, fmt)))
        else:
            pdf = render_summary_pdf(summary, fmt, title=spec.name)
            attachments.append(Attachment(f"{stem}.pdf", _PDF, pdf))
    return Content(
        subject=subject,
        html=body,
        text=f"{intro}\n\n{spec.name} ({label})\n{total}\n",
        attachments=tuple(attachments),
        empty=summary.totals.entries == 0,
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
        f"{inv.number}  {inv.bill_to.name}  {fmt.money(inv.total)}  (draft, not issued)"
        for inv in invoices
    ]
    if len(invoices) == 1:
        body = render_invoice_html(invoices[0], fmt, email=True)
    else:
        items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
        body = (
            f'<!doctype html><html lang="{html.escape(fmt.language)}"><head><meta charset="utf-8">'
            f"<title>{html.escape(subject)}</title></head><body>"
            f"<p>{html.escape(intro)}</p><ul>{items}</ul></body></html>"
        )
    attachments = []
    for invoice in invoices:
        name = f"{stem}-{invoice.number.lower()}-{_slug(invoice.bill_to.name)}"
        for kind in spec.formats:
            if kind is AttachmentFormat.CSV:
                data = invoice_csv(invoice, fmt, bom=True).encode("utf-8")
                attachments.append(Attachment(f"{name}.csv", _CSV, data))
            elif kind is AttachmentFormat.XLSX:
                attachments.append(Attachment(f"{name}.xlsx", _XLSX, invoice_xlsx(invoice, fmt)))
            else:
                attachments.append(
                    Attachment(f"{name}.pdf", _PDF, render_invoice_pdf(invoice, fmt))
                )
    return Content(
        subject=subject,
        html=body,
        text="\n".join([intro, "", *lines]) + "\n",
        attachments=tuple(attachments),
        empty=not invoices,
    )
