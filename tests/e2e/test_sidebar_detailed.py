"""The detailed report in the sidebar: chosen as a report kind, previewed a page at a time with
the notice saying how many entries there are, and downloaded whole."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import LiveStack
from tests.e2e.report_api import period
from tests.e2e.sidebar_page import WAIT, open_sidebar

pytestmark = pytest.mark.browser


def test_detailed_preview_shows_a_page_and_the_csv_every_entry(
    live: LiveStack, browser: Any, tmp_path: Path
) -> None:
    addon_id = live.install()
    sidebar = open_sidebar(browser, live, addon_id)
    frame = sidebar.frame
    frame.locator("#r-zone").fill("Europe/Berlin")
    start, end = period()  # the 91 days the API tests read: well over a page of entries
    frame.locator("#r-start").fill(start)
    frame.locator("#r-end").fill(end)
    sidebar.form.get_by_label("Detailed (time entries)").check()
    assert frame.locator("#r-summary-options").is_hidden()  # no groups for a detailed report

    sidebar.run_report()

    preview = frame.locator("#report-preview")
    notice = preview.locator(".cr-rows-shown")
    total = int(notice.get_attribute("data-total") or 0)
    assert total > 100
    assert notice.inner_text().startswith("Showing 100 of ")
    assert preview.locator(".cr-detailed-table tbody tr").count() == 100
    with sidebar.page.expect_download(timeout=WAIT) as info:
        frame.get_by_role("button", name="Download CSV", exact=True).click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    records = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert len(records[1 : records.index([])]) == total
