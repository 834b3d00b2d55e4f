"""Fault tests A9–A13, B1–B4 and B6 of SYNC.md §8, against real PostgreSQL, SeaweedFS and the API.

Every test first asserts that its fault really happened (an error the client saw, a row that is
absent, a count strictly between 0 and N), then the outcome. Fixtures (``pg``, ``s3``, ``api``,
``api_server``, ``make_tenant``, ``sync_ws``) come from ``tests/integration/conftest.py``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

pytestmark = pytest.mark.integration

psycopg = pytest.importorskip("psycopg")
from safetydesk.core.sync import client as sync  # noqa: E402
from safetydesk.core.sync import protocol  # noqa: E402
from safetydesk.core.sync.errors import (  # noqa: E402
    SyncDeviceRewound,
    SyncUnauthorized,
    SyncUpgradeRequired,
)
from safetydesk.core.sync.transport import RetryPolicy, Transport  # noqa: E402
from safetydesk.core.workspace.workspace import Workspace, open_workspace  # noqa: E402

D = date(2026, 6, 30)  # a half-year end: dates near it must travel unchanged


# -- helpers: raw protocol access ----------------------------------------------------------------


@dataclass
class RawDevice:
    """A device enrolled with plain HTTP, for requests the client would never send."""

    url: str
    device_id: str
    tenant_id: str
    token: str
    local_seq: int = 0

    def headers(self, schema: int = protocol.SCHEMA_CURRENT) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", protocol.SCHEMA_HEADER: str(schema)}

    def request(self, method: str, path: str, **kw: Any) -> httpx.Response:
        headers = {**self.headers(), **kw.pop("headers", {})}
        with httpx.Client(base_url=self.url, timeout=30.0, verify=kw.pop("verify", True)) as c:
            return c.request(method, protocol.API_PREFIX + path, headers=headers, **kw)

    def change(self, entity: str, fields: dict[str, Any], record_id: str | None = None) -> dict[str, Any]:
        self.local_seq += 1
        return {
            "change_id": str(uuid.uuid4()),
            "local_seq": self.local_seq,
            "entity": entity,
            "record_id": record_id or str(uuid.uuid4()),
            "op": protocol.OP_UPSERT,
            "hlc": protocol.make_hlc(int(time.time() * 1000), 0, self.device_id),
            "fields": fields,
            "base": {},
            "base_seq": 0,
        }

    def push(self, changes: list[dict[str, Any]], **kw: Any) -> httpx.Response:
        body = {"schema_version": protocol.SCHEMA_CURRENT, "changes": changes, "audit": []}
        return self.request("POST", "/push", json=body, **kw)


def raw_enroll(url: str, code: str, name: str = "raw") -> RawDevice:
    r = httpx.post(
        url + protocol.API_PREFIX + "/devices/enroll",
        json={"code": code, "device_name": name},
        headers={protocol.SCHEMA_HEADER: str(protocol.SCHEMA_CURRENT)},
        timeout=30.0,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    return RawDevice(url, str(body["device_id"]), str(body["tenant_id"]), str(body["token"]))


def sql(pg: Any, query: str, *params: Any) -> list[tuple[Any, ...]]:
    """Run a query as the superuser (bypasses RLS): the test's view of what the server stored."""
    with psycopg.connect(pg.admin_dsn, autocommit=True) as conn:
        cur = conn.execute(query, params)
        return cur.fetchall() if cur.description else []


def one(pg: Any, query: str, *params: Any) -> Any:
    rows = sql(pg, query, *params)
    assert len(rows) == 1, rows
    return rows[0][0]


def device_of(ws: Workspace) -> str:
    device = sync.status(ws).device_id
    assert device
    return str(device)


def transport_for(ws: Workspace, *, schema: int = protocol.SCHEMA_CURRENT) -> Transport:
    """A transport carrying this PC's token, announcing ``schema``."""
    return sync.transport_for(ws, schema=schema, retry=fast_retry())


def fast_retry(on_sleep: Callable[[float], None] | None = None, attempts: int = 6) -> RetryPolicy:
    def sleep(seconds: float) -> None:
        if on_sleep is not None:
            on_sleep(seconds)

    return RetryPolicy(max_attempts=attempts, base_delay=0.01, cap=0.05, sleep=sleep)


def new_action(ws: Workspace, title: str, **extra: Any) -> str:
    from safetydesk.core.services import records

    values = {"source_kind": "audit", "title": title, "hierarchy": "engineering", "due_on": D, **extra}
    return records.create(ws, "corrective_actions", values, actor="tester").id


def rows_of(ws: Workspace, table: str, where: str = "1=1") -> list[dict[str, Any]]:
    with ws.reader() as conn:
        return [dict(r) for r in conn.exec_driver_sql(f"SELECT * FROM {table} WHERE {where}").mappings()]


def count(ws: Workspace, table: str, where: str = "1=1") -> int:
    with ws.reader() as conn:
        return int(conn.exec_driver_sql(f"SELECT count(*) FROM {table} WHERE {where}").scalar_one())


def pending(ws: Workspace) -> int:
    return count(ws, "sync_outbox")


def outbox_ids(ws: Workspace) -> list[str]:
    with ws.reader() as conn:
        return [r[0] for r in conn.exec_driver_sql("SELECT change_id FROM sync_outbox ORDER BY local_seq")]


