"""Encryption at rest for installation tokens, with key rotation.

Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`) through `MultiFernet`: the first
configured key encrypts, every key decrypts, and `rotate` re-encrypts under the first key, so
a key can be retired by prepending a new one, running `python -m addon rotate-keys`, then
dropping the old one. The workspace id is sealed inside the plaintext and checked on the way
out, so a ciphertext copied onto another workspace's row does not decrypt there.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from addon.secret import Secret

__all__ = ["TokenCipher", "TokenDecryptionError", "token_digest"]

log = logging.getLogger(__name__)


class TokenDecryptionError(Exception):
    """A stored token could not be decrypted with any configured key (or was moved)."""


def token_digest(token: str) -> str:
    """SHA-256 hex of a token: lets us recognise a token again without keeping it in clear."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokenCipher:
    """Encrypts secrets for one deployment's key ring."""

    def __init__(self, keys: Sequence[Secret]) -> None:
        if not keys:
            raise ValueError("at least one encryption key is required")
        self._fernet = MultiFernet([Fernet(k.reveal().encode("ascii")) for k in keys])

    @classmethod
    def ephemeral(cls) -> TokenCipher:
        """A throw-away key for development: stored tokens die with the process."""
        log.warning(
            "ADDON_ENCRYPTION_KEYS is not set: using an ephemeral key; stored installation "
            "tokens will be unreadable after a restart (development only)"
        )
        return cls([Secret(Fernet.generate_key().decode("ascii"))])

    @staticmethod
    def generate_key() -> str:
        return Fernet.generate_key().decode("ascii")

    def encrypt(self, secret: str, *, workspace_id: str) -> str:
        return self._fernet.encrypt(f"{workspace_id}\n{secret}".encode()).decode("ascii")

    def decrypt(self, ciphertext: str, *, workspace_id: str) -> Secret:
        try:
            plain = self._fernet.decrypt(ciphertext.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError):
            raise TokenDecryptionError("stored token does not decrypt with any key") from None
        owner, _, secret = plain.partition("\n")
        if owner != workspace_id:
            raise TokenDecryptionError("stored token belongs to another workspace")
        return Secret(secret)

    def rotate(self, ciphertext: str) -> str:
        """Re-encrypt under the newest key (a no-op in meaning, new bytes on disk)."""
        try:
            return self._fernet.rotate(ciphertext.encode("ascii")).decode("ascii")
        except InvalidToken:
            raise TokenDecryptionError("stored token does not decrypt with any key") from None
