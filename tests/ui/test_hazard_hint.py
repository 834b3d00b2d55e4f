"""Hazard suggestions inside the forms: the model suggests while typing, a person accepts or corrects.

These run the real model (trained once per session by ``hazard_model_dir``) on a real workspace.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from safetydesk.core.db.tables import hazard_labels, incidents
from safetydesk.core.i18n import set_language
from safetydesk.core.workspace.workspace import Workspace
from safetydesk.ui.context import AppContext
from safetydesk.ui.screens import emergency_common as common
from safetydesk.ui.screens.emergency_common import select_data
from safetydesk.ui.screens.incidents import IncidentsScreen
from safetydesk.ui.tasks import TaskRunner
from safetydesk.ui.widgets.hazard_hint import HazardHint
from tests.factories import base_refs

WAIT_MS = 30000  # the first suggestion loads the model
PRESS = "프레스 금형 교체 중 손이 끼일 뻔함"


@pytest.fixture
def ctx(ws: Workspace, hazard_model_dir: Path) -> Iterator[AppContext]:
    context = AppContext(workspace=ws, tasks=TaskRunner())
    yield context
    context.tasks.wait()


@pytest.fixture
def screen(qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    set_language("ko")
    monkeypatch.setattr(common, "confirm", lambda *_a: True)
    widget = IncidentsScreen(ctx)
    qtbot.addWidget(widget)
    widget.refs = base_refs(ctx.workspace)  # type: ignore[attr-defined]
    widget.resize(1166, 720)
    widget.show()
    widget.refresh()
    qtbot.waitUntil(lambda: widget.incidents.area_filter.count() == 2, timeout=5000)
    yield widget
    set_language("en")


def _incident(ws: Workspace, incident_id: str) -> dict[str, Any]:
    with ws.reader() as conn:
        row = conn.execute(select(incidents).where(incidents.c.id == incident_id)).one()
    return dict(row._mapping)


def _labels(ws: Workspace, entity: str, record_id: str) -> list[dict[str, Any]]:
    with ws.reader() as conn:
        rows = conn.execute(
            select(hazard_labels)
            .where(hazard_labels.c.entity == entity, hazard_labels.c.record_id == record_id)
            .order_by(hazard_labels.c.created_at, hazard_labels.c.id)
        )
        return [dict(r._mapping) for r in rows]


def _wait_for_suggestion(qtbot: QtBot, hint: HazardHint) -> None:
    qtbot.waitUntil(lambda: hint.shown is not None and hint.shown_text == hint.text(), timeout=WAIT_MS)


def test_incident_form_suggests_and_accept_is_stored(qtbot: QtBot, screen: Any, ctx: AppContext) -> None:
    page = screen.incidents
    form = page.form
    page.new_incident()
    select_data(form.kind_box, "near_miss")
    hint = form.hazard_hint
    assert hint.suggestion_for_save() is None
    form.description_edit.setPlainText(PRESS)
    _wait_for_suggestion(qtbot, hint)
    assert hint.shown is not None and hint.shown.group == "caught"
    text = hint.label.text()
    assert text.startswith("제안: 끼임") and "%" in text and "심각도 잠재성" in text
    assert "OSHA" in hint.label.toolTip() and hint.shown.model_version in hint.label.toolTip()
    assert hint.accept_button.isVisible() and hint.accept_button.isEnabled()
    assert form.hazard_box.currentData() is None
    hint.accept_button.click()
    assert form.hazard_box.currentData() == "caught"
    assert not hint.accept_button.isEnabled()  # already applied
    screen.save()
    qtbot.waitUntil(lambda: form.detail is not None, timeout=5000)
    row = _incident(ctx.workspace, form.detail.id)
    assert row["hazard_group"] == "caught"
    stored = row["model_suggestion"]
    assert stored["decision"] == "accepted" and stored["group"] == "caught"
    assert stored["model_version"] == hint.shown.model_version
    labels = _labels(ctx.workspace, "incidents", form.detail.id)
    assert [(lb["decision"], lb["hazard_group"], lb["suggested_group"]) for lb in labels] == [
        ("accepted", "caught", "caught")
    ]
    assert labels[0]["model_version"] == stored["model_version"]


def test_incident_form_correction_is_stored(qtbot: QtBot, screen: Any, ctx: AppContext) -> None:
    page = screen.incidents
    form = page.form
    page.new_incident()
    select_data(form.kind_box, "near_miss")
    form.description_edit.setPlainText(PRESS)
    _wait_for_suggestion(qtbot, form.hazard_hint)
    select_data(form.hazard_box, "struck")  # the officer disagrees
    screen.save()
    qtbot.waitUntil(lambda: form.detail is not None, timeout=5000)
    row = _incident(ctx.workspace, form.detail.id)
    assert row["hazard_group"] == "struck"
    assert row["model_suggestion"]["decision"] == "corrected"
    assert row["model_suggestion"]["chosen_group"] == "struck"
    labels = _labels(ctx.workspace, "incidents", form.detail.id)
    assert [(lb["decision"], lb["suggested_group"]) for lb in labels] == [("corrected", "caught")]


def test_stale_suggestion_is_not_saved(qtbot: QtBot, screen: Any) -> None:
    form = screen.incidents.form
    screen.incidents.new_incident()
    form.description_edit.setPlainText(PRESS)
    _wait_for_suggestion(qtbot, form.hazard_hint)
    form.description_edit.setPlainText(PRESS + " 작업자 2명")
    assert form.hazard_hint.suggestion_for_save() is None  # shown for the old text
    form.description_edit.setPlainText("추락")  # too short to read
    assert form.hazard_hint.shown is None and not form.hazard_hint.accept_button.isVisible()


def test_near_miss_intake_with_hint(qtbot: QtBot, screen: Any, ctx: AppContext) -> None:
    screen.new_record()
    dialog = screen.incidents.quick
    assert dialog is not None and dialog.hazard_box.currentData() is None
    dialog.text_edit.setPlainText(PRESS)
    _wait_for_suggestion(qtbot, dialog.hazard_hint)
    assert "끼임" in dialog.hazard_hint.label.text()
    dialog.hazard_hint.accept_button.click()
    assert dialog.hazard_box.currentData() == "caught"
    qtbot.keyClick(dialog.text_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    form = screen.incidents.form
    qtbot.waitUntil(lambda: form.detail is not None, timeout=5000)
    row = _incident(ctx.workspace, form.detail.id)
    assert row["hazard_group"] == "caught" and row["model_suggestion"]["decision"] == "accepted"
    assert _labels(ctx.workspace, "incidents", form.detail.id)[0]["decision"] == "accepted"


def test_near_miss_intake_without_group_still_saves(qtbot: QtBot, screen: Any, ctx: AppContext) -> None:
    screen.new_record()
    dialog = screen.incidents.quick
    dialog.text_edit.setPlainText(PRESS)
    _wait_for_suggestion(qtbot, dialog.hazard_hint)
    qtbot.keyClick(dialog.text_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    form = screen.incidents.form
    qtbot.waitUntil(lambda: form.detail is not None, timeout=5000)
    row = _incident(ctx.workspace, form.detail.id)
    assert row["hazard_group"] is None and row["model_suggestion"] is None
    assert _labels(ctx.workspace, "incidents", form.detail.id) == []


def test_english_hint(qtbot: QtBot, screen: Any) -> None:
    set_language("en")
    hint = HazardHint(screen.ctx)
    qtbot.addWidget(hint)
    hint.set_text("Worker's hand was caught in the press die while changing the mould")
    _wait_for_suggestion(qtbot, hint)
    assert hint.label.text().startswith("Suggestion: ") and "Severity potential" in hint.label.text()
    assert hint.accept_button.text() == "Accept"


def test_hint_unavailable_without_a_model(
    qtbot: QtBot, ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from safetydesk.core.ml import manage

    empty = tmp_path / "no-model"
    empty.mkdir()
    monkeypatch.setenv(manage.ENV_MODEL_DIR, str(empty))
    manage._cache.clear()
    set_language("ko")
    ctx = AppContext(workspace=ws, tasks=TaskRunner())
    try:
        screen = IncidentsScreen(ctx)
        qtbot.addWidget(screen)
        screen.show()
        form = screen.incidents.form
        screen.incidents.new_incident()
        form.description_edit.setPlainText(PRESS)
        hint = form.hazard_hint
        qtbot.waitUntil(lambda: hint.unavailable is not None, timeout=WAIT_MS)
        assert hint.label.text() == "위험 유형 제안을 사용할 수 없음"
        assert hint.unavailable in hint.label.toolTip()
        assert not hint.accept_button.isVisible() and hint.suggestion_for_save() is None
        select_data(form.hazard_box, "fall")
        screen.save()  # the form works as usual
        qtbot.waitUntil(lambda: form.detail is not None, timeout=5000)
        assert form.detail.hazard_group == "fall"
    finally:
        ctx.tasks.wait()
        manage._cache.clear()
        set_language("en")


# -- risk assessment items ----------------------------------------------------------------------------


def _risk_screen(qtbot: QtBot, ctx: AppContext) -> Any:
    from safetydesk.ui.screens.risk import RiskScreen

    set_language("ko")
    base_refs(ctx.workspace)
    screen = RiskScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1166, 768)
    screen.show()
    screen.refresh()
    qtbot.waitUntil(lambda: screen.reference is not None, timeout=5000)
    return screen


def test_risk_item_hint_accept_is_saved_and_reloaded(qtbot: QtBot, ctx: AppContext) -> None:
    from safetydesk.core.queries.risk import assessment_detail
    from safetydesk.ui.screens.risk.items_model import COLUMN_INDEX

    screen = _risk_screen(qtbot, ctx)
    try:
        screen.new_record()
        screen.form.title.setText("프레스 금형 교체")
        model = screen.model
        cell = model.index(0, COLUMN_INDEX["situation"])
        screen.table.setCurrentIndex(cell)
        model.setData(model.index(0, COLUMN_INDEX["task"]), "금형 교체")
        model.setData(model.index(0, COLUMN_INDEX["hazard_class"]), "mechanical")
        model.setData(cell, PRESS)
        hint = screen.hazard_hint
        _wait_for_suggestion(qtbot, hint)
        assert hint.shown is not None and hint.shown.group == "caught" and "끼임" in hint.label.text()
        assert model.item(0).hazard_group is None
        hint.accept_button.click()
        item = model.item(0)
        assert item.hazard_group == "caught" and item.model_suggestion is not None
        assert model.data(model.index(0, COLUMN_INDEX["hazard_group"])) == "끼임"
        assert not hint.accept_button.isEnabled() and screen.dirty
        screen.save()
        qtbot.waitUntil(lambda: not screen.busy, timeout=5000)
        assert not screen.error.isVisibleTo(screen), screen.error.text()
        assert screen.assessment_id is not None
        ctx.tasks.wait()
        detail = assessment_detail(ctx.workspace, screen.assessment_id)
        saved = detail.items[0]
        assert saved.hazard_group == "caught"
        assert saved.model_suggestion is not None and saved.model_suggestion["decision"] == "accepted"
        labels = _labels(ctx.workspace, "risk_items", str(saved.id))
        assert [(lb["decision"], lb["hazard_group"]) for lb in labels] == [("accepted", "caught")]
        # the reloaded table shows the group
        assert screen.model.item(0).hazard_group == "caught"
    finally:
        set_language("en")


def test_risk_item_group_cell_correction(qtbot: QtBot, ctx: AppContext) -> None:
    from safetydesk.core.queries.risk import assessment_detail
    from safetydesk.ui.screens.risk.items_model import COLUMN_INDEX

    screen = _risk_screen(qtbot, ctx)
    try:
        screen.new_record()
        screen.form.title.setText("프레스")
        model = screen.model
        cell = model.index(0, COLUMN_INDEX["situation"])
        screen.table.setCurrentIndex(cell)
        model.setData(model.index(0, COLUMN_INDEX["task"]), "금형 교체")
        model.setData(model.index(0, COLUMN_INDEX["hazard_class"]), "mechanical")
        model.setData(cell, PRESS)
        _wait_for_suggestion(qtbot, screen.hazard_hint)
        group_cell = model.index(0, COLUMN_INDEX["hazard_group"])
        assert ("끼임", "caught", "") in model.data(group_cell, Qt.ItemDataRole.UserRole + 2)
        assert model.setData(group_cell, "struck")  # the person picks another group in the cell
        assert not model.setData(group_cell, "nonsense")
        screen.save()
        qtbot.waitUntil(lambda: not screen.busy, timeout=5000)
        assert not screen.error.isVisibleTo(screen), screen.error.text()
        assert screen.assessment_id is not None
        ctx.tasks.wait()
        saved = assessment_detail(ctx.workspace, screen.assessment_id).items[0]
        assert saved.hazard_group == "struck"
        labels = _labels(ctx.workspace, "risk_items", str(saved.id))
        assert [(lb["decision"], lb["suggested_group"]) for lb in labels] == [("corrected", "caught")]
        # editing the situation drops the suggestion read from the old text
        model.setData(model.index(0, COLUMN_INDEX["situation"]), "지게차 후진 중 보행자 충돌")
        assert model.item(0).model_suggestion is None and model.item(0).hazard_group == "struck"
    finally:
        set_language("en")


# -- findings (corrective actions screen) -------------------------------------------------------------


def test_finding_hazard_group_on_the_actions_screen(qtbot: QtBot, ctx: AppContext) -> None:
    from safetydesk.core.services import records
    from safetydesk.ui.screens.actions import ActionsScreen
    from tests.factories import minimal

    set_language("ko")
    ws = ctx.workspace
    refs = base_refs(ws)
    finding = records.create(
        ws, "findings", {**minimal("findings", refs), "description": "프레스 금형 교체 시 손이 끼일 위험"}
    ).id
    bare = records.create(
        ws, "corrective_actions", {**minimal("corrective_actions", refs), "title": "조명 교체"}
    ).id
    action = records.create(
        ws, "corrective_actions", {**minimal("corrective_actions", refs), "finding_id": finding}
    ).id
    screen = ActionsScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1166, 720)
    screen.show()
    try:
        screen._select(bare)
        qtbot.waitUntil(lambda: screen.current is not None and screen.current.id == bare, timeout=5000)
        ctx.tasks.wait()
        qtbot.waitUntil(lambda: not screen.form.isRowVisible(screen.finding_box), timeout=5000)
        screen._select(action)
        qtbot.waitUntil(lambda: screen.finding_hazard is not None, timeout=5000)
        assert screen.form.isRowVisible(screen.finding_box)
        assert screen.finding_group.currentData() is None
        hint = screen.finding_hint
        _wait_for_suggestion(qtbot, hint)
        assert hint.shown is not None and hint.shown.group == "caught"
        hint.accept_button.click()
        qtbot.waitUntil(lambda: bool(_labels(ws, "findings", finding)), timeout=5000)
        row = records.get(ws, "findings", finding)
        assert row["hazard_group"] == "caught" and row["model_suggestion"]["decision"] == "accepted"
        # the officer changes their mind: a correction
        index = screen.finding_group.findData("struck")
        screen.finding_group.setCurrentIndex(index)
        screen.finding_group.activated.emit(index)
        qtbot.waitUntil(lambda: len(_labels(ws, "findings", finding)) == 2, timeout=5000)
        assert [lb["decision"] for lb in _labels(ws, "findings", finding)] == ["accepted", "corrected"]
        assert records.get(ws, "findings", finding)["hazard_group"] == "struck"
    finally:
        set_language("en")


def test_fed_hint_follows_the_current_row(qtbot: QtBot, ctx: AppContext) -> None:
    from safetydesk.ui.screens.risk.items_model import COLUMN_INDEX

    screen = _risk_screen(qtbot, ctx)
    try:
        screen.new_record()
        model = screen.model
        model.setData(model.index(0, COLUMN_INDEX["situation"]), PRESS)
        row = screen.model.add_row()
        model.setData(model.index(row, COLUMN_INDEX["situation"]), "지게차 후진 중 보행자와 부딪힘")
        screen.table.setCurrentIndex(model.index(0, COLUMN_INDEX["situation"]))
        hint = screen.hazard_hint
        _wait_for_suggestion(qtbot, hint)
        assert hint.label.text().startswith("1행: 제안: 끼임")
        screen.table.setCurrentIndex(model.index(1, COLUMN_INDEX["situation"]))
        assert hint.shown is None  # row 1's suggestion is not offered for row 2
        _wait_for_suggestion(qtbot, hint)
        assert hint.label.text().startswith("2행: ") and hint.shown is not None
        hint.accept_button.click()
        assert model.item(1).hazard_group == hint.shown.group and model.item(0).hazard_group is None
    finally:
        set_language("en")
