"""OASIS UBL 2.1 `Invoice`: Peppol BIS Billing 3.0 and XRechnung UBL.

Elements follow the UBL 2.1 Invoice schema order. Every amount carries `currencyID` (Peppol's
PEPPOL-EN16931-R051 wants the document currency on each). A VAT id is a `PartyTaxScheme` with
scheme VAT, the national tax number a second one with scheme "FC" (BT-32); exemption reasons
are stated once, in the VAT breakdown, which is where EN 16931 defines them (BT-120/121).
"""

from __future__ import annotations

from typing import Final

from addon.einvoice.breakdown import VatGroup
from addon.einvoice.details import Address, ElectronicAddress
from addon.einvoice.document import COMMERCIAL_INVOICE, EInvoice, EInvoiceLine
from addon.einvoice.vat import VatCategory
from addon.einvoice.xmltext import amount_text, clean_text, decimal_text, iso_date
from addon.einvoice.xmltree import Element, child, new_root, serialize, text_child
from addon.reports.money import Money

__all__ = ["write_ubl"]

NAMESPACES: Final = {
    "": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}


def _amount(parent: Element, name: str, money: Money) -> None:
    text_child(parent, name, amount_text(money), currencyID=money.currency)


def _category(parent: Element, name: str, group: VatGroup, *, reasons: bool = False) -> None:
    """A TaxCategory: id, rate (none for O on lines and allowances: BR-O-05/06), scheme VAT."""
    category = child(parent, name)
    text_child(category, "cbc:ID", group.category.value)
    if reasons or group.category is not VatCategory.OUTSIDE_SCOPE:
        text_child(category, "cbc:Percent", decimal_text(group.percent))
    if reasons:
        text_child(category, "cbc:TaxExemptionReasonCode", group.treatment.reason_code)
        text_child(category, "cbc:TaxExemptionReason", clean_text(group.treatment.reason))
    text_child(child(category, "cac:TaxScheme"), "cbc:ID", "VAT")


def _address(parent: Element, name: str, address: Address) -> None:
    postal = child(parent, name)
    text_child(postal, "cbc:StreetName", clean_text(address.street))
    text_child(postal, "cbc:CityName", clean_text(address.city))
    text_child(postal, "cbc:PostalZone", clean_text(address.postcode))
    text_child(child(postal, "cac:Country"), "cbc:IdentificationCode", address.country)


def _endpoint(party: Element, endpoint: ElectronicAddress | None) -> None:
    if endpoint is not None:
        text_child(party, "cbc:EndpointID", endpoint.identifier, schemeID=endpoint.scheme)


def _tax_scheme(party: Element, company_id: str, scheme: str) -> None:
    if company_id:
        tax = child(party, "cac:PartyTaxScheme")
        text_child(tax, "cbc:CompanyID", company_id)
        text_child(child(tax, "cac:TaxScheme"), "cbc:ID", scheme)


def _seller(parent: Element, doc: EInvoice) -> None:
    seller = doc.seller
    party = child(child(parent, "cac:AccountingSupplierParty"), "cac:Party")
    _endpoint(party, seller.endpoint)
    if doc.trading_name:
        text_child(child(party, "cac:PartyName"), "cbc:Name", doc.trading_name)
    _address(party, "cac:PostalAddress", seller.address)
    _tax_scheme(party, seller.vat_id, "VAT")
    _tax_scheme(party, clean_text(seller.tax_number), "FC")
    legal = child(party, "cac:PartyLegalEntity")
    text_child(legal, "cbc:RegistrationName", clean_text(seller.legal_name))
    text_child(legal, "cbc:CompanyID", clean_text(seller.registration_id))
    if seller.contact_name or seller.contact_phone or seller.contact_email:
        contact = child(party, "cac:Contact")
        text_child(contact, "cbc:Name", clean_text(seller.contact_name))
        text_child(contact, "cbc:Telephone", clean_text(seller.contact_phone))
        text_child(contact, "cbc:ElectronicMail", seller.contact_email)


def _buyer(parent: Element, doc: EInvoice) -> None:
    buyer = doc.buyer
    party = child(child(parent, "cac:AccountingCustomerParty"), "cac:Party")
    _endpoint(party, buyer.endpoint)
    _address(party, "cac:PostalAddress", buyer.address)
    _tax_scheme(party, buyer.vat_id, "VAT")
    legal = child(party, "cac:PartyLegalEntity")
    text_child(legal, "cbc:RegistrationName", clean_text(buyer.name))
    text_child(legal, "cbc:CompanyID", clean_text(buyer.registration_id))


