"""Model: which hazard model suggests (and how it was trained and scored), retraining it on this
workspace's confirmed labels, rolling back, and how well the risky-area ranking did in past months.

The model suggests; a person decides (DESIGN.md §7) — this screen shows what the suggestions rest on.
Nothing here imports ``core.ml`` (numpy, scikit-learn): the operations load it inside their jobs.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPaintEvent, QPen, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from safetydesk.core.errors import UserError
from safetydesk.core.i18n import N_, _
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations import model as ops
from safetydesk.ui.screens.base import Screen

if TYPE_CHECKING:
    from safetydesk.core.ml.manage import ModelInfo, ModelStatus

log = logging.getLogger(__name__)

DASH = "—"
#: Retraining stages (``core.ml.manage.STAGES``, kept in step by a test) as the user reads them.
STAGE_LABELS: dict[str, str] = {
    "data": N_("Reading the training data"),
    "group": N_("Training the hazard group reader"),
    "severity": N_("Training the severity reader"),
    "bands": N_("Setting the severity bands"),
    "evaluate": N_("Scoring the new model"),
    "save": N_("Saving the new model"),
}
SCORER_LABELS: dict[str, str] = {
    "learned": N_("Learned (from this workspace's history)"),
    "fallback": N_("Fallback (shrunk rates and warning signs)"),
    "baseline": N_("Baseline (past event rate)"),
}
SCORER_SHORT = {"learned": N_("Learned"), "fallback": N_("Fallback"), "baseline": N_("Baseline")}
SCORER_ORDER = ("learned", "fallback", "baseline")
SCORER_COLOURS = {"learned": "#1b4f8a", "fallback": "#2e7d32", "baseline": "#8d6e63"}
CHANCE_COLOUR = "#c62828"
# (label, path into metadata.metrics, the key of its 95 % interval beside it)
METRICS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (N_("Hazard group, 2017 hold-out: macro-F1"), ("group_holdout_2017", "macro_f1"), "macro_f1_ci95"),
    (N_("Korean evaluation set: accuracy"), ("korean_eval", "accuracy"), "accuracy_ci95"),
    (N_("Korean evaluation set: macro-F1"), ("korean_eval", "macro_f1"), "macro_f1_ci95"),
    (N_("Severity, grouped split: ROC AUC"), ("severity_grouped_split", "roc_auc"), "roc_auc_ci95"),
)
WARNING_STYLE = (
    "QFrame#model-problems { background: #fff4e5; border: 1px solid #f9a825; border-radius: 4px; }"
)


# -- formatting (pure, tested) -------------------------------------------------------------------


def metric(metrics: Mapping[str, Any], path: Sequence[str], ci_key: str) -> str:
    """``0.812 (0.780–0.840)`` with its 95 % interval, the value alone without an interval, "—" when absent."""
    node: Any = metrics
    for key in path[:-1]:
        node = node.get(key) if isinstance(node, Mapping) else None
    if not isinstance(node, Mapping):
        return DASH
    value = node.get(path[-1])
    if not isinstance(value, int | float) or isinstance(value, bool):
        return DASH
    text = f"{value:.3f}"
    ci = node.get(ci_key, node.get("ci95"))
    if isinstance(ci, list | tuple) and len(ci) == 2 and all(isinstance(v, int | float) for v in ci):
        text += f" ({ci[0]:.3f}–{ci[1]:.3f})"
    return text


def percent(value: object) -> str:
    return f"{float(value) * 100:.1f}%" if isinstance(value, int | float) else DASH


def interval(ci: object) -> str:
    if isinstance(ci, list | tuple) and len(ci) == 2 and all(isinstance(v, int | float) for v in ci):
        return f"{ci[0] * 100:.1f}–{ci[1] * 100:.1f}%"
    return DASH


def short_hash(value: object, length: int = 12) -> str:
    text = str(value or "")
    return f"{text[:length]}…" if len(text) > length else (text or DASH)


def created_text(created: str) -> str:
    """The bundle's UTC time stamp in local time, to the minute."""
    try:
        when = datetime.fromisoformat(created.replace("Z", "+00:00"))
    except ValueError:
        return created or DASH
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone().strftime("%Y-%m-%d %H:%M")


