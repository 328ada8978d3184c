"""The four e-invoice flavours we write: two syntaxes, each plain EN 16931 or a national CIUS.

CII (UN/CEFACT Cross Industry Invoice D16B) is what Factur-X 1.07 / ZUGFeRD 2.3 embed in a PDF
and one of XRechnung's two syntaxes; UBL 2.1 is what the Peppol network carries and XRechnung's
other syntax. The identifiers are the specification identifier (BT-24) and business process
(BT-23) each guideline asks for, verbatim.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

__all__ = ["EN16931", "PEPPOL_PROCESS", "Profile", "Syntax"]

EN16931: Final = "urn:cen.eu:en16931:2017"
PEPPOL_PROCESS: Final = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
_XRECHNUNG: Final = f"{EN16931}#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
_PEPPOL: Final = f"{EN16931}#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"


class Syntax(StrEnum):
    """The XML vocabulary of a profile."""

    CII = "cii"
    UBL = "ubl"


class Profile(StrEnum):
    """An e-invoice flavour: its syntax, its specification id and its extra rules.

    FACTURX is the EN 16931 profile of Factur-X 1.07 / ZUGFeRD 2.3 (the XML only; the PDF/A-3
    wrapper is written elsewhere). PEPPOL is Peppol BIS Billing 3.0. The XRECHNUNG_* pair is
    XRechnung 3.0, Germany's CIUS, whose BR-DE rules demand more of seller and buyer.
    """

    FACTURX = "factur-x"
    XRECHNUNG_CII = "xrechnung-cii"
    PEPPOL = "peppol"
    XRECHNUNG_UBL = "xrechnung-ubl"

    @property
    def syntax(self) -> Syntax:
        if self in (Profile.FACTURX, Profile.XRECHNUNG_CII):
            return Syntax.CII
        return Syntax.UBL

    @property
    def guideline(self) -> str:
        """Specification identifier BT-24 (CII guideline id, UBL CustomizationID)."""
        if self is Profile.FACTURX:
            return EN16931
        if self is Profile.PEPPOL:
            return _PEPPOL
        return _XRECHNUNG

    @property
    def business_process(self) -> str:
        """Business process BT-23 (UBL ProfileID); Factur-X leaves it out."""
        return "" if self is Profile.FACTURX else PEPPOL_PROCESS

    @property
    def is_xrechnung(self) -> bool:
        return self in (Profile.XRECHNUNG_CII, Profile.XRECHNUNG_UBL)

    @property
    def needs_endpoints(self) -> bool:
        """Whether seller and buyer electronic addresses (BT-34, BT-49) are mandatory.

        Peppol routes on them (PEPPOL-EN16931-R010/R020); XRechnung 3.0 made both mandatory.
        """
        return self is not Profile.FACTURX
