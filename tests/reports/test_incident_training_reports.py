"""The incident report (산업재해조사표 layout), the near-miss summary and the training record.

Values checked in the PDFs are read back from the demo workspace; records the demo does not hold (an
incident with nothing but a description, an overdue fatality, a training with an absentee) are made
through the services on a fresh test workspace.
"""

from __future__ import annotations

import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from safetydesk.core.db.tables import (
    corrective_actions,
    incidents,
    people,
    sites,
    training_attendance,
    trainings,
)
from safetydesk.core.i18n import _
from safetydesk.core.labels import label
from safetydesk.core.legaldata import load_legal_data
from safetydesk.core.queries.incidents import Casualties, get_incident
from safetydesk.core.reports import fmt, registry
from safetydesk.core.reports.context import ReportRequest
from safetydesk.core.reports.model import BarChart, Cell, Fields, Report, Table
from safetydesk.core.services import records
from safetydesk.core.services.incidents import IncidentInput, save_incident
from safetydesk.core.services.people import Attendee, TrainingInput, save_training
from safetydesk.core.workspace.workspace import Workspace
from tests.factories import base_refs
from tests.reports import pdfcheck
from tests.reports.conftest import TODAY

LANGS = ("ko", "en")
YEAR_AGO = date(TODAY.year - 1, TODAY.month, TODAY.day)

# The section headings and labels of form 30 as they must print (not read back through the catalogue,
# so a missing translation fails here).
FORM30_LABELS = {
    "ko": (
        "Ⅰ. 사업장 정보",
        "Ⅱ. 재해자 정보",
        "Ⅲ. 재해 발생 개요 및 원인",
        "Ⅳ. 재발방지 계획",
        "산재관리번호",
        "사업자등록번호",
        "근로자 수",
        "체류자격",
        "같은 종류 업무 근속기간",
        "고용형태",
        "근무형태",
        "상해종류 (질병명)",
        "휴업예상일수",
        "발생일시",
        "재해 발생 당시 상황",
        "재해 발생 원인",
        "사업주",
        "근로자대표 (확인)",
        "산업재해조사표",
    ),
    "en": (
        "I. Workplace",
        "II. Injured person",
        "III. Overview and cause",
        "IV. Recurrence-prevention plan",
        "Accident insurance management no.",
        "Business registration no.",
        "Number of workers",
        "Visa status",
        "Years in the same kind of work",
        "Employment type",
        "Work pattern",
        "Injury type (disease)",
        "Expected days off",
        "Date and time of the accident",
        "Situation at the time",
        "Cause of the accident",
        "Employer",
        "Worker representative (confirmation)",
        "Industrial accident investigation report",
    ),
}


def _flat(text: str) -> str:
    return "".join(text.split())


def _raw_text(pdf: Path) -> str:
    """pdftotext in reading order (not ``-layout``): a wrapped label stays in one piece once flattened."""
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def _has(pdf_text: str, value: str) -> bool:
    return _flat(value) in _flat(pdf_text)


def _has_words(pdf_text: str, value: str) -> bool:
    """Every word of ``value`` is printed (a table cell that wraps interleaves with its neighbours)."""
    flat = _flat(pdf_text)
    return all(word in flat for word in value.split())


def _generate(ws: Workspace, name: str, request: ReportRequest, out: Path) -> tuple[Path, str]:
    generated = registry.generate(ws, name, request, out)
    assert generated.pages == pdfcheck.page_count(out)
    return out, _raw_text(out)


def _table_with(report: Report, header: str) -> Table:
    for block in report.blocks:
        if isinstance(block, Table) and any(
            (h.text if isinstance(h, Cell) else h) == header for h in block.headers
        ):
            return block
    raise AssertionError(f"no table with the column {header!r}")


def _field(report: Report, name: str) -> str:
    for block in report.blocks:
        if isinstance(block, Fields):
            for label_text, value in block.items:
                if label_text == name:
                    return value
    raise AssertionError(f"no field {name!r}")


