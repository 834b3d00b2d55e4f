"""Settings are audited rows; bad values save nothing; images become attachments."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from safetydesk.core.db.tables import attachment_links, audit_events
from safetydesk.core.errors import ValidationError
from safetydesk.core.queries.settings import (
    APPROVAL_TITLES,
    BACKUP_SCHEDULE,
    COMPANY_BRN,
    COMPANY_LOGO,
    COMPANY_NAME,
    UI_LANGUAGE,
    load_settings,
)
from safetydesk.core.services.settings import save_settings
from safetydesk.core.workspace.workspace import Workspace
from tests.core.services.test_plant_register import png_bytes


def _events(ws: Workspace) -> int:
    with ws.reader() as conn:
        return len(conn.execute(select(audit_events.c.seq).where(audit_events.c.entity == "settings")).all())


def test_defaults_on_an_empty_workspace(ws: Workspace) -> None:
    current = load_settings(ws)
    assert current.approval_titles == ("담당", "검토", "승인")
    assert (current.language, current.backup_schedule, current.logo) == ("ko", "daily", None)


def test_save_normalises_and_only_writes_what_changed(ws: Workspace) -> None:
    save_settings(
        ws,
        {
            COMPANY_NAME: " (주)동남정밀 ",
            COMPANY_BRN: "6178152794",
            APPROVAL_TITLES: ["담당", "", "팀장", "공장장", "대표", "회장"],
            UI_LANGUAGE: "en",
            BACKUP_SCHEDULE: "weekly",
        },
    )
    current = load_settings(ws)
    assert current.name == "(주)동남정밀"
    assert current.business_reg_no == "617-81-52794"
    assert current.approval_titles == ("담당", "팀장", "공장장", "대표")
    assert (current.language, current.backup_schedule) == ("en", "weekly")
    before = _events(ws)
    changes = save_settings(ws, {COMPANY_NAME: "(주)동남정밀", BACKUP_SCHEDULE: "daily"})
    assert _events(ws) == before + 1 and len(changes.items) == 1


def test_a_bad_registration_number_saves_nothing(ws: Workspace) -> None:
    with pytest.raises(ValidationError) as err:
        save_settings(ws, {COMPANY_NAME: "새 이름", COMPANY_BRN: "12-345"})
    assert "000-00-00000" in err.value.text("ko")
    assert load_settings(ws).name == ""
    with pytest.raises(ValueError):
        save_settings(ws, {"company.colour": "blue"})


def test_logo_is_stored_linked_and_removable(ws: Workspace, tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(png_bytes(8, 8))
    save_settings(ws, {}, images={COMPANY_LOGO: logo})
    stored = load_settings(ws).logo
    assert stored is not None and stored.name == "logo.png"
    assert ws.attachments.read_bytes(stored.sha256) == logo.read_bytes()
    save_settings(ws, {}, images={COMPANY_LOGO: logo})  # same file again: no second link
    with ws.reader() as conn:
        links = conn.execute(
            select(attachment_links.c.role).where(attachment_links.c.entity == "settings")
        ).all()
    assert [r.role for r in links] == ["logo"]
    save_settings(ws, {}, images={COMPANY_LOGO: None})
    assert load_settings(ws).logo is None
    text = tmp_path / "logo.txt"
    text.write_text("not an image")
    with pytest.raises(ValidationError):
        save_settings(ws, {}, images={COMPANY_LOGO: text})
