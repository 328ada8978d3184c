"""What a profile needs that the invoice and the details do not give: the list of problems.

`assess` is the one place that decides whether an e-invoice can be written. It collects every
problem at once (the form shows them all, not one per attempt): figures the XML cannot carry,
VAT treatments that contradict the invoice, and seller or buyer fields that a rule demands.

Fields are demanded by the rule that fails without them, never "because it would be nice":

- always: seller legal name (BR-06), street, city and country (BR-08/09; a legal invoice
  states the full address), seller VAT id or trade register id (BR-CO-26), buyer name (BR-07)
  and country (BR-11);
- by VAT category in use: a seller VAT id or tax number for S, Z, E, AE (BR-S-02 ...), a VAT id
  for K and G (BR-IC-02, BR-G-02), a buyer VAT id (or register id for AE) for AE and K, an
  invoicing period for K (BR-IC-11); with O the VAT ids are left out, as BR-O-02 demands;
- Peppol: buyer reference (PEPPOL-EN16931-R003) and both electronic addresses (R010/R020);
- XRechnung 3.0: seller contact name, phone and e-mail (BR-DE-2, 5, 6, 7), seller and buyer
  city and post code (BR-DE-3, 4, 8, 9), payment by credit transfer with an IBAN (BR-DE-1,
  BR-DE-23), buyer reference / Leitweg-ID (BR-DE-15), VAT id or tax number (BR-DE-16) and both
  electronic addresses.
"""

from __future__ import annotations

import dataclasses

from addon.einvoice.breakdown import Breakdown, break_down
from addon.einvoice.details import BuyerDetails, EInvoiceDetails, SellerDetails
from addon.einvoice.problems import BUYER_FORM, SELLER_FORM, InvalidDetails, Problem
from addon.einvoice.profiles import Profile
from addon.einvoice.vat import VatCategory
from addon.einvoice.xmltext import clean_text
from addon.reports.model import Invoice
from addon.reports.money import round_minor

__all__ = ["assess", "find_problems", "invoice_problems", "resolve_buyer", "resolve_seller"]

_SELLER_ID_CATEGORIES = frozenset(
    {VatCategory.STANDARD, VatCategory.ZERO, VatCategory.EXEMPT, VatCategory.REVERSE_CHARGE}
)


def invoice_problems(invoice: Invoice) -> list[Problem]:
    """What the issued invoice itself holds that EN 16931 cannot carry exactly."""
    problems: list[Problem] = []
    if invoice.subtotal.exponent > 2:
        problems.append(
            Problem(
                "invoice.currency",
                f"{invoice.currency} amounts have {invoice.subtotal.exponent} decimals and "
                "EN 16931 allows at most 2, so they cannot be stated exactly; e-invoices are "
                "not available in this currency",
                "BR-DEC-23",
            )
        )
    if not invoice.lines:
        problems.append(Problem("invoice.lines", "an e-invoice needs at least one line", "BR-16"))
    for index, line in enumerate(invoice.lines):
        if round_minor(line.quantity * line.unit_price.minor) != line.amount.minor:
            problems.append(
                Problem(
                    f"invoice.lines[{index}]",
                    f"line {index + 1}: {line.quantity} x {line.unit_price.to_major()} does not "
                    f"give its amount {line.amount.to_major()}, so the e-invoice could not "
                    "state it without changing it",
                )
            )
    return problems


def resolve_seller(seller: SellerDetails, categories: set[VatCategory]) -> SellerDetails:
    """The seller as sent: without a VAT id when the invoice is outside VAT (BR-O-02)."""
    if VatCategory.OUTSIDE_SCOPE in categories:
        return dataclasses.replace(seller, vat_id="")
    return seller


def resolve_buyer(
    invoice: Invoice, buyer: BuyerDetails, categories: set[VatCategory]
) -> BuyerDetails:
    """The buyer as sent: name and e-mail default to the invoice's bill-to party."""
    name = clean_text(buyer.name or invoice.bill_to.name)
    vat_id = "" if VatCategory.OUTSIDE_SCOPE in categories else buyer.vat_id
    try:
        return dataclasses.replace(
            buyer, name=name, vat_id=vat_id, email=buyer.email or invoice.bill_to.email
        )
    except InvalidDetails:  # the bill-to e-mail was never checked; without it, it is "not given"
        return dataclasses.replace(buyer, name=name, vat_id=vat_id)


def _need(problems: list[Problem], present: object, field: str, what: str, rule: str) -> None:
    if not present:
        form = SELLER_FORM if field.startswith("seller") else BUYER_FORM
        problems.append(Problem(field, f"set {what} in {form}", rule))


