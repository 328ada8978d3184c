"""Report models for the PDF tests, built by the real engine (build_summary, build_invoice)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

from addon.reports.aggregate import build_summary
from addon.reports.invoice import build_invoice, plan_invoices
from addon.reports.model import GroupBy, Invoice, Party, Ref, Summary, TimeEntry
from addon.reports.money import Money
from addon.reports.periods import DateRange
from addon.reports.terms import InvoiceTerms, LineGrouping, PercentDiscount, Tax, TaxMode
from tests.unit.reports.builders import ACME, ANN, BOB, MAY_1_9AM, make_entry, usd

HOSTILE = (
    "<script>alert(1)</script>",
    '=HYPERLINK("x")',
    "<font color=red>",
    "&amp;",
    "שלום עולם",
    "مرحبا بالعالم",
    "👩\u200d💻 Dev",
    "Москва",
    "漢字プロジェクト",
    "Łódź",
)
"""Names that must print literally: markup, formulas, entities, RTL, emoji, Cyrillic, CJK."""

PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5e3d1f3"
    "0000000049454e44ae426082"
)
"""A valid 1x1 RGBA PNG (a workspace logo)."""


def summary_with_names(names: tuple[str, ...] = HOSTILE, per_name: int = 3) -> Summary:
    """Entries on one project per name, by Ann and Bob, in USD and EUR: two currencies."""
    entries = []
    for index, name in enumerate(names):
        project = Ref(f"p-{index}", name)
        for step in range(per_name):
            currency_rate = usd("85.00") if step % 2 == 0 else Money(9050, "EUR")
            entries.append(
                make_entry(
                    id=f"e{index}-{step}",
                    seconds=1800 + 900 * step + 60 * index,
                    start=MAY_1_9AM + timedelta(days=step),
                    rate=currency_rate,
                    project=project,
                    user=ANN if step % 2 else BOB,
                )
            )
    return build_summary(entries, [GroupBy.PROJECT, GroupBy.USER])


def invoice_with_lines(
    lines: int = 12, *, names: tuple[str, ...] = ("Design review",), notes: str = "Thank you."
) -> Invoice:
    """An ENTRY-grouped invoice with `lines` lines, a discount and two compound taxes."""
    entries = [
        make_entry(
            id=f"e{i:05d}",
            seconds=900 + 37 * i,
            start=MAY_1_9AM + timedelta(minutes=7 * i),
            rate=usd("120.00"),
            description=f"{names[i % len(names)]} #{i}",
        )
        for i in range(lines)
    ]
    (batch,) = plan_invoices(entries, default_currency="USD").batches
    terms = InvoiceTerms(
        grouping=LineGrouping.ENTRY,
        discount=PercentDiscount(Decimal("5")),
        taxes=(Tax("VAT", Decimal("19")), Tax("City", Decimal("2.5"))),
        tax_mode=TaxMode.COMPOUND,
        payment_terms="Net 30",
        notes=notes,
    )
    return build_invoice(
        batch,
        terms=terms,
        number="INV-2024-0042",
        issue_date=date(2024, 6, 1),
        bill_from=Party("Northwind Studio", "Hafenstr. 1\nHamburg", "billing@northwind.example"),
        bill_to=Party(ACME.name, "1 Road\nSpringfield", "ap@acme.example"),
        period=DateRange(date(2024, 5, 1), date(2024, 5, 31)),
    )


def detailed_entries(count: int, names: tuple[str, ...] = ("Website",)) -> Iterator[TimeEntry]:
    """`count` entries, generated lazily like the report stream."""
    for i in range(count):
        yield make_entry(
            id=f"d{i}",
            seconds=600 + i % 3600,
            start=MAY_1_9AM + timedelta(minutes=3 * i),
            rate=usd("100.00"),
            earned=Money(1000 + i, "USD"),
            description=f"Task {i} {names[i % len(names)]}",
            project=Ref(f"p{i % len(names)}", names[i % len(names)]),
        )
