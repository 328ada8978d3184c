"""Token verification: every forged, expired or misdirected token is refused with a reason."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import hashes, hmac

from addon.errors import InvalidToken
from addon.settings import CLOCKIFY_PUBLIC_KEY_PEM
from addon.verify.tokens import TokenKind, TokenVerifier
from sandbox.tokens import TokenIssuer
from tests.clockify import ADDON_ID, GLOBAL_URLS, OWNER_ID, WORKSPACE_ID

KEY = "reports-invoices"
NOW = 1_790_000_000.0


@pytest.fixture(scope="module")
def signer() -> TokenIssuer:
    return TokenIssuer(addon_key=KEY)


@pytest.fixture(scope="module")
def verifier(signer: TokenIssuer) -> TokenVerifier:
    return TokenVerifier([signer.public_key_pem], KEY, leeway_seconds=30)


def _claims(**overrides: object) -> dict[str, object]:
    claims: dict[str, object] = {
        "iss": "clockify",
        "sub": KEY,
        "type": "addon",
        "workspaceId": WORKSPACE_ID,
        "addonId": ADDON_ID,
        "user": OWNER_ID,
        "iat": int(NOW),
        "exp": int(NOW) + 1800,
        "workspaceRole": "OWNER",
        **GLOBAL_URLS.as_claims(),
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def test_user_token_from_clockify_yields_its_claims(
    signer: TokenIssuer, verifier: TokenVerifier
) -> None:
    token = signer.user_token(
        workspace_id=WORKSPACE_ID,
        addon_id=ADDON_ID,
        user_id=OWNER_ID,
        urls=GLOBAL_URLS,
        role="ADMIN",
        theme="DARK",
        now=NOW,
    )

    claims = verifier.verify(token, kind=TokenKind.USER, now=NOW + 60)

    assert claims.workspace_id == WORKSPACE_ID
    assert claims.addon_id == ADDON_ID
    assert claims.user_id == OWNER_ID
    assert claims.workspace_role == "ADMIN"
    assert claims.theme == "DARK"
    assert claims.backend_url == "https://api.clockify.me/api"
    assert claims.reports_url == "https://reports.api.clockify.me"
    assert claims.expires_at == int(NOW) + 1800


def test_installation_token_without_expiry_is_accepted(
    signer: TokenIssuer, verifier: TokenVerifier
) -> None:
    token = signer.installation_token(
        workspace_id=WORKSPACE_ID, addon_id=ADDON_ID, owner_id=OWNER_ID, urls=GLOBAL_URLS, now=NOW
    )

    claims = verifier.verify(token, kind=TokenKind.INSTALLATION, now=NOW + 86_400 * 365)

    assert claims.expires_at is None
    assert claims.user_id == OWNER_ID


def test_several_keys_are_tried_so_rotation_needs_no_release(signer: TokenIssuer) -> None:
    verifier = TokenVerifier([CLOCKIFY_PUBLIC_KEY_PEM, signer.public_key_pem], KEY, 30)

    claims = verifier.verify(signer.sign(_claims()), kind=TokenKind.USER, now=NOW)

    assert claims.workspace_id == WORKSPACE_ID


def _forgeries(signer: TokenIssuer) -> dict[str, str]:
    other = TokenIssuer(addon_key=KEY)
    header_none = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    body = _b64(json.dumps(_claims()).encode())
    hs_header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    mac = hmac.HMAC(signer.public_key_pem.encode(), hashes.SHA256())
    mac.update(f"{hs_header}.{body}".encode())
    valid = signer.sign(_claims())
    head, _payload, signature = valid.split(".")
    tampered = _b64(json.dumps(_claims(workspaceId="f" * 24)).encode())
    return {
        "signed by another key": other.sign(_claims()),
        "alg none": f"{header_none}.{body}.",
        "HS256 with the public key as secret": f"{hs_header}.{body}.{_b64(mac.finalize())}",
        "RS512": jwt.encode(_claims(), other._private_key, algorithm="RS512"),
        "payload swapped after signing": f"{head}.{tampered}.{signature}",
        "expired": signer.sign(_claims(iat=int(NOW) - 4000, exp=int(NOW) - 2000)),
        "no expiry on a user token": signer.sign(_claims(exp=None)),
        "wrong issuer": signer.sign(_claims(iss="clockify.evil")),
        "wrong subject": signer.sign(_claims(sub="someone-elses-addon")),
        "wrong type": signer.sign(_claims(type="user")),
        "issued in the future": signer.sign(_claims(iat=int(NOW) + 3600, exp=int(NOW) + 7200)),
        "no workspace": signer.sign(_claims(workspaceId=None)),
        "backendUrl not a URL": signer.sign(_claims(backendUrl="javascript:alert(1)")),
        "not a JWT": "not-a-token",
        "garbage segments": "eyJhbGciOi.eyJzdWIi.c2ln",
        "empty": "",
    }


@pytest.mark.parametrize("case", list(_forgeries(TokenIssuer(addon_key=KEY)).keys()))
def test_forged_or_misdirected_user_token_is_rejected(
    case: str, signer: TokenIssuer, verifier: TokenVerifier
) -> None:
    token = _forgeries(signer)[case]

    with pytest.raises(InvalidToken) as raised:
        verifier.verify(token, kind=TokenKind.USER, now=NOW)

    message = str(raised.value)
    assert message
    assert token == "" or token not in message


def test_expiry_within_the_leeway_is_tolerated(
    signer: TokenIssuer, verifier: TokenVerifier
) -> None:
    token = signer.sign(_claims(exp=int(NOW) - 10))

    claims = verifier.verify(token, kind=TokenKind.USER, now=NOW)

    assert claims.expires_at == int(NOW) - 10


def test_lifecycle_token_may_omit_addon_id(signer: TokenIssuer, verifier: TokenVerifier) -> None:
    token = signer.sign(_claims(addonId=None, exp=None, user=None))

    claims = verifier.verify(token, kind=TokenKind.LIFECYCLE, now=NOW)

    assert claims.addon_id is None


def test_real_clockify_key_rejects_sandbox_tokens(signer: TokenIssuer) -> None:
    verifier = TokenVerifier([CLOCKIFY_PUBLIC_KEY_PEM], KEY, 30)

    with pytest.raises(InvalidToken, match="signature"):
        verifier.verify(signer.sign(_claims()), kind=TokenKind.USER, now=time.time())
