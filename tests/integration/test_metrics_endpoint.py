"""`GET /metrics` on the web app and on a process's own bind: who may read it, what it says."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from addon import create_app
from addon.logs import JsonFormatter
from addon.observe.backlog import Backlog
from addon.observe.server import MetricsServer, serve_metrics, serve_metrics_if_configured
from addon.settings import Secret, Settings
from sandbox.tokens import TokenIssuer
from tests.clockify import WORKSPACE_ID, ClockifyActions

TOKEN = "metrics-token-for-the-tests-0123"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def metered(settings: Settings) -> Iterator[Flask]:
    app = create_app(settings.with_(metrics_token=Secret(TOKEN)))
    app.config.update(TESTING=True)
    yield app
    app.extensions["addon"].engine.dispose()


@pytest.fixture
def scraper(metered: Flask) -> FlaskClient:
    return metered.test_client()


def _sample(text: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    prefix = f"{name}{{{wanted}}} " if labels else f"{name} "
    found = [line for line in text.splitlines() if line.startswith(prefix)]
    return float(found[0].split()[-1]) if found else 0.0


def test_metrics_do_not_exist_without_a_configured_token(client: FlaskClient) -> None:
    answer = client.get("/metrics", headers=AUTH)

    assert answer.status_code == 404
    assert answer.json is not None and answer.json["error"] == "not_found"


@pytest.mark.parametrize("header", [None, "Bearer wrong-token", f"Basic {TOKEN}", "Bearer"])
def test_metrics_without_the_right_token_answer_401(
    scraper: FlaskClient, header: str | None
) -> None:
    answer = scraper.get("/metrics", headers={"Authorization": header} if header else {})

    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert answer.headers["Cache-Control"] == "no-store"
    assert TOKEN not in answer.get_data(as_text=True)


def test_metrics_with_the_token_are_prometheus_text_never_cached_framed_or_shared(
    scraper: FlaskClient,
) -> None:
    answer = scraper.get("/metrics", headers={**AUTH, "Origin": "https://evil.example"})

    assert answer.status_code == 200
    assert answer.mimetype == "text/plain"
    assert "version=0.0.4" in answer.headers["Content-Type"]
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
    assert not any(name.lower().startswith("access-control-") for name in answer.headers.keys())
    text = answer.get_data(as_text=True)
    assert "# TYPE addon_clockify_requests_total counter" in text
    assert 'addon_report_jobs{state="queued"} 0.0' in text  # counted from the database
    assert 'addon_delivery_runs{state="claimed"} 0.0' in text


def test_other_methods_are_refused_cleanly(scraper: FlaskClient) -> None:
    assert scraper.post("/metrics", headers=AUTH).status_code == 405


def test_lifecycle_events_are_counted_and_logged_with_their_workspace(
    metered: Flask, scraper: FlaskClient, issuer: TokenIssuer, caplog: pytest.LogCaptureFixture
) -> None:
    clockify = ClockifyActions(metered.test_client(), issuer)
    before = scraper.get("/metrics", headers=AUTH).get_data(as_text=True)

    with caplog.at_level(logging.INFO):
        assert clockify.install().status_code == 200
        assert clockify.set_status("INACTIVE").status_code == 200
        assert clockify.uninstall().status_code == 200

    after = scraper.get("/metrics", headers=AUTH).get_data(as_text=True)
    for event in ("installed", "status_changed", "deleted"):
        name = "addon_lifecycle_events_total"
        assert _sample(after, name, event=event) == _sample(before, name, event=event) + 1
    assert WORKSPACE_ID not in after
    lines = [json.loads(JsonFormatter().format(r)) for r in caplog.records]
    events = [line for line in lines if line["message"].startswith("lifecycle ")]
    assert [line["message"] for line in events] == [
        "lifecycle INSTALLED: created",
        "lifecycle STATUS_CHANGED: updated",
        "lifecycle DELETED: removed",
    ]
    for line in lines:
        if line["logger"] == "addon.http" and line["message"].startswith("POST /lifecycle"):
            assert line["workspace_id"] == WORKSPACE_ID and line["request_id"]
    assert not any(line["message"].startswith("GET /metrics") for line in lines)


@pytest.fixture
def own_bind() -> Iterator[MetricsServer]:
    server = serve_metrics("127.0.0.1", 0, Secret(TOKEN), lambda: Backlog({"queued": 4}))
    yield server
    server.stop()


def test_a_process_serves_its_own_metrics_on_a_separate_bind(own_bind: MetricsServer) -> None:
    url = f"http://127.0.0.1:{own_bind.port}"

    denied = requests.get(f"{url}/metrics", headers={"Authorization": "Bearer no"}, timeout=5)
    missing = requests.get(f"{url}/metrics", timeout=5)
    elsewhere = requests.get(f"{url}/healthz", headers=AUTH, timeout=5)
    posted = requests.post(f"{url}/metrics", headers=AUTH, timeout=5)
    served = requests.get(f"{url}/metrics", headers=AUTH, timeout=5)

    assert denied.status_code == missing.status_code == 401
    assert denied.headers["WWW-Authenticate"].startswith("Bearer")
    assert elsewhere.status_code == 404 and posted.status_code == 405
    assert served.status_code == 200 and served.headers["Cache-Control"] == "no-store"
    assert served.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    assert 'addon_report_jobs{state="queued"} 4.0' in served.text


def test_no_separate_bind_unless_configured() -> None:
    assert serve_metrics_if_configured(Settings(metrics_token=Secret(TOKEN))) is None

    served = serve_metrics_if_configured(
        Settings(metrics_token=Secret(TOKEN), metrics_bind="127.0.0.1:0")
    )
    assert served is not None
    try:
        answer = requests.get(f"http://127.0.0.1:{served.port}/metrics", headers=AUTH, timeout=5)
        assert answer.status_code == 200
    finally:
        served.stop()
