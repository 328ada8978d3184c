"""The demo's e-invoice check: through the sidebar's API, as the page does, with public test data.

Nothing here is stored by `make demo` itself: a person fills the seller and client forms in the
Invoices tab. `--check` fills them with the values below (a fictitious company; the IBAN is the
well-known test IBAN of the German banking industry, not an account), and then asks for every
e-invoice of the invoice it issued. Before the forms are filled the checklist must name the
missing fields, and a download must be refused with every problem.
"""

from __future__ import annotations

from typing import Any, Final

import requests

__all__ = ["PROFILES", "SAMPLE_BUYER", "SAMPLE_SELLER", "check_einvoices"]

PROFILES: Final = ("factur-x", "xrechnung-cii", "xrechnung-ubl", "peppol")
SAMPLE_SELLER: Final[dict[str, Any]] = {
    "legal_name": "Northwind Studio GmbH",
    "address": {"street": "Hafenstraße 1", "city": "Hamburg", "postcode": "20457", "country": "DE"},
    "tax_number": "22/815/08154",
    "registration_id": "HRB 000000 (sample)",
    "contact_name": "Ann Example",
    "contact_phone": "+49 40 000000",
    "contact_email": "billing@northwind.example",
    "iban": "DE89 3704 0044 0532 0130 00",
    "untaxed": {
        "category": "E",
        "exemption_reason": "Kein Ausweis von Umsatzsteuer, da Kleinunternehmer gemäß § 19 UStG",
    },
}
SAMPLE_BUYER: Final[dict[str, Any]] = {
    "address": {"street": "Weg 2", "city": "München", "postcode": "80331", "country": "DE"},
    "buyer_reference": "04011000-12345-67",
    "email": "ap@client.example",
}


def check_einvoices(api: requests.Session, addon_url: str, invoice: dict[str, Any]) -> None:
    """Refused with every problem before the forms are filled, then every format downloads."""
    base = f"{addon_url}/api/invoices/{invoice['number']}/einvoice"
    before = api.get(f"{base}/check", params={"profile": "xrechnung-cii"}, timeout=30).json()
    refused = api.get(base, params={"profile": "xrechnung-cii"}, timeout=30)
    if before.get("ready") is not False or refused.status_code != 422:
        raise RuntimeError(f"an e-invoice without details was not refused: {refused.text[:300]}")
    if {p["field"] for p in refused.json()["problems"]} != {p["field"] for p in before["problems"]}:
        raise RuntimeError("the refusal does not name what the checklist names")
    saved = [
        api.put(f"{addon_url}/api/einvoice/seller", json=SAMPLE_SELLER, timeout=30),
        api.put(
            f"{addon_url}/api/einvoice/clients/{invoice['client']['id']}",
            json=SAMPLE_BUYER,
            timeout=30,
        ),
    ]
    for answer in saved:
        if answer.status_code != 200:
            raise RuntimeError(f"the sample e-invoice details were refused: {answer.text[:300]}")
    for profile in PROFILES:
        file = api.get(base, params={"profile": profile}, timeout=60)
        start = b"%PDF" if profile == "factur-x" else b"<?xml"
        if file.status_code != 200 or not file.content.startswith(start):
            raise RuntimeError(f"the {profile} e-invoice did not download: {file.text[:300]}")
