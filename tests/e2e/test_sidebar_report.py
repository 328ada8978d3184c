"""The Report and Invoices tabs in Chromium against the real report API and the sandbox's data.

The figures on screen are compared with the add-on's own engine run over the same entries
(`expected_summary`), every download is saved by the browser and opened with the library that
reads its format, and an issued invoice is followed from its draft to the Invoices tab, with its
time entries marked invoiced in the sandbox's Clockify (whose own state is the oracle).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from addon.reports.model import GroupBy
from sandbox.faults import Fault, FaultKind
from sandbox.state import SEED_WORKSPACE_ID
from tests.e2e.conftest import LiveStack
from tests.e2e.sidebar_page import (
    WAIT,
    Sidebar,
    expected_summary,
    formatted_totals,
    open_sidebar,
    row_labels,
)

pytestmark = pytest.mark.browser

ZONE = "Europe/Berlin"
MARK_OPTION = "Mark these time entries as invoiced in Clockify"
MARK_PATH = "/time-entries/invoiced"


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)


def _html_text(data: bytes) -> str:
    parser = _Text()
    parser.feed(data.decode("utf-8"))
    parser.close()
    return " ".join(" ".join(parser.chunks).split())


def _client_id(live: LiveStack, name: str) -> str:
    clients = live.sandbox.state.workspace(SEED_WORKSPACE_ID).clients.values()
    return next(client.id for client in clients if client.name == name)


def _clients_with_time(live: LiveStack, start: date, end: date) -> set[str]:
    """Draft keys (`client:currency`) with billable, uninvoiced time from `start` to `end`."""
    workspace = live.sandbox.state.workspace(SEED_WORKSPACE_ID)
    zone = ZoneInfo(ZONE)
    with live.sandbox.state.lock:
        return {
            f"{client}:{entry.currency}"
            for entry in workspace.entries
            if entry.billable
            and not entry.invoiced
            and entry.project_id
            and start <= entry.start.astimezone(zone).date() <= end
            and (client := workspace.projects[entry.project_id].client_id)
        }


def _last_month(sidebar: Sidebar) -> tuple[date, date]:
    frame = sidebar.frame
    frame.locator("#r-zone").fill(ZONE)
    sidebar.form.get_by_label("Dates", exact=True).select_option("last_month")
    start = date.fromisoformat(frame.locator("#r-start").input_value())
    end = date.fromisoformat(frame.locator("#r-end").input_value())
    return start, end


def _invoiced(live: LiveStack) -> set[str]:
    """The ids of the entries the sandbox's Clockify holds as invoiced."""
    workspace = live.sandbox.state.workspace(SEED_WORKSPACE_ID)
    with live.sandbox.state.lock:
        return {entry.id for entry in workspace.entries if entry.invoiced}


def _issue(sidebar: Sidebar, draft: Any, *, mark: bool = True) -> str:
    """Issue `draft` through its confirmation, ticking "Mark … in Clockify" as `mark` says (the
    box must start ticked: that is the workspace's default); returns the card's status line."""
    draft.get_by_role("button", name="Issue invoice").click()
    dialog = sidebar.frame.get_by_role("dialog")
    box = dialog.get_by_role("checkbox", name=MARK_OPTION, exact=True)
    assert box.is_checked()
    box.set_checked(mark)
    dialog.get_by_role("button", name="Issue invoice").click()
    status = draft.locator(".draft-status")
    status.filter(has_text="Issued as").wait_for(timeout=WAIT)
    return str(status.inner_text())


def _download(sidebar: Sidebar, scope: Any, label: str, tmp_path: Path) -> tuple[str, bytes]:
    with sidebar.page.expect_download(timeout=WAIT) as info:
        scope.get_by_role("button", name=f"Download {label}", exact=True).click()
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    return download.suggested_filename, path.read_bytes()


