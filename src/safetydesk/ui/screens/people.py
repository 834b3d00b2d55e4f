"""People and training: the roster, education records with attendance, and hours per half-year.

The hours tab answers the question an inspector asks first — who is short of the 정기교육 hours this
반기 — and highlights them, so the officer can plan the next session for exactly those people.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from safetydesk.core.domain.legal import HalfYear
from safetydesk.core.i18n import N_, _
from safetydesk.core.labels import label
from safetydesk.core.queries.appointments import (
    MOEL_REPORT_ROLES,
    RESULTS,
    ROLES,
    AppointmentInput,
    AppointmentRow,
    EvaluationInput,
    EvaluationRow,
    result_label,
    role_label,
)
from safetydesk.core.queries.people import (
    COURSES,
    JOB_TYPES,
    METHODS,
    PERSON_KINDS,
    ContractorChoice,
    HoursRow,
    PersonChoice,
    PersonDetail,
    TrainingDetail,
)
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations import appointments as ops_appointments
from safetydesk.ui.operations import people as ops
from safetydesk.ui.screens import emergency_common as common
from safetydesk.ui.screens.base import Screen
from safetydesk.ui.screens.emergency_common import (
    CheckPeopleModel,
    CheckRow,
    DateField,
    ErrorBanner,
    fill_codes,
    select_data,
)
from safetydesk.ui.widgets.import_dialog import choose_and_import
from safetydesk.ui.widgets.list_view import ListView
from safetydesk.ui.widgets.tables import record_table

AnyIndex = QModelIndex | QPersistentModelIndex

ACTIVE_FILTER = ((N_("Employed"), True), (N_("Left"), False), (N_("Everyone"), None))
KIND_FILTER = ((N_("All kinds"), None), *((common.EXTRA_CODES[k], k) for k in PERSON_KINDS))
COURSE_FILTER = ((N_("All courses"), None), *((common.EXTRA_CODES[c], c) for c in COURSES))
CATEGORY_TEXT = {
    "office_sales": N_("Office and sales staff"),
    "supervisor": N_("Supervisors"),
    "other": N_("Other workers"),
}
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
PER_TEXT = {"half_year": N_("per half-year"), "year": N_("per year"), "quarter": N_("2 quarters")}


# -- roster -------------------------------------------------------------------------------------


class RosterPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail: PersonDetail | None = None
        self.dirty = False
        self.loading = False
        split = QSplitter(Qt.Orientation.Horizontal)
        self.list = ListView(
            ctx.tasks,
            ctx.workspace,
            "people",
            filters=(("active", N_("Employment"), ACTIVE_FILTER), ("kind", N_("Kind"), KIND_FILTER)),
        )
        self.list.activated.connect(self.open_person)
        self.list.selected.connect(lambda rid: self.open_person(rid) if rid else None)
        split.addWidget(self.list)

        right = QWidget()
        box = QVBoxLayout(right)
        box.setContentsMargins(8, 0, 0, 0)
        grid = QGridLayout()
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("personName")
        self.name_en_edit = QLineEdit()
        self.employee_edit = QLineEdit()
        self.kind_box = QComboBox()
        self.kind_box.setObjectName("personKind")
        fill_codes(self.kind_box, PERSON_KINDS)
        self.job_box = QComboBox()
        self.job_box.setObjectName("jobType")
        fill_codes(self.job_box, JOB_TYPES)
        self.title_edit = QLineEdit()
        self.department_edit = QLineEdit()
        self.department_edit.setObjectName("department")
        self.nationality_edit = QLineEdit()
        self.nationality_edit.setObjectName("nationality")
        self.nationality_edit.setMaxLength(3)
        self.nationality_edit.setPlaceholderText("KR")
        self.language_edit = QLineEdit()
        self.language_edit.setPlaceholderText("ko")
        self.visa_edit = QLineEdit()
        self.visa_edit.setPlaceholderText("E-9")
        self.contractor_box = QComboBox()
        self.contractor_box.setObjectName("contractor")
        self.hired_edit = DateField(optional=True)
        self.left_edit = DateField(optional=True)
        self.phone_edit = QLineEdit()
        rows: Sequence[tuple[str, QWidget, str, QWidget]] = (
            (N_("Name"), self.name_edit, N_("Name (English)"), self.name_en_edit),
            (N_("Kind"), self.kind_box, N_("Job type"), self.job_box),
            (N_("Department"), self.department_edit, N_("Job title"), self.title_edit),
            (N_("Employee no."), self.employee_edit, N_("Phone"), self.phone_edit),
            (N_("Nationality"), self.nationality_edit, N_("Language"), self.language_edit),
            (N_("Visa status"), self.visa_edit, N_("Contractor"), self.contractor_box),
            (N_("Hired"), self.hired_edit, N_("Left"), self.left_edit),
        )
        for i, (l1, w1, l2, w2) in enumerate(rows):
            grid.addWidget(QLabel(_(l1)), i, 0)
            grid.addWidget(w1, i, 1)
            grid.addWidget(QLabel(_(l2)), i, 2)
            grid.addWidget(w2, i, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        box.addLayout(grid)
        hint = QLabel(
            _(
                "The job type decides the periodic-education requirement: office staff 6 h per half-year, "
                "supervisors 16 h per year, everyone else 12 h per half-year. Nationality and language "
                "decide the language of safety material for foreign workers."
            )
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        box.addWidget(hint)
        box.addStretch(1)
        self.error = ErrorBanner()
        box.addWidget(self.error)
        buttons = QHBoxLayout()
        self.new_button = QPushButton(_("New person"))
        self.save_button = QPushButton(_("Save"))
        buttons.addWidget(self.new_button)
        self.excel_button = QPushButton(_("Import from Excel…"))  # issue 7: Excel/CSV exchange
        self.excel_button.clicked.connect(
            lambda: choose_and_import(self.ctx, "workers", self, self._imported)
        )
        buttons.addWidget(self.excel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        box.addLayout(buttons)
        split.addWidget(right)
        split.setSizes([600, 560])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self.new_button.clicked.connect(self.new_person)
        self.save_button.clicked.connect(self.save)
        for edit in (
            self.name_edit,
            self.name_en_edit,
            self.employee_edit,
            self.title_edit,
            self.department_edit,
            self.nationality_edit,
            self.language_edit,
            self.visa_edit,
            self.phone_edit,
        ):
            edit.textChanged.connect(self._changed)
        for box_ in (self.kind_box, self.job_box, self.contractor_box):
            box_.currentIndexChanged.connect(self._changed)
        for d in (self.hired_edit, self.left_edit):
            d.dateChanged.connect(self._changed)
        self.kind_box.currentIndexChanged.connect(self._kind_changed)
        self.new_person()

    def _changed(self, *_args: object) -> None:
        if not self.loading:
            self.dirty = True

    def _kind_changed(self, *_args: object) -> None:
        if self.loading:
            return
        if self.kind_box.currentData() == "supervisor":
            select_data(self.job_box, "supervisor")

    def _imported(self, _changes: object) -> None:
        self.refresh()

    def refresh(self) -> None:
        self.list.refresh()
        ops.load_contractors(self.ctx, self, self._set_contractors)

    def _set_contractors(self, contractors: tuple[ContractorChoice, ...]) -> None:
        was = self.loading
        self.loading = True
        current = self.detail.contractor_id if self.detail else self.contractor_box.currentData()
        self.contractor_box.clear()
        self.contractor_box.addItem(_("— own employee —"), None)
        for c in contractors:
            self.contractor_box.addItem(c.name, c.id)
        select_data(self.contractor_box, current)
        self.loading = was

    def new_person(self) -> None:
        if self.dirty and not common.confirm(self, _("Discard the changes to this person?")):
            return
        self.loading = True
        self.detail = None
        for edit in (
            self.name_edit,
            self.name_en_edit,
            self.employee_edit,
            self.title_edit,
            self.department_edit,
            self.visa_edit,
            self.phone_edit,
        ):
            edit.setText("")
        self.nationality_edit.setText("KR")
        self.language_edit.setText("ko")
        select_data(self.kind_box, "worker")
        select_data(self.job_box, "production")
        self.contractor_box.setCurrentIndex(0)
        self.hired_edit.set_value(None)
        self.left_edit.set_value(None)
        self.error.clear_error()
        self.loading = False
        self.dirty = False
        self.name_edit.setFocus()

    def open_person(self, person_id: str) -> None:
        if self.detail is not None and self.detail.id == person_id:
            return
        if self.dirty and not common.confirm(self, _("Discard the changes to this person?")):
            return
        ops.load_person(self.ctx, self, person_id, self._show, self.error.show_error)

    def _show(self, p: PersonDetail) -> None:
        self.loading = True
        self.detail = p
        self.name_edit.setText(p.name)
        self.name_en_edit.setText(p.name_en)
        self.employee_edit.setText(p.employee_no)
        select_data(self.kind_box, p.kind)
        select_data(self.job_box, p.job_type)
        self.title_edit.setText(p.job_title)
        self.department_edit.setText(p.department)
        self.nationality_edit.setText(p.nationality)
        self.language_edit.setText(p.language)
        self.visa_edit.setText(p.visa_status)
        select_data(self.contractor_box, p.contractor_id)
        self.hired_edit.set_value(p.hired_on)
        self.left_edit.set_value(p.left_on)
        self.phone_edit.setText(p.phone)
        self.error.clear_error()
        self.loading = False
        self.dirty = False

    def data(self) -> ops.PersonInput:
        return ops.PersonInput(
            name=self.name_edit.text(),
            kind=str(self.kind_box.currentData()),
            job_type=str(self.job_box.currentData()),
            name_en=self.name_en_edit.text(),
            employee_no=self.employee_edit.text(),
            job_title=self.title_edit.text(),
            department=self.department_edit.text(),
            nationality=self.nationality_edit.text(),
            language=self.language_edit.text(),
            visa_status=self.visa_edit.text(),
            contractor_id=self.contractor_box.currentData(),
            hired_on=self.hired_edit.value(),
            left_on=self.left_edit.value(),
            phone=self.phone_edit.text(),
        )

    def save(self) -> None:
        self.error.clear_error()
        pid = self.detail.id if self.detail else None

        def saved(new_id: str) -> None:
            self.dirty = False
            self.detail = None
            self.list.refresh()
            ops.load_person(self.ctx, self, new_id, self._show, self.error.show_error)

        ops.save_person(self.ctx, self, pid, self.data(), saved, self._failed)

    def _failed(self, exc: Exception) -> None:
        self.error.show_error(exc)
        text = self.error.text()
        if "KR" in text:
            self.nationality_edit.setFocus()
            self.nationality_edit.selectAll()
        elif self.name_edit.text().strip() == "":
            self.name_edit.setFocus()


# -- education records ----------------------------------------------------------------------------


class NameFilter(QSortFilterProxyModel):
    """Attendee picker filtered by a text in the name or department."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = ""

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self.text = text.strip().lower()
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: Any) -> bool:
        if not self.text:
            return True
        model = self.sourceModel()
        name = str(model.data(model.index(source_row, 0, source_parent)) or "")
        department = str(model.data(model.index(source_row, 1, source_parent)) or "")
        return self.text in name.lower() or self.text in department.lower()


class TrainingsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail: TrainingDetail | None = None
        self.people: tuple[PersonChoice, ...] = ()
        self.dirty = False
        self.loading = False
        split = QSplitter(Qt.Orientation.Horizontal)
        self.list = ListView(
            ctx.tasks, ctx.workspace, "trainings", filters=(("course", N_("Course"), COURSE_FILTER),)
        )
        self.list.activated.connect(self.open_training)
        self.list.selected.connect(lambda rid: self.open_training(rid) if rid else None)
        split.addWidget(self.list)

        right = QWidget()
        box = QVBoxLayout(right)
        box.setContentsMargins(8, 0, 0, 0)
        form = QFormLayout()
        self.course_box = QComboBox()
        self.course_box.setObjectName("course")
        fill_codes(self.course_box, COURSES)
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("trainingTitle")
        self.held_edit = DateField()
        self.hours_spin = QDoubleSpinBox()
        self.hours_spin.setObjectName("trainingHours")
        self.hours_spin.setRange(0, 24)
        self.hours_spin.setSingleStep(0.5)
        self.hours_spin.setDecimals(1)
        self.hours_spin.setSuffix(" h")
        self.method_box = QComboBox()
        fill_codes(self.method_box, METHODS)
        self.instructor_edit = QLineEdit()
        self.qualification_edit = QLineEdit()
        self.qualification_edit.setPlaceholderText(_("e.g. safety manager, KOSHA-trained instructor"))
        self.content_edit = QPlainTextEdit()
        self.content_edit.setFixedHeight(48)
        line1 = QHBoxLayout()
        line1.addWidget(self.course_box, 1)
        line1.addWidget(QLabel(_("Method")))
        line1.addWidget(self.method_box, 1)
        line2 = QHBoxLayout()
        line2.addWidget(self.held_edit)
        line2.addWidget(QLabel(_("Hours")))
        line2.addWidget(self.hours_spin)
        line2.addStretch(1)
        line3 = QHBoxLayout()
        line3.addWidget(self.instructor_edit, 1)
        line3.addWidget(self.qualification_edit, 1)
        form.addRow(_("Course"), line1)
        form.addRow(_("Title"), self.title_edit)
        form.addRow(_("Held on"), line2)
        form.addRow(_("Instructor"), line3)
        form.addRow(_("Contents"), self.content_edit)
        box.addLayout(form)
        pick = QHBoxLayout()
        self.attendee_search = QLineEdit()
        self.attendee_search.setPlaceholderText(_("Find a name or department…"))
        self.attendee_search.setClearButtonEnabled(True)
        self.all_button = QPushButton(_("Tick shown"))
        self.none_button = QPushButton(_("Clear"))
        self.count_label = QLabel("")
        self.count_label.setObjectName("attendeeCount")
        attendees_title = QLabel(_("Attendees"))
        attendees_title.setStyleSheet("font-weight: bold;")
        pick.addWidget(attendees_title)
        pick.addWidget(self.attendee_search, 1)
        pick.addWidget(self.all_button)
        pick.addWidget(self.none_button)
        pick.addWidget(self.count_label)
        box.addLayout(pick)
        self.attendees = CheckPeopleModel(with_hours=True, parent=self)
        self.proxy = NameFilter(self)
        self.proxy.setSourceModel(self.attendees)
        self.attendee_view = QTableView()
        self.attendee_view.setObjectName("attendees")
        self.attendee_view.setModel(self.proxy)
        self.attendee_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.attendee_view.verticalHeader().setDefaultSectionSize(24)
        self.attendee_view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        box.addWidget(self.attendee_view, 1)
        self.state_label = QLabel("")
        box.addWidget(self.state_label)
        self.error = ErrorBanner()
        box.addWidget(self.error)
        buttons = QHBoxLayout()
        self.new_button = QPushButton(_("New training"))
        self.save_button = QPushButton(_("Save"))
        self.complete_button = QPushButton(_("Complete and lock…"))
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.complete_button)
        self.print_button = QPushButton(_("Print…"))
        self.print_button.setObjectName("printTraining")
        self.print_button.clicked.connect(self.print_record)
        buttons.addWidget(self.print_button)
        box.addLayout(buttons)
        split.addWidget(right)
        split.setSizes([520, 640])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

        self.new_button.clicked.connect(self.new_training)
        self.save_button.clicked.connect(self.save)
        self.complete_button.clicked.connect(self.complete)
        self.attendee_search.textChanged.connect(self.proxy.set_text)
        self.all_button.clicked.connect(lambda: self._tick_shown(True))
        self.none_button.clicked.connect(lambda: self._tick_shown(False))
        self.attendees.changed.connect(self._attendees_changed)
        self.hours_spin.valueChanged.connect(lambda v: self.attendees.set_default_hours(float(v)))
        for edit in (self.title_edit, self.instructor_edit, self.qualification_edit):
            edit.textChanged.connect(self._changed)
        self.content_edit.textChanged.connect(self._changed)
        for cb in (self.course_box, self.method_box):
            cb.currentIndexChanged.connect(self._changed)
        self.hours_spin.valueChanged.connect(self._changed)
        self.held_edit.dateChanged.connect(self._changed)
        self.new_training()

    def _changed(self, *_args: object) -> None:
        if not self.loading:
            self.dirty = True

    def _attendees_changed(self) -> None:
        self.count_label.setText(_("{n} ticked").format(n=len(self.attendees.checked_rows())))
        self._changed()

    def _tick_shown(self, on: bool) -> None:
        for row in range(self.proxy.rowCount()):
            self.proxy.setData(
                self.proxy.index(row, 0),
                (Qt.CheckState.Checked if on else Qt.CheckState.Unchecked).value,
                Qt.ItemDataRole.CheckStateRole,
            )

    def refresh(self) -> None:
        self.list.refresh()
        ops.load_people(self.ctx, self, self._set_people, active_on=None)

    def _set_people(self, people: tuple[PersonChoice, ...]) -> None:
        self.people = people
        self._fill_attendees()

    def _fill_attendees(self) -> None:
        was = self.loading
        self.loading = True
        chosen = {a.person_id: a for a in self.detail.attendees} if self.detail else {}
        rows = [
            CheckRow(
                p,
                checked=p.id in chosen,
                hours=chosen[p.id].hours if p.id in chosen else None,
                signed=chosen[p.id].signed if p.id in chosen else False,
            )
            for p in self.people
        ]
        known = {p.id for p in self.people}
        for pid, a in chosen.items():  # someone no longer on the roster stays on the record
            if pid not in known:
                rows.append(CheckRow(PersonChoice(pid, a.name, "", "", "", None), True, a.hours, a.signed))
        self.attendees.set_rows(rows)
        self.attendees.set_default_hours(float(self.hours_spin.value()))
        self.loading = was

    def new_training(self) -> None:
        if self.dirty and not common.confirm(self, _("Discard the changes to this training?")):
            return
        self.loading = True
        self.detail = None
        select_data(self.course_box, "periodic")
        select_data(self.method_box, "in_person")
        self.title_edit.setText("")
        self.held_edit.set_value(date.today())
        self.hours_spin.setValue(2.0)
        self.instructor_edit.setText("")
        self.qualification_edit.setText("")
        self.content_edit.setPlainText("")
        self._fill_attendees()
        self._set_locked(False)
        self.state_label.setText(_("New training — not saved yet."))
        self.print_button.setEnabled(False)
        self.error.clear_error()
        self.loading = False
        self.dirty = False

    def print_record(self) -> None:
        from safetydesk.ui.reports import print_record

        print_record(self, self.ctx, "training", self.detail.id if self.detail else None)

    def open_training(self, training_id: str) -> None:
        if self.detail is not None and self.detail.id == training_id:
            return
        if self.dirty and not common.confirm(self, _("Discard the changes to this training?")):
            return
        ops.load_training(self.ctx, self, training_id, self._show, self.error.show_error)

    def _show(self, t: TrainingDetail) -> None:
        self.loading = True
        self.detail = t
        select_data(self.course_box, t.course)
        select_data(self.method_box, t.method)
        self.title_edit.setText(t.title)
        self.held_edit.set_value(t.held_on)
        self.hours_spin.setValue(t.hours)
        self.instructor_edit.setText(t.instructor)
        self.qualification_edit.setText(t.instructor_qualification)
        self.content_edit.setPlainText(t.content)
        self._fill_attendees()
        self._set_locked(t.locked)
        self.print_button.setEnabled(True)
        self.state_label.setText(
            _("Completed and locked.")
            if t.locked
            else _("Draft — complete it when the attendance list is final.")
        )
        self.error.clear_error()
        self.loading = False
        self.dirty = False

    def _set_locked(self, locked: bool) -> None:
        for w in (self.title_edit, self.instructor_edit, self.qualification_edit):
            w.setReadOnly(locked)
        self.content_edit.setReadOnly(locked)
        for cw in (
            self.course_box,
            self.method_box,
            self.hours_spin,
            self.held_edit,
            self.all_button,
            self.none_button,
        ):
            cw.setEnabled(not locked)
        self.attendees.read_only = locked
        self.save_button.setEnabled(not locked)
        self.complete_button.setEnabled(not locked and self.detail is not None)

    def data(self) -> tuple[ops.TrainingInput, list[ops.Attendee]]:
        training = ops.TrainingInput(
            course=str(self.course_box.currentData()),
            title=self.title_edit.text(),
            held_on=self.held_edit.value() or date.today(),
            hours=float(self.hours_spin.value()),
            instructor=self.instructor_edit.text(),
            instructor_qualification=self.qualification_edit.text(),
            method=str(self.method_box.currentData()),
            content=self.content_edit.toPlainText(),
        )
        attendees = [ops.Attendee(r.person.id, r.hours, r.signed) for r in self.attendees.checked_rows()]
        return training, attendees

    def save(self, then: Any = None) -> None:
        if self.detail is not None and self.detail.locked:
            return
        self.error.clear_error()
        tid = self.detail.id if self.detail else None
        training, attendees = self.data()

        def saved(new_id: str) -> None:
            self.dirty = False
            self.detail = None
            self.list.refresh()
            ops.load_training(self.ctx, self, new_id, lambda t: self._after(t, then), self.error.show_error)

        ops.save_training(self.ctx, self, tid, training, attendees, saved, self.error.show_error)

    def _after(self, t: TrainingDetail, then: Any) -> None:
        self._show(t)
        if callable(then):
            then()

    def complete(self) -> None:
        if self.detail is None or self.detail.locked:
            return
        if self.dirty:
            self.save(then=self.complete)
            return
        if not common.confirm(self, _("Complete the training record? It is then locked as evidence.")):
            return
        tid = self.detail.id

        def done(_changes: object) -> None:
            self.detail = None
            self.list.refresh()
            ops.load_training(self.ctx, self, tid, self._show, self.error.show_error)

        ops.complete_training(self.ctx, self, tid, done, self.error.show_error)


