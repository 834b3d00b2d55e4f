"""The 협력업체 screen: contractors with their latest evaluation and due marker, standards ✓/✗, and an
evaluation entered through the dialog, completed (locked, retention shown) and read-only afterwards."""

from __future__ import annotations

from datetime import date

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from safetydesk.core.db.tables import contractor_evaluations, contractors
from safetydesk.core.queries import contractors as q
from safetydesk.core.workspace.workspace import Workspace
from safetydesk.ui.context import AppContext
from safetydesk.ui.screens.contractors import (
    COL_COST,
    COL_DUE,
    COL_LATEST,
    COL_NAME,
    COL_PERIOD,
    COL_WORKERS,
    ContractorsScreen,
    EvaluationDialog,
)
from safetydesk.ui.tasks import TaskRunner
from tests.conftest import DEMO_TODAY

WAIT_MS = 20000


pytestmark = pytest.mark.usefixtures("english_ui")


def _screen(qtbot: QtBot, ws: Workspace, today: date) -> ContractorsScreen:
    screen = ContractorsScreen(AppContext(workspace=ws, tasks=TaskRunner()))
    screen.today = today
    qtbot.addWidget(screen)
    screen.resize(1280, 800)
    screen.show()
    screen.refresh()
    qtbot.waitUntil(lambda: screen.view is not None and not screen.loading, timeout=WAIT_MS)
    return screen


def _cell(screen: ContractorsScreen, row: int, column: int) -> str:
    item = screen.table.item(row, column)
    assert item is not None
    return item.text()


def _row_of(screen: ContractorsScreen, name: str) -> int:
    return next(r for r in range(screen.table.rowCount()) if _cell(screen, r, COL_NAME) == name)


def test_demo_contractors_show_latest_evaluation_and_turn_due_after_twelve_months(
    qtbot: QtBot, demo: Workspace
) -> None:
    screen = _screen(qtbot, demo, DEMO_TODAY)
    expected = q.contractor_list(demo, today=DEMO_TODAY)
    assert screen.table.rowCount() == len(expected) == 3
    for i, row in enumerate(expected):
        assert row.latest is not None and row.valid_evaluation is not None
        assert _cell(screen, i, COL_NAME) == row.name
        assert row.latest.evaluated_on.isoformat() in _cell(screen, i, COL_LATEST)
        assert _cell(screen, i, COL_DUE) == f"Valid until {row.valid_evaluation.valid_until.isoformat()}"
        assert _cell(screen, i, COL_COST) == "✓"
        assert _cell(screen, i, COL_PERIOD) == ("✓" if row.building_period_standard else "✗")
        assert _cell(screen, i, COL_WORKERS) == str(row.workers)
    assert "0 due" in screen.summary.text()
    # the shipbuilding demo: the building-period standard is required here
    assert "shipbuilding" in screen.period_note.text() and "required" in screen.period_note.text()
    screen.table.selectRow(1)
    qtbot.waitUntil(lambda: screen.selected == expected[1].id and not screen.loading, timeout=WAIT_MS)
    assert screen.name.text() == expected[1].name
    assert screen.evaluations.rowCount() == len(q.evaluations(demo, expected[1].id)) >= 1
    assert "Locked, kept until" in screen.evaluations.item(0, 5).text()  # type: ignore[union-attr]
    assert f"({expected[1].workers})" in screen.workers_label.text()
    screen.ctx.tasks.wait()
    # a year and a day after the evaluations (23 Dec 2025) every contractor is due again
    later = _screen(qtbot, demo, date(2026, 12, 24))
    assert all(_cell(later, r, COL_DUE) == "Due: evaluation expired" for r in range(3))
    assert "3 due" in later.summary.text()
    later.ctx.tasks.wait()


