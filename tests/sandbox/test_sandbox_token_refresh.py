"""The shell's side of `refreshAddonToken`: the token endpoint, its refusals, the lifetime knob."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

from sandbox import SEED_WORKSPACE_ID, SandboxServer
from sandbox.state import Role


def _member(sandbox: SandboxServer, role: Role) -> str:
    workspace = sandbox.state.workspace(SEED_WORKSPACE_ID)
    return next(u.id for u in workspace.users.values() if u.role is role)


def _token_url(sandbox: SandboxServer, addon_id: str, index: int, viewer: str | None) -> str:
    url = f"{sandbox.url}/workspaces/{SEED_WORKSPACE_ID}/addons/{addon_id}/{index}/token"
    return f"{url}?as={viewer}" if viewer else url


def _refresh(
    sandbox: SandboxServer, addon_id: str, index: int = 0, viewer: str | None = None
) -> requests.Response:
    return requests.post(_token_url(sandbox, addon_id, index, viewer), timeout=10)


def _user_tokens(sandbox: SandboxServer) -> dict[str, Any]:
    response = requests.get(f"{sandbox.url}/sandbox/user-tokens", timeout=10)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _set_lifetime(sandbox: SandboxServer, value: Any) -> requests.Response:
    return requests.put(
        f"{sandbox.url}/sandbox/user-tokens", json={"lifetimeSeconds": value}, timeout=10
    )


def _page_token(sandbox: SandboxServer, addon_id: str, index: int = 0) -> str:
    page = requests.get(
        f"{sandbox.url}/workspaces/{SEED_WORKSPACE_ID}/addons/{addon_id}/{index}", timeout=10
    )
    assert page.status_code == 200, page.text
    match = re.search(r'<iframe[^>]*src="([^"]+)"', page.text)
    assert match, "no iframe on the component page"
    (token,) = parse_qs(urlsplit(match.group(1).replace("&amp;", "&")).query)["auth_token"]
    return token


def test_token_endpoint_mints_a_user_token_for_the_viewer_and_counts_it(
    sandbox: SandboxServer, installed: str, verify: Any
) -> None:
    admin = _member(sandbox, Role.ADMIN)

    response = _refresh(sandbox, installed, index=1, viewer=admin)

    assert response.status_code == 200, response.text
    assert response.headers["Cache-Control"] == "no-store"
    claims = verify(response.json()["token"])
    assert claims["exp"] == claims["iat"] + 1800
    assert claims["user"] == admin
    assert claims["workspaceRole"] == "ADMIN"
    assert claims["workspaceId"] == SEED_WORKSPACE_ID
    assert claims["addonId"] == installed
    assert claims["backendUrl"] == f"{sandbox.url}/api"
    assert _user_tokens(sandbox) == {"lifetimeSeconds": 1800, "refreshes": 1}


def test_token_endpoint_defaults_to_the_workspace_owner(
    sandbox: SandboxServer, installed: str, verify: Any
) -> None:
    response = _refresh(sandbox, installed)

    assert response.status_code == 200, response.text
    owner = sandbox.state.workspace(SEED_WORKSPACE_ID).owner
    assert verify(response.json()["token"])["user"] == owner.id


def test_token_endpoint_refuses_unknown_addon_component_or_viewer_with_404(
    sandbox: SandboxServer, installed: str
) -> None:
    assert _refresh(sandbox, "0" * 24).status_code == 404
    assert _refresh(sandbox, installed, index=2).status_code == 404
    assert _refresh(sandbox, installed, viewer="nobody").status_code == 404
    unknown_workspace = requests.post(
        f"{sandbox.url}/workspaces/{'f' * 24}/addons/{installed}/0/token", timeout=10
    )
    assert unknown_workspace.status_code == 404
    assert _user_tokens(sandbox)["refreshes"] == 0


def test_token_endpoint_refuses_admins_component_to_a_user_with_403(
    sandbox: SandboxServer, installed: str
) -> None:
    member = _member(sandbox, Role.USER)

    refused = _refresh(sandbox, installed, index=1, viewer=member)

    assert refused.status_code == 403
    assert "eyJ" not in refused.text
    assert _refresh(sandbox, installed, index=0, viewer=member).status_code == 200
    assert _user_tokens(sandbox)["refreshes"] == 1


def test_token_endpoint_refuses_an_inactive_installation_with_409(
    sandbox: SandboxServer, installed: str
) -> None:
    status = requests.post(
        f"{sandbox.url}/sandbox/workspaces/{SEED_WORKSPACE_ID}/addons/{installed}/status",
        json={"status": "INACTIVE"},
        timeout=30,
    )
    assert status.ok, status.text

    refused = _refresh(sandbox, installed)

    assert refused.status_code == 409
    assert "inactive" in refused.text
    assert _user_tokens(sandbox)["refreshes"] == 0


def test_token_endpoint_refuses_an_uninstalled_addon_with_404(
    sandbox: SandboxServer, installed: str
) -> None:
    sandbox.state.remove_installation(installed)

    assert _refresh(sandbox, installed).status_code == 404


def test_token_endpoint_answers_only_post(sandbox: SandboxServer, installed: str) -> None:
    response = requests.get(_token_url(sandbox, installed, 0, None), timeout=10)

    assert response.status_code == 405
    assert _user_tokens(sandbox)["refreshes"] == 0


def test_user_token_lifetime_applies_to_page_and_refresh(
    sandbox: SandboxServer, installed: str, verify: Any
) -> None:
    changed = _set_lifetime(sandbox, 5)

    assert changed.status_code == 200, changed.text
    assert changed.json() == {"lifetimeSeconds": 5, "refreshes": 0}
    page_claims = verify(_page_token(sandbox, installed))
    assert page_claims["exp"] == page_claims["iat"] + 5
    refreshed = verify(_refresh(sandbox, installed).json()["token"])
    assert refreshed["exp"] == refreshed["iat"] + 5


def test_user_token_lifetime_rejects_values_that_are_not_whole_positive_seconds(
    sandbox: SandboxServer,
) -> None:
    for value in (0, -1, 86_401, 2.5, "60", True, None):
        response = _set_lifetime(sandbox, value)
        assert response.status_code == 400, value
        assert response.json()["code"] == "bad_request"

    assert _user_tokens(sandbox)["lifetimeSeconds"] == 1800


def test_reset_restores_lifetime_and_forgets_refreshes(
    sandbox: SandboxServer, installed: str
) -> None:
    assert _set_lifetime(sandbox, 3).ok
    assert _refresh(sandbox, installed).ok

    assert requests.post(f"{sandbox.url}/sandbox/reset", timeout=10).ok

    assert _user_tokens(sandbox) == {"lifetimeSeconds": 1800, "refreshes": 0}


def test_component_page_tells_its_script_the_addon_origin_and_token_url(
    sandbox: SandboxServer, addon: Any, installed: str
) -> None:
    member = _member(sandbox, Role.USER)
    path = f"/workspaces/{SEED_WORKSPACE_ID}/addons/{installed}/0"

    page = requests.get(f"{sandbox.url}{path}?as={member}", timeout=10).text

    assert f'data-addon-origin="{addon.url}"' in page
    assert f'data-token-url="{path}/token?as={member}"' in page