def _seller_problems(
    seller: SellerDetails, profile: Profile, categories: set[VatCategory]
) -> list[Problem]:
    found: list[Problem] = []
    xr = profile.is_xrechnung
    _need(
        found,
        clean_text(seller.legal_name),
        "seller.legal_name",
        "the seller's legal name",
        "BR-06",
    )
    _need(found, seller.address.street, "seller.address.street", "the seller's street", "BR-08")
    _need(
        found,
        seller.address.city,
        "seller.address.city",
        "the seller's city",
        "BR-DE-3" if xr else "BR-08",
    )
    _need(found, seller.address.country, "seller.address.country", "the seller's country", "BR-09")
    if xr:
        _need(
            found,
            seller.address.postcode,
            "seller.address.postcode",
            "the seller's post code",
            "BR-DE-4",
        )
        _need(found, seller.contact_name, "seller.contact_name", "a contact name", "BR-DE-5")
        _need(
            found, seller.contact_phone, "seller.contact_phone", "a contact phone number", "BR-DE-6"
        )
        _need(found, seller.contact_email, "seller.contact_email", "a contact e-mail", "BR-DE-7")
        _need(found, seller.iban, "seller.iban", "the IBAN payments go to", "BR-DE-23")
    if VatCategory.OUTSIDE_SCOPE in categories:
        _need(
            found,
            seller.registration_id,
            "seller.registration_id",
            "the trade register number (an invoice outside VAT carries no VAT id)",
            "BR-CO-26",
        )
    else:
        _need(
            found,
            seller.vat_id or seller.registration_id,
            "seller.vat_id",
            "the seller's VAT id (or trade register number)",
            "BR-CO-26",
        )
    if categories & _SELLER_ID_CATEGORIES or (xr and categories - {VatCategory.OUTSIDE_SCOPE}):
        _need(
            found,
            seller.vat_id or seller.tax_number,
            "seller.vat_id",
            "the seller's VAT id or tax number",
            "BR-DE-16" if xr else "BR-S-02",
        )
    for category, rule in (
        (VatCategory.INTRA_COMMUNITY, "BR-IC-02"),
        (VatCategory.EXPORT, "BR-G-02"),
    ):
        if category in categories:
            _need(found, seller.vat_id, "seller.vat_id", "the seller's VAT id", rule)
    if profile.needs_endpoints:
        _need(
            found,
            seller.endpoint,
            "seller.electronic_address",
            "the seller's electronic address or contact e-mail",
            "BT-34 (XRechnung 3.0)" if xr else "PEPPOL-EN16931-R020",
        )
    return found


def _buyer_problems(
    buyer: BuyerDetails, invoice: Invoice, profile: Profile, categories: set[VatCategory]
) -> list[Problem]:
    found: list[Problem] = []
    xr = profile.is_xrechnung
    _need(found, buyer.name, "buyer.name", "the client's name", "BR-07")
    _need(found, buyer.address.country, "buyer.address.country", "the client's country", "BR-11")
    if xr:
        _need(found, buyer.address.city, "buyer.address.city", "the client's city", "BR-DE-8")
        _need(
            found,
            buyer.address.postcode,
            "buyer.address.postcode",
            "the client's post code",
            "BR-DE-9",
        )
    if profile is not Profile.FACTURX:
        _need(
            found,
            buyer.buyer_reference,
            "buyer.buyer_reference",
            "the buyer reference (for German public clients, the Leitweg-ID)",
            "BR-DE-15" if xr else "PEPPOL-EN16931-R003",
        )
        _need(
            found,
            buyer.endpoint,
            "buyer.electronic_address",
            "the client's electronic address or e-mail",
            "BT-49 (XRechnung 3.0)" if xr else "PEPPOL-EN16931-R010",
        )
    if VatCategory.REVERSE_CHARGE in categories:
        _need(
            found,
            buyer.vat_id or buyer.registration_id,
            "buyer.vat_id",
            "the client's VAT id (reverse charge)",
            "BR-AE-02",
        )
    if VatCategory.INTRA_COMMUNITY in categories:
        _need(
            found,
            buyer.vat_id,
            "buyer.vat_id",
            "the client's VAT id (intra-community supply)",
            "BR-IC-02",
        )
        if invoice.period is None:
            found.append(
                Problem(
                    "invoice.period",
                    "an intra-community supply needs the invoicing "
                    "period; issue the invoice for a period",
                    "BR-IC-11",
                )
            )
    return found


def assess(
    invoice: Invoice, details: EInvoiceDetails, profile: Profile
) -> tuple[Breakdown | None, tuple[Problem, ...]]:
    """The breakdown when `invoice` can become a `profile` e-invoice, and every problem if not."""
    problems = invoice_problems(invoice)
    result = break_down(invoice, details.taxes, details.untaxed)
    if isinstance(result, Breakdown):
        breakdown: Breakdown | None = result
        categories = {group.category for group in result.groups}
    else:
        breakdown, categories = None, set()
        problems += result
    seller = resolve_seller(details.seller, categories)
    buyer = resolve_buyer(invoice, details.buyer, categories)
    problems += _seller_problems(seller, profile, categories)
    problems += _buyer_problems(buyer, invoice, profile, categories)
    return (breakdown if not problems else None), tuple(problems)


def find_problems(
    invoice: Invoice, details: EInvoiceDetails, profile: Profile
) -> tuple[Problem, ...]:
    """Everything that stops `invoice` from becoming a valid `profile` e-invoice (empty: none)."""
    return assess(invoice, details, profile)[1]
