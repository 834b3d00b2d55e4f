"""The equipment tab: the machine register with 안전검사 due dates, a machine form, and recording
a passed statutory inspection (which moves the due date by the legal cycle)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from safetydesk.core.i18n import N_, _, current_language
from safetydesk.core.queries.plant import AreaDetail, EquipmentDetail, EquipmentKind, SiteSummary
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations import plant as ops
from safetydesk.ui.screens.plant.fields import DateField, FieldError, confirm_discard, show_failure
from safetydesk.ui.screens.plant.lists import (
    OVERDUE_BACK,
    OVERDUE_TEXT,
    SOON_BACK,
    SOON_TEXT,
    EquipmentDelegate,
    due_state,
    prime_filters,
    prime_sort,
    select_record,
)
from safetydesk.ui.widgets.import_dialog import choose_and_import
from safetydesk.ui.widgets.list_view import ListView

STATUTORY_CHOICES = (
    (N_("All machines"), None),
    (N_("Inspection overdue"), "overdue"),
    (N_("Due within 60 days"), "due_60d"),
    (N_("With a statutory cycle"), "tracked"),
    (N_("No statutory cycle"), "untracked"),
)
SERVICE_CHOICES = (
    (N_("In service"), "in_service"),
    (N_("Retired"), "retired"),
    (N_("All, including retired"), "all"),
)


class InspectionDialog(QDialog):
    """Date and certificate number of a passed 안전검사."""

    def __init__(self, machine: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Record statutory inspection"))
        form = QFormLayout(self)
        form.addRow(QLabel(machine))
        self.day = DateField()
        self.day.set_value(date.today())
        self.day.clear_button.hide()
        self.certificate = QLineEdit()
        self.certificate.setPlaceholderText(_("From the inspection certificate (안전검사 합격증명서)"))
        form.addRow(_("Inspected on"), self.day)
        form.addRow(_("Certificate no."), self.certificate)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class EquipmentPanel(QWidget):
    status = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.site: SiteSummary | None = None
        self.kinds: dict[str, EquipmentKind] = {}
        self.areas: tuple[AreaDetail, ...] = ()
        self.detail: EquipmentDetail | None = None
        self.dirty = False
        self._loading = False
        self._restoring = False
        self._pending_select: str | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        layout.addWidget(splitter)

        left = QWidget()
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 0, 0)
        self.list = ListView(
            ctx.tasks,
            ctx.workspace,
            "equipment",
            filters=(
                ("statutory", N_("Statutory inspection"), STATUTORY_CHOICES),
                ("service", N_("In service or retired"), SERVICE_CHOICES),
            ),
        )
        self.area_filter = QComboBox()
        self.area_filter.setObjectName("filter-area")
        self.area_filter.setToolTip(_("Area"))
        self.area_filter.addItem(_("All areas"), None)
        list_layout = self.list.layout()
        first = list_layout.itemAt(0) if list_layout is not None else None
        bar = first.layout() if first is not None else None
        if isinstance(bar, QHBoxLayout):  # the ListView's search and filter row
            bar.insertWidget(1, self.area_filter, 1)
        else:
            left_box.addWidget(self.area_filter)
        self.list.table.setItemDelegate(EquipmentDelegate(self.list, self.kind_label, self.list.table))
        prime_filters(self.list, service="in_service")
        prime_sort(self.list, "code")
        left_box.addWidget(self.list, 1)
        legend = QLabel(
            f"<span style='background:{OVERDUE_BACK.name()}; color:{OVERDUE_TEXT.name()}'>&nbsp;■&nbsp;</span> "
            + _("Statutory inspection overdue")
            + f" &nbsp; <span style='background:{SOON_BACK.name()}; color:{SOON_TEXT.name()}'>&nbsp;■&nbsp;</span> "
            + _("Due within 60 days")
        )
        legend.setObjectName("legend")
        left_box.addWidget(legend)
        splitter.addWidget(left)

        form_widget = QWidget()
        form_box = QVBoxLayout(form_widget)
        form_box.setContentsMargins(0, 0, 4, 0)
        machine = QGroupBox(_("Machine"))
        form = QFormLayout(machine)
        form.setVerticalSpacing(5)
        self.code = QLineEdit()
        self.code.setObjectName("eq-code")
        self.name = QLineEdit()
        self.name.setObjectName("eq-name")
        self.kind = QComboBox()
        self.kind.setObjectName("eq-kind")
        self.area = QComboBox()
        self.area.setObjectName("eq-area")
        self.maker = QLineEdit()
        self.model = QLineEdit()
        self.serial_no = QLineEdit()
        self.capacity = QLineEdit()
        self.installed_on = DateField()
        self.installed_on.setObjectName("eq-installed")
        self.retired_on = DateField()
        maker_row = QHBoxLayout()
        maker_row.addWidget(self.maker)
        maker_row.addSpacing(6)
        maker_row.addWidget(QLabel(_("Model")))
        maker_row.addWidget(self.model)
        serial_row = QHBoxLayout()
        serial_row.addWidget(self.serial_no)
        serial_row.addSpacing(6)
        serial_row.addWidget(QLabel(_("Capacity")))
        serial_row.addWidget(self.capacity)
        dates_row = QHBoxLayout()
        dates_row.addWidget(self.installed_on)
        dates_row.addSpacing(6)
        dates_row.addWidget(QLabel(_("Retired")))
        dates_row.addWidget(self.retired_on)
        form.addRow(_("Code"), self.code)
        form.addRow(_("Name"), self.name)
        form.addRow(_("Kind"), self.kind)
        form.addRow(_("Area"), self.area)
        form.addRow(_("Maker"), maker_row)
        form.addRow(_("Serial no."), serial_row)
        form.addRow(_("Installed"), dates_row)
        buttons = QHBoxLayout()
        self.new_button = QPushButton(_("New machine"))
        self.remove_button = QPushButton(_("Remove"))
        self.save_button = QPushButton(_("Save"))
        self.save_button.setObjectName("eq-save")
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.remove_button)
        self.excel_button = QPushButton(_("Import from Excel…"))  # issue 7: Excel/CSV exchange
        self.excel_button.clicked.connect(
            lambda: choose_and_import(self.ctx, "equipment", self, self._imported)
        )
        buttons.addWidget(self.excel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        form.addRow(buttons)
        self.error = FieldError()
        form.addRow(self.error)
        form_box.addWidget(machine)

        inspection = QGroupBox(_("Statutory safety inspection (안전검사)"))
        iform = QFormLayout(inspection)
        iform.setVerticalSpacing(5)
        self.rule = QLabel("")
        self.rule.setObjectName("eq-rule")
        self.rule.setWordWrap(True)
        self.rule.setStyleSheet("color: #444;")
        self.last = QLabel("—")
        self.certificate = QLabel("—")
        self.certificate.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.next_due = QLabel("—")
        self.next_due.setObjectName("eq-next-due")
        self.record_button = QPushButton(_("Record statutory inspection…"))
        self.record_button.setObjectName("record-inspection")
        iform.addRow(self.rule)
        iform.addRow(_("Last inspected"), self.last)
        iform.addRow(_("Certificate no."), self.certificate)
        iform.addRow(_("Next inspection due"), self.next_due)
        iform.addRow(self.record_button)
        form_box.addWidget(inspection)
        form_box.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_widget)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        splitter.setSizes([680, 480])

        for edit in (self.code, self.name, self.maker, self.model, self.serial_no, self.capacity):
            edit.textChanged.connect(self._touched)
        self.kind.currentIndexChanged.connect(self._touched)
        self.kind.currentIndexChanged.connect(lambda _i: self._show_rule())
        self.area.currentIndexChanged.connect(self._touched)
        self.installed_on.changed.connect(self._touched)
        self.retired_on.changed.connect(self._touched)
        self.area_filter.currentIndexChanged.connect(
            lambda _i: self.list.model.set_filters(area_id=self.area_filter.currentData())
        )
        self.list.selected.connect(self._list_selected)
        self.list.model.loaded.connect(self._list_loaded)
        self.new_button.clicked.connect(self.start_new)
        self.save_button.clicked.connect(self.save)
        self.remove_button.clicked.connect(self._remove)
        self.record_button.clicked.connect(self._record_inspection)
        self.show_detail(None)

    # -- data ----------------------------------------------------------------------------------

    def kind_label(self, code: str) -> str:
        kind = self.kinds.get(code)
        return kind.label(current_language()) if kind else code

    def set_kinds(self, kinds: tuple[EquipmentKind, ...]) -> None:
        self.kinds = {k.code: k for k in kinds}
        self._loading = True
        current = self.kind.currentData()
        self.kind.clear()
        self.kind.addItem("", None)
        statutory = [k for k in kinds if k.statutory and k.case_of is None]
        others = [k for k in kinds if not (k.statutory and k.case_of is None)]
        for group in (statutory, others):
            if self.kind.count() > 1:
                self.kind.insertSeparator(self.kind.count())
            for kind in group:
                self.kind.addItem(kind.label(current_language()), kind.code)
        self._select_data(self.kind, current)
        self._loading = False
        self.list.table.viewport().update()
        self._show_rule()

    def set_site(self, site: SiteSummary | None) -> None:
        changed = site is None or self.site is None or site.id != self.site.id
        self.site = site
        if changed:
            self.show_detail(None)
            self.area_filter.blockSignals(True)
            self.area_filter.setCurrentIndex(0)
            self.area_filter.blockSignals(False)
            prime_filters(self.list, area_id=None)
        if site is not None:
            prime_filters(self.list, site_id=site.id)
            self.list.refresh()
        self.setEnabled(site is not None)

    def set_areas(self, areas: tuple[AreaDetail, ...]) -> None:
        """Area choices for the form and the filter (called when the site's areas are loaded)."""
        self.areas = areas
        for combo, blank in ((self.area, "—"), (self.area_filter, _("All areas"))):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(blank, None)
            for area in areas:
                combo.addItem(f"{area.code} {area.name}", area.id)
            self._select_data(combo, current)
            combo.blockSignals(False)
        if self.detail is not None and not self.dirty:
            self._loading = True
            self._select_data(self.area, self.detail.area_id)
            self._loading = False

    def _imported(self, _changes: object) -> None:
        self.refresh()

    def refresh(self) -> None:
        if self.site is not None:
            self.list.refresh()

    def set_statutory_filter(self, value: str | None) -> None:
        prime_filters(self.list, service="in_service", statutory=value)
        self.list.refresh()

    def set_area_filter(self, area_id: str | None) -> None:
        index = self.area_filter.findData(area_id)
        self.area_filter.blockSignals(True)
        self.area_filter.setCurrentIndex(max(0, index))
        self.area_filter.blockSignals(False)
        prime_filters(self.list, area_id=area_id)
        self.list.refresh()

    @staticmethod
    def _select_data(combo: QComboBox, value: object) -> None:
        index = combo.findData(value) if value is not None else 0
        if index < 0 and isinstance(value, str):
            combo.addItem(value, value)  # a code this version does not list: keep it
            index = combo.count() - 1
        combo.setCurrentIndex(max(0, index))

    # -- the form ------------------------------------------------------------------------------

    def _touched(self, *_args: object) -> None:
        if not self._loading:
            self.dirty = True

    def show_detail(self, detail: EquipmentDetail | None) -> None:
        self._loading = True
        self.detail = detail
        self.code.setText(detail.code if detail else "")
        self.name.setText(detail.name if detail else "")
        self._select_data(self.kind, detail.kind if detail else None)
        self._select_data(self.area, detail.area_id if detail else None)
        self.maker.setText(detail.maker if detail else "")
        self.model.setText(detail.model if detail else "")
        self.serial_no.setText(detail.serial_no if detail else "")
        self.capacity.setText(detail.capacity if detail else "")
        self.installed_on.set_value(detail.installed_on if detail else None)
        self.retired_on.set_value(detail.retired_on if detail else None)
        self._loading = False
        self.dirty = False
        self.error.show_message("")
        self.last.setText((detail.last_inspected_on if detail else None) or "—")
        self.certificate.setText((detail.certificate_no if detail else "") or "—")
        self._show_due(detail)
        self._show_rule()
        self.remove_button.setEnabled(detail is not None)
        self.record_button.setEnabled(detail is not None)

    def _show_due(self, detail: EquipmentDetail | None) -> None:
        due = detail.next_inspection_due if detail else None
        state = due_state(due, detail.retired_on if detail else None)
        text = due or "—"
        if state == "overdue":
            text = _("{day} — overdue").format(day=due)
        elif state == "soon":
            text = _("{day} — within 60 days").format(day=due)
        self.next_due.setText(text)
        colour = {"overdue": OVERDUE_TEXT.name(), "soon": SOON_TEXT.name()}.get(state)
        self.next_due.setStyleSheet(
            f"color: {colour}; font-weight: bold;" if colour else "font-weight: bold;"
        )

    def _show_rule(self) -> None:
        code = self.kind.currentData()
        kind = self.kinds.get(code) if isinstance(code, str) else None
        lang = current_language()
        if kind is None:
            self.rule.setText(_("Choose the kind: the statutory inspection cycle follows from it."))
        elif kind.statutory:
            self.rule.setText(
                _(
                    "First inspection within {first} months of installation, then every {every} months. ({source})"
                ).format(first=kind.first_within_months, every=kind.then_every_months, source=kind.source)
            )
        elif kind.reason_ko or kind.reason_en:
            self.rule.setText(kind.reason_ko if lang == "ko" else kind.reason_en)
        else:
            self.rule.setText(_("Not on the statutory safety-inspection list (Rule Art. 126): no due date."))

    def _list_selected(self, record_id: object) -> None:
        current = self.detail.id if self.detail else None
        if self._restoring or not isinstance(record_id, str) or record_id == current:
            return
        if self.dirty and not confirm_discard(self, _("machine")):
            self._restoring = True
            select_record(self.list, current)
            self._restoring = False
            return
        ops.load_equipment(self.ctx, self, record_id, self._loaded, lambda exc: show_failure(self, exc))

    def _loaded(self, detail: EquipmentDetail) -> None:
        if self.dirty:
            return  # typed into the form while it loaded: keep the typing
        self.show_detail(detail)

    def _list_loaded(self, _total: int) -> None:
        wanted = self._pending_select or (self.detail.id if self.detail else None)
        self._pending_select = None
        if wanted:
            self._restoring = True
            select_record(self.list, wanted)
            self._restoring = False

    def start_new(self) -> None:
        if self.site is None:
            return
        if self.dirty and not confirm_discard(self, _("machine")):
            return
        self.list.table.clearSelection()
        self.show_detail(None)
        self.code.setFocus()

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "code": self.code.text(),
            "name": self.name.text(),
            "kind": self.kind.currentData(),
            "area_id": self.area.currentData(),
            "maker": self.maker.text(),
            "model": self.model.text(),
            "serial_no": self.serial_no.text(),
            "capacity": self.capacity.text(),
            "installed_on": self.installed_on.value(),
            "retired_on": self.retired_on.value(),
        }
        if self.detail is None and self.site is not None:
            values["site_id"] = self.site.id
        return values

    def save(self) -> None:
        if self.site is None:
            return
        self.error.show_message("")
        self.save_button.setEnabled(False)
        ops.save_equipment(
            self.ctx, self, self.values(), self.detail.id if self.detail else None, self._saved, self._failed
        )

    def _saved(self, created: Any) -> None:
        self.save_button.setEnabled(True)
        self.dirty = False
        self._pending_select = created.id
        self.status.emit(_("Machine saved."))
        self.list.refresh()
        ops.load_equipment(self.ctx, self, created.id, self.show_detail, lambda exc: show_failure(self, exc))

    def _failed(self, exc: Exception) -> None:
        self.save_button.setEnabled(True)
        show_failure(self, exc, self.error)

    def _remove(self) -> None:
        if self.detail is None:
            return
        answer = QMessageBox.question(
            self,
            "SafetyDesk",
            _(
                "Remove {machine} from the register? To keep its history, set a retirement date instead."
            ).format(machine=f"{self.detail.code} {self.detail.name}"),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        ops.remove_record(self.ctx, self, "equipment", self.detail.id, self._removed, self._failed)

    def _removed(self, _changes: object) -> None:
        self.show_detail(None)
        self.status.emit(_("Machine removed."))
        self.list.refresh()

    # -- statutory inspection ------------------------------------------------------------------

    def ask_inspection(self, machine: str) -> tuple[date, str] | None:
        """The date and certificate of a passed inspection, or None if the user cancels."""
        dialog = InspectionDialog(machine, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.day.value() or date.today(), dialog.certificate.text()

    def _record_inspection(self) -> None:
        if self.detail is None:
            return
        if self.dirty and not confirm_discard(self, _("machine")):
            return
        answer = self.ask_inspection(f"{self.detail.code} {self.detail.name}")
        if answer is None:
            return
        day, certificate = answer
        machine_id = self.detail.id
        ops.record_inspection(
            self.ctx,
            self,
            machine_id,
            day,
            certificate,
            lambda due: self._inspection_recorded(machine_id, due),
            lambda exc: show_failure(self, exc, self.error),
        )

    def _inspection_recorded(self, machine_id: str, due: str | None) -> None:
        if due:
            self.status.emit(_("Inspection recorded. Next statutory inspection due {day}.").format(day=due))
        else:
            self.status.emit(_("Inspection recorded. This kind has no statutory cycle."))
        self.dirty = False
        self._pending_select = machine_id
        self.list.refresh()
        ops.load_equipment(self.ctx, self, machine_id, self.show_detail, lambda exc: show_failure(self, exc))
