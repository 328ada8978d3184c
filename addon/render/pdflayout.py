"""PDF page machinery: page sizes, the logo, the header and "Page x of y", streamed tables.

`build_pdf` lays a story out on pages that all carry the document title (and the workspace
logo, sniffed and decoded by `logo_image`) in their header and "Page x of y" in their footer,
counted with the standard two-pass canvas. `RowStream` lays a one-shot stream of table rows out
a page at a time, and `Later` makes a flowable only when layout reaches it (a final count).
Output is byte-for-byte reproducible (`invariant`): no clock is read, no random id is drawn.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from io import BytesIO
from typing import Any, Final, Literal

from PIL import Image
from reportlab.lib import colors  # type: ignore[import-untyped]  # ReportLab has no hints
from reportlab.lib.pagesizes import A4, LETTER, landscape  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.lib.utils import ImageReader  # type: ignore[import-untyped]
from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    BaseDocTemplate,
    Flowable,
    Frame,
    LongTable,
    PageTemplate,
)

from addon.render.fonts import fit_text, font_runs, fonts, text_width
from addon.render.i18n import Formatter
from addon.reports.errors import ReportError

__all__ = [
    "AUTHOR",
    "LOGO_MAX_BYTES",
    "LOGO_MAX_PIXELS",
    "SIDE",
    "Later",
    "Page",
    "PageSize",
    "RowStream",
    "UnsupportedLogo",
    "UnsupportedPageSize",
    "build_pdf",
    "draw_runs",
    "logo_image",
    "media_size",
]

PageSize = Literal["A4", "LETTER"]
LOGO_MAX_BYTES: Final = 2 * 1024 * 1024
LOGO_MAX_PIXELS: Final = 4096 * 4096
AUTHOR: Final = "Reports & Invoices for Clockify"
SIDE: Final = 15 * mm
"""Left and right margin; the body is the page width minus twice this."""

_SIZES: Final = {"A4": A4, "LETTER": LETTER}
_TOP, _BOTTOM = 24 * mm, 18 * mm
_LOGO_BOX = (45 * mm, 12 * mm)
_MUTED = colors.HexColor("#5b6470")
_RULE = colors.HexColor("#9aa3ad")


class UnsupportedLogo(ReportError):
    """Raise when a workspace logo is not a readable PNG or JPEG of sensible size."""

    code = "unsupported_logo"


class UnsupportedPageSize(ReportError):
    """Raise for a page size other than A4 or LETTER."""

    code = "unsupported_page_size"


def media_size(name: str, *, wide: bool = False) -> tuple[float, float]:
    size = _SIZES.get(str(name).upper())
    if size is None:
        raise UnsupportedPageSize(f"Pages are A4 or LETTER, not {str(name)[:20]!r}.")
    return landscape(size) if wide else size  # type: ignore[no-any-return]


def logo_image(logo: bytes) -> Any:
    """The logo as a ReportLab image, after checking it is a PNG or JPEG that decodes.

    The type is sniffed from the bytes, never trusted from a name or header, and the whole image
    is decoded here so a damaged file fails now, with a message, rather than halfway through.
    """
    if len(logo) > LOGO_MAX_BYTES:
        raise UnsupportedLogo("The logo is larger than 2 MB; upload a smaller PNG or JPEG.")
    if not logo.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
        raise UnsupportedLogo("The logo must be a PNG or JPEG image.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = ImageReader(BytesIO(logo))
            width, height = image.getSize()
            if width * height > LOGO_MAX_PIXELS:
                raise UnsupportedLogo("The logo has more than 4096 x 4096 pixels.")
            image.getRGBData()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombWarning) as exc:
        if isinstance(exc, UnsupportedLogo):
            raise
        raise UnsupportedLogo("The logo could not be read as a PNG or JPEG image.") from None
    return image


def draw_runs(canvas: Any, x: float, y: float, text: str, size: float, bold: bool) -> None:
    for name, chunk in font_runs(text, bold):
        canvas.setFont(name, size)
        canvas.drawString(x, y, chunk)
        x += stringWidth(chunk, name, size)


@dataclass(frozen=True, slots=True)
class Page:
    """What every page of one document repeats: its title, logo and page-number label."""

    title: str
    fmt: Formatter
    logo: Any  # ImageReader | None
    note: str = ""
    """A line over every page's number: the Clockify check. Every page, not just the last,
    because pages get printed, split and forwarded alone, and each page's figures are the
    ones that were checked; the bottom margin has room for it, so no page loses a row."""

    def header(self, canvas: Any, doc: Any) -> None:
        """`onPage` hook: title left, logo right, a rule under both."""
        width, height = doc.pagesize
        canvas.saveState()
        room = width - 2 * SIDE
        if self.logo is not None:
            w, h = self.logo.getSize()
            scale = min(_LOGO_BOX[0] / w, _LOGO_BOX[1] / h)
            canvas.drawImage(
                self.logo,
                width - SIDE - w * scale,
                height - 7 * mm - h * scale,
                w * scale,
                h * scale,
                mask="auto",
            )
            room -= _LOGO_BOX[0] + 4 * mm
        canvas.setFillColor(_MUTED)
        draw_runs(canvas, SIDE, height - 15 * mm, fit_text(self.title, room, 10, True), 10, True)
        canvas.setStrokeColor(_RULE)
        canvas.setLineWidth(0.5)
        canvas.line(SIDE, height - 20 * mm, width - SIDE, height - 20 * mm)
        canvas.restoreState()

    def footer(self, canvas: Any, page: int, pages: int) -> None:
        """Drawn once the page count is known: "Page x of y", centred, the note above it."""
        width, _ = canvas._pagesize
        text = self.fmt.label("page_of", page=str(page), pages=str(pages))
        canvas.saveState()
        canvas.setFillColor(_MUTED)
        x = (width - text_width(text, 8)) / 2
        draw_runs(canvas, x, 10 * mm, text, 8, False)
        if self.note:
            note = fit_text(self.note, width - 2 * SIDE, 7, False)
            draw_runs(canvas, (width - text_width(note, 7)) / 2, 14 * mm, note, 7, False)
        canvas.restoreState()


def _numbered(page: Page) -> type:
    """A canvas class that holds pages back until `save`, then stamps "Page x of y" on each.

    The standard ReportLab two-pass recipe: layout runs once; only the footers wait.
    """

    class NumberedCanvas(Canvas):  # type: ignore[misc]  # Canvas is untyped (Any)
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []

        def showPage(self) -> None:  # ReportLab's name: pages are held back
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            pages = len(self._held)
            for number, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                page.footer(self, number, pages)
                Canvas.showPage(self)
            Canvas.save(self)

    return NumberedCanvas


def build_pdf(story: list[Any], page: Page, size: tuple[float, float], author: str) -> bytes:
    buffer = BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=size,
        leftMargin=SIDE,
        rightMargin=SIDE,
        topMargin=_TOP,
        bottomMargin=_BOTTOM,
        title=page.title,
        author=author,
        creator=AUTHOR,
        invariant=1,  # no timestamp or random id: the same report gives the same bytes
        # Each page opens by selecting the canvas's initial font; left at its default, that is
        # Helvetica, a font never embedded, referenced by every page though it draws nothing.
        initialFontName=fonts().regular,
        pageCompression=1,
    )
    frame = Frame(SIDE, _BOTTOM, doc.width, doc.height, 0, 0, 0, 0, id="body")
    doc.addPageTemplates([PageTemplate("page", [frame], onPage=page.header)])
    doc.build(story, canvasmaker=_numbered(page))
    return buffer.getvalue()


class RowStream(Flowable):  # type: ignore[misc]  # Flowable is untyped (Any)
    """Table rows laid out one page at a time, pulled from a one-shot iterator on demand.

    Each page gets its own `LongTable` of exactly the rows that fit (row heights are fixed), so
    ReportLab never re-splits a huge table and at most a page of rows is held at once.
    """

    def __init__(
        self,
        header: list[Any],
        rows: Iterator[list[Any]],
        widths: list[float],
        style: Any,
        heights: tuple[float, float],
        buffer: list[list[Any]] | None = None,
    ) -> None:
        super().__init__()
        self._header, self._rows, self._widths, self._style = header, rows, widths, style
        self._head_height, self._row_height = heights
        self._buffer = buffer or []
        self._table: Any = None

    def _fits(self, height: float) -> int:
        return max(int((height - self._head_height) // self._row_height), 0)

    def _fill(self, count: int) -> None:
        while len(self._buffer) < count:
            row = next(self._rows, None)
            if row is None:
                return
            self._buffer.append(row)

    def _make(self, rows: list[list[Any]]) -> Any:
        heights = [self._head_height] + [self._row_height] * len(rows)
        return LongTable(
            [self._header, *rows],
            colWidths=self._widths,
            rowHeights=heights,
            repeatRows=1,
            style=self._style,
        )

    def wrap(self, width: float, height: float) -> tuple[float, float]:
        fit = self._fits(height)
        self._fill(fit + 1)
        if len(self._buffer) > fit:
            self._table = None
            return width, height + 1  # too tall: the frame will ask for a split
        self._table = self._make(self._buffer)
        return self._table.wrap(width, height)  # type: ignore[no-any-return]

    def split(self, width: float, height: float) -> list[Any]:
        fit = self._fits(height)
        if fit == 0:
            return []
        self._fill(fit + 1)
        head, rest = self._buffer[:fit], self._buffer[fit:]
        parts = [self._make(head)]
        if rest:
            parts.append(
                RowStream(
                    self._header,
                    self._rows,
                    self._widths,
                    self._style,
                    (self._head_height, self._row_height),
                    rest,
                )
            )
        return parts

    def draw(self) -> None:
        self._table.drawOn(self.canv, 0, 0)


class Later(Flowable):  # type: ignore[misc]  # Flowable is untyped (Any)
    """A flowable made only when laid out, after everything before it (e.g. a final count)."""

    def __init__(self, make: Callable[[], Any | None]) -> None:
        super().__init__()
        self._make, self._made, self._flowable = make, False, None

    def _get(self) -> Any:
        if not self._made:
            self._flowable, self._made = self._make(), True
        return self._flowable

    def wrap(self, width: float, height: float) -> tuple[float, float]:
        flowable = self._get()
        return flowable.wrapOn(self.canv, width, height) if flowable is not None else (0, 0)

    def split(self, width: float, height: float) -> list[Any]:
        flowable = self._get()
        return flowable.splitOn(self.canv, width, height) if flowable is not None else []

    def draw(self) -> None:
        if self._flowable is not None:
            self._flowable.drawOn(self.canv, 0, 0)
