"""The wire constants both sides share (core/sync/protocol.py)."""

from __future__ import annotations

from safetydesk.core.db.schema_version import SCHEMA_HEAD
from safetydesk.core.db.tables import CHILD_TABLES, RECORD_TABLES
from safetydesk.core.sync import protocol


def test_protocol_schema_number_is_the_workspace_head() -> None:
    assert protocol.schema_number(SCHEMA_HEAD) == protocol.SCHEMA_CURRENT


def test_blob_fields_name_real_columns() -> None:
    for entity, fields in protocol.BLOB_FIELDS.items():
        for name in fields:
            assert name in RECORD_TABLES[entity].c, (entity, name)
    for child in protocol.BLOB_LIST_CHILD_FIELDS:
        assert child in CHILD_TABLES


def test_blob_refs_finds_fields_and_child_lists() -> None:
    a, b, c = "a" * 64, "b" * 64, "c" * 64
    fields = {
        "signature_sha256": a,
        protocol.CHILDREN_PREFIX + "form_answers": [{"attachments": [b, "short"]}, {"attachments": None}],
    }
    assert protocol.blob_refs("form_records", fields) == {a, b}
    assert protocol.blob_refs("attachment_links", {"sha256": c}) == {c}
    assert protocol.blob_refs("people", {"sha256": c}) == set()


def test_hlc_clamp_only_beyond_five_minutes() -> None:
    now = 1_763_900_000_000
    near = protocol.make_hlc(now + protocol.MAX_SKEW_MS, 3, "dev")
    far = protocol.make_hlc(now + protocol.MAX_SKEW_MS + 1, 3, "dev")
    assert protocol.clamp_hlc(near, now) == (near, False)
    clamped, was = protocol.clamp_hlc(far, now)
    assert was and protocol.hlc_ms(clamped) == now and protocol.hlc_device(clamped) == "dev"
    # the text order is the time order
    assert protocol.make_hlc(999, 0, "z") < protocol.make_hlc(1000, 0, "a")


def test_conflict_id_ignores_arrival_order() -> None:
    one = protocol.conflict_id("t", "findings", "r", "status", "field", ["h1.d1", "h2.d2"])
    two = protocol.conflict_id("t", "findings", "r", "status", "field", ["h2.d2", "h1.d1"])
    assert one == two
    assert one != protocol.conflict_id("t2", "findings", "r", "status", "field", ["h1.d1", "h2.d2"])
