"""The Factur-X PDF: PDF/A-3b, the CII XML inside byte for byte, the same figures as the page."""

from __future__ import annotations

import re
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import facturx
import pikepdf
import pytest
from lxml import etree
from pypdf import PdfReader

from addon.einvoice import Profile, VatCategory, VatTreatment, write_einvoice
from addon.render.facturx import FacturXRefused, attach_facturx, check_facturx_xml, facturx_pdf
from addon.render.i18n import Formatter
from addon.render.pdf import render_invoice_pdf
from addon.reports.model import Invoice
from addon.reports.snapshot import invoice_from_json, invoice_to_json
from addon.reports.terms import LineGrouping
from tests.conftest import require_or_skip
from tests.render.facturx_checks import (
    fonts,
    pikepdf_objections,
    preflight_objections,
    xmp,
)
from tests.unit.einvoice.builders import ISSUED, VAT19, entry, make_details, make_invoice

EXAMPLE = Path(__file__).resolve().parents[2].parent / "shared/einvoice/en16931/examples"
NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}
FMT = Formatter("de_DE")


def issued(lines: int = 60, number: str = "RE-2024-0042") -> tuple[Invoice, bytes]:
    """An issued invoice of `lines` entry lines and its Factur-X (EN 16931) XML."""
    entries = [entry(900 + 37 * i, "120.00") for i in range(lines)]
    invoice = make_invoice(entries, taxes=(VAT19,), grouping=LineGrouping.ENTRY)
    if number != invoice.number:
        invoice = invoice_from_json({**invoice_to_json(invoice), "number": number})
    details = make_details(VatTreatment(VatCategory.STANDARD))
    return invoice, write_einvoice(invoice, details, Profile.FACTURX)


@pytest.fixture(scope="module")
def made() -> tuple[Invoice, bytes, bytes]:
    invoice, xml = issued()
    return invoice, xml, facturx_pdf(invoice, FMT, xml)


def official_example() -> bytes:
    path = EXAMPLE / "CII_example1.xml"
    if not path.is_file():
        require_or_skip(f"the official CII example is missing: {path}")
    return path.read_bytes()


def test_pdf_carries_the_xml_byte_for_byte_as_factur_x_xml(
    made: tuple[Invoice, bytes, bytes],
) -> None:
    _, xml, pdf = made

    attached = PdfReader(BytesIO(pdf)).attachments
    name, extracted = facturx.get_xml_from_pdf(pdf, check_xsd=True)

    assert attached == {"factur-x.xml": [xml]}
    assert (name, extracted) == ("factur-x.xml", xml)


def test_xml_is_an_associated_text_xml_file_with_relationship_data(
    made: tuple[Invoice, bytes, bytes],
) -> None:
    with pikepdf.open(BytesIO(made[2])) as document:
        (spec,) = document.Root.AF
        stream = spec.EF.F

        assert spec.AFRelationship == pikepdf.Name.Data
        assert str(spec.UF) == "factur-x.xml"
        assert stream.Subtype == pikepdf.Name("/text/xml")
        assert document.Root.Names.EmbeddedFiles.Names[1].objgen == spec.objgen


def test_xmp_declares_pdfa_3b_and_the_factur_x_en16931_profile(
    made: tuple[Invoice, bytes, bytes],
) -> None:
    found = xmp(made[2])

    assert found["pdfaid:part"] == "3"
    assert found["pdfaid:conformance"] == "B"
    assert found["fx:DocumentType"] == "INVOICE"
    assert found["fx:DocumentFileName"] == "factur-x.xml"
    assert found["fx:Version"] == "1.0"
    assert found["fx:ConformanceLevel"] == "EN 16931"
    assert found["xmp:CreateDate"].startswith(ISSUED.isoformat())


def test_every_font_is_an_embedded_program_and_none_is_a_standard_font(
    made: tuple[Invoice, bytes, bytes],
) -> None:
    used = fonts(made[2])

    assert used
    assert [name for name, embedded in used if not embedded] == []


