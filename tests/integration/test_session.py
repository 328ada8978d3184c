"""The sidebar's session exchange: Clockify token in, our short-lived session out, and the CSP."""

from __future__ import annotations

import re
import time

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeSerializer

from addon.runtime import Runtime
from addon.web.session import SESSION_SECONDS, SessionClaims, SessionSigner
from tests.clockify import ADDON_ID, OWNER_ID, WORKSPACE_ID, ClockifyActions

_META = re.compile(r'<meta name="session" content="([^"]+)">')
_NONCE = re.compile(r"script-src 'self' 'nonce-([A-Za-z0-9_-]+)'")


def page_session(clockify: ClockifyActions, token: str | None = None) -> str:
    """The session the sidebar page was rendered with."""
    token = token or clockify.user_token()
    page = clockify.client.get("/sidebar", query_string={"auth_token": token})
    assert page.status_code == 200
    found = _META.search(page.get_data(as_text=True))
    assert found is not None
    return found.group(1)


def bearer(session: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {session}"}


def test_sidebar_page_holds_a_session_and_never_the_clockify_token(
    clockify: ClockifyActions, runtime: Runtime, app: Flask
) -> None:
    clockify.install()
    token = clockify.user_token(role="ADMIN")

    response = clockify.client.get("/sidebar", query_string={"auth_token": token})

    page = response.get_data(as_text=True)
    session = _META.search(page)
    assert response.status_code == 200
    assert session is not None
    signer: SessionSigner = app.extensions["addon.session"]
    claims = signer.verify(session.group(1), now=time.time())
    assert (claims.workspace_id, claims.role) == (WORKSPACE_ID, "ADMIN")
    assert token not in page
    for part in token.split("."):
        assert part not in page
    assert '<script src="/static/sidebar.js"' in page
    listed = clockify.client.get("/api/schedules", headers=bearer(session.group(1)))
    assert listed.status_code == 200
    assert listed.json == {"schedules": []}


def test_session_lives_fifteen_minutes_at_most_and_never_past_the_clockify_token(
    clockify: ClockifyActions, runtime: Runtime
) -> None:
    clockify.install()
    now = time.time()
    fresh = page_session(clockify, clockify.user_token(now=now))
    ending = page_session(clockify, clockify.user_token(now=now - 1700))  # exp in ~100 s

    later = runtime.clock
    runtime.clock = lambda: later() + SESSION_SECONDS - 5
    assert clockify.client.get("/api/schedules", headers=bearer(fresh)).status_code == 200
    expired = clockify.client.get("/api/schedules", headers=bearer(ending))

    assert expired.status_code == 401
    assert expired.json is not None and expired.json["error"] == "session_expired"
    runtime.clock = lambda: later() + SESSION_SECONDS + 1
    assert clockify.client.get("/api/schedules", headers=bearer(fresh)).json == {
        "error": "session_expired",
        "message": "session has expired: refresh the Clockify token",
    }


def test_a_session_of_the_previous_format_reads_as_expired_so_the_page_refreshes_it(
    clockify: ClockifyActions,
) -> None:
    clockify.install()

    answer = clockify.client.get("/api/schedules", headers=bearer("s1.eyJ3cyI6IngifQ.c2ln"))

    assert answer.status_code == 401
    assert answer.json is not None and answer.json["error"] == "session_expired"


def test_forged_sessions_are_refused_with_401(clockify: ClockifyActions, app: Flask) -> None:
    clockify.install()
    genuine = page_session(clockify)
    payload, mac = genuine.rsplit(".", 1)
    other_key = SessionSigner((b"k" * 32,)).issue(
        SessionClaims(WORKSPACE_ID, ADDON_ID, OWNER_ID, "OWNER", int(time.time()) + 600)
    )
    codec = URLSafeSerializer("any key: only the payload codec is used")
    claims = codec.load_payload(payload.encode())
    claims["r"], claims["exp"] = "OWNER", claims["exp"] + 10_000
    tampered = codec.dump_payload(claims).decode()
    forged = {
        "missing": None,
        "not bearer": f"Basic {genuine}",
        "garbage": "Bearer nonsense",
        "other key": f"Bearer {other_key}",
        "tampered body": f"Bearer {tampered}.{mac}",
        "clockify token": f"Bearer {clockify.user_token()}",
    }

    for case, header in forged.items():
        headers = {"Authorization": header} if header else {}
        response = clockify.client.get("/api/schedules", headers=headers)
        assert response.status_code == 401, case
        assert response.json is not None and response.json["error"] == "invalid_session", case


def test_sessions_end_when_the_addon_is_deactivated_or_removed(clockify: ClockifyActions) -> None:
    clockify.install()
    session = page_session(clockify)

    clockify.set_status("INACTIVE", now=time.time() + 1)
    inactive = clockify.client.get("/api/schedules", headers=bearer(session))
    page = clockify.client.get("/sidebar", query_string={"auth_token": clockify.user_token()})
    clockify.uninstall()
    removed = clockify.client.get("/api/schedules", headers=bearer(session))

    assert inactive.status_code == 401 and removed.status_code == 401
    assert "inactive-notice" in page.get_data(as_text=True)
    assert _META.search(page.get_data(as_text=True)) is None


def test_exchange_takes_a_fresh_clockify_token_in_the_json_body(
    clockify: ClockifyActions,
) -> None:
    clockify.install()
    token = clockify.user_token()

    response = clockify.client.post("/api/session", json={"auth_token": token})

    assert response.status_code == 200
    assert response.json is not None
    assert set(response.json) == {"session", "expires_at"}
    assert token not in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    session = response.json["session"]
    assert clockify.client.get("/api/schedules", headers=bearer(session)).status_code == 200


@pytest.mark.parametrize(
    ("case", "status", "error"),
    [
        ("query string only", 401, "invalid_token"),
        ("form body", 415, "unsupported_media_type"),
        ("expired token", 401, "invalid_token"),
        ("regular user", 403, "forbidden"),
        ("foreign origin", 403, "origin_not_allowed"),
    ],
)
def test_exchange_refuses_what_it_must(
    case: str, status: int, error: str, clockify: ClockifyActions
) -> None:
    clockify.install()
    client: FlaskClient = clockify.client
    token = clockify.user_token()
    calls = {
        "query string only": lambda: client.post(
            "/api/session", query_string={"auth_token": token}, json={}
        ),
        "form body": lambda: client.post("/api/session", data={"auth_token": token}),
        "expired token": lambda: client.post(
            "/api/session", json={"auth_token": clockify.user_token(now=time.time() - 3600)}
        ),
        "regular user": lambda: client.post(
            "/api/session", json={"auth_token": clockify.user_token(role="USER")}
        ),
        "foreign origin": lambda: client.post(
            "/api/session", json={"auth_token": token}, headers={"Origin": "https://evil.test"}
        ),
    }

    response = calls[case]()

    assert response.status_code == status
    assert response.json is not None and response.json["error"] == error
    assert token not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("http://localhost", True),
        ("https://app.clockify.me", True),
        ("https://developer.clockify.me", True),
        ("https://clockify.me.evil.test", False),
        ("http://app.clockify.me", False),
        ("null", False),
    ],
)
def test_state_changes_accept_only_our_origin_and_the_frame_ancestors(
    origin: str, allowed: bool, clockify: ClockifyActions
) -> None:
    clockify.install()

    response = clockify.client.post(
        "/api/session", json={"auth_token": clockify.user_token()}, headers={"Origin": origin}
    )

    assert (response.status_code == 200) is allowed
    if not allowed:
        assert response.status_code == 403


