"""Inspections: every filled-in form (inspections, pre-work checks, permits, TBM, drills) and the form itself."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from safetydesk.core.i18n import N_, _, current_language
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations import inspections as ops
from safetydesk.ui.screens.base import Screen
from safetydesk.ui.screens.inspections.dialogs import NewFormDialog
from safetydesk.ui.screens.inspections.record import RecordEditor
from safetydesk.ui.screens.inspections.texts import KIND_LABELS, show_error
from safetydesk.ui.widgets.list_view import ListView

KIND_CHOICES: tuple[tuple[str, Any], ...] = (
    (N_("All kinds"), None),
    *((msgid, code) for code, msgid in KIND_LABELS.items()),
)
STATUS_CHOICES: tuple[tuple[str, Any], ...] = (
    (N_("All statuses"), None),
    (N_("Draft"), "draft"),
    (N_("Completed"), "completed"),
)
PERIODS: tuple[tuple[str, int | None], ...] = (
    (N_("Any date"), None),
    (N_("Last 7 days"), 7),
    (N_("Last 30 days"), 30),
    (N_("Last 90 days"), 90),
    (N_("This year"), -1),
    (N_("From … to …"), -2),
)


class InspectionsScreen(Screen):
    key = "inspections"
    title_msgid = N_("Inspections")

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.stack = QStackedWidget()
        self.layout_.addWidget(self.stack, 1)
        self.list_page = QWidget()
        self.stack.addWidget(self.list_page)
        page = QVBoxLayout(self.list_page)
        page.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.new_button = QPushButton(_("New form…"))
        self.new_button.setObjectName("new")
        self.new_button.setToolTip(_("Ctrl+N"))
        self.new_button.clicked.connect(self.new_record)
        self.open_button = QPushButton(_("Open form"))
        self.open_button.setObjectName("open")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self._open_selected)
        bar.addWidget(self.new_button)
        bar.addWidget(self.open_button)
        bar.addSpacing(16)
        bar.addWidget(QLabel(_("Area")))
        self.area = QComboBox()
        self.area.setObjectName("filter-area")
        self.area.setMinimumWidth(160)
        self.area.addItem(_("All areas"), None)
        self.area.currentIndexChanged.connect(lambda _i: self._area_changed())
        bar.addWidget(self.area)
        bar.addWidget(QLabel(_("Period")))
        self.period = QComboBox()
        self.period.setObjectName("filter-period")
        for caption, days in PERIODS:
            self.period.addItem(_(caption), days)
        self.period.currentIndexChanged.connect(lambda _i: self._period_changed())
        bar.addWidget(self.period)
        today = QDate.currentDate()
        self.date_from = QDateEdit(today.addMonths(-1))
        self.date_to = QDateEdit(today)
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setVisible(False)
            edit.dateChanged.connect(lambda _d: self._period_changed())
        bar.addWidget(self.date_from)
        self.dash = QLabel("~")
        self.dash.setVisible(False)
        bar.addWidget(self.dash)
        bar.addWidget(self.date_to)
        bar.addStretch(1)
        self.print_list_button = QPushButton(_("Print list…"))
        self.print_list_button.setObjectName("printList")
        self.print_list_button.clicked.connect(self.print_list)
        bar.addWidget(self.print_list_button)
        page.addLayout(bar)
        self.list = ListView(
            ctx.tasks,
            ctx.workspace,
            "form_records",
            filters=(("kind", N_("Kind"), KIND_CHOICES), ("status", N_("Status"), STATUS_CHOICES)),
        )
        hidden = "title_en" if current_language() == "ko" else "title_ko"
        for i, column in enumerate(self.list.model.columns):
            if column[0] in ("title_ko", "title_en"):  # the saved header state may hide either
                self.list.table.setColumnHidden(i, column[0] == hidden)
        self.list.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self.list.activated.connect(self.open_record)
        self.list.selected.connect(lambda record_id: self.open_button.setEnabled(bool(record_id)))
        page.addWidget(self.list, 1)
        self.editor = RecordEditor(ctx)
        self.editor.closed.connect(self._back_to_list)
        self.editor.written.connect(self._list_stale)
        self.editor.open_requested.connect(self.open_record)
        self.stack.addWidget(self.editor)
        self.new_dialog: NewFormDialog | None = None
        self._stale = True
        self._areas_loaded = False

    # -- screen commands -----------------------------------------------------------------------

    def refresh(self) -> None:
        if not self._areas_loaded:
            ops.load_areas(self.ctx, self, self._fill_areas)
        ops.load_people(self.ctx, self, self.editor.set_people)
        if self.stack.currentWidget() is self.list_page:
            self.list.refresh()
            self._stale = False

    def new_record(self) -> None:
        self.new_button.setEnabled(False)
        ops.load_new_form_choices(self.ctx, self, self._ask_new, self._new_failed)

    def save(self) -> None:
        if self.stack.currentWidget() is self.editor:
            self.editor.save(quiet=False)

    def focus_search(self) -> None:
        if self.stack.currentWidget() is self.list_page:
            self.list.focus_search()

    def has_unsaved_changes(self) -> bool:
        return self.editor.has_unsaved_changes()

    def open_filtered(self, filters: dict[str, object]) -> None:
        if self.stack.currentWidget() is self.editor:
            self.editor.leave()
        for key, value in filters.items():
            if key == "area_id":
                index = self.area.findData(value)
                if index >= 0:
                    self.area.setCurrentIndex(index)
                    continue
            self.list.set_filter(key, value)

    def hideEvent(self, event: QHideEvent) -> None:
        """Leaving the screen saves a draft with changes (the autosave's last chance)."""
        self.editor.save(quiet=True)
        super().hideEvent(event)

    # -- list ----------------------------------------------------------------------------------

    def _fill_areas(self, areas: tuple[ops.AreaOption, ...]) -> None:
        self._areas_loaded = True
        current = self.area.currentData()
        self.area.blockSignals(True)
        while self.area.count() > 1:
            self.area.removeItem(1)
        for area in areas:
            name = area.name_en if current_language() == "en" and area.name_en else area.name
            self.area.addItem(f"{area.code} {name}", area.id)
        self.area.setCurrentIndex(max(self.area.findData(current), 0))
        self.area.blockSignals(False)

    def _area_changed(self) -> None:
        self.list.model.set_filters(area_id=self.area.currentData())

    def _period_range(self) -> tuple[str | None, str | None]:
        days = self.period.currentData()
        today = date.today()
        if days is None:
            return None, None
        if days == -1:
            return date(today.year, 1, 1).isoformat(), None
        if days == -2:
            start, end = self.date_from.date(), self.date_to.date()
            return start.toString("yyyy-MM-dd"), end.toString("yyyy-MM-dd")
        return (today - timedelta(days=int(days))).isoformat(), None

    def _period_changed(self) -> None:
        custom = self.period.currentData() == -2
        for widget in (self.date_from, self.date_to, self.dash):
            widget.setVisible(custom)
        start, end = self._period_range()
        self.list.model.set_filters(date_from=start, date_to=end)

    def print_list(self) -> None:
        from safetydesk.ui.reports import print_period_list

        print_period_list(self, self.ctx, "inspections", *self._period_range())

    def _open_selected(self) -> None:
        index = self.list.table.currentIndex()
        record_id = self.list.model.record_id(index.row()) if index.isValid() else None
        if record_id:
            self.open_record(record_id)

    def _list_stale(self) -> None:
        self._stale = True

    def _back_to_list(self) -> None:
        self.stack.setCurrentWidget(self.list_page)
        if self._stale:
            self.list.refresh()
            self._stale = False

    # -- records -------------------------------------------------------------------------------

    def open_record(self, record_id: str) -> None:
        if self.stack.currentWidget() is self.editor:
            self.editor.save(quiet=True)
        ops.load_record(self.ctx, self, record_id, self._show_record, lambda exc: show_error(self, exc))

    def _show_record(self, view: ops.FormRecordView) -> None:
        self.editor.show_record(view)
        self.stack.setCurrentWidget(self.editor)

    def _ask_new(self, choices: ops.NewFormChoices) -> None:
        self.new_button.setEnabled(True)
        dialog = NewFormDialog(choices, parent=self.window())
        dialog.accepted.connect(lambda: self._start(dialog.values()))
        self.new_dialog = dialog
        dialog.open()

    def _new_failed(self, exc: Exception) -> None:
        self.new_button.setEnabled(True)
        show_error(self, exc)

    def _started(self, created: ops.Created) -> None:
        self._list_stale()
        self.open_record(created.id)

    def _start(self, values: dict[str, Any]) -> None:
        template_id = values.pop("template_id")
        ops.start_record(
            self.ctx,
            self,
            str(template_id),
            performed_on=values["performed_on"],
            area_id=values["area_id"],
            equipment_id=values["equipment_id"],
            performed_by_name=values["performed_by_name"],
            on_done=self._started,
            on_error=lambda exc: show_error(self, exc, _("Form not started")),
        )
