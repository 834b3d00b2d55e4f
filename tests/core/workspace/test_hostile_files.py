"""Corrupt or hostile files (issue 7): each is detected on open or use, explained in Korean and
English with the safe way out, and nothing stored is lost or "repaired" away."""

from __future__ import annotations

import errno
import hashlib
import io
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import event, func, select, text

from safetydesk.cli import main as cli_main
from safetydesk.core.audit.chain import verify
from safetydesk.core.db.tables import attachment_links, attachments, audit_events, sites
from safetydesk.core.errors import UserError
from safetydesk.core.services import records
from safetydesk.core.services.attachments import link, store_bytes
from safetydesk.core.services.base import transaction
from safetydesk.core.workspace.archive import create_backup, restore_backup
from safetydesk.core.workspace.attachments import AttachmentStore
from safetydesk.core.workspace.health import check_workspace, quick_check
from safetydesk.core.workspace.workspace import DamagedWorkspaceError, Workspace, open_workspace


def _jpeg(seed: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (seed * 40 % 256, 90, 160)).save(buf, "JPEG")
    return buf.getvalue()


def _populate(path: Path) -> dict[str, object]:
    """Three sites, each with a photo; returns what must survive."""
    shas: list[str] = []
    with open_workspace(path) as ws:
        for i in range(3):
            site = records.create(ws, "sites", {"name": f"사업장 {i}"}).id
            with transaction(ws, "test") as tx:
                sha = store_bytes(tx, _jpeg(i), name=f"photo{i}.jpg")
                link(tx, sha, "sites", site, role="photo")
                shas.append(sha)
        counts = _counts(ws)
    return {"counts": counts, "shas": shas}


def _counts(ws: Workspace) -> dict[str, int]:
    with ws.reader() as conn:
        return {
            t.name: int(conn.execute(select(func.count()).select_from(t)).scalar() or 0)
            for t in (sites, attachments, attachment_links, audit_events)
        }


def _chain_ok(ws: Workspace) -> bool:
    with ws.reader() as conn:
        return verify(conn).ok


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def filled(ws_path: Path) -> tuple[Path, dict[str, object]]:
    return ws_path, _populate(ws_path)


# -- the database file -----------------------------------------------------------------------------


def test_garbage_database_is_refused_unchanged_with_restore_offered(
    filled: tuple[Path, dict[str, object]],
) -> None:
    path, _before = filled
    db = path / "safetydesk.db"
    db.write_bytes(b"\x00GARBAGE" * 5000)
    fingerprint = _sha(db)
    with pytest.raises(DamagedWorkspaceError) as caught:
        open_workspace(path)
    exc = caught.value
    assert "is not a SafetyDesk database or is damaged" in exc.text("en")
    assert "손상" in exc.text("ko") and "백업" in exc.text("ko")
    assert exc.read_only_possible is False  # nothing to read: only a backup helps
    assert _sha(db) == fingerprint  # no silent repair
    with pytest.raises(DamagedWorkspaceError):
        open_workspace(path, read_only=True)


