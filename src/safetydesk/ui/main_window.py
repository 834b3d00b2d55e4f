"""The main window is a shell that routes: a navigation list and a stack of screens."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QMainWindow, QMessageBox, QStackedWidget, QWidget

from safetydesk import __version__
from safetydesk.core.i18n import _
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations import sync as sync_ops
from safetydesk.ui.screens.actions import ActionsScreen
from safetydesk.ui.screens.base import Screen
from safetydesk.ui.screens.budget import BudgetScreen
from safetydesk.ui.screens.compliance import ComplianceScreen
from safetydesk.ui.screens.contractors import ContractorsScreen
from safetydesk.ui.screens.emergency import EmergencyScreen
from safetydesk.ui.screens.home import HomeScreen
from safetydesk.ui.screens.incidents import IncidentsScreen
from safetydesk.ui.screens.inspections import InspectionsScreen
from safetydesk.ui.screens.model import ModelScreen
from safetydesk.ui.screens.people import PeopleScreen
from safetydesk.ui.screens.plant import PlantScreen
from safetydesk.ui.screens.policies import PoliciesScreen
from safetydesk.ui.screens.risk import RiskScreen
from safetydesk.ui.screens.settings import SettingsScreen
from safetydesk.ui.screens.sync import SyncIndicator, SyncScreen
from safetydesk.ui.screens.templates import TemplatesScreen

SCREENS: tuple[type[Screen], ...] = (
    HomeScreen,
    PlantScreen,
    PoliciesScreen,
    ComplianceScreen,
    BudgetScreen,
    InspectionsScreen,
    ActionsScreen,
    RiskScreen,
    EmergencyScreen,
    IncidentsScreen,
    PeopleScreen,
    ContractorsScreen,
    TemplatesScreen,
    ModelScreen,
    SyncScreen,
    SettingsScreen,
)


class LazyScreens:
    """The window's screens in navigation order, each constructed on first access."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self._built: dict[int, Screen] = {}

    def __len__(self) -> int:
        return len(SCREENS)

    def __getitem__(self, index: int) -> Screen:
        screen = self._built.get(index)
        if screen is None:
            screen = SCREENS[index](self.window.ctx)
            screen.navigate.connect(self.window.navigate)
            placeholder = self.window.stack.widget(index)
            self.window.stack.insertWidget(index, screen)
            if placeholder is not None:
                self.window.stack.removeWidget(placeholder)
                placeholder.deleteLater()
            self._built[index] = screen
        return screen

    def __iter__(self) -> Iterator[Screen]:
        return (self[i] for i in range(len(SCREENS)))

    def built(self) -> list[Screen]:
        return [self._built[i] for i in sorted(self._built)]


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
        # Screens are built the first time they are shown: start-up pays only for Home.
        self.screens = LazyScreens(self)
        for screen_type in SCREENS:
            self.stack.addWidget(QWidget())
            self.nav.addItem(_(screen_type.title_msgid))
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
        # Sync: one controller per window; the indicator appears in the status bar once sync is on.
        self.sync = sync_ops.controller(ctx)
        self.sync_indicator: SyncIndicator | None = None
        self.sync.status_changed.connect(self._sync_state_changed)
        self.sync.started.connect(self._sync_state_changed)
        self.sync.finished.connect(self._sync_state_changed)
        self.sync.failed.connect(self._sync_state_changed)
        self.sync.note.connect(self._sync_note)
        self.sync.records_pulled.connect(self._records_pulled)
        if not ctx.workspace.read_only:
            QTimer.singleShot(sync_ops.FIRST_CHECK_MS, self, self.sync.refresh_status)

    def _command(self, name: str) -> None:
        getattr(self.current_screen(), name)()

    def current_screen(self) -> Screen:
        return self.screens[self.stack.currentIndex()]

    def navigate(self, key: str, filters: dict[str, object]) -> None:
        for index, screen_type in enumerate(SCREENS):
            if screen_type.key == key:
                self.nav.setCurrentRow(index)
                self.screens[index].open_filtered(filters)
                return

    def show_screen(self, index: int) -> None:
        if index < 0:
            return
        screen = self.screens[index]
        self.stack.setCurrentIndex(index)
        screen.refresh()

    # -- sync ------------------------------------------------------------------------------------

    def _sync_state_changed(self, *_args: object) -> None:
        if self.sync_indicator is None:
            if not self.sync.enabled():
                return  # no status bar for a workspace that does not sync
            self.sync_indicator = SyncIndicator()
            self.sync_indicator.clicked.connect(lambda: self.navigate("sync", {}))
            self.statusBar().addPermanentWidget(self.sync_indicator)
        self.sync_indicator.update_from(self.sync)

    def _sync_note(self, text: str) -> None:
        if self.sync_indicator is not None:
            self.statusBar().showMessage(text, 8000)

    def _records_pulled(self, _count: int) -> None:
        """Records from other PCs arrived: reload what is on screen unless the user is typing in it.

        Screens reload whenever they are shown, so the others catch up when the user opens them."""
        screen = self.current_screen()
        if not screen.has_unsaved_changes():
            screen.refresh()

    def closeEvent(self, event: QCloseEvent) -> None:
        unsaved = [_(s.title_msgid) for s in self.screens.built() if s.has_unsaved_changes()]
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
        for screen in self.screens.built():
            if screen.key == "inspections" and screen.has_unsaved_changes():
                screen.save()  # drafts autosave; the last edits go in before the window closes
        self.sync.shutdown()  # a running sync stops at its next step; the outbox keeps what is unsent
        self.ctx.tasks.wait(10000)
        super().closeEvent(event)
