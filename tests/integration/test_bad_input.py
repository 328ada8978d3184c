"""Bad input gets a clear JSON 4xx with a reason, and nothing is stored."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from addon.runtime import Runtime
from addon.store.models import Installation, RemovedInstallation
from sandbox.tokens import TokenIssuer
from tests.clockify import ADDON_ID, GLOBAL_URLS, OWNER_ID, WORKSPACE_ID, ClockifyActions


def _rows(runtime: Runtime) -> int:
    with runtime.sessions() as session:
        installs = session.scalar(select(func.count()).select_from(Installation)) or 0
        removed = session.scalar(select(func.count()).select_from(RemovedInstallation)) or 0
    return installs + removed


def _lifecycle_forgeries(issuer: TokenIssuer) -> dict[str, str]:
    stranger = TokenIssuer(addon_key=issuer.addon_key)
    base = {
        "iss": "clockify",
        "sub": issuer.addon_key,
        "type": "addon",
        "workspaceId": WORKSPACE_ID,
        "addonId": ADDON_ID,
    }
    return {
        "missing": "",
        "wrong key": stranger.lifecycle_token(workspace_id=WORKSPACE_ID, addon_id=ADDON_ID),
        "wrong issuer": issuer.sign({**base, "iss": "someone"}),
        "wrong subject": issuer.sign({**base, "sub": "other-addon"}),
        "wrong type": issuer.sign({**base, "type": "user"}),
        "expired": issuer.sign({**base, "exp": 1_000_000_000}),
        "another workspace": issuer.sign({**base, "workspaceId": "a" * 24}),
        "another installation": issuer.sign({**base, "addonId": "b" * 24}),
    }


@pytest.mark.parametrize("event", ["INSTALLED", "DELETED", "STATUS_CHANGED", "SETTINGS_UPDATED"])
@pytest.mark.parametrize("case", list(_lifecycle_forgeries(TokenIssuer(addon_key="x")).keys()))
def test_forged_lifecycle_token_is_rejected_with_401_and_nothing_stored(
    event: str, case: str, clockify: ClockifyActions, runtime: Runtime, issuer: TokenIssuer
) -> None:
    token = _lifecycle_forgeries(issuer)[case]
    body = (
        clockify.installed_body()
        if event == "INSTALLED"
        else {
            "workspaceId": WORKSPACE_ID,
            "addonId": ADDON_ID,
            "status": "INACTIVE",
            "settings": [],
        }
    )

    response = clockify.post(event, body, token=token)

    assert response.status_code == 401, response.json
    assert response.json is not None
    assert response.json["error"] == "invalid_token"
    assert response.json["message"]
    assert _rows(runtime) == 0


def test_installed_with_forged_installation_token_is_rejected(
    clockify: ClockifyActions, runtime: Runtime
) -> None:
    forged = TokenIssuer(addon_key=clockify.issuer.addon_key).installation_token(
        workspace_id=WORKSPACE_ID, addon_id=ADDON_ID, owner_id=OWNER_ID, urls=GLOBAL_URLS
    )

    response = clockify.post("INSTALLED", clockify.installed_body(token=forged))

    assert response.status_code == 401
    assert response.json is not None and "installation token" in response.json["message"]
    assert _rows(runtime) == 0


def test_installed_whose_token_names_another_workspace_is_rejected(
    clockify: ClockifyActions, runtime: Runtime
) -> None:
    other = clockify.issuer.installation_token(
        workspace_id="c" * 24, addon_id=ADDON_ID, owner_id=OWNER_ID, urls=GLOBAL_URLS
    )

    response = clockify.post("INSTALLED", clockify.installed_body(token=other))

    assert response.status_code == 401
    assert _rows(runtime) == 0


def test_installed_with_forged_webhook_token_is_rejected(
    clockify: ClockifyActions, runtime: Runtime
) -> None:
    body = clockify.installed_body()
    body["webhooks"][0]["authToken"] = TokenIssuer(addon_key="x").webhook_token(
        workspace_id=WORKSPACE_ID, addon_id=ADDON_ID
    )

    response = clockify.post("INSTALLED", body)

    assert response.status_code == 401
    assert _rows(runtime) == 0


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "JSON object"),
        (b"\xff\xfe", "UTF-8"),
        (b"", "not valid JSON"),
    ],
)
def test_malformed_json_answers_400(
    raw: bytes, reason: str, clockify: ClockifyActions, runtime: Runtime
) -> None:
    response = clockify.post("INSTALLED", raw)

    assert response.status_code == 400
    assert response.json is not None and reason in response.json["message"]
    assert _rows(runtime) == 0


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda b: b.pop("authToken"), "authToken"),
        (lambda b: b.update(apiUrl="ftp://files"), "apiUrl"),
        (lambda b: b.update(workspaceId=["list"]), "workspaceId"),
        (lambda b: b.update(webhooks={"not": "a list"}), "webhooks"),
        (lambda b: b["webhooks"][0].pop("path"), "webhooks[0].path"),
    ],
)
def test_installed_with_invalid_field_names_it(
    mutate: object, field: str, clockify: ClockifyActions, runtime: Runtime
) -> None:
    body = clockify.installed_body()
    mutate(body)  # type: ignore[operator]

    response = clockify.post("INSTALLED", body)

    assert response.status_code in (400, 401)
    assert response.json is not None and field in response.json["message"]
    assert _rows(runtime) == 0


def test_status_changed_with_unknown_status_answers_400(clockify: ClockifyActions) -> None:
    clockify.install()

    response = clockify.set_status("SLEEPING")

    assert response.status_code == 400
    assert response.json is not None and "ACTIVE or INACTIVE" in response.json["message"]


def test_settings_with_object_value_answers_400(clockify: ClockifyActions) -> None:
    clockify.install()

    response = clockify.update_settings([{"id": "x", "name": "X", "value": {"nested": 1}}])

    assert response.status_code == 400
    assert response.json is not None and "settings[0].value" in response.json["message"]


def test_wrong_content_type_answers_415(clockify: ClockifyActions, runtime: Runtime) -> None:
    body = json.dumps(clockify.installed_body())

    response = clockify.post("INSTALLED", body, content_type="text/plain")

    assert response.status_code == 415
    assert response.json is not None and response.json["error"] == "unsupported_media_type"
    assert _rows(runtime) == 0


def test_oversized_body_answers_413(clockify: ClockifyActions, runtime: Runtime) -> None:
    body = clockify.installed_body()
    body["padding"] = "x" * (runtime.settings.max_body_bytes + 1)

    response = clockify.post("INSTALLED", body)

    assert response.status_code == 413
    assert response.json is not None and response.json["error"] == "request_entity_too_large"
    assert _rows(runtime) == 0


def test_unknown_route_and_method_answer_json(clockify: ClockifyActions) -> None:
    missing = clockify.client.get("/nope")
    wrong_method = clockify.client.get("/lifecycle/installed")

    assert missing.status_code == 404 and missing.json is not None
    assert wrong_method.status_code == 405 and wrong_method.json is not None


def test_error_answers_never_echo_the_token(clockify: ClockifyActions) -> None:
    stranger = TokenIssuer(addon_key=clockify.issuer.addon_key)
    token = stranger.lifecycle_token(workspace_id=WORKSPACE_ID, addon_id=ADDON_ID)

    response = clockify.post("INSTALLED", clockify.installed_body(), token=token)

    assert token not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
