"""The rules bite: one amount changed in a written e-invoice makes them report fatal asserts.

Without this, "zero fatal asserts" could mean the rules never looked at our documents.
"""

from __future__ import annotations

import re

import pytest

from addon.einvoice import Profile, Syntax, write_einvoice

from .builders import STANDARD, VAT19, entry, make_details, make_invoice
from .conftest import Rules


def _written(profile: Profile) -> bytes:
    invoice = make_invoice(
        [entry(7200, "120.00"), entry(4799, "97.50", description="x")], taxes=(VAT19,)
    )
    return write_einvoice(invoice, make_details(STANDARD), profile)


def _add_a_cent(xml: bytes, tag: bytes) -> bytes:
    """The first `tag` element's amount, one cent higher."""
    pattern = re.compile(rb"(<" + tag + rb"[^>]*>)([0-9.]+)(<)")
    match = pattern.search(xml)
    assert match is not None, tag
    raised = f"{float(match[2]) + 0.01:.2f}".encode()
    return xml[: match.start(2)] + raised + xml[match.end(2) :]


@pytest.mark.parametrize(
    ("profile", "tag", "expected"),
    [
        (Profile.FACTURX, b"ram:LineTotalAmount", {"BR-CO-10", "BR-S-08"}),
        (Profile.FACTURX, b"ram:TaxTotalAmount", {"BR-CO-14", "BR-CO-15"}),
        (Profile.FACTURX, b"ram:GrandTotalAmount", {"BR-CO-15", "BR-CO-16"}),
        (Profile.PEPPOL, b"cbc:LineExtensionAmount", {"BR-CO-10"}),
        (Profile.XRECHNUNG_UBL, b"cbc:TaxAmount", {"BR-CO-14", "BR-CO-15"}),
        (Profile.PEPPOL, b"cbc:PayableAmount", {"BR-CO-16"}),
    ],
)
def test_one_cent_changed_makes_the_rules_report_fatal_asserts(
    rules: Rules, profile: Profile, tag: bytes, expected: set[str]
) -> None:
    xml = _written(profile)
    assert rules.check(xml, profile.syntax).fatal == ()

    verdict = rules.check(_add_a_cent(xml, tag), profile.syntax)

    assert expected <= verdict.fatal_ids, verdict.fatal


def test_a_missing_seller_tax_id_makes_the_rules_report_br_s_02(rules: Rules) -> None:
    xml = _written(Profile.FACTURX)

    tampered = re.sub(
        rb"<ram:SpecifiedTaxRegistration>.*?</ram:SpecifiedTaxRegistration>", b"", xml
    )

    assert "BR-S-02" in rules.check(tampered, Syntax.CII).fatal_ids


def test_ubl_rules_let_a_taxable_amount_drift_one_unit_where_cii_rules_do_not(rules: Rules) -> None:
    """Why our own arithmetic is exact: UBL's BR-S-08 allows +-1, CII's does not.

    A file that passes one syntax's rules could fail the other's; `breakdown` states every
    taxable amount exactly, so ours pass both.
    """
    ubl = _add_a_cent(_written(Profile.PEPPOL), b"cbc:TaxableAmount")
    cii = re.sub(
        rb"(<ram:BasisAmount>)([0-9.]+)",
        lambda m: m[1] + f"{float(m[2]) + 0.01:.2f}".encode(),
        _written(Profile.FACTURX),
    )

    assert "BR-S-08" not in rules.check(ubl, Syntax.UBL).fatal_ids
    assert "BR-S-08" in rules.check(cii, Syntax.CII).fatal_ids
