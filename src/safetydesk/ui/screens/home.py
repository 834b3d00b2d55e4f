"""Home: what needs the safety officer today. Every tile opens the filtered list behind it."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from safetydesk.core.i18n import N_, _, current_language
from safetydesk.core.queries.dashboard import DashboardCounts
from safetydesk.core.queries.home import HomeSummary
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations.dashboard import load_dashboard
from safetydesk.ui.operations.risk_areas import RiskWatcher
from safetydesk.ui.screens.base import Screen

if TYPE_CHECKING:
    from safetydesk.core.ml.areas import AreaScore

# (counter, caption, screen key, filters, alarm when > 0)
TILES: tuple[tuple[str, str, str, dict[str, object], bool], ...] = (
    ("overdue_actions", N_("Overdue corrective actions"), "actions", {"due": "overdue"}, True),
    ("due_soon_actions", N_("Actions due within 7 days"), "actions", {"due": "due_soon"}, False),
    ("open_actions", N_("Open corrective actions"), "actions", {"status": ("open", "in_progress")}, False),
    (
        "statutory_overdue",
        N_("Statutory machine inspections overdue"),
        "plant",
        {"statutory": "overdue"},
        True,
    ),
    (
        "statutory_due_60d",
        N_("Statutory inspections due within 60 days"),
        "plant",
        {"statutory": "due_60d"},
        False,
    ),
    ("inspections_30d", N_("Inspections in the last 30 days"), "inspections", {"since_days": 30}, False),
    ("near_misses_90d", N_("Near misses in the last 90 days"), "incidents", {"kind": "near_miss"}, False),
    ("drills_overdue", N_("Legally required drills overdue"), "emergency", {}, True),
    (
        "education_short",
        N_("People short of education hours this half-year"),
        "people",
        {"tab": "hours"},
        True,
    ),
)
LIGHT_COLOURS = {"green": "#2e7d32", "yellow": "#f9a825", "red": "#c62828"}
RISKY_AREAS = 3


class AreaRow(QLabel):
    """One of the riskiest areas; a click (or Enter) opens it on the Plant screen's floor plan."""

    clicked = Signal()

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.setWordWrap(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()

    def keyPressEvent(self, event: object) -> None:
        if getattr(event, "key", lambda: None)() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
            return
        super().keyPressEvent(event)  # type: ignore[arg-type]


class Tile(QFrame):
    clicked = Signal()

    def __init__(self, key: str, caption: str) -> None:
        super().__init__()
        self.setObjectName(f"tile-{key}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        box = QVBoxLayout(self)
        self.value = QLabel("…")
        self.value.setObjectName("tileValue")
        self.caption = QLabel(caption)
        self.caption.setWordWrap(True)
        box.addWidget(self.value)
        box.addWidget(self.caption)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()

    def keyPressEvent(self, event: object) -> None:
        if getattr(event, "key", lambda: None)() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
            return
        super().keyPressEvent(event)  # type: ignore[arg-type]


class HomeScreen(Screen):
    key = "home"
    title_msgid = N_("Home")

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.site_label = QLabel("")
        self.layout_.addWidget(self.site_label)
        grid = QGridLayout()
        self.tiles: dict[str, Tile] = {}
        self.values: dict[str, QLabel] = {}
        for i, (key, caption, screen, filters, _alarm) in enumerate(TILES):
            tile = Tile(key, _(caption))
            tile.clicked.connect(lambda s=screen, f=filters: self.navigate.emit(s, dict(f)))
            self.tiles[key] = tile
            self.values[key] = tile.value
            grid.addWidget(tile, i // 5, i % 5)
        self.layout_.addLayout(grid)
        row = QHBoxLayout()
        self.duty_box = QGroupBox(_("SAPA duties this half-year"))
        self.duty_list = QVBoxLayout(self.duty_box)
        self.area_box = QGroupBox(_("Riskiest areas"))
        self.area_list = QVBoxLayout(self.area_box)
        self.near_box = QGroupBox(_("Recent near misses"))
        self.near_list = QVBoxLayout(self.near_box)
        for box in (self.duty_box, self.area_box, self.near_box):
            row.addWidget(box, 1)
        self.layout_.addLayout(row, 1)
        self.counts: DashboardCounts | None = None
        self.summary: HomeSummary | None = None
        self.area_box.setObjectName("risky-areas")
        self._fill(self.area_list, [QLabel(_("Ranking the areas by risk…"))])
        self.risk = RiskWatcher(ctx, self)
        self.risk.ranked.connect(self._show_risky_areas)

    def refresh(self) -> None:
        load_dashboard(self.ctx.tasks, self.ctx.workspace, self, self._show)
        self.risk.request()

    def _show_risky_areas(self, ranked: tuple[AreaScore, ...]) -> None:
        """The top areas by expected incidents + near misses in the next 30 days, with the first reason."""
        lang = current_language()
        rows: list[QWidget] = [
            QLabel(f"<span style='color:#555'>{escape(_('Expected in the next 30 days'))}</span>")
        ]
        for area in ranked[:RISKY_AREAS]:
            name = area.name_en if lang == "en" and area.name_en else area.name
            reason = area.reasons[0].render(lang) if area.reasons else _("no warning signs")
            row = AreaRow(
                f"<b>{area.rank}. {escape(area.code)} {escape(name)}</b> — {area.score:.2f}"
                f"<br><span style='color:#555'>{escape(reason)}</span>"
            )
            row.setObjectName(f"risky-area-{area.rank}")
            row.clicked.connect(lambda a=area.area_id: self.navigate.emit("plant", {"risk_area": a}))
            rows.append(row)
        if not ranked:
            rows.append(QLabel(_("No areas to rank yet.")))
        self._fill(self.area_list, rows)

    @staticmethod
    def _fill(layout: QVBoxLayout, widgets: list[QWidget]) -> None:
        while layout.count():
            item = layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for widget in widgets:
            layout.addWidget(widget)
        layout.addStretch(1)

    def _show(self, result: tuple[DashboardCounts, HomeSummary]) -> None:
        counts, summary = result
        self.counts, self.summary = counts, summary
        self.site_label.setText(counts.site_name)
        for key, _caption, _screen, _filters, alarm in TILES:
            value = int(getattr(counts, key))
            label = self.values[key]
            label.setText(f"{value:,}")
            label.setStyleSheet("color: #c62828;" if alarm and value else "")
        self.duty_box.setTitle(_("SAPA duties this half-year") + f" ({summary.period})")
        duties: list[QWidget] = []
        for duty in summary.duties:
            text = QLabel(
                f"<span style='color:{LIGHT_COLOURS[duty.light]}; font-size:15pt'>●</span> "
                f"{_(duty.title)} <span style='color:#666'>({duty.evidence})</span>"
            )
            text.setObjectName(f"duty-{duty.code}")
            duties.append(text)
        self._fill(self.duty_list, duties)
        near: list[QWidget] = []
        for item in summary.near_misses:
            text = QLabel(
                f"{item.occurred_at[:10]} · {item.area}<br><span style='color:#333'>{item.title}</span>"
            )
            text.setWordWrap(True)
            near.append(text)
        if not near:
            near.append(QLabel(_("No near misses recorded yet.")))
        self._fill(self.near_list, near)
