"""The plant screen: site form, headcounts, areas with outlines on the floor plan, the machine register."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, QSettings, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QMessageBox, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from safetydesk.core.i18n import set_language
from safetydesk.core.queries import plant as q
from safetydesk.core.services import records
from safetydesk.core.services.plant import save_area, save_equipment, save_site
from safetydesk.core.workspace.workspace import Workspace
from safetydesk.ui.context import AppContext
from safetydesk.ui.screens.plant import PlantScreen, areas_panel, equipment_panel, fields
from safetydesk.ui.screens.plant.floor_plan import BASE_COLOUR, score_colour
from safetydesk.ui.screens.plant.lists import OVERDUE_BACK, SOON_BACK, column_of, due_state
from safetydesk.ui.tasks import TaskRunner


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path) -> Iterator[None]:
    """Keep QSettings (list header state) out of the user's real settings; Korean UI."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))
    set_language("ko")
    yield
    set_language("ko")


def _plant(ws: Workspace) -> dict[str, str]:
    today = date.today()
    site = save_site(ws, {"name": "(주)동남정밀", "business_reg_no": "617-81-52794", "ksic_code": "31114"}).id
    press_line = save_area(
        ws, {"site_id": site, "code": "PR", "name": "프레스 라인", "hazard_tags": ["press", "noise"]}
    ).id
    store = save_area(ws, {"site_id": site, "code": "WH", "name": "창고", "hazard_tags": ["forklift"]}).id
    ids = {"site": site, "press_line": press_line, "store": store}
    for code, due in (
        ("PR-01", today - timedelta(days=3)),
        ("PR-02", today + timedelta(days=20)),
        ("PR-03", None),
    ):
        machine = save_equipment(
            ws,
            {
                "site_id": site,
                "area_id": press_line,
                "code": code,
                "name": f"{code} 프레스",
                "kind": "press",
                "installed_on": today - timedelta(days=400),
            },
        ).id
        records.update(ws, "equipment", machine, {"next_inspection_due": due})
        ids[code] = machine
    return ids


def _screen(qtbot: QtBot, ws: Workspace) -> PlantScreen:
    screen = PlantScreen(AppContext(workspace=ws, tasks=TaskRunner()))
    qtbot.addWidget(screen)
    screen.resize(1166, 768)
    screen.show()
    screen.refresh()
    qtbot.waitUntil(lambda: screen.site_id is not None or screen.site_combo.count() > 0, timeout=5000)
    return screen


def _codes(screen: PlantScreen) -> list[str]:
    view = screen.equipment_panel.list
    col = column_of(view, "code")
    return [view.model.data(view.model.index(r, col)) for r in range(view.model.rowCount())]


def test_site_tab_shows_the_site_and_checks_numbers_next_to_the_field(qtbot: QtBot, ws: Workspace) -> None:
    ids = _plant(ws)
    screen = _screen(qtbot, ws)
    panel = screen.site_panel
    qtbot.waitUntil(lambda: panel.name.text() == "(주)동남정밀", timeout=5000)
    assert screen.site_id == ids["site"] and not screen.has_unsaved_changes()
    panel.brn.setText("617-8-152794")
    assert screen.has_unsaved_changes()
    screen.save()
    assert panel.brn_error.isVisible() or not panel.brn_error.isHidden()
    assert panel.brn_error.text() == "사업자등록번호는 000-00-00000 형식이어야 합니다."
    assert q.site_detail(ws, ids["site"]).business_reg_no == "617-81-52794"  # nothing saved
    panel.brn.setText("6178152794")
    panel.name_en.setText("Dongnam Precision")
    with qtbot.waitSignal(panel.saved, timeout=5000):
        screen.save()
    detail = q.site_detail(ws, ids["site"])
    assert (detail.business_reg_no, detail.name_en) == ("617-81-52794", "Dongnam Precision")
    qtbot.waitUntil(lambda: not screen.has_unsaved_changes(), timeout=5000)
    # a headcount entry updates the "today" line
    panel.hc_regular.setValue(57)
    panel.hc_contractors.setValue(9)
    panel.hc_add.click()
    qtbot.waitUntil(lambda: "57" in panel.current.text(), timeout=5000)
    assert "66" in panel.current.text()
    screen.ctx.tasks.wait()


def test_an_empty_workspace_starts_with_a_new_site(qtbot: QtBot, ws: Workspace) -> None:
    screen = _screen(qtbot, ws)
    qtbot.waitUntil(lambda: screen.site_combo.count() == 1, timeout=5000)
    assert screen.site_id is None
    assert not screen.tabs.isTabEnabled(2)
    screen.site_panel.name.setText("새 공장")
    screen.site_panel.save()
    qtbot.waitUntil(lambda: screen.site_id is not None and screen.tabs.isTabEnabled(2), timeout=5000)
    assert screen.site_combo.currentText() == "새 공장"
    screen.ctx.tasks.wait()


