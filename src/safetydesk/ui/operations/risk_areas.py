"""Area risk ranking for the floor plan and the home screen, re-run in the background after changes.

``rank_areas`` takes ~135 ms on a large workspace, so it runs on the database lane. There is no
"data changed" signal across screens, but every write goes through a service that appends one audit
event, so the newest audit sequence number is a cheap, exact change marker (it also sees writes made
by the CLI or a sync). A ``RiskWatcher`` polls that marker on the database lane while its screen is
visible and re-ranks, debounced, when it moves.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget
from sqlalchemy import func, select

from safetydesk.core.db.tables import audit_events
from safetydesk.core.workspace.workspace import Workspace
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations.common import Failed, run

if TYPE_CHECKING:
    from safetydesk.core.ml.areas import AreaScore

__all__ = ["RiskWatcher", "data_version", "load_ranking", "ranking"]

log = logging.getLogger(__name__)

POLL_MS = 2000  # how often a visible screen checks for changes
DEBOUNCE_MS = 400  # a burst of changes (an import, a form with many answers) ranks once


def data_version(ws: Workspace) -> int:
    """The newest audit sequence number: it moves with every write to the workspace."""
    with ws.reader() as conn:
        value = conn.execute(select(func.max(audit_events.c.seq))).scalar()
    return int(value or 0)


def ranking(ws: Workspace) -> tuple[int, tuple[AreaScore, ...]]:
    """The change marker read *before* ranking (a write in between only triggers one more rank)."""
    version = data_version(ws)
    from safetydesk.core.ml.areas import rank_areas  # numpy and the model load after first paint

    return version, tuple(rank_areas(ws))


def load_ranking(
    ctx: AppContext,
    owner: QObject,
    on_done: Callable[[tuple[int, tuple[AreaScore, ...]]], None],
    on_error: Failed | None = None,
) -> None:
    run(ctx, owner, lambda: ranking(ctx.workspace), on_done, on_error)


class RiskWatcher(QObject):
    """Ranks the areas for one screen: on ``request()`` and whenever the workspace changes.

    ``ranked`` carries the areas, riskiest first. Only one ranking is in flight at a time; requests
    that arrive meanwhile are folded into one more run.
    """

    ranked = Signal(object)  # tuple[AreaScore, ...]

    def __init__(self, ctx: AppContext, screen: QWidget) -> None:
        super().__init__(screen)
        self.ctx = ctx
        self.latest: tuple[AreaScore, ...] | None = None
        self.runs = 0  # finished rankings (tests and diagnostics)
        self.version: int | None = None
        self._ranking = False
        self._again = False
        self._polling = False
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(DEBOUNCE_MS)
        self.debounce.timeout.connect(self._start)
        self.poll = QTimer(self)
        self.poll.setInterval(POLL_MS)
        self.poll.timeout.connect(self._poll)

    def request(self) -> None:
        """Rank soon (debounced), and from now on watch for changes."""
        self.debounce.start()
        if not self.poll.isActive():
            self.poll.start()

    def stop(self) -> None:
        self.debounce.stop()
        self.poll.stop()

    def _start(self) -> None:
        if self._ranking:
            self._again = True
            return
        self._ranking = True
        load_ranking(self.ctx, self, self._done, self._failed)

    def _done(self, result: tuple[int, tuple[AreaScore, ...]]) -> None:
        self._ranking = False
        self.version, self.latest = result
        self.runs += 1
        self.ranked.emit(self.latest)
        if self._again:
            self._again = False
            self.debounce.start()

    def _failed(self, exc: Exception) -> None:
        self._ranking = False
        self._again = False
        log.warning("area ranking failed: %s", getattr(exc, "__traceback_text__", exc))

    def _poll(self) -> None:
        screen = self.parent()
        if not isinstance(screen, QWidget) or not screen.isVisible():
            return  # screens re-rank on refresh when they are shown again
        if self._polling or self._ranking or self.debounce.isActive() or self.version is None:
            return
        self._polling = True
        ws = self.ctx.workspace
        run(self.ctx, self, lambda: data_version(ws), self._polled, self._poll_failed)

    def _polled(self, version: int) -> None:
        self._polling = False
        if version != self.version:
            self.debounce.start()

    def _poll_failed(self, exc: Exception) -> None:
        self._polling = False
        log.debug("change check failed: %s", exc)
