"""The SAPA evidence binder (issue 6): bookmarks per duty, contents, record index, layout, CLI.

Reads the one-year demo (``demo_year_path``, read-only) through the real compliance engine, and a
hand-made ``ComplianceReport`` for the structure at the half-year boundary (30 Jun / 1 Jul).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from safetydesk.cli import main
from safetydesk.core.audit.codes import format_code, record_code
from safetydesk.core.compliance.model import (
    ComplianceReport,
    DutyStatus,
    Evidence,
    Gap,
    HalfYearCheck,
    Obligation,
    Status,
    Text,
)
from safetydesk.core.db.tables import form_records, risk_assessments
from safetydesk.core.domain.legal import HalfYear
from safetydesk.core.errors import UserError
from safetydesk.core.reports import registry
from safetydesk.core.reports.context import ReportOptions, ReportRequest, letterhead, stamp
from safetydesk.core.reports.kinds.binder import (
    binder_report,
    duty_heading,
    engine_compliance,
    evidence_keys,
    half_years,
)
from safetydesk.core.reports.render import render
from safetydesk.core.workspace.workspace import Workspace
from tests.reports import pdfcheck
from tests.reports.conftest import TODAY

FULL_YEAR = (date(2025, 11, 23), TODAY)


@dataclass(frozen=True)
class Outline:
    title: str
    page: int
    children: tuple[Outline, ...]


def outline(pdf: Path) -> list[Outline]:
    reader = PdfReader(str(pdf))

    def walk(items: list[object]) -> list[Outline]:
        out: list[Outline] = []
        for item in items:
            if isinstance(item, list):
                last = out.pop()
                out.append(Outline(last.title, last.page, tuple(walk(item))))
            else:
                out.append(Outline(item.title, reader.get_destination_page_number(item) + 1, ()))  # type: ignore[attr-defined]
        return out

    return walk(reader.outline)


@dataclass(frozen=True)
class Built:
    pdf: Path
    reports: list[ComplianceReport]
    pages: int


@pytest.fixture(scope="module")
def binder_ko(demo: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Built:
    out = tmp_path_factory.mktemp("binder") / "binder_ko.pdf"
    request = ReportRequest(date_from=FULL_YEAR[0], date_to=FULL_YEAR[1], lang="ko", today=TODAY)
    generated = registry.generate(demo, "binder", request, out)
    reports = [engine_compliance(demo, h, TODAY) for h in half_years(*FULL_YEAR, TODAY)]
    assert generated.unprintable == frozenset(), generated.unprintable
    return Built(out, reports, generated.pages)


def test_half_years_split_at_the_boundaries() -> None:
    h1, h2 = HalfYear(2026, 1), HalfYear(2026, 2)
    assert half_years(date(2026, 6, 30), date(2026, 7, 1), TODAY) == [h1, h2]
    assert half_years(date(2026, 7, 1), date(2026, 12, 31), TODAY) == [h2]
    assert half_years(date(2026, 1, 1), date(2026, 6, 30), TODAY) == [h1]
    assert half_years(date(2025, 12, 31), date(2026, 1, 1), TODAY) == [HalfYear(2025, 2), h1]
    # a half-year that has not begun on "today" is left out
    assert half_years(date(2026, 1, 1), date(2026, 12, 31), date(2026, 6, 30)) == [h1]


def test_one_bookmark_per_duty_with_half_years_below(binder_ko: Built) -> None:
    tree = outline(binder_ko.pdf)
    titles = [o.title for o in tree]
    duties = list(binder_ko.reports[0].duties)
    assert len(duties) == 13  # Decree Art. 4 ①–⑨ and Art. 5② 1–4
    for duty in duties:
        assert titles.count(duty_heading(duty, "ko")) == 1, duty.code
        node = next(o for o in tree if o.title == duty_heading(duty, "ko"))
        periods = [c.title.split(" ")[0] for c in node.children]
        assert periods == [r.period for r in binder_ko.reports] == ["2025H2", "2026H1", "2026H2"]
        assert all(c.page >= node.page for c in node.children)
    assert titles[0] == "이행 현황 요약"
    assert titles[-2:] == ["ISO 45001 대응표 (4–10항)", "기록 색인 및 검증 코드"]
    pages = [o.page for o in tree]
    assert pages == sorted(pages) and pages[-1] <= binder_ko.pages


def test_contents_titles_and_pages_match_the_sections(binder_ko: Built) -> None:
    tree = outline(binder_ko.pdf)
    contents = pdfcheck.text(binder_ko.pdf, 2, 2)
    assert "목차" in contents
    for node in tree:
        # the row "n  title ......  page" holds the same title and the page the bookmark opens
        row = re.search(rf"^\s*\d+\s+{re.escape(node.title)}\s+(\d+)\s*$", contents, re.M)
        assert row, f"{node.title!r} missing from the contents:\n{contents}"
        assert int(row.group(1)) == node.page, node.title
        assert node.title in pdfcheck.text(binder_ko.pdf, node.page, node.page)


def test_record_index_lists_every_evidence_record_with_its_code(binder_ko: Built, demo: Workspace) -> None:
    keys = evidence_keys(binder_ko.reports)
    assert len(keys) > 100  # a year of the demo plant: RAs, drills, TBMs, checks, trainings …
    index_node = outline(binder_ko.pdf)[-1]
    index = pdfcheck.text(binder_ko.pdf, index_node.page, binder_ko.pages)
    rows = {}
    for line in index.splitlines():
        found = re.search(
            r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\s+(\S+)\s+(\d+)\s*$", line
        )
        if found:
            rows[found.group(1)] = (found.group(2), int(found.group(3)))
    assert {record_id for _entity, record_id in keys} <= set(rows)
    with demo.reader() as conn:
        for entity, record_id in sorted(keys):
            code = record_code(conn, entity, record_id)
            assert code is not None
            assert rows[record_id][0] == format_code(code), (entity, record_id)
    # the page printed in the index shows the record: spot-check a few
    for entity, record_id in sorted(keys)[:: max(1, len(keys) // 12)]:
        page = rows[record_id][1]
        assert 3 <= page < index_node.page
        assert rows[record_id][0] in pdfcheck.text(binder_ko.pdf, page, page), (entity, record_id, page)


def test_korean_binder_layout(binder_ko: Built) -> None:
    pdfcheck.check_layout(binder_ko.pdf)
    # risk-assessment tables keep their landscape pages inside the portrait binder
    reader = PdfReader(str(binder_ko.pdf))
    wide = [i + 1 for i, page in enumerate(reader.pages) if page.mediabox.width > page.mediabox.height]
    assert wide and 1 not in wide and binder_ko.pages not in wide
    for n in [n for n in wide if n - 1 not in wide][:3]:  # the first page of each landscape run
        assert "위험성평가:" in pdfcheck.text(binder_ko.pdf, n, n)
    first = pdfcheck.text(binder_ko.pdf, 1, 1)
    assert re.search(r"^\s*증빙 바인더\s*$", first, re.M) and "작업공간 상태 코드" in first


def test_english_binder_for_one_half_year(demo: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "binder_en.pdf"
    request = ReportRequest(date_from=date(2026, 7, 1), date_to=date(2026, 9, 30), lang="en", today=TODAY)
    generated = registry.generate(demo, "binder", request, out)
    assert generated.unprintable == frozenset()
    assert generated.pages == pdfcheck.page_count(out)
    pdfcheck.check_layout(out)
    tree = outline(out)
    assert tree[0].title == "Status overview"
    assert tree[-1].title == "Index of records and verification codes"
    assert all(len(o.children) == 1 and o.children[0].title.startswith("2026H2") for o in tree[1:-2])
    text = pdfcheck.text(out)
    assert "Table of contents" in text and "Art. 4 ③" in text and "Art. 5 ② 1" in text


def _hand_made(ws: Workspace) -> list[ComplianceReport]:
    """Two half-years with evidence on 30 June and 1 July, a gap, a check, and a duty that does not apply."""
    with ws.reader() as conn:
        ra = conn.execute(select(risk_assessments.c.id, risk_assessments.c.title).limit(1)).one()
        tbm = [str(r) for r in conn.execute(select(form_records.c.id).limit(2)).scalars()]
    reports = []
    for half, day, tbm_id in (
        (HalfYear(2026, 1), date(2026, 6, 30), tbm[0]),
        (HalfYear(2026, 2), date(2026, 7, 1), tbm[1]),
    ):
        evidence = (
            Evidence("risk_assessments", str(ra.id), str(ra.title), day, "owner_report"),
            Evidence("form_records", tbm_id, f"TBM {day.isoformat()}", day, "tbm"),
        )
        duties = (
            DutyStatus(
                "sapa_4_2",
                "전담 조직",
                "Dedicated organisation",
                "중대재해처벌법 시행령 제4조제2호",
                False,
                Status.NOT_APPLICABLE,
                Text("Fewer than 500 workers: no dedicated department is required."),
            ),
            DutyStatus(
                "sapa_4_3",
                "유해·위험요인 확인·개선",
                "Hazards identified and fixed",
                "중대재해처벌법 시행령 제4조제3호",
                True,
                Status.PARTLY if half.half == 2 else Status.MET,
                Text("Risk assessment done"),
                evidence,
                (
                    Gap(
                        "sapa_4_3",
                        Text("Report the risk assessment to the owner"),
                        "risk_assessment",
                        half.end,
                    ),
                )
                if half.half == 2
                else (),
                HalfYearCheck("chk", half.end, "김안전", "정상", "박대표", half.end, True)
                if half.half == 1
                else None,
                ("6.1.2",),
            ),
        )
        reports.append(
            ComplianceReport(
                half.code,
                half.start,
                half.end,
                min(TODAY, half.end),
                "동남정밀",
                48,
                5,
                "manufacturing",
                (
                    Obligation(
                        "coordinator",
                        True,
                        "안전보건관리담당자",
                        "Coordinator",
                        "시행령 제24조",
                        Text("48 workers"),
                    ),
                ),
                duties,
            )
        )
    return reports


def test_hand_made_report_at_the_half_year_boundary(demo: Workspace, tmp_path: Path) -> None:
    reports = _hand_made(demo)
    request = ReportRequest(date_from=date(2026, 6, 30), date_to=date(2026, 7, 1), lang="en", today=TODAY)
    report = binder_report(demo, request, reports)
    out = tmp_path / "hand.pdf"
    pages, _missing, unprintable = render(
        report, letterhead(demo, "en"), stamp(demo, None), ReportOptions(), lambda _sha: None, out
    )
    assert not unprintable and pages == pdfcheck.page_count(out)
    pdfcheck.check_layout(out)
    tree = outline(out)
    assert [o.title for o in tree[1:3]] == [
        "Art. 4 ② Dedicated organisation",
        "Art. 4 ③ Hazards identified and fixed",
    ]
    hazards = tree[2]
    assert [c.title for c in hazards.children] == [
        "2026H1 (2026-01-01 – 2026-06-30) — Met",
        "2026H2 (2026-07-01 – 2026-12-31) — Partly met",
    ]
    text = pdfcheck.text(out)
    assert "Fewer than 500 workers: no dedicated department is required." in text
    assert "Report the risk assessment to the owner" in text
    assert "No half-yearly check has been recorded for this half-year." in text  # H2 has none
    assert "2026-06-30" in text and "2026-07-01" in text
    # the risk assessment is evidence in both halves but drawn in full once; both TBMs are in the index
    assert text.count("Risk assessments: ") == 1
    index = pdfcheck.text(out, tree[-1].page, pages)
    for _entity, record_id in evidence_keys(reports):
        assert record_id in index


def test_period_errors(demo: Workspace) -> None:
    cases = [
        (ReportRequest(date_from=date(2026, 7, 1), date_to=date(2026, 6, 30), today=TODAY), "after it ends"),
        (ReportRequest(date_from=date(2027, 1, 1), date_to=date(2027, 6, 30), today=TODAY), "after today"),
        (ReportRequest(date_from=date(2026, 1, 1), today=TODAY), "first and last day"),
        (ReportRequest(date_from=date(2010, 1, 1), date_to=date(2026, 6, 30), today=TODAY), "ten years"),
    ]
    for request, message in cases:
        with pytest.raises(UserError) as exc:
            registry.build(demo, "binder", request)
        assert message in exc.value.message("en")


def test_cli_writes_the_binder(demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "binder.pdf"
    code = main(
        [
            "binder",
            "--workspace",
            str(demo_path),
            "--from",
            "2026-09-01",
            "--to",
            "2026-09-30",
            "--as-of",
            TODAY.isoformat(),
            "--lang",
            "en",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    assert pdfcheck.page_count(out) > 5
    printed = capsys.readouterr().out
    assert str(out) in printed and "검증 코드" in printed  # messages in the user's language (ko)
    assert "Status overview" in pdfcheck.text(out, 2, 2)  # the binder in the language asked for


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        (("2026-13-01", "2026-12-31"), "is not a date"),
        (("2026-07-01", "2026-06-30"), "after it ends"),
        (("2027-01-01", "2027-06-30"), "after today"),
    ],
)
def test_cli_refuses_bad_periods(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], dates: tuple[str, str], message: str
) -> None:
    out = tmp_path / "x.pdf"
    argv = ["--lang", "en", "binder", "-w", str(demo_path), "--from", dates[0], "--to", dates[1]]
    code = main([*argv, "--as-of", TODAY.isoformat(), "--out", str(out)])
    assert code == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_cli_needs_both_dates(demo_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["binder", "-w", str(demo_path), "--from", "2026-01-01"])
    assert exc.value.code == 2
