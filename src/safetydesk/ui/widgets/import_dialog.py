"""Import from Excel or CSV with a preview: what would be created or updated, and every problem.

The dialog reads and checks the file on the database lane, shows the summary, the problem list
(sheet, row, column, problem) and the first rows, and enables Import only when there are no problems.
Import writes all rows in one transaction or none. Screens call ``choose_and_import`` from a button.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from safetydesk.core.errors import UserError
from safetydesk.core.exchange import Preview
from safetydesk.core.i18n import N_, _
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations import exchange as ops

__all__ = ["ImportDialog", "choose_and_export", "choose_and_import"]

TITLES = {
    "workers": N_("Import workers from Excel or CSV"),
    "equipment": N_("Import equipment from Excel or CSV"),
    "templates": N_("Import checklist templates from Excel or CSV"),
    "risk-assessment": N_("Import a risk assessment (KRAS Excel layout)"),
}
FILTER = N_("Spreadsheets (*.xlsx *.csv)")


class ImportDialog(QDialog):
    """Preview first; Import is enabled only for a file without problems."""

    imported = Signal(object)  # Changes

    def __init__(self, ctx: AppContext, kind: str, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.kind = kind
        self.path = Path(path)
        self.preview: Preview | None = None
        self.setWindowTitle(_(TITLES.get(kind, TITLES["workers"])))
        self.resize(820, 520)
        layout = QVBoxLayout(self)
        self.file_label = QLabel(str(self.path))
        self.summary = QLabel(_("Reading and checking the file…"))
        self.summary.setWordWrap(True)
        self.problems = QTableWidget(0, 4)
        self.problems.setHorizontalHeaderLabels([_("Sheet"), _("Row"), _("Column"), _("Problem")])
        self.problems.horizontalHeader().setStretchLastSection(True)
        self.problems.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.sample = QTableWidget(0, 0)
        self.sample.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = QPushButton(_("Import"))
        self.import_button.setEnabled(False)
        buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.rejected.connect(self.reject)
        self.import_button.clicked.connect(self._apply)
        for widget in (self.file_label, self.summary, QLabel(_("Problems")), self.problems):
            layout.addWidget(widget)
        layout.addWidget(QLabel(_("First rows")))
        layout.addWidget(self.sample)
        layout.addWidget(buttons)
        ops.preview_import(ctx, self, kind, self.path, self._show, self._failed)

    # -- preview -----------------------------------------------------------------------------------

    def _show(self, preview: Preview) -> None:
        self.preview = preview
        text = preview.summary()
        if preview.problems:
            text += "\n" + _("Nothing will be imported until every problem is corrected in the file.")
        self.summary.setText(text)
        self.problems.setRowCount(len(preview.problems))
        for r, p in enumerate(preview.problems):
            cells = (p.sheet, "" if p.row is None else str(p.row), p.column or "", p.message())
            for c, cell in enumerate(cells):
                self.problems.setItem(r, c, QTableWidgetItem(cell))
        keys: list[str] = []
        for row in preview.sample:
            keys += [k for k in row if k not in keys]
        self.sample.setColumnCount(len(keys))
        self.sample.setHorizontalHeaderLabels(keys)
        self.sample.setRowCount(len(preview.sample))
        for r, row in enumerate(preview.sample):
            for c, key in enumerate(keys):
                value: Any = row.get(key)
                self.sample.setItem(r, c, QTableWidgetItem("" if value is None else str(value)))
        self.import_button.setEnabled(preview.ok and (preview.create + preview.update) > 0)

    def _failed(self, exc: Exception) -> None:
        self.import_button.setEnabled(False)
        self.summary.setText(exc.text() if isinstance(exc, UserError) else _("The file could not be read."))

    # -- apply -------------------------------------------------------------------------------------

    def _apply(self) -> None:
        if self.preview is None or not self.preview.ok:
            return
        self.import_button.setEnabled(False)
        self.summary.setText(_("Importing…"))
        ops.apply_import(self.ctx, self, self.preview, self._done, self._failed)

    def _done(self, changes: object) -> None:
        self.imported.emit(changes)
        self.accept()


def choose_and_import(
    ctx: AppContext, kind: str, parent: QWidget, on_imported: Callable[[object], None] | None = None
) -> ImportDialog | None:
    """Ask for a file, then open the preview dialog (non-blocking); None when the user cancelled."""
    name, _filter = QFileDialog.getOpenFileName(parent, _(TITLES[kind]), "", _(FILTER))
    if not name:
        return None
    dialog = ImportDialog(ctx, kind, Path(name), parent)
    if on_imported is not None:
        dialog.imported.connect(on_imported)
    dialog.open()
    return dialog


def choose_and_export(
    ctx: AppContext,
    kind: str,
    parent: QWidget,
    on_done: Callable[[int], None],
    on_error: Callable[[Exception], None] | None = None,
    *,
    assessment_id: str | None = None,
) -> None:
    """Ask where to save (.xlsx or .csv) and export there on the database lane."""
    name, _filter = QFileDialog.getSaveFileName(
        parent, _("Export to Excel or CSV"), f"{kind}.xlsx", _(FILTER)
    )
    if name:
        ops.export_file(ctx, parent, kind, Path(name), on_done, on_error, assessment_id=assessment_id)
