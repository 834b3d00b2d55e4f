"""Roster and education operations on the database lane; input types re-exported for screens."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QObject

from safetydesk.core.domain.legal import HalfYear
from safetydesk.core.queries import people as q
from safetydesk.core.services import people as svc
from safetydesk.core.services.people import Attendee, PersonInput, TrainingInput
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations.common import Done
from safetydesk.ui.operations.common import OptionalFailed as Failed
from safetydesk.ui.operations.common import run as _run

__all__ = [
    "Attendee",
    "PersonInput",
    "TrainingInput",
    "complete_training",
    "load_contractors",
    "load_hours",
    "load_people",
    "load_person",
    "load_training",
    "save_person",
    "save_training",
]


def load_people(
    ctx: AppContext, owner: QObject, on_done: Done, on_error: Failed = None, active_on: date | None = None
) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: q.people_choices(ws, active_on=active_on), on_done, on_error)


def load_contractors(ctx: AppContext, owner: QObject, on_done: Done, on_error: Failed = None) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: q.contractor_choices(ws), on_done, on_error)


def load_person(
    ctx: AppContext, owner: QObject, person_id: str, on_done: Done, on_error: Failed = None
) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: q.get_person(ws, person_id), on_done, on_error)


def save_person(
    ctx: AppContext,
    owner: QObject,
    person_id: str | None,
    data: PersonInput,
    on_done: Done,
    on_error: Failed = None,
) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: svc.save_person(ws, person_id, data).id, on_done, on_error)


def load_training(
    ctx: AppContext, owner: QObject, training_id: str, on_done: Done, on_error: Failed = None
) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: q.get_training(ws, training_id), on_done, on_error)


def save_training(
    ctx: AppContext,
    owner: QObject,
    training_id: str | None,
    data: TrainingInput,
    attendees: Sequence[Attendee],
    on_done: Done,
    on_error: Failed = None,
) -> None:
    ws = ctx.workspace
    rows = tuple(attendees)
    _run(ctx, owner, lambda: svc.save_training(ws, training_id, data, rows).id, on_done, on_error)


def complete_training(
    ctx: AppContext, owner: QObject, training_id: str, on_done: Done, on_error: Failed = None
) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: svc.complete_training(ws, training_id), on_done, on_error)


def load_hours(
    ctx: AppContext,
    owner: QObject,
    half: HalfYear,
    include_contractors: bool,
    on_done: Done,
    on_error: Failed = None,
) -> None:
    ws = ctx.workspace
    _run(
        ctx,
        owner,
        lambda: q.education_hours_table(ws, half, include_contractors=include_contractors),
        on_done,
        on_error,
    )