def domain_digest(ws: Workspace) -> dict[tuple[str, str], dict[str, Any]]:
    """The synced records without conflicts (each PC holds the same conflicts, compared separately)."""
    return {k: v for k, v in sync.state_digest(ws).items() if k[0] != protocol.CONFLICT_ENTITY}


def server_records(pg: Any, tenant_id: str, entity: str) -> dict[str, dict[str, Any]]:
    rows = sql(
        pg,
        "SELECT id::text, data FROM sync.record WHERE tenant_id = %s AND entity = %s",
        tenant_id,
        entity,
    )
    return dict(rows)


def store_blob(ws: Workspace, data: bytes, entity: str, record_id: str) -> str:
    """Store bytes as an attachment linked to a record (one write: rows + audit + outbox)."""
    from safetydesk.core.services import attachments
    from safetydesk.core.services.base import transaction

    with transaction(ws, "tester") as tx:
        sha = attachments.store_bytes(tx, data, mime="application/octet-stream", name="사진 1.bin")
        attachments.link(tx, sha, entity, record_id, role="after")
    return sha


def s3_keys(s3: Any, prefix: str) -> list[str]:
    resp = s3.client().list_objects_v2(Bucket=s3.bucket, Prefix=prefix)
    return [o["Key"] for o in resp.get("Contents", [])]


class Worker(threading.Thread):
    """A thread whose exception the test re-raises (SYNC.md §9 "Vacuous passes")."""

    def __init__(self, target: Callable[[], Any], name: str) -> None:
        super().__init__(name=name, daemon=True)
        self._target_fn = target
        self.error: BaseException | None = None
        self.result: Any = None

    def run(self) -> None:
        try:
            self.result = self._target_fn()
        except BaseException as exc:  # re-raised in the test thread
            self.error = exc

    def join_or_raise(self, timeout: float = 60.0) -> Any:
        self.join(timeout)
        assert not self.is_alive(), f"{self.name} still running after {timeout} s"
        if self.error is not None:
            raise self.error
        return self.result


# -- A9 backlog --------------------------------------------------------------------------------------


def test_a9_backlog_of_10000_changes_arrives_complete(make_tenant: Any, sync_ws: Any, pg: Any) -> None:
    from safetydesk.core.services.base import transaction

    tenant = make_tenant("a9")
    pc1 = sync_ws(tenant, "pc1")
    sync.sync_now(pc1)
    before = pending(pc1)
    with transaction(pc1, "tester") as tx:
        for i in range(10_000):
            tx.insert("contractors", {"name": f"협력사 {i:05d}", "work_scope": "x" * 20 if i % 2 else None})
    # The fault: a backlog of 10,000 changes is waiting offline.
    assert pending(pc1) - before == 10_000
    t0 = time.perf_counter()
    report = sync.push(pc1)
    push_s = time.perf_counter() - t0
    assert report.pushed == before + 10_000
    assert pending(pc1) == 0
    assert one(pg, "SELECT count(*) FROM sync.change WHERE tenant_id = %s", tenant.id) >= 10_000
    assert len(server_records(pg, tenant.id, "contractors")) == 10_000

    pc2 = sync_ws(tenant, "pc2")
    t0 = time.perf_counter()
    sync.pull(pc2)
    pull_s = time.perf_counter() - t0
    print(f"A9: push {push_s:.2f} s, pull {pull_s:.2f} s")
    assert count(pc2, "contractors") == 10_000
    assert domain_digest(pc2) == domain_digest(pc1)


# -- A10 tenant isolation ---------------------------------------------------------------------------


