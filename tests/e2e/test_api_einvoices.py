"""E-invoices through the API against the sandbox, on SQLite and PostgreSQL: details saved and
refused naming the field, the checklist, every download (its XML passing the official EN 16931
rules), and a refused e-invoice that changes nothing."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader
from sqlalchemy import select, update

from addon.einvoice import Syntax
from addon.runtime import Runtime
from addon.store.einvoices import EInvoiceSeller
from addon.store.models import InvoiceSequence, IssuedInvoice
from tests.e2e.report_api import Api, Stack, summary_body
from tests.unit.einvoice.conftest import Rules, rules  # noqa: F401  # the session fixture

SELLER: dict[str, Any] = {
    "legal_name": "Müller Software GmbH",
    "address": {"street": "Hauptstraße 1", "city": "Berlin", "postcode": "10115", "country": "de"},
    "vat_id": "DE123456789",
    "tax_number": "30/123/45678",
    "contact_name": "Anna Müller",
    "contact_phone": "+49 30 1234567",
    "contact_email": "billing@mueller.example",
    "iban": "DE89 3704 0044 0532 0130 00",
    "bic": "COBADEFFXXX",
    "payment_terms": "Zahlbar innerhalb von 30 Tagen ohne Abzug.",
    "taxes": [{"category": "S"}],
    "untaxed": {"category": "Z"},
}
BUYER: dict[str, Any] = {
    "address": {"street": "Weg 2", "city": "München", "postcode": "80331", "country": "DE"},
    "vat_id": "DE987654321",
    "buyer_reference": "04011000-12345-67",
    "email": "ap@acme.example",
}
PROFILES = ("factur-x", "xrechnung-cii", "xrechnung-ubl", "peppol")


def _issue(api: Api) -> dict[str, Any]:
    body = summary_body(kind="invoice", groups=[], invoice={"tax_percent": "19"}, refresh=True)
    done = api.report(body)
    draft = next(d for d in done["result"]["invoices"] if not d.get("issued_number"))
    issued = api("POST", "/invoices", {"job": done["id"], "invoice": draft["key"]})
    assert issued.status_code == 201, issued.text
    return dict(issued.json())


def _stored(stack: Stack) -> tuple[list[tuple[str, int]], list[tuple[str, Any]]]:
    runtime = stack.addon.app.extensions["addon"]
    assert isinstance(runtime, Runtime)
    with runtime.sessions() as db:
        counters = [(r.scope_key, r.last_value) for r in db.scalars(select(InvoiceSequence))]
        issued = [(r.number, r.snapshot) for r in db.scalars(select(IssuedInvoice))]
    return counters, issued


def test_a_refused_einvoice_names_every_problem_and_changes_nothing(stack: Stack) -> None:
    api = stack.session_for()
    invoice = _issue(api)
    before = _stored(stack)

    check = api("GET", f"/invoices/{invoice['number']}/einvoice/check?profile=xrechnung-cii")
    refused = api("GET", f"/invoices/{invoice['number']}/einvoice?profile=xrechnung-cii")

    assert check.status_code == 200, check.text
    assert check.json()["ready"] is False
    wanted = {p["field"]: p["where"] for p in check.json()["problems"]}
    assert wanted["seller.address.street"] == "seller"
    assert wanted["seller.iban"] == "seller" and wanted["buyer.buyer_reference"] == "buyer"
    assert wanted["vat.taxes"] == "taxes"
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"] == "einvoice_refused"
    assert {p["field"] for p in refused.json()["problems"]} == set(wanted)
    assert _stored(stack) == before
    again = _issue(api)
    assert again["number"] != invoice["number"]
    counters, _ = _stored(stack)
    assert sum(value for _, value in counters) == sum(value for _, value in before[0]) + 1


def test_invalid_details_answer_422_naming_the_field(stack: Stack) -> None:
    api = stack.session_for()
    client_id = api("GET", "/workspace").json()["clients"][0]["id"]
    cases = [
        ("/einvoice/seller", {**SELLER, "iban": "DE00 1234"}, "seller.iban"),
        ("/einvoice/seller", {**SELLER, "address": {"country": "XX"}}, "seller.address.country"),
        ("/einvoice/seller", {**SELLER, "taxes": [{"category": "E"}]}, "seller.taxes[0]"),
        ("/einvoice/seller", {**SELLER, "colour": "red"}, "seller.colour"),
        (f"/einvoice/clients/{client_id}", {**BUYER, "vat_id": "12"}, "buyer.vat_id"),
        (f"/einvoice/clients/{client_id}", {**BUYER, "email": "nope"}, "buyer.email"),
    ]
    for path, body, field in cases:
        answer = api("PUT", path, body)

        assert answer.status_code == 422, (field, answer.text)
        assert answer.json()["field"] == field, answer.json()
    assert api("GET", "/einvoice/seller").json()["updated_at"] is None


def test_stored_details_this_server_cannot_read_answer_409_not_a_500(stack: Stack) -> None:
    api = stack.session_for()
    assert api("PUT", "/einvoice/seller", SELLER).status_code == 200
    runtime: Runtime = stack.addon.app.extensions["addon"]
    for change in ({"version": 2}, {"document": {"iban": 12}}):  # a newer shape; a drifted one
        with runtime.sessions.begin() as db:
            db.execute(update(EInvoiceSeller).values(**change))

        answer = api("GET", "/einvoice/seller")

        assert answer.status_code == 409, answer.text
        assert "save the form again" in answer.json()["message"]
        with runtime.sessions.begin() as db:
            db.execute(update(EInvoiceSeller).values(version=1, document=SELLER))


def test_saved_details_give_every_einvoice_valid_by_the_en16931_rules(
    stack: Stack,
    rules: Rules,  # noqa: F811  # the fixture imported above
) -> None:
    api = stack.session_for()
    invoice = _issue(api)
    number, client_id = invoice["number"], invoice["client"]["id"]

    seller = api("PUT", "/einvoice/seller", SELLER)
    buyer = api("PUT", f"/einvoice/clients/{client_id}", BUYER)

    assert seller.status_code == 200, seller.text
    assert seller.json()["seller"]["iban"] == "DE89370400440532013000"
    assert seller.json()["seller"]["address"]["country"] == "DE"
    assert buyer.status_code == 200, buyer.text
    assert buyer.json()["defaults"]["name"] == invoice["client"]["name"]
    assert api("GET", f"/einvoice/clients/{client_id}").json()["buyer"] == buyer.json()["buyer"]
    for profile in PROFILES:
        check = api("GET", f"/invoices/{number}/einvoice/check?profile={profile}")
        assert check.json() == {
            "number": number,
            "profile": profile,
            "ready": True,
            "problems": [],
        }, check.json()
        answer = api("GET", f"/invoices/{number}/einvoice?profile={profile}")
        assert answer.status_code == 200, answer.text
        if profile == "factur-x":
            assert answer.headers["Content-Type"] == "application/pdf"
            pdf = PdfReader(io.BytesIO(answer.content))
            xml = pdf.attachments["factur-x.xml"][0]
        else:
            assert answer.headers["Content-Type"].startswith("application/xml")
            xml = answer.content
        suffix = {"factur-x": "facturx.pdf", "peppol": "peppol.xml"}.get(profile, f"{profile}.xml")
        assert answer.headers["Content-Disposition"].endswith(f'.{suffix}"')
        syntax = Syntax.UBL if profile in ("peppol", "xrechnung-ubl") else Syntax.CII
        verdict = rules.check(xml, syntax)
        assert verdict.fatal == (), (profile, verdict.fatal)
        assert verdict.fired > 0
        assert number.encode() in xml


def test_unknown_invoice_client_and_profile_are_refused(stack: Stack) -> None:
    api = stack.session_for()

    assert api("GET", "/invoices/NOPE-1/einvoice/check?profile=peppol").status_code == 404
    assert api("GET", "/invoices/NOPE-1/einvoice?profile=peppol").status_code == 404
    assert api("GET", "/einvoice/clients/nosuchclient").status_code == 404
    assert api("PUT", "/einvoice/clients/nosuchclient", BUYER).status_code == 404
    assert api("GET", "/invoices/NOPE-1/einvoice?profile=pdf").status_code == 400
