"""E-invoices of issued invoices, and the seller and buyer details they need.

    seller_details / save_seller       the workspace as seller, and its taxes' VAT categories
    client_details / save_client       one Clockify client's billing details
    einvoice_checklist                 what a profile still needs, each problem with its form
    einvoice_file                      the e-invoice: Factur-X PDF, XRechnung CII/UBL, Peppol UBL

E-invoices are made from the issued snapshot, read in a transaction that is never committed:
the invoice, its number and the counter are never written, so a refused e-invoice consumes no
number and changes nothing, and the same details give the same file every time. Details are
read at download time, so a fix in the form applies to invoices issued before it. What
Clockify knows is the default: the seller's legal name is the invoice's bill-from name (the
workspace's), the buyer's name and e-mail the invoice's bill-to (the client's, as issued); the
forms show Clockify's values (workspace name; client name, e-mail and free-text address).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any, Final, TypeVar

import msgspec
from sqlalchemy.orm import Session

from addon.einvoice import (
    BuyerDetails,
    EInvoiceDetails,
    EInvoiceRefused,
    Problem,
    Profile,
    SellerDetails,
    check_einvoice,
    write_einvoice,
)
from addon.errors import AddonError, Conflict, NotFound
from addon.render.facturx import facturx_pdf
from addon.render.files import RenderedFile, slug
from addon.render.i18n import Formatter
from addon.reports.errors import ReportError
from addon.reports.model import Invoice
from addon.runtime import Runtime
from addon.services.einvoice_bodies import BuyerInput, SellerInput
from addon.services.einvoice_forms import (
    BUYER_VERSION,
    SELLER_VERSION,
    SellerSettings,
    buyer_document,
    buyer_from,
    seller_document,
    seller_from,
)
from addon.services.installations import clockify_for
from addon.services.invoices import MAX_NUMBER, load_invoice
from addon.store import einvoices as store

S = TypeVar("S", bound=msgspec.Struct)

__all__ = [
    "EInvoiceUnavailable",
    "Profile",
    "client_details",
    "einvoice_checklist",
    "einvoice_file",
    "save_client",
    "save_seller",
    "seller_details",
]

_FILES: Final = {
    Profile.FACTURX: ("facturx.pdf", "application/pdf"),
    Profile.XRECHNUNG_CII: ("xrechnung-cii.xml", "application/xml"),
    Profile.XRECHNUNG_UBL: ("xrechnung-ubl.xml", "application/xml"),
    Profile.PEPPOL: ("peppol.xml", "application/xml"),
}
_WHERE: Final = (("vat.", "taxes"), ("seller.", "seller"), ("buyer.", "buyer"))


class EInvoiceUnavailable(AddonError):
    """Raise when an issued invoice cannot be made the asked e-invoice; `problems` says why."""

    status = 422
    code = "einvoice_refused"

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems

    def details(self) -> dict[str, object]:
        return {
            "problems": [
                {"field": p.field, "message": p.message, "rule": p.rule} for p in self.problems
            ]
        }


def where(problem: Problem) -> str:
    """The form that fixes `problem`: seller, taxes, buyer, or the invoice itself."""
    for prefix, form in _WHERE:
        if problem.field.startswith(prefix):
            return form
    return "invoice"


def _stored(document: Any, version: int, current: int, kind: type[S], form: str) -> S:
    """A stored form as its body type; one this code cannot read fails saying which form to save
    again (409), never as a 500 and never read as if it were today's shape."""
    try:
        if version != current:
            raise msgspec.ValidationError(f"version {version}, this server reads {current}")
        return msgspec.convert(document, kind)
    except msgspec.ValidationError as exc:
        raise Conflict(f"The stored {form} cannot be read ({exc}); save the form again.") from None


def _seller_settings(db: Session, workspace_id: str) -> SellerSettings:
    row = store.find_seller(db, workspace_id)
    if row is None:
        return SellerSettings(SellerDetails())
    stored = _stored(row.document, row.version, SELLER_VERSION, SellerInput, "seller details")
    return seller_from(stored)


def _buyer(db: Session, workspace_id: str, client_id: str) -> BuyerDetails:
    row = store.find_buyer(db, workspace_id, client_id)
    if row is None:
        return BuyerDetails()
    stored = _stored(row.document, row.version, BUYER_VERSION, BuyerInput, "client's billing")
    return buyer_from(stored)


def _stamp(updated_at: datetime | None) -> str | None:
    return None if updated_at is None else updated_at.isoformat()


