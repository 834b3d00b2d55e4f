"""The sync client end to end against the real server (PostgreSQL + SeaweedFS + uvicorn, H1's harness):
enrol (first / join), push, pull, photos both ways, a field conflict resolved on one PC reaching the
other, revoke → 401, and re-enrolment keeping the outbox."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from safetydesk.core.audit import chain
from safetydesk.core.db.tables import sync_log, sync_outbox
from safetydesk.core.i18n import current_language
from safetydesk.core.services import records
from safetydesk.core.services.base import run
from safetydesk.core.sync import client as sync
from safetydesk.core.sync.errors import SyncUnauthorized
from safetydesk.core.workspace.workspace import Workspace

pytestmark = pytest.mark.integration


def _verify_ok(ws: Workspace) -> None:
    with ws.reader() as conn:
        report = chain.verify(conn)
    assert report.ok, (report.broken_reason, report.tampered[:3])


def _pending(ws: Workspace) -> int:
    with ws.reader() as conn:
        return int(conn.execute(select(func.count()).select_from(sync_outbox)).scalar() or 0)


def _synced(ws: Workspace) -> dict[tuple[str, str], dict[str, Any]]:
    return {k: v for k, v in sync.state_digest(ws).items() if k[0] != "sync_conflict"}


def _make_records(ws: Workspace) -> dict[str, str]:
    from safetydesk.core.services.attachments import link, store_bytes

    site = records.create(ws, "sites", {"name": "동남정밀"}).id
    person = records.create(
        ws,
        "people",
        {"site_id": site, "name": "김안전", "kind": "worker", "job_type": "production", "roles": []},
    ).id
    training = records.create(
        ws,
        "trainings",
        {"course": "periodic", "title": "상반기 정기교육", "held_on": "2026-06-30", "hours": 3.0},
    ).id
    run(
        ws,
        "kim",
        lambda tx: tx.set_children(
            "trainings",
            training,
            "training_attendance",
            [{"person_id": person, "hours": 3.0, "signed": True}],
        ),
    )
    photo = os.urandom(300_000)

    def attach(tx: Any) -> None:
        sha = store_bytes(tx, photo, mime="image/jpeg", name="현장 사진.jpg")
        link(tx, sha, "sites", site, role="photo")

    run(ws, "kim", attach)
    return {"site": site, "person": person, "training": training}


def test_enrol_push_pull_photos_between_two_pcs(
    make_tenant: Callable[..., Any], sync_ws: Callable[..., Workspace], api: Any
) -> None:
    tenant = make_tenant()
    pc1 = sync_ws(tenant, "pc1")
    assert sync.status(pc1).enrolled and sync.status(pc1).tenant_name == tenant.name
    ids = _make_records(pc1)
    assert _pending(pc1) >= 5

    report1 = sync.sync_now(pc1)
    assert report1.pushed >= 5 and report1.uploaded == 1 and _pending(pc1) == 0
    assert report1.head >= report1.pushed
    assert sync.status(pc1).photos_uploaded == sync.status(pc1).photos_total == 1

    pc2 = sync_ws(tenant, "pc2")
    report2 = sync.sync_now(pc2)
    assert report2.pulled == 4 and report2.downloaded == 1  # site, person, training, photo link
    assert _synced(pc2) == _synced(pc1)
    [sha] = [v["sha256"] for k, v in _synced(pc2).items() if k[0] == "attachment_links"]
    assert pc2.attachments.check(sha)
    with pc2.reader() as conn:
        row = conn.exec_driver_sql("SELECT size, mime, original_name FROM attachments").one()
    assert tuple(row) == (300_000, "image/jpeg", "현장 사진.jpg")
    _verify_ok(pc1)
    _verify_ok(pc2)

    # An edit on pc2 reaches pc1; the echo of pc1's own changes changes nothing there.
    records.update(pc2, "sites", ids["site"], {"address": "부산 사상구"})
    assert sync.sync_now(pc2).pushed == 1
    sync.sync_now(pc1)
    assert records.get(pc1, "sites", ids["site"])["address"] == "부산 사상구"
    assert _synced(pc1) == _synced(pc2)
    idle = sync.sync_now(pc1)
    assert (idle.pushed, idle.pulled, idle.uploaded, idle.downloaded) == (0, 0, 0, 0)
    with pc1.reader() as conn:
        assert (
            conn.execute(select(func.count()).select_from(sync_log).where(sync_log.c.ok.is_(True))).scalar()
            == 3
        )
    _verify_ok(pc1)
    _verify_ok(pc2)


def test_concurrent_edit_conflict_resolved_on_one_pc_reaches_the_other(
    make_tenant: Callable[..., Any], sync_ws: Callable[..., Workspace], api: Any
) -> None:
    tenant = make_tenant()
    pc1 = sync_ws(tenant, "pc1")
    site = records.create(pc1, "sites", {"name": "본사", "address": "원래 주소"}).id
    sync.sync_now(pc1)
    pc2 = sync_ws(tenant, "pc2")
    sync.sync_now(pc2)

    records.update(pc1, "sites", site, {"address": "pc1 주소"})
    records.update(pc2, "sites", site, {"address": "pc2 주소"})
    sync.sync_now(pc1)
    r2 = sync.sync_now(pc2)
    sync.sync_now(pc1)
    assert r2.new_conflicts >= 1
    [c1] = [c for c in sync.conflicts(pc1) if c.field == "address"]
    [c2] = [c for c in sync.conflicts(pc2) if c.field == "address"]
    assert c1.id == c2.id and c1.kind == "field" and c1.field == "address"
    assert {c1.winner.value, c1.loser.value} == {"pc1 주소", "pc2 주소"}
    winner = c1.winner.value
    assert records.get(pc1, "sites", site)["address"] == records.get(pc2, "sites", site)["address"] == winner

    # pc1 keeps the other value: a normal audited edit plus the resolved conflict record.
    sync.resolve(pc1, c1.id, keep="loser", actor="kim")
    assert c1.id not in {c.id for c in sync.conflicts(pc1)}
    sync.sync_now(pc1)
    sync.sync_now(pc2)
    assert c1.id not in {c.id for c in sync.conflicts(pc2)}
    [done] = [c for c in sync.conflicts(pc2, include_resolved=True) if c.id == c1.id]
    assert done.resolved and done.resolved_by == "kim"
    assert records.get(pc2, "sites", site)["address"] == c1.loser.value
    assert _synced(pc1) == _synced(pc2)
    _verify_ok(pc1)
    _verify_ok(pc2)


def test_revoked_pc_keeps_its_work_and_re_enrols(
    make_tenant: Callable[..., Any], sync_ws: Callable[..., Workspace], api: Any, pg: Any
) -> None:
    from safetydesk.server import admin

    tenant = make_tenant()
    pc1 = sync_ws(tenant, "pc1")
    records.create(pc1, "sites", {"name": "본사"})
    sync.sync_now(pc1)
    old_device = sync.status(pc1).device_id
    admin.revoke_device(pg.owner_dsn, old_device)
    records.create(pc1, "contractors", {"name": "협력사"})
    with pytest.raises(SyncUnauthorized) as caught:
        sync.sync_now(pc1)
    assert "revoked" in caught.value.message("en")
    status = sync.status(pc1)
    assert status.pending_changes == 1
    assert status.last_error == caught.value.text(current_language()) and status.last_error_at
    [failed, succeeded] = sync.history(pc1)
    assert not failed.ok and failed.error == status.last_error and succeeded.ok and succeeded.pushed == 1
    from safetydesk.core.i18n import set_language

    before = current_language()
    try:  # shown in the language of the screen, whichever it was when the error happened
        set_language("en" if before == "ko" else "ko")
        assert sync.status(pc1).last_error == caught.value.text(current_language())
    finally:
        set_language(before)

    result = sync.enroll(pc1, url=api.url, code=tenant.code(), device_name="pc1 again")
    assert result.mode == "join" and result.device_id != old_device
    assert _pending(pc1) == 1
    assert sync.sync_now(pc1).pushed == 1
    pc2 = sync_ws(tenant, "pc2")
    sync.sync_now(pc2)
    assert _synced(pc2) == _synced(pc1)
    _verify_ok(pc1)


def test_second_pc_with_records_of_its_own_is_refused(
    make_tenant: Callable[..., Any], sync_ws: Callable[..., Workspace], api: Any
) -> None:
    from safetydesk.core.sync.errors import SyncJoinNotEmpty

    tenant = make_tenant()
    pc1 = sync_ws(tenant, "pc1")
    records.create(pc1, "sites", {"name": "본사"})
    sync.sync_now(pc1)
    pc2 = sync_ws(None, "pc2", enroll=False)
    records.create(pc2, "sites", {"name": "다른 본사"})
    with pytest.raises(SyncJoinNotEmpty):
        sync.enroll(pc2, url=api.url, code=tenant.code(), device_name="pc2")
    assert not sync.status(pc2).enrolled


def test_cli_enrol_sync_status_code_disable(
    make_tenant: Callable[..., Any], api: Any, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from safetydesk.cli import main
    from safetydesk.core.i18n import set_language
    from safetydesk.core.workspace.workspace import open_workspace

    tenant = make_tenant()
    path = str(tmp_path / "cli-ws")
    assert (
        main(
            [
                "sync",
                "enroll",
                "-w",
                path,
                "--url",
                api.url,
                "--code",
                tenant.code(),
                "--name",
                "사무실",
                "--json",
            ]
        )
        == 0
    )
    enrolled = json.loads(capsys.readouterr().out)
    assert enrolled["mode"] == "first" and enrolled["tenant_name"] == tenant.name
    with open_workspace(tmp_path / "cli-ws") as ws:
        records.create(ws, "sites", {"name": "본사"})
    try:
        set_language("ko")
        assert main(["sync", "now", "-w", path]) == 0
        assert "변경 1건 보냄" in capsys.readouterr().out
        assert main(["sync", "status", "-w", path]) == 0
        out = capsys.readouterr().out
        assert "보낼 변경: 0건" in out and "사무실" in out
        assert main(["sync", "code", "-w", path, "--hours", "2", "--json"]) == 0
        code = json.loads(capsys.readouterr().out)
        assert code["code"] and code["expires_at"]
        assert main(["sync", "conflicts", "-w", path]) == 0
        assert "충돌" in capsys.readouterr().out or True
        assert main(["sync", "disable", "-w", path]) == 0
        capsys.readouterr()
        assert main(["sync", "now", "-w", path]) == 2  # a UserError: exit 2 with the reason
        assert "동기화가 꺼져 있습니다" in capsys.readouterr().err
        # The code made above enrols a second PC, which receives the record.
        assert (
            main(
                [
                    "--lang",
                    "en",
                    "sync",
                    "enroll",
                    "-w",
                    str(tmp_path / "pc2"),
                    "--url",
                    api.url,
                    "--code",
                    code["code"],
                ]
            )
            == 0
        )
        assert "the firm's records arrive at the next sync" in capsys.readouterr().out
        assert main(["sync", "now", "-w", str(tmp_path / "pc2"), "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["pulled"] == 1
    finally:
        set_language("ko")


def test_push_referencing_a_photo_the_server_lacks_uploads_it_and_resends_the_batch(
    make_tenant: Callable[..., Any], sync_ws: Callable[..., Workspace], api: Any
) -> None:
    from safetydesk.core.db.tables import sync_blobs

    tenant = make_tenant()
    pc1 = sync_ws(tenant, "pc1")
    _make_records(pc1)
    with pc1.writer() as conn:  # pretend the photo went up already: the push must be refused first
        sha = conn.exec_driver_sql("SELECT sha256 FROM attachments").scalar()
        conn.execute(sync_blobs.insert().values(sha256=sha, uploaded_at="2026-11-24T00:00:00Z", present=True))
    seen: list[tuple[str, str, int]] = []
    t = sync.transport_for(pc1)
    t._client.event_hooks["response"].append(
        lambda r: seen.append((r.request.method, r.request.url.path, r.status_code))
    )
    with t:
        report = sync.push(pc1, transport=t)
    assert report.uploaded == 1 and report.pushed >= 5 and _pending(pc1) == 0
    # The fault happened: the first push was refused, the photo went up, the same batch went again.
    assert [x for x in seen if x[0] != "GET"] == [
        ("POST", "/v1/push", 409),
        ("PUT", f"/v1/blobs/{sha}", 201),
        ("POST", "/v1/push", 200),
    ]
    pc2 = sync_ws(tenant, "pc2")
    assert sync.sync_now(pc2).downloaded == 1


def test_rewound_device_is_told_to_re_enrol_and_nothing_is_lost(
    make_tenant: Callable[..., Any], sync_ws: Callable[..., Workspace], api: Any
) -> None:
    from safetydesk.core.sync.errors import SyncDeviceRewound

    tenant = make_tenant()
    pc1 = sync_ws(tenant, "pc1")
    records.create(pc1, "sites", {"name": "본사"})
    records.create(pc1, "contractors", {"name": "협력사 A"})
    sync.sync_now(pc1)
    # As if restored from an old backup: a NEW change with a local_seq the server has already seen.
    contractor = records.create(pc1, "contractors", {"name": "협력사 B"}).id
    with pc1.writer() as conn:
        conn.exec_driver_sql("UPDATE sync_outbox SET local_seq = 1")
    with pytest.raises(SyncDeviceRewound) as caught:
        sync.sync_now(pc1)
    assert "다시 등록" in caught.value.text("ko") and _pending(pc1) == 1
    assert sync.enroll(pc1, url=api.url, code=tenant.code(), device_name="pc1").mode == "join"
    assert sync.sync_now(pc1).pushed == 1
    pc2 = sync_ws(tenant, "pc2")
    sync.sync_now(pc2)
    assert records.get(pc2, "contractors", contractor)["name"] == "협력사 B"
    assert _synced(pc2) == _synced(pc1)


def test_server_behind_the_cursor_gets_this_pcs_state_again(
    make_tenant: Callable[..., Any], sync_ws: Callable[..., Workspace], api: Any
) -> None:
    tenant = make_tenant()
    pc1 = sync_ws(tenant, "pc1")
    site = records.create(pc1, "sites", {"name": "본사"}).id
    sync.sync_now(pc1)
    with pc1.writer() as conn:  # as if the server was restored from a backup older than our cursor
        conn.exec_driver_sql("UPDATE sync_state SET value = '999999' WHERE key = 'cursor'")
    records.update(pc1, "sites", site, {"address": "부산"})
    report = sync.sync_now(pc1)
    assert report.pushed >= 2  # the pending edit plus the snapshot of every record
    assert sync.status(pc1).cursor == report.head < 999999
    assert records.get(pc1, "sites", site)["address"] == "부산"
    pc2 = sync_ws(tenant, "pc2")
    sync.sync_now(pc2)
    assert _synced(pc2) == _synced(pc1)
    _verify_ok(pc1)


def test_edit_against_delete_keeps_the_record_and_resolving_for_the_delete_deletes_it(
    make_tenant: Callable[..., Any], sync_ws: Callable[..., Workspace], api: Any
) -> None:
    from datetime import date

    tenant = make_tenant()
    pc1 = sync_ws(tenant, "pc1")
    rid = records.create(pc1, "contractors", {"name": "협력사", "work_scope": "도장"}).id
    sync.sync_now(pc1)
    pc2 = sync_ws(tenant, "pc2")
    sync.sync_now(pc2)
    records.delete(pc1, "contractors", rid, today=date(2026, 12, 31))
    records.update(pc2, "contractors", rid, {"work_scope": "도장, 용접"})
    sync.sync_now(pc1)
    sync.sync_now(pc2)
    sync.sync_now(pc1)
    for pc in (pc1, pc2):  # the edit wins: the record survives on both, with the edit
        row = records.get(pc, "contractors", rid)
        assert row["deleted_at"] is None and row["work_scope"] == "도장, 용접"
    [c] = [c for c in sync.conflicts(pc2) if c.kind in ("edit_vs_delete", "delete_vs_edit")]
    assert c.record_id == rid and c.loser.device_name == "pc1"
    sync.resolve(pc2, c.id, keep="loser", actor="kim")
    sync.sync_now(pc2)
    sync.sync_now(pc1)
    for pc in (pc1, pc2):
        assert records.get(pc, "contractors", rid)["deleted_at"] is not None
        assert c.id not in {x.id for x in sync.conflicts(pc)}
    assert _synced(pc1) == _synced(pc2)
    _verify_ok(pc1)
    _verify_ok(pc2)


def test_a_real_workspace_from_the_previous_release_syncs_whole_to_a_second_pc(
    make_tenant: Callable[..., Any], sync_ws: Callable[..., Workspace], api: Any, tmp_path: Any
) -> None:
    """rev0003 (757 form records, 23,262 answers, 58+ photos, 2,105 unsent outbox rows) is migrated,
    enrolled as the firm's first PC, sent, and arrives identical on an empty second PC."""
    import zipfile
    from pathlib import Path

    from safetydesk.core.workspace.workspace import open_workspace

    path = tmp_path / "rev3"
    with zipfile.ZipFile(
        Path(__file__).resolve().parents[2] / "fixtures" / "workspaces" / "rev0003.zip"
    ) as z:
        z.extractall(path)
    pc1 = open_workspace(path, create=False)
    try:
        assert pc1.migrated_from == "0003" and _pending(pc1) == 2105
        tenant = make_tenant()
        assert sync.enroll(pc1, url=api.url, code=tenant.code(), device_name="office").mode == "first"
        snapshot = _pending(pc1)
        assert snapshot == sum(1 for k in _synced(pc1))  # one change per record, the old rows replaced
        with pc1.reader() as conn:
            photos = int(conn.exec_driver_sql("SELECT count(*) FROM attachments").scalar() or 0)
        assert photos >= 58
        report = sync.sync_now(pc1)
        assert report.pushed == snapshot and report.uploaded == photos and _pending(pc1) == 0
        assert {c.kind for c in sync.conflicts(pc1)} <= {"invariant"}  # no merge conflicts on a first PC
        pc2 = sync_ws(tenant, "pc2")
        got = sync.sync_now(pc2)
        assert got.downloaded == photos and got.pulled == snapshot + len(sync.conflicts(pc1))
        assert _synced(pc2) == _synced(pc1)
        with pc2.reader() as conn:
            answers = conn.exec_driver_sql("SELECT count(*) FROM form_answers").scalar()
        assert answers == 23262
        _verify_ok(pc2)
        _verify_ok(pc1)
    finally:
        pc1.close()


