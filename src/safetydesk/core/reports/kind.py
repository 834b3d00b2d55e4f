"""A report kind: its CLI name, title, scope and builder (the registry collects them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from safetydesk.core.reports.context import ReportRequest
from safetydesk.core.reports.model import Report
from safetydesk.core.workspace.workspace import Workspace

Scope = Literal["record", "period"]
Builder = Callable[[Workspace, ReportRequest], Report]


@dataclass(frozen=True)
class ReportKind:
    name: str  # the CLI word, e.g. "inspection"
    title: str  # msgid
    scope: Scope
    build: Builder
    entity: str | None = None  # table of the record for scope "record"
    description: str = ""  # msgid, one line for `report --list`
