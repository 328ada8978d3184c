"""The Factur-X case of `bench/render.py`: an EN 16931-ready invoice, its XML, both PDFs timed.

`render.make_invoice` has two compound taxes, which no EN 16931 invoice can state, so this
invoice has as many entry lines and the 5% discount with one 19% VAT, in EUR. The plain PDF and the
Factur-X PDF are timed in the same child process on the same input, so their ratio is the cost
of the e-invoice's cost: the CII and UBL XML alone, and the Factur-X PDF with its XML written
anew each time, as a download does.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from addon.einvoice import (
    Address,
    BuyerDetails,
    EInvoiceDetails,
    Profile,
    SellerDetails,
    VatCategory,
    VatTreatment,
    write_einvoice,
)
from addon.render.facturx import facturx_pdf
from addon.render.i18n import Formatter
from addon.render.pdf import render_invoice_pdf
from addon.reports.invoice import build_invoice, plan_invoices
from addon.reports.model import Invoice, Party, Ref, TimeEntry
from addon.reports.money import Money
from addon.reports.periods import DateRange
from addon.reports.terms import InvoiceTerms, LineGrouping, PercentDiscount, Tax

DETAILS = EInvoiceDetails(
    SellerDetails(
        legal_name="Northwind Studio GmbH",
        address=Address("Hafenstr. 1", "Hamburg", "20457", "DE"),
        vat_id="DE123456789",
        contact_email="billing@northwind.example",
        iban="DE89 3704 0044 0532 0130 00",
    ),
    BuyerDetails(
        address=Address("1 Road", "Springfield", "80331", "DE"),
        vat_id="DE987654321",
        buyer_reference="PO-4711",  # Peppol demands one (PEPPOL-EN16931-R003)
        email="ap@acme.example",  # the buyer's electronic address for Peppol
    ),
    (VatTreatment(VatCategory.STANDARD),),
)


def make_einvoice(lines: int) -> tuple[Invoice, bytes]:
    """`lines` entry lines in EUR, 5% discount, 19% VAT, and the invoice's Factur-X XML."""
    start = datetime(2024, 5, 1, 8, tzinfo=UTC)
    entries = [
        TimeEntry(
            id=f"i{i}",
            description=f"Design review #{i}",
            user=Ref("u1", "Ann"),
            project=Ref("p1", "Website"),
            client=Ref("c1", "Acme"),
            task=None,
            tags=(),
            start=start + timedelta(minutes=20 * i),
            end=start + timedelta(minutes=20 * i, seconds=900 + 36 * (i % 50)),
            duration=900 + 36 * (i % 50),
            billable=True,
            invoiced=False,
            hourly_rate=Money(12000, "EUR"),
        )
        for i in range(lines)
    ]
    (batch,) = plan_invoices(entries, default_currency="EUR").batches
    terms = InvoiceTerms(
        grouping=LineGrouping.ENTRY,
        discount=PercentDiscount(Decimal(5)),
        taxes=(Tax("VAT", Decimal(19)),),
    )
    invoice = build_invoice(
        batch,
        terms=terms,
        number="INV-2024-0042",
        issue_date=date(2024, 6, 1),
        bill_from=Party("Northwind Studio", "Hafenstr. 1\nHamburg"),
        bill_to=Party("Acme", "1 Road\nSpringfield"),
        period=DateRange(date(2024, 5, 1), date(2024, 5, 31)),
    )
    return invoice, write_einvoice(invoice, DETAILS, Profile.FACTURX)


def median_seconds(run: Callable[[], bytes], rounds: int) -> tuple[float, int]:
    samples, size = [], 0
    for _ in range(rounds):
        started = time.perf_counter()
        size = len(run())
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), size


def compare(invoice: Invoice, xml: bytes, fmt: Formatter, rounds: int) -> dict[str, float]:
    """The plain PDF, both XML syntaxes alone, and the Factur-X PDF of the same invoice: median
    seconds and bytes after a warm-up. The Factur-X time includes its XML, written anew, as a
    download does; the CII and UBL times are the XML alone (Factur-X and Peppol profiles)."""
    facturx_pdf(invoice, fmt, xml)
    plain, plain_size = median_seconds(lambda: render_invoice_pdf(invoice, fmt), rounds)
    cii, cii_size = median_seconds(
        lambda: write_einvoice(invoice, DETAILS, Profile.FACTURX), rounds
    )
    ubl, ubl_size = median_seconds(lambda: write_einvoice(invoice, DETAILS, Profile.PEPPOL), rounds)
    wrapped, wrapped_size = median_seconds(
        lambda: facturx_pdf(invoice, fmt, write_einvoice(invoice, DETAILS, Profile.FACTURX)),
        rounds,
    )
    return {
        "pdf": plain,
        "pdf_size": plain_size,
        "cii": cii,
        "cii_size": cii_size,
        "ubl": ubl,
        "ubl_size": ubl_size,
        "facturx": wrapped,
        "facturx_size": wrapped_size,
    }
