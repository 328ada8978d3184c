"""UN/CEFACT CII D16B `rsm:CrossIndustryInvoice`: Factur-X / ZUGFeRD EN 16931 and XRechnung CII.

Elements are written in the order of the D16B schema (the Schematron rules do not check order,
but the Factur-X XSD does). Amounts carry no currency attribute except the VAT total BT-110, as
CII specifies. Dates use format 102 (CCYYMMDD).
"""

from __future__ import annotations

from typing import Final

from addon.einvoice.breakdown import VatGroup
from addon.einvoice.details import Address
from addon.einvoice.document import COMMERCIAL_INVOICE, EInvoice, EInvoiceLine
from addon.einvoice.vat import VatCategory
from addon.einvoice.xmltext import amount_text, clean_text, compact_date, decimal_text
from addon.einvoice.xmltree import Element, child, new_root, serialize, text_child

__all__ = ["write_cii"]

NAMESPACES: Final = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}


def _date(parent: Element, name: str, day_text: str) -> None:
    text_child(child(parent, name), "udt:DateTimeString", day_text, format="102")


def _category(parent: Element, group: VatGroup, *, with_rate: bool = True) -> None:
    """TypeCode, CategoryCode and rate of a line or allowance (O states no rate: BR-O-05/06/07)."""
    text_child(parent, "ram:TypeCode", "VAT")
    text_child(parent, "ram:CategoryCode", group.category.value)
    if with_rate and group.category is not VatCategory.OUTSIDE_SCOPE:
        text_child(parent, "ram:RateApplicablePercent", decimal_text(group.percent))


