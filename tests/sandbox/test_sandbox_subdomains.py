"""Subdomain workspaces: reports on `{sub}.clockify.me/report`, the regular API on the region.

The sandbox serves `https://acme.clockify.me/report` as `{sandbox}/subdomains/acme/report`
(addon-platform.md §4, reports-api.md §1); each host accepts only the tokens that name it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
import requests

from sandbox import ApiUrls, SandboxServer, SandboxState, generate_workspace
from sandbox.data import Workspace
from sandbox.errors import Conflict
from sandbox.state import Role
from tests.sandbox.conftest import PERIOD, q1

if TYPE_CHECKING:
    from tests.sandbox.conftest import AddonDouble, ApiClient

DETAILED = q1(detailedFilter={"page": 1, "pageSize": 50})
SUMMARY = q1(summaryFilter={"groups": ["PROJECT"]})
OWNER = ("Mira Brandt", "mira@acme.example", Role.OWNER)


def _acme(sandbox: SandboxServer, seed: int = 31, subdomain: str = "acme") -> Workspace:
    return generate_workspace(
        sandbox.state,
        seed,
        entries=40,
        expenses=4,
        start=PERIOD[0],
        end=PERIOD[1],
        region="euc1",
        subdomain=subdomain,
    )


@pytest.fixture
def acme(sandbox: SandboxServer, connect: Callable[..., ApiClient]) -> ApiClient:
    """The double installed on a subdomain workspace `acme` in region `euc1`."""
    return connect(_acme(sandbox).id)


def test_urls_put_reports_on_the_subdomain_and_the_api_on_the_region() -> None:
    regional = ApiUrls.for_sandbox("http://s/", "euc1", "acme")
    global_ = ApiUrls.for_sandbox("http://s", None, "acme")

    assert regional.as_claims() == {
        "backendUrl": "http://s/regions/euc1/api",
        "reportsUrl": "http://s/subdomains/acme/report",
        "locationsUrl": "http://s/subdomains/acme/locations",
        "screenshotsUrl": "http://s/subdomains/acme/screenshots",
        "ptoUrl": "http://s/subdomains/acme/pto",
    }
    assert global_.backend_url == "http://s/api"
    assert global_.reports_url == "http://s/subdomains/acme/report"


def test_installation_token_names_the_subdomain_reports_url(
    sandbox: SandboxServer, addon: AddonDouble, install: Any, verify: Any
) -> None:
    ws = sandbox.state.add_workspace(name="Acme", region="euc1", subdomain="acme", users=[OWNER])

    assert install(ws.id).status_code == 201

    (post,) = addon.posts_to("/lifecycle/installed")
    body = post.json()
    claims = verify(body["authToken"])
    assert body["apiUrl"] == claims["backendUrl"] == f"{sandbox.url}/regions/euc1/api"
    assert claims["reportsUrl"] == f"{sandbox.url}/subdomains/acme/report"
    assert claims["ptoUrl"] == f"{sandbox.url}/subdomains/acme/pto"
    assert claims["workspaceId"] == ws.id


def test_component_user_token_names_the_subdomain_reports_url(
    sandbox: SandboxServer, acme: ApiClient, verify: Any
) -> None:
    page = requests.get(
        f"{sandbox.url}/workspaces/{acme.workspace_id}/addons/{acme.addon_id}/0", timeout=10
    )

    assert page.status_code == 200, page.text
    token = re.search(r"auth_token=([\w.-]+)", page.text)
    assert token is not None
    claims = verify(token.group(1))
    assert claims["reportsUrl"] == f"{sandbox.url}/subdomains/acme/report"
    assert claims["backendUrl"] == f"{sandbox.url}/regions/euc1/api"


def test_detailed_and_summary_reports_answer_on_the_subdomain_host(
    sandbox: SandboxServer, acme: ApiClient
) -> None:
    detailed = acme.report("detailed", DETAILED)
    summary = acme.report("summary", SUMMARY)

    assert acme.reports_url == f"{sandbox.url}/subdomains/acme/report"
    assert detailed.status_code == 200, detailed.text
    assert summary.status_code == 200, summary.text
    rows = detailed.json()["timeEntries"]
    assert len(rows) == 40
    assert summary.json()["totals"][0]["totalTime"] == sum(
        row["timeInterval"]["duration"] for row in rows
    )


def test_workspace_dto_shows_the_subdomain(client: ApiClient, acme: ApiClient) -> None:
    subdomain = acme.get("")
    plain = client.get("")

    assert subdomain.status_code == 200, subdomain.text
    assert subdomain.json()["subdomain"] == {"enabled": True, "name": "acme"}
    assert plain.json()["subdomain"] == {"enabled": False, "name": None}


@pytest.mark.parametrize(
    "host",
    ["reports", "regions/euc1/report", "subdomains/other/report"],
    ids=["global-reports", "regional-reports", "other-subdomain"],
)
def test_subdomain_token_on_another_reports_host_is_401_code_4017(
    sandbox: SandboxServer, acme: ApiClient, host: str
) -> None:
    _acme(sandbox, seed=32, subdomain="other")
    url = f"{sandbox.url}/{host}/v1/workspaces/{acme.workspace_id}/reports/detailed"

    response = acme.session.post(url, json=DETAILED, timeout=10)

    assert response.status_code == 401
    assert response.json() == {"message": "Token is not valid", "code": 4017}


def test_global_subdomain_workspace_has_reports_only_on_its_subdomain(
    sandbox: SandboxServer, connect: Callable[..., ApiClient]
) -> None:
    ws = generate_workspace(
        sandbox.state, 33, entries=5, expenses=0, start=PERIOD[0], end=PERIOD[1], subdomain="solo"
    )
    client = connect(ws.id)
    global_reports = f"{sandbox.url}/reports/v1/workspaces/{ws.id}/reports/detailed"

    api = client.get("")
    own = client.report("detailed", DETAILED)
    elsewhere = client.session.post(global_reports, json=DETAILED, timeout=10)

    assert client.backend_url == f"{sandbox.url}/api"
    assert client.reports_url == f"{sandbox.url}/subdomains/solo/report"
    assert (api.status_code, own.status_code) == (200, 200)
    assert (elsewhere.status_code, elsewhere.json()["code"]) == (401, 4017)


def test_subdomain_token_on_the_global_api_is_401_code_4017(
    sandbox: SandboxServer, acme: ApiClient
) -> None:
    url = f"{sandbox.url}/api/v1/workspaces/{acme.workspace_id}"

    response = acme.session.get(url, timeout=10)

    assert (response.status_code, response.json()["code"]) == (401, 4017)


def test_plain_workspace_token_on_a_subdomain_host_is_401_code_4017(
    sandbox: SandboxServer, client: ApiClient
) -> None:
    _acme(sandbox)
    url = f"{sandbox.url}/subdomains/acme/report/v1/workspaces/{client.workspace_id}"

    response = client.session.post(f"{url}/reports/summary", json=SUMMARY, timeout=10)

    assert response.status_code == 401
    assert response.json() == {"message": "Token is not valid", "code": 4017}


@pytest.mark.parametrize(
    "name",
    ["", "Acme", "-acme", "acme-", "acme.eu", "acme_eu", "acmé", "a" * 64],
    ids=[
        "empty",
        "upper",
        "leading-hyphen",
        "trailing-hyphen",
        "dot",
        "underscore",
        "accent",
        "64",
    ],
)
def test_invalid_subdomain_names_are_refused(name: str) -> None:
    state = SandboxState()

    with pytest.raises(ValueError, match="subdomain"):
        state.add_workspace(name="X", subdomain=name, users=[OWNER])
    with pytest.raises(ValueError, match="subdomain"):
        generate_workspace(
            state, 1, entries=1, expenses=0, start=PERIOD[0], end=PERIOD[1], subdomain=name
        )
    assert [ws.subdomain for ws in state.workspaces.values()] == [None]


def test_longest_and_shortest_labels_are_accepted() -> None:
    state = SandboxState()

    short = state.add_workspace(name="X", subdomain="x", users=[OWNER])
    long = state.add_workspace(name="Y", subdomain="a-" * 31 + "z", users=[OWNER])

    assert (short.subdomain, len(long.subdomain or "")) == ("x", 63)


def test_a_subdomain_names_one_workspace() -> None:
    state = SandboxState()
    state.add_workspace(name="Acme", subdomain="acme", users=[OWNER])

    with pytest.raises(Conflict, match="acme"):
        state.add_workspace(name="Acme too", region="euc1", subdomain="acme", users=[OWNER])


def test_generate_over_http_sets_or_refuses_a_subdomain(sandbox: SandboxServer) -> None:
    body = {"seed": 41, "entries": 5, "expenses": 0, "start": "2025-01-01", "end": "2025-01-31"}

    made = requests.post(
        f"{sandbox.url}/sandbox/generate", json={**body, "subdomain": "acme"}, timeout=10
    )
    refused = requests.post(
        f"{sandbox.url}/sandbox/generate",
        json={**body, "seed": 42, "subdomain": "Acme Corp"},
        timeout=10,
    )
    not_text = requests.post(
        f"{sandbox.url}/sandbox/generate", json={**body, "seed": 43, "subdomain": 7}, timeout=10
    )
    listed = requests.get(f"{sandbox.url}/sandbox/workspaces", timeout=10).json()

    assert made.status_code == 201, made.text
    assert made.json()["subdomain"] == "acme"
    assert sandbox.state.workspace(made.json()["id"]).subdomain == "acme"
    assert (refused.status_code, not_text.status_code) == (400, 400)
    assert "subdomain" in refused.json()["message"]
    assert {w["id"]: w["subdomain"] for w in listed}[made.json()["id"]] == "acme"


def test_generated_subdomain_workspace_is_otherwise_the_same(sandbox: SandboxServer) -> None:
    plain = generate_workspace(
        SandboxState(), 31, entries=40, expenses=4, start=PERIOD[0], end=PERIOD[1], region="euc1"
    )

    ws = _acme(sandbox)

    assert ws.id == plain.id
    assert ws.entries == plain.entries
    assert (ws.region, ws.subdomain, plain.subdomain) == ("euc1", "acme", None)
