"""The server's per-field merge (SYNC.md §5), pure: no database, no network."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from typing import Any

from safetydesk.core.domain import invariants
from safetydesk.core.sync import merge, protocol
from safetydesk.core.sync.protocol import make_hlc

TENANT = "7b0b0e5e-0000-4000-8000-000000000001"
A = "aaaaaaaa-0000-4000-8000-00000000000a"
B = "bbbbbbbb-0000-4000-8000-00000000000b"
REC = "11111111-0000-4000-8000-000000000001"
NOW = 1_763_900_000_000


@dataclass
class Server:
    """A dict standing in for ``sync.record``, with the push loop's seq and conflict handling."""

    head: int = 0
    records: dict[tuple[str, str], merge.RecordState] = field(default_factory=dict)
    results: list[merge.MergeResult] = field(default_factory=list)

    def push(self, device: str, change: merge.Change, *, server_ms: int = NOW) -> merge.MergeResult:
        self.head += 1
        key = (change.entity, change.record_id)
        current = self.records.get(key) or merge.RecordState(change.entity, change.record_id)
        result = merge.merge_change(
            current,
            change,
            tenant_id=TENANT,
            device_id=device,
            seq=self.head,
            server_ms=server_ms,
            created_at="2026-11-24T00:00:00Z",
            device_names=lambda d: {A: "office", B: "floor"}.get(d),
        )
        self.records[key] = result.state
        for conflict in result.conflicts:
            ckey = (protocol.CONFLICT_ENTITY, conflict.id)
            if ckey not in self.records:
                self.head += 1
                self.records[ckey] = merge.conflict_state(
                    conflict, seq=self.head, hlc=result.hlc, device_id=device
                )
        self.results.append(result)
        return result

    def conflicts(self) -> list[dict[str, Any]]:
        return [s.data for (e, _i), s in sorted(self.records.items()) if e == protocol.CONFLICT_ENTITY]

    def record(self, entity: str = "findings", rid: str = REC) -> merge.RecordState:
        return self.records[(entity, rid)]


_seq = itertools.count(1)


def change(
    device: str,
    ms: int,
    fields: dict[str, Any],
    *,
    op: str = "upsert",
    base: dict[str, int] | None = None,
    base_seq: int = 0,
    entity: str = "findings",
    rid: str = REC,
    counter: int = 0,
) -> merge.Change:
    return merge.Change(
        change_id=str(uuid.uuid4()),
        entity=entity,
        record_id=rid,
        op=op,
        hlc=make_hlc(ms, counter, device),
        fields=fields,
        base=base or {},
        base_seq=base_seq,
        local_seq=next(_seq),
    )


CREATE = {"description": "leak", "status": "open", "severity": "low", "deleted_at": None}


def _two_orders(
    first: list[tuple[str, merge.Change]], second: list[tuple[str, merge.Change]]
) -> tuple[Server, Server]:
    s1, s2 = Server(), Server()
    for dev, ch in first:
        s1.push(dev, ch)
    for dev, ch in second:
        s2.push(dev, ch)
    return s1, s2


