"""What EN 16931 cannot carry is refused, with a problem naming the field and where to fix it."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from decimal import Decimal

import pytest

from addon.einvoice import (
    EInvoiceRefused,
    InvalidDetails,
    Profile,
    VatCategory,
    VatTreatment,
    check_einvoice,
    write_einvoice,
)
from addon.reports.money import Money, RoundingRule
from addon.reports.terms import LineGrouping, PercentDiscount, Tax, TaxApplication, TaxMode
from tests.unit.reports.builders import MAY_1_9AM

from .builders import REVERSE, STANDARD, VAT7, VAT19, entry, expense, make_details, make_invoice


def _fields(problems: tuple[object, ...]) -> set[str]:
    return {problem.field for problem in problems}  # type: ignore[attr-defined]


def test_three_decimal_currency_is_refused_because_br_dec_allows_two() -> None:
    invoice = make_invoice([entry(3600, "12.345", "KWD")], currency="KWD")

    problems = check_einvoice(invoice, make_details(untaxed=REVERSE), Profile.FACTURX)

    (problem,) = [p for p in problems if p.field == "invoice.currency"]
    assert "KWD" in problem.message and "at most 2" in problem.message
    with pytest.raises(EInvoiceRefused) as refused:
        write_einvoice(invoice, make_details(untaxed=REVERSE), Profile.FACTURX)
    assert refused.value.problems == problems


def test_compound_tax_is_refused_because_en16931_has_no_tax_on_tax() -> None:
    invoice = make_invoice(
        [entry(3600, "100.00")],
        taxes=(Tax("GST", Decimal(5)), Tax("QST", Decimal("9.975"))),
        tax_mode=TaxMode.COMPOUND,
    )

    problems = check_einvoice(invoice, make_details(STANDARD, STANDARD), Profile.PEPPOL)

    assert "invoice.lines[0]" in _fields(problems)
    assert any("compound" in p.message for p in problems)


def test_a_line_with_two_simple_taxes_is_refused_one_rate_per_line() -> None:
    invoice = make_invoice([entry(3600, "100.00")], taxes=(VAT19, VAT7))

    problems = check_einvoice(invoice, make_details(STANDARD, STANDARD), Profile.FACTURX)

    assert any("carries two taxes" in p.message for p in problems)


def test_compound_mode_without_a_line_carrying_both_taxes_is_written() -> None:
    """Compounding only happens on a line that carries both; without one there is none."""
    invoice = make_invoice(
        [entry(3600, "100.00")],
        [expense("10.00")],
        taxes=(VAT19, VAT7),
        tax_mode=TaxMode.COMPOUND,
        time_taxes=TaxApplication.TAX1,
        expense_taxes=TaxApplication.TAX2,
    )

    assert check_einvoice(invoice, make_details(STANDARD, STANDARD), Profile.FACTURX) == ()


def test_each_tax_needs_a_vat_category() -> None:
    invoice = make_invoice([entry(3600, "100.00")], taxes=(VAT19,))

    problems = check_einvoice(invoice, make_details(), Profile.FACTURX)

    (problem,) = problems
    assert problem.field == "vat.taxes" and "Seller details → VAT categories" in problem.message


def test_an_invoice_with_fewer_taxes_than_the_seller_set_up_takes_the_first_categories() -> None:
    """A second tax added to the settings later must not block invoices issued with one."""
    invoice = make_invoice([entry(3600, "100.00")], taxes=(VAT19,))

    assert check_einvoice(invoice, make_details(STANDARD, STANDARD), Profile.FACTURX) == ()


def test_untaxed_lines_need_a_vat_category() -> None:
    invoice = make_invoice([entry(3600, "100.00")])

    assert _fields(check_einvoice(invoice, make_details(), Profile.FACTURX)) == {"vat.untaxed"}


@pytest.mark.parametrize(
    ("percent", "category", "rule"),
    [(Decimal(0), VatCategory.STANDARD, "BR-S-05"), (Decimal(19), VatCategory.REVERSE_CHARGE, "")],
)
def test_a_tax_rate_that_contradicts_its_category_is_refused(
    percent: Decimal, category: VatCategory, rule: str
) -> None:
    invoice = make_invoice([entry(3600, "100.00")], taxes=(Tax("VAT", percent),))

    (problem,) = check_einvoice(invoice, make_details(VatTreatment(category)), Profile.FACTURX)

    assert (problem.field, problem.rule) == ("vat.taxes[0]", rule)


def test_outside_scope_cannot_share_an_invoice_with_other_categories() -> None:
    invoice = make_invoice(
        [entry(3600, "100.00")],
        [expense("10.00")],
        taxes=(VAT19,),
        expense_taxes=TaxApplication.NONE,
    )
    details = make_details(STANDARD, untaxed=VatTreatment(VatCategory.OUTSIDE_SCOPE))

    assert "BR-O-11" in {p.rule for p in check_einvoice(invoice, details, Profile.FACTURX)}


def test_a_discount_split_that_ties_one_cent_off_over_two_rates_is_refused() -> None:
    """Both discounted shares end in exactly half a cent, so each rounds up: 1 cent too many."""
    invoice = make_invoice(
        [entry(3600, "0.05")],
        [expense("0.05")],
        taxes=(VAT19, VAT7),
        time_taxes=TaxApplication.TAX1,
        expense_taxes=TaxApplication.TAX2,
        discount=PercentDiscount(Decimal(10)),
    )
    bases = [tax.base.minor for tax in invoice.taxes]
    assert sum(bases) != invoice.subtotal.minor - invoice.discount.minor  # the engine's tie

    problems = check_einvoice(invoice, make_details(STANDARD, STANDARD), Profile.FACTURX)

    assert [p.rule for p in problems] == ["BR-S-08"]


def test_a_line_whose_quantity_times_price_is_not_its_amount_is_refused() -> None:
    invoice = make_invoice([entry(3600, "100.00")], taxes=(VAT19,))
    (line,) = invoice.lines
    broken = dataclasses.replace(
        invoice, lines=(dataclasses.replace(line, amount=Money(10001, "EUR")),)
    )

    assert "invoice.lines[0]" in _fields(
        check_einvoice(broken, make_details(STANDARD), Profile.FACTURX)
    )


@pytest.mark.parametrize(
    ("category", "reason"),
    [(VatCategory.EXEMPT, ""), (VatCategory.STANDARD, "Exempt"), (VatCategory.ZERO, "Zero")],
)
def test_exemption_reasons_follow_the_category(category: VatCategory, reason: str) -> None:
    with pytest.raises(InvalidDetails):
        VatTreatment(category, reason)


def test_categories_without_a_given_reason_send_their_standard_text_and_code() -> None:
    treatment = VatTreatment(VatCategory.REVERSE_CHARGE)

    assert (treatment.reason, treatment.reason_code) == ("Reverse charge", "VATEX-EU-AE")


def test_yen_vat_rounded_per_line_that_drifts_a_whole_yen_is_refused() -> None:
    """BR-S-09 allows one currency unit; for JPY that is one minor unit, a few lines' rounding."""
    entries = [entry(36, "1500", "JPY", start=MAY_1_9AM + timedelta(hours=i)) for i in range(4)]
    per_line = make_invoice(
        entries, currency="JPY", taxes=(Tax("消費税", Decimal(10)),), grouping=LineGrouping.ENTRY
    )
    assert per_line.taxes[0].amount.minor == 8  # 4 x round(1.5); the base of 60 gives 6

    problems = check_einvoice(per_line, make_details(STANDARD), Profile.PEPPOL)

    assert [p.rule for p in problems] == ["BR-S-09/BR-CO-17"]
    per_invoice = make_invoice(
        entries,
        currency="JPY",
        taxes=(Tax("消費税", Decimal(10)),),
        grouping=LineGrouping.ENTRY,
        rounding_rule=RoundingRule.PER_INVOICE,
    )
    assert check_einvoice(per_invoice, make_details(STANDARD), Profile.PEPPOL) == ()


def test_a_rate_below_half_a_percent_with_a_tax_that_does_not_round_to_zero_is_refused() -> None:
    """BR-CO-17 rounds the rate to a whole percent first; 0.3 % becomes 0 % and wants no tax."""
    invoice = make_invoice([entry(36000, "100.00")], taxes=(Tax("VAT", Decimal("0.3")),))

    problems = check_einvoice(invoice, make_details(STANDARD), Profile.FACTURX)

    assert [p.rule for p in problems] == ["BR-S-09/BR-CO-17"]
