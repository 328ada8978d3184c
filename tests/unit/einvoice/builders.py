"""Factories for e-invoice tests: invoices through the real engine, details with overrides."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import date
from decimal import Decimal
from typing import Any

from addon.einvoice import (
    Address,
    BuyerDetails,
    EInvoiceDetails,
    SellerDetails,
    VatCategory,
    VatTreatment,
)
from addon.reports.invoice import build_invoice, plan_invoices
from addon.reports.model import Expense, Invoice, Party, TimeEntry
from addon.reports.money import Money
from addon.reports.periods import DateRange
from addon.reports.snapshot import invoice_from_json, invoice_to_json
from addon.reports.terms import InvoiceTerms, Tax
from tests.unit.reports.builders import make_entry, make_expense

ISSUED = date(2024, 6, 1)
MAY = DateRange(date(2024, 5, 1), date(2024, 5, 31))
VAT19 = Tax("MwSt", Decimal(19))
VAT7 = Tax("MwSt ermäßigt", Decimal(7))
STANDARD = VatTreatment(VatCategory.STANDARD)
REVERSE = VatTreatment(VatCategory.REVERSE_CHARGE)
SMALL_BUSINESS = VatTreatment(
    VatCategory.EXEMPT, "Kein Ausweis von Umsatzsteuer, da Kleinunternehmer gemäß § 19 UStG"
)


_IDS = itertools.count(1)


def money(amount: str, currency: str = "EUR") -> Money:
    return Money.from_major(Decimal(amount), currency)


def entry(seconds: int, rate: str, currency: str = "EUR", **overrides: Any) -> TimeEntry:
    """A billable entry of `seconds` at `rate` per hour; ids are unique per call."""
    return make_entry(
        id=f"e{next(_IDS)}",
        seconds=seconds,
        rate=money(rate, currency),
        **overrides,
    )


def expense(amount: str, currency: str = "EUR", **overrides: Any) -> Expense:
    return make_expense(
        id=f"x{next(_IDS)}",
        amount=money(amount, currency),
        **overrides,
    )


def make_invoice(
    entries: list[TimeEntry],
    expenses: list[Expense] | None = None,
    *,
    currency: str = "EUR",
    period: DateRange | None = MAY,
    bill_to: Party | None = None,
    **terms: Any,
) -> Invoice:
    """Plan and build through the engine, then round-trip the stored snapshot, as issued."""
    plan = plan_invoices(entries, expenses or [], default_currency=currency)
    (batch,) = plan.batches
    invoice = build_invoice(
        batch,
        terms=InvoiceTerms(**terms),
        number="RE-2024-0042",
        issue_date=ISSUED,
        bill_from=Party("Studio Müller"),
        bill_to=bill_to or Party("Acme GmbH", "Weg 2, 80331 München", "ap@acme.example"),
        period=period,
    )
    return invoice_from_json(invoice_to_json(invoice))


def make_seller(**overrides: Any) -> SellerDetails:
    fields: dict[str, Any] = {
        "legal_name": "Müller Software GmbH",
        "address": Address("Hauptstraße 1", "Berlin", "10115", "DE"),
        "vat_id": "DE123456789",
        "tax_number": "30/123/45678",
        "registration_id": "HRB 12345 B",
        "contact_name": "Anna Müller",
        "contact_phone": "+49 30 1234567",
        "contact_email": "billing@mueller.example",
        "iban": "DE89 3704 0044 0532 0130 00",
        "bic": "COBADEFFXXX",
        "account_name": "Müller Software GmbH",
        "payment_terms": "Zahlbar innerhalb von 30 Tagen ohne Abzug.",
    }
    fields.update(overrides)
    return SellerDetails(**fields)


def make_buyer(**overrides: Any) -> BuyerDetails:
    fields: dict[str, Any] = {
        "address": Address("Weg 2", "München", "80331", "DE"),
        "buyer_reference": "04011000-12345-67",
        "vat_id": "DE987654321",
    }
    fields.update(overrides)
    return BuyerDetails(**fields)


def make_details(
    *taxes: VatTreatment,
    untaxed: VatTreatment | None = None,
    **overrides: Any,
) -> EInvoiceDetails:
    """Details for a German seller and buyer; `seller=`/`buyer=` replace whole parties."""
    details = EInvoiceDetails(make_seller(), make_buyer(), taxes, untaxed)
    return dataclasses.replace(details, **overrides)