def test_machine_list_colours_due_dates_and_follows_the_home_tiles(
    qtbot: QtBot,
    qtmodeltester,  # type: ignore[no-untyped-def]
    ws: Workspace,
) -> None:
    _plant(ws)
    screen = _screen(qtbot, ws)
    panel = screen.equipment_panel
    qtbot.waitUntil(lambda: _codes(screen) == ["PR-01", "PR-02", "PR-03"], timeout=5000)
    qtmodeltester.check(panel.list.model)
    qtmodeltester.check(screen.areas_panel.list.model)
    qtmodeltester.check(screen.site_panel.headcounts.model)
    qtbot.waitUntil(lambda: bool(panel.kinds), timeout=5000)
    delegate = panel.list.table.itemDelegate()
    model = panel.list.model
    backgrounds = []
    for row in range(3):
        option = QStyleOptionViewItem()
        delegate.initStyleOption(option, model.index(row, column_of(panel.list, "kind")))  # type: ignore[attr-defined]
        assert option.text == "프레스"  # type: ignore[attr-defined]
        backgrounds.append(option.backgroundBrush.color())  # type: ignore[attr-defined]
    assert backgrounds[0] == OVERDUE_BACK and backgrounds[1] == SOON_BACK
    assert backgrounds[2] != OVERDUE_BACK and backgrounds[2] != SOON_BACK

    screen.open_filtered({"statutory": "overdue"})
    assert screen.tabs.currentIndex() == 2
    qtbot.waitUntil(lambda: _codes(screen) == ["PR-01"], timeout=5000)
    assert panel.list.filter_boxes["statutory"].currentData() == "overdue"
    screen.open_filtered({"statutory": "due_60d"})
    qtbot.waitUntil(lambda: _codes(screen) == ["PR-02"], timeout=5000)
    screen.ctx.tasks.wait()


def test_open_filtered_before_the_first_load_is_applied_once_sites_arrive(
    qtbot: QtBot, ws: Workspace
) -> None:
    _plant(ws)
    screen = PlantScreen(AppContext(workspace=ws, tasks=TaskRunner()))
    qtbot.addWidget(screen)
    screen.open_filtered({"statutory": "overdue"})  # the home tile: navigate, then filter
    screen.refresh()
    qtbot.waitUntil(lambda: _codes(screen) == ["PR-01"], timeout=5000)
    screen.ctx.tasks.wait()


