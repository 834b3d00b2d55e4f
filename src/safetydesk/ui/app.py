"""Start the window: Hangul font first, then the workspace, then the shell."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox

from safetydesk.core.errors import UserError
from safetydesk.core.fonts import font_file
from safetydesk.core.i18n import _
from safetydesk.core.workspace.workspace import Workspace, open_workspace
from safetydesk.ui.context import AppContext
from safetydesk.ui.main_window import MainWindow
from safetydesk.ui.tasks import TaskRunner


def load_fonts() -> str:
    """Register the bundled NanumGothic and make it the application font; returns the family."""
    families: list[str] = []
    for bold in (False, True):
        font_id = QFontDatabase.addApplicationFont(str(font_file(bold)))
        if font_id >= 0:
            families.extend(QFontDatabase.applicationFontFamilies(font_id))
    family = families[0] if families else QFont().family()
    QApplication.setFont(QFont(family, 10))
    return family


def make_application() -> QApplication:
    QCoreApplication.setOrganizationName("SafetyDesk")
    QCoreApplication.setApplicationName("SafetyDesk")
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    load_fonts()
    return app


def build_window(ws: Workspace) -> MainWindow:
    runner = TaskRunner()
    window = MainWindow(AppContext(workspace=ws, tasks=runner))
    runner.setParent(window)
    return window


def run_app(workspace: Path, screenshot_dir: Path | None = None) -> int:
    app = make_application()
    try:
        ws = open_workspace(workspace)
        from safetydesk.core.services.forms import install_shipped_templates

        install_shipped_templates(ws)
    except UserError as exc:
        QMessageBox.critical(None, "SafetyDesk", exc.text())
        return 2
    window = build_window(ws)
    if screenshot_dir is not None:
        return _screenshots(app, window, screenshot_dir)
    window.show()
    try:
        return app.exec()
    finally:
        ws.close()


def _screenshots(app: QApplication, window: MainWindow, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    window.resize(1366, 768)
    window.show()
    for index, screen in enumerate(window.screens):
        window.nav.setCurrentRow(index)
        window.ctx.tasks.wait()
        deadline = QTimer()
        deadline.setSingleShot(True)
        deadline.start(300)
        while deadline.isActive():
            app.processEvents()
        window.grab().save(str(out / f"{index:02d}-{screen.key}.png"))
    print(_("Screenshots written to {path}").format(path=out))
    window.close()
    window.ctx.workspace.close()
    return 0
