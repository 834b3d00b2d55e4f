"""Risk assessments (OSH Act Art. 36, Rule Arts. 37–37-4): save, complete, revise, follow up.

Items are ``risk_items`` records of their own (not child rows): each one carries the hazard, the risk
decision and the improvement, and a corrective action links to it, so each is audited on its own.
The service re-scores every item with the assessment's stored scale version; the editor's live
scores are a convenience, never trusted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from safetydesk.core.domain.provenance import LegalLookupError
from safetydesk.core.domain.risk import RiskInputError, RiskResult, RiskScale, ScaleMethod
from safetydesk.core.domain.risk_assessment import (
    ASSESSMENT_TYPES,
    HIERARCHY,
    AssessmentHeader,
    Blocker,
    CompletionBlocker,
    RiskItemData,
    completion_blockers,
    rate,
)
from safetydesk.core.errors import RecordLockedError, ValidationError
from safetydesk.core.i18n import N_, _, current_language
from safetydesk.core.queries.hazard_labels import latest_labels
from safetydesk.core.queries.risk import item_from_row, live_items, scale_of
from safetydesk.core.services.base import Changes, transaction
from safetydesk.core.services.hazard_labels import LabelInput, record_label_in
from safetydesk.core.services.records import Created, complete_in, delete_in
from safetydesk.core.workspace.workspace import Workspace

ENTITY = "risk_assessments"
ITEMS = "risk_items"

BLOCKER_TEXT: dict[Blocker, str] = {
    Blocker.NOT_RATED: N_("the current risk is not rated"),
    Blocker.NO_MEASURE: N_("unacceptable risk without a reduction measure"),
    Blocker.NO_RESIDUAL: N_("the risk after improvement is not re-decided"),
    Blocker.RESIDUAL_UNACCEPTABLE: N_("the risk after improvement is still unacceptable"),
}


@dataclass(frozen=True)
class SavedAssessment:
    id: str
    item_ids: tuple[str, ...]
    changes: Changes


class CompletionBlockedError(ValidationError):
    """Completion refused; lists the blocking items in whichever language the message is read."""

    def __init__(self, blockers: Sequence[CompletionBlocker]) -> None:
        super().__init__(
            N_("The assessment cannot be completed while these items are open:"),
            N_(
                "Give every unacceptable risk a reduction measure and re-decide the risk after "
                "improvement; it must be acceptable before completion."
            ),
        )
        self.blockers = tuple(blockers)

    def message(self, lang: str | None = None) -> str:
        lines = [super().message(lang)]
        for b in self.blockers:
            task = b.task.strip() or "—"
            lines.append(f"  {b.number}. {task}: {_(BLOCKER_TEXT[b.reason], lang)}")
        return "\n".join(lines)


# -- helpers ----------------------------------------------------------------------------------------


def _scale(code: str, version: int) -> RiskScale:
    try:
        return scale_of(code, version)
    except LegalLookupError as exc:
        raise ValidationError(
            N_("Unknown risk scale {code} version {version}."),
            N_("Choose a method and scale from the list."),
            code=code,
            version=version,
        ) from exc


def _problem(exc: RiskInputError) -> str:
    return exc.message_ko if current_language() == "ko" else exc.message_en


def _check_header(header: AssessmentHeader) -> None:
    if not header.title.strip():
        raise ValidationError(
            N_("Enter the process (task) name of the assessment."),
            N_("It is the 공정(작업)명 printed at the top of the risk assessment table."),
        )
    if header.assessment_type not in ASSESSMENT_TYPES:
        raise ValidationError(
            N_("Unknown assessment type {value}."),
            N_("Choose one from the list."),
            value=header.assessment_type,
        )


def _header_values(header: AssessmentHeader, scale: RiskScale) -> dict[str, Any]:
    return {
        "site_id": header.site_id,
        "area_id": header.area_id,
        "title": header.title.strip(),
        "assessment_type": header.assessment_type,
        "trigger": header.trigger.strip() or None,
        "method": scale.method.value,
        "scale_code": scale.code,
        "scale_version": scale.version,
        "assessed_on": header.assessed_on,
        "lead_assessor": header.lead_assessor.strip() or None,
        "participants": [
            {"person_id": p.person_id, "name": p.name.strip(), "role": p.role}
            for p in header.participants
            if p.name.strip()
        ],
        "worker_rep_participated": header.worker_rep_participated,
        "discovery_methods": list(dict.fromkeys(header.discovery_methods)),
        "reported_to_owner_on": header.reported_to_owner_on or None,
        "shared_how": header.shared_how.strip() or None,
    }


def is_blank(item: RiskItemData) -> bool:
    """A row the person added but never filled in; saving drops it instead of refusing."""
    texts = (
        item.task,
        item.situation,
        item.legal_basis,
        item.current_controls,
        item.reduction_measures,
        item.owner_name,
        item.remarks,
    )
    ratings = (
        item.likelihood,
        item.severity,
        item.level,
        item.residual_likelihood,
        item.residual_severity,
        item.residual_level,
        item.planned_on,
        item.completed_on,
    )
    return not any(t.strip() for t in texts) and all(r in (None, "") for r in ratings) and not item.id


def _rated(scale: RiskScale, number: int, which: str, **given: Any) -> RiskResult | None:
    try:
        return rate(scale, **given)
    except RiskInputError as exc:
        raise ValidationError(
            N_("Row {number}, {which}: {problem}"),
            N_("Choose a value from the scale."),
            number=number,
            which=which,
            problem=_problem(exc),
        ) from exc


def _item_values(scale: RiskScale, item: RiskItemData, number: int, assessment_id: str) -> dict[str, Any]:
    if not (item.task.strip() and item.situation.strip() and item.hazard_class.strip()):
        raise ValidationError(
            N_("Row {number}: enter the task, the hazard class and the hazard situation."),
            N_("These three columns identify the hazard; the others can follow."),
            number=number,
        )
    if item.hierarchy is not None and item.hierarchy not in HIERARCHY:
        raise ValidationError(
            N_("Unknown control type {value}."), N_("Choose one from the list."), value=item.hierarchy
        )
    matrix = scale.method is ScaleMethod.MATRIX
    current = _rated(
        scale,
        number,
        _("current risk"),
        likelihood=item.likelihood if matrix else None,
        severity=item.severity if matrix else None,
        level=None if matrix else item.level,
    )
    residual = _rated(
        scale,
        number,
        _("risk after improvement"),
        likelihood=item.residual_likelihood if matrix else None,
        severity=item.residual_severity if matrix else None,
        level=None if matrix else item.residual_level,
    )
    return {
        "assessment_id": assessment_id,
        "seq": number,
        "task": item.task.strip(),
        "hazard_class": item.hazard_class.strip(),
        "situation": item.situation.strip(),
        "legal_basis": item.legal_basis.strip() or None,
        "current_controls": item.current_controls.strip() or None,
        "likelihood": item.likelihood if matrix else None,
        "severity": item.severity if matrix else None,
        "level": None if matrix else (item.level or None),
        "risk_score": current.score if current else None,
        "band": current.band_code if current else None,
        "acceptable": current.acceptable if current else None,
        "reduction_measures": item.reduction_measures.strip() or None,
        "hierarchy": item.hierarchy,
        "residual_likelihood": item.residual_likelihood if matrix else None,
        "residual_severity": item.residual_severity if matrix else None,
        "residual_level": None if matrix else (item.residual_level or None),
        "residual_score": residual.score if residual else None,
        "residual_band": residual.band_code if residual else None,
        "residual_acceptable": residual.acceptable if residual else None,
        "planned_on": item.planned_on or None,
        "completed_on": item.completed_on or None,
        "owner_name": item.owner_name.strip() or None,
        "remarks": item.remarks.strip() or None,
    }


# -- services ---------------------------------------------------------------------------------------


def save_assessment(
    ws: Workspace,
    header: AssessmentHeader,
    items: Sequence[RiskItemData],
    *,
    assessment_id: str | None = None,
    actor: str | None = None,
) -> SavedAssessment:
    """Create or update a draft with its items in one transaction; removed items are tombstoned."""
    _check_header(header)
    scale = _scale(header.scale_code, header.scale_version)
    values = _header_values(header, scale)
    kept_items = [item for item in items if not is_blank(item)]
    with transaction(ws, actor) as tx:
        if assessment_id is None:
            assessment_id = tx.insert(ENTITY, {**values, "status": "draft"}, summary=header.title.strip())
        else:
            tx.update(ENTITY, assessment_id, values)
        existing = {str(row["id"]): row for row in live_items(tx.conn, assessment_id)}
        saved: list[str] = []
        for number, item in enumerate(kept_items, start=1):
            row = _item_values(scale, item, number, assessment_id)
            if item.id is not None and item.id in existing:
                tx.update(ITEMS, item.id, row)
                saved.append(item.id)
            elif item.id is not None:
                raise ValueError(f"item {item.id} does not belong to assessment {assessment_id}")
            else:
                saved.append(tx.insert(ITEMS, row))
            if item.hazard_group:
                label = LabelInput(item.hazard_group, item.model_suggestion)
                record_label_in(tx, ITEMS, saved[-1], row["situation"], label)
        for gone in set(existing) - set(saved):
            tx.update(ITEMS, gone, {"deleted_at": tx.now}, action="delete")
        changes = tx.finish()
    return SavedAssessment(assessment_id, tuple(saved), changes)


def complete_assessment(
    ws: Workspace, assessment_id: str, *, on: date | None = None, actor: str | None = None
) -> Changes:
    """Lock a finished assessment; refused while an unacceptable risk is left without a fix."""
    with transaction(ws, actor) as tx:
        row = tx.get(ENTITY, assessment_id)
        if row["locked_at"]:
            raise RecordLockedError(
                N_("This assessment is already completed."),
                N_("Make a revision of it to change it."),
            )
        items = [item_from_row(r) for r in live_items(tx.conn, assessment_id)]
        if not items:
            raise ValidationError(
                N_("An assessment needs at least one hazard before it can be completed."),
                N_("Add the hazards found on the site round to the table."),
            )
        if row["assessment_type"] == "adhoc" and not (row["trigger"] or "").strip():
            raise ValidationError(
                N_("An ad-hoc assessment needs its trigger."),
                N_("Say what started it: a new machine, a changed method, an accident, …"),
            )
        blockers = completion_blockers(_scale(row["scale_code"], int(row["scale_version"])), items)
        if blockers:
            raise CompletionBlockedError(blockers)
        complete_in(tx, ENTITY, assessment_id, on or date.today())
        return tx.finish()


_NOT_COPIED = frozenset(
    {
        "id",
        "created_at",
        "updated_at",
        "created_by",
        "deleted_at",
        "locked_at",
        "completed_at",
        "retention_until",
    }
)


def revise_assessment(ws: Workspace, assessment_id: str, *, reason: str, actor: str | None = None) -> Created:
    """A new draft revision with copies of the items; the completed original stays as evidence."""
    if not reason.strip():
        raise ValidationError(
            N_("Give the reason for the revision."), N_("It is kept with the revision in the audit trail.")
        )
    with transaction(ws, actor) as tx:
        original = tx.get(ENTITY, assessment_id)
        if not original["locked_at"]:
            raise RecordLockedError(
                N_("Only completed records are revised; this one is still a draft."),
                N_("Edit the draft directly."),
            )
        copy = {k: v for k, v in original.items() if k not in _NOT_COPIED}
        copy.update(
            status="draft",
            revision_of=assessment_id,
            revision_no=int(original["revision_no"]) + 1,
            reported_to_owner_on=None,
            shared_how=None,
        )
        new = tx.insert(ENTITY, copy, summary=f"revision of {assessment_id}: {reason.strip()}")
        originals = live_items(tx.conn, assessment_id)
        labels = latest_labels(tx.conn, ITEMS, [str(i["id"]) for i in originals])
        for item in originals:
            copied = tx.insert(
                ITEMS, {**{k: v for k, v in item.items() if k not in _NOT_COPIED}, "assessment_id": new}
            )
            label = labels.get(str(item["id"]))
            if label is not None:  # the revision keeps the hazard groups people chose
                record_label_in(
                    tx, ITEMS, copied, label["text"], LabelInput(label["hazard_group"], label["suggestion"])
                )
        changes = tx.finish()
    return Created(new, changes)


def create_action_for_item(
    ws: Workspace,
    item_id: str,
    *,
    due_on: date,
    owner_name: str | None = None,
    hierarchy: str | None = None,
    actor: str | None = None,
) -> Created:
    """Track an item's reduction measure as a corrective action (source ``risk_assessment``)."""
    with transaction(ws, actor) as tx:
        item = tx.get(ITEMS, item_id)
        if item["action_id"]:
            raise ValidationError(
                N_("This item already has a corrective action."),
                N_("Open it in Corrective actions to follow it up."),
            )
        measure = (item["reduction_measures"] or "").strip()
        if not measure:
            raise ValidationError(
                N_("Write the reduction measure of this item first."),
                N_("The corrective action carries it out."),
            )
        control = hierarchy or item["hierarchy"]
        if control not in HIERARCHY:
            raise ValidationError(
                N_("Choose the control type (hierarchy of controls) of the measure first."),
                N_("Legal requirement, elimination, substitution, engineering, administrative or PPE."),
            )
        assessment = tx.get(ENTITY, item["assessment_id"])
        action = tx.insert(
            "corrective_actions",
            {
                "source_kind": "risk_assessment",
                "source_id": assessment["id"],
                "area_id": assessment["area_id"],
                "title": measure[:300],
                "description": f"{item['task']} — {item['situation']}",
                "hierarchy": control,
                "owner_name": (owner_name or item["owner_name"] or "").strip() or None,
                "due_on": due_on,
                "status": "open",
            },
            summary=f"from risk item {item_id}",
        )
        tx.update(ITEMS, item_id, {"action_id": action}, summary=f"corrective action {action}")
        changes = tx.finish()
    return Created(action, changes)


