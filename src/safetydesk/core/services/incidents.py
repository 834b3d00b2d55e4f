"""Incidents, near misses and worker suggestions (DOMAIN.md §4.7, SAPA Decree Art. 4-7).

A near miss must be quicker to record than to forget, so ``record_near_miss`` asks for what happened
and little else; the investigation is added later on the same record. Closing an incident locks it
(Rule Art. 72 record, kept 3 years). Suggestions keep the worker's words and the answer given back,
which is the evidence the half-yearly 4-7 check looks for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from safetydesk.core.clock import utc_now
from safetydesk.core.domain.incidents import INJURY_KINDS, KINDS, title_from
from safetydesk.core.errors import ValidationError
from safetydesk.core.i18n import N_
from safetydesk.core.queries.emergency import first_site_id
from safetydesk.core.queries.incidents import SUGGESTION_CHANNELS, SUGGESTION_STATUSES, Casualties
from safetydesk.core.services import attachments
from safetydesk.core.services.base import Changes, Tx, transaction
from safetydesk.core.services.hazard_labels import LabelInput, record_label_in
from safetydesk.core.services.records import Created, complete_in, retention_until
from safetydesk.core.workspace.workspace import Workspace

HIERARCHY = ("legal", "elimination", "substitution", "engineering", "administrative", "ppe")
FUTURE_TOLERANCE = timedelta(minutes=10)  # clocks on the shop floor PC drift


@dataclass(frozen=True)
class QuickIntake:
    description: str
    occurred_at: datetime  # timezone-aware
    area_id: str | None = None
    kind: str = "near_miss"
    photo: Path | None = None
    reported_by: str | None = None
    hazard_group: str | None = None
    model_suggestion: Mapping[str, Any] | None = None  # Suggestion.to_dict() shown while typing


@dataclass(frozen=True)
class IncidentInput:
    kind: str
    occurred_at: datetime  # timezone-aware
    title: str
    description: str
    area_id: str | None = None
    injured_person_id: str | None = None
    injury_type: str | None = None
    body_part: str | None = None
    days_lost: int | None = None
    died: bool = False
    hazard_group: str | None = None
    immediate_action: str | None = None
    cause: str | None = None
    recurrence_plan: str | None = None
    reported_by: str | None = None
    reported_to_moel_on: date | None = None
    casualties: Casualties = field(default_factory=Casualties)
    model_suggestion: Mapping[str, Any] | None = None  # Suggestion.to_dict() shown while typing


@dataclass(frozen=True)
class ActionInput:
    """A corrective action raised from an incident, a suggestion or a drill observation."""

    title: str
    due_on: date
    owner_name: str | None = None
    hierarchy: str = "engineering"
    severity: str = "medium"
    description: str | None = None


@dataclass(frozen=True)
class SuggestionInput:
    submitted_on: date
    channel: str
    text: str
    submitted_by_id: str | None = None  # None = anonymous
    area_id: str | None = None
    status: str = "received"
    response: str | None = None
    responded_on: date | None = None


def _clean(text: str | None) -> str | None:
    return text.strip() if text and text.strip() else None


def _check_when(occurred_at: datetime) -> None:
    if occurred_at.tzinfo is None:
        raise ValueError("occurred_at must be timezone-aware")
    if occurred_at > utc_now() + FUTURE_TOLERANCE:
        raise ValidationError(
            N_("The time of the incident is in the future."),
            N_("Check the date and time, then save again."),
        )


def _site_for(tx: Tx, area_id: str | None) -> str | None:
    if area_id:
        return str(tx.get("areas", area_id)["site_id"])
    return first_site_id(tx.conn)


def record_near_miss(ws: Workspace, intake: QuickIntake, *, actor: str | None = None) -> Created:
    """The under-a-minute intake: kind, when, where, what happened, optionally a photo."""
    description = _clean(intake.description)
    if description is None:
        raise ValidationError(N_("Describe what happened."), N_("One or two sentences are enough."))
    if intake.kind not in KINDS:
        raise ValueError(f"unknown incident kind {intake.kind!r}")
    _check_when(intake.occurred_at)
    with transaction(ws, actor) as tx:
        new = tx.insert(
            "incidents",
            {
                "kind": intake.kind,
                "occurred_at": intake.occurred_at,
                "site_id": _site_for(tx, intake.area_id),
                "area_id": intake.area_id,
                "title": title_from(description),
                "description": description,
                "reported_by": _clean(intake.reported_by),
                "died": intake.kind == "fatality",
                "hazard_group": intake.hazard_group or None,
                "model_suggestion": _stored_suggestion(intake.hazard_group, intake.model_suggestion),
            },
            summary=f"{intake.kind} reported",
        )
        _record_hazard(tx, new, description, intake.hazard_group, intake.model_suggestion)
        if intake.photo is not None:
            attachments.link_photo(tx, attachments.store_photo(tx, intake.photo), "incidents", new)
        changes = tx.finish()
    return Created(new, changes)


def _incident_values(data: IncidentInput) -> dict[str, Any]:
    if data.kind not in KINDS:
        raise ValueError(f"unknown incident kind {data.kind!r}")
    description = _clean(data.description)
    if description is None:
        raise ValidationError(N_("Describe what happened."), N_("One or two sentences are enough."))
    _check_when(data.occurred_at)
    if data.days_lost is not None and data.days_lost < 0:
        raise ValidationError(N_("Days lost cannot be negative."), N_("Enter 0 or more."))
    counts = data.casualties
    if min(counts.deaths, counts.injured, counts.treatment_3m, counts.treatment_6m) < 0:
        raise ValidationError(N_("People counts cannot be negative."), N_("Enter 0 or more."))
    died = data.died or data.kind == "fatality"
    if died and data.kind != "fatality":
        raise ValidationError(
            N_("The injured person died, but the incident is not classified as a fatality."),
            N_("Set the kind to fatality, or clear 'died'."),
        )
    injured = data.kind in INJURY_KINDS
    return {
        "kind": data.kind,
        "occurred_at": data.occurred_at,
        "area_id": data.area_id,
        "title": _clean(data.title) or title_from(description),
        "description": description,
        "injured_person_id": data.injured_person_id if injured else None,
        "injury_type": _clean(data.injury_type),
        "body_part": _clean(data.body_part),
        "days_lost": data.days_lost if injured else None,
        "died": died,
        "hazard_group": data.hazard_group or None,
        "immediate_action": _clean(data.immediate_action),
        "cause": _clean(data.cause),
        "recurrence_plan": _clean(data.recurrence_plan),
        "reported_by": _clean(data.reported_by),
        "reported_to_moel_on": data.reported_to_moel_on,
    }


def save_incident(
    ws: Workspace, incident_id: str | None, data: IncidentInput, *, actor: str | None = None
) -> Created:
    """Create or update the full record; the casualty counts live in the ``form30`` JSON."""
    values = _incident_values(data)
    stored = _stored_suggestion(data.hazard_group, data.model_suggestion)
    if stored is not None:
        values["model_suggestion"] = stored
    with transaction(ws, actor) as tx:
        values["site_id"] = _site_for(tx, data.area_id)
        if incident_id is None:
            values["form30"] = {"casualties": data.casualties.to_json()}
            incident_id = tx.insert("incidents", values)
        else:
            current = tx.get("incidents", incident_id)
            form30 = dict(current.get("form30") or {})
            form30["casualties"] = data.casualties.to_json()
            values["form30"] = form30
            tx.update("incidents", incident_id, values)
        _record_hazard(tx, incident_id, values["description"], data.hazard_group, data.model_suggestion)
        changes = tx.finish()
    return Created(incident_id, changes)


def _record_hazard(
    tx: Tx, incident_id: str, text: str, group: str | None, suggestion: Mapping[str, Any] | None
) -> None:
    """Keep the person's hazard decision (and the suggestion it answered) as a label.

    ``incidents.model_suggestion`` keeps the latest suggestion shown for the record (with the decision
    and the model version); a save without a new suggestion (an edit of other fields) leaves it.
    """
    if group:
        record_label_in(tx, "incidents", incident_id, text, LabelInput(group, suggestion))


def _stored_suggestion(group: str | None, suggestion: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return LabelInput(group, suggestion).stored_suggestion() if group and suggestion else None


def close_incident(
    ws: Workspace, incident_id: str, *, on: date | None = None, actor: str | None = None
) -> Changes:
    """Lock the record once investigated: a cause for every case, a recurrence plan for injuries."""
    with transaction(ws, actor) as tx:
        row = tx.get("incidents", incident_id)
        missing: list[str] = []
        if not row.get("cause"):
            missing.append("cause")
        if row["kind"] in INJURY_KINDS and not row.get("recurrence_plan"):
            missing.append("recurrence_plan")
        if missing:
            raise ValidationError(
                N_("The investigation is not finished: {fields}."),
                N_("Record the cause and, for injuries, the plan to prevent recurrence; then close it."),
                fields=", ".join(missing),
            )
        complete_in(tx, "incidents", incident_id, on or date.today())
        return tx.finish()


def attach_photo(ws: Workspace, incident_id: str, photo: Path, *, actor: str | None = None) -> str:
    with transaction(ws, actor) as tx:
        tx.get("incidents", incident_id)
        stored = attachments.store_photo(tx, photo)
        attachments.link_photo(tx, stored, "incidents", incident_id)
    return stored.sha256


def add_action_in(
    tx: Tx,
    *,
    source_kind: str,
    source_id: str,
    action: ActionInput,
    area_id: str | None,
    found_on: date,
    site_id: str | None = None,
    hazard_group: str | None = None,
) -> str:
    """A finding and its corrective action, with the due date and owner the officer chose."""
    title = _clean(action.title)
    if title is None:
        raise ValidationError(N_("Give the corrective action a title."), N_("Say what will be done."))
    if action.hierarchy not in HIERARCHY:
        raise ValueError(f"unknown hierarchy {action.hierarchy!r}")
    if action.due_on < found_on:
        raise ValidationError(
            N_("The due date is before the date the problem was found."),
            N_("Choose a due date on or after {day}."),
            day=found_on.isoformat(),
        )
    finding = tx.insert(
        "findings",
        {
            "source_kind": source_kind,
            "source_id": source_id,
            "site_id": site_id,
            "area_id": area_id,
            "found_on": found_on,
            "description": _clean(action.description) or title,
            "severity": action.severity,
            "hazard_group": hazard_group,
            "status": "open",
        },
    )
    return tx.insert(
        "corrective_actions",
        {
            "finding_id": finding,
            "source_kind": source_kind,
            "source_id": source_id,
            "area_id": area_id,
            "title": title[:300],
            "description": _clean(action.description),
            "hierarchy": action.hierarchy,
            "owner_name": _clean(action.owner_name),
            "due_on": action.due_on,
            "status": "open",
        },
    )


def add_incident_action(
    ws: Workspace, incident_id: str, action: ActionInput, *, actor: str | None = None
) -> Created:
    """Recurrence prevention (SAPA Art. 4(1)2) as a tracked action; allowed on closed records too."""
    with transaction(ws, actor) as tx:
        row = tx.get("incidents", incident_id)
        new = add_action_in(
            tx,
            source_kind="near_miss" if row["kind"] == "near_miss" else "incident",
            source_id=incident_id,
            action=action,
            area_id=row.get("area_id"),
            site_id=row.get("site_id"),
            hazard_group=row.get("hazard_group"),
            found_on=date.today(),
        )
        changes = tx.finish()
    return Created(new, changes)


# -- suggestions -----------------------------------------------------------------------------------


def _suggestion_values(data: SuggestionInput) -> dict[str, Any]:
    text = _clean(data.text)
    if text is None:
        raise ValidationError(N_("Write down the worker's suggestion."), N_("Use the worker's own words."))
    if data.channel not in SUGGESTION_CHANNELS:
        raise ValueError(f"unknown channel {data.channel!r}")
    if data.status not in SUGGESTION_STATUSES:
        raise ValueError(f"unknown status {data.status!r}")
    response = _clean(data.response)
    if data.status in ("answered", "closed") and response is None:
        raise ValidationError(
            N_("Write the answer given to the worker before marking the suggestion answered."),
            N_("Workers must hear back what was decided (SAPA Decree Art. 4-7)."),
        )
    responded_on = data.responded_on or (date.today() if response else None)
    if responded_on is not None and responded_on < data.submitted_on:
        raise ValidationError(
            N_("The answer date is before the date the suggestion was made."),
            N_("Check both dates."),
        )
    return {
        "submitted_on": data.submitted_on,
        "channel": data.channel,
        "submitted_by_id": data.submitted_by_id,
        "area_id": data.area_id,
        "text": text,
        "status": data.status,
        "response": response,
        "responded_on": responded_on,
    }


def save_suggestion(
    ws: Workspace, suggestion_id: str | None, data: SuggestionInput, *, actor: str | None = None
) -> Created:
    values = _suggestion_values(data)
    with transaction(ws, actor) as tx:
        if values["responded_on"] is not None:
            # Answered: the suggestion and its answer are SAPA Art. 4-7 evidence (legal hold).
            keep = retention_until("suggestions", values["responded_on"]) or ""
            if suggestion_id is not None:
                keep = max(keep, str(tx.get("suggestions", suggestion_id).get("retention_until") or ""))
            values["retention_until"] = keep or None
        if suggestion_id is None:
            suggestion_id = tx.insert("suggestions", values)
        else:
            tx.update("suggestions", suggestion_id, values)
        changes = tx.finish()
    return Created(suggestion_id, changes)


def add_suggestion_action(
    ws: Workspace, suggestion_id: str, action: ActionInput, *, actor: str | None = None
) -> Created:
    """Turn a suggestion into an improvement; the suggestion moves to 'in progress'."""
    with transaction(ws, actor) as tx:
        row = tx.get("suggestions", suggestion_id)
        new = add_action_in(
            tx,
            source_kind="suggestion",
            source_id=suggestion_id,
            action=action,
            area_id=row.get("area_id"),
            found_on=date.today(),
        )
        values: dict[str, Any] = {"action_id": new}
        if row["status"] == "received":
            values["status"] = "in_progress"
        tx.update("suggestions", suggestion_id, values)
        changes = tx.finish()
    return Created(new, changes)
