"""Safety and health policy and objectives (SAPA Decree Art. 4-1): write, approve, post, revise.

The version list on the left is the history the binder needs: v1.0 → v1.1, who approved each and
when it was posted. An approved version is locked; only posting can still be recorded on it.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from safetydesk.core.errors import UserError
from safetydesk.core.i18n import N_, _
from safetydesk.core.labels import label
from safetydesk.core.queries.policies import ObjectiveDetail, ObjectiveInput, PolicyDetail, PolicyInput
from safetydesk.core.queries.risk import PersonChoice
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations import policies as ops
from safetydesk.ui.screens.base import Screen
from safetydesk.ui.screens.risk.list_look import show_sort
from safetydesk.ui.widgets.list_view import ListView
from safetydesk.ui.widgets.retention import RetentionBadge

POST_CHANNELS = (
    N_("Notice board on the shop floor"),
    N_("Explained at the periodic education"),
    N_("Company messenger"),
    N_("TBM"),
)
ACHIEVED_CHOICES = ((N_("Not judged yet"), None), (N_("Achieved"), True), (N_("Not achieved"), False))
BANNER = {
    "draft": "background: #fff4d6; color: #6b4a00; padding: 4px 8px;",
    "approved": "background: #e3f4e3; color: #1d5a1d; padding: 4px 8px;",
    "info": "background: #eef3f9; color: #1b3a5c; padding: 4px 8px;",
}
DEFAULT_POLICY_TITLE = N_("Safety and health management policy")


def next_version(label_text: str) -> str:
    """1.0 → 1.1, 2.9 → 2.10; anything else gets ".1" appended."""
    head, sep, tail = label_text.strip().rpartition(".")
    if sep and tail.isdigit():
        return f"{head}.{int(tail) + 1}"
    return f"{label_text.strip()}.1"


def _date_box(value: QDate) -> QDateEdit:
    box = QDateEdit(value)
    box.setCalendarPopup(True)
    box.setDisplayFormat("yyyy-MM-dd")
    return box


def _iso(box: QDateEdit) -> date:
    return date.fromisoformat(box.date().toString("yyyy-MM-dd"))


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class ApproveDialog(QDialog):
    def __init__(self, people: tuple[PersonChoice, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Approve the policy"))
        form = QFormLayout(self)
        self.approver = QComboBox()
        self.approver.setEditable(True)
        owners = [p for p in people if p.kind == "owner"] + [p for p in people if p.kind != "owner"]
        for p in owners:
            self.approver.addItem(f"{p.job_title} {p.name}".strip())
        self.on = _date_box(QDate.currentDate())
        form.addRow(_("Approved by"), self.approver)
        form.addRow(_("Approved on"), self.on)
        note = QLabel(_("Approval locks this version. Later changes become a new version."))
        note.setWordWrap(True)
        form.addRow(note)
        form.addRow(_buttons(self))


class PostDialog(QDialog):
    def __init__(self, approved_on: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Mark as posted / communicated"))
        form = QFormLayout(self)
        self.on = _date_box(QDate.currentDate())
        if approved_on:
            self.on.setMinimumDate(QDate.fromString(approved_on, "yyyy-MM-dd"))
        self.how = QComboBox()
        self.how.setEditable(True)
        for channel in POST_CHANNELS:
            self.how.addItem(_(channel))
        form.addRow(_("Posted on"), self.on)
        form.addRow(_("How"), self.how)
        form.addRow(_buttons(self))


class ReviseDialog(QDialog):
    def __init__(self, current_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Make revision"))
        form = QFormLayout(self)
        self.reason = QLineEdit()
        self.version = QLineEdit(next_version(current_label))
        form.addRow(_("Reason"), self.reason)
        form.addRow(_("New version"), self.version)
        form.addRow(_buttons(self))


class ObjectiveDialog(QDialog):
    def __init__(
        self, people: tuple[PersonChoice, ...], values: ObjectiveInput, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Objective"))
        self.setMinimumWidth(460)
        form = QFormLayout(self)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(values.year)
        self.title = QLineEdit(values.title)
        self.target = QLineEdit(values.target)
        self.kpi = QLineEdit(values.kpi)
        self.owner = QComboBox()
        self.owner.addItem(_("(nobody yet)"), None)
        for p in people:
            self.owner.addItem(p.name, p.id)
        self.owner.setCurrentIndex(max(0, self.owner.findData(values.owner_id)))
        self.result_text = QPlainTextEdit(values.result)
        self.result_text.setFixedHeight(60)
        self.achieved = QComboBox()
        for text, value in ACHIEVED_CHOICES:
            self.achieved.addItem(_(text), value)
        self.achieved.setCurrentIndex(max(0, self.achieved.findData(values.achieved)))
        form.addRow(_("Year"), self.year)
        form.addRow(_("Objective"), self.title)
        form.addRow(_("Target"), self.target)
        form.addRow(_("KPI"), self.kpi)
        form.addRow(_("Owner"), self.owner)
        form.addRow(_("Result"), self.result_text)
        form.addRow(_("Achieved"), self.achieved)
        form.addRow(_buttons(self))
        self.policy_id = values.policy_id

    def values(self) -> ObjectiveInput:
        return ObjectiveInput(
            year=self.year.value(),
            title=self.title.text(),
            target=self.target.text(),
            kpi=self.kpi.text(),
            owner_id=self.owner.currentData(),
            result=self.result_text.toPlainText(),
            achieved=self.achieved.currentData(),
            policy_id=self.policy_id,
        )


class PoliciesScreen(Screen):
    key = "policies"
    title_msgid = N_("Policy and objectives")

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.detail: PolicyDetail | None = None
        self.people: tuple[PersonChoice, ...] = ()
        self.dirty = False
        self.busy = False
        self._loading = False
        self.last_objective: ObjectiveDetail | None = None
        splitter = QSplitter()
        splitter.addWidget(self._versions_panel())
        self.tabs = QTabWidget()
        self.tabs.addTab(self._policy_tab(), _("Policy"))
        self.tabs.addTab(self._objectives_tab(), _("Objectives"))
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([470, 700])
        self.layout_.addWidget(splitter, 1)
        self._show(None)

    # -- building --------------------------------------------------------------------------------

    def _versions_panel(self) -> QWidget:
        panel = QWidget()
        box = QVBoxLayout(panel)
        box.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        caption = QLabel(_("Versions"))
        caption.setStyleSheet("font-weight: bold;")
        self.new_button = QPushButton(_("New policy"))
        self.new_button.setObjectName("newPolicy")
        bar.addWidget(caption)
        bar.addStretch(1)
        bar.addWidget(self.new_button)
        box.addLayout(bar)
        self.versions = ListView(self.ctx.tasks, self.ctx.workspace, "policies")
        keys = [c[0] for c in self.versions.model.columns]
        self.versions.table.setColumnHidden(keys.index("title"), True)
        show_sort(self.versions, "revision_no", descending=True)
        box.addWidget(self.versions, 1)
        self.versions.selected.connect(self._version_selected)
        self.new_button.clicked.connect(self.new_record)
        return panel

    def _policy_tab(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        self.banner = QLabel("")
        self.banner.setObjectName("policyBanner")
        self.banner.setWordWrap(True)
        box.addWidget(self.banner)
        self.retention_badge = RetentionBadge("policies")
        box.addWidget(self.retention_badge)
        form = QFormLayout()
        self.title = QLineEdit()
        self.title.setObjectName("policyTitle")
        self.version = QLineEdit()
        self.version.setObjectName("policyVersion")
        self.version.setMaximumWidth(120)
        form.addRow(_("Title"), self.title)
        form.addRow(_("Version"), self.version)
        box.addLayout(form)
        self.body = QPlainTextEdit()
        self.body.setObjectName("policyBody")
        self.body.setPlaceholderText(
            _("Write the policy: commitment, legal compliance, hazard reduction, worker participation…")
        )
        box.addWidget(self.body, 1)
        self.error = QLabel("")
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #a00018;")
        self.error.setVisible(False)
        box.addWidget(self.error)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(_("Save"))
        self.save_button.setObjectName("savePolicy")
        self.approve_button = QPushButton(_("Approve…"))
        self.approve_button.setObjectName("approvePolicy")
        self.post_button = QPushButton(_("Mark as posted…"))
        self.post_button.setObjectName("postPolicy")
        self.revise_button = QPushButton(_("Make revision…"))
        self.revise_button.setObjectName("revisePolicy")
        self.delete_button = QPushButton(_("Delete draft"))
        self.delete_button.setObjectName("deletePolicy")
        self.print_button = QPushButton(_("Print…"))
        self.print_button.setObjectName("printPolicy")
        self.print_button.clicked.connect(self.print_record)
        for button in (self.save_button, self.approve_button, self.post_button, self.revise_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.delete_button)
        box.addLayout(buttons)
        self.title.textEdited.connect(self._edited)
        self.version.textEdited.connect(self._edited)
        self.body.textChanged.connect(self._edited)
        self.save_button.clicked.connect(self.save)
        self.approve_button.clicked.connect(lambda: self.approve())
        self.post_button.clicked.connect(lambda: self.mark_posted())
        self.revise_button.clicked.connect(lambda: self.make_revision())
        self.delete_button.clicked.connect(lambda: self.delete_draft())
        return page

    def _objectives_tab(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(_("Year")))
        self.year = QSpinBox()
        self.year.setObjectName("objectiveYear")
        self.year.setRange(2000, 2100)
        self.year.setValue(date.today().year)
        bar.addWidget(self.year)
        bar.addStretch(1)
        self.add_objective_button = QPushButton(_("Add objective"))
        self.add_objective_button.setObjectName("addObjective")
        self.edit_objective_button = QPushButton(_("Edit…"))
        self.edit_objective_button.setObjectName("editObjective")
        self.delete_objective_button = QPushButton(_("Delete"))
        self.delete_objective_button.setObjectName("deleteObjective")
        for button in (self.add_objective_button, self.edit_objective_button, self.delete_objective_button):
            bar.addWidget(button)
        box.addLayout(bar)
        self.objectives = ListView(self.ctx.tasks, self.ctx.workspace, "objectives")
        self.objectives.model.set_filters(year=self.year.value())
        show_sort(self.objectives, "title", descending=False)
        box.addWidget(self.objectives, 1)
        self.objective_error = QLabel("")
        self.objective_error.setStyleSheet("color: #a00018;")
        self.objective_error.setWordWrap(True)
        box.addWidget(self.objective_error)
        self._objective_id: str | None = None
        self.year.valueChanged.connect(lambda y: self.objectives.model.set_filters(year=y))
        self.objectives.selected.connect(self._objective_selected)
        self.objectives.activated.connect(lambda oid: self.edit_objective(oid))
        self.add_objective_button.clicked.connect(lambda: self.add_objective())
        self.edit_objective_button.clicked.connect(lambda: self.edit_objective(self._objective_id))
        self.delete_objective_button.clicked.connect(lambda: self.delete_objective())
        return page

    # -- screen commands ----------------------------------------------------------------------------

    def refresh(self) -> None:
        self.versions.refresh()
        self.objectives.refresh()
        ops.load_roster(self.ctx, self, self._roster_loaded)
        if self.detail is None and not self.dirty:
            ops.load_latest(self.ctx, self, self._show, self._failed)

    def _roster_loaded(self, people: tuple[PersonChoice, ...]) -> None:
        self.people = people

    def new_record(self) -> None:
        if self.tabs.currentIndex() == 1:
            self.add_objective()
            return
        if not self._may_leave():
            return
        self._show(None)
        self.title.setText(_(DEFAULT_POLICY_TITLE))
        self.version.setText("1.0")
        self.body.setFocus()

    def save(self) -> None:
        if self.busy or (self.detail is not None and self.detail.locked):
            return
        values = PolicyInput(self.title.text(), self.body.toPlainText(), self.version.text())
        self._busy(True)
        ops.save_policy(
            self.ctx, self, values, self.detail.id if self.detail else None, self._saved, self._failed
        )

    def focus_search(self) -> None:
        (self.objectives if self.tabs.currentIndex() == 1 else self.versions).focus_search()

    def has_unsaved_changes(self) -> bool:
        return self.dirty

    def open_filtered(self, filters: dict[str, object]) -> None:
        year = filters.get("year")
        if isinstance(year, int):
            self.tabs.setCurrentIndex(1)
            self.year.setValue(year)

    # -- policy ----------------------------------------------------------------------------------------

    def _version_selected(self, policy_id: object) -> None:
        if not isinstance(policy_id, str) or (self.detail is not None and self.detail.id == policy_id):
            return
        if not self._may_leave():
            return
        ops.load_policy(self.ctx, self, policy_id, self._show, self._failed)

    def _show(self, detail: PolicyDetail | None) -> None:
        self._loading = True
        self.detail = detail
        self.title.setText(detail.title if detail else "")
        self.version.setText(detail.version_label if detail else "")
        self.body.setPlainText(detail.body if detail else "")
        locked = bool(detail and detail.locked)
        for widget in (self.title, self.version):
            widget.setReadOnly(locked)
        self.body.setReadOnly(locked)
        self.error.setVisible(False)
        self._banner()
        self.dirty = False
        self._loading = False
        self._update_buttons()

    def _banner(self) -> None:
        detail = self.detail
        if detail is None:
            text, style = _("A new policy: write it, save it, then have the owner approve it."), "info"
        elif detail.locked:
            text = _("Version {v} approved by {who} on {when}; effective from {start}.").format(
                v=detail.version_label,
                who=detail.approved_by or "—",
                when=detail.approved_on or "—",
                start=detail.effective_from or "—",
            )
            if detail.posted_on:
                text += " " + _("Posted on {when} ({how}).").format(
                    when=detail.posted_on, how=detail.communicated_how or ""
                )
            else:
                text += " " + _("Not yet posted or communicated.")
            style = "approved"
        else:
            text = _("Version {v} is a draft ({status}).").format(
                v=detail.version_label, status=label(detail.status)
            )
            if detail.previous_version:
                text += " " + _("Revision of {prev}: {reason}").format(
                    prev=detail.previous_version, reason=detail.revision_reason or "—"
                )
            style = "draft"
        self.banner.setText(text)
        self.banner.setStyleSheet(BANNER[style])
        self.retention_badge.set_record(
            detail.retention_until if detail else None, locked=bool(detail and detail.locked)
        )

    def _update_buttons(self) -> None:
        detail = self.detail
        locked = bool(detail and detail.locked)
        idle = not self.busy
        self.save_button.setEnabled(idle and not locked)
        self.approve_button.setEnabled(idle and detail is not None and not locked)
        self.post_button.setEnabled(idle and locked)
        self.revise_button.setEnabled(idle and locked)
        self.delete_button.setEnabled(idle and detail is not None and not locked)
        self.print_button.setEnabled(detail is not None)

    def print_record(self) -> None:
        from safetydesk.ui.reports import print_record

        print_record(self, self.ctx, "policy", self.detail.id if self.detail else None)

    def _edited(self) -> None:
        if not self._loading:
            self.dirty = True

    def _busy(self, on: bool) -> None:
        self.busy = on
        self._update_buttons()

    def _saved(self, detail: PolicyDetail) -> None:
        self._busy(False)
        self._show(detail)
        self.versions.refresh()

    def _failed(self, exc: Exception) -> None:
        self._busy(False)
        self.error.setText(exc.text() if isinstance(exc, UserError) else f"{type(exc).__name__}: {exc}")
        self.error.setVisible(True)

    def approve(self, approver: str | None = None, on: date | None = None) -> None:
        if self.detail is None or self.detail.locked or self.busy:
            return
        if self.dirty:
            self._failed(UserError(N_("Save the policy before it is approved."), ""))
            return
        if approver is None or on is None:
            dialog = ApproveDialog(self.people, self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            approver, on = dialog.approver.currentText(), _iso(dialog.on)
        self._busy(True)
        ops.approve_policy(self.ctx, self, self.detail.id, approver, on, self._saved, self._failed)

    def mark_posted(self, on: date | None = None, how: str | None = None) -> None:
        if self.detail is None or not self.detail.locked or self.busy:
            return
        if on is None or how is None:
            dialog = PostDialog(self.detail.approved_on, self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            on, how = _iso(dialog.on), dialog.how.currentText()
        self._busy(True)
        ops.mark_posted(self.ctx, self, self.detail.id, on, how, self._saved, self._failed)

    def make_revision(self, reason: str | None = None, version: str | None = None) -> None:
        if self.detail is None or not self.detail.locked or self.busy:
            return
        if reason is None or version is None:
            dialog = ReviseDialog(self.detail.version_label, self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            reason, version = dialog.reason.text(), dialog.version.text()
        self._busy(True)
        ops.revise_policy(self.ctx, self, self.detail.id, reason, version, self._saved, self._failed)

    def delete_draft(self, *, confirmed: bool = False) -> None:
        if self.detail is None or self.detail.locked or self.busy:
            return
        if not confirmed and not self._confirm(_("Delete this draft policy?")):
            return
        self._busy(True)
        ops.delete_policy(self.ctx, self, self.detail.id, lambda _c: self._deleted(), self._failed)

    def _deleted(self) -> None:
        self._busy(False)
        self.detail = None
        self.dirty = False
        self.versions.refresh()
        ops.load_latest(self.ctx, self, self._show, self._failed)

    # -- objectives ------------------------------------------------------------------------------------

    def _objective_selected(self, objective_id: object) -> None:
        self._objective_id = objective_id if isinstance(objective_id, str) else None

    def add_objective(self, values: ObjectiveInput | None = None) -> None:
        if values is None:
            blank = ObjectiveInput(self.year.value(), "", policy_id=self.detail.id if self.detail else None)
            dialog = ObjectiveDialog(self.people, blank, self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            values = dialog.values()
        ops.save_objective(self.ctx, self, values, None, self._objective_saved, self._objective_failed)

    def edit_objective(self, objective_id: str | None, values: ObjectiveInput | None = None) -> None:
        if objective_id is None:
            return
        if values is not None:
            ops.save_objective(
                self.ctx, self, values, objective_id, self._objective_saved, self._objective_failed
            )
            return
        ops.load_objective(self.ctx, self, objective_id, self._edit_loaded, self._objective_failed)

    def _edit_loaded(self, detail: ObjectiveDetail) -> None:
        dialog = ObjectiveDialog(self.people, detail.values, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.edit_objective(detail.id, dialog.values())

    def delete_objective(self, *, confirmed: bool = False) -> None:
        if self._objective_id is None:
            return
        if not confirmed and not self._confirm(_("Delete this objective?")):
            return
        ops.delete_objective(
            self.ctx, self, self._objective_id, lambda _c: self.objectives.refresh(), self._objective_failed
        )

    def _objective_saved(self, detail: ObjectiveDetail) -> None:
        self.last_objective = detail
        self.objective_error.setText("")
        if detail.values.year != self.year.value():
            self.year.setValue(detail.values.year)
        else:
            self.objectives.refresh()

    def _objective_failed(self, exc: Exception) -> None:
        self.objective_error.setText(
            exc.text() if isinstance(exc, UserError) else f"{type(exc).__name__}: {exc}"
        )

    # -- asking ------------------------------------------------------------------------------------------

    def _may_leave(self) -> bool:
        if not self.dirty:
            return True
        answer = self._ask_unsaved()
        if answer == QMessageBox.StandardButton.Save:
            self.save()
            return False
        if answer == QMessageBox.StandardButton.Discard:
            self.dirty = False
            return True
        return False

    def _ask_unsaved(self) -> QMessageBox.StandardButton:
        return QMessageBox.question(
            self,
            _("Policy and objectives"),
            _("The policy has unsaved changes. Save them?"),
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )

    def _confirm(self, text: str) -> bool:
        return QMessageBox.question(self, _("Policy and objectives"), text) == QMessageBox.StandardButton.Yes