# -- incident report -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lost_time_id(demo: Workspace) -> str:
    with demo.reader() as conn:
        found = conn.execute(
            select(incidents.c.id)
            .where(incidents.c.kind == "lost_time", incidents.c.deleted_at.is_(None))
            .order_by(incidents.c.occurred_at)
        ).first()
    assert found is not None, "the demo has no lost-time injury"
    return str(found[0])


@pytest.mark.parametrize("lang", LANGS)
def test_incident_report_has_the_form30_sections_and_the_record(
    demo: Workspace, lost_time_id: str, lang: str, tmp_path: Path
) -> None:
    pdf, text = _generate(
        demo,
        "incident",
        ReportRequest(record_id=lost_time_id, lang=lang, today=TODAY),
        tmp_path / f"incident_{lang}.pdf",
    )
    assert 1 <= pdfcheck.page_count(pdf) <= 4
    for wanted in FORM30_LABELS[lang]:
        assert _has(text, wanted), f"{lang}: {wanted!r} missing"
    with demo.reader() as conn:
        row = conn.execute(
            select(
                incidents.c.description,
                incidents.c.cause,
                incidents.c.body_part,
                people.c.name,
                people.c.visa_status,
                sites.c.business_reg_no,
            )
            .select_from(
                incidents.join(people, people.c.id == incidents.c.injured_person_id).join(
                    sites, sites.c.id == incidents.c.site_id
                )
            )
            .where(incidents.c.id == lost_time_id)
        ).one()
        action_titles = list(
            conn.execute(
                select(corrective_actions.c.title).where(
                    corrective_actions.c.source_id == lost_time_id, corrective_actions.c.deleted_at.is_(None)
                )
            ).scalars()
        )
    description, cause, body_part, name, visa, brn = row
    for value in (description, cause, body_part, name, brn, *action_titles):
        assert value and _has(text, value), f"{lang}: {value!r} from the record is not printed"
    if visa:
        assert _has(text, visa)
    detail = get_incident(demo, lost_time_id)
    # occurred at, with the weekday, 24 h
    assert _has(text, fmt.moment(detail.occurred_at, with_weekday=True, lang=lang))
    # form 30 is required for a lost-time injury of 3+ days: its due date prints
    assert detail.form30_due is not None
    assert _has(text, detail.form30_due.isoformat())
    # not a serious accident in either law: both classification lines say no
    assert not detail.osh.serious and not detail.sapa.serious
    report = registry.build(demo, "incident", ReportRequest(record_id=lost_time_id, lang=lang, today=TODAY))
    assert _field(report, _("Serious accident (OSH Rule Art. 3)", lang)) == _("No", lang)
    assert _field(report, _("Serious industrial accident (SAPA Art. 2-2)", lang)) == _("No", lang)
    assert report.record == ("incidents", lost_time_id)
    pdfcheck.check_layout(pdf)


def test_incident_with_only_a_description_prints_dashes(ws: Workspace, tmp_path: Path) -> None:
    base_refs(ws)  # a site, so the incident has a workplace
    made = save_incident(
        ws,
        None,
        IncidentInput(
            kind="injury",
            occurred_at=datetime.now(UTC) - timedelta(days=2),
            title="",
            description="연삭기 작업 중 파편이 튀어 팔에 상처",
        ),
    )
    for lang in LANGS:
        pdf, text = _generate(
            ws, "incident", ReportRequest(record_id=made.id, lang=lang), tmp_path / f"e_{lang}.pdf"
        )
        assert _has(text, "연삭기 작업 중 파편이 튀어 팔에 상처")
        report = registry.build(ws, "incident", ReportRequest(record_id=made.id, lang=lang))
        for name in (
            "Name",
            "Nationality",
            "Injury type (disease)",
            "Expected days off",
            "Cause of the accident",
        ):
            assert _field(report, _(name, lang)) == "—", f"{lang}: {name} should print a dash"
        assert _field(report, _("Accident insurance management no.", lang)) == "—"  # the site has none stored
        assert text.count("—") >= 15
        assert _has(text, _("No corrective actions are linked to this incident.", lang))
        assert _has(text, _("DRAFT — this record is not completed and may still change.", lang))
        pdfcheck.check_layout(pdf)


