"""Widgets the emergency, incidents and people screens share: code labels, optional dates, error
banners, a checkable people table (roll call, attendance) and the corrective-action dialog."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from safetydesk.core.errors import UserError
from safetydesk.core.i18n import N_, _
from safetydesk.core.labels import CODES, label
from safetydesk.core.queries.people import PersonChoice

AnyIndex = QModelIndex | QPersistentModelIndex

# The shared code labels (incident kinds, drill types, channels, people, courses, hazard groups).
EXTRA_CODES = CODES

ERROR_STYLE = "color: #b00020; font-weight: bold;"
WARN_BG = QColor("#fde2e1")
EMPTY_DATE = QDate(1900, 1, 1)


def fill_codes(box: QComboBox, codes: Iterable[str], *, empty: str | None = None) -> None:
    """Fill a combo with stored codes shown by their labels; ``empty`` adds a first 'none' entry."""
    box.clear()
    if empty is not None:
        box.addItem(empty, None)
    for code in codes:
        box.addItem(label(code), code)


def select_data(box: QComboBox, value: object) -> None:
    index = box.findData(value)
    box.setCurrentIndex(index if index >= 0 else 0)


def local_text(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""


class DateField(QDateEdit):
    """A date edit with a calendar popup; ``optional`` ones can be empty (shown as a dash)."""

    def __init__(self, optional: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.optional = optional
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        if optional:
            self.setMinimumDate(EMPTY_DATE)
            self.setSpecialValueText("—")
            self.setDate(EMPTY_DATE)
        else:
            self.setDate(QDate.currentDate())

    def value(self) -> date | None:
        if self.optional and self.date() == EMPTY_DATE:
            return None
        picked: date = self.date().toPython()  # type: ignore[assignment]
        return picked

    def set_value(self, value: date | str | None) -> None:
        if value is None or value == "":
            self.setDate(EMPTY_DATE if self.optional else QDate.currentDate())
            return
        day = date.fromisoformat(value) if isinstance(value, str) else value
        self.setDate(QDate(day.year, day.month, day.day))


class ErrorBanner(QLabel):
    """A red line under a form for a ``UserError``; hidden when there is nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorBanner")
        self.setStyleSheet(ERROR_STYLE)
        self.setWordWrap(True)
        self.hide()

    def show_error(self, exc: Exception) -> None:
        if not isinstance(exc, UserError):
            raise exc
        self.setText(exc.text())
        self.show()

    def clear_error(self) -> None:
        self.setText("")
        self.hide()


def confirm(parent: QWidget, text: str) -> bool:
    """Ask a yes/no question (tests replace this function)."""
    answer = QMessageBox.question(parent, _("Please confirm"), text)
    return answer == QMessageBox.StandardButton.Yes


def report_error(parent: QWidget, exc: Exception) -> None:
    """Show an expected problem in a box; anything else is a bug and goes to the crash handler."""
    if not isinstance(exc, UserError):
        raise exc
    QMessageBox.warning(parent, _("Cannot save"), exc.text())


@dataclass(frozen=True)
class CheckRow:
    person: PersonChoice
    checked: bool = False
    hours: float | None = None
    signed: bool = False


class CheckPeopleModel(QAbstractTableModel):
    """People with a tick each (present at the muster point, attended the training).

    With ``with_hours`` it also has an editable hours column and a 'signed' tick for attendance.
    """

    changed = Signal()
    HEADERS = (N_("Name"), N_("Department"), N_("Job type"), N_("Hours"), N_("Signed"))

    def __init__(self, with_hours: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.with_hours = with_hours
        self.rows: list[CheckRow] = []
        self.read_only = False
        self.default_hours: float | None = None  # shown for ticked rows without hours of their own

    def set_rows(self, rows: Sequence[CheckRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()
        self.changed.emit()

    def set_all(self, checked: bool) -> None:
        if not self.rows:
            return
        self.rows = [replace(r, checked=checked) for r in self.rows]
        self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, self.columnCount() - 1))
        self.changed.emit()

    def set_default_hours(self, hours: float | None) -> None:
        self.default_hours = hours
        if self.rows and self.with_hours:
            self.dataChanged.emit(self.index(0, 3), self.index(len(self.rows) - 1, 3))

    def checked_rows(self) -> list[CheckRow]:
        return [r for r in self.rows if r.checked]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else (5 if self.with_hours else 3)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.read_only:
            return base
        if index.column() in (0, 4):
            return base | Qt.ItemFlag.ItemIsUserCheckable
        if index.column() == 3:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole or role == Qt.ItemDataRole.EditRole:
            if column == 0:
                return row.person.name
            if column == 1:
                return row.person.department
            if column == 2:
                return label(row.person.job_type)
            if column == 3:
                hours = row.hours if row.hours is not None else self.default_hours
                if role == Qt.ItemDataRole.EditRole:
                    return hours if hours is not None else 0.0
                return f"{hours:g}" if hours is not None and row.checked else ""
            return None
        if role == Qt.ItemDataRole.CheckStateRole:
            if column == 0:
                return Qt.CheckState.Checked if row.checked else Qt.CheckState.Unchecked
            if column == 4:
                return Qt.CheckState.Checked if row.signed else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.UserRole:
            return row.person.id
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or self.read_only or index.row() >= len(self.rows):
            return False
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.CheckStateRole and column in (0, 4):
            on = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
            row = replace(row, checked=on) if column == 0 else replace(row, signed=on)
        elif role == Qt.ItemDataRole.EditRole and column == 3:
            try:
                hours = float(value)
            except (TypeError, ValueError):
                return False
            if hours < 0:
                return False
            row = replace(row, hours=hours, checked=True)
        else:
            return False
        self.rows[index.row()] = row
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), self.columnCount() - 1))
        self.changed.emit()
        return True

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < self.columnCount():
            return _(self.HEADERS[section])
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self.rows):
            return section + 1
        return None


@dataclass(frozen=True)
class ActionValues:
    title: str
    due_on: date
    owner_name: str
    hierarchy: str


HIERARCHY = ("engineering", "administrative", "ppe", "elimination", "substitution", "legal")


class ActionDialog(QDialog):
    """Raise a corrective action: what will be done, by whom, by when, which kind of control."""

    def __init__(self, parent: QWidget | None, title: str = "", due: date | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("New corrective action"))
        self.setMinimumWidth(460)
        form = QFormLayout()
        self.title_edit = QPlainTextEdit(title)
        self.title_edit.setObjectName("actionTitle")
        self.title_edit.setFixedHeight(70)
        self.due_edit = DateField()
        if due is not None:
            self.due_edit.set_value(due)
        self.owner_edit = QLineEdit()
        self.owner_edit.setObjectName("actionOwner")
        self.hierarchy_box = QComboBox()
        fill_codes(self.hierarchy_box, HIERARCHY)
        form.addRow(_("What will be done"), self.title_edit)
        form.addRow(_("Due"), self.due_edit)
        form.addRow(_("Owner"), self.owner_edit)
        form.addRow(_("Control"), self.hierarchy_box)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def values(self) -> ActionValues:
        return ActionValues(
            title=self.title_edit.toPlainText().strip(),
            due_on=self.due_edit.value() or date.today(),
            owner_name=self.owner_edit.text().strip(),
            hierarchy=str(self.hierarchy_box.currentData()),
        )


def ask_action(parent: QWidget, title: str = "", due: date | None = None) -> ActionValues | None:
    """Show the action dialog; None if cancelled (tests replace this function)."""
    dialog = ActionDialog(parent, title, due)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.values()


def highlight(brush_on: bool) -> QBrush | None:
    return QBrush(WARN_BG) if brush_on else None
