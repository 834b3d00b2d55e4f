"""Home's duty lights are the compliance engine's statuses; ahead of a half-year's end (30 Jun,
31 Dec) the duties not met are listed at 30, 14 and 7 days, each leading to the SAPA duties screen."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from pytestqt.qtbot import QtBot

from safetydesk.core.compliance.engine import compliance
from safetydesk.core.compliance.model import Status
from safetydesk.core.i18n import set_language
from safetydesk.core.queries.home import home_duties, reminder_stage, reminders
from safetydesk.core.services import records
from safetydesk.core.workspace.workspace import Workspace
from safetydesk.ui.context import AppContext
from safetydesk.ui.screens.home import HomeScreen
from safetydesk.ui.tasks import TaskRunner
from tests.factories import base_refs, minimal

WAIT_MS = 20000


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("ko")


@pytest.fixture
def crafted(ws: Workspace) -> Workspace:
    refs = base_refs(ws)
    records.create(ws, "site_headcounts", minimal("site_headcounts", refs))
    return ws


def test_reminder_steps_at_30_14_and_7_days() -> None:
    assert reminder_stage(31) is None
    assert reminder_stage(30) == 30
    assert reminder_stage(15) == 30
    assert reminder_stage(14) == 14
    assert reminder_stage(8) == 14
    assert reminder_stage(7) == 7
    assert reminder_stage(0) == 7
    assert reminder_stage(-1) is None


@pytest.mark.parametrize(
    ("today", "days_left", "stage"),
    [
        (date(2026, 5, 30), None, None),  # 31 days before 30 Jun: nothing yet
        (date(2026, 5, 31), 30, 30),
        (date(2026, 6, 16), 14, 14),
        (date(2026, 6, 23), 7, 7),
        (date(2026, 6, 30), 0, 7),  # the last day of H1
        (date(2026, 7, 1), None, None),  # H2 has just begun: 183 days left
        (date(2026, 12, 1), 30, 30),  # ahead of 31 Dec
    ],
)
def test_reminders_list_the_duties_not_met_before_the_half_year_ends(
    crafted: Workspace, today: date, days_left: int | None, stage: int | None
) -> None:
    result = home_duties(crafted, today)
    report = result.report
    assert report.start <= today <= report.end
    not_met = [d.code for d in report.duties if d.status in (Status.MISSING, Status.PARTLY)]
    assert not_met  # a bare site misses most duties
    if days_left is None:
        assert result.reminders == ()
        return
    assert [r.duty_code for r in result.reminders] == not_met
    assert {r.days_left for r in result.reminders} == {days_left}
    assert {r.stage for r in result.reminders} == {stage}
    assert all(r.period_end == report.end for r in result.reminders)
    # the pure function agrees with the query
    assert reminders(report, today) == result.reminders


def test_home_shows_the_engines_lights_and_the_reminders(qtbot: QtBot, crafted: Workspace) -> None:
    today = date(2026, 6, 16)
    ctx = AppContext(workspace=crafted, tasks=TaskRunner())
    home = HomeScreen(ctx)
    home.today = today
    qtbot.addWidget(home)
    home.show()
    home.refresh()
    qtbot.waitUntil(lambda: home.duties is not None and home.counts is not None, timeout=WAIT_MS)
    expected = compliance(crafted, "2026H1", today=today)
    assert home.duties is not None
    assert [(d.code, d.status) for d in home.duties.report.duties] == [
        (d.code, d.status) for d in expected.duties
    ]
    assert list(home.duty_rows) == [d.code for d in expected.duties]
    assert "2026H1" in home.duty_box.title()
    assert home.reminder_frame.isVisibleTo(home)
    not_met = [d.code for d in expected.duties if d.status in (Status.MISSING, Status.PARTLY)]
    assert [r.objectName() for r in home.reminder_rows] == [f"reminder-{c}" for c in not_met]
    assert "ends in 14 days" in home.reminder_heading.text()
    assert "14 days left" in home.reminder_rows[0].toolTip()
    with qtbot.waitSignal(home.navigate, timeout=2000) as signal:
        home.reminder_rows[0].clicked.emit()
    assert signal.args == ["compliance", {"duty": not_met[0], "period": "2026H1"}]
    # the day after H1 ends: no reminder
    home.today = date(2026, 7, 1)
    home.duties = None
    home.refresh()
    qtbot.waitUntil(lambda: home.duties is not None, timeout=WAIT_MS)
    assert not home.reminder_frame.isVisibleTo(home)
    assert "2026H2" in home.duty_box.title()
    ctx.tasks.wait()
