"""The Model screen: the model in use, retraining (with Cancel), rolling back, refused bundles and the
risky-area back-test — on a real workspace with the session's really trained hazard model."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from safetydesk.core.i18n import _, set_language
from safetydesk.core.ml import manage
from safetydesk.core.ml.bundle import METADATA_FILE, read_metadata
from safetydesk.core.workspace.workspace import Workspace, open_workspace
from safetydesk.ui.context import AppContext
from safetydesk.ui.screens.model import (
    DASH,
    METRICS,
    SCORER_LABELS,
    SCORER_SHORT,
    STAGE_LABELS,
    ModelScreen,
    cumulative_rates,
    interval,
    metric,
    percent,
)
from safetydesk.ui.tasks import TaskRunner

WAIT_MS = 20_000
TRAIN_MS = 180_000


@pytest.fixture(autouse=True)
def _korean_and_private_settings(tmp_path: Path) -> Iterator[None]:
    set_language("ko")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))
    yield
    set_language("ko")


@pytest.fixture
def ctx(ws: Workspace, hazard_model_dir: Path) -> Iterator[AppContext]:
    context = AppContext(workspace=ws, tasks=TaskRunner())
    yield context
    context.tasks.wait(TRAIN_MS)


def _screen(qtbot: QtBot, ctx: AppContext) -> ModelScreen:
    screen = ModelScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1060, 760)
    screen.show()
    screen.refresh()
    qtbot.waitUntil(lambda: screen.status is not None and screen.backtest is not None, timeout=WAIT_MS)
    return screen


def _cell(screen: ModelScreen, row: int, column: int) -> str:
    item = screen.table.item(row, column)
    assert item is not None
    return item.text()


def _reload(qtbot: QtBot, screen: ModelScreen) -> None:
    screen.status = None
    screen.refresh()
    qtbot.waitUntil(lambda: screen.status is not None, timeout=WAIT_MS)


# -- pure pieces ---------------------------------------------------------------------------------------


def test_every_training_stage_has_a_translated_label() -> None:
    assert tuple(STAGE_LABELS) == manage.STAGES
    for label in STAGE_LABELS.values():
        assert _(label, "ko") != label


def test_metrics_show_a_dash_when_missing_or_partial() -> None:
    path, ci_key = METRICS[0][1], METRICS[0][2]
    assert metric({}, path, ci_key) == DASH
    assert metric({"group_holdout_2017": {}}, path, ci_key) == DASH
    assert metric({"group_holdout_2017": {"macro_f1": "x"}}, path, ci_key) == DASH
    assert metric({"group_holdout_2017": {"macro_f1": 0.8123}}, path, ci_key) == "0.812"
    with_ci = metric(
        {"group_holdout_2017": {"macro_f1": 0.8123, "macro_f1_ci95": [0.79, 0.83]}}, path, ci_key
    )
    assert with_ci == "0.812 (0.790–0.830)"
    plain_ci = metric({"group_holdout_2017": {"macro_f1": 0.5, "ci95": [0.4, 0.6]}}, path, ci_key)
    assert "0.400" in plain_ci


def test_cumulative_hit_rate_waits_for_the_first_events() -> None:
    points = [
        {"events": 0, "hits": {"learned": 0.0}},
        {"events": 4, "hits": {"learned": 2.0}},
        {"events": 4, "hits": {"learned": 4.0}},
    ]
    assert cumulative_rates(points, "learned") == [None, 0.5, 0.75]
    assert cumulative_rates(points, "baseline") == [None, 0.0, 0.0]


# -- the screen --------------------------------------------------------------------------------------


def test_shows_the_shipped_model_from_its_metadata(
    qtbot: QtBot, ctx: AppContext, hazard_model_dir: Path
) -> None:
    meta = read_metadata(hazard_model_dir)
    screen = _screen(qtbot, ctx)
    assert screen.version.text() == meta.version
    assert screen.source.text().startswith(_("Shipped with SafetyDesk"))
    assert screen.sklearn.text() == meta.sklearn_version
    assert meta.feature_schema_hash.startswith(screen.schema.text().rstrip("…"))
    osha = meta.provenance["osha"]
    assert f"{osha['cases']:,}" in screen.osha.text() and osha["sha256"][:12] in screen.osha.text()
    assert screen.labels_used.text() == "0"
    # the session model stores no evaluation figures: every metric shows "—"
    assert all(label.text() == DASH for label in screen.metric_values.values())
    assert screen.problems.isHidden()
    assert screen.retrain_button.isEnabled()
    assert not screen.rollback_button.isEnabled()  # the shipped model is already in use


def test_cancel_during_retraining_leaves_the_model_in_use(
    qtbot: QtBot, ctx: AppContext, hazard_model_dir: Path
) -> None:
    screen = _screen(qtbot, ctx)
    stages: list[str] = []
    screen.start_retrain()
    assert screen.cancel_button.isVisible() and not screen.retrain_button.isEnabled()
    job = screen.job
    assert job is not None
    # cancel as soon as the first stage is reported
    qtbot.waitUntil(lambda: _(STAGE_LABELS["data"]) in screen.progress.format(), timeout=WAIT_MS)
    stages.append(screen.progress.format())
    screen.cancel_button.click()
    qtbot.waitUntil(lambda: screen.job is None, timeout=TRAIN_MS)
    assert job.stopped_at in manage.STAGES  # retrain raised TrainingCancelledError between stages
    assert screen.message.text() == _("Retraining was cancelled; the model in use was not changed.")
    assert not screen.progress.isVisible() and not screen.cancel_button.isVisible()
    models = manage.workspace_models_dir(ctx.workspace)
    assert not (models / manage.ACTIVE_FILE).exists()
    assert not models.exists() or not [p for p in models.iterdir() if not p.name.startswith(".")]
    assert not models.exists() or not list(models.glob(".*.partial"))
    _reload(qtbot, screen)
    assert screen.version.text() == read_metadata(hazard_model_dir).version
    assert stages and "(1/6)" in stages[0]


def test_retrain_makes_a_workspace_model_active_then_roll_back_returns_to_shipped(
    qtbot: QtBot, ctx: AppContext, hazard_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = read_metadata(hazard_model_dir)
    screen = _screen(qtbot, ctx)
    seen: list[str] = []
    screen.progress.valueChanged.connect(lambda _v: seen.append(screen.progress.format()))
    screen.retrain_button.click()
    qtbot.waitUntil(lambda: screen.job is None, timeout=TRAIN_MS)
    # on disk: a complete bundle, named by active.json
    models = manage.workspace_models_dir(ctx.workspace)
    active = json.loads((models / manage.ACTIVE_FILE).read_text(encoding="utf-8"))["folder"]
    meta = read_metadata(models / active)
    assert meta.version == active and meta.version != shipped.version
    assert (models / active / METADATA_FILE).is_file()
    assert screen.message.text() == _("Retrained: model {version} is now in use.").format(
        version=meta.version
    )
    assert manage.active_model(ctx.workspace).info.source == "workspace"
    assert any(_(STAGE_LABELS["save"]) in text for text in seen)
    # on screen, after the automatic refresh
    qtbot.waitUntil(lambda: screen.version.text() == meta.version, timeout=WAIT_MS)
    assert screen.source.text().startswith(_("Retrained in this workspace"))
    assert screen.metric_values["korean_eval.accuracy"].text() != DASH  # retraining scores the Korean set
    assert screen.rollback_button.isEnabled()

    asked: list[str] = []

    def answer(
        _parent: object, _title: str, text: str, *_a: object, **_k: object
    ) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    screen.rollback_button.click()
    assert asked  # a confirmation was asked first
    qtbot.waitUntil(lambda: screen.version.text() == shipped.version, timeout=WAIT_MS)
    assert not (models / manage.ACTIVE_FILE).exists()
    assert (models / active).is_dir()  # kept for the record
    assert screen.source.text().startswith(_("Shipped with SafetyDesk"))
    assert not screen.rollback_button.isEnabled()


def test_roll_back_asks_first_and_cancel_keeps_the_workspace_model(
    qtbot: QtBot, ctx: AppContext, hazard_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A copy of the shipped bundle stands in for a retrained one (no second training run)."""
    models = manage.workspace_models_dir(ctx.workspace)
    shutil.copytree(hazard_model_dir, models / "copy")
    (models / manage.ACTIVE_FILE).write_text(json.dumps({"folder": "copy"}), encoding="utf-8")
    screen = _screen(qtbot, ctx)
    assert screen.source.text().startswith(_("Retrained in this workspace"))
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Cancel)
    screen.rollback_button.click()
    ctx.tasks.wait()
    assert (models / manage.ACTIVE_FILE).exists()


