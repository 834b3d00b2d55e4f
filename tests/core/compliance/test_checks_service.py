"""The half-yearly check workflow: review → owner confirms (signature) → locked, kept 5 years."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from safetydesk.core.audit.chain import verify
from safetydesk.core.compliance.model import Status
from safetydesk.core.db.tables import attachment_links, compliance_checks
from safetydesk.core.errors import LegalHoldError, RecordLockedError, ValidationError
from safetydesk.core.services import records
from safetydesk.core.services.compliance import confirm_by_owner, record_review, revise_check
from safetydesk.core.workspace.workspace import Workspace
from tests.core.compliance.plant import full_plant, report, site

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_review_confirm_lock_and_keep_five_years(ws: Workspace) -> None:
    full_plant(ws, checks=False)
    review = record_review(
        ws,
        "2026H1",
        "sapa_4_8",
        reviewer="이담당",
        reviewed_on=date(2026, 7, 3),
        findings="훈련 1회, 매뉴얼 최신",
    )
    row = records.get(ws, "compliance_checks", review.id)
    assert row["status_at_review"] == "met"  # the records were complete when reviewed
    assert row["status"] == "draft" and row["locked_at"] is None
    assert report(ws).duty("sapa_4_8").status is Status.PARTLY  # owner has not confirmed yet

    changes = confirm_by_owner(
        ws, review.id, owner_name="박대표", confirmed_on=date(2026, 7, 6), signature_png=PNG
    )
    assert changes.ids("compliance_checks") == (review.id,)
    row = records.get(ws, "compliance_checks", review.id)
    assert row["status"] == "completed" and row["locked_at"] is not None
    assert row["owner_name"] == "박대표" and str(row["owner_confirmed_on"]) == "2026-07-06"
    assert str(row["retention_until"]) == "2031-07-06"  # Decree Art. 13: 5 years from carried out
    with ws.reader() as conn:
        links = conn.execute(
            select(attachment_links.c.role).where(attachment_links.c.record_id == review.id)
        ).all()
    assert [r.role for r in links] == ["signature"]
    d = report(ws).duty("sapa_4_8")
    assert d.status is Status.MET and d.check is not None and d.check.locked
    with ws.reader() as conn:
        assert verify(conn).ok


def test_review_updates_the_draft_and_records_the_engine_status(ws: Workspace) -> None:
    site(ws)
    first = record_review(
        ws, "2026H1", "sapa_4_3", reviewer="이담당", reviewed_on=date(2026, 7, 1), findings="a"
    )
    again = record_review(
        ws, "2026H1", "sapa_4_3", reviewer="김과장", reviewed_on=date(2026, 7, 2), findings="b"
    )
    assert again.id == first.id
    row = records.get(ws, "compliance_checks", first.id)
    assert (row["reviewer"], row["findings_text"], row["status_at_review"]) == ("김과장", "b", "missing")
    with ws.reader() as conn:
        assert len(conn.execute(select(compliance_checks.c.id)).all()) == 1


def test_confirm_before_review_is_refused(ws: Workspace) -> None:
    site(ws)
    draft = records.create(ws, "compliance_checks", {"period": "2026H1", "duty_code": "sapa_4_7"}).id
    with pytest.raises(ValidationError) as err:
        confirm_by_owner(ws, draft, owner_name="박대표", confirmed_on=date(2026, 7, 6))
    assert "after it has been reviewed" in err.value.text("en")
    assert records.get(ws, "compliance_checks", draft)["locked_at"] is None


def test_confirm_before_the_review_day_and_bad_signature_are_refused(ws: Workspace) -> None:
    site(ws)
    check = record_review(
        ws, "2026H1", "sapa_4_7", reviewer="이담당", reviewed_on=date(2026, 7, 6), findings=""
    )
    with pytest.raises(ValidationError):
        confirm_by_owner(ws, check.id, owner_name="박대표", confirmed_on=date(2026, 7, 5))
    with pytest.raises(ValidationError):
        confirm_by_owner(
            ws, check.id, owner_name="박대표", confirmed_on=date(2026, 7, 7), signature_png=b"GIF89a"
        )


def test_locked_check_cannot_be_edited_reconfirmed_or_deleted(ws: Workspace) -> None:
    site(ws)
    check = record_review(
        ws, "2026H1", "sapa_5_2_1", reviewer="이담당", reviewed_on=date(2026, 7, 6), findings=""
    )
    confirm_by_owner(ws, check.id, owner_name="박대표", confirmed_on=date(2026, 7, 7))
    with pytest.raises(RecordLockedError):
        record_review(ws, "2026H1", "sapa_5_2_1", reviewer="x", reviewed_on=date(2026, 7, 8), findings="")
    with pytest.raises(RecordLockedError):
        confirm_by_owner(ws, check.id, owner_name="박대표", confirmed_on=date(2026, 7, 8))
    with pytest.raises(RecordLockedError):
        records.update(ws, "compliance_checks", check.id, {"findings_text": "고침"})
    with pytest.raises(LegalHoldError):
        records.delete(ws, "compliance_checks", check.id, today=date(2031, 7, 6))
    records.delete(ws, "compliance_checks", check.id, today=date(2031, 7, 8))  # after retention: allowed


def test_revise_check_needs_a_new_confirmation(ws: Workspace) -> None:
    full_plant(ws, checks=False)
    check = record_review(
        ws, "2026H1", "sapa_4_8", reviewer="이담당", reviewed_on=date(2026, 7, 3), findings="a"
    )
    confirm_by_owner(ws, check.id, owner_name="박대표", confirmed_on=date(2026, 7, 6))
    assert report(ws).duty("sapa_4_8").status is Status.MET
    revision = revise_check(ws, check.id, reason="훈련 기록 누락 정정")
    row = records.get(ws, "compliance_checks", revision.id)
    assert row["revision_of"] == check.id and row["revision_no"] == 2 and row["owner_confirmed_on"] is None
    d = report(ws).duty("sapa_4_8")
    assert d.status is Status.PARTLY and d.check is not None and d.check.record_id == revision.id
    again = record_review(
        ws, "2026H1", "sapa_4_8", reviewer="이담당", reviewed_on=date(2026, 7, 10), findings="b"
    )
    assert again.id == revision.id  # the draft revision is the one reviewed
    with pytest.raises(ValidationError):
        revise_check(ws, check.id, reason="twice")
    confirm_by_owner(ws, revision.id, owner_name="박대표", confirmed_on=date(2026, 7, 11))
    assert report(ws).duty("sapa_4_8").status is Status.MET


@pytest.mark.parametrize(("period", "code"), [("2026H3", "sapa_4_3"), ("2026H1", "sapa_9_9")])
def test_bad_period_or_code(ws: Workspace, period: str, code: str) -> None:
    with pytest.raises(ValidationError):
        record_review(ws, period, code, reviewer="이담당", reviewed_on=date(2026, 7, 1), findings="")


def test_review_before_the_period_starts_is_refused(ws: Workspace) -> None:
    with pytest.raises(ValidationError):
        record_review(ws, "2026H2", "sapa_4_3", reviewer="이담당", reviewed_on=date(2026, 6, 30), findings="")
