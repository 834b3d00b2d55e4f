"""A searchable, filterable, sortable list over a ``PagedTableModel`` — the shape most screens use."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from safetydesk.core.i18n import _
from safetydesk.core.queries.lists import default_sort
from safetydesk.core.workspace.workspace import Workspace
from safetydesk.ui.tasks import TaskRunner
from safetydesk.ui.widgets.paged_model import PagedTableModel

FilterChoices = Sequence[tuple[str, Any]]  # (label msgid, value) — value None = no filter


class ListView(QWidget):
    """Search box + filter combos + table. Emits ``activated(record_id)`` on double-click or Enter."""

    activated = Signal(str)
    selected = Signal(object)  # record id or None

    def __init__(
        self,
        runner: TaskRunner,
        ws: Workspace,
        list_name: str,
        filters: Sequence[tuple[str, str, FilterChoices]] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"list-{list_name}")
        self.list_name = list_name
        self.model = PagedTableModel(runner, ws, list_name, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search…"))
        self.search.setClearButtonEnabled(True)
        self.search.setObjectName("search")
        bar.addWidget(self.search, 2)
        self.filter_boxes: dict[str, QComboBox] = {}
        for key, caption, choices in filters:
            box = QComboBox()
            box.setObjectName(f"filter-{key}")
            box.setToolTip(_(caption))
            for choice_label, value in choices:
                box.addItem(_(choice_label), value)
            box.currentIndexChanged.connect(
                lambda _i, k=key, b=box: self.model.set_filters(**{k: b.currentData()})
            )
            self.filter_boxes[key] = box
            bar.addWidget(box, 1)
        self.count_label = QLabel("")
        bar.addWidget(self.count_label)
        layout.addLayout(bar)
        self.table = QTableView()
        self.table.setObjectName("table")
        self.table.setModel(self.model)
        # Show the list's own default sort in the header without running a query for it.
        sort_key, descending = default_sort(list_name)
        keys = [c[0] for c in self.model.columns]
        self.model.suspend_sort = True
        if sort_key in keys:
            self.table.horizontalHeader().setSortIndicator(
                keys.index(sort_key),
                Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder,
            )
        self.table.setSortingEnabled(True)
        self.model.suspend_sort = False
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        for i, (_key, _header, _kind, width) in enumerate(self.model.columns):
            self.table.setColumnWidth(i, width)
        layout.addWidget(self.table, 1)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(lambda: self.model.set_search(self.search.text()))
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.model.loaded.connect(self._on_loaded)
        self.table.doubleClicked.connect(lambda index: self._activate(index.row()))
        self.table.activated.connect(lambda index: self._activate(index.row()))
        self.table.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self.selected.emit(self.model.record_id(cur.row()) if cur.isValid() else None)
        )
        state = QSettings().value(f"lists/{list_name}/header")
        if state is not None:
            self.table.horizontalHeader().restoreState(state)  # type: ignore[arg-type]
        self.table.horizontalHeader().sectionResized.connect(lambda *_a: self._save_state())

    def _save_state(self) -> None:
        QSettings().setValue(f"lists/{self.list_name}/header", self.table.horizontalHeader().saveState())

    def _on_loaded(self, total: int) -> None:
        self.count_label.setText(_("{n} rows").format(n=f"{total:,}"))

    def _activate(self, row: int) -> None:
        record_id = self.model.record_id(row)
        if record_id:
            self.activated.emit(record_id)

    def set_filter(self, key: str, value: Any) -> None:
        box = self.filter_boxes.get(key)
        if box is not None:
            index = box.findData(value)
            if index >= 0:
                box.setCurrentIndex(index)
                return
        self.model.set_filters(**{key: value})

    def refresh(self) -> None:
        self.model.reload()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()
