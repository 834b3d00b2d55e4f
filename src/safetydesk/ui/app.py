"""Start the window: Hangul font first, then the workspace, then the shell."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QAbstractButton, QApplication, QFileDialog, QMessageBox

from safetydesk.core.errors import UserError
from safetydesk.core.fonts import font_file
from safetydesk.core.i18n import _, current_language, set_language
from safetydesk.core.resources import resource_path
from safetydesk.core.workspace.workspace import DamagedWorkspaceError, Workspace, open_workspace
from safetydesk.ui import gc_guard
from safetydesk.ui.context import AppContext
from safetydesk.ui.main_window import MainWindow
from safetydesk.ui.tasks import TaskRunner

STYLE = """
#screenTitle { font-size: 17pt; font-weight: bold; padding: 4px 0 8px 0; }
#tileValue { font-size: 22pt; font-weight: bold; color: #1b4f8a; }
QListWidget#navigation { font-size: 11pt; }
QListWidget#navigation::item { padding: 7px 6px; }
"""


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
    from safetydesk.ui.operations.settings import remembered_language

    language = remembered_language()
    if language and not os.environ.get("SAFETYDESK_LANG"):
        set_language(language)
    load_fonts()
    install_qt_translation(app, current_language())
    app.setWindowIcon(QIcon(str(resource_path("icons", "safetydesk.png"))))
    app.setStyleSheet(STYLE)
    gc_guard.install(app)  # cyclic GC only in this thread: Qt objects must die where they were made
    return app


def install_qt_translation(app: QCoreApplication, language: str) -> QTranslator | None:
    """Load Qt's own strings (standard buttons, file dialogs) for Korean; English needs nothing."""
    if language == "en":
        return None
    translator = QTranslator(app)  # parented to the app, so it lives as long as the app
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(f"qtbase_{language}", folder) or not app.installTranslator(translator):
        return None
    return translator


def build_window(ws: Workspace) -> MainWindow:
    runner = TaskRunner()
    window = MainWindow(AppContext(workspace=ws, tasks=runner))
    runner.setParent(window)
    # Import the list definitions (and SQLAlchemy's ORM helpers they use) off the GUI thread, so the
    # first list screen does not stall the window.
    runner.run_db(_warm_up, lambda _result: None)
    return window


def _warm_up() -> int:
    from safetydesk.core.queries.lists import LIST_MODULES, get_list

    get_list("corrective_actions")
    return len(LIST_MODULES)


def run_app(workspace: Path, screenshot_dir: Path | None = None) -> int:
    app = make_application()
    ws = open_at_startup(workspace)
    if ws is None:
        return 2
    show_notices(ws)
    window = build_window(ws)
    # New template versions shipped with an update are added after the first paint.
    if not ws.read_only:  # a read-only workspace (damaged, or on a read-only disk) is only looked at
        window.ctx.tasks.run_db(lambda: _install_templates(ws), lambda _changes: None)
    if screenshot_dir is not None:
        return _screenshots(app, window, screenshot_dir)
    window.show()
    from safetydesk.ui.operations.backups import start_scheduler

    # Daily rotating backup: checked a few seconds after the first paint, then hourly (database lane).
    start_scheduler(window.ctx, window, lambda exc: window.statusBar().showMessage(str(exc)))
    if os.environ.get("SAFETYDESK_STARTUP_PROBE"):
        QTimer.singleShot(0, lambda: _report_startup(app))
    try:
        return app.exec()
    finally:
        ws.close()


# -- when the workspace cannot be opened: say why, offer the safe ways out ---------------------------

WAY_READ_ONLY = "read_only"
WAY_RESTORE = "restore"
WAY_CLOSE = "close"
Choose = Callable[[QMessageBox, dict[str, QAbstractButton]], str]
PickBackup = Callable[[Path, list[Path]], Path | None]


def startup_error_dialog(exc: UserError) -> tuple[QMessageBox, dict[str, QAbstractButton]]:
    """The message box for a workspace that did not open, with the ways out that apply to ``exc``:
    "Open read-only" if the damaged database can still be read, "Restore from backup…" for any
    damaged database, and always "Close" (the default: nothing happens unless the user chooses)."""
    box = QMessageBox(QMessageBox.Icon.Critical, "SafetyDesk", exc.message())
    box.setInformativeText(exc.hint())
    buttons: dict[str, QAbstractButton] = {}
    if isinstance(exc, DamagedWorkspaceError):
        if exc.read_only_possible:
            buttons[WAY_READ_ONLY] = box.addButton(_("Open read-only"), QMessageBox.ButtonRole.AcceptRole)
        buttons[WAY_RESTORE] = box.addButton(_("Restore from backup…"), QMessageBox.ButtonRole.ActionRole)
        if exc.backups:
            box.setDetailedText(
                _("Backups found in the workspace folder (newest first):")
                + "\n"
                + "\n".join(str(p) for p in exc.backups[:10])
            )
    close = box.addButton(QMessageBox.StandardButton.Close)
    buttons[WAY_CLOSE] = close
    box.setDefaultButton(close)
    box.setEscapeButton(close)
    return box, buttons


