"""What a report says, as plain data (DESIGN.md §6): builders make these blocks, the renderer draws them.

Builders never touch ReportLab; they read the workspace and return a :class:`Report` whose text is
already in the report's language. Text is plain (the renderer escapes it), so a finding that says
``"<2 m guard"`` prints as typed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

# A cell or row tone; the renderer maps it to a colour, or to a grey and bold text when printing in grey.
Tone = Literal["bad", "warn", "good", "muted", "head"] | None


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 1 = section, 2 = sub-section
    anchor: str = ""  # a place a table of contents, an index or a bookmark points to (its page is noted)
    outline: int | None = None  # level in the PDF outline (bookmarks, 0 = top); None: not in the outline


@dataclass(frozen=True)
class Para:
    text: str
    style: Literal["body", "small", "note", "bad", "centre", "title"] = "body"


@dataclass(frozen=True)
class Fields:
    """Label/value pairs laid out as a grid of ``columns`` pairs per row (a form's header block)."""

    items: tuple[tuple[str, str], ...]
    columns: int = 2


@dataclass(frozen=True)
class Cell:
    text: str
    tone: Tone = None
    bold: bool = False
    align: Literal["left", "centre", "right"] | None = None
    span: int = 1  # columns this cell covers; pass no cells for the ``span - 1`` columns it covers
    anchor: str = ""  # note the page this cell is printed on, under this key (see ``page_of``)
    page_of: str = ""  # print the page number of the anchor with this key (filled in when the PDF is done)
    link: str = ""  # clicking the cell jumps to the anchor with this key


CellValue = str | Cell


@dataclass(frozen=True)
class Table:
    """A table that may run over many pages; the header rows repeat on every page.

    ``widths`` are relative (they are scaled to the frame width). ``tones`` gives a tone per body row
    (``None`` for none). ``group_header`` is an optional row of (text, span) above ``headers``.
    """

    headers: tuple[CellValue, ...]
    rows: tuple[tuple[CellValue, ...], ...]
    widths: tuple[float, ...] | None = None
    tones: tuple[Tone, ...] = ()
    group_header: tuple[tuple[str, int], ...] = ()
    font_size: float = 8.5
    align: tuple[Literal["left", "centre", "right"], ...] = ()
    empty_text: str = ""  # printed in one row when there are no rows


@dataclass(frozen=True)
class PhotoRef:
    sha256: str
    caption: str


@dataclass(frozen=True)
class Photos:
    items: tuple[PhotoRef, ...]
    columns: int = 2
    max_height_mm: float = 80.0


@dataclass(frozen=True)
class Signatures:
    """Boxes to sign by hand: (role, printed name) pairs; each box has a line for signature and date.

    ``images`` optionally gives, per box, the sha256 of a signature captured in the app.
    """

    items: tuple[tuple[str, str], ...]
    images: tuple[str | None, ...] = ()


@dataclass(frozen=True)
class BarChart:
    title: str
    labels: tuple[str, ...]
    values: tuple[float, ...]
    tones: tuple[Tone, ...] = ()
    height_mm: float = 55.0


@dataclass(frozen=True)
class Spacer:
    height_mm: float = 4.0


@dataclass(frozen=True)
class PageBreak:
    landscape: bool | None = None  # turn the paper for the new page (None: keep it as it is)


@dataclass(frozen=True)
class Turn:
    """From the next page on, print landscape (or portrait), without starting a page now."""

    landscape: bool


@dataclass(frozen=True)
class Deferred:
    """Blocks made only when the renderer reaches them (one record of a long bundle at a time)."""

    make: Callable[[], Sequence[Block]]


Block = (
    Heading | Para | Fields | Table | Photos | Signatures | BarChart | Spacer | PageBreak | Turn | Deferred
)


@dataclass(frozen=True)
class Report:
    """One printable document.

    ``record`` is the (entity, id) the document shows; its latest audit event gives the verification
    code. A register over many records (an action list for a period) has ``record=None`` and is tied
    to the audit chain's head instead.
    """

    kind: str
    title: str
    lang: str
    blocks: tuple[Block, ...]
    record: tuple[str, str] | None = None
    subtitle: str = ""
    landscape: bool = False
    file_stem: str = field(default="")  # a suggested file name without extension
