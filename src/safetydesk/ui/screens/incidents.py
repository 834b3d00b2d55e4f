"""Incidents, near misses and worker suggestions.

The quick intake is the front door: a near miss is typed while it is still fresh, in under a minute
(Ctrl+N, type, Enter). The full record then carries the investigation, and shows which legal
definitions the facts meet — OSH 중대재해, SAPA 중대산업재해 — and the form-30 deadline, computed live
from the same pure rules the core uses, so the officer sees the consequence while typing.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QDateTime, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from safetydesk.core.domain.incidents import (
    INJURY_KINDS,
    KINDS,
    facts_for,
    form30_due,
    osh_serious_accident,
    sapa_serious_accident,
)
from safetydesk.core.forms.schema import HAZARD_GROUPS
from safetydesk.core.i18n import N_, _
from safetydesk.core.labels import label
from safetydesk.core.queries.emergency import AreaChoice, LinkedAction
from safetydesk.core.queries.incidents import (
    SUGGESTION_CHANNELS,
    SUGGESTION_STATUSES,
    IncidentDetail,
    SuggestionDetail,
)
from safetydesk.core.queries.people import PersonChoice
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations import emergency as emergency_ops
from safetydesk.ui.operations import incidents as ops
from safetydesk.ui.screens import emergency_common as common
from safetydesk.ui.screens.base import Screen
from safetydesk.ui.screens.emergency_common import DateField, ErrorBanner, fill_codes, select_data
from safetydesk.ui.widgets.hazard_hint import HazardHint
from safetydesk.ui.widgets.list_view import ListView
from safetydesk.ui.widgets.retention import RetentionBadge

REASONS = {
    "osh": {
        "death": N_("a death"),
        "treatment": N_("2 or more people need 3+ months' treatment"),
        "simultaneous": N_("10 or more people hurt at the same time"),
    },
    "sapa": {
        "death": N_("a death"),
        "treatment": N_("2 or more people need 6+ months' treatment"),
        "disease": N_("3 or more people with the same occupational disease within a year"),
    },
}
KIND_FILTER = ((N_("All kinds"), None), *((common.EXTRA_CODES.get(k, N_("Near miss")), k) for k in KINDS))
OPEN_FILTER = ((N_("Open and closed"), None), (N_("Under investigation"), True), (N_("Closed"), False))
SUGGESTION_STATUS_FILTER = (
    (N_("All suggestions"), None),
    (N_("Waiting for an answer"), ("received", "in_progress")),
    (N_("Answered or closed"), ("answered", "closed")),
)


def _pick_photo(parent: QWidget) -> Path | None:
    """Choose a photo file (tests replace this function)."""
    name, _filter = QFileDialog.getOpenFileName(
        parent, _("Choose a photo"), "", _("Images (*.jpg *.jpeg *.png *.bmp *.gif *.webp)")
    )
    return Path(name) if name else None


def fill_areas(box: QComboBox, areas: tuple[AreaChoice, ...], empty: str) -> None:
    current = box.currentData()
    box.blockSignals(True)
    box.clear()
    box.addItem(empty, None)
    for area in areas:
        box.addItem(area.caption, area.id)
    select_data(box, current)
    box.blockSignals(False)


def fill_people(box: QComboBox, people: tuple[PersonChoice, ...]) -> None:
    current = box.currentData()
    box.blockSignals(True)
    box.clear()
    box.addItem(_("— none —"), None)
    for person in people:
        extra = f" ({person.department})" if person.department else ""
        box.addItem(f"{person.name}{extra}", person.id)
    select_data(box, current)
    box.blockSignals(False)


def _qdatetime(moment: datetime) -> QDateTime:
    local = moment.astimezone()
    return QDateTime(local.year, local.month, local.day, local.hour, local.minute, local.second)


def _aware(edit: QDateTimeEdit) -> datetime:
    naive: datetime = edit.dateTime().toPython()  # type: ignore[assignment]
    return naive.astimezone()  # the PC's local time zone


def _text(widget: QPlainTextEdit | QLineEdit) -> str:
    return widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()


def _actions_text(actions: tuple[LinkedAction, ...]) -> list[str]:
    return [
        f"{a.due_on}  {label(a.status)}  {a.title}" + (f" — {a.owner_name}" if a.owner_name else "")
        for a in actions
    ]


# -- quick intake -----------------------------------------------------------------------------------


class _EnterSaves(QObject):
    """Enter saves the quick intake; Shift+Enter still starts a new line."""

    def __init__(self, dialog: QuickIntakeDialog) -> None:
        super().__init__(dialog)
        self.dialog = dialog

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            if enter and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.dialog.save()
                return True
        return False


class QuickIntakeDialog(QDialog):
    """Kind, when, where, what happened, optional photo — and Enter."""

    saved = Signal(str)

    def __init__(self, ctx: AppContext, areas: tuple[AreaChoice, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.photo: Path | None = None
        self.setWindowTitle(_("Report a near miss"))
        self.setMinimumWidth(600)
        form = QFormLayout()
        self.kind_box = QComboBox()
        self.kind_box.setObjectName("quickKind")
        fill_codes(self.kind_box, KINDS)
        self.when_edit = QDateTimeEdit(QDateTime.currentDateTime())
        self.when_edit.setCalendarPopup(True)
        self.when_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.area_box = QComboBox()
        self.area_box.setObjectName("quickArea")
        fill_areas(self.area_box, areas, _("— area not known —"))
        self.text_edit = QPlainTextEdit()
        self.text_edit.setObjectName("quickText")
        self.text_edit.setPlaceholderText(
            _("What happened, in a sentence or two. Enter saves; Shift+Enter starts a new line.")
        )
        self.text_edit.setFixedHeight(90)
        self.text_edit.installEventFilter(_EnterSaves(self))
        self.hazard_box = QComboBox()
        self.hazard_box.setObjectName("quickHazard")
        fill_codes(self.hazard_box, HAZARD_GROUPS, empty=_("— not classified —"))
        self.hazard_hint = HazardHint(ctx, self.text_edit, self.hazard_box, self)
        photo_row = QHBoxLayout()
        self.photo_button = QPushButton(_("Add photo…"))
        self.photo_label = QLabel(_("no photo"))
        photo_row.addWidget(self.photo_button)
        photo_row.addWidget(self.photo_label, 1)
        form.addRow(_("What happened"), self.text_edit)
        form.addRow("", self.hazard_hint)
        form.addRow(_("Hazard"), self.hazard_box)
        form.addRow(_("Kind"), self.kind_box)
        form.addRow(_("When"), self.when_edit)
        form.addRow(_("Area"), self.area_box)
        form.addRow(_("Photo"), photo_row)
        self.error = ErrorBanner()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save (Enter)"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        self.photo_button.clicked.connect(self._choose_photo)
        self.text_edit.setFocus()
        self.busy = False

    def _choose_photo(self) -> None:
        path = _pick_photo(self)
        if path is not None:
            self.photo = path
            self.photo_label.setText(path.name)

    def intake(self) -> ops.QuickIntake:
        return ops.QuickIntake(
            description=self.text_edit.toPlainText(),
            occurred_at=_aware(self.when_edit),
            area_id=self.area_box.currentData(),
            kind=str(self.kind_box.currentData()),
            photo=self.photo,
            hazard_group=self.hazard_box.currentData(),
            model_suggestion=self.hazard_hint.suggestion_for_save(),
        )

    def save(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.error.clear_error()
        ops.record_near_miss(self.ctx, self, self.intake(), self._saved, self._failed)

    def _saved(self, incident_id: str) -> None:
        self.busy = False
        self.saved.emit(incident_id)
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self.busy = False
        self.error.show_error(exc)


# -- the full record --------------------------------------------------------------------------------


class IncidentForm(QWidget):
    """Classification, what happened, injured person, investigation, legal flags and actions."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, ctx: AppContext | None = None) -> None:
        super().__init__(parent)
        self.detail: IncidentDetail | None = None
        self.loading = False
        self.dirty = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)

        self.flags_frame = QFrame()
        self.flags_frame.setObjectName("legalFlags")
        self.flags_frame.setFrameShape(QFrame.Shape.StyledPanel)
        flags = QGridLayout(self.flags_frame)
        self.osh_label = QLabel("")
        self.osh_label.setObjectName("oshFlag")
        self.sapa_label = QLabel("")
        self.sapa_label.setObjectName("sapaFlag")
        self.form30_label = QLabel("")
        self.form30_label.setObjectName("form30Due")
        self.report_label = QLabel(
            _(
                "Stop the work, evacuate, and report to the regional labour office without delay (OSH Act Art. 54)."
            )
        )
        self.report_label.setObjectName("reportNow")
        self.report_label.setWordWrap(True)
        self.report_label.setStyleSheet(common.ERROR_STYLE)
        for flag in (self.osh_label, self.sapa_label, self.form30_label):
            flag.setWordWrap(True)
        flags.addWidget(QLabel(_("OSH 중대재해 (Rule Art. 3)")), 0, 0)
        flags.addWidget(self.osh_label, 0, 1)
        flags.addWidget(QLabel(_("SAPA 중대산업재해 (Act Art. 2-2)")), 1, 0)
        flags.addWidget(self.sapa_label, 1, 1)
        flags.addWidget(QLabel(_("산업재해조사표 (form 30)")), 2, 0)
        flags.addWidget(self.form30_label, 2, 1)
        flags.addWidget(self.report_label, 3, 0, 1, 2)
        flags.setColumnStretch(1, 1)
        outer.addWidget(self.flags_frame)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        box = QVBoxLayout(body)
        box.setContentsMargins(0, 0, 6, 0)

        what = QGroupBox(_("What happened"))
        f = QFormLayout(what)
        self.kind_box = QComboBox()
        self.kind_box.setObjectName("kind")
        fill_codes(self.kind_box, KINDS)
        self.when_edit = QDateTimeEdit()
        self.when_edit.setCalendarPopup(True)
        self.when_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.area_box = QComboBox()
        self.area_box.setObjectName("area")
        self.hazard_box = QComboBox()
        self.hazard_box.setObjectName("hazard")
        fill_codes(self.hazard_box, HAZARD_GROUPS, empty=_("— not classified —"))
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("title")
        self.title_edit.setPlaceholderText(_("Taken from the first line of the description if left empty"))
        self.description_edit = QPlainTextEdit()
        self.description_edit.setObjectName("description")
        self.description_edit.setFixedHeight(80)
        self.hazard_hint = HazardHint(ctx, self.description_edit, self.hazard_box)
        photo_row = QHBoxLayout()
        self.photos_label = QLabel("")
        self.photo_button = QPushButton(_("Add photo…"))
        photo_row.addWidget(self.photos_label, 1)
        photo_row.addWidget(self.photo_button)
        kind_row = QHBoxLayout()
        kind_row.addWidget(self.kind_box, 1)
        kind_row.addWidget(QLabel(_("Hazard")))
        kind_row.addWidget(self.hazard_box, 1)
        where_row = QHBoxLayout()
        where_row.addWidget(self.when_edit)
        where_row.addWidget(QLabel(_("Area")))
        where_row.addWidget(self.area_box, 1)
        f.addRow(_("Kind"), kind_row)
        f.addRow(_("When"), where_row)
        f.addRow(_("Title"), self.title_edit)
        f.addRow(_("Description"), self.description_edit)
        f.addRow("", self.hazard_hint)
        f.addRow(_("Photos"), photo_row)
        box.addWidget(what)

        self.person_group = QGroupBox(_("Injured person"))
        f = QFormLayout(self.person_group)
        self.person_box = QComboBox()
        self.person_box.setObjectName("person")
        self.injury_edit = QLineEdit()
        self.injury_edit.setPlaceholderText(_("e.g. fracture, laceration, noise-induced hearing loss"))
        self.body_edit = QLineEdit()
        self.days_spin = QSpinBox()
        self.days_spin.setObjectName("daysLost")
        self.days_spin.setRange(-1, 3650)
        self.days_spin.setSpecialValueText("—")
        self.days_spin.setValue(-1)
        self.died_box = QCheckBox(_("Died"))
        self.died_box.setObjectName("died")
        days_row = QHBoxLayout()
        days_row.addWidget(self.days_spin)
        days_row.addWidget(self.died_box)
        days_row.addStretch(1)
        f.addRow(_("Person"), self.person_box)
        f.addRow(_("Injury or disease"), self.injury_edit)
        f.addRow(_("Body part"), self.body_edit)
        f.addRow(_("Days lost"), days_row)
        box.addWidget(self.person_group)

        self.casualty_group = QGroupBox(_("Everyone hurt by the same accident"))
        grid = QGridLayout(self.casualty_group)
        self.deaths_spin = QSpinBox()
        self.injured_spin = QSpinBox()
        self.t3_spin = QSpinBox()
        self.t6_spin = QSpinBox()
        for i, (spin, text) in enumerate(
            (
                (self.injured_spin, _("Injured or ill")),
                (self.t3_spin, _("3+ months' treatment")),
                (self.t6_spin, _("6+ months' treatment")),
                (self.deaths_spin, _("Deaths")),
            )
        ):
            spin.setRange(0, 999)
            grid.addWidget(QLabel(text), i // 2, (i % 2) * 2)
            grid.addWidget(spin, i // 2, (i % 2) * 2 + 1)
        box.addWidget(self.casualty_group)

        inv = QGroupBox(_("Investigation"))
        f = QFormLayout(inv)
        self.immediate_edit = QPlainTextEdit()
        self.cause_edit = QPlainTextEdit()
        self.cause_edit.setObjectName("cause")
        self.plan_edit = QPlainTextEdit()
        self.plan_edit.setObjectName("recurrencePlan")
        for edit in (self.immediate_edit, self.cause_edit, self.plan_edit):
            edit.setFixedHeight(58)
        self.reported_by_edit = QLineEdit()
        self.submitted_edit = DateField(optional=True)
        f.addRow(_("Immediate action"), self.immediate_edit)
        f.addRow(_("Cause"), self.cause_edit)
        f.addRow(_("Recurrence prevention plan"), self.plan_edit)
        f.addRow(_("Reported by"), self.reported_by_edit)
        f.addRow(_("Form 30 submitted on"), self.submitted_edit)
        box.addWidget(inv)

        acts = QGroupBox(_("Corrective actions"))
        a = QVBoxLayout(acts)
        self.actions_list = QListWidget()
        self.actions_list.setObjectName("incidentActions")
        self.actions_list.setMaximumHeight(80)
        self.action_button = QPushButton(_("Create corrective action…"))
        a.addWidget(self.actions_list)
        a.addWidget(self.action_button, 0, Qt.AlignmentFlag.AlignRight)
        box.addWidget(acts)
        box.addStretch(1)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        self.state_label = QLabel("")
        self.state_label.setObjectName("incidentState")
        outer.addWidget(self.state_label)
        self.retention_badge = RetentionBadge("incidents")
        outer.addWidget(self.retention_badge)

        self.inputs: list[QWidget] = [
            self.kind_box,
            self.when_edit,
            self.area_box,
            self.hazard_box,
            self.title_edit,
            self.description_edit,
            self.person_box,
            self.injury_edit,
            self.body_edit,
            self.days_spin,
            self.died_box,
            self.deaths_spin,
            self.injured_spin,
            self.t3_spin,
            self.t6_spin,
            self.immediate_edit,
            self.cause_edit,
            self.plan_edit,
            self.reported_by_edit,
            self.submitted_edit,
        ]
        for w in self.inputs:
            for signal_name in (
                "currentIndexChanged",
                "textChanged",
                "valueChanged",
                "dateTimeChanged",
                "toggled",
            ):
                signal = getattr(w, signal_name, None)
                if signal is not None:
                    signal.connect(self._changed)
        self.clear()

    def _changed(self, *_args: object) -> None:
        if self.loading:
            return
        self.dirty = True
        self._update_person_fields()
        self.update_flags()
        self.changed.emit()

    def _update_person_fields(self) -> None:
        injured = self.kind_box.currentData() in INJURY_KINDS
        self.person_group.setEnabled(injured)
        self.casualty_group.setEnabled(injured)

    def set_choices(self, areas: tuple[AreaChoice, ...], people: tuple[PersonChoice, ...]) -> None:
        was = self.loading
        self.loading = True
        if areas or self.area_box.count() == 0:
            fill_areas(self.area_box, areas, _("— area not known —"))
        if people or self.person_box.count() == 0:
            fill_people(self.person_box, people)
        if self.detail is not None:
            select_data(self.area_box, self.detail.area_id)
            select_data(self.person_box, self.detail.injured_person_id)
        self.loading = was

    def clear(self) -> None:
        """A blank full record (a new incident)."""
        self.loading = True
        self.detail = None
        select_data(self.kind_box, "injury")
        self.when_edit.setDateTime(QDateTime.currentDateTime())
        self.area_box.setCurrentIndex(0)
        self.hazard_box.setCurrentIndex(0)
        for edit in (self.title_edit, self.injury_edit, self.body_edit, self.reported_by_edit):
            edit.setText("")
        for pedit in (self.description_edit, self.immediate_edit, self.cause_edit, self.plan_edit):
            pedit.setPlainText("")
        self.person_box.setCurrentIndex(0)
        self.days_spin.setValue(-1)
        self.died_box.setChecked(False)
        for spin in (self.deaths_spin, self.injured_spin, self.t3_spin, self.t6_spin):
            spin.setValue(0)
        self.submitted_edit.set_value(None)
        self.photos_label.setText(_("no photo"))
        self.actions_list.clear()
        self.state_label.setText(_("New incident — not saved yet."))
        self.retention_badge.set_record(None)
        self._set_locked(False)
        self.action_button.setEnabled(False)
        self.photo_button.setEnabled(False)
        self.loading = False
        self.dirty = False
        self._update_person_fields()
        self.update_flags()

    def show_detail(self, d: IncidentDetail) -> None:
        self.loading = True
        self.detail = d
        select_data(self.kind_box, d.kind)
        self.when_edit.setDateTime(_qdatetime(d.occurred_at))
        select_data(self.area_box, d.area_id)
        select_data(self.hazard_box, d.hazard_group)
        self.title_edit.setText(d.title)
        self.description_edit.setPlainText(d.description)
        select_data(self.person_box, d.injured_person_id)
        self.injury_edit.setText(d.injury_type or "")
        self.body_edit.setText(d.body_part or "")
        self.days_spin.setValue(d.days_lost if d.days_lost is not None else -1)
        self.died_box.setChecked(d.died)
        c = d.casualties
        self.deaths_spin.setValue(c.deaths)
        self.injured_spin.setValue(c.injured)
        self.t3_spin.setValue(c.treatment_3m)
        self.t6_spin.setValue(c.treatment_6m)
        self.immediate_edit.setPlainText(d.immediate_action)
        self.cause_edit.setPlainText(d.cause)
        self.plan_edit.setPlainText(d.recurrence_plan)
        self.reported_by_edit.setText(d.reported_by or "")
        self.submitted_edit.set_value(d.reported_to_moel_on)
        self.photos_label.setText(_("{n} photo(s)").format(n=len(d.photos)) if d.photos else _("no photo"))
        self.actions_list.clear()
        self.actions_list.addItems(_actions_text(d.actions))
        if d.locked:
            self.state_label.setText(_("Closed and locked (revision {n}).").format(n=d.revision_no))
        else:
            self.state_label.setText(_("Open — close it when the investigation is done."))
        self.retention_badge.set_record(d.retention_until, locked=d.locked, in_use=not d.locked)
        self._set_locked(d.locked)
        self.action_button.setEnabled(True)
        self.photo_button.setEnabled(not d.locked)
        self.loading = False
        self.dirty = False
        self._update_person_fields()
        self.update_flags()

    def _set_locked(self, locked: bool) -> None:
        for w in self.inputs:
            if isinstance(w, (QLineEdit, QPlainTextEdit)):
                w.setReadOnly(locked)
            else:
                w.setEnabled(not locked)
        self.hazard_hint.set_read_only(locked)

    def update_flags(self) -> None:
        """OSH/SAPA flags and the form-30 deadline from what is on the form now."""
        kind = str(self.kind_box.currentData())
        died = self.died_box.isChecked() or kind == "fatality"
        days = self.days_spin.value() if self.days_spin.value() >= 0 else None
        injured = kind in INJURY_KINDS
        facts = facts_for(
            kind=kind,
            died=died,
            days_lost=days if injured else None,
            deaths=self.deaths_spin.value() if injured else 0,
            injured=self.injured_spin.value() if injured else 0,
            treatment_3m=self.t3_spin.value() if injured else 0,
            treatment_6m=self.t6_spin.value() if injured else 0,
            same_disease_1y=self.detail.same_disease_1y if self.detail else 0,
        )
        osh = osh_serious_accident(facts)
        sapa = sapa_serious_accident(facts)
        self.osh_label.setText(_flag_text(osh.serious, osh.reasons, "osh"))
        self.sapa_label.setText(_flag_text(sapa.serious, sapa.reasons, "sapa"))
        for lbl, serious in ((self.osh_label, osh.serious), (self.sapa_label, sapa.serious)):
            lbl.setStyleSheet(common.ERROR_STYLE if serious else "")
        self.report_label.setVisible(osh.serious or sapa.serious)
        occurred = _aware(self.when_edit).date()
        due = form30_due(occurred, days if injured else None, died)
        submitted = self.submitted_edit.value()
        if due is None:
            self.form30_label.setText(_("Not required (under 3 days off, no death)"))
            self.form30_label.setStyleSheet("")
        elif submitted is not None:
            self.form30_label.setText(_("Submitted on {day} (due by {due})").format(day=submitted, due=due))
            self.form30_label.setStyleSheet("color: #1b7a3a;")
        else:
            text = _("Due by {day}").format(day=due.isoformat())
            if due < date.today():
                text += " — " + _("overdue")
            self.form30_label.setText(text)
            self.form30_label.setStyleSheet(common.ERROR_STYLE)

    def data(self) -> ops.IncidentInput:
        kind = str(self.kind_box.currentData())
        days = self.days_spin.value()
        return ops.IncidentInput(
            kind=kind,
            occurred_at=_aware(self.when_edit),
            title=self.title_edit.text(),
            description=self.description_edit.toPlainText(),
            area_id=self.area_box.currentData(),
            injured_person_id=self.person_box.currentData(),
            injury_type=self.injury_edit.text(),
            body_part=self.body_edit.text(),
            days_lost=days if days >= 0 else None,
            died=self.died_box.isChecked(),
            hazard_group=self.hazard_box.currentData(),
            model_suggestion=self.hazard_hint.suggestion_for_save(),
            immediate_action=self.immediate_edit.toPlainText(),
            cause=self.cause_edit.toPlainText(),
            recurrence_plan=self.plan_edit.toPlainText(),
            reported_by=self.reported_by_edit.text(),
            reported_to_moel_on=self.submitted_edit.value(),
            casualties=ops.Casualties(
                deaths=self.deaths_spin.value(),
                injured=self.injured_spin.value(),
                treatment_3m=self.t3_spin.value(),
                treatment_6m=self.t6_spin.value(),
            ),
        )


def _flag_text(serious: bool, reasons: tuple[str, ...], law: str) -> str:
    if not serious:
        return _("No")
    return _("Yes — {reasons}").format(reasons=", ".join(_(REASONS[law][r]) for r in reasons))


class IncidentsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.areas: tuple[AreaChoice, ...] = ()
        self.people: tuple[PersonChoice, ...] = ()
        self.quick: QuickIntakeDialog | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.quick_button = QPushButton(_("＋ Report a near miss (Ctrl+N)"))
        self.quick_button.setObjectName("quickNearMiss")
        self.quick_button.setStyleSheet("font-weight: bold; padding: 6px 14px;")
        self.full_button = QPushButton(_("New full incident record"))
        top.addWidget(self.quick_button)
        top.addWidget(self.full_button)
        top.addStretch(1)
        top.addWidget(QLabel(_("Area")))
        self.area_filter = QComboBox()
        self.area_filter.setObjectName("areaFilter")
        self.area_filter.addItem(_("All areas"), None)
        top.addWidget(self.area_filter)
        top.addWidget(QLabel(_("Period")))
        self.from_edit = DateField(optional=True)
        self.from_edit.setObjectName("fromDate")
        top.addWidget(self.from_edit)
        top.addWidget(QLabel("~"))
        self.to_edit = DateField(optional=True)
        self.to_edit.setObjectName("toDate")
        top.addWidget(self.to_edit)
        self.print_list_button = QPushButton(_("Print list…"))
        self.print_list_button.setObjectName("printNearMisses")
        self.print_list_button.clicked.connect(self.print_list)
        top.addWidget(self.print_list_button)
        layout.addLayout(top)

        split = QSplitter(Qt.Orientation.Horizontal)
        self.list = ListView(
            ctx.tasks,
            ctx.workspace,
            "incidents",
            filters=(("kind", N_("Kind"), KIND_FILTER), ("open", N_("Status"), OPEN_FILTER)),
        )
        self.list.activated.connect(self.open_incident)
        self.list.selected.connect(lambda rid: self.open_incident(rid) if rid else None)
        split.addWidget(self.list)
        right = QWidget()
        rbox = QVBoxLayout(right)
        rbox.setContentsMargins(8, 0, 0, 0)
        self.form = IncidentForm(ctx=ctx)
        rbox.addWidget(self.form, 1)
        self.error = ErrorBanner()
        rbox.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.save_button = QPushButton(_("Save"))
        self.close_button = QPushButton(_("Close incident…"))
        self.close_button.setObjectName("closeIncident")
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)
        self.print_button = QPushButton(_("Print…"))
        self.print_button.setObjectName("printIncident")
        self.print_button.clicked.connect(self.print_record)
        buttons.addWidget(self.print_button)
        rbox.addLayout(buttons)
        split.addWidget(right)
        split.setSizes([560, 600])
        layout.addWidget(split, 1)

        self.quick_button.clicked.connect(self.open_quick_intake)
        self.full_button.clicked.connect(self.new_incident)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.close_incident)
        self.form.action_button.clicked.connect(self.create_action)
        self.form.photo_button.clicked.connect(self.add_photo)
        self.area_filter.currentIndexChanged.connect(
            lambda _i: self.list.model.set_filters(area_id=self.area_filter.currentData())
        )
        self.from_edit.dateChanged.connect(
            lambda _d: self.list.model.set_filters(**{"from": self.from_edit.value()})
        )
        self.to_edit.dateChanged.connect(lambda _d: self.list.model.set_filters(to=self.to_edit.value()))
        self._update_buttons()

    def _update_buttons(self) -> None:
        d = self.form.detail
        self.save_button.setEnabled(d is None or not d.locked)
        self.close_button.setEnabled(d is not None and not d.locked)
        self.print_button.setEnabled(d is not None)

    @property
    def dirty(self) -> bool:
        return self.form.dirty

    def print_record(self) -> None:
        from safetydesk.ui.reports import print_record

        print_record(self, self.ctx, "incident", self.form.detail.id if self.form.detail else None)

    def print_list(self) -> None:
        from safetydesk.ui.reports import print_period_list

        print_period_list(self, self.ctx, "near-misses", self.from_edit.value(), self.to_edit.value(), 365)

    def refresh(self) -> None:
        self.list.refresh()
        emergency_ops.load_areas(self.ctx, self, self._set_areas)
        ops.load_people(self.ctx, self, self._set_people)

    def _set_areas(self, areas: tuple[AreaChoice, ...]) -> None:
        self.areas = areas
        fill_areas(self.area_filter, areas, _("All areas"))
        self.form.set_choices(areas, ())

    def _set_people(self, people: tuple[PersonChoice, ...]) -> None:
        self.people = people
        self.form.set_choices((), people)

    def open_quick_intake(self) -> None:
        dialog = QuickIntakeDialog(self.ctx, self.areas, self)
        dialog.saved.connect(self._quick_saved)
        self.quick = dialog
        dialog.open()

    def _quick_saved(self, incident_id: str) -> None:
        self.list.refresh()
        if not self.form.dirty:
            ops.load_incident(self.ctx, self, incident_id, self._show, self.error.show_error)

    def new_incident(self) -> None:
        if self.form.dirty and not common.confirm(self, _("Discard the changes to this incident?")):
            return
        self.error.clear_error()
        self.form.clear()
        self._update_buttons()
        self.form.description_edit.setFocus()

    def open_incident(self, incident_id: str) -> None:
        if self.form.detail is not None and self.form.detail.id == incident_id:
            return
        if self.form.dirty and not common.confirm(self, _("Discard the changes to this incident?")):
            return
        ops.load_incident(self.ctx, self, incident_id, self._show, self.error.show_error)

    def _show(self, detail: IncidentDetail) -> None:
        self.error.clear_error()
        self.form.show_detail(detail)
        self._update_buttons()

    def _reload(self, incident_id: str) -> None:
        self.list.refresh()
        ops.load_incident(self.ctx, self, incident_id, self._show, self.error.show_error)

    def save(self) -> None:
        d = self.form.detail
        if d is not None and d.locked:
            return
        self.error.clear_error()
        ops.save_incident(
            self.ctx, self, d.id if d else None, self.form.data(), self._reload, self.error.show_error
        )

    def close_incident(self) -> None:
        d = self.form.detail
        if d is None or d.locked:
            return
        if not common.confirm(self, _("Close the incident? The record is then locked as evidence.")):
            return
        incident_id = d.id

        def closed(_changes: object) -> None:
            self._reload(incident_id)

        def after_save(_saved_id: str) -> None:
            ops.close_incident(self.ctx, self, incident_id, closed, self.error.show_error)

        if self.form.dirty:
            ops.save_incident(
                self.ctx, self, incident_id, self.form.data(), after_save, self.error.show_error
            )
        else:
            after_save(incident_id)

    def create_action(self) -> None:
        d = self.form.detail
        if d is None:
            return
        suggestion = d.recurrence_plan.splitlines()[0] if d.recurrence_plan else d.title
        values = common.ask_action(self, suggestion)
        if values is None:
            return
        action = ops.ActionInput(values.title, values.due_on, values.owner_name, values.hierarchy)
        ops.add_incident_action(
            self.ctx, self, d.id, action, lambda _a: self._reload(d.id), self.error.show_error
        )

    def add_photo(self) -> None:
        d = self.form.detail
        if d is None:
            return
        path = _pick_photo(self)
        if path is None:
            return
        ops.attach_photo(self.ctx, self, d.id, path, lambda _sha: self._reload(d.id), self.error.show_error)


