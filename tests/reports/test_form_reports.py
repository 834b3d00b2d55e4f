"""Completed forms through the one generic renderer: inspections, pre-work checks, permits, TBM, drills."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from safetydesk.core.db.tables import attachment_links, findings, form_answers, form_records, form_templates
from safetydesk.core.forms.schema import validate_template
from safetydesk.core.reports import registry
from safetydesk.core.reports.context import ReportRequest
from safetydesk.core.workspace.workspace import Workspace
from tests.reports import pdfcheck


def _worst_inspection(ws: Workspace) -> tuple[str, dict, int, int]:
    """The completed inspection with the most failures: id, template body, failures, photos."""
    with ws.reader() as conn:
        row = conn.execute(
            select(form_records.c.id, form_templates.c.body, form_records.c.failed_count)
            .join(form_templates, form_templates.c.id == form_records.c.template_id)
            .where(form_records.c.status == "completed", form_templates.c.kind == "inspection")
            .order_by(form_records.c.failed_count.desc())
            .limit(1)
        ).one()
        photos = 0
        for attached in conn.execute(
            select(form_answers.c.attachments).where(form_answers.c.record_id == row.id)
        ).scalars():
            photos += len(attached or ())
    return row.id, row.body, int(row.failed_count), photos


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_inspection_report_shows_every_answer_failures_photos_and_findings(
    demo: Workspace, tmp_path: Path, lang: str
) -> None:
    record_id, body, failed, photos = _worst_inspection(demo)
    assert failed > 0 and photos > 0  # the demo gives us something to look at
    template = validate_template(body)
    out = tmp_path / "inspection.pdf"
    generated = registry.generate(demo, "inspection", ReportRequest(record_id=record_id, lang=lang), out)
    text = pdfcheck.text(out)
    flat = " ".join(text.split())
    assert template.title.get(lang)[:20] in flat
    for section in template.sections:
        assert section.title.get(lang) in flat
    fail_word = "부적합" if lang == "ko" else "Fail"
    assert flat.count(fail_word) >= failed
    with demo.reader() as conn:
        finding_texts = (
            conn.execute(
                select(findings.c.description).where(
                    findings.c.source_id == record_id, findings.c.deleted_at.is_(None)
                )
            )
            .scalars()
            .all()
        )
    for description in finding_texts:
        assert " ".join(description.split())[:20] in flat
    # the photos of the answers, plus the letterhead logo and the approver's signature
    assert pdfcheck.image_count(out) >= photos + 2
    assert generated.missing_photos == 0
    assert 2 <= generated.pages <= 12
    assert ("점검 보고서" if lang == "ko" else "Inspection report") in flat
    pdfcheck.check_layout(out)


@pytest.mark.parametrize("kind", ["prework_check", "permit", "tbm", "drill"])
def test_every_template_kind_prints_through_the_generic_renderer(
    demo: Workspace, tmp_path: Path, kind: str
) -> None:
    with demo.reader() as conn:
        row = conn.execute(
            select(form_records.c.id, form_templates.c.body)
            .join(form_templates, form_templates.c.id == form_records.c.template_id)
            .where(form_records.c.status == "completed", form_templates.c.kind == kind)
            .limit(1)
        ).one()
    template = validate_template(row.body)
    for lang in ("ko", "en"):
        out = tmp_path / f"{kind}_{lang}.pdf"
        registry.generate(demo, "form", ReportRequest(record_id=row.id, lang=lang), out)
        flat = " ".join(pdfcheck.text(out).split())
        assert template.title.get(lang)[:20] in flat
        first_question = template.sections[0].questions[0].text.get(lang)
        assert " ".join(first_question.split())[:25] in flat
        pdfcheck.check_layout(out)


def test_confined_space_permit_prints_its_gas_log(demo: Workspace, tmp_path: Path) -> None:
    from safetydesk.core.db.tables import gas_readings

    with demo.reader() as conn:
        row = conn.execute(
            select(gas_readings.c.record_id, func.count(), func.min(gas_readings.c.o2_pct))
            .group_by(gas_readings.c.record_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
    out = tmp_path / "permit.pdf"
    registry.generate(demo, "permit", ReportRequest(record_id=row.record_id, lang="en"), out)
    text = pdfcheck.text(out)
    assert "Gas log" in text
    assert f"{row[2]:g}"[:4] in text  # the lowest oxygen reading is printed
    pdfcheck.check_layout(out)


def test_a_period_of_inspections_prints_as_one_binder(demo: Workspace, tmp_path: Path) -> None:
    start, end = date(2026, 9, 1), date(2026, 9, 30)
    with demo.reader() as conn:
        expected = conn.execute(
            select(func.count())
            .select_from(form_records.join(form_templates, form_templates.c.id == form_records.c.template_id))
            .where(
                form_records.c.status == "completed",
                form_records.c.deleted_at.is_(None),
                form_templates.c.kind.in_(("inspection", "prework_check")),
                form_records.c.performed_on.between(start.isoformat(), end.isoformat()),
            )
        ).scalar_one()
    assert expected > 0
    out = tmp_path / "binder.pdf"
    generated = registry.generate(
        demo, "inspections", ReportRequest(date_from=start, date_to=end, lang="ko"), out
    )
    assert generated.pages >= expected + 1  # a cover block, then every report starts on a new page
    assert generated.code is not None  # a register is tied to the chain head
    text = pdfcheck.text(out)
    assert f"{expected}" in text.split("보고서 수")[1][:40]
    assert "작업공간 상태 코드" in text
    pdfcheck.assert_korean_font_only(out)


def test_unknown_record_is_a_clear_error(demo: Workspace, tmp_path: Path) -> None:
    with pytest.raises(registry.ReportNotFoundError) as caught:
        registry.generate(
            demo, "inspection", ReportRequest(record_id="no-such-id", lang="en"), tmp_path / "x.pdf"
        )
    assert "no-such-id" in caught.value.text("en")
    assert "ID no-such-id" in caught.value.text("ko")
    assert not (tmp_path / "x.pdf").exists()


def test_every_record_report_kind_names_a_real_table() -> None:
    from safetydesk.core.db.tables import metadata

    kinds = registry.kinds()
    expected = {
        "inspection",
        "form",
        "tbm",
        "permit",
        "inspections",
        "risk-assessment",
        "actions",
        "action",
        "policy",
        "emergency-manual",
        "drill",
        "incident",
        "near-misses",
        "training",
    }
    assert expected <= set(kinds), expected - set(kinds)
    for kind in kinds.values():
        if kind.scope == "record":
            assert kind.entity in metadata.tables


def test_attachment_links_exist_for_demo_photos(demo: Workspace) -> None:
    with demo.reader() as conn:
        assert conn.execute(select(func.count()).select_from(attachment_links)).scalar_one() > 0
