"""The window opens on a workspace, navigates every screen, and the home tiles fill in."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from safetydesk.core.i18n import set_language
from safetydesk.core.services import records
from safetydesk.core.workspace.workspace import Workspace
from safetydesk.ui.app import build_window, load_fonts
from safetydesk.ui.main_window import SCREENS
from tests.factories import base_refs, minimal


def test_home_counts_and_navigation(qtbot: QtBot, ws: Workspace) -> None:
    set_language("ko")
    refs = base_refs(ws)
    records.create(ws, "corrective_actions", {**minimal("corrective_actions", refs), "due_on": "2020-01-01"})
    family = load_fonts()
    assert "Nanum" in family
    window = build_window(ws)
    qtbot.addWidget(window)
    window.show()
    assert [s.key for s in window.screens.built()] == ["home"]  # the others are built when first shown
    home = window.screens[0]
    qtbot.waitUntil(lambda: getattr(home, "counts", None) is not None, timeout=5000)
    assert home.counts is not None and home.counts.overdue_actions == 1
    assert home.values["overdue_actions"].text() == "1"
    assert window.nav.item(0).text() == "홈"
    for index in range(len(SCREENS)):
        window.nav.setCurrentRow(index)
        assert window.stack.currentIndex() == index
    window.ctx.tasks.wait()
    window.close()


def test_screenshot_command_writes_a_png_per_screen(ws_path: Path, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "safetydesk",
            "--workspace",
            str(ws_path),
            "--screenshot",
            str(tmp_path / "shots"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert out.returncode == 0, out.stderr
    shots = sorted((tmp_path / "shots").glob("*.png"))
    assert len(shots) == len(SCREENS)
    assert all(p.stat().st_size > 5000 for p in shots)
