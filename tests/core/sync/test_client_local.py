"""The sync client without a server: outbox base capture, applying hand-made pull pages, the
migration of a rev0003 workspace with unsent changes, and the token store's file fallback."""

from __future__ import annotations

import json
import stat
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from safetydesk.core.audit import chain
from safetydesk.core.clock import new_id
from safetydesk.core.db.tables import audit_events, sync_base, sync_outbox, sync_rows, sync_state
from safetydesk.core.services import records
from safetydesk.core.sync import client as sync
from safetydesk.core.sync import protocol, tokens
from safetydesk.core.sync.state import put
from safetydesk.core.workspace.workspace import Workspace, open_workspace

DEVICE_A = "aaaaaaaa-0000-4000-8000-000000000001"  # "another PC"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "workspaces"


def _enrolled(ws: Workspace, cursor: int = 0) -> None:
    """What enrol leaves behind, without a server (the tests below never talk to one)."""
    with ws.writer() as conn:
        put(
            conn,
            {
                "cursor": cursor,
                "tenant_id": "tenant-1",
                "tenant_name": "동남정밀",
                "device_name": "office",
                "enabled": "1",
                "url": "http://127.0.0.1:9",
            },
        )
        conn.execute(sync_outbox.delete())


def _verify_ok(ws: Workspace) -> None:
    with ws.reader() as conn:
        report = chain.verify(conn)
    assert report.ok, (report.broken_reason, report.tampered[:3])


def _count(ws: Workspace, table: Any, *where: Any) -> int:
    with ws.reader() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar() or 0)


def _outbox(ws: Workspace) -> list[dict[str, Any]]:
    with ws.reader() as conn:
        return [
            dict(r) for r in conn.execute(select(sync_outbox).order_by(sync_outbox.c.local_seq)).mappings()
        ]


def _bases(ws: Workspace, record_id: str) -> dict[str, int]:
    with ws.reader() as conn:
        found = conn.execute(select(sync_base.c.fields).where(sync_base.c.record_id == record_id)).scalar()
    return dict(found or {})


def _meta(seq: int, fields: list[str], device: str = DEVICE_A) -> dict[str, Any]:
    return {
        f: {"h": protocol.make_hlc(1_790_000_000_000 + seq, 0, device), "s": seq, "d": device} for f in fields
    }


def _site_record(site_id: str, seq: int, **data: Any) -> dict[str, Any]:
    full = {
        "id": site_id,
        "created_at": "2026-11-20T01:00:00Z",
        "updated_at": "2026-11-20T01:00:00Z",
        "deleted_at": None,
        "created_by": "kim",
        "name": "동남정밀 2공장",
        "name_en": None,
        "address": "부산",
        "business_reg_no": None,
        "insurance_no": None,
        "ksic_code": None,
        "industry": None,
        "uses_contractors": False,
        "floor_plan_sha256": None,
    }
    full.update(data)
    return {
        "entity": "sites",
        "id": site_id,
        "data": full,
        "meta": _meta(seq, list(full)),
        "deleted": False,
        "server_seq": seq,
    }


# -- base capture ------------------------------------------------------------------------------------


def test_outbox_captures_base_and_cursor_at_write_time_not_push_time(ws: Workspace) -> None:
    _enrolled(ws, cursor=0)
    site = new_id()
    sync.apply_page(ws, {"records": [_site_record(site, 7)], "next": 7, "more": False, "head": 7})
    assert len(_bases(ws, site)) == 14

    records.update(ws, "sites", site, {"address": "부산 사상구"})
    [row] = _outbox(ws)
    assert row["base"] == {"address": 7, "updated_at": 7}
    assert row["base_seq"] == 7

    # A pull between the write and the push moves sync_base and the cursor on ...
    other = _site_record(site, 12, address="울산", name="새 이름")
    sync.apply_page(ws, {"records": [other], "next": 12, "more": False, "head": 12})
    # ... but the pending edit keeps the base it was made on (else it would look causally newer).
    [row] = _outbox(ws)
    assert row["base"] == {"address": 7, "updated_at": 7} and row["base_seq"] == 7
    # The pending field was not overwritten and its base not advanced; the other field was applied.
    got = records.get(ws, "sites", site)
    assert got["address"] == "부산 사상구" and got["name"] == "새 이름"
    bases = _bases(ws, site)
    assert bases["address"] == 7 and bases["updated_at"] == 7 and bases["name"] == 12
    _verify_ok(ws)


