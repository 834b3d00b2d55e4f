"""Excel/CSV exchange on the database lane: preview a file, apply a checked preview, export."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject

from safetydesk.core import exchange as x
from safetydesk.core.exchange import Preview
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations.common import Done
from safetydesk.ui.operations.common import OptionalFailed as Failed
from safetydesk.ui.operations.common import run as _run

__all__ = ["KINDS", "Preview", "apply_import", "export_file", "preview_import"]

KINDS = x.KINDS


def preview_import(
    ctx: AppContext, owner: QObject, kind: str, path: Path, on_done: Done, on_error: Failed = None
) -> None:
    """``on_done(Preview)``: rows read, what would be created or updated, every problem."""
    ws = ctx.workspace
    _run(ctx, owner, lambda: x.preview_import(ws, kind, path), on_done, on_error)


def apply_import(
    ctx: AppContext, owner: QObject, preview: Preview, on_done: Done, on_error: Failed = None
) -> None:
    """``on_done(Changes)``; a preview with problems fails with ``ImportRejectedError``, nothing written."""
    ws = ctx.workspace
    _run(ctx, owner, lambda: x.apply_import(ws, preview), on_done, on_error)


def export_file(
    ctx: AppContext,
    owner: QObject,
    kind: str,
    path: Path,
    on_done: Done,
    on_error: Failed = None,
    *,
    assessment_id: str | None = None,
) -> None:
    """``on_done(int)``: the number of rows written."""
    ws = ctx.workspace
    _run(ctx, owner, lambda: x.export(ws, kind, path, assessment_id=assessment_id), on_done, on_error)
