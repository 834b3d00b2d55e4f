"""Shared vocabulary for versioned legal data: confidence tags, dated versions, strict field reading.

Kept apart from ``legal`` so that ``risk`` can use it without an import cycle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from enum import StrEnum
from itertools import pairwise
from typing import NamedTuple, Protocol, TypeVar


class Confidence(StrEnum):
    """How firmly a fact is sourced; the tags of DOMAIN.md §0."""

    LAW = "L"
    PUBLIC_PAGE = "P"
    SECONDARY = "C"
    MEMORY = "M"


class LegalDefinitionError(ValueError):
    """A legal-data mapping is malformed; ``key`` is the dotted path of the offending entry."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message


class LegalLookupError(LookupError):
    """A question the legal data cannot answer; carries the text a person will read in both languages."""

    def __init__(self, message_ko: str, message_en: str) -> None:
        super().__init__(f"{message_en} / {message_ko}")
        self.message_ko = message_ko
        self.message_en = message_en


class UnknownCodeError(LegalLookupError):
    """The code (scale, record kind, course…) is not in the data at all."""


class NotInForceError(LegalLookupError):
    """The code exists but no version of it is in force on the date asked about."""


class Dated(Protocol):
    @property
    def effective_from(self) -> date: ...

    @property
    def effective_to(self) -> date | None: ...


D = TypeVar("D", bound=Dated)


def in_force(item: Dated, on: date) -> bool:
    """``effective_to`` is the last day in force (inclusive), as laws state it."""
    return item.effective_from <= on and (item.effective_to is None or on <= item.effective_to)


def pick_in_force(versions: Sequence[D], on: date, what: str) -> D:
    """The version in force on ``on``; an open-ended version yields to any later one."""
    chosen: D | None = None
    for version in versions:
        if in_force(version, on) and (chosen is None or version.effective_from > chosen.effective_from):
            chosen = version
    if chosen is None:
        earliest = min((v.effective_from for v in versions), default=None)
        if earliest is not None and on < earliest:
            raise NotInForceError(
                f"{what}: {on.isoformat()}은(는) 최초 시행일 {earliest.isoformat()} 이전입니다.",
                f"{what}: {on.isoformat()} is before the first version (in force from {earliest.isoformat()}).",
            )
        raise NotInForceError(
            f"{what}: {on.isoformat()}에 시행 중인 기준이 없습니다.",
            f"{what}: no version is in force on {on.isoformat()}.",
        )
    return chosen


def check_versions(versions: Sequence[Dated], key: str) -> None:
    """Refuse overlapping or self-contradicting versions of one code, so a date never picks two."""
    ordered = sorted(versions, key=lambda v: v.effective_from)
    for version in ordered:
        if version.effective_to is not None and version.effective_to < version.effective_from:
            raise LegalDefinitionError(key, "effective_to is before effective_from")
    for earlier, later in pairwise(ordered):
        if earlier.effective_from == later.effective_from:
            raise LegalDefinitionError(
                key, f"two versions take effect on the same day {later.effective_from.isoformat()}"
            )
        if earlier.effective_to is not None and earlier.effective_to >= later.effective_from:
            raise LegalDefinitionError(
                key,
                f"version from {earlier.effective_from.isoformat()} (to {earlier.effective_to.isoformat()}) "
                f"overlaps the version from {later.effective_from.isoformat()}",
            )


T = TypeVar("T")


def group_by(items: Iterable[T], key_of: Callable[[T], str]) -> dict[str, list[T]]:
    """Group parsed entries by their code, keeping file order."""
    grouped: dict[str, list[T]] = {}
    for item in items:
        grouped.setdefault(key_of(item), []).append(item)
    return grouped


