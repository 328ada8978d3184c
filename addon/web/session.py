"""Sidebar sessions: the Clockify user token is exchanged once for a short-lived signed session.

Why: the iframe URL carries Clockify's 30-minute user token; keeping it in the page would
hand a token that can call Clockify's API to every script and log that sees the page. The
server verifies it (`TokenVerifier`, `TokenKind.USER`: exp required), checks the installation
(present, same `addonId`, ACTIVE) and the role, and renders a session token in its place.

Session token: signed by itsdangerous (the signer Flask's own sessions use: HMAC-SHA1 over a
salted derived key, URL-safe, constant-time checks, a key list for rotation) over the JSON
claims `ws` (workspace), `ad` (addonId), `u` (user), `r` (role), `exp` (Unix seconds). We use
its plain `URLSafeSerializer` and check `exp` ourselves, because a session must end at the
earlier of `SESSION_SECONDS` (15 minutes) and the Clockify token's own `exp`, which a signing
timestamp alone cannot say.

Signing key: HMAC-SHA256 of a fixed label under each configured Fernet key
(`ADDON_ENCRYPTION_KEYS`), so every worker and replica shares it without a new setting, and
a key rotation (prepend a new key) keeps sessions signed by the old key valid until they
expire: the first key signs, every key verifies. With no key configured (development only) a
random per-process key is used, just as the token cipher's ephemeral key is: sessions then die
with the process.

The browser sends the session as `Authorization: Bearer <session>`, never as a cookie, so a
cross-site page cannot make the browser attach it: CSRF does not apply. As defence in depth
every `/api/` state change must still be `Content-Type: application/json` (which a plain HTML
form cannot send) or carry no body and no Content-Type at all (pause, resume, delete, resend:
a form always sends a Content-Type, so that is no way in either) and, when an `Origin` header
is present, come from our own origin or one of the configured `frame_ancestors`. An expired
session answers 401 `session_expired`; the page then asks Clockify for a fresh user token
(`refreshAddonToken`) and re-exchanges it with `POST /api/session`, the token in the JSON
body, never in a URL.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any, ClassVar, Final
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, current_app, g, request
from flask.typing import ResponseReturnValue
from itsdangerous import BadSignature, URLSafeSerializer

from addon.errors import (
    AddonError,
    BadRequest,
    Forbidden,
    InvalidToken,
    NotInstalled,
    UnsupportedMediaType,
)
from addon.logs import bind_log_context
from addon.runtime import Runtime
from addon.services.bodies import SessionRequest
from addon.services.body_errors import InvalidBody, read_body
from addon.services.installations import InstallationView, installation_view
from addon.settings import Settings
from addon.verify.tokens import ClockifyClaims, TokenKind
from addon.web import runtime
from addon.web.requests import json_object

__all__ = [
    "SESSION_SECONDS",
    "InstallationView",
    "InvalidSession",
    "OriginNotAllowed",
    "SessionClaims",
    "SessionExpired",
    "SessionSigner",
    "bp",
    "current_installation",
    "current_session",
    "guard_api",
    "init_app",
    "open_session",
]

SESSION_SECONDS: Final = 15 * 60
_SALT: Final = "addon.sidebar-session.v2"
_LEGACY_PREFIX: Final = "s1."  # the format before itsdangerous; can never be a session now
_LABEL: Final = b"clockify-addon sidebar session v1"
_MAX_LENGTH: Final = 2048
_CHANGES: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})

bp = Blueprint("session", __name__, url_prefix="/api")


class InvalidSession(InvalidToken):
    """Raise when a session token is missing, forged, or its installation is gone or inactive."""

    code = "invalid_session"


class SessionExpired(InvalidToken):
    """Raise when a genuine session has expired: the page refreshes its Clockify token."""

    code = "session_expired"


class OriginNotAllowed(AddonError):
    """Raise when an API state change comes from an origin that is neither ours nor Clockify's."""

    status: ClassVar[int] = 403
    code: ClassVar[str] = "origin_not_allowed"


