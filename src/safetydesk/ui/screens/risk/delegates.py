"""Cell editors for the risk table: combos for scale levels and codes, a date box that may stay empty."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QDateEdit, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from safetydesk.ui.screens.risk.items_model import CHOICES_ROLE, KIND_ROLE

AnyIndex = QModelIndex | QPersistentModelIndex
EMPTY_DATE = QDate(2000, 1, 1)  # the date box's minimum, shown blank: "no date"
COMBO_KINDS = frozenset({"hazard", "group", "likelihood", "severity", "level", "hierarchy"})


class ItemDelegate(QStyledItemDelegate):
    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex) -> QWidget:
        kind = index.data(KIND_ROLE)
        if kind in COMBO_KINDS or kind == "owner":
            combo = QComboBox(parent)
            combo.setObjectName(f"editor-{kind}")
            if kind == "owner":
                combo.setEditable(True)
                combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            else:
                combo.addItem("", None)
            for text, value, tip in index.data(CHOICES_ROLE) or ():
                combo.addItem(text, value)
                if tip:
                    combo.setItemData(combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
            if kind != "owner":
                combo.activated.connect(lambda _i, c=combo: self._commit(c))
            return combo
        if kind == "date":
            edit = QDateEdit(parent)
            edit.setObjectName("editor-date")
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setMinimumDate(EMPTY_DATE)
            edit.setSpecialValueText(" ")
            return edit
        return super().createEditor(parent, option, index)

    def _commit(self, editor: QWidget) -> None:
        self.commitData.emit(editor)
        self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        value: Any = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QComboBox):
            if editor.isEditable():
                editor.setEditText(str(value or ""))
                return
            found = editor.findData(value)
            editor.setCurrentIndex(found if found >= 0 else 0)
            return
        if isinstance(editor, QDateEdit):
            if value:
                editor.setDate(QDate.fromString(str(value), "yyyy-MM-dd"))
            else:
                editor.setDate(EMPTY_DATE)
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        if isinstance(editor, QComboBox):
            value = editor.currentText().strip() if editor.isEditable() else editor.currentData()
            model.setData(index, value, Qt.ItemDataRole.EditRole)
            return
        if isinstance(editor, QDateEdit):
            chosen = editor.date()
            model.setData(index, None if chosen == EMPTY_DATE else chosen.toString("yyyy-MM-dd"))
            return
        super().setModelData(editor, model, index)