def seller_details(rt: Runtime, workspace_id: str) -> dict[str, Any]:
    """The seller as saved (empty fields when never saved) and Clockify's defaults."""
    with rt.sessions() as db:
        row = store.find_seller(db, workspace_id)
        settings = _seller_settings(db, workspace_id)
        updated = None if row is None else row.updated_at
    with clockify_for(rt, workspace_id) as client:
        name = client.workspace().name
    return {
        "seller": seller_document(settings),
        "updated_at": _stamp(updated),
        "defaults": {"legal_name": name},
    }


def save_seller(rt: Runtime, workspace_id: str, body: SellerInput) -> dict[str, Any]:
    """Validate and save the seller; answers as `seller_details` does."""
    document = seller_document(seller_from(body))
    with rt.sessions.begin() as db:
        store.save_seller(db, workspace_id, version=SELLER_VERSION, document=document, now=rt.now())
    return seller_details(rt, workspace_id)


def _clockify_client(rt: Runtime, workspace_id: str, client_id: str) -> dict[str, str]:
    with clockify_for(rt, workspace_id) as client:
        found = next((c for c in client.clients() if c.id == client_id), None)
    if found is None:
        raise NotFound(f"client {client_id[:64]!r} does not exist")
    return {"name": found.name, "email": found.email, "address": found.address}


def client_details(rt: Runtime, workspace_id: str, client_id: str) -> dict[str, Any]:
    """A Clockify client's billing details as saved, and what Clockify knows of it."""
    defaults = _clockify_client(rt, workspace_id, client_id)
    with rt.sessions() as db:
        row = store.find_buyer(db, workspace_id, client_id)
        document = buyer_document(_buyer(db, workspace_id, client_id))
    return {
        "client_id": client_id,
        "buyer": document,
        "updated_at": _stamp(None if row is None else row.updated_at),
        "defaults": defaults,
    }


def save_client(rt: Runtime, workspace_id: str, client_id: str, body: BuyerInput) -> dict[str, Any]:
    """Validate and save a client's billing details (the client must exist in Clockify)."""
    document = buyer_document(buyer_from(body))
    _clockify_client(rt, workspace_id, client_id)
    with rt.sessions.begin() as db:
        store.save_buyer(
            db, workspace_id, client_id, version=BUYER_VERSION, document=document, now=rt.now()
        )
    return client_details(rt, workspace_id, client_id)


def _issued(rt: Runtime, workspace_id: str, number: str) -> tuple[Invoice, EInvoiceDetails]:
    """The issued invoice from its snapshot and today's details for it (read-only)."""
    invoice = None
    if len(number) <= MAX_NUMBER:
        with rt.sessions() as db:
            invoice = load_invoice(db, workspace_id, number)
            if invoice is not None:
                settings = _seller_settings(db, workspace_id)
                buyer = _buyer(db, workspace_id, invoice.client.id)
    if invoice is None:
        raise NotFound(f"invoice {number[:60]!r} does not exist")
    seller = settings.seller
    if not seller.legal_name:
        seller = dataclasses.replace(seller, legal_name=invoice.bill_from.name)
    details = EInvoiceDetails(seller, buyer, settings.taxes, settings.untaxed)
    return invoice, details


def einvoice_checklist(
    rt: Runtime, workspace_id: str, number: str, profile: Profile
) -> dict[str, Any]:
    """Every problem between issued invoice `number` and a `profile` e-invoice, with its form."""
    invoice, details = _issued(rt, workspace_id, number)
    problems = check_einvoice(invoice, details, profile)
    return {
        "number": invoice.number,
        "profile": profile.value,
        "ready": not problems,
        "problems": [
            {"field": p.field, "message": p.message, "rule": p.rule, "where": where(p)}
            for p in problems
        ],
    }


def einvoice_file(
    rt: Runtime, workspace_id: str, number: str, profile: Profile, locale: str
) -> RenderedFile:
    """Issued invoice `number` as a `profile` e-invoice, or `EInvoiceUnavailable` (422)."""
    invoice, details = _issued(rt, workspace_id, number)
    suffix, content_type = _FILES[profile]
    try:
        data = write_einvoice(invoice, details, profile)
        if profile is Profile.FACTURX:
            data = facturx_pdf(invoice, Formatter(locale), data)
    except EInvoiceRefused as exc:
        raise EInvoiceUnavailable(exc.problems) from None
    except ReportError as exc:  # the PDF/A-3 wrapper refused (FacturXRefused, PdfaRefused)
        raise EInvoiceUnavailable((Problem("invoice", str(exc)),)) from None
    return RenderedFile(f"{slug(invoice.number)}.{suffix}", content_type, data)
