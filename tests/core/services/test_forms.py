"""Form records: fill, save a draft, complete and lock; failed items open findings and actions."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from safetydesk.core.audit.chain import verify
from safetydesk.core.db.tables import corrective_actions, findings, form_answers, form_templates
from safetydesk.core.errors import RecordLockedError, ValidationError
from safetydesk.core.services import attachments
from safetydesk.core.services.base import transaction
from safetydesk.core.services.forms import (
    Answer,
    BulkForm,
    bulk_import_completed,
    complete_form,
    install_shipped_templates,
    load_template,
    save_answers,
    start_form,
    template_id_by_code,
)
from safetydesk.core.workspace.workspace import Workspace
from tests.factories import base_refs, full_answers


def _press(ws: Workspace) -> tuple[str, list[str], dict[str, Answer]]:
    tid = template_id_by_code(ws, "prework.press")
    with ws.reader() as conn:
        template = load_template(conn, tid)
    keys = [q.key for _s, q in template.questions() if q.type == "yes_no_na" and q.required]
    return tid, keys, full_answers(template)


def test_shipped_templates_installed_once(ws: Workspace) -> None:
    with ws.reader() as conn:
        n = conn.execute(select(func.count()).select_from(form_templates)).scalar_one()
    assert n >= 10
    assert install_shipped_templates(ws).items == ()


def test_complete_with_failed_item_creates_finding_and_action(ws: Workspace) -> None:
    refs = base_refs(ws)
    tid, keys, answers = _press(ws)
    form = start_form(ws, tid, performed_on="2026-03-02", area_id=refs["area"], performed_by_name="김반장").id
    with transaction(ws) as tx:
        photo = attachments.store_bytes(tx, b"\xff\xd8fake-jpeg")
    answers[keys[0]] = Answer(result="fail", note="브레이크 지연", attachments=(photo,))
    save_answers(ws, form, answers)
    done = complete_form(ws, form, on=date(2026, 3, 2))
    assert done.score.failed == 1 and done.score.passed >= len(keys) - 1
    assert len(done.finding_ids) == 1 and len(done.action_ids) == 1
    with ws.reader() as conn:
        action = (
            conn.execute(select(corrective_actions).where(corrective_actions.c.id == done.action_ids[0]))
            .mappings()
            .one()
        )
        finding = conn.execute(select(findings).where(findings.c.id == done.finding_ids[0])).mappings().one()
        assert verify(conn).ok
    assert action["finding_id"] == finding["id"] and action["status"] == "open"
    assert action["due_on"] > "2026-03-02"
    assert finding["area_id"] == refs["area"]
    with pytest.raises(RecordLockedError):
        save_answers(ws, form, answers)


def test_failed_item_without_required_photo_blocks_completion(ws: Workspace) -> None:
    tid, keys, answers = _press(ws)
    form = start_form(ws, tid, performed_on="2026-03-02").id
    answers[keys[0]] = Answer(result="fail")
    save_answers(ws, form, answers)
    with pytest.raises(ValidationError) as err:
        complete_form(ws, form)
    assert keys[0] in err.value.text("en") and "사진" in err.value.text("ko")


def test_unanswered_required_question_blocks_completion(ws: Workspace) -> None:
    tid, keys, _answers = _press(ws)
    form = start_form(ws, tid, performed_on="2026-03-02").id
    save_answers(ws, form, {keys[0]: Answer(result="pass")})
    with pytest.raises(ValidationError) as err:
        complete_form(ws, form)
    assert keys[1] in err.value.text("en")


def test_unknown_question_is_refused(ws: Workspace) -> None:
    tid, _keys, _answers = _press(ws)
    form = start_form(ws, tid, performed_on="2026-03-02").id
    with pytest.raises(ValidationError):
        save_answers(ws, form, {"no_such_question": Answer(result="pass")})


def test_bulk_import_is_verifiable_and_tamper_evident(ws: Workspace) -> None:
    tid, keys, _answers = _press(ws)
    forms = [
        BulkForm(
            tid,
            "prework_check",
            f"2025-01-{d:02d}",
            [{"question_key": k, "result": "pass" if (d + i) % 17 else "fail"} for i, k in enumerate(keys)],
        )
        for d in range(1, 29)
    ]
    written = bulk_import_completed(ws, forms)
    assert written == 28 * len(keys)
    with ws.reader() as conn:
        assert conn.execute(select(func.count()).select_from(form_answers)).scalar_one() == written
        assert verify(conn).ok
    with ws.writer() as conn:
        conn.exec_driver_sql("UPDATE form_answers SET result='pass' WHERE result='fail'")
    with ws.reader() as conn:
        report = verify(conn)
    assert not report.ok and all(e == "form_records" for e, _i, _r in report.tampered)


def test_revision_of_a_completed_form_copies_its_answers(ws: Workspace) -> None:
    from safetydesk.core.services import records

    tid, _keys, answers = _press(ws)
    form = start_form(ws, tid, performed_on="2026-03-02").id
    save_answers(ws, form, answers)
    complete_form(ws, form, on=date(2026, 3, 2))
    revision = records.revise(ws, "form_records", form, reason="점검자 서명 누락")
    with ws.reader() as conn:
        copied = conn.execute(
            select(func.count()).select_from(form_answers).where(form_answers.c.record_id == revision.id)
        ).scalar_one()
        assert verify(conn).ok
    assert copied == len(answers)
    save_answers(ws, revision.id, answers)  # the revision is an editable draft


@pytest.mark.parametrize(("o2", "passes"), [(20.9, True), (17.5, False)])
def test_confined_space_permit_is_judged_on_its_gas_log(ws: Workspace, o2: float, passes: bool) -> None:
    from safetydesk.core.services.forms import GasReading

    tid = template_id_by_code(ws, "permit.confined_space")
    with ws.reader() as conn:
        template = load_template(conn, tid)
    form = start_form(ws, tid, performed_on="2026-03-02").id
    gas = [
        GasReading(
            measured_at="2026-03-02T00:10:00.000000Z",
            location="탱크 맨홀",
            measured_by="이측정",
            o2_pct=o2,
            h2s_ppm=0.0,
            co_ppm=2.0,
            lel_pct=0.0,
        )
    ]
    save_answers(ws, form, full_answers(template), gas=gas)
    done = complete_form(ws, form, on=date(2026, 3, 2))
    gas_key = next(q.key for _s, q in template.questions() if q.type == "gas_readings")
    assert (gas_key in done.score.failed_keys) is (not passes)
    with ws.reader() as conn:
        from safetydesk.core.db.tables import form_records

        keep = conn.execute(
            select(form_records.c.retention_until).where(form_records.c.id == form)
        ).scalar_one()
    assert keep >= "2029-03-02"  # confined-space gas measurements: 3 years (Safety Rules Art. 619-2④)
