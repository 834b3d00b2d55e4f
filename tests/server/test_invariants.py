"""Cross-field rules the sync server checks after each merge (SYNC.md §5 rule 7)."""

from __future__ import annotations

from safetydesk.core.domain import invariants as inv

ACTION = {
    "status": "done",
    "done_on": "2026-07-01",
    "created_at": "2026-06-30T23:59:59Z",
    "verified_by": None,
    "verified_on": None,
    "deleted_at": None,
}


def test_verified_or_closed_action_needs_verifier_and_date() -> None:
    assert inv.check("corrective_actions", ACTION) == []
    for status in ("verified", "closed"):
        row = {**ACTION, "status": status}
        assert inv.check("corrective_actions", row) == [inv.ACTION_VERIFIED_NEEDS_VERIFIER]
        assert inv.check("corrective_actions", {**row, "verified_by": "Kim"}) == [
            inv.ACTION_VERIFIED_NEEDS_VERIFIER
        ]
        assert inv.check("corrective_actions", {**row, "verified_by": "  ", "verified_on": "2026-07-01"}) == [
            inv.ACTION_VERIFIED_NEEDS_VERIFIER
        ]
        assert (
            inv.check("corrective_actions", {**row, "verified_by": "Kim", "verified_on": "2026-07-01"}) == []
        )


def test_done_on_not_before_the_day_created_half_year_boundary() -> None:
    # Created 30 Jun, done 1 Jul: fine; done 30 Jun (same day): fine; done 29 Jun: broken.
    assert inv.check("corrective_actions", {**ACTION, "done_on": "2026-06-30"}) == []
    assert inv.check("corrective_actions", {**ACTION, "done_on": "2026-06-29"}) == [
        inv.ACTION_DONE_BEFORE_CREATED
    ]
    row = {**ACTION, "created_at": "2027-01-01T00:00:00Z", "done_on": "2026-12-31"}
    assert inv.check("corrective_actions", row) == [inv.ACTION_DONE_BEFORE_CREATED]


def test_locked_record_must_be_completed() -> None:
    row = {"status": "completed", "locked_at": "2026-12-31T15:00:00Z"}
    assert inv.check("tbm_meetings", row) == []
    assert inv.check("tbm_meetings", {**row, "status": "draft"}) == [inv.LOCKED_NEEDS_COMPLETED]
    assert inv.check("tbm_meetings", {"status": "draft", "locked_at": None}) == []
    # Records without a status column are not lockable records.
    assert inv.check("people", {"locked_at": "2026-01-01T00:00:00Z"}) == []


def test_deleted_records_and_unknown_entities_are_not_checked() -> None:
    assert (
        inv.check(
            "corrective_actions", {**ACTION, "status": "verified", "deleted_at": "2026-07-02T00:00:00Z"}
        )
        == []
    )
    assert inv.check("whatever", {"status": "verified"}) == []
    assert set(inv.RULES) == {
        inv.ACTION_VERIFIED_NEEDS_VERIFIER,
        inv.ACTION_DONE_BEFORE_CREATED,
        inv.LOCKED_NEEDS_COMPLETED,
    }