def _exec_choice(box: QMessageBox, buttons: dict[str, QAbstractButton]) -> str:
    box.exec()
    clicked = box.clickedButton()
    return next((way for way, button in buttons.items() if button is clicked), WAY_CLOSE)


def _pick_backup_file(workspace: Path, found: list[Path]) -> Path | None:
    start = found[0] if found else workspace / "backups"
    name, _filter = QFileDialog.getOpenFileName(
        None, _("Choose a backup to restore"), str(start), _("SafetyDesk backups (*.sdbackup)")
    )
    return Path(name) if name else None


def open_at_startup(
    workspace: Path,
    *,
    choose: Choose = _exec_choice,
    pick_backup: PickBackup = _pick_backup_file,
    tell: Callable[[str], None] | None = None,
) -> Workspace | None:
    """Open the workspace; if it cannot be opened, explain and offer the ways out until one works
    or the user closes. ``None``: nothing was opened (the caller exits). Nothing is repaired here;
    a restore keeps the damaged files aside (``replaced-…``) and verifies the backup first."""
    from safetydesk.core.workspace.archive import restore_backup

    say = tell or (lambda text: QMessageBox.information(None, "SafetyDesk", text))
    while True:
        try:
            return open_workspace(workspace)
        except UserError as exc:
            way = choose(*startup_error_dialog(exc))
            found = exc.backups if isinstance(exc, DamagedWorkspaceError) else []
        if way == WAY_READ_ONLY:
            try:
                return open_workspace(workspace, create=False, read_only=True)
            except UserError as again:
                say(again.text())
                continue
        if way != WAY_RESTORE:
            return None
        archive = pick_backup(workspace, found)
        if archive is None:
            continue
        try:
            info = restore_backup(archive, workspace)
        except UserError as failed:
            say(failed.text())
            continue
        say(
            _("The workspace was restored from {backup}. The damaged files were kept in {aside}.").format(
                backup=archive.name, aside=info.replaced_to or "-"
            )
        )


def show_notices(ws: Workspace, tell: Callable[[str], None] | None = None) -> None:
    """Say once, before the window, what the user must know about this workspace (opened read-only,
    attachments folder missing, damage found while opening read-only)."""
    if not ws.notices:
        return
    text = "\n\n".join(n.text() for n in ws.notices)
    if tell is not None:
        tell(text)
    else:
        QMessageBox.warning(None, "SafetyDesk", text)


def _install_templates(ws: Workspace) -> object:
    from safetydesk.core.services.forms import install_shipped_templates

    return install_shipped_templates(ws)


def _report_startup(app: QApplication) -> None:
    """Print the time from process start to the first turn of the event loop after show(), then quit."""
    from safetydesk import STARTED

    print(f"startup_ms={(time.perf_counter() - STARTED) * 1000:.0f}", flush=True)
    # The installer build checks that Qt's own Korean strings were found in the frozen bundle.
    languages = [t.language() for t in app.findChildren(QTranslator)]
    print(f"qt_translations={','.join(languages) or 'none'}", flush=True)
    app.quit()


def _screenshots(app: QApplication, window: MainWindow, out: Path) -> int:
    """Show each screen in turn, let its background load finish, and save a PNG of the window."""
    out.mkdir(parents=True, exist_ok=True)
    window.resize(1366, 768)
    window.show()
    pending = list(enumerate(window.screens))

    def shoot_next() -> None:
        if not pending:
            window.close()
            app.quit()
            return
        index, screen = pending.pop(0)
        window.nav.setCurrentRow(index)
        window.ctx.tasks.wait()
        QTimer.singleShot(250, lambda: save(index, screen.key))

    def save(index: int, key: str) -> None:
        window.grab().save(str(out / f"{index:02d}-{key}.png"))
        shoot_next()

    QTimer.singleShot(0, shoot_next)
    app.exec()
    window.ctx.workspace.close()
    print(_("Screenshots written to {path}").format(path=out))
    return 0
