"""Power loss is not SIGKILL: what the kernel still held is lost too, so the *order* of fsyncs matters.

These tests record the real system calls (``os.fsync``, ``os.replace`` and SQLite's own statements;
each spy calls straight through) while an attachment is stored and its row commits, and check the
order the attachment store promises: bytes → temp file → fsync → rename → fsync of the folder (and
of ``attachments/`` when the folder is new) → the row commits. They also make a real crash half-way
through an attachment write (a child process that ends itself mid-write) and check what it leaves.
"""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import event, select

from safetydesk.core.audit.chain import verify
from safetydesk.core.db.tables import attachment_links, attachments
from safetydesk.core.services import actions, inspections, records
from safetydesk.core.services import attachments as attachment_service
from safetydesk.core.services.base import transaction
from safetydesk.core.workspace.archive import create_backup
from safetydesk.core.workspace.workspace import Workspace, open_workspace

pytestmark = pytest.mark.skipif(os.name != "posix", reason="directory fsync and fork are POSIX")


def _jpeg(seed: int, size: tuple[int, int] = (320, 240)) -> bytes:
    image = Image.frombytes("RGB", size, bytes((i * seed) % 251 for i in range(size[0] * size[1] * 3)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


class Trace:
    """What happened, in order: ("fsync", "file"|"dir", (dev, ino)), ("replace", src, dst), ("sql", verb)."""

    def __init__(self, ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
        self.events: list[tuple[Any, ...]] = []
        real_fsync, real_replace = os.fsync, os.replace

        def fsync(fd: int) -> None:
            real_fsync(fd)
            st = os.fstat(fd)
            kind = "dir" if stat.S_ISDIR(st.st_mode) else "file"
            self.events.append(("fsync", kind, (st.st_dev, st.st_ino)))

        def replace(src: Any, dst: Any, **kw: Any) -> None:
            real_replace(src, dst, **kw)
            self.events.append(("replace", Path(src), Path(dst)))

        monkeypatch.setattr(os, "fsync", fsync)
        monkeypatch.setattr(os, "replace", replace)
        ws.engine.dispose()  # new connections, each with the statement trace

        def on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.set_trace_callback(lambda sql: self.events.append(("sql", sql.split()[0].upper())))

        event.listen(ws.engine, "connect", on_connect)

    def index(self, predicate: Callable[[tuple[Any, ...]], bool]) -> int:
        return next(i for i, e in enumerate(self.events) if predicate(e))

    def check_order(self, ws: Workspace, sha: str, *, new_folder: bool) -> None:
        target = ws.attachments.path_for(sha)
        file_synced = self.index(lambda e: e[:3] == ("fsync", "file", ident(target)))
        renamed = self.index(lambda e: e[0] == "replace" and e[2] == target)
        folder_synced = self.index(lambda e: e[:3] == ("fsync", "dir", ident(target.parent)))
        committed = max(i for i, e in enumerate(self.events) if e == ("sql", "COMMIT"))
        began = self.index(lambda e: e[0] == "sql" and e[1] == "BEGIN")
        assert self.events[renamed][1].name.startswith(".tmp-")
        assert self.events[renamed][1].parent == target.parent  # same folder: rename is atomic
        assert began < file_synced < renamed < folder_synced < committed, self.events
        if new_folder:
            root_synced = self.index(lambda e: e[:3] == ("fsync", "dir", ident(ws.attachments.root)))
            assert renamed < root_synced < committed


def ident(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_dev, st.st_ino


def _new_folder(ws: Workspace, data: bytes) -> bool:
    import hashlib

    return not ws.attachments.path_for(hashlib.sha256(data).hexdigest()).parent.exists()


def test_bytes_stored_in_a_transaction_are_durable_before_the_row(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _jpeg(3)
    new_folder = _new_folder(ws, data)
    trace = Trace(ws, monkeypatch)
    with transaction(ws, "test") as tx:
        sha = attachment_service.store_bytes(tx, data)
        action = tx.insert(
            "corrective_actions",
            {
                "source_kind": "audit",
                "title": "방호덮개 교체",
                "hierarchy": "engineering",
                "due_on": date(2026, 7, 1),
            },
        )
        attachment_service.link(tx, sha, "corrective_actions", action, role="before")
    trace.check_order(ws, sha, new_folder=new_folder)
    with ws.reader() as conn:
        assert conn.execute(
            select(attachment_links.c.record_id).where(attachment_links.c.sha256 == sha)
        ).scalar()
    assert ws.attachments.check(sha)


def test_photo_file_and_action_evidence_are_durable_before_the_row(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    photo = tmp_path / "brake.jpg"
    photo.write_bytes(_jpeg(5))
    new_folder = _new_folder(ws, photo.read_bytes())
    trace = Trace(ws, monkeypatch)
    stored = inspections.store_photo(ws, photo)
    trace.check_order(ws, stored.sha256, new_folder=new_folder)

    action = records.create(
        ws,
        "corrective_actions",
        {
            "source_kind": "audit",
            "title": "방호덮개 교체",
            "hierarchy": "engineering",
            "due_on": date(2026, 6, 30),
        },
    ).id
    after = tmp_path / "after.jpg"
    after.write_bytes(_jpeg(7))
    new_folder = _new_folder(ws, after.read_bytes())
    trace.events.clear()
    sha = actions.add_evidence(ws, action, after)
    trace.check_order(ws, sha, new_folder=new_folder)
    with ws.reader() as conn:
        assert conn.execute(select(attachments.c.size).where(attachments.c.sha256 == sha)).scalar() == len(
            after.read_bytes()
        )


def _crash(script: str, tmp_path: Path, data: bytes = b"") -> None:
    """Run ``script`` in a fresh interpreter that ends itself with ``os._exit(0)`` half-way."""
    payload = tmp_path / "payload.bin"
    payload.write_bytes(data)
    done = subprocess.run([sys.executable, "-c", script, str(payload)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_a_crash_mid_write_leaves_only_a_hidden_temp_file(ws: Workspace, tmp_path: Path) -> None:
    store = ws.attachments
    kept = store.put_bytes(_jpeg(11))
    data = _jpeg(13, (800, 600))
    import hashlib

    sha = hashlib.sha256(data).hexdigest()

    _crash(
        f"""
import hashlib, os, sys
from pathlib import Path
from safetydesk.core.workspace.attachments import AttachmentStore
data = Path(sys.argv[1]).read_bytes()
def chunks():
    yield data[: len(data) // 2]
    os._exit(0)  # the process ends here, like a power cut mid-write: no cleanup runs
AttachmentStore(Path({str(store.root)!r}))._write_atomically(hashlib.sha256(data).hexdigest(), chunks())
sys.exit(1)
""",
        tmp_path,
        data,
    )

    (leftover,) = store.temp_files()
    assert leftover.parent == store.path_for(sha).parent and leftover.name.startswith(".tmp-")
    assert 0 < leftover.stat().st_size < len(data)  # half-written
    assert not store.exists(sha) and not store.check(sha)  # never seen as the attachment
    backup = create_backup(ws, tmp_path / "b.sdbackup")
    with zipfile.ZipFile(backup.path) as zf:
        names = zf.namelist()
    assert not any(".tmp-" in n for n in names) and any(n.endswith(kept[2:]) for n in names)

    assert store.put_bytes(data) == sha and store.check(sha)  # storing it again works
    assert store.remove_temp_files() == 1 and store.temp_files() == []
    assert store.check(kept) and store.check(sha)


def test_a_crash_during_the_very_first_write_is_rolled_back_on_open(tmp_path: Path) -> None:
    """Killed while SQLite writes a new file: a hot ``-journal`` and an unfinished first page remain.

    Before the fix, ``open_workspace`` looked at that file read-only and called it damaged (SIGKILL
    tests hit it ~1 in 100 kills during a first start). SQLite's own recovery rolls it back.
    """
    path = tmp_path / "ws"
    path.mkdir()
    _crash(
        f"""
import os, sqlite3
con = sqlite3.connect({str(path / "safetydesk.db")!r}, isolation_level=None)
con.execute("PRAGMA cache_size=1")  # spill pages to the file before the commit
con.execute("BEGIN IMMEDIATE")
con.execute("CREATE TABLE t(a)")
for _ in range(200):
    con.execute("INSERT INTO t VALUES (?)", (os.urandom(2000),))
os._exit(0)
""",
        tmp_path,
    )
    journal = path / "safetydesk.db-journal"
    assert journal.stat().st_size > 0 and (path / "safetydesk.db").stat().st_size > 0
    with open_workspace(path) as ws, ws.reader() as conn:  # a new, empty workspace: nothing was committed
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert verify(conn).ok
        assert conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE name = 't'").scalar() == 0
    assert not journal.exists() or journal.stat().st_size == 0