def test_truncated_database_detected_and_restored_from_backup(filled: tuple[Path, dict[str, object]]) -> None:
    path, before = filled
    with open_workspace(path) as ws:
        backup = create_backup(ws).path
    db = path / "safetydesk.db"
    size = db.stat().st_size
    with db.open("r+b") as fh:
        fh.truncate(size // 2)
    fingerprint = _sha(db)
    assert "truncated" in quick_check(db)
    with pytest.raises(DamagedWorkspaceError) as caught:
        open_workspace(path)
    exc = caught.value
    assert "is damaged: the file is truncated" in exc.text("en")
    assert "손상" in exc.text("ko")
    assert exc.backups == [backup]  # the way out names the backup it found
    assert _sha(db) == fingerprint
    info = restore_backup(backup, path)
    assert (
        info.replaced_to is not None and _sha(info.replaced_to / "safetydesk.db") == fingerprint
    )  # kept aside
    with open_workspace(path) as ws:
        assert _counts(ws) == before["counts"]
        assert _chain_ok(ws)
        assert check_workspace(ws, hashes="all").ok


def _corrupt_index_page(db: Path) -> None:
    """Overwrite one index's root page: the header stays valid, ``PRAGMA quick_check`` fails."""
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
        fh.write(bytes([0x0D]) + b"\xff" * 40)  # a leaf-table page type where an index belongs, bad cells


def test_header_ok_but_quick_check_fails_offers_read_only(filled: tuple[Path, dict[str, object]]) -> None:
    path, before = filled
    db = path / "safetydesk.db"
    _corrupt_index_page(db)
    assert quick_check(db) != "ok"
    fingerprint = _sha(db)
    with pytest.raises(DamagedWorkspaceError) as caught:
        open_workspace(path)
    exc = caught.value
    assert exc.read_only_possible is True
    assert "Open it read-only" in exc.text("en")
    assert "읽기 전용" in exc.text("ko")
    # The safe way out: read-only, with the damage said again once the window is up.
    ws = open_workspace(path, read_only=True)
    try:
        assert ws.read_only
        assert any("database is damaged" in n.text("en") for n in ws.notices)
        with ws.reader() as conn:  # the tables themselves are intact and readable
            assert conn.execute(select(func.count()).select_from(sites)).scalar() == before["counts"]["sites"]  # type: ignore[index]
        with pytest.raises(UserError) as refused:
            records.create(ws, "sites", {"name": "x"})
        assert "read-only" in refused.value.text("en")
        assert check_workspace(ws).database != "ok"
    finally:
        ws.close()
    assert _sha(db) == fingerprint


# -- read-only and full disks (real tmpfs mounts: the tests run as root, which ignores chmod) -------


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    try:
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mnt)], check=True, capture_output=True
        )
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False, capture_output=True)


def test_read_only_disk_opens_read_only_with_notice(
    filled: tuple[Path, dict[str, object]], tmpfs: Path
) -> None:
    path, before = filled
    target = tmpfs / "ws"
    shutil.copytree(path, target, ignore=shutil.ignore_patterns("safetydesk.lock*", "backups"))
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    ws = open_workspace(target)
    try:
        assert ws.read_only
        [notice] = ws.notices
        assert "is read-only, so the workspace was opened read-only" in notice.text("en")
        assert "읽기 전용" in notice.text("ko")
        assert _counts(ws) == before["counts"]
        assert _chain_ok(ws)
        shas = before["shas"]
        assert isinstance(shas, list)
        assert ws.attachments.read_bytes(shas[0]) == _jpeg(0)  # photos still show
        with pytest.raises(UserError) as caught:
            records.create(ws, "sites", {"name": "x"})
        assert "읽기 전용" in caught.value.text("ko")
        assert check_workspace(ws, hashes="all").ok
    finally:
        ws.close()


def _fill_disk(folder: Path) -> Path:
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\1" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return filler


def test_full_disk_rolls_back_with_message_and_loses_nothing(
    filled: tuple[Path, dict[str, object]], tmpfs: Path
) -> None:
    path, before = filled
    target = tmpfs / "ws"
    shutil.copytree(path, target, ignore=shutil.ignore_patterns("safetydesk.lock*", "backups"))
    ws = open_workspace(target)
    try:
        filler = _fill_disk(tmpfs)
        big = Image.effect_noise((400, 400), 80).convert("RGB")
        buf = io.BytesIO()
        big.save(buf, "PNG")
        # 1. The attachment write hits ENOSPC before its row: the transaction rolls back.
        with pytest.raises(UserError) as caught, transaction(ws, "test") as tx:
            site = tx.insert("sites", {"name": "디스크 가득"})
            sha = store_bytes(tx, buf.getvalue(), mime="image/png")
            link(tx, sha, "sites", site)
        assert caught.value.text("en").startswith("The disk is full: the change was not saved.")
        assert "디스크" in caught.value.text("ko")
        # 2. SQLite itself runs out of pages (SQLITE_FULL): a big text no longer fits.
        with pytest.raises(UserError) as caught, transaction(ws, "test") as tx:
            for i in range(200):
                tx.insert("sites", {"name": f"s{i}", "address": "가" * 390})
        assert "The disk is full" in caught.value.text("en")
        assert _counts(ws) == before["counts"]
        assert _chain_ok(ws)
        assert not list((target / "attachments").rglob(".tmp-*"))  # no half-written file left behind
        filler.unlink()
        records.create(ws, "sites", {"name": "공간 확보 후"})  # the same workspace carries on
        assert _counts(ws)["sites"] == before["counts"]["sites"] + 1  # type: ignore[index]
        assert _chain_ok(ws)
    finally:
        ws.close()
    with sqlite3.connect(target / "safetydesk.db") as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_sqlite_full_via_max_page_count_without_a_mount(filled: tuple[Path, dict[str, object]]) -> None:
    path, before = filled
    ws = open_workspace(path)
    try:
        ws.engine.dispose()

        @event.listens_for(ws.engine, "connect")
        def _cap(dbapi_conn: sqlite3.Connection, _rec: object) -> None:
            pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
            dbapi_conn.execute(f"PRAGMA max_page_count={pages + 2}")

        with pytest.raises(UserError) as caught, transaction(ws, "test") as tx:
            for i in range(100):
                tx.insert("sites", {"name": f"s{i}", "address": "x" * 390})
        assert "The disk is full" in caught.value.text("en")
        assert "디스크가 가득" in caught.value.text("ko")
        assert _counts(ws) == before["counts"]
        assert _chain_ok(ws)
    finally:
        ws.close()


