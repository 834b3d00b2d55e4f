"""Generated pictures for the demo: site photos of defects, signatures and the floor plan.

No photo is taken from anywhere: each is drawn with Pillow from a seed (a shop-floor scene of
machine shapes, a marked spot and a caption), so the same seed gives the same bytes and the
workspace stays small (a photo is kept under ``MAX_PHOTO_BYTES``).
"""

from __future__ import annotations

import io
import random
from collections.abc import Sequence
from functools import cache
from typing import Final

from PIL import Image, ImageDraw, ImageFont

from safetydesk.core.fonts import font_file

MAX_PHOTO_BYTES: Final = 60_000
PHOTO_SIZE: Final = (640, 480)

Colour = tuple[int, int, int]


@cache
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_file(bold)), size)


def _jpeg(image: Image.Image) -> bytes:
    for quality in (72, 62, 52, 42, 32):
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality, optimize=True)
        data = out.getvalue()
        if len(data) <= MAX_PHOTO_BYTES:
            return data
    return data  # pragma: no cover - a flat drawing never gets this large


def _mix(a: Colour, b: Colour, t: float) -> Colour:
    return (
        int(a[0] + (b[0] - a[0]) * t),
        int(a[1] + (b[1] - a[1]) * t),
        int(a[2] + (b[2] - a[2]) * t),
    )


