"""XRechnung 3.0's BR-DE rules and Peppol's extra rules, as `requirements` enforces them.

The official XRechnung and Peppol Schematron are not in ../shared, so these rules are written
down here from the specifications (XRechnung 3.0 BR-DE-*, Peppol BIS 3.0 PEPPOL-EN16931-R*):
each missing field must be named with its rule, and the written XML must carry what they ask.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from addon.einvoice import Address, ElectronicAddress, Profile, check_einvoice, write_einvoice
from addon.einvoice.profiles import PEPPOL_PROCESS

from .builders import STANDARD, VAT19, entry, make_buyer, make_details, make_invoice, make_seller
from .conftest import Rules
from .figures import texts

XRECHNUNG = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
XRECHNUNGS = (Profile.XRECHNUNG_CII, Profile.XRECHNUNG_UBL)
INVOICE = make_invoice([entry(7200, "120.00")], taxes=(VAT19,))


def _rules(profile: Profile, **changes: Any) -> set[str]:
    seller = {k: v for k, v in changes.items() if not k.startswith("buyer_")}
    buyer = {k.removeprefix("buyer_"): v for k, v in changes.items() if k.startswith("buyer_")}
    details = make_details(STANDARD, seller=make_seller(**seller), buyer=make_buyer(**buyer))
    return {problem.rule for problem in check_einvoice(INVOICE, details, profile)}


@pytest.mark.parametrize("profile", XRECHNUNGS)
@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"contact_name": ""}, "BR-DE-5"),
        ({"contact_phone": ""}, "BR-DE-6"),
        (
            {"contact_email": "", "electronic_address": ElectronicAddress("0088", "4000001000005")},
            "BR-DE-7",
        ),
        ({"address": Address("Hauptstraße 1", "", "10115", "DE")}, "BR-DE-3"),
        ({"address": Address("Hauptstraße 1", "Berlin", "", "DE")}, "BR-DE-4"),
        ({"iban": "", "bic": ""}, "BR-DE-23"),
        ({"vat_id": "", "tax_number": ""}, "BR-DE-16"),
        ({"buyer_buyer_reference": ""}, "BR-DE-15"),
        ({"buyer_address": Address("Weg 2", "", "80331", "DE")}, "BR-DE-8"),
        ({"buyer_address": Address("Weg 2", "München", "", "DE")}, "BR-DE-9"),
        ({"contact_email": ""}, "BR-DE-7|BT-34 (XRechnung 3.0)"),
    ],
)
def test_xrechnung_names_each_missing_field_with_its_br_de_rule(
    profile: Profile, changes: dict[str, Any], rule: str
) -> None:
    assert _rules(profile, **changes) == set(rule.split("|"))


@pytest.mark.parametrize(
    "changes",
    [{"contact_phone": ""}, {"iban": "", "bic": ""}, {"buyer_buyer_reference": ""}],
)
def test_factur_x_does_not_ask_for_what_only_xrechnung_requires(changes: dict[str, Any]) -> None:
    assert _rules(Profile.FACTURX, **changes) == set()


def test_peppol_needs_a_buyer_reference_and_both_electronic_addresses() -> None:
    assert _rules(Profile.PEPPOL, buyer_buyer_reference="") == {"PEPPOL-EN16931-R003"}
    assert _rules(Profile.PEPPOL, contact_email="") == {"PEPPOL-EN16931-R020"}


def test_a_problem_says_where_to_set_the_field() -> None:
    details = make_details(STANDARD, seller=make_seller(iban="", bic=""))

    (problem,) = check_einvoice(INVOICE, details, Profile.XRECHNUNG_CII)

    assert str(problem) == (
        "seller.iban: set the IBAN payments go to in Invoices tab → Seller details [BR-DE-23]"
    )


@pytest.mark.parametrize("profile", XRECHNUNGS)
def test_xrechnung_states_its_specification_id_and_the_peppol_process(profile: Profile) -> None:
    xml = write_einvoice(INVOICE, make_details(STANDARD), profile)

    assert XRECHNUNG in texts(xml, "ID") + texts(xml, "CustomizationID")  # BR-DE-21
    assert PEPPOL_PROCESS in texts(xml, "ID") + texts(xml, "ProfileID")


@pytest.mark.parametrize("profile", XRECHNUNGS)
def test_xrechnung_pays_by_sepa_credit_transfer_to_the_iban_with_seller_contact(
    profile: Profile,
) -> None:
    xml = write_einvoice(INVOICE, make_details(STANDARD), profile)

    codes = texts(xml, "TypeCode") + texts(xml, "PaymentMeansCode")
    assert "58" in codes  # BR-DE-1, BT-81 SEPA credit transfer
    assert "DE89370400440532013000" in texts(xml, "IBANID") + texts(xml, "ID")  # BR-DE-23
    assert "04011000-12345-67" in texts(xml, "BuyerReference")  # BR-DE-15
    assert "+49 30 1234567" in texts(xml, "CompleteNumber") + texts(xml, "Telephone")  # BR-DE-6
    assert b'schemeID="EM"' in xml  # BT-34 / BT-49


def test_a_tax_number_stands_in_for_a_vat_id_and_is_written_as_fc(rules: Rules) -> None:
    details = make_details(STANDARD, seller=make_seller(vat_id=""))

    xml = write_einvoice(INVOICE, details, Profile.XRECHNUNG_CII)

    assert b'<ram:ID schemeID="FC">30/123/45678</ram:ID>' in xml
    assert rules.check(xml, Profile.XRECHNUNG_CII.syntax).fatal == ()


def test_peppol_writes_a_gln_endpoint_with_scheme_0088(rules: Rules) -> None:
    seller = make_seller(electronic_address=ElectronicAddress("0088", "4000001000005"))
    details = dataclasses.replace(make_details(STANDARD), seller=seller)

    xml = write_einvoice(INVOICE, details, Profile.PEPPOL)

    assert b'<cbc:EndpointID schemeID="0088">4000001000005</cbc:EndpointID>' in xml
    assert rules.check(xml, Profile.PEPPOL.syntax).fatal == ()
