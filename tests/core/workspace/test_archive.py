"""Backup and restore round trip with attachments; a bad backup changes nothing."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from safetydesk.core.audit.chain import verify
from safetydesk.core.errors import UserError
from safetydesk.core.services import attachments, records
from safetydesk.core.services.base import transaction
from safetydesk.core.workspace.archive import create_backup, restore_backup
from safetydesk.core.workspace.workspace import open_workspace
from tests.factories import base_refs, minimal

PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40


def _populate(ws_path: Path) -> tuple[str, str]:
    with open_workspace(ws_path) as ws:
        refs = base_refs(ws)
        finding = records.create(ws, "findings", minimal("findings", refs)).id
        with transaction(ws) as tx:
            sha = attachments.store_bytes(tx, PHOTO)
            attachments.link(tx, sha, "findings", finding, role="before")
        return finding, sha


def test_round_trip_with_attachments(ws_path: Path, tmp_path: Path) -> None:
    finding, sha = _populate(ws_path)
    with open_workspace(ws_path, read_only=True) as ws:
        info = create_backup(ws, tmp_path / "b.sdbackup")
    assert info.attachments == 1 and info.size > 1000
    # Work continues after the backup; then disaster strikes: the record is edited and the photo lost.
    with open_workspace(ws_path) as ws:
        records.update(ws, "findings", finding, {"description": "이후 변경"})
        ws.attachments.path_for(sha).unlink()
    result = restore_backup(tmp_path / "b.sdbackup", ws_path)
    assert result.replaced_to is not None and (result.replaced_to / "safetydesk.db").exists()
    with open_workspace(ws_path) as ws:
        assert records.get(ws, "findings", finding)["description"] == "방호덮개 파손"
        assert ws.attachments.read_bytes(sha) == PHOTO
        with ws.reader() as conn:
            assert verify(conn).ok


def test_restore_into_a_new_folder(ws_path: Path, tmp_path: Path) -> None:
    finding, _sha = _populate(ws_path)
    with open_workspace(ws_path, read_only=True) as ws:
        create_backup(ws, tmp_path / "b.sdbackup")
    info = restore_backup(tmp_path / "b.sdbackup", tmp_path / "elsewhere")
    assert info.replaced_to is None
    with open_workspace(tmp_path / "elsewhere") as ws:
        assert records.get(ws, "findings", finding)["severity"] == "high"


@pytest.mark.parametrize("damage", ["truncate", "tamper_db", "tamper_photo", "not_zip"])
def test_damaged_backup_is_refused_and_nothing_changes(ws_path: Path, tmp_path: Path, damage: str) -> None:
    _populate(ws_path)
    with open_workspace(ws_path, read_only=True) as ws:
        backup = create_backup(ws, tmp_path / "b.sdbackup").path
    bad = tmp_path / "bad.sdbackup"
    data = backup.read_bytes()
    if damage == "truncate":
        bad.write_bytes(data[: len(data) // 2])
    elif damage == "not_zip":
        bad.write_bytes(b"hello")
    else:
        with zipfile.ZipFile(backup) as src, zipfile.ZipFile(bad, "w") as dst:
            for item in src.infolist():
                content = src.read(item.filename)
                if damage == "tamper_db" and item.filename == "safetydesk.db":
                    content = content[:-100] + b"\x01" * 100
                if damage == "tamper_photo" and item.filename.startswith("attachments/"):
                    content = content[:-1] + b"\x00"
                dst.writestr(item, content)
    before = (ws_path / "safetydesk.db").read_bytes()
    with pytest.raises(UserError) as err:
        restore_backup(bad, ws_path)
    assert "cannot be restored" in err.value.text("en")
    assert "복원할 수 없습니다" in err.value.text("ko")
    assert (ws_path / "safetydesk.db").read_bytes() == before
    assert not list(ws_path.glob("replaced-*"))


def test_restore_refuses_while_the_workspace_is_open(ws_path: Path, tmp_path: Path) -> None:
    _populate(ws_path)
    with open_workspace(ws_path, read_only=True) as ws:
        backup = create_backup(ws, tmp_path / "b.sdbackup").path
    with open_workspace(ws_path), pytest.raises(UserError) as err:
        restore_backup(backup, ws_path)
    assert "already open" in err.value.text("en")
