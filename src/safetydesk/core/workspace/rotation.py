"""Automatic rotating backups: one ``.sdbackup`` a day, pruned to N daily, weekly and monthly copies.

Only files named like ``safetydesk-2026-11-24T093000.sdbackup`` are ours; anything else in the folder
(a user's own files, another program's backups) is never touched. Pruning keeps, for each rule, the
newest backup of each of the N most recent days / ISO weeks / months that have a backup (so a PC that
was off for a month still keeps its last N daily copies), and never deletes the newest backup.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from safetydesk.core.errors import UserError
from safetydesk.core.i18n import N_, _
from safetydesk.core.workspace.archive import BackupInfo, Progress, create_backup
from safetydesk.core.workspace.workspace import Workspace

NAME_RE = re.compile(r"^safetydesk-(\d{4})-(\d{2})-(\d{2})T(\d{2})(\d{2})(\d{2})\.sdbackup$")


@dataclass(frozen=True)
class KeepPolicy:
    daily: int = 7
    weekly: int = 4
    monthly: int = 12


@dataclass(frozen=True)
class BackupFile:
    path: Path
    taken_at: datetime  # local wall-clock time from the file name
    size: int


@dataclass(frozen=True)
class RotationResult:
    created: BackupInfo | None  # None: today's backup already existed
    kept: tuple[BackupFile, ...]
    deleted: tuple[Path, ...]


def backup_name(when: datetime) -> str:
    return f"safetydesk-{when:%Y-%m-%dT%H%M%S}.sdbackup"


def resolve_folder(ws: Workspace, setting: str) -> Path:
    """The configured folder, or ``<workspace>/backups`` when none is set."""
    return Path(setting).expanduser() if setting.strip() else ws.backups_dir


class BackupFolderError(UserError):
    """The folder cannot be used; ``reason`` is itself a message id (or an OS text) and is translated."""

    def message(self, lang: str | None = None) -> str:
        reason = _(str(self.params["reason"]), lang)
        return _(self.message_id, lang).format(folder=self.params["folder"], reason=reason)


def unreachable(folder: Path, reason: str) -> UserError:
    return BackupFolderError(
        N_("The backup folder {folder} cannot be used: {reason}."),
        N_(
            "Plug in the drive or reconnect the network share, or choose another folder in "
            "Settings → Backups. Nothing was lost; your workspace is unchanged."
        ),
        folder=str(folder),
        reason=reason,
    )


def ensure_folder(folder: Path) -> Path:
    """Make sure we can write into ``folder`` (created if only the last level is missing)."""
    try:
        folder.mkdir(parents=False, exist_ok=True)
    except FileNotFoundError as exc:
        raise unreachable(folder, N_("the drive or parent folder is not there")) from exc
    except OSError as exc:
        raise unreachable(folder, exc.strerror or str(exc)) from exc
    if not folder.is_dir():
        raise unreachable(folder, N_("it is not a folder"))
    probe = folder / f".safetydesk-probe-{os.getpid()}"
    try:
        with probe.open("wb") as fh:
            fh.write(b"ok")
        probe.unlink()
    except OSError as exc:
        raise unreachable(folder, exc.strerror or N_("it is read-only")) from exc
    return folder


def list_backups(folder: Path) -> list[BackupFile]:
    """Our backups in ``folder``, newest first (foreign files and folders are ignored)."""
    found: list[BackupFile] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    for path in entries:
        m = NAME_RE.match(path.name)
        if not m or path.is_symlink() or not path.is_file():
            continue
        try:
            taken = datetime.strptime("".join(m.groups()), "%Y%m%d%H%M%S")
        except ValueError:
            continue
        found.append(BackupFile(path, taken, path.stat().st_size))
    found.sort(key=lambda b: (b.taken_at, b.path.name), reverse=True)
    return found


def _newest_per(backups: Iterable[BackupFile], key: Callable[[datetime], object], count: int) -> set[Path]:
    kept: set[Path] = set()
    seen: set[object] = set()
    for b in backups:  # newest first
        if len(seen) >= count:
            break
        period = key(b.taken_at)
        if period not in seen:
            seen.add(period)
            kept.add(b.path)
    return kept


def plan_prune(backups: list[BackupFile], policy: KeepPolicy) -> tuple[list[BackupFile], list[BackupFile]]:
    """Split ``backups`` (newest first) into (keep, delete) by the policy."""
    if not backups:
        return [], []
    keep = {backups[0].path}  # never delete the newest (possibly the only) copy
    keep |= _newest_per(backups, lambda t: t.date(), max(0, policy.daily))
    keep |= _newest_per(backups, lambda t: t.isocalendar()[:2], max(0, policy.weekly))
    keep |= _newest_per(backups, lambda t: (t.year, t.month), max(0, policy.monthly))
    return [b for b in backups if b.path in keep], [b for b in backups if b.path not in keep]


def prune(folder: Path, policy: KeepPolicy) -> tuple[list[BackupFile], list[Path]]:
    keep, delete = plan_prune(list_backups(folder), policy)
    deleted: list[Path] = []
    for b in delete:
        try:
            b.path.unlink()
            deleted.append(b.path)
        except OSError:
            pass  # a locked or vanished file: try again next time
    return keep, deleted


def backup_now(
    ws: Workspace, folder: Path, now: datetime | None = None, progress: Progress | None = None
) -> BackupInfo:
    """Write one backup named for ``now`` (local time) into ``folder``."""
    now = now or datetime.now()
    ensure_folder(folder)
    target = folder / backup_name(now)
    try:
        return create_backup(ws, target, progress)
    except OSError as exc:
        target.with_name(target.name + ".partial").unlink(missing_ok=True)
        raise unreachable(folder, exc.strerror or str(exc)) from exc


def has_backup_for(folder: Path, day: date, schedule: str = "daily") -> bool:
    for b in list_backups(folder):
        if schedule == "weekly" and b.taken_at.isocalendar()[:2] == day.isocalendar()[:2]:
            return True
        if b.taken_at.date() == day:
            return True
    return False


def run_scheduled_backup(
    ws: Workspace,
    folder: Path,
    policy: KeepPolicy | None = None,
    now: datetime | None = None,
    schedule: str = "daily",
) -> RotationResult:
    """Make today's backup unless it exists (this ISO week's for ``weekly``), then prune."""
    policy = policy or KeepPolicy()
    now = now or datetime.now()
    ensure_folder(folder)
    created = None
    if not has_backup_for(folder, now.date(), schedule):
        created = backup_now(ws, folder, now)
    kept, deleted = prune(folder, policy)
    return RotationResult(created, tuple(kept), tuple(deleted))


def policy_from_settings(daily: int, weekly: int, monthly: int) -> KeepPolicy:
    return KeepPolicy(daily=max(1, daily), weekly=max(0, weekly), monthly=max(0, monthly))


def run_from_settings(ws: Workspace, now: datetime | None = None) -> RotationResult | None:
    """The scheduler's tick: back up per the workspace's settings; None when the schedule is off."""
    from safetydesk.core.queries.settings import load_settings

    current = load_settings(ws)
    if current.backup_schedule == "off":
        return None
    policy = policy_from_settings(current.keep_daily, current.keep_weekly, current.keep_monthly)
    folder = resolve_folder(ws, current.backup_folder)
    return run_scheduled_backup(ws, folder, policy, now, current.backup_schedule)
