"""How the risk and policy tables present their headers."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView

from safetydesk.ui.widgets.list_view import ListView


def wrap_header(header: QHeaderView) -> None:
    """Two-line column titles: the KRAS headings are long, the columns narrow."""
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)  # type: ignore[operator]
    header.setMinimumHeight(40)


def show_sort(view: ListView, key: str, *, descending: bool) -> None:
    """Show the list's default SQL order in the header (the view starts with column 0 marked)."""
    keys = [c[0] for c in view.model.columns]
    order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
    view.table.horizontalHeader().setSortIndicator(keys.index(key), order)