def _scene(rng: random.Random, tint: Colour) -> Image.Image:
    """A plausible shop-floor backdrop: wall, floor with lane marking, machines and a light."""
    width, height = PHOTO_SIZE
    image = Image.new("RGB", PHOTO_SIZE)
    draw = ImageDraw.Draw(image)
    wall_top = _mix((70, 74, 80), tint, 0.25)
    wall_low = _mix((150, 152, 150), tint, 0.15)
    horizon = int(height * rng.uniform(0.48, 0.6))
    for y in range(horizon):
        draw.line([(0, y), (width, y)], fill=_mix(wall_top, wall_low, y / horizon))
    floor_far = _mix((118, 120, 112), tint, 0.1)
    floor_near = (88, 90, 84)
    for y in range(horizon, height):
        draw.line([(0, y), (width, y)], fill=_mix(floor_far, floor_near, (y - horizon) / (height - horizon)))
    # lane marking in perspective (yellow)
    vx = rng.randint(200, 440)
    for x0 in (rng.randint(-200, 60), rng.randint(520, 840)):
        draw.line([(vx, horizon), (x0, height)], fill=(214, 180, 40), width=6)
    # roof trusses / light
    for x in range(0, width, rng.randint(90, 140)):
        draw.line([(x, 0), (x + 60, 40)], fill=_mix(wall_top, (40, 40, 40), 0.5), width=3)
    draw.ellipse([vx - 30, 8, vx + 30, 30], fill=(250, 246, 220))
    # machines: boxes with a darker side face, some hazard stripes
    for _ in range(rng.randint(2, 4)):
        w = rng.randint(90, 220)
        h = rng.randint(80, 200)
        x = rng.randint(-40, width - 60)
        y = horizon + rng.randint(-40, 60) - h
        body = _mix((rng.randint(60, 200), rng.randint(90, 170), rng.randint(60, 160)), tint, 0.3)
        draw.rectangle([x, y, x + w, y + h], fill=body, outline=(30, 30, 30), width=2)
        draw.polygon(
            [(x + w, y), (x + w + 30, y - 18), (x + w + 30, y + h - 18), (x + w, y + h)],
            fill=_mix(body, (0, 0, 0), 0.35),
        )
        draw.rectangle([x + 10, y + 12, x + w // 2, y + h // 3], fill=_mix(body, (255, 255, 255), 0.35))
        if rng.random() < 0.6:
            stripe_y = y + h - 16
            for sx in range(x, x + w, 24):
                draw.polygon(
                    [(sx, stripe_y + 12), (sx + 12, stripe_y), (sx + 24, stripe_y), (sx + 12, stripe_y + 12)],
                    fill=(20, 20, 20),
                )
            draw.rectangle([x, stripe_y, x + w, stripe_y + 12], outline=(230, 190, 30), width=2)
    return image


def _caption(image: Image.Image, title: str, subtitle: str, stamp: str) -> None:
    width, height = image.size
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    draw.rectangle([0, height - 76, width, height], fill=(0, 0, 0, 150))
    image.paste(overlay, (0, 0), overlay)
    draw = ImageDraw.Draw(image)
    draw.text((16, height - 68), _fit(title, 34), font=_font(22, bold=True), fill=(255, 255, 255))
    draw.text((16, height - 34), _fit(subtitle, 52), font=_font(16), fill=(220, 220, 220))
    draw.text((width - 16, 12), stamp, font=_font(18, bold=True), fill=(255, 150, 40), anchor="ra")


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def defect_photo(
    seed: int, *, title: str, subtitle: str, stamp: str, tint: Colour = (200, 200, 200)
) -> bytes:
    """A photo of a failed check item: a scene with the defect circled in red and a caption."""
    rng = random.Random(seed)
    image = _scene(rng, tint)
    draw = ImageDraw.Draw(image)
    cx, cy = rng.randint(160, 480), rng.randint(140, 300)
    r = rng.randint(34, 60)
    draw.rectangle([cx - r // 2, cy - r // 3, cx + r // 2, cy + r // 3], fill=(rng.randint(90, 140), 70, 50))
    for width in (7, 4):
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=(230, 30, 30), width=width)
    draw.line([(cx + r, cy - r), (cx + r + 50, cy - r - 40)], fill=(230, 30, 30), width=5)
    _caption(image, title, subtitle, stamp)
    return _jpeg(image)


def after_photo(seed: int, *, title: str, subtitle: str, stamp: str, tint: Colour = (200, 200, 200)) -> bytes:
    """A photo after the fix: the same kind of scene with a green check mark."""
    rng = random.Random(seed)
    image = _scene(rng, tint)
    draw = ImageDraw.Draw(image)
    cx, cy = rng.randint(180, 460), rng.randint(140, 280)
    draw.line([(cx - 40, cy), (cx - 10, cy + 34), (cx + 50, cy - 40)], fill=(40, 200, 80), width=12)
    _caption(image, title, subtitle, stamp)
    return _jpeg(image)


def group_photo(seed: int, *, title: str, subtitle: str, stamp: str, people: int) -> bytes:
    """A drill or TBM photo: simple figures in helmets standing in a row."""
    rng = random.Random(seed)
    image = _scene(rng, (140, 170, 140))
    draw = ImageDraw.Draw(image)
    count = max(3, min(people, 14))
    base = int(PHOTO_SIZE[1] * 0.78)
    step = (PHOTO_SIZE[0] - 80) // count
    for i in range(count):
        x = 40 + i * step + rng.randint(-6, 6)
        top = base - rng.randint(110, 130)
        vest = (240, 120, 30) if rng.random() < 0.7 else (200, 220, 40)
        draw.rectangle([x + 6, top + 28, x + step - 14, base - 40], fill=vest)
        draw.rectangle([x + 10, base - 40, x + step - 18, base], fill=(50, 60, 90))
        draw.ellipse([x + 10, top + 4, x + step - 18, top + 30], fill=(230, 200, 170))
        draw.chord([x + 6, top - 4, x + step - 14, top + 22], 180, 360, fill=(250, 250, 250))
    _caption(image, title, subtitle, stamp)
    return _jpeg(image)


def signature_png(name: str, seed: int) -> bytes:
    """A handwritten-looking signature: a few flowing strokes and the name, on white."""
    rng = random.Random(seed)
    image = Image.new("L", (240, 80), 255)
    draw = ImageDraw.Draw(image)
    draw.text((14, 18), name, font=_font(30, bold=True), fill=40)
    x, y = 10.0, 56.0
    points = [(x, y)]
    for _ in range(10):
        x += rng.uniform(12, 26)
        y = min(76.0, max(8.0, y + rng.uniform(-18, 18)))
        points.append((x, y))
    draw.line(points, fill=20, width=3, joint="curve")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def logo_png(short: str) -> bytes:
    """A plain company mark: a navy roundel with the short name."""
    image = Image.new("RGB", (120, 120), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.ellipse((6, 6, 114, 114), fill=(31, 58, 90))
    draw.arc((20, 20, 100, 100), 200, 340, fill=(230, 180, 60), width=6)
    draw.text((60, 62), short, font=_font(34, bold=True), fill=(255, 255, 255), anchor="mm")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def seal_png(lines: Sequence[str]) -> bytes:
    """A red square company seal (직인) with the given lines of text, on a transparent background."""
    size = 200
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    red = (200, 30, 30, 235)
    draw.rectangle((8, 8, size - 8, size - 8), outline=red, width=9)
    step = (size - 40) / max(1, len(lines))
    for i, line in enumerate(lines):
        font = _font(int(min(step * 0.8, 150 / max(1, len(line)))), bold=True)
        draw.text((size / 2, 20 + step * (i + 0.5)), line, font=font, fill=red, anchor="mm")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _centroid(points: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """Area centroid (shoelace), so an L-shaped area gets its label inside it."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(points, [*points[1:], points[0]], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-9:
        return points[0]
    return cx / (3 * area), cy / (3 * area)


def floor_plan_png(
    areas: Sequence[tuple[str, str, Sequence[tuple[int, int]], Colour]], size: tuple[int, int], title: str
) -> bytes:
    """The plant layout the area polygons are drawn in (pixel coordinates of this image)."""
    image = Image.new("RGB", size, (248, 248, 244))
    draw = ImageDraw.Draw(image)
    for x in range(0, size[0], 40):
        draw.line([(x, 0), (x, size[1])], fill=(236, 236, 232))
    for y in range(0, size[1], 40):
        draw.line([(0, y), (size[0], y)], fill=(236, 236, 232))
    for code, name, polygon, colour in areas:
        pts = [(float(px), float(py)) for px, py in polygon]
        draw.polygon(pts, fill=_mix(colour, (255, 255, 255), 0.55), outline=(60, 60, 60))
        cx, cy = _centroid(pts)
        draw.text((cx, cy - 12), name, font=_font(22, bold=True), fill=(30, 30, 30), anchor="mm")
        draw.text((cx, cy + 16), code, font=_font(16), fill=(80, 80, 80), anchor="mm")
    draw.rectangle([460, 560, 700, 760], fill=(230, 230, 226), outline=(120, 120, 120))
    draw.text((580, 660), "사무동 · 휴게실", font=_font(18), fill=(90, 90, 90), anchor="mm")
    draw.text((size[0] - 20, size[1] - 20), title, font=_font(16), fill=(90, 90, 90), anchor="rb")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
