"""B5 (SYNC.md §8): random offline edits on three PCs in random sync interleavings converge.

A program of random operations (edits of a few fields of corrective actions through the real
service, creates, deletes, audit-only events, and push / pull / full sync of one PC at a time) runs
against one API server (one tenant per example). After a full sync round:

- every PC's ``state_digest`` equals every other's, and each PC's records equal the server's;
- every value ever written is current, the winner or loser of a conflict, or in the server's
  change log (``sync.change`` payloads, read as the superuser);
- every audit event the PCs wrote reached the server, whose chain verifies, and each PC's local
  chain verifies.

Examples are few by default (CI); ``HYPOTHESIS_PROFILE=nightly`` runs many more.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.integration

psycopg = pytest.importorskip("psycopg")
from safetydesk.core.audit import chain  # noqa: E402
from safetydesk.core.errors import NotFoundError, RecordLockedError  # noqa: E402
from safetydesk.core.services import actions, records  # noqa: E402
from safetydesk.core.services.base import transaction  # noqa: E402
from safetydesk.core.sync import client as sync  # noqa: E402
from safetydesk.core.sync import protocol  # noqa: E402
from safetydesk.core.workspace.workspace import Workspace  # noqa: E402

_COMMON = {
    "deadline": None,
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,  # one server for every example, on purpose
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
}
# Profiles of this test (Hypothesis has a built-in "ci" profile, so ours carry a prefix):
# HYPOTHESIS_PROFILE=nightly runs many more examples.
# CI does not shrink (each example runs real syncs; a failure prints its whole program instead).
_NO_SHRINK = (Phase.explicit, Phase.reuse, Phase.generate)
settings.register_profile("sync-ci", max_examples=8, phases=_NO_SHRINK, **_COMMON)  # type: ignore[arg-type]
settings.register_profile("sync-nightly", max_examples=200, **_COMMON)  # type: ignore[arg-type]
PROFILE = settings.get_profile(
    "sync-nightly" if os.environ.get("HYPOTHESIS_PROFILE") == "nightly" else "sync-ci"
)

PCS = 3
FIELDS = ("title", "owner_name", "interim_measure", "due_on")
# Half-year ends and starts: dates must cross the wire unchanged.
DATES = (date(2026, 6, 30), date(2026, 7, 1), date(2026, 12, 31), date(2027, 1, 1))

pc_st = st.integers(0, PCS - 1)
rec_st = st.integers(0, 5)
op_st = st.one_of(
    st.tuples(st.just("edit"), pc_st, rec_st, st.sampled_from(FIELDS), st.integers(0, len(DATES) - 1)),
    st.tuples(st.just("edit"), pc_st, rec_st, st.sampled_from(FIELDS), st.integers(0, len(DATES) - 1)),
    st.tuples(st.just("create"), pc_st),
    st.tuples(st.just("delete"), pc_st, rec_st),
    st.tuples(st.just("note"), pc_st, rec_st),
    st.tuples(st.just("push"), pc_st),
    st.tuples(st.just("pull"), pc_st),
    st.tuples(st.just("sync"), pc_st),
)
program_st = st.lists(op_st, min_size=4, max_size=24)

_example = itertools.count(1)


@dataclass
class World:
    pcs: list[Workspace]
    tenant_id: str
    ids: list[str] = field(default_factory=list)
    written: list[tuple[str, str, Any]] = field(default_factory=list)  # (record, field, value)
    serial: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    audit_before: list[int] = field(default_factory=list)
    skipped: int = 0
    done: int = 0

    def value(self, name: str, date_index: int) -> Any:
        if name == "due_on":
            return DATES[date_index]
        return f"{name[:1].upper()}{next(self.serial)}"


def _create(w: World, pc: int) -> None:
    value = w.value("title", 0)
    rid = records.create(
        w.pcs[pc],
        "corrective_actions",
        {"source_kind": "audit", "title": value, "hierarchy": "engineering", "due_on": DATES[0]},
        actor=f"user{pc}",
    ).id
    w.ids.append(rid)
    w.written.append((rid, "title", value))
    w.written.append((rid, "due_on", DATES[0].isoformat()))


def _run(w: World, op: tuple[Any, ...]) -> None:
    kind, pc = op[0], op[1]
    ws = w.pcs[pc]
    if kind == "create":
        _create(w, pc)
    elif kind in ("edit", "delete", "note"):
        rid = w.ids[op[2] % len(w.ids)]
        try:
            if kind == "edit":
                name = op[3]
                value = w.value(name, op[4])
                actions.update_action(ws, rid, {name: value}, actor=f"user{pc}")
                w.written.append((rid, name, value.isoformat() if isinstance(value, date) else value))
            elif kind == "delete":
                records.delete(ws, "corrective_actions", rid, actor=f"user{pc}", today=DATES[3])
            else:  # an audit-only event (printed, shown to an inspector): no column changes
                with transaction(ws, f"user{pc}") as tx:
                    tx.get("corrective_actions", rid)
                    tx.touch("corrective_actions", rid, "print", summary="printed for the inspector")
        except (NotFoundError, RecordLockedError):
            w.skipped += 1  # not on this PC yet, or deleted here: the user could not do it either
            return
    elif kind == "push":
        sync.push(ws)
    elif kind == "pull":
        sync.pull(ws)
    elif kind == "sync":
        sync.sync_now(ws)
    w.done += 1


def _pending(ws: Workspace) -> int:
    with ws.reader() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM sync_outbox").scalar_one())


def _rows(ws: Workspace) -> dict[str, dict[str, Any]]:
    with ws.reader() as conn:
        got = conn.exec_driver_sql("SELECT * FROM corrective_actions").mappings()
        return {str(r["id"]): dict(r) for r in got}


def _sql(pg: Any, query: str, *params: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(pg.admin_dsn, autocommit=True) as conn:
        rows: list[tuple[Any, ...]] = conn.execute(query, params).fetchall()
        return rows


def _contains(node: Any, name: str, value: Any) -> bool:
    """Does a JSON tree hold ``name: value`` anywhere (a change payload's fields)?"""
    if isinstance(node, dict):
        if name in node and node[name] == value:
            return True
        return any(_contains(v, name, value) for v in node.values())
    if isinstance(node, list):
        return any(_contains(v, name, value) for v in node)
    return False


def _local_events(ws: Workspace, after: int) -> set[str]:
    with ws.reader() as conn:
        got = conn.exec_driver_sql(
            "SELECT event_id FROM audit_events WHERE seq > ? AND action != 'sync'", (after,)
        )
        return {str(r[0]) for r in got}


def _audit_seq(ws: Workspace) -> int:
    with ws.reader() as conn:
        return int(conn.exec_driver_sql("SELECT coalesce(max(seq), 0) FROM audit_events").scalar_one())


def _settle(w: World) -> None:
    """Full sync rounds until a whole round pushed nothing (its pulls then saw everything)."""
    for _round in range(5):
        reports = [sync.sync_now(ws) for ws in w.pcs]
        if all(r.pushed == 0 for r in reports):
            assert all(_pending(ws) == 0 for ws in w.pcs)
            return
    state = [(_pending(ws), sync.status(ws).cursor) for ws in w.pcs]
    raise AssertionError(f"still pushing after 5 full sync rounds: (pending, cursor) per PC {state}")


@settings(PROFILE)
@given(program=program_st)
def test_b5_random_programs_converge(
    program: list[tuple[Any, ...]], make_tenant: Any, sync_ws: Any, pg: Any
) -> None:
    n = next(_example)
    tenant = make_tenant(f"b5-{n}")
    w = World(pcs=[sync_ws(tenant, f"ex{n}-pc{i}") for i in range(PCS)], tenant_id=tenant.id)
    try:
        w.audit_before = [_audit_seq(ws) for ws in w.pcs]
        for _ in range(2):
            _create(w, 0)
        _settle(w)
        for op in program:
            _run(w, op)
        _settle(w)
        _check(w, pg)
    finally:
        for ws in w.pcs:
            ws.close()


def _differences(digests: list[dict[tuple[str, str], dict[str, Any]]]) -> str:
    """The fields on which the PCs disagree, record by record (a readable failure)."""
    lines = []
    for key in sorted(set().union(*digests)):
        rows = [d.get(key) or {} for d in digests]
        for name in sorted(set().union(*rows)):
            values = [r.get(name, "<absent>") for r in rows]
            if any(v != values[0] for v in values):
                lines.append(f"{key[0]} {key[1][:8]} {name}: {values}")
    return "PCs differ:\n" + "\n".join(lines)


def _check(w: World, pg: Any) -> None:
    digests = [sync.state_digest(ws) for ws in w.pcs]
    assert digests[1] == digests[0] and digests[2] == digests[0], _differences(digests)

    server = {
        rid: (data, deleted)
        for rid, data, deleted in _sql(
            pg,
            "SELECT id::text, data, deleted FROM sync.record WHERE tenant_id = %s AND entity = 'corrective_actions'",
            w.tenant_id,
        )
    }
    for ws in w.pcs:
        rows = _rows(ws)
        assert set(rows) == set(server) == set(w.ids)
        for rid, row in rows.items():
            data, deleted = server[rid]
            for name in FIELDS:
                assert row[name] == data.get(name), (rid, name)
            assert (row["deleted_at"] is not None) == bool(deleted), rid

    # Every value ever written is current, held in a conflict, or in the change log.
    conflicts = sync.conflicts(w.pcs[0], include_resolved=True)
    held = {(c.record_id, c.field, repr(v.value)) for c in conflicts for v in (c.winner, c.loser)}
    payloads: dict[str, list[Any]] = {}
    for rid, payload in _sql(
        pg, "SELECT record_id::text, payload FROM sync.change WHERE tenant_id = %s", w.tenant_id
    ):
        payloads.setdefault(rid, []).append(payload)
    superseded = 0
    for rid, name, value in w.written:
        current = server[rid][0].get(name) == value
        in_conflict = (rid, name, repr(value)) in held
        logged = any(_contains(p, name, value) for p in payloads.get(rid, []))
        assert current or in_conflict or logged, (rid, name, value)
        superseded += not current
    kinds = sorted({c.kind for c in conflicts})
    event(f"conflict kinds: {', '.join(kinds) or 'none'}")
    event(f"values no longer current: {'some' if superseded else 'none'}")
    event(f"ops skipped (record absent/deleted on that PC): {'some' if w.skipped else 'none'}")

    # Audit: every event a PC wrote reached the server; both chains verify.
    server_events = {
        str(e)
        for (e,) in _sql(pg, "SELECT event_id::text FROM sync.audit_event WHERE tenant_id = %s", w.tenant_id)
    }
    for ws, before in zip(w.pcs, w.audit_before, strict=True):
        missing = _local_events(ws, before) - server_events
        assert not missing, f"{len(missing)} audit events never reached the server"
        with ws.reader() as conn:
            assert chain.verify(conn).ok
    from safetydesk.server import admin

    report = admin.verify_audit(pg.owner_dsn, w.tenant_id)
    assert report["ok"] is True, report
    assert report["events"] == len(server_events)
    assert protocol.CONFLICT_ENTITY == "sync_conflict"
