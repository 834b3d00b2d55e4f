"""The inspections screen: fill a press pre-work check through its widgets, complete it, see what it opened."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDropEvent, QImage
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from safetydesk.core.db.tables import corrective_actions, findings, form_records
from safetydesk.core.forms.schema import GasColumn
from safetydesk.core.i18n import set_language
from safetydesk.core.services import records
from safetydesk.core.services.forms import template_id_by_code
from safetydesk.core.workspace.workspace import Workspace
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations.inspections import GasRowData
from safetydesk.ui.screens.inspections import InspectionsScreen
from safetydesk.ui.screens.inspections.gas import GasTableModel
from safetydesk.ui.screens.inspections.questions import (
    DateEditor,
    NumberEditor,
    PersonEditor,
    QuestionCard,
    SignatureQuestion,
    YesNoNaEditor,
)
from safetydesk.ui.tasks import TaskRunner
from tests.factories import base_refs

FAILED_ITEM = "clutch_brake"


@pytest.fixture(autouse=True)
def _korean() -> None:
    set_language("ko")


def _png(path: Path) -> Path:
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("#c62828"))
    assert image.save(str(path), "PNG")  # type: ignore[call-overload]
    return path


def _press_shop(ws: Workspace) -> tuple[dict[str, str], str]:
    refs = base_refs(ws)
    machine = records.create(
        ws,
        "equipment",
        {
            "site_id": refs["site"],
            "area_id": refs["area"],
            "code": "PR-01",
            "name": "200톤 프레스",
            "kind": "press",
        },
    ).id
    return refs, machine


def _screen(qtbot: QtBot, ws: Workspace) -> InspectionsScreen:
    screen = InspectionsScreen(AppContext(workspace=ws, tasks=TaskRunner()))
    qtbot.addWidget(screen)
    screen.resize(1166, 768)
    screen.show()
    with qtbot.waitSignal(screen.list.model.loaded, timeout=5000):
        screen.refresh()
    return screen


def _start_press_check(qtbot: QtBot, screen: InspectionsScreen, ws: Workspace, machine: str) -> None:
    screen.new_record()
    qtbot.waitUntil(lambda: screen.new_dialog is not None and screen.new_dialog.isVisible(), timeout=5000)
    dialog = screen.new_dialog
    assert dialog is not None
    assert dialog.select_template(template_id_by_code(ws, "prework.press"))
    # a pre-work check lists only machines of the template's kinds, and needs one
    assert [dialog.equipment.itemData(i) for i in range(dialog.equipment.count())] == [machine]
    assert dialog.ok.isEnabled()
    dialog.performer.setText("김안전")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: screen.stack.currentWidget() is screen.editor and screen.editor.form is not None, timeout=5000
    )


def _cards(screen: InspectionsScreen) -> dict[str, QuestionCard]:
    assert screen.editor.form is not None
    return screen.editor.form.cards


def _answer_everything(qtbot: QtBot, screen: InspectionsScreen, failed: str) -> None:
    for key, card in _cards(screen).items():
        editor = card.editor
        if isinstance(editor, YesNoNaEditor):
            qtbot.mouseClick(editor.buttons["fail" if key == failed else "pass"], Qt.MouseButton.LeftButton)
        elif isinstance(editor, DateEditor):
            editor.edit.setText("2026-03-02 08:10")
        elif isinstance(editor, PersonEditor):
            editor.edit.setText("김안전")
        elif isinstance(editor, SignatureQuestion):
            pad_dialog = editor.signature.open_pad()
            pad_dialog.pad.stroke([QPointF(20, 100), QPointF(120, 60), QPointF(220, 110), QPointF(320, 70)])
            assert not pad_dialog.pad.is_empty()
            pad_dialog.accept()
            qtbot.waitUntil(lambda e=editor: e.signature.sha() is not None, timeout=5000)


def test_press_prework_check_with_a_failed_item_opens_finding_and_action(
    qtbot: QtBot, ws: Workspace, tmp_path: Path
) -> None:
    refs, machine = _press_shop(ws)
    screen = _screen(qtbot, ws)
    _start_press_check(qtbot, screen, ws, machine)
    editor = screen.editor
    assert editor.view is not None and editor.view.equipment_label == "PR-01 200톤 프레스"
    assert editor.view.area_name == "프레스 라인"
    assert "제35조" in editor.view.template.legal_basis.ko  # type: ignore[union-attr]
    _answer_everything(qtbot, screen, FAILED_ITEM)
    assert "부적합 1" in editor.score_label.text()

    # completing without the photo the rule asks for is refused, with the reason next to the question
    editor.complete()
    failed_card = _cards(screen)[FAILED_ITEM]
    assert failed_card.problem.isVisible() and "사진" in failed_card.problem.text()
    assert editor.banner.isVisible() and editor.complete_dialog is None

    # attach a photo through the picker's code path
    failed_card.add_photos([_png(tmp_path / "brake.png")])
    assert failed_card.photos is not None
    qtbot.waitUntil(lambda: len(failed_card.photos.shas()) == 1, timeout=5000)  # type: ignore[union-attr]
    assert not failed_card.problem.isVisible()

    editor.complete()
    qtbot.waitUntil(
        lambda: editor.complete_dialog is not None and editor.complete_dialog.isVisible(), timeout=5000
    )
    dialog = editor.complete_dialog
    assert dialog is not None
    assert dialog.table.rowCount() == 1 and "클러치" in dialog.table.item(0, 0).text()
    assert dialog.owner.text() == "김안전"
    dialog.owner.setText("박정비")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.view is not None and editor.view.locked, timeout=5000)

    record_id = editor.view.id
    with ws.reader() as conn:
        record = conn.execute(select(form_records).where(form_records.c.id == record_id)).mappings().one()
        finding = conn.execute(select(findings).where(findings.c.source_id == record_id)).mappings().one()
        action = (
            conn.execute(select(corrective_actions).where(corrective_actions.c.finding_id == finding["id"]))
            .mappings()
            .one()
        )
    assert record["status"] == "completed" and record["failed_count"] == 1
    assert record["equipment_id"] == machine and record["area_id"] == refs["area"]
    assert finding["question_key"] == FAILED_ITEM and finding["severity"] == "high"
    assert action["owner_name"] == "박정비" and action["status"] == "open"

    # the completed record is read-only and shows what it opened
    assert editor.view.findings[0].action_id == action["id"]
    assert editor.revise_button.isVisible() and not editor.complete_button.isVisible()
    cards = _cards(screen)
    yes_no = cards[FAILED_ITEM].editor
    assert isinstance(yes_no, YesNoNaEditor) and not yes_no.buttons["pass"].isEnabled()
    assert yes_no.result() == "fail"
    assert cards[FAILED_ITEM].photos is not None and not cards[FAILED_ITEM].photos.add_button.isVisible()
    assert "1" in editor.banner.text()
    screen.ctx.tasks.wait()


def test_draft_autosaves_and_reopens(qtbot: QtBot, ws: Workspace) -> None:
    _refs, machine = _press_shop(ws)
    screen = _screen(qtbot, ws)
    _start_press_check(qtbot, screen, ws, machine)
    editor = screen.editor
    card = _cards(screen)["quick_stop"]
    assert isinstance(card.editor, YesNoNaEditor)
    qtbot.mouseClick(card.editor.buttons["pass"], Qt.MouseButton.LeftButton)
    card.note.setText("정상 — 0.2초 내 정지")
    assert editor.is_dirty() and screen.has_unsaved_changes()
    editor._autosave()  # what the 30-second timer calls
    qtbot.waitUntil(lambda: not editor.has_unsaved_changes(), timeout=5000)
    assert "자동" in editor.save_state.text()
    record_id = editor.view.id  # type: ignore[union-attr]
    qtbot.mouseClick(editor.back_button, Qt.MouseButton.LeftButton)
    assert screen.stack.currentWidget() is screen.list_page
    qtbot.waitUntil(lambda: screen.list.model.rowCount() == 1, timeout=5000)
    screen.open_record(record_id)
    qtbot.waitUntil(lambda: screen.stack.currentWidget() is screen.editor, timeout=5000)
    reopened = _cards(screen)["quick_stop"]
    assert isinstance(reopened.editor, YesNoNaEditor) and reopened.editor.result() == "pass"
    assert reopened.note.text() == "정상 — 0.2초 내 정지"
    assert not editor.view.locked  # type: ignore[union-attr]
    screen.ctx.tasks.wait()


def test_photo_drop_and_size_limit(qtbot: QtBot, ws: Workspace, tmp_path: Path) -> None:
    _refs, machine = _press_shop(ws)
    screen = _screen(qtbot, ws)
    _start_press_check(qtbot, screen, ws, machine)
    card = _cards(screen)["die_bolts"]
    assert card.acceptDrops()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(_png(tmp_path / "die.png")))])
    drop = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    card.dropEvent(drop)
    qtbot.waitUntil(lambda: card.photos is not None and len(card.photos.shas()) == 1, timeout=5000)
    huge = tmp_path / "huge.jpg"
    with huge.open("wb") as fh:
        fh.write(b"\xff\xd8\xff")
        fh.truncate(40 * 1024 * 1024 + 1)
    card.add_photos([huge])
    qtbot.waitUntil(lambda: bool(screen.findChildren(QMessageBox)), timeout=5000)
    (box,) = screen.findChildren(QMessageBox)
    assert "40 MB" in box.text() and "huge.jpg" in box.text()
    box.close()
    assert card.photos is not None and len(card.photos.shas()) == 1
    screen.ctx.tasks.wait()


def test_number_outside_limits_turns_red(qtbot: QtBot, ws: Workspace) -> None:
    screen = _screen(qtbot, ws)
    screen.new_record()
    qtbot.waitUntil(lambda: screen.new_dialog is not None, timeout=5000)
    dialog = screen.new_dialog
    assert dialog is not None
    dialog.select_template(template_id_by_code(ws, "inspection.machine_shop_general"))
    dialog.accept()
    qtbot.waitUntil(lambda: screen.editor.form is not None, timeout=5000)
    number = next(
        c.editor for c in _cards(screen).values() if isinstance(c.editor, NumberEditor) and c.question.scored
    )
    question = number.question
    limit = question.min if question.min is not None else question.max
    assert limit is not None
    outside = limit - 1 if question.min is not None else limit + 1
    number.edit.setText(str(outside))
    assert number.edit.property("outOfLimit") is True and number.state.text()
    number.edit.setText(str(limit + 0.5 if question.min is not None else limit - 0.5))
    assert number.edit.property("outOfLimit") is False
    number.edit.setText("abc")
    assert number.edit.property("invalid") is True
    screen.ctx.tasks.wait()


def test_completed_record_makes_a_revision(qtbot: QtBot, ws: Workspace, tmp_path: Path) -> None:
    _refs, machine = _press_shop(ws)
    screen = _screen(qtbot, ws)
    _start_press_check(qtbot, screen, ws, machine)
    _answer_everything(qtbot, screen, failed="")
    editor = screen.editor
    editor.complete()
    qtbot.waitUntil(lambda: editor.complete_dialog is not None, timeout=5000)
    assert editor.complete_dialog is not None and editor.complete_dialog.table.isHidden()
    editor.complete_dialog.accept()
    qtbot.waitUntil(lambda: editor.view is not None and editor.view.locked, timeout=5000)
    original = editor.view.id  # type: ignore[union-attr]
    editor.make_revision()
    assert editor.revision_dialog is not None
    editor.revision_dialog.setTextValue("서명 보완")
    editor.revision_dialog.accept()
    qtbot.waitUntil(lambda: editor.view is not None and editor.view.id != original, timeout=5000)
    assert editor.view is not None and editor.view.revision_of == original and not editor.view.locked
    assert editor.view.revision_no == 2 and editor.complete_button.isVisible()
    screen.ctx.tasks.wait()


def test_gas_table_model(qtbot: QtBot, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    columns = (
        GasColumn("o2", _text("산소", "Oxygen"), "%", 18.0, 23.5, True),
        GasColumn("h2s", _text("황화수소", "Hydrogen sulphide"), "ppm", None, 10.0, True),
    )
    model = GasTableModel(columns)
    model.set_rows(
        [GasRowData("2026-03-02T00:10:00.000000Z", "맨홀", "김측정", (("o2", 20.9), ("h2s", 0.0)))]
    )
    qtmodeltester.check(model)
    row = model.add_row()
    assert model.setData(model.index(row, 3), "17.2")
    assert model.out_of_limits(row, 3) and not model.out_of_limits(0, 3)
    assert model.data(model.index(row, 3), Qt.ItemDataRole.ForegroundRole) is not None
    assert not model.setData(model.index(row, 4), "many")
    assert model.setData(model.index(row, 4), "10")
    assert model.out_of_limits(row, 4)  # 10 ppm is not below 10 ppm
    assert model.setData(model.index(row, 0), "09:30")
    rows = model.to_rows()
    assert rows[1].value("o2") == 17.2 and rows[1].location == "맨홀"
    qtmodeltester.check(model)
    model.remove_row(0)
    assert model.rowCount() == 1


def _text(ko: str, en: str):  # type: ignore[no-untyped-def]
    from safetydesk.core.forms.schema import Text

    return Text(ko, en)


def test_list_filters_by_kind_area_and_period(qtbot: QtBot, ws: Workspace) -> None:
    refs, machine = _press_shop(ws)
    from safetydesk.core.services.inspections import start_record

    start_record(
        ws, template_id_by_code(ws, "prework.press"), performed_on="2026-03-02", equipment_id=machine
    )
    start_record(ws, template_id_by_code(ws, "tbm.minutes"), performed_on="2020-01-01")
    screen = _screen(qtbot, ws)
    assert screen.list.model.rowCount() == 2
    qtbot.waitUntil(lambda: screen.area.count() == 2, timeout=5000)
    with qtbot.waitSignal(screen.list.model.loaded, timeout=5000):
        screen.area.setCurrentIndex(screen.area.findData(refs["area"]))
    assert screen.list.model.rowCount() == 1
    with qtbot.waitSignal(screen.list.model.loaded, timeout=5000):
        screen.area.setCurrentIndex(0)
    with qtbot.waitSignal(screen.list.model.loaded, timeout=5000):
        screen.period.setCurrentIndex(screen.period.findData(-1))  # this year
    assert screen.list.model.rowCount() == 1  # the 2020 TBM is older than this year
    with qtbot.waitSignal(screen.list.model.loaded, timeout=5000):
        screen.period.setCurrentIndex(0)
    with qtbot.waitSignal(screen.list.model.loaded, timeout=5000):
        screen.open_filtered({"kind": "tbm"})
    assert screen.list.model.rowCount() == 1
    title = next(i for i, c in enumerate(screen.list.model.columns) if c[0] == "title_en")
    assert screen.list.table.isColumnHidden(title)
    screen.ctx.tasks.wait()
