"""Roster and education records (DOMAIN.md §4.1, Rule Arts. 26–27).

Attendance rows are children of the training (``training_attendance``), written with it in one
transaction, so the training's audit event covers who attended and for how long.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from safetydesk.core.db.tables import training_attendance
from safetydesk.core.errors import ValidationError
from safetydesk.core.i18n import N_
from safetydesk.core.queries.emergency import first_site_id
from safetydesk.core.queries.people import COURSES, JOB_TYPES, METHODS, PERSON_KINDS
from safetydesk.core.services.base import Changes, transaction
from safetydesk.core.services.records import Created, complete_in
from safetydesk.core.workspace.workspace import Workspace

_COUNTRY = re.compile(r"[A-Z]{2}\Z")
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?\Z")


@dataclass(frozen=True)
class PersonInput:
    name: str
    kind: str = "worker"
    job_type: str = "production"
    name_en: str | None = None
    employee_no: str | None = None
    job_title: str | None = None
    department: str | None = None
    nationality: str = "KR"
    language: str = "ko"
    visa_status: str | None = None
    contractor_id: str | None = None
    hired_on: date | None = None
    left_on: date | None = None
    phone: str | None = None


@dataclass(frozen=True)
class TrainingInput:
    course: str
    title: str
    held_on: date
    hours: float
    instructor: str | None = None
    instructor_qualification: str | None = None
    method: str = "in_person"
    content: str | None = None
    language: str = "ko"


@dataclass(frozen=True)
class Attendee:
    person_id: str
    hours: float | None = None  # None = the whole training
    signed: bool = False


def _text(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def person_values(data: PersonInput) -> dict[str, Any]:
    """Checked values of a roster entry; raises ``ValidationError`` naming what to fix."""
    name = _text(data.name)
    if name is None:
        raise ValidationError(N_("Enter the person's name."), N_("A roster entry needs a name."))
    nationality = data.nationality.strip().upper()
    if not _COUNTRY.match(nationality):
        raise ValidationError(
            N_("Nationality must be a two-letter country code, e.g. KR, VN, UZ."),
            N_("Use the ISO 3166 code of the country."),
        )
    language = data.language.strip()
    if not _LANGUAGE.match(language):
        raise ValidationError(
            N_("Language must be a language code, e.g. ko, vi, en."), N_("Use the ISO 639 code.")
        )
    if data.kind not in PERSON_KINDS or data.job_type not in JOB_TYPES:
        raise ValueError(f"unknown kind or job type: {data.kind!r}, {data.job_type!r}")
    if data.hired_on and data.left_on and data.left_on < data.hired_on:
        raise ValidationError(N_("The leaving date is before the hiring date."), N_("Check both dates."))
    return {
        "name": name,
        "name_en": _text(data.name_en),
        "employee_no": _text(data.employee_no),
        "kind": data.kind,
        "job_type": data.job_type,
        "job_title": _text(data.job_title),
        "department": _text(data.department),
        "nationality": nationality,
        "language": language,
        "visa_status": _text(data.visa_status),
        "contractor_id": data.contractor_id,
        "hired_on": data.hired_on,
        "left_on": data.left_on,
        "phone": _text(data.phone),
    }


def save_person(
    ws: Workspace, person_id: str | None, data: PersonInput, *, actor: str | None = None
) -> Created:
    values = person_values(data)
    with transaction(ws, actor) as tx:
        if person_id is None:
            site = first_site_id(tx.conn)
            if site is None:
                raise ValidationError(
                    N_("No site is registered yet."),
                    N_("Enter the company and site on the Plant screen first."),
                )
            person_id = tx.insert("people", {**values, "site_id": site, "roles": []})
        else:
            tx.update("people", person_id, values)
        changes = tx.finish()
    return Created(person_id, changes)


def _training_values(data: TrainingInput) -> dict[str, Any]:
    title = _text(data.title)
    if title is None:
        raise ValidationError(
            N_("Enter the title of the training."), N_("For example: 2026 H1 periodic education.")
        )
    if data.course not in COURSES or data.method not in METHODS:
        raise ValueError(f"unknown course or method: {data.course!r}, {data.method!r}")
    if not 0 < data.hours <= 24:
        raise ValidationError(
            N_("Training hours must be more than 0 and at most 24."), N_("Enter the hours of this session.")
        )
    return {
        "course": data.course,
        "title": title,
        "held_on": data.held_on,
        "hours": float(data.hours),
        "instructor": _text(data.instructor),
        "instructor_qualification": _text(data.instructor_qualification),
        "method": data.method,
        "content": _text(data.content),
        "language": data.language.strip() or "ko",
    }


def save_training(
    ws: Workspace,
    training_id: str | None,
    data: TrainingInput,
    attendees: Sequence[Attendee],
    *,
    actor: str | None = None,
) -> Created:
    """Create or update a training and replace its attendance list in the same transaction."""
    values = _training_values(data)
    seen: set[str] = set()
    rows: list[dict[str, Any]] = []
    for a in attendees:
        if a.person_id in seen:
            continue
        seen.add(a.person_id)
        hours = data.hours if a.hours is None else a.hours
        if not 0 <= hours <= data.hours:
            raise ValidationError(
                N_("An attendee's hours must be between 0 and the training's {hours} h."),
                N_("Correct the hours in the attendee list."),
                hours=f"{data.hours:g}",
            )
        rows.append({"person_id": a.person_id, "hours": float(hours), "signed": a.signed})
    with transaction(ws, actor) as tx:
        if training_id is None:
            training_id = tx.insert("trainings", values)
        else:
            tx.update("trainings", training_id, values)
        tx.set_children("trainings", training_id, "training_attendance", rows)
        changes = tx.finish()
    return Created(training_id, changes)


def complete_training(
    ws: Workspace, training_id: str, *, on: date | None = None, actor: str | None = None
) -> Changes:
    """Lock the record (education evidence); a training nobody attended is not evidence of anything."""
    with transaction(ws, actor) as tx:
        row = tx.get("trainings", training_id)
        count = tx.conn.execute(
            select(func.count()).where(training_attendance.c.training_id == training_id)
        ).scalar_one()
        if not count:
            raise ValidationError(
                N_("Nobody is on the attendance list."),
                N_("Tick the people who attended, save, then complete."),
            )
        complete_in(tx, "trainings", training_id, on or date.fromisoformat(str(row["held_on"])))
        return tx.finish()
