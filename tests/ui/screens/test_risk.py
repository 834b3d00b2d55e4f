"""Risk screen: the KRAS table model (qtmodeltester, live scores) and the editor's life cycle."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from safetydesk.core.domain.risk_assessment import RiskItemData
from safetydesk.core.i18n import current_language, set_language
from safetydesk.core.legaldata import load_legal_data
from safetydesk.core.queries.lists import ListQuery, count
from safetydesk.core.services import records
from safetydesk.core.workspace.workspace import Workspace
from safetydesk.ui.context import AppContext
from safetydesk.ui.screens.risk import RiskScreen
from safetydesk.ui.screens.risk.items_model import COLUMN_INDEX, RiskItemsModel, hidden_columns
from safetydesk.ui.tasks import TaskRunner

KRAS = load_legal_data().risk_scale("kras_5x4", date(2026, 3, 2))
LEVELS = load_legal_data().risk_scale("three_level", date(2026, 3, 2))


@pytest.fixture
def english() -> Iterator[None]:
    before = current_language()
    set_language("en")
    yield
    set_language(before)


def _cell(model: RiskItemsModel, row: int, key: str) -> QModelIndex:
    return model.index(row, COLUMN_INDEX[key])


def test_items_model_contract_and_live_scores(qtmodeltester, english: None) -> None:  # type: ignore[no-untyped-def]
    model = RiskItemsModel()
    model.load(
        KRAS,
        [
            RiskItemData(
                task="금형 교체", hazard_class="mechanical", situation="끼임", likelihood=3, severity=4
            )
        ],
        read_only=False,
    )
    qtmodeltester.check(model)
    assert model.data(_cell(model, 0, "current_result")) == "12 · Slightly high"
    assert model.data(_cell(model, 0, "acceptable")) == "No"
    assert model.data(_cell(model, 0, "likelihood")) == "3 Medium"
    assert model.data(_cell(model, 0, "current_result"), Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(_cell(model, 0, "current_result"), Qt.ItemDataRole.ToolTipRole) == "Fix immediately"
    # live re-scoring on edit
    assert model.setData(_cell(model, 0, "likelihood"), 1)
    assert model.data(_cell(model, 0, "current_result")) == "4 · Low"
    assert model.data(_cell(model, 0, "acceptable")) == "Yes"
    # values off the scale and read-only cells are refused
    assert not model.setData(_cell(model, 0, "likelihood"), 9)
    assert not model.setData(_cell(model, 0, "current_result"), "x")
    assert not model.flags(_cell(model, 0, "level")) & Qt.ItemFlag.ItemIsEditable
    assert model.setData(_cell(model, 0, "planned_on"), "2026-04-01")
    assert not model.setData(_cell(model, 0, "planned_on"), "next week")
    # rows: add, move, remove (the tester checks every signal)
    model.add_row()
    model.setData(_cell(model, 1, "task"), "블랭킹")
    assert model.move_row(1, -1) == 0
    assert [i.task for i in model.items()] == ["블랭킹", "금형 교체"]
    assert model.moveRows(QModelIndex(), 0, 1, QModelIndex(), 2)
    assert [i.task for i in model.items()] == ["금형 교체", "블랭킹"]
    assert model.removeRows(1, 1)
    assert model.rowCount() == 1
    # a levels scale: choose a level, likelihood/severity are hidden and locked
    model.set_scale(LEVELS)
    assert model.item(0).likelihood is None
    assert COLUMN_INDEX["likelihood"] in hidden_columns(LEVELS)
    assert model.setData(_cell(model, 0, "level"), "high")
    assert model.data(_cell(model, 0, "current_result")) == "High"
    choices = model.data(_cell(model, 0, "level"), Qt.ItemDataRole.UserRole + 2)
    assert [c[1] for c in choices] == ["high", "medium", "low"]
    model.load(KRAS, model.items(), read_only=True)
    assert not model.setData(_cell(model, 0, "task"), "x")
    assert not model.insertRows(0, 1)


def _screen(qtbot: QtBot, ws: Workspace) -> RiskScreen:
    site = records.create(ws, "sites", {"name": "동남정밀"}).id
    records.create(ws, "areas", {"site_id": site, "code": "PR", "name": "프레스 라인", "hazard_tags": []})
    records.create(
        ws,
        "people",
        {"site_id": site, "name": "이반장", "kind": "supervisor", "job_type": "supervisor", "roles": []},
    )
    screen = RiskScreen(AppContext(workspace=ws, tasks=TaskRunner()))
    qtbot.addWidget(screen)
    screen.resize(1166, 768)
    screen.show()
    screen.refresh()
    qtbot.waitUntil(lambda: screen.reference is not None, timeout=5000)
    return screen


def _wait_idle(qtbot: QtBot, screen: RiskScreen) -> None:
    qtbot.waitUntil(lambda: not screen.busy, timeout=5000)
    screen.ctx.tasks.wait()


def test_new_assessment_save_complete_guard_and_revision(qtbot: QtBot, ws: Workspace, english: None) -> None:
    screen = _screen(qtbot, ws)
    screen.new_record()
    assert screen.pages.currentIndex() == 1 and screen.model.rowCount() == 1
    screen.form.title.setText("프레스 금형 교체")
    screen.form.add_participant("이반장", "supervisor")
    model = screen.model
    model.setData(_cell(model, 0, "task"), "금형 교체")
    model.setData(_cell(model, 0, "hazard_class"), "mechanical")
    model.setData(_cell(model, 0, "situation"), "상·하형 사이 끼임 → 절단")
    model.setData(_cell(model, 0, "likelihood"), 3)
    model.setData(_cell(model, 0, "severity"), 4)
    assert screen.has_unsaved_changes()
    assert "1 keep it from completion" in screen.summary.text()
    screen.save()
    qtbot.waitUntil(lambda: screen.assessment_id is not None, timeout=5000)
    _wait_idle(qtbot, screen)
    assert not screen.has_unsaved_changes()
    assert count(ws, ListQuery("risk_assessments")) == 1
    assert screen.detail is not None and screen.detail.header.participants[0].name == "이반장"

    screen.complete(confirmed=True)
    qtbot.waitUntil(lambda: screen.error.isVisibleTo(screen), timeout=5000)
    _wait_idle(qtbot, screen)
    assert "1. 금형 교체: unacceptable risk without a reduction measure" in screen.error.text()
    assert screen.table.currentIndex().column() == COLUMN_INDEX["reduction_measures"]
    assert screen.detail is not None and not screen.detail.locked

    model.setData(_cell(model, 0, "reduction_measures"), "광전자식 방호장치 설치")
    model.setData(_cell(model, 0, "hierarchy"), "engineering")
    model.setData(_cell(model, 0, "residual_likelihood"), 1)
    model.setData(_cell(model, 0, "residual_severity"), 4)
    screen.complete(confirmed=True)  # saves the edits first, then completes
    qtbot.waitUntil(lambda: screen.detail is not None and screen.detail.locked, timeout=5000)
    _wait_idle(qtbot, screen)
    assert screen.model.read_only and not screen.save_button.isEnabled()
    assert screen.revise_button.isEnabled() and screen.form.save_report.isVisibleTo(screen)
    assert not screen.model.flags(_cell(model, 0, "task")) & Qt.ItemFlag.ItemIsEditable

    screen.form.reported.setChecked(True)
    screen.save_owner_report()
    qtbot.waitUntil(
        lambda: screen.detail is not None and bool(screen.detail.header.reported_to_owner_on), timeout=5000
    )
    _wait_idle(qtbot, screen)

    original = screen.detail.id
    screen.make_revision("공정 변경")
    qtbot.waitUntil(lambda: screen.detail is not None and screen.detail.revision_no == 2, timeout=5000)
    _wait_idle(qtbot, screen)
    assert screen.detail.revision_of == original and not screen.model.read_only
    assert [i.task for i in screen.model.items()] == ["금형 교체"]
    screen.ctx.tasks.wait()


def test_corrective_action_from_row_and_site_round_warning(
    qtbot: QtBot, ws: Workspace, english: None
) -> None:
    screen = _screen(qtbot, ws)
    screen.new_record()
    screen.form.title.setText("용접")
    screen.form.methods["site_round"].setChecked(False)
    assert not screen.form.site_round_warning.isHidden()
    assert "site round" in screen.banner.text() and screen.banner.isVisibleTo(screen)
    model = screen.model
    for key, value in (
        ("task", "CO2 용접"),
        ("hazard_class", "fire_explosion"),
        ("situation", "불티 비산 → 화재"),
        ("reduction_measures", "불티 비산방지포 설치"),
        ("hierarchy", "engineering"),
        ("owner_name", "이반장"),
    ):
        assert model.setData(_cell(model, 0, key), value)
    screen.table.setCurrentIndex(_cell(model, 0, "reduction_measures"))
    assert screen.action_button.isEnabled()
    screen.create_action(due_on=date(2026, 5, 1))
    qtbot.waitUntil(
        lambda: screen.detail is not None and bool(screen.detail.items and screen.detail.items[0].action_id),
        timeout=5000,
    )
    _wait_idle(qtbot, screen)
    assert model.data(_cell(model, 0, "action")) == "Open"
    assert not screen.action_button.isEnabled()
    assert count(ws, ListQuery("corrective_actions", filters={"source": "risk_assessment"})) == 1
    screen.ctx.tasks.wait()


def test_list_filters_and_unsaved_guard(qtbot: QtBot, ws: Workspace, english: None, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from safetydesk.core.domain.risk_assessment import AssessmentHeader
    from safetydesk.core.services.risk import save_assessment

    header = AssessmentHeader("프레스", "regular", "kras_5x4", 1, "2026-03-02")
    bad = RiskItemData(task="금형", hazard_class="mechanical", situation="끼임", likelihood=5, severity=4)
    save_assessment(ws, header, [bad])
    save_assessment(
        ws, AssessmentHeader("용접", "adhoc", "three_level", 1, "2026-03-03", trigger="신규 설비"), []
    )
    screen = _screen(qtbot, ws)
    qtbot.waitUntil(lambda: screen.list.model.rowCount() == 2, timeout=5000)
    with qtbot.waitSignal(screen.list.model.loaded, timeout=5000):
        screen.open_filtered({"open_unacceptable": True})
    assert screen.list.model.rowCount() == 1
    first = screen.list.model.record_id(0)
    assert first is not None
    screen.open_assessment(first)
    qtbot.waitUntil(lambda: screen.detail is not None, timeout=5000)
    screen.ctx.tasks.wait()
    assert screen.model.data(_cell(screen.model, 0, "current_result")) == "20 · Very high"
    screen.form.title.setText("프레스 (수정)")
    screen.form.title.textEdited.emit("프레스 (수정)")
    assert screen.has_unsaved_changes()
    answers = iter([pytest.importorskip("PySide6.QtWidgets").QMessageBox.StandardButton.Cancel])
    monkeypatch.setattr(screen, "_ask_unsaved", lambda: next(answers))
    screen.back_to_list()
    assert screen.pages.currentIndex() == 1  # cancelled: still editing, nothing lost
    monkeypatch.setattr(
        screen,
        "_ask_unsaved",
        lambda: pytest.importorskip("PySide6.QtWidgets").QMessageBox.StandardButton.Discard,
    )
    screen.back_to_list()
    assert screen.pages.currentIndex() == 0 and not screen.has_unsaved_changes()
    screen.ctx.tasks.wait()


def test_cell_editors_commit_on_save(qtbot: QtBot, ws: Workspace, english: None) -> None:
    from PySide6.QtWidgets import QComboBox, QDateEdit, QLineEdit

    screen = _screen(qtbot, ws)
    screen.new_record()
    screen.form.title.setText("프레스")
    model, table = screen.model, screen.table
    index = _cell(model, 0, "hazard_class")
    table.setCurrentIndex(index)
    table.edit(index)
    combo = table.indexWidget(index)
    assert isinstance(combo, QComboBox) and combo.findData("electrical") > 0
    combo.setCurrentIndex(combo.findData("electrical"))
    combo.activated.emit(combo.currentIndex())  # choosing commits at once
    assert model.item(0).hazard_class == "electrical"
    index = _cell(model, 0, "planned_on")
    table.setCurrentIndex(index)
    table.edit(index)
    date_box = table.indexWidget(index)
    assert isinstance(date_box, QDateEdit) and date_box.specialValueText() == " "
    date_box.setDate(date(2026, 6, 30))
    table.setCurrentIndex(_cell(model, 0, "situation"))  # leaving the cell commits
    for key, text in (("task", "판넬 점검"), ("situation", "감전")):
        index = _cell(model, 0, key)
        table.setCurrentIndex(index)
        table.edit(index)
        editor = table.indexWidget(index)
        assert isinstance(editor, QLineEdit)
        editor.setText(text)
    screen.save()  # the open text editor is committed before saving
    qtbot.waitUntil(lambda: screen.detail is not None, timeout=5000)
    _wait_idle(qtbot, screen)
    assert screen.detail is not None
    saved = screen.detail.items[0]
    assert (saved.task, saved.situation, saved.hazard_class) == ("판넬 점검", "감전", "electrical")
    assert saved.planned_on == "2026-06-30"
    screen.ctx.tasks.wait()


def test_refresh_keeps_the_edit_in_progress(qtbot: QtBot, ws: Workspace, english: None) -> None:
    screen = _screen(qtbot, ws)
    screen.new_record()
    screen.form.area.setCurrentIndex(1)
    screen.form.lead.setEditText("이반장")
    screen.form.title.setText("프레스")
    screen.dirty = True
    screen.refresh()  # the roster reloads when the screen is shown again
    screen.ctx.tasks.wait()
    qtbot.waitUntil(lambda: screen.form.person.count() == 1, timeout=5000)
    qtbot.wait(50)
    header = screen.form.header()
    assert header.area_id is not None and header.lead_assessor == "이반장" and header.title == "프레스"
    assert header.site_id is not None and screen.has_unsaved_changes()
    screen.ctx.tasks.wait()


def test_complete_keeps_text_still_being_typed(qtbot: QtBot, ws: Workspace, english: None) -> None:
    from PySide6.QtWidgets import QLineEdit

    from safetydesk.core.domain.risk_assessment import AssessmentHeader
    from safetydesk.core.services.risk import save_assessment

    header = AssessmentHeader("프레스", "regular", "kras_5x4", 1, "2026-03-02")
    item = RiskItemData(task="금형", hazard_class="mechanical", situation="끼임", likelihood=2, severity=1)
    saved = save_assessment(ws, header, [item])
    screen = _screen(qtbot, ws)
    screen.open_assessment(saved.id)
    qtbot.waitUntil(lambda: screen.detail is not None, timeout=5000)
    screen.ctx.tasks.wait()
    index = _cell(screen.model, 0, "remarks")
    screen.table.setCurrentIndex(index)
    screen.table.edit(index)
    editor = screen.table.indexWidget(index)
    assert isinstance(editor, QLineEdit)
    editor.setText("근로자 의견: 덮개 요청")
    assert screen.has_unsaved_changes()
    screen.complete(confirmed=True)
    qtbot.waitUntil(lambda: screen.detail is not None and screen.detail.locked, timeout=5000)
    _wait_idle(qtbot, screen)
    assert screen.detail.items[0].remarks == "근로자 의견: 덮개 요청"
    screen.ctx.tasks.wait()
