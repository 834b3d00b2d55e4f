"""Reads for the incidents screen: one incident with its derived legal flags, one suggestion."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from safetydesk.core.clock import parse_iso_utc
from safetydesk.core.db.tables import attachment_links, incidents, people, suggestions
from safetydesk.core.domain.incidents import (
    Classification,
    facts_for,
    form30_due,
    osh_serious_accident,
    sapa_serious_accident,
)
from safetydesk.core.errors import NotFoundError
from safetydesk.core.i18n import N_
from safetydesk.core.queries.emergency import LinkedAction, actions_for
from safetydesk.core.workspace.workspace import Workspace

SUGGESTION_CHANNELS = ("tbm", "box", "survey", "mobile", "meeting")
SUGGESTION_STATUSES = ("received", "in_progress", "answered", "closed")


@dataclass(frozen=True)
class Casualties:
    """Everyone the same accident hurt (kept in the record's ``form30`` JSON under "casualties")."""

    deaths: int = 0
    injured: int = 0
    treatment_3m: int = 0
    treatment_6m: int = 0

    @classmethod
    def from_json(cls, data: Any) -> Casualties:
        raw = data.get("casualties") if isinstance(data, dict) else None
        if not isinstance(raw, dict):
            return cls()
        return cls(*(int(raw.get(k) or 0) for k in ("deaths", "injured", "treatment_3m", "treatment_6m")))

    def to_json(self) -> dict[str, int]:
        return {
            "deaths": self.deaths,
            "injured": self.injured,
            "treatment_3m": self.treatment_3m,
            "treatment_6m": self.treatment_6m,
        }


@dataclass(frozen=True)
class IncidentDetail:
    id: str
    kind: str
    occurred_at: datetime  # aware, UTC
    area_id: str | None
    title: str
    description: str
    injured_person_id: str | None
    injured_person_name: str | None
    injury_type: str | None
    body_part: str | None
    days_lost: int | None
    died: bool
    hazard_group: str | None
    immediate_action: str
    cause: str
    recurrence_plan: str
    reported_by: str | None
    reported_to_moel_on: str | None
    casualties: Casualties
    status: str
    locked: bool
    revision_no: int
    photos: tuple[str, ...]
    actions: tuple[LinkedAction, ...]
    same_disease_1y: int
    osh: Classification
    sapa: Classification
    form30_due: date | None
    retention_until: str | None = None

    @property
    def occurred_on(self) -> date:
        """The local calendar day of the accident (the 1-month deadline counts from it)."""
        return self.occurred_at.astimezone().date()


@dataclass(frozen=True)
class SuggestionDetail:
    id: str
    submitted_on: str
    channel: str
    submitted_by_id: str | None
    submitted_by_name: str | None
    area_id: str | None
    text: str
    status: str
    response: str
    responded_on: str | None
    action_id: str | None
    actions: tuple[LinkedAction, ...]


def _same_disease_count(conn: Any, row: Any) -> int:
    """Illness cases with the same disease in the year up to this one (SAPA Art. 2-2 다)."""
    if row["kind"] != "illness" or not row["injury_type"]:
        return 0
    end = parse_iso_utc(str(row["occurred_at"]))
    start = (end - timedelta(days=365)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return int(
        conn.execute(
            select(func.count())
            .select_from(incidents)
            .where(
                incidents.c.kind == "illness",
                incidents.c.injury_type == row["injury_type"],
                incidents.c.deleted_at.is_(None),
                incidents.c.occurred_at >= start,
                incidents.c.occurred_at <= row["occurred_at"],
                # a revision replaces its original; count the case once
                ~incidents.c.id.in_(
                    select(incidents.c.revision_of).where(
                        incidents.c.revision_of.is_not(None), incidents.c.deleted_at.is_(None)
                    )
                ),
            )
        ).scalar_one()
    )


def get_incident(ws: Workspace, incident_id: str) -> IncidentDetail:
    with ws.reader() as conn:
        row = (
            conn.execute(
                select(incidents, people.c.name.label("person_name"))
                .select_from(incidents.outerjoin(people, people.c.id == incidents.c.injured_person_id))
                .where(incidents.c.id == incident_id)
            )
            .mappings()
            .first()
        )
        if row is None:
            raise NotFoundError(
                N_("The record {id} ({entity}) does not exist."), id=incident_id[:8], entity="incident"
            )
        photos = tuple(
            str(s)
            for s in conn.execute(
                select(attachment_links.c.sha256).where(
                    attachment_links.c.entity == "incidents",
                    attachment_links.c.record_id == incident_id,
                    attachment_links.c.deleted_at.is_(None),
                )
            ).scalars()
        )
        actions = actions_for(conn, incident_id)
        same_disease = _same_disease_count(conn, row)
    casualties = Casualties.from_json(row["form30"])
    died = bool(row["died"])
    days_lost = row["days_lost"]
    facts = facts_for(
        kind=str(row["kind"]),
        died=died,
        days_lost=days_lost,
        deaths=casualties.deaths,
        injured=casualties.injured,
        treatment_3m=casualties.treatment_3m,
        treatment_6m=casualties.treatment_6m,
        same_disease_1y=same_disease,
    )
    occurred = parse_iso_utc(str(row["occurred_at"]))
    return IncidentDetail(
        id=str(row["id"]),
        kind=str(row["kind"]),
        occurred_at=occurred,
        area_id=row["area_id"],
        title=str(row["title"]),
        description=str(row["description"] or ""),
        injured_person_id=row["injured_person_id"],
        injured_person_name=row["person_name"],
        injury_type=row["injury_type"],
        body_part=row["body_part"],
        days_lost=days_lost,
        died=died,
        hazard_group=row["hazard_group"],
        immediate_action=str(row["immediate_action"] or ""),
        cause=str(row["cause"] or ""),
        recurrence_plan=str(row["recurrence_plan"] or ""),
        reported_by=row["reported_by"],
        reported_to_moel_on=row["reported_to_moel_on"],
        casualties=casualties,
        status=str(row["status"]),
        locked=row["locked_at"] is not None,
        revision_no=int(row["revision_no"]),
        photos=photos,
        actions=actions,
        same_disease_1y=same_disease,
        osh=osh_serious_accident(facts),
        sapa=sapa_serious_accident(facts),
        form30_due=form30_due(occurred.astimezone().date(), days_lost, died or row["kind"] == "fatality"),
        retention_until=row["retention_until"],
    )


def get_suggestion(ws: Workspace, suggestion_id: str) -> SuggestionDetail:
    with ws.reader() as conn:
        row = (
            conn.execute(
                select(suggestions, people.c.name.label("person_name"))
                .select_from(suggestions.outerjoin(people, people.c.id == suggestions.c.submitted_by_id))
                .where(suggestions.c.id == suggestion_id)
            )
            .mappings()
            .first()
        )
        if row is None:
            raise NotFoundError(
                N_("The record {id} ({entity}) does not exist."), id=suggestion_id[:8], entity="suggestion"
            )
        actions = actions_for(conn, suggestion_id)
    return SuggestionDetail(
        id=str(row["id"]),
        submitted_on=str(row["submitted_on"]),
        channel=str(row["channel"]),
        submitted_by_id=row["submitted_by_id"],
        submitted_by_name=row["person_name"],
        area_id=row["area_id"],
        text=str(row["text"]),
        status=str(row["status"]),
        response=str(row["response"] or ""),
        responded_on=row["responded_on"],
        action_id=row["action_id"],
        actions=actions,
    )