def record_owner_report(
    ws: Workspace,
    assessment_id: str,
    *,
    reported_on: date | None,
    shared_how: str | None = None,
    actor: str | None = None,
) -> Changes:
    """Record that the results went to the owner (SAPA Decree 4-3) and how they were shared.

    Allowed on a completed assessment: the report follows completion, and only these two fields move.
    """
    with transaction(ws, actor) as tx:
        row = tx.get(ENTITY, assessment_id)
        if reported_on is not None and reported_on.isoformat() < str(row["assessed_on"]):
            raise ValidationError(
                N_("The report date {date} is before the assessment date."),
                N_("Check the date."),
                date=reported_on.isoformat(),
            )
        summary = f"reported to owner {reported_on.isoformat()}" if reported_on else "owner report cleared"
        tx.update(
            ENTITY,
            assessment_id,
            {"reported_to_owner_on": reported_on, "shared_how": (shared_how or "").strip() or None},
            action="report",
            summary=summary,
            allow_locked=True,
        )
        return tx.finish()


def delete_assessment(
    ws: Workspace, assessment_id: str, *, actor: str | None = None, today: date | None = None
) -> Changes:
    """Remove a draft (tombstone) with its items; completed ones are evidence and stay."""
    with transaction(ws, actor) as tx:
        delete_in(tx, ENTITY, assessment_id, today or date.today())
        for item in live_items(tx.conn, assessment_id):
            tx.update(ITEMS, str(item["id"]), {"deleted_at": tx.now}, action="delete")
        return tx.finish()
