"""Excel/CSV exchange on real workspaces: round trips, all-or-nothing, the malformed corpus, CP949."""

from __future__ import annotations

import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from safetydesk.core.db.tables import (
    audit_events,
    equipment,
    form_templates,
    people,
    risk_assessments,
    risk_items,
    sync_outbox,
)
from safetydesk.core.domain.risk_assessment import AssessmentHeader, Participant, RiskItemData
from safetydesk.core.errors import NotFoundError
from safetydesk.core.exchange import ImportRejectedError, apply_import, export, import_file, preview_import
from safetydesk.core.exchange.common import Preview
from safetydesk.core.i18n import _
from safetydesk.core.queries.risk import assessment_detail
from safetydesk.core.services.risk import save_assessment
from safetydesk.core.workspace.workspace import Workspace
from tests.core.exchange import corpus
from tests.factories import base_refs

TABLES = (people, equipment, form_templates, risk_assessments, risk_items, audit_events, sync_outbox)


def counts(ws: Workspace) -> dict[str, int]:
    with ws.reader() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in TABLES}


@pytest.fixture
def site_ws(ws: Workspace) -> Workspace:
    base_refs(ws)
    return ws


def rejected(ws: Workspace, preview: Preview) -> ImportRejectedError:
    before = counts(ws)
    with pytest.raises(ImportRejectedError) as info:
        apply_import(ws, preview)
    assert counts(ws) == before
    return info.value


def live_people(ws: Workspace) -> dict[str, dict[str, Any]]:
    with ws.reader() as conn:
        rows = conn.execute(select(people).where(people.c.deleted_at.is_(None))).mappings()
        return {str(r["name"]): dict(r) for r in rows}


# -- workers ------------------------------------------------------------------------------------------


def test_workers_import_dates_in_every_spelling_and_round_trip(site_ws: Workspace, tmp_path: Path) -> None:
    rows = [
        ["사번", "이름", "구분", "직종", "국적", "언어", "입사일", "퇴사일"],
        ["E1", "응우옌 반 안", "근로자", "생산직", "VN", "vi", "2026.3.2", None],
        ["E2", "박용접", "관리감독자", "관리감독자", "KR", "ko", "2026-06-30", "2026-07-01"],
        ["E3", "이반", "Worker", "production", "uz", "ru", 46203, None],  # Excel serial of 2026-06-30
        ["E4", "최신입", "근로자", "생산직", "KR", "ko", datetime(2026, 12, 31), "2027. 1. 1."],
        ["E5", "정야간", "근로자", "생산직", "KR", "ko", "20260101", None],
    ]
    before = counts(site_ws)
    preview, _changes = import_file(site_ws, "workers", corpus.xlsx(tmp_path / "w.xlsx", rows))
    assert preview.ok and (preview.create, preview.update) == (5, 0)
    after = counts(site_ws)
    assert after["people"] == before["people"] + 5
    assert after["audit_events"] == before["audit_events"] + 5
    found = live_people(site_ws)
    assert found["응우옌 반 안"]["hired_on"] == "2026-03-02"
    assert found["응우옌 반 안"]["nationality"] == "VN"
    assert (found["박용접"]["hired_on"], found["박용접"]["left_on"]) == ("2026-06-30", "2026-07-01")
    assert found["박용접"]["kind"] == "supervisor"
    assert found["이반"]["hired_on"] == "2026-06-30" and found["이반"]["nationality"] == "UZ"
    assert (found["최신입"]["hired_on"], found["최신입"]["left_on"]) == ("2026-12-31", "2027-01-01")
    assert found["정야간"]["hired_on"] == "2026-01-01"

    for suffix in ("xlsx", "csv"):
        out = tmp_path / f"roster.{suffix}"
        assert export(site_ws, "workers", out) == len(found)
        again = preview_import(site_ws, "workers", out)
        assert again.ok, [p.text("en") for p in again.problems]
        assert again.create == 0 and again.update == len(found)  # 김안전 has no number: matched by name
        audit = counts(site_ws)["audit_events"]
        apply_import(site_ws, again)
        assert counts(site_ws)["audit_events"] == audit  # nothing differed: no writes, no events
        assert live_people(site_ws) == found