def _payment(parent: Element, doc: EInvoice) -> None:
    if doc.ship_to is not None:
        location = child(child(parent, "cac:Delivery"), "cac:DeliveryLocation")
        _address(location, "cac:Address", doc.ship_to)
    if doc.payment_means:
        means = child(parent, "cac:PaymentMeans")
        text_child(means, "cbc:PaymentMeansCode", doc.payment_means)
        text_child(means, "cbc:PaymentID", clean_text(doc.number))
        account = child(means, "cac:PayeeFinancialAccount")
        text_child(account, "cbc:ID", doc.seller.iban)
        text_child(account, "cbc:Name", clean_text(doc.seller.account_name))
        if doc.seller.bic:
            text_child(child(account, "cac:FinancialInstitutionBranch"), "cbc:ID", doc.seller.bic)
    if doc.payment_terms:
        text_child(child(parent, "cac:PaymentTerms"), "cbc:Note", doc.payment_terms)
    for adjustment in doc.adjustments:
        entry = child(parent, "cac:AllowanceCharge")
        text_child(entry, "cbc:ChargeIndicator", "true" if adjustment.charge else "false")
        text_child(entry, "cbc:AllowanceChargeReasonCode", adjustment.reason_code)
        text_child(entry, "cbc:AllowanceChargeReason", adjustment.reason)
        _amount(entry, "cbc:Amount", adjustment.amount)
        _category(entry, "cac:TaxCategory", doc.groups[adjustment.group])


def _totals(parent: Element, doc: EInvoice) -> None:
    tax_total = child(parent, "cac:TaxTotal")
    _amount(tax_total, "cbc:TaxAmount", doc.totals.vat)
    for group in doc.groups:
        subtotal = child(tax_total, "cac:TaxSubtotal")
        _amount(subtotal, "cbc:TaxableAmount", group.base)
        _amount(subtotal, "cbc:TaxAmount", group.tax)
        _category(subtotal, "cac:TaxCategory", group, reasons=True)
    totals = doc.totals
    monetary = child(parent, "cac:LegalMonetaryTotal")
    _amount(monetary, "cbc:LineExtensionAmount", totals.lines)
    _amount(monetary, "cbc:TaxExclusiveAmount", totals.without_vat)
    _amount(monetary, "cbc:TaxInclusiveAmount", totals.with_vat)
    if any(not adjustment.charge for adjustment in doc.adjustments):
        _amount(monetary, "cbc:AllowanceTotalAmount", totals.allowances)
    if any(adjustment.charge for adjustment in doc.adjustments):
        _amount(monetary, "cbc:ChargeTotalAmount", totals.charges)
    _amount(monetary, "cbc:PayableAmount", totals.due)


def _line(parent: Element, line: EInvoiceLine) -> None:
    entry = child(parent, "cac:InvoiceLine")
    text_child(entry, "cbc:ID", line.id)
    text_child(entry, "cbc:InvoicedQuantity", decimal_text(line.quantity), unitCode=line.unit)
    _amount(entry, "cbc:LineExtensionAmount", line.amount)
    item = child(entry, "cac:Item")
    text_child(item, "cbc:Name", line.name)
    _category(item, "cac:ClassifiedTaxCategory", line.group)
    _amount(child(entry, "cac:Price"), "cbc:PriceAmount", line.price)


def write_ubl(doc: EInvoice) -> bytes:
    """The UBL XML of `doc`, UTF-8 encoded."""
    root = new_root("Invoice", NAMESPACES)
    text_child(root, "cbc:CustomizationID", doc.profile.guideline)
    text_child(root, "cbc:ProfileID", doc.profile.business_process)
    text_child(root, "cbc:ID", clean_text(doc.number))
    text_child(root, "cbc:IssueDate", iso_date(doc.issue_date))
    text_child(root, "cbc:DueDate", iso_date(doc.due_date))
    text_child(root, "cbc:InvoiceTypeCode", COMMERCIAL_INVOICE)
    text_child(root, "cbc:Note", doc.note)
    text_child(root, "cbc:DocumentCurrencyCode", doc.currency)
    text_child(root, "cbc:BuyerReference", clean_text(doc.buyer.buyer_reference))
    if doc.period is not None:
        period = child(root, "cac:InvoicePeriod")
        text_child(period, "cbc:StartDate", iso_date(doc.period.start))
        text_child(period, "cbc:EndDate", iso_date(doc.period.end))
    _seller(root, doc)
    _buyer(root, doc)
    _payment(root, doc)
    _totals(root, doc)
    for line in doc.lines:
        _line(root, line)
    return serialize(root)