# -- suggestions ------------------------------------------------------------------------------------


class SuggestionsPage(QWidget):
    """Worker suggestions from every channel, the answer given back, and the action it led to."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail: SuggestionDetail | None = None
        self.dirty = False
        self.loading = False
        channel_filter = (
            (N_("All channels"), None),
            *((common.EXTRA_CODES.get(c, N_("TBM")), c) for c in SUGGESTION_CHANNELS),
        )
        split = QSplitter(Qt.Orientation.Horizontal)
        self.list = ListView(
            ctx.tasks,
            ctx.workspace,
            "suggestions",
            filters=(
                ("status", N_("Status"), SUGGESTION_STATUS_FILTER),
                ("channel", N_("Channel"), channel_filter),
            ),
        )
        self.list.activated.connect(self.open_suggestion)
        self.list.selected.connect(lambda rid: self.open_suggestion(rid) if rid else None)
        split.addWidget(self.list)
        right = QWidget()
        box = QVBoxLayout(right)
        box.setContentsMargins(8, 0, 0, 0)
        form = QFormLayout()
        self.submitted_edit = DateField()
        self.channel_box = QComboBox()
        self.channel_box.setObjectName("channel")
        fill_codes(self.channel_box, SUGGESTION_CHANNELS)
        self.anonymous_box = QCheckBox(_("Anonymous"))
        self.anonymous_box.setObjectName("anonymous")
        self.person_box = QComboBox()
        self.person_box.setObjectName("submitter")
        who = QHBoxLayout()
        who.addWidget(self.anonymous_box)
        who.addWidget(self.person_box, 1)
        self.area_box = QComboBox()
        self.text_edit = QPlainTextEdit()
        self.text_edit.setObjectName("suggestionText")
        self.status_box = QComboBox()
        self.status_box.setObjectName("suggestionStatus")
        fill_codes(self.status_box, SUGGESTION_STATUSES)
        self.response_edit = QPlainTextEdit()
        self.response_edit.setObjectName("response")
        self.response_edit.setPlaceholderText(_("What was decided, as told to the worker"))
        self.responded_edit = DateField(optional=True)
        form.addRow(_("Submitted"), self.submitted_edit)
        form.addRow(_("Channel"), self.channel_box)
        form.addRow(_("Submitted by"), who)
        form.addRow(_("Area"), self.area_box)
        form.addRow(_("Suggestion"), self.text_edit)
        form.addRow(_("Status"), self.status_box)
        form.addRow(_("Answer"), self.response_edit)
        form.addRow(_("Answered on"), self.responded_edit)
        box.addLayout(form, 1)
        self.actions_list = QListWidget()
        self.actions_list.setMaximumHeight(60)
        box.addWidget(QLabel(_("Corrective actions")))
        box.addWidget(self.actions_list)
        self.error = ErrorBanner()
        box.addWidget(self.error)
        buttons = QHBoxLayout()
        self.new_button = QPushButton(_("New suggestion"))
        self.action_button = QPushButton(_("Create corrective action…"))
        self.save_button = QPushButton(_("Save"))
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.action_button)
        buttons.addWidget(self.save_button)
        box.addLayout(buttons)
        split.addWidget(right)
        split.setSizes([600, 560])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self.new_button.clicked.connect(self.new_suggestion)
        self.save_button.clicked.connect(self.save)
        self.action_button.clicked.connect(self.create_action)
        self.anonymous_box.toggled.connect(lambda on: self.person_box.setEnabled(not on))
        for w in (self.channel_box, self.person_box, self.area_box, self.status_box):
            w.currentIndexChanged.connect(self._changed)
        for e in (self.text_edit, self.response_edit):
            e.textChanged.connect(self._changed)
        for d in (self.submitted_edit, self.responded_edit):
            d.dateChanged.connect(self._changed)
        self.anonymous_box.toggled.connect(self._changed)
        self.new_suggestion()

    def _changed(self, *_args: object) -> None:
        if not self.loading:
            self.dirty = True

    def refresh(self) -> None:
        self.list.refresh()
        emergency_ops.load_areas(
            self.ctx, self, lambda areas: fill_areas(self.area_box, areas, _("— whole site —"))
        )
        ops.load_people(self.ctx, self, self._set_people)

    def _set_people(self, people: tuple[PersonChoice, ...]) -> None:
        fill_people(self.person_box, people)
        if self.detail is not None:
            select_data(self.person_box, self.detail.submitted_by_id)

    def new_suggestion(self) -> None:
        if self.dirty and not common.confirm(self, _("Discard the changes to this suggestion?")):
            return
        self.loading = True
        self.detail = None
        self.submitted_edit.set_value(date.today())
        self.channel_box.setCurrentIndex(0)
        self.anonymous_box.setChecked(True)
        self.person_box.setCurrentIndex(0)
        self.area_box.setCurrentIndex(0)
        self.text_edit.setPlainText("")
        self.status_box.setCurrentIndex(0)
        self.response_edit.setPlainText("")
        self.responded_edit.set_value(None)
        self.actions_list.clear()
        self.action_button.setEnabled(False)
        self.error.clear_error()
        self.loading = False
        self.dirty = False

    def open_suggestion(self, suggestion_id: str) -> None:
        if self.detail is not None and self.detail.id == suggestion_id:
            return
        if self.dirty and not common.confirm(self, _("Discard the changes to this suggestion?")):
            return
        ops.load_suggestion(self.ctx, self, suggestion_id, self._show, self.error.show_error)

    def _show(self, s: SuggestionDetail) -> None:
        self.loading = True
        self.detail = s
        self.submitted_edit.set_value(s.submitted_on)
        select_data(self.channel_box, s.channel)
        self.anonymous_box.setChecked(s.submitted_by_id is None)
        select_data(self.person_box, s.submitted_by_id)
        select_data(self.area_box, s.area_id)
        self.text_edit.setPlainText(s.text)
        select_data(self.status_box, s.status)
        self.response_edit.setPlainText(s.response)
        self.responded_edit.set_value(s.responded_on)
        self.actions_list.clear()
        self.actions_list.addItems(_actions_text(s.actions))
        self.action_button.setEnabled(True)
        self.error.clear_error()
        self.loading = False
        self.dirty = False

    def data(self) -> ops.SuggestionInput:
        return ops.SuggestionInput(
            submitted_on=self.submitted_edit.value() or date.today(),
            channel=str(self.channel_box.currentData()),
            text=self.text_edit.toPlainText(),
            submitted_by_id=None if self.anonymous_box.isChecked() else self.person_box.currentData(),
            area_id=self.area_box.currentData(),
            status=str(self.status_box.currentData()),
            response=self.response_edit.toPlainText(),
            responded_on=self.responded_edit.value(),
        )

    def save(self) -> None:
        self.error.clear_error()
        sid = self.detail.id if self.detail else None

        def saved(new_id: str) -> None:
            self.dirty = False
            self.detail = None
            self.list.refresh()
            ops.load_suggestion(self.ctx, self, new_id, self._show, self.error.show_error)

        ops.save_suggestion(self.ctx, self, sid, self.data(), saved, self.error.show_error)

    def create_action(self) -> None:
        s = self.detail
        if s is None:
            return
        values = common.ask_action(self, s.text.splitlines()[0] if s.text else "")
        if values is None:
            return
        action = ops.ActionInput(values.title, values.due_on, values.owner_name, values.hierarchy)
        sid = s.id

        def added(_action_id: str) -> None:
            self.detail = None
            self.list.refresh()
            ops.load_suggestion(self.ctx, self, sid, self._show, self.error.show_error)

        ops.add_suggestion_action(self.ctx, self, sid, action, added, self.error.show_error)


# -- the screen -------------------------------------------------------------------------------------


class IncidentsScreen(Screen):
    key = "incidents"
    title_msgid = N_("Incidents and near misses")

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("incidentTabs")
        self.incidents = IncidentsPage(ctx)
        self.suggestions = SuggestionsPage(ctx)
        self.tabs.addTab(self.incidents, _("Incidents and near misses"))
        self.tabs.addTab(self.suggestions, _("Worker suggestions"))
        self.layout_.addWidget(self.tabs, 1)

    def refresh(self) -> None:
        self.incidents.refresh()
        self.suggestions.refresh()

    def new_record(self) -> None:
        if self.tabs.currentWidget() is self.suggestions:
            self.suggestions.new_suggestion()
        else:
            self.incidents.open_quick_intake()

    def save(self) -> None:
        if self.tabs.currentWidget() is self.suggestions:
            self.suggestions.save()
        else:
            self.incidents.save()

    def focus_search(self) -> None:
        page = self.tabs.currentWidget()
        (self.suggestions.list if page is self.suggestions else self.incidents.list).focus_search()

    def has_unsaved_changes(self) -> bool:
        return self.incidents.dirty or self.suggestions.dirty

    def open_filtered(self, filters: dict[str, object]) -> None:
        """Dashboard tiles: e.g. ``{"kind": "near_miss", "from": date}``; ``suggestions`` switches tab."""
        if filters.get("tab") == "suggestions":
            self.tabs.setCurrentWidget(self.suggestions)
            for key, value in filters.items():
                if key != "tab":
                    self.suggestions.list.set_filter(key, value)
            return
        self.tabs.setCurrentWidget(self.incidents)
        for key, value in filters.items():
            if key == "from" and isinstance(value, (date, str)):
                self.incidents.from_edit.set_value(value)
            elif key == "to" and isinstance(value, (date, str)):
                self.incidents.to_edit.set_value(value)
            elif key == "area_id":
                select_data(self.incidents.area_filter, value)
            else:
                self.incidents.list.set_filter(key, value)


__all__ = ["IncidentsScreen", "QuickIntakeDialog"]
