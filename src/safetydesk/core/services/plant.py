"""Plant register: equipment with its statutory safety-inspection (안전검사) due date.

The due date comes from the Art. 126 cycle in ``resources/legal/statutory_inspections.toml`` — the
first inspection within N years of installation, then every N years — so nobody types it by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from safetydesk.core.domain.provenance import LegalLookupError
from safetydesk.core.services.base import Tx, transaction
from safetydesk.core.services.records import Created
from safetydesk.core.workspace.workspace import Workspace


def statutory_due(
    kind: str, installed_on: str | date | None, last_inspected_on: str | date | None, on: date
) -> str | None:
    if not installed_on:
        return None
    from safetydesk.core.legaldata import load_legal_data

    installed = date.fromisoformat(str(installed_on))
    last = date.fromisoformat(str(last_inspected_on)) if last_inspected_on else None
    try:
        due = load_legal_data().next_statutory_inspection(kind, installed, last, on)
    except LegalLookupError:
        return None  # a kind the inspection rules do not know: no statutory cycle to track
    return due.isoformat() if due else None


def _with_due(values: Mapping[str, Any], current: Mapping[str, Any] | None, on: date) -> dict[str, Any]:
    merged = {**(current or {}), **values}
    out = dict(values)
    if "next_inspection_due" not in values:
        due = statutory_due(
            str(merged.get("kind")), merged.get("installed_on"), merged.get("last_inspected_on"), on
        )
        if due is not None or current is None:
            out["next_inspection_due"] = due
    return out


def register_equipment_in(tx: Tx, values: Mapping[str, Any], on: date | None = None) -> str:
    return tx.insert("equipment", _with_due(values, None, on or date.today()))


def register_equipment(
    ws: Workspace, values: Mapping[str, Any], *, actor: str | None = None, on: date | None = None
) -> Created:
    with transaction(ws, actor) as tx:
        new = register_equipment_in(tx, values, on)
        changes = tx.finish()
    return Created(new, changes)


def record_statutory_inspection(
    ws: Workspace,
    equipment_id: str,
    inspected_on: date,
    *,
    certificate_no: str | None = None,
    actor: str | None = None,
) -> str | None:
    """Record a passed 안전검사 and move the due date to the next cycle; returns the new due date."""
    with transaction(ws, actor) as tx:
        current = tx.get("equipment", equipment_id)
        values: dict[str, Any] = {"last_inspected_on": inspected_on, "certificate_no": certificate_no}
        updated = tx.update(
            "equipment",
            equipment_id,
            _with_due(values, current, inspected_on),
            summary=f"안전검사 {inspected_on.isoformat()}",
        )
    return updated.get("next_inspection_due")