@dataclass(frozen=True, slots=True)
class SessionClaims:
    workspace_id: str
    addon_id: str
    user_id: str
    role: str
    expires_at: int


class SessionSigner:
    """Issues and verifies session tokens; the first key signs, every key verifies."""

    def __init__(self, keys: tuple[bytes, ...]) -> None:
        if not keys:
            raise ValueError("at least one session key is required")
        # itsdangerous signs with the *last* key of its list and verifies with all of them.
        self._serializer = URLSafeSerializer(list(reversed(keys)), salt=_SALT)

    @classmethod
    def from_settings(cls, settings: Settings) -> SessionSigner:
        if not settings.encryption_keys:
            return cls((secrets.token_bytes(32),))
        return cls(
            tuple(
                hmac.new(k.reveal().encode("ascii"), _LABEL, hashlib.sha256).digest()
                for k in settings.encryption_keys
            )
        )

    def issue(self, claims: SessionClaims) -> str:
        payload = {
            "ws": claims.workspace_id,
            "ad": claims.addon_id,
            "u": claims.user_id,
            "r": claims.role,
            "exp": claims.expires_at,
        }
        token: str = self._serializer.dumps(payload)
        return token

    def verify(self, raw: str | None, *, now: float) -> SessionClaims:
        """The claims of a genuine, unexpired session; `InvalidSession`/`SessionExpired` else."""
        if not raw or len(raw) > _MAX_LENGTH:
            raise InvalidSession("missing session: send Authorization: Bearer <session>")
        if raw.startswith(_LEGACY_PREFIX):
            # Signed by the release before itsdangerous: expired, so the page refreshes it from
            # Clockify by itself instead of showing an error after a deploy.
            raise SessionExpired("session has expired: refresh the Clockify token")
        if "." not in raw:
            raise InvalidSession("session token is malformed")
        try:
            data: Any = self._serializer.loads(raw)
        except BadSignature as exc:
            malformed = exc.payload is not None  # signed, but not JSON we wrote
            raise InvalidSession(
                "session token is malformed" if malformed else "session token signature is invalid"
            ) from None
        fields = ("ws", "ad", "u", "r")
        if (
            not isinstance(data, dict)
            or not all(isinstance(data.get(f), str) for f in fields)
            or not isinstance(data.get("exp"), int)
        ):
            raise InvalidSession("session token is malformed")
        if now >= data["exp"]:
            raise SessionExpired("session has expired: refresh the Clockify token")
        return SessionClaims(data["ws"], data["ad"], data["u"], data["r"], data["exp"])


def signer() -> SessionSigner:
    value = current_app.extensions["addon.session"]
    assert isinstance(value, SessionSigner)  # noqa: S101  # set by init_app; narrows the type
    return value


def init_app(app: Flask, settings: Settings) -> None:
    """Create the app's session signer and register the exchange endpoint; called by create_app."""
    app.extensions["addon.session"] = SessionSigner.from_settings(settings)
    app.register_blueprint(bp)


def is_admin_role(role: str | None) -> bool:
    """Owners and admins; role names are open strings in Clockify's docs, so match loosely."""
    return role is not None and (role.upper() == "OWNER" or "ADMIN" in role.upper())


def open_session(rt: Runtime, claims: ClockifyClaims) -> tuple[str, SessionClaims]:
    """A session for verified user-token claims of an active installation's admin."""
    now = rt.clock()
    expires = int(now) + SESSION_SECONDS
    if claims.expires_at is not None:
        expires = min(expires, claims.expires_at)
    session = SessionClaims(
        workspace_id=claims.workspace_id,
        addon_id=claims.addon_id or "",
        user_id=claims.user_id or "",
        role=claims.workspace_role or "",
        expires_at=expires,
    )
    return signer().issue(session), session


def current_installation() -> InstallationView:
    """The installation the guard read for this request (one query per request, not three)."""
    value = g.get("installation")
    if not isinstance(value, InstallationView):  # only reached when a guard was forgotten
        raise InvalidSession("missing session: send Authorization: Bearer <session>")
    return value


