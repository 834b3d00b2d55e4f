"""The budget screen (안전보건 예산, SAPA Decree Art. 4 item 4): lines and spends recorded through the
screen land in the workspace, a spend linked to a corrective action shows the action, the year and
per-Decree-item totals match ``budget_year()``, and a delete inside retention is refused with the
legal-hold message while the record stays."""

from __future__ import annotations

import re
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressBar
from pytestqt.qtbot import QtBot

from safetydesk.core.errors import LegalHoldError, ValidationError
from safetydesk.core.i18n import set_language
from safetydesk.core.queries.budget import budget_year, spends_between
from safetydesk.core.services import budget as budget_service
from safetydesk.core.services import records
from safetydesk.core.workspace.workspace import Workspace
from safetydesk.ui.context import AppContext
from safetydesk.ui.screens import emergency_common as common
from safetydesk.ui.screens.budget import BudgetScreen, won
from safetydesk.ui.tasks import TaskRunner
from tests.conftest import DEMO_TODAY

WAIT_MS = 20000
TODAY = date(2026, 5, 20)


pytestmark = pytest.mark.usefixtures("english_ui")


def _screen(qtbot: QtBot, ws: Workspace, today: date) -> BudgetScreen:
    screen = BudgetScreen(AppContext(workspace=ws, tasks=TaskRunner()))
    screen.today = today
    qtbot.addWidget(screen)
    screen.resize(1080, 760)
    screen.show()
    screen.refresh()
    _settle(qtbot, screen)
    return screen


def _settle(qtbot: QtBot, screen: BudgetScreen) -> None:
    qtbot.waitUntil(lambda: screen.view is not None and not screen.loading, timeout=WAIT_MS)
    screen.ctx.tasks.wait()
    qtbot.wait(20)


def _text(table: object, row: int, column: int) -> str:
    item = table.item(row, column)  # type: ignore[attr-defined]
    assert item is not None
    return str(item.text())


def _row_of(screen: BudgetScreen, title: str) -> int:
    for row in range(screen.lines.rowCount()):
        if _text(screen.lines, row, 2) == title:
            return row
    raise AssertionError(title)


def test_a_line_and_a_spend_linked_to_an_action_go_through_the_screen(qtbot: QtBot, ws: Workspace) -> None:
    records.create(ws, "sites", {"name": "동남정밀"})
    action = records.create(
        ws,
        "corrective_actions",
        {
            "source_kind": "audit",
            "title": "프레스 방호덮개 교체",
            "hierarchy": "engineering",
            "due_on": TODAY,
        },
    ).id
    screen = _screen(qtbot, ws, TODAY)
    assert screen.selected_year() == 2026 and screen.lines.rowCount() == 0
    assert screen.action_box.findData(action) > 0  # open actions are offered

    screen.new_line()
    screen.category_box.setCurrentIndex(screen.category_box.findData("hazard_fix"))
    screen.title_edit.setText("위험성평가 개선조치 비용")
    screen.planned_box.setValue(5_000_000)
    screen.note_edit.setText("경영책임자 승인")
    qtbot.mouseClick(screen.save_line_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.lines.rowCount() == 1, timeout=WAIT_MS)
    _settle(qtbot, screen)
    year = budget_year(ws, 2026)
    assert [(x.category, x.title, x.planned_amount, x.note) for x in year.lines] == [
        ("hazard_fix", "위험성평가 개선조치 비용", 5_000_000, "경영책임자 승인")
    ]
    line_id = year.lines[0].id
    assert screen.line_id == line_id  # the saved line stays selected
    assert _text(screen.lines, 0, 0) == "나" and _text(screen.lines, 0, 3) == "5,000,000 won"

    screen.new_spend()
    assert screen.spend_line_box.currentData() == line_id
    screen.spend_date.set_value(date(2026, 5, 10))
    screen.spend_amount.setValue(1_250_000)
    screen.spend_description.setText("광전자식 방호장치 구입")
    screen.action_box.setCurrentIndex(screen.action_box.findData(action))
    qtbot.mouseClick(screen.save_spend_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.spends.rowCount() == 1, timeout=WAIT_MS)
    _settle(qtbot, screen)

    linked = spends_between(ws, date(2026, 1, 1), date(2026, 12, 31), linked_only=True)
    assert [(s.budget_item_id, s.amount, s.action_id, s.spent_on) for s in linked] == [
        (line_id, 1_250_000, action, date(2026, 5, 10))
    ]
    assert _text(screen.spends, 0, 1) == "1,250,000 won"
    assert _text(screen.spends, 0, 4) == "Open · 프레스 방호덮개 교체"
    # per Decree sub-item: 나 planned 5,000,000, spent 1,250,000 (25 %)
    assert _text(screen.categories, 1, 2) == "5,000,000 won"
    assert _text(screen.categories, 1, 3) == "1,250,000 won"
    bar = screen.categories.cellWidget(1, 4)
    assert isinstance(bar, QProgressBar) and bar.value() == 25 and bar.format() == "25%"
    assert _text(screen.lines, 0, 5) == "3,750,000 won"  # remaining
    assert "planned 5,000,000 won, spent 1,250,000 won (25%)" in screen.total_label.text()

    # correcting the spend (audited update), then unlinking it from the action
    screen.spends.selectRow(0)
    assert screen.spend_id == linked[0].id and screen.spend_amount.value() == 1_250_000
    screen.spend_amount.setValue(1_300_000)
    screen.action_box.setCurrentIndex(0)
    qtbot.mouseClick(screen.save_spend_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _text(screen.spends, 0, 1) == "1,300,000 won", timeout=WAIT_MS)
    assert spends_between(ws, date(2026, 1, 1), date(2026, 12, 31), linked_only=True) == ()
    assert budget_year(ws, 2026).spent == 1_300_000
    assert _text(screen.spends, 0, 4) == ""


