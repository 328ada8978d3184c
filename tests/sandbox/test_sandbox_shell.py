"""The Clockify-like shell: sidebar entries per viewer, and the component iframe with its token."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import requests

from sandbox import SEED_WORKSPACE_ID, SandboxServer
from sandbox.state import Role
from sandbox.tokens import USER_TOKEN_LIFETIME_SECONDS

if TYPE_CHECKING:  # the double lives in conftest; fixtures hand it over
    from tests.sandbox.conftest import AddonDouble


class _Page(HTMLParser):
    """Collects the attributes of the elements the tests look at."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.addon_links: list[tuple[str, str]] = []
        self.iframes: list[dict[str, str | None]] = []
        self.ids: set[str] = set()
        self._link: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "iframe":
            self.iframes.append(found)
        if tag == "a" and "addon-entry" in (found.get("class") or ""):
            self._link = found.get("href") or ""

    def handle_data(self, data: str) -> None:
        if self._link is not None and data.strip():
            self.addon_links.append((data.strip(), self._link))
            self._link = None


def _member(sandbox: SandboxServer, role: Role) -> str:
    workspace = sandbox.state.workspace(SEED_WORKSPACE_ID)
    return next(u.id for u in workspace.users.values() if u.role is role)


def _page(sandbox: SandboxServer, path: str) -> _Page:
    response = requests.get(f"{sandbox.url}{path}", timeout=10)
    assert response.status_code == 200, response.text
    return _Page(response.text)


def test_root_redirects_to_seeded_workspace(sandbox: SandboxServer) -> None:
    response = requests.get(f"{sandbox.url}/", allow_redirects=False, timeout=10)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/workspaces/{SEED_WORKSPACE_ID}"


def test_shell_lists_every_sidebar_component_for_owner(
    sandbox: SandboxServer, installed: str
) -> None:
    page = _page(sandbox, f"/workspaces/{SEED_WORKSPACE_ID}")

    assert [label for label, _ in page.addon_links] == ["Reports+", "Invoicing"]
    assert page.iframes == []


def test_shell_hides_admins_component_from_user(sandbox: SandboxServer, installed: str) -> None:
    member = _member(sandbox, Role.USER)

    page = _page(sandbox, f"/workspaces/{SEED_WORKSPACE_ID}?as={member}")

    assert page.addon_links == [
        ("Reports+", f"/workspaces/{SEED_WORKSPACE_ID}/addons/{installed}/0?as={member}")
    ]
    denied = requests.get(
        f"{sandbox.url}/workspaces/{SEED_WORKSPACE_ID}/addons/{installed}/1?as={member}",
        timeout=10,
    )
    assert denied.status_code == 403
    assert "addon-frame" not in denied.text


def test_component_iframe_carries_fresh_user_token_for_viewer(
    sandbox: SandboxServer, addon: AddonDouble, installed: str, verify: Any
) -> None:
    admin = _member(sandbox, Role.ADMIN)

    page = _page(sandbox, f"/workspaces/{SEED_WORKSPACE_ID}/addons/{installed}/1?as={admin}")

    (frame,) = page.iframes
    assert frame["id"] == "addon-frame"
    src = urlsplit(str(frame["src"]))
    assert f"{src.scheme}://{src.netloc}{src.path}" == f"{addon.url}/admin"
    (token,) = parse_qs(src.query)["auth_token"]
    claims = verify(token)
    assert claims["exp"] == claims["iat"] + USER_TOKEN_LIFETIME_SECONDS == claims["iat"] + 1800
    assert claims["user"] == admin
    assert claims["workspaceRole"] == "ADMIN"
    assert claims["workspaceId"] == SEED_WORKSPACE_ID
    assert claims["addonId"] == installed
    assert claims["backendUrl"] == f"{sandbox.url}/api"


def test_inactive_addon_is_marked_and_shows_no_iframe(
    sandbox: SandboxServer, installed: str
) -> None:
    requests.post(
        f"{sandbox.url}/sandbox/workspaces/{SEED_WORKSPACE_ID}/addons/{installed}/status",
        json={"status": "INACTIVE"},
        timeout=30,
    )

    page = _page(sandbox, f"/workspaces/{SEED_WORKSPACE_ID}/addons/{installed}/0")

    assert page.iframes == []
    assert "addon-inactive" in page.ids
    assert page.addon_links[0][0] == "Reports+ (inactive)"


def test_unknown_viewer_is_404_page(sandbox: SandboxServer) -> None:
    response = requests.get(f"{sandbox.url}/workspaces/{SEED_WORKSPACE_ID}?as=nobody", timeout=10)

    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/html")


def test_shell_escapes_manifest_labels(
    sandbox: SandboxServer, addon: AddonDouble, install: Any
) -> None:
    addon.manifest["components"] = [
        {"type": "sidebar", "accessLevel": "EVERYONE", "path": "/s", "label": "<b>x</b>"}
    ]
    install()

    response = requests.get(f"{sandbox.url}/workspaces/{SEED_WORKSPACE_ID}", timeout=10)

    assert "&lt;b&gt;x&lt;/b&gt;" in response.text
    assert "<b>x</b>" not in response.text
