"""Reading the hazard decisions people made (written by ``services.hazard_labels``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from sqlalchemy import Connection, select

from safetydesk.core.db.tables import hazard_labels

DECISIONS: Final = ("accepted", "corrected", "manual")


def latest_label(conn: Connection, entity: str, record_id: str) -> dict[str, Any] | None:
    row = conn.execute(
        select(hazard_labels)
        .where(
            hazard_labels.c.entity == entity,
            hazard_labels.c.record_id == record_id,
            hazard_labels.c.deleted_at.is_(None),
        )
        .order_by(hazard_labels.c.created_at.desc(), hazard_labels.c.id.desc())
        .limit(1)
    ).first()
    return dict(row._mapping) if row else None


def latest_labels(conn: Connection, entity: str, record_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The newest decision per record, for screens that show many rows (e.g. a risk table)."""
    if not record_ids:
        return {}
    rows = conn.execute(
        select(hazard_labels)
        .where(
            hazard_labels.c.entity == entity,
            hazard_labels.c.record_id.in_(list(record_ids)),
            hazard_labels.c.deleted_at.is_(None),
        )
        .order_by(hazard_labels.c.created_at, hazard_labels.c.id)
    )
    return {str(r.record_id): dict(r._mapping) for r in rows}


def confirmed_labels(conn: Connection) -> list[tuple[str, str]]:
    """``(text, group)`` pairs a person confirmed, newest decision per record, for retraining.

    ``fire_explosion`` is trained as ``other`` like the library rows (the model has no such group).
    """
    newest: dict[tuple[str, str], tuple[str, str]] = {}
    rows = conn.execute(
        select(
            hazard_labels.c.entity,
            hazard_labels.c.record_id,
            hazard_labels.c.text,
            hazard_labels.c.hazard_group,
        )
        .where(hazard_labels.c.deleted_at.is_(None))
        .order_by(hazard_labels.c.created_at, hazard_labels.c.id)
    )
    for entity, record_id, text, group in rows:
        newest[(str(entity), str(record_id))] = (
            str(text),
            "other" if group == "fire_explosion" else str(group),
        )
    return list(newest.values())


def label_counts(conn: Connection) -> dict[str, int]:
    """How many decisions of each kind are stored (the model screen shows them)."""
    counts = dict.fromkeys(DECISIONS, 0)
    for (decision,) in conn.execute(
        select(hazard_labels.c.decision).where(hazard_labels.c.deleted_at.is_(None))
    ):
        counts[str(decision)] = counts.get(str(decision), 0) + 1
    return counts
