"""Contractors with their latest safety evaluation, as the 협력업체 screen shows them (Decree Art. 4-9).

An evaluation counts for ``evaluation_valid_months`` (resources/legal/sapa_duties.toml, duty
sapa_4_9; 12 months if the file has no such number) from the day it was made, as the compliance
engine counts it. Only completed (locked) evaluations make a contractor "evaluated" here: a draft
is shown, but it is not yet evidence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select

from safetydesk.core.db.tables import contractor_evaluations, contractors, people
from safetydesk.core.domain.legal import add_months
from safetydesk.core.i18n import N_
from safetydesk.core.workspace.workspace import Workspace

DEFAULT_VALID_MONTHS = 12
PURPOSES = ("prequalification", "periodic")
RESULTS = ("pass", "conditional", "fail")

# KOSHA-style prequalification criteria (도급·용역·위탁 시 수급인 안전보건 역량 평가): key, label, points.
DEFAULT_CRITERIA: tuple[tuple[str, str, int], ...] = (
    ("system_policy", N_("Safety and health management system and policy"), 20),
    ("risk_assessment", N_("Ability to carry out risk assessments"), 20),
    ("education", N_("Safety and health education given"), 15),
    ("accident_history", N_("Accident history (last 3 years)"), 15),
    ("ppe_equipment", N_("PPE and equipment management"), 15),
    ("emergency", N_("Emergency response system"), 15),
)
# Suggested result from the total as a share of the maximum (the evaluator decides).
PASS_SHARE = 0.7
CONDITIONAL_SHARE = 0.6


@dataclass(frozen=True)
class ContractorInput:
    name: str
    business_reg_no: str = ""
    work_scope: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contract_from: date | None = None
    contract_to: date | None = None
    safety_cost_standard: str = ""
    building_period_standard: str = ""


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    score: float
    max: float

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "score": self.score, "max": self.max}


@dataclass(frozen=True)
class ContractorEvaluationInput:
    contractor_id: str
    evaluated_on: date
    purpose: str = "prequalification"
    criteria: tuple[Criterion, ...] = field(default_factory=tuple)
    result: str | None = None
    evaluator: str = ""
    notes: str = ""


def default_criteria(lang: str | None = None) -> tuple[Criterion, ...]:
    """The prequalification criteria with zero scores; labels in ``lang`` (stored as shown)."""
    from safetydesk.core.i18n import _

    return tuple(Criterion(key, _(text, lang), 0.0, float(points)) for key, text, points in DEFAULT_CRITERIA)


def total_score(criteria: Sequence[Criterion]) -> float:
    return float(sum(c.score for c in criteria))


def suggested_result(criteria: Sequence[Criterion]) -> str | None:
    """pass from 70 % of the points, conditional from 60 %, else fail; None without criteria."""
    most = sum(c.max for c in criteria)
    if most <= 0:
        return None
    share = total_score(criteria) / most
    return "pass" if share >= PASS_SHARE else "conditional" if share >= CONDITIONAL_SHARE else "fail"


def criteria_from_rows(rows: Sequence[Mapping[str, Any]] | None) -> tuple[Criterion, ...]:
    out: list[Criterion] = []
    for r in rows or ():
        out.append(
            Criterion(
                str(r.get("key") or ""),
                str(r.get("label") or ""),
                float(r.get("score") or 0),
                float(r.get("max") or 0),
            )
        )
    return tuple(out)


def evaluation_valid_months() -> int:
    """How long an evaluation counts (sapa_duties.toml sapa_4_9 params, else 12)."""
    try:
        from safetydesk.core.compliance.duties import load_duty_catalogue

        return int(load_duty_catalogue().duty("sapa_4_9").param("evaluation_valid_months"))
    except (KeyError, FileNotFoundError, ValueError):
        return DEFAULT_VALID_MONTHS


@dataclass(frozen=True)
class EvaluationRow:
    id: str
    contractor_id: str
    evaluated_on: date
    purpose: str
    criteria: tuple[dict[str, Any], ...]
    total_score: float | None
    max_score: float
    result: str | None
    evaluator: str | None
    notes: str | None
    status: str
    locked: bool
    retention_until: str | None
    valid_until: date


@dataclass(frozen=True)
class ContractorRow:
    id: str
    name: str
    business_reg_no: str | None
    work_scope: str | None
    contact_name: str | None
    contact_phone: str | None
    contract_from: date | None
    contract_to: date | None
    safety_cost_standard: str | None
    building_period_standard: str | None
    latest: EvaluationRow | None  # newest evaluation of any status
    valid_evaluation: EvaluationRow | None  # newest completed one still within its validity
    last_completed: EvaluationRow | None  # newest completed one, valid or not
    workers: int  # people of this contractor still employed today

    @property
    def cost_standard_set(self) -> bool:
        return bool(self.safety_cost_standard)

    @property
    def building_period_set(self) -> bool:
        return bool(self.building_period_standard)

    @property
    def evaluation_due(self) -> bool:
        """No completed evaluation within its validity: the contractor must be (re)evaluated."""
        return self.valid_evaluation is None

    def active_on(self, day: date) -> bool:
        return (self.contract_from is None or self.contract_from <= day) and (
            self.contract_to is None or self.contract_to >= day
        )


def _day(value: object) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def _evaluation(row: Any, months: int) -> EvaluationRow:
    criteria = tuple(dict(c) for c in (row.criteria or ()))
    evaluated_on = date.fromisoformat(str(row.evaluated_on))
    return EvaluationRow(
        id=str(row.id),
        contractor_id=str(row.contractor_id),
        evaluated_on=evaluated_on,
        purpose=str(row.purpose),
        criteria=criteria,
        total_score=None if row.total_score is None else float(row.total_score),
        max_score=float(sum(float(c.get("max") or 0) for c in criteria)),
        result=row.result,
        evaluator=row.evaluator,
        notes=row.notes,
        status=str(row.status),
        locked=row.locked_at is not None,
        retention_until=row.retention_until,
        valid_until=add_months(evaluated_on, months),
    )


def evaluations(ws: Workspace, contractor_id: str | None = None) -> tuple[EvaluationRow, ...]:
    """Live evaluations, newest first (of one contractor if given)."""
    months = evaluation_valid_months()
    ce = contractor_evaluations
    stmt = select(ce).where(ce.c.deleted_at.is_(None))
    if contractor_id is not None:
        stmt = stmt.where(ce.c.contractor_id == contractor_id)
    stmt = stmt.order_by(ce.c.evaluated_on.desc(), ce.c.created_at.desc())
    with ws.reader() as conn:
        return tuple(_evaluation(r, months) for r in conn.execute(stmt).all())


def evaluation(ws: Workspace, evaluation_id: str) -> EvaluationRow:
    months = evaluation_valid_months()
    ce = contractor_evaluations
    with ws.reader() as conn:
        row = conn.execute(select(ce).where(ce.c.id == evaluation_id)).one()
    return _evaluation(row, months)


def contractor_list(ws: Workspace, *, today: date | None = None) -> tuple[ContractorRow, ...]:
    """Every live contractor with its latest and its valid evaluation and its workers, by name."""
    day = today or date.today()
    iso = day.isoformat()
    all_evaluations = evaluations(ws)
    latest: dict[str, EvaluationRow] = {}
    valid: dict[str, EvaluationRow] = {}
    completed: dict[str, EvaluationRow] = {}
    for e in all_evaluations:  # newest first
        latest.setdefault(e.contractor_id, e)
        if e.locked and e.evaluated_on <= day:
            completed.setdefault(e.contractor_id, e)
        if e.locked and e.evaluated_on <= day <= e.valid_until:
            valid.setdefault(e.contractor_id, e)
    with ws.reader() as conn:
        workers: dict[str, int] = {
            str(k): int(v)
            for k, v in conn.execute(
                select(people.c.contractor_id, func.count())
                .where(
                    people.c.contractor_id.is_not(None),
                    people.c.deleted_at.is_(None),
                    (people.c.left_on.is_(None)) | (people.c.left_on >= iso),
                )
                .group_by(people.c.contractor_id)
            ).all()
        }
        rows = conn.execute(
            select(contractors).where(contractors.c.deleted_at.is_(None)).order_by(contractors.c.name)
        ).all()
    return tuple(
        ContractorRow(
            id=str(r.id),
            name=str(r.name),
            business_reg_no=r.business_reg_no,
            work_scope=r.work_scope,
            contact_name=r.contact_name,
            contact_phone=r.contact_phone,
            contract_from=_day(r.contract_from),
            contract_to=_day(r.contract_to),
            safety_cost_standard=r.safety_cost_standard,
            building_period_standard=r.building_period_standard,
            latest=latest.get(str(r.id)),
            valid_evaluation=valid.get(str(r.id)),
            last_completed=completed.get(str(r.id)),
            workers=workers.get(str(r.id), 0),
        )
        for r in rows
    )


def contractor(ws: Workspace, contractor_id: str, *, today: date | None = None) -> ContractorRow:
    for row in contractor_list(ws, today=today):
        if row.id == contractor_id:
            return row
    raise KeyError(contractor_id)


@dataclass(frozen=True)
class ContractorWorker:
    id: str
    name: str
    job_title: str | None
    hired_on: str | None
    left_on: str | None


def contractor_workers(ws: Workspace, contractor_id: str) -> tuple[ContractorWorker, ...]:
    """The people registered as this contractor's workers (people.contractor_id), by name."""
    with ws.reader() as conn:
        rows = conn.execute(
            select(people.c.id, people.c.name, people.c.job_title, people.c.hired_on, people.c.left_on)
            .where(people.c.contractor_id == contractor_id, people.c.deleted_at.is_(None))
            .order_by(people.c.name)
        ).all()
    return tuple(ContractorWorker(str(r.id), str(r.name), r.job_title, r.hired_on, r.left_on) for r in rows)


def building_period_applies(ws: Workspace, *, today: date | None = None) -> bool:
    """True when the site is in shipbuilding (KSIC 311) and gives work to contractors (Decree 4-9 다)."""
    from safetydesk.core.compliance import obligations as obl

    with ws.reader() as conn:
        facts = obl.site_facts(conn, today or date.today())
    return facts.uses_contractors and "shipbuilding" in facts.industries