def cumulative_rates(points: Sequence[Mapping[str, Any]], scorer: str) -> list[float | None]:
    """Hit rate of ``scorer`` over all months up to each month (None until a month has events)."""
    hits = events = 0.0
    out: list[float | None] = []
    for point in points:
        events += float(point.get("events") or 0)
        hits += float((point.get("hits") or {}).get(scorer) or 0.0)
        out.append(hits / events if events else None)
    return out


# -- widgets -----------------------------------------------------------------------------------------


class BacktestChart(QWidget):
    """Cumulative top-k hit rate per month of each area scorer against chance (custom painted)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backtest-chart")
        self.setMinimumSize(360, 230)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.months: list[str] = []
        self.series: dict[str, list[float | None]] = {}
        self.kept = ""
        self.chance: float | None = None
        self.message = _("Testing the ranking on past months…")

    def set_result(self, result: Mapping[str, Any]) -> None:
        points = list(result.get("points") or [])
        self.months = [str(p.get("month", "")) for p in points]
        self.series = {name: cumulative_rates(points, name) for name in SCORER_ORDER}
        self.kept = str(result.get("kept") or "")
        chance = result.get("chance")
        self.chance = float(chance) if isinstance(chance, int | float) else None
        has_rate = any(v is not None for values in self.series.values() for v in values)
        self.message = (
            "" if points and has_rate else _("No past months with incidents or near misses to test yet.")
        )
        self.setToolTip(
            _(
                "Share of the events so far that happened in the areas ranked in the top k the day before each month."
            )
        )
        self.update()

    def set_message(self, text: str) -> None:
        self.months, self.series, self.message = [], {}, text
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.fillRect(self.rect(), QColor("white"))
        metrics = painter.fontMetrics()
        if self.message:
            painter.setPen(QColor("#666"))
            painter.drawText(
                QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.message
            )
            painter.end()
            return
        legend_h = self._legend(painter)
        left = metrics.horizontalAdvance("100%") + 10
        plot = QRectF(
            left, legend_h + 8, self.width() - left - 12, self.height() - legend_h - 8 - metrics.height() - 10
        )
        if plot.width() < 20 or plot.height() < 20:
            painter.end()
            return

        def y_at(rate: float) -> float:
            return plot.bottom() - max(0.0, min(1.0, rate)) * plot.height()

        n = len(self.months)

        def x_at(i: int) -> float:
            return plot.left() + (plot.width() / 2 if n == 1 else i * plot.width() / (n - 1))

        painter.setPen(QPen(QColor("#e0e0e0"), 1))
        for step in range(5):
            rate = step / 4
            painter.drawLine(QPointF(plot.left(), y_at(rate)), QPointF(plot.right(), y_at(rate)))
            painter.save()
            painter.setPen(QColor("#666"))
            painter.drawText(
                QRectF(0, y_at(rate) - metrics.height() / 2, left - 6, metrics.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                f"{rate * 100:.0f}%",
            )
            painter.restore()
        # month labels, thinned so they do not overlap (the last month is shown when there is room)
        label_w = metrics.horizontalAdvance("2026-12") + 8
        every = max(1, int(label_w * n / max(plot.width(), 1)) + 1)
        painter.setPen(QColor("#666"))
        drawn_right = -1.0
        for i, month in enumerate(self.months):
            if i % every and i != n - 1:
                continue
            x = min(max(x_at(i) - label_w / 2, 0.0), self.width() - label_w)
            if x < drawn_right:
                continue
            painter.drawText(
                QRectF(x, plot.bottom() + 4, label_w, metrics.height()), Qt.AlignmentFlag.AlignCenter, month
            )
            drawn_right = x + label_w
        if self.chance is not None:
            pen = QPen(QColor(CHANCE_COLOUR), 1.5, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawLine(
                QPointF(plot.left(), y_at(self.chance)), QPointF(plot.right(), y_at(self.chance))
            )
        order = [s for s in SCORER_ORDER if s != self.kept] + [self.kept]  # the kept one on top
        for name in order:
            values = self.series.get(name)
            if not values:
                continue
            width = 3.0 if name == self.kept else 1.3
            colour = QColor(SCORER_COLOURS.get(name, "#444"))
            if name != self.kept:
                colour.setAlpha(170)
            painter.setPen(QPen(colour, width))
            path = QPainterPath()
            started = False
            for i, value in enumerate(values):
                if value is None:
                    continue
                point = QPointF(x_at(i), y_at(value))
                if started:
                    path.lineTo(point)
                else:
                    path.moveTo(point)
                    started = True
            painter.drawPath(path)
            if name == self.kept and n == 1 and values[0] is not None:
                painter.drawEllipse(QPointF(x_at(0), y_at(values[0])), 3, 3)
        painter.setPen(QPen(QColor("#9e9e9e"), 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
        painter.end()

    def _legend(self, painter: QPainter) -> float:
        """One row (wrapping when narrow) of line swatches; returns its height."""
        metrics = painter.fontMetrics()
        entries: list[tuple[str, QPen]] = []
        for name in SCORER_ORDER:
            label = _(SCORER_SHORT[name])
            if name == self.kept:
                label += " " + _("(kept)")
            entries.append((label, QPen(QColor(SCORER_COLOURS[name]), 3.0 if name == self.kept else 1.3)))
        if self.chance is not None:
            entries.append((_("Chance"), QPen(QColor(CHANCE_COLOUR), 1.5, Qt.PenStyle.DashLine)))
        x, y, row_h = 6.0, 4.0, metrics.height() + 4
        for label, pen in entries:
            width = 22 + metrics.horizontalAdvance(label) + 14
            if x + width > self.width() and x > 6:
                x, y = 6.0, y + row_h
            painter.setPen(pen)
            painter.drawLine(QPointF(x, y + row_h / 2), QPointF(x + 18, y + row_h / 2))
            painter.setPen(QColor("#333"))
            painter.drawText(QRectF(x + 22, y, width, row_h), Qt.AlignmentFlag.AlignVCenter, label)
            x += width
        return y + row_h


def _value(text: str = DASH, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if name:
        label.setObjectName(name)
    return label


class ModelScreen(Screen):
    key = "model"
    title_msgid = N_("Model")

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.status: ModelStatus | None = None
        self.backtest: dict[str, Any] | None = None
        self.job: ops.RetrainJob | None = None
        self.last_job: ops.RetrainJob | None = None
        self._jobs: list[ops.RetrainJob] = []
        self._watching_window = False
        # A training run does not outlive the screen: closing it cancels the run.
        self.destroyed.connect(functools.partial(_cancel_all, self._jobs))

        intro = QLabel(
            _(
                "The hazard model suggests a hazard group and severity for descriptions; a person decides. "
                "Here you see which model is in use, retrain it with the labels confirmed in this workspace, "
                "and check how well the risky-area ranking did in past months."
            )
        )
        intro.setWordWrap(True)
        intro.setStyleSheet("color: #555;")
        self.layout_.addWidget(intro)

        self.problems = QFrame()
        self.problems.setObjectName("model-problems")
        self.problems.setStyleSheet(WARNING_STYLE)
        self.problems_text = QLabel("")
        self.problems_text.setObjectName("model-problems-text")
        self.problems_text.setWordWrap(True)
        self.problems_text.setTextFormat(Qt.TextFormat.RichText)
        QVBoxLayout(self.problems).addWidget(self.problems_text)
        self.problems.hide()
        self.layout_.addWidget(self.problems)

        body = QWidget()
        columns = QHBoxLayout(body)
        columns.setContentsMargins(0, 0, 0, 0)
        left = QVBoxLayout()
        right = QVBoxLayout()
        columns.addLayout(left, 5)
        columns.addLayout(right, 6)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        self.layout_.addWidget(scroll, 1)

        # the active model
        self.active_box = QGroupBox(_("Model in use"))
        form = QFormLayout(self.active_box)
        self.version = _value(name="model-version")
        self.version.setStyleSheet("font-weight: bold;")
        self.source = _value(name="model-source")
        self.created = _value(name="model-created")
        self.sklearn = _value(name="model-sklearn")
        self.schema = _value(name="model-schema")
        for caption, widget in (
            (_("Version"), self.version),
            (_("Source"), self.source),
            (_("Created"), self.created),
            (_("scikit-learn"), self.sklearn),
            (_("Feature schema"), self.schema),
        ):
            form.addRow(caption, widget)
        left.addWidget(self.active_box)

        self.data_box = QGroupBox(_("Training data"))
        form = QFormLayout(self.data_box)
        self.osha = _value(name="model-osha")
        self.catalogue = _value(name="model-catalogue")
        self.labels_used = _value(name="model-labels-used")
        form.addRow(_("OSHA accident file"), self.osha)
        form.addRow(_("Bilingual hazard catalogue"), self.catalogue)
        form.addRow(_("Confirmed labels used"), self.labels_used)
        left.addWidget(self.data_box)

        self.metrics_box = QGroupBox(_("Evaluation"))
        form = QFormLayout(self.metrics_box)
        self.metric_values: dict[str, QLabel] = {}
        for caption, path, _ci in METRICS:
            widget = _value(name="metric-" + ".".join(path))
            self.metric_values[".".join(path)] = widget
            form.addRow(_(caption), widget)
        ci_note = QLabel(_("In brackets: the confidence interval at 95%."))
        ci_note.setStyleSheet("color: #666;")
        form.addRow(ci_note)
        self.metrics_note = QLabel("")
        self.metrics_note.setWordWrap(True)
        self.metrics_note.setStyleSheet("color: #666;")
        form.addRow(self.metrics_note)
        left.addWidget(self.metrics_box)

        self.labels_box = QGroupBox(_("Label decisions in this workspace"))
        box = QVBoxLayout(self.labels_box)
        self.labels = _value(name="model-labels")
        self.confirmed = _value(name="model-confirmed")
        box.addWidget(self.labels)
        box.addWidget(self.confirmed)
        left.addWidget(self.labels_box)

        # retraining and rolling back
        self.actions_box = QGroupBox(_("Retrain or roll back"))
        box = QVBoxLayout(self.actions_box)
        buttons = QHBoxLayout()
        self.retrain_button = QPushButton(_("Retrain with this workspace's labels"))
        self.retrain_button.setObjectName("retrain")
        self.retrain_button.clicked.connect(self.start_retrain)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.setObjectName("cancel-retrain")
        self.cancel_button.clicked.connect(self.cancel_retrain)
        self.cancel_button.hide()
        self.rollback_button = QPushButton(_("Roll back to the shipped model"))
        self.rollback_button.setObjectName("roll-back")
        self.rollback_button.clicked.connect(self.confirm_roll_back)
        buttons.addWidget(self.retrain_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.rollback_button)
        box.addLayout(buttons)
        self.progress = QProgressBar()
        self.progress.setObjectName("retrain-progress")
        self.progress.setRange(0, len(STAGE_LABELS))
        self.progress.hide()
        box.addWidget(self.progress)
        self.message = QLabel("")
        self.message.setObjectName("model-message")
        self.message.setWordWrap(True)
        box.addWidget(self.message)
        left.addWidget(self.actions_box)
        left.addStretch(1)

        # the risky-area back-test
        self.backtest_box = QGroupBox(_("Risky-area ranking: back-test"))
        box = QVBoxLayout(self.backtest_box)
        self.backtest_intro = QLabel(_("Testing the ranking on past months…"))
        self.backtest_intro.setObjectName("backtest-summary")
        self.backtest_intro.setWordWrap(True)
        box.addWidget(self.backtest_intro)
        self.chart = BacktestChart()
        box.addWidget(self.chart, 1)
        self.table = QTableWidget(len(SCORER_ORDER), 5)
        self.table.setObjectName("backtest-table")
        self.table.setHorizontalHeaderLabels(
            [_("Scorer"), _("Hit rate"), _("95% CI"), _("Lift over chance"), _("In use")]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, 5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        rows_h = self.table.horizontalHeader().sizeHint().height() + 3 * 30 + 4
        self.table.setFixedHeight(rows_h)
        for row in range(len(SCORER_ORDER)):
            self.table.setRowHeight(row, 30)
        box.addWidget(self.table)
        self.backtest_note = QLabel("")
        self.backtest_note.setWordWrap(True)
        self.backtest_note.setStyleSheet("color: #666;")
        box.addWidget(self.backtest_note)
        right.addWidget(self.backtest_box, 1)
        self._set_busy(False)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        window = self.window()
        if window is not self and not self._watching_window:
            # The window waits for background work when it closes: stop training first, not after.
            window.installEventFilter(self)
            self._watching_window = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close and self.job is not None:
            self.cancel_retrain()
        return super().eventFilter(watched, event)

    # -- loading -------------------------------------------------------------------------------------

    def refresh(self) -> None:
        ops.load_status(self.ctx, self, self._show_status, self._status_failed)
        ops.load_backtest(self.ctx, self, self._show_backtest, self._backtest_failed)

    def _status_failed(self, exc: Exception) -> None:
        log.error("model status failed: %s", getattr(exc, "__traceback_text__", repr(exc)))
        text = exc.text() if isinstance(exc, UserError) else _("The model status could not be read.")
        self._show_problems([escape(text).replace("\n", "<br>")])

    def _backtest_failed(self, exc: Exception) -> None:
        log.error("area back-test failed: %s", getattr(exc, "__traceback_text__", repr(exc)))
        text = (
            exc.text()
            if isinstance(exc, UserError)
            else _("The back-test could not be run: {error}").format(error=type(exc).__name__)
        )
        self.backtest_intro.setText(text)
        self.chart.set_message(text)

    def _show_problems(self, texts: list[str]) -> None:
        if not texts:
            self.problems.hide()
            self.problems_text.setText("")
            return
        self.problems_text.setText("<br>".join(f"⚠ {text}" for text in texts))
        self.problems.show()

    def _show_status(self, status: ModelStatus) -> None:
        self.status = status
        texts = []
        for problem in status.problems:
            hint = problem.hint()
            line = f"<b>{escape(problem.message())}</b>"
            if hint:
                line += f"<br><span style='color:#555'>{escape(hint)}</span>"
            texts.append(line)
        self._show_problems(texts)
        self._show_active(status.active, len(status.workspace))
        counts = status.labels
        self.labels.setText(
            _("Accepted {accepted} · corrected {corrected} · entered by hand {manual}").format(
                accepted=counts.get("accepted", 0),
                corrected=counts.get("corrected", 0),
                manual=counts.get("manual", 0),
            )
        )
        self.confirmed.setText(
            _("Retraining would add {count} confirmed labels to the shipped training data.").format(
                count=status.confirmed
            )
        )
        self._set_busy(self.job is not None)

    def _show_active(self, active: ModelInfo | None, kept: int) -> None:
        if active is None:
            for label in (self.version, self.source, self.created, self.sklearn, self.schema):
                label.setText(DASH)
            self.version.setText(_("No model can be used"))
            for label in (self.osha, self.catalogue, self.labels_used, *self.metric_values.values()):
                label.setText(DASH)
            self.metrics_note.setText("")
            return
        meta = active.meta
        self.version.setText(meta.version)
        source = (
            _("Retrained in this workspace") if active.source == "workspace" else _("Shipped with SafetyDesk")
        )
        if kept:
            source += " · " + _("{count} retrained models kept in this workspace").format(count=kept)
        self.source.setText(source)
        self.source.setToolTip(str(active.folder))
        self.created.setText(created_text(meta.created))
        self.sklearn.setText(meta.sklearn_version or DASH)
        self.schema.setText(short_hash(meta.feature_schema_hash))
        self.schema.setToolTip(meta.feature_schema_hash)
        provenance = meta.provenance
        osha = provenance.get("osha") if isinstance(provenance.get("osha"), dict) else {}
        if osha:
            cases = osha.get("cases")
            self.osha.setText(
                _("{cases} cases · SHA-256 {sha}").format(
                    cases=f"{cases:,}" if isinstance(cases, int) else DASH, sha=short_hash(osha.get("sha256"))
                )
            )
            self.osha.setToolTip(str(osha.get("sha256", "")))
        else:
            self.osha.setText(DASH)
        rows = provenance.get("library_rows")
        if rows is None and provenance.get("catalogue_sha256") is None:
            self.catalogue.setText(DASH)
        else:
            self.catalogue.setText(
                _("{rows} rows · SHA-256 {sha}").format(
                    rows=rows if rows is not None else DASH,
                    sha=short_hash(provenance.get("catalogue_sha256")),
                )
            )
        self.catalogue.setToolTip(str(provenance.get("catalogue_sha256", "")))
        used = provenance.get("confirmed_labels")
        self.labels_used.setText(str(used) if used is not None else DASH)
        for _caption, path, ci_key in METRICS:
            self.metric_values[".".join(path)].setText(metric(meta.metrics, path, ci_key))
        if active.source == "workspace":
            self.metrics_note.setText(
                _(
                    "A retrained model is scored on the Korean evaluation set only; "
                    "the OSHA hold-out figures are measured when the shipped model is built."
                )
            )
        elif not meta.metrics or all(v.text() == DASH for v in self.metric_values.values()):
            self.metrics_note.setText(_("No evaluation figures are stored with this model."))
        else:
            self.metrics_note.setText("")

    def _show_backtest(self, result: dict[str, Any]) -> None:
        self.backtest = result
        summary: dict[str, Any] = result.get("summary") or {}
        kept = str(result.get("kept") or "")
        self.backtest_intro.setText(
            _(
                "Each month, the areas were ranked with what was known the day before; this is the share of "
                "that month's incidents and near misses that happened in the top {k} of {areas} areas "
                "({months} months, {events} events). Chance is {chance}."
            ).format(
                k=result.get("k", DASH),
                areas=result.get("areas", DASH),
                months=result.get("months", DASH),
                events=result.get("events", DASH),
                chance=percent(result.get("chance")),
            )
        )
        self.chart.set_result(result)
        for row, name in enumerate(SCORER_ORDER):
            entry = summary.get(name) or {}
            lift = entry.get("lift")
            cells = (
                _(SCORER_SHORT[name]),
                percent(entry.get("hit_rate")),
                interval(entry.get("ci95")),
                f"×{lift:.2f}" if isinstance(lift, int | float) else DASH,
                "✓" if name == kept else "",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(_(SCORER_LABELS[name]))
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if name == kept:
                    font = QFont(item.font())
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(row, column, item)
        months = result.get("months") or 0
        learned = result.get("learned_months") or 0
        notes = []
        if months and learned < months:
            notes.append(
                _(
                    "The learned scorer had enough history for {learned} of {months} months; "
                    "in the others it scored as the fallback."
                ).format(learned=learned, months=months)
            )
        if kept:
            notes.append(
                _(
                    "The ranking uses the scorer that did best over up to the last {n} months; "
                    "the figures count events in the same month as independent, so the intervals are a little narrow."
                ).format(n=result.get("kept_over_months", DASH))
            )
        self.backtest_note.setText(" ".join(notes))

    # -- retraining ----------------------------------------------------------------------------------

    def _set_busy(self, busy: bool) -> None:
        status = self.status
        can_retrain = status is not None and status.can_retrain
        self.retrain_button.setEnabled(not busy and can_retrain)
        if status is not None and not status.can_retrain:
            self.retrain_button.setToolTip(
                _(
                    "The training data is not installed with this copy of SafetyDesk, so the model cannot be retrained here."
                )
            )
        else:
            self.retrain_button.setToolTip("")
        self.rollback_button.setEnabled(not busy and status is not None and status.can_roll_back)
        self.cancel_button.setVisible(busy)
        self.cancel_button.setEnabled(busy)
        self.progress.setVisible(busy)
        if not busy and status is not None and not status.can_retrain:
            self._say(
                _(
                    "The training data is not installed with this copy of SafetyDesk, so the model cannot be retrained here."
                )
            )

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #b00020;" if error else "")

    def start_retrain(self) -> None:
        if self.job is not None or self.status is None or not self.status.can_retrain:
            return
        job = ops.RetrainJob()
        self.job = self.last_job = job
        self._jobs.append(job)
        self.progress.setValue(0)
        self.progress.setFormat(_("Starting…"))
        self._say(_("Retraining takes a few seconds; you can keep working meanwhile."))
        self._set_busy(True)
        ops.retrain(self.ctx, self, job, self._progressed, self._retrained, self._retrain_failed)

    def cancel_retrain(self) -> None:
        if self.job is None:
            return
        self.job.cancel()
        self.cancel_button.setEnabled(False)
        self._say(_("Cancelling after the current step…"))

    def _progressed(self, stage: str, step: int, steps: int) -> None:
        if self.job is None:
            return
        self.progress.setFormat(
            _("{stage} ({step}/{steps})").format(
                stage=_(STAGE_LABELS.get(stage, stage)), step=step, steps=steps
            )
        )
        self.progress.setRange(0, steps)
        self.progress.setValue(step - 1)

    def _finish_job(self) -> None:
        if self.job is not None and self.job in self._jobs:
            self._jobs.remove(self.job)
        self.job = None
        self._set_busy(False)

    def _retrained(self, info: ModelInfo | None) -> None:
        self._finish_job()
        if info is None:
            self._say(_("Retraining was cancelled; the model in use was not changed."))
            return
        self._say(_("Retrained: model {version} is now in use.").format(version=info.meta.version))
        self.refresh()

    def _retrain_failed(self, exc: Exception) -> None:
        self._finish_job()
        if isinstance(exc, UserError):
            self._say(exc.text(), error=True)
            return
        log.error("retraining failed: %s", getattr(exc, "__traceback_text__", repr(exc)))
        self._say(
            _("Retraining failed; the model in use was not changed: {error}").format(
                error=f"{type(exc).__name__}: {exc}"
            ),
            error=True,
        )

    # -- rolling back --------------------------------------------------------------------------------

    def confirm_roll_back(self) -> None:
        if self.status is None or not self.status.can_roll_back:
            return
        answer = QMessageBox.question(
            self,
            "SafetyDesk",
            _(
                "Use the model shipped with SafetyDesk again? The retrained models stay in this workspace "
                "for the record."
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.roll_back()

    def roll_back(self) -> None:
        self.rollback_button.setEnabled(False)
        ops.roll_back(self.ctx, self, self._rolled_back, self._roll_back_failed)

    def _rolled_back(self, _result: None) -> None:
        self._say(_("The shipped model is in use again."))
        self.refresh()

    def _roll_back_failed(self, exc: Exception) -> None:
        log.error("roll-back failed: %s", getattr(exc, "__traceback_text__", repr(exc)))
        text = exc.text() if isinstance(exc, UserError) else f"{type(exc).__name__}: {exc}"
        self._say(_("Rolling back failed: {error}").format(error=text), error=True)
        self._set_busy(self.job is not None)


def _cancel_all(jobs: list[ops.RetrainJob], *_args: object) -> None:
    for job in jobs:
        job.cancel()
