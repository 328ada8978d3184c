"""Reading the document totals back out of written XML, to compare with the invoice."""

from __future__ import annotations

from decimal import Decimal
from xml.etree import ElementTree

from addon.einvoice import Syntax

RAM = "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}"
CBC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"
CAC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2}"

_CII = {
    "lines": "LineTotalAmount",
    "without_vat": "TaxBasisTotalAmount",
    "vat": "TaxTotalAmount",
    "with_vat": "GrandTotalAmount",
    "due": "DuePayableAmount",
}
_UBL = {
    "lines": "LineExtensionAmount",
    "without_vat": "TaxExclusiveAmount",
    "with_vat": "TaxInclusiveAmount",
    "due": "PayableAmount",
}


def parse(xml: bytes) -> ElementTree.Element:
    return ElementTree.fromstring(xml)  # noqa: S314  # XML we just wrote


def totals(xml: bytes, syntax: Syntax) -> dict[str, Decimal]:
    """BG-22 as written: lines, without_vat, vat, with_vat, due (major units)."""
    root = parse(xml)
    if syntax is Syntax.CII:
        summation = root.find(f".//{RAM}SpecifiedTradeSettlementHeaderMonetarySummation")
        assert summation is not None
        return {key: Decimal(summation.findtext(RAM + tag, "")) for key, tag in _CII.items()}
    monetary = root.find(f"{CAC}LegalMonetaryTotal")
    assert monetary is not None
    found = {key: Decimal(monetary.findtext(CBC + tag, "")) for key, tag in _UBL.items()}
    found["vat"] = Decimal(root.findtext(f"{CAC}TaxTotal/{CBC}TaxAmount", ""))
    return found


def texts(xml: bytes, tag: str) -> list[str]:
    """Text of every element whose local name is `tag`, in document order."""
    return [e.text or "" for e in parse(xml).iter() if e.tag.rsplit("}", 1)[-1] == tag]
