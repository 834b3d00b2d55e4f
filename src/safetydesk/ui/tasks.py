"""Task runner (DESIGN.md §5): a database lane, a CPU lane and a network lane, results back on the GUI thread.

The database lane is a thread pool of one thread, so SQLite sees a single writer; the CPU lane is a
separate pool for PDFs, model work and imports; the network lane (one thread) runs sync, whose
requests may wait for minutes on a slow or absent server without holding up the database lane. A task's callbacks run on the GUI thread through a
queued signal, and are dropped if their receiver was deleted meanwhile.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.fn = fn
        self.relay = relay

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # delivered to the GUI thread, where it is shown or reported
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self._deliver(self.relay.failed, exc)
        else:
            self._deliver(self.relay.done, result)

    @staticmethod
    def _deliver(signal: Any, value: object) -> None:
        try:
            signal.emit(value)
        except RuntimeError:
            # The widget that asked was closed meanwhile: nobody is waiting for this result.
            log.debug("result dropped: its receiver was deleted")


class TaskRunner(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db_lane = QThreadPool(self)
        self.db_lane.setMaxThreadCount(1)
        self.cpu_lane = QThreadPool(self)
        self.cpu_lane.setMaxThreadCount(max(1, QThreadPool.globalInstance().maxThreadCount() - 1))
        self.net_lane = QThreadPool(self)
        self.net_lane.setMaxThreadCount(1)
        self._relays: set[_Relay] = set()

    def run_db(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None] | None = None,
        owner: QObject | None = None,
    ) -> None:
        self._submit(self.db_lane, fn, on_done, on_error, owner)

    def run_cpu(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None] | None = None,
        owner: QObject | None = None,
    ) -> None:
        self._submit(self.cpu_lane, fn, on_done, on_error, owner)

    def run_net(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None] | None = None,
        owner: QObject | None = None,
    ) -> None:
        """Network work (sync): one task at a time, never on the GUI thread or the database lane."""
        self._submit(self.net_lane, fn, on_done, on_error, owner)

    def _submit(
        self,
        pool: QThreadPool,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None] | None,
        owner: QObject | None,
    ) -> None:
        relay = _Relay(owner if owner is not None else self)
        self._relays.add(relay)

        def finish(result: Any) -> None:
            self._relays.discard(relay)
            on_done(result)

        def fail(exc: Exception) -> None:
            self._relays.discard(relay)
            if on_error is not None:
                on_error(exc)
            else:
                log.error("background task failed: %s", getattr(exc, "__traceback_text__", exc))

        relay.done.connect(finish)
        relay.failed.connect(fail)
        pool.start(_Job(fn, relay))

    def wait(self, msecs: int = 30000) -> bool:
        return (
            self.db_lane.waitForDone(msecs)
            and self.cpu_lane.waitForDone(msecs)
            and self.net_lane.waitForDone(msecs)
        )
