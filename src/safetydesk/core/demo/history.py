"""The years of records a safety officer leaves behind: checks, assessments, incidents, training.

Each function writes one kind of history through the services. Dates are relative to
``demo.today``; what happens to every corrective action is decided when it is opened
(``Demo.plan_action``) and written at the end by ``settle_actions``.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from safetydesk.core.clock import iso_utc
from safetydesk.core.db.tables import incidents as incidents_table
from safetydesk.core.demo import photos
from safetydesk.core.demo.company import CONTRACTORS, SITE, TEAMS
from safetydesk.core.demo.context import Area, Demo, Machine, Person, kst, local_time
from safetydesk.core.demo.names import LANGUAGE_NAMES_KO
from safetydesk.core.demo.texts import (
    COMPLIANCE_TEXTS,
    CS_JOBS,
    CS_SCENARIOS,
    EMERGENCY_MANUAL,
    EMERGENCY_MANUAL_TITLE,
    FIRE_SCENARIOS,
    HAZARD_GROUP_BY_TASK,
    HOT_WORK_JOBS,
    INJURIES,
    INSPECTION_REMARKS,
    NEAR_MISSES,
    OBJECTIVES,
    POLICY_TITLE,
    POLICY_V1,
    POLICY_V2,
    RISK_ITEMS,
    SUGGESTIONS,
    TBM_TOPICS,
    TRAINING_CONTENT,
    EventText,
    RiskItemText,
)
from safetydesk.core.domain.legal import HalfYear, add_months
from safetydesk.core.domain.provenance import LegalLookupError
from safetydesk.core.domain.risk import RiskResult, RiskScale, evaluate
from safetydesk.core.services import records
from safetydesk.core.services.attachments import link, store_bytes
from safetydesk.core.services.base import Tx, transaction
from safetydesk.core.services.forms import Answer, BulkForm, GasReading, answer_rows
from safetydesk.core.services.hazard_labels import LabelInput, record_label_in
from safetydesk.core.services.records import complete_in, retention_until

BULK_BATCH = 2000

# -- policy and emergency manual -------------------------------------------------------------------


def policy_and_manual(demo: Demo) -> None:
    """Policy v1 and the emergency manual, approved by the CEO early in the history."""
    owner = demo.owner
    approved = demo.workday_near(demo.start + timedelta(days=5))
    with transaction(demo.ws, owner.name) as tx:
        policy = tx.insert(
            "policies",
            {
                "title": POLICY_TITLE,
                "body": POLICY_V1,
                "version_label": "1.0",
                "effective_from": approved,
                "approved_by": owner.name,
                "approved_on": approved,
                "posted_on": approved + timedelta(days=1),
                "communicated_how": "현장 게시판·식당 게시, TBM 낭독, 외국인 근로자 모국어 번역본 배포",
            },
        )
        complete_in(tx, "policies", policy, approved)
        manual_on = demo.workday_near(demo.start + timedelta(days=20))
        manual = tx.insert(
            "emergency_manuals",
            {
                "version_label": "1.0",
                "title": EMERGENCY_MANUAL_TITLE,
                "sections": EMERGENCY_MANUAL,
                "approved_by": owner.name,
                "approved_on": manual_on,
                "posted_on": manual_on + timedelta(days=2),
            },
        )
        complete_in(tx, "emergency_manuals", manual, manual_on)
    demo.policy_id = policy


def policy_revision_and_objectives(demo: Demo) -> None:
    """Policy v2 (a revision of v1) a year in, and the yearly objectives with their results."""
    owner = demo.owner
    policy_v1 = demo.policy_id
    revised_on = demo.workday_near(demo.start + timedelta(days=min(400, (demo.today - demo.start).days // 2)))
    draft = records.revise(
        demo.ws,
        "policies",
        policy_v1,
        reason="중대재해 예방 강화 및 외국인 근로자 조항 추가",
        actor=owner.name,
    )
    records.update(
        demo.ws,
        "policies",
        draft.id,
        {
            "body": POLICY_V2,
            "version_label": "2.0",
            "effective_from": revised_on,
            "approved_on": revised_on,
            "posted_on": revised_on + timedelta(days=1),
            "communicated_how": "전 직원 교육 시 설명, 게시판·TBM 장소 게시, 4개 언어 번역본 배포",
        },
        actor=owner.name,
    )
    records.complete(demo.ws, "policies", draft.id, actor=owner.name, on=revised_on)
    stats = _year_stats(demo)
    with transaction(demo.ws, demo.officer.name) as tx:
        first_year = demo.start.year + (demo.start.month >= 7)  # objectives are set for whole years
        for year in range(first_year, demo.today.year + 1):
            jan = date(year, 1, 1)
            policy = draft.id if jan >= revised_on else policy_v1
            closed = date(year + 1, 1, 10) < demo.today
            s = stats.get(year, {})
            results = (
                (f"휴업재해 {s.get('lost_time', 0)}건", s.get("lost_time", 0) == 0),
                (f"아차사고 {s.get('near_miss', 0)}건 보고", s.get("near_miss", 0) >= 12),
                (f"기한 내 완료율 {s.get('on_time', 100)}%", s.get("on_time", 100) >= 95),
                (f"이수율 {s.get('trained', 98)}%", s.get("trained", 98) >= 100),
                (f"점검 이행률 {s.get('prework', 97)}%", s.get("prework", 97) >= 98),
            )
            for (title, target, kpi), (result, achieved) in zip(OBJECTIVES, results, strict=True):
                owner_person = demo.plant_manager if "재해" in title else demo.officer
                objective = tx.insert(
                    "objectives",
                    {
                        "policy_id": policy,
                        "year": year,
                        "title": title,
                        "target": target,
                        "kpi": kpi,
                        "owner_id": owner_person.id,
                        "result": result if closed else None,
                        "achieved": achieved if closed else None,
                    },
                )
                if closed:
                    complete_in(tx, "objectives", objective, date(year + 1, 1, 10))


def _year_stats(demo: Demo) -> dict[int, dict[str, int]]:
    stats: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    with demo.ws.reader() as conn:
        for kind, occurred in conn.execute(select(incidents_table.c.kind, incidents_table.c.occurred_at)):
            stats[int(str(occurred)[:4])][str(kind)] += 1
    due: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for plan in demo.actions:
        if plan.due_on < demo.today:
            counts = due[plan.due_on.year]
            counts[0] += 1
            counts[1] += int(plan.done_on is not None and plan.done_on <= plan.due_on)
    for year, (total, on_time) in due.items():
        stats[year]["on_time"] = round(100 * on_time / total) if total else 100
    rng = demo.rng("objectives")
    for year in range(demo.start.year, demo.today.year + 1):
        stats[year]["trained"] = rng.choice((96, 98, 100, 100))
        stats[year]["prework"] = rng.choice((96, 97, 98, 99))
    return stats


# -- risk assessment --------------------------------------------------------------------------------

_BAND_SEVERITY = {"very_high": "high", "high": "high", "slightly_high": "medium", "moderate": "low"}
_BAND_DUE_DAYS = {"high": 14, "medium": 45, "low": 90}


def _scale(demo: Demo, day: date) -> RiskScale:
    try:
        return demo.legal.risk_scale("kras_5x4", day)
    except LegalLookupError:
        # older than the first scale version carried: assess with the earliest one in force now
        return demo.legal.risk_scale("kras_5x4", demo.today)


def assess(
    demo: Demo,
    area: Area,
    on: date,
    *,
    kind: str,
    trigger: str | None,
    items: Sequence[RiskItemText],
    improved: dict[str, date] | None = None,
    bump: int = 0,
    title: str | None = None,
) -> dict[str, date]:
    """One KRAS 5×4 assessment of an area; returns when each item's improvement was done."""
    rng = demo.rng("risk")
    scale = _scale(demo, on)
    officer = demo.officer
    supervisor = demo.area_owner(area)
    crew = [p for p in demo.team_members(area.spec.team, on) if p.language == "ko"][:2]
    participants = [
        {"person_id": officer.id, "name": officer.name, "role": "safety_staff"},
        {"person_id": supervisor.id, "name": supervisor.name, "role": "supervisor"},
        *({"person_id": p.id, "name": p.name, "role": "worker"} for p in crew),
    ]
    rep = demo.worker_rep
    if rep.employed(on):
        participants.append({"person_id": rep.id, "name": rep.name, "role": "worker_rep"})
    finished = on + timedelta(days=rng.randint(3, 10))
    draft = finished >= demo.today
    done_by: dict[str, date] = {}
    with transaction(demo.ws, officer.name) as tx:
        ra = tx.insert(
            "risk_assessments",
            {
                "site_id": demo.site_id,
                "area_id": area.id,
                "title": title or f"{area.spec.name} 공정 위험성평가",
                "assessment_type": kind,
                "trigger": trigger,
                "method": scale.method.value,
                "scale_code": scale.code,
                "scale_version": scale.version,
                "assessed_on": on,
                "lead_assessor": officer.name,
                "participants": participants,
                "worker_rep_participated": rep.employed(on),
                # Rule Art. 37-2: workers take part through site rounds; other channels are added
                "discovery_methods": [
                    "site_round",
                    *sorted(rng.sample(["interview", "near_miss", "suggestion", "checklist", "tbm"], 2)),
                ],
                "reported_to_owner_on": None if draft else finished + timedelta(days=rng.randint(1, 5)),
                "shared_how": "TBM 공유, 현장 게시판 게시, 외국인 근로자 모국어 요약본 배포",
            },
        )
        for seq, item in enumerate(items, start=1):
            key = item.task + item.situation
            done = (improved or {}).get(key)
            likelihood = item.residual_likelihood if done and done <= on else item.likelihood
            likelihood = min(5, likelihood + bump)
            current = evaluate(scale, likelihood=likelihood, severity=item.severity)
            values: dict[str, Any] = {
                "assessment_id": ra,
                "seq": seq,
                "task": item.task,
                "hazard_class": item.hazard_class,
                "situation": item.situation,
                "legal_basis": item.legal_basis,
                "current_controls": item.current_controls
                if not (done and done <= on)
                else f"{item.current_controls}; {item.reduction}",
                "likelihood": likelihood,
                "severity": item.severity,
                **_risk_columns(current),
            }
            if current.acceptable:
                values.update(
                    reduction_measures="현재 안전보건조치 유지, 정기 교육으로 정보 제공",
                    residual_likelihood=likelihood,
                    residual_severity=item.severity,
                    **_risk_columns(current, residual=True),
                    owner_name=supervisor.name,
                )
            else:
                residual = evaluate(
                    scale, likelihood=item.residual_likelihood, severity=item.residual_severity
                )
                severity = _BAND_SEVERITY.get(current.band_code, "medium")
                due = on + timedelta(days=_BAND_DUE_DAYS[severity] + rng.randint(0, 20))
                plan = demo.open_action(
                    tx,
                    source="risk_assessment",
                    source_id=ra,
                    found_on=on,
                    description=f"{item.task}: {item.reduction}",
                    severity=severity,
                    area=area,
                    owner=supervisor,
                    found_by=officer.name,
                    hazard_group=HAZARD_GROUP_BY_TASK.get(item.task),
                    hierarchy=item.hierarchy,
                    due_on=due,
                )
                if plan.done_on is not None:
                    done_by[key] = plan.done_on
                values.update(
                    reduction_measures=item.reduction,
                    hierarchy=item.hierarchy,
                    residual_likelihood=item.residual_likelihood,
                    residual_severity=item.residual_severity,
                    **_risk_columns(residual, residual=True),
                    planned_on=due,
                    completed_on=plan.done_on,
                    owner_name=supervisor.name,
                    action_id=plan.action_id,
                    remarks="근로자 의견 반영" if rng.random() < 0.3 else None,
                )
            tx.insert("risk_items", values)
        if not draft:
            complete_in(tx, "risk_assessments", ra, finished)
    return done_by