def test_a10_tenant_isolation(make_tenant: Any, sync_ws: Any, api: Any, pg: Any) -> None:
    from safetydesk.core.services import records

    ta, tb = make_tenant("a10-a"), make_tenant("a10-b")
    a, b = sync_ws(ta, "pc-a"), sync_ws(tb, "pc-b")
    shared_id = str(uuid.uuid4())
    records.create(a, "contractors", {"id": shared_id, "name": "A사"})
    only_a = records.create(a, "contractors", {"name": "A only"}).id
    records.create(b, "contractors", {"id": shared_id, "name": "B사"})
    sync.sync_now(a)
    sync.sync_now(b)
    sync.sync_now(a)
    # Both tenants hold a row with the same id on the server, each its own.
    rows = sql(
        pg,
        "SELECT tenant_id::text, data->>'name' FROM sync.record WHERE id = %s ORDER BY 2",
        shared_id,
    )
    assert sorted(rows) == sorted([(ta.id, "A사"), (tb.id, "B사")])
    # The other tenant pulls nothing of A's.
    assert count(b, "contractors", f"id = '{only_a}'") == 0
    assert rows_of(a, "contractors", f"id = '{shared_id}'")[0]["name"] == "A사"
    assert rows_of(b, "contractors", f"id = '{shared_id}'")[0]["name"] == "B사"
    fresh_b = sync_ws(tb, "pc-b2")
    sync.sync_now(fresh_b)
    assert count(fresh_b, "contractors", f"id = '{only_a}'") == 0
    assert rows_of(fresh_b, "contractors", f"id = '{shared_id}'")[0]["name"] == "B사"

    # A bad token: 401 with the protocol's code.
    r = httpx.get(
        api.url + "/v1/status",
        headers={"Authorization": "Bearer " + "0" * 64, protocol.SCHEMA_HEADER: str(protocol.SCHEMA_CURRENT)},
    )
    assert r.status_code == 401
    assert r.json()["detail"]["code"] == protocol.ERR_UNAUTHORIZED

    # RLS as the API's role, with tenant B's scope: A's rows are invisible and cannot be written.
    a_rows = one(pg, "SELECT count(*) FROM sync.record WHERE tenant_id = %s", ta.id)
    assert a_rows >= 2  # the fault has something to hide
    with psycopg.connect(pg.app_dsn) as conn:
        with conn.transaction():
            conn.execute("SELECT set_config('app.tenant_id', %s, true)", (tb.id,))
            seen = conn.execute("SELECT count(*) FROM sync.record WHERE tenant_id = %s", (ta.id,)).fetchone()
            assert seen is not None and seen[0] == 0
            tenants = conn.execute("SELECT DISTINCT tenant_id::text FROM sync.record").fetchall()
            assert tenants == [(tb.id,)]
            changes = conn.execute(
                "SELECT count(*) FROM sync.change WHERE tenant_id = %s", (ta.id,)
            ).fetchone()
            assert changes is not None and changes[0] == 0
        refused = pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security")
        with refused, conn.transaction():
            conn.execute("SELECT set_config('app.tenant_id', %s, true)", (tb.id,))
            conn.execute(
                "INSERT INTO sync.record (tenant_id, entity, id, data, meta, deleted, server_seq)"
                " VALUES (%s, 'contractors', %s, '{}', '{}', false, 999999)",
                (ta.id, str(uuid.uuid4())),
            )
        # No scope set: fails closed (an error, or nothing visible).
        try:
            with conn.transaction():
                got = conn.execute("SELECT count(*) FROM sync.record").fetchone()
            assert got is not None and got[0] == 0
        except psycopg.Error:
            pass
    assert one(pg, "SELECT count(*) FROM sync.record WHERE tenant_id = %s", ta.id) == a_rows


# -- A11 photos -------------------------------------------------------------------------------------


