"""`SafetyDesk.exe open FILE.sdpack`: ask the password, unpack into a new workspace, open the window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox

from safetydesk.core.errors import UserError
from safetydesk.core.i18n import _
from safetydesk.core.workspace.opening import open_package


def ask_password(attempt: int) -> str | None:
    prompt = _("Password of the package:") if attempt == 1 else _("Wrong password. Try again:")
    text, ok = QInputDialog.getText(None, _("Open SafetyDesk package"), prompt, QLineEdit.EchoMode.Password)
    return text if ok else None


def tell(exc: UserError) -> None:
    QMessageBox.warning(None, _("Open SafetyDesk package"), exc.text())


def open_package_window(pack: Path, workspaces: Path) -> int:
    from safetydesk.ui.app import make_application, run_app

    make_application()
    target = open_package(pack, workspaces, ask_password=ask_password, tell=tell)
    if target is None:
        return 2
    QMessageBox.information(
        None,
        _("Open SafetyDesk package"),
        _("The package was opened as a new workspace in {path}.").format(path=target),
    )
    return run_app(target)
