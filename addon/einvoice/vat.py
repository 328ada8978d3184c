"""VAT categories (UNCL5305 as EN 16931 uses them) and the treatment a tax maps to.

Our invoices know taxes only as a name and a percentage; EN 16931 needs to know *why* a line is
taxed as it is. The seller says so once per tax, and once for lines that carry no tax, with a
`VatTreatment`. Each category brings its own rules, checked where they can be:

    S   standard rate      rate > 0 (BR-S-05); no exemption reason (BR-S-10)
    Z   zero rated         rate 0 (BR-Z-05); no exemption reason (BR-Z-10)
    E   exempt             rate 0; a reason text or VATEX code is mandatory (BR-E-10)
    AE  reverse charge     rate 0; seller and buyer VAT ids (BR-AE-02); reason "Reverse charge"
    K   intra-community    rate 0; seller and buyer VAT ids (BR-IC-02), a period (BR-IC-11)
                           and a deliver-to country (BR-IC-12)
    G   export outside EU  rate 0; seller VAT id (BR-G-02)
    O   outside VAT scope  no rate on lines (BR-O-05); no seller or buyer VAT id (BR-O-02);
                           no other category on the invoice (BR-O-11)

AE, K, G and O need a reason too (BR-AE-10, BR-IC-10, BR-G-10, BR-O-10); when the seller gives
none we send the category's standard text and VATEX code, which is what those rules accept.
Rules that involve parties are checked in `requirements`; the rules about one treatment are
checked here, on construction, so a bad setting fails when it is saved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from addon.einvoice.problems import InvalidDetails
from addon.reports.errors import shorten

__all__ = ["VatCategory", "VatTreatment"]

_VATEX = re.compile(r"VATEX-[A-Z]{2}-[A-Z0-9-]{1,20}")


class VatCategory(StrEnum):
    """A VAT category code (BT-118/BT-151) among those a service business invoices with."""

    STANDARD = "S"
    ZERO = "Z"
    EXEMPT = "E"
    REVERSE_CHARGE = "AE"
    INTRA_COMMUNITY = "K"
    EXPORT = "G"
    OUTSIDE_SCOPE = "O"

    @property
    def is_standard(self) -> bool:
        """Only S charges VAT; every other category has rate 0 and no tax."""
        return self is VatCategory.STANDARD

    @property
    def takes_reason(self) -> bool:
        """S and Z must not carry an exemption reason; the others must (E) or do by default."""
        return self not in (VatCategory.STANDARD, VatCategory.ZERO)


_STANDARD_REASONS: Final = {
    VatCategory.REVERSE_CHARGE: ("Reverse charge", "VATEX-EU-AE"),
    VatCategory.INTRA_COMMUNITY: ("Intra-community supply", "VATEX-EU-IC"),
    VatCategory.EXPORT: ("Export outside the EU", "VATEX-EU-G"),
    VatCategory.OUTSIDE_SCOPE: ("Not subject to VAT", "VATEX-EU-O"),
}


@dataclass(frozen=True, slots=True)
class VatTreatment:
    """How lines under one of our taxes (or under none) are categorised for VAT.

    `exemption_reason` is BT-120 (free text, e.g. "Kleinunternehmer gemäß § 19 UStG") and
    `exemption_code` BT-121 (a VATEX code, e.g. "VATEX-EU-132-1I"). S and Z take neither; E
    needs at least one; AE, K, G and O fall back to their standard text and code.
    """

    category: VatCategory
    exemption_reason: str = ""
    exemption_code: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "exemption_reason", self.exemption_reason.strip())
        object.__setattr__(self, "exemption_code", self.exemption_code.strip().upper())
        given = self.exemption_reason or self.exemption_code
        if given and not self.category.takes_reason:
            raise InvalidDetails(
                f"VAT category {self.category.value} cannot carry an exemption reason "
                "(EN 16931 BR-S-10 / BR-Z-10); leave the reason empty or choose another category."
            )
        if self.category is VatCategory.EXEMPT and not given:
            raise InvalidDetails(
                "An exempt VAT category (E) needs the reason for the exemption, as text or as a "
                "VATEX code (EN 16931 BR-E-10)."
            )
        if self.exemption_code and not _VATEX.fullmatch(self.exemption_code):
            raise InvalidDetails(
                f"{shorten(self.exemption_code)} is not a VATEX exemption code "
                "(such as VATEX-EU-132-1I)."
            )

    @property
    def reason(self) -> str:
        """Exemption reason text BT-120 to send: the seller's, else the category's standard."""
        if self.exemption_reason or self.exemption_code:
            return self.exemption_reason
        return _STANDARD_REASONS.get(self.category, ("", ""))[0]

    @property
    def reason_code(self) -> str:
        """Exemption reason code BT-121 to send: the seller's, else the category's standard."""
        if self.exemption_reason or self.exemption_code:
            return self.exemption_code
        return _STANDARD_REASONS.get(self.category, ("", ""))[1]
