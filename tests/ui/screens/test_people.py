"""People screen: roster validation, a training with its attendance, hours per half-year with shortfalls."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from safetydesk.core.domain.legal import HalfYear
from safetydesk.core.i18n import set_language
from safetydesk.core.queries import lists
from safetydesk.core.queries.people import HoursRow, get_person, get_training
from safetydesk.core.services import records
from safetydesk.core.workspace.workspace import Workspace
from safetydesk.ui.context import AppContext
from safetydesk.ui.screens import emergency_common as common
from safetydesk.ui.screens.emergency_common import select_data
from safetydesk.ui.screens.people import HoursModel, PeopleScreen
from safetydesk.ui.tasks import TaskRunner
from tests.factories import base_refs


@pytest.fixture
def screen(qtbot: QtBot, ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> Any:
    set_language("ko")
    monkeypatch.setattr(common, "confirm", lambda *_a: True)
    refs = base_refs(ws)  # the site and 김안전 (supervisor)
    for name, job in (("박생산", "production"), ("이사무", "office")):
        records.create(
            ws,
            "people",
            {"site_id": refs["site"], "name": name, "kind": "worker", "job_type": job, "roles": []},
        )
    ctx = AppContext(workspace=ws, tasks=TaskRunner())
    widget = PeopleScreen(ctx)
    qtbot.addWidget(widget)
    widget.resize(1166, 720)
    widget.show()
    widget.refresh()
    qtbot.waitUntil(lambda: widget.trainings.attendees.rowCount() == 3, timeout=5000)
    yield widget
    ctx.tasks.wait()


def test_roster_validation_and_save(qtbot: QtBot, screen: Any, ws: Workspace) -> None:
    page = screen.roster
    screen.new_record()
    page.name_edit.setText("응우옌 반 안")
    page.nationality_edit.setText("VNM")
    page.language_edit.setText("vi")
    page.department_edit.setText("가공팀")
    assert screen.has_unsaved_changes()
    screen.save()
    qtbot.waitUntil(lambda: page.error.isVisible(), timeout=5000)
    assert "KR" in page.error.text() and page.nationality_edit.hasFocus()
    page.nationality_edit.setText("vn")
    screen.save()
    qtbot.waitUntil(lambda: page.detail is not None, timeout=5000)
    assert get_person(ws, page.detail.id).nationality == "VN"
    assert not page.error.isVisible() and not screen.has_unsaved_changes()
    qtbot.waitUntil(lambda: page.list.model.rowCount() == 4, timeout=5000)
    # choosing 'supervisor' as kind proposes the supervisor job type (16 h a year)
    select_data(page.kind_box, "supervisor")
    assert page.job_box.currentData() == "supervisor"


def test_training_with_attendance_then_hours(qtbot: QtBot, screen: Any, ws: Workspace) -> None:
    screen.tabs.setCurrentWidget(screen.trainings)
    page = screen.trainings
    screen.new_record()
    page.title_edit.setText("정기 안전보건교육")
    page.hours_spin.setValue(6)
    page.attendee_search.setText("박생산")
    assert page.proxy.rowCount() == 1
    page.all_button.click()
    page.attendee_search.setText("")
    model = page.attendees
    row = next(i for i, r in enumerate(model.rows) if r.person.name == "이사무")
    model.setData(model.index(row, 3), 4.0, Qt.ItemDataRole.EditRole)  # typing hours ticks the person
    assert page.count_label.text().startswith("2")
    screen.save()
    qtbot.waitUntil(lambda: page.detail is not None, timeout=5000)
    training = get_training(ws, page.detail.id)
    assert {(a.name, a.hours) for a in training.attendees} == {("박생산", 6.0), ("이사무", 4.0)}
    page.complete_button.click()
    qtbot.waitUntil(lambda: page.detail is not None and page.detail.locked, timeout=5000)
    assert page.title_edit.isReadOnly() and model.read_only
    assert lists.count(ws, lists.ListQuery("trainings")) == 1
    # hours this half-year: 이사무 has 4 of 6, 박생산 6 of 12, 김안전 (supervisor) 0 of 16 a year
    screen.open_filtered({"tab": "hours", "short": False})
    hours = screen.hours
    qtbot.waitUntil(lambda: any(r.done for r in hours.model.rows), timeout=5000)
    by_name = {r.name: r for r in hours.model.rows}
    assert by_name["이사무"].shortfall == 2 and by_name["박생산"].shortfall == 6
    assert by_name["김안전"].per == "year" and by_name["김안전"].required == 16
    assert "3명 중 3명" in hours.summary.text()
    hours.short_box.setChecked(True)
    assert hours.proxy.rowCount() == 3
    # the biggest shortfall is on top
    assert hours.proxy.data(hours.proxy.index(0, 0)) == "김안전"


def test_hours_model(qtmodeltester: Any) -> None:
    model = HoursModel()
    half = HalfYear.containing(date(2026, 3, 1))
    rows = [
        HoursRow("1", "박생산", "가공", "production", "other", "half_year", half.start, half.end, 12, 12),
        HoursRow("2", "이사무", "관리", "office", "office_sales", "half_year", half.start, half.end, 6, 2),
        HoursRow(
            "3",
            "김반장",
            "가공",
            "supervisor",
            "supervisor",
            "year",
            date(2026, 1, 1),
            date(2026, 12, 31),
            16,
            8,
        ),
    ]
    model.set_rows(rows)
    qtmodeltester.check(model)
    assert model.data(model.index(0, 6)) == ""
    assert model.data(model.index(1, 6)) == "4"
    assert model.data(model.index(1, 0), Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(model.index(0, 0), Qt.ItemDataRole.BackgroundRole) is None
