"""Draw a :class:`~safetydesk.core.reports.model.Report` as a PDF with ReportLab Platypus (DESIGN.md §6).

Every page gets the same frame: company header with logo, the title, the approval block (결재란)
with signature/seal images or empty boxes, and a footer with "x / y", the print time, the record id
and the verification code. NanumGothic is registered for every style, so Hangul never falls back to
a Latin-only font; ReportLab embeds only the glyphs used (a subset).
"""

from __future__ import annotations

import contextvars
import hashlib
import io
import math
import os
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple
from xml.sax.saxutils import escape

from reportlab.graphics import shapes
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    LongTable,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    TableStyle,
)
from reportlab.platypus import PageBreak as RLPageBreak
from reportlab.platypus import Spacer as RLSpacer
from reportlab.platypus import Table as RLTable

from safetydesk import __version__
from safetydesk.core.audit.codes import format_code
from safetydesk.core.fonts import font_file
from safetydesk.core.i18n import N_, _
from safetydesk.core.reports.context import Letterhead, ReportOptions, Stamp
from safetydesk.core.reports.model import (
    BarChart,
    Block,
    Cell,
    CellValue,
    Deferred,
    Fields,
    Heading,
    PageBreak,
    Para,
    Photos,
    Report,
    Signatures,
    Spacer,
    Table,
    Tone,
    Turn,
)

FONT = "NanumGothic"
FONT_BOLD = "NanumGothic-Bold"
MARGIN = 14 * mm
HEADER_H = 27 * mm
FOOTER_H = 11 * mm
_TEMPLATES = {False: "page", True: "page-landscape"}
PHOTO_MAX_PX = 1400  # longest side of an embedded photo: ~300 dpi at the largest size we print
ImageSource = Callable[[str], bytes | None]

_registered = False


def register_fonts() -> None:
    """Register NanumGothic (regular and bold) once; bold/italic markup maps to it, never to Helvetica."""
    global _registered
    if _registered:
        return
    pdfmetrics.registerFont(TTFont(FONT, str(font_file())))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(font_file(bold=True))))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)
    # charts start every drawing in the default font (Helvetica) even when all their text is ours
    shapes.STATE_DEFAULTS["fontName"] = FONT
    _registered = True


class Palette:
    """Colours by role; the ink-saving palette keeps only light greys and leans on bold text."""

    def __init__(self, grayscale: bool) -> None:
        self.grayscale = grayscale
        if grayscale:
            self.tones: dict[str, colors.Color | None] = {
                "bad": colors.Color(0.82, 0.82, 0.82),
                "warn": colors.Color(0.92, 0.92, 0.92),
                "good": None,
                "muted": None,
                "head": None,
            }
            self.text_tones: dict[str, colors.Color] = {"muted": colors.Color(0.35, 0.35, 0.35)}
            self.rule = colors.Color(0.45, 0.45, 0.45)
            self.label_bg: colors.Color | None = None
            self.accent = colors.black
        else:
            self.tones = {
                "bad": colors.HexColor("#f8d7da"),
                "warn": colors.HexColor("#fff3cd"),
                "good": colors.HexColor("#e3f1e4"),
                "muted": colors.HexColor("#f1f1f1"),
                "head": colors.HexColor("#dfe7ef"),
            }
            self.text_tones = {"bad": colors.HexColor("#8b1a1a"), "muted": colors.HexColor("#5f6b73")}
            self.rule = colors.HexColor("#7d8a96")
            self.label_bg = colors.HexColor("#eef2f6")
            self.accent = colors.HexColor("#1f3a5a")

    def fill(self, tone: Tone) -> colors.Color | None:
        return self.tones.get(tone) if tone else None

    def bold(self, tone: Tone) -> bool:
        """In grey, "bad" and "warn" are also set in bold, so they survive a poor printer."""
        return self.grayscale and tone in ("bad", "warn")


class _Styles:
    def __init__(self, palette: Palette) -> None:
        base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13.5, splitLongWords=True)
        self.body = base
        self.small = ParagraphStyle("small", parent=base, fontSize=8, leading=10.5)
        self.note = ParagraphStyle("note", parent=self.small, textColor=palette.text_tones.get("muted"))
        self.bad = ParagraphStyle("bad", parent=base, fontName=FONT_BOLD, textColor=palette.accent)
        self.centre = ParagraphStyle("centre", parent=base, alignment=TA_CENTER)
        self.title = ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=14, leading=19)
        self.h1 = ParagraphStyle(
            "h1",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=11.5,
            leading=15,
            spaceBefore=7,
            spaceAfter=3,
            textColor=palette.accent,
        )
        self.h2 = ParagraphStyle(
            "h2",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=10,
            leading=13,
            spaceBefore=5,
            spaceAfter=2,
        )
        self.cache: dict[tuple[float, str, bool, str], ParagraphStyle] = {}

    def cell(self, size: float, align: str = "left", bold: bool = False, colour: str = "") -> ParagraphStyle:
        key = (size, align, bold, colour)
        style = self.cache.get(key)
        if style is None:
            style = ParagraphStyle(
                f"cell{len(self.cache)}",
                fontName=FONT_BOLD if bold else FONT,
                fontSize=size,
                leading=size * 1.3,
                alignment={"left": TA_LEFT, "centre": TA_CENTER, "right": TA_RIGHT}[align],
                splitLongWords=True,
                textColor=colors.HexColor(colour) if colour else colors.black,
            )
            self.cache[key] = style
        return style


