"""Fixtures for the sandbox's own tests: a real sandbox and a throwaway add-on, both on loopback.

The sandbox is the code under test here, so the add-on is a test double: a tiny Flask app that
serves a manifest, records every request it receives and answers with a chosen status.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import jwt
import pytest
import requests
from flask import Flask, redirect, request
from flask.typing import ResponseReturnValue
from werkzeug.serving import make_server

from addon.manifest import SCOPES
from sandbox import SEED_WORKSPACE_ID, SandboxServer, TokenIssuer, generate_workspace
from sandbox.data import Workspace
from sandbox.shapes import OFFICIAL, ShapeMode

ADDON_KEY = "northwind-reports"


@dataclass(frozen=True, slots=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class AddonDouble:
    """An add-on stand-in: `manifest` is served at `/manifest`, lifecycle POSTs are recorded."""

    def __init__(self) -> None:
        self.manifest: dict[str, Any] = {}
        self.status_code = 200
        self.received: list[Received] = []
        self._lock = threading.Lock()
        app = Flask("addon_double")

        @app.get("/manifest")
        def manifest() -> dict[str, Any]:
            return self.manifest

        @app.get("/moved")
        def moved() -> ResponseReturnValue:
            return redirect("/manifest")

        @app.get("/not-json")
        def not_json() -> str:
            return "<html>not a manifest</html>"

        @app.post("/lifecycle/<event>")
        def lifecycle(event: str) -> tuple[str, int]:
            with self._lock:
                self.received.append(
                    Received(request.path, dict(request.headers), request.get_data())
                )
            return "", self.status_code

        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.port}"
        self.manifest = make_manifest(self.url)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)
        self._server.server_close()

    def posts_to(self, path: str) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.path == path]


def make_manifest(base_url: str, **overrides: Any) -> dict[str, Any]:
    """A manifest like the real add-on's: all four lifecycle hooks, webhooks, two components."""
    manifest: dict[str, Any] = {
        "schemaVersion": "1.3",
        "key": ADDON_KEY,
        "name": "Northwind Reports",
        "baseUrl": base_url,
        "minimalSubscriptionPlan": "PRO",
        "scopes": ["REPORTS_READ", "WORKSPACE_READ"],
        "lifecycle": [
            {"type": "INSTALLED", "path": "/lifecycle/installed"},
            {"type": "DELETED", "path": "/lifecycle/deleted"},
            {"type": "STATUS_CHANGED", "path": "/lifecycle/status-changed"},
            {"type": "SETTINGS_UPDATED", "path": "/lifecycle/settings-updated"},
        ],
        "webhooks": [
            {"event": "NEW_TIME_ENTRY", "path": "/webhooks/new-time-entry"},
            {"event": "TIME_ENTRY_DELETED", "path": "/webhooks/time-entry-deleted"},
        ],
        "components": [
            {"type": "sidebar", "accessLevel": "EVERYONE", "path": "/sidebar", "label": "Reports+"},
            {"type": "sidebar", "accessLevel": "ADMINS", "path": "/admin", "label": "Invoicing"},
        ],
        "settings": {
            "tabs": [
                {
                    "id": "general",
                    "name": "General",
                    "settings": [
                        {
                            "id": "invoice-prefix",
                            "name": "Invoice prefix",
                            "type": "TXT",
                            "value": "INV-",
                            "accessLevel": "ADMINS",
                        },
                        {
                            "id": "rounding",
                            "name": "Rounding",
                            "type": "DROPDOWN_SINGLE",
                            "value": "1",
                            "allowedValues": ["1", "15"],
                            "accessLevel": "ADMINS",
                        },
                    ],
                    "groups": [
                        {
                            "id": "email",
                            "title": "Email",
                            "settings": [
                                {
                                    "id": "send-copy",
                                    "name": "Send me a copy",
                                    "type": "CHECKBOX",
                                    "value": False,
                                    "accessLevel": "EVERYONE",
                                }
                            ],
                        }
                    ],
                }
            ]
        },
    }
    manifest.update(overrides)
    return manifest


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[SandboxServer]:
    with SandboxServer(TokenIssuer(ADDON_KEY)) as server:
        yield server


@pytest.fixture
def sandbox(sandbox_server: SandboxServer) -> SandboxServer:
    """The session's sandbox, back in its seeded state for every test."""
    sandbox_server.state.reset()
    return sandbox_server


@pytest.fixture
def addon() -> Iterator[AddonDouble]:
    double = AddonDouble()
    double.start()
    yield double
    double.stop()


