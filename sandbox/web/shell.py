"""Pages imitating Clockify's web app, so add-on components can be seen (and driven) as users do.

The viewer is chosen with `?as=<userId>` (default: the workspace owner) instead of a login.
A component is listed and served only if its `accessLevel` lets the viewer see it (`ADMINS`
components are hidden from role USER). Its iframe URL is `baseUrl + path + "?auth_token=" +`
a fresh user token for that viewer, minted on every page view as Clockify does; it lives
`SandboxState.user_token_seconds` (Clockify's 30 minutes unless a test shortens it through
`PUT /sandbox/user-tokens`). An inactive add-on is marked as such and its iframe is not loaded.

Window messages. The component page listens to `message` events from its iframe (the event's
`source` must be the iframe's window and its `origin` the add-on's) carrying
`{"action": ..., "payload": ...}`, as a JSON string or an object (addon-platform.md §3.4):

* `refreshAddonToken`: the page asks `POST .../<index>/token?as=<viewer>` (`user_token` below)
  for a new user token and posts `JSON.stringify({title: "refreshAddonToken", body: <token>})`
  to the iframe, with the add-on's origin as `targetOrigin`. Clockify documents only the
  request; this reply is UNCONFIRMED, the shape third-party add-ons assume. When the endpoint
  refuses, the page posts nothing (what Clockify does then is unknown too) and shows a toast
  saying why, so an add-on must give up waiting on its own.
* `toastrPop`: payload `{type: info|warning|success|error, message}` shows a toast.

Other actions (`preview`, `navigate`) are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from sandbox.errors import Conflict, Forbidden, NotFound
from sandbox.manifests import Component
from sandbox.state import (
    SEED_WORKSPACE_ID,
    Installation,
    InstallationStatus,
    SandboxState,
    User,
    Workspace,
)
from sandbox.web import SandboxContext, api_urls, context

__all__ = ["bp"]

bp = Blueprint("shell", __name__)

# Clockify's own sidebar entries; present for the look, not implemented.
CLOCKIFY_ENTRIES = (
    "Time tracker",
    "Calendar",
    "Timesheet",
    "Dashboard",
    "Reports",
    "Projects",
    "Team",
    "Clients",
    "Tags",
    "Settings",
)


@dataclass(frozen=True, slots=True)
class SidebarEntry:
    label: str
    href: str
    inactive: bool
    current: bool


def _viewer(workspace: Workspace) -> User:
    user_id = request.args.get("as")
    return workspace.user(user_id) if user_id else workspace.owner


def _may_see(component: Component, viewer: User) -> bool:
    return component.access_level == "EVERYONE" or viewer.is_admin


@dataclass(frozen=True, slots=True)
class _Shown:
    """One component as one viewer may see it: what both its page and its token need."""

    workspace: Workspace
    viewer: User
    installation: Installation
    component: Component

    @property
    def inactive(self) -> bool:
        return self.installation.status is InstallationStatus.INACTIVE


def _shown(state: SandboxState, workspace_id: str, addon_id: str, index: int) -> _Shown:
    """The component at `index` of `addon_id` for the `?as=` viewer; call holding the lock.

    Raises `NotFound` for an unknown workspace, viewer, installation or component, and
    `Forbidden` when the component is for admins and the viewer is not one.
    """
    workspace = state.workspace(workspace_id)
    viewer = _viewer(workspace)
    installation = state.installation(workspace_id, addon_id)
    components = installation.manifest.components
    if not 0 <= index < len(components):
        raise NotFound(f"add-on {addon_id} has no component {index}")
    component = components[index]
    if not _may_see(component, viewer):
        raise Forbidden(f"{component.label or 'this component'} is for admins only")
    return _Shown(workspace, viewer, installation, component)


def _user_token(sandbox: SandboxContext, shown: _Shown) -> str:
    """A fresh user token for the viewer of `shown`; call holding the lock."""
    return sandbox.issuer.user_token(
        workspace_id=shown.workspace.id,
        addon_id=shown.installation.addon_id,
        user_id=shown.viewer.id,
        urls=api_urls(shown.workspace),
        role=shown.viewer.role.value,
        lifetime=sandbox.state.user_token_seconds,
    )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _addon_entries(
    state: SandboxState, workspace: Workspace, viewer: User, current: tuple[str, int] | None
) -> list[SidebarEntry]:
    entries = []
    for installation in state.installations_of(workspace.id):
        for component in installation.manifest.components:
            if component.type != "sidebar" or not _may_see(component, viewer):
                continue
            path = url_for(
                ".component",
                workspace_id=workspace.id,
                addon_id=installation.addon_id,
                index=component.index,
            )
            href = f"{path}?{urlencode({'as': viewer.id})}"
            entries.append(
                SidebarEntry(
                    label=component.label or installation.manifest.name,
                    href=href,
                    inactive=installation.status is InstallationStatus.INACTIVE,
                    current=current == (installation.addon_id, component.index),
                )
            )
    return entries


@bp.get("/")
def home() -> ResponseReturnValue:
    state = context().state
    with state.lock:
        workspace_id = SEED_WORKSPACE_ID if SEED_WORKSPACE_ID in state.workspaces else None
        workspace_id = workspace_id or next(iter(state.workspaces), None)
    if workspace_id is None:
        raise NotFound("the sandbox has no workspace; POST /sandbox/reset to seed one")
    return redirect(url_for(".workspace", workspace_id=workspace_id))


@bp.get("/workspaces/<workspace_id>")
def workspace(workspace_id: str) -> ResponseReturnValue:
    state = context().state
    with state.lock:
        found = state.workspace(workspace_id)
        viewer = _viewer(found)
        addons = _addon_entries(state, found, viewer, current=None)
        users = list(found.users.values())
    return render_template(
        "workspace.html",
        workspace=found,
        viewer=viewer,
        users=users,
        entries=CLOCKIFY_ENTRIES,
        addons=addons,
    )


_COMPONENT = "/workspaces/<workspace_id>/addons/<addon_id>/<int:index>"


@bp.get(_COMPONENT)
def component(workspace_id: str, addon_id: str, index: int) -> ResponseReturnValue:
    sandbox = context()
    with sandbox.state.lock:
        shown = _shown(sandbox.state, workspace_id, addon_id, index)
        addons = _addon_entries(
            sandbox.state, shown.workspace, shown.viewer, current=(addon_id, index)
        )
        users = list(shown.workspace.users.values())
        frame_src = None
        frame_url = shown.installation.manifest.url(shown.component.path)
        if not shown.inactive:
            frame_src = f"{frame_url}?auth_token={_user_token(sandbox, shown)}"
    token_path = url_for(".user_token", workspace_id=workspace_id, addon_id=addon_id, index=index)
    return render_template(
        "component.html",
        workspace=shown.workspace,
        viewer=shown.viewer,
        users=users,
        entries=CLOCKIFY_ENTRIES,
        addons=addons,
        addon_name=shown.installation.manifest.name,
        label=shown.component.label or shown.installation.manifest.name,
        inactive=shown.inactive,
        frame_src=frame_src,
        addon_origin=_origin(frame_url),
        token_url=f"{token_path}?{urlencode({'as': shown.viewer.id})}",
    )


@bp.post(f"{_COMPONENT}/token")
def user_token(workspace_id: str, addon_id: str, index: int) -> ResponseReturnValue:
    """A new user token for the component page's `refreshAddonToken`: `{"token": ...}`.

    The same rules as the page apply (unknown workspace, viewer, add-on or component: 404;
    an admins' component for a USER: 403), and an inactive add-on gets none (409), since its
    page would not have loaded the iframe either. Each token handed out is counted in
    `SandboxState.token_refreshes`, so tests can tell that a refresh really happened.
    """
    sandbox = context()
    with sandbox.state.lock:
        shown = _shown(sandbox.state, workspace_id, addon_id, index)
        if shown.inactive:
            raise Conflict(f"{shown.installation.manifest.name} is inactive on this workspace")
        token = _user_token(sandbox, shown)
        sandbox.state.count_token_refresh()
    return {"token": token}, 200, {"Cache-Control": "no-store"}
