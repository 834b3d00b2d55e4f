"""The main window is a shell that routes: a navigation list and a stack of screens."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QMainWindow, QStackedWidget, QWidget

from safetydesk import __version__
from safetydesk.core.i18n import _
from safetydesk.ui.context import AppContext
from safetydesk.ui.screens.base import Screen
from safetydesk.ui.screens.home import HomeScreen
from safetydesk.ui.screens.planned import (
    ActionsScreen,
    EmergencyScreen,
    IncidentsScreen,
    InspectionsScreen,
    PeopleScreen,
    PlantScreen,
    RiskScreen,
    SettingsScreen,
)

SCREENS: tuple[type[Screen], ...] = (
    HomeScreen,
    PlantScreen,
    InspectionsScreen,
    ActionsScreen,
    RiskScreen,
    EmergencyScreen,
    IncidentsScreen,
    PeopleScreen,
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
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.nav.currentRowChanged.connect(self.show_screen)
        self.resize(1366, 768)
        geometry = QSettings().value("main_window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)  # type: ignore[arg-type]
        self.nav.setCurrentRow(0)

    def show_screen(self, index: int) -> None:
        if index < 0:
            return
        self.stack.setCurrentIndex(index)
        self.screens[index].refresh()

    def closeEvent(self, event: QCloseEvent) -> None:
        QSettings().setValue("main_window/geometry", self.saveGeometry())
        self.ctx.tasks.wait(10000)
        super().closeEvent(event)
