"""What a finished report job keeps: the preview the page shows, and the snapshot behind it.

The job keeps the built report as a snapshot (`addon.reports.snapshot`), so downloads in every
format are rendered later, by any process, from exactly what the preview showed; and, apart
from it, the preview (an HTML fragment) plus formatted totals, so a poll reads only those.
Nothing in a result is a secret: entries' descriptions and names are the workspace's own data,
shown to its admins only.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from addon.render.files import detailed_remarks
from addon.render.html import (
    DETAILED_PAGE_ROWS,
    render_detailed_html,
    render_invoice_html,
    render_summary_html,
)
from addon.render.i18n import Formatter
from addon.render.remarks import check_text
from addon.reports.detailed import MAX_ENTRIES, DetailedReport
from addon.reports.model import ClockifyCheck, Invoice, Summary, Totals
from addon.reports.money import Money
from addon.reports.snapshot import invoice_to_json, summary_to_json
from addon.services.report_spec import ReportRequest

__all__ = [
    "JobOutput",
    "check_json",
    "detailed_output",
    "invoice_json",
    "invoice_key",
    "invoices_output",
    "summary_output",
    "totals_json",
]


@dataclass(frozen=True, slots=True)
class JobOutput:
    """What a finished job keeps: `result` for the page, `snapshot` for downloads and issuing."""

    result: dict[str, Any]
    snapshot: dict[str, Any] | None = None


def invoice_key(invoice: Invoice) -> str:
    """A draft's key within its job: one draft per client and currency."""
    return f"{invoice.client.id}:{invoice.currency}"


def _money(amount: Money) -> dict[str, Any]:
    return {"currency": amount.currency, "minor": amount.minor}


def totals_json(totals: Totals, fmt: Formatter) -> dict[str, Any]:
    return {
        "duration": totals.duration,
        "billable_duration": totals.billable_duration,
        "entries": totals.entries,
        "amounts": [_money(a) for a in totals.amounts],
        "formatted": {
            "duration": fmt.duration(totals.duration),
            "billable_duration": fmt.duration(totals.billable_duration or 0),  # grand totals: set
            "amounts": [fmt.money(a) for a in totals.amounts],
        },
    }


def check_json(check: ClockifyCheck | None, fmt: Formatter) -> dict[str, Any] | None:
    """What the report was checked against in Clockify, raw and as one sentence; None if unchecked.

    Keys are snake_case like the rest of the job result. `text` is the line the preview prints,
    already in the report's language, so the page never formats a figure itself.
    """
    if check is None:
        return None
    return {
        "entries": check.entries,
        "duration_seconds": check.duration,
        "billable_duration_seconds": check.billable_duration,
        "amounts": [_money(a) for a in check.amounts],
        "expenses": check.expenses,
        "expense_amounts": [_money(a) for a in check.expense_amounts],
        "text": check_text(check, fmt),
    }


def summary_output(summary: Summary, request: ReportRequest, fmt: Formatter) -> JobOutput:
    html = render_summary_html(
        summary, fmt, title=fmt.label("summary"), period_label=fmt.period(request.period)
    )
    return JobOutput(
        {
            "html": html,
            "totals": totals_json(summary.totals, fmt),
            "check": check_json(summary.check, fmt),
            "invoices": [],
        },
        {"summary": summary_to_json(summary)},
    )


def invoice_json(invoice: Invoice, fmt: Formatter) -> dict[str, Any]:
    return {
        "key": invoice_key(invoice),
        "number": invoice.number,
        "client": {"id": invoice.client.id, "name": invoice.client.name},
        "currency": invoice.currency,
        "total": _money(invoice.total),
        "total_formatted": fmt.money(invoice.total),
        "lines": len(invoice.lines),
        "issue_date": invoice.issue_date.isoformat(),
        "due_date": invoice.due_date.isoformat(),
    }


def invoices_output(
    drafts: tuple[Invoice, ...], request: ReportRequest, fmt: Formatter
) -> JobOutput:
    seconds = sum(d.actual_seconds for d in drafts)
    billed = sum(d.billed_seconds for d in drafts)
    by_currency: dict[str, int] = {}
    for draft in drafts:
        by_currency[draft.currency] = by_currency.get(draft.currency, 0) + draft.total.minor
    amounts = tuple(Money(minor, code) for code, minor in sorted(by_currency.items()))
    entries = len({entry for d in drafts for line in d.lines for entry in line.entry_ids})
    totals = Totals(seconds, billed, entries, amounts)
    html = "".join(
        f'<section class="draft" data-key="{escape(invoice_key(d))}">'
        f"{render_invoice_html(d, fmt)}</section>"
        for d in drafts
    )
    if not drafts:
        html = f'<p class="empty">{fmt.label("no_data")}</p>'
    return JobOutput(
        {
            "html": html,
            "totals": totals_json(totals, fmt),
            # One fetch, one check: every draft carries the same figures, the whole query's.
            "check": check_json(drafts[0].check if drafts else None, fmt),
            "invoices": [{**invoice_json(d, fmt), "issued_number": None} for d in drafts],
        },
        {"invoices": {invoice_key(d): invoice_to_json(d) for d in drafts}},
    )


def detailed_output(report: DetailedReport, request: ReportRequest, fmt: Formatter) -> JobOutput:
    """The first `DETAILED_PAGE_ROWS` entries for the page, every entry for downloads.

    The snapshot is the report's compact columns (`addon.reports.detailed`): at most
    `MAX_ENTRIES` entries, about 120 bytes each, so downloads in every format are rendered
    later from exactly what the preview counted, without asking Clockify again (a refetch
    could disagree with the preview, and would hold a request for minutes).
    """
    html = render_detailed_html(
        report.entries(DETAILED_PAGE_ROWS),
        fmt,
        total=report.count,
        title=fmt.label("detailed_report"),
        zone=request.zone,
        period_label=fmt.period(request.period),
        remarks=detailed_remarks(report, fmt),
        check=report.check,
    )
    return JobOutput(
        {
            "html": html,
            "totals": totals_json(report.totals, fmt),
            "check": check_json(report.check, fmt),
            "invoices": [],
            "rows": {
                "shown": min(report.count, DETAILED_PAGE_ROWS),
                "total": report.count,
                "max": MAX_ENTRIES,
                "non_work": totals_json(report.non_work, fmt),
                "left_out": report.left_out,
            },
        },
        {"detailed": report.to_json()},
    )
