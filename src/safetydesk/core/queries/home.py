"""The home screen beyond the counters: SAPA duty lights and reminders, recent near misses.

The duty lights are the compliance engine's statuses for the current half-year
(``core.compliance.engine``; SAPA Decree Art. 4 and 5). Ahead of the half-year's end (30 Jun, 31 Dec)
the duties not yet met become reminders at 30, 14 and 7 days. The riskiest areas come from
``core.ml.areas`` (ranked on the database lane by ``ui.operations.risk_areas``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, select

from safetydesk.core.compliance.model import ComplianceReport, Status
from safetydesk.core.db import tables as t
from safetydesk.core.domain.legal import HalfYear
from safetydesk.core.workspace.workspace import Workspace

#: Days before a half-year's end when the duties not met are listed on Home (the 30/14/7 reminders).
REMINDER_DAYS: tuple[int, ...] = (30, 14, 7)
NOT_MET = (Status.MISSING, Status.PARTLY)


@dataclass(frozen=True)
class NearMiss:
    id: str
    occurred_at: str
    title: str
    area: str


@dataclass(frozen=True)
class HomeSummary:
    period: str
    near_misses: tuple[NearMiss, ...]


@dataclass(frozen=True)
class Reminder:
    """A duty not met while the half-year ends within ``stage`` days (``days_left`` exactly)."""

    duty_code: str
    title_ko: str
    title_en: str
    status: Status
    days_left: int
    stage: int  # 30, 14 or 7: the smallest reminder step that ``days_left`` has reached
    period_end: date
    gaps: int


@dataclass(frozen=True)
class HomeDuties:
    report: ComplianceReport
    reminders: tuple[Reminder, ...]
    elapsed_ms: float  # how long the engine took (Home paints its other parts without waiting)


def _half_year(today: date) -> tuple[str, str, str]:
    half = HalfYear.containing(today)
    return half.code, half.start.isoformat(), half.end.isoformat()


def reminder_stage(days_left: int) -> int | None:
    """30, 14 or 7 when the period ends within that many days (0 = ends today); None otherwise."""
    if days_left < 0 or days_left > REMINDER_DAYS[0]:
        return None
    return min(d for d in REMINDER_DAYS if days_left <= d)


def reminders(report: ComplianceReport, today: date) -> tuple[Reminder, ...]:
    """The duties not met (missing or partly) when ``report``'s period ends in 30 days or fewer."""
    if not report.start <= today <= report.end:
        return ()
    days_left = (report.end - today).days
    stage = reminder_stage(days_left)
    if stage is None:
        return ()
    return tuple(
        Reminder(
            duty_code=d.code,
            title_ko=d.title_ko,
            title_en=d.title_en,
            status=d.status,
            days_left=days_left,
            stage=stage,
            period_end=report.end,
            gaps=len(d.gaps),
        )
        for d in report.duties
        if d.status in NOT_MET
    )


def home_duties(ws: Workspace, today: date | None = None) -> HomeDuties:
    """The engine's statuses for the half-year containing ``today`` and the reminders due."""
    from safetydesk.core.compliance.engine import compliance  # imported on the database lane only

    today = today or date.today()
    started = time.perf_counter()
    report = compliance(ws, HalfYear.containing(today).code, today=today)
    elapsed = (time.perf_counter() - started) * 1000
    return HomeDuties(report=report, reminders=reminders(report, today), elapsed_ms=elapsed)


#: (table, date column) read to find the first half-year with records in the workspace.
_FIRST_DAY_COLUMNS = (
    (t.policies, "approved_on"),
    (t.risk_assessments, "assessed_on"),
    (t.form_records, "performed_on"),
    (t.drills, "planned_on"),
    (t.trainings, "held_on"),
    (t.suggestions, "submitted_on"),
    (t.incidents, "occurred_at"),
    (t.contractor_evaluations, "evaluated_on"),
    (t.compliance_checks, "reviewed_on"),
)


def first_record_day(ws: Workspace) -> date | None:
    """The earliest day any of the SAPA evidence records was carried out on (None in an empty workspace)."""
    days: list[date] = []
    with ws.reader() as conn:
        for table, name in _FIRST_DAY_COLUMNS:
            column = table.c.get(name)
            if column is None:
                continue
            value = conn.execute(
                select(func.min(column)).where(table.c.deleted_at.is_(None))
            ).scalar_one_or_none()
            if value is None:
                continue
            try:
                days.append(value if isinstance(value, date) else date.fromisoformat(str(value)[:10]))
            except ValueError:
                continue
    return min(days) if days else None


def compliance_periods(ws: Workspace, today: date | None = None) -> tuple[str, ...]:
    """Half-year codes from the current one back to the first with records, newest first."""
    current = HalfYear.containing(today or date.today())
    first_day = first_record_day(ws)
    first = HalfYear.containing(first_day) if first_day is not None else current
    periods = [current]
    while periods[-1].start > first.start and len(periods) < 40:
        periods.append(periods[-1].previous())
    return tuple(p.code for p in periods)


def home_summary(ws: Workspace, today: date | None = None) -> HomeSummary:
    period, _start, _end = _half_year(today or date.today())
    with ws.reader() as conn:
        recent = conn.execute(
            select(t.incidents.c.id, t.incidents.c.occurred_at, t.incidents.c.title, t.areas.c.name)
            .select_from(t.incidents.outerjoin(t.areas, t.areas.c.id == t.incidents.c.area_id))
            .where(and_(t.incidents.c.kind == "near_miss", t.incidents.c.deleted_at.is_(None)))
            .order_by(t.incidents.c.occurred_at.desc())
            .limit(6)
        ).all()

    return HomeSummary(
        period=period,
        near_misses=tuple(NearMiss(str(r[0]), str(r[1]), str(r[2]), str(r[3] or "")) for r in recent),
    )
