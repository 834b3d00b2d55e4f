"""The one door for writes (DESIGN.md §4).

A service call opens a ``Tx``; everything it writes — domain rows, one audit event per touched record
and one sync outbox row per touched record — commits or rolls back together. The call returns a
``Changes`` value naming what changed so that screens refresh only what they show.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.engine import Connection

from safetydesk.core.audit import chain
from safetydesk.core.canonical import children_digest, row_digest
from safetydesk.core.clock import iso_utc, new_id, now_iso, parse_iso_utc
from safetydesk.core.db.schema_version import SCHEMA_HEAD
from safetydesk.core.db.tables import (
    CHILD_TABLES,
    DATE,
    RECORD_TABLES,
    TS,
    metadata,
    sync_base,
    sync_outbox,
    sync_state,
)
from safetydesk.core.errors import NotFoundError, RecordLockedError, ValidationError
from safetydesk.core.i18n import N_
from safetydesk.core.sync import state as sync_clock
from safetydesk.core.sync.hlc import HybridClock
from safetydesk.core.sync.protocol import CHILDREN_PREFIX
from safetydesk.core.workspace.workspace import Workspace

SYSTEM_COLUMNS = frozenset({"id", "created_at", "updated_at", "created_by"})


@dataclass(frozen=True)
class Changes:
    """What a service call changed: ``(entity, record_id, action)`` triples, in write order."""

    items: tuple[tuple[str, str, str], ...] = ()

    @property
    def entities(self) -> frozenset[str]:
        return frozenset(e for e, _i, _a in self.items)

    def ids(self, entity: str) -> tuple[str, ...]:
        return tuple(i for e, i, _a in self.items if e == entity)

    def __or__(self, other: Changes) -> Changes:
        return Changes(self.items + other.items)


@dataclass
class _Touched:
    action: str
    fields: dict[str, Any]
    summary: str | None = None
    children: bool = False


def default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "user"


def table_for(entity: str) -> Table:
    try:
        return RECORD_TABLES[entity]
    except KeyError:
        raise ValueError(f"unknown record type {entity!r}") from None


@dataclass
class Tx:
    ws: Workspace
    conn: Connection
    actor: str
    now: str = field(default_factory=now_iso)
    _touched: dict[tuple[str, str], _Touched] = field(default_factory=dict)
    _outbox_only: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    _seen: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)

    # -- reads ---------------------------------------------------------------------------------

    def get(self, entity: str, record_id: str) -> dict[str, Any]:
        table = table_for(entity)
        row = self.conn.execute(select(table).where(table.c.id == record_id)).mappings().first()
        if row is None:
            raise NotFoundError(
                N_("The record {id} ({entity}) does not exist."),
                N_("It may have been removed; refresh the list."),
                id=record_id[:8],
                entity=entity,
            )
        return dict(row)

    # -- writes --------------------------------------------------------------------------------

    def insert(self, entity: str, values: Mapping[str, Any], *, summary: str | None = None) -> str:
        table = table_for(entity)
        row = validate_values(table, values, creating=True)
        record_id = str(values.get("id") or new_id())
        row.update(id=record_id, created_at=self.now, updated_at=self.now, created_by=self.actor)
        self.conn.execute(insert(table).values(**row))
        self._touch(entity, record_id, "create", row, summary)
        return record_id

    def update(
        self,
        entity: str,
        record_id: str,
        values: Mapping[str, Any],
        *,
        action: str = "update",
        summary: str | None = None,
        allow_locked: bool = False,
    ) -> dict[str, Any]:
        table = table_for(entity)
        current = self.get(entity, record_id)
        if not allow_locked and current.get("locked_at"):
            raise RecordLockedError(
                N_("This record was completed and locked on {when}; it cannot be edited."),
                N_("Make a revision of it instead: the revision keeps the original as evidence."),
                when=str(current["locked_at"])[:10],
            )
        if current.get("deleted_at") and action != "restore":
            raise RecordLockedError(
                N_("This record was deleted; it cannot be edited."),
                N_("Restore it first if it should still be used."),
            )
        row = validate_values(table, values, creating=False)
        if row.get("deleted_at") is not None and action != "delete":
            # Legal hold: tombstones go through records.delete_in, which checks the retention period.
            raise ValueError(f"{entity} records are deleted with records.delete, not by an update")
        if "retention_until" in row and row["retention_until"] is None and current.get("retention_until"):
            raise RecordLockedError(
                N_("This record is kept until {until} by law; its retention period cannot be removed."),
                N_("Make a revision to correct it; the original stays as evidence."),
                until=str(current["retention_until"]),
            )
        changed = {k: v for k, v in row.items() if current.get(k) != v}
        if not changed and action == "update":
            return current
        changed["updated_at"] = self.now
        self.conn.execute(update(table).where(table.c.id == record_id).values(**changed))
        self._touch(entity, record_id, action, changed, summary)
        current.update(changed)
        return current

    def set_children(
        self, parent: str, parent_id: str, child_table: str, rows: Sequence[Mapping[str, Any]]
    ) -> None:
        """Replace the child rows of one parent (answers of a form record, attendance of a training)."""
        owner, fk = CHILD_TABLES[child_table]
        if owner != parent:
            raise ValueError(f"{child_table} rows belong to {owner}, not {parent}")
        table = metadata.tables[child_table]
        self.conn.execute(delete(table).where(table.c[fk] == parent_id))
        if rows:
            has_id = "id" in table.c
            prepared = [
                {**dict(r), fk: parent_id, **({"id": r.get("id") or new_id()} if has_id else {})}
                for r in rows
            ]
            self.conn.execute(insert(table), prepared)
        touched = self._touched.get((parent, parent_id))
        if touched is None:
            self._touch(parent, parent_id, "update", {}, None)
            touched = self._touched[(parent, parent_id)]
        touched.children = True

    def touch(self, entity: str, record_id: str, action: str, summary: str | None = None) -> None:
        """Record an action that changed no column of its own (e.g. children only)."""
        self._touch(entity, record_id, action, {}, summary)

    def touch_outbox_only(self, entity: str, record_id: str, fields: dict[str, Any]) -> None:
        """Queue an outbox row for a record whose audit event the caller appended itself (bulk paths)."""
        self._outbox_only.append((entity, record_id, fields))

    def _touch(
        self, entity: str, record_id: str, action: str, fields: dict[str, Any], summary: str | None
    ) -> None:
        key = (entity, record_id)
        existing = self._touched.get(key)
        if existing is None:
            self._touched[key] = _Touched(action, dict(fields), summary)
        else:
            existing.fields.update(fields)
            if existing.action == "update" or action not in ("update",):
                existing.action = action if existing.action != "create" else "create"
            existing.summary = summary or existing.summary

    # -- commit --------------------------------------------------------------------------------

    def finish(self) -> Changes:
        if not self._touched and not self._outbox_only:
            return Changes()
        state = dict(self.conn.execute(select(sync_state.c.key, sync_state.c.value)).all())
        clock = HybridClock.restore(state.get("device_id", self.ws.device_id), state.get("hlc"))
        now_ms = sync_clock.local_ms() + int(state.get("clock_offset_ms") or 0)
        # Sync (SYNC.md §3.2): the server versions this PC has seen, captured now, at write time, not
        # at push time (a pull between the two would make a stale edit look causally newer).
        base_seq = int(state["cursor"]) if "cursor" in state else None
        self._seen = self._seen_versions() if base_seq is not None else {}
        head = chain.head(self.conn)
        outbox: list[dict[str, Any]] = []
        items: list[tuple[str, str, str]] = []
        for (entity, record_id), t in self._touched.items():
            row = self.get(entity, record_id)
            kids = chain.children_of(self.conn, entity, record_id) if _has_children(entity) else {}
            head = chain.append(
                self.conn,
                head,
                event_id=new_id(),
                at=self.now,
                actor=self.actor,
                action=t.action,
                entity=entity,
                record_id=record_id,
                row_digest=row_digest(row),
                children_digest=children_digest(kids) if kids else None,
                summary=t.summary,
            )
            fields = dict(row) if t.action in ("create", "revise") else dict(t.fields)
            if t.children:
                # Child rows travel with the parent (whole lists, read when the client pushes); name every
                # child table of the parent, so that a list emptied by this write is sent too.
                fields["_children"] = _child_tables(entity)
            outbox.append(
                {
                    "change_id": new_id(),
                    "entity": entity,
                    "record_id": record_id,
                    "op": "delete" if t.action == "delete" else "upsert",
                    "hlc": clock.tick(now_ms),
                    "fields": fields,
                    **self._base(entity, record_id, fields, base_seq),
                    "schema_version": SCHEMA_HEAD,
                    "created_at": self.now,
                }
            )
            items.append((entity, record_id, t.action))
        for entity, record_id, fields in self._outbox_only:
            outbox.append(
                {
                    "change_id": new_id(),
                    "entity": entity,
                    "record_id": record_id,
                    "op": "upsert",
                    "hlc": clock.tick(now_ms),
                    "fields": fields,
                    **self._base(entity, record_id, fields, base_seq),
                    "schema_version": SCHEMA_HEAD,
                    "created_at": self.now,
                }
            )
            items.append((entity, record_id, "import"))
        self._outbox_only.clear()
        self.conn.execute(insert(sync_outbox), outbox)
        self.conn.execute(
            sync_state.insert().prefix_with("OR REPLACE").values(key="hlc", value=clock.state())
        )
        self._touched.clear()
        return Changes(tuple(items))

    def _base(
        self, entity: str, record_id: str, fields: Mapping[str, Any], base_seq: int | None
    ) -> dict[str, Any]:
        """``base`` (field -> server_seq seen) and ``base_seq`` of an outbox row; empty while never synced."""
        if base_seq is None:
            return {"base": None, "base_seq": None}
        seen = self._seen.get((entity, record_id), {})
        names = [f for f in fields if f != "_children"]
        names += [CHILDREN_PREFIX + c for c in fields.get("_children") or ()]
        return {"base": {f: int(seen[f]) for f in names if f in seen}, "base_seq": base_seq}

    def _seen_versions(self) -> dict[tuple[str, str], dict[str, int]]:
        """``sync_base`` of every record this transaction touched, in a few queries."""
        keys = set(self._touched) | {(e, r) for e, r, _f in self._outbox_only}
        ids = sorted({r for _e, r in keys})
        out: dict[tuple[str, str], dict[str, int]] = {}
        for start in range(0, len(ids), 500):
            rows = self.conn.execute(
                select(sync_base.c.entity, sync_base.c.record_id, sync_base.c.fields).where(
                    sync_base.c.record_id.in_(ids[start : start + 500])
                )
            )
            for entity, record_id, seen in rows:
                if (entity, record_id) in keys and isinstance(seen, dict):
                    out[(entity, record_id)] = {str(k): int(v) for k, v in seen.items()}
        return out


def _child_tables(entity: str) -> list[str]:
    return sorted(name for name, (parent, _fk) in CHILD_TABLES.items() if parent == entity)


def _has_children(entity: str) -> bool:
    return any(parent == entity for parent, _fk in CHILD_TABLES.values())


@contextmanager
def transaction(ws: Workspace, actor: str | None = None) -> Iterator[Tx]:
    with ws.writer() as conn:
        tx = Tx(ws=ws, conn=conn, actor=actor or default_actor())
        yield tx
        tx.finish()


def run(ws: Workspace, actor: str | None, body: Any) -> Changes:
    """Run ``body(tx)`` in one transaction and return what changed."""
    with ws.writer() as conn:
        tx = Tx(ws=ws, conn=conn, actor=actor or default_actor())
        body(tx)
        return tx.finish()


# -- validation -----------------------------------------------------------------------------------


def validate_values(table: Table, values: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    """Check field names, required fields, dates and lengths; messages name the field."""
    from safetydesk.core.services.limits import check_text_lengths

    check_text_lengths(table, values)  # one table of limits, including the unbounded Text columns
    problems: list[str] = []
    missing: list[str] = []
    row: dict[str, Any] = {}
    for key, value in values.items():
        if key in SYSTEM_COLUMNS:
            continue
        if key not in table.c:
            raise ValueError(f"{table.name} has no field {key!r}")
        column = table.c[key]
        if value is None or (isinstance(value, str) and not value.strip() and not column.nullable):
            if not column.nullable:
                missing.append(key)
            row[key] = None
            continue
        row[key] = _coerce(key, column, value, problems)
    if creating:
        missing += [
            c.name
            for c in table.c
            if c.name not in SYSTEM_COLUMNS
            and not c.nullable
            and c.server_default is None
            and c.name not in row
            and not c.primary_key
        ]
    if missing:
        raise ValidationError(
            N_("Required field missing: {fields}."),
            N_("Fill in the field and save again."),
            fields=", ".join(missing),
        )
    if problems:
        raise ValidationError(
            N_("Invalid value: {problems}."),
            N_("Correct the field and save again."),
            problems="; ".join(problems),
        )
    return row


def _coerce(key: str, column: Any, value: Any, problems: list[str]) -> Any:
    type_name = type(column.type).__name__
    length = getattr(column.type, "length", None)
    if column.type is DATE:
        if isinstance(value, datetime):
            problems.append(f"{key}: expected a date, not a date and time")
            return None
        if isinstance(value, date):
            return value.isoformat()
        try:
            return date.fromisoformat(str(value)).isoformat()
        except ValueError:
            problems.append(f"{key}: '{value}' is not a date (YYYY-MM-DD)")
            return None
    if column.type is TS:
        if isinstance(value, datetime):
            try:
                return iso_utc(value)
            except ValueError:
                problems.append(f"{key}: date and time without a time zone")
                return None
        try:
            return iso_utc(parse_iso_utc(str(value)))
        except ValueError:
            problems.append(f"{key}: '{value}' is not a UTC date and time")
            return None
    if type_name in ("String", "Text"):
        text = str(value)
        if length is not None and len(text) > length:
            problems.append(f"{key}: longer than {length} characters")
        return text
    if type_name == "Integer":
        if isinstance(value, bool) or not isinstance(value, int):
            try:
                return int(str(value))
            except ValueError:
                problems.append(f"{key}: '{value}' is not a whole number")
                return None
        return value
    if type_name == "Float":
        try:
            return float(value)
        except (TypeError, ValueError):
            problems.append(f"{key}: '{value}' is not a number")
            return None
    if type_name == "Boolean":
        return bool(value)
    return value
