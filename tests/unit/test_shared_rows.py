"""`SharedRows` and `rows_key`: what a tick shares, and for how long (pure, no fixtures)."""

from __future__ import annotations

from datetime import date

import pytest

from addon.clockify.errors import ClockifyUnavailable
from addon.clockify.queries import Invoicing, ReportFilter
from addon.delivery.sharing import SharedRows
from addon.reports.model import ClockifyCheck
from addon.reports.periods import DateRange
from addon.services.report_rows import EntryRows, ReportRows, Rows, rows_key

JANUARY = DateRange(date(2025, 1, 1), date(2025, 1, 31))
KEY = rows_key("ws1", ReportFilter(JANUARY, "UTC"), Rows.ENTRIES)
ROWS = EntryRows((), ClockifyCheck(entries=0, duration=0, billable_duration=0))


class Fetcher:
    def __init__(self, result: ReportRows | Exception = ROWS) -> None:
        self.result = result
        self.calls = 0

    def __call__(self) -> ReportRows:
        self.calls += 1
        if isinstance(self.result, Exception):
            raise self.result
        return self.result


def test_rows_are_held_while_expected_runs_remain_and_dropped_after_the_last() -> None:
    shared, fetch = SharedRows(), Fetcher()
    for _ in range(3):
        shared.expect(KEY)

    for _ in range(3):
        assert shared.rows(KEY, fetch) is ROWS
        shared.release(KEY)

    assert fetch.calls == 1 and (shared.fetches, shared.shared) == (1, 2)
    assert shared.held == 0


def test_rows_one_run_needs_are_never_held() -> None:
    shared, fetch = SharedRows(), Fetcher()
    shared.expect(KEY)

    shared.rows(KEY, fetch)

    assert shared.held == 0


def test_a_failed_fetch_is_raised_to_every_run_of_the_key() -> None:
    shared, fetch = SharedRows(), Fetcher(ClockifyUnavailable("down"))
    shared.expect(KEY)
    shared.expect(KEY)

    for _ in range(2):
        with pytest.raises(ClockifyUnavailable, match="down"):
            shared.rows(KEY, fetch)
        shared.release(KEY)

    assert fetch.calls == 1 and shared.held == 0


def test_without_keep_every_run_fetches() -> None:
    shared, fetch = SharedRows(keep=False), Fetcher()
    shared.expect(KEY)
    shared.expect(KEY)

    shared.rows(KEY, fetch)
    shared.rows(KEY, fetch)

    assert fetch.calls == 2 and shared.shared == 0


def test_keys_differ_by_workspace_rows_and_filters_but_not_by_id_order() -> None:
    query = ReportFilter(JANUARY, "UTC", projects=("b", "a"))

    same = rows_key("ws1", ReportFilter(JANUARY, "UTC", projects=("a", "b")), Rows.ENTRIES)

    assert rows_key("ws1", query, Rows.ENTRIES) == same
    assert rows_key("ws2", query, Rows.ENTRIES) != same
    assert rows_key("ws1", query, Rows.INVOICE) != same
    assert rows_key("ws1", ReportFilter(JANUARY, "Asia/Tokyo"), Rows.ENTRIES) != KEY
    billable = ReportFilter(JANUARY, "UTC", billable=True)
    assert rows_key("ws1", billable, Rows.ENTRIES) != KEY


def test_invoice_rows_are_keyed_as_the_uninvoiced_query_they_send() -> None:
    invoiced = ReportFilter(JANUARY, "UTC", invoicing=Invoicing.ALL)
    uninvoiced = ReportFilter(JANUARY, "UTC", invoicing=Invoicing.UNINVOICED)

    assert rows_key("ws1", invoiced, Rows.INVOICE) == rows_key("ws1", uninvoiced, Rows.INVOICE)
    assert rows_key("ws1", invoiced, Rows.ENTRIES) != rows_key("ws1", uninvoiced, Rows.ENTRIES)
