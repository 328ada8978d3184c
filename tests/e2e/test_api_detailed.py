"""The detailed report through the API: a job previews one page, downloads hold every row, and
what they add up to is what Clockify's totals said (the check)."""

from __future__ import annotations

import csv
import email
import email.policy
import io
from email.message import EmailMessage

from openpyxl import load_workbook
from pypdf import PdfReader

from tests.e2e.report_api import Stack, summary_body


def _detailed_body() -> dict[str, object]:
    body = summary_body(kind="detailed")
    del body["groups"]  # a detailed report has none; omitted means none
    return body


def test_detailed_job_previews_a_page_and_downloads_every_row(lite: Stack) -> None:
    api = lite.session_for()

    done = api.report(_detailed_body())

    result = done["result"]
    check, rows = result["check"], result["rows"]
    assert rows["total"] == check["entries"] > 100  # every fetched entry is listed
    assert rows["shown"] == 100
    assert result["html"].count('<tr class="cr-depth-0') == 100
    assert f'data-total="{rows["total"]}"' in result["html"]
    # SEPARATE: worked time in the totals, breaks and time off apart; together Clockify's.
    assert result["totals"]["duration"] + rows["non_work"]["duration"] == check["duration_seconds"]

    csv_file = api("GET", f"/jobs/{done['id']}/download", params={"format": "csv"})
    assert csv_file.status_code == 200, csv_file.text
    records = list(csv.reader(io.StringIO(csv_file.content.decode("utf-8-sig"))))
    data = records[1 : records.index([])]
    assert len(data) == check["entries"]
    seconds_at = records[0].index("duration_seconds")
    assert sum(int(r[seconds_at]) for r in data) == check["duration_seconds"]

    xlsx = api("GET", f"/jobs/{done['id']}/download", params={"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content), read_only=True).worksheets[0]
    assert sum(1 for _ in sheet.iter_rows()) == 1 + check["entries"]

    pdf = api("GET", f"/jobs/{done['id']}/download", params={"format": "pdf"})
    assert len(PdfReader(io.BytesIO(pdf.content)).pages) >= 1
    html = api("GET", f"/jobs/{done['id']}/download", params={"format": "html"}).text
    assert html.count('<tr class="cr-depth-0') == 100


def test_detailed_report_with_groups_is_refused_naming_the_field(lite: Stack) -> None:
    api = lite.session_for()

    answer = api("POST", "/reports", {**_detailed_body(), "groups": ["PROJECT"]})

    assert answer.status_code == 422
    assert answer.json()["field"] == "groups"


def test_detailed_schedule_emails_a_csv_with_every_entry(lite: Stack) -> None:
    api = lite.session_for()
    created = api(
        "POST",
        "/schedules",
        {
            "name": "Weekly entries",
            "kind": "detailed",
            "frequency": "WEEKLY",
            "weekday": "MONDAY",
            "hour": 8,
            "zone": "Europe/Berlin",
            "coverage": "PREVIOUS_WEEK",
            "formats": ["csv", "xlsx", "pdf"],
            "recipients": {"to": ["boss@example.com"]},
        },
    )
    assert created.status_code == 201, created.text
    assert created.json()["groups"] == []

    sent = api.wait(api("POST", f"/schedules/{created.json()['id']}/test", {}).json())

    assert sent["state"] == "done", sent
    same_period = {"start": sent["result"]["period_start"], "end": sent["result"]["period_end"]}
    expected = api.report({**_detailed_body(), **same_period})["result"]["rows"]["total"]
    message = email.message_from_bytes(lite.inbox.received[0].content, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    files = {part.get_filename().rsplit(".", 1)[1]: part for part in message.iter_attachments()}
    assert sorted(files) == ["csv", "pdf", "xlsx"]
    text = files["csv"].get_payload(decode=True).decode("utf-8-sig")
    records = list(csv.reader(io.StringIO(text)))
    data = records[1 : records.index([])] if [] in records else records[1:]
    assert len(data) == expected > 0


def test_invoice_with_the_timesheet_option_appends_its_entries_in_every_format(
    lite: Stack,
) -> None:
    api = lite.session_for()
    done = api.report({**summary_body(kind="invoice", groups=[]), "invoice": {"timesheet": True}})
    draft = done["result"]["invoices"][0]
    path = f"/jobs/{done['id']}/download"

    files = {
        kind: api("GET", path, params={"format": kind, "invoice": draft["key"]})
        for kind in ("html", "csv", "xlsx", "pdf")
    }
    issued = api("POST", "/invoices", {"job": done["id"], "invoice": draft["key"]})

    assert all(answer.status_code == 200 for answer in files.values())
    records = list(csv.reader(io.StringIO(files["csv"].content.decode("utf-8-sig"))))
    appendix = [record for record in records if record[:1] == ["timesheet"]]
    assert appendix  # one row per billed entry
    assert "cr-timesheet-table" in files["html"].text
    book = load_workbook(io.BytesIO(files["xlsx"].content), read_only=True)
    assert sum(1 for _ in book["Timesheet"].iter_rows()) == 1 + len(appendix)
    pages = PdfReader(io.BytesIO(files["pdf"].content)).pages
    assert "Timesheet" in pages[-1].extract_text()
    assert issued.status_code == 201, issued.text
    number = issued.json()["number"]
    issued_csv = api("GET", f"/invoices/{number}/download", params={"format": "csv"}).text
    assert issued_csv.count("\ntimesheet,") == len(appendix)  # the issued snapshot keeps it


def test_invoice_schedule_with_a_timesheet_attaches_it_and_keeps_the_choice(lite: Stack) -> None:
    api = lite.session_for()
    created = api(
        "POST",
        "/schedules",
        {
            "name": "Monthly invoices",
            "kind": "invoice",
            "groups": [],
            "timesheet": True,
            "frequency": "MONTHLY",
            "day_of_month": 1,
            "hour": 8,
            "zone": "Europe/Berlin",
            "coverage": "PREVIOUS_MONTH",
            "formats": ["csv"],
            "recipients": {"to": ["boss@example.com"]},
        },
    )
    assert created.status_code == 201, created.text
    assert created.json()["timesheet"] is True

    sent = api.wait(api("POST", f"/schedules/{created.json()['id']}/test", {}).json())

    assert sent["state"] == "done", sent
    message = email.message_from_bytes(lite.inbox.received[0].content, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    texts = [
        part.get_payload(decode=True).decode("utf-8-sig") for part in message.iter_attachments()
    ]
    assert any("\ntimesheet," in text for text in texts)  # expense-only drafts have none
