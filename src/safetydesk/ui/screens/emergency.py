"""Emergency: the serious-accident manual (SAPA Decree Art. 4-8), the drill planner and the drill run.

The drill run is used standing at the muster point, so it is big and simple: one stopwatch, two buttons
that catch the alarm and evacuation times, a roll call to tick, and a notes box whose lines become
corrective actions. Nothing is written until the drill is finished.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QElapsedTimer, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from safetydesk.core.clock import parse_iso_utc, utc_now
from safetydesk.core.i18n import N_, _, current_language
from safetydesk.core.labels import label
from safetydesk.core.queries.emergency import (
    DRILL_DONE,
    DRILL_TYPES,
    MANUAL_SECTIONS,
    AreaChoice,
    DrillDetail,
    DrillDue,
    ManualDetail,
)
from safetydesk.core.queries.people import PersonChoice
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations import emergency as ops
from safetydesk.ui.screens import emergency_common as common
from safetydesk.ui.screens.base import Screen
from safetydesk.ui.screens.emergency_common import (
    CheckPeopleModel,
    CheckRow,
    DateField,
    ErrorBanner,
    fill_codes,
    local_text,
    select_data,
)
from safetydesk.ui.widgets.list_view import ListView
from safetydesk.ui.widgets.retention import RetentionBadge

SECTION_TABS: dict[str, str] = {
    "ga": N_("가. Stop work · evacuate"),
    "na": N_("나. Rescue · first aid"),
    "da": N_("다. Further damage"),
    "contacts": N_("Contacts"),
    "routes": N_("Routes · muster"),
    "equipment": N_("Emergency gear"),
}
SECTION_TITLES: dict[str, str] = {
    "ga": N_("가. Stop work · evacuate · remove the hazard"),
    "na": N_("나. Rescue · first aid"),
    "da": N_("다. Prevent further damage"),
    "contacts": N_("Emergency contacts"),
    "routes": N_("Escape routes · muster points"),
    "equipment": N_("Emergency equipment"),
}

# A starting text for a first manual (DOMAIN.md §3.2–3.3), to be adapted to the site.
SECTION_SKELETONS: dict[str, tuple[str, ...]] = {
    "ga": (
        N_("1. Whoever sees the danger shouts and presses the nearest alarm; call 119 at once."),
        N_("2. Stop the work at the site and wherever the damage could spread (press, crane, hot work)."),
        N_("3. Evacuate by the designated routes to the muster point; the supervisor counts heads."),
        N_("4. Remove the hazard only if it is safe: cut power and gas, close valves."),
    ),
    "na": (
        N_("1. Rescue only with the right PPE (breathing apparatus in confined spaces)."),
        N_("2. First aid: first-aid kit and AED locations; trained first-aiders by name."),
        N_("3. Guide the 119 team to the injured person; one person goes with the ambulance."),
    ),
    "da": (
        N_("1. Isolate the area: cordon, signs, guard at the entrance."),
        N_("2. Keep power and gas off until the cause is known; keep the scene for the investigation."),
        N_(
            "3. Report a serious accident to the regional labour office without delay "
            "(what happened, actions taken, other matters)."
        ),
    ),
    "contacts": (
        N_("119 fire and ambulance"),
        N_("Regional labour office (Busan):"),
        N_("Site safety manager:"),
        N_("CEO:"),
        N_("Nearest hospital:"),
    ),
    "routes": (N_("Escape routes per building:"), N_("Muster point:"), N_("Headcount by: (name, deputy)")),
    "equipment": (
        N_("Fire extinguishers (locations, monthly check)"),
        N_("AED and first-aid kits"),
        N_("Breathing apparatus / air-line masks, rescue tripod"),
        N_("Spill kits"),
    ),
}

NEVER_DONE = N_("Never done — due now")
OVERDUE = N_("Overdue")


def _ask_text(parent: QWidget, title: str, prompt: str, default: str = "") -> str | None:
    """A one-line question; None if cancelled (tests replace this function)."""
    text, ok = QInputDialog.getText(parent, title, prompt, QLineEdit.EchoMode.Normal, default)
    return text.strip() if ok and text.strip() else None


# -- manual -------------------------------------------------------------------------------------


class ManualPage(QWidget):
    """Manual versions on the left; the selected version as tabs of text on the right."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.manual: ManualDetail | None = None
        self.dirty = False
        self._loading = False
        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 0, 0)
        self.list = ListView(ctx.tasks, ctx.workspace, "emergency_manuals")
        self.list.activated.connect(self.open_manual)
        self.list.selected.connect(lambda rid: self.open_manual(rid) if rid else None)
        self.new_button = QPushButton(_("New manual"))
        self.new_button.clicked.connect(self.new_manual)
        left_box.addWidget(self.list, 1)
        left_box.addWidget(self.new_button)
        split.addWidget(left)

        right = QWidget()
        box = QVBoxLayout(right)
        box.setContentsMargins(8, 0, 0, 0)
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("manualTitle")
        self.version_edit = QLineEdit()
        self.version_edit.setMaximumWidth(90)
        self.posted_edit = DateField(optional=True)
        self.state_label = QLabel("")
        self.state_label.setObjectName("manualState")
        head = QHBoxLayout()
        head.addWidget(QLabel(_("Title")))
        head.addWidget(self.title_edit, 1)
        head.addWidget(QLabel(_("Version")))
        head.addWidget(self.version_edit)
        head.addWidget(QLabel(_("Posted on")))
        head.addWidget(self.posted_edit)
        box.addLayout(head)
        box.addWidget(self.state_label)
        self.retention_badge = RetentionBadge("emergency_manuals")
        box.addWidget(self.retention_badge)
        self.sections = QTabWidget()
        self.sections.setElideMode(Qt.TextElideMode.ElideRight)
        self.sections.setUsesScrollButtons(False)
        self.section_edits: dict[str, QPlainTextEdit] = {}
        for key in MANUAL_SECTIONS:
            edit = QPlainTextEdit()
            edit.setObjectName(f"section-{key}")
            edit.textChanged.connect(self._mark_dirty)
            self.section_edits[key] = edit
            index = self.sections.addTab(edit, _(SECTION_TABS[key]))
            self.sections.setTabToolTip(index, _(SECTION_TITLES[key]))
        box.addWidget(self.sections, 1)
        self.error = ErrorBanner()
        box.addWidget(self.error)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(_("Save"))
        self.save_button.clicked.connect(self.save)
        self.approve_button = QPushButton(_("Approve and lock…"))
        self.approve_button.clicked.connect(self.approve)
        self.revise_button = QPushButton(_("Revise…"))
        self.revise_button.clicked.connect(self.revise)
        self.print_button = QPushButton(_("Print…"))
        self.print_button.setObjectName("printManual")
        self.print_button.clicked.connect(self.print_record)
        buttons.addStretch(1)
        for button in (self.save_button, self.approve_button, self.revise_button, self.print_button):
            buttons.addWidget(button)
        box.addLayout(buttons)
        split.addWidget(right)
        split.setSizes([250, 900])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self.title_edit.textChanged.connect(self._mark_dirty)
        self.version_edit.textChanged.connect(self._mark_dirty)
        self.posted_edit.dateChanged.connect(self._mark_dirty)
        self._show(None)

    def _mark_dirty(self, *_args: object) -> None:
        if not self._loading:
            self.dirty = True

    def refresh(self) -> None:
        self.list.refresh()
        if self.manual is None and not self.dirty:
            ops.load_manual(self.ctx, self, None, self._show, self.error.show_error)

    def open_manual(self, manual_id: str) -> None:
        if self.manual is not None and manual_id == self.manual.id:
            return
        if self.dirty and not common.confirm(self, _("Discard the changes to this manual?")):
            return
        ops.load_manual(self.ctx, self, manual_id, self._show, self.error.show_error)

    def print_record(self) -> None:
        from safetydesk.ui.reports import print_record

        print_record(self, self.ctx, "emergency-manual", self.manual.id if self.manual else None)

    def new_manual(self) -> None:
        if self.dirty and not common.confirm(self, _("Discard the changes to this manual?")):
            return
        self._show(None)
        self.title_edit.setFocus()

    def _show(self, manual: ManualDetail | None) -> None:
        self._loading = True
        self.manual = manual
        self.error.clear_error()
        if manual is None:
            self.title_edit.setText(_("Serious accident emergency manual"))
            self.version_edit.setText("1.0")
            self.posted_edit.set_value(None)
            for key, edit in self.section_edits.items():
                edit.setPlainText("\n".join(_(line) for line in SECTION_SKELETONS[key]))
            self.state_label.setText(_("New manual — not saved yet."))
        else:
            self.title_edit.setText(manual.title)
            self.version_edit.setText(manual.version_label)
            self.posted_edit.set_value(manual.posted_on)
            for key, edit in self.section_edits.items():
                edit.setPlainText(manual.sections.get(key, ""))
            if manual.locked:
                state = _("Approved by {who} on {day} — locked. Revise it to make changes.").format(
                    who=manual.approved_by or "", day=manual.approved_on or ""
                )
            else:
                state = _("Draft (revision {n}) — approve it when it is final.").format(n=manual.revision_no)
            self.state_label.setText(state)
        locked = manual is not None and manual.locked
        self.retention_badge.set_record(manual.retention_until if manual else None, locked=locked)
        for widget in (self.title_edit, self.version_edit):
            widget.setReadOnly(locked)
        self.posted_edit.setEnabled(not locked)
        for edit in self.section_edits.values():
            edit.setReadOnly(locked)
        self.save_button.setEnabled(not locked)
        self.approve_button.setEnabled(not locked)
        self.revise_button.setEnabled(locked)
        self.print_button.setEnabled(manual is not None)
        self._loading = False
        self.dirty = False

    def _input(self) -> ops.ManualInput:
        return ops.ManualInput(
            title=self.title_edit.text(),
            version_label=self.version_edit.text(),
            sections={k: e.toPlainText() for k, e in self.section_edits.items()},
            posted_on=self.posted_edit.value(),
        )

    def save(self, then: Any = None) -> None:
        if self.manual is not None and self.manual.locked:
            return
        self.error.clear_error()
        manual_id = self.manual.id if self.manual else None

        def saved(new_id: str) -> None:
            self.dirty = False
            self.list.refresh()
            ops.load_manual(
                self.ctx, self, new_id, lambda m: self._after_save(m, then), self.error.show_error
            )

        ops.save_manual(self.ctx, self, manual_id, self._input(), saved, self.error.show_error)

    def _after_save(self, manual: ManualDetail | None, then: Any) -> None:
        self._show(manual)
        if callable(then):
            then()

    def approve(self) -> None:
        if self.dirty or self.manual is None:
            self.save(then=self.approve)
            return
        who = _ask_text(self, _("Approve the manual"), _("Approved by (name and title):"))
        if who is None:
            return
        manual_id = self.manual.id
        ops.approve_manual(
            self.ctx,
            self,
            manual_id,
            who,
            date.today(),
            lambda _c: self._reload(manual_id),
            self.error.show_error,
        )

    def revise(self) -> None:
        if self.manual is None or not self.manual.locked:
            return
        reason = _ask_text(self, _("Revise the manual"), _("Why is the manual being revised?"))
        if reason is None:
            return
        ops.revise_manual(self.ctx, self, self.manual.id, reason, self._reload, self.error.show_error)

    def _reload(self, manual_id: str) -> None:
        self.list.refresh()
        self.manual = None
        ops.load_manual(self.ctx, self, manual_id, self._show, self.error.show_error)


