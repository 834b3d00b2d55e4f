"""The bundled Hangul font (NanumGothic, SIL OFL 1.1): the app never relies on the OS for Korean glyphs."""

from __future__ import annotations

from pathlib import Path

from safetydesk.core.resources import resource_path

REGULAR = "NanumGothic.ttf"
BOLD = "NanumGothicBold.ttf"


def font_file(bold: bool = False) -> Path:
    return resource_path("fonts", BOLD if bold else REGULAR)
