"""The corrective action register, one corrective action, and the safety and health policy document."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from safetydesk.core.errors import UserError
from safetydesk.core.reports import registry
from safetydesk.core.reports.context import ReportRequest
from safetydesk.core.reports.model import Cell, Report, Table
from safetydesk.core.services import records
from safetydesk.core.workspace.workspace import Workspace, open_workspace
from tests.reports import pdfcheck
from tests.reports.conftest import TODAY

REGISTER_TITLE = {"ko": "개선조치 대장", "en": "Corrective action register"}
REGISTER_HEADERS = {
    "ko": ("등록일", "출처", "구역", "담당자", "기한", "상태", "완료", "경과일", "지연 일수"),
    "en": ("Raised on", "Source", "Area", "Owner", "Due", "Status", "Completed", "Age", "overdue"),
}
OVERDUE_MARK = {"ko": "기한 경과", "en": "OVERDUE"}
POLICY_TITLE = {"ko": "안전보건 경영방침", "en": "Safety and health policy"}
OBJECTIVES_HEADING = {"ko": "안전보건 목표", "en": "Safety and health objectives"}
DRAFT_LINE = {"ko": "초안 — 미승인", "en": "DRAFT — not approved"}
NO_ACTIONS = {
    "ko": "이 기간과 필터에 해당하는 개선조치가 없습니다.",
    "en": "No corrective actions match this period and these filters.",
}
RAISED_ON = "coalesce(f.found_on, date(a.created_at, 'localtime'))"
FROM_ACTIONS = (
    "FROM corrective_actions a LEFT JOIN findings f ON f.id = a.finding_id WHERE a.deleted_at IS NULL"
)


# -- helpers ------------------------------------------------------------------------------------------


def sql(path: Path, query: str, *params: object) -> list[tuple[Any, ...]]:
    """Ask the demo database directly, without the app's query code."""
    con = sqlite3.connect(f"file:{path / 'safetydesk.db'}?mode=ro", uri=True)
    try:
        return con.execute(query, params).fetchall()
    finally:
        con.close()


def flat(pdf: Path) -> str:
    return " ".join(pdfcheck.text(pdf).split())


def squeezed(text: str) -> str:
    return "".join(text.split())


def register_table(report: Report) -> Table:
    tables = [b for b in report.blocks if isinstance(b, Table)]
    assert len(tables) == 1
    return tables[0]


def cell_text(value: str | Cell) -> str:
    return value.text if isinstance(value, Cell) else value


def request(lang: str = "ko", **kwargs: object) -> ReportRequest:
    return ReportRequest(lang=lang, today=TODAY, **kwargs)  # type: ignore[arg-type]


