"""One risk assessment as plain values, how its items are scored, and when it may be completed.

Pure rules (no I/O) so that the editor can show the same verdict live that the service enforces on
save and on completion (notice §§11–12: reduce every unacceptable risk and re-decide the residual).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from safetydesk.core.domain.risk import RiskResult, RiskScale, ScaleMethod, evaluate

ASSESSMENT_TYPES = ("initial", "regular", "adhoc", "continuous")
HAZARD_CLASSES = (
    "mechanical",
    "electrical",
    "chemical",
    "biological",
    "ergonomic",
    "environmental",
    "fall",
    "fire_explosion",
    "other",
)
# Rule Art. 37-2: workers take part through site rounds; the other channels may be added.
DISCOVERY_METHODS = (
    "site_round",
    "suggestion",
    "interview",
    "safety_data",
    "checklist",
    "near_miss",
    "tbm",
    "other",
)
PARTICIPANT_ROLES = ("worker", "supervisor", "worker_rep", "safety_staff", "manager", "contractor")
HIERARCHY = ("legal", "elimination", "substitution", "engineering", "administrative", "ppe")


@dataclass(frozen=True)
class Participant:
    name: str
    role: str
    person_id: str | None = None


@dataclass(frozen=True)
class RiskItemData:
    """One row of the KRAS table; ``id`` is None until the service has stored it."""

    task: str = ""
    hazard_class: str = ""
    situation: str = ""
    legal_basis: str = ""
    current_controls: str = ""
    likelihood: int | None = None
    severity: int | None = None
    level: str | None = None
    reduction_measures: str = ""
    hierarchy: str | None = None
    residual_likelihood: int | None = None
    residual_severity: int | None = None
    residual_level: str | None = None
    planned_on: str | None = None
    completed_on: str | None = None
    owner_name: str = ""
    remarks: str = ""
    id: str | None = None
    action_id: str | None = None
    action_status: str | None = None
    # The hazard group a person chose for this row (kept in ``hazard_labels``, not in ``risk_items``)
    # and the suggestion shown when they chose (``Suggestion.to_dict()``), if the model made one.
    hazard_group: str | None = None
    model_suggestion: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class AssessmentHeader:
    title: str
    assessment_type: str
    scale_code: str
    scale_version: int
    assessed_on: str
    site_id: str | None = None
    area_id: str | None = None
    trigger: str = ""
    lead_assessor: str = ""
    participants: tuple[Participant, ...] = ()
    worker_rep_participated: bool = False
    discovery_methods: tuple[str, ...] = ("site_round",)
    reported_to_owner_on: str | None = None
    shared_how: str = ""


def rate(
    scale: RiskScale, likelihood: int | None = None, severity: int | None = None, level: str | None = None
) -> RiskResult | None:
    """Score one rating, or None while it is still incomplete; a value not on the scale raises."""
    if scale.method is ScaleMethod.MATRIX:
        if likelihood is None or severity is None:
            return None
        return evaluate(scale, likelihood=likelihood, severity=severity)
    if not level:
        return None
    return evaluate(scale, level=level)


def current_risk(scale: RiskScale, item: RiskItemData) -> RiskResult | None:
    return rate(scale, item.likelihood, item.severity, item.level)


def residual_risk(scale: RiskScale, item: RiskItemData) -> RiskResult | None:
    return rate(scale, item.residual_likelihood, item.residual_severity, item.residual_level)


def safe_rate(
    scale: RiskScale, likelihood: int | None = None, severity: int | None = None, level: str | None = None
) -> RiskResult | None:
    """Like ``rate`` but a value that does not fit the scale counts as not rated (for live display)."""
    try:
        return rate(scale, likelihood, severity, level)
    except ValueError:
        return None


class Blocker(StrEnum):
    NOT_RATED = "not_rated"
    NO_MEASURE = "no_measure"
    NO_RESIDUAL = "no_residual"
    RESIDUAL_UNACCEPTABLE = "residual_unacceptable"


@dataclass(frozen=True)
class CompletionBlocker:
    number: int  # 1-based row number as the table shows it
    task: str
    reason: Blocker


def completion_blockers(scale: RiskScale, items: Sequence[RiskItemData]) -> tuple[CompletionBlocker, ...]:
    """Items that keep the assessment open: unrated, or unacceptable without a measure and an
    acceptable re-decided residual risk (Rule Art. 37①3: improve until the risk is acceptable)."""
    out: list[CompletionBlocker] = []
    for number, item in enumerate(items, start=1):
        current = safe_rate(scale, item.likelihood, item.severity, item.level)
        if current is None:
            out.append(CompletionBlocker(number, item.task, Blocker.NOT_RATED))
            continue
        if current.acceptable:
            continue
        if not item.reduction_measures.strip():
            out.append(CompletionBlocker(number, item.task, Blocker.NO_MEASURE))
            continue
        residual = safe_rate(scale, item.residual_likelihood, item.residual_severity, item.residual_level)
        if residual is None:
            out.append(CompletionBlocker(number, item.task, Blocker.NO_RESIDUAL))
        elif not residual.acceptable:
            out.append(CompletionBlocker(number, item.task, Blocker.RESIDUAL_UNACCEPTABLE))
    return tuple(out)