@pytest.fixture
def install(sandbox: SandboxServer, addon: AddonDouble) -> Any:
    """Install `addon` on a workspace (default: the seeded one); returns the response."""

    def _install(
        workspace_id: str = SEED_WORKSPACE_ID, manifest_url: str | None = None
    ) -> requests.Response:
        return requests.post(
            f"{sandbox.url}/sandbox/workspaces/{workspace_id}/addons",
            json={"manifestUrl": manifest_url or f"{addon.url}/manifest"},
            timeout=30,
        )

    return _install


@pytest.fixture
def installed(install: Any) -> str:
    """The add-on installed on the seeded workspace; returns its addonId."""
    response = install()
    assert response.status_code == 201, response.text
    addon_id: str = response.json()["addonId"]
    return addon_id


@pytest.fixture
def verify(sandbox: SandboxServer) -> Any:
    """Verify a token the way a careful add-on does, with the PEM the sandbox publishes."""
    pem = requests.get(f"{sandbox.url}/sandbox/public-key", timeout=10).text

    def _verify(token: str) -> dict[str, Any]:
        claims: dict[str, Any] = jwt.decode(
            token,
            pem,
            algorithms=["RS256"],
            issuer="clockify",
            options={"require": ["iss", "sub", "type", "iat"], "verify_aud": False},
        )
        assert claims["sub"] == ADDON_KEY
        assert claims["type"] == "addon"
        return claims

    return _verify


READ_SCOPES = SCOPES  # the add-on's own manifest scopes
# A generated workspace with a fixed period, for reports whose numbers must not move.
PERIOD = (date(2025, 1, 1), date(2025, 3, 31))


@dataclass
class ApiClient:
    """An installed add-on's side of the APIs: its token, and the URLs its claims name."""

    workspace_id: str
    addon_id: str
    token: str
    backend_url: str
    reports_url: str
    session: requests.Session

    def get(self, path: str, **params: Any) -> requests.Response:
        url = f"{self.backend_url}/v1/workspaces/{self.workspace_id}{path}"
        return self.session.get(url, params=params, timeout=10)

    def report(self, kind: str, body: Any) -> requests.Response:
        url = f"{self.reports_url}/v1/workspaces/{self.workspace_id}/reports/{kind}"
        return self.session.post(url, json=body, timeout=30)


@pytest.fixture
def connect(sandbox: SandboxServer, addon: AddonDouble) -> Iterator[Callable[..., ApiClient]]:
    """Install the double on a workspace with the given scopes; returns its `ApiClient`.

    The workspace is served the OpenAPI spec's shape (`OFFICIAL`), which the sandbox's report
    tests read; `shape=None` leaves the sandbox's own default (LIVE) for tests of it.
    """
    sessions: list[requests.Session] = []

    def _connect(
        workspace_id: str = SEED_WORKSPACE_ID,
        scopes: tuple[str, ...] = READ_SCOPES,
        minimal_plan: str = "PRO",
        shape: ShapeMode | None = OFFICIAL,
    ) -> ApiClient:
        if shape is not None:
            sandbox.state.set_shape(workspace_id, shape)
        addon.manifest["scopes"] = list(scopes)
        addon.manifest["minimalSubscriptionPlan"] = minimal_plan
        response = requests.post(
            f"{sandbox.url}/sandbox/workspaces/{workspace_id}/addons",
            json={"manifestUrl": f"{addon.url}/manifest"},
            timeout=30,
        )
        assert response.status_code == 201, response.text
        token = addon.posts_to("/lifecycle/installed")[-1].json()["authToken"]
        claims = jwt.decode(token, options={"verify_signature": False})
        session = requests.Session()
        session.headers["X-Addon-Token"] = token
        sessions.append(session)
        return ApiClient(
            workspace_id,
            response.json()["addonId"],
            token,
            claims["backendUrl"],
            claims["reportsUrl"],
            session,
        )

    yield _connect
    for session in sessions:
        session.close()


@pytest.fixture
def client(connect: Callable[..., ApiClient]) -> ApiClient:
    """The double installed on the seeded workspace with every read scope."""
    return connect()


@pytest.fixture
def generated(sandbox: SandboxServer) -> Workspace:
    """Seed 11: 300 entries and 30 expenses in Q1 2025, Europe/Berlin, PRO."""
    return generate_workspace(
        sandbox.state, 11, entries=300, expenses=30, start=PERIOD[0], end=PERIOD[1]
    )


@pytest.fixture
def reports_client(connect: Callable[..., ApiClient], generated: Workspace) -> ApiClient:
    return connect(generated.id)


def q1(**extra: Any) -> dict[str, Any]:
    """A report body for the whole of `PERIOD`, in the workspace's zone."""
    return {
        "dateRangeStart": f"{PERIOD[0]}T00:00:00",
        "dateRangeEnd": f"{PERIOD[1]}T23:59:59.999",
        **extra,
    }
