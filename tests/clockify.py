"""`ClockifyActions`: sends lifecycle callbacks to the add-on's test client the way Clockify does,
with tokens signed by the sandbox's issuer (the flask tutorial's `AuthActions` idea)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from addon.manifest import LIFECYCLE_PATHS, SCOPES
from sandbox.data import Role, Workspace
from sandbox.manifests import parse_manifest
from sandbox.state import Installation, SandboxState
from sandbox.tokens import ApiUrls, TokenIssuer
from tests.sandbox.conftest import ADDON_KEY, make_manifest

GLOBAL_URLS = ApiUrls(
    backend_url="https://api.clockify.me/api",
    reports_url="https://reports.api.clockify.me",
    locations_url="https://locations.api.clockify.me",
    screenshots_url="https://screenshots.api.clockify.me",
    pto_url="https://pto.api.clockify.me",
)
EU_URLS = ApiUrls(
    backend_url="https://euc1.clockify.me/api",
    reports_url="https://euc1.clockify.me/report",
    locations_url="https://euc1.clockify.me/locations",
    screenshots_url="https://euc1.clockify.me/screenshots",
    pto_url="https://euc1.clockify.me/pto",
)

WORKSPACE_ID = "64b0c1d2e3f4a5b6c7d8e9f0"
ADDON_ID = "65a1b2c3d4e5f60718293a4b"
OWNER_ID = "64b0c1d2e3f4a5b6c7d8e901"
PATHS = LIFECYCLE_PATHS


@dataclass
class ClockifyActions:
    client: FlaskClient
    issuer: TokenIssuer
    workspace_id: str = WORKSPACE_ID
    addon_id: str = ADDON_ID
    urls: ApiUrls = GLOBAL_URLS
    sent: list[str] = field(default_factory=list)

    def installation_token(self, *, now: float | None = None) -> str:
        return self.issuer.installation_token(
            workspace_id=self.workspace_id,
            addon_id=self.addon_id,
            owner_id=OWNER_ID,
            urls=self.urls,
            now=now,
        )

    def user_token(self, *, role: str = "OWNER", now: float | None = None, **kw: Any) -> str:
        return self.issuer.user_token(
            workspace_id=self.workspace_id,
            addon_id=self.addon_id,
            user_id=OWNER_ID,
            urls=self.urls,
            role=role,
            now=now,
            **kw,
        )

    def installed_body(self, *, token: str | None = None, webhooks: int = 1) -> dict[str, Any]:
        token = token or self.installation_token()
        self.sent.append(token)
        return {
            "addonId": self.addon_id,
            "authToken": token,
            "workspaceId": self.workspace_id,
            "asUser": OWNER_ID,
            "apiUrl": self.urls.backend_url,
            "addonUserId": "65a1b2c3d4e5f60718290000",
            "webhooks": [
                {
                    "path": f"https://addon.example.com/webhooks/{i}",
                    "webhookType": "ADDON",
                    "authToken": self.issuer.webhook_token(
                        workspace_id=self.workspace_id, addon_id=self.addon_id
                    ),
                }
                for i in range(webhooks)
            ],
        }

    def post(
        self,
        event: str,
        body: Any,
        *,
        token: str | None = None,
        now: float | None = None,
        content_type: str = "application/json",
    ) -> TestResponse:
        if token is None:
            token = self.issuer.lifecycle_token(
                workspace_id=self.workspace_id, addon_id=self.addon_id, now=now
            )
        data = body if isinstance(body, bytes | str) else json.dumps(body)
        headers = {"X-Addon-Lifecycle-Token": token} if token else {}
        return self.client.post(PATHS[event], data=data, headers=headers, content_type=content_type)

    def install(self, **kw: Any) -> TestResponse:
        return self.post("INSTALLED", self.installed_body(**kw))

    def uninstall(self) -> TestResponse:
        body = {"addonId": self.addon_id, "workspaceId": self.workspace_id, "asUser": OWNER_ID}
        return self.post("DELETED", body)

    def set_status(self, status: str, *, now: float | None = None) -> TestResponse:
        body = {"addonId": self.addon_id, "workspaceId": self.workspace_id, "status": status}
        return self.post("STATUS_CHANGED", body, now=now)

    def update_settings(
        self, settings: list[dict[str, Any]], *, now: float | None = None
    ) -> TestResponse:
        body = {"workspaceId": self.workspace_id, "addonId": self.addon_id, "settings": settings}
        return self.post("SETTINGS_UPDATED", body, now=now)


def install_in_sandbox(
    actions: ClockifyActions, state: SandboxState, workspace: Workspace, *, issued_at: float
) -> str:
    """Install the add-on into `workspace` the way Clockify does: the sandbox first learns of
    the installation (replacing any earlier one, whose calls would otherwise still be served),
    then the add-on receives INSTALLED. Returns the installation token; `issued_at` must grow
    from call to call, so a reinstall brings a newer token."""
    token = actions.installation_token(now=issued_at)
    owner = next(u for u in workspace.users.values() if u.role is Role.OWNER)
    document = {**make_manifest("http://127.0.0.1:9"), "scopes": list(SCOPES)}
    manifest = parse_manifest(document, expected_key=ADDON_KEY)
    for previous in state.installations_of(workspace.id):
        state.remove_installation(previous.addon_id, keep_log=False)
    state.add_installation(
        Installation(actions.addon_id, workspace.id, manifest, owner.id, owner.id, token)
    )
    response = actions.install(token=token)
    assert response.status_code == 200, response.get_data(as_text=True)
    return token
