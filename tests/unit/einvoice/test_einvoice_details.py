"""Seller and buyer values are checked for shape when saved, and normalised as the rules compare."""

from __future__ import annotations

import pytest

from addon.einvoice import Address, BuyerDetails, ElectronicAddress, InvalidDetails, SellerDetails


def test_iban_is_stored_without_spaces_after_its_check_digits_pass() -> None:
    assert SellerDetails(iban="de89 3704 0044 0532 0130 00").iban == "DE89370400440532013000"


@pytest.mark.parametrize(
    "iban", ["DE89 3704 0044 0532 0130 01", "DE89", "not an iban", "DE89\U000d55e0370400440532"]
)
def test_iban_with_wrong_check_digits_is_refused(iban: str) -> None:
    with pytest.raises(InvalidDetails, match=r"seller\.iban"):
        SellerDetails(iban=iban)


@pytest.mark.parametrize("vat_id", ["DE 123 456 789", "EL123456789", "XI123456789"])
def test_vat_ids_keep_their_country_prefix(vat_id: str) -> None:
    assert SellerDetails(vat_id=vat_id).vat_id == vat_id.replace(" ", "")


@pytest.mark.parametrize("vat_id", ["123456789", "QQ123456789"])
def test_vat_id_without_a_country_prefix_is_refused(vat_id: str) -> None:
    """BR-CO-09: a VAT id starts with the ISO 3166-1 code of the country that issued it."""
    with pytest.raises(InvalidDetails, match=r"buyer\.vat_id"):
        BuyerDetails(vat_id=vat_id)


def test_country_must_be_iso_3166_alpha_2() -> None:
    assert Address(country="de").country == "DE"
    with pytest.raises(InvalidDetails):
        Address(country="Germany")


def test_gln_electronic_address_needs_a_valid_check_digit() -> None:
    assert ElectronicAddress("0088", "4000001000005").identifier == "4000001000005"
    with pytest.raises(InvalidDetails):
        ElectronicAddress("0088", "4000001000006")


def test_electronic_address_scheme_is_em_or_an_eas_code() -> None:
    with pytest.raises(InvalidDetails):
        ElectronicAddress("GLN", "4000001000005")
    with pytest.raises(InvalidDetails):
        ElectronicAddress("EM", "not-an-email")


def test_contact_email_is_the_default_electronic_address() -> None:
    seller = SellerDetails(contact_email="billing@example.com")

    assert seller.endpoint == ElectronicAddress("EM", "billing@example.com")
