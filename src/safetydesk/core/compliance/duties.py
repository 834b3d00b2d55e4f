"""The SAPA duty catalogue (``resources/legal/sapa_duties.toml``): titles, citations, ISO 45001 map, numbers.

Data, not code: the engine's rules read their thresholds ("at least one drill per half-year", "answer a
suggestion within 30 days") from here. Whether a duty recurs every half-year comes from ``periods.toml``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from safetydesk.core.resources import resource_path

FILE = "sapa_duties.toml"

DUTY_CODES: tuple[str, ...] = (
    "sapa_4_1",
    "sapa_4_2",
    "sapa_4_3",
    "sapa_4_4",
    "sapa_4_5",
    "sapa_4_6",
    "sapa_4_7",
    "sapa_4_8",
    "sapa_4_9",
    "sapa_5_2_1",
    "sapa_5_2_2",
    "sapa_5_2_3",
    "sapa_5_2_4",
)


@dataclass(frozen=True)
class DutyDefinition:
    code: str
    title_ko: str
    title_en: str
    legal_ref: str
    iso45001: tuple[str, ...]
    evidence_ko: str
    evidence_en: str
    params: dict[str, Any] = field(default_factory=dict)

    def param(self, name: str) -> Any:
        try:
            return self.params[name]
        except KeyError:
            raise KeyError(f"{FILE}: duty {self.code} has no params.{name}") from None


@dataclass(frozen=True)
class FactObligation:
    """An obligation triggered by a site fact rather than a headcount (``when``)."""

    code: str
    when: str  # uses_contractors | shipbuilding_contractors
    label_ko: str
    label_en: str
    source: str
    confidence: str


@dataclass(frozen=True)
class DutyCatalogue:
    duties: tuple[DutyDefinition, ...]
    obligations: tuple[FactObligation, ...]

    def duty(self, code: str) -> DutyDefinition:
        for d in self.duties:
            if d.code == code:
                return d
        raise KeyError(code)


_DUTY_KEYS = {"code", "title_ko", "title_en", "legal_ref", "iso45001", "evidence_ko", "evidence_en", "params"}
_OBLIGATION_KEYS = {"code", "when", "label_ko", "label_en", "source", "confidence"}
_WHEN = {"uses_contractors", "shipbuilding_contractors"}


@cache
def load_duty_catalogue() -> DutyCatalogue:
    with resource_path("legal", FILE).open("rb") as fh:
        return parse_duty_catalogue(tomllib.load(fh))


def parse_duty_catalogue(data: dict[str, Any]) -> DutyCatalogue:
    if data.get("format") != 1:
        raise ValueError(f"{FILE}: format must be 1")
    duties: list[DutyDefinition] = []
    for i, entry in enumerate(data.get("duty", [])):
        unknown = set(entry) - _DUTY_KEYS
        if unknown:
            raise ValueError(f"{FILE}: duty[{i}]: unknown keys {sorted(unknown)}")
        duties.append(
            DutyDefinition(
                code=str(entry["code"]),
                title_ko=str(entry["title_ko"]),
                title_en=str(entry["title_en"]),
                legal_ref=str(entry["legal_ref"]),
                iso45001=tuple(str(c) for c in entry.get("iso45001", ())),
                evidence_ko=str(entry["evidence_ko"]),
                evidence_en=str(entry["evidence_en"]),
                params=dict(entry.get("params", {})),
            )
        )
    codes = tuple(d.code for d in duties)
    if codes != DUTY_CODES:
        raise ValueError(f"{FILE}: expected the duties {DUTY_CODES} in that order, found {codes}")
    obligations: list[FactObligation] = []
    for i, entry in enumerate(data.get("obligation", [])):
        unknown = set(entry) - _OBLIGATION_KEYS
        if unknown or entry.get("when") not in _WHEN:
            raise ValueError(f"{FILE}: obligation[{i}]: bad keys or 'when'")
        obligations.append(FactObligation(**{k: str(entry[k]) for k in _OBLIGATION_KEYS}))
    return DutyCatalogue(tuple(duties), tuple(obligations))
