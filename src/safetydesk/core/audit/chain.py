"""The audit hash chain: every write appends an event whose hash covers the previous hash.

``hash_n = sha256(hash_{n-1} + canonical_json(event_n))``. Each event also carries the digest of the
record row as written (and of its child rows), so ``verify`` catches both a rewritten event and a
row edited behind the app's back with raw SQL.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from safetydesk.core.canonical import canonical_json, children_digest, row_digest
from safetydesk.core.db.tables import CHILD_TABLES, RECORD_TABLES, audit_events, metadata

GENESIS = bytes(32)
Progress = Callable[[int, int, str], None]


def event_payload(
    *,
    seq: int,
    event_id: str,
    at: str,
    actor: str,
    action: str,
    entity: str,
    record_id: str,
    row_digest: str | None,
    children_digest: str | None,
    summary: str | None,
) -> dict[str, Any]:
    return {
        "seq": seq,
        "event_id": event_id,
        "at": at,
        "actor": actor,
        "action": action,
        "entity": entity,
        "record_id": record_id,
        "row_digest": row_digest,
        "children_digest": children_digest,
        "summary": summary,
    }


def chain_hash(prev_hash: bytes, payload: dict[str, Any]) -> bytes:
    return hashlib.sha256(prev_hash + canonical_json(payload)).digest()


def head(conn: Connection) -> tuple[int, bytes]:
    row = conn.execute(
        select(audit_events.c.seq, audit_events.c.hash).order_by(audit_events.c.seq.desc()).limit(1)
    ).first()
    return (0, GENESIS) if row is None else (int(row.seq), bytes(row.hash))


def append(conn: Connection, prev: tuple[int, bytes], **fields: Any) -> tuple[int, bytes]:
    """Append one event after ``prev`` (seq, hash) and return the new head."""
    seq = prev[0] + 1
    payload = event_payload(seq=seq, **fields)
    digest = chain_hash(prev[1], payload)
    conn.execute(audit_events.insert().values(**payload, prev_hash=prev[1], hash=digest))
    return seq, digest


def append_many(conn: Connection, events: list[dict[str, Any]]) -> tuple[int, bytes]:
    """Append many events in one ``executemany`` (bulk imports); returns the new head."""
    seq, prev = head(conn)
    rows = []
    for fields in events:
        seq += 1
        payload = event_payload(seq=seq, **fields)
        digest = chain_hash(prev, payload)
        rows.append({**payload, "prev_hash": prev, "hash": digest})
        prev = digest
    if rows:
        conn.execute(audit_events.insert(), rows)
    return seq, prev


def verification_code(event_hash: bytes) -> str:
    """A short code a printed page carries to tie it to the audit chain."""
    return event_hash.hex()[:10].upper()


@dataclass
class VerifyReport:
    events: int = 0
    records: int = 0
    broken_event: int | None = None
    broken_reason: str = ""
    tampered: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.broken_event is None and not self.tampered


def _iter_events(conn: Connection) -> Iterator[Any]:
    result = conn.execution_options(yield_per=5000).execute(select(audit_events).order_by(audit_events.c.seq))
    yield from result


def verify(conn: Connection, progress: Progress | None = None) -> VerifyReport:
    report = VerifyReport()
    prev = GENESIS
    expected_seq = 1
    latest: dict[tuple[str, str], tuple[str | None, str | None]] = {}
    for ev in _iter_events(conn):
        report.events += 1
        payload = event_payload(
            seq=ev.seq,
            event_id=ev.event_id,
            at=ev.at,
            actor=ev.actor,
            action=ev.action,
            entity=ev.entity,
            record_id=ev.record_id,
            row_digest=ev.row_digest,
            children_digest=ev.children_digest,
            summary=ev.summary,
        )
        if report.broken_event is None:
            if ev.seq != expected_seq:
                report.broken_event, report.broken_reason = ev.seq, f"event {expected_seq} is missing"
            elif bytes(ev.prev_hash) != prev:
                report.broken_event, report.broken_reason = ev.seq, "previous-hash link does not match"
            elif chain_hash(prev, payload) != bytes(ev.hash):
                report.broken_event, report.broken_reason = ev.seq, "event content does not match its hash"
        prev = bytes(ev.hash)
        expected_seq = ev.seq + 1
        latest[(ev.entity, ev.record_id)] = (ev.row_digest, ev.children_digest)
    if progress:
        progress(1, 3, "audit chain")
    _verify_rows(conn, latest, report)
    if progress:
        progress(3, 3, "records")
    return report


def _verify_rows(
    conn: Connection, latest: dict[tuple[str, str], tuple[str | None, str | None]], report: VerifyReport
) -> None:
    children = _all_children(conn)
    seen: set[tuple[str, str]] = set()
    for entity, table in RECORD_TABLES.items():
        result = conn.execution_options(yield_per=5000).execute(select(table))
        for row in result:
            data = dict(row._mapping)
            key = (entity, str(data["id"]))
            seen.add(key)
            report.records += 1
            expected = latest.get(key)
            if expected is None:
                report.tampered.append(
                    (entity, key[1], "record has no audit event (written outside SafetyDesk)")
                )
                continue
            if row_digest(data) != expected[0]:
                report.tampered.append((entity, key[1], "record changed outside SafetyDesk"))
            elif children.get(key) != expected[1]:
                report.tampered.append((entity, key[1], "checklist answers or attached rows changed"))
    for key, (digest, _child) in latest.items():
        if key not in seen and digest is not None:
            report.tampered.append((key[0], key[1], "record removed outside SafetyDesk"))


def _child_sql(child_name: str) -> str:
    columns = ", ".join(c.name for c in metadata.tables[child_name].c)
    return f"SELECT {columns} FROM {child_name}"


def _all_children(conn: Connection) -> dict[tuple[str, str], str | None]:
    """Children digests of every parent, from one raw scan per child table (no row objects)."""
    grouped: dict[tuple[str, str], dict[str, list[tuple[Any, ...]]]] = {}
    for child_name, (parent, fk) in CHILD_TABLES.items():
        position = [c.name for c in metadata.tables[child_name].c].index(fk)
        cursor = conn.exec_driver_sql(_child_sql(child_name))
        while rows := cursor.fetchmany(20000):
            for row in rows:
                grouped.setdefault((parent, str(row[position])), {}).setdefault(child_name, []).append(row)
    return {key: children_digest(value) for key, value in grouped.items()}


def children_of(conn: Connection, parent_entity: str, parent_id: str) -> dict[str, list[tuple[Any, ...]]]:
    """The stored child rows of one parent, as raw value tuples (what ``children_digest`` hashes)."""
    return children_of_many(conn, parent_entity, [parent_id]).get(parent_id, {})


def children_of_many(
    conn: Connection, parent_entity: str, parent_ids: list[str]
) -> dict[str, dict[str, list[tuple[Any, ...]]]]:
    out: dict[str, dict[str, list[tuple[Any, ...]]]] = {}
    for child_name, (parent, fk) in CHILD_TABLES.items():
        if parent != parent_entity:
            continue
        position = [c.name for c in metadata.tables[child_name].c].index(fk)
        for start in range(0, len(parent_ids), 500):
            chunk = parent_ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = conn.exec_driver_sql(
                f"{_child_sql(child_name)} WHERE {fk} IN ({marks})", tuple(chunk)
            ).fetchall()
            for row in rows:
                out.setdefault(str(row[position]), {}).setdefault(child_name, []).append(tuple(row))
    return out
