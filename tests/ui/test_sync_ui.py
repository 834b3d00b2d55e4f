"""Settings → Sync and the Sync centre against a REAL sync server (PostgreSQL, SeaweedFS, API processes).

Each test drives the window the way a user does (fields, buttons) and checks the result on the
workspaces and through a second PC: enrolment, Sync now, a conflict made by two PCs and resolved in
the centre, the net lane (the GUI thread keeps ticking while a push sleeps on the server), one sync at
a time, the auto-sync timer, and a server that is down (a red dot in the status bar, Korean words, no
dialog).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from safetydesk.core.i18n import set_language
from safetydesk.core.services import records
from safetydesk.core.workspace.workspace import Workspace
from safetydesk.ui.app import build_window, load_fonts
from safetydesk.ui.main_window import SCREENS, MainWindow
from safetydesk.ui.operations import sync as sync_ops
from safetydesk.ui.screens.settings import SettingsScreen
from safetydesk.ui.screens.sync import SyncScreen
from tests.integration import conftest as harness
from tests.integration.conftest import Tenant
from tests.integration.servers import ApiProcess

pytestmark = pytest.mark.integration

# H1's server fixtures (real PostgreSQL, SeaweedFS, API processes), used here by name; the autouse
# ones keep tokens out of the OS keyring and fail a test whose worker thread died.
pg = harness.pg
s3 = harness.s3
signing_key = harness.signing_key
api_server = harness.api_server
api = harness.api
make_tenant = harness.make_tenant
sync_ws = harness.sync_ws
_server_dir = harness._server_dir
_isolated_sync_env = harness._isolated_sync_env
_thread_errors = harness._thread_errors
WAIT_MS = 30_000


def _window(qtbot: QtBot, ws: Workspace) -> MainWindow:
    load_fonts()
    window = build_window(ws)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    return window


def _screen(window: MainWindow, key: str) -> Any:
    index = [s.key for s in SCREENS].index(key)
    window.nav.setCurrentRow(index)
    return window.screens[index]


def _wait_sync(qtbot: QtBot, window: MainWindow, started_before: int) -> None:
    """Until a sync started after ``started_before`` has ended and the state was reloaded."""
    ctl = window.sync
    qtbot.waitUntil(lambda: ctl.syncs_started > started_before and not ctl.running, timeout=WAIT_MS)
    window.ctx.tasks.wait()
    qtbot.wait(50)  # the queued status reload
    window.ctx.tasks.wait()


def _close(window: MainWindow) -> None:
    window.ctx.tasks.wait()
    window.close()


def test_enrol_in_settings_then_sync_now_empties_the_queue(
    qtbot: QtBot,
    english_ui: None,
    ws: Workspace,
    api: ApiProcess,
    make_tenant: Callable[..., Tenant],
    sync_ws: Callable[..., Workspace],
) -> None:
    from safetydesk.core.sync import client as sync

    tenant = make_tenant("Dongnam Precision")
    window = _window(qtbot, ws)
    settings: SettingsScreen = _screen(window, "settings")
    box = settings.sync_box
    qtbot.waitUntil(lambda: window.sync.status is not None, timeout=WAIT_MS)
    assert box.state.text().startswith("Not set up")
    assert box.device_name.text()  # prefilled with the computer name
    assert not box.sync_button.isEnabled()

    box.url.setText(api.url)
    box.code.setText("AAAA-BBBB-CCCC")  # a code the server never made: said in the box, no dialog
    box.device_name.setText("office")
    qtbot.mouseClick(box.enrol_button, qtbot_button())
    qtbot.waitUntil(lambda: box.error.isVisible(), timeout=WAIT_MS)
    assert box.error.text() and QApplication.activeModalWidget() is None
    assert box.enrol_button.isEnabled() and box.state.text().startswith("Not set up")

    box.code.setText(tenant.code())
    box.device_name.setText("office")
    before = window.sync.syncs_started
    qtbot.mouseClick(box.enrol_button, qtbot_button())
    _wait_sync(qtbot, window, before)  # enrolment starts the first sync by itself
    assert window.sync.last_error is None, sync_ops.describe_error(window.sync.last_error or Exception())
    assert box.state.text() == "Enrolled as office in Dongnam Precision."
    assert box.sync_button.isEnabled() and not box.code.isVisible()

    # A change made here waits in the centre until Sync now sends it.
    contractor = records.create(ws, "contractors", {"name": "부산도장(주)"}).id
    centre: SyncScreen = _screen(window, "sync")
    qtbot.waitUntil(lambda: centre.state is not None and centre.pending.text() != "0", timeout=WAIT_MS)
    assert int(centre.pending.text()) >= 1
    assert "Dongnam Precision" in centre.firm.text()
    before = window.sync.syncs_started
    qtbot.mouseClick(centre.sync_button, qtbot_button())
    _wait_sync(qtbot, window, before)
    qtbot.waitUntil(lambda: centre.pending.text() == "0", timeout=WAIT_MS)
    assert centre.last_success.text() != "—"
    assert centre.last_error.text() == "None"
    assert window.sync_indicator is not None and window.sync_indicator.state == "ok"
    # Every sync ran on the net lane, never on the GUI thread.
    assert window.sync.worker_threads and not any(gui for _tid, gui in window.sync.worker_threads)
    assert all(tid != threading.get_ident() for tid, _gui in window.sync.worker_threads)

    # The server really holds it: a second PC of the firm pulls the contractor.
    pc2 = sync_ws(tenant, "pc2", api=api)
    sync.sync_now(pc2)
    assert records.get(pc2, "contractors", contractor)["name"] == "부산도장(주)"

    # Add another PC: a code shown large with its expiry; the firm's PCs are listed.
    qtbot.mouseClick(centre.add_pc, qtbot_button())
    qtbot.waitUntil(lambda: centre.enrolment_code is not None, timeout=WAIT_MS)
    assert centre.code.text() == centre.enrolment_code[0] and len(centre.code.text()) >= 6  # type: ignore[index]
    assert centre.code.font().pointSize() >= 20
    assert centre.code_note.text().startswith("Valid until ")
    if hasattr(sync, "devices"):
        centre.refresh()
        qtbot.waitUntil(lambda: centre.device_table.rowCount() == 2, timeout=WAIT_MS)
        names = {centre.device_table.item(r, 0).text() for r in range(2)}  # type: ignore[union-attr]
        assert names == {"office", "pc2"}
    _close(window)


def test_a_conflict_shows_both_values_and_keep_that_resolves_it_on_every_pc(
    qtbot: QtBot,
    english_ui: None,
    api: ApiProcess,
    make_tenant: Callable[..., Tenant],
    sync_ws: Callable[..., Workspace],
) -> None:
    from safetydesk.core.sync import client as sync

    tenant = make_tenant("Conflict Co")
    pc1 = sync_ws(tenant, "pc1", api=api)
    contractor = records.create(pc1, "contractors", {"name": "원래 이름"}).id
    sync.sync_now(pc1)
    pc2 = sync_ws(tenant, "pc2", api=api)
    sync.sync_now(pc2)
    # Both PCs rename the contractor while offline; pc2 edits later, so its value is in use.
    records.update(pc1, "contractors", contractor, {"name": "PC1 이름"})
    time.sleep(0.01)
    records.update(pc2, "contractors", contractor, {"name": "PC2 이름"})
    sync.sync_now(pc1)
    sync.sync_now(pc2)
    sync.sync_now(pc1)
    assert [c.field for c in sync.conflicts(pc1)] == ["name"], "the fault: a real field conflict"

    window = _window(qtbot, pc1)
    centre: SyncScreen = _screen(window, "sync")
    qtbot.waitUntil(lambda: centre.table.rowCount() == 1, timeout=WAIT_MS)
    assert centre.table.item(0, 0).text() == "Changed on two PCs"  # type: ignore[union-attr]
    assert centre.table.item(0, 2).text() == "Name"  # type: ignore[union-attr]
    assert centre.table.item(0, 3).text().startswith("PC2 이름\nfrom pc2, ")  # type: ignore[union-attr]
    assert centre.table.item(0, 4).text().startswith("PC1 이름\nfrom pc1, ")  # type: ignore[union-attr]
    detail = centre.detail
    assert detail.this_value.toPlainText() == "PC2 이름"
    assert detail.that_value.toPlainText() == "PC1 이름"
    assert detail.this_who.text().startswith("from pc2, ")
    assert detail.that_who.text().startswith("from pc1, ")
    assert centre.conflict_count.text() == "Open conflicts: 1"

    # Merge pre-fills both values (text field); then choose "Keep that" instead.
    qtbot.mouseClick(detail.merge_button, qtbot_button())
    assert detail.merged.toPlainText() == "PC2 이름\nPC1 이름"
    before = window.sync.syncs_started
    qtbot.mouseClick(detail.keep_that, qtbot_button())
    _wait_sync(qtbot, window, before)  # resolving starts a sync
    assert window.sync.last_error is None
    qtbot.waitUntil(lambda: centre.conflict_count.text() == "No conflicts.", timeout=WAIT_MS)
    assert records.get(pc1, "contractors", contractor)["name"] == "PC1 이름"

    # The other PC gets the kept value and the conflict as resolved.
    sync.sync_now(pc2)
    assert records.get(pc2, "contractors", contractor)["name"] == "PC1 이름"
    assert sync.conflicts(pc2) == []
    assert [c.resolved for c in sync.conflicts(pc2, include_resolved=True)] == [True]
    _close(window)


def test_merge_keeps_an_edited_value_made_of_both(
    qtbot: QtBot,
    english_ui: None,
    api: ApiProcess,
    make_tenant: Callable[..., Tenant],
    sync_ws: Callable[..., Workspace],
) -> None:
    from safetydesk.core.sync import client as sync

    tenant = make_tenant()
    pc1 = sync_ws(tenant, "pc1", api=api)
    contractor = records.create(pc1, "contractors", {"name": "대성"}).id
    sync.sync_now(pc1)
    pc2 = sync_ws(tenant, "pc2", api=api)
    sync.sync_now(pc2)
    records.update(pc1, "contractors", contractor, {"name": "대성기계"})
    time.sleep(0.01)
    records.update(pc2, "contractors", contractor, {"name": "대성 정밀"})
    for pc in (pc1, pc2, pc1):
        sync.sync_now(pc)
    assert len(sync.conflicts(pc1)) == 1
    window = _window(qtbot, pc1)
    centre: SyncScreen = _screen(window, "sync")
    qtbot.waitUntil(lambda: centre.table.rowCount() == 1, timeout=WAIT_MS)
    detail = centre.detail
    assert detail.merge_button.isEnabled()
    qtbot.mouseClick(detail.merge_button, qtbot_button())
    assert detail.merge_panel.isVisible()
    assert detail.merged.toPlainText() == "대성 정밀\n대성기계"
    detail.merged.setPlainText("대성정밀기계")
    before = window.sync.syncs_started
    qtbot.mouseClick(detail.save_merged, qtbot_button())
    _wait_sync(qtbot, window, before)
    assert window.sync.last_error is None
    qtbot.waitUntil(lambda: centre.conflict_count.text() == "No conflicts.", timeout=WAIT_MS)
    sync.sync_now(pc2)
    for pc in (pc1, pc2):
        assert records.get(pc, "contractors", contractor)["name"] == "대성정밀기계"
    assert sync.conflicts(pc2) == []
    _close(window)


def test_a_sync_runs_on_the_net_lane_one_at_a_time_while_the_gui_keeps_ticking(
    qtbot: QtBot,
    english_ui: None,
    api: ApiProcess,
    make_tenant: Callable[..., Tenant],
    sync_ws: Callable[..., Workspace],
) -> None:
    from safetydesk.core.sync import client as sync
    from safetydesk.core.sync import tokens
    from safetydesk.core.sync.transport import Transport

    tenant = make_tenant()
    pc1 = sync_ws(tenant, "pc1", api=api)
    records.create(pc1, "contractors", {"name": "느린 협력사"})
    window = _window(qtbot, pc1)
    ctl = window.sync
    status = sync.status(pc1)
    pushes: list[float] = []

    def slow_transport() -> Any:
        transport = Transport(status.url, tokens.load(status.device_id), ca_file=status.ca_file)
        transport.extra_headers["X-Test-Sleep-Before-Commit"] = "1.5"
        pushes.append(time.monotonic())
        return transport

    ctl.transport_factory = slow_transport
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    before = ctl.syncs_started
    assert ctl.sync_now() is True
    assert ctl.running
    assert ctl.sync_now() is False, "a second request while one runs is queued, not started"
    assert ctl.queued
    started = time.monotonic()
    qtbot.waitUntil(lambda: ctl.syncs_started == before + 2 and not ctl.running, timeout=WAIT_MS)
    timer.stop()
    window.ctx.tasks.wait()
    took = time.monotonic() - started
    assert ctl.last_error is None, sync_ops.describe_error(ctl.last_error or Exception())
    assert took >= 1.5, "the server really slept inside the first push"
    during = [t for t in ticks if started <= t <= started + 1.4]
    assert len(during) >= 20, f"the GUI thread kept running its timer during the sync ({len(during)} ticks)"
    assert len(ctl.worker_threads) == 2 and not any(gui for _tid, gui in ctl.worker_threads)
    assert sync.status(pc1).pending_changes == 0
    _close(window)


def test_auto_sync_only_when_enabled_and_due(
    qtbot: QtBot,
    english_ui: None,
    api: ApiProcess,
    make_tenant: Callable[..., Tenant],
    sync_ws: Callable[..., Workspace],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tenant = make_tenant()
    pc1 = sync_ws(tenant, "pc1", api=api)
    window = _window(qtbot, pc1)
    ctl = window.sync
    ctl.refresh_status()
    qtbot.waitUntil(lambda: ctl.status is not None and ctl.status.enabled, timeout=WAIT_MS)
    assert not ctl.timer.isActive(), "auto-sync is off until chosen"
    settings: SettingsScreen = _screen(window, "settings")
    settings.sync_box.auto.setCurrentIndex(settings.sync_box.auto.findData(5))
    qtbot.waitUntil(lambda: ctl.timer.isActive() and ctl.status.auto_minutes == 5, timeout=WAIT_MS)
    before = ctl.syncs_started
    assert ctl.auto_tick() is True, "never synced: due at once"
    _wait_sync(qtbot, window, before)
    assert ctl.auto_tick() is False, "the last attempt is younger than 5 minutes"
    real = time.time
    monkeypatch.setattr(sync_ops.time, "time", lambda: real() + 5 * 60 + 1)
    before = ctl.syncs_started
    assert ctl.auto_tick() is True
    _wait_sync(qtbot, window, before)
    monkeypatch.undo()
    settings.sync_box.auto.setCurrentIndex(settings.sync_box.auto.findData(0))
    qtbot.waitUntil(lambda: not ctl.timer.isActive(), timeout=WAIT_MS)

    # Disable: the state says so, the enrol fields come back, the status-bar dot goes away.
    assert window.sync_indicator is not None and window.sync_indicator.isVisible()
    settings.sync_box.disable()
    qtbot.waitUntil(lambda: ctl.status is not None and not ctl.status.enabled, timeout=WAIT_MS)
    assert settings.sync_box.state.text().startswith("Not set up")
    assert settings.sync_box.code.isVisible() and not settings.sync_box.sync_button.isEnabled()
    assert not window.sync_indicator.isVisible()
    assert ctl.auto_tick() is False
    _close(window)


def test_records_pulled_by_a_sync_show_on_the_open_screen(
    qtbot: QtBot,
    english_ui: None,
    api: ApiProcess,
    make_tenant: Callable[..., Tenant],
    sync_ws: Callable[..., Workspace],
) -> None:
    from safetydesk.core.sync import client as sync

    tenant = make_tenant()
    pc1 = sync_ws(tenant, "pc1", api=api)
    pc2 = sync_ws(tenant, "pc2", api=api)
    window = _window(qtbot, pc1)
    screen = _screen(window, "contractors")
    qtbot.waitUntil(lambda: not screen.loading, timeout=WAIT_MS)
    assert screen.table.rowCount() == 0
    records.create(pc2, "contractors", {"name": "새 협력사"})
    sync.sync_now(pc2)
    ctl = window.sync
    pulled: list[int] = []
    ctl.records_pulled.connect(pulled.append)
    before = ctl.syncs_started
    ctl.sync_now()
    _wait_sync(qtbot, window, before)
    assert pulled and pulled[0] >= 1, "the sync really brought records from the other PC"
    qtbot.waitUntil(lambda: screen.table.rowCount() == 1, timeout=WAIT_MS)
    assert "새 협력사" in screen.table.item(0, 0).text()  # type: ignore[union-attr]
    _close(window)


def test_server_down_shows_a_red_dot_in_korean_without_a_dialog(
    qtbot: QtBot,
    api_server: Callable[..., ApiProcess],
    make_tenant: Callable[..., Tenant],
    sync_ws: Callable[..., Workspace],
) -> None:
    set_language("ko")
    server = api_server()
    tenant = make_tenant()
    pc1 = sync_ws(tenant, "pc1", api=server)
    records.create(pc1, "contractors", {"name": "보낼 협력사"})
    server.stop()
    window = _window(qtbot, pc1)
    ctl = window.sync
    ctl.refresh_status()
    qtbot.waitUntil(lambda: window.sync_indicator is not None, timeout=WAIT_MS)
    before = ctl.syncs_started
    ctl.sync_now()
    _wait_sync(qtbot, window, before)
    assert ctl.last_error is not None, "the fault: the sync really failed"
    indicator = window.sync_indicator
    assert indicator is not None and indicator.state == "failed"
    assert indicator.words == "동기화 실패"
    assert "동기화 서버" in indicator.toolTip()
    assert indicator.isVisible()
    assert QApplication.activeModalWidget() is None, "no dialog"
    centre: SyncScreen = _screen(window, "sync")
    qtbot.waitUntil(lambda: centre.state is not None, timeout=WAIT_MS)
    assert "동기화 서버" in centre.last_error.text()
    assert int(centre.pending.text()) >= 1, "the change waits for the next sync"
    _close(window)


def test_screenshots_of_the_sync_centre_and_settings_with_a_conflict(
    qtbot: QtBot,
    api: ApiProcess,
    make_tenant: Callable[..., Tenant],
    sync_ws: Callable[..., Workspace],
    tmp_path: Path,
) -> None:
    """Korean UI at 1366×768 with one open conflict. SAFETYDESK_SYNC_SHOTS=<dir> keeps the PNGs."""
    from safetydesk.core.sync import client as sync
    from safetydesk.ui.app import STYLE

    set_language("ko")
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setStyleSheet(STYLE)  # as the app looks (big screen titles)
    tenant = make_tenant("동남정밀")
    pc1 = sync_ws(tenant, "pc1", api=api, device_name="사무실 PC")
    contractor = records.create(pc1, "contractors", {"name": "부산도장(주)"}).id
    sync.sync_now(pc1)
    pc2 = sync_ws(tenant, "pc2", api=api, device_name="현장 노트북")
    sync.sync_now(pc2)
    records.update(pc1, "contractors", contractor, {"name": "부산도장 주식회사"})
    time.sleep(0.01)
    records.update(pc2, "contractors", contractor, {"name": "부산도장(주) 2공장"})
    for pc in (pc1, pc2, pc1):
        sync.sync_now(pc)
    assert [c.field for c in sync.conflicts(pc1)] == ["name"]
    window = _window(qtbot, pc1)
    centre: SyncScreen = _screen(window, "sync")
    qtbot.waitUntil(lambda: centre.state is not None, timeout=WAIT_MS)
    assert centre.table.rowCount() == 1, centre.setup_note.text()
    qtbot.mouseClick(centre.add_pc, qtbot_button())
    qtbot.waitUntil(lambda: centre.enrolment_code is not None, timeout=WAIT_MS)
    window.ctx.tasks.wait()
    qtbot.wait(300)
    out = Path(os.environ.get("SAFETYDESK_SYNC_SHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(out / "17-sync-centre.png"))
    settings: SettingsScreen = _screen(window, "settings")
    window.ctx.tasks.wait()
    qtbot.wait(300)
    settings.open_filtered({"section": "sync"})
    qtbot.wait(100)
    window.grab().save(str(out / "18-settings-sync.png"))
    app.setStyleSheet("")
    for name in ("17-sync-centre.png", "18-settings-sync.png"):
        assert (out / name).stat().st_size > 20_000
    _close(window)


def qtbot_button() -> Any:
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton
