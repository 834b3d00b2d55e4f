"""The templates screen: copy a shipped template, edit it with the structured editor, validate, save, preview."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from safetydesk.core.forms.schema import TemplateError
from safetydesk.core.i18n import set_language
from safetydesk.core.queries.inspections import latest_templates, template_detail
from safetydesk.core.workspace.workspace import Workspace
from safetydesk.ui.context import AppContext
from safetydesk.ui.screens.inspections.questions import NumberEditor, YesNoNaEditor
from safetydesk.ui.screens.inspections.template_editor import problem_path
from safetydesk.ui.screens.templates import TemplatesScreen
from safetydesk.ui.tasks import TaskRunner


@pytest.fixture(autouse=True)
def _korean() -> None:
    set_language("ko")


def _screen(qtbot: QtBot, ws: Workspace) -> TemplatesScreen:
    screen = TemplatesScreen(AppContext(workspace=ws, tasks=TaskRunner()))
    qtbot.addWidget(screen)
    screen.resize(1166, 768)
    screen.show()
    with qtbot.waitSignal(screen.list.model.loaded, timeout=5000):
        screen.refresh()
    return screen


def _select(screen: TemplatesScreen, code: str) -> None:
    model = screen.list.model
    row = next(r for r in range(model.rowCount()) if model.value(r, "code") == code)
    screen.list.table.setCurrentIndex(model.index(row, 0))


def test_copy_edit_validate_and_save_versions(qtbot: QtBot, ws: Workspace) -> None:
    screen = _screen(qtbot, ws)
    shipped = screen.list.model.rowCount()
    assert shipped >= 10
    kind_column = next(i for i, c in enumerate(screen.list.model.columns) if c[0] == "kind")
    _select(screen, "prework.press")
    index = screen.list.model.index(screen.list.table.currentIndex().row(), kind_column)
    delegate = screen.list.table.itemDelegateForColumn(kind_column)
    assert delegate.displayText(index.data(), None) == "작업 전 점검"  # type: ignore[union-attr]
    assert screen.copy_button.isEnabled() and not screen.edit_button.isEnabled()

    screen.copy_selected()
    qtbot.waitUntil(lambda: screen.stack.currentWidget() is screen.editor_page, timeout=5000)
    editor = screen.editor
    assert editor.data["code"] == "user.prework.press" and editor.data["version"] == 1
    assert not editor.template_pane.code.isReadOnly() and not editor.problems
    editor.template_pane.title.ko.setText("우리 공장 프레스 점검표")
    editor.template_pane.title.ko.textEdited.emit("우리 공장 프레스 점검표")
    assert editor.dirty and editor.data["title"]["ko"] == "우리 공장 프레스 점검표"

    # a new number question with min above max: the problem is listed with its JSON path
    editor.select((0, 0))
    editor.add_question()
    assert editor.current == (0, 1)
    pane = editor.question_pane
    pane.type.setCurrentIndex(pane.type.findData("number"))
    pane.minimum.setText("10")
    pane.minimum.textEdited.emit("10")
    pane.maximum.setText("5")
    pane.maximum.textEdited.emit("5")
    pane.create_finding.setChecked(True)
    editor.validate()
    assert editor.problems and all(p.startswith("sections[0].questions[1]") for p in editor.problems)
    assert editor.problem_list.isVisible()
    editor.select(())
    editor._problem_clicked(editor.problem_list.item(0))
    assert editor.current == (0, 1) and editor.panes.currentWidget() is pane
    screen.save()
    assert screen.banner.isVisible() and screen.stack.currentWidget() is screen.editor_page

    pane.maximum.setText("50")
    pane.maximum.textEdited.emit("50")
    assert editor.validate() is not None and not editor.problems
    question = editor.data["sections"][0]["questions"][1]
    assert question["type"] == "number" and question["min"] == 10 and question["max"] == 50
    assert question["rules"] == [{"when": "fail", "create_finding": True, "severity": "medium"}]
    screen.save()
    qtbot.waitUntil(lambda: screen.stack.currentWidget() is screen.list_page, timeout=5000)
    assert screen.last_saved is not None
    first = template_detail(ws, screen.last_saved)
    assert first.code == "user.prework.press" and first.version == 1 and first.origin == "user"
    assert first.title.ko == "우리 공장 프레스 점검표"

    # editing a user template saves the next version and keeps the code
    qtbot.waitUntil(
        lambda: any(
            screen.list.model.value(r, "code") == "user.prework.press"
            for r in range(screen.list.model.rowCount())
        ),
        timeout=5000,
    )
    _select(screen, "user.prework.press")
    assert screen.edit_button.isEnabled() and not screen.copy_button.isEnabled()
    screen.edit_selected()
    qtbot.waitUntil(lambda: screen.stack.currentWidget() is screen.editor_page, timeout=5000)
    assert editor.data["version"] == 2 and editor.template_pane.code.isReadOnly()
    editor.select((0, 1))
    editor.move_current(-1)
    assert editor.data["sections"][0]["questions"][0]["type"] == "number"
    screen.save()
    qtbot.waitUntil(lambda: screen.stack.currentWidget() is screen.list_page, timeout=5000)
    newest = {t.code: t for t in latest_templates(ws)}["user.prework.press"]
    assert newest.version == 2 and newest.id == screen.last_saved
    screen.ctx.tasks.wait()


def test_preview_uses_the_fill_in_form(qtbot: QtBot, ws: Workspace) -> None:
    screen = _screen(qtbot, ws)
    _select(screen, "inspection.machine_shop_general")
    screen.preview_selected()
    qtbot.waitUntil(
        lambda: screen.preview_dialog is not None and screen.preview_dialog.isVisible(), timeout=5000
    )
    form = screen.preview_dialog.form  # type: ignore[union-attr]
    assert form.read_only and len(form.cards) == 40
    yes_no = next(c.editor for c in form.cards.values() if isinstance(c.editor, YesNoNaEditor))
    assert not yes_no.buttons["pass"].isEnabled()
    assert any(isinstance(c.editor, NumberEditor) for c in form.cards.values())
    screen.preview_dialog.close()  # type: ignore[union-attr]
    screen.ctx.tasks.wait()


def test_leaving_an_edited_template_asks_first(qtbot: QtBot, ws: Workspace) -> None:
    screen = _screen(qtbot, ws)
    screen.new_record()
    assert screen.stack.currentWidget() is screen.editor_page
    screen.editor.add_section()
    assert screen.has_unsaved_changes()
    screen.leave_editor()
    assert screen.discard_box is not None and screen.stack.currentWidget() is screen.editor_page
    keep = next(b for b in screen.discard_box.buttons() if "계속" in b.text())
    qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)
    assert screen.stack.currentWidget() is screen.editor_page
    screen.leave_editor()
    discard = next(
        b
        for b in screen.discard_box.buttons()
        if screen.discard_box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole
    )
    qtbot.mouseClick(discard, Qt.MouseButton.LeftButton)
    assert screen.stack.currentWidget() is screen.list_page and not screen.has_unsaved_changes()
    screen.ctx.tasks.wait()


def test_problem_paths_point_at_outline_nodes() -> None:
    assert problem_path("sections[2].questions[0].type: unknown") == (2, 0)
    assert problem_path("sections[1].title.en: empty") == (1,)
    assert problem_path("code: bad") == ()
    with pytest.raises(TemplateError):
        from safetydesk.core.forms.schema import validate_template

        validate_template({"format": 1})
