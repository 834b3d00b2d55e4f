"""Hazard suggestions for a description being typed, read by the embedded model off the GUI thread.

The model (numpy, scikit-learn, ~1 s to load) is imported on the CPU lane the first time a form asks
for a suggestion, never at start-up; later suggestions take a few milliseconds. The model only reads
files, so it does not need the database lane and does not queue behind saves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from safetydesk.core.workspace.workspace import Workspace
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations.common import Failed

if TYPE_CHECKING:
    from safetydesk.core.ml.hazard_model import Suggestion

__all__ = ["MIN_TEXT", "suggest", "suggest_hazard"]

MIN_TEXT = 6  # characters; mirrors core.ml.manage.MIN_TEXT without importing the model package


def suggest(ws: Workspace, text: str) -> Suggestion | None:
    """The active model's suggestion for ``text`` (None for text too short to read)."""
    from safetydesk.core.ml import manage  # loads numpy and scikit-learn on first use only

    return manage.suggest(ws, text)


def suggest_hazard(
    ctx: AppContext,
    owner: QObject,
    text: str,
    on_done: Callable[[Any], None],
    on_error: Failed | None = None,
) -> None:
    """Ask for a suggestion on the CPU lane; ``on_done(Suggestion | None)`` runs on the GUI thread."""
    ws = ctx.workspace
    ctx.tasks.run_cpu(lambda: suggest(ws, text), on_done, on_error, owner)
