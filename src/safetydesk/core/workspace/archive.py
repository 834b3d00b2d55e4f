"""Full backups (database + attachments) as one ``.sdbackup`` zip, and verified restore.

Restore checks the backup before it touches anything: the database's SHA-256 against the manifest,
``PRAGMA integrity_check``, the audit chain, and every attachment's hash. Only then is the current
workspace moved aside (never deleted) and the backup put in its place.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from safetydesk import __version__
from safetydesk.core.clock import now_iso
from safetydesk.core.db.schema_version import SCHEMA_REVISIONS
from safetydesk.core.errors import UserError
from safetydesk.core.i18n import N_
from safetydesk.core.workspace.backup import backup_database_file
from safetydesk.core.workspace.workspace import DB_NAME, Workspace, open_workspace

FORMAT = 1
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    size: int
    attachments: int
    db_sha256: str


@dataclass(frozen=True)
class RestoreInfo:
    workspace: Path
    replaced_to: Path | None
    records_checked: int
    attachments: int


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def create_backup(ws: Workspace, target: Path | None = None, progress: Progress | None = None) -> BackupInfo:
    stamp = now_iso()[:19].replace(":", "")
    target = target or ws.backups_dir / f"safetydesk-{stamp}.sdbackup"
    if target.is_dir():
        target = target / f"safetydesk-{stamp}.sdbackup"
    target.parent.mkdir(parents=True, exist_ok=True)
    files = sorted(
        p for p in (ws.path / "attachments").rglob("*") if p.is_file() and not p.name.startswith(".")
    )
    with tempfile.TemporaryDirectory() as tmp:
        db_copy = backup_database_file(ws.db_path, Path(tmp) / DB_NAME)
        db_sha = _sha256_file(db_copy)
        partial = target.with_name(target.name + ".partial")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            zf.write(db_copy, DB_NAME)
            for i, path in enumerate(files):
                rel = path.relative_to(ws.path).as_posix()
                zf.write(path, rel, compress_type=zipfile.ZIP_STORED)
                if progress and i % 50 == 0:
                    progress(i, len(files), rel)
            manifest = {
                "format": FORMAT,
                "app_version": __version__,
                "created_at": now_iso(),
                "db_sha256": db_sha,
                "attachments": len(files),
                "source": str(ws.path),
            }
            zf.writestr("manifest.json", json.dumps(manifest, indent=2))
        partial.replace(target)
    return BackupInfo(target, target.stat().st_size, len(files), db_sha)


def _bad(reason: str) -> UserError:
    return UserError(
        N_("This backup cannot be restored: {reason}."),
        N_("Nothing was changed. Choose another backup file."),
        reason=reason,
    )


def check_backup(archive: Path, into: Path) -> tuple[dict[str, object], int]:
    """Unpack into ``into`` and prove the backup whole; returns (manifest, records checked)."""
    from safetydesk.core.audit.chain import verify

    try:
        zf = zipfile.ZipFile(archive)
    except (OSError, zipfile.BadZipFile) as exc:
        raise _bad(f"not a SafetyDesk backup ({exc})") from exc
    with zf:
        try:
            manifest = json.loads(zf.read("manifest.json"))
        except (KeyError, ValueError) as exc:
            raise _bad("manifest.json is missing or damaged") from exc
        if manifest.get("format") != FORMAT:
            raise _bad(f"unknown backup format {manifest.get('format')!r}")
        for member in zf.namelist():
            if member.startswith("/") or ".." in Path(member).parts:
                raise _bad(f"unsafe path {member!r} in the archive")
        try:
            zf.extractall(into)
        except (OSError, zipfile.BadZipFile) as exc:
            raise _bad(f"the archive is damaged ({exc})") from exc
    db = into / DB_NAME
    if not db.exists() or _sha256_file(db) != manifest.get("db_sha256"):
        raise _bad("the database in the backup does not match its fingerprint")
    con = sqlite3.connect(db)
    try:
        result = con.execute("PRAGMA integrity_check").fetchone()[0]
        revision = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise _bad(f"the database is damaged ({exc})") from exc
    finally:
        con.close()
    if result != "ok":
        raise _bad(f"the database failed its integrity check ({result})")
    if revision not in SCHEMA_REVISIONS:
        raise _bad(f"it was made by a newer SafetyDesk (schema {revision})")
    for path in (into / "attachments").rglob("*") if (into / "attachments").exists() else []:
        if path.is_file() and path.parent.name + path.name != _sha256_file(path):
            raise _bad(f"attachment {path.name[:10]}… is damaged")
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///file:{db.as_posix()}?mode=ro&uri=true")
    try:
        with engine.connect() as conn:
            report = verify(conn)
    finally:
        engine.dispose()
    if not report.ok:
        raise _bad("its audit chain does not verify")
    return manifest, report.records


def restore_backup(archive: Path, workspace: Path) -> RestoreInfo:
    workspace = workspace.expanduser().resolve()
    workspace.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=workspace))
    try:
        manifest, records = check_backup(archive, staging)
        replaced = _swap_in(staging, workspace)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    # Opening once migrates a backup taken by an older SafetyDesk.
    open_workspace(workspace).close()
    return RestoreInfo(workspace, replaced, records, int(str(manifest.get("attachments", 0))))


def _swap_in(staging: Path, workspace: Path) -> Path | None:
    """Move the current data aside (never deleted) and the checked copy in; returns the aside folder."""
    # Take the workspace lock so a running SafetyDesk cannot have it open while we swap files.
    from safetydesk.core.workspace.workspace import _acquire_lock

    lock = _acquire_lock(workspace)
    try:
        replaced: Path | None = None
        if (workspace / DB_NAME).exists():
            replaced = workspace / f"replaced-{now_iso()[:19].replace(':', '')}"
            replaced.mkdir()
            for name in (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm", "attachments"):
                if (workspace / name).exists():
                    shutil.move(str(workspace / name), str(replaced / name))
        shutil.move(str(staging / DB_NAME), str(workspace / DB_NAME))
        if (staging / "attachments").exists():
            shutil.move(str(staging / "attachments"), str(workspace / "attachments"))
        else:
            (workspace / "attachments").mkdir(exist_ok=True)
    finally:
        lock.release()
    return replaced


def restore_open_workspace(ws: Workspace, archive: Path) -> RestoreInfo:
    """Restore ``archive`` over the workspace the app has open, then reopen it in the same object.

    The backup is checked before the workspace is closed; the replaced data is kept aside in
    ``replaced-<time>/``. Whatever happens, ``ws`` is open again afterwards (on the restored data
    when all went well, on the untouched data otherwise).
    """
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=ws.path))
    try:
        manifest, records = check_backup(archive, staging)  # refuse a bad backup before closing anything
        ws.close()
        try:
            replaced = _swap_in(staging, ws.path)
        finally:
            # Reopen in the same object (screens hold it); this also migrates an older backup.
            fresh = open_workspace(ws.path)
            ws.engine, ws._lock, ws.device_id = fresh.engine, fresh._lock, fresh.device_id
            ws.migrated_from = fresh.migrated_from
            fresh._lock = None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return RestoreInfo(ws.path, replaced, records, int(str(manifest.get("attachments", 0))))
