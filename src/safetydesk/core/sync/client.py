"""The sync client (SYNC.md §3.2, §6): enrol, push the outbox, pull and apply, photos up and down.

``from safetydesk.core.sync import client as sync``; every call takes an open ``Workspace`` (opened
normally: ``ws.writer()`` is the only write path besides the apply connection of ``apply.py``).
Network calls never run inside an SQLite transaction: a batch is read in one short read
transaction, sent, and only after the server's answer is the outbox trimmed in a short write.

Order of one ``sync_now``: photos up → push batches → pull pages → photos down. The audit events of
this PC travel in each push's ``audit`` list (events with action ``sync``, written here when a pulled
record is applied, are not sent). ``httpx`` and ``keyring`` are imported only when a call needs them.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote, unquote

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection

from safetydesk.core.audit import chain
from safetydesk.core.clock import new_id, now_iso
from safetydesk.core.db.tables import (
    CHILD_TABLES,
    RECORD_TABLES,
    attachments,
    audit_events,
    form_templates,
    sync_base,
    sync_blobs,
    sync_conflicts,
    sync_log,
    sync_outbox,
    sync_rows,
)
from safetydesk.core.errors import UserError
from safetydesk.core.i18n import LANGUAGES, N_, current_language
from safetydesk.core.sync import apply as applying
from safetydesk.core.sync import protocol, state, tokens
from safetydesk.core.sync.errors import (
    SyncCancelled,
    SyncCursorAhead,
    SyncDeviceRewound,
    SyncDisabled,
    SyncJoinNotEmpty,
    SyncNotEnrolled,
    SyncRejected,
    SyncUnauthorized,
)
from safetydesk.core.sync.hlc import HybridClock
from safetydesk.core.sync.transport import RetryPolicy, Transport, error_detail, expect_json
from safetydesk.core.workspace.workspace import Workspace

if TYPE_CHECKING:
    import httpx

__all__ = [
    "Conflict",
    "Device",
    "EnrolResult",
    "LogEntry",
    "PullReport",
    "PushReport",
    "RetryPolicy",
    "SyncProgress",
    "SyncReport",
    "SyncStatus",
    "Transport",
    "Version",
    "apply_page",
    "configure",
    "conflicts",
    "create_enrolment_code",
    "devices",
    "disable",
    "download_blobs",
    "enroll",
    "history",
    "pull",
    "push",
    "refetch_stale",
    "resolve",
    "revoke_device",
    "state_digest",
    "status",
    "sync_now",
    "transport_for",
    "upload_blobs",
]

apply_page = applying.apply_page
AUDIT_BATCH = 500
MISSING_BLOB_ROUNDS = 3


# -- results --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EnrolResult:
    device_id: str
    tenant_id: str
    tenant_name: str
    mode: Literal["first", "join"]


@dataclass(frozen=True)
class SyncProgress:
    stage: str  # upload | push | pull | download
    done: int
    total: int | None = None


@dataclass
class PushReport:
    pushed: int = 0
    duplicates: int = 0
    batches: int = 0
    audit: int = 0
    conflicts: list[str] = field(default_factory=list)
    head: int = 0
    uploaded: int = 0


@dataclass
class PullReport:
    pulled: int = 0
    pages: int = 0
    head: int = 0
    cursor: int = 0
    restarted: bool = False  # the server was behind our cursor: re-pulled from 0, snapshot queued


@dataclass(frozen=True)
class SyncReport:
    pushed: int
    duplicates: int
    pulled: int
    uploaded: int
    downloaded: int
    new_conflicts: int
    head: int
    duration_ms: int


@dataclass(frozen=True)
class SyncStatus:
    enabled: bool
    url: str | None
    ca_file: str | None
    auto_minutes: int | None
    device_id: str
    device_name: str | None
    tenant_name: str | None
    pending_changes: int
    photos_total: int
    photos_uploaded: int
    last_success_at: str | None
    last_error: str | None
    last_error_at: str | None
    open_conflicts: int
    cursor: int
    enrolled: bool = False
    tenant_id: str | None = None


@dataclass(frozen=True)
class Version:
    value: Any
    hlc: str | None
    device_id: str | None
    device_name: str | None
    at: str | None


@dataclass(frozen=True)
class Conflict:
    id: str
    kind: str
    entity: str
    record_id: str
    field: str
    record_title: str
    winner: Version
    loser: Version
    rule: str | None
    resolved: bool
    resolved_by: str | None
    resolved_at: str | None


@dataclass(frozen=True)
class Device:
    id: str
    name: str
    last_seen_at: str | None
    revoked_at: str | None
    this_device: bool


# -- settings and enrolment -----------------------------------------------------------------------


def configure(
    ws: Workspace, *, url: str, ca_file: str | None = None, auto_minutes: int | None = None
) -> None:
    with ws.writer() as conn:
        state.put(
            conn,
            {
                "url": url.strip().rstrip("/"),
                "ca_file": ca_file or None,
                "auto_minutes": auto_minutes or None,
            },
        )


def disable(ws: Workspace) -> None:
    """Stop syncing; records, outbox and the enrolment stay (a new enrolment switches it on again)."""
    with ws.writer() as conn:
        state.put(conn, {"enabled": "0"})


def _user_record_count(conn: Connection) -> int:
    """Records other than the workspace's defaults (shipped form templates, settings)."""
    total = 0
    for entity, table in RECORD_TABLES.items():
        if entity == "settings":
            continue
        query = select(func.count()).select_from(table)
        if entity == "form_templates":
            query = query.where(form_templates.c.origin != "shipped")
        total += int(conn.execute(query).scalar() or 0)
    return total


