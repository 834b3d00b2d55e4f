"""One push batch: merge every change into ``sync.record`` under the tenant lock (SYNC.md §4, §5).

The caller opened the request transaction and scoped it to the tenant. Everything that needs no
lock (parsing, the blob check) runs first; the locked section reads the counter, merges in memory,
writes with ``executemany`` and bumps the counter.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import psycopg

from safetydesk.core.sync import merge, protocol
from safetydesk.server import audit
from safetydesk.server.errors import ApiError

MAX_AUDIT_EVENTS = 500


def _parse(body: Mapping[str, Any]) -> tuple[list[tuple[merge.Change, dict[str, Any]]], list[dict[str, Any]]]:
    raw_changes = body.get("changes") or []
    raw_audit = body.get("audit") or []
    if not isinstance(raw_changes, list) or not isinstance(raw_audit, list):
        raise ApiError(400, protocol.ERR_BAD_REQUEST, "changes and audit must be lists")
    if len(raw_changes) > protocol.PUSH_BATCH_CHANGES or len(raw_audit) > MAX_AUDIT_EVENTS:
        raise ApiError(
            413,
            protocol.ERR_TOO_LARGE,
            f"At most {protocol.PUSH_BATCH_CHANGES} changes and {MAX_AUDIT_EVENTS} audit events per push",
        )
    changes: list[tuple[merge.Change, dict[str, Any]]] = []
    for i, raw in enumerate(raw_changes):
        try:
            if not isinstance(raw, dict):
                raise ValueError("not an object")
            change = merge.Change.from_wire(raw)
            if change.local_seq < 1:
                raise ValueError("local_seq must be a positive integer")
        except (KeyError, ValueError, TypeError) as exc:
            raise ApiError(400, protocol.ERR_BAD_REQUEST, f"Malformed change #{i}: {exc}") from exc
        changes.append((change, raw))
    events: list[dict[str, Any]] = []
    for i, raw in enumerate(raw_audit):
        if (
            not isinstance(raw, dict)
            or not raw.get("event_id")
            or not isinstance(raw.get("data"), dict)
            or not isinstance(raw.get("hlc"), str)
        ):
            raise ApiError(400, protocol.ERR_BAD_REQUEST, f"Malformed audit event #{i}")
        events.append(raw)
    return changes, events


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _iso_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def push(
    conn: psycopg.Connection[Any],
    *,
    tenant_id: str,
    device_id: str,
    body: Mapping[str, Any],
    sleep_before_commit: float = 0.0,
) -> dict[str, Any]:
    changes, events = _parse(body)

    # Blobs first, outside the lock: blob rows are only ever inserted.
    refs: set[str] = set()
    for change, _raw in changes:
        if change.op == protocol.OP_UPSERT:
            refs |= protocol.blob_refs(change.entity, change.fields)
    if refs:
        held = {
            r[0]
            for r in conn.execute(
                "SELECT sha256 FROM sync.blob WHERE tenant_id = %s AND sha256 = ANY(%s)",
                (tenant_id, sorted(refs)),
            )
        }
        missing = sorted(refs - held)
        if missing:
            raise ApiError(
                409,
                protocol.ERR_MISSING_BLOBS,
                f"{len(missing)} photo(s) must be uploaded before this batch",
                missing_blobs=missing,
            )

    # -- the tenant lock (held until COMMIT) ------------------------------------------------------
    row = conn.execute(
        "SELECT head_seq, audit_seq, audit_head FROM sync.tenant WHERE id = %s FOR UPDATE", (tenant_id,)
    ).fetchone()
    if row is None:
        raise ApiError(401, protocol.ERR_UNAUTHORIZED, "Unknown tenant")
    head, audit_seq, audit_head = int(row[0]), int(row[1]), bytes(row[2])
    start_head = head
    dev = conn.execute("SELECT last_local_seq FROM sync.device WHERE id = %s", (device_id,)).fetchone()
    last_local = int(dev[0]) if dev else 0

    known: dict[str, int] = {}
    if changes:
        known = {
            str(r[0]): int(r[1])
            for r in conn.execute(
                "SELECT change_id, server_seq FROM sync.change WHERE tenant_id = %s AND change_id = ANY(%s)",
                (tenant_id, [c.change_id for c, _ in changes]),
            )
        }
    running = last_local
    fresh: list[tuple[merge.Change, dict[str, Any]]] = []
    seen_ids: set[str] = set()
    for change, raw in changes:
        if change.change_id in known or change.change_id in seen_ids:
            continue
        if change.local_seq <= running:
            raise ApiError(
                409,
                protocol.ERR_DEVICE_REWOUND,
                "This PC sent a new change with an old sequence number: it was restored from a backup or"
                " copied. Enrol it again as a new device.",
                last_local_seq=last_local,
                local_seq=change.local_seq,
            )
        running = change.local_seq
        seen_ids.add(change.change_id)
        fresh.append((change, raw))

    states: dict[tuple[str, str], merge.RecordState] = {}
    if fresh:
        keys = sorted({(c.entity, c.record_id) for c, _ in fresh})
        for r in conn.execute(
            "SELECT r.entity, r.id, r.data, r.meta, r.deleted, r.del_meta, r.server_seq FROM sync.record r"
            " JOIN unnest(%s::text[], %s::text[]) AS k(e, i) ON r.entity = k.e AND r.id = k.i"
            " WHERE r.tenant_id = %s",
            ([k[0] for k in keys], [k[1] for k in keys], tenant_id),
        ):
            states[(r[0], r[1])] = merge.RecordState(
                entity=r[0],
                record_id=r[1],
                data=r[2],
                meta=r[3],
                deleted=r[4],
                del_meta=r[5],
                server_seq=int(r[6]),
                exists=True,
            )

    names_cache: dict[str, str | None] = {}

    def device_name(device: str) -> str | None:
        if not names_cache:
            for d in conn.execute(
                "SELECT id::text, name FROM sync.device WHERE tenant_id = %s", (tenant_id,)
            ):
                names_cache[d[0]] = d[1]
        return names_cache.get(device)

    server_ms = int(time.time() * 1000)
    created_at = _iso_now()
    dirty: set[tuple[str, str]] = set()
    change_rows: list[tuple[Any, ...]] = []
    results_by_id: dict[str, dict[str, Any]] = {}
    new_conflicts: dict[str, tuple[merge.Conflict, str]] = {}  # id -> (conflict, hlc), first wins
    for change, raw in fresh:
        head += 1
        seq = head
        key = (change.entity, change.record_id)
        current = states.get(key) or merge.RecordState(entity=change.entity, record_id=change.record_id)
        result = merge.merge_change(
            current,
            change,
            tenant_id=tenant_id,
            device_id=device_id,
            seq=seq,
            server_ms=server_ms,
            created_at=created_at,
            device_names=device_name,
        )
        states[key] = result.state  # always re-stamped with this seq (merge.merge_change)
        dirty.add(key)
        conflict_ids: list[str] = []
        for conflict in result.conflicts:
            conflict_ids.append(conflict.id)
            if (protocol.CONFLICT_ENTITY, conflict.id) not in states:
                new_conflicts.setdefault(conflict.id, (conflict, result.hlc))
        change_rows.append(
            (
                tenant_id,
                seq,
                device_id,
                change.change_id,
                change.local_seq,
                change.entity,
                change.record_id,
                change.op,
                result.hlc,
                _json(raw),
            )
        )
        results_by_id[change.change_id] = {
            "change_id": change.change_id,
            "status": "applied",
            "seq": seq,
            "conflicts": conflict_ids,
        }

    # Conflict records get the seqs after the batch's changes; one that exists already is kept as is.
    if new_conflicts:
        held = {
            str(r[0])
            for r in conn.execute(
                "SELECT id FROM sync.record WHERE tenant_id = %s AND entity = %s AND id = ANY(%s)",
                (tenant_id, protocol.CONFLICT_ENTITY, list(new_conflicts)),
            )
        }
        for cid, (conflict, hlc) in new_conflicts.items():
            if cid in held:
                continue
            head += 1
            ckey = (protocol.CONFLICT_ENTITY, cid)
            states[ckey] = merge.conflict_state(conflict, seq=head, hlc=hlc, device_id=device_id)
            dirty.add(ckey)

    # One statement per table, the rows as column arrays (much faster than executemany), sent in binary:
    # the text format would escape every quote of every JSON document in the array literal.
    if change_rows:
        cols = list(zip(*change_rows, strict=True))
        conn.execute(
            "INSERT INTO sync.change (tenant_id, server_seq, device_id, change_id, local_seq, entity,"
            " record_id, op, hlc, payload)"
            " SELECT %s::uuid, * FROM unnest(%b::bigint[], %b::uuid[], %b::text[], %b::bigint[], %b::text[],"
            " %b::text[], %b::text[], %b::text[], %b::text[]::json[])",
            (tenant_id, *(list(c) for c in cols[1:])),
        )
    if dirty:
        rows = [states[k] for k in sorted(dirty, key=lambda k: states[k].server_seq)]
        conn.execute(
            "INSERT INTO sync.record (tenant_id, entity, id, data, meta, deleted, del_meta, server_seq)"
            " SELECT %s::uuid, * FROM unnest(%b::text[], %b::text[], %b::text[]::json[], %b::text[]::json[],"
            " %b::bool[], %b::text[]::json[], %b::bigint[])"
            " ON CONFLICT (tenant_id, entity, id) DO UPDATE SET data = EXCLUDED.data,"
            " meta = EXCLUDED.meta, deleted = EXCLUDED.deleted, del_meta = EXCLUDED.del_meta,"
            " server_seq = EXCLUDED.server_seq",
            (
                tenant_id,
                [r.entity for r in rows],
                [r.record_id for r in rows],
                [_json(r.data) for r in rows],
                [_json(r.meta) for r in rows],
                [r.deleted for r in rows],
                [_json(r.del_meta) if r.del_meta is not None else None for r in rows],
                [r.server_seq for r in rows],
            ),
        )

    audit_results = _append_audit(conn, tenant_id, device_id, events, audit_seq, audit_head)
    new_audit_seq, new_audit_head = audit_results[1], audit_results[2]

    if head != start_head or new_audit_seq != audit_seq:
        conn.execute(
            "UPDATE sync.tenant SET head_seq = %s, audit_seq = %s, audit_head = %s WHERE id = %s",
            (head, new_audit_seq, new_audit_head, tenant_id),
        )
    conn.execute(
        "UPDATE sync.device SET last_local_seq = greatest(last_local_seq, %s), last_seen_at = now() WHERE id = %s",
        (running, device_id),
    )
    if sleep_before_commit > 0:
        time.sleep(sleep_before_commit)  # test hook: the transaction is "idle in transaction" meanwhile

    results: list[dict[str, Any]] = []
    for change, _raw in changes:
        if change.change_id in known:
            results.append(
                {
                    "change_id": change.change_id,
                    "status": "duplicate",
                    "seq": known[change.change_id],
                    "conflicts": [],
                }
            )
        elif change.change_id in results_by_id and results_by_id[change.change_id].get("_sent"):
            prior = results_by_id[change.change_id]
            results.append(
                {"change_id": change.change_id, "status": "duplicate", "seq": prior["seq"], "conflicts": []}
            )
        else:
            entry = results_by_id[change.change_id]
            entry["_sent"] = True
            results.append({k: v for k, v in entry.items() if k != "_sent"})
    return {"results": results, "audit": audit_results[0], "head": head}


def _append_audit(
    conn: psycopg.Connection[Any],
    tenant_id: str,
    device_id: str,
    events: list[dict[str, Any]],
    audit_seq: int,
    audit_head: bytes,
) -> tuple[list[dict[str, Any]], int, bytes]:
    if not events:
        return [], audit_seq, audit_head
    ids = [str(e["event_id"]) for e in events]
    known = {
        str(r[0]): int(r[1])
        for r in conn.execute(
            "SELECT event_id, seq FROM sync.audit_event WHERE tenant_id = %s AND event_id = ANY(%s)",
            (tenant_id, ids),
        )
    }
    rows: list[tuple[Any, ...]] = []
    out: list[dict[str, Any]] = []
    for event in events:
        event_id = str(event["event_id"])
        if event_id in known:
            out.append({"event_id": event_id, "status": "duplicate", "seq": known[event_id]})
            continue
        audit_seq += 1
        payload = audit.event_payload(device_id, event_id, str(event["hlc"]), event["data"])
        digest = audit.chain_hash(audit_head, payload)
        rows.append((tenant_id, audit_seq, device_id, event_id, _json(payload), audit_head, digest))
        audit_head = digest
        known[event_id] = audit_seq
        out.append({"event_id": event_id, "status": "applied", "seq": audit_seq})
    if rows:
        cols = list(zip(*rows, strict=True))
        conn.execute(
            "INSERT INTO sync.audit_event (tenant_id, seq, device_id, event_id, payload, prev_hash, hash)"
            " SELECT %s::uuid, * FROM unnest(%b::bigint[], %b::uuid[], %b::text[], %b::text[]::jsonb[],"
            " %b::bytea[], %b::bytea[])",
            (tenant_id, *(list(c) for c in cols[1:])),
        )
    return out, audit_seq, audit_head