def _risk_columns(result: RiskResult, *, residual: bool = False) -> dict[str, Any]:
    """The stored verdict; ``level`` is only for level scales (a matrix stores likelihood × severity)."""
    prefix = "residual_" if residual else ""
    return {
        f"{prefix}level": None,
        f"{prefix}score" if residual else "risk_score": result.score,
        f"{prefix}band": result.band_code,
        f"{prefix}acceptable": result.acceptable,
    }


def risk_assessments(demo: Demo) -> None:
    """The initial assessment of every area, then a regular one each year (KRAS 5×4)."""
    improved: dict[str, date] = {}
    first = demo.workday_near(demo.start + timedelta(days=10))
    rounds = 0
    while True:
        base = add_months(first, 12 * rounds)
        if base >= demo.today - timedelta(days=3):
            break
        for i, code in enumerate(demo.areas):
            on = demo.workday_near(base + timedelta(days=2 * i))
            if on >= demo.today:
                continue
            kind = "initial" if rounds == 0 else "regular"
            trigger = (
                "최초평가 — 전 공정 유해·위험요인 파악 및 위험성평가 실시규정 제정"
                if rounds == 0
                else f"{on.year}년 정기평가 (전년도 평가 결과의 적정성 재검토)"
            )
            improved.update(
                assess(
                    demo,
                    demo.areas[code],
                    on,
                    kind=kind,
                    trigger=trigger,
                    items=RISK_ITEMS[code],
                    improved=improved,
                )
            )
        rounds += 1
    # new machines bought during the history are assessed before use (수시평가)
    for machine in demo.machines:
        if demo.start < machine.installed_on < demo.today - timedelta(days=5) and machine.spec.prework:
            items = [i for i in RISK_ITEMS[machine.area.spec.code] if i.hazard_class == "mechanical"][:3]
            assess(
                demo,
                machine.area,
                demo.workday_near(machine.installed_on - timedelta(days=7), after=False),
                kind="adhoc",
                trigger=f"설비 신규 도입: {machine.spec.code} {machine.spec.name}",
                items=items,
                title=f"{machine.spec.name} 신규 도입 수시 위험성평가",
            )


# -- incidents ----------------------------------------------------------------------------------


def incidents(demo: Demo) -> None:
    """Near misses reported through the year and a few injuries, one of them lost-time."""
    rng = demo.rng("incidents")
    span = (demo.today - demo.start).days
    days = demo.working_days()
    count = round(demo.config.near_misses_per_year * demo.config.years)
    pool = list(NEAR_MISSES)
    rng.shuffle(pool)
    recent = [d for d in days if d >= demo.today - timedelta(days=88)]
    older = [d for d in days if d < demo.today - timedelta(days=120)]
    dates = sorted(rng.choice(older) for _ in range(max(0, count - 2)))
    dates += sorted(rng.sample(recent, 2))
    for i, day in enumerate(dates):
        _incident(demo, "near_miss", pool[i % len(pool)], day, rng.randint(8, 17))
    injuries = max(3, round(0.8 * demo.config.years))
    order = [0, 1, 2, 3, 4]
    for i in range(injuries):
        text = INJURIES[order[i % len(order)]]
        frac = (i + 0.5) / injuries
        day = demo.workday_near(demo.start + timedelta(days=int(span * frac) + rng.randint(-20, 20)))
        day = min(day, demo.today - timedelta(days=30))
        members = [p for p in demo.team_members(text.team, day) if (p.language != "ko") == text.foreign]
        injured = rng.choice(members or demo.team_members(text.team, day))
        incident_id = _incident(
            demo,
            text.kind,
            text.event,
            day,
            rng.randint(9, 16),
            injured,
            text.injury_type,
            text.body_part,
            text.days_lost,
        )
        if text.kind in ("injury", "lost_time") and incident_id:
            area = demo.areas[text.event.area]
            on = demo.workday_near(day + timedelta(days=rng.randint(5, 12)))
            if on < demo.today - timedelta(days=2):
                items = [
                    i
                    for i in RISK_ITEMS[area.spec.code]
                    if HAZARD_GROUP_BY_TASK.get(i.task) == text.event.hazard_group
                ] or list(RISK_ITEMS[area.spec.code][:2])
                assess(
                    demo,
                    area,
                    on,
                    kind="adhoc",
                    trigger=f"재해 발생 후 수시평가: {text.event.title} ({day.isoformat()})",
                    items=items,
                    bump=1,
                    title=f"{area.spec.name} — 재해 후 수시 위험성평가",
                )


