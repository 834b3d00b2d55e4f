"""SAPA Decree Art. 4 evidence of the demo plant: appointments (items 5–6), half-yearly evaluations
of the supervisors (item 5 나), the yearly safety budget and its spending (item 4), and the records
of the continuous risk assessment (상시평가): the site calendar, the weekly managers' review and a
TBM on every working day from the month the site adopted it.

Everything goes through ``core.services`` (budget, appointments, forms, settings) so the audit chain
and the outbox are real. Randomness comes from named streams, so the rest of the history is
unchanged. One supervisor's evaluation of the last finished half-year is left out on purpose, and
one working day of the 상시평가 months has no TBM, so the compliance screens show real gaps.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from safetydesk.core.db.tables import corrective_actions, form_records
from safetydesk.core.demo.company import TEAMS
from safetydesk.core.demo.context import Demo, Person, is_holiday, local_time
from safetydesk.core.domain.legal import HalfYear
from safetydesk.core.queries.appointments import EVALUATED_ROLES, AppointmentInput, EvaluationInput
from safetydesk.core.queries.budget import BudgetItemInput, SpendInput
from safetydesk.core.services import appointments as appointment_service
from safetydesk.core.services import budget as budget_service
from safetydesk.core.services.base import transaction
from safetydesk.core.services.forms import BulkForm
from safetydesk.core.services.settings import put_in

SUPERVISOR_AUTHORITY = (
    "소속 반의 작업 중지 권한, 보호구·방호장치 구입 요청 및 반 안전예산 집행, 작업자 배치 조정, "
    "TBM 진행 및 위험성평가 참여 (산업안전보건법 제16조, 시행령 제15조)"
)
MANAGER_AUTHORITY = (
    "사업장 안전보건 업무 총괄, 작업 중지 및 재개 결정, 안전보건 예산 편성·집행 승인, "
    "도급인·수급인 안전보건협의체 운영 (산업안전보건법 제15조·제62조)"
)
COORDINATOR_AUTHORITY = (
    "위험성평가·안전보건교육·점검 실무 총괄, 개선조치 지시 및 확인, 작업환경측정·건강진단 관리, "
    "안전보건 예산 집행 요청 (산업안전보건법 시행령 제25조)"
)

EVALUATION_CRITERIA: tuple[tuple[str, str, int], ...] = (
    ("tbm", "TBM 실시 및 위험요인 공유", 20),
    ("rounds", "주간 순회점검 및 유해·위험요인 발굴", 20),
    ("actions", "개선조치 기한 내 이행", 20),
    ("ppe", "보호구 착용 지도·관리", 15),
    ("education", "소속 근로자 안전보건교육 참여", 15),
    ("reporting", "아차사고·이상 보고", 10),
)

# Yearly budget lines (category, title, base amount in KRW) for a ~60-person machine shop.
BUDGET_LINES: tuple[tuple[str, str, int], ...] = (
    ("staff", "안전보건관리담당자 직무수당 및 외부 안전관리 기술지도 위탁", 14_400_000),
    ("facilities", "프레스·전단기 방호장치(광전자식 안전장치·안전블록) 교체", 16_000_000),
    ("facilities", "보호구 구입 (안전화·보안면·방진마스크·귀마개·안전대)", 9_600_000),
    ("facilities", "용접 흄 국소배기장치·도장 부스 배기 보수", 7_000_000),
    ("hazard_fix", "위험성평가·점검 개선조치 이행 비용", 18_000_000),
    ("education", "안전보건교육 (특별교육 외부 강사, 외국인 근로자 교재 번역)", 4_200_000),
    ("other", "작업환경측정·특수건강진단 및 비상대응 훈련 물품", 6_500_000),
)

# Corrective actions paid from the 나 (hazard fix) line per year, at most.
MAX_LINKED_SPENDS = 12

WEEKLY_REVIEW_TOPICS: tuple[tuple[str, str, str], ...] = (
    (
        "주간 점검·아차사고 결과 공유, 개선조치 진행 확인",
        "기한 경과 개선조치, 신규 아차사고",
        "반별 조치 담당·기한 재확인",
    ),
    (
        "월간 안전점검 결과 검토, 다음 주 작업계획 위험요인",
        "크레인 인양 작업, 용접 화기작업",
        "작업허가·감시인 배치 확인",
    ),
    (
        "협력업체(도장) 작업 안전 협의, 위험성평가 반영 사항",
        "도장 부스 유기용제, 밀폐공간 출입",
        "가스 측정·환기 기록 확인",
    ),
    (
        "근로자 제안 검토 및 회신, 개선 예산 집행 현황",
        "지게차 통로 혼재, 프레스 금형 교체",
        "통로 구획·안전블록 사용 지도",
    ),
)


def _workers(demo: Demo, day: date) -> tuple[int, int]:
    regular = sum(1 for p in demo.people if p.kind != "owner" and not p.contractor and p.employed(day))
    contract = sum(1 for p in demo.people if p.contractor and p.employed(day))
    return regular, contract


# -- appointments and evaluations -----------------------------------------------------------------


def appointments(demo: Demo) -> None:
    """Who holds which safety role, from the start of the history; then the half-yearly evaluations."""
    rng = demo.rng("appointments")
    owner = demo.owner
    set_up = demo.workday_near(demo.start + timedelta(days=2))
    regular, contract = _workers(demo, set_up)
    held: list[tuple[str, Person, date, str]] = []

    def appoint(person: Person, role: str, on: date, **kw: Any) -> str:
        created = appointment_service.appoint(
            demo.ws,
            AppointmentInput(person_id=person.id, role=role, appointed_on=on, **kw),
            actor=owner.name,
        )
        held.append((created.id, person, on, role))
        return created.id

    manager = demo.plant_manager
    if regular >= 50:
        # 안전보건관리책임자: manufacturing with 50 or more workers (OSH Decree 별표2)
        appoint(
            manager, "safety_health_manager", set_up, authority=MANAGER_AUTHORITY, budget_amount=30_000_000
        )
    if regular + contract >= 50:
        # 안전보건총괄책임자: shipbuilding parts (KSIC 311) from 50 incl. contractors' workers (Decree Art. 52)
        appoint(manager, "general_safety_lead", set_up, authority=MANAGER_AUTHORITY, budget_amount=30_000_000)
    officer = demo.officer
    reported = set_up + timedelta(days=rng.randint(3, 12))
    if regular >= 50:
        appoint(
            officer,
            "safety_officer",
            set_up,
            authority=COORDINATOR_AUTHORITY,
            budget_amount=12_000_000,
            reported_to_moel_on=reported,
        )
    elif regular >= 20:
        appoint(
            officer,
            "safety_health_coordinator",
            set_up,
            authority=COORDINATOR_AUTHORITY,
            budget_amount=12_000_000,
            reported_to_moel_on=reported,
        )
    for person in demo.people:
        if "supervisor" not in person.roles or not person.employed(set_up):
            continue
        night = "night_shift_lead" in person.roles
        appoint(
            person,
            "supervisor",
            set_up,
            authority=SUPERVISOR_AUTHORITY,
            budget_amount=1_000_000 if night else 3_000_000,
        )
    _evaluations(demo, held)


def _evaluations(demo: Demo, held: list[tuple[str, Person, date, str]]) -> None:
    rng = demo.rng("role-evaluations")
    owner = demo.owner
    finished: list[HalfYear] = []
    period = HalfYear.containing(demo.start)
    while period.end < demo.today:
        finished.append(period)
        period = period.next()
    for period in finished:
        last = period is finished[-1]
        for appointment_id, person, appointed_on, role in held:
            if appointed_on > period.end or role not in EVALUATED_ROLES:
                continue  # staff appointments (coordinator, officer) are not evaluated under 4-5
            if last and role == "supervisor" and person.team == "paint":
                continue  # the gap the compliance engine must show (Decree 4-5 나)
            on = demo.workday_near(period.end + timedelta(days=rng.randint(4, 20)))
            if on >= demo.today:
                continue
            scores = [round(m * rng.uniform(0.6, 1.0)) for _k, _l, m in EVALUATION_CRITERIA]
            total = sum(scores)
            result = "good" if total >= 85 else "adequate" if total >= 70 else "needs_improvement"
            created = appointment_service.evaluate_role(
                demo.ws,
                EvaluationInput(
                    appointment_id=appointment_id,
                    period=period.code,
                    evaluated_on=on,
                    criteria=[
                        {"key": k, "label": label, "score": s, "max": m}
                        for (k, label, m), s in zip(EVALUATION_CRITERIA, scores, strict=True)
                    ],
                    result=result,
                    evaluator=owner.name if person is demo.plant_manager else demo.plant_manager.name,
                    notes="TBM·순회점검 충실, 개선조치 기한 관리 보완 필요"
                    if result != "good"
                    else "반 안전관리 우수",
                ),
                actor=owner.name,
            )
            appointment_service.complete_evaluation(demo.ws, created.id, actor=owner.name)


# -- budget -------------------------------------------------------------------------------------


def budget(demo: Demo) -> None:
    """The yearly safety budget by Decree 4-4 purpose and what was spent, some spends paying for
    the corrective actions done that year (4-4 나). Run after ``settle_actions``."""
    rng = demo.rng("budget")
    officer = demo.officer
    last = demo.today - timedelta(days=1)
    with demo.ws.reader() as conn:
        paid = conn.execute(
            select(
                corrective_actions.c.id,
                corrective_actions.c.title,
                corrective_actions.c.done_on,
                corrective_actions.c.spent_krw,
            )
            .where(corrective_actions.c.spent_krw.is_not(None), corrective_actions.c.done_on.is_not(None))
            .order_by(corrective_actions.c.done_on, corrective_actions.c.id)
        ).all()
    for year in range(demo.start.year, demo.today.year + 1):
        growth = 1.0 + 0.06 * (year - demo.start.year)
        in_year = [
            row
            for row in paid
            if date.fromisoformat(str(row.done_on)).year == year
            and date.fromisoformat(str(row.done_on)) >= demo.start
        ]
        linked = sorted(
            rng.sample(in_year, min(MAX_LINKED_SPENDS, len(in_year))), key=lambda r: str(r.done_on)
        )
        fixes = sum(int(r.spent_krw) for r in linked)
        hazard_line = ""
        for category, title, base in BUDGET_LINES:
            amount = round(base * growth * rng.uniform(0.9, 1.1) / 100_000) * 100_000
            if category == "hazard_fix":
                amount = max(amount, round(fixes * 1.3 / 1_000_000 + 1) * 1_000_000)
            created = budget_service.save_budget_item(
                demo.ws,
                None,
                BudgetItemInput(
                    year=year,
                    category=category,
                    title=title,
                    planned_amount=amount,
                    site_id=demo.site_id,
                    note=f"{year}년 안전보건 예산 (경영책임자 승인)",
                ),
                actor=demo.owner.name,
            )
            if category == "hazard_fix":
                hazard_line = created.id
                continue
            # spending through the year, up to yesterday (the ledger starts with the history)
            first = max(demo.start, date(year, 1, 1))
            end = min(last, date(year, 12, 31))
            if first > end:
                continue
            months = _months_between(first, end)
            each: float
            if category == "staff":
                times, each = months, amount / 12
            else:
                if category in ("education", "other"):
                    times = months[:: max(1, len(months) // 3)]
                else:
                    times = [m for m in months if rng.random() < 0.35] or months[-1:]
                each = amount * 0.85 * len(months) / 12 / len(times)
            each = max(10_000, round(each / 10_000) * 10_000)
            for month in times:
                day = demo.workday_near(month + timedelta(days=rng.randint(5, 24)))
                if day > end or day < first:
                    continue
                budget_service.record_spend(
                    demo.ws,
                    SpendInput(
                        budget_item_id=created.id,
                        spent_on=day,
                        amount=int(each),
                        description=f"{title} — {day.month}월 집행",
                    ),
                    actor=officer.name,
                )
        for row in linked:
            budget_service.record_spend(
                demo.ws,
                SpendInput(
                    budget_item_id=hazard_line,
                    spent_on=date.fromisoformat(str(row.done_on)),
                    amount=int(row.spent_krw),
                    description=f"개선조치 비용: {row.title}"[:300],
                    action_id=row.id,
                ),
                actor=officer.name,
            )


def _months_between(first: date, end: date) -> list[date]:
    out: list[date] = []
    m = date(first.year, first.month, 1)
    while m <= end:
        out.append(m)
        m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    return out


# -- continuous risk assessment (상시평가) ---------------------------------------------------------


def continuous_assessment(demo: Demo) -> None:
    """The site calendar, and from four months before ``today`` the 상시평가 routine: a weekly
    managers' review (TBM form, header ``meeting: weekly_review``) and a TBM every working day."""
    rng = demo.rng("continuous")
    holidays = [
        d.isoformat()
        for d in (
            date(demo.start.year, 1, 1) + timedelta(days=i)
            for i in range((date(demo.today.year, 12, 31) - date(demo.start.year, 1, 1)).days + 1)
        )
        if is_holiday(d)
    ]
    with transaction(demo.ws, demo.officer.name) as tx:
        put_in(tx, "calendar.non_working_days", holidays)
    adopted = date(demo.today.year, demo.today.month, 1) - timedelta(days=1)
    adopted = date(adopted.year, adopted.month, 1)
    for _ in range(3):
        adopted = date(adopted.year - (adopted.month == 1), (adopted.month - 2) % 12 + 1, 1)
    adopted = max(adopted, demo.start)
    code = "tbm.minutes"
    template = demo.template(code)
    template_id = demo.templates[code][0]
    static = [
        {"question_key": q.key, "result": "pass"} for _s, q in template.questions() if q.type == "yes_no_na"
    ]
    manager = demo.plant_manager
    officer = demo.officer
    forms: list[BulkForm] = []
    tbm: list[tuple[str, BulkForm]] = []
    with demo.ws.reader() as conn:
        have = {
            date.fromisoformat(str(d))
            for d in conn.execute(
                select(form_records.c.performed_on).where(
                    form_records.c.kind == "tbm", form_records.c.performed_on >= adopted.isoformat()
                )
            ).scalars()
        }
    workdays = [d for d in demo.working_days() if d >= adopted and d.weekday() < 5]
    # one working day without any TBM: the gap the tracker must show
    bare = [d for d in workdays[len(workdays) // 2 :] if d not in have]
    skip = bare[0] if bare else None
    press = next(t for t in TEAMS if t.code == "press")
    area = next(a for a in demo.areas.values() if a.spec.team == "press")
    week = adopted - timedelta(days=adopted.weekday())
    # one week without the managers' review (the plant manager was away): a gap the tracker shows
    skip_week = week + timedelta(days=7 * 5)
    while week < demo.today:
        days = [d for d in workdays if week <= d < week + timedelta(days=7)]
        if days and week != skip_week:
            day = days[0]
            supervisors = [p for p in demo.people if p.kind == "supervisor" and p.employed(day)]
            tasks, hazards, controls = rng.choice(WEEKLY_REVIEW_TOPICS)
            forms.append(
                BulkForm(
                    template_id=template_id,
                    kind="tbm",
                    performed_on=day.isoformat(),
                    answers=[
                        *static,
                        {"question_key": "held_at", "value_text": local_time(day, 16, 30)},
                        {"question_key": "place", "value_text": "사무동 2층 회의실"},
                        {"question_key": "leader", "value_text": manager.name},
                        {
                            "question_key": "attendees",
                            "value_list": [p.name for p in [manager, officer, *supervisors]],
                        },
                        {"question_key": "tasks", "value_text": tasks},
                        {"question_key": "top_hazards", "value_text": hazards},
                        {"question_key": "controls", "value_text": controls},
                        {"question_key": "leader_signature", "attachments": [demo.signature(manager)]},
                    ],
                    values={
                        "site_id": demo.site_id,
                        "performed_by_id": manager.id,
                        "performed_by_name": manager.name,
                        "header": {"meeting": "weekly_review", "title": "주간 안전보건 회의 (상시평가)"},
                        "score_percent": 100.0,
                        "failed_count": 0,
                    },
                )
            )
        week += timedelta(days=7)
    leader = demo.supervisor(press.code)
    for day in workdays:
        if day in have or day == skip:
            continue
        crew = demo.team_members(press.code, day)
        tbm.append(
            (
                leader.name,
                BulkForm(
                    template_id=template_id,
                    kind="tbm",
                    performed_on=day.isoformat(),
                    answers=[
                        *static,
                        {"question_key": "held_at", "value_text": local_time(day, 7, 40)},
                        {"question_key": "place", "value_text": press.tbm_place},
                        {"question_key": "leader", "value_text": leader.name},
                        {"question_key": "attendees", "value_list": [p.name for p in [leader, *crew]]},
                        {"question_key": "tasks", "value_text": "프레스 라인 금형 점검 후 생산"},
                        {"question_key": "top_hazards", "value_text": "금형 사이 협착, 소재 모서리 베임"},
                        {
                            "question_key": "controls",
                            "value_text": "안전블록 사용, 광전자식 방호장치 확인, 장갑 착용",
                        },
                        {"question_key": "leader_signature", "attachments": [demo.signature(leader)]},
                    ],
                    values={
                        "site_id": demo.site_id,
                        "area_id": area.id,
                        "performed_by_id": leader.id,
                        "performed_by_name": leader.name,
                        "header": {"team": press.name, "shift": "주간", "attendees": len(crew) + 1},
                        "score_percent": 100.0,
                        "failed_count": 0,
                    },
                ),
            )
        )
    demo.bulk(forms, manager.name)
    demo.bulk([f for _a, f in tbm], leader.name)
