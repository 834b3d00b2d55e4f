"""Near-miss intake, the full incident record with its legal flags, and worker suggestions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from safetydesk.core.audit.chain import verify
from safetydesk.core.errors import RecordLockedError, ValidationError
from safetydesk.core.queries import lists
from safetydesk.core.queries.incidents import Casualties, get_incident, get_suggestion
from safetydesk.core.services.incidents import (
    ActionInput,
    IncidentInput,
    QuickIntake,
    SuggestionInput,
    add_incident_action,
    add_suggestion_action,
    close_incident,
    record_near_miss,
    save_incident,
    save_suggestion,
)
from safetydesk.core.workspace.workspace import Workspace
from tests.factories import base_refs

NOW = datetime.now(UTC).replace(microsecond=0)


def test_quick_near_miss_with_photo(ws: Workspace, tmp_path: Path) -> None:
    refs = base_refs(ws)
    photo = tmp_path / "p.jpg"
    Image.new("RGB", (64, 48), (200, 60, 40)).save(photo, quality=90)
    made = record_near_miss(
        ws,
        QuickIntake(
            "지게차 후진 중 보행자와 근접\n경광등 미작동",
            NOW - timedelta(minutes=5),
            refs["area"],
            photo=photo,
        ),
    )
    detail = get_incident(ws, made.id)
    assert detail.kind == "near_miss" and detail.title == "지게차 후진 중 보행자와 근접"
    assert detail.area_id == refs["area"] and len(detail.photos) == 1
    assert not detail.osh.serious and not detail.sapa.serious and detail.form30_due is None
    page = lists.page(ws, lists.ListQuery("incidents", {"kind": "near_miss", "open": True}), 0, 10)
    assert page.ids == (made.id,)
    with ws.reader() as conn:
        assert verify(conn).ok


def test_quick_intake_refuses_empty_text_and_future_time(ws: Workspace) -> None:
    with pytest.raises(ValidationError):
        record_near_miss(ws, QuickIntake("   ", NOW))
    with pytest.raises(ValidationError):
        record_near_miss(ws, QuickIntake("뭔가", NOW + timedelta(hours=2)))


def _injury(refs: dict[str, str], **kw: object) -> IncidentInput:
    values: dict[str, object] = {
        "kind": "lost_time",
        "occurred_at": NOW - timedelta(days=1),
        "title": "",
        "description": "프레스 금형 교체 중 손가락 끼임",
        "area_id": refs["area"],
        "injured_person_id": refs["person"],
        "days_lost": 5,
        "hazard_group": "caught",
    }
    values.update(kw)
    return IncidentInput(**values)  # type: ignore[arg-type]


def test_lost_time_injury_has_form30_deadline_and_flags(ws: Workspace) -> None:
    refs = base_refs(ws)
    made = save_incident(ws, None, _injury(refs))
    detail = get_incident(ws, made.id)
    assert detail.injured_person_name == "김안전"
    assert detail.form30_due is not None
    assert detail.form30_due > detail.occurred_on
    assert not detail.osh.serious
    # two people with 6 months' treatment: serious under both laws
    save_incident(ws, made.id, _injury(refs, casualties=Casualties(injured=2, treatment_6m=2)))
    detail = get_incident(ws, made.id)
    assert detail.osh.serious and detail.sapa.serious and detail.sapa.reasons == ("treatment",)


def test_died_requires_fatality_and_fatality_is_serious(ws: Workspace) -> None:
    refs = base_refs(ws)
    with pytest.raises(ValidationError):
        save_incident(ws, None, _injury(refs, died=True))
    made = save_incident(ws, None, _injury(refs, kind="fatality", days_lost=None))
    detail = get_incident(ws, made.id)
    assert detail.died and detail.osh.reasons == ("death",) and detail.sapa.reasons == ("death",)
    assert detail.form30_due is not None


def test_three_same_disease_cases_in_a_year_are_sapa_serious(ws: Workspace) -> None:
    refs = base_refs(ws)
    ids = [
        save_incident(
            ws,
            None,
            _injury(
                refs, kind="illness", injury_type="소음성 난청", occurred_at=NOW - timedelta(days=100 * i)
            ),
        ).id
        for i in range(3)
    ]
    assert get_incident(ws, ids[0]).sapa.reasons == ("disease",)
    assert not get_incident(ws, ids[1]).sapa.serious  # only two cases up to that one


def test_close_needs_investigation_then_locks(ws: Workspace) -> None:
    refs = base_refs(ws)
    made = save_incident(ws, None, _injury(refs))
    with pytest.raises(ValidationError) as err:
        close_incident(ws, made.id)
    assert "cause" in err.value.text("en")
    save_incident(
        ws, made.id, _injury(refs, cause="양수 조작 미준수", recurrence_plan="광전자식 방호장치 설치")
    )
    close_incident(ws, made.id)
    detail = get_incident(ws, made.id)
    assert detail.locked and detail.status == "completed"
    with pytest.raises(RecordLockedError):
        save_incident(ws, made.id, _injury(refs))
    action = add_incident_action(ws, made.id, ActionInput("방호장치 설치", date.today() + timedelta(days=14)))
    assert [a.id for a in get_incident(ws, made.id).actions] == [action.id]
    page = lists.page(ws, lists.ListQuery("incidents", {"open": False}), 0, 10)
    assert page.ids == (made.id,)


def test_action_due_date_cannot_be_in_the_past(ws: Workspace) -> None:
    made = record_near_miss(ws, QuickIntake("바닥 기름", NOW))
    with pytest.raises(ValidationError):
        add_incident_action(ws, made.id, ActionInput("청소", date.today() - timedelta(days=1)))
    with pytest.raises(ValidationError):
        add_incident_action(ws, made.id, ActionInput("  ", date.today()))


def test_incident_date_filters_use_local_days(ws: Workspace) -> None:
    made = record_near_miss(ws, QuickIntake("a", NOW))
    local_day = NOW.astimezone().date()
    q = lists.ListQuery("incidents", {"from": local_day, "to": local_day})
    assert lists.page(ws, q, 0, 10).ids == (made.id,)
    q = lists.ListQuery("incidents", {"from": local_day + timedelta(days=1)})
    assert lists.page(ws, q, 0, 10).ids == ()


def test_suggestion_answer_and_action(ws: Workspace) -> None:
    refs = base_refs(ws)
    today = date.today()
    made = save_suggestion(
        ws, None, SuggestionInput(today, "box", "통로 조명 개선 요청", area_id=refs["area"])
    )
    with pytest.raises(ValidationError):
        save_suggestion(ws, made.id, SuggestionInput(today, "box", "통로 조명 개선 요청", status="answered"))
    action = add_suggestion_action(ws, made.id, ActionInput("LED 조명 교체", today + timedelta(days=30)))
    detail = get_suggestion(ws, made.id)
    assert detail.status == "in_progress" and detail.action_id == action.id
    assert detail.submitted_by_id is None  # anonymous
    save_suggestion(
        ws,
        made.id,
        SuggestionInput(today, "box", "통로 조명 개선 요청", status="answered", response="교체 예정"),
    )
    detail = get_suggestion(ws, made.id)
    assert detail.responded_on == today.isoformat() and detail.response == "교체 예정"
    row = lists.page(ws, lists.ListQuery("suggestions", {"open": False}), 0, 10)
    assert row.ids == (made.id,) and "anonymous" in row.rows[0]
