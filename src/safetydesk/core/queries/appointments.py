"""Safety-role appointments and the half-yearly role evaluations (SAPA Decree Art. 4 items 5 and 6).

An appointment is in force on a day when ``appointed_on <= day`` and it has not ended before that
day (``ended_on`` is the last day in the role). Decree Art. 4-5 asks for a half-yearly evaluation of
the site safety manager, the supervisors and the contractor safety lead (``EVALUATED_ROLES``); the
appointments of safety/health officers, the coordinator and the physician are reported to MOEL
within 14 days (OSH Decree Art. 16⑥ and the articles that refer to it; ``MOEL_REPORT_ROLES``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Row, and_, or_, select

from safetydesk.core.db.tables import appointments, people, role_evaluations
from safetydesk.core.domain.legal import HalfYear
from safetydesk.core.i18n import N_, _
from safetydesk.core.workspace.workspace import Workspace

ROLES: tuple[str, ...] = (
    "safety_health_manager",
    "supervisor",
    "safety_officer",
    "health_officer",
    "safety_health_coordinator",
    "general_safety_lead",
    "industrial_physician",
)

# English msgids; Korean (안전보건관리책임자, 관리감독자, ...) in sapa_records.po.
ROLE_LABELS: dict[str, str] = {
    "safety_health_manager": N_("Site safety and health manager"),
    "supervisor": N_("Supervisor"),
    "safety_officer": N_("Safety officer"),
    "health_officer": N_("Health officer"),
    "safety_health_coordinator": N_("Safety and health coordinator"),
    "general_safety_lead": N_("Contractor safety lead"),
    "industrial_physician": N_("Occupational physician"),
}

RESULTS: tuple[str, ...] = ("good", "adequate", "needs_improvement")
RESULT_LABELS: dict[str, str] = {
    "good": N_("Good"),
    "adequate": N_("Adequate"),
    "needs_improvement": N_("Needs improvement"),
}

# Decree Art. 4-5: evaluated at least once per half-year.
EVALUATED_ROLES: frozenset[str] = frozenset({"safety_health_manager", "supervisor", "general_safety_lead"})
# Reported to the labour office within 14 days of appointment (OSH Decree Art. 16⑥, 20, 22, 24).
MOEL_REPORT_ROLES: frozenset[str] = frozenset(
    {"safety_officer", "health_officer", "safety_health_coordinator", "industrial_physician"}
)
MOEL_REPORT_DAYS = 14
# How long after a half-year ends its evaluation may still be dated (the 6/30 cut is reported in July).
EVALUATION_GRACE_DAYS = 31


def role_label(code: str, lang: str | None = None) -> str:
    return _(ROLE_LABELS[code], lang) if code in ROLE_LABELS else code


def result_label(code: str, lang: str | None = None) -> str:
    return _(RESULT_LABELS[code], lang) if code in RESULT_LABELS else code


@dataclass(frozen=True)
class AppointmentInput:
    person_id: str
    role: str
    appointed_on: date
    authority: str | None = None  # the authority given (Decree 4-5 가)
    budget_amount: int | None = None  # KRW a year at their disposal
    reported_to_moel_on: date | None = None
    outsourced_to: str | None = None  # an agency (위탁) instead of an employee


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    score: float
    max: float


@dataclass(frozen=True)
class EvaluationInput:
    appointment_id: str
    period: str  # "2026H1"
    evaluated_on: date
    criteria: tuple[Criterion, ...] | list[dict[str, Any]]
    result: str  # good | adequate | needs_improvement
    evaluator: str
    notes: str | None = None


@dataclass(frozen=True)
class AppointmentRow:
    id: str
    person_id: str
    person_name: str
    role: str
    appointed_on: date
    ended_on: date | None
    authority: str | None
    budget_amount: int | None
    reported_to_moel_on: date | None
    outsourced_to: str | None
    retention_until: str | None

    @property
    def report_due(self) -> date | None:
        """Last day to report the appointment to MOEL, for the roles that must be reported."""
        if self.role not in MOEL_REPORT_ROLES or self.outsourced_to:
            return None
        return self.appointed_on + timedelta(days=MOEL_REPORT_DAYS)

    @property
    def report_late(self) -> bool:
        due = self.report_due
        if due is None:
            return False
        return self.reported_to_moel_on is None or self.reported_to_moel_on > due

    def in_force(self, day: date) -> bool:
        return self.appointed_on <= day and (self.ended_on is None or day <= self.ended_on)


@dataclass(frozen=True)
class EvaluationRow:
    id: str
    appointment_id: str
    person_id: str
    person_name: str
    role: str
    period: str
    evaluated_on: date
    criteria: tuple[Criterion, ...]
    total_score: float | None
    max_score: float
    result: str | None
    evaluator: str | None
    notes: str | None
    status: str
    locked: bool
    retention_until: str | None


def _d(value: Any) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def _appointment(r: Row[Any]) -> AppointmentRow:
    m = r._mapping
    return AppointmentRow(
        id=m["id"],
        person_id=m["person_id"],
        person_name=m["person_name"] or "",
        role=m["role"],
        appointed_on=date.fromisoformat(m["appointed_on"]),
        ended_on=_d(m["ended_on"]),
        authority=m["authority"],
        budget_amount=m["budget_amount"],
        reported_to_moel_on=_d(m["reported_to_moel_on"]),
        outsourced_to=m["outsourced_to"],
        retention_until=m["retention_until"],
    )


def _appointment_query() -> Any:
    return (
        select(appointments, people.c.name.label("person_name"))
        .select_from(appointments.join(people, people.c.id == appointments.c.person_id))
        .where(appointments.c.deleted_at.is_(None))
    )


def appointment(ws: Workspace, appointment_id: str) -> AppointmentRow:
    with ws.reader() as conn:
        row = conn.execute(_appointment_query().where(appointments.c.id == appointment_id)).one()
    return _appointment(row)


def appointments_overlapping(
    ws: Workspace, start: date, end: date, role: str | None = None
) -> tuple[AppointmentRow, ...]:
    """Live appointments in force on at least one day of ``start..end``, by role then date."""
    query = _appointment_query().where(
        appointments.c.appointed_on <= end.isoformat(),
        or_(appointments.c.ended_on.is_(None), appointments.c.ended_on >= start.isoformat()),
    )
    if role is not None:
        query = query.where(appointments.c.role == role)
    with ws.reader() as conn:
        rows = conn.execute(
            query.order_by(appointments.c.role, appointments.c.appointed_on, appointments.c.id)
        ).all()
    return tuple(_appointment(r) for r in rows)


def appointments_in_force(ws: Workspace, on: date, role: str | None = None) -> tuple[AppointmentRow, ...]:
    """Live appointments in force on ``on`` (optionally of one role)."""
    return appointments_overlapping(ws, on, on, role)


def in_force_by_role(ws: Workspace, on: date) -> dict[str, tuple[AppointmentRow, ...]]:
    """Every role in ``ROLES`` order → the appointments in force on ``on`` (empty tuple if none)."""
    rows = appointments_in_force(ws, on)
    return {role: tuple(r for r in rows if r.role == role) for role in ROLES}


def _criteria(raw: Any) -> tuple[Criterion, ...]:
    return tuple(
        Criterion(str(c["key"]), str(c.get("label", c["key"])), float(c["score"]), float(c["max"]))
        for c in (raw or [])
    )


def evaluations_for_period(ws: Workspace, period: str) -> tuple[EvaluationRow, ...]:
    """Live role evaluations of a half-year (``"2026H1"``), by role, person and date."""
    code = HalfYear.parse(period).code
    with ws.reader() as conn:
        rows = (
            conn.execute(
                select(
                    role_evaluations,
                    appointments.c.person_id,
                    appointments.c.role,
                    people.c.name.label("person_name"),
                )
                .select_from(
                    role_evaluations.join(
                        appointments, appointments.c.id == role_evaluations.c.appointment_id
                    ).join(people, people.c.id == appointments.c.person_id)
                )
                .where(
                    and_(
                        role_evaluations.c.period == code,
                        role_evaluations.c.deleted_at.is_(None),
                        appointments.c.deleted_at.is_(None),
                    )
                )
                .order_by(
                    appointments.c.role, people.c.name, role_evaluations.c.evaluated_on, role_evaluations.c.id
                )
            )
            .mappings()
            .all()
        )
    out: list[EvaluationRow] = []
    for m in rows:
        criteria = _criteria(m["criteria"])
        out.append(
            EvaluationRow(
                id=m["id"],
                appointment_id=m["appointment_id"],
                person_id=m["person_id"],
                person_name=m["person_name"] or "",
                role=m["role"],
                period=m["period"],
                evaluated_on=date.fromisoformat(m["evaluated_on"]),
                criteria=criteria,
                total_score=m["total_score"],
                max_score=sum(c.max for c in criteria),
                result=m["result"],
                evaluator=m["evaluator"],
                notes=m["notes"],
                status=m["status"],
                locked=bool(m["locked_at"]),
                retention_until=m["retention_until"],
            )
        )
    return tuple(out)


def unevaluated(ws: Workspace, period: str) -> tuple[AppointmentRow, ...]:
    """Appointments in an ``EVALUATED_ROLES`` role, in force on any day of the half-year, that have
    no live evaluation for it (drafts count as evaluated; the engine may ask for completed ones)."""
    half = HalfYear.parse(period)
    evaluated = {e.appointment_id for e in evaluations_for_period(ws, half.code)}
    return tuple(
        a
        for a in appointments_overlapping(ws, half.start, half.end)
        if a.role in EVALUATED_ROLES and a.id not in evaluated
    )
