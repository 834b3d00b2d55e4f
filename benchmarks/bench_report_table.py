"""Render a ~100-page landscape KRAS risk table, and the same rows with plain ReportLab, and compare.

The rows are synthetic but realistic (Korean or English task, hazard, legal basis, controls and measure
texts of the lengths the demo uses), built into a table by the real builder (``kinds.risk.matrix_table``)
and drawn by ``core.reports.render.render``. The baseline draws the SAME cell texts with
``SimpleDocTemplate`` + ``LongTable`` of ``Paragraph``s in the same font, size, column widths, padding,
grid and row fills, with the same frame size but no letterhead, approval block or footer.

Targets: ≤ 3 s for 100 pages; ≤ 1.5× the plain ReportLab time.
Usage: .venv/bin/python benchmarks/bench_report_table.py [--pages 100] [--repeat 3]
"""

from __future__ import annotations

import argparse
import functools
import io
import random
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, TableStyle

from safetydesk.core.domain.risk import ScaleMethod, evaluate
from safetydesk.core.domain.risk_assessment import AssessmentHeader, Participant, RiskItemData, safe_rate
from safetydesk.core.queries.risk import AssessmentDetail, scale_of
from safetydesk.core.reports.context import Letterhead, ReportOptions, Stamp
from safetydesk.core.reports.kinds.risk import Rated, Sheet, matrix_table
from safetydesk.core.reports.model import Cell, CellValue, Report, Table
from safetydesk.core.reports.render import FONT, FONT_BOLD, FOOTER_H, HEADER_H, MARGIN, register_fonts, render

TASKS = {
    "ko": [
        "프레스 금형 교체·조정",
        "전단기 강판 절단",
        "천장크레인 코일 인양 및 적재",
        "CO2 용접(대형 구조물 하부)",
        "도장 부스 스프레이 도장",
        "저장탱크 내부 청소(밀폐공간)",
        "지게차 자재 운반",
        "CNC 선반 가공품 탈착",
    ],
    "en": [
        "Press die change and adjustment",
        "Shearing steel plate",
        "Overhead crane coil lifting and stacking",
        "CO2 welding under large structures",
        "Spray painting in the paint booth",
        "Cleaning inside the storage tank (confined space)",
        "Moving material by forklift",
        "Loading and unloading parts on the CNC lathe",
    ],
}
SITUATIONS = {
    "ko": [
        "금형 교체 중 슬라이드 불시 하강 → 손·팔 끼임, 절단",
        "슬링 벨트 파손으로 코일 낙하 → 하부 작업자 깔림, 사망 가능",
        "용접 흄·가스 흡입 및 불티 비산 → 호흡기 질환, 주변 가연물 화재",
        "산소 결핍·유해가스 체류 상태에서 진입 → 질식, 구조자 추가 재해",
        "후진 중 보행자 미확인 → 충돌·협착",
    ],
    "en": [
        "Slide drops unexpectedly during the die change → hand or arm caught, amputation",
        "Sling belt breaks and the coil falls → worker below crushed, possibly fatal",
        "Welding fume and gas inhaled, sparks fly → respiratory illness, fire of nearby combustibles",
        "Entry while oxygen is low or toxic gas remains → asphyxiation, rescuer also harmed",
        "Reversing without seeing a pedestrian → collision, caught between",
    ],
}
LEGAL = {
    "ko": [
        "안전보건규칙 제104조(금형조정작업의 위험 방지)",
        "안전보건규칙 제163조(와이어로프 등 달기구의 안전계수)",
        "안전보건규칙 제619조(밀폐공간 작업 프로그램의 수립·시행)",
        "",
    ],
    "en": [
        "Safety Rules Art. 104 (die adjustment work)",
        "Safety Rules Art. 163 (safety factor of lifting gear)",
        "Safety Rules Art. 619 (confined-space work programme)",
        "",
    ],
}
CONTROLS = {
    "ko": [
        "금형 교체 절차서, 전원 차단",
        "작업 전 슬링 점검, 신호수 배치",
        "국소배기장치, 방독마스크 지급",
        "가스 측정기 비치",
    ],
    "en": [
        "Die change procedure, power isolated",
        "Sling check before work, signaller posted",
        "Local exhaust ventilation, gas masks issued",
        "Gas detector on site",
    ],
}
MEASURES = {
    "ko": [
        "안전블록 인터록 설치, 인칭 시 양수조작 적용",
        "인양물 하부 출입 금지 구역 표시, 슬링 교체 주기 지정 및 점검 기록",
        "작업 전 산소·유해가스 농도 측정, 감시인 배치, 송기마스크 비치",
        "현재 안전보건조치 유지, 정기 교육으로 정보 제공",
    ],
    "en": [
        "Interlocked safety blocks; two-hand control when inching",
        "Mark a no-entry zone under the load; set a sling replacement interval and log checks",
        "Measure oxygen and toxic gas before entry; post an attendant; keep air-line respirators ready",
        "Keep current measures; inform through periodic education",
    ],
}
OWNERS = {"ko": ["정종민", "김두식", "이반장", "박근로"], "en": ["J. Jeong", "D. Kim", "S. Lee", "G. Park"]}
REMARKS = {
    "ko": ["", "", "근로자 의견 반영", "외국인 근로자 모국어 교육"],
    "en": ["", "", "Workers' suggestion", "Taught in native languages"],
}


