"""Content-addressed attachment store: ``attachments/ab/cdef…`` named by SHA-256, never rewritten.

A file is written to a temporary name, fsynced and renamed into place before the row that points
at it commits, so a crash can leave an unreferenced file but never a referenced, missing one.
The order, proven by ``tests/faults``: bytes → ``.tmp-*`` file → fsync → rename → fsync of the
folder (and of ``attachments/`` when the two-letter folder is new) → the row commits. A crash
mid-write leaves only a ``.tmp-*`` file: hidden (dot name, not a SHA-256 path) and removed by
``remove_temp_files`` while the workspace lock is held.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from safetydesk.core.errors import UserError
from safetydesk.core.i18n import N_

CHUNK = 1 << 20
TEMP_PREFIX = ".tmp-"


class AttachmentStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:]

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def put_bytes(self, data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        if not self.exists(sha):
            self._write_atomically(sha, [data])
        return sha

    def put_file(self, source: Path) -> str:
        digest = hashlib.sha256()
        with source.open("rb") as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
        sha = digest.hexdigest()
        if not self.exists(sha):
            with source.open("rb") as fh:
                self._write_atomically(sha, iter(lambda: fh.read(CHUNK), b""))
        return sha

    def read_bytes(self, sha256: str) -> bytes:
        path = self.path_for(sha256)
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise UserError(
                N_("Attachment {sha} is missing from the workspace."),
                N_("Restore the workspace from a backup that contains it."),
                sha=sha256[:12],
            ) from exc
        if hashlib.sha256(data).hexdigest() != sha256:
            raise UserError(
                N_("Attachment {sha} is damaged: its content no longer matches its fingerprint."),
                N_("Restore the workspace from a backup; the damaged file was left untouched."),
                sha=sha256[:12],
            )
        return data

    def check(self, sha256: str) -> bool:
        """True if the file exists and still hashes to its name."""
        path = self.path_for(sha256)
        if not path.is_file():
            return False
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
        return digest.hexdigest() == sha256

    def temp_files(self) -> list[Path]:
        """Half-written files a crash left behind (never referenced: rows commit after the rename)."""
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.glob(f"??/{TEMP_PREFIX}*") if p.is_file())

    def remove_temp_files(self) -> int:
        """Delete crash leftovers; call only while holding the workspace lock (no writer is running)."""
        removed = 0
        for path in self.temp_files():
            try:
                path.unlink()
                removed += 1
            except OSError:
                pass
        return removed

    def _write_atomically(self, sha: str, chunks: object) -> None:
        target = self.path_for(sha)
        new_folder = not target.parent.is_dir()
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in chunks:  # type: ignore[attr-defined]
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            Path(tmp_name).replace(target)
            _fsync_dir(target.parent)  # the rename itself must survive a power cut
            if new_folder:
                _fsync_dir(self.root)  # and so must the new two-letter folder's entry
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