def test_sidebar_csp_allows_only_own_scripts_with_a_fresh_nonce_per_response(
    clockify: ClockifyActions,
) -> None:
    clockify.install()
    nonces = []
    for _ in range(2):
        response = clockify.client.get(
            "/sidebar", query_string={"auth_token": clockify.user_token()}
        )
        csp = response.headers["Content-Security-Policy"]
        found = _NONCE.search(csp)
        assert found is not None
        nonce = found.group(1)
        assert f'nonce="{nonce}"' in response.get_data(as_text=True)
        assert "frame-ancestors 'self' https://*.clockify.me;" in csp
        assert "default-src 'self'" in csp and "object-src 'none'" in csp
        assert "base-uri 'none'" in csp and "'unsafe-inline'" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"
        nonces.append(nonce)

    assert nonces[0] != nonces[1] and len(nonces[0]) >= 16


def test_frame_ancestors_follow_the_configuration(clockify: ClockifyActions, app: Flask) -> None:
    from addon import create_app

    runtime: Runtime = app.extensions["addon"]
    sandboxed = create_app(runtime.settings.with_(frame_ancestors=("http://127.0.0.1:5001",)))
    try:
        response = sandboxed.test_client().get("/sidebar")
    finally:
        sandboxed.extensions["addon"].engine.dispose()

    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' http://127.0.0.1:5001;" in csp
    assert "clockify.me" not in csp


def test_the_page_script_is_served_from_our_origin(client: FlaskClient) -> None:
    response = client.get("/static/sidebar.js")

    script = response.get_data(as_text=True)
    response.close()
    assert response.status_code == 200
    assert "history.replaceState" in script and "refreshAddonToken" in script
    assert '"/api/session"' in script and "Authorization" in script
