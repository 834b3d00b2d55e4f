"""Reads for the people screen: roster, education records, and periodic-education hours per half-year.

The hours table is the one the officer is asked for in a SAPA Decree Art. 5②3 check and by a labour
inspector: who is short of the 정기교육 hours of 별표4 in this 반기. Requirements come from
``resources/legal/education.toml`` as of the period, so records before the 2023 reform are judged by the
quarterly rule of their time and supervisors by their yearly 16 h.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select

from safetydesk.core.db.tables import contractors, people, training_attendance, trainings
from safetydesk.core.domain.legal import HalfYear, HoursPer
from safetydesk.core.domain.provenance import LegalLookupError
from safetydesk.core.errors import NotFoundError
from safetydesk.core.i18n import N_
from safetydesk.core.workspace.workspace import Workspace

PERSON_KINDS = ("worker", "supervisor", "manager", "contractor_worker", "owner")
JOB_TYPES = ("production", "office", "supervisor", "day", "short_term")
COURSES = ("periodic", "hiring", "change_of_work", "special", "msds", "job")
METHODS = ("in_person", "online", "tbm")


@dataclass(frozen=True)
class PersonChoice:
    id: str
    name: str
    department: str
    job_type: str
    kind: str
    contractor: str | None


@dataclass(frozen=True)
class ContractorChoice:
    id: str
    name: str


@dataclass(frozen=True)
class PersonDetail:
    id: str
    name: str
    name_en: str
    employee_no: str
    kind: str
    job_type: str
    job_title: str
    department: str
    nationality: str
    language: str
    visa_status: str
    contractor_id: str | None
    hired_on: str | None
    left_on: str | None
    phone: str


@dataclass(frozen=True)
class AttendeeRow:
    person_id: str
    name: str
    hours: float
    signed: bool


@dataclass(frozen=True)
class TrainingDetail:
    id: str
    course: str
    title: str
    held_on: str
    hours: float
    instructor: str
    instructor_qualification: str
    method: str
    content: str
    language: str
    status: str
    locked: bool
    attendees: tuple[AttendeeRow, ...]


@dataclass(frozen=True)
class HoursRow:
    """One person's periodic-education hours in a period against the requirement in force."""

    person_id: str
    name: str
    department: str
    job_type: str
    category: str
    per: str  # half_year | year | quarter (as the rule states it)
    window_start: date
    window_end: date
    required: float
    done: float

    @property
    def shortfall(self) -> float:
        return max(self.required - self.done, 0.0)


def category_for(job_type: str) -> str:
    """별표4 category of a job type: office staff 6 h/half-year, supervisors 16 h/year, others 12 h."""
    if job_type == "office":
        return "office_sales"
    if job_type == "supervisor":
        return "supervisor"
    return "other"


def _active(on_start: date, on_end: date) -> Any:
    return and_(
        people.c.deleted_at.is_(None),
        or_(people.c.hired_on.is_(None), people.c.hired_on <= on_end.isoformat()),
        or_(people.c.left_on.is_(None), people.c.left_on >= on_start.isoformat()),
    )


def people_choices(ws: Workspace, active_on: date | None = None) -> tuple[PersonChoice, ...]:
    """People for pickers; with ``active_on``, only those employed on that day."""
    stmt = (
        select(
            people.c.id,
            people.c.name,
            people.c.department,
            people.c.job_type,
            people.c.kind,
            contractors.c.name,
        )
        .select_from(people.outerjoin(contractors, contractors.c.id == people.c.contractor_id))
        .where(people.c.deleted_at.is_(None))
        .order_by(people.c.department, people.c.name)
    )
    if active_on is not None:
        stmt = stmt.where(_active(active_on, active_on))
    with ws.reader() as conn:
        rows = conn.execute(stmt).all()
    return tuple(
        PersonChoice(str(r[0]), str(r[1]), str(r[2] or ""), str(r[3]), str(r[4]), r[5]) for r in rows
    )


def contractor_choices(ws: Workspace) -> tuple[ContractorChoice, ...]:
    with ws.reader() as conn:
        rows = conn.execute(
            select(contractors.c.id, contractors.c.name)
            .where(contractors.c.deleted_at.is_(None))
            .order_by(contractors.c.name)
        ).all()
    return tuple(ContractorChoice(str(r[0]), str(r[1])) for r in rows)


