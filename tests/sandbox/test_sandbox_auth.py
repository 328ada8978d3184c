"""Who may call the APIs: exactly one credential, a token this sandbox signed, the right scope."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

import pytest
import requests

from sandbox import SEED_WORKSPACE_ID, ApiUrls, SandboxServer, TokenIssuer, generate_workspace
from tests.sandbox.conftest import ADDON_KEY, q1

if TYPE_CHECKING:
    from tests.sandbox.conftest import ApiClient

DETAILED = q1(detailedFilter={"page": 1, "pageSize": 10})


def _workspace_url(client: ApiClient) -> str:
    return f"{client.backend_url}/v1/workspaces/{client.workspace_id}"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Api-Key": "key", "X-Addon-Token": "token"},
        {"Authorization": "Bearer token"},
        {"Authorization": "Bearer token", "X-Addon-Token": "token"},
    ],
    ids=["none", "both", "bearer", "bearer-and-token"],
)
def test_none_both_or_bearer_credentials_are_401_code_1000(
    client: ApiClient, headers: dict[str, str]
) -> None:
    report_url = f"{client.reports_url}/v1/workspaces/{client.workspace_id}/reports/detailed"

    api = requests.get(_workspace_url(client), headers=headers, timeout=10)
    report = requests.post(report_url, headers=headers, json=DETAILED, timeout=10)

    expected = {"message": "Multiple or none auth tokens present", "code": 1000}
    assert (api.status_code, api.json()) == (401, expected)
    assert (report.status_code, report.json()) == (401, expected)


def test_an_api_key_is_401_code_4003(client: ApiClient) -> None:
    response = requests.get(_workspace_url(client), headers={"X-Api-Key": "abc"}, timeout=10)

    assert response.status_code == 401
    assert response.json() == {"message": "Api key does not exist", "code": 4003}


def _foreign_token(client: ApiClient) -> str:
    """A token with the right claims, signed by a key pair the sandbox never published."""
    return TokenIssuer(ADDON_KEY).installation_token(
        workspace_id=client.workspace_id,
        addon_id=client.addon_id,
        owner_id="someone",
        urls=ApiUrls.for_sandbox("http://x", None),
    )


@pytest.mark.parametrize("make_token", ["garbage", "foreign-key", "expired-user-token"])
def test_bad_addon_tokens_are_401_code_4017(
    sandbox: SandboxServer, client: ApiClient, make_token: str
) -> None:
    if make_token == "garbage":
        token = "not-a-jwt"
    elif make_token == "foreign-key":
        token = _foreign_token(client)
    else:
        ws = sandbox.state.workspace(SEED_WORKSPACE_ID)
        token = sandbox.issuer.user_token(
            workspace_id=ws.id,
            addon_id=client.addon_id,
            user_id=ws.owner.id,
            urls=ApiUrls.for_sandbox(sandbox.url, None),
            now=time.time() - 3600,
        )

    response = requests.get(_workspace_url(client), headers={"X-Addon-Token": token}, timeout=10)

    assert response.status_code == 401
    assert response.json() == {"message": "Token is not valid", "code": 4017}


def test_a_fresh_user_token_is_accepted(sandbox: SandboxServer, client: ApiClient) -> None:
    ws = sandbox.state.workspace(SEED_WORKSPACE_ID)
    token = sandbox.issuer.user_token(
        workspace_id=ws.id,
        addon_id=client.addon_id,
        user_id=ws.owner.id,
        urls=ApiUrls.for_sandbox(sandbox.url, None),
    )

    response = requests.get(_workspace_url(client), headers={"X-Addon-Token": token}, timeout=10)

    assert response.status_code == 200


def test_token_stops_working_once_uninstalled_or_disabled(
    sandbox: SandboxServer, connect: Callable[..., ApiClient]
) -> None:
    client = connect()
    addon_url = f"{sandbox.url}/sandbox/workspaces/{SEED_WORKSPACE_ID}/addons/{client.addon_id}"

    requests.post(f"{addon_url}/status", json={"status": "INACTIVE"}, timeout=10)
    disabled = client.get("")
    requests.post(f"{addon_url}/status", json={"status": "ACTIVE"}, timeout=10)
    enabled = client.get("")
    requests.delete(addon_url, timeout=10)
    removed = client.get("")

    assert (disabled.status_code, disabled.json()["code"]) == (401, 4017)
    assert enabled.status_code == 200
    assert (removed.status_code, removed.json()["code"]) == (401, 4017)


def test_token_of_another_workspace_is_403(sandbox: SandboxServer, client: ApiClient) -> None:
    other = generate_workspace(
        sandbox.state, 5, entries=1, expenses=0, start=date(2025, 1, 1), end=date(2025, 1, 2)
    )

    response = client.session.get(f"{client.backend_url}/v1/workspaces/{other.id}", timeout=10)

    assert response.status_code == 403
    assert response.json()["code"] == 403


def test_regional_workspace_answers_only_on_its_region_prefix(
    sandbox: SandboxServer, connect: Callable[..., ApiClient]
) -> None:
    ws = generate_workspace(
        sandbox.state,
        6,
        entries=20,
        expenses=2,
        start=date(2025, 1, 1),
        end=date(2025, 1, 20),
        region="euc1",
    )
    client = connect(ws.id)

    regional = client.get("")
    report = client.report("detailed", DETAILED)
    global_host = client.session.get(f"{sandbox.url}/api/v1/workspaces/{ws.id}", timeout=10)

    assert client.backend_url == f"{sandbox.url}/regions/euc1/api"
    assert client.reports_url == f"{sandbox.url}/regions/euc1/report"
    assert regional.status_code == 200
    assert report.status_code == 200
    assert (global_host.status_code, global_host.json()["code"]) == (401, 4017)


def test_missing_scope_is_403_naming_it(connect: Callable[..., ApiClient]) -> None:
    client = connect(scopes=("WORKSPACE_READ",))

    report = client.report("detailed", DETAILED)
    projects = client.get("/projects")
    workspace = client.get("")

    assert report.status_code == 403
    assert "REPORTS_READ" in report.json()["message"]
    assert projects.status_code == 403
    assert "PROJECT_READ" in projects.json()["message"]
    assert workspace.status_code == 200
