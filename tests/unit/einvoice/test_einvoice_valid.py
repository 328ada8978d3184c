"""Every flavour of e-invoice we write passes the official EN 16931 rules and keeps our figures."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from addon.einvoice import (
    Address,
    EInvoiceDetails,
    Profile,
    VatCategory,
    VatTreatment,
    check_einvoice,
    write_einvoice,
)
from addon.reports.model import Invoice, Party, Ref
from addon.reports.money import RoundingRule
from addon.reports.terms import (
    FixedDiscount,
    LineGrouping,
    PercentDiscount,
    Tax,
    TaxApplication,
)

from .builders import (
    REVERSE,
    SMALL_BUSINESS,
    STANDARD,
    VAT7,
    VAT19,
    entry,
    expense,
    make_buyer,
    make_details,
    make_invoice,
    make_seller,
    money,
)
from .conftest import Rules
from .figures import texts, totals

Case = Callable[[], tuple[Invoice, EInvoiceDetails]]
WEBSITE, APP, DOCS = Ref("p1", "Website"), Ref("p2", "App"), Ref("p3", "Docs")
FRENCH_BUYER = make_buyer(
    address=Address("1 rue de la Paix", "Paris", "75002", "FR"), vat_id="FR12345678901"
)


def one_rate() -> tuple[Invoice, EInvoiceDetails]:
    invoice = make_invoice(
        [entry(7200, "120.00"), entry(5400, "95.00", project=APP)], taxes=(VAT19,)
    )
    return invoice, make_details(STANDARD)


def several_rates() -> tuple[Invoice, EInvoiceDetails]:
    invoice = make_invoice(
        [entry(7200, "120.00")],
        [expense("42.10"), expense("19.99", category="Books")],
        taxes=(VAT19, VAT7),
        time_taxes=TaxApplication.TAX1,
        expense_taxes=TaxApplication.TAX2,
    )
    return invoice, make_details(STANDARD, STANDARD)


def percent_discount_two_rates() -> tuple[Invoice, EInvoiceDetails]:
    invoice = make_invoice(
        [entry(4799, "97.50"), entry(3601, "120.00", project=APP)],
        [expense("42.17")],
        taxes=(VAT19, VAT7),
        time_taxes=TaxApplication.TAX1,
        expense_taxes=TaxApplication.TAX2,
        discount=PercentDiscount(Decimal("7.5")),
    )
    return invoice, make_details(STANDARD, STANDARD)


def fixed_discount_with_untaxed_lines() -> tuple[Invoice, EInvoiceDetails]:
    invoice = make_invoice(
        [entry(7200, "99.99")],
        [expense("12.34")],
        taxes=(VAT19,),
        expense_taxes=TaxApplication.NONE,
        discount=FixedDiscount(money("10.01")),
    )
    disbursement = VatTreatment(VatCategory.EXEMPT, "Durchlaufender Posten")
    return invoice, make_details(STANDARD, untaxed=disbursement)


def reverse_charge() -> tuple[Invoice, EInvoiceDetails]:
    invoice = make_invoice([entry(36000, "85.00")])
    return invoice, make_details(untaxed=REVERSE, buyer=FRENCH_BUYER)


def exempt_small_business() -> tuple[Invoice, EInvoiceDetails]:
    invoice = make_invoice([entry(3600, "60.00")], [expense("8.90")])
    return invoice, make_details(untaxed=SMALL_BUSINESS)


def expenses_only_lines() -> tuple[Invoice, EInvoiceDetails]:
    invoice = make_invoice(
        [entry(900, "80.00")],
        [
            expense("120.00", category="Hotel", notes="2 nights"),
            expense("-15.00", category="Refund"),
        ],
        taxes=(VAT19,),
    )
    return invoice, make_details(STANDARD)


def yen() -> tuple[Invoice, EInvoiceDetails]:
    invoice = make_invoice(
        [entry(1800, "3333", "JPY"), entry(4799, "12345", "JPY", project=APP)],
        [expense("1080", "JPY")],
        currency="JPY",
        taxes=(Tax("消費税", Decimal(10)),),
    )
    return invoice, make_details(STANDARD)


def unicode_names() -> tuple[Invoice, EInvoiceDetails]:
    invoice = make_invoice(
        [entry(3600, "100.00", project=Ref("p9", 'Übersetzung ✓ 翻訳 <&> "quoted"\x07'))],
        bill_to=Party("Müller & Söhne — 東京", "", "einkauf@müller.example"),
        taxes=(VAT19,),
        notes="Danke für Ihren Auftrag — ありがとう!",
    )
    seller = make_seller(legal_name="Studio Ñandú & Søn — 東京")
    return invoice, make_details(STANDARD, seller=seller)


def awkward_hours() -> tuple[Invoice, EInvoiceDetails]:
    invoice = make_invoice(
        [
            entry(4799, "97.50"),  # 1.333 h -> 1.33 h, 129.675 -> 129.68
            entry(37, "33.33", project=APP),  # 0.01 h -> 0.3333 -> 0.33
            entry(6017, "0.01", project=DOCS),
            entry(1, "1234.56", project=None),
        ],
        taxes=(VAT19,),
        grouping=LineGrouping.PROJECT,
    )
    return invoice, make_details(STANDARD)


def per_invoice_rounding() -> tuple[Invoice, EInvoiceDetails]:
    invoice = make_invoice(
        [
            entry(3636, "10.50"),
            entry(3636, "10.50", project=APP),
            entry(3636, "10.50", project=DOCS),
        ],
        taxes=(VAT19,),
        rounding_rule=RoundingRule.PER_INVOICE,
        discount=PercentDiscount(Decimal(3)),
    )
    assert invoice.rounding_adjustment.minor != 0  # the case is about stating it
    return invoice, make_details(STANDARD)


def intra_community() -> tuple[Invoice, EInvoiceDetails]:
    invoice = make_invoice([entry(7200, "150.00")])
    return invoice, make_details(
        untaxed=VatTreatment(VatCategory.INTRA_COMMUNITY), buyer=FRENCH_BUYER
    )


def export() -> tuple[Invoice, EInvoiceDetails]:
    buyer = make_buyer(address=Address("1 Main St", "Springfield", "12345", "US"), vat_id="")
    invoice = make_invoice([entry(7200, "150.00")])
    return invoice, make_details(untaxed=VatTreatment(VatCategory.EXPORT), buyer=buyer)


def outside_scope() -> tuple[Invoice, EInvoiceDetails]:
    invoice = make_invoice([entry(7200, "150.00")], discount=PercentDiscount(Decimal(5)))
    return invoice, make_details(untaxed=VatTreatment(VatCategory.OUTSIDE_SCOPE))


def zero_rated() -> tuple[Invoice, EInvoiceDetails]:
    invoice = make_invoice([entry(7200, "150.00")], taxes=(Tax("VAT 0%", Decimal(0)),))
    return invoice, make_details(VatTreatment(VatCategory.ZERO))


CASES: dict[str, Case] = {
    case.__name__: case
    for case in (
        one_rate,
        several_rates,
        percent_discount_two_rates,
        fixed_discount_with_untaxed_lines,
        reverse_charge,
        exempt_small_business,
        expenses_only_lines,
        yen,
        unicode_names,
        awkward_hours,
        per_invoice_rounding,
        intra_community,
        export,
        outside_scope,
        zero_rated,
    )
}


@pytest.mark.parametrize("profile", list(Profile))
@pytest.mark.parametrize("name", sorted(CASES))
def test_written_einvoice_passes_every_en16931_rule(
    rules: Rules, name: str, profile: Profile
) -> None:
    invoice, details = CASES[name]()
    assert check_einvoice(invoice, details, profile) == ()

    xml = write_einvoice(invoice, details, profile)
    verdict = rules.check(xml, profile.syntax)

    assert verdict.fired > 10, "the rules did not run over the document"
    assert verdict.fatal == ()


@pytest.mark.parametrize("profile", list(Profile))
@pytest.mark.parametrize("name", sorted(CASES))
def test_written_totals_are_the_invoice_own_figures(name: str, profile: Profile) -> None:
    invoice, details = CASES[name]()

    found = totals(write_einvoice(invoice, details, profile), profile.syntax)

    assert found["lines"] == sum(line.amount.to_major() for line in invoice.lines)
    assert found["without_vat"] == (invoice.subtotal - invoice.discount).to_major()
    assert found["vat"] == sum(tax.amount.to_major() for tax in invoice.taxes)
    assert found["with_vat"] == found["due"] == invoice.total.to_major()


def test_hours_are_hur_and_expenses_c62_with_the_printed_quantity_and_rate() -> None:
    invoice, details = expenses_only_lines()

    xml = write_einvoice(invoice, details, Profile.PEPPOL)

    assert texts(xml, "InvoicedQuantity") == ["0.25", "1", "-1"]
    assert texts(xml, "PriceAmount") == ["80.00", "120.00", "15.00"]
    assert texts(xml, "LineExtensionAmount")[1:] == ["20.00", "120.00", "-15.00"]
    assert b'unitCode="HUR"' in xml and xml.count(b'unitCode="C62"') == 2


def test_awkward_hours_state_two_decimal_hours_whose_product_rounds_to_the_amount() -> None:
    invoice, details = awkward_hours()

    xml = write_einvoice(invoice, details, Profile.FACTURX)

    lines = list(
        zip(
            texts(xml, "BilledQuantity"),
            texts(xml, "ChargeAmount"),
            texts(xml, "LineTotalAmount"),
            strict=False,
        )
    )
    assert ("1.33", "97.50", "129.68") in lines  # 1.333 h billed as 1.33; 129.675 rounds up
    assert ("0.01", "33.33", "0.33") in lines


def test_yen_amounts_are_whole_yen() -> None:
    invoice, details = yen()

    xml = write_einvoice(invoice, details, Profile.PEPPOL)

    assert all(
        "." not in amount for amount in texts(xml, "PayableAmount") + texts(xml, "TaxAmount")
    )
    assert texts(xml, "PayableAmount") == [str(invoice.total.minor)]


def test_per_invoice_rounding_is_stated_as_a_rounding_allowance_or_charge() -> None:
    invoice, details = per_invoice_rounding()

    xml = write_einvoice(invoice, details, Profile.FACTURX)

    reasons = texts(xml, "Reason")
    assert "Rounding adjustment" in reasons and "Discount 3 %" in reasons


def test_discount_over_two_rates_is_one_allowance_per_rate() -> None:
    invoice, details = percent_discount_two_rates()

    xml = write_einvoice(invoice, details, Profile.PEPPOL)

    allowances = [Decimal(a) for a in texts(xml, "Amount")]
    assert len(allowances) == 2
    assert sum(allowances) == invoice.discount.to_major()


def test_outside_scope_invoice_carries_no_vat_ids_but_the_register_id() -> None:
    invoice, details = outside_scope()

    xml = write_einvoice(invoice, details, Profile.FACTURX)

    assert b"DE123456789" not in xml and b"DE987654321" not in xml
    assert b"HRB 12345 B" in xml


def test_unicode_survives_and_control_characters_are_dropped() -> None:
    invoice, details = unicode_names()

    xml = write_einvoice(invoice, details, Profile.XRECHNUNG_UBL)

    assert "Müller & Söhne — 東京" in texts(xml, "RegistrationName")
    assert 'Übersetzung ✓ 翻訳 <&> "quoted"' in texts(xml, "Name")
    assert b"\x07" not in xml