def test_update_by_employee_number_changes_only_the_columns_in_the_file(
    site_ws: Workspace, tmp_path: Path
) -> None:
    import_file(
        site_ws,
        "workers",
        corpus.xlsx(
            tmp_path / "a.xlsx", [["사번", "이름", "부서", "전화"], ["E9", "홍길동", "가공", "010-1"]]
        ),
    )
    preview, _c = import_file(
        site_ws,
        "workers",
        corpus.xlsx(tmp_path / "b.xlsx", [["사번", "이름", "부서"], ["e9", "홍길동", "조립"]]),
    )
    assert (preview.create, preview.update) == (0, 1)
    row = live_people(site_ws)["홍길동"]
    assert (row["department"], row["phone"]) == ("조립", "010-1")


@pytest.mark.parametrize("encoding", ["cp949", "euc-kr", "utf-8", "utf-8-sig"])
def test_korean_windows_csv_imports_korean_names(site_ws: Workspace, tmp_path: Path, encoding: str) -> None:
    text = "사번,이름,부서,입사일\r\nK1,김철수,프레스 가공팀,2026.7.1\r\nK2,이영희,도장,2025-12-31\r\n"
    path = tmp_path / "roster.csv"
    path.write_bytes(text.encode(encoding))
    preview, _c = import_file(site_ws, "workers", path)
    assert preview.create == 2
    found = live_people(site_ws)
    assert found["김철수"]["department"] == "프레스 가공팀"
    assert found["김철수"]["hired_on"] == "2026-07-01"
    assert found["이영희"]["hired_on"] == "2025-12-31"


def test_fifty_thousand_rows_finish_and_one_bad_row_changes_nothing(
    site_ws: Workspace, tmp_path: Path
) -> None:
    rows: list[list[Any]] = [corpus.WORKER_HEADER] + [corpus.worker(n) for n in range(50_000)]
    rows[-1] = corpus.worker(49_999, hired="2026-13-01")
    path = corpus.xlsx(tmp_path / "big.xlsx", rows)
    started = time.perf_counter()
    preview = preview_import(site_ws, "workers", path)
    elapsed = time.perf_counter() - started
    assert preview.rows == 50_000
    assert [(p.row, p.message_id) for p in preview.problems] == [
        (50_001, "'{value}' is not a date (e.g. 2026-03-02 or 2026.3.2).")
    ]
    assert elapsed < 60, elapsed
    rejected(site_ws, preview)


def test_fifty_thousand_row_csv_imports_in_one_transaction(site_ws: Workspace, tmp_path: Path) -> None:
    lines = ["사번,이름,입사일"] + [f"N{n},사람{n},2026.6.30" for n in range(50_000)]
    path = tmp_path / "big.csv"
    path.write_bytes("\n".join(lines).encode("cp949"))
    before = counts(site_ws)
    started = time.perf_counter()
    _preview, _c = import_file(site_ws, "workers", path)
    elapsed = time.perf_counter() - started
    after = counts(site_ws)
    assert after["people"] - before["people"] == 50_000
    assert after["audit_events"] - before["audit_events"] == 50_000
    assert elapsed < 120, elapsed


# -- equipment ----------------------------------------------------------------------------------------


def test_equipment_import_computes_due_dates_and_round_trips(site_ws: Workspace, tmp_path: Path) -> None:
    rows = [
        ["코드", "설비명", "종류", "구역", "설치일", "최근 검사일", "제조사"],
        ["PR-01", "200톤 프레스", "press", "P1", "2024.7.1", "2026-06-30", "화천"],
        ["CR-01", "천장크레인 5t", "crane", None, "2025-12-31", None, None],
        ["CP-01", "공기압축기", "air_compressor", None, None, None, None],
    ]
    preview, _c = import_file(site_ws, "equipment", corpus.xlsx(tmp_path / "e.xlsx", rows))
    assert preview.create == 3
    with site_ws.reader() as conn:
        got = {r["code"]: dict(r) for r in conn.execute(select(equipment)).mappings()}
    assert got["PR-01"]["last_inspected_on"] == "2026-06-30"
    assert (
        got["PR-01"]["next_inspection_due"] is not None and got["PR-01"]["next_inspection_due"] > "2026-06-30"
    )
    assert got["PR-01"]["area_id"] is not None
    assert got["CR-01"]["installed_on"] == "2025-12-31"
    for suffix in ("xlsx", "csv"):
        out = tmp_path / f"plant.{suffix}"
        assert export(site_ws, "equipment", out) == 3
        again = preview_import(site_ws, "equipment", out)
        assert again.ok and (again.create, again.update) == (0, 3)
        apply_import(site_ws, again)
    with site_ws.reader() as conn:
        assert {r["code"]: dict(r) for r in conn.execute(select(equipment)).mappings()} == got


