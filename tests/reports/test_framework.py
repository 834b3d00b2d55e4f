"""The report frame every document shares: letterhead, pages, verification code, fonts, options."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from safetydesk.cli import main
from safetydesk.core.db.tables import form_records, form_templates
from safetydesk.core.reports import registry
from safetydesk.core.reports.context import Letterhead, ReportOptions, ReportRequest, Stamp
from safetydesk.core.reports.model import Cell, Heading, Para, PhotoRef, Photos, Report, Table
from safetydesk.core.reports.render import Rendered, render
from safetydesk.core.services.forms import save_answers, start_form
from safetydesk.core.workspace.workspace import Workspace, open_workspace
from tests.reports import pdfcheck

HEAD = Letterhead(
    company="(주)동남정밀",
    address="부산광역시 강서구 녹산산단335로 27",
    business_reg_no="617-81-52794",
    representative="정대표",
    approval_titles=("담당", "검토", "승인"),
)
STAMP = Stamp(
    code="ABCDE12345", record_id="rec-1", printed_at=datetime(2026, 11, 23, 9, 30, tzinfo=UTC), register=False
)


def _render(
    report: Report, out: Path, options: ReportOptions | None = None, images=lambda sha: None
) -> Rendered:
    return render(report, HEAD, STAMP, options or ReportOptions(), images, out)


def test_every_page_has_letterhead_approval_block_page_x_of_y_and_code(tmp_path: Path) -> None:
    rows = tuple(
        (str(i), f"위험요인 {i}: 프레스 금형 교체 중 협착 hazard {i}", Cell("높음", tone="bad"))
        for i in range(220)
    )
    report = Report(
        "test", "시험 보고서 Test report", "ko", (Heading("표"), Table(("번호", "내용", "위험성"), rows))
    )
    out = tmp_path / "r.pdf"
    pages, missing, _unprintable = _render(report, out)
    assert pages == pdfcheck.page_count(out) >= 3
    assert missing == 0
    for page in range(1, pages + 1):
        text = pdfcheck.text(out, page, page)
        assert "(주)동남정밀" in text and "시험 보고서 Test report" in text
        assert all(title in text for title in ("담당", "검토", "승인"))
        assert f"{page} / {pages}" in text
        assert "ABCDE-12345" in text and "rec-1" in text and "2026-11-23" in text
        assert "번호" in text  # the table header repeats on every page
    pdfcheck.check_layout(out)


def test_user_text_prints_literally_and_long_titles_stay_on_the_page(tmp_path: Path) -> None:
    title = "아주 긴 제목 " * 20
    report = Report("test", title, "en", (Para('Guard gap <2 mm & "ok" <b>not bold</b>'),))
    out = tmp_path / "r.pdf"
    _render(report, out)
    text = pdfcheck.text(out)
    assert 'Guard gap <2 mm & "ok" <b>not bold</b>' in text
    assert "…" in text  # the title was shortened to fit beside the approval block
    pdfcheck.check_layout(out)


def test_letter_size_and_landscape(tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    _render(Report("test", "T", "en", (Para("x"),), landscape=True), out, ReportOptions(page_size="Letter"))
    width, height = pdfcheck.page_size_pt(out)
    assert (round(width), round(height)) == (792, 612)
    _render(Report("test", "T", "en", (Para("x"),)), out)
    assert tuple(round(v) for v in pdfcheck.page_size_pt(out)) == (595, 842)


def _photo(tmp_path: Path) -> bytes:
    img = Image.new("RGB", (4000, 3000), (220, 40, 40))  # a big, very red photo
    path = tmp_path / "big.jpg"
    img.save(path, "JPEG", quality=90)
    return path.read_bytes()


def test_photos_are_fitted_downscaled_and_missing_ones_are_marked(tmp_path: Path) -> None:
    data = _photo(tmp_path)
    report = Report(
        "test",
        "Photos",
        "en",
        (Photos((PhotoRef("a" * 64, "Guard removed"), PhotoRef("b" * 64, "Not in the store"))),),
    )
    out = tmp_path / "r.pdf"
    _pages, missing, _u = _render(report, out, images=lambda sha: data if sha.startswith("a") else None)
    assert missing == 1
    assert pdfcheck.image_count(out) == 1
    text = pdfcheck.text(out)
    assert "Guard removed" in text and "Photo missing from the workspace (bbbbbbbbbbbb)" in text
    assert out.stat().st_size < 600_000  # the 12-megapixel photo was downscaled, not embedded whole
    pdfcheck.check_layout(out)


def test_grayscale_option_prints_no_colour(tmp_path: Path) -> None:
    data = _photo(tmp_path)
    rows = ((Cell("overdue", tone="bad"), "x"), (Cell("soon", tone="warn"), "y"))
    blocks = (Table(("a", "b"), rows, tones=("bad", "warn")), Photos((PhotoRef("a" * 64, "red"),)))
    report = Report("test", "Grey", "en", blocks)
    for grey, expect_colour in ((False, True), (True, False)):
        out = tmp_path / f"r{grey}.pdf"
        _render(report, out, ReportOptions(grayscale=grey), images=lambda sha: data)
        png = tmp_path / f"p{grey}"
        import subprocess

        subprocess.run(["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "1", str(out), str(png)], check=True)
        image = Image.open(next(tmp_path.glob(f"p{grey}*.png"))).convert("RGB")
        colourful = sum(1 for r, g, b in image.get_flattened_data() if max(r, g, b) - min(r, g, b) > 24)
        assert (colourful > 50) is expect_colour, (grey, colourful)


def test_a_failed_render_leaves_the_previous_file_and_no_temp_files(tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    _render(Report("test", "Good", "en", (Para("first version"),)), out)
    before = out.read_bytes()
    bad = Report("test", "Bad", "en", (Para("x"), "not a block"))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        _render(bad, out)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["r.pdf"]


def test_no_company_settings_prints_a_placeholder_and_empty_boxes(ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "bundle.pdf"
    generated = registry.generate(
        ws, "inspections", ReportRequest(lang="en", date_from=date(2026, 1, 1)), out
    )
    text = pdfcheck.text(out)
    assert "(company name not set — see Settings)" in text
    assert "No completed inspections in this period." in text
    assert "Prepared" in text and "Approved" in text  # default 담당/검토/승인 in English
    assert generated.pages == 1
    pdfcheck.check_layout(out)


def _draft_record(ws: Workspace) -> str:
    with ws.reader() as conn:
        template_id = conn.execute(
            select(form_templates.c.id).where(form_templates.c.kind == "inspection").limit(1)
        ).scalar_one()
    return start_form(ws, template_id, performed_on=date(2026, 11, 20), actor="test").id


def test_verify_code_says_unchanged_then_changed(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "copy"
    shutil.copytree(demo_path, path, ignore=shutil.ignore_patterns("safetydesk.lock*"))
    with open_workspace(path) as ws:
        record_id = _draft_record(ws)
        generated = registry.generate(
            ws, "form", ReportRequest(record_id=record_id, lang="ko"), tmp_path / "f.pdf"
        )
    assert generated.code is not None
    printed = f"{generated.code[:5]}-{generated.code[5:]}"
    assert printed in pdfcheck.text(tmp_path / "f.pdf")
    assert main(["--lang", "en", "verify", "-w", str(path), "--code", printed.lower()]) == 0
    out = capsys.readouterr().out
    assert "unchanged since this page was printed" in out and record_id in out
    with open_workspace(path) as ws:
        save_answers(ws, record_id, {}, header={"weather": "rain"}, actor="test")
    assert main(["--lang", "en", "verify", "-w", str(path), "--code", generated.code]) == 1
    assert "CHANGED 1 time(s)" in capsys.readouterr().out
    assert main(["--lang", "en", "verify", "-w", str(path), "--code", "00000-00000"]) == 3
    assert main(["--lang", "en", "verify", "-w", str(path), "--code", "not-a-code"]) == 2
    assert "is not a verification code" in capsys.readouterr().err


def test_report_cli_lists_kinds_and_explains_bad_input(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--list"]) == 0
    listed = capsys.readouterr().out
    for name in registry.kinds():
        assert name in listed
    assert (
        main(["--lang", "en", "report", "inspection", "-w", str(demo_path), "--out", str(tmp_path / "x.pdf")])
        == 2
    )
    assert "prints one record: give its id" in capsys.readouterr().err
    assert main(["--lang", "ko", "report", "inspections", "-w", str(demo_path), "--from", "2026-13-01"]) == 2
    assert "날짜가 아닙니다" in capsys.readouterr().err
    assert main(["--lang", "en", "report", "nosuch", "-w", str(demo_path)]) == 2
    assert "There is no report called" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_report_cli_writes_the_pdf_in_the_chosen_language(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_workspace(demo_path, create=False, read_only=True) as ws, ws.reader() as conn:
        record_id = conn.execute(
            select(form_records.c.id).where(form_records.c.status == "completed").limit(1)
        ).scalar_one()
    for lang, word in (("ko", "서명"), ("en", "Signatures")):
        out = tmp_path / f"{lang}.pdf"
        code = main(
            ["report", "form", "-w", str(demo_path), "--id", record_id, "--lang", lang, "--out", str(out)]
        )
        assert code == 0
        assert word in pdfcheck.text(out)
        pdfcheck.assert_korean_font_only(out)
    assert "ko.pdf" in capsys.readouterr().out


def test_characters_the_font_lacks_print_as_question_marks_and_are_reported(tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    result = _render(Report("test", "Glyphs ✓", "en", (Para("O2 17.2 ✗ ▲ ≥ ≤ · — Ⅰ"),)), out)
    assert result.unprintable == {"✗", "✓"}
    text = pdfcheck.text(out)
    assert "O2 17.2 ? ▲ ≥ ≤ · — Ⅰ" in text and "Glyphs ?" in text


def test_a_cancelled_render_stops_early_and_keeps_the_previous_file(tmp_path: Path) -> None:
    from safetydesk.core.reports.render import RenderCancelledError

    out = tmp_path / "r.pdf"
    _render(Report("test", "Previous", "en", (Para("kept"),)), out)
    before = out.read_bytes()
    polls = {"n": 0}

    def cancelled() -> bool:
        polls["n"] += 1
        return polls["n"] > 5  # the user closes the preview after a few flowables

    many = Report("test", "Long", "en", tuple(Para(f"paragraph {i}") for i in range(5000)))
    with pytest.raises(RenderCancelledError):
        render(many, HEAD, STAMP, ReportOptions(), lambda sha: None, out, cancelled)
    assert polls["n"] == 6  # stopped at the first poll that said so, not after 5,000 paragraphs
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["r.pdf"]
