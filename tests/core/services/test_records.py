"""Every record type goes through the one door: create, update, complete, lock, revise, delete."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from safetydesk.core.db.tables import LOCKABLE_TABLES, RECORD_TABLES, audit_events, sync_outbox
from safetydesk.core.errors import LegalHoldError, RecordLockedError, ValidationError
from safetydesk.core.services import records
from safetydesk.core.workspace.workspace import Workspace
from tests.factories import base_refs, minimal

SIMPLE = sorted(set(RECORD_TABLES) - {"attachment_links", "risk_items"})


def _counts(ws: Workspace) -> tuple[int, int]:
    with ws.reader() as conn:
        return (
            conn.execute(select(func.count()).select_from(audit_events)).scalar_one(),
            conn.execute(select(func.count()).select_from(sync_outbox)).scalar_one(),
        )


@pytest.mark.parametrize("entity", SIMPLE)
def test_create_and_update_write_audit_and_outbox(ws: Workspace, entity: str) -> None:
    refs = base_refs(ws)
    before = _counts(ws)
    created = records.create(ws, entity, minimal(entity, refs))
    assert _counts(ws) == (before[0] + 1, before[1] + 1)
    assert created.changes.ids(entity) == (created.id,)
    row = records.get(ws, entity, created.id)
    assert row["created_at"].endswith("Z")
    text_field = next(
        c.name
        for c in RECORD_TABLES[entity].c
        if type(c.type).__name__ in ("String", "Text")
        and c.name
        not in (
            "id",
            "created_at",
            "updated_at",
            "deleted_at",
            "created_by",
            "status",
            "locked_at",
            "revision_of",
            "retention_until",
        )
        and not c.foreign_keys
        and (c.type.length or 99) >= 8
        and not c.name.endswith(
            ("_on", "_from", "_to", "_due", "_at", "sha256", "period", "code", "nationality", "language")
        )
    )
    records.update(ws, entity, created.id, {text_field: "수정됨"})
    assert records.get(ws, entity, created.id)[text_field] == "수정됨"
    assert _counts(ws) == (before[0] + 2, before[1] + 2)


@pytest.mark.parametrize("entity", sorted(LOCKABLE_TABLES))
def test_complete_locks_and_revision_keeps_original(ws: Workspace, entity: str) -> None:
    refs = base_refs(ws)
    created = records.create(ws, entity, minimal(entity, refs))
    records.complete(ws, entity, created.id, on=date(2026, 3, 2))
    row = records.get(ws, entity, created.id)
    assert row["status"] == "completed" and row["locked_at"]
    with pytest.raises(RecordLockedError):
        records.update(ws, entity, created.id, {"status": "draft"})
    revision = records.revise(ws, entity, created.id, reason="오기 수정")
    new = records.get(ws, entity, revision.id)
    assert new["revision_of"] == created.id and new["revision_no"] == 2 and new["status"] == "draft"
    assert records.get(ws, entity, created.id)["locked_at"] == row["locked_at"]


def test_retention_is_set_from_legal_data_and_blocks_delete(ws: Workspace) -> None:
    refs = base_refs(ws)
    ra = records.create(ws, "risk_assessments", minimal("risk_assessments", refs)).id
    records.complete(ws, "risk_assessments", ra, on=date(2026, 3, 2))
    row = records.get(ws, "risk_assessments", ra)
    # RA results: 3 years (Rule Art. 37-4); as SAPA evidence: 5 years (Decree Art. 13) — the longer wins.
    assert row["retention_until"] == "2031-03-02"
    with pytest.raises(LegalHoldError) as err:
        records.delete(ws, "risk_assessments", ra, today=date(2027, 1, 1))
    assert "2031-03-02" in err.value.text("en")
    assert "2031-03-02" in err.value.text("ko")
    records.delete(ws, "risk_assessments", ra, today=date(2031, 3, 3))
    assert records.get(ws, "risk_assessments", ra)["deleted_at"]


def test_draft_can_be_deleted_as_tombstone(ws: Workspace) -> None:
    refs = base_refs(ws)
    finding = records.create(ws, "findings", minimal("findings", refs)).id
    records.delete(ws, "findings", finding)
    assert records.get(ws, "findings", finding)["deleted_at"]  # tombstone: the row stays


@pytest.mark.parametrize(
    ("values", "needle"),
    [
        ({"found_on": "2026-02-30"}, "found_on"),
        ({"found_on": "어제"}, "found_on"),
        ({"severity": None}, "severity"),
        ({"description": "x" * 10, "found_by": "y" * 500}, "found_by"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(
    ws: Workspace, values: dict[str, object], needle: str
) -> None:
    refs = base_refs(ws)
    data = {**minimal("findings", refs), **values}
    before = _counts(ws)
    with pytest.raises(ValidationError) as err:
        records.create(ws, "findings", data)
    assert needle in err.value.text("en") and needle in err.value.text("ko")
    assert err.value.text("ko") != err.value.text("en")
    assert _counts(ws) == before  # nothing half-written


def test_missing_required_field_is_named(ws: Workspace) -> None:
    with pytest.raises(ValidationError) as err:
        records.create(ws, "sites", {"address": "부산"})
    assert "name" in err.value.text("en")
