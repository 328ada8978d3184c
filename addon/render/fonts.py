"""Fonts for PDFs: Debian's DejaVu Sans, a CJK fallback, and per-string font runs.

ReportLab draws each string in one font, and no single free font covers Latin, Cyrillic, Greek,
Hebrew, Arabic and CJK. So text is cut into runs: characters the main font (DejaVu Sans) has stay
in it, and a character it lacks goes to the first fallback that has it (WenQuanYi Micro Hei for
CJK, loaded from its .ttc with `subfontIndex`). ReportLab embeds a subset of each font it uses.

Fonts are looked up in the module constants below (Debian paths first), never through the
environment, and registered once per process. A missing file degrades, it does not fail:
- no DejaVu Sans: the PDF uses Helvetica, which covers only Windows-1252 (Latin-1 plus a few
  signs), so Cyrillic, Hebrew, Arabic and Greek letters become empty boxes;
- no CJK font: CJK characters stay in the main font and print as empty boxes.
`fonts().missing` names what was not found, so the caller can log it. Characters no font has
(most emoji) stay in the main font: they print blank, and PDF text extraction may drop them.

Right-to-left text is reordered minimally, not by the full Unicode bidi algorithm: each run of
Hebrew or Arabic words is reversed in place into visual order, which is what viewers and text
extractors expect; digits and Latin words inside it keep their place, and Arabic letters are not
shaped (joined). Full support needs ReportLab's optional `rlbidi` and `uharfbuzz` packages, which
this service does not install.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]  # ReportLab has no hints
from reportlab.pdfbase.ttfonts import TTFError, TTFont  # type: ignore[import-untyped]

__all__ = [
    "CJK_FONTS",
    "SANS_BOLD_FONTS",
    "SANS_FONTS",
    "FontSet",
    "fit_text",
    "font_runs",
    "fonts",
    "markup",
    "one_line",
    "text_width",
    "visual_order",
]

SANS_FONTS: Final = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",  # Debian/Ubuntu fonts-dejavu-core
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",  # Fedora, Alpine
    "/usr/share/fonts/TTF/DejaVuSans.ttf",  # Arch
)
"""Main font, first file found wins: Latin, Greek, Cyrillic, Hebrew and Arabic letters."""

SANS_BOLD_FONTS: Final = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
)

CJK_FONTS: Final = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),  # Debian fonts-wqy-microhei
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),  # Debian fonts-wqy-zenhei
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),  # fonts-droid-fallback
)
"""CJK fallbacks as (file, index in a .ttc). Only TrueType outlines: ReportLab cannot embed CFF
(OpenType/PostScript) fonts, which rules out Noto Sans CJK."""

_REGULAR, _BOLD, _CJK = "ReportSans", "ReportSans-Bold", "ReportCJK"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"\s+")
_RTL = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff"  # Hebrew, Arabic, Syriac, Thaana, forms
_RTL_WORDS = re.compile(f"[{_RTL}](?:[{_RTL}\\s]*[{_RTL}])?")


@dataclass(frozen=True, slots=True)
class FontSet:
    """The registered font names: `regular`, `bold`, and `fallbacks` tried for other glyphs."""

    regular: str
    bold: str
    fallbacks: tuple[str, ...]
    missing: tuple[str, ...]


_lock = threading.Lock()
_loaded: FontSet | None = None


def _first(candidates: tuple[tuple[str, int], ...], name: str) -> bool:
    for path, index in candidates:
        if not Path(path).is_file():
            continue
        try:
            pdfmetrics.registerFont(TTFont(name, path, subfontIndex=index))
        except (TTFError, OSError):  # a damaged or CFF file: try the next one
            continue
        return True
    return False


def _load() -> FontSet:
    missing: list[str] = []
    regular, bold = _REGULAR, _BOLD
    if not _first(tuple((path, 0) for path in SANS_FONTS), _REGULAR):
        missing.append("DejaVu Sans")
        regular = "Helvetica"
    if not _first(tuple((path, 0) for path in SANS_BOLD_FONTS), _BOLD):
        missing.append("DejaVu Sans Bold")
        bold = regular if regular != "Helvetica" else "Helvetica-Bold"
    fallbacks: tuple[str, ...] = (_CJK,)
    if not _first(CJK_FONTS, _CJK):
        missing.append("a CJK font (WenQuanYi Micro Hei)")
        fallbacks = ()
    return FontSet(regular, bold, fallbacks, tuple(missing))


def fonts() -> FontSet:
    """Register the fonts on first use (thread-safe, once per process) and name them."""
    global _loaded
    with _lock:
        if _loaded is None:
            _loaded = _load()
        return _loaded


@lru_cache(maxsize=16)
def _covers(name: str) -> Callable[[str], bool]:
    font = pdfmetrics.getFont(name)
    face = getattr(font, "face", None)
    if face is not None:
        glyphs = face.charToGlyph
        return lambda char: ord(char) in glyphs

    def winansi(char: str) -> bool:  # the standard PDF fonts
        try:
            char.encode("cp1252")
        except UnicodeEncodeError:
            return False
        return True

    return winansi


def visual_order(text: str) -> str:
    """`text` in drawing order: each run of right-to-left words reversed (see the module doc)."""
    if text.isascii():
        return text
    return _RTL_WORDS.sub(lambda match: match.group()[::-1], text)


@lru_cache(maxsize=32768)
def font_runs(text: str, bold: bool = False) -> tuple[tuple[str, str], ...]:
    """`text` in drawing order, cut into (font name, chunk) runs each drawable by its font.

    Cached: report names repeat on every page, so a 100,000-row report computes few of them.
    """
    found = fonts()
    main = found.bold if bold else found.regular
    if text.isascii():
        return ((main, text),)
    text = visual_order(text)
    checks = [(main, _covers(main))] + [(name, _covers(name)) for name in found.fallbacks]
    runs: list[tuple[str, str]] = []
    for char in text:
        name = next((name for name, has in checks if has(char)), main)
        if runs and runs[-1][0] == name:
            runs[-1] = (name, runs[-1][1] + char)
        else:
            runs.append((name, char))
    return tuple(runs)


def one_line(text: str) -> str:
    """User text fit for one line: control characters dropped, runs of whitespace one space."""
    return _SPACES.sub(" ", _CONTROL.sub("", text)).strip()


def markup(text: str, *, bold: bool = False) -> str:
    """`text` as ReportLab Paragraph markup: escaped, fallback runs in `<font>`, lines `<br/>`.

    Escaping `&`, `<` and `>` makes a name such as `<font color=red>` print literally.
    """
    main = fonts().bold if bold else fonts().regular
    lines = []
    for line in _CONTROL.sub("", text).splitlines() or [""]:
        parts = []
        for name, chunk in font_runs(line, bold):
            chunk = escape(chunk)
            parts.append(chunk if name == main else f'<font name="{name}">{chunk}</font>')
        lines.append("".join(parts))
    return "<br/>".join(lines)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in points of `text` drawn in runs at `size`."""
    return float(
        sum(pdfmetrics.stringWidth(chunk, name, size) for name, chunk in font_runs(text, bold))
    )


@lru_cache(maxsize=65536)
def fit_text(text: str, width: float, size: float, bold: bool = False) -> str:
    """`text` on one line, cut with "…" so it is at most `width` points wide at `size`."""
    text = one_line(text)
    if text_width(text, size, bold) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        middle = (low + high + 1) // 2
        if text_width(text[:middle] + "\u2026", size, bold) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "\u2026"
