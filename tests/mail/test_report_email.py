"""A scheduled email's body says what its report was checked against, in the report's language.

`build_content` fetches from Clockify; its two rendering halves are pure, so these tests hand
them built reports with sample checks (the real ones come from the Clockify client).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from addon.mail.compose import Recipients
from addon.render.i18n import Formatter
from addon.render.remarks import check_text
from addon.reports.model import ClockifyCheck
from addon.reports.periods import DateRange
from addon.schedules import Cadence
from addon.services.emails import _invoice_content, _summary_content
from addon.services.schedule_spec import ReportKind, ReportSpec, ScheduleSpec
from tests.render.samples import make_invoice, sample_summary

CHECK = ClockifyCheck(entries=4, duration=17_110, billable_duration=16_210, expenses=1)
MAY = DateRange(date(2024, 5, 1), date(2024, 5, 31))


def spec(kind: ReportKind = ReportKind.SUMMARY, locale: str = "de_DE") -> ScheduleSpec:
    return ScheduleSpec(
        name="Mai",
        report=ReportSpec(kind=kind, locale=locale),
        cadence=Cadence.monthly(1, hour=8, zone="Europe/Berlin"),
        recipients=Recipients.parse(["boss@example.com"]),
    )


def test_summary_email_says_what_it_was_checked_against_in_text_and_html() -> None:
    fmt = Formatter("de_DE")
    summary = replace(sample_summary(), check=CHECK)

    content = _summary_content(summary, spec(), fmt, MAY, "Mai", "Anbei.", "mai")

    line = check_text(CHECK, fmt)
    assert line == "Abgeglichen mit Clockify: 4 Einträge, 4,75 Std., 1 Ausgabe"
    assert content.text.rstrip().endswith(line)
    assert line in content.html


def test_summary_email_without_a_check_has_no_check_line() -> None:
    fmt = Formatter("en")

    content = _summary_content(sample_summary(), spec(locale="en"), fmt, MAY, "May", "", "may")

    assert "Clockify" not in content.text and "Clockify" not in content.html


def test_invoice_emails_say_which_non_work_entries_were_not_billed_and_the_check() -> None:
    fmt = Formatter("en")
    draft = replace(make_invoice(), check=CHECK, non_work_left_out=3)
    other = replace(draft, number="DRAFT-2", non_work_left_out=0)
    notice = "3 breaks, holidays or time-off entries were not billed."
    line = "Checked against Clockify: 4 entries, 4.75 h, 1 expense"
    kind = ReportKind.INVOICE

    one = _invoice_content((draft,), spec(kind, "en"), fmt, "Drafts", "Here.", "may")
    two = _invoice_content((draft, other), spec(kind, "en"), fmt, "Drafts", "Here.", "may")

    assert notice in one.html and line in one.html
    assert f"{draft.number}: {notice}" in one.text and line in one.text
    assert two.text.count("not billed") == 1 and two.text.count(line) == 1
    assert notice in two.html and two.html.count(line) == 1