def test_never_synced_workspace_writes_no_base(ws: Workspace) -> None:
    site = records.create(ws, "sites", {"name": "본사"}).id
    rows = [r for r in _outbox(ws) if r["record_id"] == site]
    assert rows and rows[0]["base"] is None and rows[0]["base_seq"] is None


def test_children_marker_names_every_child_table_of_the_parent(ws: Workspace) -> None:
    from safetydesk.core.services.base import run

    refs_site = records.create(ws, "sites", {"name": "본사"}).id
    person = records.create(
        ws,
        "people",
        {"site_id": refs_site, "name": "김", "kind": "worker", "job_type": "production", "roles": []},
    ).id
    training = records.create(
        ws,
        "trainings",
        {"course": "periodic", "title": "정기교육", "held_on": "2026-06-30", "hours": 2.0},
    ).id
    run(
        ws,
        "kim",
        lambda tx: tx.set_children(
            "trainings", training, "training_attendance", [{"person_id": person, "hours": 2.0}]
        ),
    )
    last = _outbox(ws)[-1]
    assert last["record_id"] == training and last["fields"]["_children"] == ["training_attendance"]


# -- applying pages ------------------------------------------------------------------------------------


def test_apply_page_is_idempotent_and_keeps_verify_green(ws: Workspace) -> None:
    _enrolled(ws)
    site = new_id()
    page = {"records": [_site_record(site, 3)], "next": 3, "more": False, "head": 3}
    events_before = _count(ws, audit_events)
    assert sync.apply_page(ws, page) == 1
    assert records.get(ws, "sites", site)["name"] == "동남정밀 2공장"
    events_after = _count(ws, audit_events)
    assert events_after == events_before + 1
    with ws.reader() as conn:
        last = (
            conn.execute(select(audit_events).order_by(audit_events.c.seq.desc()).limit(1)).mappings().one()
        )
        cursor = conn.execute(select(sync_state.c.value).where(sync_state.c.key == "cursor")).scalar()
    assert last["action"] == "sync" and last["actor"] == "sync:office" and last["record_id"] == site
    assert cursor == "3"
    digest = sync.state_digest(ws)

    assert sync.apply_page(ws, page) == 0  # the same page again: nothing changes
    assert _count(ws, audit_events) == events_after
    assert sync.state_digest(ws) == digest
    assert _outbox(ws) == []  # applying never writes the outbox
    _verify_ok(ws)

    # An older version of the record (lower seq) never overwrites a newer one.
    old = _site_record(site, 2, name="옛 이름")
    sync.apply_page(ws, {"records": [old], "next": 3, "more": False, "head": 3})
    assert records.get(ws, "sites", site)["name"] == "동남정밀 2공장"


def test_pending_delete_protects_every_field(ws: Workspace) -> None:
    from datetime import date

    _enrolled(ws)
    site = new_id()
    sync.apply_page(ws, {"records": [_site_record(site, 3)], "next": 3, "more": False, "head": 3})
    records.delete(ws, "sites", site, today=date(2026, 11, 24))
    assert _outbox(ws)[-1]["op"] == "delete"
    sync.apply_page(
        ws, {"records": [_site_record(site, 9, name="살아있음")], "next": 9, "more": False, "head": 9}
    )
    got = records.get(ws, "sites", site)
    assert got["deleted_at"] is not None and got["name"] == "동남정밀 2공장"
    _verify_ok(ws)