_unprintable: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar("unprintable", default=None)


@cache
def _font_chars() -> frozenset[int]:
    register_fonts()
    regular = pdfmetrics.getFont(FONT).face.charToGlyph
    bold = pdfmetrics.getFont(FONT_BOLD).face.charToGlyph
    return frozenset(regular) & frozenset(bold)


def printable(value: str) -> str:
    """``value`` with characters NanumGothic cannot draw replaced by "?" (and noted for the caller).

    ReportLab would draw them as empty boxes; a report must never hide a character that way.
    """
    chars = _font_chars()
    if all(ord(ch) in chars or ch in "\n\r\t" for ch in value):
        return value
    seen = _unprintable.get()
    out = []
    for ch in value:
        if ord(ch) in chars or ch in "\n\r\t":
            out.append(ch)
        else:
            if seen is not None:
                seen.add(ch)
            out.append("?")
    return "".join(out)


def _text(value: str) -> str:
    """Plain text → Paragraph markup: printable, escaped, line breaks kept."""
    return escape(printable(value or "")).replace("\n", "<br/>")


def fit_font_size(text: str, font: str, size: float, width: float, minimum: float = 7.0) -> float:
    while size > minimum and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def clip_text(text: str, font: str, size: float, width: float) -> str:
    """Shorten ``text`` with an ellipsis until it fits ``width`` (for one-line header fields)."""
    text = printable(text)
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def prepare_photo(
    data: bytes, grayscale: bool, max_px: int = PHOTO_MAX_PX
) -> tuple[io.BytesIO, int, int] | None:
    """Downscale a stored photo for print (keeps the PDF and memory small); None if it is not an image."""
    from PIL import Image as PILImage
    from PIL import ImageOps, UnidentifiedImageError

    try:
        with PILImage.open(io.BytesIO(data)) as img:
            img.draft("RGB", (max_px, max_px))  # JPEG: decode at reduced size straight away
            picture = ImageOps.exif_transpose(img)
            picture.thumbnail((max_px, max_px))
            picture = picture.convert("L" if grayscale else "RGB")
            out = io.BytesIO()
            picture.save(out, "JPEG", quality=82, optimize=True)
            out.seek(0)
            return out, picture.width, picture.height
    except (UnidentifiedImageError, OSError, ValueError, PILImage.DecompressionBombError):
        return None


TOTAL_FORM = "pageTotal"
TOTAL_BOX = 16 * mm  # room for the total page count, drawn once at the end


class _PageTotal(Canvas):  # type: ignore[misc]
    """Pages go out as they are drawn; each shows "x / " plus a form holding the total, filled in at save.

    Holding every page back until the total is known (the usual recipe) keeps the whole document
    in memory, which a year of inspection reports cannot afford.
    """

    places: Places | None = None  # anchors and page references of the document (binder, contents)

    def save(self) -> None:
        total = self.getPageNumber() - 1
        self.beginForm(TOTAL_FORM, 0, 0, TOTAL_BOX, 5 * mm)
        self.setFont(FONT_BOLD, 8.5)
        self.drawString(0, 0, str(total))
        self.endForm()
        if self.places is not None:
            self.places.write_forms(self)
        self.page_total = total
        super().save()


PAGE_REF_BOX = 16 * mm  # room for a page number printed by reference ("… 123")