def test_edit_a_machine_and_record_its_statutory_inspection(
    qtbot: QtBot, ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _plant(ws)
    screen = _screen(qtbot, ws)
    screen.tabs.setCurrentIndex(2)
    panel = screen.equipment_panel
    qtbot.waitUntil(lambda: _codes(screen) == ["PR-01", "PR-02", "PR-03"] and bool(panel.kinds), timeout=5000)
    panel.list.table.selectRow(0)
    qtbot.waitUntil(lambda: panel.detail is not None and panel.detail.code == "PR-01", timeout=5000)
    assert "기한 경과" in panel.next_due.text()
    assert "36개월" in panel.rule.text()
    panel.name.setText("80톤 크랭크 프레스")
    panel.area.setCurrentIndex(panel.area.findData(ids["store"]))
    assert screen.has_unsaved_changes()
    screen.save()
    qtbot.waitUntil(lambda: not screen.has_unsaved_changes() and "저장" in screen.status.text(), timeout=5000)
    saved = q.equipment_detail(ws, ids["PR-01"])
    assert (saved.name, saved.area_id) == ("80톤 크랭크 프레스", ids["store"])

    inspected = date.today() - timedelta(days=1)
    monkeypatch.setattr(panel, "ask_inspection", lambda _machine: (inspected, "KC-2026-1"))
    qtbot.waitUntil(
        lambda: panel.detail is not None and panel.detail.name == "80톤 크랭크 프레스", timeout=5000
    )
    panel.record_button.click()
    qtbot.waitUntil(
        lambda: panel.detail is not None and panel.detail.last_inspected_on == inspected.isoformat(),
        timeout=5000,
    )
    detail = q.equipment_detail(ws, ids["PR-01"])
    assert detail.certificate_no == "KC-2026-1"
    assert detail.next_inspection_due is not None and detail.next_inspection_due > date.today().isoformat()
    assert "기한 경과" not in panel.next_due.text()
    assert detail.next_inspection_due in screen.status.text()
    screen.ctx.tasks.wait()


def test_new_machine_validation_is_shown_in_the_form(qtbot: QtBot, ws: Workspace) -> None:
    _plant(ws)
    screen = _screen(qtbot, ws)
    screen.tabs.setCurrentIndex(2)
    panel = screen.equipment_panel
    qtbot.waitUntil(lambda: _codes(screen) == ["PR-01", "PR-02", "PR-03"] and bool(panel.kinds), timeout=5000)
    screen.new_record()
    panel.code.setText("pr-01")
    panel.name.setText("중복 코드")
    panel.kind.setCurrentIndex(panel.kind.findData("shear"))
    screen.save()
    qtbot.waitUntil(lambda: panel.error.text() != "", timeout=5000)
    assert "pr-01" in panel.error.text() and "이미 사용 중" in panel.error.text()
    panel.code.setText("SH-01")
    screen.save()
    qtbot.waitUntil(lambda: "SH-01" in _codes(screen), timeout=5000)
    screen.ctx.tasks.wait()


def _png(path: Path, width: int = 400, height: int = 300) -> Path:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    assert image.save(str(path))
    return path


def test_floor_plan_import_draw_outline_highlight_and_scores(
    qtbot: QtBot, ws: Workspace, tmp_path: Path
) -> None:
    ids = _plant(ws)
    screen = _screen(qtbot, ws)
    screen.tabs.setCurrentIndex(1)
    panel = screen.areas_panel
    view = panel.view
    qtbot.waitUntil(lambda: len(panel.areas) == 2, timeout=5000)
    assert not view.has_plan() and not panel.draw_button.isEnabled()
    panel.import_plan(_png(tmp_path / "plan.png"))
    qtbot.waitUntil(view.has_plan, timeout=5000)
    assert q.site_detail(ws, ids["site"]).floor_plan_sha256 is not None

    panel.list.table.selectRow(panel.list.model.pages[0].ids.index(ids["press_line"]))
    qtbot.waitUntil(lambda: panel.area_id == ids["press_line"], timeout=5000)
    assert panel.draw_button.isEnabled()
    panel.draw_button.click()
    assert view.is_drawing()
    corners = [QPointF(50, 50), QPointF(250, 50), QPointF(250, 200), QPointF(50, 200)]
    for corner in corners:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(corner))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert not view.is_drawing()
    qtbot.waitUntil(lambda: ids["press_line"] in view.shapes, timeout=5000)
    saved = q.area_detail(ws, ids["press_line"]).polygon
    assert len(saved) == 4
    tolerance = 2.0 / view.transform().m11() + 1
    for (x, y), corner in zip(saved, corners, strict=True):
        assert abs(x - corner.x()) <= tolerance and abs(y - corner.y()) <= tolerance
    assert view.shapes[ids["press_line"]].highlighted

    # clicking the outline on the plan selects the area in the list and the form
    panel.list.table.selectRow(panel.list.model.pages[0].ids.index(ids["store"]))
    qtbot.waitUntil(lambda: panel.area_id == ids["store"], timeout=5000)
    assert not view.shapes[ids["press_line"]].highlighted
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(QPointF(150, 120)))
    assert panel.area_id == ids["press_line"] and panel.code.text() == "PR"

    screen.set_area_scores({ids["press_line"]: 1.0})
    assert view.shapes[ids["press_line"]].colour == score_colour(1.0)
    assert score_colour(0.0).hue() == 120 and score_colour(1.0).hue() == 0
    screen.set_area_scores({})
    assert view.shapes[ids["press_line"]].colour == BASE_COLOUR
    screen.ctx.tasks.wait()


def test_escape_cancels_and_too_few_corners_do_not_close(qtbot: QtBot, ws: Workspace, tmp_path: Path) -> None:
    ids = _plant(ws)
    screen = _screen(qtbot, ws)
    screen.tabs.setCurrentIndex(1)
    panel = screen.areas_panel
    view = panel.view
    panel.import_plan(_png(tmp_path / "plan.png"))
    qtbot.waitUntil(lambda: view.has_plan() and len(panel.areas) == 2, timeout=5000)
    panel.list.table.selectRow(0)
    qtbot.waitUntil(lambda: panel.area_id is not None, timeout=5000)
    panel.draw_button.click()
    for corner in (QPointF(10, 10), QPointF(100, 10)):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(corner))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert view.is_drawing()  # two corners are not an outline
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert not view.is_drawing() and not panel.draw_button.isChecked()
    screen.ctx.tasks.wait()
    assert q.area_detail(ws, ids["press_line"]).polygon == ()
    # a double-click on the last corner closes the outline
    area = panel.area_id
    assert area is not None
    panel.draw_button.click()
    for corner in (QPointF(10, 10), QPointF(100, 10)):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(corner))
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(QPointF(100, 90)))
    assert not view.is_drawing()
    qtbot.waitUntil(lambda: len(q.area_detail(ws, area).polygon) == 3, timeout=5000)
    screen.ctx.tasks.wait()


