"""Sync operations: the network on the net lane, the sync tables' reads and writes on the database lane.

One ``SyncController`` per window (``controller(ctx)``) owns "a sync is running": Settings → Sync,
the Sync centre, the status-bar indicator and the auto-sync timer all ask it, so two syncs never run
at once (a request during a sync is queued once, and runs when the first one has finished).

The sync client (httpx, keyring) is imported inside the worker functions only: start-up never pays
for it, and an app without sync never loads it.
"""

from __future__ import annotations

import inspect
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from safetydesk.core.errors import UserError
from safetydesk.core.i18n import _
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations.common import Failed

if TYPE_CHECKING:  # the client loads on the first sync, never at start-up
    from safetydesk.core.sync.client import Conflict, EnrolResult, SyncReport, SyncStatus

AUTO_CHECK_MS = 60_000  # the auto-sync timer looks once a minute whether a sync is due
FIRST_CHECK_MS = 3000  # the first look at the sync state, after the first paint
AUTO_CHOICES = (0, 5, 15, 30, 60)  # minutes; 0 = off
ENROL_CODE_HOURS = 24
# A sync started from the app gives up after a few quick retries: the next auto-sync tries again,
# and the user sees the failure in the status bar instead of a sync hanging for minutes.
UI_RETRY_ATTEMPTS = 3
UI_RETRY_CAP_S = 10.0


@dataclass(frozen=True)
class CentreState:
    """What the Sync centre shows, read in one go on the database lane."""

    status: SyncStatus
    conflicts: list[Conflict]


def describe_error(exc: BaseException) -> str:
    """A failure in plain words, in the UI language: a ``UserError``'s message and hint, else a short line."""
    if isinstance(exc, UserError):
        return exc.text()
    if type(exc).__module__.split(".")[0] in ("httpx", "httpcore", "ssl", "socket"):
        return (
            _("The sync server could not be reached.") + "\n" + _("Check the network and the server address.")
        )
    return _("Sync failed: {error}").format(error=f"{type(exc).__name__}: {exc}")