class Fields:
    """Strict reader over one TOML table: typed getters, and unknown keys are an error (typos in law data)."""

    def __init__(self, data: object, key: str) -> None:
        if not isinstance(data, Mapping):
            raise LegalDefinitionError(key, "expected a table")
        self._data: Mapping[str, object] = data
        self.key = key
        self._used: set[str] = set()

    @property
    def data(self) -> Mapping[str, object]:
        """The raw table, for a parser that builds its own ``Fields`` (and checks its own keys)."""
        return self._data

    def path(self, name: str) -> str:
        return f"{self.key}.{name}" if self.key else name

    def has(self, name: str) -> bool:
        return name in self._data

    def _get(self, name: str) -> object:
        self._used.add(name)
        if name not in self._data:
            raise LegalDefinitionError(self.path(name), "missing")
        return self._data[name]

    def text(self, name: str) -> str:
        value = self._get(name)
        if not isinstance(value, str) or not value.strip():
            raise LegalDefinitionError(self.path(name), "expected non-empty text")
        return value

    def opt_text(self, name: str, default: str = "") -> str:
        return self.text(name) if self.has(name) else self._skip(name, default)

    def integer(self, name: str, *, minimum: int | None = None) -> int:
        value = self._get(name)
        if isinstance(value, bool) or not isinstance(value, int):
            raise LegalDefinitionError(self.path(name), "expected a whole number")
        if minimum is not None and value < minimum:
            raise LegalDefinitionError(self.path(name), f"must be at least {minimum}")
        return value

    def opt_integer(self, name: str, *, minimum: int | None = None) -> int | None:
        return self.integer(name, minimum=minimum) if self.has(name) else self._skip(name, None)

    def boolean(self, name: str) -> bool:
        value = self._get(name)
        if not isinstance(value, bool):
            raise LegalDefinitionError(self.path(name), "expected true or false")
        return value

    def day(self, name: str) -> date:
        value = self._get(name)
        if isinstance(value, datetime) or not isinstance(value, date):
            raise LegalDefinitionError(self.path(name), "expected a TOML date such as 2026-06-01")
        return value

    def opt_day(self, name: str) -> date | None:
        return self.day(name) if self.has(name) else self._skip(name, None)

    def integers(self, name: str, *, minimum: int | None = None) -> tuple[int, ...]:
        value = self._get(name)
        if not isinstance(value, list) or not value:
            raise LegalDefinitionError(self.path(name), "expected a non-empty list of whole numbers")
        out: list[int] = []
        for index, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, int):
                raise LegalDefinitionError(f"{self.path(name)}[{index}]", "expected a whole number")
            if minimum is not None and item < minimum:
                raise LegalDefinitionError(f"{self.path(name)}[{index}]", f"must be at least {minimum}")
            out.append(item)
        return tuple(out)

    def texts(self, name: str) -> tuple[str, ...]:
        value = self._get(name)
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
            raise LegalDefinitionError(self.path(name), "expected a non-empty list of texts")
        return tuple(str(v) for v in value)

    def choice(self, name: str, allowed: Iterable[str]) -> str:
        options = tuple(allowed)
        value = self.text(name)
        if value not in options:
            raise LegalDefinitionError(self.path(name), f"{value!r} is not one of {', '.join(options)}")
        return value

    def table(self, name: str) -> Fields:
        return Fields(self._get(name), self.path(name))

    def tables(self, name: str) -> list[Fields]:
        value = self._get(name)
        if not isinstance(value, list) or not value:
            raise LegalDefinitionError(self.path(name), "expected a non-empty array of tables ([[...]])")
        return [Fields(item, f"{self.path(name)}[{index}]") for index, item in enumerate(value)]

    def confidence(self) -> Confidence:
        value = self.choice("confidence", [c.value for c in Confidence])
        return Confidence(value)

    def finish(self) -> None:
        unknown = sorted(set(self._data) - self._used)
        if unknown:
            raise LegalDefinitionError(self.path(unknown[0]), "unknown key (typo?)")

    def _skip(self, name: str, default: T) -> T:
        self._used.add(name)
        return default


def read_format(doc: Fields, expected: int) -> None:
    """Every file states its format number so an old app refuses a file it would misread."""
    found = doc.integer("format")
    if found != expected:
        raise LegalDefinitionError(
            doc.path("format"), f"format {found} is not supported (expected {expected})"
        )


class Common(NamedTuple):
    """The fields every legal entry carries."""

    effective_from: date
    effective_to: date | None
    source: str
    confidence: Confidence
    note: str


def read_common(entry: Fields) -> Common:
    return Common(
        effective_from=entry.day("effective_from"),
        effective_to=entry.opt_day("effective_to"),
        source=entry.text("source"),
        confidence=entry.confidence(),
        note=entry.opt_text("note"),
    )
