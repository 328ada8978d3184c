"""Invoices: hand-computed cases for currencies, rounding, discount, taxes and grouping."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from addon.reports.errors import CurrencyMismatch, InvalidTerms
from addon.reports.invoice import InvoiceBatch, build_invoice, plan_invoices
from addon.reports.lines import PricedEntry
from addon.reports.model import Expense, Invoice, LineKind, Party, RateSource, TimeEntry
from addon.reports.money import Money, RoundingRule
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
    WEBSITE,
    make_entry,
    make_expense,
    usd,
)

ISSUED = date(2024, 6, 1)
GST = Tax("GST", Decimal(5))
QST = Tax("QST", Decimal("9.5"))


def invoice_for(
    entries: list[TimeEntry],
    expenses: list[Expense] | None = None,
    *,
    currency: str = "USD",
    rates: RateBook | None = None,
    **terms: object,
) -> Invoice:
    plan = plan_invoices(
        entries, expenses or [], default_currency=currency, rates=rates or RateBook()
    )
    (batch,) = plan.batches
    return build_invoice(
        batch,
        terms=InvoiceTerms(**terms),  # type: ignore[arg-type]  # keyword overrides in tests
        number="INV-0001",
        issue_date=ISSUED,
        bill_from=Party("Studio"),
        bill_to=Party("Acme", "1 Road", "ap@acme.test"),
    )


def test_jpy_half_yen_rounds_up_and_tax_is_whole_yen() -> None:
    entry = make_entry(seconds=1800, rate=Money(3333, "JPY"))

    invoice = invoice_for([entry], currency="JPY", taxes=(Tax("消費税", Decimal(8)),))

    (line,) = invoice.lines
    assert (line.quantity, line.amount) == (Decimal("0.50"), Money(1667, "JPY"))  # 1666.5
    assert invoice.taxes[0].amount == Money(133, "JPY")  # 133.36
    assert invoice.total == Money(1800, "JPY")


def test_kwd_keeps_three_decimals() -> None:
    entry = make_entry(seconds=4500, rate=Money.from_major("12.345", "KWD"))

    invoice = invoice_for([entry], currency="KWD", taxes=(Tax("VAT", Decimal(5)),))

    assert invoice.lines[0].amount == Money(15431, "KWD")  # 1.25 h x 12.345 = 15.43125
    assert invoice.taxes[0].amount == Money(772, "KWD")  # 771.55 fils
    assert str(invoice.total.to_major()) == "16.203"


def test_compound_second_tax_is_charged_on_the_first() -> None:
    entry = make_entry(seconds=3600, rate=usd("100.00"))

    compound = invoice_for([entry], taxes=(GST, QST), tax_mode=TaxMode.COMPOUND)
    simple = invoice_for([entry], taxes=(GST, QST), tax_mode=TaxMode.SIMPLE)

    assert [(t.base, t.amount) for t in compound.taxes] == [
        (usd("100.00"), usd("5.00")),
        (usd("105.00"), usd("9.98")),  # 9.975
    ]
    assert compound.total == usd("114.98")
    assert simple.total == usd("114.50")


def test_compound_tax_rounds_once_per_tax_under_sum_then_round() -> None:
    # Two lines of 0.50 h x $10.01 = 500.5 cents each: exact subtotal 1001 cents.
    entries = [
        make_entry(id="a", seconds=1800, rate=usd("10.01"), project=WEBSITE),
        make_entry(id="b", seconds=1800, rate=usd("10.01"), project=APP),
    ]

    invoice = invoice_for(
        entries,
        taxes=(GST, QST),
        tax_mode=TaxMode.COMPOUND,
        rounding_rule=RoundingRule.PER_INVOICE,
    )

    assert [(t.base, t.amount) for t in invoice.taxes] == [
        (usd("10.01"), usd("0.50")),  # 50.05
        (usd("10.51"), usd("1.00")),  # 1051 x 9.5 % = 99.845
    ]
    assert invoice.total == usd("11.51")


def test_compound_tax_stacks_only_the_first_tax_of_lines_carrying_both() -> None:
    entry = make_entry(seconds=3600, rate=usd("100.00"))
    expense = make_expense(amount=usd("50.00"))

    invoice = invoice_for(
        [entry],
        [expense],
        taxes=(GST, QST),
        tax_mode=TaxMode.COMPOUND,
        expense_taxes=TaxApplication.TAX1,
        rounding_rule=RoundingRule.PER_INVOICE,
    )

    assert [(t.base, t.amount) for t in invoice.taxes] == [
        (usd("150.00"), usd("7.50")),
        (usd("105.00"), usd("9.98")),  # time line only: 100 + its 5.00 GST
    ]
    assert invoice.total == usd("167.48")


def test_percent_discount_lowers_both_tax_bases_before_tax() -> None:
    entry = make_entry(seconds=3600, rate=usd("100.00"))

    invoice = invoice_for(
        [entry],
        taxes=(GST, QST),
        tax_mode=TaxMode.COMPOUND,
        discount=PercentDiscount(Decimal(10)),
    )

    assert invoice.discount == usd("10.00")
    assert [(t.base, t.amount) for t in invoice.taxes] == [
        (usd("90.00"), usd("4.50")),
        (usd("94.50"), usd("8.98")),  # 8.9775
    ]
    assert invoice.total == usd("103.48")


def test_fixed_discount_is_capped_at_the_subtotal() -> None:
    entry = make_entry(seconds=3600, rate=usd("20.00"))

    invoice = invoice_for([entry], discount=FixedDiscount(usd("50.00")), taxes=(GST,))

    assert (invoice.discount, invoice.taxes[0].amount, invoice.total) == (
        usd("20.00"),
        usd("0.00"),
        usd("0.00"),
    )


def test_fixed_discount_in_another_currency_is_refused() -> None:
    with pytest.raises(CurrencyMismatch):
        invoice_for([make_entry(rate=usd("1.00"))], discount=FixedDiscount(Money(5, "EUR")))


def test_half_cent_lines_round_each_or_adjust_once_under_sum_then_round() -> None:
    # 0.50 h x $10.01 = 500.5 cents on each of two lines.
    entries = [
        make_entry(id="a", seconds=1800, rate=usd("10.01"), project=WEBSITE),
        make_entry(id="b", seconds=1800, rate=usd("10.01"), project=APP),
    ]

    per_line = invoice_for(entries, rounding_rule=RoundingRule.PER_LINE)
    per_invoice = invoice_for(entries, rounding_rule=RoundingRule.PER_INVOICE)

    assert [line.amount for line in per_line.lines] == [usd("5.01"), usd("5.01")]
    assert (per_line.subtotal, per_line.rounding_adjustment) == (usd("10.02"), usd("0.00"))
    assert [line.amount for line in per_invoice.lines] == [usd("5.01"), usd("5.01")]
    assert (per_invoice.subtotal, per_invoice.rounding_adjustment) == (usd("10.01"), usd("-0.01"))


def test_tax_per_line_or_on_the_sum_follows_the_rounding_rule() -> None:
    expenses = [make_expense(id=f"x{i}", amount=usd("1.05")) for i in range(3)]

    per_line = invoice_for([], expenses, taxes=(GST,), rounding_rule=RoundingRule.PER_LINE)
    per_invoice = invoice_for([], expenses, taxes=(GST,), rounding_rule=RoundingRule.PER_INVOICE)

    assert per_line.taxes[0].amount == usd("0.15")  # 3 x round(5.25)
    assert per_invoice.taxes[0].amount == usd("0.16")  # round(15.75)


def test_lines_carry_only_the_taxes_chosen_for_their_kind() -> None:
    entry = make_entry(seconds=3600, rate=usd("100.00"))
    expense = make_expense(amount=usd("50.00"))

    invoice = invoice_for(
        [entry],
        [expense],
        taxes=(GST, QST),
        time_taxes=TaxApplication.TAX1TAX2,
        expense_taxes=TaxApplication.TAX2,
        discount=PercentDiscount(Decimal(20)),
    )

    assert invoice.discount == usd("30.00")
    assert [(t.base, t.amount) for t in invoice.taxes] == [
        (usd("80.00"), usd("4.00")),  # time only, 100 x 0.8
        (usd("120.00"), usd("11.40")),  # time and expense, 150 x 0.8
    ]
    assert invoice.total == usd("135.40")


@pytest.mark.parametrize(
    ("scope", "direction", "billed"),
    [
        (TimeRoundingScope.ENTRY, RoundingDirection.UP, [900 + 900]),  # 1:01 and 7:30, each up
        (TimeRoundingScope.ENTRY, RoundingDirection.NEAREST, [0 + 900]),  # 7:30 is a tie: up
        (TimeRoundingScope.LINE, RoundingDirection.UP, [900]),  # 8:31 up to 15:00
        (TimeRoundingScope.LINE, RoundingDirection.DOWN, [0]),
    ],
)
def test_billed_time_rounds_per_entry_or_per_line(
    scope: TimeRoundingScope, direction: RoundingDirection, billed: list[int]
) -> None:
    entries = [make_entry(id="a", seconds=61), make_entry(id="b", seconds=450)]

    invoice = invoice_for(entries, time_rounding=TimeRounding(15, direction, scope))

    assert [line.billed_seconds for line in invoice.lines] == billed
    assert invoice.actual_seconds == 511


def test_nearest_rounding_breaks_ties_upward() -> None:
    invoice = invoice_for(
        [make_entry(seconds=450)], time_rounding=TimeRounding(15, RoundingDirection.NEAREST)
    )

    assert invoice.billed_seconds == 900


def test_invoice_level_rounding_is_shared_across_lines_by_largest_remainder() -> None:
    entries = [
        make_entry(id="a", seconds=420, project=APP),
        make_entry(id="b", seconds=60, project=WEBSITE),
    ]

    invoice = invoice_for(
        entries,
        time_rounding=TimeRounding(15, RoundingDirection.UP, TimeRoundingScope.INVOICE),
    )

    assert [line.billed_seconds for line in invoice.lines] == [788, 112]  # 787.5 / 112.5
    assert invoice.billed_seconds == 900


def test_both_actual_and_billed_time_are_kept_and_hours_are_priced() -> None:
    entry = make_entry(seconds=400, rate=usd("60.00"))

    invoice = invoice_for([entry], time_rounding=TimeRounding(6, RoundingDirection.UP))

    (line,) = invoice.lines
    assert (line.actual_seconds, line.billed_seconds, line.quantity) == (400, 720, Decimal("0.20"))
    assert line.amount == usd("12.00")


def test_one_line_per_rate_within_a_group_each_naming_its_rate_level() -> None:
    entries = [
        make_entry(id="a", user=ANN, rate=None),
        make_entry(id="b", user=BOB, rate=None),
        make_entry(id="c", user=BOB, rate=usd("70.00")),
    ]
    rates = RateBook(workspace=usd("50.00"), members={BOB.id: usd("60.00")})

    invoice = invoice_for(entries, rates=rates)

    assert [(ln.unit_price, ln.rate_source, ln.entry_ids) for ln in invoice.lines] == [
        (usd("50.00"), RateSource.WORKSPACE, ("a",)),
        (usd("60.00"), RateSource.MEMBER, ("b",)),
        (usd("70.00"), RateSource.ENTRY, ("c",)),
    ]
    assert {line.description for line in invoice.lines} == {"Website"}


@pytest.mark.parametrize(
    ("grouping", "descriptions"),
    [
        (LineGrouping.SINGLE, ["Professional services"]),
        (LineGrouping.PROJECT, ["App", "Website"]),
        (LineGrouping.TASK, ["App", "Website: Design"]),
        (LineGrouping.USER, ["Ann", "Bob"]),
        (LineGrouping.DAY, ["2024-05-01", "2024-05-02"]),
        (LineGrouping.ENTRY, ["Website: Homepage", "App: (no description)", "Website: Logo"]),
    ],
)
def test_line_grouping_names_lines(grouping: LineGrouping, descriptions: list[str]) -> None:
    entries = [
        make_entry(id="a", project=WEBSITE, task=DESIGN, user=ANN, description="Homepage"),
        make_entry(
            id="b", project=APP, user=BOB, description="", start=MAY_1_9AM + timedelta(hours=2)
        ),
        make_entry(
            id="c",
            project=WEBSITE,
            task=DESIGN,
            user=ANN,
            description="Logo",
            start=MAY_1_9AM + timedelta(days=1),
        ),
    ]

    invoice = invoice_for(entries, grouping=grouping)

    assert [line.description for line in invoice.lines] == descriptions
    assert sorted(i for line in invoice.lines for i in line.entry_ids) == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("grouping", "descriptions"),
    [
        (LineGrouping.SINGLE, ["Dienstleistungen"]),
        (LineGrouping.PROJECT, ["Ohne Projekt", "Website"]),
        (LineGrouping.ENTRY, ["(ohne Beschreibung)", "Website: Logo"]),
    ],
)
def test_lines_are_named_with_the_terms_words(
    grouping: LineGrouping, descriptions: list[str]
) -> None:
    entries = [
        make_entry(id="a", project=None, description=""),
        make_entry(
            id="b", project=WEBSITE, description="Logo", start=MAY_1_9AM + timedelta(hours=2)
        ),
    ]
    german = {
        "single_item_label": "Dienstleistungen",
        "no_project_label": "Ohne Projekt",
        "no_description_label": "(ohne Beschreibung)",
    }

    invoice = invoice_for(entries, grouping=grouping, **german)

    assert sorted(line.description for line in invoice.lines) == sorted(descriptions)


def test_expenses_follow_time_lines_as_their_own_lines() -> None:
    invoice = invoice_for(
        [make_entry(rate=usd("10.00"))], [make_expense(amount=usd("12.34"), notes="Train")]
    )

    assert [(line.kind, line.description, line.amount) for line in invoice.lines] == [
        (LineKind.TIME, "Website", usd("10.00")),
        (LineKind.EXPENSE, "Travel: Train", usd("12.34")),
    ]
    assert invoice.subtotal == usd("22.34")


def test_plan_splits_by_client_and_currency_and_reports_items_without_client() -> None:
    entries = [
        make_entry(id="acme-usd", client=ACME, rate=usd("1.00")),
        make_entry(id="acme-jpy", client=ACME, rate=Money(100, "JPY")),
        make_entry(id="globex", client=GLOBEX, rate=None),
        make_entry(id="orphan", client=None, rate=usd("1.00")),
        make_entry(id="done", client=ACME, invoiced=True),
        make_entry(id="free", client=ACME, billable=False),
    ]

    plan = plan_invoices(entries, [make_expense(id="lost", client=None)], default_currency="EUR")

    assert [(b.client.name, b.currency) for b in plan.batches] == [
        ("Acme", "JPY"),
        ("Acme", "USD"),
        ("Globex", "EUR"),
    ]
    assert plan.batches[2].entries[0].source is RateSource.NONE
    assert (plan.entries_without_client, plan.expenses_without_client) == (("orphan",), ("lost",))


def test_batch_holding_another_currency_is_refused() -> None:
    batch = InvoiceBatch(
        ACME, "USD", (PricedEntry(make_entry(), Money(100, "EUR"), RateSource.ENTRY),), ()
    )

    with pytest.raises(CurrencyMismatch, match="EUR"):
        build_invoice(
            batch,
            terms=InvoiceTerms(),
            number="1",
            issue_date=ISSUED,
            bill_from=Party("a"),
            bill_to=Party("b"),
        )


def test_invoice_is_a_frozen_snapshot_with_due_date_and_parties() -> None:
    invoice = invoice_for([make_entry(rate=usd("1.00"))], due_days=14, notes="Thanks")

    assert invoice.due_date == date(2024, 6, 15)
    assert invoice.bill_to.email == "ap@acme.test"
    assert invoice.terms.notes == "Thanks"
    with pytest.raises(AttributeError):
        invoice.number = "changed"  # type: ignore[misc]  # frozen: this must fail


def test_ten_thousand_line_invoice_reconciles_under_both_rules() -> None:
    entries = [
        make_entry(
            id=f"e{i}", seconds=600, rate=usd("33.33"), start=MAY_1_9AM + timedelta(minutes=i)
        )
        for i in range(10_000)
    ]

    per_line = invoice_for(entries, grouping=LineGrouping.ENTRY)
    per_invoice = invoice_for(
        entries, grouping=LineGrouping.ENTRY, rounding_rule=RoundingRule.PER_INVOICE
    )

    # 600 s -> 0.17 h; 0.17 x 3333 = 566.61 cents per line
    assert len(per_line.lines) == 10_000
    assert per_line.lines[0].amount == usd("5.67")
    assert per_line.subtotal == usd("56700.00")
    assert per_invoice.subtotal == usd("56661.00")
    assert per_invoice.rounding_adjustment == usd("-39.00")


@pytest.mark.parametrize(
    "terms",
    [
        {"taxes": (GST, QST, Tax("X", Decimal(1)))},
        {"due_days": -1},
        {"zone": "Nowhere/City"},
    ],
)
def test_invalid_terms_are_refused_on_construction(terms: dict[str, object]) -> None:
    with pytest.raises(Exception) as caught:
        InvoiceTerms(**terms)  # type: ignore[arg-type]  # keyword overrides in tests

    assert caught.type.__name__ in {"InvalidTerms", "UnknownTimeZone"}


@pytest.mark.parametrize("percent", ["-1", "100.01", "NaN"])
def test_percentages_outside_0_to_100_are_refused(percent: str) -> None:
    with pytest.raises(InvalidTerms):
        Tax("VAT", Decimal(percent))
    with pytest.raises(InvalidTerms):
        PercentDiscount(Decimal(percent))


def test_rounding_to_an_unsupported_step_is_refused() -> None:
    with pytest.raises(InvalidTerms, match="1, 5, 6, 10, 15, 30, 60"):
        TimeRounding(7)
