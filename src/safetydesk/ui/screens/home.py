"""Home: what needs the safety officer today. Every tile opens the filtered list behind it."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from safetydesk.core.i18n import N_, _, current_language
from safetydesk.core.queries.dashboard import DashboardCounts
from safetydesk.core.queries.home import HomeDuties, HomeSummary
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations import compliance as compliance_ops
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
LIGHT_COLOURS = {"met": "#2e7d32", "partly": "#f9a825", "missing": "#c62828", "not_applicable": "#9e9e9e"}
STATUS_WORDS = {
    "met": N_("met"),
    "partly": N_("partly met"),
    "missing": N_("missing"),
    "not_applicable": N_("not applicable"),
}
REMINDER_COLOURS = {30: "#8a5a00", 14: "#c65a00", 7: "#c62828"}
REMINDER_STYLE = (
    "QFrame#compliance-reminders { background: #fff4e5; border: 1px solid #f9a825; border-radius: 4px; }"
)
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
    #: The day the duty lights and reminders are computed for (None: today). Tests fix it.
    today: date | None = None

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.site_label = QLabel("")
        self.layout_.addWidget(self.site_label)
        # Duties not met while the half-year ends within 30/14/7 days (shown only then).
        self.reminder_frame = QFrame()
        self.reminder_frame.setObjectName("compliance-reminders")
        self.reminder_frame.setStyleSheet(REMINDER_STYLE)
        reminder_box = QVBoxLayout(self.reminder_frame)
        reminder_box.setContentsMargins(8, 4, 8, 4)
        reminder_box.setSpacing(2)
        self.reminder_heading = QLabel("")
        self.reminder_heading.setObjectName("reminders-heading")
        self.reminder_heading.setWordWrap(True)
        reminder_box.addWidget(self.reminder_heading)
        self.reminder_list = QGridLayout()  # two columns keep the block short
        self.reminder_list.setHorizontalSpacing(16)
        self.reminder_list.setVerticalSpacing(0)
        reminder_box.addLayout(self.reminder_list)
        self.reminder_rows: list[AreaRow] = []
        self.reminder_frame.hide()
        self.layout_.addWidget(self.reminder_frame)
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
        self.duty_list.setSpacing(1)
        self.area_box = QGroupBox(_("Riskiest areas"))
        self.area_list = QVBoxLayout(self.area_box)
        self.near_box = QGroupBox(_("Recent near misses"))
        self.near_list = QVBoxLayout(self.near_box)
        for box in (self.duty_box, self.area_box, self.near_box):
            row.addWidget(box, 1)
        self.layout_.addLayout(row, 1)
        self.counts: DashboardCounts | None = None
        self.summary: HomeSummary | None = None
        self.duties: HomeDuties | None = None
        self.duty_rows: dict[str, AreaRow] = {}
        self._fill(self.duty_list, [QLabel(_("Computing the duties from the records…"))])
        self.area_box.setObjectName("risky-areas")
        self._fill(self.area_list, [QLabel(_("Ranking the areas by risk…"))])
        self.risk = RiskWatcher(ctx, self)
        self.risk.ranked.connect(self._show_risky_areas)

    def refresh(self) -> None:
        load_dashboard(self.ctx.tasks, self.ctx.workspace, self, self._show)
        # The compliance engine runs as a job of its own, so the tiles paint without waiting for it.
        compliance_ops.load_home_duties(self.ctx, self, self.today, self._show_duties, self._duties_failed)
        self.risk.request()

    def _duties_failed(self, exc: Exception) -> None:
        self.duties = None
        self._fill(self.duty_list, [QLabel(_("The duty status could not be computed."))])
        self.reminder_frame.hide()

    def _show_duties(self, result: HomeDuties) -> None:
        """The engine's status of each duty this half-year, and the reminders ahead of its end."""
        self.duties = result
        report = result.report
        lang = current_language()
        self.duty_box.setTitle(_("SAPA duties this half-year") + f" ({report.period})")
        rows: list[QWidget] = []
        self.duty_rows = {}
        for duty in report.duties:
            status = str(duty.status)
            row = AreaRow(
                f"<span style='color:{LIGHT_COLOURS.get(status, '#444')}; font-size:11pt'>●</span> "
                f"{escape(duty.title(lang))} <span style='color:#666'>({len(duty.evidence)})</span>"
            )
            row.setObjectName(f"duty-{duty.code}")
            row.setToolTip(f"{_(STATUS_WORDS.get(status, status))}: {duty.reason.render(lang)}")
            row.clicked.connect(
                lambda c=duty.code, p=report.period: self.navigate.emit(
                    "compliance", {"duty": c, "period": p}
                )
            )
            self.duty_rows[duty.code] = row
            rows.append(row)
        self._fill(self.duty_list, rows)
        self._show_reminders(result)

    def _show_reminders(self, result: HomeDuties) -> None:
        for old in self.reminder_rows:
            self.reminder_list.removeWidget(old)
            old.deleteLater()
        self.reminder_rows = []
        reminders = result.reminders
        if not reminders:
            self.reminder_frame.hide()
            return
        first = reminders[0]
        days = first.days_left
        colour = REMINDER_COLOURS.get(first.stage, "#c62828")
        if days == 0:
            head = _("The half-year {period} ends today; {count} duties are not met yet.")
        else:
            head = _("The half-year {period} ends in {days} days ({end}); {count} duties are not met yet.")
        self.reminder_heading.setText(
            f"<b style='color:{colour}'>⚠ "
            + escape(
                head.format(
                    period=result.report.period,
                    days=days,
                    end=first.period_end.isoformat(),
                    count=len(reminders),
                )
            )
            + "</b>"
        )
        lang = current_language()
        half = (len(reminders) + 1) // 2
        for index, reminder in enumerate(reminders):
            title = reminder.title_en if lang == "en" else reminder.title_ko
            row = AreaRow(
                f"<span style='color:{LIGHT_COLOURS.get(str(reminder.status), '#444')}'>●</span> "
                f"{escape(title)} — {escape(_(STATUS_WORDS.get(str(reminder.status), str(reminder.status))))}"
            )
            row.setToolTip(_("{days} days left").format(days=reminder.days_left))
            row.setObjectName(f"reminder-{reminder.duty_code}")
            row.clicked.connect(
                lambda c=reminder.duty_code, p=result.report.period: self.navigate.emit(
                    "compliance", {"duty": c, "period": p}
                )
            )
            self.reminder_rows.append(row)
            self.reminder_list.addWidget(row, index % half, index // half)
        self.reminder_frame.show()

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
        if self.duties is None:
            self.duty_box.setTitle(_("SAPA duties this half-year") + f" ({summary.period})")
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