# -- the register ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_register_rows_match_the_database_for_the_period(
    demo: Workspace, demo_path: Path, tmp_path: Path, lang: str
) -> None:
    start, end = date(2026, 1, 1), date(2026, 6, 30)
    expected = sql(
        demo_path,
        f"SELECT a.title, a.owner_name, a.due_on {FROM_ACTIONS} AND {RAISED_ON} BETWEEN ? AND ? "
        f"ORDER BY {RAISED_ON}, a.due_on",
        start.isoformat(),
        end.isoformat(),
    )
    assert len(expected) > 20  # the demo has a busy half-year to print
    req = request(lang, date_from=start, date_to=end)
    table = register_table(registry.build(demo, "actions", req))
    assert len(table.rows) == len(expected)
    assert sorted(cell_text(r[4]).split("\n")[0] for r in table.rows) == sorted(t for t, _o, _d in expected)

    out = tmp_path / f"actions_{lang}.pdf"
    generated = registry.generate(demo, "actions", req, out)
    text = flat(out)
    assert REGISTER_TITLE[lang] in text
    for header in REGISTER_HEADERS[lang]:
        assert header in text, header
    assert f"{start.isoformat()} – {end.isoformat()}" in text
    # the row number of the last row is printed, and the rows' owners and due dates come from the data
    assert f" {len(expected)} " in text
    for _title, owner, due in expected[:10]:
        assert owner in text and due in text
    width, height = pdfcheck.page_size_pt(out)
    assert width > height  # eleven columns: landscape
    assert 1 <= generated.pages <= len(expected) // 4 + 3
    pdfcheck.check_layout(out)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_status_filter_narrows_the_register(
    demo: Workspace, demo_path: Path, tmp_path: Path, lang: str
) -> None:
    everything = register_table(registry.build(demo, "actions", request(lang)))
    (open_count,) = sql(demo_path, f"SELECT count(*) {FROM_ACTIONS} AND a.status IN ('open', 'in_progress')")[
        0
    ]
    (verified,) = sql(demo_path, f"SELECT count(*) {FROM_ACTIONS} AND a.status = 'verified'")[0]
    assert 0 < open_count < len(everything.rows)

    req = request(lang, filters={"status": "open"})
    narrowed = register_table(registry.build(demo, "actions", req))
    assert len(narrowed.rows) == open_count
    open_words = {"ko": ("미조치", "진행 중"), "en": ("Open", "In progress")}[lang]
    for row in narrowed.rows:
        assert cell_text(row[7]).split("\n")[0] in open_words
        assert cell_text(row[8]) == ""  # none of them is completed

    only_verified = register_table(
        registry.build(demo, "actions", request(lang, filters={"status": "verified"}))
    )
    assert len(only_verified.rows) == verified

    out = tmp_path / f"open_{lang}.pdf"
    registry.generate(demo, "actions", req, out)
    text = flat(out)
    assert {"ko": "미조치(완료 전)", "en": "open (not yet done)"}[lang] in text  # the filter in words
    pdfcheck.check_layout(out)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_overdue_actions_are_marked_with_their_days(
    demo: Workspace, demo_path: Path, tmp_path: Path, lang: str
) -> None:
    overdue = sql(
        demo_path,
        f"SELECT a.title, julianday(?) - julianday(a.due_on) {FROM_ACTIONS} "
        "AND a.status IN ('open', 'in_progress') AND a.due_on < ?",
        TODAY.isoformat(),
        TODAY.isoformat(),
    )
    assert overdue, "the demo must hold at least one overdue action"

    # in the whole register, exactly the overdue rows are red and say so
    table = register_table(registry.build(demo, "actions", request(lang)))
    red = [row for row, tone in zip(table.rows, table.tones, strict=True) if tone == "bad"]
    assert len(red) == len(overdue)
    mark = OVERDUE_MARK[lang] if lang == "en" else "기한 경과"
    for row in red:
        assert mark in cell_text(row[7])
        days = row[10]
        assert isinstance(days, Cell) and days.bold and int(days.text) > 0
    assert sorted(int(cell_text(r[10])) for r in red) == sorted(int(d) for _t, d in overdue)

    out = tmp_path / f"overdue_{lang}.pdf"
    registry.generate(demo, "actions", request(lang, filters={"overdue": "1"}), out)
    text = squeezed(pdfcheck.text(out))
    for title, days in overdue:
        assert squeezed(title)[:8] in text, title
        assert str(int(days)) in text
    if lang == "en":  # "OVERDUE" is printed once per overdue row and nowhere else
        assert text.count("OVERDUE") == len(overdue)
    pdfcheck.check_layout(out)


def test_register_filters_by_area_source_and_owner(demo: Workspace, demo_path: Path) -> None:
    area_id, area_name, area_code = sql(
        demo_path,
        "SELECT ar.id, ar.name, ar.code FROM corrective_actions a JOIN areas ar ON ar.id = a.area_id "
        "GROUP BY ar.id ORDER BY count(*) DESC LIMIT 1",
    )[0]
    (in_area,) = sql(demo_path, f"SELECT count(*) {FROM_ACTIONS} AND a.area_id = ?", area_id)[0]
    for value in (area_name, area_code, area_id):
        table = register_table(registry.build(demo, "actions", request(filters={"area": value})))
        assert len(table.rows) == in_area
    (near_miss,) = sql(demo_path, f"SELECT count(*) {FROM_ACTIONS} AND a.source_kind = 'near_miss'")[0]
    table = register_table(registry.build(demo, "actions", request("en", filters={"source": "near_miss"})))
    assert len(table.rows) == near_miss and all(cell_text(r[2]) == "Near miss" for r in table.rows)
    owner, mine = sql(
        demo_path, f"SELECT a.owner_name, count(*) {FROM_ACTIONS} GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
    )[0]
    table = register_table(registry.build(demo, "actions", request(filters={"owner": owner})))
    assert len(table.rows) == mine and {cell_text(r[5]) for r in table.rows} == {owner}


