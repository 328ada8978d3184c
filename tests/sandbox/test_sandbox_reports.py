"""The Reports API computes real reports: filters, groups, pages and totals that add up."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest

from sandbox import SandboxServer, generate_workspace
from sandbox.data import Workspace
from tests.sandbox.conftest import q1

if TYPE_CHECKING:
    from tests.sandbox.conftest import ApiClient


def all_rows(client: ApiClient, size: int = 100, **extra: Any) -> list[dict[str, Any]]:
    """Every detailed row, page by page until a short page, as a careful add-on reads them."""
    rows: list[dict[str, Any]] = []
    page = 1
    while True:
        body = q1(detailedFilter={"page": page, "pageSize": size}, **extra)
        chunk = client.report("detailed", body).json()["timeEntries"]
        rows.extend(chunk)
        if len(chunk) < size:
            return rows
        page += 1


def walk(groups: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for group in groups:
        yield group
        yield from walk(group.get("children", []))


def test_detailed_pages_cover_every_entry_once(
    reports_client: ApiClient, generated: Workspace
) -> None:
    rows = all_rows(reports_client, size=70)
    first = reports_client.report("detailed", q1(detailedFilter={"page": 1, "pageSize": 70}))

    ids = [row["get_id"] for row in rows]
    assert len(ids) == len(set(ids)) == len(generated.entries) == 300
    assert len(first.json()["timeEntries"]) == 70
    assert first.json()["totals"][0]["entriesCount"] == 300
    starts = [row["timeInterval"]["start"] for row in rows]
    assert starts == sorted(starts, reverse=True)  # DATE, DESCENDING by default


def test_detailed_rows_carry_the_rate_that_applies_and_its_amount(
    reports_client: ApiClient,
) -> None:
    rows = all_rows(reports_client)

    for row in rows:
        seconds = row["timeInterval"]["duration"]
        expected = (row["rate"] * seconds + 1800) // 3600 if row["billable"] else 0
        assert row["amount"] == row["earnedAmount"] == expected
        assert row["costAmount"] == (row["costRate"] * seconds + 1800) // 3600
    assert {row["currency"] for row in rows} == {"EUR", "USD", "GBP"}


def test_detailed_sorts_by_duration_and_can_exclude_totals(reports_client: ApiClient) -> None:
    options = {"pageSize": 300, "sortColumn": "DURATION", "options": {"totals": "EXCLUDE"}}

    body = reports_client.report("detailed", q1(detailedFilter=options, sortOrder="ASCENDING"))

    durations = [r["timeInterval"]["duration"] for r in body.json()["timeEntries"]]
    assert durations == sorted(durations)
    assert body.json()["totals"] == []


def test_summary_totals_equal_the_sums_over_detailed_entries(reports_client: ApiClient) -> None:
    rows = all_rows(reports_client)

    body = reports_client.report("summary", q1(summaryFilter={"groups": ["CLIENT", "PROJECT"]}))

    summary = body.json()
    totals = summary["totals"][0]
    per_currency: Counter[str] = Counter()
    for row in rows:
        per_currency[row["currency"]] += row["amount"]
    assert totals["totalTime"] == sum(r["timeInterval"]["duration"] for r in rows)
    assert totals["totalBillableTime"] == sum(
        r["timeInterval"]["duration"] for r in rows if r["billable"]
    )
    assert totals["entriesCount"] == len(rows)
    assert totals["totalAmount"] == sum(r["amount"] for r in rows)
    assert {c["currency"]: c["amount"] for c in totals["totalAmountByCurrency"]} == per_currency
    assert sum(g["duration"] for g in summary["groupOne"]) == totals["totalTime"]
    assert sum(g["amount"] for g in summary["groupOne"]) == totals["totalAmount"]
    for group in walk(summary["groupOne"]):
        if "children" in group:
            assert sum(c["duration"] for c in group["children"]) == group["duration"]
            assert sum(c["amount"] for c in group["children"]) == group["amount"]


def test_summary_nests_up_to_three_groups_recursively(reports_client: ApiClient) -> None:
    body = q1(summaryFilter={"groups": ["USER", "PROJECT", "TIMEENTRY"]})

    groups = reports_client.report("summary", body).json()["groupOne"]

    user = groups[0]
    project = user["children"][0]
    entry = project["children"][0]
    assert "clientName" in project
    assert "children" not in entry
    assert entry["id"] == entry["name"]  # TIMEENTRY groups by description
    names = [g["name"].lower() for g in groups]
    assert names == sorted(names)  # GROUP, ASCENDING by default


def test_tag_groups_count_an_entry_in_each_of_its_tags(
    reports_client: ApiClient, generated: Workspace
) -> None:
    groups = reports_client.report("summary", q1(summaryFilter={"groups": ["TAG"]})).json()

    counted = {g["id"]: g["duration"] for g in groups["groupOne"]}
    tagged = sum(e.seconds * max(1, len(e.tag_ids)) for e in generated.entries)
    assert sum(counted.values()) == tagged
    assert counted[""] == sum(e.seconds for e in generated.entries if not e.tag_ids)


def test_entity_filters_contain_exclude_and_match_tags(
    reports_client: ApiClient, generated: Workspace
) -> None:
    user = next(iter(generated.users))
    project = next(p for p in generated.projects.values() if p.client_id)
    tag = next(iter(generated.tags))

    mine = all_rows(reports_client, users={"contains": "CONTAINS", "ids": [user]})
    others = all_rows(reports_client, users={"contains": "DOES_NOT_CONTAIN", "ids": [user]})
    on_project = all_rows(reports_client, projects={"ids": [project.id], "contains": "CONTAINS"})
    for_client = all_rows(reports_client, clients={"ids": [project.client_id]})
    tagged = all_rows(reports_client, tags={"ids": [tag], "containedInTimeentry": "CONTAINS"})

    assert mine and all(r["userId"] == user for r in mine)
    assert len(mine) + len(others) == 300
    assert on_project and all(r["projectId"] == project.id for r in on_project)
    assert all(r["clientId"] == project.client_id for r in for_client)
    assert len(for_client) >= len(on_project)
    assert tagged and all(tag in {t["id"] for t in r["tags"]} for r in tagged)


def test_billable_invoicing_and_description_filters(reports_client: ApiClient) -> None:
    billable = all_rows(reports_client, billable=True)
    unbilled = all_rows(reports_client, billable=True, invoicingState="UNINVOICED")
    invoiced = all_rows(reports_client, invoicingState="INVOICED")
    reviews = all_rows(reports_client, description="review")

    assert billable and all(r["billable"] for r in billable)
    assert 0 < len(unbilled) < len(billable)
    assert invoiced
    assert len(unbilled) + len([r for r in invoiced if r["billable"]]) == len(billable)
    assert reviews and all("review" in r["description"].lower() for r in reviews)


def test_time_zone_sets_the_boundaries_and_the_offsets(reports_client: ApiClient) -> None:
    day = {"dateRangeStart": "2025-02-03T00:00:00Z", "dateRangeEnd": "2025-02-03T23:59:59.999Z"}

    berlin = reports_client.report("detailed", {**day, "detailedFilter": {"pageSize": 200}})
    auckland = reports_client.report(
        "detailed", {**day, "timeZone": "Pacific/Auckland", "detailedFilter": {"pageSize": 200}}
    )

    berlin_rows, auckland_rows = berlin.json()["timeEntries"], auckland.json()["timeEntries"]
    assert berlin_rows and all(
        r["timeInterval"]["start"].startswith("2025-02-03T") for r in berlin_rows
    )
    assert all(r["timeInterval"]["start"].endswith("+01:00") for r in berlin_rows)
    assert all(r["timeInterval"]["start"].endswith("+13:00") for r in auckland_rows)
    assert all(r["timeInterval"]["start"].startswith("2025-02-03T") for r in auckland_rows)
    assert {r["get_id"] for r in berlin_rows} != {r["get_id"] for r in auckland_rows}


def test_rounding_applies_the_workspace_rounding_to_each_entry(
    reports_client: ApiClient,
) -> None:
    rounded = all_rows(reports_client, rounding=True)

    assert all(r["timeInterval"]["duration"] % 900 == 0 for r in rounded)


def test_amount_shown_cost_and_hide(reports_client: ApiClient) -> None:
    cost = reports_client.report("detailed", q1(detailedFilter={}, amountShown="COST")).json()
    hidden = reports_client.report(
        "summary", q1(summaryFilter={"groups": ["PROJECT"]}, amountShown="HIDE_AMOUNT")
    ).json()

    row = cost["timeEntries"][0]
    assert row["amount"] == row["costAmount"]
    assert cost["totals"][0]["amounts"][0]["type"] == "COST"
    assert hidden["totals"][0]["totalAmount"] is None
    assert hidden["totals"][0]["amounts"] == []
    assert hidden["groupOne"][0]["amount"] is None


def test_weekly_report_has_seven_days_that_add_up(reports_client: ApiClient) -> None:
    week = {"dateRangeStart": "2025-02-03T00:00:00", "dateRangeEnd": "2025-02-09T23:59:59"}

    body = reports_client.report("weekly", {**week, "weeklyFilter": {"group": "USER"}}).json()

    by_day = body["totalsByDay"]
    assert [d["date"] for d in by_day] == [f"2025-02-{n:02d}" for n in range(3, 10)]
    assert sum(d["duration"] for d in by_day) == body["totals"][0]["totalTime"]
    for group in walk(body["groupOne"]):
        assert len(group["days"]) == 7
        assert sum(d["duration"] for d in group["days"]) == group["duration"]
    assert body["groupOne"][0]["children"][0]["clientName"] is not None


def test_weekly_report_accepts_the_exclusive_seven_day_form(reports_client: ApiClient) -> None:
    week = {"dateRangeStart": "2025-02-03T00:00:00", "dateRangeEnd": "2025-02-10T00:00:00"}

    response = reports_client.report("weekly", {**week, "weeklyFilter": {"group": "PROJECT"}})

    assert response.status_code == 200


def test_expense_report_totals_add_up(reports_client: ApiClient, generated: Workspace) -> None:
    rows: list[dict[str, Any]] = []
    for page in (1, 2, 3, 4):
        body = q1(page=page, pageSize=10)
        rows.extend(reports_client.report("expenses/detailed", body).json()["expenses"])
    billable = reports_client.report("expenses/detailed", q1(billable=True, pageSize=100)).json()

    totals = reports_client.report("expenses/detailed", q1()).json()["totals"]
    assert len(rows) == totals["expensesCount"] == len(generated.expenses)
    assert totals["totalAmount"] == sum(r["amount"] for r in rows)
    assert totals["totalAmountBillable"] == sum(r["amount"] for r in rows if r["billable"])
    assert billable["totals"]["totalAmount"] == totals["totalAmountBillable"]
    assert rows[0]["date"].endswith("T00:00:00Z")
    assert {"categoryName", "projectName", "invoicingInfo", "quantity"} <= set(rows[0])


def test_guide_expense_endpoint_reads_the_nested_expense_filter(
    reports_client: ApiClient,
) -> None:
    body = q1(expenseFilter={"page": 1, "pageSize": 5, "invoiced": False, "billable": True})

    response = reports_client.report("expenses", body).json()

    assert len(response["expenses"]) == 5
    assert all(not r["invoiced"] and r["billable"] for r in response["expenses"])
    assert {"category", "description", "user", "project", "currency"} <= set(
        response["expenses"][0]
    )


@pytest.mark.parametrize(
    ("kind", "body", "fragment"),
    [
        (
            "detailed",
            {"dateRangeEnd": "2025-01-02T00:00:00", "detailedFilter": {}},
            "dateRangeStart",
        ),
        (
            "detailed",
            {
                "dateRangeStart": "01/01/2025",
                "dateRangeEnd": "2025-01-02T00:00:00",
                "detailedFilter": {},
            },
            "dateRangeStart",
        ),
        (
            "detailed",
            {
                "dateRangeStart": "2025-01-05T00:00:00",
                "dateRangeEnd": "2025-01-02T00:00:00",
                "detailedFilter": {},
            },
            "dateRangeEnd",
        ),
        ("detailed", q1(), "detailedFilter"),
        ("detailed", q1(detailedFilter={"page": 0}), "page"),
        ("detailed", q1(detailedFilter={"sortColumn": "AMOUNT"}), "sortColumn"),
        ("detailed", q1(detailedFilter={}, timeZone="Mars/Olympus"), "timeZone"),
        ("detailed", q1(detailedFilter={}, invoicingState="MAYBE"), "invoicingState"),
        ("detailed", q1(detailedFilter={}, users={"contains": "SOME", "ids": []}), "contains"),
        ("detailed", q1(detailedFilter={}, exportType="PDF"), "exportType"),
        ("summary", q1(summaryFilter={"groups": ["PROJECT", "COLOR"]}), "COLOR"),
        ("summary", q1(summaryFilter={"groups": ["PROJECT", "USER", "TAG", "DATE"]}), "1 to 3"),
        ("summary", q1(summaryFilter={"groups": []}), "1 to 3"),
        ("summary", q1(), "summaryFilter"),
        ("weekly", q1(weeklyFilter={"group": "USER"}), "exactly 7 days"),
        (
            "weekly",
            {
                "dateRangeStart": "2025-02-03T00:00:00",
                "dateRangeEnd": "2025-02-09T23:59:59",
                "weeklyFilter": {},
            },
            "group",
        ),
        ("expenses/detailed", {"dateRangeStart": "2025-01-01T00:00:00"}, "dateRangeEnd"),
        ("expenses/detailed", q1(pageSize=0), "pageSize"),
    ],
)
def test_invalid_bodies_are_400_code_501(
    reports_client: ApiClient, kind: str, body: dict[str, Any], fragment: str
) -> None:
    response = reports_client.report(kind, body)

    assert response.status_code == 400
    assert response.json()["code"] == 501
    assert fragment in response.json()["message"]


def test_weekly_range_error_has_clockifys_message(reports_client: ApiClient) -> None:
    body = {"dateRangeStart": "2025-02-03T00:00:00", "dateRangeEnd": "2025-02-10T23:59:59"}

    response = reports_client.report("weekly", {**body, "weeklyFilter": {"group": "USER"}})

    assert response.json() == {
        "message": "Please select date range of exactly 7 days for weekly report",
        "code": 501,
    }


def test_body_that_is_not_json_is_400_code_501(reports_client: ApiClient) -> None:
    url = (
        f"{reports_client.reports_url}/v1/workspaces/{reports_client.workspace_id}/reports/detailed"
    )

    response = reports_client.session.post(url, data=b"{not json", timeout=10)

    assert (response.status_code, response.json()["code"]) == (400, 501)


@pytest.mark.parametrize(
    ("plan", "end", "ok"),
    [
        ("PRO", "2025-12-31T23:59:59", True),
        ("PRO", "2026-01-02T00:00:01", False),
        ("FREE", "2025-01-31T23:59:59", True),
        ("FREE", "2025-02-01T00:00:01", False),
    ],
)
def test_date_range_is_limited_by_plan(
    sandbox: SandboxServer, connect: Callable[..., ApiClient], plan: str, end: str, ok: bool
) -> None:
    ws = generate_workspace(
        sandbox.state,
        21,
        entries=10,
        expenses=1,
        start=date(2025, 1, 1),
        end=date(2025, 1, 9),
        plan=plan,
    )
    client = connect(ws.id, minimal_plan="FREE")
    body = {"dateRangeStart": "2025-01-01T00:00:00", "dateRangeEnd": end, "detailedFilter": {}}

    response = client.report("detailed", body)

    assert response.status_code == (200 if ok else 400), response.text


def test_page_size_above_the_cap_is_400(sandbox: SandboxServer, reports_client: ApiClient) -> None:
    too_big = reports_client.report("detailed", q1(detailedFilter={"pageSize": 1001}))
    sandbox.app.config["REPORT_PAGE_SIZE_CAP"] = 200
    try:
        capped = reports_client.report("detailed", q1(detailedFilter={"pageSize": 201}))
        fits = reports_client.report("detailed", q1(detailedFilter={"pageSize": 200}))
    finally:
        sandbox.app.config["REPORT_PAGE_SIZE_CAP"] = 1000

    assert (too_big.status_code, too_big.json()["code"]) == (400, 501)
    assert "1000" in too_big.json()["message"]
    assert (capped.status_code, capped.json()["code"]) == (400, 501)
    assert len(fits.json()["timeEntries"]) == 200
