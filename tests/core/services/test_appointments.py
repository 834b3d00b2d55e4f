"""Safety-role appointments and half-yearly evaluations (SAPA Decree Art. 4-5, 4-6)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from safetydesk.core.audit.chain import verify
from safetydesk.core.errors import LegalHoldError, RecordLockedError, UserError, ValidationError
from safetydesk.core.queries.appointments import (
    AppointmentInput,
    Criterion,
    EvaluationInput,
    appointment,
    appointments_in_force,
    evaluations_for_period,
    in_force_by_role,
    role_label,
    unevaluated,
)
from safetydesk.core.services import records
from safetydesk.core.services.appointments import (
    appoint,
    complete_evaluation,
    delete_appointment,
    delete_evaluation,
    end_appointment,
    evaluate_role,
    record_moel_report,
)
from safetydesk.core.workspace.workspace import Workspace, open_workspace

CRITERIA = [
    {"key": "tbm", "label": "TBM 실시", "score": 18, "max": 20},
    {"key": "rounds", "label": "순회점검", "score": 15.5, "max": 20},
    {"key": "actions", "label": "개선조치 이행", "score": 9, "max": 10},
]


@contextmanager
def raises_en(kind: type[UserError], text: str) -> Iterator[None]:
    with pytest.raises(kind) as err:
        yield
    assert text in err.value.text("en"), err.value.text("en")
    assert err.value.text("ko") != err.value.text("en")


def _people(ws: Workspace) -> tuple[str, str]:
    site = records.create(ws, "sites", {"name": "동남정밀"}).id
    sup = records.create(
        ws,
        "people",
        {"site_id": site, "name": "김반장", "kind": "supervisor", "job_type": "supervisor", "roles": []},
    ).id
    officer = records.create(
        ws,
        "people",
        {"site_id": site, "name": "윤담당", "kind": "manager", "job_type": "office", "roles": []},
    ).id
    return sup, officer


def _evaluation(appointment_id: str, **kw: object) -> EvaluationInput:
    values: dict[str, object] = {
        "appointment_id": appointment_id,
        "period": "2026H1",
        "evaluated_on": date(2026, 7, 10),
        "criteria": CRITERIA,
        "result": "good",
        "evaluator": "정공장",
        "notes": "TBM 충실",
    }
    values.update(kw)
    return EvaluationInput(**values)  # type: ignore[arg-type]


def test_appointments_in_force_and_moel_report(ws: Workspace) -> None:
    sup, officer = _people(ws)
    with raises_en(ValidationError, "Unknown safety role"):
        appoint(ws, AppointmentInput(sup, "boss", date(2026, 1, 2)))
    with raises_en(ValidationError, "before the appointment"):
        appoint(
            ws,
            AppointmentInput(
                officer, "safety_health_coordinator", date(2026, 1, 2), reported_to_moel_on=date(2026, 1, 1)
            ),
        )
    a_sup = appoint(
        ws,
        AppointmentInput(
            sup, "supervisor", date(2026, 1, 2), authority="작업중지 권한", budget_amount=3_000_000
        ),
    ).id
    with raises_en(ValidationError, "already holds this role"):
        appoint(ws, AppointmentInput(sup, "supervisor", date(2026, 2, 1)))
    a_coord = appoint(ws, AppointmentInput(officer, "safety_health_coordinator", date(2026, 1, 2))).id
    row = appointment(ws, a_coord)
    assert row.person_name == "윤담당" and row.report_due == date(2026, 1, 16) and row.report_late
    record_moel_report(ws, a_coord, date(2026, 1, 16))  # the 14th day is still on time
    assert not appointment(ws, a_coord).report_late
    assert not appointment(ws, a_sup).report_late  # supervisors are not reported to MOEL
    # retention: appointment documents 3 years (OSH Act 164) vs SAPA 5 years → 5 years
    assert appointment(ws, a_sup).retention_until == "2031-01-02"

    assert appointments_in_force(ws, date(2026, 1, 1)) == ()
    assert {a.id for a in appointments_in_force(ws, date(2026, 1, 2))} == {a_sup, a_coord}
    with raises_en(ValidationError, "before the appointment"):
        end_appointment(ws, a_sup, date(2025, 12, 31))
    end_appointment(ws, a_sup, date(2026, 6, 30))
    with raises_en(ValidationError, "already ended"):
        end_appointment(ws, a_sup, date(2026, 7, 1))
    assert [a.id for a in appointments_in_force(ws, date(2026, 6, 30), "supervisor")] == [a_sup]
    assert appointments_in_force(ws, date(2026, 7, 1), "supervisor") == ()
    by_role = in_force_by_role(ws, date(2026, 7, 1))
    assert [a.id for a in by_role["safety_health_coordinator"]] == [a_coord] and by_role["supervisor"] == ()
    assert appointment(ws, a_sup).retention_until == "2031-06-30"  # counted again from the end
    # a new appointment of the same person after the old one ended is allowed
    appoint(ws, AppointmentInput(sup, "supervisor", date(2026, 9, 1)))
    assert role_label("safety_health_coordinator", "ko") == "안전보건관리담당자"
    assert role_label("supervisor", "en") == "Supervisor"


def test_no_delete_while_in_force_or_inside_retention(ws: Workspace) -> None:
    sup, _officer = _people(ws)
    a = appoint(ws, AppointmentInput(sup, "supervisor", date(2026, 1, 2))).id
    with raises_en(LegalHoldError, "still in force"):
        delete_appointment(ws, a, today=date(2040, 1, 1))
    end_appointment(ws, a, date(2026, 3, 31))
    with raises_en(LegalHoldError, "2031-03-31"):
        delete_appointment(ws, a, today=date(2031, 3, 31))
    delete_appointment(ws, a, today=date(2031, 4, 1))
    assert appointments_in_force(ws, date(2026, 2, 1)) == ()


def test_evaluation_total_period_window_and_lock(ws: Workspace) -> None:
    sup, _officer = _people(ws)
    a = appoint(ws, AppointmentInput(sup, "supervisor", date(2026, 1, 2))).id
    with raises_en(ValidationError, "must be dated from 2026-01-01 to 2026-07-31"):
        evaluate_role(ws, _evaluation(a, evaluated_on=date(2026, 8, 1)))
    with raises_en(ValidationError, "must be dated from 2026-07-01 to 2027-01-31"):
        evaluate_role(ws, _evaluation(a, period="2026H2", evaluated_on=date(2026, 6, 30)))
    with raises_en(ValidationError, "not a half-year"):
        evaluate_role(ws, _evaluation(a, period="2026Q1"))
    with raises_en(ValidationError, "between 0 and its maximum 10"):
        evaluate_role(ws, _evaluation(a, criteria=[{"key": "x", "label": "x", "score": 11, "max": 10}]))
    with raises_en(ValidationError, "appears twice"):
        evaluate_role(ws, _evaluation(a, criteria=[CRITERIA[0], CRITERIA[0]]))
    with raises_en(ValidationError, "at least one evaluation criterion"):
        evaluate_role(ws, _evaluation(a, criteria=[]))
    with raises_en(ValidationError, "Unknown evaluation result"):
        evaluate_role(ws, _evaluation(a, result="excellent"))
    with raises_en(ValidationError, "not in force during 2025H2"):
        evaluate_role(ws, _evaluation(a, period="2025H2", evaluated_on=date(2025, 12, 30)))
    with raises_en(ValidationError, "dated before the appointment"):
        evaluate_role(ws, _evaluation(a, evaluated_on=date(2026, 1, 1)))

    assert [x.id for x in unevaluated(ws, "2026H1")] == [a]
    # the last day of the window (31 days after 30 June) is accepted; Criterion values work too
    draft = evaluate_role(
        ws,
        _evaluation(
            a,
            evaluated_on=date(2026, 7, 31),
            criteria=(Criterion("tbm", "TBM", 7, 10), Criterion("ppe", "보호구", 8, 10)),
        ),
    ).id
    delete_evaluation(ws, draft, today=date(2026, 8, 1))  # a draft has no retention yet
    ev = evaluate_role(ws, _evaluation(a)).id
    (row,) = evaluations_for_period(ws, "2026H1")
    assert row.id == ev and row.total_score == 42.5 and row.max_score == 50 and not row.locked
    assert row.person_name == "김반장" and row.role == "supervisor" and row.criteria[1].score == 15.5
    assert unevaluated(ws, "2026H1") == ()
    assert [x.id for x in unevaluated(ws, "2026H2")] == [a]  # still in force, not yet evaluated

    complete_evaluation(ws, ev)
    (row,) = evaluations_for_period(ws, "2026H1")
    assert row.locked and row.status == "completed"
    assert row.retention_until == "2031-07-10"  # Decree Art. 13: five years from the evaluation
    with pytest.raises(RecordLockedError):
        records.update(ws, "role_evaluations", ev, {"notes": "고침"})
    with raises_en(LegalHoldError, "2031-07-10"):
        delete_evaluation(ws, ev, today=date(2027, 1, 1))
    revision = records.revise(ws, "role_evaluations", ev, reason="점수 정정")
    assert records.get(ws, "role_evaluations", revision.id)["revision_of"] == ev
    with ws.reader() as conn:
        assert verify(conn).ok


def test_evaluation_of_appointment_ended_in_the_period(ws: Workspace) -> None:
    """Someone in the role for part of H1 (ended 30 June) is evaluated for H1, not for H2."""
    sup, _officer = _people(ws)
    a = appoint(ws, AppointmentInput(sup, "supervisor", date(2026, 3, 2))).id
    end_appointment(ws, a, date(2026, 6, 30))
    assert [x.id for x in unevaluated(ws, "2026H1")] == [a]
    assert unevaluated(ws, "2026H2") == ()
    assert unevaluated(ws, "2025H2") == ()
    evaluate_role(ws, _evaluation(a, evaluated_on=date(2026, 6, 30)))
    with raises_en(ValidationError, "not in force during 2026H2"):
        evaluate_role(ws, _evaluation(a, period="2026H2", evaluated_on=date(2026, 7, 1)))


def test_demo_appointments_and_one_missing_evaluation(demo_year_path: Path) -> None:
    ws = open_workspace(demo_year_path, read_only=True)
    try:
        roles = in_force_by_role(ws, date(2026, 11, 1))
        supervisors = roles["supervisor"]
        assert len(supervisors) == 8  # six team leaders and two night-shift leads
        assert all(a.authority and "작업 중지" in a.authority for a in supervisors)
        # 47 employees + 10 contractor workers in shipbuilding parts: 안전보건총괄책임자, and a
        # coordinator (20–49 in manufacturing) reported to MOEL within 14 days
        (lead,) = roles["general_safety_lead"] or roles["safety_health_manager"]
        assert lead.budget_amount and lead.budget_amount > 0
        (coordinator,) = roles["safety_health_coordinator"]
        assert coordinator.reported_to_moel_on is not None and not coordinator.report_late
        assert unevaluated(ws, "2025H2") == ()
        (gap,) = unevaluated(ws, "2026H1")  # left out on purpose: the compliance engine shows it
        assert gap.role == "supervisor"
        h1 = evaluations_for_period(ws, "2026H1")
        assert len(h1) == 8 and all(e.locked and e.retention_until for e in h1)
        assert all(date(2026, 7, 1) <= e.evaluated_on <= date(2026, 7, 31) for e in h1)
        assert all(e.total_score == sum(c.score for c in e.criteria) for e in h1)
        assert evaluations_for_period(ws, "2026H2") == ()  # not due before the half-year ends
    finally:
        ws.close()
