"""The regular API (`{backendUrl}/v1/...`) in the OpenAPI shapes, with Clockify's pagination."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import requests

from sandbox import SEED_WORKSPACE_ID, SandboxServer

if TYPE_CHECKING:
    from tests.sandbox.conftest import ApiClient


def test_workspace_carries_rates_currencies_and_rounding(
    sandbox: SandboxServer, client: ApiClient
) -> None:
    ws = sandbox.state.workspace(SEED_WORKSPACE_ID)

    body = client.get("").json()

    assert ws.hourly_rate is not None
    assert body["id"] == SEED_WORKSPACE_ID
    assert body["hourlyRate"] == {"amount": ws.hourly_rate.amount, "currency": "EUR"}
    assert body["costRate"]["currency"] == "EUR"
    assert {c["code"] for c in body["currencies"]} == {"EUR", "USD", "GBP"}
    assert [c["code"] for c in body["currencies"] if c["isDefault"]] == ["EUR"]
    settings = body["workspaceSettings"]
    assert settings["round"] == {"round": "Round to nearest", "minutes": "15"}
    assert settings["timeRoundingInReports"] is False
    assert {m["membershipType"] for m in body["memberships"]} == {"WORKSPACE"}


def test_users_carry_membership_rates_only_when_asked(client: ApiClient) -> None:
    plain = client.get("/users").json()
    detailed = client.get("/users", memberships="ALL").json()

    assert all(user["memberships"] == [] for user in plain)
    assert [u["email"] for u in plain] == sorted(u["email"] for u in plain)
    kinds = {m["membershipType"] for u in detailed for m in u["memberships"]}
    assert kinds == {"WORKSPACE", "PROJECT"}
    workspace_rates = [
        m["costRate"]
        for u in detailed
        for m in u["memberships"]
        if m["membershipType"] == "WORKSPACE"
    ]
    assert all(rate["currency"] == "EUR" for rate in workspace_rates)
    assert detailed[0]["settings"]["timeZone"] == "Europe/Berlin"


def test_users_filter_by_project_membership_and_name(
    sandbox: SandboxServer, client: ApiClient
) -> None:
    project = next(iter(sandbox.state.workspace(SEED_WORKSPACE_ID).projects.values()))
    members = {m.user_id for m in project.memberships}

    on_project = client.get("/users", **{"project-id": project.id}).json()
    named = client.get("/users", name="lena").json()

    assert {u["id"] for u in on_project} == members
    assert [u["name"] for u in named] == ["Lena Hoffmann"]


def test_clients_carry_address_email_and_currency(client: ApiClient) -> None:
    clients = client.get("/clients").json()
    archived = client.get("/clients", archived="true").json()

    assert {c["currencyCode"] for c in clients} == {"EUR", "USD", "GBP"}
    assert all(c["address"] and c["email"] for c in clients)
    assert [c["archived"] for c in archived] == [True]
    one = client.get(f"/clients/{clients[0]['id']}").json()
    assert one == clients[0]


def test_projects_carry_client_memberships_and_rates(client: ApiClient) -> None:
    projects = client.get("/projects", **{"page-size": 100}).json()

    by_name = {p["name"]: p for p in projects}
    assert by_name["Internal"]["clientId"] == ""
    assert any(p["hourlyRate"] for p in projects)
    member_rates = [m for p in projects for m in p["memberships"] if m["hourlyRate"]]
    assert member_rates
    assert all(m["membershipType"] == "PROJECT" for m in member_rates)
    assert all(p["duration"].startswith("PT") for p in projects)
    assert "tasks" not in projects[0]


def test_hydrated_projects_list_their_tasks(client: ApiClient) -> None:
    projects = client.get("/projects", hydrated="true", **{"page-size": 100}).json()

    with_tasks = [p for p in projects if p["tasks"]]
    assert with_tasks
    assert all(t["projectId"] == p["id"] for p in with_tasks for t in p["tasks"])


def test_tasks_of_a_project_carry_rates_and_status(client: ApiClient) -> None:
    projects = client.get("/projects", hydrated="true", **{"page-size": 100}).json()
    project = next(p for p in projects if p["tasks"])

    tasks = client.get(f"/projects/{project['id']}/tasks").json()

    assert {t["id"] for t in tasks} == {t["id"] for t in project["tasks"]}
    assert {t["status"] for t in tasks} <= {"ACTIVE", "DONE"}
    assert all("hourlyRate" in t and "costRate" in t for t in tasks)


def test_unknown_project_is_400_code_501_as_in_clockify(client: ApiClient) -> None:
    for path in ("/projects/0123456789abcdef01234567", "/projects/0123456789abcdef01234567/tasks"):
        response = client.get(path)

        assert response.status_code == 400
        assert response.json() == {"message": "Project doesn't belong to Workspace", "code": 501}


def test_tags_filter_archived_and_excluded_ids(client: ApiClient) -> None:
    tags = client.get("/tags").json()
    active = client.get("/tags", archived="false").json()
    fewer = client.get("/tags", **{"excluded-ids": tags[0]["id"]}).json()

    assert len(active) == len(tags) - 1
    assert tags[0]["id"] not in {t["id"] for t in fewer}


def test_pages_follow_page_size_and_last_page_header(client: ApiClient) -> None:
    everything = client.get("/projects", **{"page-size": 100}).json()
    seen: list[dict[str, Any]] = []
    headers = []
    page = 1
    while True:
        response = client.get("/projects", page=page, **{"page-size": 3})
        seen.extend(response.json())
        headers.append(response.headers["Last-Page"])
        if response.headers["Last-Page"] == "true":
            break
        page += 1

    assert seen == everything
    assert headers == ["false"] * (len(headers) - 1) + ["true"]
    assert all(len(chunk) <= 3 for chunk in [seen[i : i + 3] for i in range(0, len(seen), 3)])
    beyond = client.get("/projects", page=page + 1, **{"page-size": 3})
    assert beyond.json() == []
    assert beyond.headers["Last-Page"] == "true"


def test_camel_case_page_size_is_ignored_as_live(client: ApiClient) -> None:
    default = client.get("/projects").json()
    camel = client.get("/projects", pageSize=1).json()

    assert camel == default
    assert len(default) > 1


def test_bad_page_size_is_400_code_501(client: ApiClient) -> None:
    response = client.get("/projects", **{"page-size": 0})

    assert response.status_code == 400
    assert response.json()["code"] == 501


def test_addon_settings_return_tabs_with_current_values(
    sandbox: SandboxServer, client: ApiClient
) -> None:
    requests.patch(
        f"{sandbox.url}/sandbox/workspaces/{SEED_WORKSPACE_ID}/addons/{client.addon_id}/settings",
        json=[{"id": "invoice-prefix", "value": "NW-"}],
        timeout=10,
    )

    response = client.session.get(
        f"{client.backend_url}/addon/workspaces/{SEED_WORKSPACE_ID}/settings", timeout=10
    )

    tab = response.json()["tabs"][0]
    assert tab["settings"][0]["id"] == "invoice-prefix"
    assert tab["settings"][0]["value"] == "NW-"
    assert tab["groups"][0]["settings"][0]["value"] is False


def test_addon_user_is_the_token_user(sandbox: SandboxServer, client: ApiClient) -> None:
    response = client.session.get(
        f"{client.backend_url}/addon/workspaces/{SEED_WORKSPACE_ID}/user", timeout=10
    )

    owner = sandbox.state.workspace(SEED_WORKSPACE_ID).owner
    assert response.json()["id"] == owner.id
    assert response.json()["settings"]["timeZone"] == "Europe/Berlin"


def test_unknown_route_and_method_answer_clockify_code_3000(client: ApiClient) -> None:
    missing = client.get("/no-such-thing")
    wrong = client.session.put(
        f"{client.backend_url}/v1/workspaces/{SEED_WORKSPACE_ID}", timeout=10
    )

    assert (missing.status_code, missing.json()["code"]) == (404, 3000)
    assert missing.json()["message"].startswith("No static resource")
    assert wrong.status_code == 405
    assert wrong.json() == {"message": "Request method 'PUT' is not supported", "code": 3000}
