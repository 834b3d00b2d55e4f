"""Every record pane shows the record's retention end (legal hold) next to its status line.

Completed records of the one-year demo are opened in the inspection record, risk assessment editor,
action detail, policy, emergency manual, drill and incident panes; the badge must show the
``retention_until`` the database holds for that record, in Korean and English, with the legal basis
in its tooltip. Drafts say they have no retention yet.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from pytestqt.qtbot import QtBot

from safetydesk.core.i18n import current_language, set_language
from safetydesk.core.queries.inspections import load_form_record
from safetydesk.core.workspace.workspace import Workspace
from safetydesk.ui.context import AppContext
from safetydesk.ui.screens.actions import ActionsScreen
from safetydesk.ui.screens.emergency import DrillPlanPage, ManualPage
from safetydesk.ui.screens.incidents import IncidentsPage
from safetydesk.ui.screens.inspections.record import RecordEditor
from safetydesk.ui.screens.policies import PoliciesScreen
from safetydesk.ui.screens.risk.screen import RiskScreen
from safetydesk.ui.tasks import TaskRunner
from safetydesk.ui.widgets.retention import RetentionBadge, legal_basis, retention_text

WAIT_MS = 10000


@pytest.fixture
def korean() -> Iterator[None]:
    before = current_language()
    set_language("ko")
    yield
    set_language(before)


def _pick(ws: Workspace, sql: str) -> tuple[str, str]:
    """(id, retention_until) of the newest record the query finds."""
    with ws.reader() as conn:
        row = conn.exec_driver_sql(sql).first()
    assert row is not None, sql
    assert row[1], f"no retention on {row[0]}: {sql}"
    return str(row[0]), str(row[1])


def _ctx(ws: Workspace) -> AppContext:
    return AppContext(workspace=ws, tasks=TaskRunner())


def _assert_badge(badge: RetentionBadge, until: str) -> None:
    assert until in badge.text(), (badge.text(), until)
    assert "보존 기한" in badge.text() and "삭제 불가" in badge.text(), badge.text()
    assert badge.toolTip().startswith("이 기록의 보존 근거:"), badge.toolTip()
    assert "년" in badge.toolTip()


LIVE = "deleted_at IS NULL AND retention_until IS NOT NULL"


def test_the_badge_text_in_both_languages() -> None:
    today = date(2026, 11, 24)
    set_language("en")
    try:
        assert retention_text("2031-07-06", today=today) == (
            "Keep until 2031-07-06 · legal hold — cannot be deleted, correct it by revision"
        )
        assert retention_text("2026-11-24", today=today).startswith("Keep until")  # the last day holds
        assert retention_text("2026-11-23", today=today).startswith("Retention ended 2026-11-23")
        assert retention_text(None) == "Draft — no retention period yet"
        assert retention_text(None, in_use=True).startswith("Kept while in use")
    finally:
        set_language("ko")
    assert (
        retention_text("2031-07-06", today=today)
        == "보존 기한 2031-07-06 · 법정 보존 중 — 삭제 불가, 수정은 개정으로"
    )
    assert retention_text(None) == "초안 — 아직 보존 기한 없음"
    assert any("중대재해" in line for line in legal_basis("policies")), legal_basis("policies")


def test_inspection_record_pane(qtbot: QtBot, demo: Workspace, korean: None) -> None:
    rid, until = _pick(
        demo,
        f"SELECT id, retention_until FROM form_records WHERE {LIVE} AND kind = 'inspection' "
        "AND locked_at IS NOT NULL ORDER BY performed_on DESC LIMIT 1",
    )
    editor = RecordEditor(_ctx(demo))
    qtbot.addWidget(editor)
    editor.show_record(load_form_record(demo, rid))
    _assert_badge(editor.retention_badge, until)
    editor.autosave.stop()


def test_risk_assessment_editor(qtbot: QtBot, demo: Workspace, korean: None) -> None:
    rid, until = _pick(
        demo,
        f"SELECT id, retention_until FROM risk_assessments WHERE {LIVE} ORDER BY assessed_on DESC LIMIT 1",
    )
    screen = RiskScreen(_ctx(demo))
    qtbot.addWidget(screen)
    screen.show()
    screen.refresh()
    qtbot.waitUntil(lambda: screen.reference is not None, timeout=WAIT_MS)
    screen.open_assessment(rid)
    qtbot.waitUntil(lambda: screen.detail is not None and screen.detail.id == rid, timeout=WAIT_MS)
    _assert_badge(screen.retention_badge, until)
    screen.new_record()
    assert screen.retention_badge.text() == "초안 — 아직 보존 기한 없음"
    screen.ctx.tasks.wait()


def test_action_detail(qtbot: QtBot, demo: Workspace, korean: None) -> None:
    rid, until = _pick(
        demo,
        f"SELECT id, retention_until FROM corrective_actions WHERE {LIVE} AND status = 'verified' "
        "ORDER BY verified_on DESC LIMIT 1",
    )
    screen = ActionsScreen(_ctx(demo))
    qtbot.addWidget(screen)
    screen.show()
    screen._select(rid)
    qtbot.waitUntil(lambda: screen.current is not None and screen.current.id == rid, timeout=WAIT_MS)
    _assert_badge(screen.retention_badge, until)
    with demo.reader() as conn:
        open_id = conn.exec_driver_sql(
            "SELECT id FROM corrective_actions WHERE deleted_at IS NULL AND status = 'open' LIMIT 1"
        ).scalar()
    if open_id:
        screen._select(str(open_id))
        qtbot.waitUntil(lambda: screen.current is not None and screen.current.id == open_id, timeout=WAIT_MS)
        assert screen.retention_badge.text().startswith("사용 중 보존")
    screen.ctx.tasks.wait()


def test_policy_pane(qtbot: QtBot, demo: Workspace, korean: None) -> None:
    rid, until = _pick(
        demo, f"SELECT id, retention_until FROM policies WHERE {LIVE} ORDER BY revision_no DESC LIMIT 1"
    )
    screen = PoliciesScreen(_ctx(demo))
    qtbot.addWidget(screen)
    screen.show()
    screen._version_selected(rid)
    qtbot.waitUntil(lambda: screen.detail is not None and screen.detail.id == rid, timeout=WAIT_MS)
    _assert_badge(screen.retention_badge, until)
    screen.ctx.tasks.wait()


def test_emergency_manual_and_drill(qtbot: QtBot, demo: Workspace, korean: None) -> None:
    mid, m_until = _pick(
        demo,
        f"SELECT id, retention_until FROM emergency_manuals WHERE {LIVE} ORDER BY revision_no DESC LIMIT 1",
    )
    page = ManualPage(_ctx(demo))
    qtbot.addWidget(page)
    page.open_manual(mid)
    qtbot.waitUntil(lambda: page.manual is not None and page.manual.id == mid, timeout=WAIT_MS)
    _assert_badge(page.retention_badge, m_until)
    page.ctx.tasks.wait()

    did, d_until = _pick(
        demo, f"SELECT id, retention_until FROM drills WHERE {LIVE} ORDER BY performed_at DESC LIMIT 1"
    )
    planner = DrillPlanPage(_ctx(demo))
    qtbot.addWidget(planner)
    planner.open_drill(did)
    qtbot.waitUntil(lambda: planner.drill is not None and planner.drill.id == did, timeout=WAIT_MS)
    _assert_badge(planner.retention_badge, d_until)
    planner.ctx.tasks.wait()


def test_incident_record(qtbot: QtBot, demo: Workspace, korean: None) -> None:
    rid, until = _pick(
        demo,
        f"SELECT id, retention_until FROM incidents WHERE {LIVE} AND locked_at IS NOT NULL "
        "ORDER BY occurred_at DESC LIMIT 1",
    )
    page = IncidentsPage(_ctx(demo))
    qtbot.addWidget(page)
    page.open_incident(rid)
    qtbot.waitUntil(lambda: page.form.detail is not None and page.form.detail.id == rid, timeout=WAIT_MS)
    _assert_badge(page.form.retention_badge, until)
    page.ctx.tasks.wait()
