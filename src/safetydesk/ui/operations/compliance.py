"""SAPA duties screen and Home reminders: the compliance engine, the continuous risk-assessment
tracker and the half-yearly check workflow, all on the database lane.

``core.compliance`` is imported inside the jobs only, so opening the window does not pay for it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from safetydesk.ui.context import AppContext
from safetydesk.ui.operations.common import Failed, run

if TYPE_CHECKING:
    from safetydesk.core.compliance.model import ComplianceReport
    from safetydesk.core.queries.home import HomeDuties

__all__ = [
    "TRACK_MONTHS",
    "ComplianceView",
    "confirm_by_owner",
    "load_compliance",
    "load_home_duties",
    "record_review",
]

#: How many months the continuous risk-assessment tab shows (ending with the report's "as of" month).
TRACK_MONTHS = 6


@dataclass(frozen=True)
class ComplianceView:
    """Everything the screen shows for one period, read in one job."""

    report: ComplianceReport
    periods: tuple[str, ...]  # newest first, back to the first half-year with records
    months: tuple[Any, ...] = ()  # core.compliance.continuous.MonthTrack, oldest first
    months_error: str = ""  # why the tracker could not be read (e.g. not installed)
    retention: dict[str, str] = field(default_factory=dict)  # compliance_checks id -> retention_until
    elapsed_ms: float = 0.0


def last_months(as_of: date, count: int = TRACK_MONTHS) -> tuple[date, ...]:
    """The first days of the ``count`` months ending with ``as_of``'s month, oldest first."""
    months: list[date] = []
    year, month = as_of.year, as_of.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return tuple(reversed(months))


def read_view(ws: Any, period: str | None, today: date | None) -> ComplianceView:
    """The engine's report for ``period`` (default: the current half-year) plus the tracker months."""
    from safetydesk.core.compliance.engine import compliance
    from safetydesk.core.domain.legal import HalfYear
    from safetydesk.core.queries.home import compliance_periods
    from safetydesk.core.services import records

    day = today or date.today()
    periods = compliance_periods(ws, day)
    code = period or HalfYear.containing(day).code
    started = time.perf_counter()
    report = compliance(ws, code, today=today)
    elapsed = (time.perf_counter() - started) * 1000
    if code not in periods:
        periods = tuple(sorted({*periods, code}, reverse=True))
    retention: dict[str, str] = {}
    for duty in report.duties:
        check = duty.check
        if check is not None and check.locked:
            row = records.get(ws, "compliance_checks", check.record_id)
            if row.get("retention_until"):
                retention[check.record_id] = str(row["retention_until"])
    months: tuple[Any, ...] = ()
    months_error = ""
    try:
        from safetydesk.core.compliance.continuous import continuous_ra_range
    except ImportError as exc:  # the tracker ships with the engine; say so rather than fail the screen
        months_error = str(exc)
    else:
        span = last_months(report.as_of)
        months = tuple(continuous_ra_range(ws, span[0], span[-1], today=today))
    return ComplianceView(report, periods, months, months_error, retention, elapsed)


def load_compliance(
    ctx: AppContext,
    owner: QObject,
    period: str | None,
    today: date | None,
    on_done: Callable[[ComplianceView], None],
    on_error: Failed | None = None,
) -> None:
    ws = ctx.workspace
    run(ctx, owner, lambda: read_view(ws, period, today), on_done, on_error)


def load_home_duties(
    ctx: AppContext,
    owner: QObject,
    today: date | None,
    on_done: Callable[[HomeDuties], None],
    on_error: Failed | None = None,
) -> None:
    """The current half-year's duty statuses and the 30/14/7-day reminders for Home."""
    ws = ctx.workspace

    def work() -> HomeDuties:
        from safetydesk.core.queries.home import home_duties

        return home_duties(ws, today)

    run(ctx, owner, work, on_done, on_error)


def record_review(
    ctx: AppContext,
    owner: QObject,
    period: str,
    duty_code: str,
    *,
    reviewer: str,
    reviewed_on: date,
    findings: str,
    on_done: Callable[[str], None],
    on_error: Failed | None = None,
) -> None:
    """The safety officer's half-yearly review of one duty; ``on_done`` gets the check's id."""
    ws = ctx.workspace

    def work() -> str:
        from safetydesk.core.services import compliance as service

        created = service.record_review(
            ws, period, duty_code, reviewer=reviewer, reviewed_on=reviewed_on, findings=findings
        )
        return str(created.id)

    run(ctx, owner, work, on_done, on_error)


def confirm_by_owner(
    ctx: AppContext,
    owner: QObject,
    check_id: str,
    *,
    owner_name: str,
    confirmed_on: date,
    signature_png: bytes | None,
    on_done: Callable[[str], None],
    on_error: Failed | None = None,
) -> None:
    """The owner (경영책임자) confirms receipt; the check locks. ``on_done`` gets its retention end."""
    ws = ctx.workspace

    def work() -> str:
        from safetydesk.core.services import compliance as service
        from safetydesk.core.services import records

        service.confirm_by_owner(
            ws, check_id, owner_name=owner_name, confirmed_on=confirmed_on, signature_png=signature_png
        )
        return str(records.get(ws, "compliance_checks", check_id).get("retention_until") or "")

    run(ctx, owner, work, on_done, on_error)
