"""동기화 / Sync: the Sync centre screen, the Sync section of Settings and the status-bar indicator.

The centre shows what is waiting (changes, photos), when the last sync worked, the last error in
plain words, the firm's PCs ("Add another PC" shows an enrolment code), and the conflicts: each with
both values, which PC wrote them and when. The user keeps one value, keeps the other, or merges them;
the choice is recorded locally and a sync starts so every PC gets it.

Nothing here touches the network or the database: ``ui.operations.sync`` runs the work on the net
and database lanes, and its one ``SyncController`` per window makes sure only one sync runs at a time.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QSysInfo, Qt, Signal
from PySide6.QtGui import QFont, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from safetydesk.core.i18n import N_, _
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations import sync as ops
from safetydesk.ui.operations.sync import CentreState, describe_error, local_time_text
from safetydesk.ui.screens.base import Screen
from safetydesk.ui.screens.plant.fields import FieldError

KIND_WORDS = {
    "field": N_("Changed on two PCs"),
    "edit_vs_delete": N_("Deleted on one PC, edited on another"),
    "delete_vs_edit": N_("Edited on one PC, deleted on another"),
    "clock_skew": N_("A PC's clock was wrong"),
    "invariant": N_("The merged record breaks a rule"),
    "locked": N_("Changed after it was signed or locked"),
}
KIND_EXPLAIN = {
    "field": N_(
        "Both PCs changed this field before they synced. The later change is in use; the other one "
        "is kept here so nothing is lost."
    ),
    "edit_vs_delete": N_(
        "One PC deleted the record while another edited it. Safety records are not lost this way: the "
        "record was kept with the edit."
    ),
    "delete_vs_edit": N_(
        "One PC edited the record while another deleted it. Safety records are not lost this way: the "
        "record was kept with the edit."
    ),
    "clock_skew": N_(
        "A PC sent a change dated in the future; the server used its own time instead. Check the clock "
        "of that PC."
    ),
    "invariant": N_(
        "Each change was valid on its own, but together they break a rule of the record. Choose the "
        "value that is right."
    ),
    "locked": N_(
        "The record was signed or locked on another PC, so this change was not applied. Keep it only if "
        "the record really has to change."
    ),
}
ENTITY_WORDS = {
    "corrective_actions": N_("Corrective action"),
    "findings": N_("Finding"),
    "incidents": N_("Accident or incident"),
    "people": N_("Person"),
    "form_records": N_("Checklist, TBM or permit"),
    "risk_assessments": N_("Risk assessment"),
    "trainings": N_("Safety and health education"),
    "settings": N_("Setting"),
    "sites": N_("Site"),
    "areas": N_("Area"),
    "equipment": N_("Equipment"),
    "contractors": N_("Contractor"),
    "policies": N_("Policy"),
    "objectives": N_("Objective"),
    "drills": N_("Emergency drill"),
}
FIELD_WORDS = {
    "name": N_("Name"),
    "title": N_("Title"),
    "status": N_("Status"),
    "due_on": N_("Due"),
    "description": N_("Description"),
    "address": N_("Address"),
    "notes": N_("Notes"),
    "result": N_("Result"),
    "representative": N_("Representative"),
}
AUTO_LABELS = {
    0: N_("Off"),
    5: N_("Every 5 minutes"),
    15: N_("Every 15 minutes"),
    30: N_("Every 30 minutes"),
    60: N_("Every 60 minutes"),
}
CONFLICT_HEADERS = (N_("What happened"), N_("Record"), N_("Field"), N_("Value in use"), N_("Other value"))
DEVICE_HEADERS = (N_("PC"), N_("Last seen"), N_("State"))
RED = "#b00020"
GREEN = "#2e7d32"
GREY = "#777777"


def kind_text(kind: str) -> str:
    words = KIND_WORDS.get(kind)
    return _(words) if words else kind


def entity_text(entity: str) -> str:
    words = ENTITY_WORDS.get(entity)
    return _(words) if words else entity.replace("_", " ")


def field_text(field: str) -> str:
    """A column name in words where the UI has them (else as stored, e.g. ``phone``)."""
    words = FIELD_WORDS.get(field)
    return _(words) if words else field


def value_text(value: object) -> str:
    """A field value for people: empty, yes/no, a count of rows, text, or compact JSON."""
    if value is None or value == "":
        return _("(empty)")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return _("{count} rows").format(count=len(value))
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _one_line(text: str, limit: int = 60) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def is_text(value: object) -> bool:
    return value is None or isinstance(value, str)


def who_when(version: Any) -> str:
    device = getattr(version, "device_name", None) or getattr(version, "device_id", "") or "?"
    return _("from {device}, {time}").format(
        device=device, time=local_time_text(getattr(version, "at", None))
    )


def computer_name() -> str:
    return QSysInfo.machineHostName() or "PC"


# -- status bar ------------------------------------------------------------------------------------


class SyncIndicator(QLabel):
    """A dot and a few words in the status bar; red with the error as tooltip when the last sync failed."""

    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sync-indicator")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.state = "off"
        self.words = ""
        self.hide()

    def show_state(self, state: str, words: str, tooltip: str = "") -> None:
        self.state = state
        self.words = words
        colour = {"failed": RED, "ok": GREEN}.get(state, GREY)
        self.setText(f'<span style="color:{colour}; font-size:13pt">●</span> {words}')
        self.setToolTip(tooltip)
        self.setVisible(state != "off")

    def update_from(self, controller: ops.SyncController) -> None:
        status = controller.status
        if status is None or not status.enabled:
            self.show_state("off", "")
        elif controller.running:
            self.show_state("running", _("Syncing…"))
        elif controller.last_error is not None:
            self.show_state("failed", _("Sync failed"), describe_error(controller.last_error))
        elif status.last_error and _newer(status.last_error_at, status.last_success_at):
            self.show_state("failed", _("Sync failed"), str(status.last_error))
        else:
            self.show_state(
                "ok",
                _("Synced {time}").format(time=local_time_text(status.last_success_at)),
                _("Changes waiting to be sent: {count}").format(count=status.pending_changes),
            )

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.clicked.emit()
        super().mousePressEvent(event)


def _newer(a: object, b: object) -> bool:
    first, second = ops.as_datetime(a), ops.as_datetime(b)
    return first is not None and (second is None or first > second)


# -- Settings → Sync -------------------------------------------------------------------------------


class SyncSettingsBox(QGroupBox):
    """Server address, CA file, enrolment, auto-sync interval, Sync now and Disable."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(_("Sync"), parent)
        self.setObjectName("sync-settings")
        self.ctx = ctx
        self.controller = ops.controller(ctx)
        self.status: Any = None
        form = QFormLayout(self)
        self.state = QLabel(_("Not set up. This PC keeps working on its own."))
        self.state.setObjectName("sync-state")
        self.state.setWordWrap(True)
        form.addRow(self.state)
        self.url = QLineEdit()
        self.url.setObjectName("sync-url")
        self.url.setPlaceholderText("https://sync.example.com")
        form.addRow(_("Server address"), self.url)
        ca_row = QHBoxLayout()
        self.ca_file = QLineEdit()
        self.ca_file.setObjectName("sync-ca-file")
        self.ca_file.setPlaceholderText(_("Only for a server with its own certificate authority"))
        self.ca_choose = QPushButton(_("Choose…"))
        self.ca_clear = QPushButton(_("Clear"))
        ca_row.addWidget(self.ca_file, 1)
        ca_row.addWidget(self.ca_choose)
        ca_row.addWidget(self.ca_clear)
        form.addRow(_("CA file"), ca_row)
        self.code = QLineEdit()
        self.code.setObjectName("sync-code")
        self.code.setPlaceholderText(_("From the first PC: Sync centre → Add another PC"))
        self.device_name = QLineEdit(computer_name())
        self.device_name.setObjectName("sync-device-name")
        self.enrol_button = QPushButton(_("Enrol this PC"))
        self.enrol_button.setObjectName("sync-enrol")
        self.enrol_button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        form.addRow(_("Enrolment code"), self.code)
        form.addRow(_("This PC's name"), self.device_name)
        form.addRow("", self.enrol_button)
        self.form = form
        self.enrol_rows: tuple[QWidget, ...] = (self.code, self.device_name, self.enrol_button)
        self.auto = QComboBox()
        self.auto.setObjectName("sync-auto")
        for minutes, label in AUTO_LABELS.items():
            self.auto.addItem(_(label), minutes)
        form.addRow(_("Sync automatically"), self.auto)
        buttons = QHBoxLayout()
        self.sync_button = QPushButton(_("Sync now"))
        self.sync_button.setObjectName("sync-now")
        self.disable_button = QPushButton(_("Disable sync"))
        self.disable_button.setObjectName("sync-disable")
        buttons.addWidget(self.sync_button)
        buttons.addWidget(self.disable_button)
        buttons.addStretch(1)
        form.addRow(buttons)
        self.message = QLabel("")
        self.message.setObjectName("sync-message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {GREEN};")
        self.error = FieldError()
        self.error.setObjectName("sync-error")
        form.addRow(self.message)
        form.addRow(self.error)
        self._loading = False

        self.ca_choose.clicked.connect(self._choose_ca)
        self.ca_clear.clicked.connect(self.ca_file.clear)
        self.enrol_button.clicked.connect(self.enrol)
        self.auto.currentIndexChanged.connect(self._auto_changed)
        self.sync_button.clicked.connect(self.sync_now)
        self.disable_button.clicked.connect(self._ask_disable)
        self.controller.status_changed.connect(self.show_status)
        # Bound methods only: Qt drops these connections when this box is deleted.
        self.controller.started.connect(self._started)
        self.controller.finished.connect(self._synced)
        self.controller.failed.connect(self._fail)
        self.controller.note.connect(self._say)
        self.show_status(self.controller.status)

    def refresh(self) -> None:
        self.controller.refresh_status()

    def show_status(self, status: Any) -> None:
        self.status = status
        enabled = status is not None and bool(status.enabled)
        self._loading = True
        if status is not None and status.url and not self.url.text():
            self.url.setText(str(status.url))
        if status is not None and status.ca_file and not self.ca_file.text():
            self.ca_file.setText(str(status.ca_file))
        minutes = int(status.auto_minutes or 0) if status is not None else 0
        self.auto.setCurrentIndex(max(0, self.auto.findData(minutes if minutes in AUTO_LABELS else 0)))
        self._loading = False
        if enabled:
            self.state.setText(
                _("Enrolled as {device} in {firm}.").format(
                    device=status.device_name or "?", firm=status.tenant_name or "?"
                )
            )
        else:
            self.state.setText(_("Not set up. This PC keeps working on its own."))
        for edit in (self.url, self.ca_file):
            edit.setReadOnly(enabled)
        self.ca_choose.setEnabled(not enabled)
        self.ca_clear.setEnabled(not enabled)
        for row in self.enrol_rows:  # enrolling is for a PC that does not sync yet
            self.form.setRowVisible(row, not enabled)
        self.enrol_button.setEnabled(not self.ctx.workspace.read_only)
        for widget in (self.auto, self.sync_button, self.disable_button):
            widget.setEnabled(enabled)

    def _started(self) -> None:
        self._say(_("Syncing…"))

    def _say(self, text: str) -> None:
        self.error.show_message("")
        self.message.setText(text)

    def _fail(self, exc: Exception) -> None:
        self.message.setText("")
        self.error.show_message(describe_error(exc))

    def _choose_ca(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, _("CA file"), "", _("Certificates") + " (*.pem *.crt *.cer);;* (*)"
        )
        if name:
            self.ca_file.setText(name)

    def enrol(self) -> None:
        url, code, name = self.url.text().strip(), self.code.text().strip(), self.device_name.text().strip()
        if not url.startswith(("https://", "http://")):
            self.error.show_message(_("Enter the server address, starting with https://"))
            return
        if not code or not name:
            self.error.show_message(_("Enter the enrolment code and a name for this PC."))
            return
        self.enrol_button.setEnabled(False)
        self._say(_("Enrolling…"))
        ops.enroll(
            self.ctx,
            self,
            url=url,
            code=code,
            device_name=name,
            ca_file=self.ca_file.text().strip() or None,
            on_done=self._enrolled,
            on_error=self._enrol_failed,
        )

    def _enrolled(self, result: Any) -> None:
        self.code.clear()
        self._say(
            _("This PC is enrolled in {firm}. The first sync starts now.").format(firm=result.tenant_name)
        )
        self.controller.sync_now()

    def _enrol_failed(self, exc: Exception) -> None:
        self.enrol_button.setEnabled(True)
        self._fail(exc)

    def _auto_changed(self, _index: int) -> None:
        if self._loading or self.status is None or not self.status.enabled:
            return
        minutes = int(self.auto.currentData() or 0)
        ops.configure(
            self.ctx,
            self,
            url=str(self.status.url),
            ca_file=self.status.ca_file or None,
            auto_minutes=minutes or None,
            on_done=lambda _r: self._say(_("Saved.")),
            on_error=self._fail,
        )

    def sync_now(self) -> None:
        self.controller.sync_now()

    def _synced(self, report: Any) -> None:
        self._say(
            _("Synced: {sent} changes sent, {received} received.").format(
                sent=report.pushed, received=report.pulled
            )
        )

    def _ask_disable(self) -> None:
        answer = QMessageBox.question(
            self,
            _("Disable sync"),
            _(
                "Stop syncing this PC? Its data stays here. To sync again later, enrol it again with a "
                "new code."
            ),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.disable()

    def disable(self) -> None:
        ops.disable(self.ctx, self, lambda _r: self._say(_("Sync is off for this PC.")), self._fail)


# -- Sync centre -----------------------------------------------------------------------------------


class ConflictDetail(QWidget):
    """Both values of one conflict, with who and when, and the three ways to settle it."""

    resolve = Signal(str, str, object)  # conflict id, "winner" | "loser" | "merged", merged value

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.conflict: Any = None
        box = QVBoxLayout(self)
        box.setContentsMargins(4, 0, 0, 0)
        self.heading = QLabel(_("Choose a conflict in the list."))
        self.heading.setObjectName("conflict-heading")
        self.heading.setStyleSheet("font-weight: bold;")
        self.heading.setWordWrap(True)
        self.explain = QLabel("")
        self.explain.setWordWrap(True)
        self.explain.setStyleSheet("color: #555;")
        self.where = QLabel("")
        self.where.setObjectName("conflict-where")
        self.where.setWordWrap(True)
        box.addWidget(self.heading)
        box.addWidget(self.explain)
        box.addWidget(self.where)
        values = QGridLayout()
        self.this_caption = QLabel(_("Value in use"))
        self.that_caption = QLabel(_("Other value"))
        for caption in (self.this_caption, self.that_caption):
            caption.setStyleSheet("font-weight: bold;")
        self.this_value = QPlainTextEdit()
        self.this_value.setObjectName("conflict-this")
        self.that_value = QPlainTextEdit()
        self.that_value.setObjectName("conflict-that")
        for edit in (self.this_value, self.that_value):
            edit.setReadOnly(True)
            edit.setMinimumHeight(48)
            edit.setMaximumHeight(150)
        self.this_who = QLabel("")
        self.that_who = QLabel("")
        for who in (self.this_who, self.that_who):
            who.setWordWrap(True)
            who.setStyleSheet("color: #555;")
        self.keep_this = QPushButton(_("Keep this"))
        self.keep_this.setObjectName("keep-this")
        self.keep_that = QPushButton(_("Keep that"))
        self.keep_that.setObjectName("keep-that")
        values.addWidget(self.this_caption, 0, 0)
        values.addWidget(self.that_caption, 0, 1)
        values.addWidget(self.this_value, 1, 0)
        values.addWidget(self.that_value, 1, 1)
        values.addWidget(self.this_who, 2, 0)
        values.addWidget(self.that_who, 2, 1)
        values.addWidget(self.keep_this, 3, 0)
        values.addWidget(self.keep_that, 3, 1)
        box.addLayout(values)
        merge_row = QHBoxLayout()
        self.merge_button = QPushButton(_("Merge…"))
        self.merge_button.setObjectName("merge")
        merge_row.addWidget(self.merge_button)
        merge_row.addStretch(1)
        box.addLayout(merge_row)
        self.merge_panel = QWidget()
        merge_box = QVBoxLayout(self.merge_panel)
        merge_box.setContentsMargins(0, 0, 0, 0)
        merge_box.addWidget(QLabel(_("Edit the value to keep (both values are filled in):")))
        self.merged = QPlainTextEdit()
        self.merged.setObjectName("merged-value")
        self.merged.setMinimumHeight(48)
        merge_box.addWidget(self.merged)
        self.save_merged = QPushButton(_("Keep the merged value"))
        self.save_merged.setObjectName("save-merged")
        merge_box.addWidget(self.save_merged, 0, Qt.AlignmentFlag.AlignLeft)
        box.addWidget(self.merge_panel)
        self.merge_panel.hide()
        self.resolved_note = QLabel("")
        self.resolved_note.setObjectName("conflict-resolved")
        self.resolved_note.setWordWrap(True)
        self.resolved_note.setStyleSheet(f"color: {GREEN};")
        box.addWidget(self.resolved_note)
        self.error = FieldError()
        box.addWidget(self.error)
        box.addStretch(1)
        self.keep_this.clicked.connect(lambda: self._choose("winner"))
        self.keep_that.clicked.connect(lambda: self._choose("loser"))
        self.merge_button.clicked.connect(self.start_merge)
        self.save_merged.clicked.connect(lambda: self._choose("merged"))
        self.show_conflict(None)

    def show_conflict(self, conflict: Any) -> None:
        self.conflict = conflict
        self.merge_panel.hide()
        self.error.show_message("")
        if conflict is None:
            self.heading.setText(_("Choose a conflict in the list."))
            for label in (self.explain, self.where, self.this_who, self.that_who, self.resolved_note):
                label.setText("")
            self.this_value.setPlainText("")
            self.that_value.setPlainText("")
            for button in (self.keep_this, self.keep_that, self.merge_button):
                button.setEnabled(False)
            return
        self.heading.setText(kind_text(conflict.kind))
        explain = KIND_EXPLAIN.get(conflict.kind)
        self.explain.setText(_(explain) if explain else "")
        self.where.setText(
            _("{entity}: {title} — field {field}").format(
                entity=entity_text(conflict.entity),
                title=conflict.record_title or conflict.record_id,
                field=field_text(conflict.field),
            )
        )
        self.this_value.setPlainText(value_text(conflict.winner.value))
        self.that_value.setPlainText(value_text(conflict.loser.value))
        self.this_who.setText(who_when(conflict.winner))
        self.that_who.setText(who_when(conflict.loser))
        open_ = not conflict.resolved
        self.keep_this.setEnabled(open_)
        self.keep_that.setEnabled(open_)
        self.merge_button.setEnabled(
            open_ and is_text(conflict.winner.value) and is_text(conflict.loser.value)
        )
        self.resolved_note.setText(
            ""
            if open_
            else _("Resolved by {who}, {time}.").format(
                who=conflict.resolved_by or "?", time=local_time_text(conflict.resolved_at)
            )
        )

    def start_merge(self) -> None:
        conflict = self.conflict
        if conflict is None:
            return
        parts = [str(v) for v in (conflict.winner.value, conflict.loser.value) if v not in (None, "")]
        self.merged.setPlainText("\n".join(parts))
        self.merge_panel.show()
        self.merged.setFocus()

    def _choose(self, keep: str) -> None:
        if self.conflict is None:
            return
        merged = self.merged.toPlainText() if keep == "merged" else None
        for button in (self.keep_this, self.keep_that, self.merge_button, self.save_merged):
            button.setEnabled(False)
        self.resolve.emit(self.conflict.id, keep, merged)

    def failed(self, text: str) -> None:
        self.show_conflict(self.conflict)
        self.save_merged.setEnabled(True)
        self.error.show_message(text)


class SyncScreen(Screen):
    key = "sync"
    title_msgid = N_("Sync")

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.controller = ops.controller(ctx)
        self.state: CentreState | None = None
        self.conflicts: list[Any] = []
        self.devices: list[Any] = []
        self.enrolment_code: tuple[str, str] | None = None

        top = QHBoxLayout()
        summary = QGroupBox(_("This PC"))
        summary.setObjectName("sync-summary")
        sform = QFormLayout(summary)
        self.setup_note = QLabel(_("Sync is not set up. Enrol this PC in Settings → Sync."))
        self.setup_note.setObjectName("sync-setup-note")
        self.setup_note.setWordWrap(True)
        self.setup_note.setStyleSheet("color: #b35c00;")
        sform.addRow(self.setup_note)
        self.firm = QLabel("—")
        self.firm.setObjectName("sync-firm")
        self.pending = QLabel("—")
        self.pending.setObjectName("sync-pending")
        self.photos = QLabel("—")
        self.photos.setObjectName("sync-photos")
        self.last_success = QLabel("—")
        self.last_success.setObjectName("sync-last-success")
        self.last_error = QLabel("—")
        self.last_error.setObjectName("sync-last-error")
        self.last_error.setWordWrap(True)
        sform.addRow(_("Firm"), self.firm)
        sform.addRow(_("Changes waiting to be sent"), self.pending)
        sform.addRow(_("Photos uploaded"), self.photos)
        sform.addRow(_("Last successful sync"), self.last_success)
        sform.addRow(_("Last error"), self.last_error)
        actions = QHBoxLayout()
        self.sync_button = QPushButton(_("Sync now"))
        self.sync_button.setObjectName("centre-sync-now")
        self.settings_button = QPushButton(_("Sync settings…"))
        actions.addWidget(self.sync_button)
        actions.addWidget(self.settings_button)
        actions.addStretch(1)
        sform.addRow(actions)
        self.activity = QLabel("")
        self.activity.setObjectName("sync-activity")
        self.activity.setWordWrap(True)
        sform.addRow(self.activity)
        top.addWidget(summary, 1)

        devices = QGroupBox(_("The firm's PCs"))
        dbox = QVBoxLayout(devices)
        self.device_table = QTableWidget(0, len(DEVICE_HEADERS))
        self.device_table.setObjectName("sync-devices")
        self.device_table.setHorizontalHeaderLabels([_(h) for h in DEVICE_HEADERS])
        self.device_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.device_table.verticalHeader().hide()
        self.device_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.device_table.setMaximumHeight(120)
        dbox.addWidget(self.device_table)
        code_row = QHBoxLayout()
        self.add_pc = QPushButton(_("Add another PC"))
        self.add_pc.setObjectName("add-pc")
        code_row.addWidget(self.add_pc)
        self.code = QLabel("")
        self.code.setObjectName("enrolment-code")
        code_font = QFont("monospace")
        code_font.setStyleHint(QFont.StyleHint.Monospace)
        code_font.setPointSize(22)
        code_font.setBold(True)
        self.code.setFont(code_font)
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        code_row.addWidget(self.code, 1)
        dbox.addLayout(code_row)
        self.code_note = QLabel("")
        self.code_note.setObjectName("enrolment-code-note")
        self.code_note.setWordWrap(True)
        dbox.addWidget(self.code_note)
        self.device_error = FieldError()
        dbox.addWidget(self.device_error)
        top.addWidget(devices, 1)
        self.layout_.addLayout(top)

        conflicts = QGroupBox(_("Conflicts"))
        cbox = QVBoxLayout(conflicts)
        crow = QHBoxLayout()
        self.conflict_count = QLabel("")
        self.conflict_count.setObjectName("conflict-count")
        self.show_resolved = QCheckBox(_("Show resolved"))
        crow.addWidget(self.conflict_count, 1)
        crow.addWidget(self.show_resolved)
        cbox.addLayout(crow)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.table = QTableWidget(0, len(CONFLICT_HEADERS))
        self.table.setObjectName("sync-conflicts")
        self.table.setHorizontalHeaderLabels([_(h) for h in CONFLICT_HEADERS])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.detail = ConflictDetail()
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([730, 400])
        cbox.addWidget(split, 1)
        self.layout_.addWidget(conflicts, 1)

        self.sync_button.clicked.connect(self.sync_now)
        self.settings_button.clicked.connect(lambda: self.navigate.emit("settings", {"section": "sync"}))
        self.add_pc.clicked.connect(self.add_another_pc)
        self.show_resolved.toggled.connect(lambda _on: self.refresh())
        self.table.itemSelectionChanged.connect(self._selected)
        self.detail.resolve.connect(self.resolve)
        self.controller.started.connect(self._sync_started)
        self.controller.finished.connect(self._sync_ended)
        self.controller.failed.connect(self._sync_ended)
        self.controller.note.connect(self.activity.setText)

    # -- Screen API ----------------------------------------------------------------------------

    def refresh(self) -> None:
        ops.load_centre(self.ctx, self, self.show_resolved.isChecked(), self._show, self._load_failed)

    def open_filtered(self, filters: dict[str, object]) -> None:
        self.refresh()

    # -- state ---------------------------------------------------------------------------------

    def _load_failed(self, exc: Exception) -> None:
        self.setup_note.setText(describe_error(exc))
        self.setup_note.show()

    def _show(self, state: CentreState) -> None:
        self.state = state
        status = state.status
        self.controller.set_status(status)  # the status bar and the auto-sync timer follow
        enabled = bool(status.enabled)
        self.setup_note.setText(_("Sync is not set up. Enrol this PC in Settings → Sync."))
        self.setup_note.setVisible(not enabled)
        self.firm.setText(
            _("{firm} (this PC: {device})").format(firm=status.tenant_name, device=status.device_name)
            if enabled
            else "—"
        )
        self.pending.setText(str(status.pending_changes))
        self.photos.setText(f"{status.photos_uploaded} / {status.photos_total}")
        self.last_success.setText(local_time_text(status.last_success_at))
        failing = bool(status.last_error) and _newer(status.last_error_at, status.last_success_at)
        if failing:
            self.last_error.setText(f"{status.last_error}\n({local_time_text(status.last_error_at)})")
            self.last_error.setStyleSheet(f"color: {RED};")
        else:
            self.last_error.setText(_("None"))
            self.last_error.setStyleSheet("")
        self.sync_button.setEnabled(enabled and not self.ctx.workspace.read_only)
        self.add_pc.setEnabled(enabled)
        self._show_conflicts(state.conflicts)
        # The PC list comes from the server: not while a sync runs (one net task at a time), nor right
        # after a failed one (the server is probably down; the list shows again after the next success).
        if enabled and not self.controller.running and self.controller.last_error is None:
            ops.devices(self.ctx, self, self._show_devices, self._devices_failed)

    def _show_conflicts(self, conflicts: list[Any]) -> None:
        selected = self.detail.conflict.id if self.detail.conflict is not None else None
        self.conflicts = conflicts
        open_count = sum(1 for c in conflicts if not c.resolved)
        self.conflict_count.setText(
            _("Open conflicts: {count}").format(count=open_count) if conflicts else _("No conflicts.")
        )
        self.table.blockSignals(True)
        self.table.setRowCount(len(conflicts))
        for row, c in enumerate(conflicts):
            cells = (
                kind_text(c.kind),
                f"{entity_text(c.entity)}: {c.record_title or c.record_id}",
                field_text(c.field),
                _one_line(value_text(c.winner.value)) + "\n" + who_when(c.winner),
                _one_line(value_text(c.loser.value)) + "\n" + who_when(c.loser),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if c.resolved:
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(row, column, item)
        if not conflicts:
            for column, width in enumerate((140, 170, 70, 200)):
                self.table.setColumnWidth(column, width)
            self.table.blockSignals(False)
            self.detail.show_conflict(None)
            return
        self.table.resizeColumnsToContents()
        for column in range(len(CONFLICT_HEADERS)):
            self.table.setColumnWidth(
                column, min(self.table.columnWidth(column), 170 if column == 1 else 220)
            )
        self.table.resizeRowsToContents()
        self.table.blockSignals(False)
        row = next((i for i, c in enumerate(conflicts) if c.id == selected), 0 if conflicts else -1)
        if row >= 0:
            self.table.selectRow(row)
            self.detail.show_conflict(conflicts[row])
        else:
            self.detail.show_conflict(None)

    def _selected(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.conflicts):
            self.detail.show_conflict(self.conflicts[row])

    def _show_devices(self, devices: list[Any]) -> None:
        self.devices = devices
        self.device_error.show_message("")
        self.device_table.setRowCount(len(devices))
        for row, d in enumerate(devices):
            if getattr(d, "revoked_at", None):
                state = _("Removed")
            elif getattr(d, "this_device", False):
                state = _("This PC")
            else:
                state = _("Active")
            for column, text in enumerate((str(d.name), local_time_text(d.last_seen_at), state)):
                self.device_table.setItem(row, column, QTableWidgetItem(text))
        self.device_table.resizeColumnsToContents()

    def _devices_failed(self, exc: Exception) -> None:
        self.device_error.show_message(describe_error(exc))

    # -- actions -------------------------------------------------------------------------------

    def sync_now(self) -> None:
        self.controller.sync_now()

    def _sync_started(self) -> None:
        self.activity.setText(_("Syncing…"))
        self.sync_button.setEnabled(False)

    def _sync_ended(self, _result: object = None) -> None:
        error = self.controller.last_error
        self.activity.setText(describe_error(error) if error is not None else _("Sync finished."))
        self.activity.setStyleSheet(f"color: {RED};" if error is not None else "")
        self.refresh()

    def add_another_pc(self) -> None:
        self.add_pc.setEnabled(False)
        self.code_note.setText(_("Asking the server for a code…"))
        ops.create_enrolment_code(self.ctx, self, self._show_code, self._code_failed)

    def _show_code(self, code: tuple[str, str]) -> None:
        self.enrolment_code = code
        value, expires = code
        self.add_pc.setEnabled(True)
        self.code.setText(value)
        self.code_note.setText(
            _("Valid until {time}. On the other PC: Settings → Sync, enter this code and Enrol.").format(
                time=local_time_text(expires)
            )
        )

    def _code_failed(self, exc: Exception) -> None:
        self.add_pc.setEnabled(True)
        self.code_note.setText("")
        self.device_error.show_message(describe_error(exc))

    def resolve(self, conflict_id: str, keep: str, merged: object) -> None:
        conflict = next((c for c in self.conflicts if c.id == conflict_id), None)
        if keep == "merged" and conflict is not None and not is_text(conflict.winner.value):
            try:
                merged = json.loads(str(merged))
            except ValueError:
                self.detail.failed(_("The merged value is not valid."))
                return
        ops.resolve(
            self.ctx,
            self,
            conflict_id,
            keep,
            merged,
            lambda _changes: self._resolved(),
            lambda exc: self.detail.failed(describe_error(exc)),
        )

    def _resolved(self) -> None:
        self.activity.setText(_("Resolved. Syncing so every PC gets it…"))
        self.refresh()
