"""Plant: the site, its areas on the floor plan, and the machine register with 안전검사 dates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTabWidget

from safetydesk.core.i18n import N_, _, current_language
from safetydesk.core.queries.plant import AreaDetail, EquipmentKind, SiteSummary
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations import plant as ops
from safetydesk.ui.operations.risk_areas import RiskWatcher
from safetydesk.ui.screens.base import Screen
from safetydesk.ui.screens.plant.areas_panel import AreasPanel
from safetydesk.ui.screens.plant.equipment_panel import EquipmentPanel
from safetydesk.ui.screens.plant.fields import confirm_discard, show_failure
from safetydesk.ui.screens.plant.site_panel import SitePanel

if TYPE_CHECKING:
    from safetydesk.core.ml.areas import AreaScore

SITE_TAB, AREAS_TAB, EQUIPMENT_TAB = 0, 1, 2


class PlantScreen(Screen):
    key = "plant"
    title_msgid = N_("Plant")

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.sites: tuple[SiteSummary, ...] = ()
        self.site_id: str | None = None
        self._kinds_loaded = False
        self._pending_filters: dict[str, object] | None = None

        bar = QHBoxLayout()
        bar.addWidget(QLabel(_("Site")))
        self.site_combo = QComboBox()
        self.site_combo.setObjectName("site-combo")
        self.site_combo.setMinimumWidth(260)
        bar.addWidget(self.site_combo)
        bar.addStretch(1)
        self.status = QLabel("")
        self.status.setObjectName("plant-status")
        self.status.setStyleSheet("color: #2e7d32;")
        bar.addWidget(self.status)
        self.layout_.addLayout(bar)
        self._status_timer = QTimer(self)
        self._status_timer.setSingleShot(True)
        self._status_timer.setInterval(6000)
        self._status_timer.timeout.connect(lambda: self.status.setText(""))

        self.tabs = QTabWidget()
        self.tabs.setObjectName("plant-tabs")
        self.site_panel = SitePanel(ctx)
        self.areas_panel = AreasPanel(ctx)
        self.equipment_panel = EquipmentPanel(ctx)
        self.tabs.addTab(self.site_panel, _("Site and headcount"))
        self.tabs.addTab(self.areas_panel, _("Areas and floor plan"))
        self.tabs.addTab(self.equipment_panel, _("Equipment register"))
        self.layout_.addWidget(self.tabs, 1)

        self.site_combo.currentIndexChanged.connect(self._site_chosen)
        self.site_panel.saved.connect(self._site_saved)
        self.areas_panel.changed.connect(self._areas_changed)
        self.areas_panel.plan_imported.connect(lambda _sha: self._load_sites())
        for panel in (self.site_panel, self.areas_panel, self.equipment_panel):
            panel.status.connect(self._show_status)
        self.risk = RiskWatcher(ctx, self)
        self.risk.ranked.connect(self._risk_ranked)

    # -- Screen API ----------------------------------------------------------------------------

    def refresh(self) -> None:
        if not self._kinds_loaded:
            ops.load_kinds(self.ctx, self, self._kinds_ready, lambda exc: show_failure(self, exc))
        self._load_sites()
        self.risk.request()

    def new_record(self) -> None:
        index = self.tabs.currentIndex()
        if index == SITE_TAB:
            self.site_panel.start_new()
        elif index == AREAS_TAB:
            self.areas_panel.start_new()
        else:
            self.equipment_panel.start_new()

    def save(self) -> None:
        index = self.tabs.currentIndex()
        if index == SITE_TAB:
            self.site_panel.save()
        elif index == AREAS_TAB:
            self.areas_panel.save()
        else:
            self.equipment_panel.save()

    def focus_search(self) -> None:
        index = self.tabs.currentIndex()
        if index == AREAS_TAB:
            self.areas_panel.list.focus_search()
        elif index == EQUIPMENT_TAB:
            self.equipment_panel.list.focus_search()
        else:
            self.tabs.setCurrentIndex(EQUIPMENT_TAB)
            self.equipment_panel.list.focus_search()

    def has_unsaved_changes(self) -> bool:
        return self.site_panel.dirty or self.areas_panel.dirty or self.equipment_panel.dirty

    def open_filtered(self, filters: dict[str, object]) -> None:
        """``{"statutory": "overdue" | "due_60d"}`` (home tiles) or ``{"area_id": ...}``: the machine list;
        ``{"risk_area": ...}`` (the home risk card): that area on the floor plan."""
        self.tabs.setCurrentIndex(AREAS_TAB if "risk_area" in filters else EQUIPMENT_TAB)
        if self.site_id is None:
            self._pending_filters = dict(filters)  # applied once the sites are loaded
            return
        self._apply_filters(filters)

    def _apply_filters(self, filters: dict[str, object]) -> None:
        risk_area = filters.get("risk_area")
        if isinstance(risk_area, str):
            self.areas_panel.select_area(risk_area)
            return
        statutory = filters.get("statutory")
        if "area_id" in filters:
            area = filters.get("area_id")
            self.equipment_panel.set_area_filter(area if isinstance(area, str) else None)
        if "statutory" in filters or "area_id" not in filters:
            self.equipment_panel.set_statutory_filter(statutory if isinstance(statutory, str) else None)

    def set_area_scores(self, scores: dict[str, float]) -> None:
        """Colour the area outlines by risk: 0.0 green → 1.0 red (the area ranking model calls this)."""
        self.areas_panel.set_area_scores(scores)

    def _risk_ranked(self, ranked: tuple[AreaScore, ...]) -> None:
        self.areas_panel.set_area_risk(ranked)

    # -- sites ---------------------------------------------------------------------------------

    def _show_status(self, text: str) -> None:
        self.status.setText(text)
        self._status_timer.start()

    def _kinds_ready(self, kinds: tuple[EquipmentKind, ...]) -> None:
        self._kinds_loaded = True
        self.equipment_panel.set_kinds(kinds)

    def _load_sites(self) -> None:
        ops.load_sites(self.ctx, self, self._sites_loaded, lambda exc: show_failure(self, exc))

    def _sites_loaded(self, sites: tuple[SiteSummary, ...]) -> None:
        self.sites = sites
        wanted = (
            self.site_id if any(s.id == self.site_id for s in sites) else (sites[0].id if sites else None)
        )
        self.site_combo.blockSignals(True)
        self.site_combo.clear()
        for site in sites:
            name = site.name_en if current_language() == "en" and site.name_en else site.name
            self.site_combo.addItem(name, site.id)
        if not sites:
            self.site_combo.addItem(_("No site yet — enter it below"), None)
        self.site_combo.setCurrentIndex(max(0, self.site_combo.findData(wanted)) if wanted else 0)
        self.site_combo.blockSignals(False)
        self._use_site(wanted, reload_form=wanted != self.site_id or not self.site_panel.dirty)
        if self._pending_filters is not None and wanted is not None:
            filters, self._pending_filters = self._pending_filters, None
            self._apply_filters(filters)

    def _site_chosen(self, index: int) -> None:
        site_id = self.site_combo.itemData(index)
        if site_id == self.site_id:
            return
        if self.has_unsaved_changes() and not confirm_discard(self, _("plant")):
            self.site_combo.blockSignals(True)
            self.site_combo.setCurrentIndex(max(0, self.site_combo.findData(self.site_id)))
            self.site_combo.blockSignals(False)
            return
        self.site_panel.dirty = self.areas_panel.dirty = self.equipment_panel.dirty = False
        self._use_site(site_id if isinstance(site_id, str) else None, reload_form=True)

    def _use_site(self, site_id: str | None, *, reload_form: bool) -> None:
        site = next((s for s in self.sites if s.id == site_id), None)
        self.site_id = site.id if site else None
        if reload_form:
            self.site_panel.load(self.site_id)
        self.areas_panel.set_site(site)
        self.equipment_panel.set_site(site)
        self.tabs.setTabEnabled(AREAS_TAB, site is not None)
        self.tabs.setTabEnabled(EQUIPMENT_TAB, site is not None)
        if site is not None:
            ops.load_areas(self.ctx, self, site.id, self._areas_ready)
        elif self.tabs.currentIndex() != SITE_TAB:
            self.tabs.setCurrentIndex(SITE_TAB)

    def _site_saved(self, site_id: str) -> None:
        self.site_id = site_id
        self._load_sites()

    def _areas_changed(self) -> None:
        if self.site_id is not None:
            ops.load_areas(self.ctx, self, self.site_id, self._areas_ready)

    def _areas_ready(self, areas: tuple[AreaDetail, ...]) -> None:
        self.equipment_panel.set_areas(areas)
