"""Settings: company details for report headers, logo/seal/signature, the approval block (결재란),
language, where the workspace is, and the backup schedule."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt, QTimer, QUrl
from PySide6.QtGui import QColor, QDesktopServices, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from safetydesk.core.domain.company import APPROVAL_DEFAULT, APPROVAL_MAX_BOXES, normalise_business_reg_no
from safetydesk.core.i18n import N_, _
from safetydesk.core.queries.settings import (
    APPROVAL_TITLES,
    BACKUP_FOLDER,
    BACKUP_KEEP_DAILY,
    BACKUP_KEEP_MONTHLY,
    BACKUP_KEEP_WEEKLY,
    BACKUP_SCHEDULE,
    COMPANY_ADDRESS,
    COMPANY_BRN,
    COMPANY_LOGO,
    COMPANY_NAME,
    COMPANY_NAME_EN,
    COMPANY_REPRESENTATIVE,
    COMPANY_SEAL,
    COMPANY_SIGNATURE,
    PHOTOS_KEEP_ORIGINAL,
    UI_LANGUAGE,
    CompanySettings,
    StoredImage,
)
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations import backups as backup_ops
from safetydesk.ui.operations import settings as ops
from safetydesk.ui.operations.plant import DecodedImage
from safetydesk.ui.screens.base import Screen
from safetydesk.ui.screens.plant.fields import FieldError, show_failure
from safetydesk.ui.screens.sync import SyncSettingsBox

BRN_MESSAGE = N_("The business registration number must look like 000-00-00000.")
IMAGE_SLOTS = (
    (COMPANY_LOGO, N_("Company logo")),
    (COMPANY_SEAL, N_("Company seal (직인)")),
    (COMPANY_SIGNATURE, N_("Signature")),
)
SCHEDULES = (("off", N_("Off")), ("daily", N_("Daily")), ("weekly", N_("Weekly")))
LANGUAGES = (("ko", "한국어"), ("en", "English"))
PREVIEW = QSize(150, 96)
IMAGE_FILTER = "*.png *.jpg *.jpeg *.bmp *.gif *.webp"


class ApprovalPreview(QWidget):
    """The approval block as it prints: a title row over an empty box to sign in, per title."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.titles: tuple[str, ...] = APPROVAL_DEFAULT
        self.setMinimumSize(4 * 64 + 24, 74)

    def set_titles(self, titles: tuple[str, ...]) -> None:
        self.titles = titles
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(QPen(QColor("#222"), 1))
        box_w, head_h, sign_h = 64, 22, 48
        left = self.width() - 4 - box_w * len(self.titles) - 22
        # the upright "결재" cell in front, as on Korean forms (rotated text in English)
        cell = QRectF(left, 2, 22, head_h + sign_h)
        painter.drawRect(cell)
        word = _("Sign-off")
        if len(word) <= 3:
            painter.drawText(cell, Qt.AlignmentFlag.AlignCenter, "\n".join(word))
        else:
            painter.save()
            painter.translate(cell.center())
            painter.rotate(-90)
            painter.drawText(
                QRectF(-cell.height() / 2, -11, cell.height(), 22), Qt.AlignmentFlag.AlignCenter, word
            )
            painter.restore()
        for i, title in enumerate(self.titles):
            x = left + 22 + i * box_w
            painter.drawRect(QRectF(x, 2, box_w, head_h))
            painter.drawRect(QRectF(x, 2 + head_h, box_w, sign_h))
            painter.drawText(QRectF(x, 2, box_w, head_h), Qt.AlignmentFlag.AlignCenter, title)
        painter.end()


