"""The emergency manual (SAPA Decree Art. 4-8) and the drill record, printed from the demo workspace."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from safetydesk.core.db.tables import (
    compliance_checks,
    corrective_actions,
    drills,
    emergency_manuals,
    form_answers,
    people,
)
from safetydesk.core.reports import registry
from safetydesk.core.reports.context import ReportRequest
from safetydesk.core.reports.model import Table
from safetydesk.core.services.emergency import (
    DrillPlan,
    DrillResult,
    ManualInput,
    RollCallEntry,
    finish_drill,
    plan_drill,
    save_manual,
)
from safetydesk.core.workspace.workspace import Workspace, open_workspace
from tests.reports import pdfcheck
from tests.reports.conftest import TODAY

PARTS = {
    "ko": (
        "가. 작업 중지, 근로자 대피, 위험요인 제거 등 대응조치",
        "나. 중대산업재해를 입은 사람에 대한 구호조치",
        "다. 추가 피해방지를 위한 조치",
    ),
    "en": (
        "가. Stopping work, evacuating workers, removing the hazard and other response measures",
        "나. Rescue and first aid for people injured in a serious industrial accident",
        "다. Measures to prevent further damage",
    ),
}


def _flat(text: str) -> str:
    return " ".join(text.split())


def _mmss(seconds: int) -> str:
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def _generate(ws: Workspace, kind: str, record_id: str, lang: str, out: Path) -> tuple[str, int]:
    generated = registry.generate(ws, kind, ReportRequest(record_id=record_id, lang=lang, today=TODAY), out)
    return _flat(pdfcheck.text(out)), generated.pages


@pytest.fixture(scope="module")
def scratch(demo_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """A writable copy of the demo workspace, for records the demo does not hold."""
    target = tmp_path_factory.mktemp("emergency") / "ws"
    shutil.copytree(demo_path, target, ignore=shutil.ignore_patterns("safetydesk.lock", "backups"))
    ws = open_workspace(target, create=False)
    try:
        yield ws
    finally:
        ws.close()


# -- the manual ---------------------------------------------------------------------------------------


def _manual(ws: Workspace) -> Any:
    with ws.reader() as conn:
        return (
            conn.execute(
                select(emergency_manuals)
                .where(emergency_manuals.c.deleted_at.is_(None), emergency_manuals.c.locked_at.is_not(None))
                .order_by(emergency_manuals.c.revision_no.desc())
                .limit(1)
            )
            .mappings()
            .one()
        )


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_manual_prints_the_three_decree_parts_and_the_stored_text(
    demo: Workspace, tmp_path: Path, lang: str
) -> None:
    manual = _manual(demo)
    out = tmp_path / "manual.pdf"
    flat, pages = _generate(demo, "emergency-manual", manual["id"], lang, out)
    assert 2 <= pages <= 10
    assert ("중대산업재해 대응 매뉴얼" if lang == "ko" else "Serious-accident emergency manual") in flat
    # the three parts SAPA Decree Art. 4-8 requires, headed in the report's language, in order
    positions = [flat.find(heading) for heading in PARTS[lang]]
    assert all(p >= 0 for p in positions), positions
    assert positions == sorted(positions)
    other = PARTS["en" if lang == "ko" else "ko"]
    assert not any(heading in flat for heading in other)
    # every line of every stored section is printed (the manual text comes from the database)
    sections = manual["sections"]
    for key in ("ga", "na", "da", "contacts", "routes", "equipment"):
        lines = [line for line in str(sections.get(key) or "").splitlines() if line.strip()]
        assert lines, key
        for line in lines:
            assert _flat(line)[:18] in flat, (key, line)
    # the part text follows its own heading: 가's text lies between the 가 and 나 headings
    first_ga_line = _flat(str(sections["ga"]).splitlines()[-1])[:18]
    assert positions[0] < flat.find(first_ga_line) < positions[1]
    assert manual["version_label"] in flat
    assert manual["approved_by"] in flat
    assert str(manual["approved_on"])[:10] in flat
    assert ("시행일" if lang == "ko" else "In force from") in flat


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_manual_shows_the_half_yearly_checks_and_the_emergency_phone_list(
    demo: Workspace, tmp_path: Path, lang: str
) -> None:
    manual = _manual(demo)
    with demo.reader() as conn:
        checks = conn.execute(
            select(compliance_checks.c.period, compliance_checks.c.findings_text).where(
                compliance_checks.c.duty_code == "sapa_4_8", compliance_checks.c.deleted_at.is_(None)
            )
        ).all()
        staff = conn.execute(
            select(people.c.name, people.c.phone, people.c.roles).where(
                people.c.deleted_at.is_(None), people.c.left_on.is_(None)
            )
        ).all()
    assert checks, "the demo has half-yearly checks of the manual"
    out = tmp_path / "manual.pdf"
    flat, _pages = _generate(demo, "emergency-manual", manual["id"], lang, out)
    heading = "매뉴얼 이행 반기 점검" if lang == "ko" else "Half-yearly check of the manual"
    assert heading in flat
    for period, findings_text in checks:
        assert period in flat
        assert _flat(findings_text)[:15] in flat
    first_aiders = [(n, p) for n, p, roles in staff if "first_aider" in (roles or ()) and p]
    assert first_aiders
    for name, phone in first_aiders:
        assert name in flat and phone in flat
    assert ("응급처치 담당자" if lang == "ko" else "First-aider") in flat
    pdfcheck.check_layout(out)


def test_a_draft_manual_with_an_empty_part_is_marked(scratch: Workspace, tmp_path: Path) -> None:
    created = save_manual(
        scratch,
        None,
        ManualInput(
            title="시험용 매뉴얼",
            version_label="9.9",
            sections={"ga": "정지하고 대피한다", "na": "구조한다", "da": ""},
        ),
        actor="test",
    )
    out = tmp_path / "draft.pdf"
    flat, _pages = _generate(scratch, "emergency-manual", created.id, "en", out)
    assert "DRAFT" in flat and "9.9" in flat
    assert "This part is empty" in flat
    # the empty part is still headed, with a dash rather than a hole
    da = flat.find(PARTS["en"][2])
    assert da >= 0 and flat[da + len(PARTS["en"][2]) :].lstrip().startswith("—")
    pdfcheck.check_layout(out)


# -- the drill record ---------------------------------------------------------------------------------


def _drill_with_missing_person(ws: Workspace) -> Any:
    with ws.reader() as conn:
        return (
            conn.execute(
                select(drills)
                .where(
                    drills.c.deleted_at.is_(None),
                    drills.c.status == "done",
                    drills.c.form_record_id.is_not(None),
                    drills.c.headcount_actual < drills.c.headcount_expected,
                )
                .order_by(drills.c.performed_at.desc())
                .limit(1)
            )
            .mappings()
            .one()
        )


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_drill_record_header_timeline_roll_call_and_actions(
    demo: Workspace, tmp_path: Path, lang: str
) -> None:
    drill = _drill_with_missing_person(demo)
    with demo.reader() as conn:
        listed = conn.execute(
            select(form_answers.c.value_list).where(
                form_answers.c.record_id == drill["form_record_id"],
                form_answers.c.question_key == "participants",
            )
        ).scalar_one()
        names = dict(conn.execute(select(people.c.id, people.c.name)).all())
        titles = (
            conn.execute(
                select(corrective_actions.c.title).where(
                    corrective_actions.c.source_id.in_((drill["id"], drill["form_record_id"])),
                    corrective_actions.c.deleted_at.is_(None),
                )
            )
            .scalars()
            .all()
        )
    expected, actual = int(drill["headcount_expected"]), int(drill["headcount_actual"])
    absent = expected - actual
    assert absent > 0 and titles, "the demo drill has a missing person and an action"
    out = tmp_path / "drill.pdf"
    flat, pages = _generate(demo, "drill", drill["id"], lang, out)
    assert 1 <= pages <= 8
    assert ("비상대응 훈련 결과 기록" if lang == "ko" else "Emergency drill record") in flat
    assert ("화재 대피" if lang == "ko" else "Fire evacuation") in flat
    assert _flat(drill["scenario"])[:20] in flat
    # roll call: the totals printed equal the counts in the database
    if lang == "ko":
        assert f"참석 {actual}명 / 불참 {absent}명" in flat
        assert re.search(rf"대상 인원 {expected}\b", flat)
        assert f"{absent}명 미확인" in flat
    else:
        assert f"{actual} present / {absent} absent" in flat
        assert re.search(rf"Expected {expected}\b", flat)
        assert f"{absent} not accounted for" in flat
    assert re.search(rf"\b{len(listed)}\b", flat)
    packed = flat.replace(" ", "")  # pdftotext drops the space in short names such as "레 반 득"
    for value in listed:
        assert names.get(value, value).replace(" ", "") in packed
    # timeline: alarm and the end of the evacuation, as elapsed min:s from the start
    alarm, evacuate = int(drill["seconds_to_alarm"]), int(drill["seconds_to_evacuate"])
    assert _mmss(alarm) in flat and _mmss(alarm + evacuate) in flat
    # corrective actions raised from the drill (on the drill or on its drill-record form)
    for title in titles:
        assert _flat(title)[:20] in flat
    assert _flat(drill["observations"])[:20] in flat
    pdfcheck.check_layout(out)


def test_drill_roll_call_from_the_app_marks_absent_people(scratch: Workspace, tmp_path: Path) -> None:
    with scratch.reader() as conn:
        crew = conn.execute(
            select(people.c.id, people.c.name)
            .where(
                people.c.deleted_at.is_(None), people.c.left_on.is_(None), people.c.contractor_id.is_(None)
            )
            .order_by(people.c.name)
            .limit(4)
        ).all()
    roll = tuple(RollCallEntry(str(p.id), str(p.name), i != 1) for i, p in enumerate(crew))
    absent = [e.name for e in roll if not e.present]
    created = plan_drill(
        scratch, None, DrillPlan("fire", date(2026, 11, 20), scenario="시험 화재", headcount_expected=4)
    )
    finish_drill(
        scratch,
        created.id,
        DrillResult(
            started_at=datetime(2026, 11, 20, 6, 0, tzinfo=UTC),
            seconds_to_alarm=30,
            seconds_to_evacuate=150,
            headcount_expected=len(roll),
            headcount_actual=len(roll) - len(absent),
            observations="시험 관찰",
            roll_call=roll,
        ),
        actor="test",
    )
    request = ReportRequest(record_id=created.id, lang="en", today=TODAY)
    report = registry.build(scratch, "drill", request)
    table = next(b for b in report.blocks if isinstance(b, Table) and "At the assembly point" in b.headers)
    warned = {row[1] for row, tone in zip(table.rows, table.tones, strict=False) if tone == "warn"}
    assert warned == set(absent)
    out = tmp_path / "drill.pdf"
    flat, _pages = _generate(scratch, "drill", created.id, "en", out)
    assert f"{len(roll) - len(absent)} present / {len(absent)} absent" in flat
    assert re.search(rf"{re.escape(absent[0])} .*Absent", flat)
    pdfcheck.check_layout(out)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_planned_drill_prints_dashes_not_holes(demo: Workspace, tmp_path: Path, lang: str) -> None:
    with demo.reader() as conn:
        drill_id = conn.execute(
            select(drills.c.id).where(drills.c.status == "planned", drills.c.deleted_at.is_(None)).limit(1)
        ).scalar_one()
    out = tmp_path / "planned.pdf"
    flat, _pages = _generate(demo, "drill", drill_id, lang, out)
    assert ("계획 — 아직 실시하지 않은 훈련" if lang == "ko" else "PLANNED") in flat
    assert (
        "이 훈련에는 기록된 시간이 없습니다" if lang == "ko" else "No times were recorded for this drill"
    ) in flat
    assert flat.count("—") >= 5
    pdfcheck.check_layout(out)


def test_drill_without_actions_says_so(demo: Workspace, tmp_path: Path) -> None:
    with demo.reader() as conn:
        with_actions = set(
            conn.execute(
                select(corrective_actions.c.source_id).where(corrective_actions.c.source_id.is_not(None))
            )
            .scalars()
            .all()
        )
        rows = conn.execute(
            select(drills.c.id, drills.c.form_record_id).where(drills.c.status == "done")
        ).all()
    quiet = next(r.id for r in rows if r.id not in with_actions and r.form_record_id not in with_actions)
    flat, _pages = _generate(demo, "drill", quiet, "en", tmp_path / "quiet.pdf")
    assert "No corrective actions were raised from this drill." in flat


@pytest.mark.parametrize("kind", ["emergency-manual", "drill"])
def test_unknown_id_is_a_clear_error(demo: Workspace, tmp_path: Path, kind: str) -> None:
    with pytest.raises(registry.ReportNotFoundError):
        registry.generate(demo, kind, ReportRequest(record_id="no-such-id", lang="en"), tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_the_kinds_are_offered_on_their_records() -> None:
    assert "emergency-manual" in [k.name for k in registry.kinds_for("emergency_manuals")]
    assert "drill" in [k.name for k in registry.kinds_for("drills")]
