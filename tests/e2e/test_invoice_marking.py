"""Issuing an invoice marks its time entries invoiced in Clockify, so no later invoice bills them.

Over real HTTP: the add-on issues through its API, the sandbox's `PATCH time-entries/invoiced`
changes the entries, and the sandbox's own state and reports are the oracle.
"""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from typing import Any

import pytest
import requests

from addon.delivery.scheduler import run_once
from addon.mail.smtp import SmtpSender
from addon.services.marking import RETRY_AFTER, retry_stale_markings
from addon.settings import Secret, Settings
from addon.store import invoices as invoice_store
from addon.store.models import MarkingState
from addon.web.session import SessionClaims, SessionSigner
from sandbox.faults import Fault, FaultKind
from sandbox.state import SEED_WORKSPACE_ID
from tests.e2e.report_api import Api, Stack, period, summary_body

_MARK_PATH = "/time-entries/invoiced"


def _invoiced(stack: Stack) -> set[str]:
    workspace = stack.sandbox.state.workspace(SEED_WORKSPACE_ID)
    with stack.sandbox.state.lock:
        return {entry.id for entry in workspace.entries if entry.invoiced}


def _client_of(stack: Stack, entry_ids: set[str]) -> set[str | None]:
    workspace = stack.sandbox.state.workspace(SEED_WORKSPACE_ID)
    with stack.sandbox.state.lock:
        projects = {e.project_id for e in workspace.entries if e.id in entry_ids}
        return {workspace.projects[p].client_id if p else None for p in projects}


def _drafts(api: Api, *, refresh: bool = False) -> tuple[str, list[dict[str, Any]]]:
    body = {**summary_body(kind="invoice", groups=[]), "refresh": refresh}
    done = api.report(body)
    return done["id"], done["result"]["invoices"]


def _marks(stack: Stack) -> list[int | None]:
    """The status of every marking request the sandbox received, in order."""
    records = stack.sandbox.state.recorder.records(SEED_WORKSPACE_ID)
    return [r.status for r in records if r.method == "PATCH" and r.path.endswith(_MARK_PATH)]


def test_issuing_marks_exactly_the_billed_entries_and_the_next_run_skips_them(
    stack: Stack,
) -> None:
    api = stack.session_for()
    defaults = api("GET", "/workspace").json()["invoice_defaults"]
    assert defaults["mark_invoiced"] is True
    job, drafts = _drafts(api)
    draft = drafts[0]
    before = _invoiced(stack)

    issued = api("POST", "/invoices", {"job": job, "invoice": draft["key"]})

    assert issued.status_code == 201, issued.text
    marking = issued.json()["clockify"]
    assert marking["state"] == "marked" and marking["error"] is None, marking
    assert marking["marked_at"] is not None
    newly = _invoiced(stack) - before
    assert len(newly) == marking["entries"] > 0
    assert _client_of(stack, newly) == {draft["client"]["id"]}  # that client's time, no other
    assert all(status == 200 for status in _marks(stack))
    listed = api("GET", "/invoices").json()["invoices"]
    assert listed[0]["clockify"]["state"] == "marked"

    _, again = _drafts(api, refresh=True)
    billed_again = [
        d
        for d in again
        if d["client"]["id"] == draft["client"]["id"] and d["currency"] == draft["currency"]
    ]
    # Its time is marked and skipped; its expenses come back (one line each) until the admin
    # marks them in Clockify, which documents no endpoint for it (addon.services.marking).
    assert [d["lines"] for d in billed_again] == (
        [marking["expenses"]] if marking["expenses"] else []
    ), billed_again
    others = {d["client"]["id"] for d in drafts[1:]}
    assert {d["client"]["id"] for d in again} - {draft["client"]["id"]} == others


def test_an_admin_may_issue_without_marking_and_mark_later(lite: Stack) -> None:
    api = lite.session_for()
    job, drafts = _drafts(api)
    before = _invoiced(lite)

    issued = api(
        "POST", "/invoices", {"job": job, "invoice": drafts[0]["key"], "mark_invoiced": False}
    )

    assert issued.status_code == 201, issued.text
    number = issued.json()["number"]
    assert issued.json()["clockify"]["state"] == "off"
    assert _invoiced(lite) == before and _marks(lite) == []
    marked = api("POST", f"/invoices/{number}/mark")
    assert marked.status_code == 200, marked.text
    assert marked.json()["clockify"]["state"] == "marked"
    assert len(_invoiced(lite) - before) == marked.json()["clockify"]["entries"] > 0
    assert marked.json()["number"] == number and marked.json()["total"] == drafts[0]["total"]