def as_datetime(value: object) -> datetime | None:
    """A time from the sync state (ISO text or datetime) as an aware datetime, or None."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def local_time_text(value: object) -> str:
    """A sync time for people: local time, minutes; "—" when there is none."""
    moment = as_datetime(value)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else "—"


class SyncController(QObject):
    """The one place that starts syncs for a window; see the module docstring."""

    started = Signal()
    finished = Signal(object)  # SyncReport
    failed = Signal(object)  # Exception
    status_changed = Signal(object)  # SyncStatus
    records_pulled = Signal(int)  # after a sync that applied records from other PCs
    note = Signal(str)  # a short line for whoever asked (e.g. "a sync is already running")

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.running = False
        self.queued = False
        self.status: SyncStatus | None = None
        self.last_report: SyncReport | None = None
        self.last_error: Exception | None = None
        self.last_attempt: float | None = None  # time.time() of the last start in this session
        self.syncs_started = 0
        # (thread id, was it the GUI thread) of the latest syncs: the tests check the net lane ran them
        self.worker_threads: deque[tuple[int, bool]] = deque(maxlen=50)
        self.transport_factory: Callable[[], Any] | None = None  # tests: a Transport with test headers
        self.cancel = threading.Event()
        self.closed = False
        self.timer = QTimer(self)
        self.timer.setInterval(AUTO_CHECK_MS)
        self.timer.timeout.connect(self.auto_tick)

    # -- state ---------------------------------------------------------------------------------

    def refresh_status(self, on_done: Callable[[SyncStatus], None] | None = None) -> None:
        """Reload the sync state on the database lane; starts or stops the auto-sync timer."""

        def loaded(status: SyncStatus) -> None:
            self.set_status(status)
            if on_done is not None:
                on_done(status)

        self.ctx.tasks.run_db(lambda: _status(self.ctx), loaded, self._status_failed, self)

    def _status_failed(self, exc: Exception) -> None:
        # A workspace the sync tables cannot be read from shows no indicator; nothing to do for the user.
        self.status = None
        self.timer.stop()
        self.status_changed.emit(None)

    def set_status(self, status: SyncStatus) -> None:
        """Take a freshly read state (also from the Sync centre's own load)."""
        self.status = status
        if status.enabled and status.auto_minutes and not self.ctx.workspace.read_only:
            if not self.timer.isActive():
                self.timer.start()
        else:
            self.timer.stop()
        self.status_changed.emit(status)

    def enabled(self) -> bool:
        return self.status is not None and bool(self.status.enabled)

    # -- syncing -------------------------------------------------------------------------------

    def sync_now(self) -> bool:
        """Start a sync on the net lane; False if one is running (this request then runs after it)."""
        if self.closed:
            return False
        if self.ctx.workspace.read_only:
            self.note.emit(_("This workspace is open read-only; it does not sync."))
            return False
        if self.running:
            self.queued = True
            self.note.emit(_("A sync is already running; another one follows when it ends."))
            return False
        self.running = True
        self.last_attempt = time.time()
        self.syncs_started += 1
        self.cancel.clear()
        self.started.emit()
        factory = self.transport_factory
        ctx, cancel, threads = self.ctx, self.cancel, self.worker_threads

        def work() -> SyncReport:
            threads.append((threading.get_ident(), threading.current_thread() is threading.main_thread()))
            from safetydesk.core.sync import client

            retry = client.RetryPolicy(max_attempts=UI_RETRY_ATTEMPTS, cap=UI_RETRY_CAP_S)
            transport = factory() if factory is not None else None
            try:
                return client.sync_now(ctx.workspace, cancel=cancel, retry=retry, transport=transport)
            finally:
                if transport is not None:
                    transport.close()

        self.ctx.tasks.run_net(work, self._done, self._failed, self)
        return True

    def _done(self, report: SyncReport) -> None:
        self.running = False
        self.last_report = report
        self.last_error = None
        self.finished.emit(report)
        if report.pulled:
            self.records_pulled.emit(report.pulled)
        self._after()

    def _failed(self, exc: Exception) -> None:
        self.running = False
        self.last_error = exc
        self.failed.emit(exc)
        self._after()

    def _after(self) -> None:
        self.refresh_status()
        if self.queued:
            self.queued = False
            self.sync_now()

    def auto_tick(self) -> bool:
        """The timer's look: sync if enabled and the last attempt is at least N minutes old."""
        status = self.status
        if status is None or not status.enabled or not status.auto_minutes or self.running:
            return False
        last = self._last_attempt_time(status)
        if last is not None and time.time() - last < int(status.auto_minutes) * 60:
            return False
        return self.sync_now()

    def _last_attempt_time(self, status: SyncStatus) -> float | None:
        """The newest of this session's last start and the workspace's last success or error."""
        times = [self.last_attempt] if self.last_attempt is not None else []
        for value in (status.last_success_at, status.last_error_at):
            moment = as_datetime(value)
            if moment is not None:
                times.append(moment.timestamp())
        return max(times) if times else None

    def shutdown(self) -> None:
        """The window closes: stop the timer and ask a running sync to stop at its next step."""
        self.closed = True
        self.timer.stop()
        self.queued = False
        self.cancel.set()


def controller(ctx: AppContext) -> SyncController:
    """The window's one sync controller (made on first use, owned by the task runner)."""
    found = ctx.tasks.findChild(SyncController)
    if isinstance(found, SyncController):
        return found
    return SyncController(ctx, ctx.tasks)


# -- database lane -----------------------------------------------------------------------------


def _status(ctx: AppContext) -> SyncStatus:
    from safetydesk.core.sync import client

    return client.status(ctx.workspace)


def load_centre(
    ctx: AppContext,
    owner: QObject,
    include_resolved: bool,
    on_done: Callable[[CentreState], None],
    on_error: Failed,
) -> None:
    def work() -> CentreState:
        from safetydesk.core.sync import client

        return CentreState(
            client.status(ctx.workspace), client.conflicts(ctx.workspace, include_resolved=include_resolved)
        )

    ctx.tasks.run_db(work, on_done, on_error, owner)


def configure(
    ctx: AppContext,
    owner: QObject,
    *,
    url: str,
    ca_file: str | None,
    auto_minutes: int | None,
    on_done: Callable[[object], None],
    on_error: Failed,
) -> None:
    def work() -> None:
        from safetydesk.core.sync import client

        client.configure(ctx.workspace, url=url, ca_file=ca_file, auto_minutes=auto_minutes)

    def done(result: object) -> None:
        controller(ctx).refresh_status()
        on_done(result)

    ctx.tasks.run_db(work, done, on_error, owner)


def disable(ctx: AppContext, owner: QObject, on_done: Callable[[object], None], on_error: Failed) -> None:
    def work() -> None:
        from safetydesk.core.sync import client

        client.disable(ctx.workspace)

    def done(result: object) -> None:
        controller(ctx).refresh_status()
        on_done(result)

    ctx.tasks.run_db(work, done, on_error, owner)


def resolve(
    ctx: AppContext,
    owner: QObject,
    conflict_id: str,
    keep: str,
    merged_value: object,
    on_done: Callable[[object], None],
    on_error: Failed,
) -> None:
    """Record the choice locally (database lane), then start a sync so every PC gets it."""

    def work() -> object:
        from safetydesk.core.sync import client

        return client.resolve(ctx.workspace, conflict_id, keep=keep, merged_value=merged_value)  # type: ignore[arg-type]

    def done(changes: object) -> None:
        on_done(changes)
        controller(ctx).sync_now()

    ctx.tasks.run_db(work, done, on_error, owner)


# -- net lane ----------------------------------------------------------------------------------


def enroll(
    ctx: AppContext,
    owner: QObject,
    *,
    url: str,
    code: str,
    device_name: str,
    ca_file: str | None,
    on_done: Callable[[EnrolResult], None],
    on_error: Failed,
) -> None:
    def work() -> EnrolResult:
        from safetydesk.core.sync import client

        return client.enroll(ctx.workspace, url=url, code=code, device_name=device_name, ca_file=ca_file)

    def done(result: EnrolResult) -> None:
        controller(ctx).refresh_status()
        on_done(result)

    ctx.tasks.run_net(work, done, on_error, owner)


def _quick(fn: Callable[..., Any], cancel: threading.Event) -> dict[str, Any]:
    """Few retries and the window's cancel flag for a call that takes them (on the net lane): a
    server that is down must not hold the net lane (the next sync, closing the window) for minutes."""
    from safetydesk.core.sync import client

    accepted = inspect.signature(fn).parameters
    extra: dict[str, Any] = {}
    if "retry" in accepted:
        extra["retry"] = client.RetryPolicy(max_attempts=UI_RETRY_ATTEMPTS, cap=UI_RETRY_CAP_S)
    if "cancel" in accepted:
        extra["cancel"] = cancel
    return extra


def devices(ctx: AppContext, owner: QObject, on_done: Callable[[list[Any]], None], on_error: Failed) -> None:
    """The firm's PCs, from the server (net lane)."""
    cancel = controller(ctx).cancel

    def work() -> list[Any]:
        from safetydesk.core.sync import client

        return list(client.devices(ctx.workspace, **_quick(client.devices, cancel)))

    ctx.tasks.run_net(work, on_done, on_error, owner)


def create_enrolment_code(
    ctx: AppContext, owner: QObject, on_done: Callable[[tuple[str, str]], None], on_error: Failed
) -> None:
    cancel = controller(ctx).cancel

    def work() -> tuple[str, str]:
        from safetydesk.core.sync import client

        extra = _quick(client.create_enrolment_code, cancel)
        return client.create_enrolment_code(ctx.workspace, hours=ENROL_CODE_HOURS, **extra)

    ctx.tasks.run_net(work, on_done, on_error, owner)