def verify_user(raw: str | None) -> tuple[ClockifyClaims, bool]:
    """Verify a Clockify user token against the stored installation: (claims, is active)."""
    rt = runtime()
    claims = rt.verifier.verify(raw, kind=TokenKind.USER, now=rt.clock())
    bind_log_context(workspace_id=claims.workspace_id)  # until the request ends
    return claims, installation_view(rt, claims.workspace_id, claims.addon_id).active


def current_session() -> SessionClaims:
    value = g.get("session")
    if not isinstance(value, SessionClaims):  # only reached when a guard was forgotten
        raise InvalidSession("missing session: send Authorization: Bearer <session>")
    return value


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _origin_allowed(origin: str, settings: Settings) -> bool:
    origin = origin.lower()
    if origin in {_origin_of(settings.public_url), _origin_of(request.host_url)}:
        return True
    scheme, _, host = origin.partition("://")
    for allowed in settings.frame_ancestors:
        a_scheme, _, a_host = allowed.lower().rstrip("/").partition("://")
        if a_scheme != scheme:
            continue
        if a_host.startswith("*.") and host.endswith(a_host[1:]):
            return True
        if a_host == host:
            return True
    return False


def _is_bare() -> bool:
    """No body and no Content-Type: what a client sends for an action the API gives no body."""
    return (
        "Content-Type" not in request.headers
        and not request.content_length
        and "Transfer-Encoding" not in request.headers
    )


def _check_change(settings: Settings) -> None:
    if request.method not in _CHANGES:
        return
    if request.mimetype != "application/json" and not _is_bare():
        raise UnsupportedMediaType("state changes need Content-Type: application/json")
    origin = request.headers.get("Origin")
    if origin is not None and not _origin_allowed(origin, settings):
        raise OriginNotAllowed("requests from this origin are not allowed")


def _authenticate() -> None:
    rt = runtime()
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer":
        raise InvalidSession("missing session: send Authorization: Bearer <session>")
    session = signer().verify(raw.strip(), now=rt.clock())
    bind_log_context(workspace_id=session.workspace_id)  # until the request ends
    try:
        installation = installation_view(rt, session.workspace_id, session.addon_id)
    except (NotInstalled, InvalidToken):
        raise InvalidSession("the add-on was removed from this workspace") from None
    if not installation.active:
        raise InvalidSession("the add-on is inactive on this workspace")
    if not is_admin_role(session.role):
        raise Forbidden("Reports & Invoices is available to workspace owners and admins only.")
    g.session = session
    g.installation = installation


def guard_api(blueprint: Blueprint, *, authenticated: bool = True) -> None:
    """Attach the API's checks to `blueprint`: origin and content type, then the session."""

    @blueprint.before_request
    def _guard() -> None:
        _check_change(runtime().settings)
        if authenticated:
            _authenticate()

    @blueprint.after_request
    def _no_store(response: Response) -> Response:
        response.headers["Cache-Control"] = "no-store"
        return response


guard_api(bp, authenticated=False)


def _token_of(body: dict[str, Any]) -> str:
    """The body's `auth_token` (`SessionRequest`): 401 when it is missing or not text, without
    echoing what was sent in its place (it may hold a token), 400 for an unknown field."""
    try:
        return read_body(body, SessionRequest).auth_token
    except InvalidBody as exc:
        if exc.field == "auth_token":
            raise InvalidToken("auth_token is missing from the body") from None
        raise BadRequest(str(exc)) from None


@bp.post("/session")
def exchange() -> ResponseReturnValue:
    """Exchange a fresh Clockify user token (JSON body `auth_token`) for a new session."""
    raw = _token_of(json_object(request))
    claims, active = verify_user(raw)
    if not active:
        raise InvalidSession("the add-on is inactive on this workspace")
    if not is_admin_role(claims.workspace_role):
        raise Forbidden("Reports & Invoices is available to workspace owners and admins only.")
    token, session = open_session(runtime(), claims)
    return {"session": token, "expires_at": session.expires_at}