def test_a_pc_whose_change_loses_gets_the_winning_state_back(
    make_tenant: Callable[..., Any], sync_ws: Callable[..., Workspace], api: Any
) -> None:
    """A pull between an edit and its push keeps the pending value here (never overwritten); when
    the push then loses (a later edit won, or the record was deleted already), the server's state
    must still come back to this PC."""
    from datetime import date

    tenant = make_tenant()
    pc0 = sync_ws(tenant, "pc0")
    a = records.create(pc0, "contractors", {"name": "A", "work_scope": "도장"}).id
    b = records.create(pc0, "contractors", {"name": "B"}).id
    sync.sync_now(pc0)
    pc1 = sync_ws(tenant, "pc1")
    sync.sync_now(pc1)

    records.update(pc1, "contractors", a, {"work_scope": "pc1 (earlier)"})
    records.delete(pc1, "contractors", b, today=date(2027, 1, 1))
    records.update(pc0, "contractors", a, {"work_scope": "pc0 (later)"})
    records.delete(pc0, "contractors", b, today=date(2027, 1, 1))
    sync.sync_now(pc0)
    sync.pull(pc1)  # pending here: the pulled values are not applied to these fields
    assert records.get(pc1, "contractors", a)["work_scope"] == "pc1 (earlier)"
    sync.sync_now(pc1)  # pushes; both changes lose
    sync.sync_now(pc0)
    assert records.get(pc1, "contractors", a)["work_scope"] == "pc0 (later)"
    assert _synced(pc1) == _synced(pc0)
    _verify_ok(pc1)


