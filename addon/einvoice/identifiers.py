"""Format checks for what a seller types: country codes, VAT ids, IBAN, BIC, e-mail, GLN.

Each check normalises the value the way the rules compare it (upper case, no spaces in an IBAN)
and raises `InvalidDetails` naming the field, so a typo fails when it is saved rather than when
a scheduled e-invoice is written. The checks are about shape only: whether a VAT id is
registered is the tax office's business, not ours.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Final

from babel import Locale

from addon.einvoice.problems import InvalidDetails
from addon.reports.errors import shorten

__all__ = [
    "EMAIL_SCHEME",
    "check_bic",
    "check_country",
    "check_email",
    "check_endpoint",
    "check_iban",
    "check_vat_id",
]

EMAIL_SCHEME: Final = "EM"
"""EAS code for an e-mail address as electronic address (BT-34/BT-49)."""

_BIC = re.compile(r"[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?")
_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")
_VAT_ID = re.compile(r"([A-Z0-9]{2})[A-Z0-9+*.]{2,13}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_EAS = re.compile(r"[0-9]{4}")
_VAT_ONLY_PREFIXES: Final = frozenset({"EL", "XI", "1A"})
"""VAT-id prefixes that are not ISO countries but BR-CO-09 accepts (Greece, Northern Ireland)."""


@cache
def _countries() -> frozenset[str]:
    codes = (code for code in Locale("en").territories if isinstance(code, str))
    return frozenset(code for code in codes if re.fullmatch("[A-Z]{2}", code))


def check_country(field: str, value: str) -> str:
    """An ISO 3166-1 alpha-2 code ("DE"), upper-cased; "" stays "" (not given yet)."""
    code = value.strip().upper()
    if code and code not in _countries():
        raise InvalidDetails(f"{field}: {shorten(value)} is not an ISO 3166-1 country code.")
    return code


def check_vat_id(field: str, value: str) -> str:
    """A VAT id with its country prefix ("DE123456789"), spaces removed (BR-CO-09)."""
    vat_id = re.sub(r"\s", "", value).upper()
    if not vat_id:
        return ""
    match = _VAT_ID.fullmatch(vat_id)
    if not match or match[1] not in _countries() | _VAT_ONLY_PREFIXES:
        raise InvalidDetails(
            f"{field}: {shorten(value)} is not a VAT id; it starts with the country code "
            "(DE123456789, FR12345678901, EL123456789)."
        )
    return vat_id


def _mod97(iban: str) -> int:
    """ISO 13616's remainder; `iban` must already be ASCII letters and digits."""
    return int("".join(str(int(char, 36)) for char in iban[4:] + iban[:4])) % 97


def check_iban(field: str, value: str) -> str:
    """An IBAN without spaces whose ISO 13616 check digits are right (mod 97 == 1)."""
    iban = re.sub(r"\s", "", value).upper()
    if not iban:
        return ""
    if not _IBAN.fullmatch(iban) or _mod97(iban) != 1:
        raise InvalidDetails(f"{field}: {shorten(value)} is not a valid IBAN.")
    return iban


def check_bic(field: str, value: str) -> str:
    """A BIC of 8 or 11 characters (ISO 9362)."""
    bic = value.strip().upper()
    if bic and not _BIC.fullmatch(bic):
        raise InvalidDetails(f"{field}: {shorten(value)} is not a BIC (8 or 11 characters).")
    return bic


def check_email(field: str, value: str) -> str:
    """An e-mail address with one @ and a dotted domain (BR-DE-28 expects as much)."""
    email = value.strip()
    if email and not _EMAIL.fullmatch(email):
        raise InvalidDetails(f"{field}: {shorten(value)} is not an e-mail address.")
    return email


def _gln_ok(gln: str) -> bool:
    """GS1 check digit: weights 3 and 1 from the right, excluding the check digit itself."""
    if not re.fullmatch(r"[0-9]{13}", gln):
        return False
    body = [int(char) for char in gln[:-1]]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == int(gln[-1])


def check_endpoint(field: str, scheme: str, identifier: str) -> tuple[str, str]:
    """An electronic address: an EAS scheme ("EM", "0088", "9930") and its identifier.

    E-mail addresses and GLNs (0088, whose check digit PEPPOL-COMMON-R040 verifies) are checked
    for shape; other schemes only for being a four-digit EAS code and a non-empty identifier.
    """
    scheme = scheme.strip().upper()
    identifier = identifier.strip()
    if scheme != EMAIL_SCHEME and not _EAS.fullmatch(scheme):
        raise InvalidDetails(
            f"{field}: {shorten(scheme)} is not an electronic address scheme (EM, or an EAS "
            "code such as 0088 for a GLN or 9930 for a German VAT id)."
        )
    if not identifier:
        raise InvalidDetails(f"{field}: the electronic address is empty.")
    if scheme == EMAIL_SCHEME:
        check_email(field, identifier)
    if scheme == "0088" and not _gln_ok(identifier):
        raise InvalidDetails(f"{field}: {shorten(identifier)} is not a GLN (13 digits).")
    return scheme, identifier
