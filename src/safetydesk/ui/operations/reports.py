"""Report operations: build a PDF on the database lane, print or copy it on the CPU lane.

Only ``ui.reports`` imports this module, and only when a report is opened, so neither ReportLab nor
the report builders are loaded at start-up. Progress is reported from the worker thread through a
queued signal; callbacks reach the GUI thread only while their owner lives.
"""

from __future__ import annotations

import contextlib
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from safetydesk.core.errors import UserError
from safetydesk.core.i18n import N_
from safetydesk.core.reports.context import ReportOptions, ReportRequest
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations.common import Failed, run

if TYPE_CHECKING:
    from safetydesk.core.reports.registry import Generated

Progress = Callable[[int, int, str], None]


class ProgressRelay(QObject):
    """Carries ``progress(done, total, text)`` calls from a worker thread to the GUI thread."""

    progressed = Signal(int, int, str)

    def callback(self) -> Progress:
        def report(done: int, total: int, text: str) -> None:
            with contextlib.suppress(RuntimeError):  # the dialog that asked was closed meanwhile
                self.progressed.emit(done, total, text)

        return report


@dataclass
class Job:
    """One background job; ``cancel()`` tells the worker its result is no longer wanted."""

    cancelled: threading.Event = field(default_factory=threading.Event)

    def cancel(self) -> None:
        self.cancelled.set()


def _relay(owner: QObject, on_progress: Progress) -> ProgressRelay:
    relay = ProgressRelay(owner)
    relay.progressed.connect(on_progress)
    return relay


def generate(
    ctx: AppContext,
    owner: QObject,
    kind: str,
    request: ReportRequest,
    out: Path,
    options: ReportOptions,
    job: Job,
    on_progress: Progress,
    on_done: Callable[[Generated | None], None],
    on_error: Failed,
) -> None:
    """Render report ``kind`` into ``out``; ``on_done(None)`` if the job was cancelled meanwhile."""
    relay = _relay(owner, on_progress)
    progress = relay.callback()
    ws = ctx.workspace

    def work() -> Generated | None:
        from safetydesk.core.reports import registry

        if job.cancelled.is_set():
            return None  # superseded while waiting for the lane
        from safetydesk.core.reports.render import RenderCancelledError

        try:
            generated = registry.generate(
                ws, kind, request, out, options, progress=progress, cancelled=job.cancelled.is_set
            )
        except RenderCancelledError:
            generated = None
        if generated is None or job.cancelled.is_set():
            # Closed or superseded while rendering: the file is nobody's, and its folder may be gone.
            out.unlink(missing_ok=True)
            _remove_empty(out.parent)
            return None
        return generated

    def done(result: Generated | None) -> None:
        relay.deleteLater()
        on_done(result)

    def failed(exc: Exception) -> None:
        relay.deleteLater()
        on_error(exc)

    run(ctx, owner, work, done, failed)


def _remove_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not empty (another render is using it) or already gone
        folder.rmdir()


def copy_pdf(
    ctx: AppContext,
    owner: QObject,
    source: Path,
    target: Path,
    on_done: Callable[[Path], None],
    on_error: Failed,
) -> None:
    """Copy the generated PDF to where the user chose to save it."""

    def work() -> Path:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        except OSError as exc:
            raise UserError(
                N_("The PDF could not be saved as {path}: {reason}"),
                N_("Close the file if another program has it open, or choose another folder."),
                path=str(target),
                reason=exc.strerror or str(exc),
            ) from exc
        return target

    ctx.tasks.run_cpu(work, on_done, on_error, owner)


def print_pdf(
    ctx: AppContext,
    owner: QObject,
    work: Callable[[Progress], int],
    on_progress: Progress,
    on_done: Callable[[int], None],
    on_error: Failed,
) -> None:
    """Run a print job (``work(progress) -> pages printed``) on the CPU lane, away from the GUI thread."""
    relay = _relay(owner, on_progress)
    progress = relay.callback()

    def done(pages: int) -> None:
        relay.deleteLater()
        on_done(pages)

    def failed(exc: Exception) -> None:
        relay.deleteLater()
        on_error(exc)

    ctx.tasks.run_cpu(lambda: work(progress), done, failed, owner)
