"""The report, job and invoice API over real HTTP: the add-on and the sandbox on loopback ports,
the workspace installed through the sandbox, jobs built in the add-on's background threads,
test emails through a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import csv
import email
import email.policy
import io
import re
import threading
import time
from dataclasses import replace
from datetime import date, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
import requests
from openpyxl import load_workbook
from pypdf import PdfReader

from addon.services.report_spec import ReportRequest
from addon.settings import Secret, Settings
from addon.store import jobs
from addon.web.session import SessionClaims, SessionSigner
from sandbox.faults import Fault, FaultKind
from sandbox.generator import generate_workspace
from sandbox.shapes import LIVE
from sandbox.state import SEED_WORKSPACE_ID
from sandbox.tokens import ApiUrls
from tests.e2e.report_api import Api, Stack, period, summary_body


def _clockify_total(stack: Stack, filters: dict[str, Any] | None = None) -> int:
    """Clockify's own summary total (seconds) from the sandbox: the independent oracle."""
    workspace = stack.sandbox.state.workspace(SEED_WORKSPACE_ID)
    start, end = period()
    body: dict[str, Any] = {
        "dateRangeStart": f"{start}T00:00:00.000",
        "dateRangeEnd": f"{end}T23:59:59.999",
        "timeZone": "Europe/Berlin",
        "summaryFilter": {"groups": ["PROJECT"]},
        **(filters or {}),
    }
    installation = stack.sandbox.state.installation(SEED_WORKSPACE_ID, stack.addon_id)
    reports_url = ApiUrls.for_sandbox(
        stack.sandbox.url, workspace.region, workspace.subdomain
    ).reports_url
    answer = requests.post(
        f"{reports_url}/v1/workspaces/{workspace.id}/reports/summary",
        json=body,
        headers={"X-Addon-Token": installation.auth_token},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    totals = answer.json()["totals"]
    first = totals[0] if isinstance(totals, list) else totals
    return int(first["totalTime"])


def test_summary_job_builds_in_the_background_and_matches_clockify(stack: Stack) -> None:
    api = stack.session_for()
    started = api("POST", "/reports", summary_body())

    assert started.status_code == 202, started.text
    assert started.headers["Location"] == f"/api/jobs/{started.json()['id']}"
    done = api.wait(started.json())

    assert done["state"] == "done", done
    totals = done["result"]["totals"]
    assert totals["entries"] > 100
    assert totals["duration"] == _clockify_total(stack)
    check = done["result"]["check"]  # what the report was checked against: Clockify's figures
    assert (check["entries"], check["duration_seconds"]) == (totals["entries"], totals["duration"])
    assert check["text"].startswith("Checked against Clockify: ")
    assert done["progress"]["stage"] == "done"
    assert done["progress"]["pages"] >= 1
    assert "<svg" in done["result"]["html"] and "<script" not in done["result"]["html"]
    assert "summary" not in done["result"]  # the snapshot stays on the server


def test_identical_reports_are_served_from_cache_and_refresh_builds_anew(stack: Stack) -> None:
    api = stack.session_for()
    first = api.report(summary_body())

    again = api("POST", "/reports", summary_body())
    fresh = api("POST", "/reports", {**summary_body(), "refresh": True})

    assert again.status_code == 200 and again.json()["cached"] is True
    assert again.json()["id"] == first["id"]
    assert fresh.status_code == 202 and fresh.json()["id"] != first["id"]


def test_a_project_filter_narrows_the_report_to_clockifys_figure(lite: Stack) -> None:
    api = lite.session_for()
    directory = api("GET", "/workspace").json()
    project = directory["projects"][0]["id"]

    everything = api.report(summary_body())
    narrowed = api.report(summary_body(filters={"projects": [project]}))

    expected = _clockify_total(lite, {"projects": {"ids": [project], "contains": "CONTAINS"}})
    assert narrowed["result"]["totals"]["duration"] == expected
    assert 0 < expected < everything["result"]["totals"]["duration"]


def test_workspace_directory_lists_filters_and_defaults(lite: Stack) -> None:
    api = lite.session_for()
    answer = api("GET", "/workspace")

    assert answer.status_code == 200, answer.text
    body = answer.json()
    workspace = lite.sandbox.state.workspace(SEED_WORKSPACE_ID)
    assert body["workspace"]["id"] == SEED_WORKSPACE_ID
    assert {u["id"] for u in body["users"]} == set(workspace.users)
    assert len(body["clients"]) == len([c for c in workspace.clients.values() if not c.archived])
    assert body["defaults"]["locale"] == "en_US"
    assert body["defaults"]["zone"] == workspace.time_zone  # the user's Clockify time zone
    assert "zones" not in body
    assert body["invoice_defaults"]["number_pattern"] == "INV-{YYYY}-{seq:4}"


def test_every_format_downloads_and_opens(lite: Stack) -> None:
    api = lite.session_for()
    done = api.report(summary_body())
    total = done["result"]["totals"]["duration"]

    files = {}
    for kind in ("html", "csv", "xlsx", "pdf"):
        answer = api("GET", f"/jobs/{done['id']}/download", params={"format": kind})
        assert answer.status_code == 200, answer.text
        assert (
            f'filename="summary-{period()[0]}-{period()[1]}.{kind}"'
            in (answer.headers["Content-Disposition"])
        )
        files[kind] = answer.content

    assert "<table" in files["html"].decode("utf-8")
    rows = list(csv.reader(io.StringIO(files["csv"].decode("utf-8-sig"))))
    assert len(rows) > 2
    book = load_workbook(io.BytesIO(files["xlsx"]), read_only=True)
    assert book.sheetnames
    pdf = PdfReader(io.BytesIO(files["pdf"]))
    assert len(pdf.pages) >= 1
    assert total > 0


def test_invoice_drafts_issue_once_and_are_listed(stack: Stack) -> None:
    api = stack.session_for()
    done = api.report({**summary_body(kind="invoice", groups=[]), "invoice": {"due_days": 14}})
    drafts = done["result"]["invoices"]
    assert drafts, done
    draft = drafts[0]
    assert draft["issued_number"] is None and draft["total"]["minor"] > 0
    assert "snapshot" not in draft  # the built invoice stays on the server

    issued = api("POST", "/invoices", {"job": done["id"], "invoice": draft["key"]})
    again = api("POST", "/invoices", {"job": done["id"], "invoice": draft["key"]})
    second = api("POST", "/invoices", {"job": done["id"], "invoice": drafts[-1]["key"]})

    assert issued.status_code == 201, issued.text
    number = issued.json()["number"]
    assert re.fullmatch(rf"INV-{date.today().year}-0001", number)
    assert issued.json()["total"] == draft["total"]  # what was previewed is what was issued
    assert again.status_code == 409 and number in again.json()["message"]
    if len(drafts) > 1:
        assert second.json()["number"].endswith("-0002")
    listed = api("GET", "/invoices").json()["invoices"]
    assert number in [i["number"] for i in listed]
    shown = api("GET", f"/jobs/{done['id']}").json()["result"]["invoices"][0]
    assert shown["issued_number"] == number
    pdf = api("GET", f"/invoices/{number}/download", params={"format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    draft_csv = api("GET", f"/jobs/{done['id']}/download?format=csv&invoice={draft['key']}")
    assert draft_csv.status_code == 200, draft_csv.text


def test_another_workspace_sees_none_of_it(stack: Stack, encryption_key: Secret) -> None:
    api = stack.session_for()
    done = api.report(summary_body())
    signer = SessionSigner.from_settings(Settings(encryption_keys=(encryption_key,)))
    other = signer.issue(
        SessionClaims("74b0c1d2e3f4a5b6c7d8e9f1", stack.addon_id, "u", "OWNER", 2**31)
    )
    stranger = Api(stack.addon.url, other)

    assert stranger("GET", f"/jobs/{done['id']}").status_code == 401  # no such installation
    assert stranger("GET", "/invoices").status_code == 401


def test_a_non_admin_session_can_read_and_change_nothing(
    stack: Stack, encryption_key: Secret
) -> None:
    api = stack.session_for()
    done = api.report(summary_body())
    signer = SessionSigner.from_settings(Settings(encryption_keys=(encryption_key,)))
    user = signer.issue(SessionClaims(SEED_WORKSPACE_ID, stack.addon_id, "u", "USER", 2**31))
    member = Api(stack.addon.url, user)

    for method, path, body in (
        ("GET", f"/jobs/{done['id']}", None),
        ("GET", "/workspace", None),
        ("POST", "/reports", summary_body()),
        ("POST", "/invoices", {"job": done["id"], "invoice": "x:EUR"}),
    ):
        answer = member(method, path, body)
        assert answer.status_code == 403, (path, answer.text)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"start": "2026-13-01"}, "start"),
        ({"end": "2000-01-01"}, "end"),
        ({"zone": "Mars/Olympus"}, "zone"),
        ({"groups": ["PLANET"]}, "groups"),
        ({"groups": []}, "groups"),
        ({"kind": "poem"}, "kind"),
        ({"filters": {"projects": "p1"}}, "filters.projects"),
        ({"locale": "tlh"}, "locale"),
        ({"colour": "red"}, "colour"),
        ({"kind": "invoice", "invoice": {"tax_percent": "101"}}, "invoice.tax_percent"),
        ({"refresh": "yes"}, "refresh"),
    ],
)
def test_bad_requests_name_the_field(lite: Stack, change: dict[str, Any], field: str) -> None:
    api = lite.session_for()
    answer = api("POST", "/reports", {**summary_body(), **change})

    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == field


