"""The gas-readings table of a permit: one row per measurement round, readings outside limits in red."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from safetydesk.core.clock import iso_utc, parse_iso_utc
from safetydesk.core.forms.schema import GasColumn
from safetydesk.core.i18n import _
from safetydesk.ui.operations.inspections import GasRowData
from safetydesk.ui.screens.inspections.texts import (
    FAIL_COLOR,
    OUT_OF_LIMIT_BG,
    fmt_number,
    limits_text,
    tr,
)

AnyIndex = QModelIndex | QPersistentModelIndex
FIXED = 3  # time, place, measured by


def local_text(utc: str) -> str:
    try:
        return parse_iso_utc(utc).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return utc


def parse_local(text: str, like: str | None = None) -> str | None:
    """``2026-03-02 09:15`` or just ``09:15`` (same day as ``like``) in local time → stored UTC text."""
    text = text.strip().replace("T", " ")
    try:
        if len(text) <= 5:
            day = parse_iso_utc(like).astimezone() if like else datetime.now().astimezone()
            moment = datetime.strptime(f"{day:%Y-%m-%d} {text}", "%Y-%m-%d %H:%M")
        else:
            moment = datetime.strptime(text, "%Y-%m-%d %H:%M")
    except ValueError:
        return None
    return iso_utc(moment.astimezone())


def now_utc_text() -> str:
    return iso_utc(datetime.now(UTC).replace(second=0, microsecond=0))


@dataclass
class _Row:
    measured_at: str
    location: str = ""
    measured_by: str = ""
    values: dict[str, float | None] = field(default_factory=dict)


class GasTableModel(QAbstractTableModel):
    edited = Signal()

    def __init__(self, columns: tuple[GasColumn, ...], parent: Any = None) -> None:
        super().__init__(parent)
        self.gas_columns = columns
        self.rows: list[_Row] = []
        self.read_only = False

    # -- data in and out -----------------------------------------------------------------------

    def set_rows(self, rows: tuple[GasRowData, ...] | list[GasRowData]) -> None:
        self.beginResetModel()
        self.rows = [
            _Row(
                r.measured_at,
                r.location or "",
                r.measured_by or "",
                {c.key: r.value(c.key) for c in self.gas_columns},
            )
            for r in rows
        ]
        self.endResetModel()

    def to_rows(self) -> list[GasRowData]:
        return [
            GasRowData(
                measured_at=r.measured_at,
                location=r.location or None,
                measured_by=r.measured_by or None,
                values=tuple((c.key, r.values.get(c.key)) for c in self.gas_columns),
            )
            for r in self.rows
        ]

    def add_row(self, measured_at: str | None = None, measured_by: str = "") -> int:
        row = len(self.rows)
        previous = self.rows[-1] if self.rows else None
        self.beginInsertRows(QModelIndex(), row, row)
        self.rows.append(
            _Row(
                measured_at or now_utc_text(),
                previous.location if previous else "",
                measured_by or (previous.measured_by if previous else ""),
                {c.key: None for c in self.gas_columns},
            )
        )
        self.endInsertRows()
        self.edited.emit()
        return row

    def remove_row(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.rows[row]
            self.endRemoveRows()
            self.edited.emit()

    def out_of_limits(self, row: int, column: int) -> bool:
        if column < FIXED or not 0 <= row < len(self.rows):
            return False
        gas = self.gas_columns[column - FIXED]
        value = self.rows[row].values.get(gas.key)
        return value is not None and not gas.within(value)

    # -- Qt model API --------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else FIXED + len(self.gas_columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows) or index.column() >= self.columnCount():
            return None
        row, column = self.rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == 0:
                return local_text(row.measured_at)
            if column == 1:
                return row.location
            if column == 2:
                return row.measured_by
            value = row.values.get(self.gas_columns[column - FIXED].key)
            return "" if value is None else fmt_number(value)
        if column < FIXED:
            return None
        if role == Qt.ItemDataRole.ForegroundRole and self.out_of_limits(index.row(), column):
            return QBrush(QColor(FAIL_COLOR))
        if role == Qt.ItemDataRole.BackgroundRole and self.out_of_limits(index.row(), column):
            return QBrush(QColor(OUT_OF_LIMIT_BG))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            gas = self.gas_columns[column - FIXED]
            return _("Acceptable: {limits}").format(
                limits=limits_text(gas.min, gas.max, gas.max_exclusive, gas.unit)
            )
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self.read_only:
            return False
        if index.row() >= len(self.rows) or index.column() >= self.columnCount():
            return False
        row, column, text = self.rows[index.row()], index.column(), str(value or "").strip()
        if column == 0:
            parsed = parse_local(text, row.measured_at)
            if parsed is None:
                return False
            row.measured_at = parsed
        elif column == 1:
            row.location = text
        elif column == 2:
            row.measured_by = text
        else:
            try:
                number = float(text.replace(",", ".")) if text else None
            except ValueError:
                return False
            row.values[self.gas_columns[column - FIXED].key] = number
        self.dataChanged.emit(index, index)
        self.edited.emit()
        return True

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return flags if self.read_only else flags | Qt.ItemFlag.ItemIsEditable

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            return (
                section + 1 if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.rows) else None
            )
        if not 0 <= section < self.columnCount():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section < FIXED:
                return (_("Measured at"), _("Place"), _("Measured by"))[section]
            gas = self.gas_columns[section - FIXED]
            return f"{tr(gas.label)} ({gas.unit})" if gas.unit else tr(gas.label)
        if role == Qt.ItemDataRole.ToolTipRole and section >= FIXED:
            gas = self.gas_columns[section - FIXED]
            return _("Acceptable: {limits}").format(
                limits=limits_text(gas.min, gas.max, gas.max_exclusive, gas.unit)
            )
        return None


class GasEditor(QWidget):
    """Table + "Add reading" + N/A; every edit is reported through ``changed``."""

    changed = Signal()

    def __init__(
        self, columns: tuple[GasColumn, ...], read_only: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.model = GasTableModel(columns, self)
        self.model.read_only = read_only
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableView()
        self.table.setObjectName("gasTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.table.setMinimumHeight(110)
        self.table.setMaximumHeight(200)
        layout.addWidget(self.table)
        bar = QHBoxLayout()
        self.add_button = QPushButton(_("Add reading"))
        self.add_button.clicked.connect(self._add)
        self.remove_button = QPushButton(_("Remove reading"))
        self.remove_button.clicked.connect(self._remove)
        self.na = QCheckBox(_("Not applicable"))
        self.na.toggled.connect(self._na_toggled)
        for widget in (self.add_button, self.remove_button):
            widget.setVisible(not read_only)
            bar.addWidget(widget)
        bar.addWidget(self.na)
        bar.addStretch(1)
        self.na.setEnabled(not read_only)
        layout.addLayout(bar)
        self.model.edited.connect(self.changed)

    def _add(self) -> None:
        row = self.model.add_row()
        self.table.setCurrentIndex(self.model.index(row, FIXED))
        self.table.edit(self.model.index(row, FIXED))

    def _remove(self) -> None:
        current = self.table.currentIndex()
        if current.isValid():
            self.model.remove_row(current.row())

    def _na_toggled(self, checked: bool) -> None:
        self.table.setEnabled(not checked)
        self.add_button.setEnabled(not checked)
        self.remove_button.setEnabled(not checked)
        self.changed.emit()
