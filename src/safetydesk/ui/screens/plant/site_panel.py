"""The site tab: 사업장 details (with KSIC code) and the headcount history the legal thresholds use."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from safetydesk.core.domain.company import normalise_business_reg_no, normalise_ksic
from safetydesk.core.i18n import N_, _
from safetydesk.core.queries.plant import SiteDetail
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations import plant as ops
from safetydesk.ui.screens.plant.fields import DateField, FieldError, confirm_discard, show_failure
from safetydesk.ui.screens.plant.lists import prime_sort
from safetydesk.ui.widgets.list_view import ListView

BRN_MESSAGE = N_("The business registration number must look like 000-00-00000.")
KSIC_MESSAGE = N_(
    "The KSIC code must be 2 to 5 digits, optionally after a section letter (e.g. C29 or 25112)."
)


class SitePanel(QWidget):
    """Edits one site; ``saved(site_id)`` tells the screen to reload its site list."""

    saved = Signal(str)
    status = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.site_id: str | None = None
        self.dirty = False
        self._loading = False
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 4, 0, 0)

        details = QGroupBox(_("Site details"))
        form = QFormLayout(details)
        self.name = QLineEdit()
        self.name.setObjectName("site-name")
        self.name_en = QLineEdit()
        self.address = QLineEdit()
        self.brn = QLineEdit()
        self.brn.setObjectName("site-brn")
        self.brn.setPlaceholderText("000-00-00000")
        self.brn_error = FieldError()
        self.insurance_no = QLineEdit()
        self.ksic = QLineEdit()
        self.ksic.setObjectName("site-ksic")
        self.ksic.setPlaceholderText(_("e.g. C29 or 25112"))
        self.ksic.setMaximumWidth(160)
        self.ksic_error = FieldError()
        self.industry = QLineEdit()
        self.contractors = QCheckBox(_("Contractors work on this site"))
        form.addRow(_("Name (Korean)"), self.name)
        form.addRow(_("Name (English)"), self.name_en)
        form.addRow(_("Address"), self.address)
        form.addRow(_("Business registration no."), self.brn)
        form.addRow("", self.brn_error)
        form.addRow(_("Accident insurance no."), self.insurance_no)
        form.addRow(_("KSIC code"), self.ksic)
        form.addRow("", self.ksic_error)
        form.addRow(_("Industry"), self.industry)
        form.addRow("", self.contractors)
        buttons = QHBoxLayout()
        self.new_button = QPushButton(_("New site"))
        self.save_button = QPushButton(_("Save"))
        self.save_button.setObjectName("site-save")
        self.save_button.setDefault(True)
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        form.addRow(buttons)
        self.form_error = FieldError()
        form.addRow(self.form_error)
        row.addWidget(details, 5)

        people = QGroupBox(_("Headcount history"))
        box = QVBoxLayout(people)
        self.current = QLabel("")
        self.current.setObjectName("headcount-current")
        self.current.setWordWrap(True)
        box.addWidget(self.current)
        self.headcounts = ListView(ctx.tasks, ctx.workspace, "site_headcounts")
        self.headcounts.search.hide()
        prime_sort(self.headcounts, "effective_from", descending=True)
        box.addWidget(self.headcounts, 1)
        add = QHBoxLayout()
        self.hc_from = DateField()
        self.hc_from.set_value(date.today())
        self.hc_from.clear_button.hide()
        self.hc_regular = QSpinBox()
        self.hc_regular.setRange(0, 100000)
        self.hc_regular.setObjectName("hc-regular")
        self.hc_contractors = QSpinBox()
        self.hc_contractors.setRange(0, 100000)
        self.hc_note = QLineEdit()
        self.hc_note.setPlaceholderText(_("Note"))
        self.hc_add = QPushButton(_("Record"))
        self.hc_add.setObjectName("hc-add")
        for label, widget in (
            (_("From"), self.hc_from),
            (_("Employees"), self.hc_regular),
            (_("Contractors"), self.hc_contractors),
        ):
            add.addWidget(QLabel(label))
            add.addWidget(widget)
        box.addLayout(add)
        add2 = QHBoxLayout()
        add2.addWidget(self.hc_note, 1)
        add2.addWidget(self.hc_add)
        self.hc_remove = QPushButton(_("Remove selected"))
        add2.addWidget(self.hc_remove)
        box.addLayout(add2)
        self.hc_error = FieldError()
        box.addWidget(self.hc_error)
        row.addWidget(people, 4)

        for edit in (
            self.name,
            self.name_en,
            self.address,
            self.brn,
            self.insurance_no,
            self.ksic,
            self.industry,
        ):
            edit.textChanged.connect(self._touched)
        self.contractors.toggled.connect(self._touched)
        self.brn.editingFinished.connect(self._check_brn)
        self.brn.textChanged.connect(
            lambda _t: self.brn_error.show_message("") if self.brn_error.text() else None
        )
        self.ksic.editingFinished.connect(self._check_ksic)
        self.save_button.clicked.connect(self.save)
        self.new_button.clicked.connect(self.start_new)
        self.hc_add.clicked.connect(self._add_headcount)
        self.hc_remove.clicked.connect(self._remove_headcount)
        self._selected_headcount: str | None = None
        self.headcounts.selected.connect(self._headcount_selected)
        self.show_detail(None)

    # -- form ----------------------------------------------------------------------------------

    def _touched(self, *_args: object) -> None:
        if not self._loading:
            self.dirty = True

    def _check_brn(self) -> bool:
        ok = normalise_business_reg_no(self.brn.text()) is not None
        self.brn_error.show_message("" if ok else _(BRN_MESSAGE))
        return ok

    def _check_ksic(self) -> bool:
        ok = normalise_ksic(self.ksic.text()) is not None
        self.ksic_error.show_message("" if ok else _(KSIC_MESSAGE))
        return ok

    def show_detail(self, detail: SiteDetail | None) -> None:
        """Fill the form from a site, or empty it for a new site (None)."""
        self._loading = True
        self.site_id = detail.id if detail else None
        self.name.setText(detail.name if detail else "")
        self.name_en.setText(detail.name_en if detail else "")
        self.address.setText(detail.address if detail else "")
        self.brn.setText(detail.business_reg_no if detail else "")
        self.insurance_no.setText(detail.insurance_no if detail else "")
        self.ksic.setText(detail.ksic_code if detail else "")
        self.industry.setText(detail.industry if detail else "")
        self.contractors.setChecked(bool(detail and detail.uses_contractors))
        self._loading = False
        self.dirty = False
        for error in (self.brn_error, self.ksic_error, self.form_error, self.hc_error):
            error.show_message("")
        self._show_headcount(detail)
        for widget in (self.hc_add, self.hc_remove, self.headcounts):
            widget.setEnabled(detail is not None)
        if detail is not None:
            self.headcounts.model.set_filters(site_id=detail.id)
        else:
            self.name.setFocus()

    def _show_headcount(self, detail: SiteDetail | None) -> None:
        head = detail.headcount if detail else None
        if detail is None:
            self.current.setText(_("Enter the site's details and save; areas and machines come next."))
        elif head is None:
            self.current.setText(
                _("No headcount recorded yet. Legal duties depend on it (e.g. 50+ workers).")
            )
        else:
            self.current.setText(
                _(
                    "Today: {regular} employees + {contractors} contractor workers = {total} (from {day})"
                ).format(
                    regular=head.regular_workers,
                    contractors=head.contractor_workers,
                    total=head.total,
                    day=head.effective_from,
                )
            )

    def load(self, site_id: str | None) -> None:
        if site_id is None:
            self.show_detail(None)
            return
        ops.load_site(self.ctx, self, site_id, self.show_detail, lambda exc: show_failure(self, exc))

    def start_new(self) -> None:
        if self.dirty and not confirm_discard(self, _("site details")):
            return
        self.show_detail(None)

    def values(self) -> dict[str, Any]:
        brn = normalise_business_reg_no(self.brn.text())
        ksic = normalise_ksic(self.ksic.text())
        return {
            "name": self.name.text(),
            "name_en": self.name_en.text(),
            "address": self.address.text(),
            "business_reg_no": self.brn.text() if brn is None else brn,
            "insurance_no": self.insurance_no.text(),
            "ksic_code": self.ksic.text() if ksic is None else ksic,
            "industry": self.industry.text(),
            "uses_contractors": self.contractors.isChecked(),
        }

    def save(self) -> None:
        if not (self._check_brn() & self._check_ksic()):
            return
        self.form_error.show_message("")
        self.save_button.setEnabled(False)
        ops.save_site(self.ctx, self, self.values(), self.site_id, self._saved, self._failed)

    def _saved(self, created: Any) -> None:
        self.save_button.setEnabled(True)
        self.dirty = False
        self.site_id = created.id
        self.status.emit(_("Site details saved."))
        self.saved.emit(created.id)

    def _failed(self, exc: Exception) -> None:
        self.save_button.setEnabled(True)
        show_failure(self, exc, self.form_error)

    # -- headcounts ----------------------------------------------------------------------------

    def _headcount_selected(self, record_id: object) -> None:
        self._selected_headcount = record_id if isinstance(record_id, str) else None

    def _add_headcount(self) -> None:
        if self.site_id is None:
            return
        day = self.hc_from.value() or date.today()
        self.hc_error.show_message("")
        ops.record_headcount(
            self.ctx,
            self,
            self.site_id,
            day,
            self.hc_regular.value(),
            self.hc_contractors.value(),
            self.hc_note.text(),
            self._headcount_changed,
            lambda exc: show_failure(self, exc, self.hc_error),
        )

    def _remove_headcount(self) -> None:
        if self._selected_headcount is None:
            self.hc_error.show_message(_("Select a headcount row to remove."))
            return
        answer = QMessageBox.question(self, "SafetyDesk", _("Remove the selected headcount entry?"))
        if answer != QMessageBox.StandardButton.Yes:
            return
        ops.remove_record(
            self.ctx,
            self,
            "site_headcounts",
            self._selected_headcount,
            self._headcount_changed,
            lambda exc: show_failure(self, exc, self.hc_error),
        )

    def _headcount_changed(self, _result: object) -> None:
        self.hc_note.clear()
        self.status.emit(_("Headcount saved."))
        if self.site_id is not None:
            self.headcounts.refresh()
            ops.load_site(
                self.ctx, self, self.site_id, self._show_headcount, lambda exc: show_failure(self, exc)
            )
