"""Is this workspace whole? The quick check run on open and by ``safetydesk verify --attachments``.

Nothing here repairs anything: a damaged database or attachment is reported with the safe way out
(open read-only, restore from a backup) and left exactly as it was found, so no evidence is lost
to a well-meant "fix".
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from safetydesk.core.errors import UserError
from safetydesk.core.i18n import N_

if TYPE_CHECKING:
    from safetydesk.core.workspace.workspace import Workspace

SQLITE_HEADER = b"SQLite format 3\x00"
QUICK_CHECK_ROWS = 20  # the first problems are enough to tell the user; the rest add nothing
HASH_SAMPLE = 50
CHUNK = 1 << 20


@dataclass(frozen=True)
class AttachmentProblem:
    sha256: str
    status: str  # "missing" | "damaged"
    links: tuple[tuple[str, str, str], ...] = ()  # (entity, record id, role) that show this file


@dataclass
class HealthReport:
    database: str = "ok"  # "ok", or what the header check / PRAGMA quick_check said
    attachments_folder: bool = True
    attachments: int = 0  # rows in the attachments table
    present: int = 0  # of those, files found on disk
    hashed: int = 0  # files whose SHA-256 was recomputed
    problems: list[AttachmentProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.database == "ok" and self.attachments_folder and not self.problems

    @property
    def missing(self) -> list[str]:
        return [p.sha256 for p in self.problems if p.status == "missing"]

    @property
    def damaged(self) -> list[str]:
        return [p.sha256 for p in self.problems if p.status == "damaged"]

    def messages(self) -> list[UserError]:
        """Each problem as a bilingual message with its way out (``.text(lang)``)."""
        out: list[UserError] = []
        if self.database != "ok":
            out.append(damaged_database_message(self.database))
        if not self.attachments_folder and self.attachments:
            out.append(missing_folder_message(self.attachments))
        for problem in self.problems:
            if problem.status == "missing" and not self.attachments_folder:
                continue  # already said once for the whole folder
            out.append(attachment_message(problem))
        return out


def damaged_database_message(detail: str) -> UserError:
    return UserError(
        N_("The workspace database is damaged ({detail})."),
        N_(
            "Nothing was repaired or deleted. Open it read-only to look at and print what can still be "
            "read, and restore the workspace from a backup."
        ),
        detail=detail,
    )


def missing_folder_message(count: int) -> UserError:
    return UserError(
        N_(
            "The attachments folder of this workspace is missing: {count} photos and documents cannot be shown."
        ),
        N_(
            "The records themselves are intact. Copy the attachments folder back from where it was moved, "
            "or restore the workspace from a backup."
        ),
        count=count,
    )


def attachment_message(problem: AttachmentProblem) -> UserError:
    where = ", ".join(f"{entity} {record_id[:8]} ({role})" for entity, record_id, role in problem.links[:5])
    if problem.status == "missing":
        return UserError(
            N_("Attachment {sha} is missing from the workspace (used by: {where})."),
            N_("The record is kept; restore the workspace from a backup that contains the file."),
            sha=problem.sha256[:12],
            where=where or "-",
        )
    return UserError(
        N_("Attachment {sha} is damaged: its content no longer matches its fingerprint (used by: {where})."),
        N_(
            "It is not shown as evidence. Restore the workspace from a backup; the damaged file was left untouched."
        ),
        sha=problem.sha256[:12],
        where=where or "-",
    )


# -- the database file ---------------------------------------------------------------------------


def header_problem(db_path: Path) -> str | None:
    """What is wrong with the first 100 bytes, or ``None``: magic, page size, and a truncated file."""
    try:
        with db_path.open("rb") as fh:
            header = fh.read(100)
        size = db_path.stat().st_size
    except OSError as exc:
        return exc.strerror or str(exc)
    if size == 0:
        return None  # an empty file is a workspace that was never written; open creates it
    if header[:16] != SQLITE_HEADER or len(header) < 100:
        return "not an SQLite database"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return f"invalid page size {page_size}"
    pages = int.from_bytes(header[28:32], "big")
    change_counter = header[24:28]
    valid_for = header[92:96]
    if pages and change_counter == valid_for and size < pages * page_size:
        # A WAL can hold pages the main file has not received yet, but never shrink it below its header.
        wal = db_path.with_name(db_path.name + "-wal")
        if not wal.exists() or wal.stat().st_size == 0:
            return f"the file is truncated: {size:,} of {pages * page_size:,} bytes"
    if size % page_size:
        return f"the file is truncated: {size:,} bytes is not a whole number of {page_size}-byte pages"
    return None


def quick_check(db_path: Path, *, full: bool = False) -> str:
    """``"ok"`` or the first lines ``PRAGMA quick_check`` (``integrity_check`` if ``full``) reported."""
    problem = header_problem(db_path)
    if problem is not None:
        return problem
    pragma = "integrity_check" if full else "quick_check"
    try:
        con = _connect_ro(db_path)
        try:
            rows = [str(r[0]) for r in con.execute(f"PRAGMA {pragma}({QUICK_CHECK_ROWS})")]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return "ok" if rows == ["ok"] else "; ".join(rows[:3]) + (" …" if len(rows) > 3 else "")


def readable(db_path: Path) -> bool:
    """True if the schema and its revision can still be read: worth offering "open read-only"."""
    if header_problem(db_path) == "not an SQLite database":
        return False
    try:
        con = _connect_ro(db_path)
        try:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
            con.execute("SELECT version_num FROM alembic_version").fetchone()
            con.execute("SELECT value FROM sync_state LIMIT 1").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return False
    return True


def _connect_ro(db_path: Path) -> sqlite3.Connection:
    """A read-only connection that also works on a read-only disk (WAL files cannot be created there)."""
    uri = f"file:{db_path.as_posix()}?mode=ro"
    try:
        con = sqlite3.connect(uri, uri=True)
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return con
    except sqlite3.OperationalError:
        if not needs_immutable(db_path):
            raise
    return sqlite3.connect(uri + "&immutable=1", uri=True)


def needs_immutable(db_path: Path) -> bool:
    """A WAL database on a folder SQLite cannot write to opens only as ``immutable`` (no -shm possible)."""
    import os

    shm = db_path.with_name(db_path.name + "-shm")
    return not shm.exists() and (not os.access(db_path.parent, os.W_OK) or _read_only_mount(db_path.parent))


def _read_only_mount(folder: Path) -> bool:
    import os

    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False


# -- attachments ---------------------------------------------------------------------------------


def file_status(root: Path, sha256: str) -> str:
    """``"ok"``, ``"missing"`` or ``"damaged"`` for one stored file (re-hashes it)."""
    path = root / sha256[:2] / sha256[2:]
    if not path.is_file():
        return "missing"
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return "ok" if digest.hexdigest() == sha256 else "damaged"


def check_workspace(ws: Workspace, *, hashes: str = "sample", sample: int = HASH_SAMPLE) -> HealthReport:
    """Header + ``quick_check``, the attachments folder, every file's presence, and a hash check of
    ``sample`` files (``hashes="sample"``), all of them (``"all"``) or none (``"none"``)."""
    from sqlalchemy import select

    from safetydesk.core.db.tables import attachment_links, attachments

    report = HealthReport(database=quick_check(ws.db_path, full=hashes == "all"))
    root = ws.path / "attachments"
    report.attachments_folder = root.is_dir()
    if report.database != "ok" and not readable(ws.db_path):
        return report
    try:
        with ws.reader() as conn:
            shas = list(
                conn.execute(select(attachments.c.sha256).order_by(attachments.c.created_at)).scalars()
            )
            links: dict[str, list[tuple[str, str, str]]] = {}
            for sha, entity, record_id, role in conn.execute(
                select(
                    attachment_links.c.sha256,
                    attachment_links.c.entity,
                    attachment_links.c.record_id,
                    attachment_links.c.role,
                ).where(attachment_links.c.deleted_at.is_(None))
            ):
                links.setdefault(sha, []).append((entity, record_id, role))
    except Exception as exc:  # a damaged table: the database verdict already says so
        if report.database == "ok":
            report.database = str(exc).splitlines()[0]
        return report
    report.attachments = len(shas)
    if hashes == "all":
        to_hash = set(shas)
    elif hashes == "sample":
        # The newest files are the ones most likely in question; spread the rest evenly.
        step = max(1, len(shas) // max(1, sample))
        to_hash = set(shas[::step][:sample]) | set(shas[-max(1, sample // 5) :])
    else:
        to_hash = set()
    for sha in shas:
        path = root / sha[:2] / sha[2:]
        if not path.is_file():
            report.problems.append(AttachmentProblem(sha, "missing", tuple(links.get(sha, ()))))
            continue
        report.present += 1
        if sha in to_hash:
            report.hashed += 1
            if file_status(root, sha) == "damaged":
                report.problems.append(AttachmentProblem(sha, "damaged", tuple(links.get(sha, ()))))
    return report
