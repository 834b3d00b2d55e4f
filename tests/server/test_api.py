"""The sync API against a real PostgreSQL: protocol, idempotency, errors, limits, audit chain."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from safetydesk.core.sync import protocol
from safetydesk.server import admin, audit
from tests.integration.servers import PgCluster
from tests.server.conftest import Device, TestClient, make_config

pytestmark = pytest.mark.integration  # real PostgreSQL (and SeaweedFS for blobs)


def now_ms() -> int:
    return int(time.time() * 1000)


def test_push_pull_duplicate_and_pages(client: TestClient, enrol: Callable[..., Device]) -> None:
    a = enrol(client, name="office")
    b = enrol(client, a.tenant_id, name="floor")
    ms = now_ms()
    changes = [
        a.change("findings", str(uuid.uuid4()), {"description": f"n{i}", "status": "open"}, ms=ms + i)
        for i in range(5)
    ]
    r = a.push(changes)
    assert r.status_code == 200, r.text
    assert protocol.SERVER_TIME_HEADER.lower() in {k.lower() for k in r.headers}
    body = r.json()
    assert [x["status"] for x in body["results"]] == ["applied"] * 5
    assert [x["seq"] for x in body["results"]] == [1, 2, 3, 4, 5] and body["head"] == 5
    # The same batch again: duplicates with the original seqs, nothing new.
    again = a.push(changes).json()
    assert [(x["status"], x["seq"]) for x in again["results"]] == [("duplicate", s) for s in range(1, 6)]
    assert again["head"] == 5
    # b pulls in pages of 2.
    seen: list[int] = []
    cursor, more = 0, True
    while more:
        page = b.pull(cursor, limit=2).json()
        seen += [rec["server_seq"] for rec in page["records"]]
        assert page["head"] == 5
        cursor, more = page["next"], page["more"]
    assert seen == [1, 2, 3, 4, 5]
    empty = b.pull(5).json()
    assert empty == {"records": [], "next": 5, "more": False, "head": 5}
    rec = b.pull(0, limit=1).json()["records"][0]
    assert rec["entity"] == "findings" and rec["data"] == {"description": "n0", "status": "open"}
    assert rec["meta"]["status"] == {"h": a.hlc(ms), "s": 1, "d": a.id} and rec["deleted"] is False
    # A cursor past the head: the server was restored from a backup.
    r = b.pull(6)
    assert r.status_code == 409 and r.json()["detail"] == {
        "code": protocol.ERR_CURSOR_AHEAD,
        "message": r.json()["detail"]["message"],
        "head": 5,
    }


def test_concurrent_edit_makes_one_conflict_record_pulled_by_everyone(
    client: TestClient, enrol: Callable[..., Device], pg: PgCluster
) -> None:
    a = enrol(client, name="office")
    b = enrol(client, a.tenant_id, name="floor")
    rid, ms = str(uuid.uuid4()), now_ms()
    assert (
        a.push([a.change("findings", rid, {"status": "open", "severity": "low"}, ms=ms)]).status_code == 200
    )
    ra = a.push([a.change("findings", rid, {"status": "done"}, ms=ms + 10, base={"status": 1})]).json()
    rb = b.push(
        [
            b.change(
                "findings",
                rid,
                {"status": "cancelled", "severity": "high"},
                ms=ms + 20,
                base={"status": 1, "severity": 1},
            )
        ]
    ).json()
    assert ra["results"][0]["conflicts"] == []
    (cid,) = rb["results"][0]["conflicts"]
    records = a.pull(0).json()["records"]
    final = next(r for r in records if r["entity"] == "findings")
    assert final["data"] == {"status": "cancelled", "severity": "high"}
    (conflict,) = [r for r in records if r["entity"] == protocol.CONFLICT_ENTITY]
    assert conflict["id"] == cid and conflict["server_seq"] == 4
    data = conflict["data"]
    assert (data["kind"], data["field"], data["resolved"]) == ("field", "status", False)
    assert data["winner"]["value"] == "cancelled" and data["winner"]["device_name"] == "floor"
    assert data["loser"] == {
        "value": "done",
        "hlc": a.hlc(ms + 10),
        "device": a.id,
        "device_name": "office",
        "seq": 2,
    }
    view = pg.sql("SELECT kind, field, resolved FROM sync.sync_conflict WHERE id = %s", (cid,))
    assert view == [("field", "status", False)]
    # Resolving is an upsert of the conflict record.
    r = a.push(
        [
            a.change(
                protocol.CONFLICT_ENTITY,
                cid,
                {"resolved": True, "resolved_by": "kim", "resolved_at": "2026-11-24T00:00:00Z"},
                ms=ms + 30,
            )
        ]
    )
    assert r.json()["results"][0]["conflicts"] == []
    assert pg.sql("SELECT resolved, resolved_by FROM sync.sync_conflict WHERE id = %s", (cid,)) == [
        (True, "kim")
    ]


def test_clock_skew_clamped_before_it_is_stored(
    client: TestClient, enrol: Callable[..., Device], pg: PgCluster
) -> None:
    a = enrol(client)
    rid, day = str(uuid.uuid4()), 24 * 3600 * 1000
    before = now_ms()
    r = a.push([a.change("findings", rid, {"status": "open"}, ms=before + day)]).json()
    assert len(r["results"][0]["conflicts"]) == 1
    stored_hlc, payload_hlc = pg.sql(
        "SELECT hlc, payload->>'hlc' FROM sync.change WHERE tenant_id = %s", (a.tenant_id,)
    )[0]
    assert payload_hlc == a.hlc(before + day)  # the original stays in change.payload
    assert before <= protocol.hlc_ms(stored_hlc) <= now_ms()
    rec = next(x for x in a.pull().json()["records"] if x["entity"] == "findings")
    assert rec["meta"]["status"]["h"] == stored_hlc
    kinds = [x["data"]["kind"] for x in a.pull().json()["records"] if x["entity"] == protocol.CONFLICT_ENTITY]
    assert kinds == ["clock_skew"]


def test_device_rewind_is_refused(client: TestClient, enrol: Callable[..., Device], pg: PgCluster) -> None:
    a = enrol(client)
    ms = now_ms()
    first = [a.change("findings", str(uuid.uuid4()), {"status": "open"}, ms=ms + i) for i in range(3)]
    assert a.push(first).status_code == 200
    # A clone restored from an old backup: new change ids with local seqs already used.
    clone = [a.change("findings", str(uuid.uuid4()), {"status": "x"}, ms=ms + 10, local_seq=2)]
    r = a.push(clone)
    assert r.status_code == 409 and r.json()["detail"]["code"] == protocol.ERR_DEVICE_REWOUND
    # The old ones are still duplicates (not a rewind), and nothing was written by the refused batch.
    assert [x["status"] for x in a.push(first).json()["results"]] == ["duplicate"] * 3
    assert pg.scalar("SELECT count(*) FROM sync.change WHERE tenant_id = %s", (a.tenant_id,)) == 3
    # The same change ids from a re-enrolled device are duplicates too (nothing applied twice).
    a2 = enrol(client, a.tenant_id, name="re-enrolled")
    assert [x["status"] for x in a2.push(first).json()["results"]] == ["duplicate"] * 3


def test_missing_blob_rolls_back_the_whole_batch(
    client: TestClient, enrol: Callable[..., Device], pg: PgCluster
) -> None:
    a = enrol(client)
    ms, sha = now_ms(), "ab" * 32
    batch = [
        a.change("findings", str(uuid.uuid4()), {"status": "open"}, ms=ms),
        a.change("attachment_links", str(uuid.uuid4()), {"sha256": sha, "entity": "findings"}, ms=ms + 1),
        a.change(
            "form_records",
            str(uuid.uuid4()),
            {"_children.form_answers": [{"id": "1", "attachments": ["cd" * 32]}]},
            ms=ms + 2,
        ),
    ]
    r = a.push(batch)
    assert r.status_code == 409
    detail = r.json()["detail"]
    assert detail["code"] == protocol.ERR_MISSING_BLOBS and detail["missing_blobs"] == sorted(
        [sha, "cd" * 32]
    )
    assert pg.scalar("SELECT count(*) FROM sync.change WHERE tenant_id = %s", (a.tenant_id,)) == 0
    assert pg.scalar("SELECT head_seq FROM sync.tenant WHERE id = %s", (a.tenant_id,)) == 0
    assert pg.scalar("SELECT last_local_seq FROM sync.device WHERE id = %s", (a.id,)) == 0


def test_schema_426_revoked_401_and_bad_tokens(
    client: TestClient, enrol: Callable[..., Device], pg: PgCluster
) -> None:
    a = enrol(client)
    for schema in (None, "2", "abc"):
        headers = {"Authorization": a.headers["Authorization"]}
        if schema is not None:
            headers[protocol.SCHEMA_HEADER] = schema
        r = client.get("/v1/status", headers=headers)
        assert r.status_code == 426
        assert r.json()["detail"]["code"] == protocol.ERR_UPGRADE_REQUIRED
        assert r.json()["detail"]["min_schema"] == protocol.SCHEMA_CURRENT - 1
    assert client.get("/v1/status", headers={**a.headers, protocol.SCHEMA_HEADER: "3"}).status_code == 200
    old_body = {"schema_version": 2, "changes": [], "audit": []}
    assert client.post("/v1/push", json=old_body, headers=a.headers).status_code == 426
    # A tenant may raise its minimum.
    strict = admin.create_tenant(pg.owner_dsn, "strict", min_schema=protocol.SCHEMA_CURRENT)
    s = enrol(client, strict)
    r = client.get("/v1/status", headers={**s.headers, protocol.SCHEMA_HEADER: "3"})
    assert r.status_code == 426 and r.json()["detail"]["min_schema"] == protocol.SCHEMA_CURRENT
    assert s.get("/v1/status").status_code == 200
    # Unknown token, missing token.
    for auth in ("Bearer nope", "", "Basic abc"):
        r = client.get("/v1/status", headers={"Authorization": auth, protocol.SCHEMA_HEADER: "4"})
        assert r.status_code == 401 and r.json()["detail"]["code"] == protocol.ERR_UNAUTHORIZED
        assert protocol.SERVER_TIME_HEADER in r.headers
    # Revocation through the API (another PC of the firm) and through admin.
    b = enrol(client, a.tenant_id, name="lost laptop")
    assert a.client.post(f"/v1/devices/{b.id}/revoke", headers=a.headers).json() == {"revoked": True}
    assert b.get("/v1/status").status_code == 401
    devices = {d["id"]: d for d in a.get("/v1/devices").json()["devices"]}
    assert devices[b.id]["revoked_at"] is not None and devices[a.id]["revoked_at"] is None
    admin.revoke_device(pg.owner_dsn, a.id)
    assert a.pull().status_code == 401
    # Another tenant's device id cannot be revoked.
    c = enrol(client, name="other")
    assert client.post(f"/v1/devices/{s.id}/revoke", headers=c.headers).status_code == 404


def test_enrolment_codes_single_use_hashed_and_expiring(
    client: TestClient, enrol: Callable[..., Device], pg: PgCluster
) -> None:
    a = enrol(client)
    r = a.client.post("/v1/enrolment-codes", json={"hours": 2}, headers=a.headers)
    assert r.status_code == 200
    code = r.json()["code"]
    assert client.post("/v1/enrolment-codes", json={"hours": 25}, headers=a.headers).status_code == 400
    stored = pg.sql("SELECT code_sha256 FROM sync.enrolment_code WHERE tenant_id = %s", (a.tenant_id,))
    assert bytes(admin.code_digest(code)) in [bytes(x[0]) for x in stored]
    assert all(code.encode() not in bytes(x[0]) for x in stored)
    ok = client.post(
        "/v1/devices/enroll", json={"code": code.lower().replace("-", " "), "device_name": "pc2"}
    )
    assert ok.status_code == 200 and ok.json()["tenant_id"] == a.tenant_id and ok.json()["head"] == 0
    again = client.post("/v1/devices/enroll", json={"code": code, "device_name": "pc3"})
    assert again.status_code == 401
    old = admin.create_enrolment_code(pg.owner_dsn, a.tenant_id, hours=1)
    pg.sql(
        "UPDATE sync.enrolment_code SET expires_at = now() - interval '1 second' WHERE code_sha256 = %s",
        (admin.code_digest(old),),
    )
    assert client.post("/v1/devices/enroll", json={"code": old, "device_name": "pc4"}).status_code == 401
    with pytest.raises(ValueError):
        admin.create_enrolment_code(pg.owner_dsn, a.tenant_id, hours=25)
    # Tokens are stored as SHA-256 only.
    token_rows = pg.sql("SELECT token_sha256 FROM sync.device WHERE tenant_id = %s", (a.tenant_id,))
    assert bytes(admin.token_digest(a.token)) in [bytes(x[0]) for x in token_rows]


def test_rate_limit_and_body_limit(
    make_client: Callable[..., TestClient], enrol: Callable[..., Device], pg: PgCluster
) -> None:
    client = make_client(make_config(pg, rate_per_minute=3, max_body=2000))
    a = enrol(client)
    codes = [a.get("/v1/status").status_code for _ in range(4)]
    assert codes[:3] == [200, 200, 200] and codes[3] == 429
    r = a.get("/v1/status")
    assert r.status_code == 429 and r.json()["detail"]["code"] == protocol.ERR_RATE_LIMITED
    assert int(r.headers["Retry-After"]) >= 1
    b = enrol(client, a.tenant_id)  # per device: another PC is not limited
    big = [b.change("findings", str(uuid.uuid4()), {"description": "x" * 3000}, ms=now_ms())]
    r = b.push(big)
    assert r.status_code == 413 and r.json()["detail"]["code"] == protocol.ERR_TOO_LARGE


def test_audit_chain_verify_tamper_and_signed_checkpoint(
    client: TestClient, enrol: Callable[..., Device], pg: PgCluster
) -> None:
    a = enrol(client, name="office")
    b = enrol(client, a.tenant_id, name="floor")

    def event(dev: Device, n: int) -> dict[str, Any]:
        return {
            "event_id": str(uuid.uuid4()),
            "hlc": dev.hlc(now_ms()),
            "data": {
                "at": "2026-06-30T23:59:59Z",
                "actor": "김",
                "action": "create",
                "entity": "findings",
                "record_id": str(uuid.uuid4()),
                "row_digest": "0" * 64,
                "children_digest": None,
                "summary": f"안전 {n}",
                "local_seq": n,
            },
        }

    ev_a = [event(a, i) for i in range(1, 4)]
    r = a.push([], ev_a).json()
    assert [(x["status"], x["seq"]) for x in r["audit"]] == [("applied", 1), ("applied", 2), ("applied", 3)]
    assert [x["status"] for x in a.push([], ev_a[:1]).json()["audit"]] == ["duplicate"]
    b.push([], [event(b, 1), event(b, 2)])
    ok = a.get("/v1/audit/verify").json()
    assert ok["ok"] is True and ok["events"] == 5
    # The head is the chain recomputed here, independently.
    rows = pg.sql("SELECT payload FROM sync.audit_event WHERE tenant_id = %s ORDER BY seq", (a.tenant_id,))
    head = b""
    for (payload,) in rows:
        head = audit.chain_hash(head, payload)
    assert ok["head"] == head.hex()
    assert admin.verify_audit(pg.owner_dsn, a.tenant_id) == ok
    cp = a.get("/v1/audit/checkpoint").json()
    assert cp["audit_seq"] == 5 and cp["head"] == head.hex()
    key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(cp["public_key"]))
    key.verify(
        bytes.fromhex(cp["signature"]),
        audit.checkpoint_message(a.tenant_id, cp["audit_seq"], cp["head"], cp["signed_at"]),
    )
    # The API role may not rewrite history.
    with psycopg.connect(pg.app_dsn) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT set_config('app.tenant_id', %s, true)", (a.tenant_id,))
        conn.execute("UPDATE sync.audit_event SET payload = '{}' WHERE seq = 2")
    # A superuser edit of event 3 is found.
    pg.sql(
        "UPDATE sync.audit_event SET payload = jsonb_set(payload, '{data,summary}', '\"tampered\"')"
        " WHERE tenant_id = %s AND seq = 3",
        (a.tenant_id,),
    )
    bad = a.get("/v1/audit/verify").json()
    assert bad == {"ok": False, "broken_at": 3, "events": 2}
    assert admin.verify_audit(pg.owner_dsn, a.tenant_id) == bad


def test_test_hook_holds_the_push_transaction_open(
    client: TestClient, enrol: Callable[..., Device], pg: PgCluster
) -> None:
    a = enrol(client)
    errors: list[BaseException] = []
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            r = a.push(
                [a.change("findings", str(uuid.uuid4()), {"status": "open"}, ms=now_ms())],
                **{"X-Test-Sleep-Before-Commit": "2"},
            )
            result["status"] = r.status_code
        except BaseException as exc:
            errors.append(exc)

    t = threading.Thread(target=run)
    t.start()
    seen = False
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not seen:
        seen = bool(
            pg.sql(
                "SELECT 1 FROM pg_stat_activity WHERE usename = 'sync_app' AND state = 'idle in transaction'"
            )
        )
        time.sleep(0.05)
    assert pg.scalar("SELECT count(*) FROM sync.change WHERE tenant_id = %s", (a.tenant_id,)) == 0
    # The same PC's status and pull do not wait for its open push (reads and a SKIP LOCKED touch).
    t0 = time.monotonic()
    assert a.get("/v1/status").json()["head"] == 0
    assert a.pull().json()["records"] == []
    assert time.monotonic() - t0 < 1.0
    assert t.is_alive()
    t.join(10)
    if errors:
        raise errors[0]
    assert seen and result["status"] == 200
    assert pg.scalar("SELECT count(*) FROM sync.change WHERE tenant_id = %s", (a.tenant_id,)) == 1


def test_concurrent_pushes_get_gapless_seqs_in_commit_order(
    client: TestClient, enrol: Callable[..., Device], pg: PgCluster
) -> None:
    devices = [enrol(client)]
    devices += [enrol(client, devices[0].tenant_id) for _ in range(2)]
    errors: list[BaseException] = []

    def run(dev: Device) -> None:
        try:
            for i in range(10):
                batch = [dev.change("findings", str(uuid.uuid4()), {"n": i}, ms=now_ms()) for _ in range(5)]
                assert dev.push(batch).status_code == 200
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(d,)) for d in devices]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    if errors:
        raise errors[0]
    seqs = [
        r[0]
        for r in pg.sql(
            "SELECT server_seq FROM sync.change WHERE tenant_id = %s ORDER BY server_seq",
            (devices[0].tenant_id,),
        )
    ]
    assert seqs == list(range(1, 151))
    assert pg.scalar("SELECT head_seq FROM sync.tenant WHERE id = %s", (devices[0].tenant_id,)) == 150


def test_health_and_server_time_on_every_response(client: TestClient) -> None:
    r = client.get("/v1/health")
    assert r.json() == {"ok": True, "db": True, "s3": False}
    before = now_ms()
    for resp in (
        r,
        client.get("/v1/nowhere"),
        client.post("/v1/devices/enroll", json={"code": "x", "device_name": "y"}),
    ):
        assert abs(int(resp.headers[protocol.SERVER_TIME_HEADER]) - before) < 60_000


def test_every_error_body_is_structured(client: TestClient, enrol: Callable[..., Device]) -> None:
    a = enrol(client)
    for resp in (
        client.get("/v1/nowhere"),
        a.get("/v1/pull?since=abc"),
        client.post("/v1/push", content=b"not json", headers=a.headers),
        client.post("/v1/push", json={"changes": [{"op": "upsert"}]}, headers=a.headers),
        client.post(
            "/v1/push",
            json={"changes": [a.change("findings", "r", {}, ms=1, local_seq=0)]},
            headers=a.headers,
        ),
        client.get("/v1/blobs/" + "zz" * 32, headers=a.headers),
        client.put("/v1/blobs/abc", content=b"x", headers=a.headers),
    ):
        detail = resp.json()["detail"]
        assert resp.status_code in (400, 404), resp.text
        assert isinstance(detail["code"], str) and isinstance(detail["message"], str)
        assert protocol.SERVER_TIME_HEADER in resp.headers


def test_test_hooks_are_ignored_unless_enabled(
    make_client: Callable[..., TestClient], enrol: Callable[..., Device], pg: PgCluster
) -> None:
    client = make_client(make_config(pg, test_hooks=False))
    a = enrol(client)
    t0 = time.monotonic()
    r = a.push(
        [a.change("findings", str(uuid.uuid4()), {"status": "open"}, ms=now_ms())],
        **{"X-Test-Sleep-Before-Commit": "5"},
    )
    assert r.status_code == 200 and time.monotonic() - t0 < 3


def test_database_down_answers_503_and_recovers(
    client: TestClient, enrol: Callable[..., Device], pg: PgCluster
) -> None:
    a = enrol(client)
    assert a.get("/v1/status").status_code == 200  # the pool holds a live connection now
    pg.stop()
    try:
        t0 = time.monotonic()
        r = a.get("/v1/status")
        assert r.status_code == 503 and r.json()["detail"]["code"] == "unavailable"
        h = client.get("/v1/health")
        assert h.status_code == 503 and h.json()["db"] is False
        assert time.monotonic() - t0 < 20
    finally:
        pg.start()
    deadline = time.monotonic() + 15
    while a.get("/v1/status").status_code != 200:
        assert time.monotonic() < deadline, "the pool did not recover"
        time.sleep(0.2)
    assert client.get("/v1/health").json()["db"] is True


def test_the_pc_whose_edit_lost_pulls_the_winner_back(
    client: TestClient, enrol: Callable[..., Device]
) -> None:
    a = enrol(client, name="office")
    b = enrol(client, a.tenant_id, name="floor")
    rid, ms = str(uuid.uuid4()), now_ms()
    a.push([a.change("findings", rid, {"status": "open"}, ms=ms)])
    a.push([a.change("findings", rid, {"status": "done"}, ms=ms + 100, base={"status": 1})])
    assert b.pull(0).json()["head"] == 2
    # B had pulled only seq 1 when it edited; its older HLC loses.
    lost = b.push(
        [b.change("findings", rid, {"status": "cancelled"}, ms=ms + 50, base={"status": 1}, base_seq=1)]
    )
    seq = lost.json()["results"][0]["seq"]
    page = b.pull(2).json()
    found = next(r for r in page["records"] if r["entity"] == "findings")
    assert found["server_seq"] == seq and found["data"]["status"] == "done"


def test_pooled_connections_never_keep_a_tenant_scope(
    client: TestClient, enrol: Callable[..., Device]
) -> None:
    a = enrol(client)
    for _ in range(3):
        assert a.get("/v1/status").status_code == 200
        assert a.pull().status_code == 200
    api = client.app.state.api  # type: ignore[attr-defined]
    for _ in range(api.config.pool_max):
        with api.connection() as conn, conn.transaction():
            scope = conn.execute("SELECT current_setting('app.tenant_id', true)").fetchone()[0]
            assert scope in (None, "")
            assert conn.execute("SELECT count(*) FROM sync.record").fetchone() == (0,)
