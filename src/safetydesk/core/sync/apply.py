"""Applying pulled records to the workspace (SYNC.md §6.3).

One page is applied in ONE SQLite transaction together with the cursor, ``sync_rows``,
``sync_base``, the HLC and one local audit event (action ``sync``) per record that changed here,
so ``safetydesk verify`` stays green and a crash between pages resumes from the last page applied.

- Idempotent: a record whose applied ``server_seq`` (``sync_rows``) is at least the incoming one is
  skipped, so applying a page twice changes nothing and appends no audit event.
- Fields with pending outbox entries (and every field of a record with a pending delete) are never
  overwritten; their ``sync_base`` is not advanced either, so the pending edit keeps the base it was
  made on and the server decides.
- Foreign keys: a record may arrive before its parent (a parent edited later has a higher seq and
  may even come in a later page), so the apply connection switches FK enforcement off for its
  transaction (``PRAGMA foreign_keys=OFF`` outside the transaction, back on afterwards). Deferring
  the checks (``defer_foreign_keys``) only spans one page and is not enough. Attachments referenced
  by pulled records get a placeholder ``attachments`` row until the download fills it in.
- Unique keys other than ``id`` (shipped form templates by code+version, settings by key): after
  joining a firm the server's row replaces the workspace's default; later the lower id is kept on
  every PC, so all PCs converge.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from typing import Any

from sqlalchemy import Table, and_, delete, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from safetydesk.core.audit import chain
from safetydesk.core.canonical import canonical_json, children_digest, row_digest
from safetydesk.core.clock import iso_utc, new_id, now_iso
from safetydesk.core.db.tables import (
    CHILD_TABLES,
    RECORD_TABLES,
    attachments,
    audit_events,
    metadata,
    sync_base,
    sync_blobs,
    sync_conflicts,
    sync_outbox,
    sync_rows,
)
from safetydesk.core.errors import UserError
from safetydesk.core.i18n import N_
from safetydesk.core.sync import protocol, state
from safetydesk.core.sync.hlc import HybridClock
from safetydesk.core.workspace.workspace import Workspace

UNIQUE_KEYS: dict[str, tuple[str, ...]] = {"form_templates": ("code", "version"), "settings": ("key",)}
PLACEHOLDER_MIME = "application/octet-stream"


@cache
def _required(table: Table) -> tuple[str, ...]:
    """NOT NULL columns without a default: a row cannot be inserted without them."""
    return tuple(c.name for c in table.c if not c.nullable and c.server_default is None and c.name != "id")


def child_tables(entity: str) -> list[str]:
    return sorted(name for name, (parent, _fk) in CHILD_TABLES.items() if parent == entity)


def _child_sort_key(table: Table) -> Any:
    if "id" in table.c:
        return lambda row: str(row.get("id"))
    return lambda row: canonical_json(row).decode("utf-8")


def child_rows(conn: Connection, child: str, parent_id: str) -> list[dict[str, Any]]:
    """A parent's rows of one child table as the wire carries them: dicts of every column, sorted."""
    return child_rows_many(conn, child, [parent_id]).get(parent_id, [])


