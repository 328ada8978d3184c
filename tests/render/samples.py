"""Report and invoice models for renderer tests, built by the real engine (never hand totals)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

from addon.reports.aggregate import build_summary
from addon.reports.invoice import build_invoice, plan_invoices
from addon.reports.model import GroupBy, Invoice, Party, Ref, Summary, TimeEntry
from addon.reports.money import Money, RoundingRule
from addon.reports.periods import DateRange
from addon.reports.terms import InvoiceTerms, LineGrouping, PercentDiscount, Tax
from tests.unit.reports.builders import (
    ACME,
    ANN,
    APP,
    BOB,
    MAY_1_9AM,
    WEBSITE,
    make_entry,
    make_expense,
    usd,
)

HOSTILE_NAMES = (
    "<script>alert(1)</script>",
    '=HYPERLINK("http://x","y")',
    "+1",
    "-2",
    "@SUM(A1)",
    "\tTabbed",
    "\rReturned",
    "עברית",
    "العربية",
    "👩\u200d💻 Dev",
    "Кириллица",
    "漢字",
)
"""Names a hostile or simply international workspace may use; each must render inert."""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def eur(amount: str) -> Money:
    return Money.from_major(Decimal(amount), "EUR")


def sample_entries() -> list[TimeEntry]:
    """Two users, two projects, one entry without project, USD and EUR rates, one non-billable."""
    return [
        make_entry(id="a", seconds=7210, rate=usd("200.00"), project=WEBSITE, user=ANN),
        make_entry(id="b", seconds=5400, rate=usd("80.00"), project=WEBSITE, user=BOB),
        make_entry(id="c", seconds=3600, rate=eur("95.50"), project=APP, user=ANN),
        make_entry(id="d", seconds=900, project=None, user=BOB, billable=False),
    ]


def sample_summary(groups: tuple[GroupBy, ...] = (GroupBy.PROJECT, GroupBy.USER)) -> Summary:
    return build_summary(sample_entries(), groups)


def hostile_entries() -> list[TimeEntry]:
    """One entry per hostile name, used as project, user, task, tag and description at once."""
    entries = []
    for index, name in enumerate(HOSTILE_NAMES):
        ref = Ref(f"id-{index}", name)
        entries.append(
            make_entry(
                id=f"h{index}",
                seconds=600 * (index + 1),
                rate=usd("-10.00") if name == "-2" else usd("50.00"),
                project=ref,
                user=ref,
                task=ref,
                client=ACME,
                tags=(ref,),
                description=name,
                start=MAY_1_9AM + timedelta(hours=index),
            )
        )
    return entries


def hostile_summary() -> Summary:
    return build_summary(hostile_entries(), [GroupBy.PROJECT, GroupBy.TAG])


def make_invoice(
    *,
    entries: list[TimeEntry] | None = None,
    currency: str = "USD",
    bill_to: Party | None = None,
    notes: str = "Thanks for your business.",
    **terms: object,
) -> Invoice:
    """An invoice through `plan_invoices` and `build_invoice`, with keyword term overrides."""
    found = entries if entries is not None else sample_invoice_entries()
    expenses = [make_expense(amount=usd("42.10"), notes="Taxi")] if currency == "USD" else []
    plan = plan_invoices(found, expenses, default_currency=currency)
    (batch,) = plan.batches
    options: dict[str, object] = {
        "grouping": LineGrouping.PROJECT,
        "discount": PercentDiscount(Decimal(10)),
        "taxes": (Tax("GST", Decimal(5)), Tax("QST", Decimal("9.975"))),
        "notes": notes,
        "payment_terms": "Net 30",
    }
    options.update(terms)
    return build_invoice(
        batch,
        terms=InvoiceTerms(**options),  # type: ignore[arg-type]  # keyword overrides in tests
        number="INV-2024-0007",
        issue_date=date(2024, 6, 1),
        bill_from=Party("Studio <b>Nord</b>", "Hafenstraße 1\n20457 Hamburg", "hi@studio.test"),
        bill_to=bill_to or Party("Acme", "1 Road\nSpringfield", "ap@acme.test"),
        period=DateRange(date(2024, 5, 1), date(2024, 5, 31)),
    )


def sample_invoice_entries() -> list[TimeEntry]:
    return [
        make_entry(id="a", seconds=7210, rate=usd("200.00"), project=WEBSITE),
        make_entry(id="b", seconds=1800, rate=usd("10.01"), project=APP),
        make_entry(id="c", seconds=1800, rate=usd("10.01"), project=APP, user=BOB),
    ]


def per_invoice_rounding_invoice() -> Invoice:
    """Two lines of 500.5 cents: summed then rounded, so a rounding adjustment prints."""
    entries = [
        make_entry(id="a", seconds=1800, rate=usd("10.01"), project=WEBSITE),
        make_entry(id="b", seconds=1800, rate=usd("10.01"), project=APP),
    ]
    return make_invoice(entries=entries, rounding_rule=RoundingRule.PER_INVOICE, discount=None)


def many_entries(count: int) -> Iterator[TimeEntry]:
    """`count` entries made on demand, so a renderer's memory is measured, not the input's."""
    users = (ANN, BOB)
    projects = (WEBSITE, APP, None)
    for index in range(count):
        yield make_entry(
            id=f"m{index}",
            seconds=60 * (index % 480 + 1),
            rate=usd("120.00"),
            earned=Money(2 * (index % 480 + 1) * 100, "USD"),
            user=users[index % 2],
            project=projects[index % 3],
            description=f"Task {index} =cmd",
            start=MAY_1_9AM + timedelta(minutes=index),
        )
