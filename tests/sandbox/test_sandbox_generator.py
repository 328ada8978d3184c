"""Generated workspaces: deterministic for a seed, rich enough to exercise reports and invoices."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests

from sandbox import SEED_WORKSPACE_ID, SandboxServer, SandboxState, generate_workspace
from sandbox.data import Membership, Project, Rate, Role, Task, User, Workspace
from sandbox.errors import Conflict

Q1 = {"start": date(2025, 1, 1), "end": date(2025, 3, 31)}


def test_same_seed_gives_the_same_workspace_with_the_same_ids() -> None:
    one = generate_workspace(SandboxState(), 42, entries=200, expenses=20, **Q1)
    two = generate_workspace(SandboxState(), 42, entries=200, expenses=20, **Q1)

    assert one == two
    assert [e.id for e in one.entries] == [e.id for e in two.entries]


def test_other_seed_gives_other_data() -> None:
    one = generate_workspace(SandboxState(), 1, entries=50, expenses=5, **Q1)
    two = generate_workspace(SandboxState(), 2, entries=50, expenses=5, **Q1)

    assert one.id != two.id
    assert [e.seconds for e in one.entries] != [e.seconds for e in two.entries]


def test_generated_data_spans_the_period_currencies_and_rate_levels() -> None:
    ws = generate_workspace(SandboxState(), 7, entries=400, expenses=40, **Q1)
    zone = ZoneInfo(ws.time_zone)

    days = {e.start.astimezone(zone).date() for e in ws.entries}
    assert len(ws.entries) == 400
    assert len(ws.expenses) == 40
    assert min(days) >= Q1["start"]
    assert max(days) <= Q1["end"]
    assert {e.currency for e in ws.entries} == {"EUR", "USD", "GBP"}
    assert {c.code for c in ws.currencies.values()} == {"EUR", "USD", "GBP"}
    assert ws.hourly_rate is not None
    assert ws.cost_rate is not None
    assert any(u.hourly_rate for u in ws.users.values())
    assert any(p.hourly_rate for p in ws.projects.values())
    assert any(m.hourly_rate for p in ws.projects.values() for m in p.memberships)
    assert any(t.hourly_rate for t in ws.tasks.values())
    assert any(e.project_id is None for e in ws.entries)
    assert any(e.billable for e in ws.entries)
    assert any(not e.billable for e in ws.entries)
    assert any(e.invoiced for e in ws.entries)
    assert all(c.address and c.email for c in ws.clients.values())
    assert any(c.unit_price for c in ws.categories.values())


def test_generating_the_same_seed_twice_in_one_state_is_a_conflict() -> None:
    state = SandboxState()
    generate_workspace(state, 3, entries=1, expenses=1, **Q1)

    with pytest.raises(Conflict):
        generate_workspace(state, 3, entries=1, expenses=1, **Q1)


def test_rates_follow_clockify_hierarchy_task_member_project_user_workspace() -> None:
    ws = Workspace("w", "W", "PRO", "EUR", "UTC", None, hourly_rate=Rate(1000, "EUR"))
    ws.users["u"] = User("u", "U", "u@example.com", Role.OWNER, hourly_rate=Rate(2000, "EUR"))
    ws.users["v"] = User("v", "V", "v@example.com", Role.USER)
    ws.projects["p"] = Project(
        "p",
        "P",
        None,
        "#000000",
        True,
        "USD",
        hourly_rate=Rate(3000, "USD"),
        memberships=(Membership("u", Rate(4000, "USD")), Membership("v")),
    )
    ws.tasks["t"] = Task("t", "p", "T", hourly_rate=Rate(5000, "USD"))
    ws.tasks["plain"] = Task("plain", "p", "Plain")

    assert ws.resolve_rates("u", "p", "t")[0] == Rate(5000, "USD")
    assert ws.resolve_rates("u", "p", "plain")[0] == Rate(4000, "USD")
    assert ws.resolve_rates("v", "p", None)[0] == Rate(3000, "USD")
    assert ws.resolve_rates("u", None, None)[0] == Rate(2000, "EUR")
    assert ws.resolve_rates("v", None, None)[0] == Rate(1000, "EUR")


def test_seeded_workspace_has_a_few_hundred_entries_over_the_last_three_months() -> None:
    today = date(2026, 5, 15)
    state = SandboxState(today=today)

    ws = state.workspace(SEED_WORKSPACE_ID)

    assert 200 <= len(ws.entries) <= 600
    assert ws.entries[0].start.date() >= today - timedelta(days=92)
    assert ws.entries[-1].start.date() < today
    assert len(ws.clients) >= 4
    assert SandboxState(today=today).workspace(SEED_WORKSPACE_ID) == ws


def test_reset_restores_the_seeded_data_and_drops_generated_workspaces() -> None:
    state = SandboxState(today=date(2026, 5, 15))
    seeded = state.workspace(SEED_WORKSPACE_ID)
    extra = generate_workspace(state, 5, entries=10, expenses=1, **Q1)
    seeded.entries.clear()

    state.reset()

    assert len(state.workspace(SEED_WORKSPACE_ID).entries) > 0
    assert extra.id not in state.workspaces


def test_workspace_can_be_generated_over_http(sandbox: SandboxServer) -> None:
    response = requests.post(
        f"{sandbox.url}/sandbox/generate",
        json={
            "seed": 99,
            "entries": 30,
            "expenses": 3,
            "start": "2025-02-01",
            "end": "2025-02-28",
            "region": "euc1",
            "plan": "FREE",
        },
        timeout=10,
    )

    assert response.status_code == 201, response.text
    ws = sandbox.state.workspace(response.json()["id"])
    assert (ws.region, ws.plan, len(ws.entries)) == ("euc1", "FREE", 30)


def test_generate_over_http_names_a_missing_field(sandbox: SandboxServer) -> None:
    response = requests.post(f"{sandbox.url}/sandbox/generate", json={"seed": 1}, timeout=10)

    assert response.status_code == 400
    assert "start" in response.json()["message"]
