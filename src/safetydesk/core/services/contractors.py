"""Contractors and their safety evaluations (SAPA Decree Art. 4-9; ISO 45001 8.1.4).

Art. 4-9 asks the owner to set, for work given to contractors, (가) the criteria and procedure for
judging a contractor's safety and health capability, (나) a standard for the safety and health cost
and (다) for shipbuilding, a standard for the building period — and to check every half-year that
they are followed. A contractor row carries the cost and building-period standards; an evaluation
row is one application of the criteria (prequalification before the contract, periodic after),
scored per criterion. Completing an evaluation locks it and starts its legal retention.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from safetydesk.core.errors import LegalHoldError, ValidationError
from safetydesk.core.i18n import N_
from safetydesk.core.queries.contractors import (
    DEFAULT_CRITERIA,
    PURPOSES,
    RESULTS,
    ContractorEvaluationInput,
    ContractorInput,
    Criterion,
    criteria_from_rows,
    default_criteria,
    suggested_result,
    total_score,
)
from safetydesk.core.services.base import Changes, transaction
from safetydesk.core.services.records import Created, complete_in, delete_in
from safetydesk.core.workspace.workspace import Workspace

CONTRACTORS = "contractors"
EVALUATIONS = "contractor_evaluations"

__all__ = [
    "DEFAULT_CRITERIA",
    "PURPOSES",
    "RESULTS",
    "ContractorEvaluationInput",
    "ContractorInput",
    "Criterion",
    "complete_evaluation",
    "criteria_from_rows",
    "default_criteria",
    "delete_contractor",
    "delete_evaluation",
    "evaluate_contractor",
    "save_and_complete",
    "save_contractor",
    "suggested_result",
    "total_score",
]
# -- contractors -----------------------------------------------------------------------------------


def _check_contractor(values: ContractorInput) -> None:
    if not values.name.strip():
        raise ValidationError(
            N_("Enter the contractor's name."), N_("Use the company name on its business registration.")
        )
    if values.contract_from and values.contract_to and values.contract_to < values.contract_from:
        raise ValidationError(
            N_("The contract ends ({end}) before it starts ({start})."),
            N_("Check the contract period."),
            start=values.contract_from.isoformat(),
            end=values.contract_to.isoformat(),
        )


def save_contractor(
    ws: Workspace, values: ContractorInput, *, contractor_id: str | None = None, actor: str | None = None
) -> Created:
    """Create or update a contractor, with its safety-cost and building-period standards."""
    _check_contractor(values)

    def text(value: str) -> str | None:
        return value.strip() or None

    row = {
        "name": values.name.strip(),
        "business_reg_no": text(values.business_reg_no),
        "work_scope": text(values.work_scope),
        "contact_name": text(values.contact_name),
        "contact_phone": text(values.contact_phone),
        "contract_from": values.contract_from,
        "contract_to": values.contract_to,
        "safety_cost_standard": text(values.safety_cost_standard),
        "building_period_standard": text(values.building_period_standard),
    }
    with transaction(ws, actor) as tx:
        if contractor_id is None:
            contractor_id = tx.insert(CONTRACTORS, row, summary=f"contractor {row['name']}")
        else:
            tx.update(CONTRACTORS, contractor_id, row)
        changes = tx.finish()
    return Created(contractor_id, changes)


def delete_contractor(
    ws: Workspace, contractor_id: str, *, actor: str | None = None, today: date | None = None
) -> Changes:
    """Tombstone a contractor that has no completed evaluation still under legal hold."""
    from sqlalchemy import select

    from safetydesk.core.db.tables import contractor_evaluations as ce

    day = (today or date.today()).isoformat()
    with transaction(ws, actor) as tx:
        held = tx.conn.execute(
            select(ce.c.retention_until)
            .where(
                ce.c.contractor_id == contractor_id,
                ce.c.deleted_at.is_(None),
                ce.c.locked_at.is_not(None),
                ce.c.retention_until >= day,
            )
            .order_by(ce.c.retention_until.desc())
        ).first()
        if held is not None:
            # The evaluations are the evidence; the contractor they name must stay with them.
            raise LegalHoldError(
                N_("This contractor has evaluations that must be kept until {until}; it cannot be deleted."),
                N_("Set the end of the contract instead; the contractor then drops out of the current list."),
                until=str(held[0]),
            )
        tx.update(CONTRACTORS, contractor_id, {"deleted_at": tx.now}, action="delete")
        return tx.finish()


# -- evaluations -------------------------------------------------------------------------------------


def _check_evaluation(values: ContractorEvaluationInput, today: date) -> None:
    if not values.contractor_id:
        raise ValidationError(N_("Choose the contractor that was evaluated."), "")
    if values.purpose not in PURPOSES:
        raise ValidationError(
            N_("Unknown evaluation purpose {purpose}."),
            N_("Use prequalification (before the contract) or periodic."),
            purpose=values.purpose,
        )
    if values.evaluated_on > today:
        raise ValidationError(
            N_("The evaluation date {date} is in the future."),
            N_("Record an evaluation on or after the day it took place."),
            date=values.evaluated_on.isoformat(),
        )
    if values.result is not None and values.result not in RESULTS:
        raise ValidationError(
            N_("Unknown evaluation result {result}."),
            N_("Use pass, conditional or fail."),
            result=values.result,
        )
    keys: set[str] = set()
    for c in values.criteria:
        if not c.label.strip():
            raise ValidationError(N_("Every criterion needs a name."), N_("Name it or remove the row."))
        if c.max <= 0:
            raise ValidationError(
                N_('The maximum points of "{label}" must be more than 0.'), "", label=c.label
            )
        if c.score < 0 or c.score > c.max:
            raise ValidationError(
                N_('The score of "{label}" ({score}) is outside 0–{max}.'),
                N_("Enter a score between 0 and the criterion's maximum."),
                label=c.label,
                score=f"{c.score:g}",
                max=f"{c.max:g}",
            )
        key = c.key or c.label
        if key in keys:
            raise ValidationError(N_('The criterion "{label}" is listed twice.'), "", label=c.label)
        keys.add(key)


def _check_complete(row: Mapping[str, Any]) -> None:
    if not row.get("criteria"):
        raise ValidationError(
            N_("Score at least one criterion before completing the evaluation."),
            N_("The criteria and scores are the evidence of the evaluation."),
        )
    if not row.get("result"):
        raise ValidationError(
            N_("Choose the result (pass, conditional or fail) before completing."),
            N_("The result decides whether the contractor may be given the work."),
        )
    if not str(row.get("evaluator") or "").strip():
        raise ValidationError(N_("Enter who evaluated the contractor."), N_("Usually the safety officer."))


def _row(values: ContractorEvaluationInput) -> dict[str, Any]:
    criteria = [
        {**c.as_dict(), "key": c.key or f"c{i + 1}", "label": c.label.strip()}
        for i, c in enumerate(values.criteria)
    ]
    return {
        "contractor_id": values.contractor_id,
        "evaluated_on": values.evaluated_on,
        "purpose": values.purpose,
        "criteria": criteria,
        "total_score": total_score(values.criteria) if values.criteria else None,
        "result": values.result,
        "evaluator": values.evaluator.strip() or None,
        "notes": values.notes.strip() or None,
    }


def evaluate_contractor(
    ws: Workspace,
    values: ContractorEvaluationInput,
    *,
    evaluation_id: str | None = None,
    actor: str | None = None,
    today: date | None = None,
) -> Created:
    """Save a draft evaluation (new, or an edit of a draft); the total is the sum of the scores."""
    _check_evaluation(values, today or date.today())
    row = _row(values)
    with transaction(ws, actor) as tx:
        contractor = tx.get(CONTRACTORS, values.contractor_id)
        if contractor.get("deleted_at"):
            raise ValidationError(N_("This contractor was deleted."), N_("Refresh the list."))
        if evaluation_id is None:
            evaluation_id = tx.insert(
                EVALUATIONS,
                {**row, "status": "draft"},
                summary=f"evaluation of {contractor['name']} ({values.purpose})",
            )
        else:
            tx.update(EVALUATIONS, evaluation_id, row)
        changes = tx.finish()
    return Created(evaluation_id, changes)


def complete_evaluation(ws: Workspace, evaluation_id: str, *, actor: str | None = None) -> Changes:
    """Lock the evaluation as evidence; retention runs from the evaluation date."""
    with transaction(ws, actor) as tx:
        row = tx.get(EVALUATIONS, evaluation_id)
        _check_complete(row)
        complete_in(tx, EVALUATIONS, evaluation_id, date.fromisoformat(str(row["evaluated_on"])))
        return tx.finish()


def save_and_complete(
    ws: Workspace,
    values: ContractorEvaluationInput,
    *,
    evaluation_id: str | None = None,
    actor: str | None = None,
    today: date | None = None,
) -> Created:
    """Save the evaluation and lock it in one transaction (nothing is stored if it cannot be locked)."""
    _check_evaluation(values, today or date.today())
    row = _row(values)
    _check_complete(row)
    with transaction(ws, actor) as tx:
        contractor = tx.get(CONTRACTORS, values.contractor_id)
        if evaluation_id is None:
            evaluation_id = tx.insert(
                EVALUATIONS,
                {**row, "status": "draft"},
                summary=f"evaluation of {contractor['name']} ({values.purpose})",
            )
        else:
            tx.update(EVALUATIONS, evaluation_id, row)
        complete_in(tx, EVALUATIONS, evaluation_id, values.evaluated_on)
        changes = tx.finish()
    return Created(evaluation_id, changes)


def delete_evaluation(
    ws: Workspace, evaluation_id: str, *, actor: str | None = None, today: date | None = None
) -> Changes:
    """Delete a draft; a completed evaluation is refused (LegalHoldError) while it must be kept."""
    with transaction(ws, actor) as tx:
        delete_in(tx, EVALUATIONS, evaluation_id, today or date.today())
        return tx.finish()
