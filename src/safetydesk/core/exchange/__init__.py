"""Excel and CSV exchange: import (preview first, all or nothing) and export of registers.

``preview_import(ws, kind, path)`` reads and checks a file without writing; ``apply_import(ws, preview)``
writes a preview that has no problems in one transaction; ``export(ws, kind, path)`` writes a file that
imports back. Kinds: workers, equipment, templates, risk-assessment.
"""

from __future__ import annotations

from pathlib import Path

from safetydesk.core.errors import UserError
from safetydesk.core.exchange import equipment, risk, templates, workers
from safetydesk.core.exchange.common import FileProblemError, ImportRejectedError, Preview, Problem, read_file
from safetydesk.core.i18n import N_
from safetydesk.core.services.base import Changes, transaction
from safetydesk.core.workspace.workspace import Workspace

KINDS = ("workers", "equipment", "templates", "risk-assessment")
_MODULES = {"workers": workers, "equipment": equipment, "templates": templates, "risk-assessment": risk}


def _module(kind: str):  # type: ignore[no-untyped-def]
    try:
        return _MODULES[kind]
    except KeyError:
        raise UserError(
            N_("Unknown kind {kind}; choose one of: {kinds}."), "", kind=kind, kinds=", ".join(KINDS)
        ) from None


def preview_import(ws: Workspace, kind: str, path: Path) -> Preview:
    """Read and check every row; nothing is written. A file that cannot be read is one problem."""
    module = _module(kind)
    try:
        sheets = read_file(Path(path))
    except FileProblemError as exc:
        return Preview(kind, Path(path), problems=[exc.problem])
    if not sheets:
        return Preview(
            kind,
            Path(path),
            problems=[Problem(Path(path).name, None, None, N_("The workbook has no sheets."))],
        )
    result: Preview = module.preview(ws, Path(path), sheets)
    return result


def apply_import(ws: Workspace, preview: Preview, *, actor: str | None = None) -> Changes:
    """Write a checked preview in one transaction; a preview with problems raises and changes nothing."""
    if preview.problems:
        raise ImportRejectedError(preview.problems)
    module = _module(preview.kind)
    with transaction(ws, actor) as tx:
        changes: Changes = module.apply(tx, preview.payload)
    return changes


def import_file(ws: Workspace, kind: str, path: Path, *, actor: str | None = None) -> tuple[Preview, Changes]:
    preview = preview_import(ws, kind, path)
    return preview, apply_import(ws, preview, actor=actor)


def export(ws: Workspace, kind: str, path: Path, *, assessment_id: str | None = None) -> int:
    """Write the register (or one risk assessment, default the latest) to .xlsx or .csv; returns rows."""
    path = Path(path)
    if kind == "risk-assessment":
        return risk.export(ws, path, assessment_id)
    count: int = _module(kind).export(ws, path)
    return count


__all__ = [
    "KINDS",
    "ImportRejectedError",
    "Preview",
    "Problem",
    "apply_import",
    "export",
    "import_file",
    "preview_import",
]
