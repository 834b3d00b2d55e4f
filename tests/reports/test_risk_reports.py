"""The risk assessment report: the KRAS table from the demo, and the 3-level, checklist and OPS sheets.

The demo holds only KRAS 5×4 assessments, so the other methods are created through the risk service
on a copy of the demo workspace (the shared demo stays read-only).
"""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import func, select

from safetydesk.core.db.tables import areas, risk_items, sites
from safetydesk.core.domain.risk_assessment import AssessmentHeader, Participant, RiskItemData
from safetydesk.core.i18n import _
from safetydesk.core.labels import ASSESSMENT_TYPE_LABELS, HAZARD_CLASS_LABELS, label
from safetydesk.core.queries.risk import assessment_detail, reference, scale_of
from safetydesk.core.reports import registry
from safetydesk.core.reports.context import ReportRequest
from safetydesk.core.reports.kinds.risk import band_tone
from safetydesk.core.services.attachments import link, store_bytes
from safetydesk.core.services.base import transaction
from safetydesk.core.services.risk import complete_assessment, create_action_for_item, save_assessment
from safetydesk.core.workspace.workspace import Workspace, open_workspace
from tests.reports import pdfcheck
from tests.reports.conftest import TODAY

LANGS = ("ko", "en")


def _raw(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    """The text in drawing order: a wrapped table cell keeps its lines together (unlike ``-layout``)."""
    args = ["pdftotext", "-raw", "-enc", "UTF-8"]
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run([*args, str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def _photos_by_page(pdf: Path) -> dict[int, int]:
    """Pages holding the 640×480 test photos (the letterhead's logo and seal are other sizes)."""
    lines = subprocess.run(
        ["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    found: dict[int, int] = {}
    for line in lines.splitlines()[2:]:
        page, _num, kind, width, height = line.split()[:5]
        if kind == "image" and (width, height) == ("640", "480"):
            found[int(page)] = found.get(int(page), 0) + 1
    return found


def _flat(text: str) -> str:
    """pdftotext output without layout spaces and line breaks, for finding wrapped cell text."""
    return "".join(text.split())


def _has(pdf_text: str, value: str) -> bool:
    return _flat(value) in _flat(pdf_text)


def _generate(ws: Workspace, record_id: str, lang: str, out: Path) -> Path:
    done = registry.generate(
        ws, "risk-assessment", ReportRequest(record_id=record_id, lang=lang, today=TODAY), out
    )
    assert done.missing_photos == 0
    assert not done.unprintable, f"characters the font cannot draw: {done.unprintable}"
    return out


def _pick(lang: str, ko: str, en: str) -> str:
    return en if lang == "en" else ko


# -- the demo's KRAS assessment ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kras_id(demo: Workspace) -> str:
    """The demo assessment with the most items, among those with an unacceptable current risk."""
    with demo.reader() as conn:
        row = conn.execute(
            select(risk_items.c.assessment_id, func.count())
            .where(risk_items.c.deleted_at.is_(None))
            .group_by(risk_items.c.assessment_id)
            .having(func.sum(risk_items.c.acceptable == False) > 0)  # noqa: E712
            .order_by(func.count().desc(), risk_items.c.assessment_id)
        ).first()
    assert row is not None, "the demo has no risk assessment with an unacceptable risk"
    return str(row[0])


@pytest.mark.parametrize("lang", LANGS)
def test_kras_table_shows_header_items_and_legend(
    demo: Workspace, kras_id: str, lang: str, tmp_path: Path
) -> None:
    pdf = _generate(demo, kras_id, lang, tmp_path / f"kras_{lang}.pdf")
    detail = assessment_detail(demo, kras_id)
    text = _raw(pdf)
    assert 1 <= pdfcheck.page_count(pdf) <= 6
    width, height = pdfcheck.page_size_pt(pdf)
    assert width > height, "the KRAS table is printed landscape"

    assert _has(text, _("Risk assessment table", lang))
    for column in ("Task detail", "Hazard class", "Legal basis", "Current controls", "Reduction measures"):
        assert _has(text, _(column, lang)), column
    assert _has(text, _("Current risk", lang))
    assert _has(text, _("Hazard identification", lang))
    # header values from the database
    header = detail.header
    assert _has(text, header.title)
    assert _has(text, header.assessed_on)
    assert _has(text, header.lead_assessor)
    assert _has(text, _(ASSESSMENT_TYPE_LABELS[header.assessment_type], lang))
    assert _has(text, _pick(lang, detail.scale.label_ko, detail.scale.label_en))
    assert _has(text, f"{detail.scale.code}v{detail.scale.version}")
    for person in header.participants:
        assert _has(text, person.name), person.name
    # every item's hazard, class and owner
    for item in detail.items:
        assert _has(text, item.situation), item.situation
        assert _has(text, item.task), item.task
        assert _has(text, label(item.hazard_class, lang, HAZARD_CLASS_LABELS))
    # the legend lists every band with its action
    for band in detail.scale.bands:
        assert _has(text, _pick(lang, band.action_ko, band.action_en))
    # signatures: assessor, worker representative, approver
    assert _has(text, _("Assessor", lang))
    assert _has(text, _("Worker representative", lang))
    pdfcheck.check_layout(pdf)


@pytest.mark.parametrize("lang", LANGS)
def test_unacceptable_rows_are_marked_and_counted(
    demo: Workspace, kras_id: str, lang: str, tmp_path: Path
) -> None:
    pdf = _generate(demo, kras_id, lang, tmp_path / f"marks_{lang}.pdf")
    text = _raw(pdf)
    with demo.reader() as conn:
        stored = conn.execute(
            select(risk_items.c.risk_score, risk_items.c.band, risk_items.c.acceptable).where(
                risk_items.c.assessment_id == kras_id, risk_items.c.deleted_at.is_(None)
            )
        ).all()
    scale = assessment_detail(demo, kras_id).scale
    bands = {b.code: b for b in scale.bands}
    bad = [r for r in stored if r.acceptable is False]
    assert bad, "the fixture picked an assessment without unacceptable risks"
    for row in bad:
        band = bands[row.band]
        assert not band.acceptable
        assert band_tone(scale, row.band) in ("bad", "warn")
        # the score and the band label sit together in the risk cell
        assert _has(text, f"{row.risk_score}{_pick(lang, band.label_ko, band.label_en)}"), row
    summary = _(
        "Items: {n} · unacceptable before improvement: {before} · still unacceptable after: {after}", lang
    )
    first = summary.split("{n}")[0]
    assert _has(text, first + str(len(stored)))
    before_part = summary.split("{n}")[1].split("{before}")[0]
    assert _has(text, before_part + str(len(bad)))


def test_band_tone_follows_the_scale_not_a_threshold() -> None:
    kras = scale_of("kras_5x4", 1)
    assert [band_tone(kras, b.code) for b in kras.bands] == [None, None, "warn", "bad", "bad", "bad"]
    three = scale_of("three_level", 1)
    assert [band_tone(three, b.code) for b in three.bands] == [None, "warn", "bad"]
    moel = scale_of("moel_3x3", 1)
    assert [band_tone(moel, b.code) for b in moel.bands] == [None, "bad"]


def test_unknown_id_is_reported(demo: Workspace, tmp_path: Path) -> None:
    with pytest.raises(registry.ReportNotFoundError):
        _generate(demo, "00000000-0000-0000-0000-000000000000", "ko", tmp_path / "none.pdf")
    assert not (tmp_path / "none.pdf").exists()


def test_kind_is_registered_for_assessments() -> None:
    assert [k.name for k in registry.kinds_for("risk_assessments")] == ["risk-assessment"]


# -- the other methods, created through the service ----------------------------------------------------


@dataclass(frozen=True)
class Made:
    ws: Workspace
    three_level: str
    checklist: str
    ops: str
    empty: str


def _photo(colour: tuple[int, int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(buf, "JPEG")
    return buf.getvalue()


def _header(ws: Workspace, title: str, scale_code: str, **kw: Any) -> AssessmentHeader:
    scale = scale_of(scale_code, 1)
    ref = reference(ws, TODAY)
    return AssessmentHeader(
        site_id=ref.site_id,
        area_id=kw.pop("area_id", None),
        title=title,
        assessment_type=kw.pop("assessment_type", "adhoc"),
        scale_code=scale.code,
        scale_version=scale.version,
        assessed_on="2026-10-05",
        trigger=kw.pop("trigger", "신규 설비 도입 전 수시평가"),
        lead_assessor="김안전",
        participants=(
            Participant("김안전", "safety_staff"),
            Participant("이반장", "supervisor"),
            Participant("박근로", "worker"),
            Participant("최대표", "worker_rep"),
        ),
        worker_rep_participated=True,
        discovery_methods=("site_round", "near_miss"),
        **kw,
    )


@pytest.fixture(scope="module")
def made(demo_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Made]:
    path = tmp_path_factory.mktemp("risk_methods") / "ws"
    shutil.copytree(demo_path, path, ignore=shutil.ignore_patterns("*.lock"))
    ws = open_workspace(path, create=False)
    try:
        three = save_assessment(
            ws,
            _header(
                ws, "절곡기 신규 설치 3단계 평가", "three_level", area_id=reference(ws, TODAY).areas[0].id
            ),
            [
                RiskItemData(
                    task="절곡기 금형 교체",
                    hazard_class="mechanical",
                    situation="상부 금형 낙하 → 손가락 협착",
                    legal_basis="안전보건규칙 제104조",
                    current_controls="금형 교체 절차서",
                    level="high",
                    reduction_measures="안전블록 설치 및 사용 의무화",
                    hierarchy="engineering",
                    residual_level="low",
                    planned_on="2026-10-20",
                    completed_on="2026-10-18",
                    owner_name="이반장",
                ),
                RiskItemData(
                    task="절곡 작업(소재 공급)",
                    hazard_class="ergonomic",
                    situation="중량 강판 반복 인력 운반 → 허리 부상",
                    current_controls="2인 1조 운반",
                    level="medium",
                    reduction_measures="진공 리프터 도입",
                    hierarchy="engineering",
                    residual_level="low",
                    planned_on="2026-11-30",
                    owner_name="이반장",
                ),
                RiskItemData(
                    task="절곡기 주변 청소",
                    hazard_class="fall",
                    situation="바닥 기름 → 미끄러져 넘어짐",
                    current_controls="흡착포 비치",
                    level="low",
                    owner_name="박근로",
                    remarks="근로자 제안",
                ),
            ],
        )
        action = create_action_for_item(ws, three.item_ids[1], due_on=date(2026, 11, 30)).id
        complete_assessment(ws, three.id, on=date(2026, 10, 21))
        checklist = save_assessment(
            ws,
            _header(ws, "지게차 운행 체크리스트 평가", "checklist", assessment_type="regular", trigger=""),
            [
                RiskItemData(
                    task="지게차 운행",
                    hazard_class="mechanical",
                    situation="후방 경보장치 및 경광등 작동 여부",
                    legal_basis="안전보건규칙 제179조",
                    current_controls="작업 전 점검표",
                    level="adequate",
                    owner_name="정운전",
                ),
                RiskItemData(
                    task="지게차 운행",
                    hazard_class="mechanical",
                    situation="보행자 통로와 운행 통로의 분리 여부",
                    legal_basis="안전보건규칙 제172조",
                    current_controls="바닥 도색 일부",
                    level="needs_improvement",
                    reduction_measures="안전 펜스로 보행 통로 분리",
                    hierarchy="engineering",
                    planned_on="2026-12-15",
                    owner_name="정운전",
                ),
            ],
        ).id  # left as a draft: the residual is not re-decided yet
        ops = save_assessment(
            ws,
            _header(ws, "크레인 인양 작업 OPS", "ops"),
            [
                RiskItemData(
                    task="천장크레인 코일 인양",
                    hazard_class="mechanical",
                    situation="슬링 벨트 파손으로 코일 낙하 → 하부 작업자 깔림",
                    legal_basis="안전보건규칙 제163조",
                    current_controls="작업 전 슬링 점검, 신호수 배치",
                    level="extra_needed",
                    reduction_measures="인양물 하부 출입 금지 구역 표시, 슬링 교체 주기 지정",
                    hierarchy="administrative",
                    residual_level="keep_current",
                    planned_on="2026-10-25",
                    completed_on="2026-10-24",
                    owner_name="이반장",
                ),
                RiskItemData(
                    task="크레인 일상 점검",
                    hazard_class="electrical",
                    situation="펜던트 스위치 케이블 손상 → 감전",
                    current_controls="절연 펜던트 사용",
                    level="keep_current",
                    owner_name="박근로",
                ),
            ],
        )
        complete_assessment(ws, ops.id, on=date(2026, 10, 26))
        with transaction(ws) as tx:
            for role, colour in (("before", (200, 40, 40)), ("after", (40, 160, 60))):
                sha = store_bytes(tx, _photo(colour), name=f"{role}.jpg")
                link(tx, sha, "risk_items", ops.item_ids[0], role=role, caption="코일 인양 구역")
            sha = store_bytes(tx, _photo((40, 40, 200)), name="safety_block.jpg")
            link(tx, sha, "risk_items", three.item_ids[0], role="after", caption="안전블록 설치")
            # evidence of the corrective action made from item 2 belongs with item 2
            sha = store_bytes(tx, _photo((120, 120, 120)), name="lifter.jpg")
            link(tx, sha, "corrective_actions", action, role="after", caption="진공 리프터")
            # a document is not a photo: it is not printed (nor counted as a missing photo)
            pdf_sha = store_bytes(tx, b"%PDF-1.4 manual", mime="application/pdf", name="manual.pdf")
            link(tx, pdf_sha, "risk_items", ops.item_ids[0], role="photo", caption="크레인 매뉴얼")
        empty = save_assessment(ws, _header(ws, "빈 평가", "moel_3x3"), []).id
        yield Made(ws, three.id, checklist, ops.id, empty)
    finally:
        ws.close()


@pytest.mark.parametrize("lang", LANGS)
def test_three_level_sheet(made: Made, lang: str, tmp_path: Path) -> None:
    pdf = _generate(made.ws, made.three_level, lang, tmp_path / f"three_{lang}.pdf")
    detail = assessment_detail(made.ws, made.three_level)
    text = _raw(pdf)
    width, height = pdfcheck.page_size_pt(pdf)
    assert width > height
    assert _has(text, _("Risk assessment table (three-level method)", lang))
    assert _has(text, _("Current risk level", lang))
    assert not _has(text, _("Likeli-\nhood", lang)), "a level scale has no likelihood column"
    levels = {lv.code: _pick(lang, lv.label_ko, lv.label_en) for lv in detail.scale.levels}
    for item in detail.items:
        assert _has(text, item.situation)
        assert item.level is not None
        assert levels[item.level] in text
    assert _has(text, detail.header.trigger)
    assert _has(text, "2026-10-18")
    with made.ws.reader() as conn:
        site = conn.execute(
            select(sites.c.name, sites.c.name_en).where(sites.c.id == detail.header.site_id)
        ).one()
        area = conn.execute(
            select(areas.c.name, areas.c.name_en).where(areas.c.id == detail.header.area_id)
        ).one()
    assert _has(text, _pick(lang, site.name, site.name_en or site.name))
    assert _has(text, _pick(lang, area.name, area.name_en or area.name))
    # the item's photo is printed after the table, captioned with its row
    assert _has(text, _("Photos", lang))
    assert _has(text, f"1. {detail.items[0].task} · {_('After', lang)} · 안전블록 설치")
    assert _has(text, f"2. {detail.items[1].task} · {_('After', lang)} · 진공 리프터")
    assert sum(_photos_by_page(pdf).values()) == 2
    # item 2 is not done yet: its completion cell shows the state of its corrective action
    assert _has(text, label("open", lang))
    # 중 and 상 are not acceptable on this scale: 2 before improvement, 0 after
    summary = _(
        "Items: {n} · unacceptable before improvement: {before} · still unacceptable after: {after}", lang
    )
    assert _has(text, summary.format(n=3, before=2, after=0))
    pdfcheck.check_layout(pdf)


@pytest.mark.parametrize("lang", LANGS)
def test_checklist_sheet(made: Made, lang: str, tmp_path: Path) -> None:
    pdf = _generate(made.ws, made.checklist, lang, tmp_path / f"check_{lang}.pdf")
    detail = assessment_detail(made.ws, made.checklist)
    text = _raw(pdf)
    assert pdfcheck.page_size_pt(pdf)[0] > pdfcheck.page_size_pt(pdf)[1]
    assert _has(text, _("Risk assessment checklist", lang))
    assert _has(text, _("Check item", lang))
    assert _has(text, _("Checklist result", lang))
    for level in detail.scale.levels:  # one tick column per result (적정 / 보완)
        assert _has(text, _pick(lang, level.label_ko, level.label_en))
    # one mark per check item: ○ where the scale accepts the result, × where it needs improvement
    rationale = _pick(lang, detail.scale.rationale_ko, detail.scale.rationale_en)
    scale = detail.scale
    ok = sum(
        1
        for i in detail.items
        if scale.band_for(next(lv.value for lv in scale.levels if lv.code == i.level)).acceptable
    )
    assert text.count("○") - rationale.count("○") == ok == 1
    assert text.count("×") - rationale.count("×") == len(detail.items) - ok == 1
    for item in detail.items:
        assert _has(text, item.situation)
    assert _has(text, "안전 펜스로 보행 통로 분리")
    # a draft says so, and the not re-decided item still counts as unacceptable
    assert _has(text, _("DRAFT — this record is not completed and may still change.", lang))
    summary = _(
        "Items: {n} · unacceptable before improvement: {before} · still unacceptable after: {after}", lang
    )
    assert _has(text, summary.format(n=2, before=1, after=1))
    pdfcheck.check_layout(pdf)


@pytest.mark.parametrize("lang", LANGS)
def test_ops_sheets_one_page_each_with_photos(made: Made, lang: str, tmp_path: Path) -> None:
    pdf = _generate(made.ws, made.ops, lang, tmp_path / f"ops_{lang}.pdf")
    detail = assessment_detail(made.ws, made.ops)
    pages = pdfcheck.page_count(pdf)
    assert pages == 1 + len(detail.items), "a cover page, then one sheet per hazard"
    width, height = pdfcheck.page_size_pt(pdf)
    assert height > width, "OPS sheets are portrait"
    cover = _raw(pdf, 1)
    assert _has(cover, _("Risk assessment — One Point Sheets", lang))
    assert _has(cover, detail.header.title)
    for number, item in enumerate(detail.items, start=1):
        page = _raw(pdf, number + 1)
        assert _has(page, f"OPS{number}.{item.task}")
        assert _has(page, _("What more is needed?", lang))
        assert _has(page, item.situation)
        assert _has(page, item.owner_name)
        if item.reduction_measures:
            assert _has(page, item.reduction_measures)
        if item.planned_on:
            assert _has(page, item.planned_on)
    # the two photos of the first item print on its sheet
    assert _photos_by_page(pdf) == {2: 2}
    first = _raw(pdf, 2)
    assert _has(first, _("Before", lang)) and _has(first, _("After", lang))
    pdfcheck.check_layout(pdf)


@pytest.mark.parametrize("lang", LANGS)
def test_assessment_without_items_prints_a_clear_line(made: Made, lang: str, tmp_path: Path) -> None:
    pdf = _generate(made.ws, made.empty, lang, tmp_path / f"empty_{lang}.pdf")
    text = _raw(pdf)
    assert _has(text, _("No hazards recorded in this assessment.", lang))
    assert _has(
        text,
        _(
            "Items: {n} · unacceptable before improvement: {before} · still unacceptable after: {after}", lang
        ).format(n=0, before=0, after=0),
    )
    pdfcheck.check_layout(pdf)
