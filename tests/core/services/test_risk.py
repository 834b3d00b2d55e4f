"""Risk assessments: items scored by the service, the completion guard, revisions, follow-up actions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from safetydesk.core.audit.chain import verify
from safetydesk.core.db.tables import corrective_actions, risk_items
from safetydesk.core.domain.risk_assessment import AssessmentHeader, Participant, RiskItemData
from safetydesk.core.errors import LegalHoldError, RecordLockedError, UserError, ValidationError
from safetydesk.core.queries.lists import ListQuery, count, page
from safetydesk.core.queries.risk import assessment_detail, reference
from safetydesk.core.services import records
from safetydesk.core.services.risk import (
    CompletionBlockedError,
    complete_assessment,
    create_action_for_item,
    delete_assessment,
    record_owner_report,
    revise_assessment,
    save_assessment,
)
from safetydesk.core.workspace.workspace import Workspace


@contextmanager
def raises_en(kind: type[UserError], text: str) -> Iterator[None]:
    """Like ``pytest.raises(match=...)`` but on the English text, whatever the UI language."""
    with pytest.raises(kind) as err:
        yield
    assert text in err.value.text("en")


HEADER = AssessmentHeader(
    title="프레스 금형 교체 작업",
    assessment_type="regular",
    scale_code="kras_5x4",
    scale_version=1,
    assessed_on="2026-03-02",
    lead_assessor="김안전",
    participants=(Participant("박근로", "worker"), Participant("이반장", "supervisor")),
    worker_rep_participated=True,
    discovery_methods=("site_round", "suggestion"),
)
PINCH = RiskItemData(
    task="금형 교체",
    hazard_class="mechanical",
    situation="상·하형 사이 손 끼임 → 절단",
    legal_basis="안전보건규칙 제103조",
    current_controls="양수조작식 방호장치",
    likelihood=3,
    severity=4,
)
NOISE = RiskItemData(
    task="블랭킹",
    hazard_class="environmental",
    situation="소음 노출 → 난청",
    likelihood=2,
    severity=1,
)


def test_save_scores_items_and_lists_open_unacceptable(ws: Workspace) -> None:
    saved = save_assessment(ws, HEADER, [PINCH, NOISE, RiskItemData()])
    assert len(saved.item_ids) == 2  # the blank row is dropped
    with ws.reader() as conn:
        rows = conn.execute(select(risk_items).order_by(risk_items.c.seq)).mappings().all()
    assert [(r["risk_score"], r["band"], r["acceptable"]) for r in rows] == [
        (12, "slightly_high", False),
        (2, "very_low", True),
    ]
    detail = assessment_detail(ws, saved.id)
    assert detail.header.participants[1] == Participant("이반장", "supervisor", None)
    assert detail.scale.code == "kras_5x4" and detail.status == "draft"
    query = ListQuery("risk_assessments")
    result = page(ws, query, 0, 10)
    values = dict(zip([c for c, *_ in _headers()], result.rows[0], strict=True))
    assert values["items"] == 2 and values["open_unacceptable"] == 1
    assert count(ws, ListQuery("risk_assessments", filters={"open_unacceptable": True})) == 1


def _headers() -> tuple[tuple[str, str, str, int], ...]:
    from safetydesk.core.queries.lists import headers

    return headers("risk_assessments")


def test_update_reorders_and_tombstones_removed_items(ws: Workspace) -> None:
    saved = save_assessment(ws, HEADER, [PINCH, NOISE])
    items = assessment_detail(ws, saved.id).items
    noise = replace(items[1], remarks="귀마개 지급")
    save_assessment(ws, HEADER, [noise], assessment_id=saved.id)
    detail = assessment_detail(ws, saved.id)
    assert [i.task for i in detail.items] == ["블랭킹"] and detail.items[0].remarks == "귀마개 지급"
    with ws.reader() as conn:
        gone = conn.execute(select(risk_items.c.deleted_at).where(risk_items.c.id == items[0].id)).scalar()
    assert gone is not None
    with ws.reader() as conn:
        assert verify(conn).ok


def test_invalid_rating_and_missing_columns_are_user_errors(ws: Workspace) -> None:
    with pytest.raises(ValidationError) as err:
        save_assessment(ws, HEADER, [replace(PINCH, likelihood=9)])
    assert "Row 1" in err.value.text("en") and "9" in err.value.text("en")
    with pytest.raises(ValidationError) as err:
        save_assessment(ws, HEADER, [replace(PINCH, situation=" ")])
    assert "1" in err.value.text("ko")
    with pytest.raises(ValidationError):
        save_assessment(ws, replace(HEADER, title=""), [PINCH])


def test_completion_guard_lists_blocking_items_in_both_languages(ws: Workspace) -> None:
    unrated = RiskItemData(task="운반", hazard_class="mechanical", situation="협착")
    saved = save_assessment(ws, HEADER, [PINCH, NOISE, unrated])
    with pytest.raises(CompletionBlockedError) as err:
        complete_assessment(ws, saved.id, on=date(2026, 3, 3))
    english = err.value.text("en")
    assert "1. 금형 교체: unacceptable risk without a reduction measure" in english
    assert "3. 운반: the current risk is not rated" in english
    assert "2. 블랭킹" not in english
    korean = err.value.text("ko")
    assert "감소대책" in korean and "1. 금형 교체" in korean

    fixed = replace(
        PINCH,
        reduction_measures="광전자식 방호장치 추가",
        hierarchy="engineering",
        residual_likelihood=3,
        residual_severity=4,
    )
    items = assessment_detail(ws, saved.id).items
    save_assessment(ws, HEADER, [replace(fixed, id=items[0].id), items[1]], assessment_id=saved.id)
    with pytest.raises(CompletionBlockedError) as err:
        complete_assessment(ws, saved.id)
    assert "still unacceptable" in err.value.text("en")
    items = assessment_detail(ws, saved.id).items
    save_assessment(ws, HEADER, [replace(items[0], residual_likelihood=1), items[1]], assessment_id=saved.id)
    complete_assessment(ws, saved.id, on=date(2026, 3, 3))
    detail = assessment_detail(ws, saved.id)
    assert detail.locked and detail.status == "completed"
    assert detail.retention_until == "2031-03-03"  # SAPA 5 years outlasts the 3-year RA rule
    with pytest.raises(RecordLockedError):
        save_assessment(ws, HEADER, list(detail.items), assessment_id=saved.id)


def test_adhoc_needs_trigger_and_empty_assessment_is_refused(ws: Workspace) -> None:
    empty = save_assessment(ws, HEADER, [])
    with raises_en(ValidationError, "at least one hazard"):
        complete_assessment(ws, empty.id)
    adhoc = save_assessment(ws, replace(HEADER, assessment_type="adhoc"), [NOISE])
    with raises_en(ValidationError, "trigger"):
        complete_assessment(ws, adhoc.id)


def test_levels_scale_is_scored_by_level(ws: Workspace) -> None:
    header = replace(HEADER, scale_code="three_level")
    item = RiskItemData(
        task="용접", hazard_class="fire_explosion", situation="불티 비산 → 화재", level="high"
    )
    saved = save_assessment(ws, header, [item])
    with ws.reader() as conn:
        row = conn.execute(select(risk_items).where(risk_items.c.id == saved.item_ids[0])).mappings().one()
    assert row["level"] == "high" and row["band"] == "high" and row["acceptable"] is False
    assert row["risk_score"] is None and row["likelihood"] is None


def test_revision_copies_items_and_owner_report_on_completed(ws: Workspace) -> None:
    saved = save_assessment(ws, HEADER, [NOISE])
    complete_assessment(ws, saved.id, on=date(2026, 3, 3))
    record_owner_report(ws, saved.id, reported_on=date(2026, 3, 10), shared_how="TBM·게시판")
    detail = assessment_detail(ws, saved.id)
    assert detail.header.reported_to_owner_on == "2026-03-10" and detail.locked
    with pytest.raises(ValidationError):
        record_owner_report(ws, saved.id, reported_on=date(2026, 1, 1))
    with pytest.raises(ValidationError):
        revise_assessment(ws, saved.id, reason=" ")
    new = revise_assessment(ws, saved.id, reason="설비 변경")
    revised = assessment_detail(ws, new.id)
    assert revised.revision_no == 2 and revised.revision_of == saved.id and not revised.locked
    assert [i.task for i in revised.items] == ["블랭킹"] and revised.items[0].id != detail.items[0].id
    assert revised.header.reported_to_owner_on is None
    assert len(assessment_detail(ws, saved.id).items) == 1  # the original keeps its items
    with ws.reader() as conn:
        assert verify(conn).ok


def test_corrective_action_from_item(ws: Workspace) -> None:
    refs_area = records.create(ws, "sites", {"name": "동남정밀"}).id
    area = records.create(
        ws, "areas", {"site_id": refs_area, "code": "PR", "name": "프레스", "hazard_tags": []}
    ).id
    saved = save_assessment(ws, replace(HEADER, area_id=area, site_id=refs_area), [PINCH])
    item_id = saved.item_ids[0]
    with raises_en(ValidationError, "reduction measure"):
        create_action_for_item(ws, item_id, due_on=date(2026, 4, 1))
    items = assessment_detail(ws, saved.id).items
    save_assessment(
        ws,
        HEADER,
        [
            replace(
                items[0],
                reduction_measures="광전자식 방호장치 설치",
                hierarchy="engineering",
                owner_name="이반장",
            )
        ],
        assessment_id=saved.id,
    )
    created = create_action_for_item(ws, item_id, due_on=date(2026, 4, 1))
    with ws.reader() as conn:
        action = (
            conn.execute(select(corrective_actions).where(corrective_actions.c.id == created.id))
            .mappings()
            .one()
        )
    assert action["source_kind"] == "risk_assessment" and action["source_id"] == saved.id
    assert action["title"] == "광전자식 방호장치 설치" and action["owner_name"] == "이반장"
    detail = assessment_detail(ws, saved.id)
    assert detail.items[0].action_id == created.id and detail.items[0].action_status == "open"
    with raises_en(ValidationError, "already"):
        create_action_for_item(ws, item_id, due_on=date(2026, 4, 1))


def test_delete_draft_only(ws: Workspace) -> None:
    saved = save_assessment(ws, HEADER, [NOISE])
    delete_assessment(ws, saved.id)
    assert count(ws, ListQuery("risk_assessments")) == 0
    kept = save_assessment(ws, HEADER, [NOISE])
    complete_assessment(ws, kept.id)
    with pytest.raises(LegalHoldError):
        delete_assessment(ws, kept.id)


def test_reference_offers_scales_in_force(ws: Workspace) -> None:
    ref = reference(ws, date(2026, 3, 2))
    assert {"kras_5x4", "moel_3x3", "three_level", "checklist", "ops"} <= {s.code for s in ref.scales}
