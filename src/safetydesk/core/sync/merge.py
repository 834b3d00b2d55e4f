"""The server's per-field merge (SYNC.md §5): pure functions, no I/O.

The sync server calls :func:`merge_change` for every accepted change inside the push transaction,
with the record's current merged state, and stores what comes back. Everything here is
deterministic: the same changes give the same record in any arrival order, and a conflict gets the
same id (``protocol.conflict_id``) whichever push came first.

``meta[field] = {"h": hlc, "s": server_seq, "d": device_id}`` is the version that won each field;
``del_meta`` holds the same three items for a delete.

Choices beyond SYNC.md §5:
- ``QUIET_FIELDS`` (updated_at, created_at, created_by) merge by the later HLC with no conflict record.
- Every change re-stamps its record with the change's seq, even when it lost or was refused, so the
  pushing PC pulls the merged record back.
- An ``invariant`` conflict is raised only for a merge product: the merged record holds a version from
  another device that the change had not seen, and the rule was not already broken before.
- Conflicts about a whole record use the field name ``_record`` (edit/delete), clock skew ``_hlc``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from safetydesk.core.domain import invariants
from safetydesk.core.sync import protocol

Version = dict[str, Any]  # {"h": hlc, "s": seq, "d": device}

# Pseudo field names for conflicts that are about a whole record, not one field.
RECORD_FIELD = "_record"
HLC_FIELD = "_hlc"

# Bookkeeping columns every edit touches: concurrent versions merge by the later HLC with no conflict
# record (nothing a user typed is lost).
QUIET_FIELDS = frozenset({"updated_at", "created_at", "created_by"})

# The ``rule`` stored in a conflict record (the invariant rule id for ``invariant`` conflicts).
RULE_LATER_HLC = "later_hlc_wins"
RULE_EDIT_WINS = "edit_wins_over_delete"
RULE_CLAMPED = "hlc_clamped"
RULE_LOCKED = "locked_record_kept"


@dataclass
class RecordState:
    """A record's current merged state on the server (``sync.record``)."""

    entity: str
    record_id: str
    data: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Version] = field(default_factory=dict)
    deleted: bool = False
    del_meta: Version | None = None
    server_seq: int = 0
    exists: bool = False  # False: no row yet (a create)


@dataclass(frozen=True)
class Change:
    """One pushed change, as on the wire (contract "Change")."""

    change_id: str
    entity: str
    record_id: str
    op: str
    hlc: str
    fields: Mapping[str, Any]
    base: Mapping[str, int]
    base_seq: int
    local_seq: int = 0

    @classmethod
    def from_wire(cls, raw: Mapping[str, Any]) -> Change:
        op = str(raw["op"])
        if op not in (protocol.OP_UPSERT, protocol.OP_DELETE):
            raise ValueError(f"unknown op {op!r}")
        fields = raw.get("fields", {})
        base = raw.get("base") if raw.get("base") is not None else {}
        if not isinstance(fields, Mapping) or not isinstance(base, Mapping):
            raise ValueError("fields and base must be objects")
        hlc = str(raw["hlc"])
        protocol.hlc_ms(hlc)  # raises ValueError on a malformed HLC
        if hlc.count(".") < 2:
            raise ValueError(f"malformed hlc {hlc!r}")
        return cls(
            change_id=str(raw["change_id"]),
            entity=str(raw["entity"]),
            record_id=str(raw["record_id"]),
            op=op,
            hlc=hlc,
            fields=dict(fields),
            base={str(k): int(v or 0) for k, v in base.items()},
            base_seq=int(raw.get("base_seq") or 0),
            local_seq=int(raw.get("local_seq") or 0),
        )


@dataclass(frozen=True)
class Conflict:
    """A conflict record to store (entity ``sync_conflict``) unless one with this id exists already."""

    id: str
    data: dict[str, Any]


@dataclass
class MergeResult:
    state: RecordState
    conflicts: list[Conflict]
    hlc: str  # the HLC stored (clamped if it ran ahead)
    clamped: bool
    applied_fields: list[str]


def _version_view(
    version: Mapping[str, Any] | None, value: Any, names: Callable[[str], str | None]
) -> dict[str, Any]:
    if not version:
        return {"value": value, "hlc": None, "device": None, "device_name": None, "seq": None}
    device = str(version.get("d", ""))
    return {
        "value": value,
        "hlc": version.get("h"),
        "device": device,
        "device_name": names(device),
        "seq": version.get("s"),
    }


def _conflict(
    *,
    tenant_id: str,
    kind: str,
    entity: str,
    record_id: str,
    field_name: str,
    winner: dict[str, Any],
    loser: dict[str, Any],
    rule: str,
    identities: list[str],
    created_at: str,
) -> Conflict:
    cid = protocol.conflict_id(tenant_id, entity, record_id, field_name, kind, identities)
    return Conflict(
        id=cid,
        data={
            "kind": kind,
            "entity": entity,
            "record_id": record_id,
            "field": field_name,
            "winner": winner,
            "loser": loser,
            "rule": rule,
            "resolved": False,
            "resolved_by": None,
            "resolved_at": None,
            "created_at": created_at,
        },
    )


