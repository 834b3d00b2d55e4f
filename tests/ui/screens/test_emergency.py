"""Emergency screen: manual save → approve → revise; drill plan → run with stopwatch and roll call."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from safetydesk.core.i18n import set_language
from safetydesk.core.queries import lists
from safetydesk.core.queries.emergency import get_drill, get_manual
from safetydesk.core.queries.people import PersonChoice
from safetydesk.core.services import records
from safetydesk.core.workspace.workspace import Workspace
from safetydesk.ui.context import AppContext
from safetydesk.ui.screens import emergency as screen_mod
from safetydesk.ui.screens import emergency_common as common
from safetydesk.ui.screens.emergency import EmergencyScreen
from safetydesk.ui.screens.emergency_common import CheckPeopleModel, CheckRow
from safetydesk.ui.tasks import TaskRunner
from tests.factories import base_refs


@pytest.fixture
def screen(qtbot: QtBot, ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> Any:
    set_language("ko")
    monkeypatch.setattr(common, "confirm", lambda *_a: True)
    refs = base_refs(ws)
    for name in ("박근로", "이용접"):
        records.create(
            ws,
            "people",
            {"site_id": refs["site"], "name": name, "kind": "worker", "job_type": "production", "roles": []},
        )
    ctx = AppContext(workspace=ws, tasks=TaskRunner())
    widget = EmergencyScreen(ctx)
    qtbot.addWidget(widget)
    widget.resize(1166, 720)
    widget.show()
    widget.refs = refs  # type: ignore[attr-defined]
    yield widget
    ctx.tasks.wait()


def _manual_count(ws: Workspace) -> int:
    return lists.count(ws, lists.ListQuery("emergency_manuals"))


def test_manual_save_approve_and_revise(qtbot: QtBot, screen: Any, ws: Workspace, monkeypatch: Any) -> None:
    screen.refresh()
    page = screen.manual
    qtbot.waitUntil(lambda: "매뉴얼" in page.title_edit.text() or page.title_edit.text() != "", timeout=5000)
    assert page.section_edits["ga"].toPlainText()  # a first manual starts from the skeleton
    page.section_edits["da"].setPlainText("")
    page.save()
    qtbot.waitUntil(lambda: page.manual is not None, timeout=5000)
    assert _manual_count(ws) == 1 and not page.dirty
    # approving without part 다 is refused with a message naming it
    monkeypatch.setattr(screen_mod, "_ask_text", lambda *_a, **_k: "대표이사 김대표")
    page.approve()
    qtbot.waitUntil(lambda: page.error.isVisible(), timeout=5000)
    assert "다" in page.error.text()
    page.section_edits["da"].setPlainText("전원 차단, 통제선 설치")
    assert screen.has_unsaved_changes()
    page.approve()  # saves first, then approves
    qtbot.waitUntil(lambda: page.manual is not None and page.manual.locked, timeout=5000)
    assert get_manual(ws, page.manual.id).approved_by == "대표이사 김대표"
    assert page.section_edits["ga"].isReadOnly() and page.revise_button.isEnabled()
    assert "잠김" in page.state_label.text()
    first = page.manual.id
    page.revise()
    qtbot.waitUntil(lambda: page.manual is not None and page.manual.id != first, timeout=5000)
    assert page.manual.version_label == "1.1" and not page.manual.locked
    assert not page.section_edits["ga"].isReadOnly()
    qtbot.waitUntil(lambda: page.list.model.rowCount() == 2, timeout=5000)


def test_plan_and_run_a_drill(qtbot: QtBot, screen: Any, ws: Workspace) -> None:
    screen.refresh()
    planner = screen.planner
    qtbot.waitUntil(lambda: planner.area_box.count() == 2 and len(planner.due_labels) == 2, timeout=5000)
    # nothing done yet: both legal drills are shown as due now
    assert all("color" in label.styleSheet() for label in planner.due_labels)
    screen.new_record()
    common.select_data(planner.type_box, "fire")
    planner.area_box.setCurrentIndex(1)
    planner.scenario_edit.setPlainText("용접 베이 화재, 2층 대피")
    assert screen.has_unsaved_changes()
    planner.run_button.click()  # saves the plan, then opens the run tab
    run = screen.run
    qtbot.waitUntil(lambda: run.drill is not None and run.roll_model.rowCount() == 3, timeout=5000)
    assert screen.tabs.currentWidget() is run
    assert "화재" in run.heading.text()
    assert run.expected_spin.value() == 3
    run.start_button.click()
    assert run.running and screen.has_unsaved_changes()
    qtbot.wait(1100)
    run.alarm_button.click()
    assert run.alarm_spin.value() >= 1
    qtbot.wait(1100)
    run.evacuated_button.click()
    assert not run.running and run.evacuate_spin.value() >= 1
    # tick two of three: one missing is shown
    run.roll_model.setData(
        run.roll_model.index(0, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
    )
    run.roll_model.setData(
        run.roll_model.index(1, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
    )
    assert "1" in run.count_label.text() and "#b00020" in run.count_label.styleSheet()
    run.observations.setPlainText("B 출입구 팔레트 적치")
    drill_id = run.drill.id
    run.finish_button.click()
    qtbot.waitUntil(lambda: run.drill is None, timeout=5000)
    drill = get_drill(ws, drill_id)
    assert drill.status == "done" and drill.headcount_actual == 2 and drill.headcount_expected == 3
    assert drill.seconds_to_alarm is not None and drill.seconds_to_alarm >= 1
    assert drill.observations == "B 출입구 팔레트 적치" and drill.form_record_id
    assert not screen.has_unsaved_changes()
    qtbot.waitUntil(
        lambda: any("화재" in lbl.text() and "#b00020" not in lbl.styleSheet() for lbl in planner.due_labels),
        timeout=5000,
    )


def test_action_from_observation(qtbot: QtBot, screen: Any, ws: Workspace, monkeypatch: Any) -> None:
    from safetydesk.core.services.emergency import DrillPlan, plan_drill

    plan = plan_drill(ws, None, DrillPlan("confined_space_rescue", date.today()))
    screen.refresh()
    qtbot.waitUntil(lambda: screen.planner.list.model.rowCount() == 1, timeout=5000)
    screen.planner.open_drill(plan.id)
    qtbot.waitUntil(lambda: screen.planner.drill is not None, timeout=5000)
    screen.planner.run_button.click()
    run = screen.run
    qtbot.waitUntil(lambda: run.drill is not None, timeout=5000)
    run.observations.setPlainText("송기마스크 호스 파손\n무전기 배터리 방전")
    seen: dict[str, str] = {}

    def fake_ask(_parent: Any, text: str = "", due: Any = None) -> common.ActionValues:
        seen["text"] = text
        return common.ActionValues(text, date.today(), "김반장", "engineering")

    monkeypatch.setattr(common, "ask_action", fake_ask)
    run.action_button.click()  # cursor on the first line
    qtbot.waitUntil(lambda: bool(get_drill(ws, plan.id).actions), timeout=5000)
    assert seen["text"] in ("송기마스크 호스 파손", "무전기 배터리 방전")
    assert get_drill(ws, plan.id).actions[0].owner_name == "김반장"


def test_check_people_model(qtmodeltester: Any) -> None:
    model = CheckPeopleModel(with_hours=True)
    people = [PersonChoice(str(i), f"사람{i}", "가공", "production", "worker", None) for i in range(5)]
    model.set_rows([CheckRow(p, checked=i % 2 == 0, hours=2.0) for i, p in enumerate(people)])
    qtmodeltester.check(model)
    assert model.setData(model.index(1, 3), 1.5, Qt.ItemDataRole.EditRole)
    assert model.rows[1].checked and model.rows[1].hours == 1.5
    assert not model.setData(model.index(1, 3), -1, Qt.ItemDataRole.EditRole)
    model.set_all(False)
    assert model.checked_rows() == []
