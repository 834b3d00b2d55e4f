"""The main window is a shell that routes: a navigation list and a stack of screens."""

from __future__ import annotations

import functools

from PySide6.QtCore import QSettings
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QMainWindow, QMessageBox, QStackedWidget, QWidget

from safetydesk import __version__
from safetydesk.core.i18n import _
from safetydesk.ui.context import AppContext
from safetydesk.ui.screens.actions import ActionsScreen
from safetydesk.ui.screens.base import Screen
from safetydesk.ui.screens.emergency import EmergencyScreen
from safetydesk.ui.screens.home import HomeScreen
from safetydesk.ui.screens.incidents import IncidentsScreen
from safetydesk.ui.screens.inspections import InspectionsScreen
from safetydesk.ui.screens.people import PeopleScreen
from safetydesk.ui.screens.plant import PlantScreen
from safetydesk.ui.screens.policies import PoliciesScreen
from safetydesk.ui.screens.risk import RiskScreen
from safetydesk.ui.screens.settings import SettingsScreen
from safetydesk.ui.screens.templates import TemplatesScreen

SCREENS: tuple[type[Screen], ...] = (
    HomeScreen,
    PlantScreen,
    PoliciesScreen,
    InspectionsScreen,
    ActionsScreen,
    RiskScreen,
    EmergencyScreen,
    IncidentsScreen,
    PeopleScreen,
    TemplatesScreen,
    SettingsScreen,
)


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(f"SafetyDesk {__version__} — {ctx.workspace.path}")
        central = QWidget()
        row = QHBoxLayout(central)
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(200)
        self.stack = QStackedWidget()
        self.screens: list[Screen] = []
        for screen_type in SCREENS:
            screen = screen_type(ctx)
            self.screens.append(screen)
            self.stack.addWidget(screen)
            self.nav.addItem(_(screen_type.title_msgid))
            screen.navigate.connect(self.navigate)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.nav.currentRowChanged.connect(self.show_screen)
        self.resize(1366, 768)
        geometry = QSettings().value("main_window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)  # type: ignore[arg-type]
        for keys, command in (
            (QKeySequence.StandardKey.New, "new_record"),
            (QKeySequence.StandardKey.Save, "save"),
            (QKeySequence.StandardKey.Find, "focus_search"),
        ):
            QShortcut(QKeySequence(keys), self, functools.partial(self._command, command))
        for index in range(min(9, len(self.screens))):
            QShortcut(
                QKeySequence(f"Ctrl+{index + 1}"), self, functools.partial(self.nav.setCurrentRow, index)
            )
        self.nav.setCurrentRow(0)

    def _command(self, name: str) -> None:
        getattr(self.current_screen(), name)()

    def current_screen(self) -> Screen:
        return self.screens[self.stack.currentIndex()]

    def navigate(self, key: str, filters: dict[str, object]) -> None:
        for index, screen in enumerate(self.screens):
            if screen.key == key:
                self.nav.setCurrentRow(index)
                screen.open_filtered(filters)
                return

    def show_screen(self, index: int) -> None:
        if index < 0:
            return
        self.stack.setCurrentIndex(index)
        self.screens[index].refresh()

    def closeEvent(self, event: QCloseEvent) -> None:
        unsaved = [_(s.title_msgid) for s in self.screens if s.has_unsaved_changes()]
        if unsaved:
            answer = QMessageBox.question(
                self,
                "SafetyDesk",
                _("Unsaved changes in: {screens}. Close anyway and lose them?").format(
                    screens=", ".join(unsaved)
                ),
                QMessageBox.StandardButton.Cancel | QMessageBox.StandardButton.Discard,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                event.ignore()
                return
        QSettings().setValue("main_window/geometry", self.saveGeometry())
        for screen in self.screens:
            if screen.key == "inspections" and screen.has_unsaved_changes():
                screen.save()  # drafts autosave; the last edits go in before the window closes
        self.ctx.tasks.wait(10000)
        super().closeEvent(event)
