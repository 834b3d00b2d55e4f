"""Locate the shipped resources (fonts, templates, legal data, catalogues, models).

Three layouts exist: a source checkout or editable install (``<repo>/resources``), an installed
wheel (``safetydesk/resources`` inside the package) and a PyInstaller bundle (``sys._MEIPASS``).
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path


@cache
def resources_dir() -> Path:
    here = Path(__file__).resolve()
    candidates = []
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates.append(Path(frozen) / "resources")
    candidates.append(here.parents[1] / "resources")  # installed wheel
    candidates.append(here.parents[3] / "resources")  # source checkout
    for candidate in candidates:
        if (candidate / "legal").is_dir():
            return candidate
    raise FileNotFoundError("SafetyDesk resources folder not found; the installation is incomplete")


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
