"""Cyclic garbage is collected in the GUI thread, never in a worker thread."""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from safetydesk.ui import gc_guard


def test_automatic_collection_is_off_and_the_gui_thread_collects(qapp: QApplication, qtbot: QtBot) -> None:
    collector = gc_guard.install(qapp)
    assert gc_guard.install(qapp) is collector  # one per application
    assert not gc.isenabled()
    collected_in: list[str] = []

    class Cycle(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.me = self

        def __del__(self) -> None:
            collected_in.append(threading.current_thread().name)

    held: list[object] = []

    def make_garbage() -> None:
        for _ in range(50):
            Cycle()
        # live allocations past generation 0's threshold: CPython would collect right here
        held.append([[] for _ in range(gc.get_threshold()[0] * 3)])

    def in_worker() -> None:
        worker = threading.Thread(target=make_garbage, name="worker")
        worker.start()
        worker.join()

    # Control: with CPython's automatic collection, the worker itself collects the cycles.
    gc.enable()
    try:
        in_worker()
    finally:
        gc.disable()
    gc.collect()
    assert "worker" in collected_in
    collected_in.clear()
    held.clear()

    in_worker()
    assert not collected_in  # with the guard, nothing is collected in the worker thread
    before = collector.collections
    qtbot.waitUntil(lambda: len(collected_in) == 50, timeout=10000)
    assert collector.collections > before
    assert set(collected_in) == {threading.main_thread().name}