def test_records_may_arrive_before_their_parents_across_pages(ws: Workspace) -> None:
    """An area (seq 4) refers to a site that comes in the next page (the site was edited later)."""
    _enrolled(ws)
    site, area = new_id(), new_id()
    area_data = {
        "id": area,
        "created_at": "2026-11-20T01:00:00Z",
        "updated_at": "2026-11-20T01:00:00Z",
        "deleted_at": None,
        "created_by": "kim",
        "site_id": site,
        "code": "P1",
        "name": "프레스",
        "name_en": None,
        "hazard_tags": ["press"],
        "workers_exposed": 3,
        "polygon": None,
        "description": None,
    }
    page1 = {
        "records": [
            {
                "entity": "areas",
                "id": area,
                "data": area_data,
                "meta": _meta(4, list(area_data)),
                "deleted": False,
                "server_seq": 4,
            }
        ],
        "next": 4,
        "more": True,
        "head": 9,
    }
    assert sync.apply_page(ws, page1) == 1
    assert sync.apply_page(ws, {"records": [_site_record(site, 9)], "next": 9, "more": False, "head": 9}) == 1
    assert records.get(ws, "areas", area)["hazard_tags"] == ["press"]
    with ws.reader() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # switched back on
    _verify_ok(ws)


def test_children_travel_as_whole_lists(ws: Workspace) -> None:
    _enrolled(ws)
    site = records.create(ws, "sites", {"name": "본사"}).id
    person = records.create(
        ws, "people", {"site_id": site, "name": "김", "kind": "worker", "job_type": "production", "roles": []}
    ).id
    with ws.writer() as conn:
        conn.execute(sync_outbox.delete())
    training = new_id()
    data = {
        "id": training,
        "created_at": "2026-06-30T01:00:00Z",
        "updated_at": "2026-06-30T01:00:00Z",
        "deleted_at": None,
        "created_by": "kim",
        "status": "draft",
        "locked_at": None,
        "revision_of": None,
        "revision_no": 1,
        "retention_until": None,
        "course": "periodic",
        "title": "상반기 정기교육",
        "held_on": "2026-06-30",
        "hours": 3.0,
        "instructor": None,
        "instructor_qualification": None,
        "method": "in_person",
        "content": None,
        "language": "ko",
        "_children.training_attendance": [
            {"id": "b-2", "training_id": training, "person_id": person, "hours": 3.0, "signed": True},
            {"id": "a-1", "training_id": training, "person_id": person, "hours": 1.5, "signed": False},
        ],
    }
    rec = {
        "entity": "trainings",
        "id": training,
        "data": data,
        "meta": _meta(5, list(data)),
        "deleted": False,
        "server_seq": 5,
    }
    sync.apply_page(ws, {"records": [rec], "next": 5, "more": False, "head": 5})
    digest = sync.state_digest(ws)[("trainings", training)]
    assert [r["id"] for r in digest["_children.training_attendance"]] == ["a-1", "b-2"]
    _verify_ok(ws)
    # A later version with one row fewer replaces the list.
    data2 = {**data, "_children.training_attendance": data["_children.training_attendance"][:1]}
    rec2 = {**rec, "data": data2, "meta": _meta(8, list(data2)), "server_seq": 8}
    sync.apply_page(ws, {"records": [rec2], "next": 8, "more": False, "head": 8})
    assert [
        r["id"] for r in sync.state_digest(ws)[("trainings", training)]["_children.training_attendance"]
    ] == ["b-2"]
    _verify_ok(ws)


