"""Dashboard operations: load the home-screen data on the database lane."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from safetydesk.core.queries.dashboard import DashboardCounts, dashboard_counts
from safetydesk.core.queries.home import HomeSummary, home_summary
from safetydesk.core.workspace.workspace import Workspace
from safetydesk.ui.tasks import TaskRunner


def load_dashboard(
    runner: TaskRunner,
    ws: Workspace,
    owner: QObject,
    on_done: Callable[[tuple[DashboardCounts, HomeSummary]], None],
    on_error: Callable[[Exception], None] | None = None,
) -> None:
    runner.run_db(lambda: (dashboard_counts(ws), home_summary(ws)), on_done, on_error, owner)
