"""UI numbers on a (large) workspace: cold start, list paging, GUI-thread stalls, memory.

Usage: QT_QPA_PLATFORM=offscreen python benchmarks/bench_ui.py WORKSPACE
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtCore import QElapsedTimer, QTimer
from PySide6.QtWidgets import QApplication

from safetydesk.core.queries.lists import ListQuery
from safetydesk.core.workspace.workspace import open_workspace
from safetydesk.ui.tasks import TaskRunner
from safetydesk.ui.widgets.paged_model import PagedTableModel


def cold_start(workspace: Path, runs: int = 3) -> list[float]:
    env = {**os.environ, "SAFETYDESK_STARTUP_PROBE": "1", "QT_QPA_PLATFORM": "offscreen"}
    times = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-m", "safetydesk", "--workspace", str(workspace)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        line = next(x for x in out.stdout.splitlines() if x.startswith("startup_ms="))
        times.append(float(line.split("=")[1]))
    return times


class Heartbeat:
    """A 10 ms timer on the GUI thread; the longest gap between beats is the longest stall."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.clock = QElapsedTimer()
        self.longest = 0
        self.timer.timeout.connect(self._beat)

    def start(self) -> None:
        self.clock.start()
        self.timer.start()

    def _beat(self) -> None:
        self.longest = max(self.longest, self.clock.restart() - 10)


def wait(app: QApplication, predicate: object, timeout_s: float = 60) -> None:
    deadline = time.perf_counter() + timeout_s
    while not predicate():  # type: ignore[operator]
        app.processEvents()  # benchmark driver only; the app itself never does this
        time.sleep(0.001)
        if time.perf_counter() > deadline:
            raise TimeoutError


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    workspace = Path(sys.argv[1])
    starts = cold_start(workspace)
    print(f"cold start to interactive window: median {statistics.median(starts):.0f} ms ({starts})")

    app = QApplication([])
    beat = Heartbeat()
    beat.start()
    ws = open_workspace(workspace)
    runner = TaskRunner()
    for name in ("checklist_answers", "corrective_actions"):
        model = PagedTableModel(runner, ws, name)
        shown: list[float] = []
        counted: list[int] = []
        model.first_page_shown.connect(lambda s=shown: s.append(time.perf_counter()))
        model.loaded.connect(counted.append)
        started = time.perf_counter()
        model.reload()
        wait(app, lambda s=shown: bool(s))
        first = (shown[-1] - started) * 1000
        wait(app, lambda c=counted: bool(c))
        print(
            f"{name}: first page {first:.0f} ms; {counted[0]:,} rows counted after "
            f"{(time.perf_counter() - started) * 1000:.0f} ms"
        )
        for label, query in (
            (
                "filter result=fail",
                ListQuery(name, filters={"result": "fail"})
                if name == "checklist_answers"
                else ListQuery(name, filters={"status": "open"}),
            ),
            ("sort by area", ListQuery(name, sort_key="area")),
        ):
            shown.clear()
            started = time.perf_counter()
            model.set_query(query)
            wait(app, lambda s=shown: bool(s))
            print(f"  {label}: first page {(time.perf_counter() - started) * 1000:.0f} ms")
    runner.wait()
    print(f"longest GUI-thread stall while paging: {beat.longest} ms")

    from safetydesk.ui.app import build_window, load_fonts

    load_fonts()
    window = build_window(ws)
    window.resize(1366, 768)
    window.show()
    for index in range(len(window.screens)):
        window.nav.setCurrentRow(index)
        wait(app, lambda: window.ctx.tasks.db_lane.activeThreadCount() == 0, 120)
        for _ in range(20):
            app.processEvents()
    print(f"resident memory after opening every screen: {_rss_mb():.0f} MB")
    window.close()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of this process: {rss:.0f} MB")
    ws.close()


if __name__ == "__main__":
    main()