def test_unknown_filter_is_a_user_error_in_both_languages(demo: Workspace, tmp_path: Path) -> None:
    with pytest.raises(UserError) as caught:
        registry.generate(demo, "actions", request(filters={"colour": "red"}), tmp_path / "x.pdf")
    error = caught.value
    assert "colour" in error.message("en") and "colour" in error.message("ko")
    assert "filter" in error.message("en") and "필터" in error.message("ko")
    for key in ("status", "area", "source", "owner", "overdue"):
        assert key in error.hint("en") and key in error.hint("ko")
    assert error.message("ko") != error.message("en")
    assert not (tmp_path / "x.pdf").exists()
    with pytest.raises(UserError) as bad_value:
        registry.build(demo, "actions", request(filters={"status": "finished"}))
    assert "finished" in bad_value.value.message("ko") and "verified" in bad_value.value.hint("en")
    with pytest.raises(UserError):
        registry.build(demo, "actions", request(filters={"area": "no such area"}))


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_empty_period_prints_the_no_actions_line(demo: Workspace, tmp_path: Path, lang: str) -> None:
    out = tmp_path / f"empty_{lang}.pdf"
    req = request(lang, date_from=date(2030, 1, 1), date_to=date(2030, 12, 31))
    generated = registry.generate(demo, "actions", req, out)
    text = flat(out)
    assert NO_ACTIONS[lang] in text
    assert REGISTER_TITLE[lang] in text
    assert generated.pages == 1
    pdfcheck.check_layout(out)


# -- one action ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_action_report_shows_details_history_and_evidence(
    demo: Workspace, demo_path: Path, tmp_path: Path, lang: str
) -> None:
    action_id, title, owner, due, done, verified_by, photos = sql(
        demo_path,
        "SELECT a.id, a.title, a.owner_name, a.due_on, a.done_on, a.verified_by, count(l.id) "
        "FROM corrective_actions a JOIN attachment_links l ON l.deleted_at IS NULL AND "
        "((l.entity = 'corrective_actions' AND l.record_id = a.id) "
        "OR (l.entity = 'findings' AND l.record_id = a.finding_id)) "
        "WHERE a.status = 'verified' GROUP BY a.id ORDER BY count(l.id) DESC, a.id LIMIT 1",
    )[0]
    assert photos >= 1
    out = tmp_path / f"action_{lang}.pdf"
    generated = registry.generate(demo, "action", request(lang, record_id=action_id), out)
    text = flat(out)
    assert squeezed(title)[:12] in squeezed(text)
    for value in (owner, due, done, verified_by):
        assert value in text
    assert {"ko": "효과 확인 후 종결", "en": "Verified and closed"}[lang] in text  # from the history
    assert {"ko": "증빙 사진", "en": "Evidence photos"}[lang] in text
    assert pdfcheck.image_count(out) >= photos
    assert generated.missing_photos == 0
    assert 1 <= generated.pages <= 4
    pdfcheck.check_layout(out)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_overdue_action_report_says_it_is_overdue(
    demo: Workspace, demo_path: Path, tmp_path: Path, lang: str
) -> None:
    action_id, days = sql(
        demo_path,
        "SELECT id, CAST(julianday(?) - julianday(due_on) AS INTEGER) FROM corrective_actions "
        "WHERE status IN ('open', 'in_progress') AND due_on < ? ORDER BY due_on LIMIT 1",
        TODAY.isoformat(),
        TODAY.isoformat(),
    )[0]
    out = tmp_path / f"late_{lang}.pdf"
    registry.generate(demo, "action", request(lang, record_id=action_id), out)
    text = flat(out)
    expected = {"ko": "기한 경과: 조치 기한", "en": f"OVERDUE: {days} days past"}[lang]
    assert expected in text
    assert str(days) in text
    pdfcheck.check_layout(out)