def enroll(
    ws: Workspace, *, url: str, code: str, device_name: str, ca_file: str | None = None
) -> EnrolResult:
    """Enrol this PC with a code. ``first``: the firm has no data yet, this workspace is sent whole.
    ``join``: the firm's data comes from the server; this workspace must hold only its defaults,
    unless it was already synced with the same firm (re-enrolment after a revoke or a restore from an
    older backup), which keeps records, outbox and cursor and only gets a new device id."""
    url = url.strip().rstrip("/")
    with ws.reader() as conn:
        before = state.read_all(conn)
        own_records = _user_record_count(conn)
    with Transport(url, None, ca_file=ca_file, retry=RetryPolicy(max_attempts=3)) as transport:
        bad_code = UserError(
            N_("The enrolment code was not accepted: it is wrong, used or expired."),
            N_("Ask your administrator for a new code (codes work once, for up to 24 hours)."),
        )
        try:
            response = transport.request(
                "POST", "/devices/enroll", json={"code": code.strip(), "device_name": device_name}
            )
        except SyncUnauthorized:  # the server answers 401 for a code it does not accept
            raise bad_code from None
        if response.status_code in (400, 403, 404, 409, 410, 422):
            raise bad_code
        body = expect_json(response)
        offset = transport.clock_offset_ms
    device_id = str(body["device_id"])
    tenant_id = str(body["tenant_id"])
    tenant_name = str(body.get("tenant_name") or "")
    head = int(body.get("head") or 0)
    rejoin = before.get("tenant_id") == tenant_id and "cursor" in before
    mode: Literal["first", "join"] = "first" if head == 0 and not rejoin else "join"
    if mode == "join" and not rejoin and own_records:
        raise SyncJoinNotEmpty(tenant_name, own_records)
    tokens.store(device_id, str(body["token"]))
    with ws.writer() as conn:
        if not rejoin:
            conn.execute(delete(sync_outbox))
            for table in (sync_rows, sync_base, sync_conflicts):
                conn.execute(delete(table))
        values: dict[str, object | None] = {
            "device_id": device_id,
            "tenant_id": tenant_id,
            "tenant_name": tenant_name,
            "url": url,
            "ca_file": ca_file or None,
            "device_name": device_name,
            "enabled": "1",
        }
        if offset is not None:
            values["clock_offset_ms"] = offset
        if not rejoin:
            values.update(cursor=0, audit_pushed=0, join_pending="1" if mode == "join" else None)
        state.put(conn, values)
        if mode == "first":
            from safetydesk.core.sync.snapshot import write_snapshot

            write_snapshot(conn)
    # The previous enrolment's token stays: a copy of this workspace (a restored backup, a clone) may
    # still be that device and use it.
    ws.device_id = device_id
    return EnrolResult(device_id, tenant_id, tenant_name, mode)


@contextmanager
def _session(ws: Workspace, transport: Transport | None, **options: Any) -> Iterator[Transport]:
    """The caller's transport, or one of this workspace's own that is closed afterwards."""
    if transport is not None:
        yield transport
        return
    with transport_for(ws, **options) as own:
        yield own


def transport_for(
    ws: Workspace,
    *,
    retry: RetryPolicy | None = None,
    schema: int = protocol.SCHEMA_CURRENT,
    cancel: threading.Event | None = None,
) -> Transport:
    with ws.reader() as conn:
        values = state.read_all(conn)
    if not state.enrolled(values) or not values.get("url"):
        raise SyncNotEnrolled()
    token = tokens.load(values.get("device_id", ""))
    if not token:
        raise SyncUnauthorized()
    return Transport(
        values["url"],
        token,
        ca_file=values.get("ca_file") or None,
        schema=schema,
        retry=retry or RetryPolicy(),
        cancel=cancel,
    )


def create_enrolment_code(
    ws: Workspace,
    *,
    hours: int = 24,
    retry: RetryPolicy | None = None,
    cancel: threading.Event | None = None,
) -> tuple[str, str]:
    """A one-time code for another PC of the firm: ``(code, expires_at)``."""
    with transport_for(ws, retry=retry, cancel=cancel) as transport:
        body = transport.post_json("/enrolment-codes", {"hours": max(1, min(24, int(hours)))})
    return str(body["code"]), str(body.get("expires_at") or "")


def devices(
    ws: Workspace, *, retry: RetryPolicy | None = None, cancel: threading.Event | None = None
) -> list[Device]:
    """The firm's enrolled PCs (``this_device`` marks this one)."""
    with ws.reader() as conn:
        me = state.get(conn, "device_id") or ""
    with transport_for(ws, retry=retry, cancel=cancel) as transport:
        body = transport.get_json("/devices")
    return [
        Device(
            str(d["id"]),
            str(d.get("name") or ""),
            d.get("last_seen_at"),
            d.get("revoked_at"),
            str(d["id"]) == me,
        )
        for d in body.get("devices") or []
    ]