def test_overdue_form30_and_serious_accident_are_flagged(ws: Workspace, tmp_path: Path) -> None:
    refs = base_refs(ws)
    occurred = datetime.now(UTC) - timedelta(days=45)
    fatal = save_incident(
        ws,
        None,
        IncidentInput(
            kind="fatality",
            occurred_at=occurred,
            title="크레인 인양물 낙하",
            description="인양 중 슬링이 끊어져 인양물이 낙하, 하부 작업자 사망",
            area_id=refs["area"],
            injured_person_id=refs["person"],
            died=True,
            days_lost=None,
            casualties=Casualties(deaths=1, injured=3),
        ),
    )
    minor = save_incident(
        ws,
        None,
        IncidentInput(
            kind="injury",
            occurred_at=occurred,
            title="",
            description="손등 찰과상",
            area_id=refs["area"],
            injured_person_id=refs["person"],
            days_lost=1,
        ),
    )
    report = registry.build(ws, "incident", ReportRequest(record_id=fatal.id, lang="en"))
    form30 = _field(report, "Accident investigation report (form 30)")
    assert form30.startswith("Due by") and form30.endswith("overdue")
    assert _field(report, "Serious accident (OSH Rule Art. 3)") == "Yes — a death"
    assert _field(report, "Serious industrial accident (SAPA Art. 2-2)") == "Yes — a death"
    assert _field(report, "Died") == "Yes"
    pdf, text = _generate(
        ws, "incident", ReportRequest(record_id=fatal.id, lang="ko"), tmp_path / "fatal.pdf"
    )
    assert _has(text, "산업재해조사표 제출 기한이 지났습니다")
    assert _has(text, "중대재해: 작업을 즉시 중지하고")
    assert _has(text, "예 — 사망자 발생")
    assert _has(text, "이 사고의 재해자는 3명(사망 1명)")  # more people hurt than the record names
    assert _has(text, "김안전")  # the injured person from the roster
    pdfcheck.check_layout(pdf)

    calm = registry.build(ws, "incident", ReportRequest(record_id=minor.id, lang="en"))
    assert (
        _field(calm, "Accident investigation report (form 30)") == "Not required (under 3 days off, no death)"
    )
    assert _field(calm, "Serious accident (OSH Rule Art. 3)") == "No"


def test_incident_report_for_a_near_miss_says_no_one_was_hurt(demo: Workspace, tmp_path: Path) -> None:
    with demo.reader() as conn:
        near_miss = conn.execute(
            select(incidents.c.id, incidents.c.description).where(incidents.c.kind == "near_miss").limit(1)
        ).one()
    for lang in LANGS:
        pdf, text = _generate(
            demo,
            "incident",
            ReportRequest(record_id=near_miss[0], lang=lang, today=TODAY),
            tmp_path / f"n{lang}.pdf",
        )
        assert _has(text, _("Near-miss investigation report", lang))
        assert _has(text, _("No one was injured (near miss).", lang))
        assert _has(text, near_miss[1])
        pdfcheck.check_layout(pdf)


@pytest.mark.parametrize("name", ["incident", "training"])
def test_unknown_id_is_refused(demo: Workspace, name: str, tmp_path: Path) -> None:
    with pytest.raises(registry.ReportNotFoundError):
        registry.generate(
            demo, name, ReportRequest(record_id="00000000-0000-0000-0000-000000000000"), tmp_path / "x.pdf"
        )
    assert not (tmp_path / "x.pdf").exists()


# -- near-miss summary ---------------------------------------------------------------------------------


