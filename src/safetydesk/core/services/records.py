"""Generic record life cycle: create, update, complete (lock), revise, delete (tombstone).

Completed records are read-only; a correction is a revision that points at what it corrects. Nothing
inside its retention period can be deleted (legal hold).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import func, select

from safetydesk.core.db.tables import CHILD_TABLES, LOCKABLE_TABLES, metadata
from safetydesk.core.errors import LegalHoldError, RecordLockedError
from safetydesk.core.i18n import N_
from safetydesk.core.resources import resource_path
from safetydesk.core.services.base import Changes, Tx, table_for, transaction
from safetydesk.core.workspace.workspace import Workspace


@dataclass(frozen=True)
class Created:
    id: str
    changes: Changes


@cache
def _retention_map() -> dict[str, tuple[str, ...]]:
    with resource_path("legal", "record_retention.toml").open("rb") as fh:
        data = tomllib.load(fh)
    return {k: tuple(v) for k, v in data["records"].items()}


def retention_until(entity: str, completed_on: date, extra_kinds: tuple[str, ...] = ()) -> str | None:
    """The longest retention end of every rule that applies to this record type."""
    from safetydesk.core.domain.provenance import NotInForceError
    from safetydesk.core.legaldata import load_legal_data

    kinds = _retention_map().get(entity, ()) + extra_kinds
    if not kinds:
        return None
    legal = load_legal_data()
    ends: list[date] = []
    for kind in kinds:
        try:
            ends.append(legal.retention_until(kind, completed_on))
        except NotInForceError:
            # Older than the first version we carry (e.g. imported history): apply today's rule,
            # which keeps the record at least as long as the law now asks.
            ends.append(legal.retention(kind, date.today()).until(completed_on))
    return max(ends).isoformat()


def get(ws: Workspace, entity: str, record_id: str) -> Mapping[str, Any]:
    with ws.reader() as conn:
        tx = Tx(ws=ws, conn=conn, actor="")
        return tx.get(entity, record_id)


def create(ws: Workspace, entity: str, values: Mapping[str, Any], *, actor: str | None = None) -> Created:
    with transaction(ws, actor) as tx:
        record_id = tx.insert(entity, values)
    return Created(record_id, Changes(((entity, record_id, "create"),)))


def update(
    ws: Workspace, entity: str, record_id: str, values: Mapping[str, Any], *, actor: str | None = None
) -> Changes:
    with transaction(ws, actor) as tx:
        tx.update(entity, record_id, values)
    return Changes(((entity, record_id, "update"),))


def complete_in(tx: Tx, entity: str, record_id: str, on: date, extra_retention: tuple[str, ...] = ()) -> None:
    if entity not in LOCKABLE_TABLES:
        raise ValueError(f"{entity} records are not completed and locked")
    table = table_for(entity)
    values: dict[str, Any] = {"status": "completed", "locked_at": tx.now}
    if "completed_at" in table.c:
        values["completed_at"] = tx.now
    keep = retention_until(entity, on, extra_retention)
    if keep is not None:
        values["retention_until"] = keep
    tx.update(entity, record_id, values, action="complete")


def complete(
    ws: Workspace, entity: str, record_id: str, *, actor: str | None = None, on: date | None = None
) -> Changes:
    with transaction(ws, actor) as tx:
        complete_in(tx, entity, record_id, on or date.today())
    return Changes(((entity, record_id, "complete"),))


def revise(ws: Workspace, entity: str, record_id: str, *, reason: str, actor: str | None = None) -> Created:
    """Start a correction of a completed record: a new draft that points at the original."""
    with transaction(ws, actor) as tx:
        original = tx.get(entity, record_id)
        if not original.get("locked_at"):
            raise RecordLockedError(
                N_("Only completed records are revised; this one is still a draft."),
                N_("Edit the draft directly."),
            )
        copy = {
            k: v
            for k, v in original.items()
            if k
            not in (
                "id",
                "created_at",
                "updated_at",
                "created_by",
                "locked_at",
                "completed_at",
                "retention_until",
            )
        }
        copy.update(status="draft", revision_of=record_id, revision_no=int(original["revision_no"]) + 1)
        new = tx.insert(entity, copy, summary=f"revision of {record_id}: {reason}")
        for child_name, (parent, fk) in CHILD_TABLES.items():
            if parent != entity:
                continue
            table = metadata.tables[child_name]
            rows = [
                dict(r) for r in tx.conn.execute(table.select().where(table.c[fk] == record_id)).mappings()
            ]
            if rows:
                tx.set_children(
                    entity, new, child_name, [{k: v for k, v in r.items() if k != "id"} for r in rows]
                )
    return Created(new, Changes(((entity, new, "revise"),)))


def delete(
    ws: Workspace, entity: str, record_id: str, *, actor: str | None = None, today: date | None = None
) -> Changes:
    with transaction(ws, actor) as tx:
        delete_in(tx, entity, record_id, today or date.today())
    return Changes(((entity, record_id, "delete"),))


def delete_in(tx: Tx, entity: str, record_id: str, today: date) -> None:
    row = tx.get(entity, record_id)
    keep = row.get("retention_until")
    if keep and date.fromisoformat(str(keep)) >= today:
        raise LegalHoldError(
            N_("This record must be kept until {until} by law and cannot be deleted."),
            N_("Make a revision to correct it; the original stays as evidence."),
            until=str(keep),
        )
    if row.get("locked_at") and not keep:
        raise LegalHoldError(
            N_("This record is completed and kept as evidence; it cannot be deleted."),
            N_("Make a revision to correct it; the original stays as evidence."),
            until="",
        )
    parent_keep = _source_hold(tx, row, today)
    if parent_keep is not None:
        raise LegalHoldError(
            N_("This record is part of a record kept until {until} by law and cannot be deleted.")
            if parent_keep
            else N_("This record is part of a completed record kept as evidence; it cannot be deleted."),
            N_("Close or correct it instead; the original stays as evidence."),
            until=parent_keep,
        )
    tx.update(entity, record_id, {"deleted_at": tx.now}, action="delete", allow_locked=True)


# Findings and actions have no retention of their own until they close; while open they inherit the
# hold of the record they came from (a completed inspection, an incident, a drill, a suggestion).
_SOURCE_ENTITIES = {
    "inspection": "form_records",
    "incident": "incidents",
    "near_miss": "incidents",
    "drill": "drills",
    "suggestion": "suggestions",
}


def _source_hold(tx: Tx, row: Mapping[str, Any], today: date) -> str | None:
    """The retention end (or "" for a locked record without one) of the record this one came from."""
    parents: list[tuple[str, str]] = []
    if row.get("finding_id"):
        parents.append(("findings", str(row["finding_id"])))
    source = _SOURCE_ENTITIES.get(str(row.get("source_kind") or ""))
    if source and row.get("source_id"):
        parents.append((source, str(row["source_id"])))
    if row.get("source_kind") is not None and "finding_id" not in row:
        # A finding is held while an action closed on it is (the action's evidence points at it).
        actions = table_for("corrective_actions")
        kept = tx.conn.execute(
            select(func.max(actions.c.retention_until)).where(
                actions.c.finding_id == row["id"], actions.c.deleted_at.is_(None)
            )
        ).scalar()
        if kept and date.fromisoformat(str(kept)) >= today:
            return str(kept)
    for entity, parent_id in parents:
        table = table_for(entity)
        parent = tx.conn.execute(select(table).where(table.c.id == parent_id)).mappings().first()
        if parent is None:
            continue
        keep = parent.get("retention_until")
        if keep and date.fromisoformat(str(keep)) >= today:
            return str(keep)
        if parent.get("locked_at") and not keep:
            return ""
        if entity == "findings":
            inherited = _source_hold(tx, dict(parent), today)
            if inherited is not None:
                return inherited
    return None