def test_a_workspace_that_turns_the_setting_off_issues_without_marking(lite: Stack) -> None:
    changed = requests.patch(
        f"{lite.sandbox.url}/sandbox/workspaces/{SEED_WORKSPACE_ID}/addons/{lite.addon_id}/settings",
        json=[{"id": "mark-invoiced", "value": False}],
        timeout=10,
    )
    assert changed.json()["lifecycleStatus"] == 200, changed.text  # SETTINGS_UPDATED arrived
    api = lite.session_for()
    assert api("GET", "/workspace").json()["invoice_defaults"]["mark_invoiced"] is False
    job, drafts = _drafts(api)
    before = _invoiced(lite)

    unasked = api("POST", "/invoices", {"job": job, "invoice": drafts[0]["key"]})
    asked = api(
        "POST", "/invoices", {"job": job, "invoice": drafts[1]["key"], "mark_invoiced": True}
    )

    assert unasked.json()["clockify"]["state"] == "off"
    assert asked.json()["clockify"]["state"] == "marked"  # the admin's choice beats the default
    assert len(_invoiced(lite) - before) == asked.json()["clockify"]["entries"]


@pytest.mark.parametrize(
    ("fault", "state"),
    [
        (Fault(FaultKind.ERROR, status=503, count=100, path=_MARK_PATH), "pending"),
        (Fault(FaultKind.ERROR, status=429, count=1, path=_MARK_PATH), "marked"),
        (Fault(FaultKind.DROP, count=1, path=_MARK_PATH), "marked"),
    ],
    ids=["outage", "one-429", "one-drop"],
)
def test_clockify_trouble_never_costs_the_number(lite: Stack, fault: Fault, state: str) -> None:
    api = lite.session_for()
    job, drafts = _drafts(api)
    before = _invoiced(lite)
    lite.sandbox.state.faults.inject(SEED_WORKSPACE_ID, fault)

    issued = api("POST", "/invoices", {"job": job, "invoice": drafts[0]["key"]})

    assert issued.status_code == 201, issued.text
    number, marking = issued.json()["number"], issued.json()["clockify"]
    assert marking["state"] == state, marking
    if state == "marked":  # retried politely until Clockify took it
        assert len(_invoiced(lite) - before) == marking["entries"]
        return
    assert "Clockify did not answer" in marking["error"] and "503" in marking["error"]
    assert "tried again automatically" in marking["error"]
    assert _invoiced(lite) == before
    listed = api("GET", "/invoices").json()["invoices"]
    assert [(i["number"], i["clockify"]["state"]) for i in listed] == [(number, "pending")]
    lite.sandbox.state.faults.clear(SEED_WORKSPACE_ID)
    retried = api("POST", f"/invoices/{number}/mark").json()["clockify"]
    assert retried["state"] == "marked" and retried["error"] is None
    assert len(_invoiced(lite) - before) == retried["entries"]


def test_schedulers_retry_a_pending_marking_once_it_is_stale_and_only_one_makes_it(
    stack: Stack,
) -> None:
    """After an outage (or a process that died before marking), the next scheduler ticks mark
    the invoice's time without anyone pressing the button; of several, one sends."""
    api = stack.session_for()
    runtime = stack.addon.app.extensions["addon"]
    job, drafts = _drafts(api)
    before = _invoiced(stack)
    outage = Fault(FaultKind.ERROR, status=503, count=100, path=_MARK_PATH)
    stack.sandbox.state.faults.inject(SEED_WORKSPACE_ID, outage)
    number = api("POST", "/invoices", {"job": job, "invoice": drafts[0]["key"]}).json()["number"]
    stack.sandbox.state.faults.clear(SEED_WORKSPACE_ID)
    stack.sandbox.state.recorder.reset()

    assert retry_stale_markings(runtime, now=runtime.now()) == []  # not stale yet
    later = runtime.now() + RETRY_AFTER + timedelta(seconds=1)
    with ThreadPoolExecutor(4) as pool:
        rounds = list(pool.map(lambda _: retry_stale_markings(runtime, now=later), range(4)))

    assert sorted(n for found in rounds for n in found) == [number]
    assert _marks(stack) == [200]  # one scheduler sent the batch
    listed = api("GET", "/invoices").json()["invoices"][0]["clockify"]
    assert listed["state"] == "marked" and listed["error"] is None
    assert len(_invoiced(stack) - before) == listed["entries"]
    assert retry_stale_markings(runtime, now=later + RETRY_AFTER * 2) == []  # marked stays