def _covered(state: RecordState, change: Change, device: str) -> bool:
    """True when the change had seen every current field version written by other devices."""
    for name, version in state.meta.items():
        if version.get("d") == device:
            continue
        seen = max(change.base.get(name, 0), change.base_seq)
        if seen < int(version.get("s", 0)):
            return False
    return True


def _latest_foreign(state: RecordState, change: Change, device: str) -> tuple[str, Version] | None:
    """The newest field version from another device that the change had not seen."""
    best: tuple[str, Version] | None = None
    for name, version in state.meta.items():
        if version.get("d") == device:
            continue
        seen = max(change.base.get(name, 0), change.base_seq)
        if seen >= int(version.get("s", 0)):
            continue
        if best is None or protocol.version_key(version) > protocol.version_key(best[1]):
            best = (name, version)
    return best


def merge_change(
    current: RecordState,
    change: Change,
    *,
    tenant_id: str,
    device_id: str,
    seq: int,
    server_ms: int,
    created_at: str,
    device_names: Callable[[str], str | None] = lambda _d: None,
) -> MergeResult:
    """Merge one change into ``current`` (which is not modified) and return the new state.

    ``seq`` is the server sequence given to this change; ``server_ms`` the server's clock;
    ``created_at`` the timestamp written into new conflict records.
    """
    state = RecordState(
        entity=current.entity,
        record_id=current.record_id,
        data=dict(current.data),
        meta={k: dict(v) for k, v in current.meta.items()},
        deleted=current.deleted,
        del_meta=dict(current.del_meta) if current.del_meta else None,
        server_seq=seq,
        exists=True,
    )
    conflicts: list[Conflict] = []
    entity, record_id = change.entity, change.record_id

    def add(
        kind: str,
        field_name: str,
        winner: dict[str, Any],
        loser: dict[str, Any],
        rule: str,
        ids: list[str],
    ) -> None:
        conflicts.append(
            _conflict(
                tenant_id=tenant_id,
                kind=kind,
                entity=entity,
                record_id=record_id,
                field_name=field_name,
                winner=winner,
                loser=loser,
                rule=rule,
                identities=ids,
                created_at=created_at,
            )
        )

    # Rule 4: clock guard, before anything is stored.
    hlc, clamped = protocol.clamp_hlc(change.hlc, server_ms)
    mine: Version = {"h": hlc, "s": seq, "d": device_id}
    if clamped:
        add(
            "clock_skew",
            HLC_FIELD,
            _version_view(mine, hlc, device_names),
            _version_view({"h": change.hlc, "s": seq, "d": device_id}, change.hlc, device_names),
            RULE_CLAMPED,
            [change.hlc, hlc],
        )

    # Rule 8: conflict records take the resolution as sent; they never conflict themselves.
    if entity == protocol.CONFLICT_ENTITY:
        for name, value in change.fields.items():
            state.data[name] = value
            state.meta[name] = dict(mine)
        return MergeResult(state, conflicts, hlc, clamped, list(change.fields))

    before_violations = (
        set(invariants.check(entity, current.data)) if current.exists and not current.deleted else set()
    )

    # Rule 6: a locked record from another device is not edited by a change that had not seen the lock.
    lock = state.meta.get("locked_at")
    if (
        current.exists
        and state.data.get("locked_at")
        and lock is not None
        and lock.get("d") != device_id
        and change.base.get("locked_at", 0) < int(lock.get("s", 0))
    ):
        names = list(change.fields) if change.op == protocol.OP_UPSERT else [RECORD_FIELD]
        for name in names:
            incoming = change.fields.get(name) if name != RECORD_FIELD else "deleted"
            held = state.data.get(name) if name != RECORD_FIELD else "kept"
            if name != RECORD_FIELD and (incoming == held or name in QUIET_FIELDS):
                continue
            add(
                "locked",
                name,
                _version_view(lock, held, device_names),
                _version_view(mine, incoming, device_names),
                RULE_LOCKED,
                [str(lock.get("h")), hlc],
            )
        # Nothing changed, but the record is re-stamped with this seq (see ``_finish``).
        return MergeResult(state, conflicts, hlc, clamped, [])

    applied: list[str] = []

    if change.op == protocol.OP_DELETE:
        if current.exists and current.deleted:
            pass  # deleting a tombstone again changes nothing
        elif not current.exists or _covered(current, change, device_id):
            for name, value in change.fields.items():
                state.data[name] = value
                state.meta[name] = dict(mine)
                applied.append(name)
            state.deleted = True
            state.del_meta = dict(mine)
        else:
            # Rule 3, the edit arrived first: the record survives.
            edit = _latest_foreign(current, change, device_id)
            assert edit is not None
            add(
                "delete_vs_edit",
                RECORD_FIELD,
                _version_view(edit[1], state.data.get(edit[0]), device_names),
                _version_view(mine, change.fields.get("deleted_at"), device_names),
                RULE_EDIT_WINS,
                [str(edit[1].get("h")), hlc],
            )
        return _finish(
            state,
            current,
            change,
            before_violations,
            conflicts,
            hlc,
            clamped,
            applied,
            tenant_id=tenant_id,
            mine=mine,
            device_names=device_names,
            created_at=created_at,
        )

    # Upsert.
    revived = False
    if current.exists and current.deleted:
        dm = current.del_meta or {}
        causal = dm.get("d") == device_id or max(change.base_seq, change.base.get("deleted_at", 0)) >= int(
            dm.get("s", 0)
        )
        if causal:
            pass  # an edit made after seeing the delete (an undelete) merges normally
        else:
            # Rule 3, the delete arrived first: the edit brings the record back.
            add(
                "edit_vs_delete",
                RECORD_FIELD,
                _version_view(mine, "edited", device_names),
                _version_view(dm, current.data.get("deleted_at"), device_names),
                RULE_EDIT_WINS,
                [str(dm.get("h")), hlc],
            )
            state.deleted = False
            state.del_meta = None
            revived = True
            if "deleted_at" in state.data or "deleted_at" in change.fields:
                state.data["deleted_at"] = None
                state.meta["deleted_at"] = dict(mine)

    def take(name: str, value: Any) -> None:
        state.data[name] = value
        state.meta[name] = dict(mine)
        applied.append(name)

    for name, value in change.fields.items():
        if revived and name == "deleted_at":
            continue  # the record survives whatever deletion time the edit carried
        cur = state.meta.get(name)
        if cur is None or change.base.get(name, 0) >= int(cur.get("s", 0)) or cur.get("d") == device_id:
            take(name, value)  # a new field, or Rule 1: causal fast-forward
            continue
        # Rule 2: concurrent edits of one field; the later (hlc, device) wins, the loser is kept.
        held = state.data.get(name)
        if protocol.version_key(mine) > protocol.version_key(cur):
            take(name, value)
            winner, loser = _version_view(mine, value, device_names), _version_view(cur, held, device_names)
        else:
            winner, loser = _version_view(cur, held, device_names), _version_view(mine, value, device_names)
        if held != value and name not in QUIET_FIELDS:
            add("field", name, winner, loser, RULE_LATER_HLC, [str(cur.get("h")), hlc])

    if "deleted_at" in state.data and not state.deleted and state.data.get("deleted_at"):
        # An upsert that carries a deletion time is a soft delete by the same path.
        state.deleted = True
        state.del_meta = dict(state.meta.get("deleted_at", mine))
    elif state.deleted and not state.data.get("deleted_at") and "deleted_at" in change.fields:
        state.deleted = False
        state.del_meta = None
    return _finish(
        state,
        current,
        change,
        before_violations,
        conflicts,
        hlc,
        clamped,
        applied,
        tenant_id=tenant_id,
        mine=mine,
        device_names=device_names,
        created_at=created_at,
    )


