"""Emergency manual versions (approve → locked → revise) and drills (plan → run → done)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from safetydesk.core.db.tables import form_answers, form_records
from safetydesk.core.errors import RecordLockedError, ValidationError
from safetydesk.core.queries import lists
from safetydesk.core.queries.emergency import drill_due_status, get_drill, get_manual, latest_manual_id
from safetydesk.core.services.emergency import (
    DrillPlan,
    DrillResult,
    ManualInput,
    RollCallEntry,
    add_drill_action,
    approve_manual,
    finish_drill,
    next_version_label,
    plan_drill,
    revise_manual,
    save_manual,
)
from safetydesk.core.services.incidents import ActionInput
from safetydesk.core.workspace.workspace import Workspace
from tests.factories import base_refs

SECTIONS = {"ga": "작업 중지 후 대피", "na": "119 신고, 응급조치", "da": "전원 차단, 통제선"}


def test_manual_approve_locks_and_revise_makes_next_version(ws: Workspace) -> None:
    made = save_manual(ws, None, ManualInput("비상조치 매뉴얼", "1.0", {"ga": "대피"}))
    with pytest.raises(ValidationError) as err:
        approve_manual(ws, made.id, approved_by="대표이사", approved_on=date(2026, 3, 2))
    assert "나" in err.value.text("ko") and "다" in err.value.text("ko")
    save_manual(ws, made.id, ManualInput("비상조치 매뉴얼", "1.0", SECTIONS))
    approve_manual(ws, made.id, approved_by="대표이사", approved_on=date(2026, 3, 2))
    manual = get_manual(ws, made.id)
    assert manual.locked and manual.approved_by == "대표이사" and manual.sections["na"] == SECTIONS["na"]
    with pytest.raises(RecordLockedError):
        save_manual(ws, made.id, ManualInput("x", "1.0", SECTIONS))
    new = revise_manual(ws, made.id, reason="용접 베이 신설")
    revised = get_manual(ws, new.id)
    assert revised.version_label == "1.1" and not revised.locked and revised.revision_of == made.id
    assert revised.sections == manual.sections and revised.approved_by is None
    assert latest_manual_id(ws) == new.id
    page = lists.page(ws, lists.ListQuery("emergency_manuals"), 0, 10)
    assert len(page.ids) == 2


@pytest.mark.parametrize(
    ("old", "new"), [("1.0", "1.1"), ("v3", "v4"), ("2026-1", "2026-2"), ("초판", "초판.1")]
)
def test_next_version_label(old: str, new: str) -> None:
    assert next_version_label(old) == new


def test_drill_run_records_timings_roll_call_and_a_draft_form(ws: Workspace) -> None:
    refs = base_refs(ws)
    made = plan_drill(
        ws, None, DrillPlan("confined_space_rescue", date(2026, 3, 10), refs["area"], "탱크 내부 질식")
    )
    started = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)
    roll = (RollCallEntry(refs["person"], "김안전", True), RollCallEntry("x", "부재자", False))
    finish_drill(
        ws,
        made.id,
        DrillResult(
            started, 42, 180, 2, 1, observations="송기마스크 1개 불량", roll_call=roll, place="탱크실"
        ),
    )
    drill = get_drill(ws, made.id)
    assert drill.status == "done" and drill.seconds_to_alarm == 42 and drill.headcount_actual == 1
    assert drill.performed_at is not None and drill.form_record_id is not None
    with ws.reader() as conn:
        form = (
            conn.execute(select(form_records).where(form_records.c.id == drill.form_record_id))
            .mappings()
            .one()
        )
        answers = {
            r["question_key"]: r
            for r in conn.execute(
                select(form_answers).where(form_answers.c.record_id == form["id"])
            ).mappings()
        }
    assert form["status"] == "draft" and form["header"]["drill_id"] == made.id
    assert [p["present"] for p in form["header"]["roll_call"]] == [True, False]
    assert answers["participants"]["value_list"] == [refs["person"]]
    assert answers["headcount_complete"]["result"] == "fail"
    assert answers["problems_found"]["value_text"] == "송기마스크 1개 불량"
    with pytest.raises(RecordLockedError):
        finish_drill(ws, made.id, DrillResult(started, 1, 1, 1, 1))
    with pytest.raises(RecordLockedError):
        plan_drill(ws, made.id, DrillPlan("fire", date(2026, 4, 1)))
    action = add_drill_action(ws, made.id, ActionInput("송기마스크 교체", date.today() + timedelta(days=7)))
    assert [a.id for a in get_drill(ws, made.id).actions] == [action.id]


def test_drill_due_from_legal_frequency(ws: Workspace) -> None:
    today = date(2026, 6, 1)
    status = {d.drill_type: d for d in drill_due_status(ws, today)}
    assert status["confined_space_rescue"].overdue and status["confined_space_rescue"].due_on is None
    made = plan_drill(ws, None, DrillPlan("confined_space_rescue", date(2026, 3, 10)))
    finish_drill(ws, made.id, DrillResult(datetime(2026, 3, 10, 3, 0, tzinfo=UTC), 10, 100, 5, 5))
    plan_drill(ws, None, DrillPlan("confined_space_rescue", date(2026, 8, 20)))
    status = {d.drill_type: d for d in drill_due_status(ws, today)}
    cs = status["confined_space_rescue"]
    assert cs.last_done == "2026-03-10" and cs.due_on == "2026-09-10" and not cs.overdue
    assert cs.next_planned == "2026-08-20"
    assert status["fire"].overdue  # never done


def test_negative_counts_refused(ws: Workspace) -> None:
    made = plan_drill(ws, None, DrillPlan("fire", date(2026, 3, 10)))
    with pytest.raises(ValidationError):
        finish_drill(ws, made.id, DrillResult(datetime(2026, 3, 10, tzinfo=UTC), -1, 10, 1, 1))
