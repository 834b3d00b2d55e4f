"""Emergency operations: manual versions, drill plans and drill runs, on the database lane.

Screens call these and get frozen dataclasses back on the GUI thread; the input types are re-exported
so that screens never import ``core.services``.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QObject

from safetydesk.core.queries import emergency as q
from safetydesk.core.queries.people import people_choices
from safetydesk.core.services import emergency as svc
from safetydesk.core.services.emergency import DrillPlan, DrillResult, ManualInput, RollCallEntry
from safetydesk.core.services.incidents import ActionInput
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations.common import Done
from safetydesk.ui.operations.common import OptionalFailed as Failed
from safetydesk.ui.operations.common import run as _run

__all__ = [
    "ActionInput",
    "DrillPlan",
    "DrillResult",
    "ManualInput",
    "RollCallEntry",
    "add_drill_action",
    "approve_manual",
    "finish_drill",
    "load_areas",
    "load_drill",
    "load_drill_due",
    "load_manual",
    "load_roster",
    "plan_drill",
    "revise_manual",
    "save_manual",
]


def load_areas(ctx: AppContext, owner: QObject, on_done: Done, on_error: Failed = None) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: q.area_choices(ws), on_done, on_error)


def load_roster(ctx: AppContext, owner: QObject, on_done: Done, on_error: Failed = None) -> None:
    """People employed today, for the roll call."""
    ws = ctx.workspace
    _run(ctx, owner, lambda: people_choices(ws, active_on=date.today()), on_done, on_error)


def load_manual(
    ctx: AppContext, owner: QObject, manual_id: str | None, on_done: Done, on_error: Failed = None
) -> None:
    """One manual version, or the newest one when ``manual_id`` is None (None if there is none)."""
    ws = ctx.workspace

    def work() -> q.ManualDetail | None:
        chosen = manual_id or q.latest_manual_id(ws)
        return q.get_manual(ws, chosen) if chosen else None

    _run(ctx, owner, work, on_done, on_error)


def save_manual(
    ctx: AppContext,
    owner: QObject,
    manual_id: str | None,
    data: ManualInput,
    on_done: Done,
    on_error: Failed = None,
) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: svc.save_manual(ws, manual_id, data).id, on_done, on_error)


def approve_manual(
    ctx: AppContext,
    owner: QObject,
    manual_id: str,
    approved_by: str,
    approved_on: date,
    on_done: Done,
    on_error: Failed = None,
) -> None:
    ws = ctx.workspace
    _run(
        ctx,
        owner,
        lambda: svc.approve_manual(ws, manual_id, approved_by=approved_by, approved_on=approved_on),
        on_done,
        on_error,
    )


def revise_manual(
    ctx: AppContext, owner: QObject, manual_id: str, reason: str, on_done: Done, on_error: Failed = None
) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: svc.revise_manual(ws, manual_id, reason=reason).id, on_done, on_error)


def load_drill(
    ctx: AppContext, owner: QObject, drill_id: str, on_done: Done, on_error: Failed = None
) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: q.get_drill(ws, drill_id), on_done, on_error)


def load_drill_due(ctx: AppContext, owner: QObject, on_done: Done, on_error: Failed = None) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: q.drill_due_status(ws), on_done, on_error)


def plan_drill(
    ctx: AppContext,
    owner: QObject,
    drill_id: str | None,
    plan: DrillPlan,
    on_done: Done,
    on_error: Failed = None,
) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: svc.plan_drill(ws, drill_id, plan).id, on_done, on_error)


def finish_drill(
    ctx: AppContext,
    owner: QObject,
    drill_id: str,
    result: DrillResult,
    on_done: Done,
    on_error: Failed = None,
) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: svc.finish_drill(ws, drill_id, result), on_done, on_error)


def add_drill_action(
    ctx: AppContext,
    owner: QObject,
    drill_id: str,
    action: ActionInput,
    on_done: Done,
    on_error: Failed = None,
) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: svc.add_drill_action(ws, drill_id, action).id, on_done, on_error)
