"""Corrective actions: done with evidence, verified and closed; an ineffective fix reopens."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from safetydesk.core.errors import ValidationError
from safetydesk.core.queries.actions import action_detail
from safetydesk.core.services import actions, records
from safetydesk.core.workspace.workspace import Workspace
from tests.factories import base_refs, minimal


def _action(ws: Workspace) -> str:
    refs = base_refs(ws)
    finding = records.create(ws, "findings", minimal("findings", refs)).id
    return records.create(
        ws,
        "corrective_actions",
        {
            **minimal("corrective_actions", refs),
            "finding_id": finding,
            "area_id": refs["area"],
            "due_on": "2026-01-10",
        },
    ).id


def test_done_then_verified_closes_action_and_finding(ws: Workspace, tmp_path: Path) -> None:
    action = _action(ws)
    photo = tmp_path / "after.jpg"
    Image.new("RGB", (64, 48), (200, 60, 40)).save(photo, quality=90)
    sha = actions.add_evidence(ws, action, photo, role="after")
    with pytest.raises(ValidationError):
        actions.verify_and_close(ws, action, verified_by="김안전", verified_on=date.today(), effective=True)
    actions.mark_done(ws, action, done_on=date.today())
    actions.verify_and_close(ws, action, verified_by="김안전", verified_on=date(2026, 2, 1), effective=True)
    detail = action_detail(ws, action)
    assert detail.status == "verified" and detail.verified_by == "김안전"
    assert [e.sha256 for e in detail.evidence if e.role == "after"] == [sha]
    row = records.get(ws, "corrective_actions", action)
    assert row["retention_until"] == "2031-02-01"
    assert records.get(ws, "findings", row["finding_id"])["status"] == "closed"
    with pytest.raises(ValidationError):
        actions.update_action(ws, action, {"title": "바꾸기"})


def test_ineffective_fix_goes_back_to_open(ws: Workspace) -> None:
    action = _action(ws)
    actions.mark_done(ws, action, done_on=date.today())
    actions.verify_and_close(
        ws, action, verified_by="김안전", verified_on=date.today(), effective=False, note="가드 재파손"
    )
    detail = action_detail(ws, action, today=date(2026, 2, 9))
    assert detail.status == "open" and detail.days_overdue == 30


def test_done_date_before_the_action_existed_is_refused(ws: Workspace) -> None:
    action = _action(ws)
    with pytest.raises(ValidationError) as err:
        actions.mark_done(ws, action, done_on=date(2000, 1, 1))
    assert "2000-01-01" in err.value.text("ko")
