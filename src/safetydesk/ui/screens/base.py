"""Common screen shape: a title, and ``refresh()`` called when the screen is shown."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from safetydesk.core.i18n import _
from safetydesk.ui.context import AppContext


class Screen(QWidget):
    key = "screen"
    title_msgid = "Screen"
    # Ask the main window to show another screen with filters (dashboard tiles use it).
    navigate = Signal(str, dict)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName(f"screen-{self.key}")
        self.layout_ = QVBoxLayout(self)
        heading = QLabel(_(self.title_msgid))
        heading.setObjectName("screenTitle")
        self.layout_.addWidget(heading)

    def refresh(self) -> None:
        """Reload what the screen shows (on the task runner)."""

    # Keyboard commands the main window routes to the current screen (Ctrl+N, Ctrl+S, Ctrl+F).
    def new_record(self) -> None:
        """Start a new record of the screen's main kind."""

    def save(self) -> None:
        """Save what is being edited."""

    def focus_search(self) -> None:
        """Put the cursor in the screen's search box."""

    def has_unsaved_changes(self) -> bool:
        """True if closing now would lose typed input; the window asks before closing."""
        return False

    def open_filtered(self, filters: dict[str, object]) -> None:
        """Show the list behind a dashboard tile, e.g. ``{"due": "overdue"}``."""