def _near_miss_sql(ws: Workspace, start: date, end: date) -> list[tuple[str, str]]:
    """Near misses of a period by local day, the way the list screen counts them (revisions once)."""
    local_day = func.date(incidents.c.occurred_at, "localtime")
    superseded = select(incidents.c.revision_of).where(incidents.c.revision_of.is_not(None))
    with ws.reader() as conn:
        return [
            (str(r[0]), str(r[1]))
            for r in conn.execute(
                select(incidents.c.id, incidents.c.title).where(
                    incidents.c.kind == "near_miss",
                    incidents.c.deleted_at.is_(None),
                    ~incidents.c.id.in_(superseded),
                    local_day >= start.isoformat(),
                    local_day <= end.isoformat(),
                )
            )
        ]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    "start,end", [(YEAR_AGO, TODAY), (date(TODAY.year, 1, 1), date(TODAY.year, 6, 30))], ids=["year", "h1"]
)
def test_near_miss_summary_counts_and_lists_the_period(
    demo: Workspace, lang: str, start: date, end: date, tmp_path: Path
) -> None:
    expected = _near_miss_sql(demo, start, end)
    assert expected, "the demo has no near misses in this period"
    request = ReportRequest(date_from=start, date_to=end, lang=lang, today=TODAY)
    report = registry.build(demo, "near-misses", request)
    table = _table_with(report, _("What happened", lang))
    assert len(table.rows) == len(expected)
    charts = [b for b in report.blocks if isinstance(b, BarChart)]
    assert len(charts) == 3  # by month, by area, by hazard group
    for chart in charts:
        assert sum(chart.values) == len(expected)
    assert _field(report, _("Near misses", lang)) == str(len(expected))
    # rows with a corrective action past its due date (as of TODAY) are highlighted, the others not
    ids = [i for i, _t in expected]
    with demo.reader() as conn:
        late = set(
            conn.execute(
                select(corrective_actions.c.source_id).where(
                    corrective_actions.c.source_id.in_(ids),
                    corrective_actions.c.deleted_at.is_(None),
                    corrective_actions.c.status.in_(("open", "in_progress")),
                    corrective_actions.c.due_on < TODAY.isoformat(),
                )
            ).scalars()
        )
        order = list(
            conn.execute(
                select(incidents.c.id)
                .where(incidents.c.id.in_(ids))
                .order_by(incidents.c.occurred_at, incidents.c.id)
            ).scalars()
        )
    assert list(table.tones) == ["warn" if i in late else None for i in order]

    pdf, text = _generate(demo, "near-misses", request, tmp_path / f"nm_{lang}.pdf")
    assert _has(text, _("Near-miss summary", lang))
    for header in ("Date", "Area", "What happened", "Hazard group", "Actions raised", "Status"):
        assert _has(text, _(header, lang))
    for _id, title in expected:
        assert _has_words(text, title), title
    if lang == "ko":
        assert (
            _has(text, "아차사고 현황") and _has(text, "월별 아차사고") and _has(text, "위험 유형별 아차사고")
        )
    pdfcheck.check_layout(pdf)


@pytest.mark.parametrize("lang", LANGS)
def test_near_miss_summary_of_an_empty_period_says_so(demo: Workspace, lang: str, tmp_path: Path) -> None:
    request = ReportRequest(date_from=date(2001, 1, 1), date_to=date(2001, 12, 31), lang=lang, today=TODAY)
    pdf, text = _generate(demo, "near-misses", request, tmp_path / f"empty_{lang}.pdf")
    assert pdfcheck.page_count(pdf) == 1
    wanted = (
        "이 기간에 보고된 아차사고가 없습니다."
        if lang == "ko"
        else "No near misses were reported in this period."
    )
    assert _has(text, wanted)
    report = registry.build(demo, "near-misses", request)
    assert not any(isinstance(b, (Table, BarChart)) for b in report.blocks)
    pdfcheck.check_layout(pdf)


# -- training record -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_training(demo: Workspace) -> tuple[str, str, int]:
    """The periodic session with the most attendees: id, held_on and the attendance count in the DB."""
    with demo.reader() as conn:
        row = conn.execute(
            select(trainings.c.id, trainings.c.held_on, func.count(training_attendance.c.id).label("n"))
            .select_from(
                trainings.join(training_attendance, training_attendance.c.training_id == trainings.c.id)
            )
            .where(trainings.c.course == "periodic", trainings.c.deleted_at.is_(None))
            .group_by(trainings.c.id)
            .order_by(func.count(training_attendance.c.id).desc(), trainings.c.id)
            .limit(1)
        ).one()
    return str(row[0]), str(row[1]), int(row[2])


def _attendee_rows(report: Report, lang: str) -> list[tuple[object, ...]]:
    table = _table_with(report, _("Signature", lang))
    return [r for r in table.rows if isinstance(r[0], Cell) and r[0].text.isdigit()]