def synthetic_sheet(n: int, lang: str, seed: int = 7) -> Sheet:
    """``n`` KRAS 5×4 items scored by the real scale, wrapped as the builder's input."""
    rng = random.Random(seed)
    scale = scale_of("kras_5x4", 1)
    start = date(2026, 1, 5)
    items: list[RiskItemData] = []
    for i in range(n):
        likelihood, severity = rng.randint(1, 5), rng.randint(1, 4)
        current = evaluate(scale, likelihood=likelihood, severity=severity)
        planned = start + timedelta(days=rng.randint(10, 200))
        fixed = not current.acceptable
        items.append(
            RiskItemData(
                id=f"item-{i}",
                task=rng.choice(TASKS[lang]),
                hazard_class=rng.choice(["mechanical", "electrical", "chemical", "fall", "ergonomic"]),
                situation=rng.choice(SITUATIONS[lang]),
                legal_basis=rng.choice(LEGAL[lang]),
                current_controls=rng.choice(CONTROLS[lang]),
                likelihood=likelihood,
                severity=severity,
                reduction_measures=rng.choice(MEASURES[lang]),
                hierarchy=rng.choice(["engineering", "administrative", "ppe"]) if fixed else None,
                residual_likelihood=1 if fixed else likelihood,
                residual_severity=severity,
                planned_on=planned.isoformat() if fixed else None,
                completed_on=(planned - timedelta(days=3)).isoformat()
                if fixed and rng.random() < 0.6
                else None,
                owner_name=rng.choice(OWNERS[lang]),
                remarks=rng.choice(REMARKS[lang]),
            )
        )
    assert scale.method is ScaleMethod.MATRIX
    detail = AssessmentDetail(
        id="bench",
        header=AssessmentHeader(
            title="벤치마크 공정 위험성평가",
            assessment_type="regular",
            scale_code=scale.code,
            scale_version=scale.version,
            assessed_on=start.isoformat(),
            lead_assessor="윤상철",
            participants=(Participant("윤상철", "safety_staff"), Participant("조진우", "worker_rep")),
        ),
        items=tuple(items),
        scale=scale,
        status="completed",
        locked=True,
        revision_no=1,
        revision_of=None,
        completed_at=None,
        retention_until=None,
    )
    rows = tuple(
        Rated(
            number,
            item,
            safe_rate(scale, item.likelihood, item.severity),
            safe_rate(scale, item.residual_likelihood, item.residual_severity),
        )
        for number, item in enumerate(items, start=1)
    )
    return Sheet(detail, rows, "(주)벤치마크정밀", "프레스 라인", "박건우", {}, lang)


def report_of(table: Table, lang: str) -> Report:
    return Report(
        kind="risk-assessment",
        title="위험성평가표" if lang == "ko" else "Risk assessment table",
        lang=lang,
        blocks=(table,),
        record=("risk_assessments", "bench"),
        subtitle="벤치마크",
        landscape=True,
    )


def framework_render(report: Report) -> int:
    head = Letterhead(
        company="(주)벤치마크정밀",
        address="부산광역시 강서구 녹산산단335로 27",
        business_reg_no="617-81-52794",
        representative="박건우",
        approval_titles=("담당", "검토", "승인"),
    )
    mark = Stamp(code="D86C774665", record_id="bench", printed_at=datetime.now().astimezone(), register=False)
    return render(report, head, mark, ReportOptions(), lambda _sha: None, io.BytesIO())[0]


TONE_FILL = {
    "bad": colors.HexColor("#f8d7da"),
    "warn": colors.HexColor("#fff3cd"),
    "good": colors.HexColor("#e3f1e4"),
    "muted": colors.HexColor("#f1f1f1"),
}
FRAME_PAD = 6  # points: the padding of SimpleDocTemplate's frame
ALIGN = {"left": TA_LEFT, "centre": TA_CENTER, "right": TA_RIGHT}


