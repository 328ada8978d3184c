"""The e-invoice as one syntax-neutral value: what both writers state, decided once.

`prepare_einvoice` is where an issued `Invoice` meets the details: it asks `requirements` for
problems (and refuses with all of them), then fixes every value the XML will hold, so the CII
and UBL writers only arrange the same figures in their own vocabularies.

Line mapping. A time line is its billed hours with unit HUR (UN/ECE Rec 20 "hour") at the
hourly rate; an expense line is one piece (C62) at its amount. Both state the invoice's own
quantity and price, whose product, rounded half away from zero to the currency's minor unit, is
the line amount (checked in `requirements`): BT-131 = BT-129 x BT-146 as the invoice printed
it, so a reader multiplying the printed figures gets the printed amount, and Peppol's slack of
0.02 (PEPPOL-EN16931-R120) is never approached. The price is never re-derived with more decimals
and the quantity never forced to 1, because either would change what the invoice said. A
negative expense (a refund) is stated as quantity -1 at a positive price (BR-27).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final

from addon.einvoice.breakdown import Adjustment, VatGroup
from addon.einvoice.details import Address, BuyerDetails, EInvoiceDetails, SellerDetails
from addon.einvoice.problems import EInvoiceRefused, Problem
from addon.einvoice.profiles import Profile
from addon.einvoice.requirements import assess, resolve_buyer, resolve_seller
from addon.einvoice.vat import VatCategory
from addon.einvoice.xmltext import clean_text
from addon.reports.model import Invoice, LineKind
from addon.reports.money import Money, sum_money
from addon.reports.periods import DateRange

__all__ = [
    "COMMERCIAL_INVOICE",
    "UNIT_HOUR",
    "UNIT_ONE",
    "EInvoice",
    "EInvoiceLine",
    "MonetaryTotals",
    "prepare_einvoice",
]

COMMERCIAL_INVOICE: Final = "380"
"""Invoice type code BT-3 (UNTDID 1001): a commercial invoice."""
UNIT_HOUR: Final = "HUR"
UNIT_ONE: Final = "C62"
SEPA_CREDIT_TRANSFER: Final = "58"
CREDIT_TRANSFER: Final = "30"


@dataclass(frozen=True, slots=True)
class EInvoiceLine:
    """One invoice line (BG-25): id, item name, quantity and unit, net price, net amount."""

    id: str
    name: str
    quantity: Decimal
    unit: str
    price: Money
    amount: Money
    group: VatGroup


@dataclass(frozen=True, slots=True)
class MonetaryTotals:
    """Document totals BG-22, each equal to the invoice's own figure (checked on preparation)."""

    lines: Money
    allowances: Money
    charges: Money
    without_vat: Money
    vat: Money
    with_vat: Money
    due: Money


@dataclass(frozen=True, slots=True)
class EInvoice:
    """Everything a writer states, with parties resolved (defaults filled, VAT ids dropped for O).

    `payment_means` is BT-81 ("58" SEPA credit transfer for EUR, "30" credit transfer for other
    currencies, "" when no IBAN is known). `ship_to` is the deliver-to address, set only for an
    intra-community supply, whose deliver-to country is mandatory (BR-IC-12).
    """

    profile: Profile
    number: str
    issue_date: date
    due_date: date
    currency: str
    note: str
    period: DateRange | None
    seller: SellerDetails
    trading_name: str
    buyer: BuyerDetails
    lines: tuple[EInvoiceLine, ...]
    adjustments: tuple[Adjustment, ...]
    groups: tuple[VatGroup, ...]
    totals: MonetaryTotals
    payment_terms: str
    payment_means: str
    ship_to: Address | None


def _lines(
    invoice: Invoice, groups: tuple[VatGroup, ...], line_groups: tuple[int, ...]
) -> tuple[EInvoiceLine, ...]:
    found = []
    for index, (line, group) in enumerate(zip(invoice.lines, line_groups, strict=True)):
        quantity, price = line.quantity, line.unit_price
        if price.minor < 0:
            quantity, price = -quantity, -price
        fallback = "Services" if line.kind is LineKind.TIME else "Expense"
        found.append(
            EInvoiceLine(
                id=str(index + 1),
                name=clean_text(line.description) or fallback,
                quantity=quantity,
                unit=UNIT_HOUR if line.kind is LineKind.TIME else UNIT_ONE,
                price=price,
                amount=line.amount,
                group=groups[group],
            )
        )
    return tuple(found)


def _totals(
    invoice: Invoice, groups: tuple[VatGroup, ...], adjustments: tuple[Adjustment, ...]
) -> MonetaryTotals:
    currency = invoice.currency
    lines = sum_money((line.amount for line in invoice.lines), currency)
    allowances = sum_money((a.amount for a in adjustments if not a.charge), currency)
    charges = sum_money((a.amount for a in adjustments if a.charge), currency)
    without_vat = lines - allowances + charges
    vat = sum_money((group.tax for group in groups), currency)
    with_vat = without_vat + vat
    if without_vat != invoice.subtotal - invoice.discount or with_vat != invoice.total:
        # break_down guarantees both; a mismatch is a bug, and is refused rather than emitted
        raise EInvoiceRefused(
            [Problem("invoice.total", "the e-invoice totals do not reproduce the invoice's")]
        )
    return MonetaryTotals(lines, allowances, charges, without_vat, vat, with_vat, with_vat)


def prepare_einvoice(invoice: Invoice, details: EInvoiceDetails, profile: Profile) -> EInvoice:
    """The e-invoice for `invoice`, or `EInvoiceRefused` listing every problem."""
    breakdown, problems = assess(invoice, details, profile)
    if breakdown is None:
        raise EInvoiceRefused(problems)
    categories = {group.category for group in breakdown.groups}
    seller = resolve_seller(details.seller, categories)
    buyer = resolve_buyer(invoice, details.buyer, categories)
    means = ""
    if seller.iban:
        means = SEPA_CREDIT_TRANSFER if invoice.currency == "EUR" else CREDIT_TRANSFER
    trading = clean_text(invoice.bill_from.name)
    return EInvoice(
        profile=profile,
        number=invoice.number,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        currency=invoice.currency,
        note=clean_text(invoice.terms.notes),
        period=invoice.period,
        seller=seller,
        trading_name="" if trading == seller.legal_name else trading,
        buyer=buyer,
        lines=_lines(invoice, breakdown.groups, breakdown.line_groups),
        adjustments=breakdown.adjustments,
        groups=breakdown.groups,
        totals=_totals(invoice, breakdown.groups, breakdown.adjustments),
        payment_terms=clean_text(seller.payment_terms or invoice.terms.payment_terms),
        payment_means=means,
        ship_to=buyer.address if VatCategory.INTRA_COMMUNITY in categories else None,
    )
