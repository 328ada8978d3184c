"""`/api/workspace`: the workspace, its filter lists and the defaults the sidebar starts from.

The lists (clients, projects, users, tags) come from Clockify and are kept `DIRECTORY_SECONDS`
per process: the page asks for them on every open, and Clockify stays the truth (`?refresh=1`
reads them again). The defaults are the workspace's add-on settings as `WorkspaceDefaults`.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Final

from flask import Blueprint, Flask, current_app, request
from flask.typing import ResponseReturnValue

from addon.runtime import Runtime
from addon.services.defaults import WorkspaceDefaults, workspace_defaults
from addon.services.installations import clockify_for
from addon.web import runtime
from addon.web.session import current_installation, current_session, guard_api

__all__ = ["DIRECTORY_SECONDS", "bp", "current_defaults", "init_app"]

bp = Blueprint("api_workspace", __name__, url_prefix="/api")
guard_api(bp)

DIRECTORY_SECONDS: Final = 60.0
"""How long the filter lists (clients, projects, users, tags) are reused per process."""


class _Directory:
    """The workspace lists the filters offer, cached briefly per process (Clockify is the truth)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, dict[str, Any]]] = {}

    def get(self, rt: Runtime, workspace_id: str, *, refresh: bool) -> dict[str, Any]:
        now = time.monotonic()
        with self._lock:
            found = self._entries.get(workspace_id)
        if found is not None and not refresh and now - found[0] < DIRECTORY_SECONDS:
            return found[1]
        with clockify_for(rt, workspace_id) as client:
            workspace = client.workspace()
            value = {
                "workspace": {
                    "id": workspace.id,
                    "name": workspace.name,
                    "currency": workspace.currency,
                },
                "clients": _named(c for c in client.clients() if not c.archived),
                "projects": sorted(
                    (
                        {
                            "id": p.id,
                            "name": p.name,
                            "client_id": p.client.id if p.client else None,
                        }
                        for p in client.projects()
                        if not p.archived
                    ),
                    key=lambda p: (str(p["name"]).casefold(), p["id"]),
                ),
                "users": _named(users := client.users()),
                "zones": {u.id: u.zone for u in users if u.zone},
                "tags": _named(t for t in client.tags() if not t.archived),
            }
        with self._lock:
            self._entries[workspace_id] = (time.monotonic(), value)
        return value


def _named(items: Any) -> list[dict[str, str]]:
    rows = [{"id": item.id, "name": item.name or item.id} for item in items]
    return sorted(rows, key=lambda r: (r["name"].casefold(), r["id"]))


def init_app(app: Flask) -> None:
    """Create the process's directory cache and register `/api/workspace`."""
    app.extensions["addon.directory"] = _Directory()
    app.register_blueprint(bp)


def _directory() -> _Directory:
    value = current_app.extensions["addon.directory"]
    assert isinstance(value, _Directory)  # noqa: S101  # set by init_app
    return value


def current_defaults() -> tuple[WorkspaceDefaults, str]:
    """The workspace's defaults and a version string of its settings (for the cache key)."""
    installation = current_installation()
    return workspace_defaults(installation.settings), installation.settings_version


@bp.get("/workspace")
def workspace() -> ResponseReturnValue:
    """The workspace, the filter lists and the defaults the page starts from."""
    rt, session = runtime(), current_session()
    refresh = request.args.get("refresh") in {"1", "true"}
    directory = _directory().get(rt, session.workspace_id, refresh=refresh)
    defaults, _ = current_defaults()
    public = {k: v for k, v in directory.items() if k != "zones"}
    return {
        **public,
        "user": {"id": session.user_id, "role": session.role},
        "defaults": {
            "zone": directory["zones"].get(session.user_id),
            "locale": defaults.locale,
            "week_start": defaults.week_start.value,
            "durations": defaults.durations.value,
        },
        "invoice_defaults": {
            "grouping": defaults.grouping.value,
            "due_days": defaults.due_days,
            "tax_percent": str(defaults.tax_percent),
            "second_tax_percent": str(defaults.second_tax_percent),
            "number_pattern": defaults.number_pattern,
            "notes": "",
            "mark_invoiced": defaults.mark_invoiced,
        },
    }
