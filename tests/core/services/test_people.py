"""Roster validation, trainings with attendance children, and periodic-education hours per half-year."""

from __future__ import annotations

from datetime import date

import pytest

from safetydesk.core.audit.chain import verify
from safetydesk.core.domain.legal import HalfYear
from safetydesk.core.errors import ValidationError
from safetydesk.core.queries import lists
from safetydesk.core.queries.people import category_for, education_hours_table, get_person, get_training
from safetydesk.core.services import records
from safetydesk.core.services.people import (
    Attendee,
    PersonInput,
    TrainingInput,
    complete_training,
    save_person,
    save_training,
)
from safetydesk.core.workspace.workspace import Workspace
from tests.factories import base_refs


def test_person_validation(ws: Workspace) -> None:
    with pytest.raises(ValidationError):
        save_person(ws, None, PersonInput("응우옌", nationality="VN"))  # no site yet
    base_refs(ws)
    with pytest.raises(ValidationError):
        save_person(ws, None, PersonInput("  "))
    with pytest.raises(ValidationError) as err:
        save_person(ws, None, PersonInput("응우옌", nationality="VNM"))
    assert "KR" in err.value.text("en")
    with pytest.raises(ValidationError):
        save_person(ws, None, PersonInput("응우옌", hired_on=date(2026, 3, 1), left_on=date(2026, 2, 1)))
    made = save_person(
        ws, None, PersonInput("응우옌 반 안", nationality="vn", language="vi", department="가공")
    )
    person = get_person(ws, made.id)
    assert person.nationality == "VN" and person.language == "vi"
    page = lists.page(ws, lists.ListQuery("people", {"active": True}, search="가공"), 0, 10)
    assert page.ids == (made.id,)


@pytest.mark.parametrize(
    ("job_type", "category"),
    [("office", "office_sales"), ("supervisor", "supervisor"), ("production", "other"), ("day", "other")],
)
def test_category_for(job_type: str, category: str) -> None:
    assert category_for(job_type) == category


def _person(ws: Workspace, name: str, job_type: str, **kw: object) -> str:
    return save_person(ws, None, PersonInput(name, job_type=job_type, **kw)).id  # type: ignore[arg-type]


def test_hours_per_half_year_against_the_requirement(ws: Workspace) -> None:
    base_refs(ws)  # the site and 김안전 (supervisor)
    worker = _person(ws, "박생산", "production")
    office = _person(ws, "이사무", "office")
    supervisor = _person(ws, "최반장", "supervisor")
    _person(ws, "퇴사자", "production", hired_on=date(2020, 1, 1), left_on=date(2025, 12, 31))
    both = [Attendee(worker), Attendee(office), Attendee(supervisor)]
    h1 = save_training(ws, None, TrainingInput("periodic", "1분기 정기교육", date(2026, 2, 10), 6), both).id
    save_training(
        ws,
        None,
        TrainingInput("periodic", "2분기 정기교육", date(2026, 5, 12), 4),
        [Attendee(worker, hours=3)],
    )
    save_training(ws, None, TrainingInput("periodic", "하반기", date(2026, 8, 1), 8), [Attendee(supervisor)])
    save_training(
        ws, None, TrainingInput("special", "밀폐공간 특별교육", date(2026, 3, 1), 16), [Attendee(worker)]
    )
    rows = {r.name: r for r in education_hours_table(ws, HalfYear(2026, 1), today=date(2026, 6, 30))}
    assert "퇴사자" not in rows
    assert (rows["박생산"].required, rows["박생산"].done, rows["박생산"].shortfall) == (12, 9, 3)
    assert (rows["이사무"].required, rows["이사무"].done, rows["이사무"].shortfall) == (6, 6, 0)
    # supervisors: 16 h per calendar year, counted over the whole year
    sup = rows["최반장"]
    assert (sup.per, sup.required, sup.done, sup.shortfall) == ("year", 16, 14, 2)
    assert sup.window_start == date(2026, 1, 1) and sup.window_end == date(2026, 12, 31)
    # a revision replaces the original: hours are not counted twice
    complete_training(ws, h1)
    revision = records.revise(ws, "trainings", h1, reason="시간 정정").id
    rows = {r.name: r for r in education_hours_table(ws, HalfYear(2026, 1), today=date(2026, 6, 30))}
    assert rows["이사무"].done == 6
    assert len(get_training(ws, revision).attendees) == 3
    with ws.reader() as conn:
        assert verify(conn).ok


def test_pre_2023_rule_is_quarterly(ws: Workspace) -> None:
    base_refs(ws)
    worker = _person(ws, "박생산", "production")
    save_training(ws, None, TrainingInput("periodic", "정기", date(2022, 3, 1), 6), [Attendee(worker)])
    rows = {r.name: r for r in education_hours_table(ws, HalfYear(2022, 1), today=date(2026, 1, 1))}
    assert rows["박생산"].per == "quarter" and rows["박생산"].required == 12 and rows["박생산"].shortfall == 6


def test_training_validation_and_completion(ws: Workspace) -> None:
    refs = base_refs(ws)
    with pytest.raises(ValidationError):
        save_training(ws, None, TrainingInput("periodic", "", date(2026, 3, 1), 2), [])
    with pytest.raises(ValidationError):
        save_training(ws, None, TrainingInput("periodic", "x", date(2026, 3, 1), 0), [])
    with pytest.raises(ValidationError):
        save_training(
            ws, None, TrainingInput("periodic", "x", date(2026, 3, 1), 2), [Attendee(refs["person"], 3)]
        )
    made = save_training(ws, None, TrainingInput("periodic", "x", date(2026, 3, 1), 2), [])
    with pytest.raises(ValidationError):
        complete_training(ws, made.id)
    save_training(
        ws,
        made.id,
        TrainingInput("periodic", "x", date(2026, 3, 1), 2),
        [Attendee(refs["person"], signed=True)],
    )
    complete_training(ws, made.id)
    detail = get_training(ws, made.id)
    assert detail.locked and detail.attendees[0].signed and detail.attendees[0].hours == 2
    page = lists.page(ws, lists.ListQuery("trainings"), 0, 10)
    assert page.rows[0][4] == 1  # attendees column