def test_conflict_records_resolve_through_the_services(ws: Workspace) -> None:
    _enrolled(ws)
    site = new_id()
    sync.apply_page(
        ws, {"records": [_site_record(site, 3, address="울산")], "next": 3, "more": False, "head": 3}
    )
    cid = new_id()
    conflict = {
        "kind": "field",
        "entity": "sites",
        "record_id": site,
        "field": "address",
        "winner": {
            "value": "울산",
            "hlc": protocol.make_hlc(1_790_000_000_900, 0, DEVICE_A),
            "device": DEVICE_A,
            "device_name": "laptop",
            "seq": 3,
        },
        "loser": {
            "value": "부산",
            "hlc": protocol.make_hlc(1_790_000_000_100, 0, "me"),
            "device": "me",
            "device_name": "office",
            "seq": 2,
        },
        "rule": None,
        "resolved": False,
        "resolved_by": None,
        "resolved_at": None,
        "created_at": "2026-11-24T01:00:00Z",
    }
    page = {
        "records": [
            {
                "entity": "sync_conflict",
                "id": cid,
                "data": conflict,
                "meta": _meta(4, list(conflict)),
                "deleted": False,
                "server_seq": 4,
            }
        ],
        "next": 4,
        "more": False,
        "head": 4,
    }
    sync.apply_page(ws, page)
    [c] = sync.conflicts(ws)
    assert c.record_title == "동남정밀 2공장" and c.winner.value == "울산" and c.loser.device_name == "office"
    assert c.winner.at is not None and c.winner.at.endswith("Z")
    assert sync.status(ws).open_conflicts == 1

    changes = sync.resolve(ws, cid, keep="loser", actor="kim")
    assert ("sites", site) in {(e, i) for e, i, _a in changes.items}
    assert records.get(ws, "sites", site)["address"] == "부산"
    out = _outbox(ws)
    kinds = {(r["entity"], r["op"]) for r in out}
    assert kinds == {("sites", "upsert"), ("sync_conflict", "upsert")}
    [resolution] = [r for r in out if r["entity"] == "sync_conflict"]
    assert resolution["fields"]["resolved"] is True and resolution["fields"]["resolved_by"] == "kim"
    assert sync.conflicts(ws) == [] and len(sync.conflicts(ws, include_resolved=True)) == 1
    # The server echoes the conflict unresolved before our push lands: the local resolution stays.
    page["records"][0] = {**page["records"][0], "server_seq": 5, "meta": _meta(5, list(conflict))}
    page["next"] = 5
    sync.apply_page(ws, page)
    assert sync.conflicts(ws) == []
    _verify_ok(ws)


def test_join_replaces_default_rows_with_the_firms(ws: Workspace) -> None:
    from safetydesk.core.db.tables import form_templates

    _enrolled(ws)
    with ws.writer() as conn:
        put(conn, {"join_pending": "1"})
        local = conn.execute(select(form_templates).limit(1)).mappings().one()
    server_id = new_id()
    data = {**dict(local), "id": server_id}
    rec = {
        "entity": "form_templates",
        "id": server_id,
        "data": data,
        "meta": _meta(2, list(data)),
        "deleted": False,
        "server_seq": 2,
    }
    sync.apply_page(ws, {"records": [rec], "next": 2, "more": False, "head": 2})
    with ws.reader() as conn:
        ids = [
            r[0]
            for r in conn.execute(
                select(form_templates.c.id).where(
                    form_templates.c.code == local["code"], form_templates.c.version == local["version"]
                )
            )
        ]
    assert ids == [server_id]
    _verify_ok(ws)


# -- the push batch ------------------------------------------------------------------------------------


def test_push_batch_expands_children_and_skips_sync_audit_events(ws: Workspace) -> None:
    from safetydesk.core.services.base import run
    from safetydesk.core.sync.client import _read_batch

    _enrolled(ws)
    site = records.create(ws, "sites", {"name": "본사"}).id
    person = records.create(
        ws, "people", {"site_id": site, "name": "김", "kind": "worker", "job_type": "production", "roles": []}
    ).id
    training = records.create(
        ws, "trainings", {"course": "periodic", "title": "교육", "held_on": "2026-12-31", "hours": 1.0}
    ).id
    run(
        ws,
        "kim",
        lambda tx: tx.set_children(
            "trainings", training, "training_attendance", [{"person_id": person, "hours": 1.0}]
        ),
    )
    sync.apply_page(ws, {"records": [_site_record(new_id(), 3)], "next": 3, "more": False, "head": 3})
    batch = _read_batch(ws, 500, "dev")
    assert [c["local_seq"] for c in batch.changes] == sorted(c["local_seq"] for c in batch.changes)
    last = batch.changes[-1]
    assert "_children" not in last["fields"]
    [row] = last["fields"]["_children.training_attendance"]
    assert row["person_id"] == person and row["training_id"] == training
    assert all(e["data"]["action"] != "sync" for e in batch.audit)
    assert batch.max_audit == _count(ws, audit_events)  # the mark moves past the sync event too
    json.dumps({"changes": batch.changes, "audit": batch.audit})  # JSON-native


