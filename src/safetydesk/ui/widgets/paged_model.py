"""A table model over a SQL list that loads pages on the database lane as the view scrolls.

Counting, sorting and filtering happen in SQL (``core.queries.lists``); the model only keeps the
pages it has been asked for. A reply for an older query (the user typed another filter meanwhile)
is dropped by generation number.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from safetydesk.core.i18n import _
from safetydesk.core.labels import label
from safetydesk.core.queries.lists import ListQuery, Page, count, headers, page
from safetydesk.core.workspace.workspace import Workspace
from safetydesk.ui.tasks import TaskRunner

AnyIndex = QModelIndex | QPersistentModelIndex
PAGE_SIZE = 200


class PagedTableModel(QAbstractTableModel):
    loaded = Signal(int)  # total rows after a (re)load, once counted
    first_page_shown = Signal()

    def __init__(self, runner: TaskRunner, ws: Workspace, list_name: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.ws = ws
        self.query = ListQuery(list_name)
        self.columns = headers(list_name)
        self.total = 0
        self.pages: dict[int, Page] = {}
        self.pending: set[int] = set()
        self.generation = 0

    # -- queries -----------------------------------------------------------------------------

    def set_query(self, query: ListQuery) -> None:
        self.query = query
        self.reload()

    def set_filters(self, **filters: Any) -> None:
        self.set_query(replace(self.query, filters={**self.query.filters, **filters}))

    def set_search(self, text: str) -> None:
        self.set_query(replace(self.query, search=text))

    def reload(self) -> None:
        """First page first (what the user sees), then the full count (which can take longer)."""
        self.generation += 1
        gen = self.generation
        query = self.query
        ws = self.ws
        self.runner.run_db(
            lambda: page(ws, query, 0, PAGE_SIZE), lambda first: self._reset(gen, first), owner=self
        )

    def _reset(self, gen: int, first: Page) -> None:
        if gen != self.generation:
            return
        self.beginResetModel()
        self.total = len(first.rows)
        self.pages = {0: first}
        self.pending = set()
        self.endResetModel()
        self.first_page_shown.emit()
        if len(first.rows) < PAGE_SIZE:
            self.loaded.emit(self.total)
            return
        query, ws = self.query, self.ws
        self.runner.run_db(lambda: count(ws, query), lambda total: self._grow(gen, total), owner=self)

    def _grow(self, gen: int, total: int) -> None:
        if gen != self.generation:
            return
        if total > self.total:
            self.beginInsertRows(QModelIndex(), self.total, total - 1)
            self.total = total
            self.endInsertRows()
        self.loaded.emit(self.total)

    def _request(self, page_no: int) -> None:
        if page_no in self.pending or page_no in self.pages:
            return
        self.pending.add(page_no)
        gen = self.generation
        query = self.query
        ws = self.ws
        self.runner.run_db(
            lambda: page(ws, query, page_no * PAGE_SIZE, PAGE_SIZE),
            lambda result: self._store(gen, page_no, result),
            owner=self,
        )

    def _store(self, gen: int, page_no: int, result: Page) -> None:
        if gen != self.generation:
            return
        self.pending.discard(page_no)
        self.pages[page_no] = result
        first = page_no * PAGE_SIZE
        last = min(self.total, first + len(result.rows)) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, self.columnCount() - 1))

    # -- access ------------------------------------------------------------------------------

    def _row(self, row: int) -> tuple[str, tuple[Any, ...]] | None:
        page_no, offset = divmod(row, PAGE_SIZE)
        loaded = self.pages.get(page_no)
        if loaded is None:
            self._request(page_no)
            return None
        if offset >= len(loaded.rows):
            return None
        return loaded.ids[offset], loaded.rows[offset]

    def record_id(self, row: int) -> str | None:
        found = self._row(row)
        return found[0] if found else None

    def value(self, row: int, key: str) -> Any:
        found = self._row(row)
        if found is None:
            return None
        for i, col in enumerate(self.columns):
            if col[0] == key:
                return found[1][i]
        raise KeyError(key)

    # -- Qt model API ------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.total

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self.total or index.column() >= len(self.columns):
            return None
        found = self._row(index.row())
        if found is None:
            return "…" if role == Qt.ItemDataRole.DisplayRole else None
        key, _header, kind, _width = self.columns[index.column()]
        value = found[1][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return _format(value, kind)
        if role == Qt.ItemDataRole.ToolTipRole and kind == "text" and value:
            return str(value)
        if role == Qt.ItemDataRole.UserRole:
            return value
        if role == Qt.ItemDataRole.ForegroundRole and key == "days_overdue" and value:
            return QBrush(QColor("#b00020") if int(value) > 30 else QColor("#c05600"))
        if role == Qt.ItemDataRole.TextAlignmentRole and kind in ("number", "percent"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            return _(self.columns[section][1])
        if orientation == Qt.Orientation.Vertical and 0 <= section < self.total:
            return section + 1
        return None

    suspend_sort = False  # set while a view wires up its header, so that wiring loads nothing

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if self.suspend_sort:
            return
        if 0 <= column < len(self.columns):
            self.set_query(
                replace(
                    self.query,
                    sort_key=self.columns[column][0],
                    descending=order == Qt.SortOrder.DescendingOrder,
                )
            )


def _format(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "status":
        return label(value)
    if kind == "datetime":
        return str(value)[:16].replace("T", " ")
    if kind == "percent":
        return f"{float(value):.0f}%"
    if kind == "bool":
        return "✔" if value else ""
    if kind == "number":
        return f"{value:,}" if isinstance(value, int) else str(value)
    return str(value)
