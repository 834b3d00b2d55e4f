"""How the plant lists look: machine kinds by name, hazard tags as words, due dates in colour."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem, QWidget

from safetydesk.ui.screens.plant.fields import hazard_label
from safetydesk.ui.widgets.list_view import ListView
from safetydesk.ui.widgets.paged_model import PAGE_SIZE

AnyIndex = QModelIndex | QPersistentModelIndex
DUE_SOON_DAYS = 60
OVERDUE_TEXT = QColor("#b00020")
OVERDUE_BACK = QColor("#fde2e2")
SOON_TEXT = QColor("#b35c00")
SOON_BACK = QColor("#fff0d6")


def due_state(due: str | None, retired: object = None, today: date | None = None) -> str:
    """ "overdue", "soon" (within 60 days) or "" — retired machines are never due."""
    if not due or retired:
        return ""
    day = today or date.today()
    if due < day.isoformat():
        return "overdue"
    if due <= (day + timedelta(days=DUE_SOON_DAYS)).isoformat():
        return "soon"
    return ""


def column_of(view: ListView, key: str) -> int:
    for i, column in enumerate(view.model.columns):
        if column[0] == key:
            return i
    raise KeyError(key)


def select_record(view: ListView, record_id: str | None) -> bool:
    """Select the row of ``record_id`` if it is on a loaded page (plant lists are short)."""
    if record_id is None:
        view.table.clearSelection()
        return False
    for page_no, loaded in view.model.pages.items():
        if record_id in loaded.ids:
            row = page_no * PAGE_SIZE + loaded.ids.index(record_id)
            view.table.selectRow(row)
            view.table.scrollTo(view.model.index(row, 0))
            return True
    return False


def prime_filters(view: ListView, **filters: Any) -> None:
    """Set filters (and their combo boxes) without a reload each; the caller reloads once."""
    for key, value in filters.items():
        box = view.filter_boxes.get(key)
        if box is not None:
            index = box.findData(value)
            if index >= 0:
                box.blockSignals(True)
                box.setCurrentIndex(index)
                box.blockSignals(False)
    view.model.query = replace(view.model.query, filters={**view.model.query.filters, **filters})
    view.model.generation += 1  # a page still on its way answers the old query: drop it


def prime_sort(view: ListView, key: str, descending: bool = False) -> None:
    """Sort by ``key`` (and show it in the header) without a reload; the caller reloads once."""
    header = view.table.horizontalHeader()
    header.blockSignals(True)
    order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
    header.setSortIndicator(column_of(view, key), order)
    header.blockSignals(False)
    view.model.query = replace(view.model.query, sort_key=key, descending=descending)
    view.model.generation += 1


class EquipmentDelegate(QStyledItemDelegate):
    """Kind codes shown by name; rows overdue for 안전검사 in red, due within 60 days in orange."""

    def __init__(
        self, view: ListView, kind_label: Callable[[str], str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.kind_label = kind_label
        self.kind_col = column_of(view, "kind")
        self.due_col = column_of(view, "next_inspection_due")
        self.retired_col = column_of(view, "retired_on")

    def initStyleOption(self, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        super().initStyleOption(option, index)
        if index.column() == self.kind_col:
            code = index.data(Qt.ItemDataRole.UserRole)
            if code:
                option.text = self.kind_label(str(code))  # type: ignore[attr-defined]
        due = index.sibling(index.row(), self.due_col).data(Qt.ItemDataRole.UserRole)
        retired = index.sibling(index.row(), self.retired_col).data(Qt.ItemDataRole.UserRole)
        state = due_state(str(due) if due else None, retired)
        if not state:
            return
        option.backgroundBrush = QBrush(OVERDUE_BACK if state == "overdue" else SOON_BACK)  # type: ignore[attr-defined]
        if index.column() == self.due_col:
            colour = OVERDUE_TEXT if state == "overdue" else SOON_TEXT
            option.palette.setColor(QPalette.ColorRole.Text, colour)  # type: ignore[attr-defined]
            option.font.setBold(True)  # type: ignore[attr-defined]


class AreaDelegate(QStyledItemDelegate):
    """Hazard tags (stored as a JSON list of codes) shown as words in the user's language."""

    def __init__(self, view: ListView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tags_col = column_of(view, "hazard_tags")

    def initStyleOption(self, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        super().initStyleOption(option, index)
        if index.column() == self.tags_col:
            tags = index.data(Qt.ItemDataRole.UserRole)
            if isinstance(tags, list):
                option.text = ", ".join(hazard_label(str(t)) for t in tags)  # type: ignore[attr-defined]
