"""The People screen's "Appointments and evaluations" tab (선임·평가, SAPA Decree Art. 4 items 5–6):
appointing through the tab writes the appointment, the MOEL report is marked late after 14 days, a
half-yearly evaluation with criteria is saved as a draft and completed (locked, read-only), and the
list of people not yet evaluated shrinks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QDialog
from pytestqt.qtbot import QtBot

from safetydesk.core.errors import LegalHoldError
from safetydesk.core.queries.appointments import (
    appointments_in_force,
    evaluations_for_period,
    unevaluated,
)
from safetydesk.core.services import appointments as appointment_service
from safetydesk.core.services import records
from safetydesk.core.workspace.workspace import Workspace
from safetydesk.ui.context import AppContext
from safetydesk.ui.screens import emergency_common as common
from safetydesk.ui.screens.people import (
    DEFAULT_CRITERIA,
    AppointmentDialog,
    AppointmentsPage,
    DateDialog,
    EvaluationDialog,
    PeopleScreen,
)
from safetydesk.ui.tasks import TaskRunner
from tests.conftest import DEMO_TODAY

WAIT_MS = 20000
TODAY = date(2026, 7, 10)  # ten days after the 30 June cut: 2026H1 is still being evaluated
ACCEPTED = int(QDialog.DialogCode.Accepted)


pytestmark = pytest.mark.usefixtures("english_ui")


@pytest.fixture
def plant(ws: Workspace) -> dict[str, str]:
    site = records.create(ws, "sites", {"name": "동남정밀"}).id
    people = {}
    for name, kind, job in (
        ("김반장", "supervisor", "supervisor"),
        ("이안전", "worker", "office_sales"),
        ("박보건", "worker", "office_sales"),
    ):
        people[name] = records.create(
            ws,
            "people",
            {
                "site_id": site,
                "name": name,
                "kind": kind,
                "job_type": job,
                "roles": [],
                "hired_on": date(2024, 1, 2),
            },
        ).id
    return people


def _page(qtbot: QtBot, ws: Workspace, today: date) -> AppointmentsPage:
    screen = PeopleScreen(AppContext(workspace=ws, tasks=TaskRunner()))
    qtbot.addWidget(screen)
    screen.resize(1280, 760)
    screen.show()
    page = screen.appointments
    page._screen = screen  # the screen owns the page: keep it alive with the test's page
    page.set_today(today)
    screen.tabs.setCurrentWidget(page)  # opening the tab loads it
    _settle(qtbot, page)
    return page


def _settle(qtbot: QtBot, page: AppointmentsPage) -> None:
    qtbot.waitUntil(lambda: page.loading == 0 and page.period_data is not None, timeout=WAIT_MS)
    page.ctx.tasks.wait()
    qtbot.wait(20)
    qtbot.waitUntil(lambda: page.loading == 0, timeout=WAIT_MS)


def _answer(page: AppointmentsPage, fill: Callable[[QDialog], None]) -> list[QDialog]:
    """Make the next dialogs run: ``fill`` edits the real dialog, then it is accepted."""
    seen: list[QDialog] = []

    def run(dialog: QDialog) -> int:
        seen.append(dialog)
        fill(dialog)
        return ACCEPTED

    page.run_dialog = run
    return seen


def _row(page: AppointmentsPage, person: str) -> int:
    table = page.appointment_table
    for row in range(table.rowCount()):
        if table.item(row, 1).text() == person:  # type: ignore[union-attr]
            return row
    raise AssertionError(person)


def _appoint(
    qtbot: QtBot, page: AppointmentsPage, person_id: str, role: str, on: date, **extra: object
) -> None:
    before = page.appointment_table.rowCount()

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, AppointmentDialog)
        dialog.person_box.setCurrentIndex(dialog.person_box.findData(person_id))
        dialog.role_box.setCurrentIndex(dialog.role_box.findData(role))
        dialog.date_edit.set_value(on)
        dialog.authority_edit.setPlainText(str(extra.get("authority", "")))
        dialog.budget_box.setValue(int(extra.get("budget", 0)))  # type: ignore[call-overload]
        dialog.reported_edit.set_value(extra.get("reported"))  # type: ignore[arg-type]

    _answer(page, fill)
    qtbot.mouseClick(page.appoint_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.appointment_table.rowCount() == before + 1, timeout=WAIT_MS)
    _settle(qtbot, page)


def test_appoint_evaluate_and_complete_through_the_tab(
    qtbot: QtBot, ws: Workspace, plant: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    page = _page(qtbot, ws, TODAY)
    assert page.period() == "2026H1"  # within 31 days of the cut the finished half-year comes first
    assert page.appointment_table.rowCount() == 0
    assert page.unevaluated_label.text() == "Nobody held an evaluated role in this half-year."

    _appoint(
        qtbot,
        page,
        plant["김반장"],
        "supervisor",
        date(2026, 3, 2),
        authority="작업 중지 권한",
        budget=3_000_000,
    )
    [held] = appointments_in_force(ws, TODAY)
    assert (held.person_id, held.role, held.appointed_on, held.authority, held.budget_amount) == (
        plant["김반장"],
        "supervisor",
        date(2026, 3, 2),
        "작업 중지 권한",
        3_000_000,
    )
    row = _row(page, "김반장")
    assert page.appointment_table.item(row, 0).text() == "Supervisor"  # type: ignore[union-attr]
    assert page.appointment_table.item(row, 4).text() == "3,000,000 won"  # type: ignore[union-attr]
    assert page.appointment_table.item(row, 5).text() == "not required"  # type: ignore[union-attr]
    assert [a.id for a in unevaluated(ws, "2026H1")] == [held.id]
    assert page.unevaluated_label.text() == "1 of 1 not evaluated yet"
    assert page.evaluation_table.item(0, 2).text() == "Not evaluated yet"  # type: ignore[union-attr]

    # the evaluation dialog: default supervisor criteria, edited, saved as a draft
    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, EvaluationDialog)
        assert dialog.criteria.rowCount() == len(DEFAULT_CRITERIA) == 5
        assert dialog.criteria.item(2, 0).text() == "Running the TBM"  # type: ignore[union-attr]
        for i, score in enumerate((18, 15, 20, 12, 16)):
            dialog.set_score(i, score)
        dialog.add_criterion("Near-miss reporting", 7, 10)
        assert dialog.total_label.text() == "Total 88 of 110"
        assert dialog.result_box.currentData() == "adequate"  # 80 %
        dialog.evaluator_edit.setText("대표 박사장")
        dialog.notes_edit.setPlainText("TBM 우수")
        assert dialog.date_edit.value() == TODAY
        dialog.draft_button.click()

    page.select_evaluation_row(held.id)
    assert page.evaluate_button.isEnabled() and not page.complete_button.isEnabled()
    seen = _answer(page, fill)
    qtbot.mouseClick(page.evaluate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.unevaluated_label.text() == "Everyone evaluated (1)", timeout=WAIT_MS)
    _settle(qtbot, page)
    assert len(seen) == 1 and not seen[0].complete  # type: ignore[attr-defined]
    [draft] = evaluations_for_period(ws, "2026H1")
    assert (draft.status, draft.locked, draft.total_score, draft.max_score, draft.result) == (
        "draft",
        False,
        88,
        110,
        "adequate",
    )
    assert [c.label for c in draft.criteria][-1] == "Near-miss reporting" and len(draft.criteria) == 6
    assert draft.evaluated_on == TODAY and draft.evaluator == "대표 박사장"
    assert unevaluated(ws, "2026H1") == ()  # the list shrank
    assert page.evaluation_table.item(0, 2).text() == "Draft"  # type: ignore[union-attr]
    assert page.evaluation_table.item(0, 4).text() == "88 / 110"  # type: ignore[union-attr]

    # complete → locked
    monkeypatch.setattr(common, "confirm", lambda _parent, _text: True)
    assert page.select_evaluation_row(held.id, evaluated=True)
    assert page.complete_button.isEnabled() and page.delete_button.isEnabled()
    qtbot.mouseClick(page.complete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: page.evaluation_table.item(0, 2).text() == "Completed and locked",  # type: ignore[union-attr]
        timeout=WAIT_MS,
    )
    _settle(qtbot, page)
    [done] = evaluations_for_period(ws, "2026H1")
    assert done.locked and done.status == "completed" and done.retention_until == "2031-07-10"
    with pytest.raises(LegalHoldError):
        appointment_service.delete_evaluation(ws, done.id)

    # opened again it is read-only
    page.select_evaluation_row(held.id, evaluated=True)
    assert not page.complete_button.isEnabled() and not page.delete_button.isEnabled()
    assert page.open_button.isEnabled() and not page.evaluate_button.isEnabled()
    opened: list[EvaluationDialog] = []

    def look(dialog: QDialog) -> None:
        assert isinstance(dialog, EvaluationDialog)
        opened.append(dialog)

    page.run_dialog = lambda d: (look(d), int(QDialog.DialogCode.Rejected))[1]
    qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    [view] = opened
    assert view.read_only and view.criteria.rowCount() == 6
    assert view.criteria.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    assert view.evaluator_edit.isReadOnly() and view.notes_edit.isReadOnly()
    assert not view.complete_button.isEnabled() and not view.draft_button.isEnabled()
    assert not view.add_button.isEnabled() and not view.result_box.isEnabled()
    assert view.state_label.text() == "Completed and locked; kept until 2031-07-10."
    assert view.total_label.text() == "Total 88 of 110"
    page.ctx.tasks.wait()


def test_moel_report_late_marking_and_ending_an_appointment(
    qtbot: QtBot, ws: Workspace, plant: dict[str, str]
) -> None:
    page = _page(qtbot, ws, TODAY)
    # safety officer appointed 1 June, not reported: due 15 June, late on 10 July
    _appoint(qtbot, page, plant["이안전"], "safety_officer", date(2026, 6, 1))
    # health officer appointed 1 June and reported on day 14 (15 June): on time
    _appoint(qtbot, page, plant["박보건"], "health_officer", date(2026, 6, 1), reported=date(2026, 6, 15))
    # a supervisor appointed 1 July is in force and not reported (not a reported role)
    _appoint(qtbot, page, plant["김반장"], "supervisor", date(2026, 7, 1))
    table = page.appointment_table
    late = _row(page, "이안전")
    assert table.item(late, 5).text() == "not reported — late (due 2026-06-15)"  # type: ignore[union-attr]
    assert table.item(late, 5).foreground().color().name() == "#b00020"  # type: ignore[union-attr]
    on_time = _row(page, "박보건")
    assert table.item(on_time, 5).text() == "2026-06-15"  # type: ignore[union-attr]
    assert table.item(on_time, 5).foreground().color().name() != "#b00020"  # type: ignore[union-attr]
    assert table.item(_row(page, "김반장"), 5).text() == "not required"  # type: ignore[union-attr]
    assert (
        page.in_force_label.text() == "3 appointments in force on 2026-07-10 — 1 not reported to MOEL in time"
    )

    # recording the report on 20 June keeps it marked late
    table.selectRow(late)
    _answer(page, lambda d: d.date_edit.set_value(date(2026, 6, 20)))  # type: ignore[attr-defined]
    qtbot.mouseClick(page.report_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: table.item(_row(page, "이안전"), 5).text() == "2026-06-20 (late)",  # type: ignore[union-attr]
        timeout=WAIT_MS,
    )
    _settle(qtbot, page)
    officer = next(a for a in appointments_in_force(ws, TODAY) if a.role == "safety_officer")
    assert officer.reported_to_moel_on == date(2026, 6, 20) and officer.report_late
    # reported, but after the 14 days: still not reported in time
    assert page.in_force_label.text().endswith("— 1 not reported to MOEL in time")

    # the supervisor (appointed 1 July: 2026H2 only) ends on 9 July: no longer in force on the 10th,
    # but still to be evaluated for the days held in 2026H2
    assert [a.person_name for a in unevaluated(ws, "2026H1")] == []
    table.selectRow(_row(page, "김반장"))
    dialogs = _answer(page, lambda d: d.date_edit.set_value(date(2026, 7, 9)))  # type: ignore[attr-defined]
    qtbot.mouseClick(page.end_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: table.rowCount() == 2, timeout=WAIT_MS)
    assert isinstance(dialogs[0], DateDialog)
    assert all(a.person_name != "김반장" for a in appointments_in_force(ws, TODAY))
    assert [a.person_name for a in unevaluated(ws, "2026H2")] == ["김반장"]  # held 1–9 July
    page.ctx.tasks.wait()


def test_the_demo_shows_who_is_not_evaluated(qtbot: QtBot, demo: Workspace) -> None:
    page = _page(qtbot, demo, DEMO_TODAY)
    assert page.period() == "2026H2"  # late November: the running half-year
    assert page.appointment_table.rowCount() == len(appointments_in_force(demo, DEMO_TODAY)) > 5
    page.period_box.setCurrentIndex(page.period_box.findData("2026H1"))
    _settle(qtbot, page)
    missing = unevaluated(demo, "2026H1")
    evaluations = evaluations_for_period(demo, "2026H1")
    assert len(missing) == 1 and missing[0].role == "supervisor"
    total = len(missing) + len({e.appointment_id for e in evaluations})
    assert page.unevaluated_label.text() == f"1 of {total} not evaluated yet"
    assert page.evaluation_table.rowCount() == len(missing) + len(evaluations)
    assert page.evaluation_table.item(0, 0).text() == missing[0].person_name  # type: ignore[union-attr]
    assert page.evaluation_table.item(0, 2).text() == "Not evaluated yet"  # type: ignore[union-attr]
    states = {page.evaluation_table.item(r, 2).text() for r in range(1, page.evaluation_table.rowCount())}  # type: ignore[union-attr]
    assert states == {"Completed and locked"}
    page.ctx.tasks.wait()
