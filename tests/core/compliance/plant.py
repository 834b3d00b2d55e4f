"""Crafted workspaces for the compliance tests: a small plant whose 2026H1 records meet every duty.

``full_plant`` writes exactly the records each SAPA duty needs for 2026H1 through the generic audited
services; a test then removes or changes one piece and asserts the status that follows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from safetydesk.core.compliance.engine import compliance
from safetydesk.core.compliance.model import ComplianceReport
from safetydesk.core.services import records
from safetydesk.core.services.compliance import confirm_by_owner, record_review
from safetydesk.core.workspace.workspace import Workspace

TODAY = date(2026, 11, 23)
HALF_YEARLY = ("sapa_4_3", "sapa_4_5", "sapa_4_7", "sapa_4_8", "sapa_4_9", "sapa_5_2_1", "sapa_5_2_3")


@dataclass
class Plant:
    site: str
    area: str
    supervisor: str
    coordinator: str
    ids: dict[str, str] = field(default_factory=dict)


def site(
    ws: Workspace,
    *,
    workers: int = 30,
    contractor_workers: int = 5,
    ksic: str | None = "25911",
    uses_contractors: bool = True,
    headcount_from: date = date(2025, 1, 1),
) -> str:
    site_id = records.create(
        ws,
        "sites",
        {"name": "테스트정밀", "ksic_code": ksic, "uses_contractors": uses_contractors},
    ).id
    records.create(
        ws,
        "site_headcounts",
        {
            "site_id": site_id,
            "effective_from": headcount_from,
            "regular_workers": workers,
            "contractor_workers": contractor_workers,
        },
    )
    return site_id


def person(ws: Workspace, site_id: str, name: str, kind: str = "worker", roles: tuple[str, ...] = ()) -> str:
    return records.create(
        ws,
        "people",
        {"site_id": site_id, "name": name, "kind": kind, "job_type": "production", "roles": list(roles)},
    ).id


def created_completed(ws: Workspace, entity: str, values: dict[str, object], on: date) -> str:
    record_id = records.create(ws, entity, values).id
    records.complete(ws, entity, record_id, on=on)
    return record_id


def full_plant(ws: Workspace, *, checks: bool = True, **site_args: object) -> Plant:
    site_id = site(ws, **site_args)  # type: ignore[arg-type]
    area = records.create(
        ws, "areas", {"site_id": site_id, "code": "W1", "name": "용접 베이", "hazard_tags": ["hot_work"]}
    ).id
    supervisor = person(ws, site_id, "김반장", "supervisor", ("supervisor",))
    coordinator = person(ws, site_id, "이담당", "manager", ("safety_health_coordinator",))
    plant = Plant(site_id, area, supervisor, coordinator)
    ids = plant.ids
    # 4-1
    ids["policy"] = created_completed(
        ws,
        "policies",
        {
            "title": "안전보건 경영방침",
            "body": "…",
            "version_label": "1.0",
            "effective_from": date(2025, 12, 1),
            "approved_by": "대표",
            "approved_on": date(2025, 12, 1),
            "posted_on": date(2025, 12, 2),
        },
        date(2025, 12, 1),
    )
    ids["objective"] = records.create(ws, "objectives", {"year": 2026, "title": "휴업재해 0건"}).id
    # 4-3
    ids["ra"] = created_completed(
        ws,
        "risk_assessments",
        {
            "title": "용접 공정",
            "assessment_type": "regular",
            "method": "matrix",
            "scale_code": "kras_5x4",
            "scale_version": 1,
            "assessed_on": date(2026, 3, 2),
            "participants": [],
            "discovery_methods": ["site_round"],
            "reported_to_owner_on": date(2026, 3, 10),
        },
        date(2026, 3, 2),
    )
    ids["action"] = records.create(
        ws,
        "corrective_actions",
        {
            "source_kind": "risk_assessment",
            "source_id": ids["ra"],
            "title": "흄 국소배기 설치",
            "hierarchy": "engineering",
            "due_on": date(2026, 4, 30),
            "status": "done",
            "done_on": date(2026, 4, 20),
        },
    ).id
    # 4-4
    ids["budget_ga"] = records.create(
        ws,
        "budget_items",
        {
            "site_id": site_id,
            "year": 2026,
            "category": "facilities",
            "title": "국소배기",
            "planned_amount": 5_000_000,
        },
    ).id
    ids["budget_na"] = records.create(
        ws,
        "budget_items",
        {
            "site_id": site_id,
            "year": 2026,
            "category": "hazard_fix",
            "title": "위험요인 개선",
            "planned_amount": 3_000_000,
        },
    ).id
    ids["spend"] = records.create(
        ws,
        "budget_spend",
        {
            "budget_item_id": ids["budget_na"],
            "spent_on": date(2026, 4, 20),
            "amount": 2_400_000,
            "description": "국소배기 장치",
            "action_id": ids["action"],
        },
    ).id
    # 4-5, 4-6
    ids["appt_supervisor"] = records.create(
        ws,
        "appointments",
        {
            "person_id": supervisor,
            "role": "supervisor",
            "appointed_on": date(2025, 1, 2),
            "authority": "작업중지, 보호구 지급",
            "budget_amount": 2_000_000,
        },
    ).id
    ids["evaluation"] = records.create(
        ws,
        "role_evaluations",
        {
            "appointment_id": ids["appt_supervisor"],
            "period": "2026H1",
            "evaluated_on": date(2026, 6, 20),
            "criteria": [{"key": "tbm", "label": "TBM", "score": 8, "max": 10}],
            "result": "good",
        },
    ).id
    ids["appt_coordinator"] = records.create(
        ws,
        "appointments",
        {
            "person_id": coordinator,
            "role": "safety_health_coordinator",
            "appointed_on": date(2025, 1, 2),
            "reported_to_moel_on": date(2025, 1, 10),
            "authority": "위험성평가 총괄",
            "budget_amount": 1_000_000,
        },
    ).id
    # 4-7
    ids["suggestion"] = records.create(
        ws,
        "suggestions",
        {
            "submitted_on": date(2026, 4, 1),
            "channel": "box",
            "text": "통로 조명 개선",
            "status": "closed",
            "response": "조명 교체 완료",
            "responded_on": date(2026, 4, 10),
        },
    ).id
    # 4-8
    ids["manual"] = created_completed(
        ws,
        "emergency_manuals",
        {
            "version_label": "1.0",
            "title": "비상조치 매뉴얼",
            "sections": {},
            "approved_on": date(2025, 12, 1),
        },
        date(2025, 12, 1),
    )
    ids["drill"] = drill(ws, "2026-05-20T01:00:00.000000Z")
    # 4-9
    ids["contractor"] = records.create(
        ws,
        "contractors",
        {"name": "부산도장(주)", "contract_from": date(2025, 1, 1), "safety_cost_standard": "도급금액의 2%"},
    ).id
    ids["contractor_eval"] = created_completed(
        ws,
        "contractor_evaluations",
        {
            "contractor_id": ids["contractor"],
            "evaluated_on": date(2026, 2, 1),
            "purpose": "periodic",
            "criteria": [],
            "result": "pass",
        },
        date(2026, 2, 1),
    )
    # 5-2-3
    ids["special"] = records.create(
        ws,
        "trainings",
        {"course": "special", "title": "밀폐공간 특별교육", "held_on": date(2026, 3, 5), "hours": 16},
    ).id
    if checks:
        for code in HALF_YEARLY:
            ids[f"check_{code}"] = review_and_confirm(ws, code)
    return plant


def drill(ws: Workspace, performed_at: str, planned_on: date | None = None) -> str:
    return records.create(
        ws,
        "drills",
        {
            "drill_type": "fire",
            "scenario": "용접 불티 화재",
            "planned_on": planned_on or date.fromisoformat(performed_at[:10]),
            "performed_at": performed_at,
            "status": "done",
        },
    ).id


def review_and_confirm(
    ws: Workspace, code: str, period: str = "2026H1", reviewed: date = date(2026, 7, 6), confirm: bool = True
) -> str:
    check = record_review(ws, period, code, reviewer="이담당", reviewed_on=reviewed, findings="이행 확인")
    if confirm:
        confirm_by_owner(
            ws,
            check.id,
            owner_name="대표",
            confirmed_on=reviewed + timedelta(days=2),
        )
    return check.id


def report(ws: Workspace, period: str = "2026H1", today: date = TODAY) -> ComplianceReport:
    return compliance(ws, period, today=today)


def statuses(ws: Workspace, period: str = "2026H1", today: date = TODAY) -> dict[str, str]:
    return {d.code: d.status.value for d in report(ws, period, today).duties}