# -- drill planner --------------------------------------------------------------------------------


class DrillPlanPage(QWidget):
    """Legal frequencies on top, the drills list on the left and the plan (or result) on the right."""

    run_requested = Signal(object)  # DrillDetail

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.drill: DrillDetail | None = None
        self.dirty = False
        self._loading = False
        self.areas: tuple[AreaChoice, ...] = ()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.due_box = QGroupBox(_("Drills the law requires"))
        self.due_layout = QVBoxLayout(self.due_box)
        self.due_labels: list[QLabel] = []
        layout.addWidget(self.due_box)

        split = QSplitter(Qt.Orientation.Horizontal)
        status_choices = (
            (N_("All drills"), None),
            (N_("Planned"), "planned"),
            (N_("Carried out"), DRILL_DONE),
        )
        type_choices = ((N_("All types"), None), *((EXTRA_TYPE[t], t) for t in DRILL_TYPES))
        self.list = ListView(
            ctx.tasks,
            ctx.workspace,
            "drills",
            filters=(("status", N_("Status"), status_choices), ("drill_type", N_("Type"), type_choices)),
        )
        self.list.activated.connect(self.open_drill)
        self.list.selected.connect(lambda rid: self.open_drill(rid) if rid else None)
        split.addWidget(self.list)

        right = QWidget()
        box = QVBoxLayout(right)
        box.setContentsMargins(8, 0, 0, 0)
        form = QFormLayout()
        self.type_box = QComboBox()
        self.type_box.setObjectName("drillType")
        fill_codes(self.type_box, DRILL_TYPES)
        self.planned_edit = DateField()
        self.area_box = QComboBox()
        self.area_box.setObjectName("drillArea")
        self.scenario_edit = QPlainTextEdit()
        self.scenario_edit.setObjectName("drillScenario")
        self.scenario_edit.setPlaceholderText(_("What happens, where, who plays which role…"))
        self.scenario_edit.setMaximumHeight(150)
        self.expected_spin = QSpinBox()
        self.expected_spin.setRange(0, 9999)
        self.expected_spin.setSpecialValueText(_("from the roll call"))
        form.addRow(_("Type"), self.type_box)
        form.addRow(_("Planned on"), self.planned_edit)
        form.addRow(_("Area"), self.area_box)
        form.addRow(_("Scenario"), self.scenario_edit)
        form.addRow(_("People expected"), self.expected_spin)
        box.addLayout(form)
        self.result_label = QLabel("")
        self.result_label.setObjectName("drillResult")
        self.result_label.setWordWrap(True)
        box.addWidget(self.result_label)
        self.retention_badge = RetentionBadge("drills")
        box.addWidget(self.retention_badge)
        box.addStretch(1)
        self.error = ErrorBanner()
        box.addWidget(self.error)
        buttons = QHBoxLayout()
        self.new_button = QPushButton(_("New drill"))
        self.new_button.clicked.connect(self.new_drill)
        self.save_button = QPushButton(_("Save plan"))
        self.save_button.clicked.connect(self.save)
        self.run_button = QPushButton(_("Run this drill ▶"))
        self.run_button.setObjectName("runDrill")
        self.run_button.clicked.connect(self._run)
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.run_button)
        self.print_button = QPushButton(_("Print…"))
        self.print_button.setObjectName("printDrill")
        self.print_button.clicked.connect(self.print_record)
        buttons.addWidget(self.print_button)
        box.addLayout(buttons)
        split.addWidget(right)
        split.setSizes([640, 520])
        layout.addWidget(split, 1)
        self.type_box.currentIndexChanged.connect(self._mark_dirty)
        self.area_box.currentIndexChanged.connect(self._mark_dirty)
        self.planned_edit.dateChanged.connect(self._mark_dirty)
        self.scenario_edit.textChanged.connect(self._mark_dirty)
        self.expected_spin.valueChanged.connect(self._mark_dirty)
        self._show(None)

    def _mark_dirty(self, *_args: object) -> None:
        if not self._loading:
            self.dirty = True

    def refresh(self) -> None:
        self.list.refresh()
        ops.load_areas(self.ctx, self, self._set_areas)
        ops.load_drill_due(self.ctx, self, self._show_due)

    def _set_areas(self, areas: tuple[AreaChoice, ...]) -> None:
        self._loading = True
        current = self.area_box.currentData()
        self.areas = areas
        self.area_box.clear()
        self.area_box.addItem(_("Whole site"), None)
        for area in areas:
            self.area_box.addItem(area.caption, area.id)
        select_data(self.area_box, self.drill.area_id if self.drill else current)
        self._loading = False

    def _show_due(self, rows: tuple[DrillDue, ...]) -> None:
        for old in self.due_labels:
            old.deleteLater()
        self.due_labels = []
        for row in rows:
            duty = row.duty_label_ko if current_language() == "ko" else row.duty_label_en
            if row.due_on is None:
                due = _(NEVER_DONE)
            else:
                due = _("next due {day}").format(day=row.due_on)
                if row.overdue:
                    due = f"{_(OVERDUE)} — {due}"
            parts = [f"<b>{duty}</b>", due]
            if row.last_done:
                parts.append(_("last done {day}").format(day=row.last_done))
            parts.append(
                _("planned {day}").format(day=row.next_planned) if row.next_planned else _("no drill planned")
            )
            late = bool(row.due_on and row.next_planned and row.next_planned > row.due_on)
            if late:
                warning = _("planned after the due date")
                parts.append(f"<span style='color:#b00020'>{warning}</span>")
            text = QLabel(" · ".join(parts) + f"  <span style='color:#666'>({row.source})</span>")
            text.setObjectName(f"due-{row.drill_type}")
            text.setWordWrap(True)
            if row.overdue:
                text.setStyleSheet(common.ERROR_STYLE.replace("font-weight: bold;", ""))
            self.due_layout.addWidget(text)
            self.due_labels.append(text)

    def open_drill(self, drill_id: str) -> None:
        if self.drill is not None and drill_id == self.drill.id:
            return
        if self.dirty and not common.confirm(self, _("Discard the changes to this drill plan?")):
            return
        ops.load_drill(self.ctx, self, drill_id, self._show, self.error.show_error)

    def print_record(self) -> None:
        from safetydesk.ui.reports import print_record

        print_record(self, self.ctx, "drill", self.drill.id if self.drill else None)

    def new_drill(self) -> None:
        if self.dirty and not common.confirm(self, _("Discard the changes to this drill plan?")):
            return
        self._show(None)
        self.type_box.setFocus()

    def _show(self, drill: DrillDetail | None) -> None:
        self._loading = True
        self.drill = drill
        self.error.clear_error()
        done = drill is not None and drill.status != "planned"  # done, or completed in imports
        if drill is None:
            self.type_box.setCurrentIndex(0)
            self.planned_edit.set_value(date.today())
            self.area_box.setCurrentIndex(0)
            self.scenario_edit.setPlainText("")
            self.expected_spin.setValue(0)
            self.result_label.setText("")
        else:
            select_data(self.type_box, drill.drill_type)
            self.planned_edit.set_value(drill.planned_on)
            select_data(self.area_box, drill.area_id)
            self.scenario_edit.setPlainText(drill.scenario)
            self.expected_spin.setValue(drill.headcount_expected or 0)
            self.result_label.setText(_result_text(drill) if done else "")
        self.retention_badge.set_record(drill.retention_until if drill else None)
        for widget in (self.type_box, self.planned_edit, self.area_box, self.expected_spin):
            widget.setEnabled(not done)
        self.scenario_edit.setReadOnly(done)
        self.save_button.setEnabled(not done)
        self.run_button.setEnabled(not done)
        self.print_button.setEnabled(drill is not None)
        self._loading = False
        self.dirty = False

    def _plan(self) -> ops.DrillPlan:
        return ops.DrillPlan(
            drill_type=str(self.type_box.currentData()),
            planned_on=self.planned_edit.value() or date.today(),
            area_id=self.area_box.currentData(),
            scenario=self.scenario_edit.toPlainText(),
            headcount_expected=self.expected_spin.value() or None,
        )

    def save(self, then: Any = None) -> None:
        if self.drill is not None and self.drill.status != "planned":
            return
        self.error.clear_error()
        drill_id = self.drill.id if self.drill else None

        def saved(new_id: str) -> None:
            self.dirty = False
            self.refresh()
            ops.load_drill(self.ctx, self, new_id, lambda d: self._after_save(d, then), self.error.show_error)

        ops.plan_drill(self.ctx, self, drill_id, self._plan(), saved, self.error.show_error)

    def _after_save(self, drill: DrillDetail, then: Any) -> None:
        self.drill = None
        self._show(drill)
        if callable(then):
            then(drill)

    def _run(self) -> None:
        if self.dirty or self.drill is None:
            self.save(then=self.run_requested.emit)
            return
        self.run_requested.emit(self.drill)


