"""The Factur-X 1.07 / ZUGFeRD 2.3 invoice: our PDF as PDF/A-3b with the CII XML inside.

    facturx_pdf(invoice, fmt, cii_xml) -> bytes    the invoice PDF carrying `factur-x.xml`
    attach_facturx(pdf, cii_xml, dated=...) -> bytes    the same for any PDF (no cross-check)
    check_facturx_xml(cii_xml) -> str                   the Factur-X level, or FacturXRefused

The XML comes in as bytes (`addon.einvoice.write_einvoice` with `Profile.FACTURX` writes it; the
services join the two, since `render` may not import `einvoice`). The akretion `factur-x`
package does what it is good at: telling the flavour and level of the XML, checking it against
the Factur-X XSD it ships, and writing the Factur-X XMP extension schema and properties
(`fx:DocumentType` INVOICE, `fx:DocumentFileName` factur-x.xml, `fx:Version` 1.0,
`fx:ConformanceLevel`). Its own `generate_from_binary` is not used: it stamps the clock into
the XMP, the Info dictionary and the attachment (the same invoice would give different bytes),
goes through a temporary file, and leaves the PDF short of PDF/A (no OutputIntent), so a second
pass would be needed anyway. `pdfa.pdfa3` does the PDF/A-3b part with pikepdf.

Refused with `FacturXRefused` (a `ReportError`: the caller answers 422), never a broken file:
XML that does not parse, is not a CII invoice, fails the XSD, or states another invoice than
the one drawn (number, currency or grand total differ). `PdfaRefused` when the PDF itself cannot
be PDF/A-3b (its fonts missing, say).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Final

import facturx
from lxml import etree

from addon.render.i18n import Formatter
from addon.render.pdf import render_invoice_pdf
from addon.render.pdfa import RDF, Attachment, pdfa3
from addon.reports.errors import ReportError
from addon.reports.model import Invoice

__all__ = [
    "FACTURX_FILENAME",
    "FacturXRefused",
    "attach_facturx",
    "check_facturx_xml",
    "facturx_pdf",
]

FACTURX_FILENAME: Final = "factur-x.xml"
_PARSER: Final = etree.XMLParser(resolve_entities=False, no_network=True)
_NS: Final = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}
_EXTENSION: Final = ("http://www.aiim.org/pdfa/ns/extension/", "urn:factur-x:pdfa:")


class FacturXRefused(ReportError):
    """Raise when the XML cannot go into a Factur-X PDF; the message says what is wrong with it."""

    code = "facturx_refused"


def _parse(cii_xml: bytes) -> etree._Element:
    try:
        return etree.fromstring(cii_xml, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise FacturXRefused(f"The Factur-X XML does not parse: {exc}.") from exc


def _level(root: etree._Element) -> str:
    if etree.QName(root).text != f"{{{_NS['rsm']}}}CrossIndustryInvoice":
        raise FacturXRefused(
            f"The Factur-X XML must be a CII rsm:CrossIndustryInvoice, not {root.tag}."
        )
    try:
        level: str = facturx.get_level(root, "factur-x")
        # factur-x raises bare Exception for XML that breaks the XSD; its message says where
        facturx.xml_check_xsd(root, flavor="factur-x", level=level)
    except Exception as exc:
        raise FacturXRefused(f"The Factur-X XML is refused: {exc}") from exc
    return level


def check_facturx_xml(cii_xml: bytes) -> str:
    """The Factur-X level of `cii_xml` (`en16931`, ...) once it passes that level's XSD."""
    return _level(_parse(cii_xml))


def _extension_xmp(level: str) -> tuple[bytes, ...]:
    """factur-x's extension schema and fx: properties, as `rdf:Description` elements."""
    packet = etree.fromstring(facturx.generate_xmp_bytes("factur-x", level, None, {}), _PARSER)
    kept = []
    for description in packet.iterfind(f"{{{RDF}}}RDF/{{{RDF}}}Description"):
        if any(etree.QName(part).namespace.startswith(_EXTENSION) for part in description):
            description.set(f"{{{RDF}}}about", "")  # factur-x leaves it out; XMP requires it
            kept.append(etree.tostring(description))
    return tuple(kept)


def attach_facturx(pdf: bytes, cii_xml: bytes, *, dated: date) -> bytes:
    """`pdf` as a Factur-X PDF/A-3b carrying `cii_xml` as `factur-x.xml` (AFRelationship Data)."""
    return _wrap(pdf, cii_xml, check_facturx_xml(cii_xml), dated)


def _wrap(pdf: bytes, cii_xml: bytes, level: str, dated: date) -> bytes:
    attachment = Attachment(FACTURX_FILENAME, cii_xml, "text/xml", "Factur-X invoice", "Data")
    return pdfa3(pdf, attachment, dated=dated, extra_xmp=_extension_xmp(level))


def _text(root: etree._Element, path: str) -> str:
    found = root.find(path, _NS)
    return "" if found is None or found.text is None else found.text.strip()


def _check_states(root: etree._Element, invoice: Invoice) -> None:
    """Refuse XML whose number, currency or grand total are not the drawn invoice's."""
    settlement = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
    number = _text(root, "rsm:ExchangedDocument/ram:ID")
    currency = _text(root, f"{settlement}/ram:InvoiceCurrencyCode")
    total = _text(
        root,
        f"{settlement}/ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:GrandTotalAmount",
    )
    try:
        same_total = Decimal(total) == invoice.total.to_major()
    except InvalidOperation:
        same_total = False
    if (number, currency) != (invoice.number, invoice.total.currency) or not same_total:
        raise FacturXRefused(
            f"The Factur-X XML states invoice {number or '?'} for {total or '?'} {currency}, "
            f"not invoice {invoice.number} for {invoice.total.to_major()} "
            f"{invoice.total.currency}."
        )


def facturx_pdf(invoice: Invoice, fmt: Formatter, cii_xml: bytes) -> bytes:
    """The invoice PDF, as `render_invoice_pdf` draws it, made a Factur-X carrying `cii_xml`.

    Dated at the invoice's issue date. The XML must state this invoice (see the module doc).
    """
    root = _parse(cii_xml)
    level = _level(root)
    _check_states(root, invoice)
    return _wrap(render_invoice_pdf(invoice, fmt), cii_xml, level, invoice.issue_date)
