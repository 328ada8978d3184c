"""The official EN 16931 validation rules (Schematron compiled to XSLT), run with saxonche.

The stylesheets live outside the repository in `../shared/einvoice/en16931` (see its README);
without them these tests skip with the reason, and with `CI=true` they fail instead. Each
stylesheet is compiled once per session (about half a second each); one check then takes
milliseconds, which is what lets a hypothesis property validate hundreds of files.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pytest
from saxonche import PySaxonProcessor, PyXsltExecutable

from addon.einvoice import Syntax
from tests.conftest import require_or_skip

ROOT = Path(__file__).resolve().parents[3]
RULES_DIR = Path(os.environ.get("EN16931_RULES", ROOT.parent / "shared/einvoice/en16931"))
STYLESHEETS = {
    Syntax.CII: RULES_DIR / "cii/xslt/EN16931-CII-validation.xslt",
    Syntax.UBL: RULES_DIR / "ubl/xslt/EN16931-UBL-validation.xslt",
}
SVRL = "{http://purl.oclc.org/dsdl/svrl}"


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the rules said: fatal failed asserts as (rule id, text), and how many rules fired."""

    fatal: tuple[tuple[str, str], ...]
    warnings: tuple[tuple[str, str], ...]
    fired: int

    @property
    def fatal_ids(self) -> set[str]:
        return {rule for rule, _ in self.fatal}


class Rules:
    """The compiled EN 16931 stylesheets for CII and UBL."""

    def __init__(self, processor: PySaxonProcessor) -> None:
        compiler = processor.new_xslt30_processor()
        self._processor = processor
        self._compiled: dict[Syntax, PyXsltExecutable] = {
            syntax: compiler.compile_stylesheet(stylesheet_file=str(path))
            for syntax, path in STYLESHEETS.items()
        }

    def check(self, xml: bytes, syntax: Syntax) -> Verdict:
        node = self._processor.parse_xml(xml_text=xml.decode("utf-8"))
        svrl = self._compiled[syntax].transform_to_string(xdm_node=node)
        report = ElementTree.fromstring(svrl)  # noqa: S314  # the rules' own report, not input
        fatal, warnings = [], []
        for failed in report.iter(f"{SVRL}failed-assert"):
            entry = (failed.get("id", "?"), failed.findtext(f"{SVRL}text", "").strip())
            (fatal if failed.get("flag") == "fatal" else warnings).append(entry)
        fired = sum(1 for _ in report.iter(f"{SVRL}fired-rule"))
        return Verdict(tuple(fatal), tuple(warnings), fired)


@pytest.fixture(scope="session")
def rules() -> Iterator[Rules]:
    missing = [str(path) for path in STYLESHEETS.values() if not path.is_file()]
    if missing:
        require_or_skip(
            f"the official EN 16931 validation XSLT is not there ({', '.join(missing)}); "
            "put ConnectingEurope/eInvoicing-EN16931's release in ../shared/einvoice/en16931"
        )
    with PySaxonProcessor(license=False) as processor:
        yield Rules(processor)