def _line(parent: Element, line: EInvoiceLine) -> None:
    item = child(parent, "ram:IncludedSupplyChainTradeLineItem")
    text_child(child(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", line.id)
    text_child(child(item, "ram:SpecifiedTradeProduct"), "ram:Name", line.name)
    price = child(child(item, "ram:SpecifiedLineTradeAgreement"), "ram:NetPriceProductTradePrice")
    text_child(price, "ram:ChargeAmount", amount_text(line.price))
    delivery = child(item, "ram:SpecifiedLineTradeDelivery")
    text_child(delivery, "ram:BilledQuantity", decimal_text(line.quantity), unitCode=line.unit)
    settlement = child(item, "ram:SpecifiedLineTradeSettlement")
    _category(child(settlement, "ram:ApplicableTradeTax"), line.group)
    summation = child(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
    text_child(summation, "ram:LineTotalAmount", amount_text(line.amount))


def _address(parent: Element, address: Address) -> None:
    postal = child(parent, "ram:PostalTradeAddress")
    text_child(postal, "ram:PostcodeCode", clean_text(address.postcode))
    text_child(postal, "ram:LineOne", clean_text(address.street))
    text_child(postal, "ram:CityName", clean_text(address.city))
    text_child(postal, "ram:CountryID", address.country)


def _tax_ids(party: Element, vat_id: str, tax_number: str) -> None:
    for scheme, value in (("VA", vat_id), ("FC", clean_text(tax_number))):
        if value:
            text_child(
                child(party, "ram:SpecifiedTaxRegistration"), "ram:ID", value, schemeID=scheme
            )


def _seller(parent: Element, doc: EInvoice) -> None:
    seller = doc.seller
    party = child(parent, "ram:SellerTradeParty")
    text_child(party, "ram:Name", clean_text(seller.legal_name))
    if seller.registration_id or doc.trading_name:
        legal = child(party, "ram:SpecifiedLegalOrganization")
        text_child(legal, "ram:ID", clean_text(seller.registration_id))
        text_child(legal, "ram:TradingBusinessName", doc.trading_name)
    if seller.contact_name or seller.contact_phone or seller.contact_email:
        contact = child(party, "ram:DefinedTradeContact")
        text_child(contact, "ram:PersonName", clean_text(seller.contact_name))
        if seller.contact_phone:
            phone = child(contact, "ram:TelephoneUniversalCommunication")
            text_child(phone, "ram:CompleteNumber", clean_text(seller.contact_phone))
        if seller.contact_email:
            email = child(contact, "ram:EmailURIUniversalCommunication")
            text_child(email, "ram:URIID", seller.contact_email)
    _address(party, seller.address)
    if seller.endpoint is not None:
        uri = child(party, "ram:URIUniversalCommunication")
        text_child(uri, "ram:URIID", seller.endpoint.identifier, schemeID=seller.endpoint.scheme)
    _tax_ids(party, seller.vat_id, seller.tax_number)


def _buyer(parent: Element, doc: EInvoice) -> None:
    buyer = doc.buyer
    party = child(parent, "ram:BuyerTradeParty")
    text_child(party, "ram:Name", clean_text(buyer.name))
    if buyer.registration_id:
        text_child(child(party, "ram:SpecifiedLegalOrganization"), "ram:ID", buyer.registration_id)
    _address(party, buyer.address)
    if buyer.endpoint is not None:
        uri = child(party, "ram:URIUniversalCommunication")
        text_child(uri, "ram:URIID", buyer.endpoint.identifier, schemeID=buyer.endpoint.scheme)
    _tax_ids(party, buyer.vat_id, "")


def _payment_means(parent: Element, doc: EInvoice) -> None:
    if not doc.payment_means:
        return
    means = child(parent, "ram:SpecifiedTradeSettlementPaymentMeans")
    text_child(means, "ram:TypeCode", doc.payment_means)
    account = child(means, "ram:PayeePartyCreditorFinancialAccount")
    text_child(account, "ram:IBANID", doc.seller.iban)
    text_child(account, "ram:AccountName", clean_text(doc.seller.account_name))
    if doc.seller.bic:
        bank = child(means, "ram:PayeeSpecifiedCreditorFinancialInstitution")
        text_child(bank, "ram:BICID", doc.seller.bic)


def _breakdown(parent: Element, group: VatGroup) -> None:
    tax = child(parent, "ram:ApplicableTradeTax")
    text_child(tax, "ram:CalculatedAmount", amount_text(group.tax))
    text_child(tax, "ram:TypeCode", "VAT")
    text_child(tax, "ram:ExemptionReason", clean_text(group.treatment.reason))
    text_child(tax, "ram:BasisAmount", amount_text(group.base))
    text_child(tax, "ram:CategoryCode", group.category.value)
    text_child(tax, "ram:ExemptionReasonCode", group.treatment.reason_code)
    # a breakdown always states its rate, 0 for O too: XRechnung requires BT-119 (BR-DE-14)
    text_child(tax, "ram:RateApplicablePercent", decimal_text(group.percent))


def _settlement(parent: Element, doc: EInvoice) -> None:
    settlement = child(parent, "ram:ApplicableHeaderTradeSettlement")
    text_child(settlement, "ram:PaymentReference", doc.number)
    text_child(settlement, "ram:InvoiceCurrencyCode", doc.currency)
    _payment_means(settlement, doc)
    for group in doc.groups:
        _breakdown(settlement, group)
    if doc.period is not None:
        period = child(settlement, "ram:BillingSpecifiedPeriod")
        _date(period, "ram:StartDateTime", compact_date(doc.period.start))
        _date(period, "ram:EndDateTime", compact_date(doc.period.end))
    for adjustment in doc.adjustments:
        entry = child(settlement, "ram:SpecifiedTradeAllowanceCharge")
        indicator = "true" if adjustment.charge else "false"
        text_child(child(entry, "ram:ChargeIndicator"), "udt:Indicator", indicator)
        text_child(entry, "ram:ActualAmount", amount_text(adjustment.amount))
        text_child(entry, "ram:ReasonCode", adjustment.reason_code)
        text_child(entry, "ram:Reason", adjustment.reason)
        _category(child(entry, "ram:CategoryTradeTax"), doc.groups[adjustment.group])
    terms = child(settlement, "ram:SpecifiedTradePaymentTerms")
    text_child(terms, "ram:Description", doc.payment_terms)
    _date(terms, "ram:DueDateDateTime", compact_date(doc.due_date))
    _totals(settlement, doc)


def _totals(parent: Element, doc: EInvoice) -> None:
    totals = doc.totals
    summation = child(parent, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    text_child(summation, "ram:LineTotalAmount", amount_text(totals.lines))
    if any(adjustment.charge for adjustment in doc.adjustments):
        text_child(summation, "ram:ChargeTotalAmount", amount_text(totals.charges))
    if any(not adjustment.charge for adjustment in doc.adjustments):
        text_child(summation, "ram:AllowanceTotalAmount", amount_text(totals.allowances))
    text_child(summation, "ram:TaxBasisTotalAmount", amount_text(totals.without_vat))
    text_child(summation, "ram:TaxTotalAmount", amount_text(totals.vat), currencyID=doc.currency)
    text_child(summation, "ram:GrandTotalAmount", amount_text(totals.with_vat))
    text_child(summation, "ram:DuePayableAmount", amount_text(totals.due))


def write_cii(doc: EInvoice) -> bytes:
    """The CII XML of `doc`, UTF-8 encoded."""
    root = new_root("rsm:CrossIndustryInvoice", NAMESPACES)
    context = child(root, "rsm:ExchangedDocumentContext")
    if doc.profile.business_process:
        process = child(context, "ram:BusinessProcessSpecifiedDocumentContextParameter")
        text_child(process, "ram:ID", doc.profile.business_process)
    text_child(
        child(context, "ram:GuidelineSpecifiedDocumentContextParameter"),
        "ram:ID",
        doc.profile.guideline,
    )
    header = child(root, "rsm:ExchangedDocument")
    text_child(header, "ram:ID", clean_text(doc.number))
    text_child(header, "ram:TypeCode", COMMERCIAL_INVOICE)
    _date(header, "ram:IssueDateTime", compact_date(doc.issue_date))
    if doc.note:
        text_child(child(header, "ram:IncludedNote"), "ram:Content", doc.note)
    transaction = child(root, "rsm:SupplyChainTradeTransaction")
    for line in doc.lines:
        _line(transaction, line)
    agreement = child(transaction, "ram:ApplicableHeaderTradeAgreement")
    text_child(agreement, "ram:BuyerReference", clean_text(doc.buyer.buyer_reference))
    _seller(agreement, doc)
    _buyer(agreement, doc)
    delivery = child(transaction, "ram:ApplicableHeaderTradeDelivery")
    if doc.ship_to is not None:
        _address(child(delivery, "ram:ShipToTradeParty"), doc.ship_to)
    _settlement(transaction, doc)
    return serialize(root)
