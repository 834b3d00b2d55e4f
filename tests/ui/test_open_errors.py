"""Starting the app on a damaged workspace: the dialog says why, in Korean or English, and offers only
the ways out that apply; each way out works on a real workspace (offscreen)."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractButton, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from safetydesk.core.db.tables import sites
from safetydesk.core.i18n import set_language
from safetydesk.core.services import records
from safetydesk.core.workspace.archive import create_backup
from safetydesk.core.workspace.workspace import DamagedWorkspaceError, open_workspace
from safetydesk.ui.app import (
    WAY_CLOSE,
    WAY_READ_ONLY,
    WAY_RESTORE,
    open_at_startup,
    show_notices,
    startup_error_dialog,
)


@pytest.fixture
def lang() -> Iterator[None]:
    yield
    set_language("ko")


def _workspace_with_backup(path: Path) -> Path:
    with open_workspace(path) as ws:
        for i in range(4):
            records.create(ws, "sites", {"name": f"사업장 {i}"})
        return create_backup(ws).path


def _damage_index(db: Path) -> None:
    con = sqlite3.connect(db)
    try:
        page_size = con.execute("PRAGMA page_size").fetchone()[0]
        root = con.execute(
            "SELECT rootpage FROM sqlite_master WHERE type='index' AND tbl_name='audit_events' LIMIT 1"
        ).fetchone()[0]
    finally:
        con.close()
    with db.open("r+b") as fh:
        fh.seek((root - 1) * page_size)
        fh.write(bytes([0x0D]) + b"\xff" * 40)


def _error(path: Path) -> DamagedWorkspaceError:
    with pytest.raises(DamagedWorkspaceError) as caught:
        open_workspace(path)
    return caught.value


def _labels(buttons: dict[str, QAbstractButton]) -> dict[str, str]:
    return {way: b.text() for way, b in buttons.items()}


def test_damaged_but_readable_offers_read_only_and_restore(qtbot: QtBot, ws_path: Path, lang: None) -> None:
    backup = _workspace_with_backup(ws_path)
    _damage_index(ws_path / "safetydesk.db")
    exc = _error(ws_path)
    for language, read_only, restore, said in (
        ("en", "Open read-only", "Restore from backup…", "is damaged"),
        ("ko", "읽기 전용으로 열기", "백업에서 복원…", "손상"),
    ):
        set_language(language)
        box, buttons = startup_error_dialog(exc)
        qtbot.addWidget(box)
        assert set(buttons) == {WAY_READ_ONLY, WAY_RESTORE, WAY_CLOSE}
        labels = _labels(buttons)
        assert labels[WAY_READ_ONLY] == read_only and labels[WAY_RESTORE] == restore
        assert said in box.text()
        assert box.defaultButton() is buttons[WAY_CLOSE]  # Enter does nothing drastic
        assert str(backup) in box.detailedText()
    # Choosing "read-only" opens it read-only, with the damage said once more before the window.
    told: list[str] = []
    ws = open_at_startup(ws_path, choose=lambda _box, _b: WAY_READ_ONLY, tell=told.append)
    assert ws is not None
    try:
        assert ws.read_only
        show_notices(ws, told.append)
        assert told and "손상" in told[-1]
        with ws.reader() as conn:
            assert conn.execute(select(func.count()).select_from(sites)).scalar() == 4
    finally:
        ws.close()


def test_garbage_file_offers_restore_only_and_restore_works(qtbot: QtBot, ws_path: Path, lang: None) -> None:
    backup = _workspace_with_backup(ws_path)
    (ws_path / "safetydesk.db").write_bytes(b"this is not a database" * 300)
    for name in ("safetydesk.db-wal", "safetydesk.db-shm"):
        (ws_path / name).unlink(missing_ok=True)
    set_language("en")
    box, buttons = startup_error_dialog(_error(ws_path))
    qtbot.addWidget(box)
    assert set(buttons) == {WAY_RESTORE, WAY_CLOSE}  # nothing readable: no read-only offer
    seen: list[set[str]] = []

    def choose(_box: QMessageBox, offered: dict[str, QAbstractButton]) -> str:
        seen.append(set(offered))
        return WAY_RESTORE

    picked: list[list[Path]] = []
    told: list[str] = []

    def pick(_ws: Path, found: list[Path]) -> Path:
        picked.append(found)
        return found[0]

    ws = open_at_startup(ws_path, choose=choose, pick_backup=pick, tell=told.append)
    assert ws is not None
    try:
        assert not ws.read_only
        assert picked == [[backup]]
        with ws.reader() as conn:
            assert conn.execute(select(func.count()).select_from(sites)).scalar() == 4
    finally:
        ws.close()
    assert "restored from" in told[0] and "damaged files were kept in" in told[0]
    aside = [p for p in ws_path.iterdir() if p.name.startswith("replaced-")]
    assert len(aside) == 1 and (aside[0] / "safetydesk.db").read_bytes().startswith(b"this is not")


def test_close_opens_nothing_and_changes_nothing(qtbot: QtBot, ws_path: Path, lang: None) -> None:
    _workspace_with_backup(ws_path)
    db = ws_path / "safetydesk.db"
    db.write_bytes(b"\0" * 8192)
    before = db.read_bytes()
    assert open_at_startup(ws_path, choose=lambda _box, _b: WAY_CLOSE) is None
    assert db.read_bytes() == before
    assert not [p for p in ws_path.iterdir() if p.name.startswith("replaced-")]


def test_other_errors_only_close(qtbot: QtBot, ws_path: Path, lang: None) -> None:
    set_language("en")
    with open_workspace(ws_path):  # held open: a second window gets the lock message
        with pytest.raises(Exception) as caught:
            open_workspace(ws_path)
        box, buttons = startup_error_dialog(caught.value)  # type: ignore[arg-type]
        qtbot.addWidget(box)
        assert set(buttons) == {WAY_CLOSE}
        assert "already open" in box.text()


def test_missing_attachments_notice_before_window(ws_path: Path, lang: None, tmp_path: Path) -> None:
    from safetydesk.core.services.attachments import link, store_bytes
    from safetydesk.core.services.base import transaction

    with open_workspace(ws_path) as ws:
        site = records.create(ws, "sites", {"name": "사업장"}).id
        with transaction(ws, "test") as tx:
            link(tx, store_bytes(tx, b"\xff\xd8\xff photo", name="a.jpg"), "sites", site)
    shutil.rmtree(ws_path / "attachments")
    told: list[str] = []
    ws2 = open_at_startup(ws_path, choose=lambda _box, _b: WAY_CLOSE, tell=told.append)
    assert ws2 is not None
    try:
        set_language("ko")
        show_notices(ws2, told.append)
        assert "첨부" in told[-1] and "1" in told[-1]
    finally:
        ws2.close()