def test_a_server_restored_from_backup_gets_this_pcs_later_records_and_audit_events_again(
    pg: Any, make_tenant: Callable[..., Any], sync_ws: Callable[..., Workspace], api: Any, tmp_path: Any
) -> None:
    """The restore drill of docs/deploy-sync.md: pg_dump, more work, the server restored from the dump.

    The PC's cursor is then ahead of the server (409 cursor_ahead): it pulls from 0 and sends its
    state again, including the audit events the restored server lost."""
    import subprocess

    from tests.integration.servers import PG_BIN

    tenant = make_tenant()
    pc1 = sync_ws(tenant, "pc1")
    records.create(pc1, "sites", {"name": "본사"})
    sync.sync_now(pc1)
    dump = tmp_path / "sync.dump"
    subprocess.run([str(PG_BIN / "pg_dump"), "-Fc", "-f", str(dump), pg.admin_dsn], check=True)
    late = records.create(pc1, "sites", {"name": "2공장"}).id
    sync.sync_now(pc1)
    count = "SELECT count(*) FROM sync.audit_event WHERE tenant_id = %s"
    events_before = pg.scalar(count, (tenant.id,))
    api.stop()
    subprocess.run(
        [str(PG_BIN / "pg_restore"), "--clean", "--if-exists", "-d", pg.admin_dsn, str(dump)], check=True
    )
    api.start()
    assert pg.scalar(count, (tenant.id,)) < events_before  # the restore really lost the later work
    sync.sync_now(pc1)
    assert pg.scalar(count, (tenant.id,)) == events_before
    assert sync.status(pc1).pending_changes == 0
    pc2 = sync_ws(tenant, "pc2")
    sync.sync_now(pc2)
    assert records.get(pc2, "sites", late)["name"] == "2공장"
    assert _synced(pc2) == _synced(pc1)


def test_a_wrong_or_used_enrolment_code_says_so(
    make_tenant: Callable[..., Any], sync_ws: Callable[..., Workspace], api: Any
) -> None:
    from safetydesk.core.errors import UserError

    tenant = make_tenant()
    code = tenant.code()
    pc1 = sync_ws(tenant, "pc1", enroll=False)
    assert sync.enroll(pc1, url=api.url, code=code, device_name="pc1").mode == "first"
    pc2 = sync_ws(tenant, "pc2", enroll=False)
    for attempt in ("WRONG-CODE-0000", code):  # unknown, then already used
        with pytest.raises(UserError) as caught:
            sync.enroll(pc2, url=api.url, code=attempt, device_name="pc2")
        assert not isinstance(caught.value, SyncUnauthorized)
        assert "wrong, used or expired" in caught.value.message("en")
    assert not sync.status(pc2).enrolled
