"""Every Reports API variant the sandbox serves parses to the same entries and expenses.

The sandbox is real: a generated workspace (one currency, so rows without a currency field
can fall back to it) with the add-on installed and a genuine installation token.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from addon.clockify.entries import parse_detailed_page
from addon.clockify.errors import ClockifyResponseError
from addon.clockify.expenses import ExpensePage, parse_expense_page
from addon.clockify.fields import parse_iso_duration
from addon.errors import AddonError
from addon.reports.model import TimeEntry
from sandbox import GUIDE, LIVE, OFFICIAL, ShapeMode, TokenIssuer
from tests.integration.reports_helpers import (
    CURRENCY,
    PAGE_SIZE,
    Reports,
    open_reports,
    shape_name,
)


@pytest.fixture(scope="module")
def reports(issuer: TokenIssuer) -> Iterator[Reports]:
    with open_reports(issuer) as client:
        yield client


@pytest.fixture(scope="module")
def official_entries(reports: Reports) -> list[TimeEntry]:
    return reports.entries(OFFICIAL)


@pytest.fixture(scope="module")
def official_expenses(reports: Reports) -> ExpensePage:
    return reports.expenses(OFFICIAL, "expenses/detailed")


def _without_money(entries: list[TimeEntry]) -> list[TimeEntry]:
    return [replace(e, hourly_rate=None, earned=None) for e in entries]


def test_official_shape_parses_every_finished_entry_with_money(
    official_entries: list[TimeEntry],
) -> None:
    assert len(official_entries) > PAGE_SIZE  # more than one page was read
    assert len({e.id for e in official_entries}) == len(official_entries)
    assert all(e.earned is not None and e.earned.currency == CURRENCY for e in official_entries)
    assert any(e.hourly_rate is not None for e in official_entries)


@pytest.mark.parametrize(
    "shape",
    [
        ShapeMode(entries_key="timeentries"),
        ShapeMode(entry_id="_id"),
        ShapeMode(entry_id="id"),
        ShapeMode(duration="float"),
        ShapeMode(duration="iso"),
        ShapeMode(money="float"),
        ShapeMode(entry_money="hourly_rate"),
        ShapeMode(entry_money="hourly_rate", money="float", duration="iso"),
        ShapeMode(totals="object", total_amount_null=True, by_currency="empty_object"),
        ShapeMode(totals="null_list"),
        ShapeMode(totals="empty_list"),
        LIVE,
        GUIDE,
    ],
    ids=lambda shape: shape_name(shape),
)
def test_detailed_variant_parses_to_the_same_entries_as_the_official_shape(
    reports: Reports, official_entries: list[TimeEntry], shape: ShapeMode
) -> None:
    entries = reports.entries(shape)

    assert entries == official_entries


@pytest.mark.parametrize(
    "shape",
    [ShapeMode(entry_money="amounts"), ShapeMode(entry_money="amounts", money="float")],
    ids=lambda shape: shape_name(shape),
)
def test_amounts_variant_keeps_the_earned_amount_but_carries_no_rate(
    reports: Reports, official_entries: list[TimeEntry], shape: ShapeMode
) -> None:
    entries = reports.entries(shape)

    assert [e.earned for e in entries] == [e.earned for e in official_entries]
    assert _without_money(entries) == _without_money(official_entries)
    assert all(e.hourly_rate is None for e in entries)


def test_moneyless_dto_variant_parses_the_same_entries_without_money(
    reports: Reports, official_entries: list[TimeEntry]
) -> None:
    entries = reports.entries(ShapeMode(entry_money="none"))

    assert all(e.earned is None and e.hourly_rate is None for e in entries)
    assert entries == _without_money(official_entries)


@pytest.mark.parametrize(
    "shape",
    [
        OFFICIAL,
        ShapeMode(money="float"),
        ShapeMode(expense_count_key="expenseCount"),
        ShapeMode(money="float", expense_count_key="expenseCount"),
        GUIDE,
        LIVE,
    ],
    ids=lambda shape: shape_name(shape),
)
def test_both_expense_endpoints_parse_to_the_same_expenses_in_every_variant(
    reports: Reports, official_expenses: ExpensePage, shape: ShapeMode
) -> None:
    reference = official_expenses

    detailed = reports.expenses(shape, "expenses/detailed")
    guide = reports.expenses(shape, "expenses")

    assert reference.total == reference.count == len(reference.entries) == 30
    assert detailed == reference
    assert guide.entries == reference.entries
    assert guide.total == guide.count == 30


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("PT2H", 7200),
        ("PT86H40M13S", 86 * 3600 + 40 * 60 + 13),
        ("PT0S", 0),
        ("PT45M", 2700),
        ("PT1H0M5S", 3605),
        ("P1DT2H", 26 * 3600),
        ("P2D", 2 * 86400),
    ],
)
def test_iso_durations_become_whole_seconds(text: str, seconds: int) -> None:
    assert parse_iso_duration(text) == seconds


@pytest.mark.parametrize(
    "text",
    [
        "",
        "P",
        "PT",
        "P1DT",
        "PT1.5H",
        "PT-1H",
        "P1M",
        "P1Y",
        "P1W",
        "PT2h",
        "2H",
        "PT1S2M",
        " PT1H",
    ],
)
def test_loose_or_ambiguous_iso_durations_are_refused(text: str) -> None:
    with pytest.raises(ClockifyResponseError, match="duration"):
        parse_iso_duration(text)


INTERVAL = {
    "start": "2025-01-02T09:00:00+01:00",
    "end": "2025-01-02T11:00:00+01:00",
    "duration": "PT2H",
}


def _row(**overrides: object) -> dict[str, object]:
    row: dict[str, object] = {
        "_id": "e1",
        "description": "Design",
        "userId": "u1",
        "userName": "Ada",
        "billable": True,
        "projectId": "",
        "projectName": "",
        "clientId": "",
        "clientName": "",
        "taskId": "",
        "taskName": "",
        "tags": [],
        "timeInterval": INTERVAL,
        "hourlyRate": {"amount": 10000, "currency": "USD"},
        "amount": Decimal("20000.5"),
    }
    row.update(overrides)
    return row


def test_guide_row_parses_to_utc_seconds_and_rounded_money() -> None:
    page = parse_detailed_page({"timeentries": [_row()]}, currency_fallback=CURRENCY)

    (entry,) = page.entries
    assert entry.duration == 7200
    assert entry.start == datetime(2025, 1, 2, 8, tzinfo=UTC)
    assert entry.project is None and entry.client is None and entry.task is None
    assert entry.hourly_rate is not None and entry.hourly_rate.minor == 10000
    assert entry.earned is not None and (entry.earned.minor, entry.earned.currency) == (
        20001,
        "USD",
    )


@pytest.mark.parametrize(
    ("fields", "invoiced"),
    [
        ({}, False),
        ({"invoiced": True}, True),
        ({"invoicingInfo": None}, False),
        ({"invoicingInfo": {"invoiceId": None, "manuallyInvoiced": False}}, False),
        ({"invoicingInfo": {"manuallyInvoiced": True}}, True),
        ({"invoicingInfo": {"invoiceId": "inv1"}}, True),
    ],
    ids=["absent", "guide-flag", "info-null", "info-empty", "info-manual", "info-invoice"],
)
def test_a_time_entry_reads_invoiced_from_either_documented_field(
    fields: dict[str, object], invoiced: bool
) -> None:
    page = parse_detailed_page({"timeentries": [_row(**fields)]}, currency_fallback=CURRENCY)

    assert page.entries[0].invoiced is invoiced


def test_running_entry_is_counted_but_not_returned() -> None:
    running = _row(_id="e2", timeInterval={"start": "2025-01-02T09:00:00Z", "end": None})

    page = parse_detailed_page({"timeEntries": [_row(), running]}, currency_fallback=CURRENCY)

    assert page.count == 2
    assert [e.id for e in page.entries] == ["e1"]


@pytest.mark.parametrize(
    ("page", "field"),
    [
        ({"entries": []}, "timeEntries"),
        ([], r"\$"),
        (
            {"timeEntries": [_row(timeInterval={"end": "x"})]},
            r"timeEntries\[0\]\.timeInterval\.start",
        ),
        (
            {"timeEntries": [_row(timeInterval={**INTERVAL, "duration": "2 hours"})]},
            r"timeEntries\[0\]\.timeInterval\.duration",
        ),
        ({"timeEntries": [_row(_id=None)]}, r"timeEntries\[0\]\._id"),
        ({"timeEntries": [_row(billable="yes")]}, r"timeEntries\[0\]\.billable"),
        ({"timeEntries": [_row(amount=True)]}, r"timeEntries\[0\]\.amount"),
        (
            {"timeEntries": [_row(hourlyRate={"amount": 1, "currency": "EURO"})]},
            r"timeEntries\[0\]\.hourlyRate",
        ),
        ({"timeEntries": [_row(tags=[{"name": "x"}])]}, r"timeEntries\[0\]\.tags\[0\]\.id"),
        (
            {"timeEntries": [_row(amounts=[{"type": "EARNED", "value": "lots"}])]},
            r"amounts\[0\]\.value",
        ),
    ],
)
def test_malformed_detailed_page_names_the_field(page: object, field: str) -> None:
    with pytest.raises(ClockifyResponseError, match=field) as caught:
        parse_detailed_page(page, currency_fallback=CURRENCY)

    assert isinstance(caught.value, AddonError)
    assert (caught.value.status, caught.value.code) == (502, "clockify_bad_response")


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"date": "15/01/2024"}, r"expenses\[0\]\.date"),
        ({"amount": None}, r"expenses\[0\]\.amount"),
        ({"user": "Ada"}, r"expenses\[0\]\.user"),
        ({"category": 3}, r"expenses\[0\]\.categoryName"),
    ],
)
def test_malformed_expense_row_names_the_field(row: dict[str, object], field: str) -> None:
    good: dict[str, object] = {
        "id": "x1",
        "date": "2024-01-15",
        "amount": 12500,
        "currency": "USD",
        "category": "Travel",
        "description": "Taxi",
        "user": {"id": "u1", "name": "Ada"},
        "project": {"id": "p1", "name": "Site"},
        "billable": True,
        "invoiced": False,
    }
    assert parse_expense_page({"expenses": [good]}, currency_fallback=CURRENCY).count == 1

    with pytest.raises(ClockifyResponseError, match=field):
        parse_expense_page({"expenses": [{**good, **row}]}, currency_fallback=CURRENCY)
