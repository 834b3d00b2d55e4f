"""Roster and education operations on the database lane; input types re-exported for screens."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QObject

from safetydesk.core.domain.legal import HalfYear
from safetydesk.core.queries import people as q
from safetydesk.core.services import people as svc
from safetydesk.core.services.people import Attendee, PersonInput, TrainingInput
from safetydesk.ui.context import AppContext

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

Done = Callable[[Any], None]
Failed = Callable[[Exception], None] | None


def _run(ctx: AppContext, owner: QObject, fn: Callable[[], Any], on_done: Done, on_error: Failed) -> None:
    ctx.tasks.run_db(fn, on_done, on_error, owner)


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