def _finish(
    state: RecordState,
    current: RecordState,
    change: Change,
    before: set[str],
    conflicts: list[Conflict],
    hlc: str,
    clamped: bool,
    applied: list[str],
    *,
    tenant_id: str,
    mine: Version,
    device_names: Callable[[str], str | None],
    created_at: str,
) -> MergeResult:
    # Rule 7: cross-field invariants after the merge; a new violation raises an ``invariant`` conflict.
    # Only a state that no single PC had can be a merge product: if every field is this device's own or
    # one it had seen, the PC saved exactly this record and its own checks answer for it (a first
    # enrolment uploading old records must not raise a conflict per record).
    if not state.deleted and applied and _merge_product(state, change, str(mine["d"])):
        identities = sorted({str(v.get("h")) for v in state.meta.values()})
        for rule in invariants.check(change.entity, state.data):
            if rule in before:
                continue
            conflicts.append(
                _conflict(
                    tenant_id=tenant_id,
                    kind="invariant",
                    entity=change.entity,
                    record_id=change.record_id,
                    field_name=rule,
                    winner=_version_view(mine, {k: state.data.get(k) for k in applied}, device_names),
                    loser=_version_view(None, None, device_names),
                    rule=rule,
                    identities=identities,
                    created_at=created_at,
                )
            )
    # Every change re-stamps its record with the change's seq, even one that lost or was refused: the
    # pushing PC holds its own value locally and must pull the merged record back, and a client skips
    # records whose seq it has already applied.
    state.server_seq = int(mine["s"])
    return MergeResult(state, conflicts, hlc, clamped, applied)


def _merge_product(state: RecordState, change: Change, device: str) -> bool:
    """True when the merged record mixes in a version from another device that this change had not seen."""
    for name, version in state.meta.items():
        if version.get("d") == device:
            continue
        if change.base.get(name, 0) < int(version.get("s", 0)):
            return True
    return False


def conflict_state(conflict: Conflict, *, seq: int, hlc: str, device_id: str) -> RecordState:
    """The ``sync.record`` row of a new conflict record."""
    version: Version = {"h": hlc, "s": seq, "d": device_id}
    return RecordState(
        entity=protocol.CONFLICT_ENTITY,
        record_id=conflict.id,
        data=dict(conflict.data),
        meta={name: dict(version) for name in conflict.data},
        deleted=False,
        del_meta=None,
        server_seq=seq,
        exists=True,
    )
