"""What every operations module shares: the callback types and the hop onto the database lane."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from safetydesk.ui.context import AppContext

Done = Callable[[Any], None]
Failed = Callable[[Exception], None]
OptionalFailed = Failed | None


def run(
    ctx: AppContext, owner: QObject, fn: Callable[[], Any], on_done: Done, on_error: OptionalFailed = None
) -> None:
    """Run ``fn`` on the database lane; callbacks come back on the GUI thread while ``owner`` lives."""
    ctx.tasks.run_db(fn, on_done, on_error, owner)
