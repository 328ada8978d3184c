"""Verify Clockify's add-on JWTs: one function used by lifecycle, webhooks, sidebar and API.

The checks are the ones Clockify documents (shared `addon-platform.md` §3.2) plus what an
attacker would try first:

* RS256 only, checked on the header before any key is touched, so `alg: none` and HS256
  signed with the (public) RSA key as an HMAC secret are refused outright;
* the signature against Clockify's published key (or the sandbox's, by configuration);
  several keys may be configured so a future key rotation needs no release;
* `iss == "clockify"`, `type == "addon"`, `sub ==` our manifest key;
* `exp` required on user tokens (30-minute iframe tokens) and honoured on every token that
  carries one; installation and webhook tokens are documented as never expiring;
* `iat`/`nbf` not in the future, with a small clock-skew leeway;
* `workspaceId` present, and `addonId` present on every kind except lifecycle (its claim set is
  undocumented, so it is checked against the body when present).

Time comes in as an argument, so the whole module is testable without a clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from addon.errors import InvalidToken

__all__ = ["ClockifyClaims", "TokenKind", "TokenVerifier"]

_MAX_TOKEN_LENGTH = 16_384


class TokenKind(StrEnum):
    INSTALLATION = "installation"
    USER = "user"
    LIFECYCLE = "lifecycle"
    WEBHOOK = "webhook"


@dataclass(frozen=True, slots=True)
class ClockifyClaims:
    """The verified claims we use; URLs are `None` on kinds that do not carry them."""

    kind: TokenKind
    workspace_id: str
    addon_id: str | None
    user_id: str | None
    backend_url: str | None
    reports_url: str | None
    issued_at: int | None
    expires_at: int | None
    workspace_role: str | None = None
    language: str | None = None
    theme: str | None = None


class TokenVerifier:
    """Verifies tokens for one add-on key against one or more RSA public keys."""

    def __init__(self, public_keys_pem: Sequence[str], addon_key: str, leeway_seconds: int) -> None:
        keys = [load_pem_public_key(pem.encode("ascii")) for pem in public_keys_pem]
        self._keys: tuple[RSAPublicKey, ...] = tuple(k for k in keys if isinstance(k, RSAPublicKey))
        if not self._keys:
            raise ValueError("at least one RSA public key is required")
        self._addon_key = addon_key
        self._leeway = leeway_seconds

    def verify(self, raw: str | None, *, kind: TokenKind, now: float) -> ClockifyClaims:
        """Return the claims of `raw`, or raise `InvalidToken` naming the failed check."""
        if not raw:
            raise InvalidToken(f"missing {kind.value} token")
        raw = raw.strip()
        if len(raw) > _MAX_TOKEN_LENGTH or raw.count(".") != 2:
            raise InvalidToken(f"{kind.value} token is not a JWT")
        try:
            header = jwt.get_unverified_header(raw)
        except jwt.InvalidTokenError:
            raise InvalidToken(f"{kind.value} token is not a JWT") from None
        if header.get("alg") != "RS256":
            raise InvalidToken(f"{kind.value} token must be signed with RS256")
        claims = self._decode(raw, kind)
        return self._check(claims, kind, now)

    def _decode(self, raw: str, kind: TokenKind) -> Mapping[str, Any]:
        for key in self._keys:
            try:
                return jwt.decode(
                    raw,
                    key,
                    algorithms=["RS256"],
                    options={
                        "verify_signature": True,
                        "verify_exp": False,
                        "verify_nbf": False,
                        "verify_iat": False,
                        "verify_aud": False,
                        "verify_iss": False,
                    },
                )
            except jwt.InvalidSignatureError:
                continue
            except jwt.InvalidTokenError:
                raise InvalidToken(f"{kind.value} token is malformed") from None
        raise InvalidToken(f"{kind.value} token signature is not Clockify's")

    def _check(self, claims: Mapping[str, Any], kind: TokenKind, now: float) -> ClockifyClaims:
        name = kind.value
        if claims.get("iss") != "clockify":
            raise InvalidToken(f"{name} token issuer is not clockify")
        if claims.get("type") != "addon":
            raise InvalidToken(f"{name} token type is not addon")
        if claims.get("sub") != self._addon_key:
            raise InvalidToken(f"{name} token was issued for another add-on")
        expires_at = _timestamp(claims, "exp", name)
        issued_at = _timestamp(claims, "iat", name)
        not_before = _timestamp(claims, "nbf", name)
        if kind is TokenKind.USER and expires_at is None:
            raise InvalidToken("user token has no expiry")
        if expires_at is not None and now > expires_at + self._leeway:
            raise InvalidToken(f"{name} token has expired")
        for moment in (issued_at, not_before):
            if moment is not None and moment > now + self._leeway:
                raise InvalidToken(f"{name} token is not valid yet")
        workspace_id = _text(claims, "workspaceId", name, required=True)
        assert workspace_id is not None  # noqa: S101  # required=True guarantees it; narrows the type
        addon_id = _text(claims, "addonId", name, required=kind is not TokenKind.LIFECYCLE)
        carries_urls = kind in {TokenKind.INSTALLATION, TokenKind.USER}
        return ClockifyClaims(
            kind=kind,
            workspace_id=workspace_id,
            addon_id=addon_id,
            user_id=_text(claims, "user", name, required=carries_urls),
            backend_url=_url(claims, "backendUrl", name, required=carries_urls),
            reports_url=_url(claims, "reportsUrl", name, required=carries_urls),
            issued_at=issued_at,
            expires_at=expires_at,
            workspace_role=_text(claims, "workspaceRole", name, required=False),
            language=_text(claims, "language", name, required=False),
            theme=_text(claims, "theme", name, required=False),
        )


def _timestamp(claims: Mapping[str, Any], field: str, name: str) -> int | None:
    value = claims.get(field)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidToken(f"{name} token claim {field} is not a timestamp")
    return int(value)


def _text(claims: Mapping[str, Any], field: str, name: str, *, required: bool) -> str | None:
    value = claims.get(field)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value or len(value) > 200:
        raise InvalidToken(f"{name} token claim {field} is missing or invalid")
    return value


def _url(claims: Mapping[str, Any], field: str, name: str, *, required: bool) -> str | None:
    value = _text(claims, field, name, required=required)
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query or parts.fragment:
        raise InvalidToken(f"{name} token claim {field} is not an http(s) URL")
    return value.rstrip("/")
