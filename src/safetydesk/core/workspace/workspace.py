"""A workspace is one folder: ``safetydesk.db``, ``attachments/`` and ``backups/`` (DESIGN.md §2).

Opening one takes an exclusive OS lock (a second SafetyDesk on the same folder gets a clear message,
not a corrupted file), checks that the file is a SafetyDesk database of a schema this version knows,
and migrates an older one after backing it up.
"""

from __future__ import annotations

import errno
import json
import os
import socket
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy import Engine
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from safetydesk.core.clock import new_id, now_iso
from safetydesk.core.db.engine import make_engine
from safetydesk.core.db.schema_version import SCHEMA_HEAD, SCHEMA_REVISIONS
from safetydesk.core.errors import (
    CorruptWorkspaceError,
    SchemaTooNewError,
    UserError,
    WorkspaceLockedError,
)
from safetydesk.core.i18n import N_
from safetydesk.core.workspace import health
from safetydesk.core.workspace.attachments import AttachmentStore

DB_NAME = "safetydesk.db"
LOCK_NAME = "safetydesk.lock"
SQLITE_HEADER = b"SQLite format 3\x00"

# SQLite primary result codes that mean "the disk", not "the program" (sqlite3 error.sqlite_errorcode & 0xFF).
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_NOTADB = 26
_READ_ONLY_ERRNOS = (errno.EROFS, errno.EACCES, errno.EPERM)


class DamagedWorkspaceError(CorruptWorkspaceError):
    """The database file is damaged. Says which ways out apply: read-only (if the schema can still be
    read) and restore from a backup (always; ``backups`` lists the ones found in the workspace)."""

    def __init__(
        self,
        message: str,
        hint: str = "",
        *,
        db_path: Path,
        read_only_possible: bool,
        **params: object,
    ) -> None:
        super().__init__(message, hint, **params)
        self.db_path = db_path
        self.read_only_possible = read_only_possible
        self.backups = find_backups(db_path.parent)


def find_backups(path: Path) -> list[Path]:
    """Full backups (``.sdbackup``) in the workspace's ``backups`` folder, newest first."""
    folder = path / "backups"
    try:
        found = [p for p in folder.glob("*.sdbackup") if p.is_file()]
    except OSError:
        return []
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def _write_failure(exc: BaseException) -> UserError | None:
    """The user's message for a write that failed because of the disk, or ``None`` for anything else."""
    code: int | None = None
    if isinstance(exc, DBAPIError):
        code = getattr(exc.orig, "sqlite_errorcode", None)
    elif isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        code &= 0xFF
    if code == SQLITE_FULL or (isinstance(exc, OSError) and exc.errno == errno.ENOSPC):
        return UserError(
            N_("The disk is full: the change was not saved."),
            N_(
                "Nothing stored before was lost; this change was rolled back. Free space on the disk "
                "(or move the workspace to a larger one) and save again."
            ),
        )
    if code == SQLITE_READONLY or (isinstance(exc, OSError) and exc.errno in _READ_ONLY_ERRNOS):
        return UserError(
            N_("The workspace cannot be changed: its disk or folder is read-only."),
            N_(
                "Nothing was saved. Copy the workspace to a writable folder, or make the disk writable, and open it again."
            ),
        )
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return health.damaged_database_message(str(getattr(exc, "orig", exc)).splitlines()[0])
    if code == SQLITE_IOERR:
        return UserError(
            N_("A disk error stopped the change: {reason}."),
            N_("Nothing was saved. Check the disk (or the USB stick or network share) and try again."),
            reason=str(getattr(exc, "orig", exc)).splitlines()[0],
        )
    return None


def default_workspace_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("SafetyDesk", "SafetyDesk", roaming=False)) / "workspace"