@pytest.mark.parametrize("lang", LANGS)
def test_training_record_lists_every_attendee(
    demo: Workspace, big_training: tuple[str, str, int], lang: str, tmp_path: Path
) -> None:
    training_id, held_on, count = big_training
    request = ReportRequest(record_id=training_id, lang=lang, today=TODAY)
    report = registry.build(demo, "training", request)
    rows = _attendee_rows(report, lang)
    assert len(rows) == count
    assert all(isinstance(r[-1], str) and not r[-1].strip() for r in rows)  # left empty, signed by hand
    with demo.reader() as conn:
        names = list(
            conn.execute(
                select(people.c.name)
                .select_from(training_attendance.join(people, people.c.id == training_attendance.c.person_id))
                .where(training_attendance.c.training_id == training_id)
            ).scalars()
        )
        title, hours, instructor = conn.execute(
            select(trainings.c.title, trainings.c.hours, trainings.c.instructor).where(
                trainings.c.id == training_id
            )
        ).one()
    pdf, text = _generate(demo, "training", request, tmp_path / f"training_{lang}.pdf")
    assert pdfcheck.page_count(pdf) >= 1
    for value in (title, instructor, held_on, label("periodic", lang), *names):
        assert _has(text, value), f"{lang}: {value!r} missing"
    # the legal category and the hours 별표4 requires, as in force on the day
    rule = load_legal_data().education_hours("periodic", "other", date.fromisoformat(held_on))
    assert _has(text, rule.label_ko if lang == "ko" else rule.label_en)
    assert _has(text, f"{rule.hours}")
    assert _field(report, _("On the list", lang)) == str(count)
    assert _field(report, _("Person-hours", lang)) == fmt.number(hours * count, "h")
    wanted = (
        ("안전보건교육 실시 기록", "참석 현황", "서명", "부서 / 협력업체")
        if lang == "ko"
        else (
            "Safety and health education record",
            "Attendance",
            "Signature",
            "Department / contractor",
        )
    )
    for w in wanted:
        assert _has(text, w)
    pdfcheck.check_layout(pdf)


def test_training_absentees_are_marked(ws: Workspace, tmp_path: Path) -> None:
    refs = base_refs(ws)
    others = [
        records.create(
            ws,
            "people",
            {
                "site_id": refs["site"],
                "name": name,
                "kind": "contractor_worker" if contractor else "worker",
                "job_type": "day" if contractor else "production",
                "department": None if contractor else "프레스반",
                "contractor_id": refs["contractor"] if contractor else None,
                "roles": [],
            },
        ).id
        for name, contractor in (("박결석", False), ("이부분", True))
    ]
    made = save_training(
        ws,
        None,
        TrainingInput(
            course="special", title="밀폐공간 특별교육", held_on=date(2026, 3, 2), hours=4.0, content=None
        ),
        [Attendee(refs["person"], 4.0, True), Attendee(others[0], 0.0), Attendee(others[1], 2.0)],
    )
    report = registry.build(ws, "training", ReportRequest(record_id=made.id, lang="en"))
    table = _table_with(report, "Signature")
    rows = _attendee_rows(report, "en")
    assert len(rows) == 3
    by_name = {str(r[1]): i for i, r in enumerate(table.rows) if r in rows}
    assert table.tones[by_name["박결석"]] == "warn"
    assert table.tones[by_name["김안전"]] is None and table.tones[by_name["이부분"]] is None
    assert _field(report, "Did not attend") == "1"
    assert _field(report, "Attended") == "2"
    assert _field(report, "Person-hours") == "6 h"
    # special education for a day labourer and for other workers: both 별표4 rows
    legal = _field(report, "Legal category and required hours")
    assert "Special education — day labourers" in legal and "Special education — all other workers" in legal
    assert _field(report, "Place of training") == "—"
    pdf, text = _generate(
        ws, "training", ReportRequest(record_id=made.id, lang="ko"), tmp_path / "absent.pdf"
    )
    assert _has(text, "박결석") and _has(text, "부산도장(주)") and _has(text, "아니오")
    assert _has(text, "이번 교육은")  # 4 h of the 16 h special education
    pdfcheck.check_layout(pdf)