def revoke_device(
    ws: Workspace, device_id: str, *, retry: RetryPolicy | None = None, cancel: threading.Event | None = None
) -> None:
    with transport_for(ws, retry=retry, cancel=cancel) as transport:
        expect_json(transport.request("POST", f"/devices/{device_id}/revoke"))


# -- push -------------------------------------------------------------------------------------------


@dataclass
class _Batch:
    changes: list[dict[str, Any]]
    audit: list[dict[str, Any]]
    max_audit: int | None


def _read_batch(ws: Workspace, limit: int, device_id: str) -> _Batch:
    with ws.reader() as conn:
        pushed_audit = int(state.get(conn, "audit_pushed") or 0)
        rows = (
            conn.execute(select(sync_outbox).order_by(sync_outbox.c.local_seq).limit(limit)).mappings().all()
        )
        wanted: dict[str, dict[str, list[str]]] = {}  # child table -> parent ids
        for row in rows:
            for child in (row["fields"] or {}).get("_children") or ():
                if child in CHILD_TABLES:
                    wanted.setdefault(child, {}).setdefault(str(row["record_id"]), [])
        kids = {child: applying.child_rows_many(conn, child, list(ids)) for child, ids in wanted.items()}
        events = (
            conn.execute(
                select(audit_events)
                .where(audit_events.c.seq > pushed_audit, audit_events.c.action != "sync")
                .order_by(audit_events.c.seq)
                .limit(AUDIT_BATCH)
            )
            .mappings()
            .all()
        )
        last_sync_seq = None
        if len(events) < AUDIT_BATCH:
            # Nothing but sync events may follow: move the mark past them too.
            last_sync_seq = conn.execute(select(func.max(audit_events.c.seq))).scalar()
    changes: list[dict[str, Any]] = []
    size = 0
    for row in rows:
        fields = dict(row["fields"] or {})
        for child in fields.pop("_children", None) or ():
            if child in CHILD_TABLES:
                fields[protocol.CHILDREN_PREFIX + child] = kids.get(child, {}).get(str(row["record_id"]), [])
        change = {
            "change_id": row["change_id"],
            "local_seq": int(row["local_seq"]),
            "entity": row["entity"],
            "record_id": row["record_id"],
            "op": row["op"],
            "hlc": row["hlc"],
            "fields": fields,
            "base": row["base"] or {},
            "base_seq": int(row["base_seq"] or 0),
        }
        cost = len(json.dumps(change, ensure_ascii=False).encode("utf-8")) + 1
        if changes and size + cost > protocol.PUSH_BATCH_BYTES - 512 * 1024:
            break
        changes.append(change)
        size += cost
    audit: list[dict[str, Any]] = []
    max_audit: int | None = None
    for ev in events:
        item = {
            "event_id": ev["event_id"],
            "hlc": protocol.make_hlc(_iso_ms(ev["at"]), 0, device_id),
            "data": {
                "at": ev["at"],
                "actor": ev["actor"],
                "action": ev["action"],
                "entity": ev["entity"],
                "record_id": ev["record_id"],
                "row_digest": ev["row_digest"],
                "children_digest": ev["children_digest"],
                "summary": ev["summary"],
                "local_seq": int(ev["seq"]),
            },
        }
        cost = len(json.dumps(item, ensure_ascii=False).encode("utf-8")) + 1
        if (changes or audit) and size + cost > protocol.PUSH_BATCH_BYTES:
            break
        audit.append(item)
        size += cost
        max_audit = int(ev["seq"])
    if len(audit) == len(events) and last_sync_seq is not None and int(last_sync_seq) > pushed_audit:
        max_audit = int(last_sync_seq)
    return _Batch(changes, audit, max_audit)