def test_a_file_that_is_too_big_or_not_an_image_is_refused(
    qtbot: QtBot, ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _plant(ws)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *a, **k: shown.append(text))
    screen = _screen(qtbot, ws)
    panel = screen.areas_panel
    big = _png(tmp_path / "big.png")
    with big.open("r+b") as fh:
        fh.truncate(20 * 1024 * 1024 + 1)
    panel.import_plan(big)
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=5000)
    assert "20 MB" in shown[0]
    fake = tmp_path / "plan.png.txt"
    fake.write_text("not a picture")
    panel.import_plan(fake)
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=5000)
    assert "PNG" in shown[1]
    assert q.site_detail(ws, ids["site"]).floor_plan_sha256 is None
    assert panel.import_button.isEnabled()
    screen.ctx.tasks.wait()


def test_area_form_saves_chips_and_asks_before_losing_edits(
    qtbot: QtBot, ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _plant(ws)
    screen = _screen(qtbot, ws)
    screen.tabs.setCurrentIndex(1)
    panel = screen.areas_panel
    qtbot.waitUntil(lambda: len(panel.areas) == 2 and panel.list.model.rowCount() == 2, timeout=5000)
    rows = panel.list.model.pages[0].ids
    panel.list.table.selectRow(rows.index(ids["press_line"]))
    qtbot.waitUntil(lambda: panel.area_id == ids["press_line"], timeout=5000)
    assert panel.chips.tags() == ["press", "noise"]  # a tag outside the chip set is kept as a chip
    panel.chips.chips["hot_work"].click()
    panel.name.setText("프레스·전단 라인")
    asked: list[str] = []

    def refuse(_parent: object, what: str) -> bool:
        asked.append(what)
        return False

    monkeypatch.setattr(areas_panel, "confirm_discard", refuse)
    panel.list.table.selectRow(rows.index(ids["store"]))
    assert asked == ["구역 정보"]
    assert panel.area_id == ids["press_line"] and panel.name.text() == "프레스·전단 라인"
    assert screen.has_unsaved_changes()
    screen.save()
    qtbot.waitUntil(lambda: not screen.has_unsaved_changes(), timeout=5000)
    saved = q.area_detail(ws, ids["press_line"])
    assert saved.name == "프레스·전단 라인" and saved.hazard_tags == ("press", "hot_work", "noise")
    # an area with machines cannot be removed: the message shows under the form
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    panel.remove_button.click()
    qtbot.waitUntil(lambda: panel.error.text() != "", timeout=5000)
    assert "설비 3대" in panel.error.text()
    screen.ctx.tasks.wait()


def test_due_state_boundaries() -> None:
    today = date(2026, 6, 1)
    assert due_state("2026-05-31", None, today) == "overdue"
    assert due_state("2026-06-01", None, today) == "soon"
    assert due_state("2026-07-31", None, today) == "soon"
    assert due_state("2026-08-01", None, today) == ""
    assert due_state("2026-05-31", "2026-01-01", today) == ""
    assert due_state(None, None, today) == ""


def test_english_labels(qtbot: QtBot, ws: Workspace) -> None:
    set_language("en")
    _plant(ws)
    screen = _screen(qtbot, ws)
    assert screen.tabs.tabText(2) == "Equipment register"
    assert fields.hazard_label("confined_space") == "Confined space"
    panel = screen.equipment_panel
    qtbot.waitUntil(lambda: bool(panel.kinds), timeout=5000)
    assert panel.kind_label("overhead_crane") == "Overhead crane"
    assert equipment_panel.STATUTORY_CHOICES[1][1] == "overdue"
    screen.ctx.tasks.wait()


def test_large_plans_are_decoded_small_but_keep_full_size_coordinates(tmp_path: Path) -> None:
    from safetydesk.ui.operations.plant import decode_image

    decoded = decode_image(path=_png(tmp_path / "wide.png", 3000, 200), max_side=600)
    assert (decoded.image.width(), decoded.image.height()) == (600, 40)
    assert decoded.scale == pytest.approx(5.0) and decoded.original_size == (3000, 200)
    small = decode_image(data=_png(tmp_path / "small.png", 30, 20).read_bytes())
    assert small.scale == 1.0 and small.image.width() == 30
