"""Pages imitating Clockify's web app, so add-on components can be seen (and driven) as users do.

The viewer is chosen with `?as=<userId>` (default: the workspace owner) instead of a login.
A component is listed and served only if its `accessLevel` lets the viewer see it (`ADMINS`
components are hidden from role USER). Its iframe URL is `baseUrl + path + "?auth_token=" +`
a fresh 30-minute user token for that viewer, minted on every page view as Clockify does.
An inactive add-on is marked as such and its iframe is not loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from sandbox.errors import Forbidden, NotFound
from sandbox.manifests import Component
from sandbox.state import SEED_WORKSPACE_ID, InstallationStatus, SandboxState, User, Workspace
from sandbox.web import api_urls, context

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


@bp.get("/workspaces/<workspace_id>/addons/<addon_id>/<int:index>")
def component(workspace_id: str, addon_id: str, index: int) -> ResponseReturnValue:
    sandbox = context()
    with sandbox.state.lock:
        found = sandbox.state.workspace(workspace_id)
        viewer = _viewer(found)
        installation = sandbox.state.installation(workspace_id, addon_id)
        components = installation.manifest.components
        if not 0 <= index < len(components):
            raise NotFound(f"add-on {addon_id} has no component {index}")
        shown = components[index]
        if not _may_see(shown, viewer):
            raise Forbidden(f"{shown.label or 'this component'} is for admins only")
        inactive = installation.status is InstallationStatus.INACTIVE
        addons = _addon_entries(sandbox.state, found, viewer, current=(addon_id, index))
        users = list(found.users.values())
        frame_src = None
        if not inactive:
            token = sandbox.issuer.user_token(
                workspace_id=found.id,
                addon_id=addon_id,
                user_id=viewer.id,
                urls=api_urls(found),
                role=viewer.role.value,
            )
            frame_src = f"{installation.manifest.url(shown.path)}?auth_token={token}"
    return render_template(
        "component.html",
        workspace=found,
        viewer=viewer,
        users=users,
        entries=CLOCKIFY_ENTRIES,
        addons=addons,
        addon_name=installation.manifest.name,
        label=shown.label or installation.manifest.name,
        inactive=inactive,
        frame_src=frame_src,
    )