def test_a_refused_bundle_is_shown_and_the_shipped_model_stays(
    qtbot: QtBot, ctx: AppContext, hazard_model_dir: Path
) -> None:
    models = manage.workspace_models_dir(ctx.workspace)
    shutil.copytree(hazard_model_dir, models / "tampered")
    path = models / "tampered" / METADATA_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    data["sklearn_version"] = "0.0.1"
    path.write_text(json.dumps(data), encoding="utf-8")
    (models / manage.ACTIVE_FILE).write_text(json.dumps({"folder": "tampered"}), encoding="utf-8")
    screen = _screen(qtbot, ctx)
    assert screen.problems.isVisible()
    text = screen.problems_text.text()
    assert "0.0.1" in text and "scikit-learn" in text
    assert "만들어졌지만" in text  # the refusal in the user's language
    assert screen.version.text() == read_metadata(hazard_model_dir).version
    assert screen.source.text().startswith(_("Shipped with SafetyDesk"))
    assert manage.active_model(ctx.workspace).info.source == "shipped"


def test_without_training_data_retrain_is_disabled_with_the_reason(
    qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(manage, "training_data", lambda: None)
    screen = _screen(qtbot, ctx)
    assert not screen.retrain_button.isEnabled()
    assert "SafetyDesk" in screen.message.text() and screen.message.text() == screen.retrain_button.toolTip()


@pytest.fixture
def demo_ctx(demo_year_path: Path, tmp_path: Path, hazard_model_dir: Path) -> Iterator[AppContext]:
    copy = tmp_path / "demo"
    shutil.copytree(demo_year_path, copy, ignore=shutil.ignore_patterns("*.lock"))
    workspace = open_workspace(copy, create=False)
    context = AppContext(workspace=workspace, tasks=TaskRunner())
    try:
        yield context
    finally:
        context.tasks.wait()
        workspace.close()


def test_backtest_fills_the_chart_and_the_table(qtbot: QtBot, demo_ctx: AppContext) -> None:
    screen = _screen(qtbot, demo_ctx)
    result = screen.backtest
    assert result is not None and result["months"] > 0 and result["events"] > 0
    summary = result["summary"]
    kept = result["kept"]
    rows = {_cell(screen, r, 0): r for r in range(screen.table.rowCount())}
    assert all(_(SCORER_SHORT[name]) in rows for name in ("learned", "fallback", "baseline"))
    assert len(rows) == 3
    for name in ("learned", "fallback", "baseline"):
        row = rows[_(SCORER_SHORT[name])]
        item = screen.table.item(row, 0)
        assert item is not None and item.toolTip() == _(SCORER_LABELS[name])
        assert _cell(screen, row, 1) == percent(summary[name]["hit_rate"])
        assert _cell(screen, row, 2) == interval(summary[name]["ci95"])
        assert _cell(screen, row, 4) == ("✓" if name == kept else "")
    chart = screen.chart
    assert chart.message == "" and chart.kept == kept
    assert len(chart.months) == result["months"]
    assert chart.series[kept][-1] == pytest.approx(summary[kept]["hit_rate"], abs=1e-3)
    assert chart.chance == pytest.approx(result["chance"])
    assert str(result["k"]) in screen.backtest_intro.text()
    image = chart.grab().toImage()
    assert not image.isNull() and image.width() >= 360


def test_closing_the_window_cancels_retraining(qtbot: QtBot, ws: Workspace, hazard_model_dir: Path) -> None:
    from safetydesk.ui.app import build_window
    from safetydesk.ui.main_window import SCREENS

    window = build_window(ws)
    qtbot.addWidget(window)
    window.show()
    index = [s.key for s in SCREENS].index("model")
    window.nav.setCurrentRow(index)
    screen = window.screens[index]
    assert isinstance(screen, ModelScreen)
    qtbot.waitUntil(lambda: screen.status is not None, timeout=WAIT_MS)
    screen.start_retrain()
    job = screen.job
    assert job is not None
    qtbot.waitUntil(lambda: _(STAGE_LABELS["data"]) in screen.progress.format(), timeout=WAIT_MS)
    window.close()  # the window waits for background work; the screen stops training first
    assert job.is_cancelled()
    window.ctx.tasks.wait(TRAIN_MS)
    assert job.stopped_at in manage.STAGES
    assert not (manage.workspace_models_dir(ws) / manage.ACTIVE_FILE).exists()
