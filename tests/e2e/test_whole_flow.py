"""The day's work in one window: an inspection with a failed item and a photo → finding → action →
the action closed with evidence → the dashboard counts change. A heartbeat on the GUI thread records
the longest stall (``SAFETYDESK_STALL_OUT`` writes it for ``benchmarks/bench_flow.py``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from safetydesk.core.db.tables import corrective_actions, findings
from safetydesk.core.i18n import set_language
from safetydesk.core.queries.actions import action_detail
from safetydesk.core.workspace.workspace import Workspace
from safetydesk.ui.app import build_window
from safetydesk.ui.screens import actions as actions_screen
from safetydesk.ui.screens.actions import ActionsScreen
from safetydesk.ui.screens.home import HomeScreen
from safetydesk.ui.screens.inspections import InspectionsScreen
from tests.ui.screens.test_inspections import FAILED_ITEM, _answer_everything, _cards, _png, _press_shop


class Heartbeat:
    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.clock = QElapsedTimer()
        self.longest = 0
        self.timer.timeout.connect(self._beat)
        self.clock.start()
        self.timer.start()

    def _beat(self) -> None:
        self.longest = max(self.longest, self.clock.restart() - 10)


def test_inspection_to_closed_action_changes_the_dashboard(
    qtbot: QtBot, ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_language("ko")
    _refs, machine = _press_shop(ws)
    window = build_window(ws)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    beat = Heartbeat()
    home = window.screens[0]
    assert isinstance(home, HomeScreen)
    qtbot.waitUntil(lambda: home.counts is not None, timeout=5000)
    assert home.counts is not None
    open_before = home.counts.open_actions

    # 1. the inspection, through the inspections screen
    window.navigate("inspections", {})
    screen = window.current_screen()
    assert isinstance(screen, InspectionsScreen)
    qtbot.waitUntil(lambda: screen.list.model.total >= 0 and not screen.list.model.pending, timeout=5000)
    screen.new_record()
    qtbot.waitUntil(lambda: screen.new_dialog is not None and screen.new_dialog.isVisible(), timeout=5000)
    dialog = screen.new_dialog
    assert dialog is not None
    from safetydesk.core.services.forms import template_id_by_code

    assert dialog.select_template(template_id_by_code(ws, "prework.press"))
    dialog.performer.setText("김안전")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.editor.form is not None, timeout=5000)
    _answer_everything(qtbot, screen, FAILED_ITEM)
    card = _cards(screen)[FAILED_ITEM]
    card.add_photos([_png(tmp_path / "before.png")])
    qtbot.waitUntil(lambda: card.photos is not None and len(card.photos.shas()) == 1, timeout=5000)
    screen.editor.complete()
    qtbot.waitUntil(lambda: screen.editor.complete_dialog is not None, timeout=5000)
    complete = screen.editor.complete_dialog
    assert complete is not None
    qtbot.mouseClick(complete.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.editor.view is not None and screen.editor.view.locked, timeout=5000)
    with ws.reader() as conn:
        finding = conn.execute(select(findings).where(findings.c.equipment_id == machine)).mappings().one()
        action_id = conn.execute(
            select(corrective_actions.c.id).where(corrective_actions.c.finding_id == finding["id"])
        ).scalar_one()

    # 2. the dashboard now shows one more open action
    window.navigate("home", {})
    qtbot.waitUntil(
        lambda: home.counts is not None and home.counts.open_actions == open_before + 1, timeout=5000
    )

    # 3. the action: evidence after the fix, done, verified and closed
    home.tiles["open_actions"].clicked.emit()
    actions = window.current_screen()
    assert isinstance(actions, ActionsScreen)
    qtbot.waitUntil(lambda: actions.list.model.rowCount() >= 1, timeout=5000)
    row = next(
        r for r in range(actions.list.model.rowCount()) if actions.list.model.record_id(r) == action_id
    )
    actions.list.table.selectRow(row)
    qtbot.waitUntil(lambda: actions.current is not None and actions.current.id == action_id, timeout=5000)
    assert any(e.role == "before" for e in actions.current.evidence)  # the inspection photo came along
    actions.add_photo(_png(tmp_path / "after.png"), "after")
    qtbot.waitUntil(
        lambda: any(e.role == "after" for e in action_detail(ws, action_id).evidence), timeout=5000
    )
    qtbot.waitUntil(lambda: actions.done_button.isEnabled(), timeout=5000)
    actions.done_button.click()
    qtbot.waitUntil(lambda: action_detail(ws, action_id).status == "done", timeout=5000)
    qtbot.waitUntil(lambda: actions.verify_button.isEnabled(), timeout=5000)

    def accept(self: actions_screen.VerifyDialog) -> int:
        self.verified_by.setText("이승현")
        self.note.setPlainText("새 브레이크 라이닝, 정지 시간 0.18초")
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(actions_screen.VerifyDialog, "exec", accept)
    actions.verify_button.click()
    qtbot.waitUntil(lambda: action_detail(ws, action_id).status == "verified", timeout=5000)

    # 4. back home: the count is back where it was
    window.navigate("home", {})
    qtbot.waitUntil(lambda: home.counts is not None and home.counts.open_actions == open_before, timeout=5000)
    window.ctx.tasks.wait()
    out = os.environ.get("SAFETYDESK_STALL_OUT")
    if out:
        Path(out).write_text(str(beat.longest))
