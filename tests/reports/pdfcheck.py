"""Look inside a PDF with poppler (the tools a person would use): text, fonts, images, word boxes."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def text(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-layout", "-enc", "UTF-8"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    return _run(*args, str(pdf), "-")


def page_count(pdf: Path) -> int:
    match = re.search(r"^Pages:\s+(\d+)", _run("pdfinfo", str(pdf)), re.M)
    assert match, "pdfinfo printed no page count"
    return int(match.group(1))


def page_size_pt(pdf: Path) -> tuple[float, float]:
    match = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", _run("pdfinfo", str(pdf)), re.M)
    assert match, "pdfinfo printed no page size"
    return float(match.group(1)), float(match.group(2))


@dataclass(frozen=True)
class Font:
    name: str
    embedded: bool
    subset: bool


def fonts(pdf: Path) -> list[Font]:
    lines = _run("pdffonts", str(pdf)).splitlines()[2:]
    out = []
    for line in lines:
        parts = line.split()
        # name type... emb sub uni objectID gen: the flags are the 5th–3rd from the end
        out.append(Font(parts[0], parts[-5] == "yes", parts[-4] == "yes"))
    return out


def assert_korean_font_only(pdf: Path) -> None:
    """Every font is an embedded subset of NanumGothic; nothing falls back to Helvetica & co."""
    found = fonts(pdf)
    assert found, "the PDF has no fonts at all"
    for font in found:
        assert "NanumGothic" in font.name, f"{pdf.name}: unexpected font {font.name}"
        assert font.embedded and font.subset, f"{pdf.name}: {font.name} is not an embedded subset"


def image_count(pdf: Path) -> int:
    lines = _run("pdfimages", "-list", str(pdf)).splitlines()[2:]
    return sum(1 for line in lines if line.split()[2] == "image")


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


def words(pdf: Path) -> tuple[list[tuple[float, float]], list[Word]]:
    """Page sizes and every word with its box, from ``pdftotext -bbox``."""
    xml = _run("pdftotext", "-bbox", "-enc", "UTF-8", str(pdf), "-")
    xml = re.sub(r"<!DOCTYPE[^>]*>", "", xml)
    root = ElementTree.fromstring(xml)
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    sizes: list[tuple[float, float]] = []
    found: list[Word] = []
    for number, page in enumerate(root.iter("{http://www.w3.org/1999/xhtml}page"), start=1):
        sizes.append((float(page.get("width", 0)), float(page.get("height", 0))))
        for w in page.findall("x:word", ns):
            found.append(
                Word(
                    number,
                    w.text or "",
                    float(w.get("xMin", 0)),
                    float(w.get("yMin", 0)),
                    float(w.get("xMax", 0)),
                    float(w.get("yMax", 0)),
                )
            )
    return sizes, found


def words_off_page(pdf: Path, margin_pt: float = 20.0) -> list[Word]:
    """Words that run into the outer ``margin_pt`` of the page (the layout keeps a 14 mm margin)."""
    sizes, found = words(pdf)
    bad = []
    for w in found:
        width, height = sizes[w.page - 1]
        if w.x0 < margin_pt or w.y0 < margin_pt or w.x1 > width - margin_pt or w.y1 > height - margin_pt:
            bad.append(w)
    return bad


def overlapping_words(pdf: Path, tolerance: float = 1.0) -> list[tuple[Word, Word]]:
    """Pairs of words on the same page whose boxes overlap by more than ``tolerance`` points each way."""
    _sizes, found = words(pdf)
    by_page: dict[int, list[Word]] = {}
    for w in found:
        by_page.setdefault(w.page, []).append(w)
    clashes = []
    for page_words in by_page.values():
        page_words.sort(key=lambda w: (w.y0, w.x0))
        for i, a in enumerate(page_words):
            for b in page_words[i + 1 :]:
                if b.y0 > a.y1:
                    break
                dx = min(a.x1, b.x1) - max(a.x0, b.x0)
                dy = min(a.y1, b.y1) - max(a.y0, b.y0)
                if dx > tolerance and dy > tolerance:
                    clashes.append((a, b))
    return clashes


def check_layout(pdf: Path) -> None:
    """The checks every report must pass: Korean font only, nothing off the page, no words on words.

    (Characters the font lacks are caught by the renderer: ``Generated.unprintable``.)
    """
    assert_korean_font_only(pdf)
    off = words_off_page(pdf)
    assert not off, f"{pdf.name}: text outside the printable area: {off[:5]}"
    clashes = overlapping_words(pdf)
    assert not clashes, f"{pdf.name}: overlapping text: {clashes[:5]}"
