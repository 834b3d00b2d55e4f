"""The assessment header: what was assessed, how, by whom, and with which workers (Rule Art. 37-4①)."""

from __future__ import annotations

import html

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from safetydesk.core.domain.risk import RiskScale
from safetydesk.core.domain.risk_assessment import (
    ASSESSMENT_TYPES,
    DISCOVERY_METHODS,
    PARTICIPANT_ROLES,
    AssessmentHeader,
    Participant,
)
from safetydesk.core.i18n import _, current_language
from safetydesk.core.queries.risk import PersonChoice, RiskReference
from safetydesk.ui.screens.risk.codes import (
    ASSESSMENT_TYPE_LABELS,
    DISCOVERY_LABELS,
    ROLE_FOR_KIND,
    ROLE_LABELS,
    code_label,
)
from safetydesk.ui.screens.risk.items_model import band_colour

WARN_STYLE = "color: #a00018;"


def scale_key(code: str, version: int) -> str:
    return f"{code}:{version}"


def scale_name(scale: RiskScale) -> str:
    name = scale.label_ko if current_language() == "ko" else scale.label_en
    return f"{name} v{scale.version}"


def _qdate(text: str | None) -> QDate:
    return QDate.fromString(text, "yyyy-MM-dd") if text else QDate.currentDate()


