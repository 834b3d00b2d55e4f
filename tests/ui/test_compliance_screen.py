"""The SAPA duties screen shows the engine's statuses, evidence and gaps, runs the half-yearly check
(review, owner's confirmation, lock with the retention end), the continuous RA tracker and the binder."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from PySide6.QtCore import QPointF, Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from safetydesk.core.compliance.engine import compliance
from safetydesk.core.compliance.model import ComplianceReport
from safetydesk.core.db.tables import attachment_links
from safetydesk.core.services import records
from safetydesk.core.workspace.workspace import Workspace
from safetydesk.ui.app import build_window
from safetydesk.ui.context import AppContext
from safetydesk.ui.screens.compliance import (
    COL_CHECK,
    COL_EVIDENCE,
    COL_GAPS,
    COL_STATUS,
    START_TARGETS,
    ComplianceScreen,
    duty_number,
    status_text,
)
from safetydesk.ui.tasks import TaskRunner
from tests.conftest import DEMO_TODAY
from tests.factories import base_refs, minimal

WAIT_MS = 20000
CRAFTED_TODAY = date(2026, 5, 20)


pytestmark = pytest.mark.usefixtures("english_ui")


@pytest.fixture
def crafted(ws: Workspace) -> Workspace:
    """A 58-worker manufacturing site with one finished risk assessment and nothing else."""
    refs = base_refs(ws)
    records.create(ws, "site_headcounts", minimal("site_headcounts", refs))
    return ws


def _screen(qtbot: QtBot, ws: Workspace, today: date) -> ComplianceScreen:
    ctx = AppContext(workspace=ws, tasks=TaskRunner())
    screen = ComplianceScreen(ctx)
    screen.today = today
    qtbot.addWidget(screen)
    screen.resize(1080, 760)
    screen.show()
    screen.refresh()
    qtbot.waitUntil(lambda: screen.view is not None and not screen.loading, timeout=WAIT_MS)
    return screen


def _cell(screen: ComplianceScreen, row: int, column: int) -> str:
    item = screen.table.item(row, column)
    assert item is not None
    return item.text()


def _assert_table_matches(screen: ComplianceScreen, report: ComplianceReport) -> None:
    assert screen.table.rowCount() == len(report.duties) == 13
    for row, duty in enumerate(report.duties):
        assert _cell(screen, row, 0) == duty_number(duty.code)
        assert _cell(screen, row, COL_STATUS).endswith(status_text(str(duty.status)))
        assert _cell(screen, row, COL_EVIDENCE) == str(len(duty.evidence))
        assert _cell(screen, row, COL_GAPS) == str(len(duty.gaps))


def test_the_table_shows_the_13_duties_with_the_engines_statuses(qtbot: QtBot, demo: Workspace) -> None:
    screen = _screen(qtbot, demo, DEMO_TODAY)
    assert screen.view is not None
    report = screen.view.report
    assert report.period == "2026H2"
    expected = compliance(demo, "2026H2", today=DEMO_TODAY)
    assert [d.status for d in report.duties] == [d.status for d in expected.duties]
    _assert_table_matches(screen, expected)
    codes = {d.code for d in expected.duties}
    assert {"sapa_4_1", "sapa_4_9", "sapa_5_2_1", "sapa_5_2_4"} <= codes
    # the period list goes back to the workspace's first records (one year of demo history)
    periods = [screen.period_box.itemData(i) for i in range(screen.period_box.count())]
    assert periods[0] == "2026H2" and "2026H1" in periods and "2025H2" in periods
    assert "workers" in screen.facts.text() and str(report.workers) in screen.facts.text()
    assert screen.obligations.rowCount() == len(report.obligations) > 0
    sources = {screen.obligations.item(r, 2).text() for r in range(screen.obligations.rowCount())}  # type: ignore[union-attr]
    assert all(sources)
    screen.ctx.tasks.wait()


def test_selecting_a_duty_shows_its_evidence_and_gaps(qtbot: QtBot, demo: Workspace) -> None:
    screen = _screen(qtbot, demo, DEMO_TODAY)
    assert screen.view is not None
    report = screen.view.report
    with_evidence = next(d for d in report.duties if d.evidence)
    row = [d.code for d in report.duties].index(with_evidence.code)
    screen.table.selectRow(row)
    assert screen.selected == with_evidence.code
    assert screen.evidence.count() == len(with_evidence.evidence)
    first = with_evidence.evidence[0]
    assert first.title in screen.evidence.item(0).text()
    assert len(screen.gap_rows) == len(with_evidence.gaps)
    assert duty_number(with_evidence.code) in screen.heading.text()
    assert status_text(str(with_evidence.status)) in screen.reason.text()
    with_gaps = next((d for d in report.duties if d.gaps), None)
    if with_gaps is not None:
        screen.select_duty(with_gaps.code)
        assert [r.gap for r in screen.gap_rows] == list(with_gaps.gaps)
        assert with_gaps.gaps[0].message.render("en") in screen.gap_rows[0].label.text()
    screen.ctx.tasks.wait()


@pytest.mark.parametrize(
    ("start", "key"),
    [
        ("drill", "emergency"),
        ("risk_assessment", "risk"),
        ("suggestion", "incidents"),
        ("training", "people"),
        ("policy", "policies"),
        ("appointment", "people"),
        ("budget", "budget"),
    ],
)
def test_a_gap_button_starts_the_record_on_the_right_screen(
    qtbot: QtBot, crafted: Workspace, monkeypatch: pytest.MonkeyPatch, start: str, key: str
) -> None:
    from PySide6.QtWidgets import QMessageBox

    # the started record is left unsaved; closing the window must not stop on the question
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Discard)
    report = compliance(crafted, "2026H1", today=CRAFTED_TODAY)
    gap = next(g for g in report.gaps if g.start == start)
    window = build_window(crafted)
    qtbot.addWidget(window)
    window.show()
    window.navigate("compliance", {"duty": gap.duty_code, "period": "2026H1"})
    screen = window.current_screen()
    assert isinstance(screen, ComplianceScreen)
    qtbot.waitUntil(lambda: screen.view is not None and screen.selected == gap.duty_code, timeout=WAIT_MS)
    row = next(r for r in screen.gap_rows if r.gap.start == start)
    assert row.button is not None
    qtbot.mouseClick(row.button, Qt.MouseButton.LeftButton)
    target = window.current_screen()
    assert target.key == key == START_TARGETS[start][1]
    if start == "drill":
        assert target.tabs.currentWidget() is target.planner  # type: ignore[attr-defined]
    elif start == "risk_assessment":  # a new assessment is open in the editor
        qtbot.waitUntil(lambda: target.pages.currentIndex() == 1, timeout=WAIT_MS)  # type: ignore[attr-defined]
        assert target.assessment_id is None  # type: ignore[attr-defined]
    elif start == "suggestion":
        assert target.tabs.currentWidget() is target.suggestions  # type: ignore[attr-defined]
    elif start == "training":
        assert target.tabs.currentWidget() is target.trainings  # type: ignore[attr-defined]
    elif start == "appointment":
        assert target.tabs.currentWidget() is target.appointments  # type: ignore[attr-defined]
    window.ctx.tasks.wait()
    window.close()


def test_a_check_gap_stays_on_the_screen_and_focuses_the_review(qtbot: QtBot, crafted: Workspace) -> None:
    screen = _screen(qtbot, crafted, CRAFTED_TODAY)
    screen.select_duty("sapa_4_8")
    row = next(r for r in screen.gap_rows if r.gap.start == "compliance_check")
    with qtbot.assertNotEmitted(screen.navigate):
        assert row.button is not None
        row.button.click()
    assert screen.selected == "sapa_4_8"
    screen.ctx.tasks.wait()


def test_double_clicking_evidence_opens_the_record(qtbot: QtBot, demo: Workspace) -> None:
    report = compliance(demo, "2026H2", today=DEMO_TODAY)
    duty = next(d for d in report.duties if any(e.entity == "risk_assessments" for e in d.evidence))
    evidence = next(e for e in duty.evidence if e.entity == "risk_assessments")
    window = build_window(demo)
    qtbot.addWidget(window)
    window.show()
    ComplianceScreen.today = DEMO_TODAY
    try:
        window.navigate("compliance", {"duty": duty.code})
        screen = window.current_screen()
        assert isinstance(screen, ComplianceScreen)
        qtbot.waitUntil(lambda: screen.view is not None and screen.selected == duty.code, timeout=WAIT_MS)
        index = list(duty.evidence).index(evidence)
        screen.evidence.itemDoubleClicked.emit(screen.evidence.item(index))
        risk = window.current_screen()
        assert risk.key == "risk"
        qtbot.waitUntil(lambda: risk.assessment_id == evidence.record_id, timeout=WAIT_MS)  # type: ignore[attr-defined]
    finally:
        ComplianceScreen.today = None
    window.ctx.tasks.wait()
    window.close()


def test_a_contractor_evaluation_opens_on_the_contractors_screen(qtbot: QtBot, demo: Workspace) -> None:
    report = compliance(demo, "2026H2", today=DEMO_TODAY)
    evidence = next(e for e in report.duty("sapa_4_9").evidence if e.entity == "contractor_evaluations")
    window = build_window(demo)
    qtbot.addWidget(window)
    window.show()
    ComplianceScreen.today = DEMO_TODAY
    try:
        window.navigate("compliance", {"duty": "sapa_4_9"})
        screen = window.current_screen()
        assert isinstance(screen, ComplianceScreen)
        qtbot.waitUntil(lambda: screen.view is not None and screen.selected == "sapa_4_9", timeout=WAIT_MS)
        index = list(screen.duty("sapa_4_9").evidence).index(evidence)  # type: ignore[union-attr]
        screen.evidence.itemDoubleClicked.emit(screen.evidence.item(index))
        contractors = window.current_screen()
        assert contractors.key == "contractors"

        def selected_evaluation() -> str | None:
            rows = contractors.evaluations.selectionModel().selectedRows()  # type: ignore[attr-defined]
            view = getattr(contractors, "view", None)
            if not rows or view is None:
                return None
            return str(view.evaluations[rows[0].row()].id)

        qtbot.waitUntil(lambda: selected_evaluation() == evidence.record_id, timeout=WAIT_MS)
    finally:
        ComplianceScreen.today = None
    window.ctx.tasks.wait()
    window.close()


def test_review_then_owner_confirmation_locks_the_check(qtbot: QtBot, crafted: Workspace) -> None:
    screen = _screen(qtbot, crafted, CRAFTED_TODAY)
    screen.set_period("2026H1")
    qtbot.waitUntil(lambda: screen.view is not None and not screen.loading, timeout=WAIT_MS)
    screen.select_duty("sapa_4_3")
    assert not screen.confirm_button.isEnabled()  # nothing to confirm before the review
    screen.reviewer.setText("김안전")
    screen.findings.setPlainText("위험성평가 결과 보고 확인, 조치 2건 진행 중")
    assert screen.has_unsaved_changes()
    qtbot.mouseClick(screen.review_button, Qt.MouseButton.LeftButton)

    def reviewed() -> bool:
        duty = screen.duty("sapa_4_3")
        return (
            not screen.loading
            and duty is not None
            and duty.check is not None
            and duty.check.reviewed_on is not None
        )

    qtbot.waitUntil(reviewed, timeout=WAIT_MS)
    assert not screen.has_unsaved_changes()
    assert screen.confirm_button.isEnabled()
    assert screen.view is not None
    row_4_3 = [d.code for d in screen.view.report.duties].index("sapa_4_3")
    assert _cell(screen, row_4_3, COL_CHECK).startswith("Reviewed")
    dialog = screen.open_signature()  # the signature pad of the inspection forms
    dialog.pad.stroke([QPointF(20, 100), QPointF(120, 60), QPointF(220, 110)])
    dialog.accept()
    assert screen.signature_png is not None and screen.signature_png.startswith(b"\x89PNG")
    screen.owner_name.setText("박대표")
    screen.confirmed_on.setDate(screen.confirmed_on.date())
    qtbot.mouseClick(screen.confirm_button, Qt.MouseButton.LeftButton)

    def locked() -> bool:
        duty = screen.duty("sapa_4_3")
        return not screen.loading and duty is not None and duty.check is not None and duty.check.locked

    qtbot.waitUntil(locked, timeout=WAIT_MS)
    duty = screen.duty("sapa_4_3")
    assert duty is not None and duty.check is not None
    row = records.get(crafted, "compliance_checks", duty.check.record_id)
    assert row["locked_at"] and row["owner_name"] == "박대표"
    until = str(row["retention_until"])
    assert until >= "2031-05-20"  # kept 5 years (Decree Art. 13)
    assert until in screen.check_state.text()
    with crafted.reader() as conn:
        signed = conn.execute(
            select(attachment_links.c.sha256).where(
                attachment_links.c.entity == "compliance_checks",
                attachment_links.c.record_id == duty.check.record_id,
                attachment_links.c.role == "signature",
            )
        ).all()
    assert len(signed) == 1
    assert "Locked" in screen.check_state.text()
    # a locked check is read-only
    assert screen.reviewer.isReadOnly() and screen.findings.isReadOnly() and screen.owner_name.isReadOnly()
    assert not screen.review_button.isEnabled() and not screen.confirm_button.isEnabled()
    assert not screen.sign_button.isEnabled()
    screen.findings.setPlainText("changed")
    screen.record_review()  # refused: nothing is sent to the database
    screen.ctx.tasks.wait()
    again = records.get(crafted, "compliance_checks", duty.check.record_id)
    assert again["findings_text"] == row["findings_text"]
    screen.ctx.tasks.wait()


def test_changing_the_period_recomputes(qtbot: QtBot, demo: Workspace) -> None:
    screen = _screen(qtbot, demo, DEMO_TODAY)
    index = screen.period_box.findData("2026H1")
    assert index > 0
    screen.period_box.setCurrentIndex(index)
    qtbot.waitUntil(
        lambda: screen.view is not None and screen.view.report.period == "2026H1" and not screen.loading,
        timeout=WAIT_MS,
    )
    expected = compliance(demo, "2026H1", today=DEMO_TODAY)
    assert screen.view is not None and screen.view.report.end == date(2026, 6, 30)
    _assert_table_matches(screen, expected)
    assert screen.period_box.currentData() == "2026H1"
    screen.ctx.tasks.wait()


def test_continuous_risk_assessment_tab_lists_six_months(qtbot: QtBot, demo: Workspace) -> None:
    from safetydesk.core.compliance.continuous import continuous_ra

    screen = _screen(qtbot, demo, DEMO_TODAY)
    assert screen.months.rowCount() == 6
    assert screen.months.item(5, 0).text() == "2026-11"  # type: ignore[union-attr]
    assert screen.months.item(0, 0).text() == "2026-06"  # type: ignore[union-attr]
    june = continuous_ra(demo, date(2026, 6, 1))
    assert screen.months.item(0, 1).text() == ("Deemed" if june.deemed else "Not deemed")  # type: ignore[union-attr]
    if june.tbm_days_missing:
        assert str(june.tbm_days_missing[0]) in screen.months.item(0, 3).text()  # type: ignore[union-attr]
    screen.ctx.tasks.wait()


def test_the_binder_button_previews_the_selected_half_year(qtbot: QtBot, crafted: Workspace) -> None:
    from safetydesk.ui.reports import ReportDialog

    screen = _screen(qtbot, crafted, CRAFTED_TODAY)
    qtbot.mouseClick(screen.binder_button, Qt.MouseButton.LeftButton)
    dialog = screen.binder_dialog
    assert isinstance(dialog, ReportDialog) and dialog.kind == "binder"
    request = dialog.current_request()
    assert (request.date_from, request.date_to) == (date(2026, 1, 1), date(2026, 6, 30))
    qtbot.waitUntil(lambda: dialog.state in ("ready", "error"), timeout=120000)
    dialog.close()
    screen.ctx.tasks.wait()


def test_duty_numbers() -> None:
    assert duty_number("sapa_4_3") == "4-3"
    assert duty_number("sapa_5_2_1") == "5②-1"


def test_the_engine_is_not_imported_at_start_up() -> None:
    code = (
        "import sys; from safetydesk.ui import main_window, app; "
        "print(sorted(m for m in sys.modules if m.startswith(('safetydesk.core.compliance.engine', "
        "'safetydesk.core.services.compliance', 'safetydesk.ui.reports', 'safetydesk.core.reports'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"