def _put_truncated(url: str, dev: RawDevice, sha: str, body: bytes, claimed: int) -> int | None:
    """PUT with a Content-Length larger than the body, then close the sending side.

    Returns the status code the server answered with, or None if it closed without an answer.
    """
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    head = (
        f"PUT {protocol.API_PREFIX}/blobs/{sha} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Authorization: Bearer {dev.token}\r\n{protocol.SCHEMA_HEADER}: {protocol.SCHEMA_CURRENT}\r\n"
        f"Content-Type: application/octet-stream\r\nContent-Length: {claimed}\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection((host, port), timeout=10) as s:
        s.sendall(head + body)
        s.shutdown(socket.SHUT_WR)
        data = b""
        try:
            while chunk := s.recv(65536):
                data += chunk
        except (ConnectionResetError, TimeoutError):
            pass
    if not data.startswith(b"HTTP/1.1 "):
        return None
    return int(data.split(b" ", 2)[1])


def test_a11_photos(make_tenant: Any, sync_ws: Any, api: Any, pg: Any, s3: Any) -> None:
    tenant, other = make_tenant("a11"), make_tenant("a11-other")
    dev = raw_enroll(api.url, tenant.code(), "raw-a11")
    data = os.urandom(300_000)
    sha = hashlib.sha256(data).hexdigest()
    blob_rows = "SELECT count(*) FROM sync.blob WHERE tenant_id = %s AND sha256 = %s"

    # Body not hashing to the sha: 400, nothing stored.
    r = dev.request("PUT", f"/blobs/{sha}", content=data[:-1] + b"\0")
    assert r.status_code == 400, r.text
    assert r.json()["detail"]["code"] == protocol.ERR_BAD_REQUEST
    # Content-Length larger than the body (the connection drops mid-upload).
    status = _put_truncated(api.url, dev, sha, data[:100_000], len(data))
    # uvicorn sees the client go away mid-body; the app refuses the upload (400) and, as the
    # client is gone, usually no answer goes out at all (None). Never a 2xx.
    assert status in (400, None), status
    assert one(pg, blob_rows, tenant.id, sha) == 0
    assert s3_keys(s3, f"{tenant.id}/") == []
    # The same hash uploads fine afterwards, as new (201): the refusals stored nothing.
    r = dev.request("PUT", f"/blobs/{sha}", content=data, headers={"Content-Type": "image/jpeg"})
    assert r.status_code == 201, r.text
    assert one(pg, blob_rows, tenant.id, sha) == 1
    assert s3_keys(s3, f"{tenant.id}/") == [f"{tenant.id}/{sha[:2]}/{sha}"]

    # A push referencing a missing blob: 409 and the whole batch rolled back.
    head0 = one(pg, "SELECT head_seq FROM sync.tenant WHERE id = %s", tenant.id)
    missing = hashlib.sha256(b"never uploaded").hexdigest()
    first = dev.change("contractors", {"name": "batch first"})
    action = dev.change(
        "corrective_actions",
        {"source_kind": "audit", "title": "t", "hierarchy": "ppe", "due_on": D.isoformat()},
    )
    link = dev.change(
        "attachment_links",
        {
            "sha256": missing,
            "entity": "corrective_actions",
            "record_id": action["record_id"],
            "role": "after",
        },
    )
    r = dev.push([first, action, link])
    assert r.status_code == 409, r.text
    assert r.json()["detail"]["code"] == protocol.ERR_MISSING_BLOBS
    assert r.json()["detail"]["missing_blobs"] == [missing]
    assert one(pg, "SELECT head_seq FROM sync.tenant WHERE id = %s", tenant.id) == head0
    assert (
        one(
            pg,
            "SELECT count(*) FROM sync.change WHERE tenant_id = %s AND device_id = %s",
            tenant.id,
            dev.device_id,
        )
        == 0
    )
    assert one(pg, "SELECT count(*) FROM sync.record WHERE id = %s", first["record_id"]) == 0

    # Normal sync uploads first; a second PC downloads a 2 MiB photo with a matching hash.
    pc1 = sync_ws(tenant, "pc1")
    act = new_action(pc1, "방호덮개 교체")
    photo = os.urandom(2 * 1024 * 1024)
    photo_sha = store_blob(pc1, photo, "corrective_actions", act)
    report = sync.sync_now(pc1)
    assert report.uploaded == 1
    assert one(pg, blob_rows, tenant.id, photo_sha) == 1
    pc2 = sync_ws(tenant, "pc2")
    report2 = sync.sync_now(pc2)
    assert report2.downloaded >= 1
    got = pc2.attachments.path_for(photo_sha).read_bytes()
    assert len(got) == 2 * 1024 * 1024 and hashlib.sha256(got).hexdigest() == photo_sha
    assert rows_of(pc2, "attachment_links", f"sha256 = '{photo_sha}'")[0]["record_id"] == act

    # Another tenant gets 404 for that hash (and for the raw upload), the owner 200.
    stranger = raw_enroll(api.url, other.code(), "stranger")
    for h in (photo_sha, sha):
        assert dev.request("GET", f"/blobs/{h}").status_code == 200
        r = stranger.request("GET", f"/blobs/{h}")
        assert r.status_code == 404, r.text
    r = dev.request("GET", f"/blobs/{photo_sha}")
    assert (
        r.headers.get("X-Checksum-Sha256") == photo_sha and hashlib.sha256(r.content).hexdigest() == photo_sha
    )


# -- A12 audit -------------------------------------------------------------------------------------


def test_a12_audit_chain_tamper_evident(make_tenant: Any, sync_ws: Any, api: Any, pg: Any) -> None:
    from safetydesk.core.services import actions

    tenant = make_tenant("a12")
    pc1, pc2 = sync_ws(tenant, "pc1"), sync_ws(tenant, "pc2")
    a1 = new_action(pc1, "one")
    sync.sync_now(pc1)
    sync.sync_now(pc2)
    a2 = new_action(pc2, "two")
    actions.update_action(pc2, a1, {"owner_name": "이관리"})
    actions.update_action(pc1, a1, {"interim_measure": "임시 방호"})
    for ws in (pc1, pc2, pc1):
        sync.sync_now(ws)
    assert count(pc1, "corrective_actions", f"id = '{a2}'") == 1
    devices = sql(pg, "SELECT DISTINCT device_id::text FROM sync.audit_event WHERE tenant_id = %s", tenant.id)
    assert {d for (d,) in devices} == {device_of(pc1), device_of(pc2)}
    n_events = one(pg, "SELECT count(*) FROM sync.audit_event WHERE tenant_id = %s", tenant.id)
    assert n_events >= 4
    dev = raw_enroll(api.url, tenant.code(), "auditor")
    verify = dev.request("GET", "/audit/verify").json()
    assert verify["ok"] is True and verify["events"] == n_events

    checkpoint = dev.request("GET", "/audit/checkpoint").json()
    assert checkpoint["audit_seq"] == n_events
    assert checkpoint["head"] == verify["head"]
    _check_signature(checkpoint, tenant.id)

    # sync_app may not rewrite history, even inside its own tenant scope.
    with psycopg.connect(pg.app_dsn) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
            conn.execute("SELECT set_config('app.tenant_id', %s, true)", (tenant.id,))
            conn.execute(
                "UPDATE sync.audit_event SET payload = payload WHERE tenant_id = %s AND seq = 2",
                (tenant.id,),
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
            conn.execute("SELECT set_config('app.tenant_id', %s, true)", (tenant.id,))
            conn.execute("DELETE FROM sync.audit_event WHERE tenant_id = %s", (tenant.id,))

    # A superuser edits event 3: the fault is real (the stored payload changed) and verify names it.
    before = one(pg, "SELECT payload::text FROM sync.audit_event WHERE tenant_id = %s AND seq = 3", tenant.id)
    sql(
        pg,
        "UPDATE sync.audit_event SET payload = jsonb_set(payload, '{data,summary}', '\"tampered\"')"
        " WHERE tenant_id = %s AND seq = 3",
        tenant.id,
    )
    after = one(pg, "SELECT payload::text FROM sync.audit_event WHERE tenant_id = %s AND seq = 3", tenant.id)
    assert after != before
    broken = dev.request("GET", "/audit/verify").json()
    assert broken["ok"] is False and broken["broken_at"] == 3
    from safetydesk.server import admin

    assert admin.verify_audit(pg.owner_dsn, tenant.id)["broken_at"] == 3


def _check_signature(checkpoint: dict[str, Any], tenant_id: str) -> None:
    """The checkpoint's Ed25519 signature verifies with its public key (and fails on a changed head)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from safetydesk.server.audit import checkpoint_message

    key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(checkpoint["public_key"]))
    signature = bytes.fromhex(checkpoint["signature"])
    seq, head, at = int(checkpoint["audit_seq"]), str(checkpoint["head"]), str(checkpoint["signed_at"])
    key.verify(signature, checkpoint_message(tenant_id, seq, head, at))
    with pytest.raises(InvalidSignature):
        key.verify(signature, checkpoint_message(tenant_id, seq, "00" * 32, at))
    with pytest.raises(InvalidSignature):
        key.verify(signature, checkpoint_message(tenant_id, seq - 1, head, at))


# -- A13 concurrent pushers and a slow puller -----------------------------------------------------------


def test_a13_three_pushers_and_a_paging_puller(make_tenant: Any, sync_ws: Any, pg: Any) -> None:
    from safetydesk.core.services.base import transaction

    per_pc = 300
    tenant = make_tenant("a13")
    pushers = [sync_ws(tenant, f"pusher{i}") for i in range(3)]
    reader = sync_ws(tenant, "reader")
    made: set[str] = set()
    for i, ws in enumerate(pushers):
        with transaction(ws, "tester") as tx:
            for j in range(per_pc):
                made.add(tx.insert("contractors", {"name": f"pc{i}-{j:03d}"}))
    assert len(made) == 3 * per_pc
    start = threading.Barrier(4)
    done = threading.Event()
    first_batch = threading.Event()  # pusher 0 has one batch committed ...
    pulled_mid = threading.Event()  # ... and waits until the puller has read in the middle
    seen_during: list[int] = []

    def hold_after_first_batch(_ids: list[str]) -> None:
        if not first_batch.is_set():
            first_batch.set()
            assert pulled_mid.wait(20), "the puller never pulled while pushes were under way"

    def push(i: int, ws: Workspace) -> Callable[[], Any]:
        def run() -> Any:
            start.wait(10)
            acked = hold_after_first_batch if i == 0 else None
            return sync.push(ws, batch_size=25, on_batch_acked=acked)

        return run

    def pull_loop() -> int:
        start.wait(10)
        pages = 0
        assert first_batch.wait(20)
        while not done.is_set():
            sync.pull(reader, limit=7)
            pages += 1
            seen_during.append(count(reader, "contractors"))
            pulled_mid.set()
        return pages

    workers = [Worker(push(i, ws), f"pusher{i}") for i, ws in enumerate(pushers)]
    puller = Worker(pull_loop, "puller")
    for w in (*workers, puller):
        w.start()
    try:
        for w in workers:
            w.join_or_raise(120)
    finally:
        done.set()
    pages = puller.join_or_raise(60)
    # The fault: the puller really read while the pushers were committing (partial views seen).
    assert pages >= 1
    assert 0 < seen_during[0] < 3 * per_pc, seen_during[:20]
    assert (
        one(pg, "SELECT count(*) FROM sync.record WHERE tenant_id = %s AND entity = 'contractors'", tenant.id)
        == 900
    )
    final = sync.pull(reader, limit=7)
    assert final is not None
    got = {r["id"] for r in rows_of(reader, "contractors")}
    assert got == made, f"{len(made - got)} of {len(made)} skipped"
    head = one(pg, "SELECT head_seq FROM sync.tenant WHERE id = %s", tenant.id)
    assert sync.status(reader).cursor == head


# -- B1 S3 outage ----------------------------------------------------------------------------------------


def test_b1_s3_outage_during_upload(make_tenant: Any, sync_ws: Any, api: Any, pg: Any, s3: Any) -> None:
    tenant = make_tenant("b1")
    dev = raw_enroll(api.url, tenant.code(), "raw-b1")
    data = os.urandom(200_000)
    sha = hashlib.sha256(data).hexdigest()
    s3_down = False
    try:
        answered: dict[str, float] = {}

        def put() -> httpx.Response:
            r = dev.request("PUT", f"/blobs/{sha}", content=data, headers={"X-Test-Sleep-Before-Store": "3"})
            answered["at"] = time.monotonic()
            return r

        w = Worker(put, "put")
        w.start()
        time.sleep(0.5)  # the request has been hashed and sleeps before its S3 put
        s3.kill()  # an instant, hard outage (SIGKILL)
        s3_down = True
        stopped_at = time.monotonic()
        assert not s3.running()
        r = w.join_or_raise(30)
        # The fault really happened: S3 was down before the API tried to store.
        assert stopped_at < answered["at"]
        assert httpx.get(api.url + "/v1/health").json()["s3"] is False
        assert r.status_code == 503, r.text
        assert r.json()["detail"]["code"] == protocol.ERR_STORAGE_UNAVAILABLE
        assert one(pg, "SELECT count(*) FROM sync.blob WHERE tenant_id = %s", tenant.id) == 0
        # A push referencing the blob is refused.
        act = dev.change(
            "corrective_actions",
            {"source_kind": "audit", "title": "t", "hierarchy": "ppe", "due_on": D.isoformat()},
        )
        link = dev.change(
            "attachment_links",
            {"sha256": sha, "entity": "corrective_actions", "record_id": act["record_id"], "role": "after"},
        )
        r = dev.push([act, link])
        assert r.status_code == 409 and r.json()["detail"]["missing_blobs"] == [sha]

        # A client syncing while S3 is down: its retry loop waits, S3 comes back, the retry completes.
        pc1 = sync_ws(tenant, "pc1")
        a = new_action(pc1, "사진")
        photo = os.urandom(500_000)
        photo_sha = store_blob(pc1, photo, "corrective_actions", a)
        sleeps: list[float] = []

        def restart_on_first_wait(seconds: float) -> None:
            nonlocal s3_down
            sleeps.append(seconds)
            if s3_down:
                s3.start()
                s3_down = False

        report = sync.sync_now(pc1, retry=fast_retry(restart_on_first_wait))
        assert sleeps, "the client never retried: S3 was not down when it uploaded"
        assert report.uploaded == 1
        assert pending(pc1) == 0
    finally:
        if s3_down:
            s3.start()
    assert (
        one(pg, "SELECT count(*) FROM sync.blob WHERE tenant_id = %s AND sha256 = %s", tenant.id, photo_sha)
        == 1
    )
    pc2 = sync_ws(tenant, "pc2")
    sync.sync_now(pc2)
    got = pc2.attachments.path_for(photo_sha).read_bytes()
    assert hashlib.sha256(got).hexdigest() == photo_sha


# -- B2 disk full during pull -------------------------------------------------------------------------------


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs (we run as root in CI); unmounted in teardown."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], check=False)
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_b2_disk_full_during_pull(make_tenant: Any, sync_ws: Any, tiny_disk: Path) -> None:
    from sqlalchemy import event

    from safetydesk.core.errors import UserError
    from safetydesk.core.services.base import transaction

    tenant = make_tenant("b2")
    pc1 = sync_ws(tenant, "pc1")
    with transaction(pc1, "tester") as tx:
        for i in range(400):
            tx.insert("contractors", {"name": f"협력사 {i:03d}", "work_scope": "비고 " * 200})
    act = new_action(pc1, "사진 포함")
    photo = os.urandom(2 * 1024 * 1024)  # larger than the 1 MiB disk
    photo_sha = store_blob(pc1, photo, "corrective_actions", act)
    sync.sync_now(pc1)

    pc2 = sync_ws(tenant, "pc2")
    # Photos of pc2 live on the tiny disk.
    att = pc2.attachments.root
    shutil.rmtree(att, ignore_errors=True)
    att.symlink_to(tiny_disk, target_is_directory=True)

    # The database may grow only a little: pages of 100 records overflow after the first one or two.
    with pc2.reader() as conn:
        page_count = int(conn.exec_driver_sql("PRAGMA page_count").scalar_one())

    def limit(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute(f"PRAGMA max_page_count = {page_count + 250}")

    pc2.engine.dispose()
    event.listen(pc2.engine, "connect", limit)
    applied: list[int] = []  # the durable cursor after each applied page
    cursor0 = sync.status(pc2).cursor
    with pytest.raises(UserError) as caught:
        sync.pull(pc2, limit=100, on_page_applied=lambda _n: applied.append(sync.status(pc2).cursor))
    # The fault happened: the disk-full error, in both languages, after some pages but not all.
    err = caught.value
    assert "disk is full" in err.message("en")
    assert "디스크" in err.message("ko")
    cursor = sync.status(pc2).cursor
    assert cursor == (applied[-1] if applied else cursor0)
    n_local = count(pc2, "contractors")
    assert applied and 0 < n_local < 400, (applied, n_local)  # some pages in, then the disk filled
    with pc2.reader() as conn:
        # No half page: everything applied is exactly what the cursor covers.
        rows = conn.exec_driver_sql(
            "SELECT count(*) FROM sync_rows WHERE server_seq > ?", (cursor,)
        ).scalar_one()
    assert rows == 0

    # Free the database; the pull resumes from the cursor and completes; the photo does not fit.
    event.remove(pc2.engine, "connect", limit)
    pc2.engine.dispose()
    sync.pull(pc2)
    assert count(pc2, "contractors") == 400
    assert shutil.disk_usage(tiny_disk).total < len(photo)  # the photo cannot fit: a real ENOSPC
    with pytest.raises(UserError) as caught:
        sync.sync_now(pc2)
    assert "disk is full" in caught.value.message("en")
    assert "디스크" in caught.value.message("ko")
    last = sync.status(pc2).last_error or ""
    assert "disk is full" in last or "디스크" in last, last
    assert [p for p in tiny_disk.rglob("*") if p.is_file()] == []  # no partial photo file
    assert not pc2.attachments.exists(photo_sha)
    # Free space (a bigger disk); the download resumes and the hash matches.
    subprocess.run(["mount", "-o", "remount,size=8m", str(tiny_disk)], check=True)
    assert sync.download_blobs(pc2) >= 1
    assert hashlib.sha256(pc2.attachments.path_for(photo_sha).read_bytes()).hexdigest() == photo_sha
    sync.sync_now(pc2)
    assert domain_digest(pc2) == domain_digest(pc1)


# -- B3 schema migration with a non-empty outbox -------------------------------------------------------------

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "workspaces"


def test_b3_migrated_outbox_survives_and_syncs(make_tenant: Any, api: Any, pg: Any, tmp_path: Path) -> None:
    import sqlite3
    import zipfile

    from safetydesk.core.services import records

    archive = FIXTURES / "rev0003.zip"
    if not archive.exists():
        pytest.skip("tests/fixtures/workspaces/rev0003.zip is not there yet")
    with zipfile.ZipFile(archive) as z:
        z.extractall(tmp_path / "old")
    root = next(p.parent for p in (tmp_path / "old").rglob("safetydesk.db"))
    with sqlite3.connect(root / "safetydesk.db") as raw:
        rev = raw.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        old_outbox = [
            (r[0], r[1], r[2], json.loads(r[3]))
            for r in raw.execute(
                "SELECT change_id, entity, record_id, fields FROM sync_outbox ORDER BY local_seq"
            )
        ]
    raw.close()
    assert rev == "0003"
    assert old_outbox, "the fixture should hold pending changes"
    ws = open_workspace(root)
    try:
        # The fault: the workspace really was migrated with its outbox full.
        assert ws.migrated_from == "0003"
        assert outbox_ids(ws) == [c for c, _e, _r, _f in old_outbox]
        tenant = make_tenant("b3")
        result = sync.enroll(ws, url=api.url, code=tenant.code(), device_name="old-pc")
        assert result.mode == "first"
        report = sync.sync_now(ws)
        assert report.pushed > 0 and pending(ws) == 0
        # Every change that was pending before the upgrade is on the server, with the local values.
        server = {
            (e, rid): (data, deleted)
            for e, rid, data, deleted in sql(
                pg, "SELECT entity, id, data, deleted FROM sync.record WHERE tenant_id = %s", tenant.id
            )
        }
        checked = 0
        for _cid, entity, record_id, fields in old_outbox:
            local = dict(records.get(ws, entity, record_id))
            data, deleted = server[(entity, record_id)]
            assert deleted == (local.get("deleted_at") is not None), (entity, record_id)
            for name in fields:
                if name in local and name not in ("updated_at",):
                    assert data.get(name) == local[name], (entity, record_id, name)
                    checked += 1
        assert checked >= len(old_outbox)
    finally:
        ws.close()


def test_b3_outdated_client_gets_426_and_keeps_outbox(make_tenant: Any, sync_ws: Any, pg: Any) -> None:
    from safetydesk.core.services import actions

    tenant = make_tenant("b3-426")
    pc1 = sync_ws(tenant, "pc1")
    sync.sync_now(pc1)
    a = new_action(pc1, "스키마")
    actions.update_action(pc1, a, {"owner_name": "김안전"})
    queued = outbox_ids(pc1)
    assert len(queued) >= 2
    head0 = one(pg, "SELECT head_seq FROM sync.tenant WHERE id = %s", tenant.id)
    with (
        transport_for(pc1, schema=protocol.SCHEMA_CURRENT - 2) as old,
        pytest.raises(SyncUpgradeRequired) as caught,
    ):
        sync.push(pc1, transport=old)
    assert caught.value.message("ko") and caught.value.message("en") != caught.value.message("ko")
    # The fault: the server refused (nothing committed); the outbox is untouched.
    assert one(pg, "SELECT head_seq FROM sync.tenant WHERE id = %s", tenant.id) == head0
    assert outbox_ids(pc1) == queued
    # The previous schema is inside the migration window: accepted.
    with transport_for(pc1, schema=protocol.SCHEMA_CURRENT - 1) as previous:
        sync.push(pc1, transport=previous)
    assert pending(pc1) == 0
    pc2 = sync_ws(tenant, "pc2")
    sync.sync_now(pc2)
    assert rows_of(pc2, "corrective_actions", f"id = '{a}'")[0]["owner_name"] == "김안전"


# -- B4 revoked device; cloned / restored device --------------------------------------------------------------


def _server_changes_per_record(pg: Any, tenant_id: str, ids: set[str]) -> dict[str, int]:
    rows = sql(
        pg,
        "SELECT record_id::text, count(*) FROM sync.change WHERE tenant_id = %s GROUP BY record_id",
        tenant_id,
    )
    return {rid: n for rid, n in rows if rid in ids}


def test_b4_revoked_while_offline(make_tenant: Any, sync_ws: Any, api: Any, pg: Any) -> None:
    from safetydesk.server import admin

    tenant = make_tenant("b4-revoke")
    pc1 = sync_ws(tenant, "pc1")
    sync.sync_now(pc1)
    old_device = device_of(pc1)
    admin.revoke_device(pg.owner_dsn, old_device)
    made = {new_action(pc1, f"offline {i}") for i in range(3)}
    queued = outbox_ids(pc1)
    with pytest.raises(SyncUnauthorized):
        sync.sync_now(pc1, retry=fast_retry())
    # The fault: the device is revoked on the server and nothing of the offline work got in.
    assert one(pg, "SELECT revoked_at IS NOT NULL FROM sync.device WHERE id = %s", old_device) is True
    assert _server_changes_per_record(pg, tenant.id, made) == {}
    # Local data kept.
    assert outbox_ids(pc1) == queued
    assert {r["id"] for r in rows_of(pc1, "corrective_actions")} >= made
    # Re-enrol (new device id) and sync: each change arrives exactly once.
    sync.enroll(pc1, url=api.url, code=tenant.code(), device_name="pc1-again")
    assert device_of(pc1) != old_device
    sync.sync_now(pc1)
    sync.sync_now(pc1)
    assert pending(pc1) == 0
    assert _server_changes_per_record(pg, tenant.id, made) == dict.fromkeys(made, 1)
    pc2 = sync_ws(tenant, "pc2")
    sync.sync_now(pc2)
    assert {r["id"] for r in rows_of(pc2, "corrective_actions")} >= made
    assert domain_digest(pc2) == domain_digest(pc1)


def test_b4_cloned_device_is_rewound(
    make_tenant: Any, sync_ws: Any, api: Any, pg: Any, tmp_path: Path
) -> None:
    tenant = make_tenant("b4-clone")
    pc1 = sync_ws(tenant, "pc1")
    new_action(pc1, "before the backup")
    sync.sync_now(pc1)
    device = device_of(pc1)
    # Restore-from-backup / clone: copy the folder while the workspace is closed.
    path = pc1.path
    pc1.close()
    copy_path = tmp_path / "restored"
    shutil.copytree(path, copy_path, ignore=shutil.ignore_patterns("safetydesk.lock*"))
    pc1 = open_workspace(path)
    copy = open_workspace(copy_path)
    try:
        orig_made = {new_action(pc1, f"original {i}") for i in range(3)}
        sync.sync_now(pc1)
        assert pending(pc1) == 0
        copy_made = {new_action(copy, f"restored {i}") for i in range(2)}
        copy_queued = outbox_ids(copy)
        last_seq = one(pg, "SELECT last_local_seq FROM sync.device WHERE id = %s", device)
        with copy.reader() as conn:
            first_copy_seq = conn.exec_driver_sql("SELECT min(local_seq) FROM sync_outbox").scalar_one()
        # The fault: the copy reuses local_seq values the server already accepted from the original.
        assert first_copy_seq <= last_seq
        assert device_of(copy) == device
        with pytest.raises(SyncDeviceRewound):
            sync.sync_now(copy, retry=fast_retry())
        assert _server_changes_per_record(pg, tenant.id, copy_made) == {}
        assert outbox_ids(copy) == copy_queued
        # Re-enrol the copy: its changes arrive once; the original's are not doubled.
        sync.enroll(copy, url=api.url, code=tenant.code(), device_name="restored")
        assert device_of(copy) != device
        sync.sync_now(copy)
        sync.sync_now(pc1)
        sync.sync_now(copy)
        per_record = _server_changes_per_record(pg, tenant.id, orig_made | copy_made)
        assert per_record == dict.fromkeys(orig_made | copy_made, 1)
        for ws in (pc1, copy):
            assert {r["id"] for r in rows_of(ws, "corrective_actions")} >= orig_made | copy_made
        assert domain_digest(pc1) == domain_digest(copy)
    finally:
        pc1.close()
        copy.close()


# -- B6 post-merge invariant -------------------------------------------------------------------------------


def test_b6_invariant_violation_from_two_valid_edits(make_tenant: Any, sync_ws: Any, pg: Any) -> None:
    from safetydesk.core.domain import invariants
    from safetydesk.core.services import actions, records

    tenant = make_tenant("b6")
    pc1, pc2 = sync_ws(tenant, "pc1"), sync_ws(tenant, "pc2")
    today = date.today()  # done_on may not precede the action's creation (a rule of its own)
    a = new_action(pc1, "방호덮개")
    actions.mark_done(pc1, a, done_on=today)
    # An earlier verification found the fix ineffective: the action is open again, verified_by kept.
    actions.verify_and_close(pc1, a, verified_by="이검증", verified_on=today, effective=False, note="재발")
    actions.mark_done(pc1, a, done_on=today)
    sync.sync_now(pc1)
    sync.sync_now(pc2)
    assert rows_of(pc2, "corrective_actions", f"id = '{a}'")[0]["verified_by"] == "이검증"
    # Concurrently, offline: pc1 verifies and closes (verified_by unchanged); pc2 clears verified_by.
    actions.verify_and_close(pc1, a, verified_by="이검증", verified_on=today, effective=True)
    records.update(pc2, "corrective_actions", a, {"verified_by": None}, actor="tester")
    # Each side is valid alone.
    for ws in (pc1, pc2):
        assert (
            invariants.check("corrective_actions", rows_of(ws, "corrective_actions", f"id = '{a}'")[0]) == []
        )
    sync.sync_now(pc1)
    sync.sync_now(pc2)
    sync.sync_now(pc1)
    merged = server_records(pg, tenant.id, "corrective_actions")[a]
    # The fault: the merged state breaks a cross-field rule, and it was stored anyway.
    assert merged["status"] == "verified" and merged["verified_by"] is None
    broken = invariants.check("corrective_actions", merged)
    assert broken
    for ws in (pc1, pc2):
        found = [c for c in sync.conflicts(ws) if c.kind == "invariant" and c.record_id == a]
        assert sorted(c.field for c in found) == sorted(broken) == [invariants.ACTION_VERIFIED_NEEDS_VERIFIER]
        row = rows_of(ws, "corrective_actions", f"id = '{a}'")[0]
        assert row["status"] == "verified" and row["verified_by"] is None
    # The outbox is not wedged: a later edit still syncs.
    records.update(pc2, "corrective_actions", a, {"verified_by": "박반장"}, actor="tester")
    sync.sync_now(pc2)
    assert pending(pc2) == 0
    sync.sync_now(pc1)
    assert rows_of(pc1, "corrective_actions", f"id = '{a}'")[0]["verified_by"] == "박반장"
    assert server_records(pg, tenant.id, "corrective_actions")[a]["verified_by"] == "박반장"
