"""The home screen beyond the counters: half-year duty lights, riskiest areas, recent near misses.

The duty lights are a first reading of the records for the current half-year (SAPA Decree Art. 4
and 5 checks that recur 반기 1회 이상); the compliance engine will replace this reading with the
full rules. The riskiest areas come from ``core.ml.areas`` (ranked on the database lane by ``ui.operations.risk_areas``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, select

from safetydesk.core.db.tables import (
    areas,
    compliance_checks,
    contractor_evaluations,
    drills,
    incidents,
    risk_assessments,
    suggestions,
    trainings,
)
from safetydesk.core.i18n import N_
from safetydesk.core.workspace.workspace import Workspace


@dataclass(frozen=True)
class DutyLight:
    code: str
    title: str  # msgid
    light: str  # green | yellow | red
    evidence: int


@dataclass(frozen=True)
class NearMiss:
    id: str
    occurred_at: str
    title: str
    area: str


@dataclass(frozen=True)
class HomeSummary:
    period: str
    duties: tuple[DutyLight, ...]
    near_misses: tuple[NearMiss, ...]


def _half_year(today: date) -> tuple[str, str, str]:
    first = date(today.year, 1 if today.month <= 6 else 7, 1)
    last = date(today.year, 6, 30) if today.month <= 6 else date(today.year, 12, 31)
    return f"{today.year}H{1 if today.month <= 6 else 2}", first.isoformat(), last.isoformat()


def home_summary(ws: Workspace, today: date | None = None) -> HomeSummary:
    today = today or date.today()
    period, start, end = _half_year(today)
    with ws.reader() as conn:

        def n(query: object) -> int:
            return int(conn.execute(query).scalar_one())  # type: ignore[call-overload]

        ra_done = n(
            select(func.count())
            .select_from(risk_assessments)
            .where(
                risk_assessments.c.completed_at.is_not(None),
                risk_assessments.c.assessed_on.between(start, end),
            )
        )
        ra_reported = n(
            select(func.count())
            .select_from(risk_assessments)
            .where(risk_assessments.c.reported_to_owner_on.between(start, end))
        )
        checks: dict[str, int] = dict(
            conn.execute(
                select(compliance_checks.c.duty_code, func.count())
                .where(compliance_checks.c.period == period)
                .group_by(compliance_checks.c.duty_code)
            ).all()
        )
        opinions = n(
            select(func.count())
            .select_from(suggestions)
            .where(suggestions.c.submitted_on.between(start, end))
        )
        answered = n(
            select(func.count())
            .select_from(suggestions)
            .where(suggestions.c.submitted_on.between(start, end), suggestions.c.responded_on.is_not(None))
        )
        drills_done = n(
            select(func.count())
            .select_from(drills)
            .where(drills.c.performed_at.is_not(None), drills.c.planned_on.between(start, end))
        )
        evaluations = n(
            select(func.count())
            .select_from(contractor_evaluations)
            .where(contractor_evaluations.c.evaluated_on.between(start, end))
        )
        special = n(
            select(func.count())
            .select_from(trainings)
            .where(trainings.c.held_on.between(start, end), trainings.c.course == "special")
        )

        def light(full: bool, partial: bool) -> str:
            return "green" if full else ("yellow" if partial else "red")

        duties = (
            DutyLight(
                "sapa_4_3",
                N_("Hazards found and fixed (risk assessment)"),
                light(ra_done > 0 and ra_reported > 0, ra_done > 0),
                ra_done,
            ),
            DutyLight(
                "sapa_4_5",
                N_("Supervisors evaluated"),
                light(checks.get("sapa_4_5", 0) > 0, False),
                int(checks.get("sapa_4_5", 0)),
            ),
            DutyLight(
                "sapa_4_7",
                N_("Workers' opinions heard and answered"),
                light(opinions > 0 and answered == opinions, opinions > 0),
                opinions,
            ),
            DutyLight("sapa_4_8", N_("Emergency manual drilled"), light(drills_done > 0, False), drills_done),
            DutyLight("sapa_4_9", N_("Contractors evaluated"), light(evaluations > 0, False), evaluations),
            DutyLight(
                "sapa_5_2_1",
                N_("Legal compliance checked"),
                light(checks.get("sapa_5_2_1", 0) > 0, False),
                int(checks.get("sapa_5_2_1", 0)),
            ),
            DutyLight(
                "sapa_5_2_3",
                N_("Hazardous-work education checked"),
                light(special > 0 and checks.get("sapa_5_2_3", 0) > 0, special > 0),
                special,
            ),
        )

        recent = conn.execute(
            select(incidents.c.id, incidents.c.occurred_at, incidents.c.title, areas.c.name)
            .select_from(incidents.outerjoin(areas, areas.c.id == incidents.c.area_id))
            .where(and_(incidents.c.kind == "near_miss", incidents.c.deleted_at.is_(None)))
            .order_by(incidents.c.occurred_at.desc())
            .limit(6)
        ).all()

    return HomeSummary(
        period=period,
        duties=duties,
        near_misses=tuple(NearMiss(str(r[0]), str(r[1]), str(r[2]), str(r[3] or "")) for r in recent),
    )
