"""Backup operations for the settings screen and the scheduler: all run on the database lane."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from safetydesk.core.queries.settings import load_settings
from safetydesk.core.workspace.rotation import (
    BackupFile,
    RotationResult,
    backup_now,
    list_backups,
    resolve_folder,
    run_from_settings,
)
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations.common import Failed

if (
    TYPE_CHECKING
):  # the archive and the encryption load when a restore or a package is asked for, not at start-up
    from safetydesk.core.workspace.archive import BackupInfo, RestoreInfo
    from safetydesk.core.workspace.pack import PackInfo

HOUR_MS = 60 * 60 * 1000
FIRST_CHECK_MS = 5000  # after the first paint, so start-up stays quick


def folder(ctx: AppContext) -> Path:
    return resolve_folder(ctx.workspace, load_settings(ctx.workspace).backup_folder)


def load(
    ctx: AppContext,
    owner: QObject,
    on_done: Callable[[tuple[Path, list[BackupFile]]], None],
    on_error: Failed,
) -> None:
    def work() -> tuple[Path, list[BackupFile]]:
        where = folder(ctx)
        return where, list_backups(where)

    ctx.tasks.run_db(work, on_done, on_error, owner)


def back_up_now(
    ctx: AppContext, owner: QObject, on_done: Callable[[BackupInfo], None], on_error: Failed
) -> None:
    ctx.tasks.run_db(lambda: backup_now(ctx.workspace, folder(ctx), datetime.now()), on_done, on_error, owner)


def restore(
    ctx: AppContext, owner: QObject, archive: Path, on_done: Callable[[RestoreInfo], None], on_error: Failed
) -> None:
    """Check, close, swap and reopen on the database lane (nothing else runs there meanwhile)."""
    from safetydesk.core.workspace.archive import restore_open_workspace

    ctx.tasks.run_db(lambda: restore_open_workspace(ctx.workspace, archive), on_done, on_error, owner)


def export_pack(
    ctx: AppContext,
    owner: QObject,
    out: Path,
    password: str,
    on_done: Callable[[PackInfo], None],
    on_error: Failed,
) -> None:
    from safetydesk.core.workspace.pack import pack_workspace

    ctx.tasks.run_db(lambda: pack_workspace(ctx.workspace, out, password), on_done, on_error, owner)


def import_pack(
    ctx: AppContext,
    owner: QObject,
    pack: Path,
    target: Path,
    password: str,
    on_done: Callable[[RestoreInfo], None],
    on_error: Failed,
) -> None:
    from safetydesk.core.workspace.pack import unpack_package

    ctx.tasks.run_cpu(lambda: unpack_package(pack, target, password), on_done, on_error, owner)


def start_scheduler(ctx: AppContext, parent: QObject, on_error: Failed | None = None) -> QTimer:
    """Check soon after start and then hourly whether today's backup exists; make it if not."""
    timer = QTimer(parent)
    timer.setInterval(HOUR_MS)

    def tick() -> None:
        done: Callable[[RotationResult | None], None] = lambda _result: None  # noqa: E731
        ctx.tasks.run_db(
            lambda: run_from_settings(ctx.workspace), done, on_error or (lambda _exc: None), parent
        )

    timer.timeout.connect(tick)
    timer.start()
    QTimer.singleShot(FIRST_CHECK_MS, parent, tick)
    return timer
