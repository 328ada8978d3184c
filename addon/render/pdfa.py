"""Our ReportLab PDF made PDF/A-3b, with one associated file: pikepdf's PDF/A module does it.

Why this path (measured on a 1,000-line invoice, 27 pages, see `bench/render.py` and the
commit that added this module): ReportLab draws the invoice in about 0.5 s; turning those bytes
into PDF/A-3b here adds about 0.1 s and 3 KB. WeasyPrint's `pdf/a-3b` from our invoice HTML
took 13.6 s (27x) and neither validator here could approve it (pikepdf's does not check its
patterns; PDFBox Preflight objects to CIDSet-less fonts); fpdf2 would be a third layout of the
invoice to keep, drew the bare table in 2.4 s and was not approved either. ReportLab's
open-source package writes no PDF/A itself, but what it writes is close: every font is an
embedded TrueType subset (symbolic, one cmap, no /Encoding, as PDF/A-2/3 rule 6.2.11.6 wants)
once `pdflayout` stops naming the standard Helvetica, colours are DeviceRGB, nothing is
transparent or encrypted.

What `pdfa3` does, in one pikepdf pass:
- drops ReportLab's empty `/Trans` page dictionaries (no transition; unknown to the validator);
- embeds the file with its MIME type and `/AFRelationship`, and lists it in the catalog's `/AF`;
- `pikepdf.pdfa.prepare`: the sRGB OutputIntent (the ICC profile pikepdf ships), XMP rewritten
  to what PDF/A permits with `pdfaid:part=3`, `conformance=B`, and Info synchronised with it;
- dates the document (Info, XMP and the attachment) at `dated`, never the clock, so the same
  invoice gives the same bytes, and saves with a deterministic `/ID`;
- `pikepdf.pdfa.check`: pikepdf's allowlist validator, built from veraPDF's PDF/A-3b rules,
  must approve the file as it will be written, else `PdfaRefused` names its findings;
- only then appends `extra_xmp` (the caller's XMP descriptions, such as Factur-X's extension
  schema): pikepdf's validator treats every PDF/A extension schema as not permitted, which
  PDF/A-3 allows, so it is checked without them. The tests check the extension schema with
  PDFBox Preflight instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from io import BytesIO
from typing import Final

import pikepdf
from lxml import etree
from pikepdf.pdfa import check, prepare, resolve_save_kwargs

from addon.reports.errors import ReportError

__all__ = ["Attachment", "PdfaRefused", "pdfa3"]

RDF: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XMP: Final = "http://ns.adobe.com/xap/1.0/"
_SHOWN: Final = 5  # findings quoted in a refusal; the rest are counted


class PdfaRefused(ReportError):
    """Raise when the PDF cannot be made PDF/A-3b (a font that is not embedded, for one)."""

    code = "pdfa_refused"


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file to embed as a PDF/A-3 associated file; `relationship` is a PDF name without `/`."""

    name: str
    data: bytes
    mime_type: str
    description: str
    relationship: str = "Data"


def _pdf_date(day: date) -> str:
    return f"D:{day:%Y%m%d}000000+00'00'"


def _attach(pdf: pikepdf.Pdf, attachment: Attachment, stamp: str) -> None:
    spec = pikepdf.AttachedFileSpec(
        pdf,
        attachment.data,
        description=attachment.description,
        filename=attachment.name,
        mime_type=attachment.mime_type,
        creation_date=stamp,
        mod_date=stamp,
        relationship=pikepdf.Name("/" + attachment.relationship),
    )
    pdf.attachments[attachment.name] = spec
    pdf.Root.AF = pdf.make_indirect(pikepdf.Array([spec.obj]))


def _metadata(pdf: pikepdf.Pdf, extra_xmp: tuple[bytes, ...], moment: str) -> bytes:
    """The XMP packet `prepare` wrote, dated at `moment`, with `extra_xmp` descriptions added."""
    packet = etree.fromstring(pdf.Root.Metadata.read_bytes(), _PARSER)
    for element in packet.iter(f"{{{_XMP}}}MetadataDate"):
        element.text = moment  # prepare stamps its own clock here
    descriptions = packet.find(f"{{{RDF}}}RDF")
    if descriptions is None:
        raise PdfaRefused("pikepdf wrote an XMP packet without rdf:RDF.")
    for raw in extra_xmp:
        descriptions.append(etree.fromstring(raw, _PARSER))
    body = etree.tostring(packet, encoding="utf-8")
    return b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>\n%s\n' % body + (
        b'<?xpacket end="w"?>'
    )


_PARSER: Final = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)


def pdfa3(
    pdf: bytes, attachment: Attachment, *, dated: date, extra_xmp: tuple[bytes, ...] = ()
) -> bytes:
    """`pdf` as PDF/A-3b carrying `attachment`, dated `dated` (00:00 UTC); see the module doc.

    `extra_xmp` holds serialized `rdf:Description` elements (with `rdf:about=""`) to add to the
    XMP packet. Raises `PdfaRefused` with pikepdf's findings when the result would not conform.
    """
    stamp = _pdf_date(dated)
    moment = datetime(dated.year, dated.month, dated.day, tzinfo=UTC).isoformat()
    with pikepdf.open(BytesIO(pdf)) as document:
        for page in document.pages:
            transition = page.obj.get("/Trans")
            if isinstance(transition, pikepdf.Dictionary) and not transition.keys():
                del page.obj["/Trans"]
        _attach(document, attachment, stamp)
        document.docinfo["/CreationDate"] = stamp
        document.docinfo["/ModDate"] = stamp
        prepare(document, "3b")
        settings = resolve_save_kwargs("3b", deterministic_id=True, min_version="1.7")
        report = check(document, "3b", **settings)
        if not report.passed:
            findings = [str(finding) for finding in report.findings]
            more = f" (and {len(findings) - _SHOWN} more)" if len(findings) > _SHOWN else ""
            raise PdfaRefused(
                f"The PDF cannot be made PDF/A-3b: {'; '.join(findings[:_SHOWN])}{more}."
            )
        document.Root.Metadata = document.make_stream(
            _metadata(document, extra_xmp, moment),
            Type=pikepdf.Name.Metadata,
            Subtype=pikepdf.Name.XML,
        )
        out = BytesIO()
        document.save(out, **settings)
    return out.getvalue()
