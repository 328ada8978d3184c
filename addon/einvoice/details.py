"""What an e-invoice needs beyond the issued invoice: seller, buyer and VAT treatments.

An issued `Invoice` prints names and a free-text address; EN 16931 needs a structured address,
tax identifiers, payment means, and for every tax the VAT category it stands for. These values
are filled in forms over time, so they are allowed to be incomplete: construction only checks
the *shape* of what is given (an IBAN's check digits, a country code), and `requirements` says
what a given profile and invoice still miss. Empty strings mean "not given".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from addon.einvoice.identifiers import (
    EMAIL_SCHEME,
    check_bic,
    check_country,
    check_email,
    check_endpoint,
    check_iban,
    check_vat_id,
)
from addon.einvoice.vat import VatTreatment

__all__ = ["Address", "BuyerDetails", "EInvoiceDetails", "ElectronicAddress", "SellerDetails"]


def _strip(value: object, names: tuple[str, ...]) -> None:
    for name in names:
        object.__setattr__(value, name, getattr(value, name).strip())


@dataclass(frozen=True, slots=True)
class Address:
    """A postal address (BG-5 / BG-8); `country` is ISO 3166-1 alpha-2."""

    street: str = ""
    city: str = ""
    postcode: str = ""
    country: str = ""

    def __post_init__(self) -> None:
        _strip(self, ("street", "city", "postcode"))
        object.__setattr__(self, "country", check_country("address.country", self.country))


@dataclass(frozen=True, slots=True)
class ElectronicAddress:
    """Where an e-invoice is delivered (BT-34 / BT-49): an EAS scheme and an identifier.

    "EM" with an e-mail address, "0088" with a GLN, "9930" with a German VAT id, and so on.
    """

    scheme: str
    identifier: str

    def __post_init__(self) -> None:
        scheme, identifier = check_endpoint("electronic_address", self.scheme, self.identifier)
        object.__setattr__(self, "scheme", scheme)
        object.__setattr__(self, "identifier", identifier)


def _endpoint(given: ElectronicAddress | None, email: str) -> ElectronicAddress | None:
    if given is not None:
        return given
    return ElectronicAddress(EMAIL_SCHEME, email) if email else None


@dataclass(frozen=True, slots=True)
class SellerDetails:
    """The seller as EN 16931 describes it (BG-4, BG-6, BG-16).

    `vat_id` is BT-31 (with its country prefix); `tax_number` BT-32, the national tax number
    (German "Steuernummer") that stands in for a VAT id where the rules allow it;
    `registration_id` BT-30 (a trade register number), which identifies a seller that has no VAT
    id. Payment goes to `iban`/`bic`/`account_name` by credit transfer. `payment_terms` (BT-20)
    overrides the invoice's own terms text when given. Without an `electronic_address` the
    contact e-mail is used (scheme EM).
    """

    legal_name: str = ""
    address: Address = field(default_factory=Address)
    vat_id: str = ""
    tax_number: str = ""
    registration_id: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    electronic_address: ElectronicAddress | None = None
    iban: str = ""
    bic: str = ""
    account_name: str = ""
    payment_terms: str = ""

    def __post_init__(self) -> None:
        _strip(
            self,
            ("legal_name", "tax_number", "registration_id", "contact_name", "contact_phone"),
        )
        _strip(self, ("account_name", "payment_terms"))
        object.__setattr__(self, "vat_id", check_vat_id("seller.vat_id", self.vat_id))
        object.__setattr__(self, "iban", check_iban("seller.iban", self.iban))
        object.__setattr__(self, "bic", check_bic("seller.bic", self.bic))
        email = check_email("seller.contact_email", self.contact_email)
        object.__setattr__(self, "contact_email", email)

    @property
    def endpoint(self) -> ElectronicAddress | None:
        """Electronic address BT-34: the one given, else the contact e-mail."""
        return _endpoint(self.electronic_address, self.contact_email)


@dataclass(frozen=True, slots=True)
class BuyerDetails:
    """The buyer as EN 16931 describes it (BG-7), per client.

    `name` (BT-44) defaults to the invoice's bill-to name and `email` to its bill-to e-mail.
    `buyer_reference` is BT-10: the buyer's own reference, which in German public procurement
    is the Leitweg-ID. `registration_id` is BT-47, which reverse charge accepts instead of a
    buyer VAT id (BR-AE-02).
    """

    name: str = ""
    address: Address = field(default_factory=Address)
    vat_id: str = ""
    registration_id: str = ""
    buyer_reference: str = ""
    email: str = ""
    electronic_address: ElectronicAddress | None = None

    def __post_init__(self) -> None:
        _strip(self, ("name", "registration_id", "buyer_reference"))
        object.__setattr__(self, "vat_id", check_vat_id("buyer.vat_id", self.vat_id))
        object.__setattr__(self, "email", check_email("buyer.email", self.email))

    @property
    def endpoint(self) -> ElectronicAddress | None:
        """Electronic address BT-49: the one given, else the buyer's e-mail."""
        return _endpoint(self.electronic_address, self.email)


@dataclass(frozen=True, slots=True)
class EInvoiceDetails:
    """Everything an e-invoice needs that the issued invoice does not hold.

    `taxes[k]` is the VAT treatment of the invoice's tax k (its terms' `taxes[k]`, matched by
    position as the terms number them: tax 1, tax 2). `untaxed` is the treatment of lines that
    carry none of the invoice's taxes, e.g. reverse charge (AE) or a small-business exemption
    (E); it is only needed when such lines exist.
    """

    seller: SellerDetails
    buyer: BuyerDetails
    taxes: tuple[VatTreatment, ...] = ()
    untaxed: VatTreatment | None = None
