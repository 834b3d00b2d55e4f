"""Contractors and their evaluations (SAPA Decree Art. 4-9): validation, totals, lock, legal hold,
validity (12 months, boundary days) and the compliance engine's sapa_4_9 reading them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import select

from safetydesk.core.compliance.engine import compliance
from safetydesk.core.compliance.model import Status
from safetydesk.core.db.tables import audit_events, contractor_evaluations
from safetydesk.core.errors import LegalHoldError, RecordLockedError, ValidationError
from safetydesk.core.i18n import set_language
from safetydesk.core.queries import contractors as q
from safetydesk.core.services import compliance as checks
from safetydesk.core.services import contractors as svc
from safetydesk.core.services import records
from safetydesk.core.workspace.workspace import Workspace

TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("ko")


def _contractor(ws: Workspace, **kw: object) -> str:
    values = svc.ContractorInput(name=str(kw.pop("name", "부산도장(주)")), **kw)  # type: ignore[arg-type]
    return svc.save_contractor(ws, values).id


def _scored(*scores: float) -> tuple[svc.Criterion, ...]:
    base = svc.default_criteria("en")
    return (
        tuple(svc.Criterion(c.key, c.label, s, c.max) for c, s in zip(base, scores, strict=False))
        + base[len(scores) :]
    )


def _evaluation(
    contractor_id: str, on: date, scores: tuple[float, ...] = (18, 17, 12, 12, 13, 12), **kw: object
) -> svc.ContractorEvaluationInput:
    criteria = _scored(*scores)
    return svc.ContractorEvaluationInput(
        contractor_id=contractor_id,
        evaluated_on=on,
        purpose=str(kw.get("purpose", "prequalification")),
        criteria=criteria,
        result=kw.get("result", svc.suggested_result(criteria)),  # type: ignore[arg-type]
        evaluator=str(kw.get("evaluator", "김안전")),
        notes="적격",
    )


def test_default_criteria_are_the_six_kosha_style_items_worth_100_points() -> None:
    criteria = svc.default_criteria("ko")
    assert [c.key for c in criteria] == [
        "system_policy",
        "risk_assessment",
        "education",
        "accident_history",
        "ppe_equipment",
        "emergency",
    ]
    assert sum(c.max for c in criteria) == 100
    assert criteria[0].label == "안전보건관리체계 및 방침"
    assert svc.default_criteria("en")[1].label == "Ability to carry out risk assessments"


def test_save_contractor_validates_and_updates_the_standards(ws: Workspace) -> None:
    with pytest.raises(ValidationError) as err:
        svc.save_contractor(ws, svc.ContractorInput(name="  "))
    assert "협력업체 이름" in err.value.text("ko")
    assert "contractor's name" in err.value.text("en")
    with pytest.raises(ValidationError) as err2:
        svc.save_contractor(
            ws,
            svc.ContractorInput(name="A", contract_from=date(2026, 7, 1), contract_to=date(2026, 6, 30)),
        )
    assert "2026-06-30" in err2.value.text("en")
    cid = _contractor(ws, contract_from=date(2026, 1, 1), contract_to=date(2026, 12, 31))
    row = q.contractor(ws, cid, today=TODAY)
    assert not row.cost_standard_set and not row.building_period_set
    svc.save_contractor(
        ws,
        svc.ContractorInput(
            name="부산도장(주)",
            work_scope="도장",
            contract_from=date(2026, 1, 1),
            contract_to=date(2026, 12, 31),
            safety_cost_standard="도급금액의 2% 이상",
            building_period_standard="  ",
        ),
        contractor_id=cid,
    )
    row = q.contractor(ws, cid, today=TODAY)
    assert row.cost_standard_set and not row.building_period_set
    assert row.safety_cost_standard == "도급금액의 2% 이상" and row.work_scope == "도장"
    with ws.reader() as conn:
        actions = [
            r.action
            for r in conn.execute(
                select(audit_events.c.action)
                .where(audit_events.c.record_id == cid)
                .order_by(audit_events.c.seq)
            )
        ]
    assert actions == ["create", "update"]


def test_evaluation_total_is_the_sum_of_scores_and_bad_input_is_refused(ws: Workspace) -> None:
    cid = _contractor(ws)
    created = svc.evaluate_contractor(ws, _evaluation(cid, date(2026, 7, 1)), today=TODAY)
    row = q.evaluation(ws, created.id)
    assert row.total_score == 84 and row.max_score == 100
    assert row.result == "pass" and row.status == "draft" and not row.locked
    assert row.retention_until is None
    assert [c["score"] for c in row.criteria] == [18, 17, 12, 12, 13, 12]
    # suggested result: 70 of 100 passes, 60 is conditional, below fails
    assert svc.suggested_result(_scored(14, 14, 11, 11, 10, 10)) == "pass"
    assert svc.suggested_result(_scored(12, 12, 9, 9, 9, 9)) == "conditional"
    assert svc.suggested_result(_scored(12, 12, 9, 9, 9, 8)) == "fail"
    with pytest.raises(ValidationError, match="outside"):
        svc.evaluate_contractor(ws, _evaluation(cid, date(2026, 7, 1), (21,)), today=TODAY)
    with pytest.raises(ValidationError, match="future"):
        svc.evaluate_contractor(ws, _evaluation(cid, date(2026, 11, 24)), today=TODAY)
    with pytest.raises(ValidationError, match="purpose"):
        svc.evaluate_contractor(ws, _evaluation(cid, date(2026, 7, 1), purpose="yearly"), today=TODAY)
    # an edited criteria set (one removed, one added) is kept as entered
    custom = (*svc.default_criteria("en")[:5], svc.Criterion("", "Hot-work permit discipline", 8, 10))
    edited = svc.evaluate_contractor(
        ws,
        svc.ContractorEvaluationInput(cid, date(2026, 7, 2), "periodic", custom, None, "김안전"),
        evaluation_id=created.id,
        today=TODAY,
    )
    row = q.evaluation(ws, edited.id)
    assert row.total_score == 8 and row.max_score == 95 and row.purpose == "periodic"
    assert row.criteria[-1]["key"] == "c6" and row.criteria[-1]["label"] == "Hot-work permit discipline"


def test_completing_locks_with_retention_and_deleting_is_refused(ws: Workspace) -> None:
    cid = _contractor(ws)
    draft = svc.evaluate_contractor(ws, _evaluation(cid, date(2026, 6, 30), result=None), today=TODAY)
    with pytest.raises(ValidationError, match="result"):
        svc.complete_evaluation(ws, draft.id)
    svc.evaluate_contractor(ws, _evaluation(cid, date(2026, 6, 30)), evaluation_id=draft.id, today=TODAY)
    svc.complete_evaluation(ws, draft.id)
    row = q.evaluation(ws, draft.id)
    assert row.locked and row.status == "completed"
    assert row.retention_until == "2031-06-30"  # Decree Art. 13: 5 years from the evaluation
    with pytest.raises(RecordLockedError):
        svc.evaluate_contractor(ws, _evaluation(cid, date(2026, 6, 30)), evaluation_id=draft.id, today=TODAY)
    with pytest.raises(LegalHoldError) as held:
        svc.delete_evaluation(ws, draft.id, today=TODAY)
    assert "2031-06-30" in held.value.text("en")
    with pytest.raises(LegalHoldError):
        svc.delete_contractor(ws, cid, today=TODAY)
    # a draft can go; the contractor of a draft only can go too
    other = _contractor(ws, name="한빛크레인정비(주)")
    second = svc.evaluate_contractor(ws, _evaluation(other, date(2026, 7, 1)), today=TODAY)
    svc.delete_evaluation(ws, second.id, today=TODAY)
    svc.delete_contractor(ws, other, today=TODAY)
    assert [r.id for r in q.contractor_list(ws, today=TODAY)] == [cid]
    with ws.reader() as conn:
        kept = conn.execute(
            select(contractor_evaluations.c.deleted_at).where(contractor_evaluations.c.id == draft.id)
        ).scalar_one()
    assert kept is None


def test_save_and_complete_is_all_or_nothing(ws: Workspace) -> None:
    cid = _contractor(ws)
    with pytest.raises(ValidationError, match="evaluated"):
        svc.save_and_complete(ws, _evaluation(cid, date(2026, 7, 1), evaluator=" "), today=TODAY)
    assert q.evaluations(ws, cid) == ()
    done = svc.save_and_complete(ws, _evaluation(cid, date(2026, 7, 1)), today=TODAY)
    assert q.evaluation(ws, done.id).locked


def test_validity_is_twelve_months_to_the_day_and_only_completed_evaluations_count(ws: Workspace) -> None:
    assert q.evaluation_valid_months() == 12
    refs_site = records.create(ws, "sites", {"name": "사업장"}).id
    cid = _contractor(ws)
    for name in ("김철수", "이영희"):
        records.create(
            ws,
            "people",
            {
                "site_id": refs_site,
                "contractor_id": cid,
                "name": name,
                "kind": "contractor_worker",
                "job_type": "production",
                "roles": [],
            },
        )
    records.create(
        ws,
        "people",
        {
            "site_id": refs_site,
            "contractor_id": cid,
            "name": "퇴사자",
            "kind": "contractor_worker",
            "job_type": "production",
            "roles": [],
            "left_on": "2026-11-22",
        },
    )
    row = q.contractor(ws, cid, today=TODAY)
    assert row.latest is None and row.evaluation_due and row.workers == 2
    assert len(q.contractor_workers(ws, cid)) == 3
    draft = svc.evaluate_contractor(ws, _evaluation(cid, date(2025, 6, 30)), today=TODAY)
    row = q.contractor(ws, cid, today=date(2026, 6, 30))
    assert (
        row.latest is not None and row.latest.id == draft.id and row.evaluation_due
    )  # a draft is no evidence
    svc.complete_evaluation(ws, draft.id)
    assert not q.contractor(ws, cid, today=date(2026, 6, 30)).evaluation_due  # 30 Jun → 30 Jun: still valid
    assert q.contractor(ws, cid, today=date(2026, 7, 1)).evaluation_due  # 1 Jul: expired
    assert q.contractor(ws, cid, today=date(2026, 6, 30)).valid_evaluation.valid_until == date(2026, 6, 30)  # type: ignore[union-attr]


def _duty_4_9(ws: Workspace, period: str, today: date) -> Status:
    report = compliance(ws, period, today=today)
    return next(d for d in report.duties if d.code == "sapa_4_9").status


def test_sapa_4_9_goes_from_missing_to_partly_to_met_through_the_service(ws: Workspace) -> None:
    site = records.create(
        ws, "sites", {"name": "동남정밀", "uses_contractors": True, "ksic_code": "29172"}
    ).id
    records.create(
        ws, "site_headcounts", {"site_id": site, "effective_from": "2024-01-01", "regular_workers": 58}
    )
    assert _duty_4_9(ws, "2026H2", TODAY) == Status.MISSING  # nobody registered
    # the half-yearly check and the owner's confirmation are there; only the contractor records move it
    check = checks.record_review(
        ws, "2026H2", "sapa_4_9", reviewer="김안전", reviewed_on=date(2026, 11, 20), findings="점검"
    )
    checks.confirm_by_owner(ws, check.id, owner_name="대표 박대표", confirmed_on=date(2026, 11, 21))
    cid = _contractor(ws, contract_from=date(2026, 1, 1), contract_to=date(2026, 12, 31))
    assert _duty_4_9(ws, "2026H2", TODAY) == Status.MISSING  # registered, never evaluated
    old = svc.save_and_complete(ws, _evaluation(cid, date(2025, 11, 22)), today=TODAY)
    assert _duty_4_9(ws, "2026H2", TODAY) == Status.MISSING  # 12 months and a day old on 23 Nov
    new = svc.save_and_complete(ws, _evaluation(cid, date(2026, 7, 1), purpose="periodic"), today=TODAY)
    assert _duty_4_9(ws, "2026H2", TODAY) == Status.PARTLY  # evaluated, no cost standard yet
    svc.save_contractor(
        ws,
        svc.ContractorInput(
            name="부산도장(주)",
            contract_from=date(2026, 1, 1),
            contract_to=date(2026, 12, 31),
            safety_cost_standard="도급금액의 2% 이상 안전보건관리비 계상",
        ),
        contractor_id=cid,
    )
    report = compliance(ws, "2026H2", today=TODAY)
    duty = next(d for d in report.duties if d.code == "sapa_4_9")
    assert duty.status == Status.MET, duty.reason.render("en")
    assert [e.record_id for e in duty.evidence if e.entity == "contractor_evaluations"] == [new.id]
    assert q.contractor(ws, cid, today=TODAY).valid_evaluation is not None
    # 2026H1 judged on 30 Jun: the 22 Nov 2025 evaluation counts, the 1 Jul one is not there yet
    h1 = next(d for d in compliance(ws, "2026H1", today=date(2026, 6, 30)).duties if d.code == "sapa_4_9")
    assert [e.record_id for e in h1.evidence if e.entity == "contractor_evaluations"] == [old.id]
    assert not any("Evaluate" in g.message.render("en") for g in h1.gaps)