def test_summary_totals_on_screen_are_the_engines(
    live: LiveStack, browser: Any, screenshots: Path
) -> None:
    addon_id = live.install()
    sidebar = open_sidebar(browser, live, addon_id)
    start, end = _last_month(sidebar)
    sidebar.form.get_by_label("Then by").first.select_option("USER")

    progress = sidebar.run_report()

    model = expected_summary(
        live, start=start, end=end, zone=ZONE, groups=(GroupBy.PROJECT, GroupBy.USER)
    )
    assert model.totals.entries > 0
    assert sidebar.totals() == formatted_totals(model)
    assert f"{model.totals.entries:,} entries" in progress
    preview = sidebar.frame.locator("#report-preview")
    assert preview.locator("svg.chart").count() == 1
    rows = preview.locator(".cr-summary-table tbody tr.cr-depth-0 td:first-child")
    assert rows.all_inner_texts() == row_labels(model)
    checks = sidebar.frame.locator("#report-check:visible, #report-preview .cr-check:visible")
    assert checks.count() == 1  # under the totals, never again in the preview
    assert checks.inner_text().startswith(f"Checked against Clockify: {model.totals.entries:,}")
    sidebar.screenshot(screenshots / "report-preview.png", sidebar.frame.locator("#report-result"))


def test_changing_a_filter_changes_the_preview(live: LiveStack, browser: Any) -> None:
    addon_id = live.install()
    sidebar = open_sidebar(browser, live, addon_id)
    start, end = _last_month(sidebar)
    sidebar.run_report()
    before = sidebar.frame.locator("#report-preview").inner_text()

    sidebar.tick("r-clients", "Acme Logistics")
    assert sidebar.frame.locator("#report-result.stale").count() == 1
    sidebar.form.get_by_label("Billable", exact=True).select_option("true")
    sidebar.run_report()

    after = sidebar.frame.locator("#report-preview").inner_text()
    model = expected_summary(
        live,
        start=start,
        end=end,
        zone=ZONE,
        groups=(GroupBy.PROJECT,),
        clients=[_client_id(live, "Acme Logistics")],
        billable=True,
    )
    assert after != before
    assert sidebar.totals() == formatted_totals(model)
    assert model.totals.duration == model.totals.billable_duration
    assert (
        row_labels(model)
        == sidebar.frame.locator(
            "#report-preview .cr-summary-table tbody td:first-child"
        ).all_inner_texts()
    )
    assert "Cobalt" not in after and "Acme" in after


def test_a_newer_run_replaces_the_one_still_being_polled(live: LiveStack, browser: Any) -> None:
    addon_id = live.install()
    sidebar = open_sidebar(browser, live, addon_id)
    _last_month(sidebar)
    frame = sidebar.frame

    frame.locator("#run-report").click()
    sidebar.form.get_by_label("Group by").select_option("USER")
    sidebar.run_report()

    assert frame.locator("#report-preview .cr-chart-title").inner_text() == "Hours by User"
    frame.locator("#report-progress.done").wait_for(timeout=WAIT)
    headers = frame.locator("#report-preview .cr-summary-table thead th").all_inner_texts()
    assert headers[0] == "User"


def test_progress_is_announced_while_clockify_is_slow(live: LiveStack, browser: Any) -> None:
    addon_id = live.install()
    sidebar = open_sidebar(browser, live, addon_id)
    _last_month(sidebar)
    slow = Fault(FaultKind.SLOW, count=1, path="/reports/detailed", delay=2.0)
    live.sandbox.state.faults.inject(SEED_WORKSPACE_ID, slow)
    progress = sidebar.frame.locator("#report-progress")

    sidebar.frame.locator("#run-report").click()

    expect(progress).to_contain_text("Fetching time entries:", timeout=WAIT)
    assert progress.get_attribute("aria-live") == "polite"
    assert sidebar.frame.locator("#report-form").get_attribute("aria-busy") == "true"
    sidebar.frame.locator("#report-progress.done").wait_for(timeout=WAIT)
    assert sidebar.frame.locator("#report-form").get_attribute("aria-busy") is None


def test_a_failed_job_is_explained_in_the_banner(live: LiveStack, browser: Any) -> None:
    addon_id = live.install()
    sidebar = open_sidebar(browser, live, addon_id)
    _last_month(sidebar)
    refused = Fault(FaultKind.ERROR, status=403, count=100, path="/reports/detailed")
    live.sandbox.state.faults.inject(SEED_WORKSPACE_ID, refused)

    sidebar.frame.locator("#run-report").click()

    banner = sidebar.frame.get_by_role("alert")
    expect(banner).to_contain_text("The report could not be built:", timeout=WAIT)
    assert sidebar.frame.locator("#report-progress.failed").count() == 1
    assert sidebar.frame.locator("#report-result").is_hidden()


