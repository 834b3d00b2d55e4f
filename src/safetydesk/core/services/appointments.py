"""Safety-role appointments and the half-yearly evaluation of the people in them (SAPA Decree Art. 4
items 5 and 6; OSH Act Arts. 15–19, 22, 62).

Rules decided here:

- an appointment keeps its appointment documents for the longer of the OSH Act Art. 164 three years
  and the SAPA Decree Art. 13 five years, counted from the appointment and again from its end, so it
  cannot be deleted while in force or inside that period (``LegalHoldError``);
- one person holds one open appointment per role; ``end_appointment`` records the last day in role;
- an evaluation belongs to a half-year (``"2026H1"``) and is dated inside it or at most
  ``EVALUATION_GRACE_DAYS`` (31) days after it ends — the 30 June cut is usually reviewed in early
  July — and never before the appointment; the total is the sum of the criteria scores;
- ``complete_evaluation`` locks it (a correction is a revision) and keeps it five years from the
  evaluation date (Decree Art. 13).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from safetydesk.core.db.tables import appointments
from safetydesk.core.domain.legal import HalfYear
from safetydesk.core.errors import LegalHoldError, ValidationError
from safetydesk.core.i18n import N_
from safetydesk.core.queries.appointments import (
    EVALUATION_GRACE_DAYS,
    RESULTS,
    ROLES,
    AppointmentInput,
    Criterion,
    EvaluationInput,
)
from safetydesk.core.services import records
from safetydesk.core.services.base import Changes, transaction
from safetydesk.core.services.records import Created, complete_in, retention_until
from safetydesk.core.workspace.workspace import Workspace

APPOINTMENTS = "appointments"
EVALUATIONS = "role_evaluations"


def appoint(ws: Workspace, values: AppointmentInput, *, actor: str | None = None) -> Created:
    """Appoint a person to a safety role, with the authority and budget given (Decree 4-5 가)."""
    if values.role not in ROLES:
        raise ValidationError(
            N_("Unknown safety role {role}."), N_("Choose one of the roles in the list."), role=values.role
        )
    if values.budget_amount is not None and values.budget_amount < 0:
        raise ValidationError(N_("The budget amount cannot be negative."), N_("Enter 0 or more won."))
    if values.reported_to_moel_on is not None and values.reported_to_moel_on < values.appointed_on:
        raise ValidationError(
            N_("The report to the labour office ({date}) is dated before the appointment."),
            N_("Check the dates."),
            date=values.reported_to_moel_on.isoformat(),
        )
    with transaction(ws, actor) as tx:
        person = tx.get("people", values.person_id)
        if person["deleted_at"]:
            raise ValidationError(N_("This person was deleted."), N_("Choose another person."))
        if person.get("left_on") and str(person["left_on"]) <= values.appointed_on.isoformat():
            raise ValidationError(
                N_("{name} left on {date}; they cannot be appointed after that."),
                N_("Check the person and the date."),
                name=str(person["name"]),
                date=str(person["left_on"]),
            )
        open_ = tx.conn.execute(
            select(appointments.c.id).where(
                appointments.c.person_id == values.person_id,
                appointments.c.role == values.role,
                appointments.c.ended_on.is_(None),
                appointments.c.deleted_at.is_(None),
            )
        ).first()
        if open_ is not None:
            raise ValidationError(
                N_("{name} already holds this role."),
                N_("End the current appointment first, or edit it."),
                name=str(person["name"]),
            )
        new = tx.insert(
            APPOINTMENTS,
            {
                "person_id": values.person_id,
                "role": values.role,
                "appointed_on": values.appointed_on,
                "authority": (values.authority or "").strip() or None,
                "budget_amount": values.budget_amount,
                "reported_to_moel_on": values.reported_to_moel_on,
                "outsourced_to": (values.outsourced_to or "").strip() or None,
                "retention_until": retention_until(APPOINTMENTS, values.appointed_on),
            },
            summary=f"appointed {person['name']} as {values.role}",
        )
        changes = tx.finish()
    return Created(new, changes)


def record_moel_report(
    ws: Workspace, appointment_id: str, reported_on: date, *, actor: str | None = None
) -> Changes:
    """Record the day the appointment was reported to the labour office."""
    with transaction(ws, actor) as tx:
        row = tx.get(APPOINTMENTS, appointment_id)
        if reported_on.isoformat() < str(row["appointed_on"]):
            raise ValidationError(
                N_("The report to the labour office ({date}) is dated before the appointment."),
                N_("Check the dates."),
                date=reported_on.isoformat(),
            )
        tx.update(APPOINTMENTS, appointment_id, {"reported_to_moel_on": reported_on}, action="report")
        return tx.finish()


def end_appointment(
    ws: Workspace, appointment_id: str, ended_on: date, *, actor: str | None = None
) -> Changes:
    """Record the last day in the role; retention now also counts from that day."""
    with transaction(ws, actor) as tx:
        row = tx.get(APPOINTMENTS, appointment_id)
        if row["ended_on"]:
            raise ValidationError(
                N_("This appointment already ended on {date}."),
                N_("Nothing to do."),
                date=str(row["ended_on"]),
            )
        if ended_on.isoformat() < str(row["appointed_on"]):
            raise ValidationError(
                N_("The end date {date} is before the appointment."),
                N_("Check the date."),
                date=ended_on.isoformat(),
            )
        keep = max(str(row["retention_until"] or ""), retention_until(APPOINTMENTS, ended_on) or "") or None
        tx.update(
            APPOINTMENTS,
            appointment_id,
            {"ended_on": ended_on, "retention_until": keep},
            action="end",
            summary=f"ended {ended_on.isoformat()}",
        )
        return tx.finish()


def delete_appointment(
    ws: Workspace, appointment_id: str, *, actor: str | None = None, today: date | None = None
) -> Changes:
    """Tombstone an appointment that has ended and is past its retention (``LegalHoldError`` otherwise)."""
    with transaction(ws, actor) as tx:
        row = tx.get(APPOINTMENTS, appointment_id)
        if not row["ended_on"]:
            raise LegalHoldError(
                N_("This appointment is still in force and cannot be deleted."),
                N_("End the appointment first; the record stays as evidence."),
                until="",
            )
        records.delete_in(tx, APPOINTMENTS, appointment_id, today or date.today())
        return tx.finish()


def _criteria(raw: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in raw or ():
        c = item if isinstance(item, Criterion) else None
        m: Mapping[str, Any] = {"key": c.key, "label": c.label, "score": c.score, "max": c.max} if c else item
        key = str(m.get("key") or "").strip()
        label = str(m.get("label") or "").strip()
        if not key or not label:
            raise ValidationError(
                N_("Every evaluation criterion needs a key and a label."), N_("Check the criteria.")
            )
        if key in seen:
            raise ValidationError(
                N_("The criterion {key} appears twice."), N_("Give each criterion its own key."), key=key
            )
        seen.add(key)
        try:
            score, maximum = float(m["score"]), float(m["max"])
        except (KeyError, TypeError, ValueError):
            raise ValidationError(
                N_("The criterion {key} needs a score and a maximum."), N_("Enter both numbers."), key=key
            ) from None
        if maximum <= 0 or not 0 <= score <= maximum:
            raise ValidationError(
                N_("The score of {key} must lie between 0 and its maximum {max}."),
                N_("Check the score."),
                key=key,
                max=f"{maximum:g}",
            )
        out.append({"key": key, "label": label, "score": score, "max": maximum})
    if not out:
        raise ValidationError(
            N_("Add at least one evaluation criterion."),
            N_("For example: TBM held daily, hazards reported, actions closed on time."),
        )
    return out


def evaluate_role(ws: Workspace, values: EvaluationInput, *, actor: str | None = None) -> Created:
    """A half-yearly evaluation of a person in a safety role (Decree 4-5 나), as a draft."""
    try:
        half = HalfYear.parse(values.period)
    except ValueError:
        raise ValidationError(
            N_("The period {period} is not a half-year."),
            N_("Use the form 2026H1 or 2026H2."),
            period=values.period,
        ) from None
    latest = half.end + timedelta(days=EVALUATION_GRACE_DAYS)
    if not half.start <= values.evaluated_on <= latest:
        raise ValidationError(
            N_("An evaluation of {period} must be dated from {start} to {end}."),
            N_("Date it inside the half-year or within 31 days after it ends."),
            period=half.code,
            start=half.start.isoformat(),
            end=latest.isoformat(),
        )
    if values.result not in RESULTS:
        raise ValidationError(
            N_("Unknown evaluation result {result}."),
            N_("Choose good, adequate or needs improvement."),
            result=values.result,
        )
    if not values.evaluator.strip():
        raise ValidationError(
            N_("Enter who made the evaluation."), N_("Usually the CEO or the plant manager.")
        )
    criteria = _criteria(values.criteria)
    total = float(sum(c["score"] for c in criteria))
    with transaction(ws, actor) as tx:
        appointment = tx.get(APPOINTMENTS, values.appointment_id)
        if appointment["deleted_at"]:
            raise ValidationError(N_("This appointment was deleted."), N_("Refresh the list."))
        if str(appointment["appointed_on"]) > half.end.isoformat() or (
            appointment["ended_on"] and str(appointment["ended_on"]) < half.start.isoformat()
        ):
            raise ValidationError(
                N_("The appointment was not in force during {period}."),
                N_("Choose the period in which the person held the role."),
                period=half.code,
            )
        if values.evaluated_on.isoformat() < str(appointment["appointed_on"]):
            raise ValidationError(
                N_("The evaluation is dated before the appointment."), N_("Check the date.")
            )
        new = tx.insert(
            EVALUATIONS,
            {
                "appointment_id": values.appointment_id,
                "period": half.code,
                "evaluated_on": values.evaluated_on,
                "criteria": criteria,
                "total_score": total,
                "result": values.result,
                "evaluator": values.evaluator.strip(),
                "notes": (values.notes or "").strip() or None,
                "status": "draft",
            },
            summary=f"evaluation {half.code}: {total:g}",
        )
        changes = tx.finish()
    return Created(new, changes)


def complete_evaluation(ws: Workspace, evaluation_id: str, *, actor: str | None = None) -> Changes:
    """Lock the evaluation; it is kept five years from the evaluation date (Decree Art. 13)."""
    with transaction(ws, actor) as tx:
        row = tx.get(EVALUATIONS, evaluation_id)
        complete_in(tx, EVALUATIONS, evaluation_id, date.fromisoformat(str(row["evaluated_on"])))
        return tx.finish()


def delete_evaluation(
    ws: Workspace, evaluation_id: str, *, actor: str | None = None, today: date | None = None
) -> Changes:
    """Drafts only: a completed evaluation is evidence (``LegalHoldError``)."""
    with transaction(ws, actor) as tx:
        records.delete_in(tx, EVALUATIONS, evaluation_id, today or date.today())
        return tx.finish()
