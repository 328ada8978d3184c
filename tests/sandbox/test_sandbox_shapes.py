"""Each documented response variant can be selected per workspace, one field at a time."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
import requests

from sandbox import GUIDE, LIVE, SandboxServer, ShapeMode
from sandbox.data import Workspace
from tests.sandbox.conftest import q1

if TYPE_CHECKING:
    from tests.sandbox.conftest import ApiClient

DETAILED = q1(detailedFilter={"page": 1, "pageSize": 50})
SUMMARY = q1(summaryFilter={"groups": ["DATE", "USER", "TIMEENTRY"]})
WEEK = {"dateRangeStart": "2025-02-03T00:00:00", "dateRangeEnd": "2025-02-09T23:59:59"}


def _served(
    sandbox: SandboxServer, client: ApiClient, kind: str, body: dict[str, Any], **shape: Any
) -> Any:
    sandbox.state.set_shape(client.workspace_id, ShapeMode(**shape))
    response = client.report(kind, body)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_default_is_the_live_shape_and_official_is_a_preset(
    sandbox: SandboxServer, connect: Callable[..., ApiClient], generated: Workspace
) -> None:
    live = connect(generated.id, shape=None)

    detailed = live.report("detailed", DETAILED).json()

    row = detailed["timeentries"][0]
    assert {"_id", "type", "tagIds", "isLocked", "timeInterval"} <= set(row)
    assert sandbox.state.shape(generated.id) == LIVE


def test_official_is_the_openapi_shape(reports_client: ApiClient) -> None:
    detailed = reports_client.report("detailed", DETAILED).json()
    summary = reports_client.report("summary", SUMMARY).json()
    weekly = reports_client.report("weekly", {**WEEK, "weeklyFilter": {"group": "USER"}}).json()
    expenses = reports_client.report("expenses/detailed", q1()).json()

    row = detailed["timeEntries"][0]
    assert {"get_id", "timeInterval", "tags", "userEmail", "projectName", "clientName"} <= set(row)
    assert isinstance(row["timeInterval"]["duration"], int)
    assert isinstance(detailed["totals"], list)
    assert {"totalTime", "totalBillableTime", "entriesCount", "amounts"} <= set(
        detailed["totals"][0]
    )
    assert {"groupOne", "totals", "chart"} <= set(summary)
    assert {"id", "name", "nameLowerCase", "duration", "amount"} <= set(summary["groupOne"][0])
    assert {"groupOne", "totalsByDay", "totals"} <= set(weekly)
    assert set(expenses["totals"]) == {"expensesCount", "totalAmount", "totalAmountBillable"}


def test_entries_key_can_be_lowercase(sandbox: SandboxServer, reports_client: ApiClient) -> None:
    body = _served(sandbox, reports_client, "detailed", DETAILED, entries_key="timeentries")

    assert "timeentries" in body
    assert "timeEntries" not in body


@pytest.mark.parametrize("key", ["_id", "id"])
def test_entry_id_key(sandbox: SandboxServer, reports_client: ApiClient, key: str) -> None:
    body = _served(sandbox, reports_client, "detailed", DETAILED, entry_id=key)

    row = body["timeEntries"][0]
    assert key in row
    assert "get_id" not in row


def test_durations_as_floats(sandbox: SandboxServer, reports_client: ApiClient) -> None:
    body = _served(sandbox, reports_client, "detailed", DETAILED, duration="float")

    assert isinstance(body["timeEntries"][0]["timeInterval"]["duration"], float)
    assert isinstance(body["totals"][0]["totalTime"], float)


def test_durations_as_iso_8601(sandbox: SandboxServer, reports_client: ApiClient) -> None:
    detailed = _served(sandbox, reports_client, "detailed", DETAILED, duration="iso")
    summary = _served(sandbox, reports_client, "summary", SUMMARY, duration="iso")

    durations = [r["timeInterval"]["duration"] for r in detailed["timeEntries"]]
    assert all(re.fullmatch(r"PT(\d+H)?(\d+M)?(\d+S)?", d) for d in durations)
    assert re.fullmatch(r"PT\d+H(\d+M)?(\d+S)?", summary["groupOne"][0]["duration"])
    assert isinstance(detailed["totals"][0]["totalTime"], int)


def test_money_as_float_cents_keeps_fractions(
    sandbox: SandboxServer, reports_client: ApiClient
) -> None:
    exact = _served(sandbox, reports_client, "detailed", DETAILED, money="float")
    rounded = _served(sandbox, reports_client, "detailed", DETAILED, money="int")

    floats = [r["earnedAmount"] for r in exact["timeEntries"]]
    assert all(isinstance(value, float) for value in floats)
    assert any(value != int(value) for value in floats)
    assert all(isinstance(r["earnedAmount"], int) for r in rounded["timeEntries"])
    assert isinstance(exact["totals"][0]["totalAmount"], float)


def test_row_money_as_amounts_list(sandbox: SandboxServer, reports_client: ApiClient) -> None:
    body = {**DETAILED, "amounts": ["EARNED", "COST", "PROFIT"]}

    served = _served(sandbox, reports_client, "detailed", body, entry_money="amounts")

    row = served["timeEntries"][0]
    assert [a["type"] for a in row["amounts"]] == ["EARNED", "COST", "PROFIT"]
    assert "rate" not in row
    earned, cost, profit = (a["value"] for a in row["amounts"])
    assert profit == earned - cost


def test_row_money_as_hourly_rate_objects(
    sandbox: SandboxServer, reports_client: ApiClient
) -> None:
    body = _served(sandbox, reports_client, "detailed", DETAILED, entry_money="hourly_rate")

    row = next(r for r in body["timeEntries"] if r["hourlyRate"])
    assert set(row["hourlyRate"]) == {"amount", "currency"}
    assert "amount" in row
    assert "earnedRate" not in row


def test_row_money_absent_as_in_the_literal_spec(
    sandbox: SandboxServer, reports_client: ApiClient
) -> None:
    body = _served(sandbox, reports_client, "detailed", DETAILED, entry_money="none")

    assert not {"rate", "amount", "amounts", "hourlyRate"} & set(body["timeEntries"][0])


@pytest.mark.parametrize(
    ("mode", "expected"),
    [("object", dict), ("null_list", [None]), ("empty_list", [])],
)
def test_totals_variants(
    sandbox: SandboxServer, reports_client: ApiClient, mode: str, expected: Any
) -> None:
    body = _served(sandbox, reports_client, "summary", SUMMARY, totals=mode)

    if expected is dict:
        assert isinstance(body["totals"], dict)
        assert body["totals"]["entriesCount"] == 300
    else:
        assert body["totals"] == expected


def test_total_amount_null_and_empty_currency_object(
    sandbox: SandboxServer, reports_client: ApiClient
) -> None:
    body = _served(
        sandbox,
        reports_client,
        "detailed",
        DETAILED,
        total_amount_null=True,
        by_currency="empty_object",
    )

    totals = body["totals"][0]
    assert totals["totalAmount"] is None
    assert totals["amounts"] == []
    assert totals["totalAmountByCurrency"] == {}


def test_summary_group_ids_and_composite_time_entry_ids(
    sandbox: SandboxServer, reports_client: ApiClient, generated: Workspace
) -> None:
    body = _served(
        sandbox,
        reports_client,
        "summary",
        SUMMARY,
        group_id="_id",
        composite_entry_ids=True,
        chart_key="donutChart",
    )

    day = body["groupOne"][0]
    user = day["children"][0]
    entry = user["children"][0]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", day["_id"])
    assert user["_id"] in generated.users
    assert entry["_id"] == {"DATE": day["_id"], "USER": user["_id"], "TIMEENTRY": entry["name"]}
    assert "donutChart" in body
    assert "chart" not in body
    assert body["totals"][0]["_id"] == ""


def test_weekly_as_the_guides_weeks(sandbox: SandboxServer, reports_client: ApiClient) -> None:
    body = {**WEEK, "weeklyFilter": {"group": "USER"}}

    served = _served(sandbox, reports_client, "weekly", body, weekly="weeks")

    week = served["weeks"][0]
    assert (week["weekStart"], week["weekEnd"]) == ("2025-02-03", "2025-02-09")
    assert {"name", "duration", "amount", "children"} <= set(week["groups"][0])
    assert "groupOne" not in served


def test_expense_count_key(sandbox: SandboxServer, reports_client: ApiClient) -> None:
    official = _served(
        sandbox, reports_client, "expenses/detailed", q1(), expense_count_key="expenseCount"
    )
    guide = reports_client.report("expenses", q1()).json()

    assert "expenseCount" in official["totals"]
    assert "expensesCount" not in official["totals"]
    assert "expenseCount" in guide["totals"]


def test_presets_combine_documented_variants() -> None:
    assert (LIVE.entries_key, LIVE.entry_id, LIVE.money) == ("timeentries", "_id", "float")
    assert (GUIDE.duration, GUIDE.weekly, GUIDE.entry_money) == ("iso", "weeks", "hourly_rate")


def test_unknown_shape_choice_is_refused() -> None:
    with pytest.raises(ValueError, match="duration"):
        ShapeMode(duration="minutes")  # type: ignore[arg-type]  # the wrong value is the point


def test_shape_is_set_over_http_with_preset_and_fields(
    sandbox: SandboxServer, reports_client: ApiClient
) -> None:
    url = f"{sandbox.url}/sandbox/workspaces/{reports_client.workspace_id}/shape"

    put = requests.put(url, json={"preset": "guide", "totals": "object"}, timeout=10)
    patched = requests.patch(url, json={"entryId": "id"}, timeout=10)
    wrong = requests.patch(url, json={"entriesKey": "entries"}, timeout=10)
    body = reports_client.report("detailed", DETAILED).json()

    assert put.json()["weekly"] == "weeks"
    assert patched.json()["entryId"] == "id"
    assert patched.json()["totals"] == "object"
    assert wrong.status_code == 400
    assert "id" in body["timeentries"][0]
    assert isinstance(body["totals"], dict)
    assert body["timeentries"][0]["timeInterval"]["duration"].startswith("PT")


def test_reset_restores_the_live_default(sandbox: SandboxServer, reports_client: ApiClient) -> None:
    sandbox.state.set_shape(reports_client.workspace_id, GUIDE)

    sandbox.state.reset()

    assert sandbox.state.shape(reports_client.workspace_id) == LIVE
