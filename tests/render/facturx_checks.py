"""Independent readers of a Factur-X PDF for the tests: structure, XMP, fonts, and PDFBox Preflight.

Nothing here uses `addon.render.pdfa`: the checks read the bytes back with pikepdf and pypdf, and
Preflight (Apache PDFBox, Debian's `libpdfbox2-java`) is a validator written by other people.
Preflight validates PDF/A-1b only; its other rules (fonts, colour, XMP and its extension schemas,
Info/XMP agreement, syntax) hold for PDF/A-3b too, so a file passes here when Preflight's only
objections are what PDF/A-3 permits and PDF/A-1 forbids (see `PDFA1_ONLY`).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from io import BytesIO
from pathlib import Path
from typing import Final

import pikepdf
from pikepdf.pdfa import validate_written

from tests.conftest import require_or_skip

FX: Final = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"
JARS: Final = tuple(
    Path("/usr/share/java") / name
    for name in (
        "preflight.jar",  # libpdfbox2-java
        "pdfbox2.jar",
        "xmpbox.jar",
        "fontbox2.jar",  # libfontbox2-java
        "commons-logging.jar",  # libcommons-logging-java
        "javax.activation.jar",  # libactivation-java: Preflight needs it on Java 11+
        "jaxb-api.jar",  # libjaxb-api-java: likewise
    )
)
PREFLIGHT: Final = "org.apache.pdfbox.preflight.Validator_A1b"
PDFA1_ONLY: Final = (
    ("1.2.9", "EmbeddedFile"),  # PDF/A-1 forbids embedded files; PDF/A-3 is for them
    ("1.4.7", "EmbeddedFile"),
    ("1.4", "/XRef cross reference streams"),  # PDF 1.5+ syntax, allowed since PDF/A-2
    ("7.11.2", "part must be 1"),  # we declare part 3
)


def fonts(pdf: bytes) -> list[tuple[str, bool]]:
    """(BaseFont, has an embedded program) for every font of every page, CIDFonts unwrapped."""
    found = []
    with pikepdf.open(BytesIO(pdf)) as document:
        for page in document.pages:
            resources = page.obj.get("/Resources", pikepdf.Dictionary())
            for font in resources.get("/Font", pikepdf.Dictionary()).values():
                for part in font.get("/DescendantFonts", [font]):
                    descriptor = part.get("/FontDescriptor")
                    embedded = descriptor is not None and any(
                        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
                    )
                    found.append((str(part.get("/BaseFont")), embedded))
    return found


EXTENSION_XMP: Final = re.compile(
    r"XMP (namespace|property) (pdfaExtension|pdfaSchema|pdfaProperty|fx)[:=]"
)


def pikepdf_objections(pdf: bytes) -> list[str]:
    """pikepdf's PDF/A-3b findings less the Factur-X extension schema, which it cannot read.

    Its allowlist does not know PDF/A extension schemas and so calls their namespaces and the
    properties they declare not permitted; PDF/A-3 permits both (Preflight checks them).
    """
    report = validate_written(BytesIO(pdf), "3b")
    return [str(f) for f in report.findings if not EXTENSION_XMP.search(f.message)]


def xmp(pdf: bytes) -> dict[str, str]:
    """The XMP properties we check, by prefix:name (fx: for the Factur-X namespace)."""
    with pikepdf.open(BytesIO(pdf)) as document, document.open_metadata() as meta:
        names = ("pdfaid:part", "pdfaid:conformance", "dc:title", "xmp:CreateDate")
        found = {name: str(meta.get(name, "")) for name in names}
        for name in ("DocumentType", "DocumentFileName", "Version", "ConformanceLevel"):
            found[f"fx:{name}"] = str(meta.get(f"{{{FX}}}{name}", ""))
        return found


def preflight_objections(pdf: bytes, tmp_path: Path) -> list[str]:
    """Preflight's errors on `pdf`, less those PDF/A-3 permits; skips without Java or the jars."""
    java = shutil.which("java")
    missing = [str(jar) for jar in JARS if not jar.is_file()]
    if java is None or missing:
        require_or_skip(
            "PDFBox Preflight needs java (default-jre-headless) and Debian's libpdfbox2-java, "
            f"libactivation-java and libjaxb-api-java; missing: {missing or 'java'}"
        )
    path = tmp_path / "facturx.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(  # noqa: S603  # fixed arguments, our own file
        [java or "java", "-cp", ":".join(map(str, JARS)), PREFLIGHT, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = [line.strip() for line in done.stdout.splitlines() if " : " in line]
    assert lines or "is a valid PDF/A-1b" in done.stdout, done.stdout + done.stderr
    return [
        line
        for line in lines
        if not any(line.startswith(f"{code} :") and text in line for code, text in PDFA1_ONLY)
    ]
