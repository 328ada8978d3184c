"""The e-invoice details' request bodies: the seller (per workspace) and a client's billing.

Registered in `addon.services.bodies.REQUEST_BODIES` with the others (kept in their own module
only for size). The Structs check types and lengths; the shapes of values (country codes, VAT
ids, IBAN check digits, e-mail addresses, VAT categories and their reasons) are checked by the
pure core's constructors when `addon.services.einvoice_forms` turns a body into
`addon.einvoice` values, so the same rules apply to a save and to a write. Every string may be
empty: the details are filled over time, and the checklist says what a profile still needs.
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from msgspec import Meta, Struct, field

from addon.einvoice import VatCategory

__all__ = [
    "AddressInput",
    "BuyerInput",
    "ElectronicAddressInput",
    "SellerInput",
    "VatTreatmentInput",
]

_Short = Annotated[str, Meta(max_length=200)]
_Text = Annotated[str, Meta(max_length=1000)]


class AddressInput(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A postal address; `country` is an ISO 3166-1 alpha-2 code (DE, FR)."""

    noun: ClassVar[str] = "address field"

    street: _Short = ""
    city: _Short = ""
    postcode: Annotated[str, Meta(max_length=20)] = ""
    country: Annotated[str, Meta(max_length=2)] = ""


class ElectronicAddressInput(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Where e-invoices are delivered: EM with an e-mail, or an EAS code (0088 GLN, 9930 ...)."""

    noun: ClassVar[str] = "electronic address field"

    scheme: Annotated[str, Meta(min_length=1, max_length=4)]
    identifier: Annotated[str, Meta(min_length=1, max_length=200)]


class VatTreatmentInput(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The VAT category a tax stands for; E needs a reason (text or VATEX code)."""

    noun: ClassVar[str] = "VAT field"

    category: VatCategory
    exemption_reason: _Text = ""
    exemption_code: Annotated[str, Meta(max_length=30)] = ""


class SellerInput(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The workspace as seller (`PUT /api/einvoice/seller`); "" means not given."""

    noun: ClassVar[str] = "seller field"

    legal_name: Annotated[_Short, Meta(description='"" means the workspace name')] = ""
    address: AddressInput = field(default_factory=AddressInput)
    vat_id: Annotated[str, Meta(max_length=20, description="With country prefix")] = ""
    tax_number: Annotated[str, Meta(max_length=40)] = ""
    registration_id: Annotated[str, Meta(max_length=100, description="Trade register")] = ""
    contact_name: _Short = ""
    contact_phone: Annotated[str, Meta(max_length=50)] = ""
    contact_email: _Short = ""
    electronic_address: ElectronicAddressInput | None = None
    iban: Annotated[str, Meta(max_length=42)] = ""
    bic: Annotated[str, Meta(max_length=11)] = ""
    account_name: _Short = ""
    payment_terms: _Text = ""
    taxes: Annotated[
        tuple[VatTreatmentInput, ...],
        Meta(max_length=2, description="The VAT category of the invoice's tax 1 and tax 2"),
    ] = ()
    untaxed: Annotated[
        VatTreatmentInput | None, Meta(description="The VAT category of lines with no tax")
    ] = None


class BuyerInput(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A Clockify client's billing details (`PUT /api/einvoice/clients/{id}`)."""

    noun: ClassVar[str] = "buyer field"

    name: Annotated[_Short, Meta(description='"" means the client name in Clockify')] = ""
    address: AddressInput = field(default_factory=AddressInput)
    vat_id: Annotated[str, Meta(max_length=20)] = ""
    registration_id: Annotated[str, Meta(max_length=100)] = ""
    buyer_reference: Annotated[str, Meta(max_length=200, description="E.g. a Leitweg-ID")] = ""
    email: Annotated[_Short, Meta(description='"" means the client e-mail in Clockify')] = ""
    electronic_address: ElectronicAddressInput | None = None
