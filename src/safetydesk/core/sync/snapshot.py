"""A snapshot of every record as outbox rows: the first PC of a firm sends its whole workspace, and a
PC facing a server restored from an older backup sends its state again (SYNC.md §6.4).

Each record becomes one change holding all of its columns, plus the names of its child tables
(expanded into whole lists at push time, like every other outbox row). A tombstoned record becomes a
``delete`` change carrying its ``deleted_at``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from safetydesk.core.clock import new_id, now_iso
from safetydesk.core.db.schema_version import SCHEMA_HEAD
from safetydesk.core.db.tables import CHILD_TABLES, RECORD_TABLES, sync_outbox
from safetydesk.core.sync import state
from safetydesk.core.sync.hlc import HybridClock

# Parents before children, so a server applying in order sees the parent first (not required: FK
# checks are off while applying, see apply.py).
_ORDER = list(RECORD_TABLES)


def write_snapshot(conn: Connection, *, base_seq: int = 0) -> int:
    """Append one outbox row per record (every table, tombstones included); returns how many."""
    values = state.read_all(conn)
    clock = HybridClock.restore(values.get("device_id", ""), values.get("hlc"))
    now_ms = state.local_ms() + int(values.get("clock_offset_ms") or 0)
    created = now_iso()
    written = 0
    for entity in _ORDER:
        table = RECORD_TABLES[entity]
        children = sorted(name for name, (parent, _fk) in CHILD_TABLES.items() if parent == entity)
        batch: list[dict[str, Any]] = []
        for row in conn.execute(select(table).order_by(table.c.id)).mappings():
            fields = dict(row)
            if children:
                fields["_children"] = children
            batch.append(
                {
                    "change_id": new_id(),
                    "entity": entity,
                    "record_id": str(row["id"]),
                    "op": "delete" if row.get("deleted_at") else "upsert",
                    "hlc": clock.tick(now_ms),
                    "fields": fields,
                    "base": {},
                    "base_seq": base_seq,
                    "schema_version": SCHEMA_HEAD,
                    "created_at": created,
                }
            )
            if len(batch) >= 2000:
                conn.execute(insert(sync_outbox), batch)
                written += len(batch)
                batch = []
        if batch:
            conn.execute(insert(sync_outbox), batch)
            written += len(batch)
    state.put(conn, {"hlc": clock.state()})
    return written
