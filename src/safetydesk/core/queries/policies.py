"""The safety and health policy (SAPA Decree Art. 4-1) and the year's objectives, as screens show them.

A policy version's revision reason lives in the audit event that created it, so the history shows why
v1.1 replaced v1.0 without a column of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from safetydesk.core.db.tables import audit_events, objectives, people, policies
from safetydesk.core.workspace.workspace import Workspace


@dataclass(frozen=True)
class PolicyInput:
    title: str
    body: str
    version_label: str
    effective_from: str | None = None


@dataclass(frozen=True)
class PolicyDetail:
    id: str
    title: str
    body: str
    version_label: str
    effective_from: str | None
    status: str
    locked: bool
    approved_by: str | None
    approved_on: str | None
    posted_on: str | None
    communicated_how: str | None
    revision_no: int
    revision_of: str | None
    previous_version: str | None
    revision_reason: str | None
    retention_until: str | None


@dataclass(frozen=True)
class ObjectiveInput:
    year: int
    title: str
    target: str = ""
    kpi: str = ""
    owner_id: str | None = None
    result: str = ""
    achieved: bool | None = None
    policy_id: str | None = None


@dataclass(frozen=True)
class ObjectiveDetail:
    id: str
    values: ObjectiveInput
    owner_name: str | None


def _reason(summary: str | None) -> str | None:
    if not summary or not summary.startswith("revision of "):
        return None
    _head, _sep, reason = summary.partition(": ")
    return reason or None


def policy_detail(ws: Workspace, policy_id: str) -> PolicyDetail:
    with ws.reader() as conn:
        row = conn.execute(select(policies).where(policies.c.id == policy_id)).mappings().one()
        previous = None
        if row["revision_of"]:
            previous = conn.execute(
                select(policies.c.version_label).where(policies.c.id == row["revision_of"])
            ).scalar()
        summary = conn.execute(
            select(audit_events.c.summary)
            .where(audit_events.c.entity == "policies", audit_events.c.record_id == policy_id)
            .order_by(audit_events.c.seq)
            .limit(1)
        ).scalar()
    return PolicyDetail(
        id=policy_id,
        title=row["title"],
        body=row["body"],
        version_label=row["version_label"],
        effective_from=row["effective_from"],
        status=row["status"],
        locked=bool(row["locked_at"]),
        approved_by=row["approved_by"],
        approved_on=row["approved_on"],
        posted_on=row["posted_on"],
        communicated_how=row["communicated_how"],
        revision_no=int(row["revision_no"]),
        revision_of=row["revision_of"],
        previous_version=previous,
        revision_reason=_reason(summary),
        retention_until=row["retention_until"],
    )


def latest_policy_id(ws: Workspace) -> str | None:
    """The policy to open first: the newest version written."""
    with ws.reader() as conn:
        found = conn.execute(
            select(policies.c.id)
            .where(policies.c.deleted_at.is_(None))
            .order_by(policies.c.created_at.desc())
            .limit(1)
        ).scalar()
    return str(found) if found else None


def objective_detail(ws: Workspace, objective_id: str) -> ObjectiveDetail:
    with ws.reader() as conn:
        row = (
            conn.execute(
                select(objectives, people.c.name.label("owner_name"))
                .select_from(objectives.outerjoin(people, people.c.id == objectives.c.owner_id))
                .where(objectives.c.id == objective_id)
            )
            .mappings()
            .one()
        )
    return ObjectiveDetail(
        id=objective_id,
        values=ObjectiveInput(
            year=int(row["year"]),
            title=row["title"],
            target=row["target"] or "",
            kpi=row["kpi"] or "",
            owner_id=row["owner_id"],
            result=row["result"] or "",
            achieved=row["achieved"],
            policy_id=row["policy_id"],  # sic: the column name in tables.py
        ),
        owner_name=row["owner_name"],
    )
