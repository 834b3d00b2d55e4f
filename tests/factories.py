"""Minimal valid values for every record type, for tests that cover them all."""

from __future__ import annotations

from datetime import date
from typing import Any

from safetydesk.core.services import records
from safetydesk.core.workspace.workspace import Workspace

D = date(2026, 3, 2)


def base_refs(ws: Workspace) -> dict[str, str]:
    site = records.create(ws, "sites", {"name": "동남정밀", "name_en": "Dongnam Precision"}).id
    area = records.create(
        ws, "areas", {"site_id": site, "code": "P1", "name": "프레스 라인", "hazard_tags": ["press"]}
    ).id
    person = records.create(
        ws,
        "people",
        {"site_id": site, "name": "김안전", "kind": "supervisor", "job_type": "supervisor", "roles": []},
    ).id
    contractor = records.create(ws, "contractors", {"name": "부산도장(주)"}).id
    from safetydesk.core.services.forms import list_templates

    template = list_templates(ws)[0].id
    budget = records.create(
        ws,
        "budget_items",
        {"year": 2026, "category": "facilities", "title": "방호장치", "planned_amount": 1000},
    ).id
    appointment = records.create(
        ws, "appointments", {"person_id": person, "role": "supervisor", "appointed_on": D}
    ).id
    return {
        "site": site,
        "area": area,
        "person": person,
        "contractor": contractor,
        "template": template,
        "budget_item": budget,
        "appointment": appointment,
    }


def minimal(entity: str, refs: dict[str, str]) -> dict[str, Any]:
    values: dict[str, dict[str, Any]] = {
        "sites": {"name": "사업장"},
        "site_headcounts": {"site_id": refs["site"], "effective_from": D, "regular_workers": 58},
        "areas": {"site_id": refs["site"], "code": "W1", "name": "용접 베이", "hazard_tags": ["hot_work"]},
        "equipment": {"site_id": refs["site"], "code": "PR-01", "name": "200톤 프레스", "kind": "press"},
        "contractors": {"name": "협력사"},
        "people": {
            "site_id": refs["site"],
            "name": "박근로",
            "kind": "worker",
            "job_type": "production",
            "roles": [],
        },
        "policies": {"title": "안전보건 경영방침", "body": "…", "version_label": "1.0"},
        "objectives": {"year": 2026, "title": "재해율 0"},
        "form_templates": {
            "code": "user.test",
            "version": 1,
            "kind": "inspection",
            "title_ko": "점검",
            "title_en": "Check",
            "body": {},
            "body_sha256": "0" * 64,
            "origin": "user",
        },
        "form_records": {
            "template_id": refs["template"],
            "kind": "inspection",
            "performed_on": D,
            "header": {},
        },
        "findings": {
            "source_kind": "audit",
            "found_on": D,
            "description": "방호덮개 파손",
            "severity": "high",
        },
        "corrective_actions": {
            "source_kind": "audit",
            "title": "방호덮개 교체",
            "hierarchy": "engineering",
            "due_on": D,
        },
        "risk_assessments": {
            "title": "프레스 작업",
            "assessment_type": "regular",
            "method": "matrix",
            "scale_code": "kras_5x4",
            "scale_version": 1,
            "assessed_on": D,
            "participants": [],
            "discovery_methods": ["site_round"],
        },
        "emergency_manuals": {"version_label": "1.0", "title": "비상조치 매뉴얼", "sections": {}},
        "drills": {"drill_type": "fire", "planned_on": D},
        "incidents": {
            "kind": "near_miss",
            "occurred_at": "2026-03-02T01:00:00.000000Z",
            "title": "아차사고",
            "description": "지게차 후진 중 보행자와 근접",
        },
        "suggestions": {"submitted_on": D, "channel": "box", "text": "통로 조명 개선 요청"},
        "budget_items": {
            "year": 2026,
            "category": "hazard_fix",
            "title": "프레스 방호",
            "planned_amount": 5000000,
        },
        "budget_spend": {
            "budget_item_id": refs["budget_item"],
            "spent_on": D,
            "amount": 120000,
            "description": "광전자식 방호장치 수리",
        },
        "appointments": {"person_id": refs["person"], "role": "safety_health_coordinator", "appointed_on": D},
        "role_evaluations": {
            "appointment_id": refs["appointment"],
            "period": "2026H1",
            "evaluated_on": D,
            "criteria": [{"key": "tbm", "label": "TBM 운영", "score": 8, "max": 10}],
        },
        "hazard_labels": {
            "entity": "incidents",
            "record_id": "00000000-0000-0000-0000-000000000001",
            "text": "지게차 후진 중 보행자와 근접",
            "hazard_group": "struck",
            "decision": "manual",
        },
        "trainings": {"course": "periodic", "title": "정기교육", "held_on": D, "hours": 2},
        "contractor_evaluations": {
            "contractor_id": refs["contractor"],
            "evaluated_on": D,
            "purpose": "prequalification",
            "criteria": [],
        },
        "compliance_checks": {"period": "2026H1", "duty_code": "sapa_4_3"},
        "attachment_links": None,  # needs an attachment; covered in attachment tests
        "settings": {"key": "company.name", "value": "동남정밀"},
    }
    chosen = values.get(entity)
    if chosen is None:
        raise KeyError(entity)
    return dict(chosen)


def full_answers(template: Any, photo: str | None = None) -> dict[str, Any]:
    """An answer for every question a form needs, all passing (a clean inspection)."""
    from safetydesk.core.services.forms import passing_answers

    return passing_answers(template, person="김반장", on=D, signature=photo or "5" * 64)
