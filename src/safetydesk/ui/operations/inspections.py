"""Inspections and templates operations: core calls run on the task runner, results come back as data.

Reads and writes go to the database lane; decoding photos goes to the CPU lane. Scoring and planning
a completion are pure and fast, so they are offered here as plain calls for the screens to use per edit.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QImage

from safetydesk.core.forms.schema import FormTemplate, Score
from safetydesk.core.queries.inspections import (
    AnswerData,
    AreaOption,
    FormRecordView,
    GasRowData,
    NewFormChoices,
    TemplateDetail,
    TemplateOption,
    area_options,
    attachment_bytes,
    load_form_record,
    new_form_choices,
    people_names,
    template_detail,
)
from safetydesk.core.services import inspections as service
from safetydesk.core.services.forms import CompletedForm
from safetydesk.core.services.inspections import CompletionPlan, StoredFile
from safetydesk.core.services.records import Created
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations.common import Failed

__all__ = [
    "MAX_PHOTO_MB",
    "AnswerData",
    "AreaOption",
    "CompletedForm",
    "CompletionPlan",
    "Created",
    "FormRecordView",
    "GasRowData",
    "NewFormChoices",
    "StoredFile",
    "TemplateDetail",
    "TemplateOption",
]

MAX_PHOTO_MB = service.MAX_PHOTO_MB


# -- pure helpers --------------------------------------------------------------------------------


def score(template: FormTemplate, answers: Mapping[str, AnswerData], gas: Sequence[GasRowData] = ()) -> Score:
    return service.score(template, answers, gas)


def plan_completion(
    template: FormTemplate,
    answers: Mapping[str, AnswerData],
    gas: Sequence[GasRowData] = (),
    on: date | None = None,
) -> CompletionPlan:
    return service.plan_completion(template, answers, gas, on=on)


# -- reads ---------------------------------------------------------------------------------------


def load_areas(
    ctx: AppContext,
    owner: QObject,
    on_done: Callable[[tuple[AreaOption, ...]], None],
    on_error: Failed | None = None,
) -> None:
    ctx.tasks.run_db(lambda: area_options(ctx.workspace), on_done, on_error, owner)


def load_people(
    ctx: AppContext,
    owner: QObject,
    on_done: Callable[[tuple[str, ...]], None],
    on_error: Failed | None = None,
) -> None:
    ctx.tasks.run_db(lambda: people_names(ctx.workspace), on_done, on_error, owner)


def load_new_form_choices(
    ctx: AppContext, owner: QObject, on_done: Callable[[NewFormChoices], None], on_error: Failed | None = None
) -> None:
    ctx.tasks.run_db(lambda: new_form_choices(ctx.workspace), on_done, on_error, owner)


def load_record(
    ctx: AppContext,
    owner: QObject,
    record_id: str,
    on_done: Callable[[FormRecordView], None],
    on_error: Failed | None = None,
) -> None:
    ctx.tasks.run_db(lambda: load_form_record(ctx.workspace, record_id), on_done, on_error, owner)


def load_image(
    ctx: AppContext,
    owner: QObject,
    sha256: str,
    size: int | None,
    on_done: Callable[[QImage], None],
    on_error: Failed | None = None,
) -> None:
    """Read and decode a stored photo off the GUI thread, scaled to fit ``size`` pixels if given."""

    def work() -> QImage:
        image = QImage.fromData(attachment_bytes(ctx.workspace, sha256))
        if size is not None and not image.isNull():
            image = image.scaled(
                size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        return image

    ctx.tasks.run_cpu(work, on_done, on_error, owner)


def load_template(
    ctx: AppContext,
    owner: QObject,
    template_id: str,
    on_done: Callable[[TemplateDetail], None],
    on_error: Failed | None = None,
) -> None:
    ctx.tasks.run_db(lambda: template_detail(ctx.workspace, template_id), on_done, on_error, owner)


def template_for_editing(
    ctx: AppContext,
    owner: QObject,
    template_id: str,
    on_done: Callable[[dict[str, Any]], None],
    on_error: Failed | None = None,
) -> None:
    """The body to edit: a shipped template becomes ``user.<code>``; a user template its next version."""
    ctx.tasks.run_db(lambda: service.user_copy(ctx.workspace, template_id), on_done, on_error, owner)


# -- writes --------------------------------------------------------------------------------------


def start_record(
    ctx: AppContext,
    owner: QObject,
    template_id: str,
    *,
    performed_on: date,
    area_id: str | None,
    equipment_id: str | None,
    performed_by_name: str | None,
    on_done: Callable[[Created], None],
    on_error: Failed,
) -> None:
    ctx.tasks.run_db(
        lambda: service.start_record(
            ctx.workspace,
            template_id,
            performed_on=performed_on,
            area_id=area_id,
            equipment_id=equipment_id,
            performed_by_name=performed_by_name,
        ),
        on_done,
        on_error,
        owner,
    )


def save_draft(
    ctx: AppContext,
    owner: QObject,
    record_id: str,
    answers: Mapping[str, AnswerData],
    gas: Sequence[GasRowData] | None,
    header: Mapping[str, Any] | None,
    on_done: Callable[[object], None],
    on_error: Failed,
) -> None:
    answers, gas_rows, head = dict(answers), None if gas is None else list(gas), header
    ctx.tasks.run_db(
        lambda: service.save_draft(ctx.workspace, record_id, answers, gas_rows, head),
        on_done,
        on_error,
        owner,
    )


def complete(
    ctx: AppContext,
    owner: QObject,
    record_id: str,
    answers: Mapping[str, AnswerData],
    gas: Sequence[GasRowData] | None,
    header: Mapping[str, Any] | None,
    owner_name: str | None,
    on_done: Callable[[CompletedForm], None],
    on_error: Failed,
) -> None:
    answers, gas_rows = dict(answers), None if gas is None else list(gas)
    ctx.tasks.run_db(
        lambda: service.complete_record(
            ctx.workspace, record_id, answers, gas_rows, header, owner_name=owner_name
        ),
        on_done,
        on_error,
        owner,
    )


def revise(
    ctx: AppContext,
    owner: QObject,
    record_id: str,
    reason: str,
    on_done: Callable[[Created], None],
    on_error: Failed,
) -> None:
    ctx.tasks.run_db(
        lambda: service.revise_record(ctx.workspace, record_id, reason), on_done, on_error, owner
    )


def attach_photo(
    ctx: AppContext, owner: QObject, path: Path, on_done: Callable[[StoredFile], None], on_error: Failed
) -> None:
    ctx.tasks.run_db(lambda: service.store_photo(ctx.workspace, path), on_done, on_error, owner)


def store_signature(
    ctx: AppContext, owner: QObject, png: bytes, on_done: Callable[[str], None], on_error: Failed
) -> None:
    ctx.tasks.run_db(lambda: service.store_signature(ctx.workspace, png), on_done, on_error, owner)


def save_template(
    ctx: AppContext,
    owner: QObject,
    data: Mapping[str, Any],
    copied_from: str | None,
    on_done: Callable[[Created], None],
    on_error: Failed,
) -> None:
    body = copy.deepcopy(dict(data))  # the editor keeps editing its own dict meanwhile
    ctx.tasks.run_db(
        lambda: service.save_template(ctx.workspace, body, copied_from=copied_from), on_done, on_error, owner
    )
