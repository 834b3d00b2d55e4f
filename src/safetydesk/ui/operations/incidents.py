"""Incident and suggestion operations on the database lane; input types re-exported for screens."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject

from safetydesk.core.queries import incidents as q
from safetydesk.core.queries.incidents import Casualties
from safetydesk.core.queries.people import people_choices
from safetydesk.core.services import incidents as svc
from safetydesk.core.services.incidents import ActionInput, IncidentInput, QuickIntake, SuggestionInput
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations.common import Done
from safetydesk.ui.operations.common import OptionalFailed as Failed
from safetydesk.ui.operations.common import run as _run

__all__ = [
    "ActionInput",
    "Casualties",
    "IncidentInput",
    "QuickIntake",
    "SuggestionInput",
    "add_incident_action",
    "add_suggestion_action",
    "attach_photo",
    "close_incident",
    "load_incident",
    "load_people",
    "load_suggestion",
    "record_near_miss",
    "save_incident",
    "save_suggestion",
]


def load_people(ctx: AppContext, owner: QObject, on_done: Done, on_error: Failed = None) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: people_choices(ws), on_done, on_error)


def record_near_miss(
    ctx: AppContext, owner: QObject, intake: QuickIntake, on_done: Done, on_error: Failed = None
) -> None:
    """Save the quick intake (the photo file is read on the database lane, not the GUI thread)."""
    ws = ctx.workspace
    _run(ctx, owner, lambda: svc.record_near_miss(ws, intake).id, on_done, on_error)


def load_incident(
    ctx: AppContext, owner: QObject, incident_id: str, on_done: Done, on_error: Failed = None
) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: q.get_incident(ws, incident_id), on_done, on_error)


def save_incident(
    ctx: AppContext,
    owner: QObject,
    incident_id: str | None,
    data: IncidentInput,
    on_done: Done,
    on_error: Failed = None,
) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: svc.save_incident(ws, incident_id, data).id, on_done, on_error)


def close_incident(
    ctx: AppContext, owner: QObject, incident_id: str, on_done: Done, on_error: Failed = None
) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: svc.close_incident(ws, incident_id), on_done, on_error)


def attach_photo(
    ctx: AppContext, owner: QObject, incident_id: str, photo: Path, on_done: Done, on_error: Failed = None
) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: svc.attach_photo(ws, incident_id, photo), on_done, on_error)


def add_incident_action(
    ctx: AppContext,
    owner: QObject,
    incident_id: str,
    action: ActionInput,
    on_done: Done,
    on_error: Failed = None,
) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: svc.add_incident_action(ws, incident_id, action).id, on_done, on_error)


def load_suggestion(
    ctx: AppContext, owner: QObject, suggestion_id: str, on_done: Done, on_error: Failed = None
) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: q.get_suggestion(ws, suggestion_id), on_done, on_error)


def save_suggestion(
    ctx: AppContext,
    owner: QObject,
    suggestion_id: str | None,
    data: SuggestionInput,
    on_done: Done,
    on_error: Failed = None,
) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: svc.save_suggestion(ws, suggestion_id, data).id, on_done, on_error)


def add_suggestion_action(
    ctx: AppContext,
    owner: QObject,
    suggestion_id: str,
    action: ActionInput,
    on_done: Done,
    on_error: Failed = None,
) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: svc.add_suggestion_action(ws, suggestion_id, action).id, on_done, on_error)
