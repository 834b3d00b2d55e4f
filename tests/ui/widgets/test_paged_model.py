"""The paged list model: SQL sorting/filtering, lazy pages, and Qt's model contract (qtmodeltester)."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from safetydesk.core.services.base import transaction
from safetydesk.core.workspace.workspace import Workspace
from safetydesk.ui.tasks import TaskRunner
from safetydesk.ui.widgets.list_view import ListView
from safetydesk.ui.widgets.paged_model import PAGE_SIZE, PagedTableModel


def _actions(ws: Workspace, n: int) -> None:
    with transaction(ws) as tx:
        for i in range(n):
            tx.insert(
                "corrective_actions",
                {
                    "source_kind": "inspection",
                    "title": f"조치 {i:04d}",
                    "hierarchy": "engineering",
                    "due_on": date(2026, 1, 1) + timedelta(days=i % 400),
                    "status": "open" if i % 3 else "verified",
                    "owner_name": f"담당 {i % 7}",
                },
            )


def test_model_pages_sorts_and_filters(qtbot: QtBot, qtmodeltester, ws: Workspace) -> None:  # type: ignore[no-untyped-def]
    _actions(ws, PAGE_SIZE * 2 + 17)
    runner = TaskRunner()
    model = PagedTableModel(runner, ws, "corrective_actions")
    with qtbot.waitSignal(model.loaded, timeout=5000) as blocker:
        model.reload()
    assert blocker.args == [PAGE_SIZE * 2 + 17]
    assert model.rowCount() == PAGE_SIZE * 2 + 17 and len(model.pages) == 1
    # a row on an unloaded page shows a placeholder, then arrives
    last = model.index(model.rowCount() - 1, 3)
    assert model.data(last) == "…"
    qtbot.waitUntil(lambda: model.data(last) not in ("…", None), timeout=5000)
    qtmodeltester.check(model)
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.sort(3, Qt.SortOrder.DescendingOrder)
    assert model.data(model.index(0, 3)) == f"조치 {PAGE_SIZE * 2 + 16:04d}"
    with qtbot.waitSignal(model.loaded, timeout=5000) as blocker:
        model.set_filters(status="verified")
    assert blocker.args == [(PAGE_SIZE * 2 + 17 + 2) // 3]
    with qtbot.waitSignal(model.loaded, timeout=5000) as blocker:
        model.set_search("조치 0003")
    assert blocker.args == [1]
    runner.wait()


def test_list_view_search_box(qtbot: QtBot, ws: Workspace) -> None:
    _actions(ws, 30)
    view = ListView(TaskRunner(), ws, "corrective_actions")
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.model.loaded, timeout=5000):
        view.refresh()
    assert view.count_label.text().startswith("30")
    with qtbot.waitSignal(view.model.loaded, timeout=5000):
        view.search.setText("담당 3")
    assert view.model.rowCount() == len([i for i in range(30) if i % 7 == 3])