def test_a_spend_outside_the_budget_year_is_refused_on_screen(qtbot: QtBot, ws: Workspace) -> None:
    records.create(ws, "sites", {"name": "동남정밀"})
    screen = _screen(qtbot, ws, TODAY)
    screen.title_edit.setText("보호구 구입")
    screen.planned_box.setValue(1_000_000)
    qtbot.mouseClick(screen.save_line_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.lines.rowCount() == 1, timeout=WAIT_MS)
    _settle(qtbot, screen)
    screen.new_spend()
    screen.spend_date.set_value(date(2025, 12, 31))  # the day before the budget year
    screen.spend_amount.setValue(10_000)
    screen.spend_description.setText("안전화")
    qtbot.mouseClick(screen.save_spend_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.error.isVisible(), timeout=WAIT_MS)
    assert "2025-12-31 is not in the budget year 2026" in screen.error.text()
    screen.spend_date.set_value(date(2026, 1, 1))
    qtbot.mouseClick(screen.save_spend_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.spends.rowCount() == 1, timeout=WAIT_MS)
    assert not screen.error.isVisible()


def test_the_demo_years_totals_match_budget_year(qtbot: QtBot, demo: Workspace) -> None:
    screen = _screen(qtbot, demo, DEMO_TODAY)
    expected = budget_year(demo, 2026)
    assert expected.lines and expected.spent > 0
    assert screen.selected_year() == 2026
    years = {screen.year_box.itemData(i) for i in range(screen.year_box.count())}
    assert {2025, 2026, 2027} <= years
    assert f"planned {won(expected.planned)}, spent {won(expected.spent)}" in screen.total_label.text()
    assert re.search(r"\d[\d,]+ won", screen.total_label.text())
    for row, sub in enumerate(("가", "나", "다")):
        parts = [c for c in expected.categories if c.decree_item == sub]
        assert _text(screen.categories, row, 2) == won(sum(c.planned for c in parts))
        assert _text(screen.categories, row, 3) == won(sum(c.spent for c in parts))
    assert sum(int(_text(screen.categories, r, 1)) for r in range(3)) == len(expected.lines)
    assert screen.lines.rowCount() == len(expected.lines)
    for line in expected.lines:
        row = _row_of(screen, line.title)
        assert _text(screen.lines, row, 3) == won(line.planned_amount)
        assert _text(screen.lines, row, 4) == won(line.spent)
    # the 나 line shows its spends with the corrective action each paid for
    fix = next(x for x in expected.lines if x.category == "hazard_fix")
    screen.lines.selectRow(_row_of(screen, fix.title))
    assert screen.line_id == fix.id and screen.spends.rowCount() == len(fix.spends)
    linked = [s for s in fix.spends if s.action_id]
    assert linked
    shown = {_text(screen.spends, r, 4) for r in range(screen.spends.rowCount())}
    assert all(any(s.action_title and s.action_title in text for text in shown) for s in linked)
    screen.whole_year.setChecked(True)
    assert screen.spends.rowCount() == sum(len(x.spends) for x in expected.lines)
    assert str(won(expected.spent)) in screen.spend_caption.text()
    screen.ctx.tasks.wait()


def test_delete_inside_retention_shows_the_legal_hold_message_and_keeps_the_record(
    qtbot: QtBot, demo: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_language("ko")  # the message comes in the user's language
    screen = _screen(qtbot, demo, DEMO_TODAY)
    monkeypatch.setattr(common, "confirm", lambda _parent, _text: True)
    year = budget_year(demo, 2026)
    spend = year.lines[0].spends[0]
    with pytest.raises(LegalHoldError) as refused:
        budget_service.delete_spend(demo, spend.id)
    screen.lines.selectRow(_row_of(screen, year.lines[0].title))
    for row in range(screen.spends.rowCount()):
        if screen.spends.item(row, 0).data(Qt.ItemDataRole.UserRole) == spend.id:  # type: ignore[union-attr]
            screen.spends.selectRow(row)
    assert screen.spend_id == spend.id
    qtbot.mouseClick(screen.delete_spend_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.error.isVisible(), timeout=WAIT_MS)
    assert screen.error.text() == refused.value.text("ko")
    assert "2031" in screen.error.text() and re.search("[가-힣]", screen.error.text())
    assert any(s.id == spend.id for s in spends_between(demo, spend.spent_on, spend.spent_on))

    # a line with spending cannot be deleted either; the line stays
    with pytest.raises(ValidationError) as line_refused:
        budget_service.delete_budget_item(demo, year.lines[0].id)
    assert screen.line_id == year.lines[0].id
    qtbot.mouseClick(screen.delete_line_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.error.text() == line_refused.value.text("ko"), timeout=WAIT_MS)
    assert screen.error.isVisible()
    screen.ctx.tasks.wait()
    assert len(budget_year(demo, 2026).lines) == len(year.lines)
