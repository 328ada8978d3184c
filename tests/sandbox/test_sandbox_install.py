"""Installing an add-on: manifest checks, the INSTALLED request and the tokens it carries."""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING, Any

import pytest
import requests

from sandbox import SEED_WORKSPACE_ID, SandboxServer
from sandbox.state import Role

if TYPE_CHECKING:  # the double lives in conftest; fixtures hand it over
    from tests.sandbox.conftest import AddonDouble


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_install_posts_documented_installed_payload(
    sandbox: SandboxServer, addon: AddonDouble, install: Any
) -> None:
    response = install()

    assert response.status_code == 201
    (post,) = addon.posts_to("/lifecycle/installed")
    body = post.json()
    assert response.json() == {"addonId": body["addonId"], "lifecycleStatus": 200}
    assert list(body) == [
        "addonId",
        "authToken",
        "workspaceId",
        "asUser",
        "apiUrl",
        "addonUserId",
        "webhooks",
    ]
    workspace = sandbox.state.workspace(SEED_WORKSPACE_ID)
    assert body["workspaceId"] == SEED_WORKSPACE_ID
    assert body["asUser"] == workspace.owner.id
    assert body["apiUrl"] == f"{sandbox.url}/api"
    assert len(body["addonId"]) == 24 and len(body["addonUserId"]) == 24
    assert [(h["path"], h["webhookType"]) for h in body["webhooks"]] == [
        (f"{addon.url}/webhooks/new-time-entry", "ADDON"),
        (f"{addon.url}/webhooks/time-entry-deleted", "ADDON"),
    ]
    assert post.headers["Content-Type"] == "application/json"
    assert post.headers["X-Addon-Lifecycle-Token"]


def test_lifecycle_and_installation_tokens_verify_against_published_key(
    sandbox: SandboxServer, addon: AddonDouble, installed: str, verify: Any
) -> None:
    (post,) = addon.posts_to("/lifecycle/installed")
    body = post.json()

    lifecycle = verify(post.headers["X-Addon-Lifecycle-Token"])
    installation = verify(body["authToken"])
    webhooks = [verify(hook["authToken"]) for hook in body["webhooks"]]

    for claims in (lifecycle, installation, *webhooks):
        assert claims["workspaceId"] == body["workspaceId"] == SEED_WORKSPACE_ID
        assert claims["addonId"] == body["addonId"] == installed
    assert "exp" not in installation  # documented as never expiring
    owner = sandbox.state.workspace(SEED_WORKSPACE_ID).owner
    assert installation["user"] == owner.id
    assert installation["backendUrl"] == f"{sandbox.url}/api"
    assert installation["reportsUrl"] == f"{sandbox.url}/reports"


def test_regional_workspace_gets_regional_urls_in_token_claims(
    sandbox: SandboxServer, addon: AddonDouble, install: Any, verify: Any
) -> None:
    regional = sandbox.state.add_workspace(
        name="Brandt & Kaya GmbH",
        region="euc1",
        users=[("Mira Brandt", "mira@brandt-kaya.example", Role.OWNER)],
    )

    assert install(regional.id).status_code == 201

    (post,) = addon.posts_to("/lifecycle/installed")
    body = post.json()
    claims = verify(body["authToken"])
    prefix = f"{sandbox.url}/regions/euc1"
    assert body["apiUrl"] == claims["backendUrl"] == f"{prefix}/api"
    assert claims["reportsUrl"] == f"{prefix}/report"
    assert claims["ptoUrl"] == f"{prefix}/pto"
    assert claims["workspaceId"] == regional.id


def test_install_reports_addon_error_status_and_keeps_installation(
    sandbox: SandboxServer, addon: AddonDouble, install: Any
) -> None:
    addon.status_code = 500

    response = install()

    assert response.status_code == 201
    assert response.json()["lifecycleStatus"] == 500
    assert sandbox.state.installations_of(SEED_WORKSPACE_ID)


