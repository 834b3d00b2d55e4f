"""One message catalogue for core and UI (DESIGN.md §9).

Source strings are English; ``resources/locale/<lang>/LC_MESSAGES/safetydesk.po`` holds the
translations. The catalogue is read once, on first use, so start-up does not pay for it.
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


def N_(msgid: str) -> str:  # noqa: N802 - gettext convention
    """Mark a string for extraction without translating it yet."""
    return msgid


@cache
def _catalogue(lang: str) -> dict[str, str]:
    path = resource_path("locale", lang, "LC_MESSAGES", "safetydesk.po")
    if not path.exists():
        return {}
    from babel.messages.pofile import read_po

    with _lock, path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    return {str(m.id): str(m.string) for m in catalog if m.id and m.string and not m.fuzzy}


def _(msgid: str, lang: str | None = None) -> str:
    """Translate ``msgid`` into ``lang`` (default: the user's language)."""
    lang = lang or _state["lang"]
    if lang == "en":
        return msgid
    return _catalogue(lang).get(msgid, msgid)
