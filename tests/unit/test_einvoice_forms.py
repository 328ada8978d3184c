"""E-invoice details between body, core values and stored document: a bad value is refused
naming the field as the body names it, and what is stored reads back as the same values."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from addon.einvoice import VatCategory
from addon.services.einvoice_bodies import BuyerInput, SellerInput
from addon.services.einvoice_forms import (
    InvalidEInvoiceDetails,
    buyer_document,
    buyer_from,
    read_details_body,
    seller_document,
    seller_from,
)


def _seller(body: dict[str, Any]) -> Any:
    return seller_from(read_details_body(body, SellerInput, "seller"))


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"iban": "DE00 1234"}, "seller.iban"),
        ({"bic": "nope"}, "seller.bic"),
        ({"vat_id": "123"}, "seller.vat_id"),
        ({"contact_email": "a@b"}, "seller.contact_email"),
        ({"address": {"country": "XX"}}, "seller.address.country"),
        (
            {"electronic_address": {"scheme": "0088", "identifier": "1"}},
            "seller.electronic_address",
        ),
        ({"taxes": [{"category": "S"}, {"category": "E"}]}, "seller.taxes[1]"),
        ({"untaxed": {"category": "S", "exemption_reason": "why"}}, "seller.untaxed"),
        ({"taxes": [{"category": "S"}] * 3}, "seller.taxes"),
        ({"colour": "red"}, "seller.colour"),
        ({"address": {"street": 7}}, "seller.address.street"),
    ],
)
def test_a_bad_seller_value_is_refused_naming_its_field(body: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidEInvoiceDetails) as caught:
        _seller(body)

    assert caught.value.field == field
    assert not str(caught.value).startswith(field)  # the message does not repeat it


def test_a_saved_seller_is_normalised_and_reads_back_as_the_same_values() -> None:
    settings = _seller(
        {
            "legal_name": " Müller GmbH ",
            "address": {"country": "de"},
            "iban": "de89 3704 0044 0532 0130 00",
            "taxes": [{"category": "S"}, {"category": "E", "exemption_code": "vatex-eu-132-1i"}],
            "untaxed": {"category": "AE"},
        }
    )

    document = seller_document(settings)

    assert document["legal_name"] == "Müller GmbH" and document["address"]["country"] == "DE"
    assert document["iban"] == "DE89370400440532013000"
    assert document["taxes"][1] == {
        "category": "E",
        "exemption_reason": "",
        "exemption_code": "VATEX-EU-132-1I",
    }
    again = seller_from(
        msgspec.convert(msgspec.json.decode(msgspec.json.encode(document)), SellerInput)
    )
    assert again == settings
    assert again.untaxed is not None and again.untaxed.category is VatCategory.REVERSE_CHARGE


def test_a_buyer_reads_back_and_names_its_bad_fields() -> None:
    body = {"name": "Acme", "vat_id": "fr 12345678901", "buyer_reference": "04011000-1-2"}
    buyer = buyer_from(read_details_body(body, BuyerInput, "buyer"))

    assert buyer_document(buyer)["vat_id"] == "FR12345678901"
    assert buyer_from(msgspec.convert(buyer_document(buyer), BuyerInput)) == buyer
    with pytest.raises(InvalidEInvoiceDetails) as caught:
        buyer_from(read_details_body({"email": "x"}, BuyerInput, "buyer"))
    assert caught.value.field == "buyer.email"
