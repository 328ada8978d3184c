"""After install: settings, status, uninstall and redelivery, each with its documented payload."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import requests

from sandbox import SEED_WORKSPACE_ID, SandboxServer
from sandbox.state import Role

if TYPE_CHECKING:  # the double lives in conftest; fixtures hand it over
    from tests.sandbox.conftest import AddonDouble


def _addon_url(sandbox: SandboxServer, addon_id: str, suffix: str = "") -> str:
    return f"{sandbox.url}/sandbox/workspaces/{SEED_WORKSPACE_ID}/addons/{addon_id}{suffix}"


def _member(sandbox: SandboxServer, role: Role) -> str:
    workspace = sandbox.state.workspace(SEED_WORKSPACE_ID)
    return next(u.id for u in workspace.users.values() if u.role is role)


def test_initial_settings_come_from_manifest_tabs_and_groups(
    sandbox: SandboxServer, installed: str
) -> None:
    response = requests.get(_addon_url(sandbox, installed), timeout=10)

    assert response.json()["settings"] == [
        {"id": "invoice-prefix", "name": "Invoice prefix", "value": "INV-"},
        {"id": "rounding", "name": "Rounding", "value": "1"},
        {"id": "send-copy", "name": "Send me a copy", "value": False},
    ]


def test_settings_update_sends_flat_settings_list(
    sandbox: SandboxServer, addon: AddonDouble, installed: str, verify: Any
) -> None:
    response = requests.patch(
        _addon_url(sandbox, installed, "/settings"),
        json=[{"id": "rounding", "value": "15"}, {"id": "send-copy", "value": True}],
        timeout=30,
    )

    assert response.json() == {"addonId": installed, "lifecycleStatus": 200}
    (post,) = addon.posts_to("/lifecycle/settings-updated")
    assert post.json() == {
        "workspaceId": SEED_WORKSPACE_ID,
        "addonId": installed,
        "settings": [
            {"id": "invoice-prefix", "name": "Invoice prefix", "value": "INV-"},
            {"id": "rounding", "name": "Rounding", "value": "15"},
            {"id": "send-copy", "name": "Send me a copy", "value": True},
        ],
    }
    assert verify(post.headers["X-Addon-Lifecycle-Token"])["addonId"] == installed


def test_settings_update_rejects_unknown_setting_and_changes_nothing(
    sandbox: SandboxServer, addon: AddonDouble, installed: str
) -> None:
    response = requests.patch(
        _addon_url(sandbox, installed, "/settings"),
        json=[{"id": "rounding", "value": "15"}, {"id": "colour", "value": "red"}],
        timeout=30,
    )

    assert response.status_code == 404
    assert addon.posts_to("/lifecycle/settings-updated") == []
    settings = requests.get(_addon_url(sandbox, installed), timeout=10).json()["settings"]
    assert settings[1]["value"] == "1"


def test_settings_update_rejects_value_outside_allowed_values(
    sandbox: SandboxServer, installed: str
) -> None:
    response = requests.patch(
        _addon_url(sandbox, installed, "/settings"),
        json=[{"id": "rounding", "value": "7"}],
        timeout=30,
    )

    assert response.status_code == 400
    assert "rounding" in response.json()["message"]


def test_user_may_change_everyone_setting_but_not_admins_setting(
    sandbox: SandboxServer, installed: str
) -> None:
    member = _member(sandbox, Role.USER)
    url = _addon_url(sandbox, installed, f"/settings?as={member}")

    allowed = requests.patch(url, json=[{"id": "send-copy", "value": True}], timeout=30)
    refused = requests.patch(url, json=[{"id": "invoice-prefix", "value": "X"}], timeout=30)

    assert allowed.status_code == 200
    assert refused.status_code == 403


def test_status_change_sends_status_changed_payload(
    sandbox: SandboxServer, addon: AddonDouble, installed: str
) -> None:
    response = requests.post(
        _addon_url(sandbox, installed, "/status"), json={"status": "INACTIVE"}, timeout=30
    )

    assert response.json()["lifecycleStatus"] == 200
    (post,) = addon.posts_to("/lifecycle/status-changed")
    assert post.json() == {
        "addonId": installed,
        "workspaceId": SEED_WORKSPACE_ID,
        "status": "INACTIVE",
    }
    assert sandbox.state.installation(SEED_WORKSPACE_ID, installed).status == "INACTIVE"


def test_status_change_to_current_status_sends_nothing(
    sandbox: SandboxServer, addon: AddonDouble, installed: str
) -> None:
    response = requests.post(
        _addon_url(sandbox, installed, "/status"), json={"status": "ACTIVE"}, timeout=30
    )

    assert response.json()["lifecycleStatus"] is None
    assert addon.posts_to("/lifecycle/status-changed") == []


def test_delete_sends_deleted_payload_and_forgets_installation(
    sandbox: SandboxServer, addon: AddonDouble, installed: str
) -> None:
    admin = _member(sandbox, Role.ADMIN)

    response = requests.delete(_addon_url(sandbox, installed, f"?as={admin}"), timeout=30)

    assert response.json() == {"addonId": installed, "lifecycleStatus": 200}
    (post,) = addon.posts_to("/lifecycle/deleted")
    assert post.json() == {"addonId": installed, "workspaceId": SEED_WORKSPACE_ID, "asUser": admin}
    assert sandbox.state.installations_of(SEED_WORKSPACE_ID) == []
    assert requests.get(_addon_url(sandbox, installed), timeout=10).status_code == 404


def test_redeliver_resends_last_payload_byte_identically(
    sandbox: SandboxServer, addon: AddonDouble, installed: str
) -> None:
    response = requests.post(
        _addon_url(sandbox, installed, "/redeliver"), json={"type": "INSTALLED"}, timeout=30
    )

    assert response.json() == {"addonId": installed, "type": "INSTALLED", "lifecycleStatus": 200}
    first, again = addon.posts_to("/lifecycle/installed")
    assert again.body == first.body
    assert again.headers["X-Addon-Lifecycle-Token"] == first.headers["X-Addon-Lifecycle-Token"]


def test_redeliver_deleted_works_after_uninstall(
    sandbox: SandboxServer, addon: AddonDouble, installed: str
) -> None:
    requests.delete(_addon_url(sandbox, installed), timeout=30)

    response = requests.post(
        _addon_url(sandbox, installed, "/redeliver"), json={"type": "DELETED"}, timeout=30
    )

    assert response.status_code == 200
    first, again = addon.posts_to("/lifecycle/deleted")
    assert again.body == first.body


def test_redeliver_without_earlier_delivery_is_404(sandbox: SandboxServer, installed: str) -> None:
    response = requests.post(
        _addon_url(sandbox, installed, "/redeliver"), json={"type": "STATUS_CHANGED"}, timeout=30
    )

    assert response.status_code == 404
    assert "STATUS_CHANGED" in response.json()["message"]


def test_undeclared_lifecycle_type_is_not_sent(
    sandbox: SandboxServer, addon: AddonDouble, install: Any
) -> None:
    addon.manifest["lifecycle"] = [{"type": "INSTALLED", "path": "/lifecycle/installed"}]
    addon_id = install().json()["addonId"]

    response = requests.post(
        _addon_url(sandbox, addon_id, "/status"), json={"status": "INACTIVE"}, timeout=30
    )

    assert response.json()["lifecycleStatus"] is None
    assert [r.path for r in addon.received] == ["/lifecycle/installed"]


def test_delivery_log_records_each_status_code(
    sandbox: SandboxServer, addon: AddonDouble, installed: str
) -> None:
    addon.status_code = 503
    requests.post(
        _addon_url(sandbox, installed, "/status"), json={"status": "INACTIVE"}, timeout=30
    )

    deliveries = requests.get(_addon_url(sandbox, installed), timeout=10).json()["deliveries"]

    assert [(d["type"], d["statusCode"]) for d in deliveries] == [
        ("INSTALLED", 200),
        ("STATUS_CHANGED", 503),
    ]


def test_reset_restores_seeded_state(sandbox: SandboxServer, installed: str) -> None:
    seeded = requests.get(f"{sandbox.url}/sandbox/workspaces", timeout=10).json()

    assert requests.post(f"{sandbox.url}/sandbox/reset", timeout=10).status_code == 204

    after = requests.get(f"{sandbox.url}/sandbox/workspaces", timeout=10).json()
    assert seeded[0]["addons"] == [installed]
    assert after == [{**seeded[0], "addons": []}]