def test_the_scheduler_tick_marks_what_a_dead_process_left_pending(lite: Stack) -> None:
    api = lite.session_for()
    runtime = lite.addon.app.extensions["addon"]
    job, drafts = _drafts(api)
    before = _invoiced(lite)
    issued = api(
        "POST", "/invoices", {"job": job, "invoice": drafts[0]["key"], "mark_invoiced": False}
    )
    number = issued.json()["number"]
    with runtime.sessions.begin() as session:  # what a process killed right after issuing leaves
        row = invoice_store.find_issued_invoice(session, SEED_WORKSPACE_ID, number)
        assert row is not None
        row.clockify_state = MarkingState.PENDING.value
        row.clockify_attempted_at = runtime.now() - RETRY_AFTER - timedelta(seconds=1)

    run_once(runtime, SmtpSender.from_settings(runtime.settings), owner="test")

    marking = api("GET", "/invoices").json()["invoices"][0]["clockify"]
    assert marking["state"] == "marked", marking
    assert len(_invoiced(lite) - before) == marking["entries"] > 0


def test_an_entry_deleted_in_clockify_meanwhile_leaves_the_rest_marked(lite: Stack) -> None:
    api = lite.session_for()
    job, drafts = _drafts(api)
    draft = drafts[0]
    start, end = (date.fromisoformat(d) for d in period())
    workspace = lite.sandbox.state.workspace(SEED_WORKSPACE_ID)
    with lite.sandbox.state.lock:
        gone = next(
            e
            for e in workspace.entries
            if e.billable
            and not e.invoiced
            and e.project_id
            and workspace.projects[e.project_id].client_id == draft["client"]["id"]
            and start + timedelta(days=2) <= e.start.date() <= end - timedelta(days=2)
        )
        workspace.entries.remove(gone)
    before = _invoiced(lite)

    issued = api("POST", "/invoices", {"job": job, "invoice": draft["key"]})

    marking = issued.json()["clockify"]
    assert marking["state"] == "failed", marking
    total = marking["entries"]
    assert f"Clockify refused 1 of {total} time entries" in marking["error"]
    assert gone.id in marking["error"] and f"the other {total - 1} are marked" in marking["error"]
    assert len(_invoiced(lite) - before) == total - 1


def test_an_installation_without_the_write_scope_is_told_which_scope(lite: Stack) -> None:
    """An installation approved before the manifest asked for TIME_ENTRY_WRITE."""
    installation = lite.sandbox.state.installation(SEED_WORKSPACE_ID, lite.addon_id)
    document = dict(installation.manifest.document)
    document["scopes"] = [s for s in document["scopes"] if s != "TIME_ENTRY_WRITE"]
    installation.manifest = dataclasses.replace(installation.manifest, document=document)
    api = lite.session_for()
    job, drafts = _drafts(api)
    before = _invoiced(lite)

    issued = api("POST", "/invoices", {"job": job, "invoice": drafts[0]["key"]})

    assert issued.status_code == 201, issued.text
    marking = issued.json()["clockify"]
    assert marking["state"] == "failed" and "TIME_ENTRY_WRITE" in marking["error"], marking
    assert _invoiced(lite) == before
    assert _marks(lite) == [403]  # a refusal is not retried


def test_members_and_other_workspaces_cannot_mark(lite: Stack, encryption_key: Secret) -> None:
    api = lite.session_for()
    job, drafts = _drafts(api)
    issued = api(
        "POST", "/invoices", {"job": job, "invoice": drafts[0]["key"], "mark_invoiced": False}
    )
    number = issued.json()["number"]
    signer = SessionSigner.from_settings(Settings(encryption_keys=(encryption_key,)))
    member = signer.issue(SessionClaims(SEED_WORKSPACE_ID, lite.addon_id, "u", "USER", 2**31))
    stranger = signer.issue(
        SessionClaims("74b0c1d2e3f4a5b6c7d8e9f1", lite.addon_id, "u", "OWNER", 2**31)
    )

    refused = Api(lite.addon.url, member)("POST", f"/invoices/{number}/mark")
    foreign = Api(lite.addon.url, stranger)("POST", f"/invoices/{number}/mark")
    unknown = api("POST", "/invoices/INV-0000-9999/mark")
    too_long = api("POST", "/invoices/" + "9" * 300 + "/mark")

    assert refused.status_code == 403, refused.text
    assert foreign.status_code == 401, foreign.text  # no such installation
    assert unknown.status_code == 404 and too_long.status_code == 404
    assert _marks(lite) == []
    assert api("GET", "/invoices").json()["invoices"][0]["clockify"]["state"] == "off"


@pytest.mark.parametrize("value", ["yes", 1, None, []])
def test_mark_invoiced_must_be_a_boolean(lite: Stack, value: object) -> None:
    api = lite.session_for()
    job, drafts = _drafts(api)

    answer = api(
        "POST", "/invoices", {"job": job, "invoice": drafts[0]["key"], "mark_invoiced": value}
    )

    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == "mark_invoiced"
    assert api("GET", "/invoices").json()["invoices"] == []  # refused before any number
