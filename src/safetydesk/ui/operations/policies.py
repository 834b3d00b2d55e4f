"""Policy and objective operations, run on the database lane; results are plain frozen values."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QObject

from safetydesk.core.queries.policies import (
    ObjectiveDetail,
    ObjectiveInput,
    PolicyDetail,
    PolicyInput,
    latest_policy_id,
    objective_detail,
    policy_detail,
)
from safetydesk.core.queries.risk import PersonChoice, roster
from safetydesk.core.services import policies
from safetydesk.core.services.base import Changes
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations.common import Failed


def load_roster(
    ctx: AppContext,
    owner: QObject,
    on_done: Callable[[tuple[PersonChoice, ...]], None],
    on_error: Failed | None = None,
) -> None:
    ctx.tasks.run_db(lambda: roster(ctx.workspace), on_done, on_error, owner)


def load_latest(
    ctx: AppContext,
    owner: QObject,
    on_done: Callable[[PolicyDetail | None], None],
    on_error: Failed | None = None,
) -> None:
    """The newest policy version, or None in a workspace that has none yet."""

    def work() -> PolicyDetail | None:
        found = latest_policy_id(ctx.workspace)
        return policy_detail(ctx.workspace, found) if found else None

    ctx.tasks.run_db(work, on_done, on_error, owner)


def load_policy(
    ctx: AppContext,
    owner: QObject,
    policy_id: str,
    on_done: Callable[[PolicyDetail], None],
    on_error: Failed | None = None,
) -> None:
    ctx.tasks.run_db(lambda: policy_detail(ctx.workspace, policy_id), on_done, on_error, owner)


def save_policy(
    ctx: AppContext,
    owner: QObject,
    values: PolicyInput,
    policy_id: str | None,
    on_done: Callable[[PolicyDetail], None],
    on_error: Failed,
) -> None:
    def work() -> PolicyDetail:
        created = policies.save_policy(ctx.workspace, values, policy_id=policy_id)
        return policy_detail(ctx.workspace, created.id)

    ctx.tasks.run_db(work, on_done, on_error, owner)


def approve_policy(
    ctx: AppContext,
    owner: QObject,
    policy_id: str,
    approved_by: str,
    approved_on: date,
    on_done: Callable[[PolicyDetail], None],
    on_error: Failed,
) -> None:
    def work() -> PolicyDetail:
        policies.approve_policy(ctx.workspace, policy_id, approved_by=approved_by, approved_on=approved_on)
        return policy_detail(ctx.workspace, policy_id)

    ctx.tasks.run_db(work, on_done, on_error, owner)


def mark_posted(
    ctx: AppContext,
    owner: QObject,
    policy_id: str,
    posted_on: date,
    how: str,
    on_done: Callable[[PolicyDetail], None],
    on_error: Failed,
) -> None:
    def work() -> PolicyDetail:
        policies.mark_posted(ctx.workspace, policy_id, posted_on=posted_on, how=how)
        return policy_detail(ctx.workspace, policy_id)

    ctx.tasks.run_db(work, on_done, on_error, owner)


def revise_policy(
    ctx: AppContext,
    owner: QObject,
    policy_id: str,
    reason: str,
    version_label: str,
    on_done: Callable[[PolicyDetail], None],
    on_error: Failed,
) -> None:
    def work() -> PolicyDetail:
        created = policies.revise_policy(ctx.workspace, policy_id, reason=reason, version_label=version_label)
        return policy_detail(ctx.workspace, created.id)

    ctx.tasks.run_db(work, on_done, on_error, owner)


def delete_policy(
    ctx: AppContext, owner: QObject, policy_id: str, on_done: Callable[[Changes], None], on_error: Failed
) -> None:
    ctx.tasks.run_db(lambda: policies.delete_policy(ctx.workspace, policy_id), on_done, on_error, owner)


def load_objective(
    ctx: AppContext,
    owner: QObject,
    objective_id: str,
    on_done: Callable[[ObjectiveDetail], None],
    on_error: Failed | None = None,
) -> None:
    ctx.tasks.run_db(lambda: objective_detail(ctx.workspace, objective_id), on_done, on_error, owner)


def save_objective(
    ctx: AppContext,
    owner: QObject,
    values: ObjectiveInput,
    objective_id: str | None,
    on_done: Callable[[ObjectiveDetail], None],
    on_error: Failed,
) -> None:
    def work() -> ObjectiveDetail:
        created = policies.save_objective(ctx.workspace, values, objective_id=objective_id)
        return objective_detail(ctx.workspace, created.id)

    ctx.tasks.run_db(work, on_done, on_error, owner)


def delete_objective(
    ctx: AppContext, owner: QObject, objective_id: str, on_done: Callable[[Changes], None], on_error: Failed
) -> None:
    ctx.tasks.run_db(lambda: policies.delete_objective(ctx.workspace, objective_id), on_done, on_error, owner)
