"""Invariants over generated entries: totals reconcile, splitting and grouping lose nothing."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from addon.reports.aggregate import EntryFilter, build_summary, filter_entries
from addon.reports.invoice import build_invoice, plan_invoices
from addon.reports.model import Expense, GroupBy, Invoice, LineKind, Party, TimeEntry
from addon.reports.money import Money, RoundingRule
from addon.reports.periods import DateRange, SplitUnit, Weekday, split_range
from addon.reports.rates import RateBook
from addon.reports.terms import (
    FixedDiscount,
    InvoiceTerms,
    LineGrouping,
    PercentDiscount,
    RoundingDirection,
    Tax,
    TaxApplication,
    TaxMode,
    TimeRounding,
    TimeRoundingScope,
)

from .builders import (
    ACME,
    ANN,
    APP,
    BOB,
    DESIGN,
    GLOBEX,
    MAY_1_9AM,
    REVIEW,
    URGENT,
    WEBSITE,
    make_entry,
    make_expense,
)

CURRENCIES = ("USD", "JPY", "KWD")
ZONES = ("UTC", "Europe/Berlin", "America/Santiago", "Pacific/Auckland", "Asia/Kolkata")
ISSUED = date(2024, 6, 1)


@st.composite
def time_entries(draw: st.DrawFn, currency: str, count: int = 12) -> list[TimeEntry]:
    size = draw(st.integers(0, count))
    rates = st.none() | st.builds(Money, st.integers(0, 30_000), st.just(currency))
    return [
        make_entry(
            id=f"e{index}",
            seconds=draw(st.integers(0, 12 * 3600)),
            start=MAY_1_9AM + timedelta(seconds=draw(st.integers(-3 * 86400, 40 * 86400))),
            rate=draw(rates),
            user=draw(st.sampled_from([ANN, BOB])),
            project=draw(st.sampled_from([WEBSITE, APP, None])),
            client=draw(st.sampled_from([ACME, GLOBEX, None])),
            task=draw(st.sampled_from([DESIGN, None])),
            tags=tuple(draw(st.lists(st.sampled_from([URGENT, REVIEW]), max_size=2, unique=True))),
            billable=draw(st.booleans()),
            invoiced=draw(st.booleans()),
        )
        for index in range(size)
    ]


@st.composite
def expenses(draw: st.DrawFn, currency: str) -> list[Expense]:
    size = draw(st.integers(0, 4))
    return [
        make_expense(
            id=f"x{index}",
            amount=Money(draw(st.integers(0, 100_000)), currency),
            client=draw(st.sampled_from([ACME, GLOBEX, None])),
            billable=draw(st.booleans()),
        )
        for index in range(size)
    ]


percents = st.decimals(min_value=0, max_value=30, places=3)


@st.composite
def invoice_terms(draw: st.DrawFn, currency: str) -> InvoiceTerms:
    rounding = draw(
        st.none()
        | st.builds(
            TimeRounding,
            st.sampled_from([1, 5, 6, 10, 15, 30, 60]),
            st.sampled_from(RoundingDirection),
            st.sampled_from(TimeRoundingScope),
        )
    )
    discount = draw(
        st.none()
        | st.builds(PercentDiscount, st.decimals(min_value=0, max_value=100, places=2))
        | st.builds(FixedDiscount, st.builds(Money, st.integers(0, 200_000), st.just(currency)))
    )
    taxes = draw(st.lists(st.builds(Tax, st.just("Tax"), percents), max_size=2))
    return InvoiceTerms(
        grouping=draw(st.sampled_from(LineGrouping)),
        time_rounding=rounding,
        rounding_rule=draw(st.sampled_from(RoundingRule)),
        discount=discount,
        taxes=tuple(taxes),
        tax_mode=draw(st.sampled_from(TaxMode)),
        time_taxes=draw(st.sampled_from(TaxApplication)),
        expense_taxes=draw(st.sampled_from(TaxApplication)),
        zone=draw(st.sampled_from(ZONES)),
    )


@st.composite
def invoice_inputs(draw: st.DrawFn) -> tuple[list[TimeEntry], list[Expense], InvoiceTerms, str]:
    currency = draw(st.sampled_from(CURRENCIES))
    return (
        draw(time_entries(currency)),
        draw(expenses(currency)),
        draw(invoice_terms(currency)),
        currency,
    )


def build_all(
    entries: list[TimeEntry], spent: list[Expense], terms: InvoiceTerms, currency: str
) -> list[Invoice]:
    plan = plan_invoices(entries, spent, default_currency=currency, rates=RateBook())
    return [
        build_invoice(
            batch,
            terms=terms,
            number="N-1",
            issue_date=ISSUED,
            bill_from=Party("Studio"),
            bill_to=Party(batch.client.name),
        )
        for batch in plan.batches
    ]


def half_up(value: Decimal, exponent: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-exponent), rounding=ROUND_HALF_UP)


@settings(max_examples=80)
@given(invoice_inputs())
def test_printed_invoice_totals_reconcile(
    inputs: tuple[list[TimeEntry], list[Expense], InvoiceTerms, str],
) -> None:
    for invoice in build_all(*inputs):
        lines = sum(line.amount.minor for line in invoice.lines)
        taxes = sum(tax.amount.minor for tax in invoice.taxes)
        assert lines + invoice.rounding_adjustment.minor == invoice.subtotal.minor
        assert invoice.subtotal.minor - invoice.discount.minor + taxes == invoice.total.minor
        assert 0 <= invoice.discount.minor <= max(invoice.subtotal.minor, 0)
        if invoice.terms.rounding_rule is RoundingRule.PER_LINE:
            assert invoice.rounding_adjustment.minor == 0
        else:
            assert 2 * abs(invoice.rounding_adjustment.minor) <= len(invoice.lines) + 1


@settings(max_examples=80)
@given(invoice_inputs())
def test_each_line_amount_is_its_printed_hours_times_rate(
    inputs: tuple[list[TimeEntry], list[Expense], InvoiceTerms, str],
) -> None:
    for invoice in build_all(*inputs):
        for line in invoice.lines:
            exponent = line.amount.exponent
            shown = half_up(line.quantity * line.unit_price.to_major(), exponent)
            assert line.amount.to_major() == shown
            if line.kind is LineKind.TIME:
                assert line.quantity.as_tuple().exponent == -2
                assert abs(line.quantity * 3600 - line.billed_seconds) <= 18


@settings(max_examples=60)
@given(invoice_inputs())
def test_invoice_level_tax_is_its_printed_base_times_percent(
    inputs: tuple[list[TimeEntry], list[Expense], InvoiceTerms, str],
) -> None:
    entries, spent, terms, currency = inputs
    for invoice in build_all(entries, spent, terms, currency):
        if terms.rounding_rule is not RoundingRule.PER_INVOICE:
            continue
        for tax in invoice.taxes:
            expected = half_up(tax.base.to_major() * tax.tax.percent / 100, tax.base.exponent)
            assert tax.amount.to_major() == expected


@settings(max_examples=60)
@given(invoice_inputs())
def test_tax_bases_are_the_discounted_subtotal_when_every_line_carries_every_tax(
    inputs: tuple[list[TimeEntry], list[Expense], InvoiceTerms, str],
) -> None:
    entries, spent, terms, currency = inputs
    everywhere = replace(
        terms, time_taxes=TaxApplication.TAX1TAX2, expense_taxes=TaxApplication.TAX1TAX2
    )

    for invoice in build_all(entries, spent, everywhere, currency):
        net = invoice.subtotal.minor - invoice.discount.minor
        stacked = 0
        for index, tax in enumerate(invoice.taxes):
            assert tax.base.minor == net + stacked
            exact = Fraction(tax.base.minor) * Fraction(tax.tax.percent) / 100
            if terms.rounding_rule is RoundingRule.PER_INVOICE:
                assert abs(tax.amount.minor - exact) <= Fraction(1, 2)
            else:
                assert abs(tax.amount.minor - exact) <= Fraction(len(invoice.lines), 2)
            if index == 0 and terms.tax_mode is TaxMode.COMPOUND:
                stacked = tax.amount.minor


@settings(max_examples=60)
@given(invoice_inputs())
def test_every_billable_uninvoiced_item_is_billed_exactly_once(
    inputs: tuple[list[TimeEntry], list[Expense], InvoiceTerms, str],
) -> None:
    entries, spent, terms, currency = inputs

    invoices = build_all(entries, spent, terms, currency)

    billed = Counter(i for inv in invoices for line in inv.lines for i in line.entry_ids)
    billed_expenses = Counter(i for inv in invoices for ln in inv.lines for i in ln.expense_ids)
    due = [e for e in entries if e.billable and not e.invoiced and e.client]
    assert billed == Counter(e.id for e in due)
    assert billed_expenses == Counter(x.id for x in spent if x.billable and x.client)
    assert sum(inv.actual_seconds for inv in invoices) == sum(e.duration for e in due)


@settings(max_examples=40)
@given(invoice_inputs(), st.sampled_from(LineGrouping))
def test_line_grouping_never_changes_the_time_billed_without_rounding(
    inputs: tuple[list[TimeEntry], list[Expense], InvoiceTerms, str], grouping: LineGrouping
) -> None:
    entries, spent, terms, currency = inputs
    plain = InvoiceTerms(grouping=LineGrouping.ENTRY, zone=terms.zone)
    regrouped = InvoiceTerms(grouping=grouping, zone=terms.zone)

    before = build_all(entries, spent, plain, currency)
    after = build_all(entries, spent, regrouped, currency)

    assert [i.billed_seconds for i in before] == [i.billed_seconds for i in after]
    assert [i.client for i in before] == [i.client for i in after]


groupings = st.lists(st.sampled_from(GroupBy), max_size=3, unique=True)


@settings(max_examples=60)
@given(time_entries("USD", count=20), groupings, st.sampled_from(ZONES))
def test_grouping_never_changes_the_summary_total(
    entries: list[TimeEntry], groups: list[GroupBy], zone: str
) -> None:
    ungrouped = build_summary(entries, [], zone=zone)

    grouped = build_summary(entries, groups, zone=zone)

    assert grouped.totals == ungrouped.totals
    if groups and groups[0] is not GroupBy.TAG:
        assert sum(row.totals.duration for row in grouped.rows) == grouped.totals.duration
        assert sum(row.totals.entries for row in grouped.rows) == grouped.totals.entries
    for row in grouped.rows:
        if row.children and row.children[0].group is not GroupBy.TAG:
            assert sum(child.totals.duration for child in row.children) == row.totals.duration


@settings(max_examples=60)
@given(
    time_entries("USD", count=20),
    st.dates(date(2024, 4, 25), date(2024, 5, 20)),
    st.integers(0, 30),
    st.sampled_from(SplitUnit),
    st.sampled_from(Weekday),
    st.sampled_from(ZONES),
)
def test_splitting_a_period_loses_and_doubles_no_entry(
    entries: list[TimeEntry],
    first_day: date,
    length: int,
    unit: SplitUnit,
    week_start: Weekday,
    zone: str,
) -> None:
    whole = DateRange(first_day, first_day + timedelta(days=length))

    pieces = split_range(whole, unit, week_start)
    found = [
        e.id for piece in pieces for e in filter_entries(entries, EntryFilter(period=piece), zone)
    ]

    expected = [e.id for e in filter_entries(entries, EntryFilter(period=whole), zone)]
    assert sorted(found) == sorted(expected)
    assert len(set(found)) == len(found)
