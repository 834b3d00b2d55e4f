"""Backups of the large demo workspace (issue 7): backup time and size, restore, .sdpack pack/unpack.

Usage: .venv/bin/python benchmarks/bench_backup.py [WORKSPACE]
Default workspace: bench-workspaces/large (about ten years of demo history); when it is missing it is
built with ``build_demo(size="large")`` (about two minutes). The workspace is only read: backups and
restores go to a temporary folder.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from safetydesk.core.workspace.archive import create_backup, restore_backup
from safetydesk.core.workspace.pack import pack_workspace, unpack_package
from safetydesk.core.workspace.workspace import open_workspace

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-2026"


def _size(path: Path) -> int:
    return (
        sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        if path.is_dir()
        else path.stat().st_size
    )


def main(path: Path) -> None:
    if not (path / "safetydesk.db").exists():
        from safetydesk.core.demo.builder import build_demo

        print(f"building the large demo workspace in {path} …")
        build_demo(path, size="large")
    source_mb = (_size(path / "safetydesk.db") + _size(path / "attachments")) / 1e6
    with tempfile.TemporaryDirectory(prefix="bench-backup-") as tmp_name:
        tmp = Path(tmp_name)
        with open_workspace(path, create=False, read_only=True) as ws:
            t = time.perf_counter()
            info = create_backup(ws, tmp / "large.sdbackup")
            backup_s = time.perf_counter() - t
            t = time.perf_counter()
            pack = pack_workspace(ws, tmp / "large.sdpack", PASSWORD)
            pack_s = time.perf_counter() - t
        print(f"workspace: database + attachments {source_mb:.0f} MB, {info.attachments} attachments")
        print(f"backup (online API + zip): {backup_s:.1f} s, file {info.size / 1e6:.0f} MB")
        t = time.perf_counter()
        restored = restore_backup(info.path, tmp / "restored")
        restore_s = time.perf_counter() - t
        print(
            f"restore (check: hashes, integrity_check, audit chain; then swap): {restore_s:.1f} s, "
            f"{restored.records_checked} records checked"
        )
        shutil.rmtree(tmp / "restored")
        print(f"pack (backup + scrypt + AES-256-GCM): {pack_s:.1f} s, file {pack.size / 1e6:.0f} MB")
        t = time.perf_counter()
        unpacked = unpack_package(pack.path, tmp / "unpacked", PASSWORD)
        unpack_s = time.perf_counter() - t
        print(f"unpack (decrypt + check + restore): {unpack_s:.1f} s, {unpacked.records_checked} records")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "bench-workspaces" / "large")
