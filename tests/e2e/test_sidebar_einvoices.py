"""The e-invoice forms and downloads of the Invoices tab, in Chromium against the sandbox: a bad
value is shown next to its field, the checklist names what is missing until the forms are
filled, and the Factur-X download carries its XML."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tests.e2e.conftest import LiveStack
from tests.e2e.report_api import period
from tests.e2e.sidebar_page import WAIT, Sidebar, open_sidebar

pytestmark = pytest.mark.browser

_ISSUE = """async ([start, end]) => {
  const api = window.reportsAddon;
  let job = await api.call("POST", "/reports", {kind: "invoice", start, end, zone: "UTC",
    groups: [], invoice: {tax_percent: "19"}});
  while (job.state === "queued" || job.state === "running") {
    await new Promise((resolve) => setTimeout(resolve, 100));
    job = await api.call("GET", `/jobs/${job.id}`);
  }
  const draft = job.result.invoices[0];
  const issued = await api.call("POST", "/invoices",
    {job: job.id, invoice: draft.key, mark_invoiced: false});
  return [issued.number, issued.client.name];
}"""


def _field(form: Any, label: str) -> Any:
    return form.get_by_label(label, exact=True)


def _fill_seller(sidebar: Sidebar, country: str) -> None:
    form = sidebar.frame.locator("#seller-form")
    values = {
        "Legal name": "Müller Software GmbH",
        "Street": "Hauptstraße 1",
        "City": "Berlin",
        "Post code": "10115",
        "Country (ISO code, e.g. DE)": country,
        "VAT ID": "DE123456789",
        "IBAN": "DE89 3704 0044 0532 0130 00",
    }
    for label, value in values.items():
        _field(form, label).fill(value)
    _field(form, "Tax 1").select_option("S")
    _field(form, "Lines without tax").select_option("Z")
    form.get_by_role("button", name="Save details").click()


def test_the_seller_form_checklist_and_factur_x_download(
    live: LiveStack, browser: Any, tmp_path: Path
) -> None:
    addon_id = live.install()
    sidebar = open_sidebar(browser, live, addon_id)
    frame = sidebar.frame
    sidebar.tab("Invoices")
    seller = frame.locator("#seller-form")

    _fill_seller(sidebar, "XX")
    error = seller.locator('[data-field="seller.address.country"] .field-error')
    error.wait_for(timeout=WAIT)
    assert "not an ISO 3166-1 country code" in error.inner_text()
    _fill_seller(sidebar, "de")
    seller.locator("#seller-status", has_text="Saved.").wait_for(timeout=WAIT)
    assert _field(seller, "Country (ISO code, e.g. DE)").input_value() == "DE"

    inner = next(f for f in sidebar.page.frames if f.url.startswith(live.addon.url))
    number, client = inner.evaluate(_ISSUE, list(period(60)))
    frame.locator("#invoices-reload").click()
    row = frame.locator("#invoices tr", has_text=number)
    row.get_by_role("button", name=f"E-invoice of {number}").click()
    card = frame.locator("#einvoice-card")
    problem = card.locator('li[data-field="buyer.address.country"]')
    problem.wait_for(timeout=WAIT)
    assert "Client billing details" in problem.inner_text()

    buyer = frame.locator("#buyer-form")
    _field(buyer, "Client").select_option(label=client)
    _field(buyer, "Country (ISO code, e.g. DE)").fill("FR")
    buyer.get_by_role("button", name="Save details").click()
    buyer.locator("#buyer-status", has_text="Saved.").wait_for(timeout=WAIT)
    card.locator("#einvoice-status", has_text="Ready").wait_for(timeout=WAIT)

    with sidebar.page.expect_download(timeout=WAIT) as info:
        card.get_by_role("button", name="Factur-X PDF").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name.endswith(".facturx.pdf")
    xml = PdfReader(io.BytesIO(path.read_bytes())).attachments["factur-x.xml"][0]
    assert number.encode() in xml and b"DE89370400440532013000" in xml