def test_add_a_contractor_and_a_completed_evaluation_through_the_screen(qtbot: QtBot, ws: Workspace) -> None:
    today = date(2026, 11, 23)
    screen = _screen(qtbot, ws, today)
    assert screen.table.rowCount() == 0
    screen.new_record()
    screen.name.setText("부산도장(주)")
    screen.scope.setText("도장 작업")
    screen.has_contract.setChecked(True)
    screen.cost_standard.setPlainText("도급금액의 2% 이상 안전보건관리비 계상")
    screen.save()
    qtbot.waitUntil(lambda: not screen.busy and screen.table.rowCount() == 1, timeout=WAIT_MS)
    assert screen.selected is not None
    row = _row_of(screen, "부산도장(주)")
    assert _cell(screen, row, COL_DUE) == "Due: no completed evaluation"
    assert _cell(screen, row, COL_COST) == "✓" and _cell(screen, row, COL_PERIOD) == "✗"
    assert _cell(screen, row, COL_LATEST) == "-"
    with ws.reader() as conn:
        stored = conn.execute(select(contractors)).one()
    assert stored.safety_cost_standard == "도급금액의 2% 이상 안전보건관리비 계상"
    assert stored.contract_from == "2026-11-23" and stored.contract_to == "2026-12-31"

    dialog = screen.new_evaluation()
    assert isinstance(dialog, EvaluationDialog)
    assert dialog.criteria.rowCount() == 6
    assert dialog.purpose.currentData() == "prequalification"
    for i, score in enumerate((18, 17, 12, 12, 13, 12)):
        dialog.set_score(i, score)
    assert dialog.total.text() == "Total 84 / 100"
    assert dialog.result_box.currentData() == "pass"  # suggested from 84 of 100
    # completing without an evaluator is refused and stores nothing
    dialog.submit(complete=True)
    qtbot.waitUntil(lambda: dialog.error.isVisibleTo(dialog), timeout=WAIT_MS)
    assert "evaluated" in dialog.error.text()
    assert q.evaluations(ws) == ()
    dialog.evaluator.setText("김안전")
    dialog.notes.setPlainText("적격")
    dialog.submit(complete=True)
    qtbot.waitUntil(lambda: screen.evaluations.rowCount() == 1, timeout=WAIT_MS)
    with ws.reader() as conn:
        evaluation = conn.execute(select(contractor_evaluations)).one()
    assert evaluation.locked_at is not None and evaluation.status == "completed"
    assert evaluation.total_score == 84 and evaluation.result == "pass" and evaluation.evaluator == "김안전"
    assert evaluation.retention_until == "2031-11-23"
    assert screen.evaluations.item(0, 5).text() == "Locked, kept until 2031-11-23"  # type: ignore[union-attr]
    assert screen.evaluations.item(0, 2).text() == "84 / 100"  # type: ignore[union-attr]
    row = _row_of(screen, "부산도장(주)")
    assert _cell(screen, row, COL_DUE) == "Valid until 2027-11-23"
    assert _cell(screen, row, COL_LATEST) == "Pass · 2026-11-23"

    # opened again it is read-only and shows the retention end
    opened = screen.open_evaluation(q.evaluations(ws)[0])
    assert opened is not None and opened.locked
    assert "2031-11-23" in opened.banner.text()
    assert not opened.save_button.isVisibleTo(opened) and not opened.complete_button.isVisibleTo(opened)
    assert not opened.result_box.isEnabled() and opened.evaluator.isReadOnly()
    assert opened._spin(0, 1).isReadOnly()
    opened.submit(complete=False)  # ignored
    screen.ctx.tasks.wait()
    assert len(q.evaluations(ws)) == 1
    # and the contractor cannot be deleted while its evaluation is kept
    screen.delete_contractor()
    qtbot.waitUntil(lambda: not screen.busy, timeout=WAIT_MS)
    assert "2031-11-23" in screen.error.text()
    assert len(q.contractor_list(ws, today=today)) == 1
    opened.close()
    screen.ctx.tasks.wait()


def test_a_draft_evaluation_is_saved_and_can_be_deleted(qtbot: QtBot, ws: Workspace) -> None:
    screen = _screen(qtbot, ws, date(2026, 7, 1))
    screen.new_record()
    screen.name.setText("한빛크레인정비(주)")
    screen.save()
    qtbot.waitUntil(lambda: not screen.busy and screen.table.rowCount() == 1, timeout=WAIT_MS)
    dialog = screen.new_evaluation()
    assert dialog is not None
    dialog.set_score(0, 10)
    dialog.submit(complete=False)
    qtbot.waitUntil(lambda: screen.evaluations.rowCount() == 1, timeout=WAIT_MS)
    assert screen.evaluations.item(0, 5).text() == "Draft"  # type: ignore[union-attr]
    assert _cell(screen, 0, COL_DUE) == "Due: no completed evaluation"  # a draft is not evidence
    assert q.evaluations(ws)[0].total_score == 10
    screen.evaluations.selectRow(0)
    screen.delete_evaluation()
    qtbot.waitUntil(lambda: screen.evaluations.rowCount() == 0, timeout=WAIT_MS)
    assert q.evaluations(ws) == ()
    screen.ctx.tasks.wait()


def test_open_filtered_selects_the_contractor_of_an_evaluation(qtbot: QtBot, demo: Workspace) -> None:
    screen = _screen(qtbot, demo, DEMO_TODAY)
    target = q.evaluations(demo)[-1]  # the oldest
    screen.open_filtered({"evaluation_id": target.id})
    qtbot.waitUntil(lambda: screen.selected == target.contractor_id and not screen.loading, timeout=WAIT_MS)
    assert screen.evaluations.currentRow() == [e.id for e in q.evaluations(demo, target.contractor_id)].index(
        target.id
    )
    other = next(r for r in q.contractor_list(demo, today=DEMO_TODAY) if r.id != target.contractor_id)
    screen.open_filtered({"contractor_id": other.id})
    qtbot.waitUntil(lambda: screen.selected == other.id and not screen.loading, timeout=WAIT_MS)
    assert screen.name.text() == other.name
    screen.ctx.tasks.wait()
