"""Contractor and contractor-evaluation operations, run on the database lane (SAPA Decree Art. 4-9)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QObject

from safetydesk.core.queries import contractors as queries
from safetydesk.core.queries.contractors import (
    ContractorEvaluationInput,
    ContractorInput,
    ContractorRow,
    ContractorWorker,
    EvaluationRow,
)
from safetydesk.core.services import contractors as services
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations.common import Failed


@dataclass(frozen=True)
class ContractorsView:
    """What the screen shows: the list, and the selected contractor's evaluations and workers."""

    rows: tuple[ContractorRow, ...]
    valid_months: int
    building_period_applies: bool
    selected: str | None = None
    evaluations: tuple[EvaluationRow, ...] = ()
    workers: tuple[ContractorWorker, ...] = ()


def _view(ctx: AppContext, selected: str | None, today: date) -> ContractorsView:
    ws = ctx.workspace
    rows = queries.contractor_list(ws, today=today)
    if selected is not None and not any(r.id == selected for r in rows):
        selected = None
    return ContractorsView(
        rows=rows,
        valid_months=queries.evaluation_valid_months(),
        building_period_applies=queries.building_period_applies(ws, today=today),
        selected=selected,
        evaluations=queries.evaluations(ws, selected) if selected else (),
        workers=queries.contractor_workers(ws, selected) if selected else (),
    )


def load(
    ctx: AppContext,
    owner: QObject,
    selected: str | None,
    today: date,
    on_done: Callable[[ContractorsView], None],
    on_error: Failed | None = None,
) -> None:
    ctx.tasks.run_db(lambda: _view(ctx, selected, today), on_done, on_error, owner)


def load_for_evaluation(
    ctx: AppContext,
    owner: QObject,
    evaluation_id: str,
    today: date,
    on_done: Callable[[ContractorsView], None],
    on_error: Failed | None = None,
) -> None:
    """The view with the contractor of ``evaluation_id`` selected (evidence links open it)."""

    def work() -> ContractorsView:
        return _view(ctx, queries.evaluation(ctx.workspace, evaluation_id).contractor_id, today)

    ctx.tasks.run_db(work, on_done, on_error, owner)


def save_contractor(
    ctx: AppContext,
    owner: QObject,
    values: ContractorInput,
    contractor_id: str | None,
    today: date,
    on_done: Callable[[ContractorsView], None],
    on_error: Failed,
) -> None:
    def work() -> ContractorsView:
        created = services.save_contractor(ctx.workspace, values, contractor_id=contractor_id)
        return _view(ctx, created.id, today)

    ctx.tasks.run_db(work, on_done, on_error, owner)


def delete_contractor(
    ctx: AppContext,
    owner: QObject,
    contractor_id: str,
    today: date,
    on_done: Callable[[ContractorsView], None],
    on_error: Failed,
) -> None:
    def work() -> ContractorsView:
        services.delete_contractor(ctx.workspace, contractor_id, today=today)
        return _view(ctx, None, today)

    ctx.tasks.run_db(work, on_done, on_error, owner)


def save_evaluation(
    ctx: AppContext,
    owner: QObject,
    values: ContractorEvaluationInput,
    evaluation_id: str | None,
    complete: bool,
    today: date,
    on_done: Callable[[ContractorsView], None],
    on_error: Failed,
) -> None:
    """Save a draft, or save and complete (lock) in one go."""

    def work() -> ContractorsView:
        if complete:
            services.save_and_complete(ctx.workspace, values, evaluation_id=evaluation_id, today=today)
        else:
            services.evaluate_contractor(ctx.workspace, values, evaluation_id=evaluation_id, today=today)
        return _view(ctx, values.contractor_id, today)

    ctx.tasks.run_db(work, on_done, on_error, owner)


def delete_evaluation(
    ctx: AppContext,
    owner: QObject,
    evaluation_id: str,
    contractor_id: str,
    today: date,
    on_done: Callable[[ContractorsView], None],
    on_error: Failed,
) -> None:
    def work() -> ContractorsView:
        services.delete_evaluation(ctx.workspace, evaluation_id, today=today)
        return _view(ctx, contractor_id, today)

    ctx.tasks.run_db(work, on_done, on_error, owner)
