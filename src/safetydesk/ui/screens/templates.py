"""Form templates: the shipped library and the user's own, copied and edited without writing JSON.

A shipped template is never changed: "Copy" makes ``user.<code>`` version 1 from it, and saving an edited
user template stores a new version, so completed records keep pointing at the exact version they used.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from safetydesk.core.forms.schema import FormTemplate, TemplateError, validate_template
from safetydesk.core.i18n import N_, _, current_language
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations import inspections as ops
from safetydesk.ui.screens.base import Screen
from safetydesk.ui.screens.inspections.form_view import FormView
from safetydesk.ui.screens.inspections.template_editor import TemplateEditor
from safetydesk.ui.screens.inspections.texts import (
    FAIL_COLOR,
    KIND_LABELS,
    ORIGIN_LABELS,
    PASS_COLOR,
    CodeDelegate,
    show_error,
    tr,
)
from safetydesk.ui.widgets.list_view import ListView

ORIGIN_CHOICES: tuple[tuple[str, Any], ...] = (
    (N_("Shipped and user"), None),
    (N_("Shipped"), "shipped"),
    (N_("User"), "user"),
)
KIND_CHOICES: tuple[tuple[str, Any], ...] = (
    (N_("All kinds"), None),
    *((msgid, code) for code, msgid in KIND_LABELS.items()),
)


class PreviewDialog(QDialog):
    """The template exactly as a person will fill it in, read-only."""

    def __init__(self, template: FormTemplate, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Preview: {title}").format(title=tr(template.title)))
        layout = QVBoxLayout(self)
        self.form = FormView(template, io=None, read_only=True)
        layout.addWidget(self.form, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(1040, 700)


def blank_template() -> dict[str, Any]:
    stamp = datetime.now().strftime("%Y%m%d_%H%M")
    return {
        "format": 1,
        "code": f"user.form_{stamp}",
        "version": 1,
        "kind": "inspection",
        "title": {"ko": "새 점검표", "en": "New checklist"},
        "sections": [
            {
                "key": "section_1",
                "title": {"ko": "점검 항목", "en": "Check items"},
                "questions": [
                    {
                        "key": "q_1",
                        "type": "yes_no_na",
                        "text": {"ko": "새 점검 항목", "en": "New check item"},
                    }
                ],
            }
        ],
    }


class TemplatesScreen(Screen):
    key = "templates"
    title_msgid = N_("Form templates")

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.stack = QStackedWidget()
        self.layout_.addWidget(self.stack, 1)
        self.preview_dialog: PreviewDialog | None = None
        self.discard_box: QMessageBox | None = None
        self._copied_from: str | None = None
        self._editing_code = ""
        self.last_saved: str | None = None

        self.list_page = QWidget()
        page = QVBoxLayout(self.list_page)
        page.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.copy_button = QPushButton(_("Copy as my template…"))
        self.copy_button.setObjectName("copy")
        self.copy_button.setToolTip(_("Shipped templates stay as they are; edit a copy of your own."))
        self.copy_button.clicked.connect(self.copy_selected)
        self.edit_button = QPushButton(_("Edit (new version)…"))
        self.edit_button.setObjectName("edit")
        self.edit_button.clicked.connect(self.edit_selected)
        self.new_button = QPushButton(_("New template…"))
        self.new_button.setObjectName("new")
        self.new_button.clicked.connect(self.new_record)
        self.preview_button = QPushButton(_("Preview"))
        self.preview_button.setObjectName("preview")
        self.preview_button.clicked.connect(self.preview_selected)
        for button in (self.copy_button, self.edit_button, self.new_button, self.preview_button):
            bar.addWidget(button)
        bar.addSpacing(16)
        self.latest = QCheckBox(_("Latest versions only"))
        self.latest.setChecked(True)
        self.latest.toggled.connect(self._latest_toggled)
        bar.addWidget(self.latest)
        bar.addStretch(1)
        self.list_status = QLabel("")
        self.list_status.setObjectName("listStatus")
        self.list_status.setStyleSheet(f"color: {PASS_COLOR}; font-weight: bold;")
        bar.addWidget(self.list_status)
        page.addLayout(bar)
        self.list = ListView(
            ctx.tasks,
            ctx.workspace,
            "form_templates",
            filters=(("origin", N_("Origin"), ORIGIN_CHOICES), ("kind", N_("Kind"), KIND_CHOICES)),
        )
        self.list.model.query = replace(self.list.model.query, filters={"latest": True})
        hidden = "title_en" if current_language() == "ko" else "title_ko"
        for i, (key, *_rest) in enumerate(self.list.model.columns):
            if key in ("title_ko", "title_en"):  # the saved header state may hide either
                self.list.table.setColumnHidden(i, key == hidden)
            if key == "kind":
                self.list.table.setItemDelegateForColumn(i, CodeDelegate(KIND_LABELS, self.list.table))
            if key == "origin":
                self.list.table.setItemDelegateForColumn(i, CodeDelegate(ORIGIN_LABELS, self.list.table))
        self.list.selected.connect(lambda _id: self._selection_changed())
        self.list.activated.connect(lambda _id: self.preview_selected())
        page.addWidget(self.list, 1)
        self.stack.addWidget(self.list_page)

        self.editor_page = QWidget()
        editor_column = QVBoxLayout(self.editor_page)
        editor_column.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.back_button = QPushButton(_("← Back to list"))
        self.back_button.setObjectName("back")
        self.back_button.clicked.connect(self.leave_editor)
        self.editing_label = QLabel("")
        self.editing_label.setObjectName("editing")
        self.validate_button = QPushButton(_("Check"))
        self.validate_button.clicked.connect(self.editor_validate)
        self.editor_preview_button = QPushButton(_("Preview"))
        self.editor_preview_button.clicked.connect(self.preview_editor)
        self.save_button = QPushButton(_("Save template"))
        self.save_button.setObjectName("saveTemplate")
        self.save_button.setToolTip(_("Ctrl+S"))
        self.save_button.clicked.connect(self.save)
        top.addWidget(self.back_button)
        top.addWidget(self.editing_label, 1)
        for button in (self.validate_button, self.editor_preview_button, self.save_button):
            top.addWidget(button)
        editor_column.addLayout(top)
        self.banner = QLabel("")
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        editor_column.addWidget(self.banner)
        self.editor = TemplateEditor()
        self.editor.changed.connect(lambda: self.banner.hide())
        editor_column.addWidget(self.editor, 1)
        self.stack.addWidget(self.editor_page)
        self._selection_changed()

    # -- screen commands -----------------------------------------------------------------------

    def refresh(self) -> None:
        if self.stack.currentWidget() is self.list_page:
            self.list.refresh()

    def focus_search(self) -> None:
        if self.stack.currentWidget() is self.list_page:
            self.list.focus_search()

    def has_unsaved_changes(self) -> bool:
        return self.stack.currentWidget() is self.editor_page and self.editor.dirty

    def new_record(self) -> None:
        if self.stack.currentWidget() is self.editor_page:
            return
        self._open_editor(blank_template(), copied_from=None, code_editable=True)

    def save(self) -> None:
        if self.stack.currentWidget() is not self.editor_page:
            return
        if self.editor.validate() is None:
            self._banner(
                _("Fix the {n} problem(s) listed below, then save.").format(n=len(self.editor.problems)),
                FAIL_COLOR,
            )
            return
        self.save_button.setEnabled(False)
        ops.save_template(
            self.ctx, self, self.editor.template_data(), self._copied_from, self._saved, self._save_failed
        )

    # -- list ----------------------------------------------------------------------------------

    def _latest_toggled(self, on: bool) -> None:
        self.list.model.set_filters(latest=True if on else None)

    def _selected(self) -> tuple[str | None, str | None]:
        index = self.list.table.currentIndex()
        if not index.isValid():
            return None, None
        row = index.row()
        record_id = self.list.model.record_id(row)
        origin = self.list.model.value(row, "origin")
        return record_id, str(origin) if origin else None

    def _selection_changed(self) -> None:
        record_id, origin = self._selected()
        self.copy_button.setEnabled(origin == "shipped")
        self.edit_button.setEnabled(origin == "user")
        self.preview_button.setEnabled(record_id is not None)

    def copy_selected(self) -> None:
        record_id, origin = self._selected()
        if record_id and origin == "shipped":
            ops.template_for_editing(
                self.ctx,
                self,
                record_id,
                lambda body: self._open_editor(body, copied_from=record_id, code_editable=True),
                lambda exc: show_error(self, exc),
            )

    def edit_selected(self) -> None:
        record_id, origin = self._selected()
        if record_id and origin == "user":
            ops.template_for_editing(
                self.ctx,
                self,
                record_id,
                lambda body: self._open_editor(body, copied_from=record_id, code_editable=False),
                lambda exc: show_error(self, exc),
            )

    def preview_selected(self) -> None:
        record_id, _origin = self._selected()
        if record_id:
            ops.load_template(
                self.ctx, self, record_id, self._preview_detail, lambda exc: show_error(self, exc)
            )

    def _preview_detail(self, detail: ops.TemplateDetail) -> None:
        try:
            template = validate_template(dict(detail.body))
        except TemplateError as exc:
            show_error(self, exc)
            return
        self._show_preview(template)

    def _show_preview(self, template: FormTemplate) -> None:
        dialog = PreviewDialog(template, self.window())
        self.preview_dialog = dialog
        dialog.open()

    # -- editor --------------------------------------------------------------------------------

    def _open_editor(self, body: dict[str, Any], *, copied_from: str | None, code_editable: bool) -> None:
        self._copied_from = copied_from
        self._editing_code = str(body.get("code", ""))
        version = int(body.get("version", 1))
        if code_editable:
            version_text = _("Saved as version {n} of the code above").format(n=version)
        else:
            version_text = _("Saved as version {n}; earlier versions stay unchanged").format(n=version)
        self.editor.load(body, code_editable=code_editable, version_text=version_text)
        self.editing_label.setText(_("Editing {code}").format(code=self._editing_code))
        self.banner.hide()
        self.save_button.setEnabled(True)
        self.stack.setCurrentWidget(self.editor_page)

    def _banner(self, text: str, color: str) -> None:
        self.banner.setText(text)
        self.banner.setStyleSheet(f"color: {color}; font-weight: bold; padding: 4px 0;")
        self.banner.show()

    def editor_validate(self) -> None:
        if self.editor.validate() is None:
            self._banner(_("{n} problem(s) found.").format(n=len(self.editor.problems)), FAIL_COLOR)
        else:
            self._banner(_("The template is valid."), PASS_COLOR)

    def preview_editor(self) -> None:
        template = self.editor.validate()
        if template is None:
            self._banner(_("Fix the problems listed below before previewing."), FAIL_COLOR)
            return
        self._show_preview(template)

    def leave_editor(self) -> None:
        """Back to the list; unsaved edits are only dropped after the user says so."""
        if not self.editor.dirty:
            self._to_list()
            return
        box = QMessageBox(self.window())
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(_("Unsaved template"))
        box.setText(_("The template has changes that are not saved. Discard them?"))
        discard = box.addButton(_("Discard changes"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(_("Keep editing"), QMessageBox.ButtonRole.RejectRole)
        box.buttonClicked.connect(lambda button: self._to_list() if button is discard else None)
        self.discard_box = box
        box.open()

    def _to_list(self) -> None:
        self.editor.dirty = False
        self.stack.setCurrentWidget(self.list_page)
        self.list.refresh()

    def _saved(self, created: ops.Created) -> None:
        self.save_button.setEnabled(True)
        self.editor.dirty = False
        self.last_saved = created.id
        code = self.editor.data.get("code", "")
        self.list_status.setText(_("Saved {code}").format(code=code))
        self._to_list()

    def _save_failed(self, exc: Exception) -> None:
        self.save_button.setEnabled(True)
        show_error(self, exc, _("Template not saved"))