def test_every_download_arrives_under_the_servers_name_and_opens(
    live: LiveStack, browser: Any, tmp_path: Path
) -> None:
    addon_id = live.install()
    sidebar = open_sidebar(browser, live, addon_id)
    start, end = _last_month(sidebar)
    sidebar.run_report()
    totals = sidebar.totals()
    downloads = sidebar.frame.locator("#report-downloads")
    stem = f"summary-{start.isoformat()}-{end.isoformat()}"

    files = {label: _download(sidebar, downloads, label, tmp_path) for label in ("HTML", "CSV")}
    files |= {label: _download(sidebar, downloads, label, tmp_path) for label in ("XLSX", "PDF")}

    assert {name for name, _ in files.values()} == {
        f"{stem}.{ext}" for ext in ("html", "csv", "xlsx", "pdf")
    }
    html = _html_text(files["HTML"][1])
    assert totals["duration"] in html
    rows = list(csv.reader(io.StringIO(files["CSV"][1].decode("utf-8-sig"))))
    assert len(rows) > 2
    assert any(totals["duration"] in row for row in rows)
    workbook = load_workbook(io.BytesIO(files["XLSX"][1]), read_only=True)
    cells = [
        cell for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row
    ]
    assert any(cell is not None for cell in cells)
    pdf = PdfReader(io.BytesIO(files["PDF"][1]))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert len(pdf.pages) >= 1 and totals["duration"] in text


def test_server_refusals_are_shown_next_to_their_field(live: LiveStack, browser: Any) -> None:
    addon_id = live.install()
    sidebar = open_sidebar(browser, live, addon_id)
    frame = sidebar.frame
    frame.locator("#r-start").fill("2015-01-01")

    frame.locator("#run-report").click()

    error = frame.locator("[data-field='end'] .field-error")
    error.wait_for(timeout=WAIT)
    assert "at most" in error.inner_text()
    assert frame.locator("#r-end").get_attribute("aria-invalid") == "true"
    assert frame.locator("#report-result").is_hidden()

    sidebar.form.get_by_label("Invoice drafts").check()
    sidebar.form.get_by_label("Dates", exact=True).select_option("last_month")
    sidebar.form.get_by_label("Tax (%)", exact=True).fill("150")
    frame.locator("#run-report").click()
    tax = frame.locator("[data-field='invoice.tax_percent'] .field-error")
    tax.wait_for(timeout=WAIT)
    assert "between 0 and 100" in tax.inner_text()
    assert frame.locator("[data-field='end'] .field-error").count() == 0


def test_an_invoice_draft_is_issued_once_and_listed(
    live: LiveStack, browser: Any, tmp_path: Path
) -> None:
    addon_id = live.install()
    sidebar = open_sidebar(browser, live, addon_id)
    frame = sidebar.frame
    sidebar.form.get_by_label("Invoice drafts").check()
    _last_month(sidebar)
    sidebar.form.get_by_label("Tax (%)", exact=True).fill("19")
    sidebar.form.get_by_label("Notes on the invoice").fill("Thank you for your business.")
    sidebar.run_report()

    drafts = frame.locator("#invoice-drafts .draft-card")
    assert drafts.count() >= 2
    draft = drafts.first
    client = draft.locator("h3").inner_text()
    total = draft.locator(".draft-total").inner_text()
    draft.get_by_role("button", name="Show in preview").click()
    section = frame.locator("#report-preview .draft.focused")
    assert section.get_attribute("data-key") == draft.get_attribute("data-key")
    assert client in section.inner_text() and total in section.inner_text()
    name, pdf = _download(sidebar, draft, "PDF", tmp_path)
    assert name.startswith("invoice-draft-") and name.endswith(".pdf")
    assert total in " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)

    before = _invoiced(live)
    draft.get_by_role("button", name="Issue invoice").click()
    dialog = frame.get_by_role("dialog")
    assert client in dialog.inner_text() and total in dialog.inner_text()
    assert dialog.get_by_role("checkbox", name=MARK_OPTION, exact=True).is_checked()
    dialog.get_by_role("button", name="Issue invoice").click()
    status = draft.locator(".draft-status")
    status.filter(has_text="Issued as").wait_for(timeout=WAIT)
    number, outcome = status.inner_text().removeprefix("Issued as ").split(" · ", 1)
    assert draft.get_by_role("button", name="Issue invoice").is_disabled()
    marked = _invoiced(live) - before
    # a draft with expenses adds that they are not marked (Clockify has no call for it)
    assert marked and outcome.startswith(
        f"{len(marked):,} time entries marked invoiced in Clockify"
    )

    sidebar.tab("Invoices")
    row = frame.locator("#invoices tr", has_text=number)
    row.wait_for(timeout=WAIT)
    assert client in row.inner_text() and total in row.inner_text()
    cell = row.locator("td.marking")
    assert cell.locator(".badge").inner_text() == "Marked"
    assert f"{len(marked):,} time entries" in cell.inner_text()
    assert row.get_by_role("button", name="Mark as invoiced in Clockify").count() == 0
    name, issued = _download(sidebar, row, "PDF", tmp_path)
    assert number in " ".join(page.extract_text() for page in PdfReader(io.BytesIO(issued)).pages)

    # The same report again comes from the cache and knows the draft was issued.
    sidebar.tab("Report")
    progress = sidebar.run_report()
    assert "cache" in progress
    again = frame.locator("#invoice-drafts .draft-card", has_text=client).first
    assert again.locator(".draft-status").inner_text() == f"Issued as {number}"
    assert again.get_by_role("button", name="Issue invoice").is_disabled()


