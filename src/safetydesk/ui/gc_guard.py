"""Run Python's cyclic garbage collector in the GUI thread only.

CPython collects cycles in whichever thread happens to cross the allocation threshold. When that is a
worker thread (a report render, a model load) and a cycle holds Qt wrappers made in the GUI thread
(a closed dialog's widgets, a timer and the lambda connected to it), their C++ objects are destroyed
off the GUI thread and Qt can crash — seen as a segmentation fault "while garbage-collecting" inside
ReportLab on the task runner. So automatic collection is switched off while the window runs, and a
timer in the GUI thread collects each generation when its threshold is passed (the thresholds and
counters are CPython's own, so memory behaves as before, only the thread changes).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.collections = 0  # runs of gc.collect (diagnostics and tests)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> None:
        counts = gc.get_count()
        thresholds = gc.get_threshold()
        for generation in (2, 1, 0):
            if counts[generation] > thresholds[generation]:
                gc.collect(generation)
                self.collections += 1
                break

    def stop(self) -> None:
        self.timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()


def install(app: QObject) -> GuiThreadCollector:
    """One collector per application, owned by it."""
    existing = app.findChild(GuiThreadCollector)
    return existing if isinstance(existing, GuiThreadCollector) else GuiThreadCollector(app)