# -- migration -------------------------------------------------------------------------------------------


def test_rev0003_workspace_migrates_with_its_unsent_changes(tmp_path: Path) -> None:
    from safetydesk.core.sync.client import _read_batch

    path = tmp_path / "ws"
    with zipfile.ZipFile(FIXTURES / "rev0003.zip") as archive:
        archive.extractall(path)
    import sqlite3

    con = sqlite3.connect(path / "safetydesk.db")
    before = [
        tuple(r)
        for r in con.execute("SELECT local_seq, change_id, fields FROM sync_outbox ORDER BY local_seq")
    ]
    con.close()
    assert len(before) > 2000
    ws = open_workspace(path, create=False)
    try:
        assert ws.migrated_from == "0003"
        after = _outbox(ws)
        assert [(r["local_seq"], r["change_id"]) for r in after] == [(b[0], b[1]) for b in before]
        assert _count(ws, sync_rows) == 0
        batch = _read_batch(ws, 500, ws.device_id)
        assert (
            len(batch.changes) == 500 and batch.changes[0]["base"] == {} and batch.changes[0]["base_seq"] == 0
        )
        with_kids = [c for c in batch.changes if any(k.startswith("_children.") for k in c["fields"])]
        assert with_kids and all(
            isinstance(v, list)
            for c in with_kids
            for k, v in c["fields"].items()
            if k.startswith("_children.")
        )
        _verify_ok(ws)
    finally:
        ws.close()


# -- tokens ------------------------------------------------------------------------------------------------


def test_token_falls_back_to_a_private_file_when_no_keyring_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAFETYDESK_SYNC_TOKEN_DIR", str(tmp_path / "tokens"))
    monkeypatch.setenv("SAFETYDESK_SYNC_KEYRING", "1")  # try the keyring: this machine has no backend
    import keyring

    monkeypatch.setattr(keyring, "set_password", _no_keyring)
    monkeypatch.setattr(keyring, "get_password", _no_keyring)
    device = new_id()
    assert tokens.store(device, "s3cret") == "file"
    path = tmp_path / "tokens" / device
    assert path.read_text(encoding="utf-8") == "s3cret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert tokens.load(device) == "s3cret"
    tokens.forget(device)
    assert tokens.load(device) is None and not path.exists()
    with pytest.raises(ValueError):
        tokens.store("../escape", "x")


def _no_keyring(*_args: object) -> None:
    from keyring.errors import NoKeyringError

    raise NoKeyringError("no backend")


def test_hlc_running_ahead_of_server_time_is_reset_and_offset_kept(ws: Workspace) -> None:
    from safetydesk.core.sync.client import _note_clock
    from safetydesk.core.sync.transport import Transport

    _enrolled(ws)
    server_ms = 1_790_000_000_000
    with ws.writer() as conn:
        put(conn, {"hlc": f"{server_ms + 86_400_000}:3"})  # a day ahead (a PC whose clock was wrong)
    with Transport("http://127.0.0.1:9", None) as t:
        t.server_time_ms, t.local_time_ms = server_ms, server_ms + 86_400_000
        _note_clock(ws, t)
    with ws.reader() as conn:
        values = dict(conn.execute(select(sync_state.c.key, sync_state.c.value)).all())
    assert values["hlc"] == f"{server_ms}:0" and values["clock_offset_ms"] == str(-86_400_000)
    # The next write's HLC follows server time (local clock + offset), not the wrong local clock.
    records.create(ws, "sites", {"name": "본사"})
    hlc = _outbox(ws)[-1]["hlc"]
    import time

    assert abs(protocol.hlc_ms(hlc) - (int(time.time() * 1000) - 86_400_000)) < 60_000