class AssessmentForm(QTabWidget):
    edited = Signal()
    scale_changed = Signal(object)  # the newly chosen RiskScale

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("assessmentHeader")
        self.scales: dict[str, RiskScale] = {}
        self.people: tuple[PersonChoice, ...] = ()
        self.site_id: str | None = None
        self._loading = False
        self._scale_key = ""
        self.other_methods: tuple[str, ...] = ()
        self.addTab(self._general_tab(), _("Assessment"))
        self.addTab(self._participation_tab(), _("Participation"))
        self.addTab(self._scale_tab(), _("Scale and acceptable level"))
        self._update_site_round()

    # -- building ------------------------------------------------------------------------------

    def _general_tab(self) -> QWidget:
        page = QWidget()
        grid = QGridLayout(page)
        grid.setContentsMargins(8, 6, 8, 6)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        self.title = QLineEdit()
        self.title.setObjectName("title")
        self.title.setPlaceholderText(_("e.g. Press die change"))
        self.area = QComboBox()
        self.area.setObjectName("area")
        self.assessed_on = QDateEdit()
        self.assessed_on.setObjectName("assessedOn")
        self.assessed_on.setCalendarPopup(True)
        self.assessed_on.setDisplayFormat("yyyy-MM-dd")
        self.kind = QComboBox()
        self.kind.setObjectName("assessmentType")
        for code in ASSESSMENT_TYPES:
            self.kind.addItem(code_label(code, ASSESSMENT_TYPE_LABELS), code)
        self.trigger = QLineEdit()
        self.trigger.setObjectName("trigger")
        self.trigger.setPlaceholderText(_("New machine, changed method, accident, …"))
        self.scale = QComboBox()
        self.scale.setObjectName("scale")
        self.lead = QComboBox()
        self.lead.setObjectName("leadAssessor")
        self.lead.setEditable(True)
        self.lead.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.reported = QCheckBox(_("Reported to owner on"))
        self.reported.setObjectName("reported")
        self.reported_on = QDateEdit()
        self.reported_on.setObjectName("reportedOn")
        self.reported_on.setCalendarPopup(True)
        self.reported_on.setDisplayFormat("yyyy-MM-dd")
        self.reported_on.setEnabled(False)
        for combo in (self.area, self.scale, self.lead, self.kind):
            # long names must not widen the window beyond 1366 px; the popup still shows them whole
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        self.shared_how = QLineEdit()
        self.shared_how.setObjectName("sharedHow")
        self.shared_how.setPlaceholderText(_("TBM, posting, education, messenger…"))
        self.save_report = QPushButton(_("Save report date"))
        self.save_report.setObjectName("saveReport")
        self.save_report.setVisible(False)

        def cell(text: str) -> QLabel:
            caption = QLabel(text)
            caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return caption

        grid.addWidget(cell(_("Process (task)")), 0, 0)
        grid.addWidget(self.title, 0, 1)
        grid.addWidget(cell(_("Area")), 0, 2)
        grid.addWidget(self.area, 0, 3)
        grid.addWidget(cell(_("Assessed on")), 0, 4)
        grid.addWidget(self.assessed_on, 0, 5)
        grid.addWidget(cell(_("Type")), 1, 0)
        type_row = QHBoxLayout()
        type_row.addWidget(self.kind)
        type_row.addWidget(self.trigger, 1)
        grid.addLayout(type_row, 1, 1)
        grid.addWidget(cell(_("Method and scale")), 1, 2)
        grid.addWidget(self.scale, 1, 3)
        grid.addWidget(cell(_("Lead assessor")), 1, 4)
        grid.addWidget(self.lead, 1, 5)
        report_row = QHBoxLayout()
        report_row.addWidget(self.reported_on)
        report_row.addWidget(self.shared_how, 1)
        report_row.addWidget(self.save_report)
        grid.addWidget(self.reported, 2, 0)
        grid.addLayout(report_row, 2, 1, 1, 5)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(3, 2)
        grid.setColumnStretch(5, 1)
        grid.setRowStretch(3, 1)
        self.title.textEdited.connect(self._changed)
        self.trigger.textEdited.connect(self._changed)
        self.shared_how.textEdited.connect(self._changed)
        self.area.activated.connect(self._changed)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.assessed_on.dateChanged.connect(self._changed)
        self.reported_on.dateChanged.connect(self._changed)
        self.reported.toggled.connect(self._reported_toggled)
        self.lead.editTextChanged.connect(self._changed)
        self.scale.activated.connect(self._scale_activated)
        return page

    def _participation_tab(self) -> QWidget:
        page = QWidget()
        row = QHBoxLayout(page)
        row.setContentsMargins(8, 4, 8, 4)
        left = QVBoxLayout()
        picker = QHBoxLayout()
        self.person = QComboBox()
        self.person.setObjectName("personPicker")
        self.person.setEditable(True)
        self.person.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        person_edit = self.person.lineEdit()
        assert person_edit is not None  # an editable combo has one
        person_edit.setPlaceholderText(_("Name from the roster, or type one"))
        self.role = QComboBox()
        self.role.setObjectName("rolePicker")
        self.person.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.person.setMinimumContentsLength(12)
        for code in PARTICIPANT_ROLES:
            self.role.addItem(code_label(code, ROLE_LABELS), code)
        self.add_person = QPushButton(_("Add"))
        self.add_person.setObjectName("addParticipant")
        self.remove_person = QPushButton(_("Remove"))
        self.remove_person.setObjectName("removeParticipant")
        picker.addWidget(self.person, 2)
        picker.addWidget(self.role, 1)
        picker.addWidget(self.add_person)
        picker.addWidget(self.remove_person)
        left.addLayout(picker)
        self.participants = QTableWidget(0, 2)
        self.participants.setObjectName("participants")
        self.participants.setHorizontalHeaderLabels([_("Name"), _("Role")])
        self.participants.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.participants.verticalHeader().setDefaultSectionSize(22)
        self.participants.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.participants.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        left.addWidget(self.participants, 1)
        row.addLayout(left, 3)

        right = QVBoxLayout()
        self.worker_rep = QCheckBox(_("The worker representative took part"))
        self.worker_rep.setObjectName("workerRep")
        right.addWidget(self.worker_rep)
        box = QGroupBox(_("How hazards were found"))
        methods = QGridLayout(box)
        methods.setContentsMargins(6, 2, 6, 2)
        methods.setVerticalSpacing(0)
        self.methods: dict[str, QCheckBox] = {}
        for i, code in enumerate(DISCOVERY_METHODS):
            check = QCheckBox(code_label(code, DISCOVERY_LABELS))
            check.setObjectName(f"method-{code}")
            check.toggled.connect(self._method_toggled)
            self.methods[code] = check
            methods.addWidget(check, i // 2, i % 2)
        right.addWidget(box)
        self.site_round_warning = QLabel(
            _("Without a site round with workers the assessment misses Rule Art. 37-2. Record the reason.")
        )
        self.site_round_warning.setObjectName("siteRoundWarning")
        self.site_round_warning.setWordWrap(True)
        self.site_round_warning.setStyleSheet(WARN_STYLE)
        right.addWidget(self.site_round_warning)
        right.addStretch(1)
        row.addLayout(right, 4)
        self.add_person.clicked.connect(self._add_participant)
        person_edit.returnPressed.connect(self._add_participant)
        self.person.activated.connect(self._person_picked)
        self.remove_person.clicked.connect(self._remove_participant)
        self.worker_rep.toggled.connect(self._changed)
        return page

    def _scale_tab(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(8, 4, 8, 4)
        self.rationale = QLabel("")
        self.rationale.setObjectName("scaleRationale")
        self.rationale.setWordWrap(True)
        self.rationale.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.addWidget(self.rationale)
        self.legend = QLabel("")
        self.legend.setObjectName("scaleBands")
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        box.addWidget(self.legend)
        self.source = QLabel("")
        self.source.setObjectName("scaleSource")
        self.source.setWordWrap(True)
        self.source.setStyleSheet("color: #666;")
        box.addWidget(self.source)
        box.addStretch(1)
        return page

    # -- reference and loading -------------------------------------------------------------------

    def set_reference(self, ref: RiskReference) -> None:
        """Refill the pickers (the roster may have changed) without touching what is being edited."""
        self._loading = True
        area_id, lead = self.area.currentData(), self.lead.currentText()
        self.people = ref.people
        self.site_id = self.site_id or ref.site_id
        self.area.clear()
        self.area.addItem(_("Whole site"), None)
        for area in ref.areas:
            self.area.addItem(f"{area.code} · {area.name}", area.id)
        for scale in ref.scales:
            self.scales[scale_key(scale.code, scale.version)] = scale
        self._fill_scales()
        names = [p.name for p in ref.people]
        self.lead.clear()
        self.lead.addItems(names)
        self.person.clear()
        for p in ref.people:
            detail = " · ".join(x for x in (p.job_title, p.department) if x)
            self.person.addItem(f"{p.name} ({detail})" if detail else p.name, p.id)
        self.person.setCurrentIndex(-1)
        self.person.setEditText("")
        self.area.setCurrentIndex(max(0, self.area.findData(area_id)))
        self.lead.setEditText(lead)
        self._loading = False

    def _fill_scales(self) -> None:
        keep = self._scale_key
        self.scale.clear()
        for key, scale in self.scales.items():
            self.scale.addItem(scale_name(scale), key)
        self._select_scale(keep)

    def _select_scale(self, key: str) -> None:
        index = self.scale.findData(key)
        if index >= 0:
            self.scale.setCurrentIndex(index)
        self._scale_key = key
        self._show_scale(self.scales.get(key))

    def load(self, header: AssessmentHeader, scale: RiskScale, *, read_only: bool, locked: bool) -> None:
        self._loading = True
        key = scale_key(scale.code, scale.version)
        if key not in self.scales:
            self.scales[key] = scale  # an older version kept by a stored assessment
            self._fill_scales()
        self._select_scale(key)
        self.site_id = header.site_id
        self.title.setText(header.title)
        self.kind.setCurrentIndex(max(0, self.kind.findData(header.assessment_type)))
        self.trigger.setText(header.trigger)
        self.area.setCurrentIndex(max(0, self.area.findData(header.area_id)))
        self.assessed_on.setDate(_qdate(header.assessed_on))
        self.lead.setEditText(header.lead_assessor)
        self.reported.setChecked(bool(header.reported_to_owner_on))
        self.reported_on.setDate(_qdate(header.reported_to_owner_on))
        self.reported_on.setEnabled(bool(header.reported_to_owner_on))
        self.shared_how.setText(header.shared_how)
        self.participants.setRowCount(0)
        for p in header.participants:
            self._append_participant(p)
        self.worker_rep.setChecked(header.worker_rep_participated)
        for code, check in self.methods.items():
            check.setChecked(code in header.discovery_methods)
        # codes this version has no box for (imports, older data) are kept, not dropped on save
        self.other_methods = tuple(m for m in header.discovery_methods if m not in self.methods)
        for widget in (
            self.title,
            self.area,
            self.assessed_on,
            self.kind,
            self.scale,
            self.lead,
            self.person,
            self.role,
            self.add_person,
            self.remove_person,
            self.worker_rep,
            *self.methods.values(),
        ):
            widget.setEnabled(not read_only)
        self.trigger.setEnabled(not read_only and header.assessment_type == "adhoc")
        self.save_report.setVisible(locked)
        self._update_site_round()
        self._loading = False

    def header(self) -> AssessmentHeader:
        scale = self.current_scale()
        return AssessmentHeader(
            title=self.title.text().strip(),
            assessment_type=str(self.kind.currentData()),
            scale_code=scale.code if scale else "",
            scale_version=scale.version if scale else 0,
            assessed_on=self.assessed_on.date().toString("yyyy-MM-dd"),
            site_id=self.site_id,
            area_id=self.area.currentData(),
            trigger=self.trigger.text().strip() if self.kind.currentData() == "adhoc" else "",
            lead_assessor=self.lead.currentText().strip(),
            participants=self.participant_list(),
            worker_rep_participated=self.worker_rep.isChecked(),
            discovery_methods=(
                *(code for code, check in self.methods.items() if check.isChecked()),
                *self.other_methods,
            ),
            reported_to_owner_on=self.report_date(),
            shared_how=self.shared_how.text().strip(),
        )

    def report_date(self) -> str | None:
        return self.reported_on.date().toString("yyyy-MM-dd") if self.reported.isChecked() else None

    def current_scale(self) -> RiskScale | None:
        return self.scales.get(self._scale_key)

    def site_round_missing(self) -> bool:
        return not self.methods["site_round"].isChecked()

    # -- participants ----------------------------------------------------------------------------

    def participant_list(self) -> tuple[Participant, ...]:
        out: list[Participant] = []
        for row in range(self.participants.rowCount()):
            name_item = self.participants.item(row, 0)
            role_item = self.participants.item(row, 1)
            if name_item is None or role_item is None:
                continue
            out.append(
                Participant(
                    name=name_item.text(),
                    role=str(role_item.data(Qt.ItemDataRole.UserRole)),
                    person_id=name_item.data(Qt.ItemDataRole.UserRole),
                )
            )
        return tuple(out)

    def _append_participant(self, p: Participant) -> None:
        row = self.participants.rowCount()
        self.participants.insertRow(row)
        name = QTableWidgetItem(p.name)
        name.setData(Qt.ItemDataRole.UserRole, p.person_id)
        role = QTableWidgetItem(code_label(p.role, ROLE_LABELS))
        role.setData(Qt.ItemDataRole.UserRole, p.role)
        self.participants.setItem(row, 0, name)
        self.participants.setItem(row, 1, role)

    def _person_picked(self, index: int) -> None:
        if 0 <= index < len(self.people):
            role = ROLE_FOR_KIND.get(self.people[index].kind)
            if role:
                self.role.setCurrentIndex(max(0, self.role.findData(role)))

    def add_participant(self, name: str, role: str, person_id: str | None = None) -> None:
        if not name.strip():
            return
        if any(p.name == name.strip() and p.role == role for p in self.participant_list()):
            return
        self._append_participant(Participant(name.strip(), role, person_id))
        if role == "worker_rep":
            self.worker_rep.setChecked(True)
        self._changed()

    def _add_participant(self) -> None:
        text = self.person.currentText().strip()
        index = self.person.currentIndex()
        person = self.people[index] if 0 <= index < len(self.people) else None
        if person is not None and self.person.itemText(index) == text:
            self.add_participant(person.name, str(self.role.currentData()), person.id)
        else:
            self.add_participant(text, str(self.role.currentData()))
        self.person.setCurrentIndex(-1)
        self.person.setEditText("")

    def _remove_participant(self) -> None:
        rows = sorted({i.row() for i in self.participants.selectedIndexes()}, reverse=True)
        for row in rows:
            self.participants.removeRow(row)
        if rows:
            self._changed()

    # -- reactions -------------------------------------------------------------------------------

    def _changed(self, *_args: object) -> None:
        if not self._loading:
            self.edited.emit()

    def _kind_changed(self, _index: int) -> None:
        adhoc = self.kind.currentData() == "adhoc"
        self.trigger.setEnabled(adhoc and self.kind.isEnabled())
        self.trigger.setPlaceholderText(
            _("New machine, changed method, accident, …") if adhoc else _("Only for ad-hoc assessments")
        )
        self._changed()

    def _reported_toggled(self, on: bool) -> None:
        self.reported_on.setEnabled(on)
        self._changed()

    def _method_toggled(self, _on: bool) -> None:
        self._update_site_round()
        self._changed()

    def _update_site_round(self) -> None:
        self.site_round_warning.setVisible(self.site_round_missing())

    def _scale_activated(self, index: int) -> None:
        key = str(self.scale.itemData(index))
        if key == self._scale_key:
            return
        scale = self.scales.get(key)
        if scale is None:
            return
        self.scale_changed.emit(scale)

    def accept_scale(self, scale: RiskScale) -> None:
        """The screen agreed to the switch (ratings cleared): make it the current scale."""
        self._select_scale(scale_key(scale.code, scale.version))
        self._changed()

    def revert_scale(self) -> None:
        self._select_scale(self._scale_key)

    def _show_scale(self, scale: RiskScale | None) -> None:
        if scale is None:
            for text_label in (self.rationale, self.legend, self.source):
                text_label.setText("")
            return
        ko = current_language() == "ko"
        self.rationale.setText(scale.rationale_ko if ko else scale.rationale_en)
        chips: list[str] = []
        for band in scale.bands:
            name = band.label_ko if ko else band.label_en
            span = f" {band.min_score}–{band.max_score}" if band.min_score != band.max_score else ""
            if scale.method.value != "matrix":
                span = ""
            verdict = _("acceptable") if band.acceptable else _("not acceptable")
            chips.append(
                f'<span style="background-color: {band_colour(scale, band.code)};">'
                f"&nbsp;{html.escape(name + span)} · {html.escape(verdict)}&nbsp;</span>"
            )
        self.legend.setText(" &nbsp; ".join(chips))
        self.source.setText(_("Source: {source}").format(source=scale.source))
