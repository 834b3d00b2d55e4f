"""Home tiles lead to the filtered action list; the action panel works an action through to closed."""

from __future__ import annotations

from datetime import date, timedelta

from pytestqt.qtbot import QtBot

from safetydesk.core.i18n import set_language
from safetydesk.core.queries.actions import action_detail
from safetydesk.core.services import records
from safetydesk.core.workspace.workspace import Workspace
from safetydesk.ui.app import build_window
from safetydesk.ui.screens.actions import ActionsScreen, escalation
from safetydesk.ui.screens.home import HomeScreen
from tests.factories import base_refs, minimal


def test_overdue_tile_opens_the_overdue_list_and_closing_updates_the_dashboard(
    qtbot: QtBot, ws: Workspace
) -> None:
    set_language("en")
    refs = base_refs(ws)
    late = records.create(
        ws,
        "corrective_actions",
        {
            **minimal("corrective_actions", refs),
            "title": "late one",
            "due_on": date.today() - timedelta(days=40),
        },
    ).id
    records.create(
        ws,
        "corrective_actions",
        {
            **minimal("corrective_actions", refs),
            "title": "future one",
            "due_on": date.today() + timedelta(days=40),
        },
    )
    window = build_window(ws)
    qtbot.addWidget(window)
    window.show()
    home = window.screens[0]
    assert isinstance(home, HomeScreen)
    qtbot.waitUntil(lambda: home.counts is not None, timeout=5000)
    assert home.values["overdue_actions"].text() == "1"
    home.tiles["overdue_actions"].clicked.emit()
    screen = window.current_screen()
    assert isinstance(screen, ActionsScreen)
    qtbot.waitUntil(
        lambda: screen.list.model.rowCount() == 1 and screen.list.model.record_id(0) == late, timeout=5000
    )
    screen.list.table.selectRow(0)
    qtbot.waitUntil(lambda: screen.current is not None and screen.current.id == late, timeout=5000)
    assert "40" in screen.badge.text()
    screen.done_button.click()
    qtbot.waitUntil(lambda: action_detail(ws, late).status == "done", timeout=5000)
    window.nav.setCurrentRow(0)
    qtbot.waitUntil(lambda: home.counts is not None and home.counts.overdue_actions == 0, timeout=5000)
    window.ctx.tasks.wait()


def test_escalation_badges_grow_with_days_overdue() -> None:
    set_language("en")
    assert escalation(0) == ("", "")
    assert escalation(3)[1] != escalation(10)[1] != escalation(45)[1]
    assert "escalate" in escalation(45)[0]
