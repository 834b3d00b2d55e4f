"""The areas tab: the area list and form on the left, the floor plan with outlines on the right."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from safetydesk.core.i18n import _, current_language
from safetydesk.core.queries.plant import AreaDetail, SiteSummary
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations import plant as ops
from safetydesk.ui.screens.plant.fields import FieldError, HazardChips, confirm_discard, show_failure
from safetydesk.ui.screens.plant.floor_plan import FloorPlanView, score_colour
from safetydesk.ui.screens.plant.lists import AreaDelegate, prime_filters, prime_sort, select_record
from safetydesk.ui.widgets.list_view import ListView

if TYPE_CHECKING:
    from safetydesk.core.ml.areas import AreaScore

IMAGE_FILTER = "*.png *.jpg *.jpeg *.bmp *.gif *.webp"
TOP_REASONS = 3


def risk_summary(area: AreaScore, total: int) -> str:
    return _("Risk rank {rank} of {total}: {score:.2f} expected incidents and near misses in 30 days").format(
        rank=area.rank, total=total, score=area.score
    )


def risk_html(area: AreaScore, total: int, *, name: str | None = None) -> str:
    """Score, rank and the strongest reasons, in the UI language (a tooltip or the panel's label)."""
    lang = current_language()
    reasons = [escape(r.render(lang)) for r in area.reasons[:TOP_REASONS]]
    lines = [f"<b>{escape(name)}</b>"] if name else []
    lines.append(escape(risk_summary(area, total)))
    lines.extend(f"• {text}" for text in reasons or [escape(_("no warning signs"))])
    return "<br>".join(lines)


def legend_html(top: float) -> str:
    swatches = "".join(
        f"<span style='color:{score_colour(step / 4).name()}; font-size:13pt'>■</span>" for step in range(5)
    )
    return f"{swatches} " + escape(
        _("Risk colours: green lowest → red highest ({top:.2f} expected in 30 days)").format(top=top)
    )


class AreasPanel(QWidget):
    """Areas of the current site; ``changed`` tells the screen that area names or outlines changed."""

    changed = Signal()
    status = Signal(str)
    plan_imported = Signal(str)  # new floor-plan SHA-256

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.site: SiteSummary | None = None
        self.areas: dict[str, AreaDetail] = {}
        self.area_id: str | None = None  # the area in the form; None = a new one
        self.dirty = False
        self._loading = False
        self._restoring = False
        self._plan_sha: str | None = None
        self._busy = False  # loading or importing a plan: the hint says so
        self._pending_select: str | None = None
        self._pending_area: str | None = None
        self.risk: dict[str, AreaScore] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        layout.addWidget(splitter)

        left = QWidget()
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 0, 0)
        self.list = ListView(ctx.tasks, ctx.workspace, "areas")
        self.list.table.setItemDelegate(AreaDelegate(self.list, self.list.table))
        prime_sort(self.list, "code")
        left_box.addWidget(self.list, 1)
        form_box = QGroupBox(_("Area"))
        form = QFormLayout(form_box)
        form.setVerticalSpacing(5)
        self.code = QLineEdit()
        self.code.setObjectName("area-code")
        self.code.setMaximumWidth(120)
        self.workers = QSpinBox()
        self.workers.setRange(0, 10000)
        self.workers.setObjectName("area-workers")
        code_row = QHBoxLayout()
        code_row.addWidget(self.code)
        code_row.addSpacing(12)
        code_row.addWidget(QLabel(_("Workers exposed")))
        code_row.addWidget(self.workers)
        code_row.addStretch(1)
        self.name = QLineEdit()
        self.name.setObjectName("area-name")
        self.name_en = QLineEdit()
        self.chips = HazardChips()
        self.description = QPlainTextEdit()
        self.description.setFixedHeight(46)
        form.addRow(_("Code"), code_row)
        form.addRow(_("Name (Korean)"), self.name)
        form.addRow(_("Name (English)"), self.name_en)
        form.addRow(_("Hazards"), self.chips)
        form.addRow(_("Description"), self.description)
        buttons = QHBoxLayout()
        self.new_button = QPushButton(_("New area"))
        self.remove_button = QPushButton(_("Remove"))
        self.save_button = QPushButton(_("Save"))
        self.save_button.setObjectName("area-save")
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        form.addRow(buttons)
        self.error = FieldError()
        form.addRow(self.error)
        left_box.addWidget(form_box)
        splitter.addWidget(left)

        right = QWidget()
        right_box = QVBoxLayout(right)
        right_box.setContentsMargins(0, 0, 0, 0)
        tools = QHBoxLayout()
        self.import_button = QPushButton(_("Import floor plan…"))
        self.import_button.setObjectName("import-plan")
        self.draw_button = QPushButton(_("Draw outline"))
        self.draw_button.setObjectName("draw-outline")
        self.draw_button.setCheckable(True)
        self.clear_outline_button = QPushButton(_("Remove outline"))
        self.fit_button = QPushButton(_("Fit"))
        for button in (self.import_button, self.draw_button, self.clear_outline_button):
            tools.addWidget(button)
        tools.addStretch(1)
        tools.addWidget(self.fit_button)
        right_box.addLayout(tools)
        self.hint = QLabel("")
        self.hint.setObjectName("plan-hint")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #555;")
        right_box.addWidget(self.hint)
        self.view = FloorPlanView()
        right_box.addWidget(self.view, 1)
        self.legend = QLabel(_("Ranking the areas by risk…"))
        self.legend.setObjectName("risk-legend")
        self.legend.setWordWrap(True)
        right_box.addWidget(self.legend)
        self.risk_label = QLabel("")
        self.risk_label.setObjectName("area-risk")
        self.risk_label.setWordWrap(True)
        self.risk_label.setTextFormat(Qt.TextFormat.RichText)
        right_box.addWidget(self.risk_label)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([470, 690])

        for edit in (self.code, self.name, self.name_en):
            edit.textChanged.connect(self._touched)
        self.workers.valueChanged.connect(self._touched)
        self.description.textChanged.connect(self._touched)
        self.chips.changed.connect(self._touched)
        self.list.selected.connect(self._list_selected)
        self.list.model.loaded.connect(self._list_loaded)
        self.view.area_clicked.connect(self._plan_clicked)
        self.view.outline_drawn.connect(self._outline_drawn)
        self.view.drawing_finished.connect(self._drawing_finished)
        self.new_button.clicked.connect(self.start_new)
        self.save_button.clicked.connect(self.save)
        self.remove_button.clicked.connect(self._remove)
        self.import_button.clicked.connect(self._choose_plan)
        self.draw_button.clicked.connect(self._toggle_drawing)
        self.clear_outline_button.clicked.connect(self._clear_outline)
        self.fit_button.clicked.connect(self.view.fit)
        self.show_area(None)

    # -- site and data -------------------------------------------------------------------------

    def set_site(self, site: SiteSummary | None) -> None:
        """Show the areas and floor plan of ``site`` (the screen asked about unsaved edits first)."""
        changed_site = site is None or self.site is None or site.id != self.site.id
        self.site = site
        if changed_site:
            self.view.cancel_drawing()
            self.show_area(None)
        if site is None:
            self.areas = {}
            self.view.set_areas(())
            self.view.set_plan(None)
            self._plan_sha = None
            return
        prime_filters(self.list, site_id=site.id)
        self.refresh()
        if site.floor_plan_sha256 != self._plan_sha:
            self._plan_sha = site.floor_plan_sha256
            if site.floor_plan_sha256:
                self._busy = True
                self.hint.setText(_("Loading the floor plan…"))
                ops.load_floor_plan(
                    self.ctx, self, site.floor_plan_sha256, self._plan_loaded, self._plan_failed
                )
            else:
                self.view.set_plan(None)
        self._update_buttons()

    def refresh(self) -> None:
        if self.site is None:
            return
        self.list.refresh()
        ops.load_areas(self.ctx, self, self.site.id, self._areas_loaded, lambda exc: show_failure(self, exc))

    def _areas_loaded(self, areas: tuple[AreaDetail, ...]) -> None:
        self.areas = {a.id: a for a in areas}
        english = current_language() == "en"
        self.view.set_areas(
            (a.id, f"{a.code} {a.name_en if english and a.name_en else a.name}", a.polygon) for a in areas
        )
        self._paint_risk()
        self._update_buttons()
        if self._pending_area in self.areas:
            area_id, self._pending_area = self._pending_area, None
            self._plan_clicked(area_id or "")

    def _plan_loaded(self, plan: ops.FloorPlan) -> None:
        if plan.sha256 != self._plan_sha:
            return  # another plan was chosen meanwhile
        self._busy = False
        self.view.set_plan(QPixmap.fromImage(plan.decoded.image), plan.decoded.scale)
        self._update_buttons()

    def _plan_failed(self, exc: Exception) -> None:
        self._busy = False
        self._update_buttons()
        show_failure(self, exc)

    def set_area_scores(self, scores: dict[str, float]) -> None:
        self.view.set_area_scores(scores)

    def set_area_risk(self, ranked: Sequence[AreaScore]) -> None:
        """Paint the ranking: colours relative to the riskiest area, tooltips with the reasons."""
        self.risk = {a.area_id: a for a in ranked}
        self._paint_risk()

    def _paint_risk(self) -> None:
        if not self.risk:
            return
        top = max(a.score for a in self.risk.values())
        total = len(self.risk)
        scale = top if top > 0 else 1.0
        scores = {area_id: a.score / scale for area_id, a in self.risk.items()}
        tips = {
            area_id: risk_html(a, total, name=self.view.names.get(area_id))
            for area_id, a in self.risk.items()
            if area_id in self.view.names
        }
        self.view.set_area_scores(scores, tips)
        self.legend.setText(legend_html(top))
        self._show_risk()

    def _show_risk(self) -> None:
        area = self.risk.get(self.area_id or "")
        self.risk_label.setText(risk_html(area, len(self.risk)) if area else "")

    def select_area(self, area_id: str) -> None:
        """Show ``area_id`` in the form and on the plan (now, or once the areas are loaded)."""
        if area_id in self.areas:
            self._plan_clicked(area_id)
        else:
            self._pending_area = area_id

    # -- the form ------------------------------------------------------------------------------

    def _touched(self, *_args: object) -> None:
        if not self._loading:
            self.dirty = True

    def show_area(self, area: AreaDetail | None) -> None:
        self._loading = True
        self.area_id = area.id if area else None
        self.code.setText(area.code if area else "")
        self.name.setText(area.name if area else "")
        self.name_en.setText(area.name_en if area else "")
        self.workers.setValue(area.workers_exposed if area else 0)
        self.chips.set_tags(area.hazard_tags if area else ())
        self.description.setPlainText(area.description if area else "")
        self._loading = False
        self.dirty = False
        self.error.show_message("")
        self.view.highlight(self.area_id)
        self._show_risk()
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_site = self.site is not None
        saved_area = self.area_id is not None
        outlined = saved_area and bool(
            self.areas.get(self.area_id or "") and self.areas[self.area_id or ""].polygon
        )
        self.setEnabled(has_site)
        self.remove_button.setEnabled(saved_area)
        self.draw_button.setEnabled(saved_area and self.view.has_plan())
        self.clear_outline_button.setEnabled(bool(outlined) and not self.view.is_drawing())
        if not self.view.is_drawing() and not self._busy:
            if not self.view.has_plan():
                self.hint.setText(
                    _("Import a drawing or photo of the site layout (PNG or JPEG, up to 20 MB).")
                )
            elif not saved_area:
                self.hint.setText(_("Select an area to draw its outline on the plan."))
            else:
                self.hint.setText(_("Wheel to zoom, drag to move. Click an outline to select its area."))

    def _list_selected(self, record_id: object) -> None:
        if self._restoring or not isinstance(record_id, str) or record_id == self.area_id:
            return
        area = self.areas.get(record_id)
        if area is None:
            return  # the list is newer than the outlines; the reload that follows selects it
        if self.dirty and not confirm_discard(self, _("area")):
            self._restoring = True
            select_record(self.list, self.area_id)
            self._restoring = False
            return
        self.view.cancel_drawing()
        self.show_area(area)

    def _list_loaded(self, _total: int) -> None:
        wanted = self._pending_select or self.area_id
        self._pending_select = None
        if wanted:
            self._restoring = True
            select_record(self.list, wanted)
            self._restoring = False

    def _plan_clicked(self, area_id: str) -> None:
        if area_id == self.area_id:
            return
        area = self.areas.get(area_id)
        if area is None:
            return
        if self.dirty and not confirm_discard(self, _("area")):
            self.view.highlight(self.area_id, centre=False)
            return
        self.show_area(area)
        self._restoring = True
        select_record(self.list, area_id)
        self._restoring = False

    def start_new(self) -> None:
        if self.site is None:
            return
        if self.dirty and not confirm_discard(self, _("area")):
            return
        self.view.cancel_drawing()
        self.list.table.clearSelection()
        self.show_area(None)
        self.code.setFocus()

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "code": self.code.text(),
            "name": self.name.text(),
            "name_en": self.name_en.text(),
            "workers_exposed": self.workers.value(),
            "hazard_tags": self.chips.tags(),
            "description": self.description.toPlainText(),
        }
        if self.area_id is None and self.site is not None:
            values["site_id"] = self.site.id
        return values

    def save(self) -> None:
        if self.site is None:
            return
        self.error.show_message("")
        self.save_button.setEnabled(False)
        ops.save_area(self.ctx, self, self.values(), self.area_id, self._saved, self._failed)

    def _saved(self, created: Any) -> None:
        self.save_button.setEnabled(True)
        self.dirty = False
        self.area_id = created.id
        self._pending_select = created.id
        self.status.emit(_("Area saved."))
        self.refresh()
        self.changed.emit()

    def _failed(self, exc: Exception) -> None:
        self.save_button.setEnabled(True)
        show_failure(self, exc, self.error)

    def _remove(self) -> None:
        if self.area_id is None:
            return
        answer = QMessageBox.question(
            self, "SafetyDesk", _("Remove the area {name}?").format(name=self.name.text())
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        ops.remove_area(
            self.ctx, self, self.area_id, self._removed, lambda exc: show_failure(self, exc, self.error)
        )

    def _removed(self, _changes: object) -> None:
        self.show_area(None)
        self.status.emit(_("Area removed."))
        self.refresh()
        self.changed.emit()

    # -- floor plan ----------------------------------------------------------------------------

    def _choose_plan(self) -> None:
        if self.site is None:
            return
        name, _filter = QFileDialog.getOpenFileName(
            self, _("Import floor plan"), "", _("Images") + f" ({IMAGE_FILTER})"
        )
        if name:
            self.import_plan(Path(name))

    def import_plan(self, path: Path) -> None:
        if self.site is None:
            return
        self.import_button.setEnabled(False)
        self._busy = True
        self.hint.setText(_("Importing the floor plan…"))
        ops.import_floor_plan(self.ctx, self, self.site.id, path, self._plan_imported, self._import_failed)

    def _plan_imported(self, plan: ops.FloorPlan) -> None:
        self.import_button.setEnabled(True)
        self._busy = False
        self._plan_sha = plan.sha256
        self.view.set_plan(QPixmap.fromImage(plan.decoded.image), plan.decoded.scale)
        self._update_buttons()
        self.status.emit(_("Floor plan imported."))
        self.plan_imported.emit(plan.sha256)

    def _import_failed(self, exc: Exception) -> None:
        self.import_button.setEnabled(True)
        self._busy = False
        self._update_buttons()
        show_failure(self, exc)

    def _toggle_drawing(self) -> None:
        if self.view.is_drawing():
            self.view.cancel_drawing()
            return
        if self.area_id is None:
            return
        self.view.start_drawing(self.area_id)
        self.draw_button.setChecked(True)
        self.draw_button.setText(_("Stop drawing"))
        self.hint.setText(
            _(
                "Click the corners of {area}. Double-click or press Enter to close the outline; "
                "Backspace takes back a corner, Esc stops."
            ).format(area=self.name.text())
        )

    def _drawing_finished(self) -> None:
        self.draw_button.setChecked(False)
        self.draw_button.setText(_("Draw outline"))
        self._update_buttons()

    def _outline_drawn(self, area_id: str, polygon: list[list[float]]) -> None:
        ops.save_outline(
            self.ctx, self, area_id, polygon, self._outline_saved, lambda exc: show_failure(self, exc)
        )

    def _outline_saved(self, _changes: object) -> None:
        self.status.emit(_("Outline saved."))
        self.refresh()
        self.changed.emit()

    def _clear_outline(self) -> None:
        if self.area_id is None:
            return
        answer = QMessageBox.question(self, "SafetyDesk", _("Remove the outline of this area from the plan?"))
        if answer == QMessageBox.StandardButton.Yes:
            ops.save_outline(
                self.ctx, self, self.area_id, None, self._outline_saved, lambda exc: show_failure(self, exc)
            )