def get_person(ws: Workspace, person_id: str) -> PersonDetail:
    with ws.reader() as conn:
        row = conn.execute(select(people).where(people.c.id == person_id)).mappings().first()
    if row is None:
        raise NotFoundError(
            N_("The record {id} ({entity}) does not exist."), id=person_id[:8], entity="person"
        )
    return PersonDetail(
        id=str(row["id"]),
        name=str(row["name"]),
        name_en=str(row["name_en"] or ""),
        employee_no=str(row["employee_no"] or ""),
        kind=str(row["kind"]),
        job_type=str(row["job_type"]),
        job_title=str(row["job_title"] or ""),
        department=str(row["department"] or ""),
        nationality=str(row["nationality"]),
        language=str(row["language"]),
        visa_status=str(row["visa_status"] or ""),
        contractor_id=row["contractor_id"],
        hired_on=row["hired_on"],
        left_on=row["left_on"],
        phone=str(row["phone"] or ""),
    )


def get_training(ws: Workspace, training_id: str) -> TrainingDetail:
    with ws.reader() as conn:
        row = conn.execute(select(trainings).where(trainings.c.id == training_id)).mappings().first()
        if row is None:
            raise NotFoundError(
                N_("The record {id} ({entity}) does not exist."), id=training_id[:8], entity="training"
            )
        attendees = conn.execute(
            select(
                training_attendance.c.person_id,
                people.c.name,
                training_attendance.c.hours,
                training_attendance.c.signed,
            )
            .select_from(training_attendance.join(people, people.c.id == training_attendance.c.person_id))
            .where(training_attendance.c.training_id == training_id)
            .order_by(people.c.name)
        ).all()
    return TrainingDetail(
        id=str(row["id"]),
        course=str(row["course"]),
        title=str(row["title"]),
        held_on=str(row["held_on"]),
        hours=float(row["hours"]),
        instructor=str(row["instructor"] or ""),
        instructor_qualification=str(row["instructor_qualification"] or ""),
        method=str(row["method"]),
        content=str(row["content"] or ""),
        language=str(row["language"]),
        status=str(row["status"]),
        locked=row["locked_at"] is not None,
        attendees=tuple(AttendeeRow(str(a[0]), str(a[1]), float(a[2]), bool(a[3])) for a in attendees),
    )


def _hours_by_person(conn: Any, start: date, end: date) -> dict[str, float]:
    """Periodic-course hours attended per person between two days (revised originals not counted)."""
    superseded = select(trainings.c.revision_of).where(
        trainings.c.revision_of.is_not(None), trainings.c.deleted_at.is_(None)
    )
    rows = conn.execute(
        select(training_attendance.c.person_id, func.sum(training_attendance.c.hours))
        .select_from(training_attendance.join(trainings, trainings.c.id == training_attendance.c.training_id))
        .where(
            trainings.c.course == "periodic",
            trainings.c.deleted_at.is_(None),
            trainings.c.held_on >= start.isoformat(),
            trainings.c.held_on <= end.isoformat(),
            ~trainings.c.id.in_(superseded),
        )
        .group_by(training_attendance.c.person_id)
    ).all()
    return {str(r[0]): float(r[1] or 0) for r in rows}


def education_hours_table(
    ws: Workspace, half: HalfYear, *, today: date | None = None, include_contractors: bool = False
) -> tuple[HoursRow, ...]:
    """Periodic-education hours of everyone employed in ``half`` against 별표4 as in force then.

    A rule stated per year (supervisors) is checked over the calendar year of the half; a pre-2023 rule
    stated per quarter counts twice per half-year.
    """
    from safetydesk.core.legaldata import load_legal_data

    today = today or date.today()
    on = min(half.end, max(half.start, today))
    legal = load_legal_data()
    year_start, year_end = date(half.year, 1, 1), date(half.year, 12, 31)
    stmt = (
        select(people.c.id, people.c.name, people.c.department, people.c.job_type)
        .where(_active(half.start, half.end))
        .order_by(people.c.department, people.c.name)
    )
    if not include_contractors:
        stmt = stmt.where(people.c.contractor_id.is_(None), people.c.kind != "contractor_worker")
    with ws.reader() as conn:
        persons = conn.execute(stmt).all()
        in_half = _hours_by_person(conn, half.start, half.end)
        in_year = _hours_by_person(conn, year_start, year_end)
    out: list[HoursRow] = []
    for pid, name, department, job_type in persons:
        category = category_for(str(job_type))
        try:
            rule = legal.education_hours("periodic", category, on)
        except LegalLookupError:
            continue  # no periodic-education rule for this category on that day
        if rule.per is HoursPer.YEAR:
            start, end, done, required = year_start, year_end, in_year.get(str(pid), 0.0), float(rule.hours)
        else:
            factor = 2 if rule.per is HoursPer.QUARTER else 1
            start, end = half.start, half.end
            done, required = in_half.get(str(pid), 0.0), float(rule.hours * factor)
        out.append(
            HoursRow(
                person_id=str(pid),
                name=str(name),
                department=str(department or ""),
                job_type=str(job_type),
                category=category,
                per=rule.per.value,
                window_start=start,
                window_end=end,
                required=required,
                done=done,
            )
        )
    return tuple(out)
