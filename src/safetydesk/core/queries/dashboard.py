"""What needs the safety officer today: counts behind the home screen tiles."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import and_, func, select

from safetydesk.core.db.tables import (
    corrective_actions,
    equipment,
    form_records,
    incidents,
    people,
    sites,
)
from safetydesk.core.workspace.workspace import Workspace


@dataclass(frozen=True)
class DashboardCounts:
    site_name: str
    people: int
    open_actions: int
    overdue_actions: int
    due_soon_actions: int
    inspections_30d: int
    statutory_overdue: int
    statutory_due_60d: int
    near_misses_90d: int
    drills_overdue: int = 0
    education_short: int = 0


def dashboard_counts(ws: Workspace, today: date | None = None) -> DashboardCounts:
    today = today or date.today()
    t = today.isoformat()
    open_status = corrective_actions.c.status.in_(("open", "in_progress"))
    live_action = and_(open_status, corrective_actions.c.deleted_at.is_(None))
    with ws.reader() as conn:
        site = conn.execute(select(sites.c.name).where(sites.c.deleted_at.is_(None)).limit(1)).scalar()

        def count(query: object) -> int:
            return int(conn.execute(query).scalar_one())  # type: ignore[call-overload]

        counts = DashboardCounts(
            site_name=str(site or ""),
            people=count(
                select(func.count())
                .select_from(people)
                .where(people.c.deleted_at.is_(None), people.c.left_on.is_(None))
            ),
            open_actions=count(select(func.count()).select_from(corrective_actions).where(live_action)),
            overdue_actions=count(
                select(func.count())
                .select_from(corrective_actions)
                .where(live_action, corrective_actions.c.due_on < t)
            ),
            due_soon_actions=count(
                select(func.count())
                .select_from(corrective_actions)
                .where(
                    live_action,
                    corrective_actions.c.due_on >= t,
                    corrective_actions.c.due_on <= (today + timedelta(days=7)).isoformat(),
                )
            ),
            inspections_30d=count(
                select(func.count())
                .select_from(form_records)
                .where(
                    form_records.c.performed_on >= (today - timedelta(days=30)).isoformat(),
                    form_records.c.deleted_at.is_(None),
                )
            ),
            statutory_overdue=count(
                select(func.count())
                .select_from(equipment)
                .where(
                    equipment.c.next_inspection_due < t,
                    equipment.c.retired_on.is_(None),
                    equipment.c.deleted_at.is_(None),
                )
            ),
            statutory_due_60d=count(
                select(func.count())
                .select_from(equipment)
                .where(
                    equipment.c.next_inspection_due >= t,
                    equipment.c.next_inspection_due <= (today + timedelta(days=60)).isoformat(),
                    equipment.c.retired_on.is_(None),
                    equipment.c.deleted_at.is_(None),
                )
            ),
            near_misses_90d=count(
                select(func.count())
                .select_from(incidents)
                .where(
                    incidents.c.kind == "near_miss",
                    incidents.c.occurred_at >= (today - timedelta(days=90)).isoformat(),
                    incidents.c.deleted_at.is_(None),
                )
            ),
        )
    return replace(
        counts, drills_overdue=_drills_overdue(ws, today), education_short=_education_short(ws, today)
    )


def _drills_overdue(ws: Workspace, today: date) -> int:
    from safetydesk.core.queries.emergency import drill_due_status

    return sum(1 for due in drill_due_status(ws, today) if due.overdue)


def _education_short(ws: Workspace, today: date) -> int:
    from safetydesk.core.domain.legal import HalfYear
    from safetydesk.core.queries.people import education_hours_table

    return sum(
        1 for row in education_hours_table(ws, HalfYear.containing(today), today=today) if row.shortfall > 0
    )
