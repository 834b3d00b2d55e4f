"""Starting a form (template, area, machine) and confirming what completing it will create."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from safetydesk.core.i18n import _
from safetydesk.ui.operations.inspections import CompletionPlan, NewFormChoices, TemplateOption
from safetydesk.ui.screens.inspections.texts import (
    FAIL_COLOR,
    KIND_LABELS,
    ORIGIN_LABELS,
    SEVERITY_LABELS,
    code_label,
    tr,
)

TEMPLATE_ROLE = Qt.ItemDataRole.UserRole


class NewFormDialog(QDialog):
    """Choose a template (grouped by kind), the area and — for a pre-work check — the machine."""

    def __init__(self, choices: NewFormChoices, performer: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choices = choices
        self.setWindowTitle(_("New form"))
        self.resize(860, 520)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.tree = QTreeWidget()
        self.tree.setObjectName("templates")
        self.tree.setHeaderLabels([_("Form"), _("Code")])
        self.tree.setColumnWidth(0, 330)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        bold = QFont()
        bold.setBold(True)
        groups: dict[str, QTreeWidgetItem] = {}
        for template in choices.templates:
            group = groups.get(template.kind)
            if group is None:
                group = QTreeWidgetItem([code_label(template.kind, KIND_LABELS)])
                group.setFont(0, bold)
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.tree.addTopLevelItem(group)
                groups[template.kind] = group
            title = tr(template.title)
            if template.origin != "shipped":
                title += f"  [{code_label(template.origin, ORIGIN_LABELS)}]"
            item = QTreeWidgetItem([title, f"{template.code} v{template.version}"])
            item.setData(0, TEMPLATE_ROLE, template.id)
            group.addChild(item)
        self.tree.expandAll()
        self.tree.currentItemChanged.connect(lambda *_a: self._template_changed())
        self.tree.itemDoubleClicked.connect(lambda *_a: self._accept_if_ready())
        row.addWidget(self.tree, 3)

        form = QFormLayout()
        self.performed_on = QDateEdit(QDate.currentDate())
        self.performed_on.setCalendarPopup(True)
        self.performed_on.setDisplayFormat("yyyy-MM-dd")
        form.addRow(_("Date"), self.performed_on)
        self.area = QComboBox()
        self.area.setObjectName("area")
        self.area.addItem(_("— none —"), None)
        for area in choices.areas:
            self.area.addItem(f"{area.code} {area.name}", area.id)
        form.addRow(_("Area"), self.area)
        self.equipment = QComboBox()
        self.equipment.setObjectName("equipment")
        self.equipment.currentIndexChanged.connect(lambda _i: self._equipment_changed())
        form.addRow(_("Equipment"), self.equipment)
        self.performer = QLineEdit(performer)
        self.performer.setObjectName("performer")
        completer = QCompleter(list(choices.people), self.performer)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.performer.setCompleter(completer)
        form.addRow(_("Performed by"), self.performer)
        side = QVBoxLayout()
        side.addLayout(form)
        self.hint = QLabel("")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(f"color: {FAIL_COLOR};")
        side.addWidget(self.hint)
        side.addStretch(1)
        row.addLayout(side, 2)
        layout.addLayout(row, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = QPushButton(_("Start"))
        self.ok.setDefault(True)
        buttons.addButton(self.ok, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._template_changed()

    def _accept_if_ready(self) -> None:
        if self.ok.isEnabled():
            self.accept()

    # -- selection -----------------------------------------------------------------------------

    def template_id(self) -> str | None:
        item = self.tree.currentItem()
        value = item.data(0, TEMPLATE_ROLE) if item is not None else None
        return str(value) if value else None

    def select_template(self, template_id: str) -> bool:
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            for j in range(group.childCount() if group is not None else 0):
                child = group.child(j) if group is not None else None
                if child is not None and child.data(0, TEMPLATE_ROLE) == template_id:
                    self.tree.setCurrentItem(child)
                    return True
        return False

    def select_equipment(self, equipment_id: str) -> bool:
        index = self.equipment.findData(equipment_id)
        if index >= 0:
            self.equipment.setCurrentIndex(index)
        return index >= 0

    def _template(self) -> TemplateOption | None:
        chosen = self.template_id()
        return next((t for t in self.choices.templates if t.id == chosen), None)

    def _needs_equipment(self) -> bool:
        template = self._template()
        return template is not None and template.kind == "prework_check"

    def _template_changed(self) -> None:
        template = self._template()
        kinds: Sequence[str] = template.equipment_kinds if template is not None else ()
        previous = self.equipment.currentData()
        self.equipment.blockSignals(True)
        self.equipment.clear()
        if not self._needs_equipment():
            self.equipment.addItem(_("— none —"), None)
        for machine in self.choices.equipment:
            if not kinds or machine.kind in kinds:
                self.equipment.addItem(machine.label, machine.id)
        index = self.equipment.findData(previous)
        self.equipment.setCurrentIndex(max(index, 0))
        self.equipment.blockSignals(False)
        self._equipment_changed()

    def _equipment_changed(self) -> None:
        chosen = self.equipment.currentData()
        machine = next((m for m in self.choices.equipment if m.id == chosen), None)
        if machine is not None and machine.area_id:
            index = self.area.findData(machine.area_id)
            if index >= 0:
                self.area.setCurrentIndex(index)
        self._check()

    def _check(self) -> None:
        problem = ""
        if self.template_id() is None:
            problem = _("Choose a form on the left.")
        elif self._needs_equipment() and self.equipment.currentData() is None:
            problem = (
                _("A pre-work check is made for one machine, but no equipment of this kind is registered.")
                if self.equipment.count() == 0
                else _("Choose the machine to be checked.")
            )
        self.hint.setText(problem)
        self.ok.setEnabled(not problem)

    def values(self) -> dict[str, object]:
        qdate = self.performed_on.date()
        return {
            "template_id": self.template_id(),
            "performed_on": date(qdate.year(), qdate.month(), qdate.day()),
            "area_id": self.area.currentData(),
            "equipment_id": self.equipment.currentData(),
            "performed_by_name": self.performer.text().strip() or None,
        }


class CompleteDialog(QDialog):
    """Last look before a form is locked: the score and the findings and actions it will open."""

    def __init__(
        self, plan: CompletionPlan, owner: str, people: Sequence[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle(_("Complete and lock"))
        self.resize(760, 420)
        layout = QVBoxLayout(self)
        score = plan.score
        percent = "—" if score.percent is None else f"{score.percent:.0f}%"
        summary = QLabel(
            _("Pass {passed} · Fail {failed} · N/A {na} — score {percent}").format(
                passed=score.passed, failed=score.failed, na=score.not_applicable, percent=percent
            )
        )
        summary.setObjectName("summary")
        summary.setStyleSheet("font-size: 12pt; font-weight: bold;")
        layout.addWidget(summary)
        lock = QLabel(_("After completing, the record is locked; a correction is made as a revision."))
        lock.setWordWrap(True)
        layout.addWidget(lock)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("planned")
        self.owner = QLineEdit(owner)
        self.owner.setObjectName("owner")
        if plan.planned:
            intro = QLabel(
                _("Completing opens {n} finding(s), each with a corrective action:").format(
                    n=len(plan.planned)
                )
            )
            intro.setWordWrap(True)
            layout.addWidget(intro)
            self.table.setHorizontalHeaderLabels(
                [_("Failed item"), _("Severity"), _("Action due"), _("Photos")]
            )
            self.table.setRowCount(len(plan.planned))
            for row, item in enumerate(plan.planned):
                cells = (
                    tr(item.text),
                    code_label(item.severity, SEVERITY_LABELS),
                    item.due_on,
                    str(item.photos),
                )
                for column, text in enumerate(cells):
                    cell = QTableWidgetItem(text)
                    cell.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                    self.table.setItem(row, column, cell)
            header = self.table.horizontalHeader()
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            for column in (1, 2, 3):
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
            self.table.verticalHeader().hide()
            layout.addWidget(self.table, 1)
            owner_row = QFormLayout()
            completer = QCompleter(list(people), self.owner)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            self.owner.setCompleter(completer)
            owner_row.addRow(_("Owner of the corrective actions"), self.owner)
            layout.addLayout(owner_row)
        else:
            self.table.hide()
            self.owner.hide()
            none = QLabel(_("No findings will be opened."))
            layout.addWidget(none)
            layout.addStretch(1)
        others = score.failed - len(plan.planned)
        if others > 0:
            note = QLabel(
                _("{n} other failed item(s) have no rule to open a finding; follow them up yourself.").format(
                    n=others
                )
            )
            note.setWordWrap(True)
            layout.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = QPushButton(_("Complete and lock"))
        self.ok.setObjectName("completeAndLock")
        buttons.addButton(self.ok, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def owner_name(self) -> str:
        return self.owner.text().strip()