def _incident(
    demo: Demo,
    kind: str,
    text: EventText,
    day: date,
    hour: int,
    injured: Person | None = None,
    injury_type: str | None = None,
    body_part: str | None = None,
    days_lost: int | None = None,
) -> str:
    rng = demo.rng("incidents")
    area = demo.areas[text.area]
    machine = demo.machine(text.equipment) if text.equipment else None
    members = demo.team_members(area.spec.team, day)
    reporter = demo.area_owner(area) if injured is not None or not members else rng.choice(members)
    officer = demo.officer
    when = kst(day, hour, rng.randint(0, 59))
    hurt = 1 if injured is not None else 0
    form30: dict[str, Any] = {
        "casualties": {"deaths": 0, "injured": hurt, "treatment_3m": 0, "treatment_6m": 0}
    }
    reported: date | None = None
    if kind == "lost_time" and injured is not None:
        reported = day + timedelta(days=rng.randint(10, 25))
        form30 |= _form30(
            demo,
            text,
            injured,
            when.strftime("%Y-%m-%d %H:%M"),
            day,
            injury_type,
            body_part,
            days_lost,
            reported,
        )
    with transaction(demo.ws, officer.name) as tx:
        incident = tx.insert(
            "incidents",
            {
                "kind": kind,
                "occurred_at": when,
                "site_id": demo.site_id,
                "area_id": area.id,
                "equipment_id": machine.id if machine else None,
                "title": text.title,
                "description": text.description,
                "injured_person_id": injured.id if injured else None,
                "injury_type": injury_type,
                "body_part": body_part,
                "days_lost": days_lost,
                "hazard_group": text.hazard_group,
                "immediate_action": text.immediate_action,
                "cause": text.cause,
                "recurrence_plan": text.recurrence_plan,
                "reported_by": reporter.name,
                "reported_to_moel_on": reported,
                "form30": form30,
            },
        )
        if text.hazard_group:  # the officer's own classification (no model ran when these were written)
            record_label_in(tx, "incidents", incident, text.description, LabelInput(text.hazard_group))
        demo.open_action(
            tx,
            source="near_miss" if kind == "near_miss" else "incident",
            source_id=incident,
            found_on=day,
            description=text.action_title,
            severity=text.severity,
            area=area,
            owner=demo.area_owner(area),
            found_by=reporter.name,
            hazard_group=text.hazard_group,
            hierarchy=text.hierarchy,
            machine=machine,
        )
        if day < demo.today - timedelta(days=14):
            complete_in(tx, "incidents", incident, day + timedelta(days=rng.randint(3, 12)))
    return incident


