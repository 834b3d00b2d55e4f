"""Corrective actions: the list with filters and escalation, and the detail panel to work one through."""

from __future__ import annotations

import functools
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from safetydesk.core.errors import UserError
from safetydesk.core.forms.schema import HAZARD_GROUPS
from safetydesk.core.i18n import N_, _
from safetydesk.core.labels import label
from safetydesk.core.queries.actions import ActionDetail
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations import actions as ops
from safetydesk.ui.screens.base import Screen
from safetydesk.ui.widgets.hazard_hint import HazardHint
from safetydesk.ui.widgets.list_view import ListView
from safetydesk.ui.widgets.retention import RetentionBadge

STATUS_FILTER = (
    (N_("Open and in progress"), ("open", "in_progress")),
    (N_("Done, to verify"), "done"),
    (N_("Verified"), "verified"),
    (N_("All statuses"), None),
)
DUE_FILTER = ((N_("Any due date"), None), (N_("Overdue"), "overdue"), (N_("Due within 7 days"), "due_soon"))
SOURCE_FILTER = (
    (N_("All sources"), None),
    (N_("Inspection"), "inspection"),
    (N_("Risk assessment"), "risk_assessment"),
    (N_("Incident"), "incident"),
    (N_("Suggestion"), "suggestion"),
    (N_("Drill"), "drill"),
)
HIERARCHY = ("legal", "elimination", "substitution", "engineering", "administrative", "ppe")
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".heic", ".bmp", ".webp")


def escalation(days_overdue: int) -> tuple[str, str]:
    """Badge text and colour by days overdue: the longer, the louder."""
    if days_overdue <= 0:
        return "", ""
    if days_overdue > 30:
        return _("{n} days overdue — escalate to the owner").format(n=days_overdue), "#b00020"
    if days_overdue > 7:
        return _("{n} days overdue").format(n=days_overdue), "#c05600"
    return _("{n} days overdue").format(n=days_overdue), "#a07800"


class VerifyDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Verify and close"))
        form = QFormLayout(self)
        self.verified_by = QLineEdit()
        self.effective = QCheckBox(_("The fix works (hazard controlled)"))
        self.effective.setChecked(True)
        self.note = QPlainTextEdit()
        self.note.setFixedHeight(70)
        form.addRow(_("Verified by"), self.verified_by)
        form.addRow("", self.effective)
        form.addRow(_("Note"), self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class EvidenceStrip(QWidget):
    """Thumbnails of before/after photos; drop image files here to add them as 'after' evidence."""

    def __init__(self, screen: ActionsScreen) -> None:
        super().__init__()
        self.owner_screen = screen
        self.setAcceptDrops(True)
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.hint = QLabel(_("Drop photos here"))
        self.hint.setStyleSheet("color: #777;")
        self.row.addWidget(self.hint)
        self.row.addStretch(1)

    def clear(self) -> None:
        while self.row.count() > 2:
            item = self.row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()

    def add(self, image: QImage, caption: str) -> None:
        box = QVBoxLayout()
        picture = QLabel()
        picture.setPixmap(QPixmap.fromImage(image))
        holder = QWidget()
        holder.setLayout(box)
        box.addWidget(picture)
        box.addWidget(QLabel(caption))
        self.row.insertWidget(self.row.count() - 2, holder)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            path = Path(url.toLocalFile())
            if path.suffix.lower() in PHOTO_SUFFIXES:
                self.owner_screen.add_photo(path, "after")
        event.acceptProposedAction()


class ActionsScreen(Screen):
    key = "actions"
    title_msgid = N_("Corrective actions")

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.current: ActionDetail | None = None
        self.dirty = False
        splitter = QSplitter()
        self.list = ListView(
            ctx.tasks,
            ctx.workspace,
            "corrective_actions",
            (
                ("status", N_("Status"), STATUS_FILTER),
                ("due", N_("Due"), DUE_FILTER),
                ("source", N_("Source"), SOURCE_FILTER),
            ),
        )
        self.list.model.set_filters(status=("open", "in_progress"))
        self.print_list_button = QPushButton(_("Print list…"))
        self.print_list_button.setObjectName("printList")
        self.print_list_button.clicked.connect(self.print_list)
        self.layout_.addWidget(self.print_list_button, 0, Qt.AlignmentFlag.AlignRight)
        splitter.addWidget(self.list)
        splitter.addWidget(self._detail_panel())
        splitter.setSizes([760, 420])
        self.layout_.addWidget(splitter, 1)
        self.list.selected.connect(self._select)

    def _detail_panel(self) -> QWidget:
        panel = QWidget()
        panel.setObjectName("actionDetail")
        outer = QVBoxLayout(panel)
        self.badge = QLabel(_("Choose an action in the list to work on it."))
        self.badge.setObjectName("escalationBadge")
        outer.addWidget(self.badge)
        form = QFormLayout()
        self.finding = QLabel("")
        self.finding.setWordWrap(True)
        self.title = QLineEdit()
        self.description = QPlainTextEdit()
        self.description.setFixedHeight(80)
        self.hierarchy = QComboBox()
        for code in HIERARCHY:
            self.hierarchy.addItem(label(code), code)
        self.owner = QLineEdit()
        self.due = QDateEdit()
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("yyyy-MM-dd")
        self.due.setMinimumDate(QDate(2000, 1, 1))
        self.due.setSpecialValueText(" ")  # blank until an action is chosen
        self.due.setDate(self.due.minimumDate())
        self.interim = QLineEdit()
        self.status = QLabel("")
        self.finding_hazard: ops.FindingHazard | None = None
        self.finding_group = QComboBox()
        self.finding_group.setObjectName("findingHazardGroup")
        self.finding_group.setToolTip(_("The finding's hazard group; a change is saved at once"))
        self.finding_group.addItem(_("— not classified —"), None)
        for code in HAZARD_GROUPS:
            self.finding_group.addItem(label(code), code)
        self.finding_hint = HazardHint(self.ctx, None, self.finding_group)
        self.finding_box = QWidget()
        finding_rows = QVBoxLayout(self.finding_box)
        finding_rows.setContentsMargins(0, 0, 0, 0)
        finding_rows.setSpacing(2)
        finding_rows.addWidget(self.finding_group)
        finding_rows.addWidget(self.finding_hint)
        form.addRow(_("Finding"), self.finding)
        form.addRow(_("Hazard group"), self.finding_box)
        self.form = form
        form.addRow(_("Action"), self.title)
        form.addRow(_("Details"), self.description)
        form.addRow(_("Control"), self.hierarchy)
        form.addRow(_("Owner"), self.owner)
        form.addRow(_("Due"), self.due)
        form.addRow(_("Interim measure"), self.interim)
        form.addRow(_("Status"), self.status)
        self.retention_badge = RetentionBadge("corrective_actions")
        self.retention_badge.setText("")
        form.addRow(_("Retention"), self.retention_badge)
        outer.addLayout(form)
        self.error = QLabel("")
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        outer.addWidget(self.error)
        outer.addWidget(QLabel(_("Evidence (before / after)")))
        self.evidence = EvidenceStrip(self)
        outer.addWidget(self.evidence)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(_("Save"))
        self.before_button = QPushButton(_("Add photo: before"))
        self.after_button = QPushButton(_("Add photo: after"))
        self.done_button = QPushButton(_("Mark done"))
        self.verify_button = QPushButton(_("Verify and close"))
        self.print_button = QPushButton(_("Print…"))
        self.print_button.setObjectName("printRecord")
        self.print_button.clicked.connect(self.print_record)
        for button in (
            self.save_button,
            self.before_button,
            self.after_button,
            self.done_button,
            self.verify_button,
            self.print_button,
        ):
            buttons.addWidget(button)
        outer.addLayout(buttons)
        outer.addStretch(1)
        self.save_button.clicked.connect(self.save)
        self.before_button.clicked.connect(lambda: self._pick_photo("before"))
        self.after_button.clicked.connect(lambda: self._pick_photo("after"))
        self.done_button.clicked.connect(self._mark_done)
        self.verify_button.clicked.connect(self._verify)
        self.finding_group.activated.connect(lambda _i: self._classify_finding())
        self.finding_hint.accepted.connect(lambda _g: self._classify_finding())
        self.form.setRowVisible(self.finding_box, False)
        for edit in (self.title, self.owner, self.interim):
            edit.textEdited.connect(self._mark_dirty)
        self.description.textChanged.connect(self._mark_dirty)
        self.hierarchy.activated.connect(self._mark_dirty)
        self.due.dateChanged.connect(self._mark_dirty)
        self._enable(False)
        self.print_button.setEnabled(False)
        return panel

    # -- state ---------------------------------------------------------------------------------

    def _mark_dirty(self, *_args: Any) -> None:
        if not self._loading:
            self.dirty = True

    _loading = False

    def _enable(self, on: bool) -> None:
        for widget in (
            self.title,
            self.description,
            self.hierarchy,
            self.owner,
            self.due,
            self.interim,
            self.save_button,
            self.before_button,
            self.after_button,
            self.done_button,
            self.verify_button,
        ):
            widget.setEnabled(on)

    def has_unsaved_changes(self) -> bool:
        return self.dirty

    def refresh(self) -> None:
        self.list.refresh()
        if self.current is not None:
            self._select(self.current.id)

    def focus_search(self) -> None:
        self.list.focus_search()

    def open_filtered(self, filters: dict[str, object]) -> None:
        for key, value in filters.items():
            self.list.set_filter(key, value)

    def _select(self, action_id: object) -> None:
        if not isinstance(action_id, str):
            return
        ops.load_detail(self.ctx, self, action_id, self._show, self._fail)

    def _show(self, detail: ActionDetail) -> None:
        self._loading = True
        self.current = detail
        self.finding.setText(detail.finding_text or label(detail.source_kind))
        self.title.setText(detail.title)
        self.description.setPlainText(detail.description)
        self.hierarchy.setCurrentIndex(max(0, self.hierarchy.findData(detail.hierarchy)))
        self.owner.setText(detail.owner_name)
        self.due.setDate(QDate.fromString(detail.due_on, "yyyy-MM-dd"))
        self.interim.setText(detail.interim_measure)
        status = label(detail.status)
        if detail.verified_on:
            status += f" — {detail.verified_on} {detail.verified_by or ''}"
        self.status.setText(status)
        self.retention_badge.set_record(
            detail.retention_until, in_use=detail.status not in ("verified", "cancelled")
        )
        text, colour = escalation(detail.days_overdue)
        self.badge.setText(text)
        self.badge.setStyleSheet(f"color: white; background: {colour}; padding: 4px;" if colour else "")
        closed = detail.status in ("verified", "cancelled")
        self._enable(not closed)
        self.done_button.setEnabled(detail.status in ("open", "in_progress"))
        self.verify_button.setEnabled(detail.status == "done")
        self.print_button.setEnabled(True)
        self.error.setText("")
        self.evidence.clear()
        for item in detail.evidence:
            caption = (
                label(item.role)
                if item.role not in ("before", "after")
                else (_("Before") if item.role == "before" else _("After"))
            )
            ops.load_thumbnail(
                self.ctx,
                self,
                item.sha256,
                110,
                functools.partial(self._add_thumbnail, caption),
                self._fail,
            )
        self.dirty = False
        self._loading = False
        ops.load_finding_hazard(self.ctx, self, detail.id, self._show_finding_hazard, self._fail)

    def _show_finding_hazard(self, finding: ops.FindingHazard | None) -> None:
        self.finding_hazard = finding
        self.form.setRowVisible(self.finding_box, finding is not None)
        if finding is None:
            self.finding_hint.set_text("")
            return
        index = self.finding_group.findData(finding.hazard_group)
        self.finding_group.setCurrentIndex(max(0, index))
        self.finding_hint.set_text(finding.description)

    def _classify_finding(self) -> None:
        """Save the hazard group chosen for the finding, with the suggestion shown for its description."""
        finding = self.finding_hazard
        group = self.finding_group.currentData()
        if finding is None or group is None or group == finding.hazard_group:
            return
        ops.classify_finding(
            self.ctx,
            self,
            finding.id,
            str(group),
            self.finding_hint.suggestion_for_save(),
            lambda _changes: self._finding_classified(finding.id, str(group)),
            self._fail,
        )

    def _finding_classified(self, finding_id: str, group: str) -> None:
        current = self.finding_hazard
        if current is not None and current.id == finding_id:
            self.finding_hazard = ops.FindingHazard(current.id, current.description, group)

    def _add_thumbnail(self, caption: str, image: QImage) -> None:
        self.evidence.add(image, caption)

    def _fail(self, exc: Exception) -> None:
        self.error.setText(exc.text() if isinstance(exc, UserError) else f"{type(exc).__name__}: {exc}")

    def _done(self, _changes: object) -> None:
        self.dirty = False
        self.refresh()

    # -- commands ------------------------------------------------------------------------------

    def save(self) -> None:
        if self.current is None:
            return
        values = {
            "title": self.title.text().strip(),
            "description": self.description.toPlainText().strip() or None,
            "hierarchy": self.hierarchy.currentData(),
            "owner_name": self.owner.text().strip() or None,
            "due_on": self.due.date().toString("yyyy-MM-dd"),
            "interim_measure": self.interim.text().strip() or None,
        }
        ops.save(self.ctx, self, self.current.id, values, self._done, self._fail)

    def add_photo(self, path: Path, role: str) -> None:
        if self.current is None:
            return
        ops.add_evidence(self.ctx, self, self.current.id, path, role, self._done, self._fail)

    def _pick_photo(self, role: str) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, _("Choose a photo"), "", _("Images") + " (*.jpg *.jpeg *.png *.bmp *.webp)"
        )
        if name:
            self.add_photo(Path(name), role)

    def _mark_done(self) -> None:
        if self.current is not None:
            ops.mark_done(self.ctx, self, self.current.id, date.today(), self._done, self._fail)

    def _verify(self) -> None:
        if self.current is None:
            return
        dialog = VerifyDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        ops.verify(
            self.ctx,
            self,
            self.current.id,
            dialog.verified_by.text().strip(),
            dialog.effective.isChecked(),
            dialog.note.toPlainText().strip(),
            self._done,
            self._fail,
        )

    def print_record(self) -> None:
        from safetydesk.ui.reports import print_record

        print_record(self, self.ctx, "action", self.current.id if self.current else None)

    def print_list(self) -> None:
        from safetydesk.ui.reports import print_actions_list

        print_actions_list(self, self.ctx, self.list.model.query.filters)

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Escape and self.dirty and self.current is not None:
            self._select(self.current.id)
            return
        super().keyPressEvent(event)
