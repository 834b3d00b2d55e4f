"""Safety and health budget operations (SAPA Decree Art. 4 item 4) on the database lane."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QObject
from sqlalchemy import case, select

from safetydesk.core.db.tables import corrective_actions
from safetydesk.core.queries.budget import BudgetItemInput, BudgetYear, SpendInput, budget_year, budget_years
from safetydesk.core.services import budget as svc
from safetydesk.core.workspace.workspace import Workspace
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations.common import Done
from safetydesk.ui.operations.common import OptionalFailed as Failed
from safetydesk.ui.operations.common import run as _run

__all__ = [
    "ActionChoice",
    "BudgetItemInput",
    "BudgetView",
    "SpendInput",
    "action_choices",
    "delete_item",
    "delete_spend",
    "load_actions",
    "load_year",
    "record_spend",
    "save_item",
    "update_spend",
]

OPEN_STATUSES = ("open", "in_progress")


@dataclass(frozen=True)
class BudgetView:
    """One year of the budget and the years the picker offers."""

    year: BudgetYear
    years: tuple[int, ...]


@dataclass(frozen=True)
class ActionChoice:
    id: str
    title: str
    status: str
    due_on: date


def action_choices(ws: Workspace, since: date) -> tuple[ActionChoice, ...]:
    """Live corrective actions a spend can pay for: open ones first, then those due or done since
    ``since`` (recent), newest first."""
    c = corrective_actions.c
    open_first = case((c.status.in_(OPEN_STATUSES), 0), else_=1)
    with ws.reader() as conn:
        rows = conn.execute(
            select(c.id, c.title, c.status, c.due_on)
            .where(
                c.deleted_at.is_(None),
                c.status != "cancelled",
                (c.status.in_(OPEN_STATUSES))
                | (c.due_on >= since.isoformat())
                | (c.done_on >= since.isoformat()),
            )
            .order_by(open_first, c.due_on.desc(), c.id)
        ).all()
    return tuple(ActionChoice(str(r[0]), str(r[1]), str(r[2]), date.fromisoformat(str(r[3]))) for r in rows)


def load_year(ctx: AppContext, owner: QObject, year: int, on_done: Done, on_error: Failed = None) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: BudgetView(budget_year(ws, year), budget_years(ws)), on_done, on_error)


def load_actions(
    ctx: AppContext, owner: QObject, since: date, on_done: Done, on_error: Failed = None
) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: action_choices(ws, since), on_done, on_error)


def save_item(
    ctx: AppContext,
    owner: QObject,
    item_id: str | None,
    values: BudgetItemInput,
    on_done: Done,
    on_error: Failed = None,
) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: svc.save_budget_item(ws, item_id, values).id, on_done, on_error)


def delete_item(
    ctx: AppContext, owner: QObject, item_id: str, on_done: Done, on_error: Failed = None
) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: svc.delete_budget_item(ws, item_id), on_done, on_error)


def record_spend(
    ctx: AppContext, owner: QObject, values: SpendInput, on_done: Done, on_error: Failed = None
) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: svc.record_spend(ws, values).id, on_done, on_error)


def update_spend(
    ctx: AppContext, owner: QObject, spend_id: str, values: SpendInput, on_done: Done, on_error: Failed = None
) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: (svc.update_spend(ws, spend_id, values), spend_id)[1], on_done, on_error)


def delete_spend(
    ctx: AppContext, owner: QObject, spend_id: str, on_done: Done, on_error: Failed = None
) -> None:
    ws = ctx.workspace
    _run(ctx, owner, lambda: svc.delete_spend(ws, spend_id), on_done, on_error)