def _form30(
    demo: Demo,
    text: EventText,
    injured: Person,
    when: str,
    day: date,
    injury_type: str | None,
    body_part: str | None,
    days_lost: int | None,
    submitted: date,
) -> dict[str, Any]:
    """The key fields of 산업재해조사표 (시행규칙 별지 제30호서식)."""
    weekday = "월화수목금토일"[day.weekday()]
    workers = sum(1 for p in demo.people if p.kind != "owner" and not p.contractor and p.employed(day))
    return {
        "form": "산업재해조사표 (산업안전보건법 시행규칙 별지 제30호서식)",
        "submitted_on": submitted.isoformat(),
        "site": {
            "insurance_no": SITE["insurance_no"],
            "business_reg_no": SITE["business_reg_no"],
            "name": SITE["name"],
            "workers": workers,
            "industry": SITE["industry"],
            "address": SITE["address"],
        },
        "injured": {
            "name": injured.name,
            "nationality": injured.nationality,
            "visa_status": "E-9" if injured.nationality != "KR" else None,
            "sex": "남",
            "occupation": "금속 프레스 조작원" if injured.team == "press" else "생산직",
            "hired_on": injured.hired_on.isoformat(),
            "years_in_same_work": max(1, (day - injured.hired_on).days // 365),
            "employment_type": "상용",
            "work_pattern": "정상 (주간)",
            "injury_type": injury_type,
            "body_part": body_part,
            "expected_days_off": days_lost,
            "died": False,
        },
        "accident": {
            "occurred_at": f"{when} ({weekday})",
            "place": demo.areas[text.area].spec.name,
            "work_type": text.title,
            "situation": text.description,
            "cause": text.cause,
        },
        "recurrence_plan": text.recurrence_plan,
        "signatures": {
            "writer": demo.officer.name,
            "employer": demo.owner.name,
            "worker_rep": demo.worker_rep.name,
            "worker_rep_confirmed": True,
        },
    }


# -- suggestions ----------------------------------------------------------------------------------


def suggestions(demo: Demo) -> None:
    """Workers' suggestions from TBM, the box, the phone and meetings, and the answers they got."""
    rng = demo.rng("suggestions")
    days = demo.working_days()
    count = round(demo.config.suggestions_per_year * demo.config.years)
    pool = list(SUGGESTIONS)
    rng.shuffle(pool)
    officer = demo.officer
    with transaction(demo.ws, officer.name) as tx:
        recent = [d for d in days if d >= demo.today - timedelta(days=9)]
        for i in range(count):
            text = pool[i % len(pool)]
            # the last one came in this week and still waits for an answer
            day = rng.choice(recent) if i == count - 1 and recent else rng.choice(days)
            area = demo.areas[text.area]
            members = demo.team_members(area.spec.team, day)
            by = None if text.anonymous or not members else rng.choice(members)
            if text.channel == "tbm":
                demo.tbm_suggestions[(area.spec.team, day)] = text.text
            responded = day + timedelta(days=rng.randint(2, 14) if i < count - 1 else 30)
            answered = responded < demo.today
            action_id: str | None = None
            status = "received"
            if answered:
                status = "closed"
                if text.action_title:
                    plan = demo.open_action(
                        tx,
                        source="suggestion",
                        source_id=None,
                        found_on=responded,
                        description=text.action_title,
                        severity="low",
                        area=area,
                        owner=demo.area_owner(area),
                        found_by=by.name if by else "익명",
                        hazard_group=None,
                        hierarchy=text.hierarchy,
                    )
                    action_id = plan.action_id
                    status = "closed" if plan.status == "verified" else "answered"
            tx.insert(
                "suggestions",
                {
                    "submitted_on": day,
                    "channel": text.channel,
                    "submitted_by_id": by.id if by else None,
                    "area_id": area.id,
                    "text": text.text,
                    "status": status,
                    "response": text.response if answered else None,
                    "responded_on": responded if answered else None,
                    "action_id": action_id,
                    "retention_until": retention_until("suggestions", day),
                },
            )


# -- monthly inspections ------------------------------------------------------------------------------


def monthly_inspections(demo: Demo) -> None:
    """The safety officer's monthly round of every area with the area's supervisor."""
    rng = demo.rng("inspections")
    officer = demo.officer
    for month in demo.months():
        for area in demo.areas.values():
            day = demo.workday_near(date(month.year, month.month, rng.randint(8, 20)))
            if day < demo.start or day >= demo.today:
                continue
            supervisor = demo.area_owner(area)
            inspectors = [officer, supervisor]
            if rng.random() < 0.4 and demo.worker_rep.employed(day):
                inspectors.append(demo.worker_rep)
            answers, _failed = _inspection_answers(
                demo, rng, area, day, officer, inspectors, 1.0, "월간 안전점검"
            )
            demo.fill_form(_GENERAL, day=day, by=officer, answers=answers, area=area, owner=supervisor)


def weekly_rounds(demo: Demo) -> None:
    """Each supervisor's weekly round of the area (관리감독자 순회점검) on the same checklist.

    Clean rounds go in by bulk import; a round that found something is completed by hand so that
    its findings and actions are opened.
    """
    rng = demo.rng("weekly-rounds")
    buffer = _BulkBuffer(demo, "주간 순회점검")
    template_id = demo.templates[_GENERAL][0]
    day = demo.start + timedelta(days=(2 - demo.start.weekday()) % 7)  # Wednesdays
    while day < demo.today:
        for area in demo.areas.values():
            when = demo.workday_near(day + timedelta(days=rng.randint(0, 1)))
            if when >= demo.today:
                continue
            supervisor = demo.area_owner(area)
            crew = demo.team_members(area.spec.team, when)
            inspectors = [supervisor, *rng.sample(crew, min(1, len(crew)))]
            answers, failed = _inspection_answers(
                demo, rng, area, when, supervisor, inspectors, 0.12, "주간 순회점검"
            )
            if failed:
                demo.fill_form(
                    _GENERAL, day=when, by=supervisor, answers=answers, area=area, owner=supervisor
                )
                continue
            scored = [a for a in answers.values() if a.result in ("pass", "fail")]
            percent = 100.0 if scored else None
            buffer.add(
                supervisor.name,
                BulkForm(
                    template_id=template_id,
                    kind="inspection",
                    performed_on=when.isoformat(),
                    answers=answer_rows(answers),
                    values={
                        "site_id": demo.site_id,
                        "area_id": area.id,
                        "performed_by_id": supervisor.id,
                        "performed_by_name": supervisor.name,
                        "header": {"round": "weekly"},
                        "score_percent": percent,
                        "failed_count": 0,
                    },
                ),
            )
        day += timedelta(days=7)
    buffer.flush_all()


_GENERAL = "inspection.machine_shop_general"


def _inspection_answers(
    demo: Demo,
    rng: random.Random,
    area: Area,
    day: date,
    by: Person,
    inspectors: Sequence[Person],
    scale: float,
    label: str,
) -> tuple[dict[str, Answer], bool]:
    """Answers of one round of the general checklist; failed items get their evidence photos."""
    template = demo.template(_GENERAL)
    spec = area.spec
    span = max(1, (demo.today - demo.start).days)
    trend = 1.5 - (day - demo.start).days / span  # findings get rarer as the system matures
    rate = spec.inspection_fail_rate * trend * scale
    fails: list[str] = []
    na: list[str] = []
    for section, q in template.questions():
        if q.type != "yes_no_na":
            continue
        if section.key in spec.na_sections:
            na.append(q.key)
        elif rng.random() < rate:
            fails.append(q.key)
    hour = rng.randint(9, 15)
    values: dict[str, Answer] = {}
    lux = rng.randint(210, 290) if rng.random() < rate else rng.randint(320, 650)
    values["illuminance"] = Answer(
        number=float(lux), note="작업면 조도 부족 — 조명 교체 요청" if lux < 300 else None
    )
    distance = rng.randint(52, 58) if rng.random() < rate / 3 else rng.randint(15, 44)
    values["exit_distance"] = Answer(number=float(distance))
    pressure = round(rng.uniform(0.55, 0.68), 2) if rng.random() < rate else round(rng.uniform(0.78, 0.95), 2)
    values["extinguisher_pressure"] = Answer(number=pressure)
    values["inspectors"] = _people(inspectors)
    if rng.random() < 0.3:
        values["remarks"] = Answer(text=rng.choice(INSPECTION_REMARKS))
    answers = demo.answers(_GENERAL, day=day, person=by, signer=by, fails=fails, na=na, values=values)
    failed_any = False
    for key, answer in list(answers.items()):
        question = template.question(key)
        rule = question.fail_rule
        failed = answer.result == "fail" or (
            question.type == "number"
            and answer.number is not None
            and not question.within_limits(answer.number)
        )
        failed_any = failed_any or failed
        if failed and rule is not None and rule.require_photo:
            sha = demo.defect_photo(
                title=question.text.ko,
                where=f"{spec.name} · {label}",
                day=day,
                hour=hour,
                actor=by.name,
                tint=spec.colour,
            )
            answers[key] = Answer(
                result=answer.result,
                number=answer.number,
                text=answer.text,
                note=answer.note,
                attachments=(sha,),
            )
    if failed_any and rng.random() < 0.1:
        sha = demo.store_photo(
            photos.after_photo(
                rng.randrange(1 << 30),
                title=f"{spec.name} 점검 현장",
                subtitle=label,
                stamp=f"{day.isoformat()} {hour:02d}:10",
                tint=spec.colour,
            ),
            f"IMG_{day.strftime('%Y%m%d')}_{hour:02d}10.jpg",
            by.name,
        )
        answers["area_photos"] = Answer(attachments=(sha,))
    return answers, failed_any


# -- pre-work checks ----------------------------------------------------------------------------------


def _people(people: Sequence[Person]) -> Answer:
    """A ``people`` answer: the names, as the form editor stores them."""
    return Answer(values=tuple(dict.fromkeys(p.name for p in people)))


class _BulkBuffer:
    """Forms waiting for ``bulk_import_completed``, kept per actor (the person who did the work)."""

    def __init__(self, demo: Demo, label: str) -> None:
        self.demo = demo
        self.label = label
        self.pending: dict[str, list[BulkForm]] = {}
        self.written = 0

    def add(self, actor: str, form: BulkForm) -> None:
        batch = self.pending.setdefault(actor, [])
        batch.append(form)
        if len(batch) >= BULK_BATCH:
            self.flush(actor)

    def flush(self, actor: str) -> None:
        batch = self.pending.pop(actor, [])
        if batch:
            self.demo.bulk(batch, actor)
            self.written += len(batch)
            self.demo.tick(self.demo.step, self.demo.total_steps, f"{self.label} {self.written:,}건")

    def flush_all(self) -> None:
        for actor in sorted(self.pending):
            self.flush(actor)


def _prework_na(machine: Machine) -> tuple[str, ...]:
    if machine.spec.kind == "press":
        return ("shear_blade_table",)
    if machine.spec.kind == "shear":
        return ("die_bolts",)
    return ()


_NOTHING_FOUND: dict[str, Any] = {"question_key": "corrective_action", "value_text": "이상 없음"}


def prework_checks(demo: Demo) -> None:
    """작업시작 전 점검 (안전보건규칙 제35조): most go in by bulk import, failed ones by hand."""
    rng = demo.rng("prework")
    buffer = _BulkBuffer(demo, "작업 전 점검")
    machines = [m for m in demo.machines if m.spec.prework]
    base: dict[str, list[dict[str, Any]]] = {}
    keys: dict[str, dict[str, str]] = {}
    for machine in machines:
        code = machine.spec.prework or ""
        template = demo.template(code)
        na = set(_prework_na(machine))
        static: list[dict[str, Any]] = []
        for _s, q in template.questions():
            if q.type == "yes_no_na":
                static.append({"question_key": q.key, "result": "na" if q.key in na else "pass"})
        base[machine.spec.code] = static
        keys[code] = {q.type if q.type != "person" else q.key: q.key for _s, q in template.questions()}
    for day in demo.working_days():
        night = demo.night_shift(day)
        for machine in machines:
            spec = machine.spec
            if day < machine.installed_on or rng.random() > spec.use_share:
                continue
            shifts = ["주간"]
            if spec.night and night:
                shifts.append("야간")
            for shift in shifts:
                if rng.random() > demo.config.prework_share:
                    continue
                team = machine.area.spec.team
                inspector = demo.night_lead(team) if shift == "야간" else demo.supervisor(team)
                hour, minute = (19, rng.randint(30, 55)) if shift == "야간" else (7, rng.randint(30, 55))
                fail_rate = 0.012 if spec.area in ("PR", "WD") else 0.006
                if rng.random() < fail_rate:
                    _failed_prework(demo, machine, day, inspector, (hour, minute), shift)
                    continue
                code = spec.prework or ""
                k = keys[code]
                rows = list(base[spec.code])
                rows.append({"question_key": k["datetime"], "value_text": local_time(day, hour, minute)})
                rows.append({"question_key": k["signature"], "attachments": [demo.signature(inspector)]})
                rows.append(_NOTHING_FOUND)
                if code == "prework.forklift":
                    drivers = demo.by_role("forklift_driver", day) or [inspector]
                    rows.append(
                        {
                            "question_key": "driver_name",
                            "value_text": drivers[day.toordinal() % len(drivers)].name,
                        }
                    )
                    rows.append({"question_key": "supervisor", "value_text": inspector.name})
                else:
                    rows.append({"question_key": "inspector", "value_text": inspector.name})
                if code == "prework.air_compressor":
                    rows.append(
                        {"question_key": "receiver_pressure", "value_num": round(rng.uniform(0.68, 0.8), 2)}
                    )
                buffer.add(
                    inspector.name,
                    BulkForm(
                        template_id=demo.templates[code][0],
                        kind="prework_check",
                        performed_on=day.isoformat(),
                        answers=rows,
                        values={
                            "site_id": demo.site_id,
                            "area_id": machine.area.id,
                            "equipment_id": machine.id,
                            "performed_by_id": inspector.id,
                            "performed_by_name": inspector.name,
                            "header": {"shift": shift},
                            "score_percent": 100.0,
                            "failed_count": 0,
                        },
                    ),
                )
    buffer.flush_all()


def _failed_prework(
    demo: Demo, machine: Machine, day: date, inspector: Person, time: tuple[int, int], shift: str
) -> None:
    rng = demo.rng("prework-failures")
    code = machine.spec.prework or ""
    template = demo.template(code)
    na = _prework_na(machine)
    candidates = [q.key for _s, q in template.questions() if q.type == "yes_no_na" and q.key not in na]
    key = rng.choice(candidates)
    values: dict[str, Answer] = {
        "corrective_action": Answer(
            text=rng.choice(("사용 중지 후 보전반 수리", "즉시 정비 요청, 수리 후 재점검 완료 예정"))
        )
    }
    if code == "prework.forklift":
        drivers = demo.by_role("forklift_driver", day) or [inspector]
        values["driver_name"] = Answer(text=rng.choice(drivers).name)
        values["supervisor"] = Answer(text=inspector.name)
    if code == "prework.air_compressor":
        values["receiver_pressure"] = Answer(number=round(rng.uniform(0.68, 0.8), 2))
    answers = demo.answers(
        code, day=day, person=inspector, signer=inspector, fails=[key], na=na, values=values, time=time
    )
    rule = template.question(key).fail_rule
    if rule is not None and rule.require_photo:
        sha = demo.defect_photo(
            title=template.question(key).text.ko,
            where=f"{machine.area.spec.name} · {machine.spec.code} {machine.spec.name}",
            day=day,
            hour=time[0],
            actor=inspector.name,
            tint=machine.area.spec.colour,
        )
        old = answers[key]
        answers[key] = Answer(result=old.result, note=old.note, attachments=(sha,))
    demo.fill_form(
        code,
        day=day,
        by=inspector,
        answers=answers,
        machine=machine,
        header={"shift": shift},
        owner=demo.supervisor(machine.area.spec.team),
        kind="prework_check",
    )


# -- TBM ------------------------------------------------------------------------------------------


def tbm_minutes(demo: Demo) -> None:
    """TBM (작업 전 안전점검회의) minutes of each team, on a share of the working days."""
    rng = demo.rng("tbm")
    code = "tbm.minutes"
    template = demo.template(code)
    template_id = demo.templates[code][0]
    buffer = _BulkBuffer(demo, "TBM 회의록")
    static = [
        {"question_key": q.key, "result": "pass"} for _s, q in template.questions() if q.type == "yes_no_na"
    ]
    area_of_team: dict[str, Area] = {}
    for area in demo.areas.values():
        area_of_team.setdefault(area.spec.team, area)
    contractor_crew = {"paint": "sejin"}
    for day in demo.working_days():
        night = demo.night_shift(day)
        for team in TEAMS:
            two_shifts = team.night_shift and night
            shifts = [("주간", demo.supervisor(team.code), 7)]
            if two_shifts:
                shifts.append(("야간", demo.night_lead(team.code), 19))
            for index, (shift, leader, hour) in enumerate(shifts):
                suggestion = demo.tbm_suggestions.get((team.code, day)) if index == 0 else None
                if suggestion is None and rng.random() > demo.config.tbm_share:
                    continue
                members = demo.team_members(team.code, day)
                if two_shifts:
                    members = members[index::2]  # the team splits into a day and a night crew
                crew = [p for p in members if rng.random() < 0.95]
                if team.code in contractor_crew and index == 0:
                    crew += [
                        p for p in demo.contractor_workers(contractor_crew[team.code]) if p.employed(day)
                    ]
                languages = sorted({p.language for p in crew if p.language != "ko"})
                tasks, hazards, controls = rng.choice(TBM_TOPICS[team.code])
                minute = rng.randint(35, 55)
                area = area_of_team[team.code]
                if suggestion is None and rng.random() < 0.01:
                    _failed_tbm(demo, area, day, leader, crew, (tasks, hazards, controls), (hour, minute))
                    continue
                rows: list[dict[str, Any]] = list(static)
                rows += [
                    {"question_key": "held_at", "value_text": local_time(day, hour, minute)},
                    {"question_key": "place", "value_text": team.tbm_place},
                    {"question_key": "leader", "value_text": leader.name},
                    {"question_key": "attendees", "value_list": [p.name for p in [leader, *crew]]},
                    {"question_key": "tasks", "value_text": tasks},
                    {"question_key": "top_hazards", "value_text": hazards},
                    {"question_key": "controls", "value_text": controls},
                    {"question_key": "leader_signature", "attachments": [demo.signature(leader)]},
                ]
                if languages:
                    names = ", ".join(LANGUAGE_NAMES_KO[lang] for lang in languages)
                    rows.append(
                        {"question_key": "languages", "value_text": f"한국어 + {names} (그림 카드·번역 앱)"}
                    )
                if rng.random() < 0.5:
                    linked = rng.sample(RISK_ITEMS[area.spec.code], 2)
                    rows.append({"question_key": "ra_items", "value_text": ", ".join(i.task for i in linked)})
                if suggestion is not None:
                    rows.append({"question_key": "questions_suggestions", "value_text": suggestion})
                    rows.append(
                        {
                            "question_key": "actions_feedback",
                            "value_text": "안전보건관리담당자에게 전달, 검토 후 회신 예정",
                        }
                    )
                buffer.add(
                    leader.name,
                    BulkForm(
                        template_id=template_id,
                        kind="tbm",
                        performed_on=day.isoformat(),
                        answers=rows,
                        values={
                            "site_id": demo.site_id,
                            "area_id": area.id,
                            "performed_by_id": leader.id,
                            "performed_by_name": leader.name,
                            "header": {"team": team.name, "shift": shift, "attendees": len(crew) + 1},
                            "score_percent": 100.0,
                            "failed_count": 0,
                        },
                    ),
                )
    buffer.flush_all()


def _failed_tbm(
    demo: Demo,
    area: Area,
    day: date,
    leader: Person,
    crew: list[Person],
    topic: tuple[str, str, str],
    time: tuple[int, int],
) -> None:
    tasks, hazards, controls = topic
    values = {
        "place": Answer(text=next(t.tbm_place for t in TEAMS if t.code == area.spec.team)),
        "attendees": _people([leader, *crew]),
        "tasks": Answer(text=tasks),
        "top_hazards": Answer(text=hazards),
        "controls": Answer(text=controls),
        "actions_feedback": Answer(text="미착용자 보호구 즉시 지급 후 작업 투입"),
    }
    answers = demo.answers(
        "tbm.minutes", day=day, person=leader, signer=leader, fails=["ppe_checked"], values=values, time=time
    )
    demo.fill_form(
        "tbm.minutes",
        day=day,
        by=leader,
        answers=answers,
        area=area,
        owner=leader,
        header={"team": area.spec.team},
        kind="tbm",
    )


# -- permits -----------------------------------------------------------------------------------------


def permits(demo: Demo) -> None:
    """Hot-work permits (a few a month) and confined-space permits for the quarterly tank cleaning."""
    rng = demo.rng("permits")
    numbers: dict[tuple[str, int], int] = defaultdict(int)
    for month in demo.months():
        for _ in range(rng.choice((1, 2, 2, 3))):
            day = demo.workday_near(date(month.year, month.month, rng.randint(1, 26)))
            if demo.start <= day < demo.today:
                numbers[("HW", day.year)] += 1
                _hot_work(demo, day, f"HW-{day.year}-{numbers[('HW', day.year)]:03d}")
        if month.month in (2, 5, 8, 11):
            day = demo.workday_near(date(month.year, month.month, rng.randint(10, 20)))
            if demo.start <= day < demo.today:
                numbers[("CS", day.year)] += 1
                _confined_space(demo, day, f"CS-{day.year}-{numbers[('CS', day.year)]:02d}")


def _hot_work(demo: Demo, day: date, number: str) -> None:
    rng = demo.rng("hot-work")
    area_code, description, method, by_contractor = rng.choice(HOT_WORK_JOBS)
    area = demo.areas[area_code]
    issuer = demo.area_owner(area)
    approver = demo.plant_manager
    welders = demo.by_role("welder", day) or [issuer]
    crew = [p for p in demo.contractor_workers("hanbit") if p.employed(day)][:2]
    by_contractor = by_contractor and bool(crew)
    workers = crew if by_contractor else rng.sample(welders, min(2, len(welders)))
    watch_pool = demo.team_members(area.spec.team, day) or welders
    watch = rng.choice(watch_pool)
    start_h = rng.randint(9, 13)
    tester = issuer
    values = {
        "permit_no": Answer(text=number),
        "place": Answer(text=f"{area.spec.name} ({area.spec.code})"),
        "work_description": Answer(text=description),
        "work_methods": Answer(values=(method,)),
        "work_start": Answer(text=local_time(day, start_h)),
        "work_end": Answer(text=local_time(day, start_h + 3)),
        "applicant": Answer(text=workers[0].name if by_contractor else issuer.name),
        "workers": _people(workers),
        "fire_watch_needed": Answer(text="required"),
        "fire_watch_person": Answer(text=watch.name),
        "gas_tester": Answer(text=tester.name),
        "issuer": Answer(text=issuer.name),
        "approver": Answer(text=approver.name),
        "approver_signature": Answer(attachments=(demo.signature(approver),)),
        "closed_at": Answer(text=local_time(day, start_h + 3, 40)),
        "closed_by": Answer(text=issuer.name),
    }
    if by_contractor:
        values["contractor"] = Answer(text=next(c.name for c in CONTRACTORS if c.key == "hanbit"))
    if rng.random() < 0.3:
        values["extra_conditions"] = Answer(
            text="작업 종료 후 30분간 화재감시자 잔류, 인접 도장 부스 작업 중지"
        )
    fails = ["no_smouldering"] if rng.random() < 0.03 else []
    answers = demo.answers(
        "permit.hot_work",
        day=day,
        person=issuer,
        signer=issuer,
        fails=fails,
        values=values,
        time=(start_h, 0),
    )
    if fails:
        sha = demo.defect_photo(
            title="작업 종료 후 잔불 발견",
            where=f"{area.spec.name} · {number}",
            day=day,
            hour=start_h + 3,
            actor=issuer.name,
            tint=area.spec.colour,
        )
        answers["no_smouldering"] = Answer(
            result="fail", note="방화포 아래 불씨 발견, 즉시 소화", attachments=(sha,)
        )
    gas = [
        GasReading(
            measured_at=_utc(day, start_h - 1, 45),
            location=f"{area.spec.name} 작업 지점",
            measured_by=tester.name,
            o2_pct=round(rng.uniform(20.6, 20.9), 1),
            lel_pct=0.0,
        )
    ]
    demo.fill_form(
        "permit.hot_work",
        day=day,
        by=issuer,
        answers=answers,
        area=area,
        gas=gas,
        header={"permit_no": number, "contractor": values["contractor"].text if by_contractor else None},
        kind="permit",
    )


def _confined_space(demo: Demo, day: date, number: str) -> None:
    rng = demo.rng("confined-space")
    area = demo.areas["TK"]
    supervisor = demo.area_owner(area)
    crew = [p for p in demo.contractor_workers("noksan") if p.employed(day)]
    own = demo.team_members("maintenance", day) or [supervisor]
    entrants = crew[1:3] or crew or own[:2]
    attendants = demo.by_role("confined_space_attendant", day) or [supervisor]
    attendant = rng.choice(attendants)
    start_h = 9
    values = {
        "permit_no": Answer(text=number),
        "place": Answer(text="세척수 저장탱크 (TK-01) 30 m³"),
        "work_description": Answer(text=rng.choice(CS_JOBS)),
        "work_start": Answer(text=local_time(day, start_h)),
        "work_end": Answer(text=local_time(day, 16)),
        "supervisor": Answer(text=supervisor.name),
        "entrants": _people(entrants),
        "attendant": Answer(text=attendant.name),
        "gas_tester": Answer(text=supervisor.name),
        "gas_follow_up": Answer(text="작업 전 30분 송풍기 강제 환기 후 측정, 작업 중 2시간마다 재측정"),
        "ppe": Answer(values=("airline_mask", "harness_lifeline", "personal_gas_monitor", "helmet")),
        "headcount_in": Answer(number=float(len(entrants))),
        "headcount_out": Answer(number=float(len(entrants))),
        "issuer": Answer(text=supervisor.name),
        "approver": Answer(text=demo.plant_manager.name),
        "approver_signature": Answer(attachments=(demo.signature(demo.plant_manager),)),
        "closed_at": Answer(text=local_time(day, 16, 20)),
        "closed_by": Answer(text=supervisor.name),
    }
    answers = demo.answers(
        "permit.confined_space",
        day=day,
        person=supervisor,
        signer=supervisor,
        values=values,
        time=(start_h, 0),
    )
    gas: list[GasReading] = []
    for hour, minute, place in (
        (8, 40, "맨홀 상부"),
        (8, 45, "탱크 중부"),
        (8, 50, "탱크 하부"),
        (11, 0, "탱크 하부"),
        (13, 30, "탱크 하부"),
    ):
        gas.append(
            GasReading(
                measured_at=_utc(day, hour, minute),
                location=place,
                measured_by=supervisor.name,
                o2_pct=round(rng.uniform(20.2, 20.9), 1),
                h2s_ppm=round(rng.choice((0.0, 0.0, 0.5, 1.0)), 1),
                co_ppm=float(rng.randint(0, 4)),
                lel_pct=float(rng.choice((0, 0, 1))),
            )
        )
    demo.fill_form(
        "permit.confined_space",
        day=day,
        by=supervisor,
        answers=answers,
        area=area,
        gas=gas,
        header={"permit_no": number, "contractor": "(주)녹산환경테크" if crew else None},
        kind="permit",
    )


def _utc(day: date, hour: int, minute: int) -> str:
    return iso_utc(kst(day, hour, minute))


# -- drills ---------------------------------------------------------------------------------------------


def drills(demo: Demo) -> None:
    """A fire drill every November and a confined-space rescue drill every March and September."""
    rng = demo.rng("drills")
    plan: list[tuple[date, str]] = []
    for year in range(demo.start.year, demo.today.year + 2):
        plan.append((date(year, 11, rng.randint(6, 18)), "fire"))
        plan.append((date(year, 3, rng.randint(10, 24)), "confined_space_rescue"))
        plan.append((date(year, 9, rng.randint(8, 22)), "confined_space_rescue"))
    plan.sort()
    planned_next = False
    for when, kind in plan:
        day = demo.workday_near(when)
        if day < demo.start:
            continue
        if day >= demo.today:
            if not planned_next:
                planned_next = True
                _planned_drill(demo, day, kind)
            continue
        _drill(demo, day, kind)


def _planned_drill(demo: Demo, day: date, kind: str) -> None:
    with transaction(demo.ws, demo.officer.name) as tx:
        tx.insert(
            "drills",
            {
                "drill_type": kind,
                "scenario": CS_SCENARIOS[0] if kind != "fire" else FIRE_SCENARIOS[0],
                "area_id": demo.areas["TK" if kind != "fire" else "PT"].id,
                "planned_on": day,
                "status": "planned",
                "headcount_expected": 6 if kind != "fire" else None,
            },
        )


def _drill(demo: Demo, day: date, kind: str) -> None:
    rng = demo.rng("drills")
    fire = kind == "fire"
    area = demo.areas["PT" if fire else "TK"]
    officer = demo.officer
    lead = demo.plant_manager
    if fire:
        present = [p for p in demo.people if p.employed(day) and p.kind != "owner" and rng.random() < 0.93]
        scenario = rng.choice(FIRE_SCENARIOS)
        start_h = 15
    else:
        present = [
            p
            for p in demo.people
            if p.employed(day) and (p.team == "maintenance" or p.contractor == "noksan")
        ]
        present += [officer]
        scenario = rng.choice(CS_SCENARIOS)
        start_h = 14
    expected = len(present)
    missing = 1 if fire and rng.random() < 0.35 else 0
    equipment_bad = not fire and rng.random() < 0.2
    alarm = rng.randint(25, 70) if fire else rng.randint(40, 120)
    evacuate = rng.randint(160, 330) if fire else rng.randint(300, 600)
    photo = demo.store_photo(
        photos.group_photo(
            rng.randrange(1 << 30),
            title="소방훈련 — 집결지 인원 확인" if fire else "밀폐공간 구출 훈련",
            subtitle=scenario,
            stamp=f"{day.isoformat()} {start_h:02d}:{rng.randint(10, 40):02d}",
            people=len(present),
        ),
        f"IMG_{day.strftime('%Y%m%d')}_drill.jpg",
        officer.name,
    )
    contractor_names = ", ".join(
        f"{c.name} {sum(1 for p in present if p.contractor == c.key)}명"
        for c in CONTRACTORS
        if any(p.contractor == c.key for p in present)
    )
    problems = (
        "집결지 인원 1명 누락 (화장실에서 경보 미청취) — 화장실 경보 스피커 추가"
        if missing
        else "특이사항 없음"
    )
    values: dict[str, Answer] = {
        "place": Answer(text=f"{area.spec.name} 및 정문 앞 집결지" if fire else "세척수 저장탱크 (TK-01)"),
        "drill_type": Answer(text=kind),
        "scenario": Answer(text=scenario),
        "contents": Answer(
            text="비상벨 발령, 초기 소화(소화기·옥내소화전), 대피 유도, 집결지 인원 확인, 119 모의 신고"
            if fire
            else "감시인 신고, 비상연락, 송기마스크 착용 후 구조용 삼각대로 구출, 심폐소생술"
        ),
        "participants": _people(present),
        "roles": Answer(
            text=f"지휘 {lead.name}, 신고 {officer.name}, 응급조치 담당, 대피 유도 각 반장, 인원 확인 관리팀"
        ),
        "seconds_to_alarm": Answer(number=float(alarm)),
        "seconds_to_evacuate": Answer(number=float(evacuate)),
        "headcount_expected": Answer(number=float(expected)),
        "headcount_actual": Answer(number=float(expected - missing)),
        "equipment_used": Answer(
            text="소화기, 옥내소화전, AED" if fire else "공기호흡기, 송기마스크, 구조용 삼각대, 가스측정기"
        ),
        "evaluator": Answer(text=lead.name),
        "problems_found": Answer(text=problems if not equipment_bad else "공기호흡기 1대 용기 압력 부족"),
        "corrective_actions": Answer(
            text="개선 조치 후 다음 훈련에서 확인" if (missing or equipment_bad) else "현 체계 유지"
        ),
        "photos": Answer(attachments=(photo,)),
        "next_drill_due": Answer(text=add_months(day, 12 if fire else 6).isoformat()),
        "responsible_person": Answer(text=lead.name),
    }
    if contractor_names:
        values["contractor_participants"] = Answer(text=contractor_names)
    fails = (["headcount_complete"] if missing else []) + (["equipment_ok"] if equipment_bad else [])
    na = ["cs_contact_chain", "cs_rescue_gear", "cs_breathing_apparatus", "cs_first_aid"] if fire else []
    answers = demo.answers(
        "drill.record",
        day=day,
        person=lead,
        signer=lead,
        fails=fails,
        na=na,
        values=values,
        time=(start_h, 0),
    )
    if equipment_bad:
        sha = demo.defect_photo(
            title="공기호흡기 용기 압력 부족",
            where=f"{area.spec.name} · 구출 훈련",
            day=day,
            hour=start_h,
            actor=officer.name,
            tint=area.spec.colour,
        )
        answers["equipment_ok"] = Answer(
            result="fail", note="공기호흡기 1대 압력 15 MPa (기준 미달) — 충전 의뢰", attachments=(sha,)
        )
    record_id, _done = demo.fill_form(
        "drill.record", day=day, by=officer, answers=answers, area=area, owner=officer, kind="drill"
    )
    with transaction(demo.ws, officer.name) as tx:
        tx.insert(
            "drills",
            {
                "drill_type": kind,
                "scenario": scenario,
                "area_id": area.id,
                "planned_on": day,
                "performed_at": kst(day, start_h, 0),
                "status": "done",
                "headcount_expected": expected,
                "headcount_actual": expected - missing,
                "seconds_to_alarm": alarm,
                "seconds_to_evacuate": evacuate,
                "observations": problems,
                "form_record_id": record_id,
                "retention_until": retention_until("drills", day),
            },
        )


# -- training ---------------------------------------------------------------------------------------


def _hours(demo: Demo, course: str, category: str, day: date, default: float) -> tuple[float, str]:
    try:
        rule = demo.legal.education_hours(course, category, day)
    except LegalLookupError:
        try:
            rule = demo.legal.education_hours(course, category, demo.today)
        except LegalLookupError:
            return default, "event"
    return float(rule.hours), rule.per.value


def trainings(demo: Demo) -> None:
    """Periodic (monthly sessions), supervisors' yearly course, hiring, special and MSDS training."""
    rng = demo.rng("training")
    officer = demo.officer
    qualification = "안전보건관리담당자 (산업안전산업기사)"
    sessions: list[dict[str, Any]] = []

    def session(
        course: str, title: str, day: date, hours: float, people: Sequence[Person], **extra: Any
    ) -> None:
        if people and demo.start <= day < demo.today:
            sessions.append(
                {
                    "course": course,
                    "title": title,
                    "held_on": day,
                    "hours": hours,
                    "people": list(people),
                    **extra,
                }
            )

    for month in demo.months():
        day = demo.workday_near(date(month.year, month.month, rng.randint(20, 27)))
        hours, per = _hours(demo, "periodic", "other", day, 12)
        per_month = hours / (3 if per == "quarter" else 6 if per == "half_year" else 12)
        production = [
            p for p in demo.people if p.job_type == "production" and not p.contractor and p.employed(day)
        ]
        attendees = [p for p in production if rng.random() < 0.93]
        foreign = any(p.language != "ko" for p in attendees)
        content = TRAINING_CONTENT["periodic"] + (" — 외국인 근로자: 모국어 교재 병행" if foreign else "")
        session(
            "periodic",
            f"{day.year}년 {day.month}월 정기 안전보건교육 (생산직)",
            day,
            per_month,
            attendees,
            content=content,
        )
        if month.month in (3, 6, 9, 12):
            hours_o, per_o = _hours(demo, "periodic", "office_sales", day, 6)
            quarter = hours_o / (1 if per_o == "quarter" else 2 if per_o == "half_year" else 4)
            office = [
                p for p in demo.people if p.job_type == "office" and p.kind != "owner" and p.employed(day)
            ]
            session(
                "periodic",
                f"{day.year}년 {(month.month - 1) // 3 + 1}분기 정기 안전보건교육 (사무직)",
                day,
                quarter,
                office,
                content=TRAINING_CONTENT["periodic_office"],
            )
        if month.month == 5:
            hours_s, _ = _hours(demo, "periodic", "supervisor", day, 16)
            supervisors = [p for p in demo.people if p.kind == "supervisor" and p.employed(day)]
            session(
                "periodic",
                f"{day.year}년 관리감독자 정기교육 (위탁)",
                day,
                hours_s,
                supervisors,
                instructor="부산안전보건교육원 강사",
                qualification="고용노동부 지정 안전보건교육기관",
                content=TRAINING_CONTENT["supervisor"],
            )
        if month.month == 1:
            paint = [
                p for p in demo.people if (p.team == "paint" or p.contractor == "sejin") and p.employed(day)
            ]
            session(
                "msds",
                f"{day.year}년 MSDS 교육 (도장 부스)",
                day,
                1.0,
                paint,
                content=TRAINING_CONTENT["msds"],
            )
    for person in demo.people:
        if person.contractor or person.kind == "owner" or not (demo.start <= person.hired_on < demo.today):
            continue
        hours, _ = _hours(demo, "hiring", "other", person.hired_on, 8)
        session(
            "hiring",
            f"채용 시 교육 — {person.name}",
            person.hired_on,
            hours,
            [person],
            language=person.language,
            content=TRAINING_CONTENT["hiring"],
        )
        specials = (
            ("welder", "special_welding", "아크용접 등 화기작업"),
            ("crane_operator", "special_crane", "크레인(1톤 이상) 운전"),
            ("confined_space_attendant", "special_confined", "밀폐공간 작업"),
        )
        for role, key, label in specials:
            if role in person.roles:
                hours_sp, _ = _hours(demo, "special", "other", person.hired_on, 16)
                session(
                    "special",
                    f"특별교육 — {label} ({person.name})",
                    person.hired_on + timedelta(days=1),
                    hours_sp,
                    [person],
                    language=person.language,
                    content=TRAINING_CONTENT[key],
                )
    # one group special training on confined spaces before the first tank cleaning of each year
    for year in range(demo.start.year, demo.today.year + 1):
        day = demo.workday_near(date(year, 2, 3))
        crew = [
            p
            for p in demo.people
            if (p.team == "maintenance" or p.contractor == "noksan") and p.employed(day)
        ]
        hours_sp, _ = _hours(demo, "special", "other", day, 16)
        session(
            "special",
            f"{year}년 밀폐공간 작업 특별교육",
            day,
            hours_sp,
            crew,
            content=TRAINING_CONTENT["special_confined"],
        )
    with transaction(demo.ws, officer.name) as tx:
        for s in sessions:
            people = s.pop("people")
            training = tx.insert(
                "trainings",
                {
                    "course": s["course"],
                    "title": s["title"],
                    "held_on": s["held_on"],
                    "hours": s["hours"],
                    "instructor": s.get("instructor", officer.name),
                    "instructor_qualification": s.get("qualification", qualification),
                    "method": "in_person",
                    "content": s.get("content"),
                    "language": s.get("language", "ko"),
                },
            )
            tx.set_children(
                "trainings",
                training,
                "training_attendance",
                [{"person_id": p.id, "hours": s["hours"], "signed": True} for p in people],
            )
            complete_in(tx, "trainings", training, s["held_on"])


# -- contractors -------------------------------------------------------------------------------------

_CRITERIA = (
    ("safety_plan", "안전보건관리계획 수립·이행", 20),
    ("accident_history", "최근 3년 재해 이력", 20),
    ("education", "안전보건교육 실시", 15),
    ("ppe", "보호구 지급·착용", 15),
    ("equipment", "장비 점검·관리", 15),
    ("emergency", "비상조치 체계", 15),
)


def contractor_evaluations(demo: Demo) -> None:
    """Prequalification before a contract and a yearly evaluation of every contractor."""
    rng = demo.rng("contractor-evaluations")
    officer = demo.officer
    with transaction(demo.ws, officer.name) as tx:
        for spec in CONTRACTORS:
            start = demo.today - timedelta(days=spec.contract_age_days)
            evaluations: list[tuple[date, str]] = []
            if start >= demo.start:
                evaluations.append(
                    (demo.workday_near(start - timedelta(days=14), after=False), "prequalification")
                )
            day = demo.workday_near(max(demo.start + timedelta(days=30), start + timedelta(days=300)))
            while day < demo.today:
                evaluations.append((day, "periodic"))
                day = demo.workday_near(add_months(day, 12))
            for when, purpose in evaluations:
                scores = [round(maximum * rng.uniform(0.62, 0.98)) for _key, _label, maximum in _CRITERIA]
                criteria = [
                    {"key": key, "label": label, "score": score, "max": maximum}
                    for (key, label, maximum), score in zip(_CRITERIA, scores, strict=True)
                ]
                total = float(sum(scores))
                result = "pass" if total >= 70 else "conditional" if total >= 60 else "fail"
                evaluation = tx.insert(
                    "contractor_evaluations",
                    {
                        "contractor_id": demo.contractors[spec.key],
                        "evaluated_on": when,
                        "purpose": purpose,
                        "criteria": criteria,
                        "total_score": total,
                        "result": result,
                        "evaluator": officer.name,
                        "notes": "보호구 착용 상태 양호, 작업계획서 제출 지연 1건"
                        if result != "pass"
                        else "적격",
                    },
                )
                complete_in(tx, "contractor_evaluations", evaluation, when)


# -- compliance checks (SAPA Decree Arts. 4–5) -------------------------------------------------------


def compliance_checks(demo: Demo) -> None:
    """The half-yearly check of each SAPA duty, confirmed by the CEO, for every past half-year."""
    rng = demo.rng("compliance")
    officer = demo.officer
    owner = demo.owner
    period = HalfYear.containing(demo.start)
    with transaction(demo.ws, officer.name) as tx:
        while period.end < demo.today:
            workers = sum(
                1 for p in demo.people if p.kind != "owner" and not p.contractor and p.employed(period.end)
            )
            try:
                applies = demo.legal.thresholds(period.end).applies("sapa", workers)
            except LegalLookupError:
                applies = False
            if applies:
                reviewed = demo.workday_near(period.end + timedelta(days=rng.randint(5, 12)))
                if reviewed < demo.today:
                    _period_checks(demo, tx, period, reviewed, owner)
            period = period.next()
        # the current half-year: late in it, the officer has started on the duties checked early
        if (period.end - demo.today).days < 75 and period.start > demo.start:
            reviewed = demo.workday_near(demo.today - timedelta(days=rng.randint(5, 15)), after=False)
            _period_checks(demo, tx, period, reviewed, owner, only=("sapa_4_5", "sapa_5_2_1"))


def _period_checks(
    demo: Demo, tx: Tx, period: HalfYear, reviewed: date, owner: Person, only: tuple[str, ...] | None = None
) -> None:
    rng = demo.rng("compliance-text")
    in_period = [
        p for p in demo.actions if period.start <= p.found_on <= period.end and p.source == "risk_assessment"
    ]
    done = sum(1 for p in in_period if p.done_on is not None and p.done_on <= period.end + timedelta(days=10))
    rate = round(100 * done / len(in_period)) if in_period else 100
    suggestions = sum(
        1 for p in demo.actions if p.source == "suggestion" and period.start <= p.found_on <= period.end
    )
    codes = [c for c in demo.legal.duty_codes() if c.startswith("sapa_") and (only is None or c in only)]
    for code in codes:
        try:
            duty = demo.legal.duty(code, period.end)
        except LegalLookupError:
            continue
        status = "met" if rng.random() < 0.85 else "partly_met"
        text = rng.choice(COMPLIANCE_TEXTS.get(code, ("이행 확인.",)))
        text = text.format(
            rate=rate, score=rng.randint(78, 92), count=max(1, suggestions + rng.randint(0, 3))
        )
        if status == "partly_met":
            text += " 일부 미흡 — 다음 반기까지 보완."
        confirmed = reviewed + timedelta(days=rng.randint(1, 6) if only is None else 30)
        check = tx.insert(
            "compliance_checks",
            {
                "period": period.code,
                "duty_code": duty.code,
                "status_at_review": status,
                "reviewer": demo.officer.name,
                "reviewed_on": reviewed,
                "findings_text": text,
                "owner_name": owner.name,
                "owner_confirmed_on": confirmed if confirmed < demo.today else None,
            },
        )
        if confirmed < demo.today:
            complete_in(tx, "compliance_checks", check, confirmed)
        if status == "partly_met":  # Decree Art. 5②2: what the check found unmet gets people or budget
            demo.open_action(
                tx,
                source="compliance_check",
                source_id=check,
                found_on=reviewed,
                description=f"반기 점검 미흡 사항 보완 — {duty.label_ko}",
                severity="medium",
                area=None,
                owner=demo.officer,
                found_by=demo.officer.name,
                hazard_group=None,
                hierarchy="administrative",
            )


# -- settling corrective actions ------------------------------------------------------------------


def settle_actions(demo: Demo) -> None:
    """Write what happened to every action: done by its owner, verified by the safety officer."""
    rng = demo.rng("settle")
    by_owner: dict[str, list[Any]] = defaultdict(list)
    for plan in demo.actions:
        by_owner[plan.owner.name].append(plan)
    # at least one action must still be open past its due date: that is what the dashboard is for
    if not any(p.status in ("open", "in_progress") and p.due_on < demo.today for p in demo.actions):
        late = [p for p in demo.actions if p.due_on < demo.today and p.source == "inspection"]
        if late:
            victim = late[-1]
            victim.status, victim.done_on, victim.verified_on = "in_progress", None, None
    for owner in sorted(by_owner):
        with transaction(demo.ws, owner) as tx:
            for plan in by_owner[owner]:
                values: dict[str, Any] = {"owner_id": plan.owner.id}
                if plan.set_due:
                    values["due_on"] = plan.due_on
                if plan.severity == "high":
                    values["interim_measure"] = "사용 중지 표지 부착, 임시 방호 조치"
                if plan.status == "in_progress":
                    values["status"] = "in_progress"
                if plan.done_on is not None:
                    values.update(status="done", done_on=plan.done_on)
                    if rng.random() < 0.4:
                        budget = rng.randint(5, 300) * 10_000
                        values.update(
                            budget_krw=budget, spent_krw=int(budget * rng.uniform(0.7, 1.1)) // 1000 * 1000
                        )
                action = "done" if plan.done_on is not None else "update"
                tx.update("corrective_actions", plan.action_id, values, action=action)
    officer = demo.officer
    after: list[tuple[Any, bytes]] = []
    for plan in demo.actions:
        if plan.verified_on is not None and plan.severity == "high" and rng.random() < 0.35:
            data = photos.after_photo(
                rng.randrange(1 << 30),
                title=f"개선 완료: {plan.title}",
                subtitle=plan.area.spec.name if plan.area else "",
                stamp=f"{plan.verified_on.isoformat()} 10:{rng.randint(0, 59):02d}",
                tint=plan.area.spec.colour if plan.area else (200, 200, 200),
            )
            after.append((plan, data))
    with transaction(demo.ws, officer.name) as tx:
        for plan, data in after:
            sha = store_bytes(tx, data, mime="image/jpeg", name=f"개선후_{plan.verified_on}.jpg")
            link(tx, sha, "corrective_actions", plan.action_id, role="after", caption="개선 후")
            demo.photos += 1
        for plan in demo.actions:
            if plan.verified_on is None:
                continue
            tx.update(
                "corrective_actions",
                plan.action_id,
                {
                    "status": "verified",
                    "verified_on": plan.verified_on,
                    "verified_by": officer.name,
                    "verification_note": "현장 확인 — 개선 효과 있음",
                    "effective": True,
                    "retention_until": retention_until("corrective_actions", plan.verified_on),
                },
                action="verify",
            )
            if plan.finding_id:
                tx.update("findings", plan.finding_id, {"status": "closed"}, action="close")
