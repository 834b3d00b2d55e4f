"""One corrective action with what the detail panel shows: its finding, area and evidence photos."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from safetydesk.core.db.tables import areas, attachment_links, corrective_actions, findings
from safetydesk.core.workspace.workspace import Workspace

OPEN_STATUSES = ("open", "in_progress")  # not yet done: only these can be overdue


def days_overdue(status: str | None, due_on: object, today: date) -> int:
    """Days past the due date of an action not yet done (0 when done, not due or without a date)."""
    if status not in OPEN_STATUSES or not due_on:
        return 0
    return max(0, (today - date.fromisoformat(str(due_on)[:10])).days)


@dataclass(frozen=True)
class Evidence:
    sha256: str
    role: str
    caption: str | None


@dataclass(frozen=True)
class ActionDetail:
    id: str
    title: str
    description: str
    status: str
    hierarchy: str
    owner_name: str
    due_on: str
    done_on: str | None
    verified_on: str | None
    verified_by: str | None
    effective: bool | None
    interim_measure: str
    area_name: str
    source_kind: str
    finding_text: str
    severity: str | None
    days_overdue: int
    evidence: tuple[Evidence, ...]
    retention_until: str | None = None


def action_detail(ws: Workspace, action_id: str, today: date | None = None) -> ActionDetail:
    today = today or date.today()
    with ws.reader() as conn:
        row = (
            conn.execute(
                select(
                    corrective_actions,
                    areas.c.name.label("area_name"),
                    findings.c.description.label("finding_text"),
                    findings.c.severity,
                )
                .select_from(
                    corrective_actions.outerjoin(areas, areas.c.id == corrective_actions.c.area_id).outerjoin(
                        findings, findings.c.id == corrective_actions.c.finding_id
                    )
                )
                .where(corrective_actions.c.id == action_id)
            )
            .mappings()
            .one()
        )
        links = conn.execute(
            select(attachment_links.c.sha256, attachment_links.c.role, attachment_links.c.caption).where(
                attachment_links.c.deleted_at.is_(None),
                (
                    (attachment_links.c.entity == "corrective_actions")
                    & (attachment_links.c.record_id == action_id)
                )
                | (
                    (attachment_links.c.entity == "findings")
                    & (attachment_links.c.record_id == row["finding_id"])
                ),
            )
        ).all()
    overdue = days_overdue(row["status"], row["due_on"], today)
    return ActionDetail(
        id=action_id,
        title=row["title"],
        description=row["description"] or "",
        status=row["status"],
        hierarchy=row["hierarchy"],
        owner_name=row["owner_name"] or "",
        due_on=row["due_on"],
        done_on=row["done_on"],
        verified_on=row["verified_on"],
        verified_by=row["verified_by"],
        effective=row["effective"],
        interim_measure=row["interim_measure"] or "",
        area_name=row["area_name"] or "",
        source_kind=row["source_kind"],
        finding_text=row["finding_text"] or "",
        severity=row["severity"],
        days_overdue=overdue,
        evidence=tuple(Evidence(r[0], r[1], r[2]) for r in links),
        retention_until=row["retention_until"],
    )


def attachment_bytes(ws: Workspace, sha256: str) -> bytes:
    return ws.attachments.read_bytes(sha256)
