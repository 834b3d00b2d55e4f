"""Formats of the company's official numbers, checked the same way in the form and in the service.

Pure functions (no I/O), so a screen can check a field as the user types and the service can refuse
the same value if it ever arrives another way (CLI, import).
"""

from __future__ import annotations

import re

_BRN_DIGITS = re.compile(r"^\d{10}$")
_BRN = re.compile(r"^\d{3}-\d{2}-\d{5}$")
# KSIC (한국표준산업분류): an optional section letter and 2 to 5 digits, e.g. "C29" or "25112".
_KSIC = re.compile(r"^[A-Ua-u]?\d{2,5}$")

APPROVAL_DEFAULT = ("담당", "검토", "승인")
APPROVAL_MAX_BOXES = 4


def normalise_business_reg_no(text: str) -> str | None:
    """``000-00-00000`` for a valid entry (10 digits typed without hyphens are accepted), else None.

    An empty entry normalises to ``""`` — the number is optional until a report needs it.
    """
    value = text.strip()
    if not value:
        return ""
    if _BRN.match(value):
        return value
    if _BRN_DIGITS.match(value):
        return f"{value[:3]}-{value[3:5]}-{value[5:]}"
    return None


def normalise_ksic(text: str) -> str | None:
    value = text.strip().replace(" ", "")
    if not value:
        return ""
    if _KSIC.match(value):
        return value.upper()
    return None


def approval_titles(titles: list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """Trimmed, non-empty titles, at most four; the default 담당/검토/승인 when none are left."""
    cleaned = tuple(t.strip() for t in (titles or ()) if t and t.strip())[:APPROVAL_MAX_BOXES]
    return cleaned or APPROVAL_DEFAULT