def _iso_ms(at: str) -> int:
    from datetime import UTC, datetime

    try:
        moment = datetime.fromisoformat(at)
    except (ValueError, TypeError):
        return 0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def push(
    ws: Workspace,
    *,
    transport: Transport | None = None,
    on_batch_acked: Callable[[list[str]], None] | None = None,
    batch_size: int = protocol.PUSH_BATCH_CHANGES,
    progress: Callable[[SyncProgress], None] | None = None,
    cancel: threading.Event | None = None,
) -> PushReport:
    """Send the outbox in ``local_seq`` order; a batch's rows are deleted only after the server's ack.

    ``on_batch_acked(change_ids)`` runs after the answer and before the local delete (tests raise
    there to simulate a crash after the server committed)."""
    report = PushReport()
    with _session(ws, transport, cancel=cancel) as t:
        device_id = _device_id(ws)
        total = _pending_count(ws)
        size = max(1, batch_size)
        while True:
            if cancel is not None and cancel.is_set():
                raise SyncCancelled()
            batch = _read_batch(ws, size, device_id)
            if not batch.changes and not batch.audit:
                if batch.max_audit is not None:
                    _ack(ws, [], batch.max_audit)
                break
            answer = _send_batch(ws, t, batch, report)
            if answer is None:  # 413: split
                if len(batch.changes) <= 1:
                    raise SyncRejected("a single change is larger than the server accepts")
                size = max(1, len(batch.changes) // 2)
                continue
            ids = [c["change_id"] for c in batch.changes]
            if on_batch_acked is not None:
                on_batch_acked(ids)
            _ack(ws, ids, batch.max_audit)
            report.batches += 1
            report.audit += len(batch.audit)
            for result in answer.get("results") or []:
                if result.get("status") == "duplicate":
                    report.duplicates += 1
                else:
                    report.pushed += 1
                report.conflicts.extend(str(c) for c in result.get("conflicts") or [])
            report.head = int(answer.get("head") or report.head)
            if progress is not None:
                progress(SyncProgress("push", report.pushed + report.duplicates, total))
            size = max(1, batch_size)
        _note_clock(ws, t)
    return report


def _send_batch(ws: Workspace, t: Transport, batch: _Batch, report: PushReport) -> dict[str, Any] | None:
    body = {"schema_version": t.schema, "changes": batch.changes, "audit": batch.audit}
    for _round in range(MISSING_BLOB_ROUNDS + 1):
        response = t.request("POST", "/push", json=body)
        if response.status_code == 413:
            return None
        if response.status_code == 409:
            detail = error_detail(response)
            code = detail.get("code")
            if code == protocol.ERR_DEVICE_REWOUND:
                raise SyncDeviceRewound()
            if code == protocol.ERR_MISSING_BLOBS:
                missing = detail.get("missing_blobs") or detail.get("missing") or []
                report.uploaded += _upload(ws, t, [str(s) for s in missing], require=True)
                continue  # resend the same batch
        return expect_json(response)
    raise SyncRejected("the server keeps asking for photos that were uploaded")


def _ack(ws: Workspace, change_ids: list[str], max_audit: int | None) -> None:
    with ws.writer() as conn:
        for start in range(0, len(change_ids), 500):
            conn.execute(
                delete(sync_outbox).where(sync_outbox.c.change_id.in_(change_ids[start : start + 500]))
            )
        if max_audit is not None:
            state.put(conn, {"audit_pushed": max_audit})


def _device_id(ws: Workspace) -> str:
    with ws.reader() as conn:
        return state.get(conn, "device_id") or ws.device_id


def _pending_count(ws: Workspace) -> int:
    with ws.reader() as conn:
        return int(conn.execute(select(func.count()).select_from(sync_outbox)).scalar() or 0)


def _note_clock(ws: Workspace, t: Transport) -> None:
    """Refresh the clock offset from the server's time; reset an HLC running > 5 min ahead of it."""
    offset, server_ms = t.clock_offset_ms, t.server_time_ms
    if offset is None or server_ms is None:
        return
    with ws.writer() as conn:
        values = state.read_all(conn)
        updates: dict[str, object | None] = {}
        if str(offset) != values.get("clock_offset_ms"):
            updates["clock_offset_ms"] = offset
        clock = HybridClock.restore(values.get("device_id", ""), values.get("hlc"))
        if clock.wall_ms - server_ms > protocol.MAX_SKEW_MS:
            updates["hlc"] = f"{server_ms}:0"
        if updates:
            state.put(conn, updates)


# -- pull -------------------------------------------------------------------------------------------


def pull(
    ws: Workspace,
    *,
    transport: Transport | None = None,
    limit: int = protocol.PULL_PAGE,
    on_page_applied: Callable[[int], None] | None = None,
    progress: Callable[[SyncProgress], None] | None = None,
    cancel: threading.Event | None = None,
) -> PullReport:
    """Pull pages after the cursor and apply each (with the cursor) in one SQLite transaction.

    A server behind our cursor (restored from a backup) answers 409 ``cursor_ahead``: the local
    state is queued as a snapshot (so pulled values never overwrite it), and the pull restarts at 0;
    the next push sends the snapshot (``sync_now`` does it at once)."""
    own = transport is None
    t = transport or transport_for(ws, cancel=cancel)
    report = PullReport()
    # The next page is fetched while this one is applied (the server's time and ours overlap); it is
    # used only if the cursor then stands where it was asked from, and never applied otherwise.
    ahead = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-pull")
    prefetched: tuple[int, Future[httpx.Response]] | None = None

    def fetch(since: int) -> httpx.Response:
        return t.request("GET", "/pull", params={"since": since, "limit": int(limit)})

    try:
        while True:
            if cancel is not None and cancel.is_set():
                raise SyncCancelled()
            with ws.reader() as conn:
                cursor = state.cursor(conn)
            if prefetched is not None and prefetched[0] == cursor:
                response = prefetched[1].result()
            else:
                response = fetch(cursor)
            prefetched = None
            if (
                response.status_code == 409
                and error_detail(response).get("code") == protocol.ERR_CURSOR_AHEAD
            ):
                if report.restarted:
                    raise SyncCursorAhead(int(error_detail(response).get("head") or 0))
                _restart_from_zero(ws)
                report.restarted = True
                continue
            page = expect_json(response)
            nxt = int(page.get("next") or cursor)
            more = bool(page.get("more")) and nxt > cursor
            if more:
                prefetched = (nxt, ahead.submit(fetch, nxt))
            applied = applying.apply_page(ws, page)
            report.pulled += applied
            report.pages += 1
            report.head = int(page.get("head") or report.head)
            if on_page_applied is not None:
                on_page_applied(applied)
            if progress is not None:
                progress(SyncProgress("pull", report.pulled, report.head or None))
            if not more:
                break
        with ws.writer() as conn:
            report.cursor = state.cursor(conn)
            if state.get(conn, "join_pending"):
                state.put(conn, {"join_pending": None})
        _note_clock(ws, t)
    finally:
        if prefetched is not None:  # an abandoned read-ahead: wait for it, its answer is not used
            prefetched[1].exception()
        ahead.shutdown(wait=True)
        if own:
            t.close()
    return report


def refetch_stale(ws: Workspace, *, transport: Transport | None = None) -> int:
    """Fetch again the records whose pulled version was not fully applied because this PC had pending
    changes to them, now that those changes are sent. A change that lost on the server (a later edit
    won, the record was deleted already) leaves the server's record and its seq as they were, so the
    normal pull would never bring the winning state back. Returns how many records were re-applied."""
    done = 0
    with _session(ws, transport) as t:
        with ws.reader() as conn:
            stale = [
                (str(e), str(r), int(q))
                for e, r, q in conn.execute(
                    select(sync_rows.c.entity, sync_rows.c.record_id, sync_rows.c.server_seq).where(
                        sync_rows.c.stale.is_(True)
                    )
                )
            ]
            pending = {
                (str(e), str(r))
                for e, r in conn.execute(select(sync_outbox.c.entity, sync_outbox.c.record_id).distinct())
            }
        for entity, rid, seq in stale:
            if (entity, rid) in pending:
                continue  # still waiting to be sent: after the next push
            response = t.request("GET", "/pull", params={"since": max(0, seq - 1), "limit": 1})
            if response.status_code != 200:
                continue
            found = [
                r
                for r in response.json().get("records") or []
                if (r.get("entity"), r.get("id")) == (entity, rid)
            ]
            if found:  # else the record has a newer version, which the normal pull brings
                done += applying.apply_page(
                    ws, {"records": found, "next": 0}, force=frozenset({(entity, rid)})
                )
    return done


def _restart_from_zero(ws: Workspace) -> None:
    from safetydesk.core.sync.snapshot import write_snapshot

    with ws.writer() as conn:
        write_snapshot(conn, base_seq=0)
        conn.execute(delete(sync_rows))
        conn.execute(delete(sync_base))
        # The restored server may lack audit events this PC sent after its backup point: send them all
        # again (it answers "duplicate" for the ones it still holds).
        state.put(conn, {"cursor": 0, "audit_pushed": 0})


# -- photos ------------------------------------------------------------------------------------------


def _upload(ws: Workspace, t: Transport, shas: list[str], *, require: bool = False) -> int:
    store = ws.attachments
    with ws.reader() as conn:
        meta = {
            str(r.sha256): (str(r.mime), r.original_name)
            for r in conn.execute(select(attachments).where(attachments.c.sha256.in_(shas)))
        }
    done = 0
    uploaded: list[str] = []
    for sha in shas:
        try:
            data = store.read_bytes(sha)
        except (UserError, ValueError):
            if require:
                raise UserError(
                    N_("Photo {sha} is needed by the sync server but missing on this PC."),
                    N_("Restore the workspace's attachments from a backup, then sync again."),
                    sha=sha[:12],
                ) from None
            continue
        mime, name = meta.get(sha, (applying.PLACEHOLDER_MIME, None))
        headers = {protocol.BLOB_MIME_HEADER: mime or applying.PLACEHOLDER_MIME}
        if name:
            headers[protocol.BLOB_NAME_HEADER] = quote(str(name), safe="")
        response = t.request("PUT", f"/blobs/{sha}", content=data, headers=headers)
        if response.status_code not in (200, 201):
            expect_json(response)  # raises SyncRejected with the server's words
        uploaded.append(sha)
        done += 1
    if uploaded:
        _mark_uploaded(ws, uploaded)
    return done


def _mark_uploaded(ws: Workspace, shas: list[str]) -> None:
    now = now_iso()
    with ws.writer() as conn:
        conn.execute(
            sync_blobs.insert().prefix_with("OR REPLACE"),
            [{"sha256": s, "uploaded_at": now, "present": True} for s in shas],
        )


def upload_blobs(
    ws: Workspace,
    *,
    transport: Transport | None = None,
    progress: Callable[[SyncProgress], None] | None = None,
) -> int:
    """Send the photos the server lacks (``blobs/missing`` then a PUT each). Returns how many were sent."""
    with _session(ws, transport) as t:
        with ws.reader() as conn:
            known = select(sync_blobs.c.sha256).where(sync_blobs.c.uploaded_at.is_not(None))
            candidates = [
                str(r[0])
                for r in conn.execute(select(attachments.c.sha256).where(attachments.c.sha256.not_in(known)))
            ]
        candidates = [s for s in candidates if ws.attachments.exists(s)]
        sent = 0
        for start in range(0, len(candidates), 1000):
            chunk = candidates[start : start + 1000]
            missing = set(map(str, t.post_json("/blobs/missing", {"sha256": chunk}).get("missing") or []))
            held = [s for s in chunk if s not in missing]
            if held:
                _mark_uploaded(ws, held)
            sent += _upload(ws, t, [s for s in chunk if s in missing])
            if progress is not None:
                progress(SyncProgress("upload", start + len(chunk), len(candidates)))
        return sent


def download_blobs(
    ws: Workspace,
    *,
    transport: Transport | None = None,
    progress: Callable[[SyncProgress], None] | None = None,
) -> int:
    """Fetch the photos pulled records refer to: temp file, fsync, hash check, rename, then the row."""
    store = ws.attachments
    got = 0
    with _session(ws, transport) as t:
        with ws.reader() as conn:
            wanted = [
                str(r[0])
                for r in conn.execute(select(sync_blobs.c.sha256).where(sync_blobs.c.present.is_(False)))
            ]
        for index, sha in enumerate(wanted):
            if store.check(sha):  # the same photo is here already (attached to another record)
                _blob_arrived(ws, sha, (store.path_for(sha).stat().st_size, None, None))
                continue
            response = t.request("GET", f"/blobs/{sha}")
            if response.status_code == 404:
                continue  # not on the server (yet): the next sync asks again
            if response.status_code >= 300:
                expect_json(response)  # raises SyncRejected with the server's words
            data_bytes = response.content
            if hashlib.sha256(data_bytes).hexdigest() != sha:
                continue  # damaged on the way: never stored, asked again next time
            try:  # the store's own atomic write: temp file, fsync, rename, fsync of the folder
                store.put_bytes(data_bytes)
            except OSError as exc:  # disk full, read-only: the user's words, no partial file left
                from safetydesk.core.workspace.workspace import _write_failure

                failure = _write_failure(exc)
                if failure is None:
                    raise
                raise failure from exc
            name = response.headers.get(protocol.BLOB_NAME_HEADER)
            _blob_arrived(
                ws,
                sha,
                (
                    len(data_bytes),
                    (response.headers.get(protocol.BLOB_MIME_HEADER) or applying.PLACEHOLDER_MIME).split(";")[
                        0
                    ],
                    unquote(name) if name else None,
                ),
            )
            got += 1
            if progress is not None:
                progress(SyncProgress("download", index + 1, len(wanted)))
        return got


def _blob_arrived(ws: Workspace, sha: str, info: tuple[int, str | None, str | None]) -> None:
    """The file is in place: fill in its ``attachments`` row (a placeholder until now) and mark it."""
    size, mime, name = info
    with ws.writer() as conn:
        row = conn.execute(select(attachments).where(attachments.c.sha256 == sha)).mappings().first()
        placeholder = row is None or row["mime"] == applying.PLACEHOLDER_MIME
        values: dict[str, Any] = {"size": size}
        if mime and placeholder:
            values["mime"] = mime[:80]
        if name and (row is None or not row["original_name"]):
            values["original_name"] = name[:260]
        if row is None:
            values.setdefault("mime", applying.PLACEHOLDER_MIME)
            conn.execute(insert(attachments).values(sha256=sha, created_at=now_iso(), **values))
        else:
            conn.execute(update(attachments).where(attachments.c.sha256 == sha).values(**values))
        conn.execute(update(sync_blobs).where(sync_blobs.c.sha256 == sha).values(present=True))


# -- one full sync -------------------------------------------------------------------------------------


def sync_now(
    ws: Workspace,
    *,
    progress: Callable[[SyncProgress], None] | None = None,
    cancel: threading.Event | None = None,
    retry: RetryPolicy | None = None,
    transport: Transport | None = None,
) -> SyncReport:
    """Photos up → push → pull → photos down; one ``sync_log`` row; ``last_error`` in plain words."""
    started = time.perf_counter()
    with ws.reader() as conn:
        values = state.read_all(conn)
    if not state.enrolled(values):
        raise SyncNotEnrolled()
    if values.get("enabled") != "1":
        raise SyncDisabled()
    with ws.writer() as conn:
        key = conn.execute(insert(sync_log).values(started_at=now_iso())).inserted_primary_key
        assert key is not None
        log_id = int(key[0])
    own = transport is None
    t: Transport | None = transport
    up = pushed = dups = pulled = down = 0
    try:
        t = t or transport_for(ws, retry=retry, cancel=cancel)
        before = _open_conflicts(ws)
        up = upload_blobs(ws, transport=t, progress=progress)
        pr = push(ws, transport=t, progress=progress, cancel=cancel)
        pushed, dups, up = pr.pushed, pr.duplicates, up + pr.uploaded
        pl = pull(ws, transport=t, progress=progress, cancel=cancel)
        pulled, head = pl.pulled, pl.head
        if pl.restarted:
            pr2 = push(ws, transport=t, progress=progress, cancel=cancel)
            pushed, dups = pushed + pr2.pushed, dups + pr2.duplicates
            pl2 = pull(ws, transport=t, progress=progress, cancel=cancel)
            pulled, head = pulled + pl2.pulled, pl2.head
        pulled += refetch_stale(ws, transport=t)
        down = download_blobs(ws, transport=t, progress=progress)
        new_conflicts = max(0, _open_conflicts(ws) - before)
    except BaseException as exc:
        if isinstance(exc, UserError):
            text = json.dumps({lang: exc.text(lang) for lang in LANGUAGES}, ensure_ascii=False)
        else:
            text = json.dumps(
                {lang: f"{type(exc).__name__}: {exc}" for lang in LANGUAGES}, ensure_ascii=False
            )
        _finish_log(ws, log_id, False, pushed, pulled, up, down, text)
        raise
    finally:
        if own and t is not None:
            t.close()
    _finish_log(ws, log_id, True, pushed, pulled, up, down, None)
    return SyncReport(
        pushed, dups, pulled, up, down, new_conflicts, head, int((time.perf_counter() - started) * 1000)
    )


def _finish_log(
    ws: Workspace, log_id: int, ok: bool, pushed: int, pulled: int, up: int, down: int, error: str | None
) -> None:
    now = now_iso()
    try:
        with ws.writer() as conn:
            conn.execute(
                update(sync_log)
                .where(sync_log.c.id == log_id)
                .values(
                    finished_at=now,
                    ok=ok,
                    pushed=pushed,
                    pulled=pulled,
                    uploaded=up,
                    downloaded=down,
                    error=error,
                )
            )
            if ok:
                state.put(conn, {"last_success_at": now, "last_error": None, "last_error_at": None})
            else:
                state.put(conn, {"last_error": error, "last_error_at": now})
    except Exception:  # the log must never hide the real error
        if ok:
            raise


def _open_conflicts(ws: Workspace) -> int:
    with ws.reader() as conn:
        return int(
            conn.execute(
                select(func.count()).select_from(sync_conflicts).where(sync_conflicts.c.resolved.is_(False))
            ).scalar()
            or 0
        )


# -- status and conflicts ------------------------------------------------------------------------------


def status(ws: Workspace) -> SyncStatus:
    with ws.reader() as conn:
        values = state.read_all(conn)
        pending = int(conn.execute(select(func.count()).select_from(sync_outbox)).scalar() or 0)
        photos = int(conn.execute(select(func.count()).select_from(attachments)).scalar() or 0)
        uploaded = int(
            conn.execute(
                select(func.count())
                .select_from(attachments.join(sync_blobs, sync_blobs.c.sha256 == attachments.c.sha256))
                .where(sync_blobs.c.uploaded_at.is_not(None), sync_blobs.c.present.is_(True))
            ).scalar()
            or 0
        )
        open_conflicts = int(
            conn.execute(
                select(func.count()).select_from(sync_conflicts).where(sync_conflicts.c.resolved.is_(False))
            ).scalar()
            or 0
        )
    auto = values.get("auto_minutes")
    return SyncStatus(
        enabled=values.get("enabled") == "1",
        url=values.get("url"),
        ca_file=values.get("ca_file"),
        auto_minutes=int(auto) if auto else None,
        device_id=values.get("device_id", ws.device_id),
        device_name=values.get("device_name"),
        tenant_name=values.get("tenant_name"),
        pending_changes=pending,
        photos_total=photos,
        photos_uploaded=uploaded,
        last_success_at=values.get("last_success_at"),
        last_error=_error_text(values.get("last_error")),
        last_error_at=values.get("last_error_at"),
        open_conflicts=open_conflicts,
        cursor=int(values.get("cursor") or 0),
        enrolled=state.enrolled(values),
        tenant_id=values.get("tenant_id"),
    )


@dataclass(frozen=True)
class LogEntry:
    started_at: str
    finished_at: str | None
    ok: bool
    pushed: int
    pulled: int
    uploaded: int
    downloaded: int
    error: str | None  # in the current language


def history(ws: Workspace, *, limit: int = 20) -> list[LogEntry]:
    """The latest sync attempts (``sync_log``), newest first, for the sync centre."""
    with ws.reader() as conn:
        rows = conn.execute(select(sync_log).order_by(sync_log.c.id.desc()).limit(limit)).mappings().all()
    return [
        LogEntry(
            r["started_at"],
            r["finished_at"],
            bool(r["ok"]),
            int(r["pushed"]),
            int(r["pulled"]),
            int(r["uploaded"]),
            int(r["downloaded"]),
            _error_text(r["error"]),
        )
        for r in rows
    ]


def _error_text(stored: str | None) -> str | None:
    """``last_error`` is kept in every language; shown in the current one."""
    if not stored:
        return None
    try:
        texts = json.loads(stored)
    except ValueError:
        return stored
    if not isinstance(texts, dict):
        return stored
    return str(texts.get(current_language()) or next(iter(texts.values()), ""))


_TITLE_COLUMNS = ("title", "name", "title_ko", "code", "description", "text", "key", "period")


def _record_title(conn: Connection, entity: str, record_id: str) -> str:
    table = RECORD_TABLES.get(entity)
    if table is None:
        return record_id[:8]
    row = conn.execute(select(table).where(table.c.id == record_id)).mappings().first()
    if row is None:
        return record_id[:8]
    for column in _TITLE_COLUMNS:
        value = row.get(column)
        if value:
            return str(value)[:120]
    return record_id[:8]


def _version(data: Any) -> Version:
    data = data if isinstance(data, Mapping) else {}
    hlc = data.get("hlc")
    return Version(
        value=data.get("value"),
        hlc=hlc,
        device_id=data.get("device") or data.get("device_id"),
        device_name=data.get("device_name"),
        at=applying.hlc_time_iso(hlc),
    )


def conflicts(ws: Workspace, *, include_resolved: bool = False) -> list[Conflict]:
    out: list[Conflict] = []
    with ws.reader() as conn:
        query = select(sync_conflicts).order_by(sync_conflicts.c.server_seq.desc())
        if not include_resolved:
            query = query.where(sync_conflicts.c.resolved.is_(False))
        for row in conn.execute(query).mappings().all():
            data = dict(row["data"] or {})
            out.append(
                Conflict(
                    id=row["id"],
                    kind=row["kind"],
                    entity=row["entity"],
                    record_id=row["record_id"],
                    field=row["field"],
                    record_title=_record_title(conn, row["entity"], row["record_id"]),
                    winner=_version(data.get("winner")),
                    loser=_version(data.get("loser")),
                    rule=data.get("rule"),
                    resolved=bool(row["resolved"]),
                    resolved_by=data.get("resolved_by"),
                    resolved_at=data.get("resolved_at"),
                )
            )
    return out


def resolve(
    ws: Workspace,
    conflict_id: str,
    *,
    keep: Literal["winner", "loser", "merged"],
    merged_value: object = None,
    actor: str | None = None,
) -> Any:
    """Resolve a conflict (SYNC.md §5 rule 8): an upsert of the conflict record with ``resolved``
    set, plus, when the user keeps the other or a merged value, a normal edit of the record through
    the services (audited, locked-record rules apply). Returns the ``Changes``."""
    from safetydesk.core.services.base import Tx, default_actor, run

    if keep not in ("winner", "loser", "merged"):
        raise ValueError(f"keep must be winner, loser or merged, not {keep!r}")
    who = actor or default_actor()
    with ws.reader() as conn:
        row = (
            conn.execute(select(sync_conflicts).where(sync_conflicts.c.id == conflict_id)).mappings().first()
        )
    if row is None:
        raise UserError(
            N_("The conflict {id} does not exist."),
            N_("Sync again and refresh the list."),
            id=conflict_id[:8],
        )
    data = dict(row["data"] or {})
    entity, record_id, field_name = str(row["entity"]), str(row["record_id"]), str(row["field"])
    value: object = None
    if keep == "loser":
        value = (data.get("loser") or {}).get("value")
    elif keep == "merged":
        value = merged_value
    resolved_at = now_iso()

    def body(tx: Tx) -> None:
        if keep != "winner":
            _edit_for_resolution(tx, str(row["kind"]), entity, record_id, field_name, value)
        chain.append(
            tx.conn,
            chain.head(tx.conn),
            event_id=new_id(),
            at=tx.now,
            actor=tx.actor,
            action="resolve",
            entity=protocol.CONFLICT_ENTITY,
            record_id=conflict_id,
            row_digest=None,
            children_digest=None,
            summary=f"kept {keep}: {entity}.{field_name}",
        )
        data.update(resolved=True, resolved_by=tx.actor, resolved_at=resolved_at)
        tx.conn.execute(
            update(sync_conflicts).where(sync_conflicts.c.id == conflict_id).values(resolved=True, data=data)
        )
        tx.touch_outbox_only(
            protocol.CONFLICT_ENTITY,
            conflict_id,
            {"resolved": True, "resolved_by": tx.actor, "resolved_at": resolved_at},
        )

    return run(ws, who, body)


def _edit_for_resolution(
    tx: Any, kind: str, entity: str, record_id: str, field_name: str, value: object
) -> None:
    table = RECORD_TABLES.get(entity)
    if table is not None and field_name == "_record" and kind in ("edit_vs_delete", "delete_vs_edit"):
        # The other side was the delete: delete it now, through the legal-hold check of every delete.
        from datetime import date

        from safetydesk.core.services.records import delete_in

        delete_in(tx, entity, record_id, date.today())
        return
    if table is None:
        raise UserError(
            N_("This conflict cannot be settled by picking a value."),
            N_("Keep the current value, or edit the record itself."),
        )
    if field_name.startswith(protocol.CHILDREN_PREFIX):
        child = field_name[len(protocol.CHILDREN_PREFIX) :]
        rows = value if isinstance(value, list) else []
        tx.set_children(entity, record_id, child, [r for r in rows if isinstance(r, Mapping)])
        tx.touch(entity, record_id, "update", f"conflict resolved: {field_name}")
        return
    if field_name not in table.c or field_name in ("id", "created_at", "created_by"):
        raise UserError(
            N_("This conflict cannot be settled by picking a value."),
            N_("Keep the current value, or edit the record itself."),
        )
    if field_name == "updated_at":
        return
    action = (
        "delete"
        if field_name == "deleted_at" and value
        else ("restore" if field_name == "deleted_at" else "update")
    )
    tx.update(
        entity, record_id, {field_name: value}, action=action, summary=f"conflict resolved: {field_name}"
    )


# -- comparisons (tests, benchmarks) ----------------------------------------------------------------------


def state_digest(ws: Workspace) -> dict[tuple[str, str], dict[str, Any]]:
    """Every synced record's columns (+ ``_children.<table>`` lists) and every conflict's data."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    with ws.reader() as conn:
        for entity, table in RECORD_TABLES.items():
            rows = {str(r["id"]): dict(r) for r in conn.execute(select(table)).mappings()}
            for child in applying.child_tables(entity):
                kids = applying.child_rows_many(conn, child, list(rows))
                for rid, row in rows.items():
                    row[protocol.CHILDREN_PREFIX + child] = kids.get(rid, [])
            for rid, row in rows.items():
                out[(entity, rid)] = row
        for conflict in conn.execute(select(sync_conflicts)).mappings():
            out[(protocol.CONFLICT_ENTITY, str(conflict["id"]))] = {
                **dict(conflict["data"] or {}),
                "resolved": bool(conflict["resolved"]),
            }
    return out
