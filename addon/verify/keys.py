"""Clockify's published signing key, and what the verifier accepts as one.

Beside the verifier rather than in `addon.settings`, because "is this PEM an RSA public key"
is the verifier's question; settings only ask it at start-up, so a bad key stops the process
naming `ADDON_CLOCKIFY_PUBLIC_KEYS` instead of failing the first install.
"""

from __future__ import annotations

import re

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from addon.errors import ConfigurationError

__all__ = ["CLOCKIFY_PUBLIC_KEY_PEM", "check_public_key", "pem_blocks"]

# Clockify's published add-on signing key (developer docs, "Authentication and authorization").
CLOCKIFY_PUBLIC_KEY_PEM = """-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAubktufFNO/op+E5WBWL6
/Y9QRZGSGGCsV00FmPRl5A0mSfQu3yq2Yaq47IlN0zgFy9IUG8/JJfwiehsmbrKa
49t/xSkpG1u9w1GUyY0g4eKDUwofHKAt3IPw0St4qsWLK9mO+koUo56CGQOEpTui
5bMfmefVBBfShXTaZOtXPB349FdzSuYlU/5o3L12zVWMutNhiJCKyGfsuu2uXa9+
6uQnZBw1wO3/QEci7i4TbC+ZXqW1rCcbogSMORqHAP6qSAcTFRmrjFAEsOWiUUhZ
rLDg2QJ8VTDghFnUhYklNTJlGgfo80qEWe1NLIwvZj0h3bWRfrqZHsD/Yjh0duk6
yQIDAQAB
-----END PUBLIC KEY-----
"""

_PEM_BLOCK = re.compile(r"-----BEGIN PUBLIC KEY-----.+?-----END PUBLIC KEY-----", re.DOTALL)


def pem_blocks(raw: str) -> tuple[str, ...]:
    """The PEM blocks of one environment value (`\\n` escapes allowed); ValueError if none."""
    text = raw.replace("\\n", "\n")
    blocks = tuple(m.group(0) + "\n" for m in _PEM_BLOCK.finditer(text))
    if not blocks:
        raise ValueError("expected one or more '-----BEGIN PUBLIC KEY-----' PEM blocks")
    return blocks


def check_public_key(pem: str) -> None:
    """Raise `ConfigurationError` unless `pem` is an RSA public key (Clockify signs RS256)."""
    try:
        key = load_pem_public_key(pem.encode("ascii"))
    except (ValueError, TypeError, UnicodeEncodeError):
        raise ConfigurationError("ADDON_CLOCKIFY_PUBLIC_KEYS holds a key that is not PEM") from None
    if not isinstance(key, RSAPublicKey):
        raise ConfigurationError("ADDON_CLOCKIFY_PUBLIC_KEYS must hold RSA public keys")
