"""Each side of what real Clockify may do can be chosen per workspace (`sandbox/behaviour.py`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
import requests

from sandbox import SandboxServer, generate_workspace
from sandbox.behaviour import MATRIX, PRESETS, Behaviour
from sandbox.data import Workspace
from tests.sandbox.conftest import PERIOD, ApiClient, q1

DETAILED = q1(detailedFilter={"page": 1, "pageSize": 1000})


def _rows(answer: requests.Response) -> list[dict[str, Any]]:
    assert answer.status_code == 200, answer.text
    body = answer.json()
    rows: list[dict[str, Any]] = body.get("timeentries", body.get("timeEntries"))
    return rows


def _play(sandbox: SandboxServer, client: ApiClient, **fields: Any) -> None:
    sandbox.state.set_behaviour(client.workspace_id, Behaviour(**fields))


def test_a_refused_page_size_is_400_and_a_clamped_one_is_served_short_without_a_word(
    sandbox: SandboxServer, reports_client: ApiClient
) -> None:
    _play(sandbox, reports_client, page_size_cap=100)
    refused = reports_client.report("detailed", DETAILED)
    _play(sandbox, reports_client, page_size_cap=100, page_cap="clamp")
    first = _rows(reports_client.report("detailed", DETAILED))
    second = reports_client.report("detailed", q1(detailedFilter={"page": 2, "pageSize": 1000}))

    assert refused.status_code == 400 and "100" in refused.json()["message"]
    assert len(first) == 100
    ids = [row["get_id"] for row in first] + [row["get_id"] for row in _rows(second)]
    assert len(set(ids)) == 200  # page 2 starts right after the clamped page 1
    totals = reports_client.report("detailed", DETAILED).json()["totals"][0]
    assert totals["entriesCount"] == 300  # the totals still count everything


def test_a_free_range_is_refused_or_served_for_its_first_31_days(
    sandbox: SandboxServer, reports_client: ApiClient, generated: Workspace
) -> None:
    generated.plan = "FREE"
    refused = reports_client.report("detailed", DETAILED)
    _play(sandbox, reports_client, free_range="partial")
    served = reports_client.report("detailed", DETAILED)
    expenses = reports_client.report("expenses/detailed", q1(pageSize=1000))

    assert refused.status_code == 400
    rows = _rows(served)
    days = {row["timeInterval"]["start"][:10] for row in rows}
    assert rows and max(days) <= "2025-01-31" and len(rows) < 300
    assert served.json()["totals"][0]["entriesCount"] == len(rows)  # totals cut alike
    assert expenses.status_code == 200
    assert all(x["date"][:10] <= "2025-01-31" for x in expenses.json()["expenses"])


@pytest.mark.parametrize("status", [403, 401])
def test_a_missing_scope_is_403_as_documented_or_401_as_live(
    sandbox: SandboxServer, connect: Callable[..., ApiClient], status: int
) -> None:
    client = connect(scopes=("WORKSPACE_READ",))
    sandbox.state.set_behaviour(client.workspace_id, Behaviour(missing_scope=status))

    answer = client.get("/tags")

    assert answer.status_code == status
    assert "does not have permission TAG_READ" in answer.json()["message"]
    assert ("code" in answer.json()) == (status == 403)  # the live code was never recorded


def test_an_unknown_workspace_is_an_empty_404(client: ApiClient) -> None:
    url = f"{client.backend_url}/v1/workspaces/ffffffffffffffffffffffff/tags"

    answer = client.session.get(url, timeout=10)

    assert (answer.status_code, answer.content) == (404, b"")


def test_rows_carry_their_type_unless_told_not_to(
    sandbox: SandboxServer, connect: Callable[..., ApiClient]
) -> None:
    workspace = generate_workspace(
        sandbox.state, 12, entries=40, expenses=0, start=PERIOD[0], end=PERIOD[1], non_work=9
    )
    client = connect(workspace.id)
    typed = _rows(client.report("detailed", DETAILED))
    _play(sandbox, client, row_type="absent")
    bare = _rows(client.report("detailed", DETAILED))

    assert {row["type"] for row in typed} == {"REGULAR", "BREAK", "HOLIDAY", "TIME_OFF"}
    assert len(typed) == 49 and all("type" not in row for row in bare)
    billable = [r for r in typed if r["type"] in ("HOLIDAY", "TIME_OFF") and r["billable"]]
    assert billable and all(r["amount"] for r in billable)  # priced: a trap for an invoice


def test_rows_can_name_tags_and_tasks_by_id_only(
    sandbox: SandboxServer, reports_client: ApiClient
) -> None:
    _play(sandbox, reports_client, row_names="ids_only")

    rows = _rows(reports_client.report("detailed", DETAILED))

    assert all("tags" not in row and "taskName" not in row for row in rows)
    assert any(row["tagIds"] for row in rows) and any(row["taskId"] for row in rows)


def test_rows_can_nest_regular_api_objects_with_rates_without_currency(
    sandbox: SandboxServer, reports_client: ApiClient
) -> None:
    flat = {row["get_id"]: row for row in _rows(reports_client.report("detailed", DETAILED))}
    _play(sandbox, reports_client, row_refs="nested")

    rows = _rows(reports_client.report("detailed", DETAILED))

    for row in rows:
        before = flat[row["get_id"]]
        assert "projectId" not in row and "userId" not in row and "clientId" not in row
        assert row["user"]["id"] == before["userId"]
        if before["projectId"]:
            assert row["project"]["id"] == before["projectId"]
            assert row["project"]["clientId"] == before["clientId"]
        else:
            assert row["project"] is None
        if row.get("hourlyRate"):
            assert set(row["hourlyRate"]) == {"amount"}
    assert any(row.get("hourlyRate") for row in rows)


def test_an_hourly_quota_answers_429_until_the_oldest_request_leaves_the_hour(
    sandbox: SandboxServer, client: ApiClient
) -> None:
    now = [500.0]
    sandbox.state.clock = lambda: now[0]
    _play(sandbox, client, hourly_quota=2)
    try:
        served = [client.get("/tags").status_code for _ in range(2)]
        now[0] += 600
        over = client.get("/tags")
        now[0] += 3000
        back = client.get("/tags")
    finally:
        sandbox.state.clock = time.monotonic

    assert served == [200, 200]
    assert over.status_code == 429 and over.headers["Retry-After"] == "3000"
    assert back.status_code == 200


def test_presets_apply_behaviour_shape_and_plan_over_http(
    sandbox: SandboxServer, reports_client: ApiClient
) -> None:
    url = f"{sandbox.url}/sandbox/workspaces/{reports_client.workspace_id}/behaviour"

    applied = requests.put(
        url, json={"preset": "partial_range", "rowNames": "ids_only"}, timeout=10
    )
    bad_field = requests.put(url, json={"rowNames": "some"}, timeout=10)
    unknown = requests.put(url, json={"preset": "nope"}, timeout=10)
    read = requests.get(url, timeout=10).json()

    assert applied.status_code == 200, applied.text
    assert read == {**applied.json(), "plan": "FREE"}
    assert (read["freeRange"], read["rowNames"]) == ("partial", "ids_only")
    assert bad_field.status_code == 400 and "row_names" in bad_field.json()["message"]
    assert unknown.status_code == 400 and "preset" in unknown.json()["message"]
    assert sandbox.state.behaviour(reports_client.workspace_id).row_names == "ids_only"
    assert "timeentries" in reports_client.report("detailed", DETAILED).json()  # live shape


def test_behaviour_values_are_checked() -> None:
    with pytest.raises(ValueError, match="page_cap"):
        Behaviour(page_cap="maybe")  # type: ignore[arg-type]  # the point of the test
    with pytest.raises(ValueError, match="hourly_quota"):
        Behaviour(hourly_quota=0)
    with pytest.raises(ValueError, match="unknown behaviour fields: nope"):
        Behaviour.from_json({"nope": 1})
    assert Behaviour.from_json({"missingScope": 401}).missing_scope == 401
    assert "free_quota" not in MATRIX and set(MATRIX) < set(PRESETS)


def test_a_preset_without_a_plan_gives_the_workspace_its_own_plan_back(
    sandbox: SandboxServer, generated: Workspace
) -> None:
    generated.plan = "BASIC"

    sandbox.state.apply_preset(generated.id, "partial_range")
    on_free = generated.plan
    sandbox.state.apply_preset(generated.id, "free_quota")
    sandbox.state.apply_preset(generated.id, "live")

    assert (on_free, generated.plan) == ("FREE", "BASIC")