def plain_render(table: Table) -> int:
    """The same cells with nothing but SimpleDocTemplate + LongTable of Paragraphs."""
    pagesize = landscape(A4)
    frame_w = pagesize[0] - 2 * MARGIN
    styles: dict[tuple[str, bool], ParagraphStyle] = {}

    def para(value: CellValue, header: bool = False) -> Paragraph:
        cell = value if isinstance(value, Cell) else Cell(value)
        align = cell.align or ("centre" if header else "left")
        bold = header or cell.bold
        key = (align, bold)
        if key not in styles:
            styles[key] = ParagraphStyle(
                f"p{len(styles)}",
                fontName=FONT_BOLD if bold else FONT,
                fontSize=table.font_size,
                leading=table.font_size * 1.3,
                alignment=ALIGN[align],
                splitLongWords=True,
            )
        return Paragraph(escape(cell.text).replace("\n", "<br/>"), styles[key])

    widths = table.widths or tuple(1.0 for _ in table.headers)
    col_w = [frame_w * w / sum(widths) for w in widths]
    data: list[list[Any]] = []
    style: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
    ]
    group: list[Any] = []
    col = 0
    for text, span in table.group_header:
        group += [para(text, header=True)] + [""] * (span - 1)
        if span > 1:
            style.append(("SPAN", (col, 0), (col + span - 1, 0)))
        col += span
    data.append(group)
    data.append([para(h, header=True) for h in table.headers])
    for r, row in enumerate(table.rows):
        data.append([para(v) for v in row])
        fill = TONE_FILL.get(table.tones[r] or "") if r < len(table.tones) else None
        if fill is not None:
            style.append(("BACKGROUND", (0, r + 2), (-1, r + 2), fill))
    doc = SimpleDocTemplate(
        io.BytesIO(),
        pagesize=pagesize,
        # SimpleDocTemplate's frame pads 6 pt on every side; take it off the margins so the table gets
        # exactly the framework's frame (the header and footer space stays blank)
        leftMargin=MARGIN - FRAME_PAD,
        rightMargin=MARGIN - FRAME_PAD,
        topMargin=MARGIN + HEADER_H - FRAME_PAD,
        bottomMargin=MARGIN + FOOTER_H - FRAME_PAD,
    )
    flow = LongTable(data, colWidths=col_w, repeatRows=2, splitInRow=1)
    flow.setStyle(TableStyle(style))
    pages = {"n": 0}

    def count(canvas: Any, _doc: Any) -> None:
        pages["n"] = canvas.getPageNumber()

    doc.build([flow], onFirstPage=count, onLaterPages=count)
    return pages["n"]


def timed(fn: Callable[[], int], repeat: int) -> tuple[int, float, float]:
    """Pages, and the best wall-clock and CPU seconds of ``repeat`` runs (CPU time is steadier on a busy machine)."""
    wall: list[float] = []
    cpu: list[float] = []
    pages = 0
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        pages = fn()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return pages, min(wall), min(cpu)


def rows_for(pages: int, lang: str) -> int:
    """Calibrate: how many synthetic rows make ``pages`` pages in this language."""
    probe = 200
    table = matrix_table(synthetic_sheet(probe, lang))
    got = framework_render(report_of(table, lang))
    return max(1, round(probe * pages / got))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    args = parser.parse_args()
    register_fonts()
    for lang in ("ko", "en"):
        n = rows_for(args.pages, lang)
        started = time.perf_counter()
        table = matrix_table(synthetic_sheet(n, lang))
        build_s = time.perf_counter() - started
        report = report_of(table, lang)
        pages, ours, ours_cpu = timed(functools.partial(framework_render, report), args.repeat)
        plain_pages, plain, plain_cpu = timed(functools.partial(plain_render, table), args.repeat)
        print(
            f"[{lang}] {n} rows; builder {build_s:.3f} s\n"
            f"  framework render(): {pages} pages in {ours:.2f} s wall, {ours_cpu:.2f} s CPU"
            f" ({ours / pages * 100:.2f} s wall per 100 pages)\n"
            f"  plain ReportLab:    {plain_pages} pages in {plain:.2f} s wall, {plain_cpu:.2f} s CPU"
            f" ({plain / plain_pages * 100:.2f} s wall per 100 pages)\n"
            f"  ratio {ours / plain:.2f}× wall, {ours_cpu / plain_cpu:.2f}× CPU"
            "  (targets: ≤ 3 s per 100 pages, ratio ≤ 1.5×)"
        )


if __name__ == "__main__":
    main()
