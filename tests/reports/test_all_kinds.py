"""Every registered report kind prints on the demo workspace, in both languages and both paper sizes.

A sweep over the registry, so a new kind is checked the day it is listed: the PDF opens, has pages,
uses only the embedded Korean font, keeps its text on the page, and prints every character.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from safetydesk.core.db.tables import metadata
from safetydesk.core.reports import registry
from safetydesk.core.reports.context import ReportOptions, ReportRequest
from safetydesk.core.workspace.workspace import Workspace
from tests.reports import pdfcheck
from tests.reports.conftest import TODAY

KINDS = sorted(registry.kinds())


def _request(ws: Workspace, name: str, lang: str) -> ReportRequest:
    kind = registry.kind(name)
    if kind.scope == "period":
        # one month keeps the binder of inspections to a few dozen pages (the benchmark prints a year)
        return ReportRequest(date_from=date(2026, 10, 1), date_to=date(2026, 10, 31), lang=lang, today=TODAY)
    assert kind.entity is not None
    table = metadata.tables[kind.entity]
    query = select(table.c.id).where(table.c.deleted_at.is_(None))
    if "status" in table.c:
        query = query.order_by((table.c.status == "draft").asc())
    with ws.reader() as conn:
        record_id = conn.execute(query.limit(1)).scalar()
    assert record_id, f"the demo has no {kind.entity} to print"
    return ReportRequest(record_id=str(record_id), lang=lang, today=TODAY)


@pytest.mark.parametrize("name", KINDS)
def test_kind_prints_cleanly_in_both_languages(demo: Workspace, tmp_path: Path, name: str) -> None:
    texts = {}
    for lang in ("ko", "en"):
        out = tmp_path / f"{name}_{lang}.pdf"
        generated = registry.generate(demo, name, _request(demo, name, lang), out)
        assert generated.pages == pdfcheck.page_count(out) >= 1
        assert generated.unprintable == frozenset(), generated.unprintable
        assert generated.missing_photos == 0
        assert generated.code is not None
        pdfcheck.check_layout(out)
        texts[lang] = pdfcheck.text(out)
    assert texts["ko"] != texts["en"]
    assert "검증 코드" in texts["ko"] or "작업공간 상태 코드" in texts["ko"]


@pytest.mark.parametrize("name", KINDS)
def test_kind_prints_on_letter_in_grey(demo: Workspace, tmp_path: Path, name: str) -> None:
    out = tmp_path / f"{name}.pdf"
    registry.generate(
        demo, name, _request(demo, name, "en"), out, ReportOptions(page_size="Letter", grayscale=True)
    )
    width, height = pdfcheck.page_size_pt(out)
    assert sorted((round(width), round(height))) == [612, 792]
    pdfcheck.check_layout(out)
