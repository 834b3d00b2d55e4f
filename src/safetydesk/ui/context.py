"""What every screen gets: the open workspace and the task runner."""

from __future__ import annotations

from dataclasses import dataclass

from safetydesk.core.workspace.workspace import Workspace
from safetydesk.ui.tasks import TaskRunner


@dataclass(frozen=True)
class AppContext:
    workspace: Workspace
    tasks: TaskRunner
