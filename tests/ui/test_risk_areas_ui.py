"""Area risk on screen: the floor plan coloured by ``rank_areas``, the home card, re-ranking after a change."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from pytestqt.qtbot import QtBot

from safetydesk.core.i18n import set_language
from safetydesk.core.ml.areas import rank_areas
from safetydesk.core.services.incidents import QuickIntake, record_near_miss
from safetydesk.core.workspace.workspace import Workspace, open_workspace
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations import risk_areas
from safetydesk.ui.screens.home import AreaRow, HomeScreen
from safetydesk.ui.screens.plant import PlantScreen
from safetydesk.ui.screens.plant.floor_plan import score_colour
from safetydesk.ui.screens.plant.screen import AREAS_TAB
from safetydesk.ui.tasks import TaskRunner

TODAY = date(2026, 11, 23)
WAIT_MS = 20_000


@pytest.fixture(scope="module")
def demo_path(demo_year_path: Path) -> Path:
    return demo_year_path


@pytest.fixture(autouse=True)
def _korean_and_private_settings(tmp_path: Path) -> Iterator[None]:
    set_language("ko")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))
    yield
    set_language("ko")


@pytest.fixture
def ws(demo_path: Path, tmp_path: Path) -> Iterator[Workspace]:
    """A private copy of the demo: the re-rank test writes to it."""
    copy = tmp_path / "demo"
    shutil.copytree(demo_path, copy, ignore=shutil.ignore_patterns("*.lock"))
    workspace = open_workspace(copy, create=False)
    try:
        yield workspace
    finally:
        workspace.close()


@pytest.fixture
def ctx(ws: Workspace) -> Iterator[AppContext]:
    context = AppContext(workspace=ws, tasks=TaskRunner())
    yield context
    context.tasks.wait()


def _plant(qtbot: QtBot, ctx: AppContext) -> PlantScreen:
    screen = PlantScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1280, 800)
    screen.show()
    screen.tabs.setCurrentIndex(AREAS_TAB)
    screen.refresh()
    qtbot.waitUntil(lambda: screen.risk.runs >= 1 and bool(screen.areas_panel.view.shapes), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bool(screen.areas_panel.view.tips), timeout=WAIT_MS)
    return screen


def test_plan_is_painted_with_the_ranking(qtbot: QtBot, ctx: AppContext) -> None:
    expected = {a.area_id: a for a in rank_areas(ctx.workspace)}
    assert expected
    screen = _plant(qtbot, ctx)
    view = screen.areas_panel.view
    top = max(a.score for a in expected.values())
    assert set(view.scores) == set(expected)
    for area_id, value in view.scores.items():
        assert value == pytest.approx(expected[area_id].score / top)
    assert max(view.scores.values()) == pytest.approx(1.0)
    # the outlines on the plan take the colour of their score, and their tooltip the reasons
    assert view.shapes
    for area_id, shape in view.shapes.items():
        assert shape.colour == score_colour(view.scores[area_id])
        area = expected[area_id]
        assert f"{area.score:.2f}" in shape.toolTip()
        if area.reasons:
            assert area.reasons[0].render("ko") in shape.toolTip()
    assert f"{top:.2f}" in screen.areas_panel.legend.text()

    # selecting an area shows its score, rank and reasons under the plan
    best = min((a for a in expected.values() if a.area_id in view.shapes), key=lambda a: a.rank)
    screen.areas_panel.select_area(best.area_id)
    label = screen.areas_panel.risk_label.text()
    assert f"{best.score:.2f}" in label
    assert f"{best.rank}/{len(expected)}" in label
    if best.reasons:
        assert best.reasons[0].render("ko") in label


def test_home_card_lists_the_riskiest_areas_and_opens_the_plan(qtbot: QtBot, ctx: AppContext) -> None:
    ranked = rank_areas(ctx.workspace)
    home = HomeScreen(ctx)
    qtbot.addWidget(home)
    home.resize(1280, 800)
    home.show()
    home.refresh()
    qtbot.waitUntil(lambda: home.risk.runs >= 1, timeout=WAIT_MS)
    rows = home.area_box.findChildren(AreaRow)
    assert len(rows) == min(3, len(ranked))
    first = home.area_box.findChild(AreaRow, "risky-area-1")
    assert first is not None
    assert ranked[0].name in first.text()
    if ranked[0].reasons:
        assert ranked[0].reasons[0].render("ko") in first.text()
    with qtbot.waitSignal(home.navigate, timeout=2000) as sent:
        qtbot.mouseClick(first, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert sent.args == ["plant", {"risk_area": ranked[0].area_id}]

    # the Plant screen opens that area on the floor plan
    plant = PlantScreen(ctx)
    qtbot.addWidget(plant)
    plant.show()
    plant.open_filtered({"risk_area": ranked[0].area_id})
    plant.refresh()
    qtbot.waitUntil(lambda: plant.areas_panel.area_id == ranked[0].area_id, timeout=WAIT_MS)
    assert plant.tabs.currentIndex() == AREAS_TAB


def test_a_change_re_ranks_in_the_background(qtbot: QtBot, ctx: AppContext) -> None:
    screen = _plant(qtbot, ctx)
    screen.risk.poll.setInterval(100)
    screen.risk.debounce.setInterval(50)
    view = screen.areas_panel.view
    before_runs = screen.risk.runs
    target = max(
        (a for a in rank_areas(ctx.workspace) if a.area_id in view.shapes and a.rank > 1),
        key=lambda a: a.rank,
    )
    before = view.scores[target.area_id]
    raw_before = screen.areas_panel.risk[target.area_id].score

    for i in range(3):  # written by "someone else": the screen only learns of it by watching
        record_near_miss(
            ctx.workspace,
            QuickIntake(
                description=f"지게차가 보행자 옆을 스쳐 지나감 {i}",
                occurred_at=datetime.now(UTC),
                area_id=target.area_id,
            ),
        )
    qtbot.waitUntil(lambda: screen.risk.runs > before_runs, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: screen.areas_panel.risk[target.area_id].score != raw_before, timeout=WAIT_MS)
    assert screen.areas_panel.risk[target.area_id].score > raw_before
    fresh = {a.area_id: a.score for a in rank_areas(ctx.workspace)}
    assert screen.areas_panel.risk[target.area_id].score == pytest.approx(fresh[target.area_id])
    assert view.scores[target.area_id] != pytest.approx(before)
    assert screen.risk.version == risk_areas.data_version(ctx.workspace)


def test_hidden_screens_do_not_poll(qtbot: QtBot, ctx: AppContext) -> None:
    screen = _plant(qtbot, ctx)
    screen.hide()
    runs = screen.risk.runs
    record_near_miss(
        ctx.workspace,
        QuickIntake(description="바닥에 기름이 흘러 미끄러질 뻔함", occurred_at=datetime.now(UTC)),
    )
    screen.risk.poll.setInterval(50)
    qtbot.wait(400)
    assert screen.risk.runs == runs
    screen.show()
    screen.refresh()  # the main window refreshes a screen when it is shown again
    qtbot.waitUntil(lambda: screen.risk.runs > runs, timeout=WAIT_MS)


def test_the_first_screen_does_not_load_the_model_at_start_up() -> None:
    """Home is painted first; numpy and the ranking engine load on the database lane afterwards, the
    encryption of .sdpack packages only when one is made or opened, and the sync client (httpx, keyring)
    on the first sync."""
    import subprocess
    import sys

    code = (
        "import sys; from safetydesk.ui import main_window, app; "
        "from safetydesk.ui.screens import home; from safetydesk.ui.screens.plant import screen; "
        "print(sorted(m for m in sys.modules if m.startswith(('safetydesk.core.ml', 'numpy', 'sklearn', "
        "'cryptography', 'safetydesk.core.sync.client', 'httpx', 'keyring'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"