def test_an_invoice_issued_without_marking_is_marked_from_the_invoices_tab(
    live: LiveStack, browser: Any, screenshots: Path
) -> None:
    addon_id = live.install()
    sidebar = open_sidebar(browser, live, addon_id)
    frame = sidebar.frame
    sidebar.form.get_by_label("Invoice drafts").check()
    period = _last_month(sidebar)
    sidebar.run_report()
    cards = frame.locator("#invoice-drafts .draft-card")
    timed = _clients_with_time(live, *period)
    cards.first.wait_for(timeout=WAIT)
    drafts = [
        card for card in cards.all() if card.get_attribute("data-key") in timed
    ]  # a draft of expenses alone has no time entry to mark
    before = _invoiced(live)
    first = _issue(sidebar, drafts[0])
    marked = _invoiced(live)
    count = len(marked - before)
    assert f" · {count:,} time entries marked invoiced in Clockify" in first

    status = _issue(sidebar, drafts[1], mark=False)

    number, outcome = status.removeprefix("Issued as ").split(" · ", 1)
    assert outcome.startswith("Time entries not marked in Clockify")
    assert _invoiced(live) == marked
    sidebar.screenshot(screenshots / "invoice-drafts.png", frame.locator("#invoice-drafts"))
    sidebar.tab("Invoices")
    row = frame.locator(f'#invoices tr[data-number="{number}"]')
    row.wait_for(timeout=WAIT)
    assert row.locator("td.marking .badge").inner_text() == "Not marked"
    assert frame.locator("#invoices td.marking .badge").all_inner_texts() == [
        "Not marked",
        "Marked",
    ]
    sidebar.screenshot(screenshots / "invoices.png")

    button = row.get_by_role("button", name="Mark as invoiced in Clockify")
    refusal = Fault(FaultKind.ERROR, status=403, count=1, path=MARK_PATH)
    live.sandbox.state.faults.inject(SEED_WORKSPACE_ID, refusal)
    button.click()

    banner = frame.locator("#banner")
    expect(row.locator("td.marking .badge")).to_have_text("Failed", timeout=WAIT)
    reason = row.locator("td.marking .error-text").inner_text()
    assert reason and _invoiced(live) == marked
    expect(banner).to_contain_text(f"{number} · Not marked in Clockify: {reason}")
    assert banner.get_attribute("role") == "alert"

    slow = Fault(FaultKind.SLOW, count=1, path=MARK_PATH, delay=1.5)
    live.sandbox.state.faults.inject(SEED_WORKSPACE_ID, slow)
    button.click()

    expect(button).to_be_disabled()
    expect(button).to_have_attribute("aria-busy", "true")
    expect(row.locator("td.marking .badge")).to_have_text("Marked", timeout=WAIT)
    now_marked = _invoiced(live) - marked
    assert now_marked
    assert f"{len(now_marked):,} time entries" in row.locator("td.marking").inner_text()
    assert button.count() == 0
    expect(banner).to_contain_text(f"{number} · {len(now_marked):,} time entries marked")
    assert banner.get_attribute("role") == "status"