# -- hours per half-year ------------------------------------------------------------------------


class HoursModel(QAbstractTableModel):
    """Periodic-education hours per person against the requirement; shortfalls highlighted."""

    HEADERS = (
        N_("Name"),
        N_("Department"),
        N_("Category"),
        N_("Period"),
        N_("Required (h)"),
        N_("Done (h)"),
        N_("Short (h)"),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[HoursRow] = []

    def set_rows(self, rows: Sequence[HoursRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            values = (
                row.name,
                row.department,
                _(CATEGORY_TEXT[row.category]) if row.category in CATEGORY_TEXT else label(row.category),
                f"{row.window_start:%Y-%m} ~ {row.window_end:%Y-%m} ({_(PER_TEXT.get(row.per, row.per))})",
                f"{row.required:g}",
                f"{row.done:g}",
                f"{row.shortfall:g}" if row.shortfall else "",
            )
            return values[column]
        if role == SORT_ROLE:
            numbers = (None, None, None, row.window_start.isoformat(), row.required, row.done, row.shortfall)
            value = numbers[column]
            return value if value is not None else self.data(index, Qt.ItemDataRole.DisplayRole)
        if role == Qt.ItemDataRole.BackgroundRole and row.shortfall > 0:
            return QBrush(common.WARN_BG)
        if role == Qt.ItemDataRole.ForegroundRole and column == 6 and row.shortfall > 0:
            return QBrush(QColor("#b00020"))
        if role == Qt.ItemDataRole.FontRole and column == 6 and row.shortfall > 0:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 4:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return row.person_id
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.HEADERS):
            return _(self.HEADERS[section])
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self.rows):
            return section + 1
        return None


class ShortOnly(QSortFilterProxyModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.only_short = False

    def set_only_short(self, on: bool) -> None:
        self.beginFilterChange()
        self.only_short = on
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: Any) -> bool:
        model = self.sourceModel()
        if not self.only_short or not isinstance(model, HoursModel):
            return True
        return model.rows[source_row].shortfall > 0


class HoursPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(_("Half-year")))
        self.half_box = QComboBox()
        self.half_box.setObjectName("halfYear")
        half = HalfYear.containing(date.today())
        for _i in range(6):
            self.half_box.addItem(_half_caption(half), half.code)
            half = half.previous()
        bar.addWidget(self.half_box)
        self.contractors_box = QCheckBox(_("Include contractor workers"))
        self.short_box = QCheckBox(_("Only people short of hours"))
        self.short_box.setObjectName("onlyShort")
        bar.addWidget(self.contractors_box)
        bar.addWidget(self.short_box)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.summary = QLabel("")
        self.summary.setObjectName("hoursSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.model = HoursModel(self)
        self.proxy = ShortOnly(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.view = QTableView()
        self.view.setObjectName("hoursTable")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(6, Qt.SortOrder.DescendingOrder)  # biggest shortfall first
        self.view.verticalHeader().hide()
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().setDefaultSectionSize(24)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        for column, width in enumerate((110, 120, 150, 210, 90, 90, 90)):
            self.view.setColumnWidth(column, width)
        layout.addWidget(self.view, 1)
        note = QLabel(
            _(
                "Periodic education (정기교육) under Rule Art. 26 and 별표4 as in force for the period. "
                "Reductions (e.g. −50 % after an accident-free year, Art. 27) are not applied automatically."
            )
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        layout.addWidget(note)
        self.half_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.contractors_box.toggled.connect(lambda _on: self.refresh())
        self.short_box.toggled.connect(self.proxy.set_only_short)

    def refresh(self) -> None:
        half = HalfYear.parse(str(self.half_box.currentData()))
        ops.load_hours(self.ctx, self, half, self.contractors_box.isChecked(), self._show)

    def _show(self, rows: tuple[HoursRow, ...]) -> None:
        self.model.set_rows(rows)
        self._summarise(rows)
        half = HalfYear.parse(str(self.half_box.currentData()))
        if half.end >= date.today() and rows:
            running = _("The half-year runs until {day}; hours still to come are not counted yet.")
            self.summary.setText(f"{self.summary.text()} {running.format(day=half.end.isoformat())}")

    def _summarise(self, rows: tuple[HoursRow, ...]) -> None:
        short = [r for r in rows if r.shortfall > 0]
        if not rows:
            self.summary.setText(_("Nobody on the roster for this half-year."))
            self.summary.setStyleSheet("")
        elif short:
            self.summary.setText(
                _(
                    "{n} of {total} people are short of the periodic education hours ({hours:g} h in all)."
                ).format(n=len(short), total=len(rows), hours=sum(r.shortfall for r in short))
            )
            self.summary.setStyleSheet(common.ERROR_STYLE)
        else:
            self.summary.setText(
                _("Everyone has the periodic education hours ({total} people).").format(total=len(rows))
            )
            self.summary.setStyleSheet("color: #1b7a3a; font-weight: bold;")


def _half_caption(half: HalfYear) -> str:
    return _("{year} H{half} ({start} ~ {end})").format(
        year=half.year, half=half.half, start=f"{half.start:%m-%d}", end=f"{half.end:%m-%d}"
    )


# -- appointments and evaluations (SAPA Decree Art. 4 items 5–6) --------------------------------------

# A sensible default set for a supervisor's half-yearly evaluation (editable in the dialog).
DEFAULT_CRITERIA: tuple[tuple[str, str, float], ...] = (
    ("pre_work_check", N_("Safety checks before work"), 20),
    ("risk_assessment", N_("Taking part in the risk assessment"), 20),
    ("tbm", N_("Running the TBM"), 20),
    ("actions", N_("Carrying out corrective actions"), 20),
    ("education", N_("Safety education of workers"), 20),
)
APPOINTMENT_HEADERS = (
    N_("Role"),
    N_("Person"),
    N_("Appointed on"),
    N_("Authority"),
    N_("Budget"),
    N_("Reported to MOEL"),
)
EVALUATION_HEADERS = (
    N_("Person"),
    N_("Role"),
    N_("State"),
    N_("Evaluated on"),
    N_("Score"),
    N_("Result"),
    N_("Evaluator"),
)
ACCEPT = QDialog.DialogCode.Accepted


def _won(amount: int | None) -> str:
    return _("{amount} won").format(amount=f"{amount:,}") if amount is not None else ""


def _cell(text: str, data: object = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if data is not None:
        item.setData(Qt.ItemDataRole.UserRole, data)
    item.setToolTip(text)
    return item


def moel_text(a: AppointmentRow, today: date) -> str:
    """The MOEL report cell: the date, 'late' when after the 14 days, or what is still due."""
    due = a.report_due
    if a.reported_to_moel_on is not None:
        text = a.reported_to_moel_on.isoformat()
        return _("{date} (late)").format(date=text) if a.report_late else text
    if due is None:
        return _("not required") if a.role not in MOEL_REPORT_ROLES else _("outsourced")
    if today > due:
        return _("not reported — late (due {date})").format(date=due.isoformat())
    return _("due by {date}").format(date=due.isoformat())


class AppointmentDialog(QDialog):
    """Appoint a person from the roster to a safety role, with the authority and budget given."""

    def __init__(self, people: Sequence[PersonChoice], today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("New appointment"))
        form = QFormLayout(self)
        self.person_box = QComboBox()
        self.person_box.setObjectName("appointPerson")
        for p in people:
            self.person_box.addItem(f"{p.name} ({p.department})" if p.department else p.name, p.id)
        self.role_box = QComboBox()
        self.role_box.setObjectName("appointRole")
        for code in ROLES:
            self.role_box.addItem(role_label(code), code)
        self.date_edit = DateField()
        self.date_edit.set_value(today)
        self.authority_edit = QPlainTextEdit()
        self.authority_edit.setObjectName("appointAuthority")
        self.authority_edit.setFixedHeight(60)
        self.authority_edit.setPlaceholderText(_("e.g. may stop work, may buy protective equipment"))
        self.budget_box = QSpinBox()
        self.budget_box.setObjectName("appointBudget")
        self.budget_box.setRange(0, 2_000_000_000)
        self.budget_box.setSingleStep(100_000)
        self.budget_box.setGroupSeparatorShown(True)
        self.budget_box.setSuffix(" " + _("won"))
        self.reported_edit = DateField(optional=True)
        form.addRow(_("Person"), self.person_box)
        form.addRow(_("Role"), self.role_box)
        form.addRow(_("Appointed on"), self.date_edit)
        form.addRow(_("Authority"), self.authority_edit)
        form.addRow(_("Budget a year"), self.budget_box)
        form.addRow(_("Reported to MOEL"), self.reported_edit)
        hint = QLabel(
            _(
                "Safety and health officers, the coordinator and the occupational physician are "
                "reported to the labour office within 14 days of the appointment."
            )
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        form.addRow(hint)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> AppointmentInput:
        budget = int(self.budget_box.value())
        return AppointmentInput(
            person_id=str(self.person_box.currentData()),
            role=str(self.role_box.currentData()),
            appointed_on=self.date_edit.value() or date.today(),
            authority=self.authority_edit.toPlainText() or None,
            budget_amount=budget or None,
            reported_to_moel_on=self.reported_edit.value(),
        )


class DateDialog(QDialog):
    """Ask for one date (the end of an appointment, the day it was reported to MOEL)."""

    def __init__(self, title: str, caption: str, day: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        form = QFormLayout(self)
        self.date_edit = DateField()
        self.date_edit.set_value(day)
        form.addRow(caption, self.date_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def value(self) -> date:
        return self.date_edit.value() or date.today()


class EvaluationDialog(QDialog):
    """A half-yearly evaluation: criteria rows (label, score, max), result, evaluator and notes.

    ``Save draft`` keeps it open for completion later; ``Save and complete`` locks it. An existing
    evaluation opens read-only when it is completed.
    """

    def __init__(
        self,
        who: str,
        period: str,
        today: date,
        existing: EvaluationRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.complete = False
        self.existing = existing
        half = HalfYear.parse(period)
        self.period = half.code
        self.setWindowTitle(_("Evaluation {period}").format(period=half.code))
        self.resize(640, 520)
        layout = QVBoxLayout(self)
        heading = QLabel(f"<b>{who}</b> — {_half_caption(half)}")
        layout.addWidget(heading)
        self.criteria = QTableWidget(0, 3)
        self.criteria.setObjectName("criteria")
        self.criteria.setHorizontalHeaderLabels([_("Criterion"), _("Score"), _("Max")])
        self.criteria.verticalHeader().hide()
        header = self.criteria.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.criteria.setColumnWidth(1, 70)
        self.criteria.setColumnWidth(2, 70)
        layout.addWidget(self.criteria, 1)
        rows = QHBoxLayout()
        self.add_button = QPushButton(_("Add criterion"))
        self.remove_button = QPushButton(_("Remove criterion"))
        self.total_label = QLabel("")
        self.total_label.setObjectName("evaluationTotal")
        self.total_label.setStyleSheet("font-weight: bold;")
        rows.addWidget(self.add_button)
        rows.addWidget(self.remove_button)
        rows.addStretch(1)
        rows.addWidget(self.total_label)
        layout.addLayout(rows)
        form = QFormLayout()
        self.date_edit = DateField()
        latest = half.end + timedelta(days=31)
        self.date_edit.set_value(min(max(today, half.start), latest))
        self.result_box = QComboBox()
        self.result_box.setObjectName("evaluationResult")
        for code in RESULTS:
            self.result_box.addItem(result_label(code), code)
        self.evaluator_edit = QLineEdit()
        self.evaluator_edit.setObjectName("evaluator")
        self.evaluator_edit.setPlaceholderText(_("Usually the CEO or the plant manager"))
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setObjectName("evaluationNotes")
        self.notes_edit.setFixedHeight(56)
        form.addRow(_("Evaluated on"), self.date_edit)
        form.addRow(_("Result"), self.result_box)
        form.addRow(_("Evaluator"), self.evaluator_edit)
        form.addRow(_("Notes"), self.notes_edit)
        layout.addLayout(form)
        self.state_label = QLabel("")
        self.state_label.setObjectName("evaluationState")
        layout.addWidget(self.state_label)
        self.buttons = QDialogButtonBox()
        self.draft_button = self.buttons.addButton(_("Save draft"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.complete_button = self.buttons.addButton(
            _("Save and complete"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close).clicked.connect(self.reject)
        self.draft_button.clicked.connect(lambda: self._finish(False))
        self.complete_button.clicked.connect(lambda: self._finish(True))
        layout.addWidget(self.buttons)
        self.add_button.clicked.connect(lambda: self.add_criterion("", 0, 10))
        self.remove_button.clicked.connect(self._remove_criterion)
        self.criteria.itemChanged.connect(lambda _i: self._update_total())
        self._result_touched = False
        self.result_box.activated.connect(lambda _i: setattr(self, "_result_touched", True))
        if existing is None:
            for key, text, maximum in DEFAULT_CRITERIA:
                self.add_criterion(_(text), 0, maximum, key=key)
            self.state_label.setText(_("New evaluation — not saved yet."))
        else:
            self._show(existing)
        self._update_total()

    def _show(self, e: EvaluationRow) -> None:
        for c in e.criteria:
            self.add_criterion(c.label, c.score, c.max, key=c.key)
        self.date_edit.set_value(e.evaluated_on)
        select_data(self.result_box, e.result)
        self._result_touched = True
        self.evaluator_edit.setText(e.evaluator or "")
        self.notes_edit.setPlainText(e.notes or "")
        if e.locked:
            self.state_label.setText(
                _("Completed and locked; kept until {until}.").format(until=e.retention_until or "—")
            )
        else:
            self.state_label.setText(_("Draft — complete it to lock it as evidence."))
        # a saved evaluation is not edited in place: a draft can only be completed (or deleted)
        self.criteria.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for w in (self.add_button, self.remove_button, self.date_edit, self.result_box, self.draft_button):
            w.setEnabled(False)
        self.evaluator_edit.setReadOnly(True)
        self.notes_edit.setReadOnly(True)
        self.complete_button.setText(_("Complete"))
        self.complete_button.setEnabled(not e.locked)

    @property
    def read_only(self) -> bool:
        return self.existing is not None

    def add_criterion(self, text: str, score: float, maximum: float, key: str | None = None) -> None:
        row = self.criteria.rowCount()
        self.criteria.blockSignals(True)
        self.criteria.insertRow(row)
        name = QTableWidgetItem(text)
        name.setData(Qt.ItemDataRole.UserRole, key)
        self.criteria.setItem(row, 0, name)
        for column, value in ((1, score), (2, maximum)):
            cell = QTableWidgetItem(f"{value:g}")
            cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.criteria.setItem(row, column, cell)
        self.criteria.blockSignals(False)
        self._update_total()

    def set_score(self, row: int, score: float) -> None:
        cell = self.criteria.item(row, 1)
        if cell is not None:
            cell.setText(f"{score:g}")

    def _remove_criterion(self) -> None:
        row = self.criteria.currentRow()
        if row >= 0:
            self.criteria.removeRow(row)
            self._update_total()

    def _number(self, row: int, column: int) -> float | None:
        cell = self.criteria.item(row, column)
        try:
            return float((cell.text() if cell else "").replace(",", ".").strip())
        except ValueError:
            return None

    def criteria_rows(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        used: set[str] = set()
        for row in range(self.criteria.rowCount()):
            name = self.criteria.item(row, 0)
            text = name.text().strip() if name else ""
            score, maximum = self._number(row, 1), self._number(row, 2)
            if not text and score in (None, 0):
                continue  # an empty row left over
            key = str(name.data(Qt.ItemDataRole.UserRole) or "") if name else ""
            n = row + 1
            while not key or key in used:
                key, n = f"c{n}", n + 1
            used.add(key)
            out.append({"key": key, "label": text, "score": score, "max": maximum})
        return out

    def _update_total(self) -> None:
        score = sum(self._number(r, 1) or 0 for r in range(self.criteria.rowCount()))
        maximum = sum(self._number(r, 2) or 0 for r in range(self.criteria.rowCount()))
        self.total_label.setText(_("Total {score:g} of {max:g}").format(score=score, max=maximum))
        if not self._result_touched and maximum > 0:
            share = score / maximum
            code = "good" if share >= 0.85 else "adequate" if share >= 0.70 else "needs_improvement"
            select_data(self.result_box, code)

    def values(self, appointment_id: str) -> EvaluationInput:
        return EvaluationInput(
            appointment_id=appointment_id,
            period=self.period,
            evaluated_on=self.date_edit.value() or date.today(),
            criteria=self.criteria_rows(),
            result=str(self.result_box.currentData()),
            evaluator=self.evaluator_edit.text(),
            notes=self.notes_edit.toPlainText() or None,
        )

    def _finish(self, complete: bool) -> None:
        self.complete = complete
        self.accept()


def _run_dialog(dialog: QDialog) -> int:
    return int(dialog.exec())


class AppointmentsPage(QWidget):
    """Who holds which safety role today (with the MOEL report check), and the half-yearly
    evaluations of the evaluated roles: who is evaluated and who is not yet."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today = date.today()
        # How dialogs run; tests replace it with a function that fills the dialog and accepts it.
        self.run_dialog: Callable[[QDialog], int] = _run_dialog
        self.appointments: tuple[AppointmentRow, ...] = ()
        self.period_data: ops_appointments.PeriodEvaluations | None = None
        self.people: tuple[PersonChoice, ...] = ()
        self.loading = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        split = QSplitter(Qt.Orientation.Vertical)

        top = QWidget()
        box = QVBoxLayout(top)
        box.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        self.in_force_label = QLabel("")
        self.in_force_label.setObjectName("inForceCaption")
        self.in_force_label.setStyleSheet("font-weight: bold;")
        head.addWidget(self.in_force_label, 1)
        self.appoint_button = QPushButton(_("New appointment…"))
        self.appoint_button.setObjectName("appointButton")
        self.report_button = QPushButton(_("Record MOEL report…"))
        self.end_button = QPushButton(_("End appointment…"))
        for b in (self.appoint_button, self.report_button, self.end_button):
            head.addWidget(b)
        box.addLayout(head)
        self.appointment_table = record_table(
            "appointmentTable", APPOINTMENT_HEADERS, (190, 90, 100, 330, 110)
        )
        box.addWidget(self.appointment_table, 1)
        split.addWidget(top)

        bottom = QWidget()
        box = QVBoxLayout(bottom)
        box.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(QLabel(_("Evaluations for")))
        self.period_box = QComboBox()
        self.period_box.setObjectName("evaluationPeriod")
        head.addWidget(self.period_box)
        self.unevaluated_label = QLabel("")
        self.unevaluated_label.setObjectName("unevaluatedCaption")
        head.addWidget(self.unevaluated_label, 1)
        self.evaluate_button = QPushButton(_("Evaluate…"))
        self.evaluate_button.setObjectName("evaluateButton")
        self.open_button = QPushButton(_("Show evaluation"))
        self.complete_button = QPushButton(_("Complete"))
        self.delete_button = QPushButton(_("Delete draft"))
        for b in (self.evaluate_button, self.open_button, self.complete_button, self.delete_button):
            head.addWidget(b)
        box.addLayout(head)
        self.evaluation_table = record_table(
            "evaluationTable", EVALUATION_HEADERS, (110, 170, 150, 100, 90, 110)
        )
        box.addWidget(self.evaluation_table, 1)
        note = QLabel(
            _(
                "SAPA Decree Art. 4-5: the site safety and health manager, the supervisors and the "
                "contractor safety lead are evaluated at least once every half-year. A completed "
                "evaluation is locked and kept five years."
            )
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        box.addWidget(note)
        split.addWidget(bottom)
        split.setSizes([300, 330])
        layout.addWidget(split, 1)
        self.error = ErrorBanner()
        layout.addWidget(self.error)

        self._set_periods()
        self.appoint_button.clicked.connect(self.new_appointment)
        self.report_button.clicked.connect(self.record_report)
        self.end_button.clicked.connect(self.end_appointment)
        self.evaluate_button.clicked.connect(self.evaluate)
        self.open_button.clicked.connect(self.open_evaluation)
        self.complete_button.clicked.connect(self.complete_evaluation)
        self.delete_button.clicked.connect(self.delete_evaluation)
        self.period_box.currentIndexChanged.connect(lambda _i: self.load_period())
        self.evaluation_table.itemSelectionChanged.connect(self._evaluation_selected)
        self.evaluation_table.doubleClicked.connect(lambda _i: self._activate_evaluation())
        self._evaluation_selected()

    def _set_periods(self) -> None:
        """The half-year just finished first when it still may be evaluated, then the current one."""
        self.period_box.blockSignals(True)
        self.period_box.clear()
        half = HalfYear.containing(self.today)
        for _i in range(6):
            self.period_box.addItem(_half_caption(half), half.code)
            half = half.previous()
        previous = HalfYear.containing(self.today).previous()
        default = (
            previous if self.today <= previous.end + timedelta(days=31) else HalfYear.containing(self.today)
        )
        select_data(self.period_box, default.code)
        self.period_box.blockSignals(False)

    def set_today(self, day: date) -> None:
        self.today = day
        self._set_periods()

    def period(self) -> str:
        return str(self.period_box.currentData())

    def refresh(self) -> None:
        self.loading += 2
        ops_appointments.load_appointments(self.ctx, self, self.today, self._show_appointments, self._failed)
        ops_appointments.load_evaluations(self.ctx, self, self.period(), self._show_period, self._failed)

    def load_period(self) -> None:
        self.loading += 1
        ops_appointments.load_evaluations(self.ctx, self, self.period(), self._show_period, self._failed)

    def _failed(self, exc: Exception) -> None:
        self.loading = max(0, self.loading - 1)
        self.error.show_error(exc)

    def _show_appointments(self, rows: tuple[AppointmentRow, ...]) -> None:
        self.appointments = rows
        late = [a for a in rows if a.report_late and a.report_due is not None and self.today > a.report_due]
        caption = _("{n} appointments in force on {day}").format(n=len(rows), day=self.today.isoformat())
        if late:
            caption += " — " + _("{n} not reported to MOEL in time").format(n=len(late))
        self.in_force_label.setText(caption)
        self.in_force_label.setStyleSheet(common.ERROR_STYLE if late else "font-weight: bold;")
        table = self.appointment_table
        table.setRowCount(0)
        for row, a in enumerate(rows):
            table.insertRow(row)
            table.setItem(row, 0, _cell(role_label(a.role), a.id))
            table.setItem(row, 1, _cell(a.person_name))
            table.setItem(row, 2, _cell(a.appointed_on.isoformat()))
            table.setItem(row, 3, _cell(a.authority or ""))
            budget = _cell(_won(a.budget_amount))
            budget.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(row, 4, budget)
            report = _cell(moel_text(a, self.today))
            if a.report_late and (
                a.reported_to_moel_on is not None or self.today > (a.report_due or self.today)
            ):
                report.setForeground(QBrush(QColor("#b00020")))
                font = QFont()
                font.setBold(True)
                report.setFont(font)
                for column in range(table.columnCount() - 1):
                    cell = table.item(row, column)
                    if cell is not None:
                        cell.setBackground(QBrush(common.WARN_BG))
                report.setBackground(QBrush(common.WARN_BG))
            table.setItem(row, 5, report)
        self.loading = max(0, self.loading - 1)

    def _show_period(self, data: ops_appointments.PeriodEvaluations) -> None:
        self.period_data = data
        table = self.evaluation_table
        table.setRowCount(0)
        missing = {a.id for a in data.unevaluated}
        rows: list[tuple[AppointmentRow, EvaluationRow | None]] = []
        by_appointment: dict[str, list[EvaluationRow]] = {}
        for ev in data.evaluations:
            by_appointment.setdefault(ev.appointment_id, []).append(ev)
        for held in data.appointments:
            if held.id in missing:
                rows.append((held, None))
            rows.extend((held, ev) for ev in by_appointment.get(held.id, []))
        rows.sort(key=lambda r: (r[1] is not None, r[0].role, r[0].person_name))
        for row, (a, e) in enumerate(rows):
            table.insertRow(row)
            table.setItem(
                row, 0, _cell(a.person_name, {"appointment": a.id, "evaluation": e.id if e else None})
            )
            table.setItem(row, 1, _cell(role_label(a.role)))
            if e is None:
                state = _cell(_("Not evaluated yet"))
                state.setForeground(QBrush(QColor("#b00020")))
                font = QFont()
                font.setBold(True)
                state.setFont(font)
                table.setItem(row, 2, state)
                for column in range(3, table.columnCount()):
                    table.setItem(row, column, _cell(""))
                continue
            table.setItem(row, 2, _cell(_("Completed and locked") if e.locked else _("Draft")))
            table.setItem(row, 3, _cell(e.evaluated_on.isoformat()))
            table.setItem(row, 4, _cell(f"{(e.total_score or 0):g} / {e.max_score:g}"))
            table.setItem(row, 5, _cell(result_label(e.result) if e.result else ""))
            table.setItem(row, 6, _cell(e.evaluator or ""))
        n = len(data.unevaluated)
        if not data.appointments:
            self.unevaluated_label.setText(_("Nobody held an evaluated role in this half-year."))
            self.unevaluated_label.setStyleSheet("")
        elif n:
            self.unevaluated_label.setText(
                _("{n} of {total} not evaluated yet").format(n=n, total=len(data.appointments))
            )
            self.unevaluated_label.setStyleSheet(common.ERROR_STYLE)
        else:
            self.unevaluated_label.setText(
                _("Everyone evaluated ({total})").format(total=len(data.appointments))
            )
            self.unevaluated_label.setStyleSheet("color: #1b7a3a; font-weight: bold;")
        half = HalfYear.parse(data.period)
        if half.end >= self.today and data.appointments:
            running = _("the half-year runs until {day}").format(day=half.end.isoformat())
            self.unevaluated_label.setText(f"{self.unevaluated_label.text()} — {running}")
        self._evaluation_selected()
        self.loading = max(0, self.loading - 1)

    # -- selection helpers ---------------------------------------------------------------------

    def selected_appointment(self) -> AppointmentRow | None:
        rows = self.appointment_table.selectionModel().selectedRows()
        if not rows:
            return None
        cell = self.appointment_table.item(rows[0].row(), 0)
        wanted = cell.data(Qt.ItemDataRole.UserRole) if cell else None
        return next((a for a in self.appointments if a.id == wanted), None)

    def select_appointment(self, appointment_id: str) -> None:
        for row in range(self.appointment_table.rowCount()):
            cell = self.appointment_table.item(row, 0)
            if cell is not None and cell.data(Qt.ItemDataRole.UserRole) == appointment_id:
                self.appointment_table.selectRow(row)
                return

    def selected_row(self) -> tuple[AppointmentRow, EvaluationRow | None] | None:
        data = self.period_data
        rows = self.evaluation_table.selectionModel().selectedRows()
        if data is None or not rows:
            return None
        cell = self.evaluation_table.item(rows[0].row(), 0)
        ids = cell.data(Qt.ItemDataRole.UserRole) if cell else None
        if not isinstance(ids, dict):
            return None
        a = next((x for x in data.appointments if x.id == ids["appointment"]), None)
        e = next((x for x in data.evaluations if x.id == ids["evaluation"]), None)
        return (a, e) if a is not None else None

    def select_evaluation_row(self, appointment_id: str, evaluated: bool | None = None) -> bool:
        for row in range(self.evaluation_table.rowCount()):
            cell = self.evaluation_table.item(row, 0)
            ids = cell.data(Qt.ItemDataRole.UserRole) if cell else None
            if (
                isinstance(ids, dict)
                and ids["appointment"] == appointment_id
                and (evaluated is None or (ids["evaluation"] is not None) == evaluated)
            ):
                self.evaluation_table.selectRow(row)
                return True
        return False

    def _evaluation_selected(self) -> None:
        picked = self.selected_row()
        e = picked[1] if picked else None
        self.evaluate_button.setEnabled(picked is not None and e is None)
        self.open_button.setEnabled(e is not None)
        self.complete_button.setEnabled(e is not None and not e.locked)
        self.delete_button.setEnabled(e is not None and not e.locked)

    def _activate_evaluation(self) -> None:
        picked = self.selected_row()
        if picked is None:
            return
        if picked[1] is None:
            self.evaluate()
        else:
            self.open_evaluation()

    # -- appointments -----------------------------------------------------------------------------

    def new_appointment(self) -> None:
        ops_appointments.load_people(self.ctx, self, self.today, self._appoint_with, self.error.show_error)

    def _appoint_with(self, people: tuple[PersonChoice, ...]) -> None:
        self.people = people
        dialog = AppointmentDialog(people, self.today, self)
        if self.run_dialog(dialog) != ACCEPT:
            return
        self.error.clear_error()
        ops_appointments.appoint(self.ctx, self, dialog.values(), self._changed, self.error.show_error)

    def _changed(self, _result: object = None) -> None:
        self.refresh()

    def record_report(self) -> None:
        a = self.selected_appointment()
        if a is None:
            return
        dialog = DateDialog(_("Report to the labour office"), _("Reported on"), self.today, self)
        if self.run_dialog(dialog) != ACCEPT:
            return
        self.error.clear_error()
        ops_appointments.record_moel_report(
            self.ctx, self, a.id, dialog.value(), self._changed, self.error.show_error
        )

    def end_appointment(self) -> None:
        a = self.selected_appointment()
        if a is None:
            return
        dialog = DateDialog(_("End appointment"), _("Last day in the role"), self.today, self)
        if self.run_dialog(dialog) != ACCEPT:
            return
        self.error.clear_error()
        ops_appointments.end_appointment(
            self.ctx, self, a.id, dialog.value(), self._changed, self.error.show_error
        )

    # -- evaluations ----------------------------------------------------------------------------

    def evaluate(self) -> None:
        picked = self.selected_row()
        if picked is None or picked[1] is not None:
            return
        a = picked[0]
        dialog = EvaluationDialog(
            f"{a.person_name} · {role_label(a.role)}", self.period(), self.today, parent=self
        )
        if self.run_dialog(dialog) != ACCEPT:
            return
        self.error.clear_error()
        ops_appointments.evaluate(
            self.ctx, self, dialog.values(a.id), dialog.complete, self._changed, self.error.show_error
        )

    def open_evaluation(self) -> None:
        picked = self.selected_row()
        if picked is None or picked[1] is None:
            return
        a, e = picked[0], picked[1]
        dialog = EvaluationDialog(
            f"{a.person_name} · {role_label(a.role)}", e.period, self.today, existing=e, parent=self
        )
        if self.run_dialog(dialog) == ACCEPT and dialog.complete and not e.locked:
            self._complete(e.id)

    def complete_evaluation(self) -> None:
        picked = self.selected_row()
        if picked is None or picked[1] is None or picked[1].locked:
            return
        if not common.confirm(self, _("Complete the evaluation? It is then locked as evidence.")):
            return
        self._complete(picked[1].id)

    def _complete(self, evaluation_id: str) -> None:
        self.error.clear_error()
        ops_appointments.complete_evaluation(
            self.ctx, self, evaluation_id, self._changed, self.error.show_error
        )

    def delete_evaluation(self) -> None:
        picked = self.selected_row()
        if picked is None or picked[1] is None:
            return
        if not common.confirm(self, _("Delete this draft evaluation?")):
            return
        self.error.clear_error()
        ops_appointments.delete_evaluation(self.ctx, self, picked[1].id, self._changed, self.error.show_error)


# -- the screen -------------------------------------------------------------------------------------


class PeopleScreen(Screen):
    key = "people"
    title_msgid = N_("People and training")

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("peopleTabs")
        self.roster = RosterPage(ctx)
        self.trainings = TrainingsPage(ctx)
        self.hours = HoursPage(ctx)
        self.appointments = AppointmentsPage(ctx)
        self.tabs.addTab(self.roster, _("Roster"))
        self.tabs.addTab(self.trainings, _("Education records"))
        self.tabs.addTab(self.hours, _("Hours per half-year"))
        self.tabs.addTab(self.appointments, _("Appointments and evaluations"))
        self.layout_.addWidget(self.tabs, 1)
        self.tabs.currentChanged.connect(self._tab_changed)

    def _tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.hours:
            self.hours.refresh()
        elif self.tabs.currentWidget() is self.appointments:
            self.appointments.refresh()

    def refresh(self) -> None:
        self.roster.refresh()
        self.trainings.refresh()
        self.hours.refresh()
        self.appointments.refresh()

    def new_record(self) -> None:
        page = self.tabs.currentWidget()
        if page is self.trainings:
            self.trainings.new_training()
        else:
            self.tabs.setCurrentWidget(self.roster)
            self.roster.new_person()

    def save(self) -> None:
        page = self.tabs.currentWidget()
        if page is self.trainings:
            self.trainings.save()
        elif page is self.roster:
            self.roster.save()

    def focus_search(self) -> None:
        page = self.tabs.currentWidget()
        (self.trainings.list if page is self.trainings else self.roster.list).focus_search()

    def has_unsaved_changes(self) -> bool:
        return self.roster.dirty or self.trainings.dirty

    def open_filtered(self, filters: dict[str, object]) -> None:
        """``{"tab": "hours"}`` opens the hours table (the dashboard's education tile)."""
        tab = filters.get("tab")
        if tab == "hours":
            self.tabs.setCurrentWidget(self.hours)
            self.hours.short_box.setChecked(bool(filters.get("short", True)))
            return
        if tab == "trainings":
            self.tabs.setCurrentWidget(self.trainings)
            return
        if tab == "appointments":
            self.tabs.setCurrentWidget(self.appointments)
            period = filters.get("period")
            if isinstance(period, str):
                select_data(self.appointments.period_box, period)
            return
        self.tabs.setCurrentWidget(self.roster)
        for key, value in filters.items():
            if key != "tab":
                self.roster.list.set_filter(key, value)