# -- attachments ------------------------------------------------------------------------------------


def test_missing_attachments_folder_is_reported_not_recreated(filled: tuple[Path, dict[str, object]]) -> None:
    path, before = filled
    shutil.rmtree(path / "attachments")
    ws = open_workspace(path)
    try:
        [notice] = ws.notices
        assert "attachments folder of this workspace is missing: 3 photos" in notice.text("en")
        assert "첨부" in notice.text("ko")
        assert not (path / "attachments").exists()  # no empty folder papering over the loss
        assert _counts(ws) == before["counts"]  # the records stay
        assert _chain_ok(ws)
        shas = before["shas"]
        assert isinstance(shas, list)
        with pytest.raises(UserError) as caught:
            ws.attachments.read_bytes(shas[0])  # the photo shows as missing
        assert "is missing" in caught.value.text("en")
        report = check_workspace(ws)
        assert not report.ok and not report.attachments_folder
        assert sorted(report.missing) == sorted(shas)
        assert all(p.links and p.links[0][0] == "sites" for p in report.problems)
        assert len(report.messages()) == 1  # said once, for the folder
    finally:
        ws.close()


def test_flipped_byte_in_attachment_is_refused_and_reported(
    filled: tuple[Path, dict[str, object]], capsys: pytest.CaptureFixture[str]
) -> None:
    path, before = filled
    shas = before["shas"]
    assert isinstance(shas, list)
    victim = AttachmentStore(path / "attachments").path_for(shas[1])
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0x01
    victim.write_bytes(bytes(data))
    with open_workspace(path) as ws:
        with pytest.raises(UserError) as caught:
            ws.attachments.read_bytes(shas[1])  # never shown as genuine
        assert "no longer matches its fingerprint" in caught.value.text("en")
        assert "지문" in caught.value.text("ko") or "일치" in caught.value.text("ko")
        report = check_workspace(ws, hashes="all")
        assert report.damaged == [shas[1]] and report.missing == []
        [msg] = report.messages()
        assert shas[1][:12] in msg.text("en") and "sites" in msg.text("en")
        assert "손상" in msg.text("ko")
        assert _counts(ws) == before["counts"]
    assert victim.read_bytes() == bytes(data)  # left untouched, for the investigator
    # The command line names it too.
    assert cli_main(["verify", "--workspace", str(path), "--attachments"]) == 1
    out = capsys.readouterr().out
    assert shas[1] in out


def test_verify_attachments_names_missing_files(
    filled: tuple[Path, dict[str, object]], capsys: pytest.CaptureFixture[str]
) -> None:
    path, before = filled
    shas = before["shas"]
    assert isinstance(shas, list)
    AttachmentStore(path / "attachments").path_for(shas[2]).unlink()
    assert cli_main(["--lang", "en", "verify", "--workspace", str(path), "--attachments"]) == 1
    out = capsys.readouterr().out
    assert shas[2] in out
    assert shas[0] not in out


def test_healthy_workspace_reports_ok(filled: tuple[Path, dict[str, object]]) -> None:
    path, _before = filled
    with open_workspace(path) as ws:
        assert not ws.notices
        report = check_workspace(ws, hashes="all")
        assert report.ok and report.attachments == 3 and report.hashed == 3 and report.messages() == []
        with ws.reader() as conn:
            assert conn.execute(text("PRAGMA quick_check")).scalar() == "ok"