EXTRA_TYPE = {code: common.EXTRA_CODES[code] for code in DRILL_TYPES}


def _mmss(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    whole = int(seconds)
    return f"{whole // 60:02d}:{whole % 60:02d}"


def _local(stored: str | None) -> str:
    return local_text(parse_iso_utc(stored)) if stored else ""


def _result_text(drill: DrillDetail) -> str:
    lines = [
        _("Carried out {when}.").format(when=_local(drill.performed_at)),
        _("Alarm after {a}; everyone out {e} after the alarm.").format(
            a=_mmss(drill.seconds_to_alarm), e=_mmss(drill.seconds_to_evacuate)
        ),
        _("Headcount {actual} of {expected}.").format(
            actual=drill.headcount_actual if drill.headcount_actual is not None else "—",
            expected=drill.headcount_expected if drill.headcount_expected is not None else "—",
        ),
    ]
    if drill.observations:
        lines.append(_("Observations: {text}").format(text=drill.observations))
    if drill.actions:
        lines.append(_("Corrective actions: {n}").format(n=len(drill.actions)))
    if drill.form_record_id:
        lines.append(_("The drill record form (sign-off, photos) is on the Inspections screen."))
    return "\n".join(lines)


# -- drill run -------------------------------------------------------------------------------------


class DepartmentFilter(QSortFilterProxyModel):
    """Roll call filtered by department ('' = everyone)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.department = ""

    def set_department(self, department: str) -> None:
        self.beginFilterChange()
        self.department = department
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: Any) -> bool:
        if not self.department:
            return True
        model = self.sourceModel()
        return bool(model.data(model.index(source_row, 1, source_parent)) == self.department)


class DrillRunPage(QWidget):
    """Stopwatch, alarm and evacuation buttons, roll call and observations for one drill."""

    finished = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.drill: DrillDetail | None = None
        self.started_at: datetime | None = None
        self.clock = QElapsedTimer()
        self.stopped_ms: int | None = None
        self.alarm_s: int | None = None
        self.tick = QTimer(self)
        self.tick.setInterval(100)
        self.tick.timeout.connect(self._update_clock)
        self.roster: tuple[PersonChoice, ...] = ()
        self.saving = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel(_("Choose a planned drill on the planner tab and press 'Run this drill'."))
        self.heading.setObjectName("runHeading")
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setPointSize(font.pointSize() + 3)
        font.setBold(True)
        self.heading.setFont(font)
        layout.addWidget(self.heading)

        body = QHBoxLayout()
        left = QVBoxLayout()
        self.clock_label = QLabel("00:00.0")
        self.clock_label.setObjectName("drillClock")
        self.clock_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        big = QFont(self.clock_label.font())
        big.setPointSize(54)
        big.setBold(True)
        big.setStyleHint(QFont.StyleHint.Monospace)
        self.clock_label.setFont(big)
        self.clock_label.setStyleSheet("color: #1b4f8a; padding: 4px;")
        left.addWidget(self.clock_label)
        row = QHBoxLayout()
        self.start_button = QPushButton(_("Start"))
        self.start_button.setObjectName("startStop")
        self.alarm_button = QPushButton(_("Alarm raised"))
        self.alarm_button.setObjectName("alarm")
        self.evacuated_button = QPushButton(_("Evacuation complete"))
        self.evacuated_button.setObjectName("evacuated")
        for button in (self.start_button, self.alarm_button, self.evacuated_button):
            button.setMinimumHeight(48)
            f = button.font()
            f.setPointSize(f.pointSize() + 2)
            f.setBold(True)
            button.setFont(f)
            row.addWidget(button)
        self.start_button.setStyleSheet("background: #1b7a3a; color: white;")
        self.alarm_button.setStyleSheet("background: #c05600; color: white;")
        self.evacuated_button.setStyleSheet("background: #1b4f8a; color: white;")
        left.addLayout(row)
        times = QFormLayout()
        self.alarm_spin = QSpinBox()
        self.alarm_spin.setObjectName("secondsToAlarm")
        self.evacuate_spin = QSpinBox()
        self.evacuate_spin.setObjectName("secondsToEvacuate")
        for spin in (self.alarm_spin, self.evacuate_spin):
            spin.setRange(-1, 86400)
            spin.setSpecialValueText("—")
            spin.setValue(-1)
            spin.setSuffix(_(" s"))
            spin.setMaximumWidth(140)
        times.addRow(_("Start → alarm"), self.alarm_spin)
        times.addRow(_("Alarm → everyone out"), self.evacuate_spin)
        left.addLayout(times)
        left.addWidget(QLabel(_("Observations (one per line)")))
        self.observations = QPlainTextEdit()
        self.observations.setObjectName("observations")
        self.observations.setPlaceholderText(
            _("e.g. the alarm could not be heard in the welding bay; exit B blocked by pallets")
        )
        left.addWidget(self.observations, 1)
        self.action_button = QPushButton(_("Create corrective action from observation…"))
        self.action_button.setObjectName("observationAction")
        left.addWidget(self.action_button)
        body.addLayout(left, 3)

        right = QVBoxLayout()
        roll_title = QLabel(_("Roll call"))
        roll_title.setStyleSheet("font-weight: bold;")
        right.addWidget(roll_title)
        filter_row = QHBoxLayout()
        self.department_box = QComboBox()
        self.department_box.setObjectName("department")
        self.all_button = QPushButton(_("All present"))
        self.none_button = QPushButton(_("Clear"))
        filter_row.addWidget(self.department_box, 1)
        filter_row.addWidget(self.all_button)
        filter_row.addWidget(self.none_button)
        right.addLayout(filter_row)
        self.roll_model = CheckPeopleModel(parent=self)
        self.proxy = DepartmentFilter(self)
        self.proxy.setSourceModel(self.roll_model)
        self.roll_view = QTableView()
        self.roll_view.setObjectName("rollCall")
        self.roll_view.setModel(self.proxy)
        self.roll_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.roll_view.verticalHeader().setDefaultSectionSize(26)
        self.roll_view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        right.addWidget(self.roll_view, 1)
        counts = QHBoxLayout()
        counts.addWidget(QLabel(_("Expected")))
        self.expected_spin = QSpinBox()
        self.expected_spin.setObjectName("expected")
        self.expected_spin.setRange(0, 9999)
        counts.addWidget(self.expected_spin)
        self.count_label = QLabel("")
        self.count_label.setObjectName("headcount")
        f = self.count_label.font()
        f.setPointSize(f.pointSize() + 4)
        f.setBold(True)
        self.count_label.setFont(f)
        counts.addWidget(self.count_label, 1)
        right.addLayout(counts)
        body.addLayout(right, 2)
        layout.addLayout(body, 1)

        self.error = ErrorBanner()
        layout.addWidget(self.error)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        self.finish_button = QPushButton(_("Finish drill and save"))
        self.finish_button.setObjectName("finishDrill")
        self.finish_button.setMinimumHeight(36)
        bottom.addWidget(self.finish_button)
        layout.addLayout(bottom)

        self.start_button.clicked.connect(self.start_stop)
        self.alarm_button.clicked.connect(self.mark_alarm)
        self.evacuated_button.clicked.connect(self.mark_evacuated)
        self.action_button.clicked.connect(self.action_from_observation)
        self.all_button.clicked.connect(lambda: self._tick_visible(True))
        self.none_button.clicked.connect(lambda: self._tick_visible(False))
        self.department_box.currentIndexChanged.connect(self._department_changed)
        self.roll_model.changed.connect(self._update_counts)
        self.expected_spin.valueChanged.connect(self._update_counts)
        self.finish_button.clicked.connect(self.finish)
        self._enable()

    # state ------------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.clock.isValid() and self.stopped_ms is None

    def in_progress(self) -> bool:
        """True once the stopwatch started and until the drill is saved."""
        return self.drill is not None and self.started_at is not None

    def _enable(self) -> None:
        loaded = self.drill is not None
        self.start_button.setEnabled(loaded and not self.saving)
        self.alarm_button.setEnabled(self.running and self.alarm_s is None)
        self.evacuated_button.setEnabled(self.running)
        self.finish_button.setEnabled(loaded and self.started_at is not None and not self.saving)
        self.action_button.setEnabled(loaded)
        self.start_button.setText(
            _("Stop") if self.running else (_("Restart") if self.stopped_ms else _("Start"))
        )

    def load(self, drill: DrillDetail) -> None:
        if self.in_progress():
            if self.drill is not None and drill.id == self.drill.id:
                return  # back to the drill that is running: keep its stopwatch
            if not common.confirm(self, _("A drill is running. Abandon it and load another?")):
                return
        self.drill = drill
        self._reset_clock()
        self.observations.setPlainText("")
        area = drill.area_name or _("Whole site")
        self.heading.setText(f"{label(drill.drill_type)} — {drill.planned_on} — {area}")
        self.error.clear_error()
        ops.load_roster(self.ctx, self, lambda people: self._set_roster(people, drill), self.error.show_error)
        self._enable()

    def _set_roster(self, people: tuple[PersonChoice, ...], drill: DrillDetail) -> None:
        self.roster = people
        self.roll_model.set_rows([CheckRow(p) for p in people])
        departments = sorted({p.department for p in people if p.department})
        self.department_box.blockSignals(True)
        self.department_box.clear()
        self.department_box.addItem(_("Everyone on the roster"), "")
        for department in departments:
            self.department_box.addItem(department, department)
        # the area's own department first, if the roster names one after it
        guess = drill.area_name or ""
        select_data(self.department_box, guess if guess in departments else "")
        self.department_box.blockSignals(False)
        self._department_changed()
        if drill.headcount_expected:
            self.expected_spin.setValue(drill.headcount_expected)

    def _department_changed(self, *_args: object) -> None:
        department = str(self.department_box.currentData() or "")
        self.proxy.set_department(department)
        if not (self.drill and self.drill.headcount_expected):
            self.expected_spin.setValue(self.proxy.rowCount())
        self._update_counts()

    def _tick_visible(self, on: bool) -> None:
        for row in range(self.proxy.rowCount()):
            self.proxy.setData(
                self.proxy.index(row, 0),
                Qt.CheckState.Checked.value if on else Qt.CheckState.Unchecked.value,
                Qt.ItemDataRole.CheckStateRole,
            )

    def present(self) -> int:
        return len(self.roll_model.checked_rows())

    def _update_counts(self, *_args: object) -> None:
        expected = self.expected_spin.value()
        present = self.present()
        text = _("Present {n} / {expected}").format(n=present, expected=expected)
        missing = expected - present
        if missing > 0:
            text += "  " + _("— {n} missing").format(n=missing)
            self.count_label.setStyleSheet("color: #b00020;")
        else:
            self.count_label.setStyleSheet("color: #1b7a3a;")
        self.count_label.setText(text)

    # stopwatch ------------------------------------------------------------------------------------

    def _reset_clock(self) -> None:
        self.tick.stop()
        self.clock.invalidate()
        self.stopped_ms = None
        self.started_at = None
        self.alarm_s = None
        self.alarm_spin.setValue(-1)
        self.evacuate_spin.setValue(-1)
        self.clock_label.setText("00:00.0")

    def elapsed_ms(self) -> int:
        if not self.clock.isValid():
            return 0
        return self.stopped_ms if self.stopped_ms is not None else int(self.clock.elapsed())

    def start_stop(self) -> None:
        if self.drill is None:
            return
        if self.running:
            self.stopped_ms = int(self.clock.elapsed())
            self.tick.stop()
            self._update_clock()
        else:
            if self.stopped_ms is not None and not common.confirm(
                self, _("Start the stopwatch again from zero? The times taken so far are cleared.")
            ):
                return
            self._reset_clock()
            self.started_at = utc_now()
            self.clock.start()
            self.tick.start()
        self._enable()

    def _update_clock(self) -> None:
        ms = self.elapsed_ms()
        self.clock_label.setText(f"{ms // 60000:02d}:{ms // 1000 % 60:02d}.{ms // 100 % 10}")

    def mark_alarm(self) -> None:
        if not self.running:
            return
        self.alarm_s = self.elapsed_ms() // 1000
        self.alarm_spin.setValue(self.alarm_s)
        self._enable()

    def mark_evacuated(self) -> None:
        if not self.running:
            return
        total = self.elapsed_ms() // 1000
        self.evacuate_spin.setValue(total - (self.alarm_s or 0))
        self.start_stop()  # evacuation complete ends the timed part

    # actions and finish ------------------------------------------------------------------------------

    def action_from_observation(self) -> None:
        if self.drill is None:
            return
        cursor = self.observations.textCursor()
        text = cursor.selectedText().replace("\u2029", " ").strip()
        if not text:
            text = cursor.block().text().strip()
        values = common.ask_action(self, text)
        if values is None:
            return
        action = ops.ActionInput(
            title=values.title, due_on=values.due_on, owner_name=values.owner_name, hierarchy=values.hierarchy
        )
        ops.add_drill_action(self.ctx, self, self.drill.id, action, self._action_added, self.error.show_error)

    def _action_added(self, _action_id: str) -> None:
        self.error.clear_error()
        self.heading.setToolTip(_("Corrective action created."))

    def result(self) -> ops.DrillResult:
        assert self.started_at is not None
        alarm = self.alarm_spin.value()
        evacuate = self.evacuate_spin.value()
        visible = {
            self.proxy.data(self.proxy.index(i, 0), Qt.ItemDataRole.UserRole)
            for i in range(self.proxy.rowCount())
        }
        # who was expected (the filtered roster) and anyone ticked outside it
        roll = tuple(
            ops.RollCallEntry(r.person.id, r.person.name, r.checked)
            for r in self.roll_model.rows
            if r.checked or r.person.id in visible
        )
        return ops.DrillResult(
            started_at=self.started_at,
            seconds_to_alarm=alarm if alarm >= 0 else None,
            seconds_to_evacuate=evacuate if evacuate >= 0 else None,
            headcount_expected=self.expected_spin.value(),
            headcount_actual=self.present(),
            observations=self.observations.toPlainText(),
            roll_call=roll,
            place=self.drill.area_name if self.drill else None,
        )

    def finish(self) -> None:
        if self.drill is None or self.started_at is None:
            return
        if self.running:
            self.start_stop()
        if not common.confirm(
            self, _("Finish the drill and save its record? It cannot be changed afterwards.")
        ):
            return
        self.saving = True
        self._enable()
        ops.finish_drill(self.ctx, self, self.drill.id, self.result(), self._finished, self._failed)

    def _finished(self, _changes: object) -> None:
        self.saving = False
        drill = self.drill
        self._reset_clock()
        self.drill = None
        self.roll_model.set_rows([])
        self.heading.setText(
            _("Drill saved: {what}. Choose the next planned drill on the planner tab.").format(
                what=label(drill.drill_type) if drill else ""
            )
        )
        self._enable()
        self.finished.emit()

    def _failed(self, exc: Exception) -> None:
        self.saving = False
        self._enable()
        self.error.show_error(exc)


# -- the screen -------------------------------------------------------------------------------------


class EmergencyScreen(Screen):
    key = "emergency"
    title_msgid = N_("Emergency")

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("emergencyTabs")
        self.manual = ManualPage(ctx)
        self.planner = DrillPlanPage(ctx)
        self.run = DrillRunPage(ctx)
        self.tabs.addTab(self.manual, _("Emergency manual"))
        self.tabs.addTab(self.planner, _("Drill planner"))
        self.tabs.addTab(self.run, _("Drill run"))
        self.layout_.addWidget(self.tabs, 1)
        self.planner.run_requested.connect(self._start_run)
        self.run.finished.connect(self.planner.refresh)

    def _start_run(self, drill: DrillDetail) -> None:
        self.run.load(drill)
        self.tabs.setCurrentWidget(self.run)

    def refresh(self) -> None:
        self.manual.refresh()
        self.planner.refresh()

    def new_record(self) -> None:
        page = self.tabs.currentWidget()
        if page is self.manual:
            self.manual.new_manual()
        else:
            self.tabs.setCurrentWidget(self.planner)
            self.planner.new_drill()

    def save(self) -> None:
        page = self.tabs.currentWidget()
        if page is self.manual:
            self.manual.save()
        elif page is self.planner:
            self.planner.save()

    def focus_search(self) -> None:
        page = self.tabs.currentWidget()
        if page is self.manual:
            self.manual.list.focus_search()
        else:
            self.tabs.setCurrentWidget(self.planner)
            self.planner.list.focus_search()

    def has_unsaved_changes(self) -> bool:
        return self.manual.dirty or self.planner.dirty or self.run.in_progress()

    def open_filtered(self, filters: dict[str, object]) -> None:
        self.tabs.setCurrentWidget(self.planner)
        for key, value in filters.items():
            self.planner.list.set_filter(key, value)