def test_unknown_action_or_policy_id_is_not_found(demo: Workspace, tmp_path: Path) -> None:
    for kind in ("action", "policy"):
        with pytest.raises(registry.ReportNotFoundError):
            registry.generate(demo, kind, request(record_id="no-such-id"), tmp_path / f"{kind}.pdf")
    with pytest.raises(UserError):  # a record report without --id
        registry.generate(demo, "policy", request(), tmp_path / "none.pdf")


# -- the policy --------------------------------------------------------------------------------------------


def current_policy(path: Path) -> tuple[str, str, str, str, str]:
    return sql(
        path,
        "SELECT id, title, body, version_label, approved_by FROM policies WHERE deleted_at IS NULL "
        "AND status = 'completed' ORDER BY created_at DESC, revision_no DESC LIMIT 1",
    )[0]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_policy_prints_the_statement_approval_and_objectives(
    demo: Workspace, demo_path: Path, tmp_path: Path, lang: str
) -> None:
    policy_id, title, body, version, approved_by = current_policy(demo_path)
    objectives = sql(
        demo_path,
        "SELECT title, target, kpi FROM objectives WHERE deleted_at IS NULL AND year = ?",
        TODAY.year,
    )
    assert objectives
    (representative,) = sql(demo_path, "SELECT value FROM settings WHERE key = 'company.representative'")[0]
    communicated = sql(demo_path, "SELECT communicated_how FROM policies WHERE id = ?", policy_id)[0][0]

    out = tmp_path / f"policy_{lang}.pdf"
    generated = registry.generate(demo, "policy", request(lang, record_id=policy_id), out)
    text = pdfcheck.text(out)
    tight = squeezed(text)
    assert POLICY_TITLE[lang] in text
    assert squeezed(title) in tight
    for line in body.splitlines():  # the statement exactly as stored, line by line
        if line.strip():
            assert squeezed(line) in tight, line
    assert f"v{version}" in text
    assert approved_by in text and json.loads(representative) in text
    assert squeezed(communicated) in tight
    assert f"{OBJECTIVES_HEADING[lang]} {TODAY.year}" in " ".join(text.split())
    for objective, target, kpi in objectives:
        assert squeezed(objective) in tight and squeezed(target) in tight and squeezed(kpi) in tight
    assert DRAFT_LINE[lang] not in text
    assert 1 <= generated.pages <= 3
    pdfcheck.check_layout(out)


def test_superseded_policy_says_so(demo: Workspace, demo_path: Path, tmp_path: Path) -> None:
    old_id, new_version = sql(
        demo_path,
        "SELECT old.id, new.version_label FROM policies new JOIN policies old ON old.id = new.revision_of "
        "WHERE new.status = 'completed' LIMIT 1",
    )[0]
    out = tmp_path / "old_policy.pdf"
    registry.generate(demo, "policy", request("en", record_id=old_id), out)
    assert f"Superseded by v{new_version}" in flat(out)
    pdfcheck.check_layout(out)


@pytest.fixture
def scratch(demo_path: Path, tmp_path: Path) -> Iterator[Workspace]:
    """A writable copy of the demo workspace (the shared one stays read-only)."""
    copy = tmp_path / "scratch"
    shutil.copytree(demo_path, copy, ignore=shutil.ignore_patterns("*.lock", "*.lock.json"))
    ws = open_workspace(copy, create=False)
    try:
        yield ws
    finally:
        ws.close()


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_draft_policy_prints_the_draft_line(scratch: Workspace, tmp_path: Path, lang: str) -> None:
    policy_id = current_policy(scratch.path)[0]
    draft = records.revise(scratch, "policies", policy_id, reason="test", actor="tester")
    records.update(
        scratch, "policies", draft.id, {"body": "초안 문구: 모든 작업자를 보호한다."}, actor="tester"
    )
    out = tmp_path / f"draft_{lang}.pdf"
    registry.generate(scratch, "policy", request(lang, record_id=draft.id), out)
    text = flat(out)
    assert DRAFT_LINE[lang] in text
    assert "초안 문구: 모든 작업자를 보호한다." in text
    assert {"ko": "초안(미승인)", "en": "Draft (not approved)"}[lang] in text
    pdfcheck.check_layout(out)
