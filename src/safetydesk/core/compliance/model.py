"""What the SAPA compliance engine returns (issue 6). Plain frozen dataclasses, no I/O.

The engine (``core/compliance/engine.py``) computes these from the records — a status is never
typed in (DESIGN.md; SAPA Decree Art. 4, 5 and 13; DOMAIN.md §1). The screens, the CLI
(``safetydesk compliance``) and the evidence binder all read the same ``ComplianceReport``.

Duty codes: ``sapa_4_1`` … ``sapa_4_9`` (Decree Art. 4 items 1–9) and ``sapa_5_2_1`` …
``sapa_5_2_4`` (Decree Art. 5② items 1–4). Half-yearly duties use the period codes of
``resources/legal/periods.toml`` (``2026H1`` = 1 Jan – 30 Jun).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    MET = "met"
    PARTLY = "partly"
    MISSING = "missing"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class Text:
    """A message in both languages, or a msgid with parameters rendered by ``render(lang)``."""

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, lang: str | None = None) -> str:
        from safetydesk.core.i18n import _

        text = _(self.msgid, lang)
        return text.format(**self.params) if self.params else text


@dataclass(frozen=True)
class Obligation:
    """A duty that applies (or not) because of the site's facts, with the legal source."""

    code: str  # threshold code from resources/legal/thresholds.toml, e.g. "safety_health_coordinator"
    applies: bool
    label_ko: str
    label_en: str
    source: str  # e.g. "산업안전보건법 시행령 제24조"
    reason: Text  # e.g. "48 workers (20–49), manufacturing"


@dataclass(frozen=True)
class Evidence:
    """One record that counts towards a duty in the period."""

    entity: str  # table name: policies, risk_assessments, drills, ...
    record_id: str
    title: str
    on: date | None  # the day it was carried out
    kind: str = ""  # what it proves, a short code (e.g. "owner_report", "drill", "evaluation")


@dataclass(frozen=True)
class Gap:
    """Something missing or overdue, in plain words, with the record that would close it."""

    duty_code: str
    message: Text
    start: str | None = None  # what to start: "policy", "risk_assessment", "drill", "contractor_evaluation",
    #                           "training", "compliance_check", "suggestion", "budget", "appointment", ...
    due: date | None = None


@dataclass(frozen=True)
class HalfYearCheck:
    """The officer's half-yearly review of one duty and the owner's confirmation (compliance_checks)."""

    record_id: str
    reviewed_on: date | None
    reviewer: str | None
    findings: str | None
    owner_name: str | None
    owner_confirmed_on: date | None
    locked: bool


@dataclass(frozen=True)
class DutyStatus:
    code: str
    title_ko: str
    title_en: str
    legal_ref: str  # e.g. "중대재해처벌법 시행령 제4조제3호"
    half_yearly: bool
    status: Status
    reason: Text  # why met / partly / missing / not applicable
    evidence: tuple[Evidence, ...] = ()
    gaps: tuple[Gap, ...] = ()
    check: HalfYearCheck | None = None
    iso45001: tuple[str, ...] = ()  # ISO 45001 clauses this duty maps to, e.g. ("5.2", "6.1.2")

    def title(self, lang: str | None = None) -> str:
        from safetydesk.core.i18n import current_language

        return self.title_en if (lang or current_language()) == "en" else self.title_ko


@dataclass(frozen=True)
class ComplianceReport:
    period: str  # "2026H1"
    start: date
    end: date
    as_of: date  # statuses count records up to this day (today, or the period end if it is over)
    site_name: str
    workers: int  # regular workers in force on as_of (headcount history)
    contractor_workers: int
    industry: str  # e.g. "manufacturing", "shipbuilding"
    obligations: tuple[Obligation, ...]
    duties: tuple[DutyStatus, ...]

    def duty(self, code: str) -> DutyStatus:
        for d in self.duties:
            if d.code == code:
                return d
        raise KeyError(code)

    @property
    def gaps(self) -> tuple[Gap, ...]:
        return tuple(g for d in self.duties for g in d.gaps)
