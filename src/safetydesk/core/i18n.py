"""One message catalogue for core and UI (DESIGN.md §9).

Source strings are English; ``resources/locale/<lang>/LC_MESSAGES/*.po`` hold the translations
(``safetydesk.po`` for the core, one file per UI topic). The catalogue is read once, on first use, so start-up does not pay for it.
"""

from __future__ import annotations

import threading
from functools import cache

from safetydesk.core.resources import resource_path

LANGUAGES = ("ko", "en")
_state = {"lang": "ko"}
_lock = threading.Lock()


def set_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    _state["lang"] = lang


def current_language() -> str:
    return _state["lang"]


def N_(msgid: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return msgid


@cache
def _catalogue(lang: str) -> dict[str, str]:
    """Merge every ``*.po`` of the language (one file per topic keeps translators out of each other's way)."""
    folder = resource_path("locale", lang, "LC_MESSAGES")
    if not folder.is_dir():
        return {}
    from babel.messages.pofile import read_po

    merged: dict[str, str] = {}
    with _lock:
        for path in sorted(folder.glob("*.po")):
            with path.open("rb") as fh:
                catalog = read_po(fh, locale=lang)
            merged.update({str(m.id): str(m.string) for m in catalog if m.id and m.string and not m.fuzzy})
    return merged


def _(msgid: str, lang: str | None = None) -> str:
    """Translate ``msgid`` into ``lang`` (default: the user's language)."""
    lang = lang or _state["lang"]
    if lang == "en":
        return msgid
    return _catalogue(lang).get(msgid, msgid)
