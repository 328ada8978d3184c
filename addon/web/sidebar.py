"""The sidebar page Clockify loads in an iframe with `?auth_token=<user token>`.

The user token is verified server-side (the official examples only decode it in the browser)
and must name the stored installation. The component is declared for ADMINS, and the page
checks the role again rather than trusting that Clockify hid the entry. Errors render as HTML
with the same status, because a JSON body inside an iframe helps nobody.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from addon.errors import AddonError, Forbidden, InvalidToken, NotInstalled
from addon.manifest import SIDEBAR_PATH
from addon.runtime import runtime
from addon.store import repositories as repo
from addon.verify.tokens import TokenKind

__all__ = ["bp", "is_admin_role"]

bp = Blueprint("sidebar", __name__)


def is_admin_role(role: str | None) -> bool:
    """Owners and admins; role names are open strings in Clockify's docs, so match loosely."""
    return role is not None and (role.upper() == "OWNER" or "ADMIN" in role.upper())


@bp.errorhandler(AddonError)
def _explain(exc: AddonError) -> ResponseReturnValue:
    return render_template("error.html", status=exc.status, message=str(exc)), exc.status


@bp.get(SIDEBAR_PATH)
def sidebar() -> ResponseReturnValue:
    rt = runtime()
    claims = rt.verifier.verify(request.args.get("auth_token"), kind=TokenKind.USER, now=rt.clock())
    with rt.sessions.begin() as session:
        installation = repo.get_installation(session, claims.workspace_id)
        if installation is None:
            raise NotInstalled("This add-on is not installed on this workspace.")
        if claims.addon_id != installation.addon_id:
            raise InvalidToken("user token was issued for another installation")
        active = installation.is_active
    if not is_admin_role(claims.workspace_role):
        raise Forbidden("Reports & Invoices is available to workspace owners and admins only.")
    return render_template(
        "sidebar.html",
        claims=claims,
        active=active,
        region_host=urlsplit(claims.backend_url or "").netloc,
        theme="dark" if (claims.theme or "").upper() == "DARK" else "light",
    )
