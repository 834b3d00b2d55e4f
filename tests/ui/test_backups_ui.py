"""Settings → Backups: back up now, restore from the list (data back, old copy kept), packages, scheduler."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from safetydesk.core.audit.chain import verify
from safetydesk.core.errors import NotFoundError
from safetydesk.core.i18n import set_language
from safetydesk.core.queries.settings import BACKUP_SCHEDULE, load_settings
from safetydesk.core.services import records
from safetydesk.core.services.settings import save_settings
from safetydesk.core.workspace.rotation import list_backups
from safetydesk.core.workspace.workspace import Workspace
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations import backups as backup_ops
from safetydesk.ui.screens.settings import SettingsScreen
from safetydesk.ui.tasks import TaskRunner
from tests.factories import base_refs, minimal


@pytest.fixture(autouse=True)
def _english() -> None:
    set_language("en")
    yield
    set_language("ko")


def _screen(qtbot: QtBot, ws: Workspace) -> SettingsScreen:
    screen = SettingsScreen(AppContext(workspace=ws, tasks=TaskRunner()))
    qtbot.addWidget(screen)
    screen.resize(1166, 768)
    screen.show()
    screen.refresh()
    qtbot.waitUntil(lambda: screen.current is not None, timeout=5000)
    return screen


def _idle(qtbot: QtBot, screen: SettingsScreen) -> None:
    qtbot.waitUntil(lambda: screen.import_button.isEnabled(), timeout=60000)


def test_back_up_now_then_restore_from_the_list(
    qtbot: QtBot, ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    finding = records.create(ws, "findings", minimal("findings", base_refs(ws))).id
    screen = _screen(qtbot, ws)
    assert screen.backup_list.rowCount() == 0
    screen.back_up_now()
    _idle(qtbot, screen)
    qtbot.waitUntil(lambda: screen.backup_list.rowCount() == 1, timeout=5000)
    assert "Backup written" in screen.backup_status.text()
    assert screen.backup_list.item(0, 1).text().endswith("MB")
    assert [b.path for b in list_backups(ws.backups_dir)] == screen.backup_files

    records.update(ws, "findings", finding, {"description": "이후 변경"})
    later = records.create(ws, "findings", minimal("findings", base_refs(ws))).id
    asked: list[str] = []
    monkeypatch.setattr(screen, "_confirm", lambda text: asked.append(text) or False)
    screen.restore_selected()
    assert asked and records.get(ws, "findings", finding)["description"] == "이후 변경"  # declined: untouched
    monkeypatch.setattr(screen, "_confirm", lambda text: True)
    screen.restore_selected()
    _idle(qtbot, screen)
    assert "Backup restored" in screen.backup_status.text(), screen.backup_error.text()
    # The same Workspace object is open again, on the restored data, and writable.
    assert records.get(ws, "findings", finding)["description"] == "방호덮개 파손"
    with pytest.raises(NotFoundError):
        records.get(ws, "findings", later)
    replaced = list(ws.path.glob("replaced-*"))
    assert len(replaced) == 1 and (replaced[0] / "safetydesk.db").exists()
    records.create(ws, "findings", minimal("findings", base_refs(ws)))
    with ws.reader() as conn:
        assert verify(conn).ok
    assert screen.backup_list.rowCount() == 1  # the backups folder survives a restore


def test_damaged_backup_is_refused_in_the_ui(
    qtbot: QtBot, ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    finding = records.create(ws, "findings", minimal("findings", base_refs(ws))).id
    screen = _screen(qtbot, ws)
    screen.back_up_now()
    _idle(qtbot, screen)
    qtbot.waitUntil(lambda: screen.backup_list.rowCount() == 1, timeout=5000)
    path = screen.backup_files[0]
    path.write_bytes(path.read_bytes()[:2000])
    monkeypatch.setattr(screen, "_confirm", lambda text: True)
    screen.restore_selected()
    _idle(qtbot, screen)
    assert "cannot be restored" in screen.backup_error.text()
    assert records.get(ws, "findings", finding)["id"] == finding and not list(ws.path.glob("replaced-*"))


def test_export_and_import_a_package(qtbot: QtBot, ws: Workspace, tmp_path: Path) -> None:
    finding = records.create(ws, "findings", minimal("findings", base_refs(ws))).id
    screen = _screen(qtbot, ws)
    screen.export_pack(tmp_path / "move.sdpack", "correct horse")
    _idle(qtbot, screen)
    assert (tmp_path / "move.sdpack").exists(), screen.backup_error.text()
    screen.import_pack(tmp_path / "move.sdpack", tmp_path / "new", "wrong password")
    _idle(qtbot, screen)
    assert "password is wrong" in screen.backup_error.text() and not (tmp_path / "new").exists()
    screen.import_pack(tmp_path / "move.sdpack", tmp_path / "new", "correct horse")
    _idle(qtbot, screen)
    assert "Unpacked into" in screen.backup_status.text()
    from safetydesk.core.workspace.workspace import open_workspace

    with open_workspace(tmp_path / "new") as copy:
        assert records.get(copy, "findings", finding)["id"] == finding


def test_scheduler_makes_todays_backup_once(
    qtbot: QtBot, ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_settings(ws, {BACKUP_SCHEDULE: "daily"})
    assert load_settings(ws).backup_schedule == "daily"
    monkeypatch.setattr(backup_ops, "FIRST_CHECK_MS", 10)
    screen = _screen(qtbot, ws)
    timer = backup_ops.start_scheduler(screen.ctx, screen)
    assert timer.interval() == backup_ops.HOUR_MS
    qtbot.waitUntil(lambda: len(list_backups(ws.backups_dir)) == 1, timeout=20000)
    timer.timeout.emit()  # the hourly check: today's backup exists, no second one
    screen.ctx.tasks.wait()
    assert len(list_backups(ws.backups_dir)) == 1