class Places:
    """Named places in the document (``anchor``) and the page numbers printed where they are referred to.

    A page reference is drawn as a form (a PDF XObject) named after the place; the forms are written
    once the last page is out, when every page number is known. The document is laid out in one pass,
    so a table of contents at the front costs nothing extra.
    """

    def __init__(self) -> None:
        self.names: dict[str, str] = {}  # key → PDF destination name
        self.pages: dict[str, int] = {}  # key → page where it was drawn first
        self.forms: dict[tuple[str, float, bool], str] = {}  # (key, font size, bold) → form name
        self.outline_level = -1  # level of the last outline entry (entries may only go one deeper)

    def name(self, key: str) -> str:
        found = self.names.get(key)
        if found is None:
            found = self.names[key] = f"p{len(self.names)}"
        return found

    def mark(self, canvas: Canvas, key: str, top: float) -> str:
        name = self.name(key)
        if key not in self.pages:
            self.pages[key] = canvas.getPageNumber()
            canvas.bookmarkPage(name, fit="XYZ", left=0, top=top)
        return name

    def outline(self, canvas: Canvas, title: str, name: str, level: int) -> None:
        if self.outline_level < 0:
            canvas.showOutline()
        level = max(0, min(level, self.outline_level + 1))
        canvas.addOutlineEntry(printable(title), name, level=level, closed=level > 0)
        self.outline_level = level

    def form(self, key: str, size: float, bold: bool) -> str:
        id_ = (key, size, bold)
        found = self.forms.get(id_)
        if found is None:
            found = self.forms[id_] = f"pr{len(self.forms)}"
        return found

    def write_forms(self, canvas: Canvas) -> None:
        for (key, size, bold), form in self.forms.items():
            page = self.pages.get(key)
            canvas.beginForm(form, 0, -size * 0.3, PAGE_REF_BOX, size * 1.1)
            canvas.setFont(FONT_BOLD if bold else FONT, size)
            canvas.drawRightString(PAGE_REF_BOX, 0, str(page) if page else "—")
            canvas.endForm()


class _Lazy(Flowable):  # type: ignore[misc]
    """Stands in for a ``Deferred`` block: it never fits, so Platypus splits it, which builds the blocks.

    The blocks of a long bundle are thus made one record at a time, just before they are laid out,
    and dropped once drawn.
    """

    def __init__(self, renderer: Renderer, block: Deferred) -> None:
        super().__init__()
        self.renderer = renderer
        self.block = block
        self.landscape = renderer.landscape_now  # the paper at this point of the document

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return avail_width, avail_height + 1

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        out: list[Flowable] = []
        self.renderer.landscape_now = self.landscape
        for block in self.block.make():
            out.extend(self.renderer._block(block))
        return out or [RLSpacer(1, 0)]

    def draw(self) -> None:  # pragma: no cover - always split before drawing
        pass


class _Anchor(Flowable):  # type: ignore[misc]
    """Marks a place (zero size): notes its page, makes it a link target and, if asked, a bookmark."""

    def __init__(self, places: Places, key: str, outline: str = "", level: int | None = None) -> None:
        super().__init__()
        self.places = places
        self.key = key
        self.title = outline
        self.level = level
        self.width = self.height = 0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        canvas = self.canv
        _x, top = canvas.absolutePosition(0, 0)
        name = self.places.mark(canvas, self.key, top + 12)
        if self.level is not None and self.title:
            self.places.outline(canvas, self.title, name, self.level)


class _PageRef(Flowable):  # type: ignore[misc]
    """The page number of a place, right-aligned in a table cell; a link to the place."""

    def __init__(self, places: Places, key: str, size: float, bold: bool, link: bool) -> None:
        super().__init__()
        self.places = places
        self.key = key
        self.size = size
        self.bold = bold
        self.link = link
        self.form = places.form(key, size, bold)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        self.height = self.size * 1.3
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.translate(self.width - PAGE_REF_BOX, self.size * 0.3)
        canvas.doForm(self.form)
        canvas.restoreState()
        if self.link:
            canvas.linkRect(
                "", self.places.name(self.key), (0, 0, self.width, self.height), relative=1, thickness=0
            )


class RenderCancelledError(Exception):
    """The caller asked to stop (the preview was closed or its options changed)."""


