"""Incidents screen: the one-minute near-miss intake, the full record with live legal flags, suggestions."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from safetydesk.core.i18n import set_language
from safetydesk.core.queries import lists
from safetydesk.core.queries.incidents import get_incident, get_suggestion
from safetydesk.core.workspace.workspace import Workspace
from safetydesk.ui.context import AppContext
from safetydesk.ui.screens import emergency_common as common
from safetydesk.ui.screens.emergency_common import select_data
from safetydesk.ui.screens.incidents import IncidentsScreen
from safetydesk.ui.tasks import TaskRunner
from tests.factories import base_refs


@pytest.fixture
def screen(qtbot: QtBot, ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> Any:
    set_language("ko")
    monkeypatch.setattr(common, "confirm", lambda *_a: True)
    monkeypatch.setattr(
        common,
        "ask_action",
        lambda _p, text="", due=None: common.ActionValues(
            text or "조치", date.today() + timedelta(days=7), "김반장", "engineering"
        ),
    )
    refs = base_refs(ws)
    ctx = AppContext(workspace=ws, tasks=TaskRunner())
    widget = IncidentsScreen(ctx)
    qtbot.addWidget(widget)
    widget.resize(1166, 720)
    widget.show()
    widget.refs = refs  # type: ignore[attr-defined]
    widget.refresh()
    qtbot.waitUntil(
        lambda: widget.incidents.area_filter.count() == 2 and widget.incidents.form.person_box.count() == 2,
        timeout=5000,
    )
    yield widget
    ctx.tasks.wait()


def _count(ws: Workspace, name: str, **filters: Any) -> int:
    return lists.count(ws, lists.ListQuery(name, filters))


def test_quick_near_miss_saves_with_enter(qtbot: QtBot, screen: Any, ws: Workspace) -> None:
    screen.new_record()  # Ctrl+N on the incidents tab opens the quick intake
    dialog = screen.incidents.quick
    assert dialog is not None and dialog.isVisible()
    assert dialog.kind_box.currentData() == "near_miss"
    # nothing typed: Enter shows why it cannot be saved, and the dialog stays
    qtbot.keyClick(dialog.text_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=5000)
    assert "무슨 일" in dialog.error.text()
    dialog.text_edit.setPlainText("지게차 후진 중 보행자와 근접")
    select_data(dialog.area_box, screen.refs["area"])
    qtbot.keyClick(dialog.text_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    assert _count(ws, "incidents", kind="near_miss") == 1
    # the new record opens in the form
    form = screen.incidents.form
    qtbot.waitUntil(lambda: form.detail is not None, timeout=5000)
    assert form.detail.title == "지게차 후진 중 보행자와 근접" and form.detail.area_id == screen.refs["area"]
    assert not form.person_group.isEnabled()  # a near miss has no injured person
    qtbot.waitUntil(lambda: screen.incidents.list.model.rowCount() == 1, timeout=5000)


def test_full_record_flags_save_close_and_action(qtbot: QtBot, screen: Any, ws: Workspace) -> None:
    page = screen.incidents
    form = page.form
    page.new_incident()
    select_data(form.kind_box, "lost_time")
    form.description_edit.setPlainText("프레스 금형 교체 중 손가락 끼임")
    select_data(form.person_box, screen.refs["person"])
    form.days_spin.setValue(5)
    assert "제출 기한" in form.form30_label.text()
    assert form.osh_label.text() == "아니오" and not form.report_label.isVisibleTo(form)
    form.injured_spin.setValue(2)
    form.t6_spin.setValue(2)
    assert form.osh_label.text().startswith("예") and form.sapa_label.text().startswith("예")
    assert form.report_label.isVisibleTo(form)
    assert screen.has_unsaved_changes()
    screen.save()
    qtbot.waitUntil(lambda: form.detail is not None, timeout=5000)
    incident_id = form.detail.id
    assert get_incident(ws, incident_id).sapa.serious and not screen.has_unsaved_changes()
    # closing needs the investigation
    page.close_button.click()
    qtbot.waitUntil(lambda: page.error.isVisible(), timeout=5000)
    form.cause_edit.setPlainText("양수 조작 장치 미사용")
    form.plan_edit.setPlainText("광전자식 방호장치 설치\n금형 교체 절차 교육")
    page.close_button.click()  # saves the typed investigation, then closes
    qtbot.waitUntil(lambda: form.detail is not None and form.detail.locked, timeout=5000)
    assert form.cause_edit.isReadOnly() and not page.save_button.isEnabled()
    form.action_button.click()
    qtbot.waitUntil(lambda: form.actions_list.count() == 1, timeout=5000)
    assert "광전자식 방호장치 설치" in form.actions_list.item(0).text()
    assert get_incident(ws, incident_id).actions[0].owner_name == "김반장"


def test_died_without_fatality_is_refused(qtbot: QtBot, screen: Any) -> None:
    page = screen.incidents
    page.new_incident()
    select_data(page.form.kind_box, "injury")
    page.form.description_edit.setPlainText("추락")
    page.form.died_box.setChecked(True)
    assert page.form.osh_label.text().startswith("예")  # a death is serious whatever the kind says
    page.save()
    qtbot.waitUntil(lambda: page.error.isVisible(), timeout=5000)
    assert "사망" in page.error.text()


def test_filters(qtbot: QtBot, screen: Any, ws: Workspace) -> None:
    from datetime import UTC, datetime

    from safetydesk.core.services.incidents import QuickIntake, record_near_miss

    now = datetime.now(UTC)
    record_near_miss(ws, QuickIntake("a", now, screen.refs["area"]))
    record_near_miss(ws, QuickIntake("b", now - timedelta(days=40), None, kind="first_aid"))
    page = screen.incidents
    page.list.refresh()
    qtbot.waitUntil(lambda: page.list.model.rowCount() == 2, timeout=5000)
    select_data(page.area_filter, screen.refs["area"])
    qtbot.waitUntil(lambda: page.list.model.rowCount() == 1, timeout=5000)
    page.area_filter.setCurrentIndex(0)
    qtbot.waitUntil(lambda: page.list.model.rowCount() == 2, timeout=5000)
    screen.open_filtered({"kind": "first_aid"})
    qtbot.waitUntil(
        lambda: page.list.model.rowCount() == 1 and page.list.model.value(0, "kind") == "first_aid",
        timeout=5000,
    )
    screen.open_filtered({"kind": None, "from": date.today() - timedelta(days=7)})
    qtbot.waitUntil(
        lambda: page.list.model.rowCount() == 1 and page.list.model.value(0, "kind") == "near_miss",
        timeout=5000,
    )


def test_suggestion_answer_and_action(qtbot: QtBot, screen: Any, ws: Workspace) -> None:
    screen.tabs.setCurrentWidget(screen.suggestions)
    page = screen.suggestions
    screen.new_record()
    page.text_edit.setPlainText("통로 조명이 어둡습니다")
    select_data(page.channel_box, "tbm")
    screen.save()
    qtbot.waitUntil(lambda: page.detail is not None, timeout=5000)
    sid = page.detail.id
    assert page.detail.submitted_by_id is None  # anonymous by default
    select_data(page.status_box, "answered")
    screen.save()
    qtbot.waitUntil(lambda: page.error.isVisible(), timeout=5000)
    page.response_edit.setPlainText("LED 조명으로 교체합니다")
    screen.save()
    qtbot.waitUntil(lambda: page.detail is not None and page.detail.response != "", timeout=5000)
    assert get_suggestion(ws, sid).responded_on == date.today().isoformat()
    page.action_button.click()
    qtbot.waitUntil(lambda: page.actions_list.count() == 1, timeout=5000)
    qtbot.waitUntil(lambda: page.list.model.rowCount() == 1, timeout=5000)
