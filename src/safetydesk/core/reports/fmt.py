"""Small formatting helpers shared by the report builders (dates, numbers, yes/no) in a given language."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime

from safetydesk.core.clock import parse_iso_utc
from safetydesk.core.i18n import N_, _

DASH = "—"  # printed where the workspace holds nothing, so an empty field is visibly empty


def or_dash(*values: object) -> str:
    """The first value that holds text, or a dash."""
    for value in values:
        if value is not None and str(value).strip():
            return str(value).strip()
    return DASH


def translator(lang: str) -> Callable[[str], str]:
    def t(msgid: str) -> str:
        return _(msgid, lang)

    return t


def day(value: str | date | None) -> str:
    """``YYYY-MM-DD`` for a stored date or a date; empty for none (both languages read ISO dates)."""
    if value is None or value == "":
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)[:10]


def moment(value: str | datetime | None, with_weekday: bool = False, lang: str = "ko") -> str:
    """A stored UTC timestamp in local time, ``YYYY-MM-DD HH:MM`` (24 h), optionally with the weekday."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            when = parse_iso_utc(value)
        except ValueError:
            return value
    else:
        when = value
    local = when.astimezone()
    text = local.strftime("%Y-%m-%d %H:%M")
    if with_weekday:
        text += f" ({weekday(local.date(), lang)})"
    return text


_WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


def weekday(d: date, lang: str) -> str:
    return _(_WEEKDAYS[d.weekday()], lang)


def number(value: float | None, unit: str | None = None) -> str:
    if value is None:
        return ""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text} {unit}".strip() if unit else text


def percent(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}%"


def names(values: Iterable[str | None], sep: str = ", ") -> str:
    return sep.join(v for v in values if v)


def yes_no(value: bool | None, lang: str) -> str:
    if value is None:
        return ""
    return _(N_("Yes") if value else N_("No"), lang)


def period(start: date | None, end: date | None) -> str:
    if start and end:
        return f"{start.isoformat()} – {end.isoformat()}"
    if start:
        return f"{start.isoformat()} –"
    if end:
        return f"– {end.isoformat()}"
    return ""
