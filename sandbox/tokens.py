"""Signs Clockify-shaped JWTs with a key pair the sandbox generates at start.

The key pair lives only in memory: it is created when a `TokenIssuer` is built and never written
to disk, so no private key can end up in a commit. The add-on under test is configured with
`TokenIssuer.public_key_pem`, exactly as production is configured with Clockify's published key.

Claim sets follow Clockify's add-on documentation (see shared `addon-platform.md` §3):
installation and user tokens carry `backendUrl`/`reportsUrl`/`locationsUrl`/`screenshotsUrl`,
`workspaceId`, `user` and `addonId`; user tokens add `language`, `theme`, `workspaceRole` and an
`exp` 30 minutes after `iat` (Clockify's lifetime; tests may ask for less, see
`SandboxState.user_token_seconds`); webhook and lifecycle tokens carry the reduced set.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

USER_TOKEN_LIFETIME_SECONDS = 30 * 60


@dataclass(frozen=True, slots=True)
class ApiUrls:
    """The environment URLs a Clockify token names (global or regional)."""

    backend_url: str
    reports_url: str
    locations_url: str
    screenshots_url: str
    pto_url: str

    @classmethod
    def for_sandbox(
        cls, sandbox_url: str, region: str | None, subdomain: str | None = None
    ) -> ApiUrls:
        """The URLs a sandbox at `sandbox_url` puts in tokens for a workspace in `region`.

        `subdomain` is set for a subdomain workspace (e.g. `acme`), else `None`.

        One host has to stand in for Clockify's many, so each one becomes a path prefix
        (paths under `sandbox_url`):

        ============  ============  =========================  ============================
        claim         global        regional (euc1)            subdomain (acme)
        ============  ============  =========================  ============================
        backendUrl    /api          /regions/euc1/api          its region's, as on the left
        reportsUrl    /reports      /regions/euc1/report       /subdomains/acme/report
        locationsUrl  /locations    /regions/euc1/locations    /subdomains/acme/locations
        screenshots…  /screenshots  /regions/euc1/screenshots  /subdomains/acme/screenshots
        ptoUrl        /pto          /regions/euc1/pto          /subdomains/acme/pto
        ============  ============  =========================  ============================

        The global reports prefix is `reports` (Clockify: `reports.api.clockify.me`) and the
        regional one `report` (Clockify: `euc1.clockify.me/report`), as in production: an
        add-on that derives the Reports URL from `backendUrl` instead of reading the
        `reportsUrl` claim therefore fails against the sandbox too. A subdomain workspace
        (addon-platform.md §4) keeps its regular API on its region's host (`euc1.clockify.me/api`,
        or the global one without a region) and has its reports on `acme.clockify.me/report`, so
        there `backendUrl` and `reportsUrl` do not even share a prefix.
        """
        base = sandbox_url.rstrip("/")
        if region is None:
            prefix, reports = base, f"{base}/reports"
        else:
            prefix = f"{base}/regions/{region}"
            reports = f"{prefix}/report"
        backend = f"{prefix}/api"
        if subdomain is not None:
            prefix = f"{base}/subdomains/{subdomain}"
            reports = f"{prefix}/report"
        return cls(
            backend_url=backend,
            reports_url=reports,
            locations_url=f"{prefix}/locations",
            screenshots_url=f"{prefix}/screenshots",
            pto_url=f"{prefix}/pto",
        )

    def as_claims(self) -> dict[str, str]:
        return {
            "backendUrl": self.backend_url,
            "reportsUrl": self.reports_url,
            "locationsUrl": self.locations_url,
            "screenshotsUrl": self.screenshots_url,
            "ptoUrl": self.pto_url,
        }


def _new_private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass(slots=True)
class TokenIssuer:
    """Issues RS256 tokens for one add-on key, as Clockify does for a published add-on."""

    addon_key: str
    _private_key: rsa.RSAPrivateKey = field(default_factory=_new_private_key, repr=False)

    @property
    def public_key_pem(self) -> str:
        return (
            self._private_key.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode("ascii")
        )

    def sign(self, claims: dict[str, Any], *, headers: dict[str, Any] | None = None) -> str:
        """Sign arbitrary claims; tests use this to build deliberately wrong tokens."""
        return jwt.encode(claims, self._private_key, algorithm="RS256", headers=headers)

    def _base(self, workspace_id: str, addon_id: str, now: float | None) -> dict[str, Any]:
        issued = int(time.time() if now is None else now)
        return {
            "iss": "clockify",
            "sub": self.addon_key,
            "type": "addon",
            "workspaceId": workspace_id,
            "addonId": addon_id,
            "iat": issued,
        }

    def installation_token(
        self,
        *,
        workspace_id: str,
        addon_id: str,
        owner_id: str,
        urls: ApiUrls,
        now: float | None = None,
    ) -> str:
        """The never-expiring token delivered once in the INSTALLED payload."""
        claims = self._base(workspace_id, addon_id, now)
        claims.update(urls.as_claims())
        claims["user"] = owner_id
        return self.sign(claims)

    def user_token(
        self,
        *,
        workspace_id: str,
        addon_id: str,
        user_id: str,
        urls: ApiUrls,
        role: str = "OWNER",
        language: str = "EN",
        theme: str = "DEFAULT",
        lifetime: int = USER_TOKEN_LIFETIME_SECONDS,
        now: float | None = None,
    ) -> str:
        """The token Clockify appends as `auth_token` to component iframe URLs.

        It expires `lifetime` seconds after it is issued: 30 minutes in Clockify, shorter only
        when a test wants to see an add-on cope with expiry.
        """
        if lifetime <= 0:
            raise ValueError(f"lifetime must be a positive number of seconds, not {lifetime}")
        claims = self._base(workspace_id, addon_id, now)
        claims.update(urls.as_claims())
        claims.update(
            {
                "user": user_id,
                "workspaceRole": role,
                "language": language,
                "theme": theme,
                "exp": claims["iat"] + lifetime,
            }
        )
        return self.sign(claims)

    def lifecycle_token(self, *, workspace_id: str, addon_id: str, now: float | None = None) -> str:
        """The `X-Addon-Lifecycle-Token` signature sent with every lifecycle callback."""
        return self.sign(self._base(workspace_id, addon_id, now))

    def webhook_token(self, *, workspace_id: str, addon_id: str, now: float | None = None) -> str:
        """The never-expiring `clockify-signature` of one webhook of one installation."""
        return self.sign(self._base(workspace_id, addon_id, now))