@dataclass
class Workspace:
    path: Path
    engine: Engine
    read_only: bool = False
    device_id: str = ""
    migrated_from: str | None = None
    # What the user should be told once the window is up (opened read-only, attachments folder missing).
    notices: list[UserError] = field(default_factory=list)
    _lock: FileLock | None = field(default=None, repr=False)

    @property
    def db_path(self) -> Path:
        return self.path / DB_NAME

    @property
    def attachments(self) -> AttachmentStore:
        return AttachmentStore(self.path / "attachments")

    @property
    def backups_dir(self) -> Path:
        return self.path / "backups"

    @contextmanager
    def reader(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn, conn.begin():
                yield conn
        except DBAPIError as exc:
            failure = _write_failure(exc)
            if failure is None or getattr(exc.orig, "sqlite_errorcode", 0) & 0xFF not in (
                SQLITE_CORRUPT,
                SQLITE_NOTADB,
            ):
                raise
            raise failure from exc

    @contextmanager
    def writer(self) -> Iterator[Connection]:
        """One write transaction holding SQLite's write lock from its first statement."""
        if self.read_only:
            raise UserError(
                N_("This workspace is open read-only."),
                N_("Close it and open it normally to make changes."),
            )
        try:
            with self.engine.connect() as raw:
                conn = raw.execution_options(sd_write=True)
                with conn.begin():  # any exception rolls the whole transaction back
                    yield conn
        except (DBAPIError, OSError) as exc:
            failure = _write_failure(exc)
            if failure is None:
                raise
            raise failure from exc

    def close(self) -> None:
        if not self.read_only:
            self.optimize()
        self.engine.dispose()
        if self._lock is not None:
            self._lock.release()
            (self.path / f"{LOCK_NAME}.json").unlink(missing_ok=True)
            self._lock = None

    def optimize(self) -> None:
        """Refresh the query planner's statistics (SQLite's advice: ``PRAGMA optimize`` before closing).

        Without them SQLite scans a million checklist answers to show the newest 200.
        """
        try:
            with self.writer() as conn:
                conn.exec_driver_sql("PRAGMA analysis_limit=1000")  # sampled: milliseconds, not seconds
                conn.exec_driver_sql("ANALYZE")
        except Exception:  # statistics are an optimisation; never let them block closing
            pass

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_workspace(path: Path, *, create: bool = True, read_only: bool = False) -> Workspace:
    path = path.expanduser().resolve()
    db_path = path / DB_NAME
    if not db_path.exists() and (not create or read_only):
        raise UserError(
            N_("No SafetyDesk workspace was found at {path}."),
            N_("Check the folder, or create a new workspace there."),
            path=str(path),
        )
    notices: list[UserError] = []
    if not read_only:
        try:
            path.mkdir(parents=True, exist_ok=True)
            _check_writable(path)
        except UserError as exc:
            cause = exc.__cause__
            if not (db_path.exists() and isinstance(cause, OSError) and cause.errno in _READ_ONLY_ERRNOS):
                raise
            read_only = (
                True  # a workspace on a CD, a locked USB stick or a read-only share: look, don't touch
            )
            notices.append(
                UserError(
                    N_("The workspace folder {path} is read-only, so the workspace was opened read-only."),
                    N_(
                        "You can look at and print everything; to make changes, copy the folder to a writable disk."
                    ),
                    path=str(path),
                )
            )
    lock = None if read_only else _acquire_lock(path)
    try:
        if lock is not None:
            _finish_interrupted_write(db_path)
        existed = db_path.exists() and db_path.stat().st_size > 0
        if existed:
            _check_header(db_path)
            verdict = health.quick_check(db_path)
            if verdict != "ok":
                if not read_only or not health.readable(db_path):
                    raise DamagedWorkspaceError(
                        N_("The workspace database {path} is damaged: {detail}."),
                        N_(
                            "Nothing was repaired or deleted. Open it read-only to look at what can still be "
                            "read, or restore the workspace from a backup."
                        )
                        if health.readable(db_path)
                        else N_("Nothing was changed. Restore the workspace from a backup."),
                        db_path=db_path,
                        read_only_possible=health.readable(db_path),
                        path=str(db_path),
                        detail=verdict,
                    )
                notices.append(health.damaged_database_message(verdict))
        current = _schema_revision(db_path) if existed else None
        if current is not None and current not in SCHEMA_REVISIONS:
            raise SchemaTooNewError(
                N_("This workspace was made by a newer version of SafetyDesk (schema {rev})."),
                N_("Install the newer SafetyDesk to open it; nothing in the workspace was changed."),
                rev=current,
            )
        immutable = read_only and existed and health.needs_immutable(db_path)
        engine = make_engine(db_path, read_only=read_only, immutable=immutable)
        ws = Workspace(path=path, engine=engine, read_only=read_only, notices=notices, _lock=lock)
        if current != SCHEMA_HEAD:
            if read_only:
                engine.dispose()
                raise UserError(
                    N_("This workspace needs an upgrade before it can be opened read-only."),
                    N_("Open it normally once; SafetyDesk backs it up and upgrades it."),
                )
            _migrate(ws, current)
        had_attachments = (path / "attachments").is_dir()
        ws.device_id = _device_id(ws)
        stored = _attachment_count(ws) if existed and not had_attachments else 0
        if stored:
            # Never paper over it with an empty folder: the records stay, their files show as missing.
            ws.notices.append(health.missing_folder_message(stored))
        for sub in ("attachments", "backups"):
            if not read_only and not (sub == "attachments" and stored):
                (path / sub).mkdir(exist_ok=True)
        return ws
    except BaseException:
        if lock is not None:
            lock.release()
            (path / f"{LOCK_NAME}.json").unlink(missing_ok=True)
        raise


def _finish_interrupted_write(db_path: Path) -> None:
    """Let SQLite roll back a write a crash interrupted before anything looks at the file read-only.

    A process killed during its first write leaves a hot ``-journal`` (and a database file whose first
    page may not be written yet); read-only checks would call that damage. Opening it read-write is
    what SQLite's own recovery needs: it restores the file to its last committed state. Only done
    while holding the workspace lock, so no other SafetyDesk is writing. Found by ``tests/faults``.
    """
    journal = db_path.with_name(db_path.name + "-journal")
    if not db_path.exists() or not journal.exists() or journal.stat().st_size == 0:
        return
    try:
        con = sqlite3.connect(db_path, isolation_level=None)
        try:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError:
        pass  # genuinely damaged: the checks below say so


def _check_writable(path: Path) -> None:
    probe = path / f".write-probe-{os.getpid()}"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise UserError(
            N_("SafetyDesk cannot write to {path}: {reason}."),
            N_("Check that the disk is not full or read-only, or open the workspace read-only."),
            path=str(path),
            reason=exc.strerror or str(exc),
        ) from exc


def _acquire_lock(path: Path) -> FileLock:
    lock = FileLock(path / LOCK_NAME, timeout=0)
    info_path = path / f"{LOCK_NAME}.json"
    try:
        lock.acquire()
    except Timeout as exc:
        holder = "?"
        try:
            info = json.loads(info_path.read_text(encoding="utf-8"))
            holder = f"{info.get('host', '?')} (pid {info.get('pid', '?')}, {info.get('opened_at', '?')})"
        except (OSError, ValueError):
            pass
        raise WorkspaceLockedError(
            N_("This workspace is already open in another SafetyDesk window: {holder}."),
            N_("Switch to that window, or close it and try again."),
            holder=holder,
        ) from exc
    info_path.write_text(
        json.dumps({"host": socket.gethostname(), "pid": os.getpid(), "opened_at": now_iso()}),
        encoding="utf-8",
    )
    return lock


def _check_header(db_path: Path) -> None:
    problem = health.header_problem(db_path)
    if problem == "not an SQLite database":
        raise DamagedWorkspaceError(
            N_("The workspace file {path} is not a SafetyDesk database or is damaged."),
            N_("Restore it from a backup (safetydesk restore); the damaged file was not changed."),
            db_path=db_path,
            read_only_possible=False,
            path=str(db_path),
        )


def _attachment_count(ws: Workspace) -> int:
    from sqlalchemy import func, select

    from safetydesk.core.db.tables import attachments

    with ws.reader() as conn:
        return int(conn.execute(select(func.count()).select_from(attachments)).scalar() or 0)


def _schema_revision(db_path: Path) -> str | None:
    try:
        con = health._connect_ro(db_path)
        try:
            rows = con.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name='alembic_version'"
            ).fetchall()
            if not rows:
                has_tables = con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
                if has_tables:
                    raise CorruptWorkspaceError(
                        N_("The file {path} is an SQLite database but not a SafetyDesk workspace."),
                        N_("Choose the folder of a SafetyDesk workspace, or restore one from a backup."),
                        path=str(db_path),
                    )
                return None
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
            return str(row[0]) if row else None
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise DamagedWorkspaceError(
            N_("The workspace database {path} cannot be read: {reason}."),
            N_("Restore it from a backup (safetydesk restore); the damaged file was not changed."),
            db_path=db_path,
            read_only_possible=False,
            path=str(db_path),
            reason=str(exc),
        ) from exc


def _migrate(ws: Workspace, current: str | None) -> None:
    from safetydesk.core.db.migrate import upgrade
    from safetydesk.core.workspace.backup import backup_database_file

    if current is not None:
        ws.migrated_from = current
        backup_database_file(ws.db_path, ws.backups_dir / f"before-upgrade-{current}-{now_iso()[:19]}.db")
    try:
        upgrade(ws.engine)
    except Exception as exc:
        ws.engine.dispose()
        raise UserError(
            N_("Upgrading the workspace failed: {reason}."),
            N_(
                "The workspace was left as it was; a backup was made before the attempt. Report this problem."
            ),
            reason=str(exc),
        ) from exc


def _device_id(ws: Workspace) -> str:
    from sqlalchemy import select

    from safetydesk.core.db.tables import sync_state

    with ws.reader() as conn:
        value = conn.execute(select(sync_state.c.value).where(sync_state.c.key == "device_id")).scalar()
    if value:
        return str(value)
    if ws.read_only:
        return "read-only"
    device = new_id()
    with ws.writer() as conn:
        conn.execute(sync_state.insert().values(key="device_id", value=device))
    return device
