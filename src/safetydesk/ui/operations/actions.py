"""Corrective-action operations, run on the database lane."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QImage
from sqlalchemy import select

from safetydesk.core.db.tables import corrective_actions, findings
from safetydesk.core.queries.actions import ActionDetail, action_detail, attachment_bytes
from safetydesk.core.services import actions
from safetydesk.core.services.hazard_labels import LabelInput
from safetydesk.core.services.hazard_labels import classify_finding as classify_finding_service
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations.common import Done, Failed


def load_detail(
    ctx: AppContext,
    owner: QObject,
    action_id: str,
    on_done: Callable[[ActionDetail], None],
    on_error: Failed | None = None,
) -> None:
    ctx.tasks.run_db(lambda: action_detail(ctx.workspace, action_id), on_done, on_error, owner)


def load_thumbnail(
    ctx: AppContext,
    owner: QObject,
    sha256: str,
    size: int,
    on_done: Callable[[QImage], None],
    on_error: Failed | None = None,
) -> None:
    """Read and decode off the GUI thread (a phone photo can take ~100 ms to decode)."""

    def work() -> QImage:
        image = QImage.fromData(attachment_bytes(ctx.workspace, sha256))
        return image.scaled(
            size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )

    ctx.tasks.run_db(work, on_done, on_error, owner)


def save(
    ctx: AppContext,
    owner: QObject,
    action_id: str,
    values: Mapping[str, Any],
    on_done: Done,
    on_error: Failed,
) -> None:
    ctx.tasks.run_db(
        lambda: actions.update_action(ctx.workspace, action_id, values), on_done, on_error, owner
    )


def add_evidence(
    ctx: AppContext, owner: QObject, action_id: str, photo: Path, role: str, on_done: Done, on_error: Failed
) -> None:
    ctx.tasks.run_db(
        lambda: actions.add_evidence(ctx.workspace, action_id, photo, role=role), on_done, on_error, owner
    )


def mark_done(
    ctx: AppContext, owner: QObject, action_id: str, done_on: date, on_done: Done, on_error: Failed
) -> None:
    ctx.tasks.run_db(
        lambda: actions.mark_done(ctx.workspace, action_id, done_on=done_on), on_done, on_error, owner
    )


def verify(
    ctx: AppContext,
    owner: QObject,
    action_id: str,
    verified_by: str,
    effective: bool,
    note: str,
    on_done: Done,
    on_error: Failed,
) -> None:
    ctx.tasks.run_db(
        lambda: actions.verify_and_close(
            ctx.workspace,
            action_id,
            verified_by=verified_by,
            verified_on=date.today(),
            effective=effective,
            note=note or None,
        ),
        on_done,
        on_error,
        owner,
    )


@dataclass(frozen=True)
class FindingHazard:
    """The finding behind a corrective action, as far as its hazard group goes."""

    id: str
    description: str
    hazard_group: str | None


def finding_hazard(ctx: AppContext, action_id: str) -> FindingHazard | None:
    """The action's finding (None for an action made without one, e.g. from a suggestion)."""
    with ctx.workspace.reader() as conn:
        row = (
            conn.execute(
                select(findings.c.id, findings.c.description, findings.c.hazard_group)
                .select_from(
                    corrective_actions.join(findings, findings.c.id == corrective_actions.c.finding_id)
                )
                .where(corrective_actions.c.id == action_id, findings.c.deleted_at.is_(None))
            )
            .mappings()
            .first()
        )
    if row is None:
        return None
    return FindingHazard(
        id=str(row["id"]),
        description=str(row["description"] or ""),
        hazard_group=row["hazard_group"],
    )


def load_finding_hazard(
    ctx: AppContext,
    owner: QObject,
    action_id: str,
    on_done: Callable[[FindingHazard | None], None],
    on_error: Failed | None = None,
) -> None:
    ctx.tasks.run_db(lambda: finding_hazard(ctx, action_id), on_done, on_error, owner)


def classify_finding(
    ctx: AppContext,
    owner: QObject,
    finding_id: str,
    hazard_group: str,
    suggestion: Mapping[str, Any] | None,
    on_done: Done,
    on_error: Failed,
) -> None:
    """Store the finding's hazard group with the suggestion that was shown (accepted or corrected)."""
    label = LabelInput(hazard_group, suggestion)
    ctx.tasks.run_db(
        lambda: classify_finding_service(ctx.workspace, finding_id, label), on_done, on_error, owner
    )