def _strip_seq(conflicts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for c in conflicts:
        c = dict(c)
        c["winner"] = {k: v for k, v in c["winner"].items() if k != "seq"}
        c["loser"] = {k: v for k, v in c["loser"].items() if k != "seq"}
        out.append(c)
    return out


def test_create_then_fast_forward_by_base_and_by_same_device() -> None:
    s = Server()
    s.push(A, change(A, NOW, CREATE))
    # B had seen seq 1: a causal edit, no conflict even with an older HLC.
    r = s.push(B, change(B, NOW - 10_000, {"status": "closed"}, base={"status": 1}))
    assert r.conflicts == [] and s.record().data["status"] == "closed"
    assert s.record().meta["status"]["d"] == B and s.record().meta["status"]["s"] == 2
    # A edits again without having seen B's version: concurrent, later HLC wins, one conflict.
    r = s.push(A, change(A, NOW + 5, {"status": "in_progress"}, base={"status": 1}))
    assert [c.data["kind"] for c in r.conflicts] == ["field"]
    # The same device overwriting its own version is never a conflict.
    r = s.push(A, change(A, NOW + 6, {"status": "open"}, base={}))
    assert r.conflicts == [] and s.record().data["status"] == "open"


def test_concurrent_edits_same_field_converge_in_both_orders_with_one_identical_conflict() -> None:
    create = (A, change(A, NOW, CREATE))
    a = (A, change(A, NOW + 100, {"status": "done", "severity": "high"}, base={"status": 1, "severity": 1}))
    b = (
        B,
        change(
            B,
            NOW + 200,
            {"status": "cancelled", "description": "leak fixed"},
            base={"status": 1, "description": 1},
        ),
    )
    s1, s2 = _two_orders([create, a, b], [create, b, a])
    assert s1.record().data == s2.record().data
    assert s1.record().data == {
        "description": "leak fixed",
        "status": "cancelled",
        "severity": "high",
        "deleted_at": None,
    }
    c1, c2 = s1.conflicts(), s2.conflicts()
    assert len(c1) == len(c2) == 1
    assert _strip_seq(c1) == _strip_seq(c2)
    conflict = c1[0]
    assert conflict["kind"] == "field" and conflict["field"] == "status"
    assert conflict["winner"]["value"] == "cancelled" and conflict["winner"]["device"] == B
    assert conflict["winner"]["device_name"] == "floor"
    assert conflict["loser"]["value"] == "done" and conflict["loser"]["device"] == A
    ids1 = {k[1] for k in s1.records if k[0] == protocol.CONFLICT_ENTITY}
    ids2 = {k[1] for k in s2.records if k[0] == protocol.CONFLICT_ENTITY}
    assert ids1 == ids2


def test_equal_values_and_hlc_tie_broken_by_device() -> None:
    create = (A, change(A, NOW, CREATE))
    a = (A, change(A, NOW + 100, {"status": "done"}, base={"status": 1}))
    b = (B, change(B, NOW + 100, {"status": "done"}, base={"status": 1}))
    s1, s2 = _two_orders([create, a, b], [create, b, a])
    assert s1.conflicts() == [] and s2.conflicts() == []  # same value: nothing was lost
    a2 = (A, change(A, NOW + 300, {"severity": "x"}, base={"severity": 1}))
    b2 = (B, change(B, NOW + 300, {"severity": "y"}, base={"severity": 1}))
    s1, s2 = _two_orders([create, a2, b2], [create, b2, a2])
    assert s1.record().data["severity"] == s2.record().data["severity"] == "y"  # same ms: device B > A


def test_delete_against_edit_both_orders_record_survives_with_one_conflict() -> None:
    create = (A, change(A, NOW, CREATE))
    delete = (A, change(A, NOW + 50, {"deleted_at": "2026-11-24T00:00:01Z"}, op="delete", base_seq=1))
    edit = (B, change(B, NOW + 40, {"description": "still leaking"}, base={"description": 1}, base_seq=1))
    s1, s2 = _two_orders([create, delete, edit], [create, edit, delete])
    for s, kind in ((s1, "edit_vs_delete"), (s2, "delete_vs_edit")):
        rec = s.record()
        assert rec.deleted is False
        assert rec.data["description"] == "still leaking"
        assert not rec.data.get("deleted_at")
        assert [c["kind"] for c in s.conflicts()] == [kind]
        assert s.conflicts()[0]["field"] == merge.RECORD_FIELD
    assert s1.record().data == s2.record().data


def test_delete_that_saw_every_version_simply_deletes() -> None:
    s = Server()
    s.push(A, change(A, NOW, CREATE))
    s.push(B, change(B, NOW + 1, {"status": "done"}, base={"status": 1}))
    r = s.push(A, change(A, NOW + 2, {"deleted_at": "2026-11-24T00:00:02Z"}, op="delete", base_seq=2))
    assert r.conflicts == [] and s.record().deleted is True
    assert s.record().del_meta == {"h": make_hlc(NOW + 2, 0, A), "s": 3, "d": A}
    # Deleting again changes nothing.
    before = s.record()
    s.push(B, change(B, NOW + 3, {"deleted_at": "2026-11-24T00:00:03Z"}, op="delete", base_seq=3))
    assert s.record().deleted and s.record().data == before.data and s.record().del_meta == before.del_meta
    assert s.record().server_seq == s.head  # re-stamped: B pulls the record back


def test_clock_skew_is_clamped_and_a_later_causal_edit_wins_without_conflict() -> None:
    s = Server()
    s.push(A, change(A, NOW, CREATE))
    day = 24 * 3600 * 1000
    r = s.push(B, change(B, NOW + day, {"status": "done"}, base={"status": 1}))
    assert r.clamped and r.hlc == make_hlc(NOW, 0, B)
    assert s.record().meta["status"]["h"] == make_hlc(NOW, 0, B)
    assert [c.data["kind"] for c in r.conflicts] == ["clock_skew"]
    assert r.conflicts[0].data["loser"]["value"] == make_hlc(NOW + day, 0, B)
    # A saw B's version (base = its seq): causal, no false conflict even though A's clock is behind B's.
    seq_b = s.record().meta["status"]["s"]
    r = s.push(A, change(A, NOW + 1000, {"status": "verified"}, base={"status": seq_b}), server_ms=NOW + 1000)
    assert r.conflicts == [] and s.record().data["status"] == "verified"
    # 5 minutes ahead is tolerated (not clamped).
    r = s.push(A, change(A, NOW + 2000 + protocol.MAX_SKEW_MS, {"severity": "high"}), server_ms=NOW + 2000)
    assert not r.clamped


def test_locked_record_refuses_concurrent_edits_from_other_devices() -> None:
    s = Server()
    s.push(A, change(A, NOW, {"title": "TBM", "status": "draft", "locked_at": None}, entity="tbm_meetings"))
    s.push(
        A,
        change(
            A,
            NOW + 10,
            {"status": "completed", "locked_at": "2026-11-24T00:00:10Z"},
            entity="tbm_meetings",
            base={"status": 1, "locked_at": 1},
        ),
    )
    rec = s.record("tbm_meetings")
    r = s.push(
        B,
        change(
            B,
            NOW + 20,
            {"title": "TBM edited", "status": "draft"},
            entity="tbm_meetings",
            base={"title": 1, "status": 1, "locked_at": 1},
        ),
    )
    assert s.record("tbm_meetings").data == rec.data
    assert s.record("tbm_meetings").meta == rec.meta
    # Refused, yet re-stamped with the refused change's seq so that B pulls the locked record back.
    assert s.record("tbm_meetings").server_seq == 3
    assert sorted((c.data["kind"], c.data["field"]) for c in r.conflicts) == [
        ("locked", "status"),
        ("locked", "title"),
    ]
    assert all(c.data["loser"]["device"] == B for c in r.conflicts)
    # An edit made after seeing the lock (base >= lock seq) is applied, e.g. a later correction path.
    r = s.push(
        B,
        change(
            B, NOW + 30, {"title": "after lock"}, entity="tbm_meetings", base={"locked_at": 2, "title": 1}
        ),
    )
    assert r.conflicts == [] and s.record("tbm_meetings").data["title"] == "after lock"


def test_invariant_conflict_from_two_valid_concurrent_edits() -> None:
    base_row = {
        "title": "guard",
        "status": "done",
        "verified_by": None,
        "verified_on": None,
        "done_on": "2026-06-30",
        "created_at": "2026-06-01T00:00:00Z",
        "deleted_at": None,
    }
    create = (A, change(A, NOW, base_row, entity="corrective_actions"))
    verify = (
        A,
        change(
            A,
            NOW + 10,
            {"status": "verified", "verified_by": "Kim", "verified_on": "2026-07-01"},
            entity="corrective_actions",
            base={"status": 1, "verified_by": 1, "verified_on": 1},
        ),
    )
    clear = (
        B,
        change(
            B,
            NOW + 20,
            {"verified_by": None, "verified_on": None},
            entity="corrective_actions",
            base={"status": 1},
        ),
    )
    for dev, ch in (verify, clear):
        alone = Server()
        alone.push(*create)
        alone.push(dev, ch)
        assert invariants.check("corrective_actions", alone.record("corrective_actions").data) == []
    s1, s2 = _two_orders([create, verify, clear], [create, clear, verify])
    for s in (s1, s2):
        rec = s.record("corrective_actions")
        assert rec.data["status"] == "verified" and rec.data["verified_by"] is None  # stored, not rejected
        inv = [c for c in s.conflicts() if c["kind"] == "invariant"]
        assert [c["field"] for c in inv] == [invariants.ACTION_VERIFIED_NEEDS_VERIFIER]
        assert inv[0]["rule"] == invariants.ACTION_VERIFIED_NEEDS_VERIFIER
    inv_ids = [
        {
            k[1]
            for k, st in s.records.items()
            if k[0] == protocol.CONFLICT_ENTITY and st.data["kind"] == "invariant"
        }
        for s in (s1, s2)
    ]
    assert inv_ids[0] == inv_ids[1]


def test_children_field_is_one_opaque_value() -> None:
    create = (
        A,
        change(
            A,
            NOW,
            {"title": "check", "_children.form_answers": [{"id": "1", "value": "ok"}]},
            entity="form_records",
        ),
    )
    a = (
        A,
        change(
            A,
            NOW + 5,
            {"_children.form_answers": [{"id": "1", "value": "bad"}]},
            entity="form_records",
            base={"_children.form_answers": 1},
        ),
    )
    b = (
        B,
        change(
            B,
            NOW + 6,
            {"_children.form_answers": [{"id": "1", "value": "n/a"}]},
            entity="form_records",
            base={"_children.form_answers": 1},
        ),
    )
    s1, s2 = _two_orders([create, a, b], [create, b, a])
    assert s1.record("form_records").data == s2.record("form_records").data
    assert s1.record("form_records").data["_children.form_answers"] == [{"id": "1", "value": "n/a"}]
    assert [c["field"] for c in s1.conflicts()] == ["_children.form_answers"]


def test_conflict_resolution_is_an_ordinary_upsert() -> None:
    s = Server()
    s.push(A, change(A, NOW, CREATE))
    s.push(A, change(A, NOW + 1, {"status": "a"}, base={"status": 1}))
    s.push(B, change(B, NOW + 2, {"status": "b"}, base={"status": 1}))
    (cid,) = [k[1] for k in s.records if k[0] == protocol.CONFLICT_ENTITY]
    r = s.push(
        A,
        change(
            A,
            NOW + 3,
            {"resolved": True, "resolved_by": "kim", "resolved_at": "2026-11-24T01:00:00Z"},
            entity=protocol.CONFLICT_ENTITY,
            rid=cid,
        ),
    )
    assert r.conflicts == []
    data = s.records[(protocol.CONFLICT_ENTITY, cid)].data
    assert data["resolved"] is True and data["resolved_by"] == "kim" and data["kind"] == "field"


def test_change_from_wire_rejects_bad_input() -> None:
    good = {
        "change_id": "c",
        "entity": "findings",
        "record_id": "r",
        "op": "upsert",
        "hlc": make_hlc(NOW, 0, A),
        "fields": {},
        "base": {},
        "base_seq": 0,
        "local_seq": 1,
    }
    assert merge.Change.from_wire(good).local_seq == 1
    for bad in ({**good, "op": "append"}, {**good, "hlc": "nonsense"}, {**good, "fields": []}):
        try:
            merge.Change.from_wire(bad)
        except (ValueError, KeyError):
            continue
        raise AssertionError(f"accepted {bad}")


def test_bookkeeping_fields_merge_by_later_hlc_without_conflict_records() -> None:
    create = (A, change(A, NOW, {**CREATE, "updated_at": "2026-06-30T00:00:00Z"}))
    a = (
        A,
        change(
            A,
            NOW + 10,
            {"status": "done", "updated_at": "2026-06-30T23:59:59Z"},
            base={"status": 1, "updated_at": 1},
        ),
    )
    b = (
        B,
        change(
            B,
            NOW + 20,
            {"severity": "high", "updated_at": "2026-07-01T00:00:00Z"},
            base={"severity": 1, "updated_at": 1},
        ),
    )
    s1, s2 = _two_orders([create, a, b], [create, b, a])
    assert s1.record().data == s2.record().data
    assert s1.record().data["updated_at"] == "2026-07-01T00:00:00Z"
    assert s1.record().data["status"] == "done" and s1.record().data["severity"] == "high"
    assert s1.conflicts() == [] and s2.conflicts() == []


def test_concurrent_upserts_converge_in_any_interleaving() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    devices = (A, B, "cccccccc-0000-4000-8000-00000000000c")
    edit = st.tuples(
        st.sampled_from(devices),
        st.integers(min_value=0, max_value=50),  # ms offset: ties happen, broken by device
        st.dictionaries(
            st.sampled_from(["status", "severity", "description"]), st.integers(0, 3), min_size=1
        ),
    )

    @settings(max_examples=60, deadline=None)
    @given(st.lists(edit, min_size=1, max_size=8), st.randoms(use_true_random=False))
    def check(edits: list[tuple[str, int, dict[str, int]]], rnd: Any) -> None:
        # A device's HLC only moves forward: give each device's edits rising times.
        last: dict[str, int] = {}
        changes = []
        for i, (dev, ms, fields) in enumerate(edits):
            t = max(ms, last.get(dev, -1))
            last[dev] = t
            changes.append((dev, change(dev, NOW + t, fields, counter=i)))
        shuffled = list(changes)
        rnd.shuffle(shuffled)
        # A device pushes its own changes in order: keep each device's subsequence in place.
        per_device = {d: [c for c in changes if c[0] == d] for d in devices}
        interleaved = [per_device[dev].pop(0) for dev, _c in shuffled]
        results = []
        for order in (changes, interleaved):
            s = Server()
            s.push(A, change(A, NOW - 1, CREATE))
            for dev, ch in order:
                s.push(dev, ch)
            rec = s.record()
            results.append((rec.data, {k: (v["h"], v["d"]) for k, v in rec.meta.items()}))
        assert results[0] == results[1]

    check()


def test_edit_carrying_every_column_still_revives_a_concurrently_deleted_record() -> None:
    s = Server()
    s.push(A, change(A, NOW, CREATE))
    s.push(A, change(A, NOW + 50, {"deleted_at": "2026-12-31T23:59:59Z"}, op="delete", base_seq=1))
    # B's edit was made offline before it saw the delete, and it sends deleted_at: None among all columns.
    r = s.push(
        B, change(B, NOW + 10, {**CREATE, "status": "done"}, base=dict.fromkeys(CREATE, 1), base_seq=1)
    )
    assert [c.data["kind"] for c in r.conflicts] == ["edit_vs_delete"]
    assert s.record().deleted is False and s.record().data["deleted_at"] is None
    assert s.record().data["status"] == "done"


def test_a_record_saved_whole_by_one_pc_raises_no_invariant_conflict() -> None:
    # Old data typed in late (done before the record was created) arrives on a first enrolment: the PC
    # saved exactly this state, so it is not a merge product.
    row = {
        "title": "rail",
        "status": "done",
        "done_on": "2026-06-30",
        "created_at": "2026-07-01T09:00:00Z",
        "verified_by": None,
        "verified_on": None,
        "deleted_at": None,
    }
    s = Server()
    r = s.push(A, change(A, NOW, row, entity="corrective_actions"))
    assert invariants.check("corrective_actions", row) == [invariants.ACTION_DONE_BEFORE_CREATED]
    assert r.conflicts == []
    # Another PC that had seen it edits one field: still its own state, no conflict.
    r = s.push(
        B,
        change(B, NOW + 5, {"title": "guard rail"}, entity="corrective_actions", base=dict.fromkeys(row, 1)),
    )
    assert r.conflicts == []


def test_a_losing_or_refused_change_re_stamps_its_record() -> None:
    s = Server()
    s.push(A, change(A, NOW, CREATE))
    s.push(A, change(A, NOW + 100, {"status": "done"}, base={"status": 1}))
    r = s.push(B, change(B, NOW + 50, {"status": "cancelled"}, base={"status": 1}))  # loses: older HLC
    assert r.applied_fields == [] and s.record().data["status"] == "done"
    assert s.record().server_seq == 3  # B's local "cancelled" is overwritten on its next pull