@pytest.mark.parametrize(
    ("override", "reason"),
    [
        ({"key": "someone-else"}, "key"),
        ({"baseUrl": "ftp://files.example"}, "baseUrl"),
        ({"baseUrl": ""}, "baseUrl"),
        ({"minimalSubscriptionPlan": "GOLD"}, "minimalSubscriptionPlan"),
        ({"lifecycle": [{"type": "INSTALLED"}]}, "lifecycle[0].path"),
        ({"lifecycle": [{"type": "UPGRADED", "path": "/x"}]}, "lifecycle[0].type"),
        ({"lifecycle": [{"type": "INSTALLED", "path": "installed"}]}, "start with '/'"),
        ({"components": [{"type": "sidebar", "accessLevel": "ALL", "path": "/s"}]}, "accessLevel"),
    ],
)
def test_install_rejects_bad_manifest_with_reason(
    sandbox: SandboxServer, addon: AddonDouble, install: Any, override: dict[str, Any], reason: str
) -> None:
    addon.manifest.update(override)

    response = install()

    assert response.status_code == 422
    assert response.json()["code"] == "manifest_rejected"
    assert reason in response.json()["message"]
    assert addon.received == []
    assert sandbox.state.installations_of(SEED_WORKSPACE_ID) == []


def test_install_rejects_manifest_that_is_not_json(addon: AddonDouble, install: Any) -> None:
    response = install(manifest_url=f"{addon.url}/not-json")

    assert response.status_code == 422
    assert response.json()["message"] == "manifest is not valid JSON"


def test_install_does_not_follow_manifest_redirects(addon: AddonDouble, install: Any) -> None:
    response = install(manifest_url=f"{addon.url}/moved")

    assert response.status_code == 422
    assert "redirects are not followed" in response.json()["message"]


def test_install_reports_unreachable_manifest_with_502(install: Any) -> None:
    response = install(manifest_url=f"http://127.0.0.1:{_closed_port()}/manifest")

    assert response.status_code == 502
    assert response.json()["code"] == "addon_unreachable"
    assert "could not fetch the manifest" in response.json()["message"]


def test_install_reports_unreachable_addon_and_keeps_nothing(
    sandbox: SandboxServer, addon: AddonDouble, install: Any
) -> None:
    addon.manifest["baseUrl"] = f"http://127.0.0.1:{_closed_port()}"

    response = install()

    assert response.status_code == 502
    assert "did not answer INSTALLED" in response.json()["message"]
    assert sandbox.state.installations_of(SEED_WORKSPACE_ID) == []


def test_second_install_on_same_workspace_conflicts(install: Any, installed: str) -> None:
    response = install()

    assert response.status_code == 409
    assert installed in response.json()["message"]


def test_user_role_cannot_install(sandbox: SandboxServer, addon: AddonDouble) -> None:
    workspace = sandbox.state.workspace(SEED_WORKSPACE_ID)
    member = next(u for u in workspace.users.values() if u.role is Role.USER)

    response = requests.post(
        f"{sandbox.url}/sandbox/workspaces/{SEED_WORKSPACE_ID}/addons?as={member.id}",
        json={"manifestUrl": f"{addon.url}/manifest"},
        timeout=30,
    )

    assert response.status_code == 403
    assert addon.received == []


def test_workspace_below_minimal_plan_cannot_install(
    sandbox: SandboxServer, addon: AddonDouble, install: Any
) -> None:
    free = sandbox.state.add_workspace(
        name="Solo", plan="FREE", users=[("Ana Solo", "ana@solo.example", Role.OWNER)]
    )

    response = install(free.id)

    assert response.status_code == 403
    assert "minimal plan PRO" in response.json()["message"]


def test_install_on_unknown_workspace_is_404(install: Any) -> None:
    response = install("0" * 24)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_public_key_is_served_as_pem_text(sandbox: SandboxServer) -> None:
    response = requests.get(f"{sandbox.url}/sandbox/public-key", timeout=10)

    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.text == sandbox.issuer.public_key_pem
    assert response.text.startswith("-----BEGIN PUBLIC KEY-----")


def test_manifest_key_must_match_issuer_key_exactly(
    sandbox: SandboxServer, addon: AddonDouble, install: Any
) -> None:
    addon.manifest["key"] = sandbox.issuer.addon_key.upper()

    assert install().status_code == 422
