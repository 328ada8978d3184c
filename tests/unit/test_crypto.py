"""Encryption at rest: round trip, rotation, and a ciphertext bound to its workspace."""

from __future__ import annotations

import pytest

from addon.settings import Secret
from addon.store.crypto import TokenCipher, TokenDecryptionError, token_digest

TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"


def _key() -> Secret:
    return Secret(TokenCipher.generate_key())


def test_encrypted_token_round_trips_and_hides_the_clear_text() -> None:
    cipher = TokenCipher([_key()])

    sealed = cipher.encrypt(TOKEN, workspace_id="ws1")

    assert TOKEN not in sealed
    assert cipher.decrypt(sealed, workspace_id="ws1").reveal() == TOKEN


def test_ciphertext_moved_to_another_workspace_does_not_decrypt() -> None:
    cipher = TokenCipher([_key()])
    sealed = cipher.encrypt(TOKEN, workspace_id="ws1")

    with pytest.raises(TokenDecryptionError, match="another workspace"):
        cipher.decrypt(sealed, workspace_id="ws2")


def test_rotation_keeps_old_tokens_readable_and_moves_them_to_the_new_key() -> None:
    old, new = _key(), _key()
    sealed_with_old = TokenCipher([old]).encrypt(TOKEN, workspace_id="ws1")
    ring = TokenCipher([new, old])

    assert ring.decrypt(sealed_with_old, workspace_id="ws1").reveal() == TOKEN
    rotated = ring.rotate(sealed_with_old)

    assert TokenCipher([new]).decrypt(rotated, workspace_id="ws1").reveal() == TOKEN
    with pytest.raises(TokenDecryptionError):
        TokenCipher([old]).decrypt(rotated, workspace_id="ws1")


def test_unknown_key_fails_with_a_typed_error() -> None:
    sealed = TokenCipher([_key()]).encrypt(TOKEN, workspace_id="ws1")

    with pytest.raises(TokenDecryptionError):
        TokenCipher([_key()]).decrypt(sealed, workspace_id="ws1")


def test_digest_is_stable_and_not_the_token() -> None:
    assert token_digest(TOKEN) == token_digest(TOKEN)
    assert TOKEN not in token_digest(TOKEN) and len(token_digest(TOKEN)) == 64
