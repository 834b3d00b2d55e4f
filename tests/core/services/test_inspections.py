"""Inspections services: start a draft for a machine, store photos and signatures, plan and complete."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from safetydesk.core.audit.chain import verify
from safetydesk.core.errors import RecordLockedError, ValidationError
from safetydesk.core.queries import lists
from safetydesk.core.queries.inspections import (
    AnswerData,
    GasRowData,
    latest_templates,
    load_form_record,
    new_form_choices,
    template_detail,
)
from safetydesk.core.services import records
from safetydesk.core.services.forms import template_id_by_code
from safetydesk.core.services.images import MAX_PHOTO_BYTES as PHOTO_LIMIT
from safetydesk.core.services.inspections import (
    complete_record,
    plan_completion,
    revise_record,
    save_draft,
    save_template,
    start_record,
    store_photo,
    store_signature,
    user_copy,
)
from safetydesk.core.workspace.workspace import Workspace
from tests.factories import base_refs

PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)


def _press(ws: Workspace) -> tuple[str, str, dict[str, str]]:
    refs = base_refs(ws)
    machine = records.create(
        ws,
        "equipment",
        {
            "site_id": refs["site"],
            "area_id": refs["area"],
            "code": "PR-01",
            "name": "200톤 프레스",
            "kind": "press",
        },
    ).id
    return template_id_by_code(ws, "prework.press"), machine, refs


def _passing(ws: Workspace, record_id: str, signature: str) -> dict[str, AnswerData]:
    view = load_form_record(ws, record_id)
    out: dict[str, AnswerData] = {}
    for _s, q in view.template.questions():
        if q.type == "yes_no_na":
            out[q.key] = AnswerData(result="pass")
        elif q.type == "datetime":
            out[q.key] = AnswerData(text="2026-03-02T08:00")
        elif q.type == "person":
            out[q.key] = AnswerData(text="김반장")
        elif q.type == "signature":
            out[q.key] = AnswerData(attachments=(signature,))
    return out


def test_start_record_takes_site_and_area_from_the_machine(ws: Workspace) -> None:
    template, machine, refs = _press(ws)
    record = start_record(
        ws, template, performed_on="2026-03-02", equipment_id=machine, performed_by_name="김안전"
    )
    view = load_form_record(ws, record.id)
    assert view.area_name == "프레스 라인" and view.equipment_label == "PR-01 200톤 프레스"
    assert view.performed_by_name == "김안전" and view.status == "draft" and not view.locked
    assert view.template.code == "prework.press"
    row = records.get(ws, "form_records", record.id)
    assert row["site_id"] == refs["site"] and row["performed_by_id"] == refs["person"]


def test_prework_check_needs_matching_equipment(ws: Workspace) -> None:
    template, _machine, refs = _press(ws)
    with pytest.raises(ValidationError):
        start_record(ws, template, performed_on="2026-03-02", area_id=refs["area"])
    crane = records.create(
        ws,
        "equipment",
        {"site_id": refs["site"], "code": "CR-1", "name": "천장크레인", "kind": "overhead_crane"},
    ).id
    with pytest.raises(ValidationError) as err:
        start_record(ws, template, performed_on="2026-03-02", equipment_id=crane)
    assert "overhead_crane" in err.value.text("en")


def test_photo_limit_and_type_are_checked(ws: Workspace, tmp_path: Path) -> None:
    photo = tmp_path / "brake.png"
    photo.write_bytes(PNG_1PX)
    stored = store_photo(ws, photo)
    assert ws.attachments.read_bytes(stored.sha256) == PNG_1PX and stored.name == "brake.png"
    huge = tmp_path / "huge.jpg"
    with huge.open("wb") as fh:
        fh.write(b"\xff\xd8\xff")
        fh.truncate(PHOTO_LIMIT + 1)
    with pytest.raises(ValidationError) as err:
        store_photo(ws, huge)
    assert "40 MB" in err.value.text("en") and "40 MB" in err.value.text("ko")
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    with pytest.raises(ValidationError):
        store_photo(ws, text)


def test_plan_save_complete_and_revise(ws: Workspace, tmp_path: Path) -> None:
    template, machine, _refs = _press(ws)
    record = start_record(ws, template, performed_on="2026-03-02", equipment_id=machine).id
    signature = store_signature(ws, PNG_1PX)
    answers = _passing(ws, record, signature)
    answers["clutch_brake"] = AnswerData(result="fail", note="브레이크 지연")
    view = load_form_record(ws, record)
    plan = plan_completion(view.template, answers, on=date(2026, 3, 2))
    assert not plan.ready and plan.score.photo_required_missing == ("clutch_brake",)
    photo = tmp_path / "brake.png"
    photo.write_bytes(PNG_1PX)
    answers["clutch_brake"] = AnswerData(result="fail", attachments=(store_photo(ws, photo).sha256,))
    plan = plan_completion(view.template, answers, on=date(2026, 3, 2))
    assert plan.ready and [p.question_key for p in plan.planned] == ["clutch_brake"]
    assert plan.planned[0].severity == "high" and plan.planned[0].due_on == "2026-03-09"
    save_draft(ws, record, answers, header={"weather": "맑음"})
    reopened = load_form_record(ws, record)
    assert reopened.answers["clutch_brake"].result == "fail" and reopened.header == {"weather": "맑음"}
    done = complete_record(ws, record, answers, owner_name=" 정비팀 박정비 ", on=date(2026, 3, 2))
    assert len(done.finding_ids) == 1 and len(done.action_ids) == 1
    finished = load_form_record(ws, record)
    assert finished.locked and finished.status == "completed" and finished.failed_count == 1
    (finding,) = finished.findings
    assert finding.question_key == "clutch_brake" and finding.owner_name == "정비팀 박정비"
    assert finding.due_on == "2026-03-09" and finding.action_id == done.action_ids[0]
    with pytest.raises(RecordLockedError):
        save_draft(ws, record, answers)
    with pytest.raises(ValidationError):
        revise_record(ws, record, "  ")
    revision = revise_record(ws, record, "점검자 서명 누락 보완").id
    assert load_form_record(ws, record).revisions == (revision,)
    copy = load_form_record(ws, revision)
    assert copy.revision_of == record and copy.answers["clutch_brake"].result == "fail" and not copy.locked
    with ws.reader() as conn:
        assert verify(conn).ok


def test_gas_readings_are_saved_and_scored(ws: Workspace) -> None:
    template = template_id_by_code(ws, "permit.confined_space")
    record = start_record(ws, template, performed_on="2026-03-02").id
    low_oxygen = GasRowData(
        measured_at="2026-03-02T00:10:00.000000Z",
        location="맨홀 입구",
        values=(("o2", 17.5), ("h2s", 0.0), ("co", 3.0), ("lel", 0.0)),
    )
    view = load_form_record(ws, record)
    plan = plan_completion(view.template, {}, [low_oxygen])
    gas_key = next(q.key for _s, q in view.template.questions() if q.type == "gas_readings")
    assert gas_key in plan.score.failed_keys
    save_draft(ws, record, {}, [low_oxygen])
    stored = load_form_record(ws, record).gas
    assert len(stored) == 1 and stored[0].value("o2") == 17.5 and stored[0].location == "맨홀 입구"


def test_templates_copy_and_versions(ws: Workspace) -> None:
    press = template_id_by_code(ws, "prework.press")
    body = user_copy(ws, press)
    assert body["code"] == "user.prework.press" and body["version"] == 1
    body["title"] = {"ko": "우리 프레스 점검표", "en": "Our press check"}
    first = save_template(ws, body, copied_from=press)
    assert template_detail(ws, first.id).origin == "user"
    again = user_copy(ws, first.id)
    assert again["code"] == "user.prework.press" and again["version"] == 2
    second = save_template(ws, body, copied_from=first.id)
    assert template_detail(ws, second.id).version == 2
    newest = {t.code: t for t in latest_templates(ws)}
    assert newest["user.prework.press"].id == second.id
    assert newest["user.prework.press"].equipment_kinds == ("press", "shear")
    with pytest.raises(ValidationError) as err:
        save_template(ws, {**body, "code": "prework.press"})
    assert "user.prework.press" in err.value.text("en")
    assert len(new_form_choices(ws).templates) == len(newest)


def test_lists_filter_records_and_templates(ws: Workspace) -> None:
    template, machine, refs = _press(ws)
    start_record(ws, template, performed_on="2026-03-02", equipment_id=machine)
    start_record(ws, template_id_by_code(ws, "tbm.minutes"), performed_on="2026-02-01", area_id=refs["area"])
    query = lists.ListQuery("form_records")
    assert lists.count(ws, query) == 2
    assert lists.count(ws, lists.ListQuery("form_records", {"kind": "tbm"})) == 1
    assert lists.count(ws, lists.ListQuery("form_records", {"date_from": "2026-03-01"})) == 1
    assert lists.count(ws, lists.ListQuery("form_records", {"date_to": "2026-02-28", "status": "draft"})) == 1
    assert lists.count(ws, lists.ListQuery("form_records", search="PR-01")) == 1
    first = lists.page(ws, query, 0, 10)
    assert first.rows[0][0] == "2026-03-02"
    shipped = lists.count(ws, lists.ListQuery("form_templates", {"origin": "shipped"}))
    assert shipped == lists.count(ws, lists.ListQuery("form_templates", {"latest": True})) >= 10
