"""Risk assessments as the editor shows them: header, KRAS items and the scale they were scored on.

The same frozen values travel back to ``core.services.risk`` when the editor saves, so a screen
never needs an ORM row or a service type. The scale is resolved here (code + stored version), so an
old assessment stays readable after a newer scale version ships.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from safetydesk.core.db.tables import areas, corrective_actions, people, risk_assessments, risk_items, sites
from safetydesk.core.domain.risk import RiskScale
from safetydesk.core.domain.risk_assessment import AssessmentHeader, Participant, RiskItemData
from safetydesk.core.queries.hazard_labels import latest_labels
from safetydesk.core.workspace.workspace import Workspace


@dataclass(frozen=True)
class AssessmentDetail:
    id: str
    header: AssessmentHeader
    items: tuple[RiskItemData, ...]
    scale: RiskScale
    status: str
    locked: bool
    revision_no: int
    revision_of: str | None
    completed_at: str | None
    retention_until: str | None


@dataclass(frozen=True)
class AreaChoice:
    id: str
    site_id: str
    name: str
    code: str


@dataclass(frozen=True)
class PersonChoice:
    id: str
    name: str
    kind: str
    job_title: str
    department: str


@dataclass(frozen=True)
class RiskReference:
    """What the editor's pickers offer: scales in force, the site's areas and the roster."""

    scales: tuple[RiskScale, ...]
    site_id: str | None
    areas: tuple[AreaChoice, ...]
    people: tuple[PersonChoice, ...]


def scales_in_force(on: date) -> tuple[RiskScale, ...]:
    from safetydesk.core.domain.provenance import NotInForceError
    from safetydesk.core.legaldata import load_legal_data

    legal = load_legal_data()
    out: list[RiskScale] = []
    for code in legal.risk_scale_codes():
        try:
            out.append(legal.risk_scale(code, on))
        except NotInForceError:
            continue
    return tuple(out)


def scale_of(code: str, version: int) -> RiskScale:
    from safetydesk.core.legaldata import load_legal_data

    return load_legal_data().risk_scale(code, date.today(), version)


def roster(ws: Workspace) -> tuple[PersonChoice, ...]:
    """People still employed, for pickers (participants, assessors, owners)."""
    with ws.reader() as conn:
        rows = conn.execute(
            select(people.c.id, people.c.name, people.c.kind, people.c.job_title, people.c.department)
            .where(people.c.deleted_at.is_(None), people.c.left_on.is_(None))
            .order_by(people.c.name)
        ).all()
    return tuple(PersonChoice(r[0], r[1], r[2], r[3] or "", r[4] or "") for r in rows)


def reference(ws: Workspace, on: date | None = None) -> RiskReference:
    with ws.reader() as conn:
        site_id = conn.execute(
            select(sites.c.id).where(sites.c.deleted_at.is_(None)).order_by(sites.c.created_at).limit(1)
        ).scalar()
        area_rows = conn.execute(
            select(areas.c.id, areas.c.site_id, areas.c.name, areas.c.code)
            .where(areas.c.deleted_at.is_(None))
            .order_by(areas.c.code)
        ).all()
    return RiskReference(
        scales=scales_in_force(on or date.today()),
        site_id=site_id,
        areas=tuple(AreaChoice(r[0], r[1], r[2], r[3]) for r in area_rows),
        people=roster(ws),
    )


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def item_from_row(
    row: Any, action_status: str | None = None, label: Mapping[str, Any] | None = None
) -> RiskItemData:
    return RiskItemData(
        id=row["id"],
        task=_text(row["task"]),
        hazard_class=_text(row["hazard_class"]),
        situation=_text(row["situation"]),
        legal_basis=_text(row["legal_basis"]),
        current_controls=_text(row["current_controls"]),
        likelihood=row["likelihood"],
        severity=row["severity"],
        level=row["level"],
        reduction_measures=_text(row["reduction_measures"]),
        hierarchy=row["hierarchy"],
        residual_likelihood=row["residual_likelihood"],
        residual_severity=row["residual_severity"],
        residual_level=row["residual_level"],
        planned_on=row["planned_on"],
        completed_on=row["completed_on"],
        owner_name=_text(row["owner_name"]),
        remarks=_text(row["remarks"]),
        action_id=row["action_id"],
        action_status=action_status,
        hazard_group=label["hazard_group"] if label else None,
        model_suggestion=label["suggestion"] if label else None,
    )


def header_from_row(row: Any) -> AssessmentHeader:
    return AssessmentHeader(
        title=row["title"],
        assessment_type=row["assessment_type"],
        scale_code=row["scale_code"],
        scale_version=int(row["scale_version"]),
        assessed_on=row["assessed_on"],
        site_id=row["site_id"],
        area_id=row["area_id"],
        trigger=_text(row["trigger"]),
        lead_assessor=_text(row["lead_assessor"]),
        participants=tuple(
            Participant(
                name=str(p.get("name") or ""), role=str(p.get("role") or ""), person_id=p.get("person_id")
            )
            for p in (row["participants"] or ())
        ),
        worker_rep_participated=bool(row["worker_rep_participated"]),
        discovery_methods=tuple(str(m) for m in (row["discovery_methods"] or ())),
        reported_to_owner_on=row["reported_to_owner_on"],
        shared_how=_text(row["shared_how"]),
    )


def live_items(conn: Any, assessment_id: str) -> list[Any]:
    """The assessment's item rows (not tombstoned) in table order."""
    return list(
        conn.execute(
            select(risk_items)
            .where(risk_items.c.assessment_id == assessment_id, risk_items.c.deleted_at.is_(None))
            .order_by(risk_items.c.seq, risk_items.c.created_at)
        ).mappings()
    )


def assessment_detail(ws: Workspace, assessment_id: str) -> AssessmentDetail:
    with ws.reader() as conn:
        row = (
            conn.execute(select(risk_assessments).where(risk_assessments.c.id == assessment_id))
            .mappings()
            .one()
        )
        items = live_items(conn, assessment_id)
        labels = latest_labels(conn, "risk_items", [str(i["id"]) for i in items])
        action_ids = [i["action_id"] for i in items if i["action_id"]]
        statuses: dict[str, str] = {}
        if action_ids:
            statuses = {
                str(r[0]): str(r[1])
                for r in conn.execute(
                    select(corrective_actions.c.id, corrective_actions.c.status).where(
                        corrective_actions.c.id.in_(action_ids)
                    )
                )
            }
    return AssessmentDetail(
        id=assessment_id,
        header=header_from_row(row),
        items=tuple(
            item_from_row(i, statuses.get(str(i["action_id"])), labels.get(str(i["id"]))) for i in items
        ),
        scale=scale_of(row["scale_code"], int(row["scale_version"])),
        status=row["status"],
        locked=bool(row["locked_at"]),
        revision_no=int(row["revision_no"]),
        revision_of=row["revision_of"],
        completed_at=row["completed_at"],
        retention_until=row["retention_until"],
    )
