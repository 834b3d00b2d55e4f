"""Rotating backups: exactly the right copies survive a simulated 400 days; foreign files are safe."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from safetydesk.core.audit.chain import verify
from safetydesk.core.errors import UserError
from safetydesk.core.queries.settings import (
    BACKUP_FOLDER,
    BACKUP_KEEP_DAILY,
    BACKUP_KEEP_MONTHLY,
    BACKUP_KEEP_WEEKLY,
    BACKUP_SCHEDULE,
)
from safetydesk.core.services import records
from safetydesk.core.services.settings import save_settings
from safetydesk.core.workspace.archive import check_backup, restore_backup
from safetydesk.core.workspace.rotation import (
    KeepPolicy,
    backup_name,
    list_backups,
    prune,
    run_from_settings,
    run_scheduled_backup,
)
from safetydesk.core.workspace.workspace import Workspace, open_workspace
from tests.factories import base_refs, minimal

FOREIGN = ("notes.txt", "safetydesk-2025-07-01.sdbackup", "other.sdbackup", "safetydesk-x.sdbackup.partial")


def _expected(last: date, first: date, policy: KeepPolicy) -> set[date]:
    """Independent arithmetic: a backup every day from ``first`` to ``last``."""
    days = {last - timedelta(days=i) for i in range(policy.daily)}
    sunday = last
    for _ in range(policy.weekly):  # newest of each ISO week: today, then the Sundays before
        if sunday < first:
            break  # no backups that week
        days.add(sunday)
        sunday = sunday - timedelta(days=sunday.isoweekday() % 7 or 7)
    month_end = last
    for _ in range(policy.monthly):  # newest of each month: today, then each month's last day
        if month_end >= first:
            days.add(month_end)
        month_end = month_end.replace(day=1) - timedelta(days=1)
    return days


def test_400_days_keep_exactly_the_policy_and_never_touch_foreign_files(tmp_path: Path) -> None:
    folder = tmp_path / "usb"
    folder.mkdir()
    for name in FOREIGN:
        (folder / name).write_text("not ours")
    (folder / "safetydesk-2025-06-01T000000.sdbackup").mkdir()  # a folder with our name: not ours
    policy = KeepPolicy(daily=7, weekly=4, monthly=12)
    first = date(2025, 6, 20)  # crosses 30 Jun / 1 Jul twice and 31 Dec / 1 Jan once
    checks = {date(2025, 7, 1), date(2026, 1, 1), date(2026, 6, 30), date(2026, 7, 1)}
    day = first
    for _ in range(400):
        (folder / backup_name(datetime.combine(day, datetime.min.time()) + timedelta(hours=9))).write_bytes(
            b"x"
        )
        prune(folder, policy)
        kept = {b.taken_at.date() for b in list_backups(folder)}
        assert len(kept) <= policy.daily + policy.weekly + policy.monthly
        if day in checks:
            assert kept == _expected(day, first, policy), day
        day += timedelta(days=1)
    last = day - timedelta(days=1)
    assert last == date(2026, 7, 24)
    kept = {b.taken_at.date() for b in list_backups(folder)}
    assert kept == _expected(last, first, policy)
    assert date(2025, 12, 31) in kept and date(2026, 6, 30) in kept and date(2025, 8, 31) in kept
    assert date(2025, 7, 31) not in kept and date(2025, 6, 30) not in kept  # 12+ months back
    assert len(kept) == 7 + 2 + 11  # this week and last week lie within the 7 days
    for name in FOREIGN:
        assert (folder / name).read_text() == "not ours"
    assert (folder / "safetydesk-2025-06-01T000000.sdbackup").is_dir()


def test_the_only_copy_is_never_deleted(tmp_path: Path) -> None:
    (tmp_path / backup_name(datetime(2020, 1, 1, 9))).write_bytes(b"x")
    kept, deleted = prune(tmp_path, KeepPolicy(daily=0, weekly=0, monthly=0))
    assert [b.path.name for b in kept] == ["safetydesk-2020-01-01T090000.sdbackup"] and not deleted


def _populate(ws: Workspace) -> str:
    return records.create(ws, "findings", minimal("findings", base_refs(ws))).id


def test_real_backups_across_new_year(ws: Workspace, tmp_path: Path) -> None:
    finding = _populate(ws)
    folder = tmp_path / "backups"
    policy = KeepPolicy(daily=2, weekly=1, monthly=2)
    start = datetime(2026, 12, 29, 8, 0)
    for i in range(5):  # 29 Dec .. 2 Jan, twice a day
        first = run_scheduled_backup(ws, folder, policy, now=start + timedelta(days=i))
        again = run_scheduled_backup(ws, folder, policy, now=start + timedelta(days=i, hours=6))
        assert first.created is not None and again.created is None
    names = [b.path.name for b in list_backups(folder)]
    # daily: 2 Jan, 1 Jan; week 2026-W53 ends 3 Jan (=2 Jan); months: Jan (2 Jan), Dec (31 Dec).
    assert names == [
        "safetydesk-2027-01-02T080000.sdbackup",
        "safetydesk-2027-01-01T080000.sdbackup",
        "safetydesk-2026-12-31T080000.sdbackup",
    ]
    restored = restore_backup(folder / names[-1], tmp_path / "restored")
    assert restored.records_checked > 0
    with open_workspace(tmp_path / "restored") as copy:
        assert records.get(copy, "findings", finding)["id"] == finding


def test_backup_while_the_app_writes_is_consistent(ws: Workspace, tmp_path: Path) -> None:
    refs = base_refs(ws)
    stop = threading.Event()
    written: list[str] = []
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            while not stop.is_set():
                written.append(records.create(ws, "findings", minimal("findings", refs)).id)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 5:
            pass
        results = [run_scheduled_backup(ws, tmp_path / "b", now=datetime(2026, 3, d, 12)) for d in (1, 2, 3)]
    finally:
        stop.set()
        thread.join()
    assert not errors
    for r in results:
        assert r.created is not None
        manifest, checked = check_backup(r.created.path, tmp_path / f"check-{r.created.path.stem}")
        assert checked > 0 and manifest["format"] == 1
    with ws.reader() as conn:
        assert verify(conn).ok


def test_unreachable_folder_says_so_and_nothing_is_lost(ws: Workspace, tmp_path: Path) -> None:
    finding = _populate(ws)
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    for folder in (tmp_path / "unplugged-usb" / "SafetyDesk", not_a_folder):
        with pytest.raises(UserError) as err:
            run_scheduled_backup(ws, folder, now=datetime(2026, 6, 30, 9))
        assert "cannot be used" in err.value.text("en")
        assert "사용할 수 없습니다" in err.value.text("ko")
    assert not (tmp_path / "unplugged-usb").exists()
    assert records.get(ws, "findings", finding)["id"] == finding
    _populate(ws)  # the app keeps working


def test_settings_drive_the_scheduler(ws: Workspace, tmp_path: Path) -> None:
    default = run_from_settings(ws, now=datetime(2026, 6, 30, 9))  # daily by default, in the workspace
    assert default is not None and default.created is not None
    assert default.created.path.parent == ws.path / "backups"
    save_settings(ws, {BACKUP_SCHEDULE: "off"})
    assert run_from_settings(ws, now=datetime(2026, 7, 1, 9)) is None  # the user turned it off
    save_settings(
        ws,
        {
            BACKUP_SCHEDULE: "daily",
            BACKUP_FOLDER: str(tmp_path / "share"),
            BACKUP_KEEP_DAILY: 1,
            BACKUP_KEEP_WEEKLY: 0,
            BACKUP_KEEP_MONTHLY: 0,
        },
    )
    for d in (1, 2):
        result = run_from_settings(ws, now=datetime(2026, 7, d, 9))
        assert result is not None and result.created is not None
    assert [b.path.name for b in list_backups(tmp_path / "share")] == [
        "safetydesk-2026-07-02T090000.sdbackup"
    ]