class ImageSlot(QWidget):
    """One image setting: a preview, its file name, Choose… and Remove."""

    def __init__(self, key: str, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        title = QLabel(caption)
        title.setStyleSheet("font-weight: bold;")
        self.preview = QLabel(_("No image"))
        self.preview.setObjectName(f"preview-{key}")
        self.preview.setFixedSize(PREVIEW)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setFrameShape(QFrame.Shape.StyledPanel)
        self.preview.setStyleSheet("background: white; color: #888;")
        self.name = QLabel("")
        self.name.setStyleSheet("color: #555;")
        self.name.setMaximumWidth(PREVIEW.width() + 40)
        buttons = QHBoxLayout()
        self.choose = QPushButton(_("Choose…"))
        self.remove = QPushButton(_("Remove"))
        buttons.addWidget(self.choose)
        buttons.addWidget(self.remove)
        self.error = FieldError()
        self.error.setMaximumWidth(PREVIEW.width() + 60)
        for widget in (title, self.preview, self.name):
            box.addWidget(widget)
        box.addLayout(buttons)
        box.addWidget(self.error)
        box.addStretch(1)

    def show_image(self, decoded: DecodedImage | None, name: str) -> None:
        if decoded is None:
            self.preview.setPixmap(QPixmap())
            self.preview.setText(_("No image"))
        else:
            pixmap = QPixmap.fromImage(decoded.image).scaled(
                PREVIEW - QSize(6, 6),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            self.preview.setPixmap(pixmap)
        metrics = self.name.fontMetrics()
        self.name.setText(metrics.elidedText(name, Qt.TextElideMode.ElideMiddle, self.name.maximumWidth()))
        self.name.setToolTip(name)
        self.remove.setEnabled(bool(name))


class SettingsScreen(Screen):
    key = "settings"
    title_msgid = N_("Settings")

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.current: CompanySettings | None = None
        self.dirty = False
        self._loading = False
        self.pending_images: dict[str, Path | None] = {}

        body = QWidget()
        columns = QHBoxLayout(body)
        columns.setContentsMargins(0, 0, 8, 0)
        left = QVBoxLayout()
        right = QVBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)

        company = QGroupBox(_("Company"))
        form = QFormLayout(company)
        self.name = QLineEdit()
        self.name.setObjectName("company-name")
        self.name_en = QLineEdit()
        self.address = QLineEdit()
        self.brn = QLineEdit()
        self.brn.setObjectName("company-brn")
        self.brn.setPlaceholderText("000-00-00000")
        self.brn.setMaximumWidth(180)
        self.brn_error = FieldError()
        self.brn_error.setObjectName("brn-error")
        self.representative = QLineEdit()
        form.addRow(_("Name (Korean)"), self.name)
        form.addRow(_("Name (English)"), self.name_en)
        form.addRow(_("Address"), self.address)
        form.addRow(_("Business registration no."), self.brn)
        form.addRow("", self.brn_error)
        form.addRow(_("Representative (owner)"), self.representative)
        self.prefill_note = QLabel(
            _("Filled in from the site details. Check them and save to use them on reports.")
        )
        self.prefill_note.setObjectName("prefill-note")
        self.prefill_note.setWordWrap(True)
        self.prefill_note.setStyleSheet("color: #b35c00;")
        self.prefill_note.hide()
        form.addRow(self.prefill_note)
        left.addWidget(company)

        approval = QGroupBox(_("Approval block on printed records (결재란)"))
        abox = QVBoxLayout(approval)
        count_row = QHBoxLayout()
        count_row.addWidget(QLabel(_("Boxes")))
        self.box_count = QSpinBox()
        self.box_count.setObjectName("approval-count")
        self.box_count.setRange(1, APPROVAL_MAX_BOXES)
        count_row.addWidget(self.box_count)
        self.reset_titles = QPushButton(_("Default (담당/검토/승인)"))
        count_row.addWidget(self.reset_titles)
        count_row.addStretch(1)
        abox.addLayout(count_row)
        titles_row = QHBoxLayout()
        self.titles: list[QLineEdit] = []
        for i in range(APPROVAL_MAX_BOXES):
            edit = QLineEdit()
            edit.setObjectName(f"approval-title-{i}")
            edit.setMaxLength(12)
            self.titles.append(edit)
            titles_row.addWidget(edit)
        abox.addLayout(titles_row)
        self.preview = ApprovalPreview()
        abox.addWidget(self.preview)
        left.addWidget(approval)

        language = QGroupBox(_("Language"))
        lform = QHBoxLayout(language)
        self.language = QComboBox()
        self.language.setObjectName("language")
        for code, name in LANGUAGES:
            self.language.addItem(name, code)
        lform.addWidget(self.language)
        note = QLabel(_("Takes effect when SafetyDesk is restarted."))
        note.setObjectName("language-note")
        note.setStyleSheet("color: #555;")
        lform.addWidget(note, 1)
        left.addWidget(language)
        # 동기화 / Sync: its own buttons, saved at once (not by this screen's Save)
        self.sync_box = SyncSettingsBox(ctx)
        left.addWidget(self.sync_box)
        left.addStretch(1)

        images = QGroupBox(_("Logo, seal and signature (printed on reports)"))
        grid = QGridLayout(images)
        self.slots: dict[str, ImageSlot] = {}
        for i, (key, caption) in enumerate(IMAGE_SLOTS):
            slot = ImageSlot(key, _(caption))
            slot.choose.clicked.connect(lambda _c=False, k=key: self._choose_image(k))
            slot.remove.clicked.connect(lambda _c=False, k=key: self._remove_image(k))
            self.slots[key] = slot
            grid.addWidget(slot, 0, i)
        right.addWidget(images)

        where = QGroupBox(_("Workspace"))
        wbox = QHBoxLayout(where)
        self.workspace_path = QLabel(str(ctx.workspace.path))
        self.workspace_path.setObjectName("workspace-path")
        self.workspace_path.setWordWrap(True)
        self.workspace_path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_folder = QPushButton(_("Open folder"))
        wbox.addWidget(self.workspace_path, 1)
        wbox.addWidget(self.open_folder)
        right.addWidget(where)

        backups = QGroupBox(_("Backups"))
        bform = QFormLayout(backups)
        self.schedule = QComboBox()
        self.schedule.setObjectName("backup-schedule")
        for code, label in SCHEDULES:
            self.schedule.addItem(_(label), code)
        folder_row = QHBoxLayout()
        self.backup_folder = QLineEdit()
        self.backup_folder.setObjectName("backup-folder")
        self.backup_folder.setReadOnly(True)
        self.backup_folder.setPlaceholderText(str(ctx.workspace.backups_dir))
        self.choose_folder = QPushButton(_("Choose…"))
        self.default_folder = QPushButton(_("Default"))
        self.default_folder.setToolTip(_("The backups folder inside the workspace"))
        folder_row.addWidget(self.backup_folder, 1)
        folder_row.addWidget(self.choose_folder)
        folder_row.addWidget(self.default_folder)
        bform.addRow(_("Schedule"), self.schedule)
        bform.addRow(_("Folder"), folder_row)
        self.keep_original = QCheckBox(_("Also keep the original of every photo (larger backups)"))
        self.keep_original.setObjectName("keep-original-photos")
        self.keep_original.setToolTip(
            _("Photos are stored upright and at most 2,560 pixels wide; this also keeps the file as taken.")
        )
        self.keep_original.toggled.connect(self._touched)
        keep_row = QHBoxLayout()
        self.keep: dict[str, QSpinBox] = {}
        for key, label in (
            (BACKUP_KEEP_DAILY, N_("daily")),
            (BACKUP_KEEP_WEEKLY, N_("weekly")),
            (BACKUP_KEEP_MONTHLY, N_("monthly")),
        ):
            spin = QSpinBox()
            spin.setRange(0, 999)
            spin.setObjectName(f"keep-{key.rsplit('_', 1)[-1]}")
            spin.valueChanged.connect(self._touched)
            self.keep[key] = spin
            keep_row.addWidget(QLabel(_(label)))
            keep_row.addWidget(spin)
        keep_row.addStretch(1)
        bform.addRow(_("Keep"), keep_row)
        bform.addRow("", self.keep_original)
        backup_note = QLabel(
            _(
                "SafetyDesk checks every hour while it runs and makes one backup a day (database and "
                "photos), then removes old ones beyond these counts. A folder on another drive protects "
                "against a disk failure."
            )
        )
        backup_note.setWordWrap(True)
        backup_note.setStyleSheet("color: #555;")
        bform.addRow(backup_note)
        self.backup_list = QTableWidget(0, 2)
        self.backup_list.setObjectName("backup-list")
        self.backup_list.setHorizontalHeaderLabels([_("Backup taken"), _("Size")])
        self.backup_list.horizontalHeader().setStretchLastSection(True)
        self.backup_list.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.backup_list.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.backup_list.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.backup_list.setMinimumHeight(140)
        bform.addRow(self.backup_list)
        actions = QHBoxLayout()
        self.backup_now_button = QPushButton(_("Back up now"))
        self.restore_button = QPushButton(_("Restore…"))
        self.export_button = QPushButton(_("Export encrypted package…"))
        self.import_button = QPushButton(_("Import package…"))
        for button in (self.backup_now_button, self.restore_button, self.export_button, self.import_button):
            actions.addWidget(button)
        bform.addRow(actions)
        self.backup_status = QLabel("")
        self.backup_status.setObjectName("backup-status")
        self.backup_status.setWordWrap(True)
        self.backup_error = FieldError()
        bform.addRow(self.backup_status)
        bform.addRow(self.backup_error)
        self.backup_files: list[Path] = []
        self.backup_now_button.clicked.connect(self.back_up_now)
        self.restore_button.clicked.connect(self.restore_selected)
        self.export_button.clicked.connect(self._export_pack)
        self.import_button.clicked.connect(self._import_pack)
        right.addWidget(backups)
        right.addStretch(1)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        self.layout_.addWidget(scroll, 1)
        self.scroll_area = scroll
        bottom = QHBoxLayout()
        self.error = FieldError()
        self.error.setObjectName("settings-error")
        self.status = QLabel("")
        self.status.setObjectName("settings-status")
        self.status.setStyleSheet("color: #2e7d32;")
        self.revert_button = QPushButton(_("Undo changes"))
        self.save_button = QPushButton(_("Save"))
        self.save_button.setObjectName("settings-save")
        self.save_button.setDefault(True)
        bottom.addWidget(self.error, 3)
        bottom.addStretch(1)
        bottom.addWidget(self.status)
        bottom.addWidget(self.revert_button)
        bottom.addWidget(self.save_button)
        self.layout_.addLayout(bottom)
        self._status_timer = QTimer(self)
        self._status_timer.setSingleShot(True)
        self._status_timer.setInterval(8000)
        self._status_timer.timeout.connect(lambda: self.status.setText(""))

        for edit in (self.name, self.name_en, self.address, self.brn, self.representative, *self.titles):
            edit.textChanged.connect(self._touched)
        for edit in self.titles:
            edit.textChanged.connect(lambda _t: self._update_preview())
        self.box_count.valueChanged.connect(self._touched)
        self.box_count.valueChanged.connect(lambda _v: self._update_preview())
        self.language.currentIndexChanged.connect(self._touched)
        self.schedule.currentIndexChanged.connect(self._touched)
        self.backup_folder.textChanged.connect(self._touched)
        self.brn.editingFinished.connect(self._check_brn)
        self.reset_titles.clicked.connect(lambda: self._set_titles(APPROVAL_DEFAULT))
        self.open_folder.clicked.connect(self._open_workspace_folder)
        self.choose_folder.clicked.connect(self._choose_backup_folder)
        self.default_folder.clicked.connect(self.backup_folder.clear)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self._revert)
        self._loading = True
        self._set_titles(APPROVAL_DEFAULT)
        self._loading = False

    # -- Screen API ----------------------------------------------------------------------------

    def refresh(self) -> None:
        if not self.dirty:
            ops.load(self.ctx, self, self._show, lambda exc: show_failure(self, exc, self.error))
        self.refresh_backups()
        self.sync_box.refresh()

    def open_filtered(self, filters: dict[str, object]) -> None:
        if filters.get("section") == "sync":
            self.scroll_area.ensureWidgetVisible(self.sync_box)

    def save(self) -> None:
        if not self._check_brn():
            self.brn.setFocus()
            return
        self.error.show_message("")
        self.save_button.setEnabled(False)
        values = self.values()
        language_changed = self.current is not None and values[UI_LANGUAGE] != self.current.language
        ops.save(
            self.ctx,
            self,
            values,
            dict(self.pending_images),
            lambda _changes: self._saved(language_changed),
            self._failed,
        )

    def focus_search(self) -> None:
        self.name.setFocus()

    def has_unsaved_changes(self) -> bool:
        return self.dirty

    # -- form ----------------------------------------------------------------------------------

    def _touched(self, *_args: object) -> None:
        if not self._loading:
            self.dirty = True

    def _check_brn(self) -> bool:
        ok = normalise_business_reg_no(self.brn.text()) is not None
        self.brn_error.show_message("" if ok else _(BRN_MESSAGE))
        return ok

    def _set_titles(self, titles: tuple[str, ...]) -> None:
        self.box_count.setValue(len(titles))
        for i, edit in enumerate(self.titles):
            edit.setText(titles[i] if i < len(titles) else "")
        self._update_preview()

    def approval_titles(self) -> tuple[str, ...]:
        count = self.box_count.value()
        return tuple(edit.text().strip() for edit in self.titles[:count])

    def _update_preview(self) -> None:
        count = self.box_count.value()
        for i, edit in enumerate(self.titles):
            edit.setEnabled(i < count)
        self.preview.set_titles(tuple(t or "—" for t in self.approval_titles()))

    def _show(self, current: CompanySettings) -> None:
        self.current = current
        self._loading = True
        self.name.setText(current.name)
        self.name_en.setText(current.name_en)
        self.address.setText(current.address)
        self.brn.setText(current.business_reg_no)
        self.representative.setText(current.representative)
        self._set_titles(current.approval_titles)
        self.language.setCurrentIndex(max(0, self.language.findData(current.language)))
        self.schedule.setCurrentIndex(max(0, self.schedule.findData(current.backup_schedule)))
        self.backup_folder.setText(current.backup_folder)
        for key, count in (
            (BACKUP_KEEP_DAILY, current.keep_daily),
            (BACKUP_KEEP_WEEKLY, current.keep_weekly),
            (BACKUP_KEEP_MONTHLY, current.keep_monthly),
        ):
            self.keep[key].setValue(count)
        self.keep_original.setChecked(current.keep_original_photos)
        self._loading = False
        self.dirty = False
        self.pending_images = {}
        self.prefill_note.setVisible(current.from_site)
        self.brn_error.show_message("")
        for key, stored in (
            (COMPANY_LOGO, current.logo),
            (COMPANY_SEAL, current.seal),
            (COMPANY_SIGNATURE, current.signature),
        ):
            self._show_stored(key, stored)

    def _show_stored(self, key: str, stored: StoredImage | None) -> None:
        slot = self.slots[key]
        slot.error.show_message("")
        if stored is None:
            slot.show_image(None, "")
            return
        slot.show_image(None, stored.name)
        slot.preview.setText(_("Loading…"))
        ops.load_stored_image(
            self.ctx,
            self,
            stored.sha256,
            lambda decoded: slot.show_image(decoded, stored.name),
            lambda exc: show_failure(self, exc, slot.error),
        )

    def values(self) -> dict[str, Any]:
        brn = normalise_business_reg_no(self.brn.text())
        return {
            COMPANY_NAME: self.name.text(),
            COMPANY_NAME_EN: self.name_en.text(),
            COMPANY_ADDRESS: self.address.text(),
            COMPANY_BRN: self.brn.text() if brn is None else brn,
            COMPANY_REPRESENTATIVE: self.representative.text(),
            APPROVAL_TITLES: list(self.approval_titles()),
            UI_LANGUAGE: self.language.currentData(),
            BACKUP_SCHEDULE: self.schedule.currentData(),
            BACKUP_FOLDER: self.backup_folder.text(),
            **{key: spin.value() for key, spin in self.keep.items()},
            PHOTOS_KEEP_ORIGINAL: self.keep_original.isChecked(),
        }

    def _saved(self, language_changed: bool) -> None:
        self.save_button.setEnabled(True)
        self.dirty = False
        text = _("Settings saved.")
        if language_changed:
            text += " " + _("Restart SafetyDesk to switch the language.")
        self.status.setText(text)
        self._status_timer.start()
        ops.load(self.ctx, self, self._show, lambda exc: show_failure(self, exc, self.error))

    def _failed(self, exc: Exception) -> None:
        self.save_button.setEnabled(True)
        show_failure(self, exc, self.error)

    def _revert(self) -> None:
        self.dirty = False
        self.error.show_message("")
        self.refresh()

    # -- images and folders --------------------------------------------------------------------

    def _choose_image(self, key: str) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, _("Choose an image"), "", _("Images") + f" ({IMAGE_FILTER})"
        )
        if name:
            self.stage_image(key, Path(name))

    def stage_image(self, key: str, path: Path) -> None:
        """Check and preview a picked file; it is stored when the settings are saved."""
        slot = self.slots[key]
        slot.error.show_message("")
        slot.preview.setText(_("Loading…"))

        def ready(decoded: DecodedImage) -> None:
            self.pending_images[key] = path
            self.dirty = True
            slot.show_image(decoded, path.name)

        def failed(exc: Exception) -> None:
            slot.preview.setText(_("No image") if slot.preview.pixmap().isNull() else "")
            show_failure(self, exc, slot.error)

        ops.preview_file(self.ctx, self, path, ready, failed)

    def _remove_image(self, key: str) -> None:
        self.pending_images[key] = None
        self.dirty = True
        self.slots[key].show_image(None, "")

    def _open_workspace_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.ctx.workspace.path)))

    def _choose_backup_folder(self) -> None:
        start = self.backup_folder.text() or str(self.ctx.workspace.backups_dir)
        folder = QFileDialog.getExistingDirectory(self, _("Backup folder"), start)
        if folder:
            self.backup_folder.setText(folder)

    # -- backups -------------------------------------------------------------------------------

    def refresh_backups(self) -> None:
        backup_ops.load(
            self.ctx, self, self._show_backups, lambda exc: show_failure(self, exc, self.backup_error)
        )

    def _show_backups(self, found: tuple[Path, list[Any]]) -> None:
        where, backups = found
        self.backup_files = [b.path for b in backups]
        self.backup_list.setRowCount(len(backups))
        for row, b in enumerate(backups):
            self.backup_list.setItem(row, 0, QTableWidgetItem(b.taken_at.strftime("%Y-%m-%d %H:%M")))
            self.backup_list.setItem(row, 1, QTableWidgetItem(f"{b.size / 1_048_576:,.1f} MB"))
        self.backup_list.resizeColumnToContents(0)
        if backups:
            self.backup_list.selectRow(0)
        self.restore_button.setEnabled(bool(backups))
        self.backup_list.setToolTip(str(where))

    def _busy(self, text: str) -> None:
        self.backup_error.show_message("")
        self.backup_status.setText(text)
        for button in (self.backup_now_button, self.restore_button, self.export_button, self.import_button):
            button.setEnabled(False)

    def _idle(self, text: str = "") -> None:
        self.backup_status.setText(text)
        for button in (self.backup_now_button, self.export_button, self.import_button):
            button.setEnabled(True)
        self.refresh_backups()

    def _backup_failed(self, exc: Exception) -> None:
        self._idle()
        show_failure(self, exc, self.backup_error)

    def back_up_now(self) -> None:
        self._busy(_("Backing up…"))
        backup_ops.back_up_now(
            self.ctx,
            self,
            lambda info: self._idle(_("Backup written: {path}").format(path=info.path)),
            self._backup_failed,
        )

    def _confirm(self, text: str) -> bool:
        answer = QMessageBox.question(self, _("Restore"), text)
        return answer == QMessageBox.StandardButton.Yes

    def _ask_password(self, title: str) -> str | None:
        password, ok = QInputDialog.getText(self, title, _("Package password:"), QLineEdit.EchoMode.Password)
        return password if ok else None

    def restore_selected(self) -> None:
        row = self.backup_list.currentRow()
        if not 0 <= row < len(self.backup_files):
            return
        archive = self.backup_files[row]
        question = _(
            "Restore the backup {name}? It is checked first; the current data is kept aside in a "
            "'replaced-…' folder inside the workspace, never deleted."
        ).format(name=archive.name)
        if not self._confirm(question):
            return
        self._busy(_("Checking and restoring…"))
        backup_ops.restore(
            self.ctx,
            self,
            archive,
            lambda info: self._restored(info.replaced_to),
            self._backup_failed,
        )

    def _restored(self, replaced_to: Path | None) -> None:
        text = _("Backup restored.")
        if replaced_to is not None:
            text += " " + _("The previous data was kept in {path}.").format(path=replaced_to)
        self._idle(text)
        self.dirty = False
        ops.load(self.ctx, self, self._show, lambda exc: show_failure(self, exc, self.error))

    def _export_pack(self) -> None:
        name, _filter = QFileDialog.getSaveFileName(
            self, _("Export encrypted package"), "safetydesk.sdpack", _("SafetyDesk package") + " (*.sdpack)"
        )
        if not name:
            return
        password = self._ask_password(_("Export encrypted package"))
        if password is None:
            return
        if password != self._ask_password(_("Repeat the password")):
            self.backup_error.show_message(_("The two passwords differ."))
            return
        self.export_pack(Path(name), password)

    def export_pack(self, out: Path, password: str) -> None:
        self._busy(_("Encrypting…"))
        backup_ops.export_pack(
            self.ctx,
            self,
            out,
            password,
            lambda info: self._idle(_("Encrypted package written: {path}").format(path=info.path)),
            self._backup_failed,
        )

    def _import_pack(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, _("Import package"), "", _("SafetyDesk package") + " (*.sdpack)"
        )
        if not name:
            return
        target = QFileDialog.getExistingDirectory(self, _("An empty folder for the new workspace"))
        if not target:
            return
        password = self._ask_password(_("Import package"))
        if password is not None:
            self.import_pack(Path(name), Path(target), password)

    def import_pack(self, pack: Path, target: Path, password: str) -> None:
        self._busy(_("Checking and unpacking…"))
        backup_ops.import_pack(
            self.ctx,
            self,
            pack,
            target,
            password,
            lambda info: self._idle(
                _("Unpacked into {path}. Open that folder as a workspace to use it.").format(
                    path=info.workspace
                )
            ),
            self._backup_failed,
        )