def child_rows_many(conn: Connection, child: str, parent_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    _parent, fk = CHILD_TABLES[child]
    table = metadata.tables[child]
    out: dict[str, list[dict[str, Any]]] = {}
    for start in range(0, len(parent_ids), 500):
        chunk = parent_ids[start : start + 500]
        for row in conn.execute(select(table).where(table.c[fk].in_(chunk))).mappings():
            out.setdefault(str(row[fk]), []).append(dict(row))
    key = _child_sort_key(table)
    for rows in out.values():
        rows.sort(key=key)
    return out


def raw_insert(
    conn: Connection,
    table: Table,
    names: tuple[str, ...],
    rows: list[dict[str, Any]],
    *,
    replace: bool = False,
) -> None:
    """``executemany`` through the driver with SQLAlchemy's own bind processors (so JSON is stored
    exactly as a Core insert stores it): a page of 1000 records costs milliseconds, not a second."""
    if not rows:
        return
    processors = [table.c[n].type.bind_processor(conn.dialect) for n in names]
    columns = ", ".join(f'"{n}"' for n in names)
    marks = ", ".join("?" for _n in names)
    verb = "INSERT OR REPLACE" if replace else "INSERT"
    # Most columns are text with no bind processor: fetch those as they are, convert only the rest.
    convert = [(i, p) for i, p in enumerate(processors) if p is not None]
    if convert:
        params = []
        for row in rows:
            values = list(map(row.get, names))
            for i, p in convert:
                values[i] = p(values[i])
            params.append(tuple(values))
    else:
        params = [tuple(map(row.get, names)) for row in rows]
    conn.exec_driver_sql(f'{verb} INTO "{table.name}" ({columns}) VALUES ({marks})', params)


@contextmanager
def apply_connection(ws: Workspace) -> Iterator[Connection]:
    """A write transaction with foreign-key enforcement off (see the module docstring)."""
    from safetydesk.core.workspace.workspace import _write_failure

    if ws.read_only:
        raise UserError(
            N_("This workspace is open read-only."),
            N_("Close it and open it normally to make changes."),
        )
    try:
        with ws.engine.connect() as raw:
            dbapi = raw.connection.dbapi_connection
            assert dbapi is not None
            dbapi.execute("PRAGMA foreign_keys=OFF")
            try:
                conn = raw.execution_options(sd_write=True)
                with conn.begin():
                    yield conn
            finally:
                dbapi.execute("PRAGMA foreign_keys=ON")
    except (DBAPIError, OSError) as exc:
        failure = _write_failure(exc)
        if failure is None:
            raise
        raise failure from exc


def apply_page(
    ws: Workspace, page: Mapping[str, Any], *, force: frozenset[tuple[str, str]] = frozenset()
) -> int:
    """Apply one pull page and move the cursor, in one transaction.

    Returns how many records changed here (new or different rows, conflicts): 0 for a page applied
    twice, and for the echo of this PC's own changes."""
    with apply_connection(ws) as conn:
        return apply_page_in(conn, page, force=force)


def apply_page_in(
    conn: Connection, page: Mapping[str, Any], *, force: frozenset[tuple[str, str]] = frozenset()
) -> int:
    """``force``: (entity, id) applied even at a server_seq already applied (a stale record's re-fetch)."""
    values = state.read_all(conn)
    records = list(page.get("records") or [])
    applier = _Applier(conn, values)
    applier.force = force
    applied = applier.run(records)
    current = int(values.get("cursor") or 0)
    nxt = int(page.get("next") or 0)
    updates: dict[str, object | None] = {"hlc": applier.clock.state()}
    if nxt > current:
        updates["cursor"] = nxt
    state.put(conn, updates)
    return applied


class _Applier:
    def __init__(self, conn: Connection, values: Mapping[str, str]) -> None:
        self.conn = conn
        self.values = values
        self.clock = HybridClock.restore(values.get("device_id", ""), values.get("hlc"))
        self.now_ms = state.local_ms() + int(values.get("clock_offset_ms") or 0)
        self.actor = f"sync:{values.get('device_name') or values.get('device_id', '')}"[:120]
        self.join_pending = values.get("join_pending") == "1"
        self.now = now_iso()
        self.changed: list[tuple[str, str, int, bool]] = []  # entity, id, seq, removed
        self.base_rows: dict[tuple[str, str], dict[str, Any]] = {}
        self.seen_rows: list[dict[str, Any]] = []
        self.inserts: dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]] = {}
        self.blob_refs: set[str] = set()
        self.force: frozenset[tuple[str, str]] = frozenset()

    # -- the page ----------------------------------------------------------------------------------

    def run(self, records: list[Mapping[str, Any]]) -> int:
        if not records:
            return 0
        keys = [(str(r["entity"]), str(r["id"])) for r in records]
        seen, bases = self._seen(keys)
        pending, pending_delete = self._pending(keys)
        by_entity: dict[str, list[str]] = {}
        for entity, rid in keys:
            by_entity.setdefault(entity, []).append(rid)
        current = {e: self._current(e, ids) for e, ids in by_entity.items() if e in RECORD_TABLES}
        applied = 0
        latest = ""  # HLCs compare as text: observing the page's latest one is enough
        for rec in sorted(records, key=lambda r: int(r["server_seq"])):
            entity, rid, seq = str(rec["entity"]), str(rec["id"]), int(rec["server_seq"])
            key = (entity, rid)
            if seen.get(key, 0) >= seq and key not in self.force:
                continue
            meta = rec.get("meta") or {}
            skipped = self._skipped_fields(entity, pending.get(key, set()), key in pending_delete, rec)
            changes_before = len(self.changed)
            if entity == protocol.CONFLICT_ENTITY:
                if self._conflict(rid, seq, rec.get("data") or {}, bool(skipped)):
                    applied += 1
            elif entity in RECORD_TABLES and not self._record(
                entity, rid, seq, rec, skipped, current[entity].get(rid)
            ):
                continue
            # Unknown entities (a newer schema's tables) are remembered as seen and otherwise ignored.
            # Stale: fields kept at this PC's pending values; fetched again once those are sent.
            stale = bool(skipped) and any(name in skipped for name in (rec.get("data") or {}))
            self.seen_rows.append({"entity": entity, "record_id": rid, "server_seq": seq, "stale": stale})
            versions = bases.get(key) or {}
            for name, version in meta.items():
                if not isinstance(version, dict):
                    continue
                h, s = version.get("h"), version.get("s")
                if h and h > latest:
                    latest = str(h)
                if s is not None and name not in skipped:
                    versions[name] = int(s)
            bases[key] = versions
            self.base_rows[key] = {"entity": entity, "record_id": rid, "fields": versions}
            seen[key] = seq
            if len(self.changed) > changes_before:
                applied += 1  # this record changed here (an echo of our own change does not count)
        if latest:
            with contextlib.suppress(ValueError):
                self.clock.observe(latest, self.now_ms)
        self._flush()
        return applied

    def _skipped_fields(
        self, entity: str, pending: set[str], pending_delete: bool, rec: Mapping[str, Any]
    ) -> set[str]:
        if pending_delete:
            return set((rec.get("data") or {}).keys()) | set((rec.get("meta") or {}).keys())
        return pending

    def _seen(
        self, keys: list[tuple[str, str]]
    ) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], dict[str, int]]]:
        """The server_seq applied here and the field versions seen, of the page's records."""
        out: dict[tuple[str, str], int] = {}
        bases: dict[tuple[str, str], dict[str, int]] = {}
        ids = sorted({rid for _e, rid in keys})
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for e, rid, seq in self.conn.execute(
                select(sync_rows.c.entity, sync_rows.c.record_id, sync_rows.c.server_seq).where(
                    sync_rows.c.record_id.in_(chunk)
                )
            ):
                out[(str(e), str(rid))] = int(seq)
            for e, rid, seen in self.conn.execute(
                select(sync_base.c.entity, sync_base.c.record_id, sync_base.c.fields).where(
                    sync_base.c.record_id.in_(chunk)
                )
            ):
                if isinstance(seen, dict):
                    bases[(str(e), str(rid))] = {str(k): int(v) for k, v in seen.items()}
        return out, bases

    def _pending(
        self, keys: list[tuple[str, str]]
    ) -> tuple[dict[tuple[str, str], set[str]], set[tuple[str, str]]]:
        fields: dict[tuple[str, str], set[str]] = {}
        deletes: set[tuple[str, str]] = set()
        wanted = set(keys)
        ids = sorted({rid for _e, rid in keys})
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = self.conn.execute(
                select(
                    sync_outbox.c.entity, sync_outbox.c.record_id, sync_outbox.c.op, sync_outbox.c.fields
                ).where(sync_outbox.c.record_id.in_(chunk))
            )
            for e, rid, op, flds in rows:
                key = (str(e), str(rid))
                if key not in wanted:
                    continue
                names = fields.setdefault(key, set())
                for name in flds or {}:
                    if name == "_children":
                        names.update(protocol.CHILDREN_PREFIX + c for c in flds[name] or ())
                    else:
                        names.add(name)
                if op == protocol.OP_DELETE:
                    deletes.add(key)
        return fields, deletes

    def _current(self, entity: str, ids: list[str]) -> dict[str, dict[str, Any]]:
        """The stored rows, as a Core ``select`` returns them (the same result processors: JSON parsed,
        booleans as bool), read through the driver: a page's rows in a few milliseconds."""
        table = RECORD_TABLES[entity]
        names = [c.name for c in table.c]
        convert = [
            (i, p)
            for i, p in enumerate(c.type.result_processor(self.conn.dialect, None) for c in table.c)
            if p is not None
        ]
        columns = ", ".join(f'"{n}"' for n in names)
        out: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" for _i in chunk)
            rows = self.conn.exec_driver_sql(
                f'SELECT {columns} FROM "{table.name}" WHERE "id" IN ({marks})', tuple(chunk)
            ).fetchall()
            for raw in rows:
                values = list(raw)
                for i, p in convert:
                    values[i] = p(values[i])
                row = dict(zip(names, values, strict=True))
                out[str(row["id"])] = row
        return out

    # -- one record ----------------------------------------------------------------------------------

    def _record(
        self,
        entity: str,
        rid: str,
        seq: int,
        rec: Mapping[str, Any],
        skipped: set[str],
        current: dict[str, Any] | None,
    ) -> bool:
        table = RECORD_TABLES[entity]
        data = rec.get("data") or {}
        self.blob_refs |= protocol.blob_refs(entity, data)
        cols = {k: v for k, v in data.items() if k in table.c and k not in skipped and k != "id"}
        kids: dict[str, list[Any]] = {}
        for name in child_tables(entity):
            field_name = protocol.CHILDREN_PREFIX + name
            if field_name in data and field_name not in skipped and isinstance(data[field_name], list):
                kids[name] = data[field_name]
        changed = False
        if current is None:
            if skipped and not cols:
                return True
            if any(name not in cols for name in _required(table)):
                return False  # an incomplete server record (never expected): wait for a complete version
            if not self._clear_unique_clash(entity, rid, cols):
                return True
            row = {**cols, "id": rid}
            self.inserts.setdefault((entity, tuple(sorted(row))), []).append(row)
            changed = True
        else:
            diff = {k: v for k, v in cols.items() if current.get(k) != v}
            if diff:
                self.conn.execute(update(table).where(table.c.id == rid).values(**diff))
                changed = True
        for child, rows in kids.items():
            if self._replace_children(child, rid, rows, fresh=current is None):
                changed = True
        if changed:
            self.changed.append((entity, rid, seq, False))
        return True

    def _replace_children(self, child: str, parent_id: str, rows: list[Any], *, fresh: bool) -> bool:
        _parent, fk = CHILD_TABLES[child]
        table = metadata.tables[child]
        prepared = [
            {**{c.name: r.get(c.name) for c in table.c}, fk: parent_id}
            for r in rows
            if isinstance(r, Mapping)
        ]
        prepared.sort(key=_child_sort_key(table))
        if not fresh:
            stored = child_rows(self.conn, child, parent_id)
            if stored == prepared:
                return False
            self.conn.execute(delete(table).where(table.c[fk] == parent_id))
        elif not prepared:
            return False
        if prepared:
            full = [{c.name: r.get(c.name) for c in table.c} for r in prepared]
            self.conn.execute(insert(table), full)
        return True

    def _clear_unique_clash(self, entity: str, rid: str, cols: Mapping[str, Any]) -> bool:
        """False if the incoming row loses to a local row with the same unique key (lower id)."""
        names = UNIQUE_KEYS.get(entity)
        if not names or not all(n in cols for n in names):
            return True
        table = RECORD_TABLES[entity]
        others = [
            str(r[0])
            for r in self.conn.execute(
                select(table.c.id).where(and_(*(table.c[n] == cols[n] for n in names)), table.c.id != rid)
            )
        ]
        if not others:
            return True
        if not self.join_pending and min(others) < rid:
            return False
        for other in others:
            self.conn.execute(delete(table).where(table.c.id == other))
            self.conn.execute(
                delete(sync_rows).where(sync_rows.c.entity == entity, sync_rows.c.record_id == other)
            )
            self.conn.execute(
                delete(sync_base).where(sync_base.c.entity == entity, sync_base.c.record_id == other)
            )
            self.changed.append((entity, other, 0, True))
        return True

    def _conflict(self, cid: str, seq: int, data: Mapping[str, Any], pending_here: bool) -> bool:
        existing = (
            self.conn.execute(select(sync_conflicts).where(sync_conflicts.c.id == cid)).mappings().first()
        )
        merged = dict(data)
        resolved = bool(data.get("resolved"))
        if pending_here and existing is not None and existing["resolved"]:
            # Resolved here, not sent yet: keep this PC's resolution.
            local = dict(existing["data"] or {})
            merged.update({k: local.get(k) for k in ("resolved", "resolved_by", "resolved_at")})
            resolved = True
        row = {
            "id": cid,
            "kind": str(data.get("kind") or "field"),
            "entity": str(data.get("entity") or ""),
            "record_id": str(data.get("record_id") or ""),
            "field": str(data.get("field") or ""),
            "data": merged,
            "resolved": resolved,
            "server_seq": seq,
        }
        if existing is None:
            self.conn.execute(insert(sync_conflicts).values(**row))
            return True
        changed = existing["data"] != merged or bool(existing["resolved"]) != resolved
        self.conn.execute(update(sync_conflicts).where(sync_conflicts.c.id == cid).values(**row))
        return changed

    # -- the end of the page -------------------------------------------------------------------------

    def _flush(self) -> None:
        for (entity, names), rows in self.inserts.items():
            raw_insert(self.conn, RECORD_TABLES[entity], names, rows)
        self.inserts.clear()
        self._placeholders()
        if self.changed:
            self._audit()
        if self.seen_rows:
            raw_insert(
                self.conn,
                sync_rows,
                ("entity", "record_id", "server_seq", "stale"),
                self.seen_rows,
                replace=True,
            )
        if self.base_rows:
            raw_insert(
                self.conn,
                sync_base,
                ("entity", "record_id", "fields"),
                list(self.base_rows.values()),
                replace=True,
            )

    def _placeholders(self) -> None:
        if not self.blob_refs:
            return
        shas = sorted(self.blob_refs)
        have: set[str] = set()
        for start in range(0, len(shas), 500):
            chunk = shas[start : start + 500]
            have |= {
                str(r[0])
                for r in self.conn.execute(
                    select(attachments.c.sha256).where(attachments.c.sha256.in_(chunk))
                )
            }
        missing = [s for s in shas if s not in have]
        if missing:
            self.conn.execute(
                insert(attachments),
                [
                    {
                        "sha256": s,
                        "size": 0,
                        "mime": PLACEHOLDER_MIME,
                        "original_name": None,
                        "created_at": self.now,
                    }
                    for s in missing
                ],
            )
            self.conn.execute(
                sync_blobs.insert().prefix_with("OR REPLACE"),
                [{"sha256": s, "uploaded_at": self.now, "present": False} for s in missing],
            )

    def _audit(self) -> None:
        by_entity: dict[str, list[str]] = {}
        for entity, rid, _seq, removed in self.changed:
            if not removed:
                by_entity.setdefault(entity, []).append(rid)
        rows: dict[tuple[str, str], dict[str, Any]] = {}
        kids: dict[tuple[str, str], dict[str, list[tuple[Any, ...]]]] = {}
        for entity, ids in by_entity.items():
            for rid, row in self._current(entity, ids).items():
                rows[(entity, rid)] = row
            if child_tables(entity):
                for rid, stored in chain.children_of_many(self.conn, entity, ids).items():
                    kids[(entity, rid)] = stored
        events: list[dict[str, Any]] = []
        for entity, rid, seq, removed in self.changed:
            after = rows.get((entity, rid))
            after_kids = kids.get((entity, rid))
            events.append(
                {
                    "event_id": new_id(),
                    "at": self.now,
                    "actor": self.actor,
                    "action": "sync",
                    "entity": entity,
                    "record_id": rid,
                    "row_digest": None if removed or after is None else row_digest(after),
                    "children_digest": children_digest(after_kids) if after_kids else None,
                    "summary": "replaced by the firm's shared copy" if removed else f"server version {seq}",
                }
            )
        # chain.append_many, with the driver's executemany (a page's events in milliseconds).
        seq, prev = chain.head(self.conn)
        chained: list[dict[str, Any]] = []
        for fields in events:
            seq += 1
            payload = chain.event_payload(seq=seq, **fields)
            digest = chain.chain_hash(prev, payload)
            chained.append({**payload, "prev_hash": prev, "hash": digest})
            prev = digest
        raw_insert(self.conn, audit_events, tuple(chained[0]), chained)


def hlc_time_iso(hlc: str | None) -> str | None:
    """The wall-clock part of an HLC as UTC ISO text (what the conflict view shows as 'when')."""
    if not hlc:
        return None
    from datetime import UTC, datetime

    try:
        return iso_utc(datetime.fromtimestamp(protocol.hlc_ms(hlc) / 1000, tz=UTC))
    except (ValueError, OverflowError, OSError):
        return None
