"""Corrective actions: edit, mark done with evidence, verify effectiveness and close (ISO 45001 10.2)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from safetydesk.core.errors import ValidationError
from safetydesk.core.i18n import N_
from safetydesk.core.services import attachments
from safetydesk.core.services.base import Changes, transaction
from safetydesk.core.services.records import retention_until
from safetydesk.core.workspace.workspace import Workspace

EDITABLE = frozenset(
    {
        "title",
        "description",
        "hierarchy",
        "owner_id",
        "owner_name",
        "due_on",
        "interim_measure",
        "area_id",
        "budget_krw",
        "spent_krw",
        "status",
    }
)
HIERARCHY = ("legal", "elimination", "substitution", "engineering", "administrative", "ppe")


def _check_closed(row: Mapping[str, Any]) -> None:
    if row["status"] in ("verified", "cancelled"):
        raise ValidationError(
            N_("This corrective action is closed."),
            N_("Reopen it first if more work is needed."),
        )


def update_action(
    ws: Workspace, action_id: str, values: Mapping[str, Any], *, actor: str | None = None
) -> Changes:
    unknown = set(values) - EDITABLE
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    if "hierarchy" in values and values["hierarchy"] not in HIERARCHY:
        raise ValidationError(
            N_("Unknown control type {value}."),
            N_("Choose one from the list."),
            value=str(values["hierarchy"]),
        )
    with transaction(ws, actor) as tx:
        _check_closed(tx.get("corrective_actions", action_id))
        tx.update("corrective_actions", action_id, values)
        return tx.finish()


def add_evidence(
    ws: Workspace,
    action_id: str,
    photo: Path,
    *,
    role: str = "after",
    caption: str | None = None,
    actor: str | None = None,
) -> str:
    """Attach a before/after photo; returns its SHA-256."""
    if role not in ("before", "after"):
        raise ValueError(role)
    with transaction(ws, actor) as tx:
        tx.get("corrective_actions", action_id)
        stored = attachments.store_photo(tx, photo)
        attachments.link_photo(tx, stored, "corrective_actions", action_id, role=role, caption=caption)
    return stored.sha256


def mark_done(
    ws: Workspace, action_id: str, *, done_on: date, note: str | None = None, actor: str | None = None
) -> Changes:
    with transaction(ws, actor) as tx:
        row = tx.get("corrective_actions", action_id)
        _check_closed(row)
        if done_on < date.fromisoformat(str(row["created_at"])[:10]):
            raise ValidationError(
                N_("The completion date {date} is before the action was raised."),
                N_("Check the date."),
                date=done_on.isoformat(),
            )
        values: dict[str, Any] = {"status": "done", "done_on": done_on}
        if note:
            values["description"] = f"{row['description'] or ''}\n[{done_on.isoformat()}] {note}".strip()
        tx.update("corrective_actions", action_id, values, action="done")
        return tx.finish()


def verify_and_close(
    ws: Workspace,
    action_id: str,
    *,
    verified_by: str,
    verified_on: date,
    effective: bool,
    note: str | None = None,
    actor: str | None = None,
) -> Changes:
    """Close after checking the fix works; an ineffective fix goes back to open with the note."""
    if not verified_by.strip():
        raise ValidationError(
            N_("Required field missing: {fields}."),
            N_("Fill in the field and save again."),
            fields="verified_by",
        )
    with transaction(ws, actor) as tx:
        row = tx.get("corrective_actions", action_id)
        _check_closed(row)
        if row["status"] != "done":
            raise ValidationError(
                N_("Only a completed action can be verified."),
                N_("Mark it done first, with evidence of the fix."),
            )
        values: dict[str, Any] = {
            "verified_by": verified_by,
            "verified_on": verified_on,
            "effective": effective,
            "verification_note": note,
        }
        if effective:
            values["status"] = "verified"
            values["retention_until"] = retention_until("corrective_actions", verified_on)
        else:
            values["status"] = "open"
        tx.update("corrective_actions", action_id, values, action="verify" if effective else "reopen")
        if effective and row.get("finding_id"):
            tx.update("findings", row["finding_id"], {"status": "closed"}, action="close")
        return tx.finish()


def reopen(ws: Workspace, action_id: str, *, reason: str, actor: str | None = None) -> Changes:
    with transaction(ws, actor) as tx:
        tx.update(
            "corrective_actions",
            action_id,
            {"status": "open", "verification_note": reason},
            action="reopen",
            summary=reason,
        )
        return tx.finish()
