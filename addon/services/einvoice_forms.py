"""E-invoice details between their three forms: request body, stored document, core values.

A body (`addon.services.einvoice_bodies`) becomes `addon.einvoice` values through the core's
own constructors, which check each value's shape; a failure becomes `InvalidEInvoiceDetails`
(422) naming the field as the body names it (`seller.iban`, `seller.taxes[1]`,
`buyer.address.country`). What is stored is the core values written back as JSON, so a saved
IBAN has no spaces and a country code is upper case. Reading a document runs the constructors
again: a document that later rules refuse fails naming its field, never silently.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any, Final, TypeVar

import msgspec

from addon.einvoice import (
    Address,
    BuyerDetails,
    ElectronicAddress,
    InvalidDetails,
    SellerDetails,
    VatTreatment,
)
from addon.errors import InvalidInput
from addon.services.body_errors import InvalidBody, read_body
from addon.services.einvoice_bodies import (
    AddressInput,
    BuyerInput,
    ElectronicAddressInput,
    SellerInput,
    VatTreatmentInput,
)

__all__ = [
    "BUYER_VERSION",
    "SELLER_VERSION",
    "InvalidEInvoiceDetails",
    "SellerSettings",
    "buyer_document",
    "buyer_from",
    "read_details_body",
    "seller_document",
    "seller_from",
]

SELLER_VERSION: Final = 1
BUYER_VERSION: Final = 1
"""The shape of the stored documents; bump and upgrade on read when a shape changes."""

T = TypeVar("T")
S = TypeVar("S", bound=msgspec.Struct)
_PREFIXED = re.compile(r"([a-z_.]+): (.*)", re.DOTALL)


class InvalidEInvoiceDetails(InvalidInput):
    """Raise when a seller, buyer or VAT value is malformed; `field` names it (422)."""

    code = "invalid_einvoice_details"


@dataclasses.dataclass(frozen=True, slots=True)
class SellerSettings:
    """The seller and the VAT treatment of the invoice's taxes (by position) and untaxed lines."""

    seller: SellerDetails
    taxes: tuple[VatTreatment, ...] = ()
    untaxed: VatTreatment | None = None


def read_details_body(body: object, kind: type[S], prefix: str) -> S:
    """`body` as `kind`; a bad field answers 422 naming it under `prefix` (`seller.iban`)."""
    try:
        return read_body(body, kind)
    except InvalidBody as exc:
        name = f"{prefix}.{exc.field}" if exc.field else prefix
        raise InvalidEInvoiceDetails(name, str(exc)) from None


def _checked(field: str, build: Callable[[], T]) -> T:
    try:
        return build()
    except InvalidDetails as exc:
        found = _PREFIXED.fullmatch(str(exc))
        if found is None:
            raise InvalidEInvoiceDetails(field, str(exc)) from None
        # The core names the field itself, fully (`seller.iban: ...`) or by its own name only.
        named = found[1] if found[1].startswith(("seller.", "buyer.")) else field
        raise InvalidEInvoiceDetails(named, found[2]) from None


def _address(given: AddressInput, field: str) -> Address:
    return _checked(
        f"{field}.country",
        lambda: Address(given.street, given.city, given.postcode, given.country),
    )


def _endpoint(given: ElectronicAddressInput | None, field: str) -> ElectronicAddress | None:
    if given is None:
        return None
    return _checked(field, lambda: ElectronicAddress(given.scheme, given.identifier))


def _treatment(given: VatTreatmentInput, field: str) -> VatTreatment:
    return _checked(
        field,
        lambda: VatTreatment(given.category, given.exemption_reason, given.exemption_code),
    )


def seller_from(body: SellerInput) -> SellerSettings:
    """The core values of a seller body, or `InvalidEInvoiceDetails` naming the field."""
    fields = {f: getattr(body, f) for f in body.__struct_fields__}
    fields["address"] = _address(body.address, "seller.address")
    fields["electronic_address"] = _endpoint(body.electronic_address, "seller.electronic_address")
    taxes = tuple(_treatment(t, f"seller.taxes[{i}]") for i, t in enumerate(body.taxes))
    untaxed = None if body.untaxed is None else _treatment(body.untaxed, "seller.untaxed")
    del fields["taxes"], fields["untaxed"]
    seller = _checked("seller", lambda: SellerDetails(**fields))
    return SellerSettings(seller, taxes, untaxed)


def buyer_from(body: BuyerInput) -> BuyerDetails:
    """The core values of a buyer body, or `InvalidEInvoiceDetails` naming the field."""
    fields = {f: getattr(body, f) for f in body.__struct_fields__}
    fields["address"] = _address(body.address, "buyer.address")
    fields["electronic_address"] = _endpoint(body.electronic_address, "buyer.electronic_address")
    return _checked("buyer", lambda: BuyerDetails(**fields))


def seller_document(settings: SellerSettings) -> dict[str, Any]:
    """The stored (and answered) JSON of validated seller settings, shaped as `SellerInput`."""
    document: dict[str, Any] = msgspec.to_builtins(settings.seller)
    document["taxes"] = list(msgspec.to_builtins(settings.taxes))
    document["untaxed"] = msgspec.to_builtins(settings.untaxed)
    return document


def buyer_document(buyer: BuyerDetails) -> dict[str, Any]:
    """The stored (and answered) JSON of validated buyer details, shaped as `BuyerInput`."""
    document: dict[str, Any] = msgspec.to_builtins(buyer)
    return document
