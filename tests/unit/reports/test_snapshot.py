"""Invoice snapshots round-trip exactly through JSON, and a damaged one names the bad field."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from addon.reports.aggregate import build_summary
from addon.reports.errors import InvalidSnapshot
from addon.reports.invoice import build_invoice, plan_invoices
from addon.reports.model import ClockifyCheck, EntryType, GroupBy, Invoice, Party, Totals
from addon.reports.money import Money, RoundingRule
from addon.reports.periods import DateRange, Weekday
from addon.reports.snapshot import (
    invoice_from_json,
    invoice_to_json,
    summary_from_json,
    summary_to_json,
)
from addon.reports.terms import (
    FixedDiscount,
    InvoiceTerms,
    LineGrouping,
    PercentDiscount,
    Tax,
    TaxMode,
    TimeRounding,
)
from tests.unit.reports.builders import make_entry, make_expense


def _invoice(currency: str, terms: InvoiceTerms) -> Invoice:
    rate = Money.from_major(Decimal("1234.5" if currency != "JPY" else "12345"), currency)
    entries = [make_entry(id=f"e{i}", seconds=1000 + 777 * i, rate=rate) for i in range(7)]
    expenses = [make_expense(id="x1", amount=Money(1999, currency))]
    batch = plan_invoices(entries, expenses, default_currency=currency).batches[0]
    return build_invoice(
        batch,
        terms=terms,
        number="INV-2026-0007",
        issue_date=date(2026, 11, 23),
        bill_from=Party("Northwind Studio", "Hafenstr. 1\nHamburg", "billing@northwind.example"),
        bill_to=Party("Acme", "1 Road", "ap@acme.example"),
        period=DateRange(date(2026, 10, 1), date(2026, 10, 31)),
    )


CASES = {
    "USD, compound taxes, percent discount": (
        "USD",
        InvoiceTerms(
            grouping=LineGrouping.ENTRY,
            time_rounding=TimeRounding(minutes=15),
            discount=PercentDiscount(Decimal("7.5")),
            taxes=(Tax("VAT", Decimal("19")), Tax("City", Decimal("2.5"))),
            tax_mode=TaxMode.COMPOUND,
            notes="Thank you",
        ),
    ),
    "JPY, fixed discount, per-invoice rounding": (
        "JPY",
        InvoiceTerms(
            grouping=LineGrouping.DAY,
            rounding_rule=RoundingRule.PER_INVOICE,
            discount=FixedDiscount(Money(500, "JPY")),
            taxes=(Tax("Consumption", Decimal("10")),),
            zone="Asia/Tokyo",
        ),
    ),
    "KWD, no discount": ("KWD", InvoiceTerms(grouping=LineGrouping.SINGLE)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_snapshot_round_trips_through_json_to_an_equal_invoice(case: str) -> None:
    invoice = _invoice(*CASES[case])

    stored = json.loads(json.dumps(invoice_to_json(invoice)))

    assert invoice_from_json(stored) == invoice


def test_snapshot_holds_no_float() -> None:
    text = json.dumps(invoice_to_json(_invoice(*CASES["USD, compound taxes, percent discount"])))

    def walk(value: Any) -> None:
        assert not isinstance(value, float)
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(json.loads(text))


@pytest.mark.parametrize(
    ("damage", "path"),
    [
        (lambda d: d.pop("total"), "invoice.total: missing"),
        (lambda d: d["total"].update(minor="12"), "invoice.total.minor"),
        (lambda d: d["lines"][0].update(quantity="lots"), "invoice.lines[0].quantity"),
        (lambda d: d["terms"].update(grouping="BY_MOOD"), "invoice.terms.grouping"),
        (lambda d: d["terms"]["discount"].update(type="Coupon"), "invoice.terms.discount"),
        (lambda d: d.update(issue_date="23/11/2026"), "invoice.issue_date"),
        (lambda d: d.update(schema=99), "schema"),
        (lambda d: d.update(schema=True), "schema"),
    ],
)
def test_damaged_snapshot_names_the_bad_field(damage: Any, path: str) -> None:
    data = json.loads(
        json.dumps(invoice_to_json(_invoice(*CASES["USD, compound taxes, percent discount"])))
    )
    damage(data)

    with pytest.raises(InvalidSnapshot) as raised:
        invoice_from_json(data)

    assert path in str(raised.value)


def test_a_snapshot_older_than_a_defaulted_field_reads_it_as_its_default() -> None:
    """Invoices issued before the terms learned their line words still load, unchanged."""
    invoice = _invoice(*CASES["USD, compound taxes, percent discount"])
    data = json.loads(json.dumps(invoice_to_json(invoice)))
    for name in ("no_project_label", "no_description_label"):
        del data["terms"][name]

    loaded = invoice_from_json(data)

    assert loaded.terms.no_project_label == "Without project"
    assert loaded.terms.no_description_label == "(no description)"
    assert loaded.lines == invoice.lines and loaded.total == invoice.total


def test_a_summary_round_trips_through_json_with_every_grouping() -> None:
    rate = Money.from_major(Decimal("95.5"), "EUR")
    entries = [make_entry(id=f"e{i}", seconds=600 + 613 * i, rate=rate) for i in range(9)]
    for groups in ([GroupBy.PROJECT], [GroupBy.CLIENT, GroupBy.USER, GroupBy.WEEK]):
        summary = build_summary(entries, groups, zone="Europe/Berlin", week_start=Weekday.SUNDAY)

        stored = json.loads(json.dumps(summary_to_json(summary)))

        assert summary_from_json(stored) == summary


def test_a_summary_snapshot_of_another_schema_is_refused() -> None:
    with pytest.raises(InvalidSnapshot, match="schema"):
        summary_from_json({"schema": 2})


def test_a_summary_keeps_its_non_work_pairs_and_check_and_refuses_a_cut_pair() -> None:
    """`non_work` is a tuple of (EntryType, Totals) pairs: each item decodes by its own type."""
    summary = replace(
        build_summary([make_entry(id="a", seconds=600)], [GroupBy.PROJECT]),
        non_work=((EntryType.BREAK, Totals(900, 0, 2, ())),),
        check=ClockifyCheck(1, 600, 600, (Money(100, "EUR"),), expenses=None),
    )
    stored = json.loads(json.dumps(summary_to_json(summary)))
    cut = json.loads(json.dumps(stored))
    cut["non_work"][0].pop()

    assert summary_from_json(stored) == summary
    with pytest.raises(InvalidSnapshot, match=r"summary\.non_work\[0\]: expected 2 items"):
        summary_from_json(cut)
