"""Safety-role appointments and half-yearly role evaluations (SAPA Decree Art. 4 items 5–6) on the
database lane."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QObject

from safetydesk.core.domain.legal import HalfYear
from safetydesk.core.queries import appointments as q
from safetydesk.core.queries.appointments import (
    AppointmentInput,
    AppointmentRow,
    EvaluationInput,
    EvaluationRow,
)
from safetydesk.core.queries.people import people_choices
from safetydesk.core.services import appointments as svc
from safetydesk.core.workspace.workspace import Workspace
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations.common import Done
from safetydesk.ui.operations.common import OptionalFailed as Failed
from safetydesk.ui.operations.common import run as _run

__all__ = [
    "AppointmentInput",
    "EvaluationInput",
    "PeriodEvaluations",
    "appoint",
    "complete_evaluation",
    "delete_evaluation",
    "end_appointment",
    "evaluate",
    "load_appointments",
    "load_evaluations",
    "load_people",
    "record_moel_report",
]


@dataclass(frozen=True)
class PeriodEvaluations:
    """A half-year: every appointment of an evaluated role in force in it, its evaluations, and who
    has none yet."""

    period: str
    appointments: tuple[AppointmentRow, ...]
    evaluations: tuple[EvaluationRow, ...]
    unevaluated: tuple[AppointmentRow, ...]


def _period(ws: Workspace, period: str) -> PeriodEvaluations:
    half = HalfYear.parse(period)
    held = tuple(
        a for a in q.appointments_overlapping(ws, half.start, half.end) if a.role in q.EVALUATED_ROLES
    )
    return PeriodEvaluations(
        half.code, held, q.evaluations_for_period(ws, half.code), q.unevaluated(ws, half.code)
    )


def load_appointments(
    ctx: AppContext, owner: QObject, on: date, on_done: Done, on_error: Failed = None
) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: q.appointments_in_force(ws, on), on_done, on_error)


def load_people(ctx: AppContext, owner: QObject, on: date, on_done: Done, on_error: Failed = None) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: people_choices(ws, active_on=on), on_done, on_error)


def appoint(
    ctx: AppContext, owner: QObject, values: AppointmentInput, on_done: Done, on_error: Failed = None
) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: svc.appoint(ws, values).id, on_done, on_error)


def end_appointment(
    ctx: AppContext,
    owner: QObject,
    appointment_id: str,
    ended_on: date,
    on_done: Done,
    on_error: Failed = None,
) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: svc.end_appointment(ws, appointment_id, ended_on), on_done, on_error)


def record_moel_report(
    ctx: AppContext, owner: QObject, appointment_id: str, on: date, on_done: Done, on_error: Failed = None
) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: svc.record_moel_report(ws, appointment_id, on), on_done, on_error)


def load_evaluations(
    ctx: AppContext, owner: QObject, period: str, on_done: Done, on_error: Failed = None
) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: _period(ws, period), on_done, on_error)


def evaluate(
    ctx: AppContext,
    owner: QObject,
    values: EvaluationInput,
    complete: bool,
    on_done: Done,
    on_error: Failed = None,
) -> None:
    """Save the evaluation as a draft and, with ``complete``, lock it at once."""
    ws = ctx.workspace

    def work() -> str:
        new = svc.evaluate_role(ws, values).id
        if complete:
            svc.complete_evaluation(ws, new)
        return new

    _run(ctx, owner, work, on_done, on_error)


def complete_evaluation(
    ctx: AppContext, owner: QObject, evaluation_id: str, on_done: Done, on_error: Failed = None
) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: svc.complete_evaluation(ws, evaluation_id), on_done, on_error)


def delete_evaluation(
    ctx: AppContext, owner: QObject, evaluation_id: str, on_done: Done, on_error: Failed = None
) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: svc.delete_evaluation(ws, evaluation_id), on_done, on_error)
