"""`SafetyDesk.exe open FILE.sdpack` asks the password in a dialog and opens the new workspace."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from safetydesk.cli import main
from safetydesk.core.i18n import set_language
from safetydesk.core.services import records
from safetydesk.core.workspace.pack import pack_workspace
from safetydesk.core.workspace.workspace import Workspace, open_workspace
from safetydesk.ui import app as app_module

PASSWORD = "correct horse battery"


def test_open_asks_the_password_then_opens_the_window_on_the_new_workspace(
    qapp: QApplication, ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAFETYDESK_LANG", "ko")  # restored after the test (main() sets it for --lang)
    site = records.create(ws, "sites", {"name": "동남정밀"}).id
    pack = tmp_path / "office.sdpack"
    pack_workspace(ws, pack, PASSWORD, log2_n=14)
    answers = iter([("wrong one!", True), (PASSWORD, True)])
    prompts: list[str] = []

    def get_text(_parent: object, _title: str, label: str, _echo: object) -> tuple[str, bool]:
        prompts.append(label)
        return next(answers)

    warnings: list[str] = []
    opened: list[Path] = []
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda _p, _t, text: warnings.append(text)))
    monkeypatch.setattr(QMessageBox, "information", staticmethod(lambda *_a: None))
    # the window itself is the app's normal start (tested elsewhere); here: that it gets the new workspace
    monkeypatch.setattr(app_module, "run_app", lambda path, screenshot_dir=None: opened.append(path) or 0)

    assert main(["--lang", "en", "open", str(pack), "--into", str(tmp_path / "workspaces")]) == 0
    assert len(prompts) == 2 and "Wrong password" in prompts[1]
    assert len(warnings) == 1 and "password" in warnings[0]
    assert opened == [tmp_path / "workspaces" / "office"]
    with open_workspace(opened[0]) as copy:
        assert records.get(copy, "sites", site)["name"] == "동남정밀"
    set_language("ko")
