"""Safety and health policy and objectives (SAPA Decree Art. 4-1; ISO 45001 5.2, 6.2).

Approval completes and locks a version. Posting and communicating happen after approval and are the
only fields that may still move on an approved version; a changed policy is a revision with a reason
and a new version label, so the binder shows v1.0 → v1.1 with who approved each and when.
"""

from __future__ import annotations

from datetime import date

from safetydesk.core.errors import ValidationError
from safetydesk.core.i18n import N_
from safetydesk.core.queries.policies import ObjectiveInput, PolicyInput
from safetydesk.core.services import records
from safetydesk.core.services.base import Changes, transaction
from safetydesk.core.services.records import Created, complete_in
from safetydesk.core.workspace.workspace import Workspace

ENTITY = "policies"
# tables.py names the objectives → policies key ``policy_id`` (``_ref`` strips the plural "s").
POLICY_FK = "policy_id"


def _check_policy(values: PolicyInput) -> None:
    if not values.title.strip():
        raise ValidationError(N_("Enter the title of the policy."), N_("For example 안전보건 경영방침."))
    if not values.version_label.strip():
        raise ValidationError(
            N_("Enter a version label, e.g. 1.0."), N_("Each approved version keeps its label.")
        )


def save_policy(
    ws: Workspace, values: PolicyInput, *, policy_id: str | None = None, actor: str | None = None
) -> Created:
    """Create or update a draft policy (an approved one is locked: revise it instead)."""
    _check_policy(values)
    row = {
        "title": values.title.strip(),
        "body": values.body,
        "version_label": values.version_label.strip(),
        "effective_from": values.effective_from or None,
    }
    with transaction(ws, actor) as tx:
        if policy_id is None:
            policy_id = tx.insert(ENTITY, {**row, "status": "draft"})
        else:
            tx.update(ENTITY, policy_id, row)
        changes = tx.finish()
    return Created(policy_id, changes)


def approve_policy(
    ws: Workspace, policy_id: str, *, approved_by: str, approved_on: date, actor: str | None = None
) -> Changes:
    """The owner's (경영책임자) approval: records who and when, then completes and locks the version."""
    if not approved_by.strip():
        raise ValidationError(
            N_("Enter who approved the policy."), N_("Usually the CEO (경영책임자) signs the policy.")
        )
    with transaction(ws, actor) as tx:
        row = tx.get(ENTITY, policy_id)
        if not str(row["body"] or "").strip():
            raise ValidationError(
                N_("The policy text is empty."), N_("Write the policy before it is approved.")
            )
        tx.update(
            ENTITY,
            policy_id,
            {
                "approved_by": approved_by.strip(),
                "approved_on": approved_on,
                "effective_from": row["effective_from"] or approved_on,
            },
        )
        complete_in(tx, ENTITY, policy_id, approved_on)
        return tx.finish()


def mark_posted(
    ws: Workspace, policy_id: str, *, posted_on: date, how: str, actor: str | None = None
) -> Changes:
    """Record where and how the approved policy was posted or communicated (evidence for Art. 4-1)."""
    if not how.strip():
        raise ValidationError(
            N_("Say how the policy was communicated."),
            N_("For example: notice board, education session, company messenger."),
        )
    with transaction(ws, actor) as tx:
        row = tx.get(ENTITY, policy_id)
        if not row["locked_at"]:
            raise ValidationError(
                N_("Approve the policy before recording that it was posted."),
                N_("Only the approved version is posted."),
            )
        if row["approved_on"] and posted_on.isoformat() < str(row["approved_on"]):
            raise ValidationError(
                N_("The posting date {date} is before the approval date."),
                N_("Check the date."),
                date=posted_on.isoformat(),
            )
        tx.update(
            ENTITY,
            policy_id,
            {"posted_on": posted_on, "communicated_how": how.strip()},
            action="post",
            summary=f"posted {posted_on.isoformat()}: {how.strip()}",
            allow_locked=True,
        )
        return tx.finish()


def revise_policy(
    ws: Workspace, policy_id: str, *, reason: str, version_label: str, actor: str | None = None
) -> Created:
    """Start the next version as a draft; approval, posting and effective date start again."""
    if not reason.strip():
        raise ValidationError(
            N_("Give the reason for the revision."), N_("It is kept with the revision in the audit trail.")
        )
    original = records.get(ws, ENTITY, policy_id)
    label = version_label.strip()
    if not label or label == original["version_label"]:
        raise ValidationError(
            N_("Give the new version a new label (the current one is {label})."),
            N_("For example 1.1 for a small change, 2.0 for a rewrite."),
            label=str(original["version_label"]),
        )
    created = records.revise(ws, ENTITY, policy_id, reason=reason.strip(), actor=actor)
    with transaction(ws, actor) as tx:
        tx.update(
            ENTITY,
            created.id,
            {
                "version_label": label,
                "approved_by": None,
                "approved_on": None,
                "posted_on": None,
                "communicated_how": None,
                "effective_from": None,
            },
            summary=f"new version {label}",
        )
        changes = tx.finish()
    return Created(created.id, created.changes | changes)


def delete_policy(ws: Workspace, policy_id: str, *, actor: str | None = None) -> Changes:
    """Drafts only: an approved version is evidence for five years (Decree Art. 13)."""
    return records.delete(ws, ENTITY, policy_id, actor=actor)


def _objective_row(values: ObjectiveInput) -> dict[str, object]:
    if not values.title.strip():
        raise ValidationError(N_("Enter the objective."), N_("For example: zero lost-time accidents."))
    if not 2000 <= values.year <= 2100:
        raise ValidationError(N_("The year {year} is not valid."), N_("Check the year."), year=values.year)
    return {
        "year": values.year,
        "title": values.title.strip(),
        "target": values.target.strip() or None,
        "kpi": values.kpi.strip() or None,
        "owner_id": values.owner_id,
        "result": values.result.strip() or None,
        "achieved": values.achieved,
        POLICY_FK: values.policy_id,
    }


def save_objective(
    ws: Workspace, values: ObjectiveInput, *, objective_id: str | None = None, actor: str | None = None
) -> Created:
    row = _objective_row(values)
    with transaction(ws, actor) as tx:
        if objective_id is None:
            objective_id = tx.insert("objectives", row)
        else:
            tx.update("objectives", objective_id, row)
        changes = tx.finish()
    return Created(objective_id, changes)


def delete_objective(ws: Workspace, objective_id: str, *, actor: str | None = None) -> Changes:
    return records.delete(ws, "objectives", objective_id, actor=actor)
