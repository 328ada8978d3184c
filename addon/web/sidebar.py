"""The sidebar page Clockify loads in an iframe with `?auth_token=<user token>`.

The user token is verified server-side (the official examples only decode it in the browser)
and must name the stored installation; the page then holds a short-lived session of ours
instead of it (`addon.web.session`), which its script sends to `/api/`. The component is
declared for ADMINS, and the page checks the role again rather than trusting that Clockify
hid the entry. Errors render as the error page with the same status (`addon.errors`), because
a JSON body inside an iframe helps nobody.
"""

from __future__ import annotations

from typing import Final
from urllib.parse import urlsplit

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from addon.errors import Forbidden
from addon.manifest import SIDEBAR_PATH
from addon.verify.tokens import ClockifyClaims
from addon.web import runtime
from addon.web.session import is_admin_role, open_session, verify_user

__all__ = ["bp", "is_admin_role"]

bp = Blueprint("sidebar", __name__)

LANGUAGES: Final = frozenset({"en", "de", "fr", "es", "it", "nl", "pt", "ja"})
"""Languages the page's own labels are written in; any other shows English.

Each needs a table in `static/sidebar/i18n.js` (the page), in `templates/error.html` (the
refusal) and in the inactive notice of `templates/sidebar.html`, as none of them can fall back
mid-sentence; tests/unit/test_sidebar_labels.py checks the four agree. Only the language part
of the token's code counts: `pt_BR` and `pt` both read the Portuguese words.
"""


def _language(claims: ClockifyClaims) -> str:
    """`<html lang>` from the token's `language` (`EN`, `DE`, `FR`, `pt_BR`, `ja`, ...)."""
    code = (claims.language or "en").replace("-", "_").split("_")[0].lower()
    return code if code in LANGUAGES else "en"


def _theme(claims: ClockifyClaims) -> str:
    return "dark" if (claims.theme or "").upper() == "DARK" else "light"


@bp.get(SIDEBAR_PATH)
def sidebar() -> ResponseReturnValue:
    claims, active = verify_user(request.args.get("auth_token"))
    if not is_admin_role(claims.workspace_role):
        # Rendered here rather than raised: the verified token names the viewer's language
        # and theme, and the refusal should speak both.
        refused = Forbidden("Reports & Invoices is available to workspace owners and admins only.")
        page = render_template(
            "error.html",
            status=refused.status,
            message=str(refused),
            lang=_language(claims),
            theme=_theme(claims),
        )
        return page, refused.status
    # The page gets a session of our own, never the Clockify token (addon/web/session.py);
    # an inactive installation gets the notice and no session, as the API refuses it anyway.
    session = open_session(runtime(), claims)[0] if active else None
    return render_template(
        "sidebar.html",
        claims=claims,
        active=active,
        session=session,
        region_host=urlsplit(claims.backend_url or "").netloc,
        lang=_language(claims),
        theme=_theme(claims),
    )
