"""Manifest, health probes, security headers and the sidebar page over the app's HTTP surface."""

from __future__ import annotations

import time
from typing import Any

import pytest
from flask.testing import FlaskClient

from addon import create_app
from addon.runtime import Runtime
from addon.settings import Settings
from tests.clockify import EU_URLS, OWNER_ID, WORKSPACE_ID, ClockifyActions


@pytest.mark.parametrize("path", ["/manifest", "/manifest.json"])
def test_manifest_is_served_with_the_configured_base_url(path: str, client: FlaskClient) -> None:
    response = client.get(path)

    assert response.status_code == 200
    assert response.json is not None
    assert response.json["baseUrl"] == "http://127.0.0.1:8080"
    assert response.json["key"] == "reports-invoices"


def test_healthz_and_readyz_answer_ok(client: FlaskClient) -> None:
    assert client.get("/healthz").json == {"status": "ok"}
    assert client.get("/readyz").json == {"status": "ok", "database": "ok"}


def test_readyz_answers_503_when_the_database_is_unreachable(settings: Settings) -> None:
    app = create_app(settings.with_(database_url="postgresql+psycopg://nobody@127.0.0.1:1/none"))

    response = app.test_client().get("/readyz")

    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "database": "unreachable"}
    assert app.test_client().get("/healthz").status_code == 200


def test_every_answer_carries_a_request_id_and_safe_headers(client: FlaskClient) -> None:
    response = client.get("/healthz", headers={"X-Request-Id": "req-12345678"})

    assert response.headers["X-Request-Id"] == "req-12345678"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def _sidebar(clockify: ClockifyActions, token: str) -> Any:
    return clockify.client.get("/sidebar", query_string={"auth_token": token})


def test_sidebar_shows_workspace_and_user_from_the_verified_token(
    clockify: ClockifyActions,
) -> None:
    clockify.urls = EU_URLS
    clockify.install()

    response = _sidebar(clockify, clockify.user_token(role="ADMIN"))

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert WORKSPACE_ID in page and OWNER_ID in page
    assert "euc1.clockify.me" in page
    assert "inactive-notice" not in page
    assert (
        "frame-ancestors 'self' https://*.clockify.me"
        in response.headers["Content-Security-Policy"]
    )
    assert response.headers["Cache-Control"] == "no-store"


def test_sidebar_of_an_inactive_installation_says_so(clockify: ClockifyActions) -> None:
    clockify.install()
    clockify.set_status("INACTIVE", now=time.time() + 1)

    page = _sidebar(clockify, clockify.user_token()).get_data(as_text=True)

    assert "inactive-notice" in page
    assert "Scheduled reports are paused" in page


def test_sidebar_before_install_answers_404_page(clockify: ClockifyActions) -> None:
    response = _sidebar(clockify, clockify.user_token())

    assert response.status_code == 404
    assert "not installed" in response.get_data(as_text=True)
    assert response.mimetype == "text/html"


def test_sidebar_refuses_a_regular_user(clockify: ClockifyActions) -> None:
    clockify.install()

    response = _sidebar(clockify, clockify.user_token(role="USER"))

    assert response.status_code == 403
    assert "owners and admins" in response.get_data(as_text=True)


@pytest.mark.parametrize("case", ["missing", "expired", "other installation"])
def test_sidebar_refuses_bad_user_tokens_with_401(
    case: str, clockify: ClockifyActions, runtime: Runtime
) -> None:
    clockify.install()
    tokens = {
        "missing": "",
        "expired": clockify.user_token(now=time.time() - 3600),
        "other installation": clockify.issuer.user_token(
            workspace_id=WORKSPACE_ID, addon_id="d" * 24, user_id=OWNER_ID, urls=EU_URLS
        ),
    }

    response = _sidebar(clockify, tokens[case])

    assert response.status_code == 401
    assert response.mimetype == "text/html"
    if tokens[case]:
        assert tokens[case] not in response.get_data(as_text=True)