def test_equipment_inspection_before_installation_is_a_row_problem(
    site_ws: Workspace, tmp_path: Path
) -> None:
    rows = [
        ["코드", "설비명", "종류", "설치일", "최근 검사일"],
        ["A", "프레스", "press", "2026-07-01", "2026-06-30"],
    ]
    preview = preview_import(site_ws, "equipment", corpus.xlsx(tmp_path / "e.xlsx", rows))
    assert [(p.row, p.message_id) for p in preview.problems] == [
        (2, "The inspection date {inspected} is before the installation date {installed}.")
    ]
    rejected(site_ws, preview)


# -- templates ----------------------------------------------------------------------------------------


def test_templates_round_trip_and_new_version(site_ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "templates.xlsx"
    shipped = export(site_ws, "templates", out)
    assert shipped > 0
    same = preview_import(site_ws, "templates", out)
    assert same.ok and same.create == 0  # identical templates are left as they are
    book = load_workbook(out)
    sheet = book.active
    assert sheet is not None
    import json

    body = json.loads(str(sheet.cell(2, 6).value))
    body["version"] = int(body["version"]) + 1
    body["title"]["ko"] = "사용자 점검표"
    sheet.cell(2, 6).value = json.dumps(body, ensure_ascii=False)
    sheet.cell(2, 2).value = body["version"]
    book.save(out)
    preview, _c = import_file(site_ws, "templates", out)
    assert preview.create == 1
    with site_ws.reader() as conn:
        origin = conn.execute(
            select(form_templates.c.origin).where(
                form_templates.c.code == body["code"], form_templates.c.version == body["version"]
            )
        ).scalar_one()
    assert origin == "user"
    body["title"]["ko"] = "다시 바꾼 점검표"  # same code and version, different content
    sheet.cell(2, 6).value = json.dumps(body, ensure_ascii=False)
    book.save(out)
    again = preview_import(site_ws, "templates", out)
    assert [p.row for p in again.problems] == [2]
    rejected(site_ws, again)


# -- risk assessment ----------------------------------------------------------------------------------


def _assessment(ws: Workspace, refs: dict[str, str]) -> str:
    header = AssessmentHeader(
        title="프레스 금형 교체",
        assessment_type="adhoc",
        scale_code="kras_5x4",
        scale_version=1,
        assessed_on="2026-06-30",
        site_id=refs["site"],
        area_id=refs["area"],
        trigger="신규 프레스 도입",
        lead_assessor="김안전",
        participants=(Participant("김안전", "supervisor"), Participant("응우옌", "worker")),
        worker_rep_participated=True,
    )
    items = [
        RiskItemData(
            task="금형 교체",
            hazard_class="mechanical",
            situation="상형 낙하 → 손가락 절단",
            legal_basis="안전보건규칙 제104조",
            current_controls="안전블록",
            likelihood=3,
            severity=4,
            reduction_measures="양수조작식 방호장치 설치",
            hierarchy="engineering",
            residual_likelihood=1,
            residual_severity=4,
            planned_on="2026-07-01",
            completed_on="2026-12-31",
            owner_name="박반장",
            remarks="근로자 의견: 블록 추가",
        ),
        RiskItemData(
            task="금형 교체", hazard_class="fall", situation="바닥 기름 → 미끄러짐", likelihood=2, severity=2
        ),
    ]
    return save_assessment(ws, header, items, actor="test").id


def test_risk_assessment_kras_round_trip(ws: Workspace, tmp_path: Path) -> None:
    refs = base_refs(ws)
    original = assessment_detail(ws, _assessment(ws, refs))
    for suffix in ("xlsx", "csv"):
        out = tmp_path / f"kras.{suffix}"
        assert export(ws, "risk-assessment", out, assessment_id=original.id) == 2
        before = counts(ws)
        preview, _c = import_file(ws, "risk-assessment", out)
        assert preview.create == 3
        after = counts(ws)
        assert after["risk_items"] - before["risk_items"] == 2
        assert after["audit_events"] - before["audit_events"] == 3
        with ws.reader() as conn:
            new_id = (
                conn.execute(
                    select(risk_assessments.c.id).order_by(
                        risk_assessments.c.created_at.desc(), risk_assessments.c.id
                    )
                )
                .scalars()
                .all()
            )
        copy = next(
            assessment_detail(ws, i) for i in new_id if i != original.id and assessment_detail(ws, i).items
        )
        h, o = copy.header, original.header
        assert (h.title, h.assessment_type, h.assessed_on, h.area_id, h.trigger, h.lead_assessor) == (
            o.title,
            o.assessment_type,
            o.assessed_on,
            o.area_id,
            o.trigger,
            o.lead_assessor,
        )
        assert h.participants == o.participants and h.worker_rep_participated
        assert (copy.scale.code, copy.scale.version) == ("kras_5x4", 1)
        strip = ("id", "action_id", "action_status", "hazard_group", "model_suggestion")
        assert [{k: v for k, v in vars(i).items() if k not in strip} for i in copy.items] == [
            {k: v for k, v in vars(i).items() if k not in strip} for i in original.items
        ]
        # delete the copy so the next round's lookup is unambiguous
        from safetydesk.core.services.risk import delete_assessment

        delete_assessment(ws, copy.id, actor="test")


def test_kras_header_has_the_eleven_columns_and_risk_product(ws: Workspace, tmp_path: Path) -> None:
    from safetydesk.core.i18n import set_language

    set_language("ko")  # the KRAS headers are written in the user's language; this test reads Korean
    refs = base_refs(ws)
    out = tmp_path / "kras.xlsx"
    export(ws, "risk-assessment", out, assessment_id=_assessment(ws, refs))
    sheet = load_workbook(out).active
    assert sheet is not None
    rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    header = next(r for r in rows if r and r[1] == "세부작업내용")
    assert header[1:10] == (
        "세부작업내용",
        "위험분류",
        "위험발생 상황 및 결과",
        "관련근거(법적기준)",
        "현재의 안전보건조치",
        "가능성(빈도)",
        "중대성(강도)",
        "위험성(가능성×중대성)",
        "위험성 감소대책",
    )
    assert {"개선 후 위험성", "개선예정일", "완료일", "담당자"} <= set(header)
    first = rows[rows.index(header) + 1]
    assert first[6:9] == (3, 4, 12)


def test_kras_workbook_with_vertically_merged_tasks(site_ws: Workspace, tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        ["위험성평가표"],
        ["사업장", "동남정밀", None, "평가일", "2026. 7. 1."],
        ["공정(작업)명", "용접"],
        ["평가유형", "정기 평가"],
        ["평가방법·척도", "moel_3x3 v1"],
        [],
        [None, "유해·위험요인 파악", None, None, None, "현재 위험성"],
        [
            "번호",
            "세부 작업내용",
            "위험분류",
            "위험발생 상황 및 결과",
            "관련근거",
            "현재의 안전보건조치",
            "가능성",
            "중대성",
            "위험성",
            "감소대책",
            "담당자",
        ],
        [1, "아크 용접", "전기적 요인", "감전", None, "접지", 2, 3, 6, "자동전격방지기", "박반장"],
        [2, None, "화재·폭발", "불티 → 화재", None, None, 2, 2, None, None, None],
        [3, None, "작업환경 요인", "흄 흡입", None, None, 1, 1, None, None, None],
    ]
    path = corpus.xlsx(tmp_path / "kras_real.xlsx", rows, merges=("B7:E7", "F7:I7", "B9:B11"))
    preview, _c = import_file(site_ws, "risk-assessment", path)
    assert preview.ok and preview.rows == 3
    with site_ws.reader() as conn:
        items = conn.execute(
            select(risk_items.c.task, risk_items.c.hazard_class, risk_items.c.risk_score).order_by(
                risk_items.c.seq
            )
        ).all()
        header = conn.execute(
            select(
                risk_assessments.c.assessed_on,
                risk_assessments.c.assessment_type,
                risk_assessments.c.scale_code,
            )
        ).one()
    assert [tuple(i) for i in items] == [
        ("아크 용접", "electrical", 6),
        ("아크 용접", "fire_explosion", 4),
        ("아크 용접", "environmental", 1),
    ]
    assert tuple(header) == ("2026-07-01", "regular", "moel_3x3")


# -- all or nothing -----------------------------------------------------------------------------------


def test_one_bad_row_among_many_changes_nothing_and_names_every_problem(
    site_ws: Workspace, tmp_path: Path
) -> None:
    rows: list[list[Any]] = [corpus.WORKER_HEADER] + [corpus.worker(n) for n in range(200)]
    rows[50] = corpus.worker(49, name="")  # row 51: empty name
    rows[120] = corpus.worker(119, nat="KOR")  # row 121: three letters
    rows[121] = corpus.worker(120, hired="2026-02-29")  # row 122: not a leap year
    preview = preview_import(site_ws, "workers", corpus.xlsx(tmp_path / "bad.xlsx", rows))
    assert sorted(p.row or 0 for p in preview.problems) == [51, 121, 122]
    error = rejected(site_ws, preview)
    text = error.message("ko")
    assert "51행" in text or "행 51" in text or "51" in text
    assert "아무것도 바뀌지 않았습니다" in text


def test_a_failure_while_writing_rolls_back_every_row(site_ws: Workspace, tmp_path: Path) -> None:
    rows = [corpus.WORKER_HEADER] + [corpus.worker(n) for n in range(10)]
    preview = preview_import(site_ws, "workers", corpus.xlsx(tmp_path / "ok.xlsx", rows))
    assert preview.ok
    preview.payload.append(("no-such-person", {"name": "유령"}))  # the record vanished since the preview
    before = counts(site_ws)
    with pytest.raises(NotFoundError):
        apply_import(site_ws, preview)
    assert counts(site_ws) == before


# -- the malformed corpus -----------------------------------------------------------------------------


def test_malformed_corpus(site_ws: Workspace, tmp_path: Path) -> None:
    cases = corpus.build(tmp_path / "corpus")
    assert len(cases) >= 20
    for name, (kind, path, message) in cases.items():
        before = counts(site_ws)
        preview = preview_import(site_ws, kind, path)
        ids = [p.message_id for p in preview.problems]
        assert message in ids, (name, [p.text("en") for p in preview.problems])
        for p in preview.problems:  # every problem reads in both languages
            assert p.text("ko") and p.text("en")
        with pytest.raises(ImportRejectedError):
            apply_import(site_ws, preview)
        assert counts(site_ws) == before, name


def test_problem_texts_are_korean_in_korean(site_ws: Workspace, tmp_path: Path) -> None:
    cases = corpus.build(tmp_path / "corpus")
    kind, path, _m = cases["formula_without_value"]
    (problem,) = preview_import(site_ws, kind, path).problems
    assert (problem.sheet, problem.row) == ("Sheet", 3)
    assert problem.column == _("Hired on")
    assert "수식" in problem.text("ko")
    assert "formula" in problem.text("en")


def test_excel_dates_and_cached_formula_values_are_read(site_ws: Workspace, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(corpus.WORKER_HEADER)
    sheet.append(corpus.worker(1, hired=date(2026, 12, 31)))
    sheet.append(corpus.worker(2, hired=46022))  # serial for 2025-12-31
    path = tmp_path / "d.xlsx"
    book.save(path)
    _preview, _c = import_file(site_ws, "workers", path)
    found = live_people(site_ws)
    assert found["근로자1"]["hired_on"] == "2026-12-31"
    assert found["근로자2"]["hired_on"] == "2025-12-31"


def test_bulk_imports_keep_the_audit_chain_verifiable(ws: Workspace, tmp_path: Path) -> None:
    from safetydesk.core.audit import chain

    refs = base_refs(ws)
    out = tmp_path / "kras.xlsx"
    export(ws, "risk-assessment", out, assessment_id=_assessment(ws, refs))
    import_file(ws, "risk-assessment", out)
    rows = [corpus.WORKER_HEADER] + [corpus.worker(n) for n in range(300)]
    import_file(ws, "workers", corpus.xlsx(tmp_path / "w.xlsx", rows))
    with ws.reader() as conn:
        report = chain.verify(conn)
        outbox = conn.execute(
            select(func.count()).select_from(sync_outbox).where(sync_outbox.c.entity == "risk_items")
        ).scalar_one()
    assert report.ok, (report.broken_reason, report.tampered[:3])
    assert report.records >= 300
    assert outbox == 4  # two items saved by the service, two imported


def test_every_demo_assessment_exports_and_imports_back(demo_year_path: Path, tmp_path: Path) -> None:
    """Each assessment of the demo year survives export → import into (a copy of) its workspace."""
    import shutil

    from safetydesk.core.workspace.workspace import open_workspace

    copy = tmp_path / "demo"
    shutil.copytree(demo_year_path, copy, ignore=shutil.ignore_patterns("safetydesk.lock*"))
    demo = open_workspace(copy, create=False)
    try:
        with demo.reader() as conn:
            ids = (
                conn.execute(select(risk_assessments.c.id).where(risk_assessments.c.deleted_at.is_(None)))
                .scalars()
                .all()
            )
        details = [assessment_detail(demo, str(i)) for i in ids]
        assert details
        for n, detail in enumerate(details):
            out = tmp_path / f"demo{n}.xlsx"
            export(demo, "risk-assessment", out, assessment_id=detail.id)
            before = counts(demo)
            preview, _c = import_file(demo, "risk-assessment", out)
            assert counts(demo)["risk_items"] - before["risk_items"] == len(detail.items)
            items = preview.payload.items
            assert [(i.task, i.likelihood, i.severity, i.level, i.residual_level) for i in items] == [
                (i.task, i.likelihood, i.severity, i.level, i.residual_level) for i in detail.items
            ]
    finally:
        demo.close()


@pytest.mark.parametrize(
    ("scale", "level", "after"),
    [
        ("three_level", "high", "low"),
        ("checklist", "needs_improvement", "adequate"),
        ("ops", "extra_needed", "keep_current"),
    ],
)
def test_level_methods_round_trip_with_korean_level_names(
    ws: Workspace, tmp_path: Path, scale: str, level: str, after: str
) -> None:
    refs = base_refs(ws)
    header = AssessmentHeader("도장", "initial", scale, 1, "2026-01-01", site_id=refs["site"])
    item = RiskItemData(
        task="분무 도장",
        hazard_class="chemical",
        situation="유기용제 흡입",
        level=level,
        reduction_measures="국소배기",
        residual_level=after,
    )
    original = assessment_detail(ws, save_assessment(ws, header, [item], actor="test").id)
    out = tmp_path / "levels.csv"
    export(ws, "risk-assessment", out, assessment_id=original.id)
    text = out.read_bytes().decode("utf-8-sig")
    assert f"{scale} v1" in text
    preview, _c = import_file(ws, "risk-assessment", out)
    (got,) = preview.payload.items
    assert (got.level, got.residual_level) == (level, after)


def test_text_starting_with_equals_stays_text_and_numbered_blank_rows_are_skipped(
    site_ws: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "eq.csv"
    path.write_text('사번,이름,부서\nQ1,"=HYPERLINK(""x"")",=1+1\n', encoding="utf-8")
    import_file(site_ws, "workers", path)
    out = tmp_path / "out.xlsx"
    export(site_ws, "workers", out)
    sheet = load_workbook(out).active
    assert sheet is not None
    cells = [
        c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")
    ]
    assert cells and all(c.data_type == "s" for c in cells)  # never a formula in Excel
    again = preview_import(site_ws, "workers", out)
    assert again.ok and again.create == 0

    kras = [
        ["공정(작업)명", "도장"],
        ["평가일", "2026-06-30"],
        ["번호", "세부 작업내용", "위험분류", "위험발생 상황 및 결과"],
        [1, "분무 도장", "화학적 요인", "유기용제 흡입"],
        [2, None, None, None],
        [3, None, None, None],
    ]
    preview = preview_import(site_ws, "risk-assessment", corpus.xlsx(tmp_path / "numbered.xlsx", kras))
    assert preview.ok and preview.rows == 1