def test_output_intent_is_srgb_with_an_icc_profile_and_nothing_is_encrypted(
    made: tuple[Invoice, bytes, bytes],
) -> None:
    with pikepdf.open(BytesIO(made[2])) as document:
        (intent,) = document.Root.OutputIntents
        profile = intent.DestOutputProfile.read_bytes()

        assert intent.S == pikepdf.Name.GTS_PDFA1
        assert profile[36:40] == b"acsp" and profile[16:20] == b"RGB "
        assert not document.is_encrypted
        assert "/Encrypt" not in document.trailer
        assert len(document.trailer.ID) == 2


def test_pikepdf_validator_objects_only_to_the_factur_x_extension_schema(
    made: tuple[Invoice, bytes, bytes],
) -> None:
    assert pikepdf_objections(made[2]) == []


def test_pdfbox_preflight_objects_only_to_what_pdfa3_permits(
    made: tuple[Invoice, bytes, bytes], tmp_path: Path
) -> None:
    assert preflight_objections(made[2], tmp_path) == []


def test_grand_total_is_the_same_in_the_xml_the_page_text_and_the_snapshot(
    made: tuple[Invoice, bytes, bytes],
) -> None:
    invoice, _, pdf = made
    _, extracted = facturx.get_xml_from_pdf(pdf, check_xsd=False)
    root = etree.fromstring(extracted)
    total = root.findtext(".//ram:GrandTotalAmount", namespaces=NS)
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    snapshot = invoice_from_json(invoice_to_json(invoice))

    assert Decimal(total) == snapshot.total.to_major() == invoice.total.to_major()
    assert FMT.money(snapshot.total).replace("\xa0", " ") in text.replace("\xa0", " ")
    assert root.findtext(".//rsm:ExchangedDocument/ram:ID", namespaces=NS) == invoice.number


def test_same_invoice_gives_the_same_bytes(made: tuple[Invoice, bytes, bytes]) -> None:
    invoice, xml, pdf = made

    assert facturx_pdf(invoice, FMT, xml) == pdf


def test_official_cii_example_passes_factur_x_xsd_and_is_attached(tmp_path: Path) -> None:
    example = official_example()
    invoice, _ = issued(lines=2)

    pdf = attach_facturx(render_invoice_pdf(invoice, FMT), example, dated=ISSUED)

    assert check_facturx_xml(example) == "en16931"
    assert facturx.get_xml_from_pdf(pdf, check_xsd=True) == ("factur-x.xml", example)
    assert xmp(pdf)["fx:ConformanceLevel"] == "EN 16931"
    assert preflight_objections(pdf, tmp_path) == []


def test_xml_of_another_invoice_is_refused_naming_both() -> None:
    invoice, _ = issued(lines=2)
    _, other = issued(lines=2, number="RE-2024-0043")

    with pytest.raises(
        FacturXRefused, match=r"states invoice RE-2024-0043 .* not invoice RE-2024-0042"
    ):
        facturx_pdf(invoice, FMT, other)


@pytest.mark.parametrize(
    ("xml", "reason"),
    [
        (b"%PDF-1.4 not xml", "does not parse"),
        (b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>", "must be a CII"),
        (
            b"<Invoice xmlns='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'/>",
            "must be a CII",
        ),
    ],
    ids=["not-xml", "entity", "ubl"],
)
def test_xml_that_is_not_cii_is_refused_with_the_reason(xml: bytes, reason: str) -> None:
    invoice, _ = issued(lines=2)

    with pytest.raises(FacturXRefused, match=reason):
        facturx_pdf(invoice, FMT, xml)


def test_cii_that_breaks_the_factur_x_xsd_is_refused() -> None:
    invoice, xml = issued(lines=2)
    broken = re.sub(rb"<ram:LineID>", b"<ram:Unknown/><ram:LineID>", xml, count=1)

    with pytest.raises(FacturXRefused, match=r"XSD|Schema|Unknown"):
        facturx_pdf(invoice, FMT, broken)
