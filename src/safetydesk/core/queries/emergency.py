"""Reads for the emergency screen: manual versions, drills and when the next drill is due by law."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from safetydesk.core.db.tables import areas, corrective_actions, drills, emergency_manuals, sites
from safetydesk.core.domain.provenance import LegalLookupError
from safetydesk.core.errors import NotFoundError
from safetydesk.core.i18n import N_
from safetydesk.core.workspace.workspace import Workspace

# SAPA Decree Art. 4-8 parts first (가 stop work/evacuate/remove the hazard, 나 rescue/first aid,
# 다 prevent further damage), then what DOMAIN.md §3.3 adds: contacts, routes/muster points, equipment.
MANUAL_SECTIONS = ("ga", "na", "da", "contacts", "routes", "equipment")
REQUIRED_SECTIONS = ("ga", "na", "da")

DRILL_TYPES = ("fire", "chemical_leak", "confined_space_rescue", "scenario")
# A carried-out drill is "done" (what finish_drill writes); imported and demo records may say "completed".
DRILL_DONE = ("done", "completed")
# Drill types with a legal frequency, and the duty code in resources/legal/periods.toml.
DRILL_DUTIES = {"confined_space_rescue": "confined_space_rescue_drill", "fire": "fire_drill"}


@dataclass(frozen=True)
class AreaChoice:
    id: str
    code: str
    name: str

    @property
    def caption(self) -> str:
        return f"{self.code} · {self.name}" if self.code else self.name


@dataclass(frozen=True)
class ManualDetail:
    id: str
    title: str
    version_label: str
    sections: dict[str, str]
    status: str
    locked: bool
    approved_by: str | None
    approved_on: str | None
    posted_on: str | None
    revision_no: int
    revision_of: str | None
    retention_until: str | None = None


@dataclass(frozen=True)
class LinkedAction:
    id: str
    title: str
    status: str
    due_on: str
    owner_name: str | None


@dataclass(frozen=True)
class DrillDetail:
    id: str
    drill_type: str
    scenario: str
    area_id: str | None
    area_name: str | None
    planned_on: str
    status: str
    performed_at: str | None
    headcount_expected: int | None
    headcount_actual: int | None
    seconds_to_alarm: int | None
    seconds_to_evacuate: int | None
    observations: str
    form_record_id: str | None
    actions: tuple[LinkedAction, ...]
    retention_until: str | None = None


@dataclass(frozen=True)
class DrillDue:
    """When a drill of a type with a legal frequency is next due."""

    drill_type: str
    duty_label_ko: str
    duty_label_en: str
    source: str
    last_done: str | None
    due_on: str | None  # None: never done — due now
    next_planned: str | None
    overdue: bool


def area_choices(ws: Workspace) -> tuple[AreaChoice, ...]:
    with ws.reader() as conn:
        rows = conn.execute(
            select(areas.c.id, areas.c.code, areas.c.name)
            .where(areas.c.deleted_at.is_(None))
            .order_by(areas.c.code, areas.c.name)
        ).all()
    return tuple(AreaChoice(str(r[0]), str(r[1] or ""), str(r[2])) for r in rows)


def first_site_id(conn: Any) -> str | None:
    value = conn.execute(
        select(sites.c.id).where(sites.c.deleted_at.is_(None)).order_by(sites.c.created_at).limit(1)
    ).scalar()
    return str(value) if value else None


def get_manual(ws: Workspace, manual_id: str) -> ManualDetail:
    with ws.reader() as conn:
        row = (
            conn.execute(select(emergency_manuals).where(emergency_manuals.c.id == manual_id))
            .mappings()
            .first()
        )
    if row is None:
        raise NotFoundError(
            N_("The record {id} ({entity}) does not exist."), id=manual_id[:8], entity="manual"
        )
    stored = row["sections"] or {}
    sections = {key: str(stored.get(key) or "") for key in MANUAL_SECTIONS}
    return ManualDetail(
        id=str(row["id"]),
        title=str(row["title"]),
        version_label=str(row["version_label"]),
        sections=sections,
        status=str(row["status"]),
        locked=row["locked_at"] is not None,
        approved_by=row["approved_by"],
        approved_on=row["approved_on"],
        posted_on=row["posted_on"],
        revision_no=int(row["revision_no"]),
        revision_of=row["revision_of"],
        retention_until=row["retention_until"],
    )


def latest_manual_id(ws: Workspace) -> str | None:
    """The newest live version (a draft revision if one is open, else the approved one)."""
    with ws.reader() as conn:
        value = conn.execute(
            select(emergency_manuals.c.id)
            .where(emergency_manuals.c.deleted_at.is_(None))
            .order_by(emergency_manuals.c.revision_no.desc(), emergency_manuals.c.created_at.desc())
            .limit(1)
        ).scalar()
    return str(value) if value else None


def actions_for(conn: Any, source_id: str) -> tuple[LinkedAction, ...]:
    rows = conn.execute(
        select(
            corrective_actions.c.id,
            corrective_actions.c.title,
            corrective_actions.c.status,
            corrective_actions.c.due_on,
            corrective_actions.c.owner_name,
        )
        .where(corrective_actions.c.source_id == source_id, corrective_actions.c.deleted_at.is_(None))
        .order_by(corrective_actions.c.due_on)
    ).all()
    return tuple(LinkedAction(str(r[0]), str(r[1]), str(r[2]), str(r[3]), r[4]) for r in rows)


def get_drill(ws: Workspace, drill_id: str) -> DrillDetail:
    with ws.reader() as conn:
        row = (
            conn.execute(
                select(drills, areas.c.name.label("area_name"))
                .select_from(drills.outerjoin(areas, areas.c.id == drills.c.area_id))
                .where(drills.c.id == drill_id)
            )
            .mappings()
            .first()
        )
        if row is None:
            raise NotFoundError(
                N_("The record {id} ({entity}) does not exist."), id=drill_id[:8], entity="drill"
            )
        actions = actions_for(conn, drill_id)
    return DrillDetail(
        id=str(row["id"]),
        drill_type=str(row["drill_type"]),
        scenario=str(row["scenario"] or ""),
        area_id=row["area_id"],
        area_name=row["area_name"],
        planned_on=str(row["planned_on"]),
        status=str(row["status"]),
        performed_at=row["performed_at"],
        headcount_expected=row["headcount_expected"],
        headcount_actual=row["headcount_actual"],
        seconds_to_alarm=row["seconds_to_alarm"],
        seconds_to_evacuate=row["seconds_to_evacuate"],
        observations=str(row["observations"] or ""),
        form_record_id=row["form_record_id"],
        actions=actions,
        retention_until=row["retention_until"],
    )


def drill_due_status(ws: Workspace, today: date | None = None) -> tuple[DrillDue, ...]:
    """Next due date per drill type that the law sets a frequency for (periods.toml)."""
    from safetydesk.core.legaldata import load_legal_data

    today = today or date.today()
    legal = load_legal_data()
    out: list[DrillDue] = []
    with ws.reader() as conn:
        for drill_type, code in DRILL_DUTIES.items():
            try:
                duty = legal.duty(code, today)
            except LegalLookupError:
                continue  # no rule in force for this date: nothing to track
            live = (drills.c.drill_type == drill_type) & drills.c.deleted_at.is_(None)
            last = conn.execute(
                select(func.max(func.date(drills.c.performed_at, "localtime"))).where(
                    live, drills.c.status.in_(DRILL_DONE), drills.c.performed_at.is_not(None)
                )
            ).scalar()
            planned = conn.execute(
                select(func.min(drills.c.planned_on)).where(live, drills.c.status == "planned")
            ).scalar()
            due = duty.due_after(date.fromisoformat(str(last))) if last else None
            out.append(
                DrillDue(
                    drill_type=drill_type,
                    duty_label_ko=duty.label_ko,
                    duty_label_en=duty.label_en,
                    source=duty.source,
                    last_done=str(last) if last else None,
                    due_on=due.isoformat() if due else None,
                    next_planned=str(planned) if planned else None,
                    overdue=due is None or due < today,
                )
            )
    return tuple(out)
