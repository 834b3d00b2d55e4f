"""Risk-assessment operations, run on the database lane; results are plain frozen values."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import QObject

from safetydesk.core.domain.risk_assessment import AssessmentHeader, RiskItemData
from safetydesk.core.queries.risk import AssessmentDetail, RiskReference, assessment_detail, reference
from safetydesk.core.services import risk
from safetydesk.core.services.base import Changes
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations.common import Failed


def load_reference(
    ctx: AppContext, owner: QObject, on_done: Callable[[RiskReference], None], on_error: Failed | None = None
) -> None:
    """Scales in force (read from the legal files), areas and roster for the editor's pickers."""
    ctx.tasks.run_db(lambda: reference(ctx.workspace), on_done, on_error, owner)


def load_assessment(
    ctx: AppContext,
    owner: QObject,
    assessment_id: str,
    on_done: Callable[[AssessmentDetail], None],
    on_error: Failed | None = None,
) -> None:
    ctx.tasks.run_db(lambda: assessment_detail(ctx.workspace, assessment_id), on_done, on_error, owner)


def save_assessment(
    ctx: AppContext,
    owner: QObject,
    header: AssessmentHeader,
    items: Sequence[RiskItemData],
    assessment_id: str | None,
    on_done: Callable[[AssessmentDetail], None],
    on_error: Failed,
) -> None:
    """Save, then read the stored assessment back so the editor shows what the service kept."""
    frozen_items = tuple(items)

    def work() -> AssessmentDetail:
        saved = risk.save_assessment(ctx.workspace, header, frozen_items, assessment_id=assessment_id)
        return assessment_detail(ctx.workspace, saved.id)

    ctx.tasks.run_db(work, on_done, on_error, owner)


def complete_assessment(
    ctx: AppContext,
    owner: QObject,
    assessment_id: str,
    on_done: Callable[[AssessmentDetail], None],
    on_error: Failed,
) -> None:
    def work() -> AssessmentDetail:
        risk.complete_assessment(ctx.workspace, assessment_id)
        return assessment_detail(ctx.workspace, assessment_id)

    ctx.tasks.run_db(work, on_done, on_error, owner)


def revise_assessment(
    ctx: AppContext,
    owner: QObject,
    assessment_id: str,
    reason: str,
    on_done: Callable[[AssessmentDetail], None],
    on_error: Failed,
) -> None:
    def work() -> AssessmentDetail:
        created = risk.revise_assessment(ctx.workspace, assessment_id, reason=reason)
        return assessment_detail(ctx.workspace, created.id)

    ctx.tasks.run_db(work, on_done, on_error, owner)


def create_action(
    ctx: AppContext,
    owner: QObject,
    assessment_id: str,
    item_id: str,
    due_on: date,
    owner_name: str | None,
    on_done: Callable[[AssessmentDetail], None],
    on_error: Failed,
) -> None:
    def work() -> AssessmentDetail:
        risk.create_action_for_item(ctx.workspace, item_id, due_on=due_on, owner_name=owner_name)
        return assessment_detail(ctx.workspace, assessment_id)

    ctx.tasks.run_db(work, on_done, on_error, owner)


def record_owner_report(
    ctx: AppContext,
    owner: QObject,
    assessment_id: str,
    reported_on: date | None,
    shared_how: str,
    on_done: Callable[[AssessmentDetail], None],
    on_error: Failed,
) -> None:
    def work() -> AssessmentDetail:
        risk.record_owner_report(ctx.workspace, assessment_id, reported_on=reported_on, shared_how=shared_how)
        return assessment_detail(ctx.workspace, assessment_id)

    ctx.tasks.run_db(work, on_done, on_error, owner)


def delete_assessment(
    ctx: AppContext, owner: QObject, assessment_id: str, on_done: Callable[[Changes], None], on_error: Failed
) -> None:
    ctx.tasks.run_db(lambda: risk.delete_assessment(ctx.workspace, assessment_id), on_done, on_error, owner)