class _Document(BaseDocTemplate):  # type: ignore[misc]
    """A document that checks between flowables whether the caller still wants it."""

    def __init__(self, cancelled: Callable[[], bool] | None, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._cancelled = cancelled

    def handle_flowable(self, flowables: list[Flowable]) -> None:
        if self._cancelled is not None and self._cancelled():
            raise RenderCancelledError
        super().handle_flowable(flowables)


class Renderer:
    def __init__(
        self,
        report: Report,
        head: Letterhead,
        stamp: Stamp,
        options: ReportOptions,
        images: ImageSource,
        cancelled: Callable[[], bool] | None = None,
    ) -> None:
        register_fonts()
        self.cancelled = cancelled
        self.report = report
        self.head = head
        self.stamp = stamp
        self.options = options
        self.images = images
        self.palette = Palette(options.grayscale)
        self.styles = _Styles(self.palette)
        size = A4 if options.page_size == "A4" else LETTER
        self.sizes = {False: size, True: landscape(size)}
        self.pagesize = self.sizes[report.landscape]  # the first page's
        self.landscape_now = report.landscape  # the paper the blocks being made now are laid out for
        self._page = self.pagesize  # the page being drawn (a binder turns some pages)
        self.lang = report.lang
        self.missing_photos = 0
        self.unprintable: set[str] = set()  # characters the font lacks, printed as "?"
        self._small_images: dict[str, tuple[io.BytesIO, int, int] | None] = {}
        self.places = Places()  # anchors, bookmarks and page references (a binder's contents and index)

    def t(self, msgid: str) -> str:
        return _(msgid, self.lang)

    @property
    def frame_width(self) -> float:
        return float(self.sizes[self.landscape_now][0] - 2 * MARGIN)

    @property
    def frame_height(self) -> float:
        return float(self.sizes[self.landscape_now][1] - 2 * MARGIN - HEADER_H - FOOTER_H)

    # -- page frame ---------------------------------------------------------------------------------

    def _draw_image(
        self, canvas: Canvas, data: bytes | None, x: float, y: float, w: float, h: float, centre: bool = True
    ) -> float:
        """Draw an image scaled into the box; returns the drawn width (0 when there is no usable image)."""
        if not data:
            return 0.0
        key = hashlib.sha1(data).hexdigest()
        if key not in self._small_images:  # letterhead images are drawn on every page: prepare once
            self._small_images[key] = prepare_photo(data, self.options.grayscale, max_px=600)
        prepared = self._small_images[key]
        if prepared is None:
            return 0.0
        buf, pw, ph = prepared
        buf.seek(0)
        scale = min(w / pw, h / ph)
        dw, dh = pw * scale, ph * scale
        left = x + (w - dw) / 2 if centre else x
        canvas.drawImage(ImageReader(buf), left, y + (h - dh) / 2, dw, dh, mask="auto")
        return float(dw)

    def _approval_block(self, canvas: Canvas, right: float, top: float) -> float:
        titles = self.head.approval_titles
        box_w, title_h, sign_h = 17 * mm, 5 * mm, 15 * mm
        label_w = 6 * mm
        width = label_w + box_w * len(titles)
        left = right - width
        canvas.setStrokeColor(self.palette.rule)
        canvas.setLineWidth(0.6)
        canvas.rect(left, top - title_h - sign_h, width, title_h + sign_h)
        # the vertical "결재" label cell on the left, as on Korean forms
        label = self.t(N_("Approval"))
        canvas.line(left + label_w, top, left + label_w, top - title_h - sign_h)
        canvas.setFont(FONT_BOLD, 7)
        if self.lang == "ko":
            chars = list(label)
            step = (title_h + sign_h) / (len(chars) + 1)
            for i, ch in enumerate(chars):
                canvas.drawCentredString(left + label_w / 2, top - step * (i + 1) - 2.5, ch)
        else:
            canvas.saveState()
            canvas.translate(left + label_w / 2 + 2.5, top - (title_h + sign_h) / 2)
            canvas.rotate(90)
            canvas.drawCentredString(0, 0, label)
            canvas.restoreState()
        canvas.line(left + label_w, top - title_h, right, top - title_h)
        for i, title in enumerate(titles):
            x = left + label_w + i * box_w
            if i:
                canvas.line(x, top, x, top - title_h - sign_h)
            size = fit_font_size(title, FONT, 7.5, box_w - 2 * mm, minimum=5.5)
            canvas.setFont(FONT, size)
            canvas.drawCentredString(
                x + box_w / 2, top - title_h + 1.5 * mm, clip_text(title, FONT, size, box_w - 1 * mm)
            )
        # the last box is the approver's (the representative): their signature, else the company seal
        last_x = left + label_w + (len(titles) - 1) * box_w
        image = self.head.signature or self.head.seal
        self._draw_image(
            canvas,
            image,
            last_x + 1.5 * mm,
            top - title_h - sign_h + 1.5 * mm,
            box_w - 3 * mm,
            sign_h - 3 * mm,
        )
        return float(left)

    def _header(self, canvas: Canvas, doc: Any) -> None:
        self._page = width, height = canvas._pagesize
        top = height - MARGIN
        canvas.saveState()
        approval_left = self._approval_block(canvas, width - MARGIN, top)
        x = MARGIN
        logo_w = 0.0
        if self.head.logo:
            drawn = self._draw_image(
                canvas, self.head.logo, MARGIN, top - 10 * mm, 45 * mm, 10 * mm, centre=False
            )
            logo_w = drawn + 3 * mm if drawn else 0.0
        text_w = approval_left - 4 * mm - x - logo_w
        canvas.setFillColor(self.palette.accent)
        canvas.setFont(FONT_BOLD, 9.5)
        canvas.drawString(x + logo_w, top - 4 * mm, clip_text(self.head.company, FONT_BOLD, 9.5, text_w))
        canvas.setFillColor(colors.black)
        details = " · ".join(p for p in (self.head.address, self._brn_text()) if p)
        if details:
            size = fit_font_size(details, FONT, 7, text_w, minimum=5.5)
            canvas.setFont(FONT, size)
            canvas.drawString(x + logo_w, top - 8 * mm, clip_text(details, FONT, size, text_w))
        title = self.report.title
        title_w = approval_left - 4 * mm - MARGIN
        size = fit_font_size(title, FONT_BOLD, 15, title_w, minimum=10)
        canvas.setFont(FONT_BOLD, size)
        canvas.drawString(MARGIN, top - 17 * mm, clip_text(title, FONT_BOLD, size, title_w))
        if self.report.subtitle:
            canvas.setFont(FONT, 8.5)
            canvas.drawString(MARGIN, top - 22 * mm, clip_text(self.report.subtitle, FONT, 8.5, title_w))
        canvas.setStrokeColor(self.palette.accent)
        canvas.setLineWidth(1.2)
        canvas.line(MARGIN, top - HEADER_H + 2 * mm, width - MARGIN, top - HEADER_H + 2 * mm)
        self._footer_left(canvas)
        self._page_number(canvas)
        canvas.restoreState()

    def _brn_text(self) -> str:
        if not self.head.business_reg_no:
            return ""
        return f"{self.t(N_('Business registration no.'))} {self.head.business_reg_no}"

    def footer_lines(self) -> tuple[str, str]:
        parts = []
        if self.stamp.record_id:
            parts.append(f"{self.t(N_('Record'))} {self.stamp.record_id}")
        if self.stamp.code:
            code = format_code(self.stamp.code)
            what = N_("Workspace state code") if self.stamp.register else N_("Verification code")
            parts.append(f"{self.t(what)} {code}")
        line1 = " · ".join(parts)
        printed = self.stamp.printed_at.strftime("%Y-%m-%d %H:%M")
        line2 = f"{self.t(N_('Printed'))} {printed} · SafetyDesk {__version__}"
        if self.stamp.code:
            line2 += " · " + self.t(N_("check: safetydesk verify --code {code}")).format(code=self.stamp.code)
        return line1, line2

    def _footer_left(self, canvas: Canvas) -> None:
        width = self._page[0]
        base = MARGIN
        canvas.setStrokeColor(self.palette.rule)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, base + FOOTER_H - 3 * mm, width - MARGIN, base + FOOTER_H - 3 * mm)
        line1, line2 = self.footer_lines()
        avail = width - 2 * MARGIN - 22 * mm
        canvas.setFillColor(colors.black)
        canvas.setFont(FONT, 7)
        canvas.drawString(MARGIN, base + 3.6 * mm, clip_text(line1, FONT, 7, avail))
        canvas.setFont(FONT, 6.5)
        canvas.drawString(MARGIN, base + 0.6 * mm, clip_text(line2, FONT, 6.5, avail))

    def _page_number(self, canvas: Canvas) -> None:
        """ "x / " now; the total is a form drawn after the last page (see ``_PageTotal``)."""
        x = self._page[0] - MARGIN - TOTAL_BOX + 6 * mm
        y = MARGIN + 2.5 * mm
        canvas.saveState()
        canvas.setFont(FONT_BOLD, 8.5)
        canvas.drawRightString(x, y, f"{canvas.getPageNumber()} / ")
        canvas.translate(x, y)
        canvas.doForm(TOTAL_FORM)
        canvas.restoreState()

    # -- blocks -------------------------------------------------------------------------------------

    def flowables(self) -> list[Flowable]:
        out: list[Flowable] = []
        for block in self.report.blocks:
            out.extend(self._block(block))
        return out

    def _block(self, block: Block) -> list[Flowable]:
        if isinstance(block, Heading):
            # a heading never ends a page: start a new one when less than ~4 lines are left
            heading = Paragraph(_text(block.text), self.styles.h1 if block.level <= 1 else self.styles.h2)
            if not block.anchor and block.outline is None:
                return [CondPageBreak(25 * mm), heading]
            key = block.anchor or f"heading:{id(block)}"
            return [CondPageBreak(25 * mm), _Anchor(self.places, key, block.text, block.outline), heading]
        if isinstance(block, Para):
            return [Paragraph(_text(block.text), getattr(self.styles, block.style))]
        if isinstance(block, Fields):
            return [self._fields(block)]
        if isinstance(block, Table):
            return [self._table(block), RLSpacer(1, 3 * mm)]
        if isinstance(block, Photos):
            return self._photos(block)
        if isinstance(block, Signatures):
            return [self._signatures(block)]
        if isinstance(block, BarChart):
            return [self._chart(block)]
        if isinstance(block, Spacer):
            return [RLSpacer(1, block.height_mm * mm)]
        if isinstance(block, PageBreak):
            if block.landscape is None:
                return [RLPageBreak()]
            self.landscape_now = block.landscape
            return [NextPageTemplate(_TEMPLATES[block.landscape]), RLPageBreak()]
        if isinstance(block, Turn):
            # blocks made from here may still land on the current page: lay them out for the narrower paper
            self.landscape_now = self.landscape_now and block.landscape
            return [NextPageTemplate(_TEMPLATES[block.landscape])]
        if isinstance(block, Deferred):
            return [_Lazy(self, block)]
        raise TypeError(f"unknown report block {type(block).__name__}")

    def _fields(self, block: Fields) -> Flowable:
        cols = max(1, block.columns)
        label_w = 0.13 if cols > 1 else 0.22
        value_w = (1 - label_w * cols) / cols
        widths = [w * self.frame_width for _ in range(cols) for w in (label_w, value_w)]
        label_style = self.styles.cell(8, bold=True)
        value_style = self.styles.cell(8.5)
        rows: list[list[Any]] = []
        items = list(block.items)
        for start in range(0, len(items), cols):
            row: list[Any] = []
            chunk = items[start : start + cols]
            for label, value in chunk:
                row += [Paragraph(_text(label), label_style), Paragraph(_text(value), value_style)]
            row += [""] * (2 * cols - len(row))
            rows.append(row)
        table = RLTable(rows, colWidths=widths)
        style = [
            ("GRID", (0, 0), (-1, -1), 0.5, self.palette.rule),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ]
        if self.palette.label_bg is not None:
            for c in range(0, 2 * cols, 2):
                style.append(("BACKGROUND", (c, 0), (c, -1), self.palette.label_bg))
        table.setStyle(TableStyle(style))
        return table

    def _cell(self, value: CellValue, size: float, align: str, row_tone: Tone, header: bool = False) -> Any:
        cell = value if isinstance(value, Cell) else Cell(str(value))
        tone = cell.tone or row_tone
        bold = header or cell.bold or self.palette.bold(tone)
        if cell.page_of:
            return _PageRef(self.places, cell.page_of, size, bold, link=True)
        colour = ""
        if tone in ("bad", "muted") and not self.palette.grayscale and not header:
            text_colour = self.palette.text_tones.get(tone)
            colour = text_colour.hexval().replace("0x", "#") if text_colour is not None else ""
        text = _text(cell.text)
        if cell.link:
            text = f'<a href="#{self.places.name(cell.link)}">{text}</a>'
        paragraph = Paragraph(text, self.styles.cell(size, cell.align or align, bold, colour))
        if cell.anchor:
            return [_Anchor(self.places, cell.anchor), paragraph]
        return paragraph

    def _table(self, block: Table) -> Flowable:
        ncols = len(block.headers)
        rel = block.widths or tuple(1.0 for _ in range(ncols))
        total = sum(rel)
        widths = [self.frame_width * w / total for w in rel]
        aligns = list(block.align) + ["left"] * (ncols - len(block.align))
        size = block.font_size
        data: list[list[Any]] = []
        style: list[tuple[Any, ...]] = [
            ("GRID", (0, 0), (-1, -1), 0.4, self.palette.rule),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("TOPPADDING", (0, 0), (-1, -1), 1.8),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
            ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
        ]
        header_rows = 0
        head_fill = self.palette.fill("head")
        if block.group_header:
            row: list[Any] = []
            col = 0
            for text, span in block.group_header:
                row.append(self._cell(Cell(text, align="centre"), size, "centre", None, header=True))
                row.extend([""] * (span - 1))
                if span > 1:
                    style.append(("SPAN", (col, 0), (col + span - 1, 0)))
                col += span
            data.append(row)
            header_rows += 1
        data.append([self._cell(h, size, "centre", None, header=True) for h in block.headers])
        header_rows += 1
        style.append(("VALIGN", (0, 0), (-1, header_rows - 1), "MIDDLE"))
        if head_fill is not None:
            style.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), head_fill))
        style.append(("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 1.0, self.palette.rule))
        rows = block.rows
        if not rows and block.empty_text:
            rows = ((Cell(block.empty_text, tone="muted", span=ncols),),)
        for r, values in enumerate(rows):
            row_tone = block.tones[r] if r < len(block.tones) else None
            out_row: list[Any] = []
            col = 0
            for value in values:
                if col >= ncols:
                    break
                out_row.append(self._cell(value, size, aligns[col], row_tone))
                span = value.span if isinstance(value, Cell) else 1
                span = max(1, min(span, ncols - col))
                if span > 1:
                    out_row.extend([""] * (span - 1))
                    y = len(data)
                    style.append(("SPAN", (col, y), (col + span - 1, y)))
                col += span
            out_row.extend([""] * (ncols - len(out_row)))
            y = len(data)
            data.append(out_row)
            fill = self.palette.fill(row_tone)
            if fill is not None:
                style.append(("BACKGROUND", (0, y), (-1, y), fill))
            for c, value in enumerate(values[:ncols]):
                if isinstance(value, Cell) and value.tone and value.tone != row_tone:
                    cell_fill = self.palette.fill(value.tone)
                    if cell_fill is not None:
                        style.append(("BACKGROUND", (c, y), (c, y), cell_fill))
        table = LongTable(data, colWidths=widths, repeatRows=header_rows, splitInRow=1)
        table.setStyle(TableStyle(style))
        return table

    def _photos(self, block: Photos) -> list[Flowable]:
        cols = max(1, block.columns)
        gap = 4 * mm
        cell_w = (self.frame_width - gap * (cols - 1)) / cols
        max_h = min(block.max_height_mm * mm, self.frame_height - 20 * mm)
        cells: list[Any] = []
        for ref in block.items:
            data = self.images(ref.sha256)
            prepared = prepare_photo(data, self.options.grayscale) if data else None
            caption = Paragraph(_text(ref.caption), self.styles.cell(7.5, "centre"))
            if prepared is None:
                self.missing_photos += 1
                missing = Paragraph(
                    _text(self.t(N_("Photo missing from the workspace ({sha})")).format(sha=ref.sha256[:12])),
                    self.styles.note,
                )
                cells.append([missing, caption])
                continue
            buf, pw, ph = prepared
            scale = min(cell_w / pw, max_h / ph)
            cells.append([Image(buf, width=pw * scale, height=ph * scale), caption])
        rows = [cells[i : i + cols] for i in range(0, len(cells), cols)]
        out: list[Flowable] = []
        for row in rows:
            padded = row + [["", ""]] * (cols - len(row))
            grid = RLTable(
                [[c[0] for c in padded], [c[1] for c in padded]],
                colWidths=[cell_w + (gap if i < cols - 1 else 0) for i in range(cols)],
            )
            grid.setStyle(
                TableStyle(
                    [
                        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
                        ("LEFTPADDING", (0, 0), (-1, -1), 0),
                        ("RIGHTPADDING", (0, 0), (-1, -1), gap if cols > 1 else 0),
                        ("FONTNAME", (0, 0), (-1, -1), FONT),
                    ]
                )
            )
            out.append(grid)
            out.append(RLSpacer(1, 3 * mm))
        return out

    def _signatures(self, block: Signatures) -> Flowable:
        n = max(1, len(block.items))
        per_row = min(n, 4)
        width = self.frame_width / per_row
        sign = self.t(N_("Signature"))
        date_label = self.t(N_("Date"))
        cells = []
        for i, (role, name) in enumerate(block.items):
            signature: Any = Paragraph(_text(f"{sign}:"), self.styles.cell(7.5, colour="#5f6b73"))
            sha = block.images[i] if i < len(block.images) else None
            data = self.images(sha) if sha else None
            prepared = prepare_photo(data, self.options.grayscale, max_px=600) if data else None
            if prepared is not None:
                buf, pw, ph = prepared
                scale = min((width - 8 * mm) / pw, 12 * mm / ph)
                signature = [signature, Image(buf, width=pw * scale, height=ph * scale, hAlign="LEFT")]
            cells.append(
                [
                    Paragraph(_text(role), self.styles.cell(8, bold=True)),
                    Paragraph(_text(name or " "), self.styles.cell(8.5)),
                    signature,
                    Paragraph(_text(f"{date_label}:"), self.styles.cell(7.5, colour="#5f6b73")),
                ]
            )
        rows: list[list[Any]] = []
        for start in range(0, len(cells), per_row):
            chunk = cells[start : start + per_row]
            chunk = chunk + [["", "", "", ""]] * (per_row - len(chunk))
            for line in range(4):
                rows.append([c[line] for c in chunk])
        table = RLTable(rows, colWidths=[width] * per_row, rowHeights=None)
        style = [
            ("BOX", (0, 0), (-1, -1), 0.6, self.palette.rule),
            ("INNERGRID", (0, 0), (-1, -1), 0.25, self.palette.rule),
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
        ]
        for y in range(2, len(rows), 4):
            style.append(("BOTTOMPADDING", (0, y), (-1, y), 14))
        table.setStyle(TableStyle(style))
        return KeepTogether([table])

    def _chart(self, block: BarChart) -> Flowable:
        height = block.height_mm * mm
        drawing = Drawing(self.frame_width, height)
        drawing.add(String(0, height - 10, printable(block.title), fontName=FONT_BOLD, fontSize=9))
        chart = HorizontalBarChart()
        label_w = min(60 * mm, self.frame_width * 0.35)
        chart.x = label_w
        chart.y = 6
        chart.width = self.frame_width - label_w - 15 * mm
        chart.height = height - 22
        chart.data = [list(block.values) or [0]]
        chart.categoryAxis.categoryNames = [printable(label) for label in block.labels] or [""]
        chart.categoryAxis.labels.fontName = FONT
        chart.categoryAxis.labels.fontSize = 7.5
        chart.categoryAxis.reverseDirection = 1
        chart.valueAxis.labels.fontName = FONT
        chart.valueAxis.labels.fontSize = 7
        chart.valueAxis.valueMin = 0
        top = max(block.values, default=0)
        if all(float(v).is_integer() for v in block.values):  # counts: whole-number ticks only
            chart.valueAxis.valueStep = max(1, math.ceil(top / 5))
            chart.valueAxis.valueMax = max(
                1, math.ceil(top / chart.valueAxis.valueStep) * chart.valueAxis.valueStep
            )
        chart.barLabels.fontName = FONT
        chart.barLabels.fontSize = 7
        chart.barLabelFormat = "%d"
        chart.barLabels.nudge = 7
        chart.bars.strokeWidth = 0
        base = colors.Color(0.55, 0.55, 0.55) if self.palette.grayscale else colors.HexColor("#5b7fa6")
        chart.bars[0].fillColor = base
        for i, tone in enumerate(block.tones):
            fill = self.palette.fill(tone)
            if tone == "bad":
                chart.bars[(0, i)].fillColor = (
                    colors.Color(0.25, 0.25, 0.25) if self.palette.grayscale else colors.HexColor("#c0392b")
                )
            elif tone == "warn" and fill is not None:
                chart.bars[(0, i)].fillColor = (
                    colors.Color(0.45, 0.45, 0.45) if self.palette.grayscale else colors.HexColor("#e0a526")
                )
        drawing.add(chart)
        return drawing

    # -- document -----------------------------------------------------------------------------------

    def build(self, out: BinaryIO | str) -> int:
        """Write the PDF; returns the page count."""
        company = self.head.company
        doc = _Document(
            self.cancelled,
            out,
            pagesize=self.pagesize,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN + HEADER_H,
            bottomMargin=MARGIN + FOOTER_H,
            title=self.report.title,
            author=company,
            subject=self.report.kind,
            creator=f"SafetyDesk {__version__}",
            initialFontName=FONT,
            pageCompression=1,
            lang="ko-KR" if self.lang == "ko" else "en",
        )
        templates = []
        for turned in (self.report.landscape, not self.report.landscape):  # the first one starts
            width, height = self.sizes[turned]
            frame = Frame(
                MARGIN,
                MARGIN + FOOTER_H,
                width - 2 * MARGIN,
                height - 2 * MARGIN - HEADER_H - FOOTER_H,
                id="body",
                leftPadding=0,
                rightPadding=0,
                topPadding=0,
                bottomPadding=0,
            )
            templates.append(
                PageTemplate(
                    id=_TEMPLATES[turned], frames=[frame], onPage=self._header, pagesize=(width, height)
                )
            )
        doc.addPageTemplates(templates)
        canvases: list[_PageTotal] = []

        def canvasmaker(*args: Any, **kwargs: Any) -> _PageTotal:
            canvases.append(_PageTotal(*args, **kwargs))
            canvases[-1].places = self.places
            return canvases[-1]

        token = _unprintable.set(self.unprintable)
        try:
            doc.build(self.flowables(), canvasmaker=canvasmaker)
        finally:
            _unprintable.reset(token)
        return int(canvases[-1].page_total)


class Rendered(NamedTuple):
    pages: int
    missing_photos: int
    unprintable: frozenset[str]  # characters the font lacks (printed as "?")


def render(
    report: Report,
    head: Letterhead,
    stamp: Stamp,
    options: ReportOptions,
    images: ImageSource,
    out: Path | BinaryIO,
    cancelled: Callable[[], bool] | None = None,
) -> Rendered:
    """Render ``report`` to a file (written atomically: a failed render leaves no half file) or stream.

    Returns the page count and the number of photos that could not be read.
    """
    renderer = Renderer(report, head, stamp, options, images, cancelled)
    if not isinstance(out, Path):
        pages = renderer.build(out)
        return Rendered(pages, renderer.missing_photos, frozenset(renderer.unprintable))
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.stem}.", suffix=".pdf.tmp", dir=out.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            pages = renderer.build(fh)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return Rendered(pages, renderer.missing_photos, frozenset(renderer.unprintable))
