"""Draw the SafetyDesk icon (a blue shield with a white check) and write the PNG and the Windows .ico.

The files are committed in ``resources/icons/``; run this only to change the design:
``python installer/make_icon.py``.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

BLUE = (0x1B, 0x4F, 0x8A, 255)
LIGHT = (0x3A, 0x74, 0xB6, 255)
WHITE = (255, 255, 255, 255)
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]
ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"


def _bezier(p0: tuple[float, float], p1: tuple[float, float], p2: tuple[float, float], steps: int = 48):
    for i in range(steps + 1):
        t = i / steps
        yield (
            (1 - t) ** 2 * p0[0] + 2 * (1 - t) * t * p1[0] + t**2 * p2[0],
            (1 - t) ** 2 * p0[1] + 2 * (1 - t) * t * p1[1] + t**2 * p2[1],
        )


def _shield(size: int, inset: float) -> list[tuple[float, float]]:
    """Outline of a heater shield in a unit square, shrunk by ``inset``, scaled to ``size`` pixels."""
    right, top, shoulder, waist, bottom = 0.86, 0.06, 0.16, 0.52, 0.95  # the left side mirrors it
    right_side = [(0.5, top), (right, shoulder), (right, waist)]
    right_side += list(_bezier((right, waist), (right, 0.80), (0.5, bottom)))[1:]
    left_side = [(1 - x, y) for x, y in reversed(right_side[:-1])]
    points = right_side + left_side
    cx, cy = 0.5, 0.5
    scale = 1 - 2 * inset
    return [((cx + (x - cx) * scale) * size, (cy + (y - cy) * scale) * size) for x, y in points]


def draw(size: int = 1024) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.polygon(_shield(size, 0.0), fill=BLUE)
    pen.line([*_shield(size, 0.055), _shield(size, 0.055)[0]], fill=LIGHT, width=size // 40, joint="curve")
    check = [(0.31 * size, 0.50 * size), (0.45 * size, 0.64 * size), (0.70 * size, 0.36 * size)]
    width = int(size * 0.10)
    pen.line(check, fill=WHITE, width=width, joint="curve")
    for x, y in (check[0], check[-1]):
        r = width / 2
        pen.ellipse((x - r, y - r, x + r, y + r), fill=WHITE)
    return image


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    big = draw()
    big.resize((256, 256), Image.Resampling.LANCZOS).save(ICONS / "safetydesk.png", optimize=True)
    big.resize((256, 256), Image.Resampling.LANCZOS).save(ICONS / "safetydesk.ico", sizes=ICO_SIZES)
    print(f"wrote {ICONS / 'safetydesk.png'} and {ICONS / 'safetydesk.ico'}")


if __name__ == "__main__":
    main()
