"""Model screen operations: the hazard model's status, retraining with progress and Cancel, rolling
back, and the risky-area back-test.

``core.ml`` (numpy, scikit-learn, skops) is imported inside the jobs only, so opening the window does
not pay for it. Status, roll-back and the back-test read the workspace and run on the database lane;
retraining is ~10 s of CPU work and runs on the CPU lane (it reads the confirmed labels once, which
SQLite in WAL mode allows beside the database lane), so the rest of the app stays usable meanwhile.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from safetydesk.ui.context import AppContext
from safetydesk.ui.operations.common import Failed, run

if TYPE_CHECKING:
    from safetydesk.core.ml.manage import ModelInfo, ModelStatus

__all__ = ["RetrainJob", "StageRelay", "load_backtest", "load_status", "retrain", "roll_back"]

StageProgress = Callable[[str, int, int], None]  # stage, step (1-based), steps


class StageRelay(QObject):
    """Carries ``progress(stage, step, steps)`` calls from the training thread to the GUI thread."""

    progressed = Signal(str, int, int)

    def callback(self) -> StageProgress:
        def report(stage: str, step: int, steps: int) -> None:
            with contextlib.suppress(RuntimeError):  # the screen that asked was closed meanwhile
                self.progressed.emit(stage, step, steps)

        return report


@dataclass
class RetrainJob:
    """One retraining run; ``cancel()`` makes the trainer's ``cancelled()`` return True."""

    cancelled: threading.Event = field(default_factory=threading.Event)
    stopped_at: str | None = None  # the stage the trainer stopped before, once it honoured a cancel

    def cancel(self) -> None:
        self.cancelled.set()

    def is_cancelled(self) -> bool:
        return self.cancelled.is_set()


def load_status(
    ctx: AppContext, owner: QObject, on_done: Callable[[ModelStatus], None], on_error: Failed | None = None
) -> None:
    ws = ctx.workspace

    def work() -> ModelStatus:
        from safetydesk.core.ml.manage import model_status

        return model_status(ws)

    run(ctx, owner, work, on_done, on_error)


def load_backtest(
    ctx: AppContext,
    owner: QObject,
    on_done: Callable[[dict[str, Any]], None],
    on_error: Failed | None = None,
) -> None:
    """The hit rate at top-k of each area scorer on the workspace's past months (~1 s when big)."""
    ws = ctx.workspace

    def work() -> dict[str, Any]:
        from safetydesk.core.ml.area_backtest import backtest

        return backtest(ws)

    run(ctx, owner, work, on_done, on_error)


def retrain(
    ctx: AppContext,
    owner: QObject,
    job: RetrainJob,
    on_progress: StageProgress,
    on_done: Callable[[ModelInfo | None], None],
    on_error: Failed,
) -> None:
    """Retrain on the CPU lane; ``on_done(None)`` when the job was cancelled (nothing was changed)."""
    relay = StageRelay(owner)
    relay.progressed.connect(on_progress)
    progress = relay.callback()
    ws = ctx.workspace

    def work() -> ModelInfo | None:
        from safetydesk.core.ml import manage

        if job.is_cancelled():
            job.stopped_at = "queued"
            return None
        try:
            return manage.retrain(ws, progress=progress, cancelled=job.is_cancelled)
        except manage.TrainingCancelledError as exc:
            job.stopped_at = str(exc) or "?"
            return None

    def done(result: ModelInfo | None) -> None:
        relay.deleteLater()
        on_done(result)

    def failed(exc: Exception) -> None:
        relay.deleteLater()
        on_error(exc)

    ctx.tasks.run_cpu(work, done, failed, owner)


def roll_back(ctx: AppContext, owner: QObject, on_done: Callable[[None], None], on_error: Failed) -> None:
    """Use the shipped model again; retrained bundles stay in the workspace."""
    ws = ctx.workspace

    def work() -> None:
        from safetydesk.core.ml import manage

        manage.roll_back(ws)

    run(ctx, owner, work, on_done, on_error)
