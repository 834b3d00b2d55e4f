"""Home: what needs the safety officer today."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout

from safetydesk.core.i18n import N_, _
from safetydesk.core.queries.dashboard import DashboardCounts
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations.dashboard import load_dashboard
from safetydesk.ui.screens.base import Screen

TILES: tuple[tuple[str, str], ...] = (
    ("overdue_actions", N_("Overdue corrective actions")),
    ("due_soon_actions", N_("Actions due within 7 days")),
    ("open_actions", N_("Open corrective actions")),
    ("statutory_overdue", N_("Statutory machine inspections overdue")),
    ("statutory_due_60d", N_("Statutory inspections due within 60 days")),
    ("inspections_30d", N_("Inspections in the last 30 days")),
    ("near_misses_90d", N_("Near misses in the last 90 days")),
    ("people", N_("People on the roster")),
)


class HomeScreen(Screen):
    key = "home"
    title_msgid = N_("Home")

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.site_label = QLabel("")
        self.layout_.addWidget(self.site_label)
        grid = QGridLayout()
        self.values: dict[str, QLabel] = {}
        for i, (key, label) in enumerate(TILES):
            tile = QFrame()
            tile.setObjectName(f"tile-{key}")
            tile.setFrameShape(QFrame.Shape.StyledPanel)
            box = QVBoxLayout(tile)
            value = QLabel("…")
            value.setObjectName("tileValue")
            caption = QLabel(_(label))
            caption.setWordWrap(True)
            box.addWidget(value)
            box.addWidget(caption)
            self.values[key] = value
            grid.addWidget(tile, i // 4, i % 4)
        self.layout_.addLayout(grid)
        self.layout_.addStretch(1)
        self.counts: DashboardCounts | None = None

    def refresh(self) -> None:
        load_dashboard(self.ctx.tasks, self.ctx.workspace, self, self._show)

    def _show(self, counts: DashboardCounts) -> None:
        self.counts = counts
        self.site_label.setText(counts.site_name)
        for key, label in self.values.items():
            label.setText(f"{getattr(counts, key):,}")