def test_unknown_jobs_and_formats_answer_4xx(lite: Stack) -> None:
    api = lite.session_for()
    done = api.report(summary_body())

    assert api("GET", "/jobs/nope").status_code == 404
    assert api("GET", "/jobs/" + "0" * 32).status_code == 404
    assert api("GET", f"/jobs/{done['id']}/download", params={"format": "doc"}).status_code == 400
    assert api("GET", "/invoices/INV-404/download", params={"format": "pdf"}).status_code == 404


def test_test_email_reaches_the_smtp_server_with_attachments(lite: Stack) -> None:
    api = lite.session_for()
    created = api(
        "POST",
        "/schedules",
        {
            "name": "Weekly hours",
            "frequency": "WEEKLY",
            "weekday": "MONDAY",
            "hour": 8,
            "zone": "Europe/Berlin",
            "coverage": "PREVIOUS_WEEK",
            "formats": ["csv", "pdf"],
            "recipients": {"to": ["boss@example.com"]},
        },
    )
    assert created.status_code == 201, created.text

    started = api("POST", f"/schedules/{created.json()['id']}/test", {"to": ["me@example.com"]})

    assert started.status_code == 202, started.text
    done = api.wait(started.json())
    assert done["state"] == "done", done
    assert done["result"]["recipients"] == 1
    assert len(lite.inbox.received) == 1
    message = email.message_from_bytes(lite.inbox.received[0].content, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    assert message["Subject"].startswith("[Test] Weekly hours")
    assert message["To"] == "me@example.com"
    names = [part.get_filename() for part in message.iter_attachments()]
    assert [n.rsplit(".", 1)[1] for n in names] == ["csv", "pdf"]
    assert api("GET", "/deliveries").json()["deliveries"] == []  # a test is not a delivery


def test_a_test_email_to_the_schedules_own_recipients_keeps_cc_and_bcc_apart(lite: Stack) -> None:
    api = lite.session_for()
    created = api(
        "POST",
        "/schedules",
        {
            "name": "Weekly hours",
            "frequency": "WEEKLY",
            "weekday": "MONDAY",
            "hour": 8,
            "zone": "Europe/Berlin",
            "coverage": "PREVIOUS_WEEK",
            "formats": ["csv"],
            "recipients": {
                "to": ["Boss <boss@example.com>"],
                "cc": ["team@example.com"],
                "bcc": ["auditor@example.org"],
            },
        },
    )
    assert created.status_code == 201, created.text

    started = api("POST", f"/schedules/{created.json()['id']}/test", {})
    done = api.wait(started.json())

    assert done["state"] == "done", done
    received = lite.inbox.received[0]
    message = email.message_from_bytes(received.content, policy=email.policy.default)
    assert message["To"] == "Boss <boss@example.com>"
    assert message["Cc"] == "team@example.com"
    assert "auditor" not in received.content.decode()  # Bcc: in the envelope only
    assert sorted(received.rcpt_tos) == [
        "auditor@example.org",
        "boss@example.com",
        "team@example.com",
    ]


def test_unsaved_schedule_preview_lists_next_sends(lite: Stack) -> None:
    api = lite.session_for()
    answer = api(
        "POST",
        "/schedules/next",
        {
            "name": "x",
            "frequency": "DAILY",
            "hour": 7,
            "zone": "Asia/Kolkata",
            "recipients": {"to": ["a@example.com"]},
        },
    )

    assert answer.status_code == 200, answer.text
    sends = answer.json()["next"]
    assert len(sends) == 5 and all(s["at"].endswith("+05:30") for s in sends)
    bad = api("POST", "/schedules/next", {"name": "x", "frequency": "HOURLY"})
    assert bad.status_code == 422


def test_concurrent_issues_of_one_draft_give_one_number(stack: Stack) -> None:
    api = stack.session_for()
    done = api.report({**summary_body(kind="invoice", groups=[])})
    key = done["result"]["invoices"][0]["key"]
    statuses: list[int] = []

    def issue() -> None:
        clicker = Api(stack.addon.url, api.session)
        statuses.append(
            clicker("POST", "/invoices", {"job": done["id"], "invoice": key}).status_code
        )

    threads = [threading.Thread(target=issue) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [201, 409, 409, 409, 409, 409]
    assert len(api("GET", "/invoices").json()["invoices"]) == 1


def test_a_large_report_shows_its_progress_while_clockify_pages_arrive(lite: Stack) -> None:
    workspace = generate_workspace(
        lite.sandbox.state,
        41,
        entries=2500,
        expenses=0,
        start=date(2025, 1, 1),
        end=date(2025, 6, 30),
    )
    addon_id = lite.install(workspace.id)
    api = lite.session_for(workspace_id=workspace.id, addon_id=addon_id)
    slow = Fault(FaultKind.SLOW, count=3, path="/reports/detailed", delay=1.5)
    lite.sandbox.state.faults.inject(workspace.id, slow)
    body = {"kind": "summary", "start": "2025-01-01", "end": "2025-06-30", "groups": ["USER"]}

    job = api("POST", "/reports", body).json()
    seen: list[tuple[str, str, int, int]] = []
    while job["state"] in {"queued", "running"}:
        time.sleep(0.1)
        job = api("GET", f"/jobs/{job['id']}").json()
        progress = job["progress"]
        seen.append((job["state"], progress["stage"], progress["entries"], progress["pages"]))

    assert job["state"] == "done", job
    assert job["result"]["totals"]["entries"] == 2500
    during = [s for s in seen if s[0] == "running" and s[1] == "entries"]
    assert any(0 < s[2] < 2500 for s in during), seen  # part-way figures reached the page
    assert max(s[3] for s in during) >= 2  # and the Clockify requests made so far


def test_clockify_being_down_fails_the_job_with_a_reason(lite: Stack) -> None:
    api = lite.session_for()
    down = Fault(FaultKind.ERROR, status=503, count=1000, path="/reports/")
    lite.sandbox.state.faults.inject(SEED_WORKSPACE_ID, down)

    started = api("POST", "/reports", summary_body())
    done = api.wait(started.json(), timeout=120)

    assert done["state"] == "failed"
    assert done["error"]["error"] == "clockify_unavailable"
    assert done["result"] is None
    lite.sandbox.state.faults.clear(SEED_WORKSPACE_ID)
    retried = api.report(summary_body())  # a failed job is never served from the cache
    assert retried["id"] != done["id"]


def _orphan(stack: Stack, *, age: timedelta, state: str, attempts: int) -> str:
    """A job row as a process that died left it: claimed by `gone`, heartbeat `age` old."""
    runtime = stack.addon.app.extensions["addon"]
    with runtime.sessions.begin() as db:
        job = jobs.create_job(
            db,
            workspace_id=SEED_WORKSPACE_ID,
            user_id="u",
            kind="summary",
            request=ReportRequest.from_json(summary_body()).to_json(),
            cache_key=f"orphan-{state}-{attempts}",
            now=runtime.now() - age,
        )
        job.state, job.owner, job.attempts = state, "gone:1:dead" if attempts else None, attempts
        return job.id


def test_a_job_whose_process_died_is_taken_over_and_finishes(stack: Stack) -> None:
    api = stack.session_for()
    job_id = _orphan(stack, age=timedelta(minutes=5), state="running", attempts=1)

    seen = api("GET", f"/jobs/{job_id}").json()
    assert seen["state"] in {"queued", "running"}, seen  # waiting for a runner, not failed
    done = api.wait(seen)

    assert done["state"] == "done", done
    assert done["result"]["totals"]["entries"] > 0
    runtime = stack.addon.app.extensions["addon"]
    with runtime.sessions() as db:
        row = jobs.get_job(db, SEED_WORKSPACE_ID, job_id)
        assert row is not None and row.attempts == 2 and row.owner == runtime.jobs.owner


def test_a_job_that_killed_its_runner_three_times_fails_and_one_nobody_ran_expires(
    stack: Stack,
) -> None:
    api = stack.session_for()
    poison = _orphan(stack, age=timedelta(minutes=5), state="running", attempts=3)
    forgotten = _orphan(stack, age=timedelta(minutes=16), state="queued", attempts=0)

    seen = api("GET", f"/jobs/{poison}").json()
    assert seen["state"] == "failed" and seen["error"]["error"] == "interrupted", seen
    assert "3 times" in seen["error"]["message"]
    seen = api("GET", f"/jobs/{forgotten}").json()
    assert seen["state"] == "failed" and seen["error"]["error"] == "not_started", seen
    time.sleep(1.5)  # three polls of the runner: neither is ever claimed
    for job_id in (poison, forgotten):
        assert api("GET", f"/jobs/{job_id}").json()["state"] == "failed"


def test_a_workspace_gets_at_most_eight_reports_in_progress(stack: Stack) -> None:
    api = stack.session_for()
    stack.sandbox.state.faults.inject(
        SEED_WORKSPACE_ID, Fault(FaultKind.SLOW, count=8, path="/reports/", delay=1)
    )
    answers = [
        api("POST", "/reports", summary_body(end=period()[1], start=f"2026-0{1 + i % 9}-01"))
        for i in range(9)
    ]

    assert [a.status_code for a in answers[:8]] == [202] * 8
    assert answers[8].status_code == 429
    assert answers[8].json()["error"] == "too_many_jobs"
    stack.sandbox.state.faults.clear(SEED_WORKSPACE_ID)
    for answer in answers[:8]:  # all eight still finish, two at a time
        assert api.wait(answer.json(), timeout=120)["state"] == "done"


def test_a_report_clockify_serves_short_is_completed_and_one_it_cannot_check_fails(
    lite: Stack,
) -> None:
    state = lite.sandbox.state
    api = lite.session_for()
    full = api.report({**summary_body(), "refresh": True})["result"]
    state.apply_preset(SEED_WORKSPACE_ID, "silent_page_cap")
    try:
        short_pages = api.report({**summary_body(), "refresh": True})["result"]
        state.set_shape(SEED_WORKSPACE_ID, replace(LIVE, totals="null_list"))
        started = api("POST", "/reports", {**summary_body(), "refresh": True})
        unchecked = api.wait(started.json(), timeout=120)
    finally:
        state.apply_preset(SEED_WORKSPACE_ID, "live")

    assert short_pages["totals"] == full["totals"] and short_pages["check"] == full["check"]
    assert full["check"]["entries"] == full["totals"]["entries"] > 200  # more than one capped page
    assert unchecked["state"] == "failed" and unchecked["result"] is None
    assert unchecked["error"]["error"] == "clockify_incomplete_report"
    assert "sent no totals" in unchecked["error"]["message"]
