"""A structured editor for form templates: outline of sections and questions, a property pane, problems.

The editor works on the template's plain JSON data (the same dict ``validate_template`` reads) and
re-validates it after every edit, listing each problem with its JSON path; clicking a problem selects
the section or question it is about. Nobody has to write JSON by hand.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from safetydesk.core.forms.schema import (
    HAZARD_GROUPS,
    KINDS,
    QUESTION_TYPES,
    SCORED_TYPES,
    SEVERITIES,
    FormTemplate,
    TemplateError,
    default_required,
    validate_template,
)
from safetydesk.core.i18n import _, current_language
from safetydesk.ui.screens.inspections.texts import (
    FAIL_COLOR,
    HAZARD_LABELS,
    KIND_LABELS,
    PASS_COLOR,
    SEVERITY_LABELS,
    TYPE_LABELS,
    code_label,
    fmt_number,
)

PATH_ROLE = Qt.ItemDataRole.UserRole
GAS_KEYS = ("o2", "h2s", "co", "lel")  # the gas_readings table stores these four
_PATH_RE = re.compile(r"^sections\[(\d+)\](?:\.questions\[(\d+)\])?")

Path = tuple[int, ...]  # () template, (s,) section, (s, q) question


def problem_path(problem: str) -> Path:
    """The outline node a validator problem is about (``sections[1].questions[2].text.en: …``)."""
    match = _PATH_RE.match(problem)
    if match is None:
        return ()
    section, question = match.groups()
    return (int(section),) if question is None else (int(section), int(question))


def _number(text: str) -> float | str | None:
    """A limit as typed: a number, nothing, or the text itself (so the validator names the mistake)."""
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return text
    return int(value) if value.is_integer() else value


def _num_text(value: object) -> str:
    return fmt_number(float(value)) if isinstance(value, int | float) and not isinstance(value, bool) else ""


class BiText(QWidget):
    """Korean and English side by side: every text a person reads exists in both."""

    edited = Signal()

    def __init__(self, optional: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.optional = optional
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.ko = QLineEdit()
        self.ko.setPlaceholderText(_("Korean"))
        self.en = QLineEdit()
        self.en.setPlaceholderText(_("English"))
        for edit in (self.ko, self.en):
            edit.textEdited.connect(lambda _t: self.edited.emit())
            row.addWidget(edit, 1)

    def value(self) -> dict[str, str] | None:
        ko, en = self.ko.text().strip(), self.en.text().strip()
        if self.optional and not ko and not en:
            return None
        return {"ko": ko, "en": en}

    def set_value(self, value: object) -> None:
        data = value if isinstance(value, Mapping) else {}
        self.ko.setText(str(data.get("ko", "")))
        self.en.setText(str(data.get("en", "")))


class _Pane(QWidget):
    """A property form that writes one part of the template."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.loading = False

    def _emit(self) -> None:
        if not self.loading:
            self.edited.emit()

    def _watch(self, *widgets: QWidget) -> None:
        for widget in widgets:
            if isinstance(widget, BiText):
                widget.edited.connect(self._emit)
            elif isinstance(widget, QLineEdit):
                widget.textEdited.connect(lambda _t: self._emit())
            elif isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(lambda _i: self._emit())
            elif isinstance(widget, QCheckBox):
                widget.toggled.connect(lambda _c: self._emit())


def _combo(items: Mapping[str, str], codes: tuple[str, ...], none: str | None = None) -> QComboBox:
    box = QComboBox()
    if none is not None:
        box.addItem(none, None)
    for code in codes:
        box.addItem(code_label(code, items), code)
    return box


class TemplatePane(_Pane):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        self.code = QLineEdit()
        self.code.setObjectName("code")
        self.version = QLabel("")
        self.kind = _combo(KIND_LABELS, KINDS)
        self.title = BiText()
        self.title.setObjectName("title")
        self.description = BiText(optional=True)
        self.legal_basis = BiText(optional=True)
        self.retention = QLineEdit()
        self.retention.setPlaceholderText("safety_measure_record")
        self.equipment_kinds = QLineEdit()
        self.equipment_kinds.setPlaceholderText(_("e.g. press, shear (needed for a pre-work check)"))
        form.addRow(_("Code"), self.code)
        form.addRow(_("Version"), self.version)
        form.addRow(_("Kind"), self.kind)
        form.addRow(_("Title"), self.title)
        form.addRow(_("Description"), self.description)
        form.addRow(_("Legal basis"), self.legal_basis)
        form.addRow(_("Retention rule"), self.retention)
        form.addRow(_("Equipment kinds"), self.equipment_kinds)
        self._watch(
            self.code,
            self.kind,
            self.title,
            self.description,
            self.legal_basis,
            self.retention,
            self.equipment_kinds,
        )

    def load(self, data: Mapping[str, Any], version_text: str) -> None:
        self.loading = True
        self.code.setText(str(data.get("code", "")))
        self.version.setText(version_text)
        self.kind.setCurrentIndex(max(self.kind.findData(data.get("kind")), 0))
        self.title.set_value(data.get("title"))
        self.description.set_value(data.get("description"))
        self.legal_basis.set_value(data.get("legal_basis"))
        self.retention.setText(str(data.get("retention", "") or ""))
        self.equipment_kinds.setText(", ".join(str(k) for k in data.get("equipment_kinds", ()) or ()))
        self.loading = False

    def write(self, data: dict[str, Any]) -> None:
        data["code"] = self.code.text().strip()
        data["kind"] = self.kind.currentData()
        data["title"] = self.title.value()
        for key, widget in (("description", self.description), ("legal_basis", self.legal_basis)):
            value = widget.value()
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        retention = self.retention.text().strip()
        if retention:
            data["retention"] = retention
        else:
            data.pop("retention", None)
        kinds = [k.strip() for k in self.equipment_kinds.text().split(",") if k.strip()]
        if kinds:
            data["equipment_kinds"] = kinds
        else:
            data.pop("equipment_kinds", None)


class SectionPane(_Pane):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        self.key = QLineEdit()
        self.key.setObjectName("sectionKey")
        self.title = BiText()
        self.description = BiText(optional=True)
        form.addRow(_("Key"), self.key)
        form.addRow(_("Title"), self.title)
        form.addRow(_("Description"), self.description)
        self._watch(self.key, self.title, self.description)

    def load(self, section: Mapping[str, Any]) -> None:
        self.loading = True
        self.key.setText(str(section.get("key", "")))
        self.title.set_value(section.get("title"))
        self.description.set_value(section.get("description"))
        self.loading = False

    def write(self, section: dict[str, Any]) -> None:
        section["key"] = self.key.text().strip()
        section["title"] = self.title.value()
        description = self.description.value()
        if description is None:
            section.pop("description", None)
        else:
            section["description"] = description


class _RowsTable(QWidget):
    """A small editable table (choice options, gas columns) with add and remove buttons."""

    edited = Signal()

    def __init__(self, headers: list[str], add_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(110)
        self.table.itemChanged.connect(lambda _i: self.edited.emit())
        column.addWidget(self.table)
        bar = QHBoxLayout()
        self.add_button = QPushButton(add_text)
        self.add_button.clicked.connect(lambda: self.add_row([""] * self.table.columnCount()))
        self.remove_button = QPushButton(_("Remove row"))
        self.remove_button.clicked.connect(self._remove)
        bar.addWidget(self.add_button)
        bar.addWidget(self.remove_button)
        bar.addStretch(1)
        column.addLayout(bar)

    def add_row(self, cells: list[str], *, notify: bool = True) -> None:
        self.table.blockSignals(True)
        row = self.table.rowCount()
        self.table.insertRow(row)
        for i, text in enumerate(cells):
            self.table.setItem(row, i, QTableWidgetItem(text))
        self.table.blockSignals(False)
        if notify:
            self.edited.emit()

    def set_rows(self, rows: list[list[str]]) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        self.table.blockSignals(False)
        for cells in rows:
            self.add_row(cells, notify=False)

    def rows(self) -> list[list[str]]:
        out = []
        for r in range(self.table.rowCount()):
            cells = []
            for c in range(self.table.columnCount()):
                item = self.table.item(r, c)
                cells.append(item.text().strip() if item is not None else "")
            out.append(cells)
        return out

    def _remove(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self.edited.emit()


class QuestionPane(_Pane):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        self.key = QLineEdit()
        self.key.setObjectName("questionKey")
        self.type = _combo(TYPE_LABELS, QUESTION_TYPES)
        self.type.setObjectName("questionType")
        self.text = BiText()
        self.text.setObjectName("questionText")
        self.required = QCheckBox(_("An answer is required"))
        self.help = BiText(optional=True)
        self.legal_ref = QLineEdit()
        self.legal_ref.setPlaceholderText(_("e.g. 안전보건규칙 제35조 별표3"))
        self.hazard = _combo(HAZARD_LABELS, HAZARD_GROUPS, none=_("— none —"))
        form.addRow(_("Key"), self.key)
        form.addRow(_("Type"), self.type)
        form.addRow(_("Question"), self.text)
        form.addRow("", self.required)
        form.addRow(_("Help"), self.help)
        form.addRow(_("Legal reference"), self.legal_ref)
        form.addRow(_("Hazard group"), self.hazard)
        column.addLayout(form)

        self.yes_no = QGroupBox(_("Pass / fail"))
        yes_no_form = QFormLayout(self.yes_no)
        self.pass_value = QComboBox()
        self.pass_value.addItem(_("'Yes' is a pass"), "yes")
        self.pass_value.addItem(_("'No' is a pass"), "no")
        yes_no_form.addRow(_("Good answer"), self.pass_value)
        column.addWidget(self.yes_no)

        self.number = QGroupBox(_("Number"))
        number_form = QFormLayout(self.number)
        self.unit = QLineEdit()
        self.minimum = QLineEdit()
        self.minimum.setObjectName("minimum")
        self.maximum = QLineEdit()
        self.maximum.setObjectName("maximum")
        self.max_exclusive = QCheckBox(_("The value must stay below the maximum (미만)"))
        number_form.addRow(_("Unit"), self.unit)
        number_form.addRow(_("Minimum"), self.minimum)
        number_form.addRow(_("Maximum"), self.maximum)
        number_form.addRow("", self.max_exclusive)
        column.addWidget(self.number)

        self.choice = QGroupBox(_("Options"))
        choice_column = QVBoxLayout(self.choice)
        self.options = _RowsTable([_("Value (key)"), _("Korean"), _("English")], _("Add option"))
        self.multiple = QCheckBox(_("Several options may be chosen"))
        choice_column.addWidget(self.options)
        choice_column.addWidget(self.multiple)
        column.addWidget(self.choice)

        self.gas = QGroupBox(_("Gas columns"))
        gas_column = QVBoxLayout(self.gas)
        gas_note = QLabel(
            _("Column keys: o2, h2s, co, lel. Exclusive max: 1 = the value must stay below the maximum.")
        )
        gas_note.setWordWrap(True)
        gas_note.setObjectName("help")
        self.columns = _RowsTable(
            [_("Key"), _("Korean"), _("English"), _("Unit"), _("Minimum"), _("Maximum"), _("Exclusive max")],
            _("Add column"),
        )
        gas_column.addWidget(gas_note)
        gas_column.addWidget(self.columns)
        column.addWidget(self.gas)

        self.rules = QGroupBox(_("When the answer fails"))
        rules_form = QFormLayout(self.rules)
        self.require_photo = QCheckBox(_("A photo is required"))
        self.create_finding = QCheckBox(_("Open a finding and a corrective action"))
        self.severity = _combo(SEVERITY_LABELS, SEVERITIES)
        rules_form.addRow("", self.require_photo)
        rules_form.addRow("", self.create_finding)
        rules_form.addRow(_("Severity"), self.severity)
        column.addWidget(self.rules)
        column.addStretch(1)

        self._watch(
            self.key,
            self.text,
            self.required,
            self.help,
            self.legal_ref,
            self.hazard,
            self.pass_value,
            self.unit,
            self.minimum,
            self.maximum,
            self.max_exclusive,
            self.multiple,
            self.require_photo,
            self.create_finding,
            self.severity,
        )
        self.options.edited.connect(self._emit)
        self.columns.edited.connect(self._emit)
        self.type.currentIndexChanged.connect(lambda _i: self._type_changed())
        self.create_finding.toggled.connect(lambda on: self.severity.setEnabled(on))

    def _type_changed(self) -> None:
        if not self.loading:
            self.required.setChecked(default_required(str(self.type.currentData())))
        self._show_groups()
        self._emit()

    def _show_groups(self) -> None:
        kind = self.type.currentData()
        self.yes_no.setVisible(kind == "yes_no_na")
        self.number.setVisible(kind == "number")
        self.choice.setVisible(kind == "choice")
        self.gas.setVisible(kind == "gas_readings")
        self.rules.setVisible(kind in SCORED_TYPES)

    def load(self, question: Mapping[str, Any]) -> None:
        self.loading = True
        self.key.setText(str(question.get("key", "")))
        self.type.setCurrentIndex(max(self.type.findData(question.get("type")), 0))
        kind = str(self.type.currentData())
        self.text.set_value(question.get("text"))
        self.required.setChecked(bool(question.get("required", default_required(kind))))
        self.help.set_value(question.get("help"))
        self.legal_ref.setText(str(question.get("legal_ref", "") or ""))
        self.hazard.setCurrentIndex(max(self.hazard.findData(question.get("hazard_group")), 0))
        self.pass_value.setCurrentIndex(1 if question.get("pass_value") == "no" else 0)
        self.unit.setText(str(question.get("unit", "") or ""))
        self.minimum.setText(_num_text(question.get("min")))
        self.maximum.setText(_num_text(question.get("max")))
        self.max_exclusive.setChecked(bool(question.get("max_exclusive", False)))
        self.options.set_rows(
            [
                [
                    str(o.get("value", "")),
                    str(o.get("label", {}).get("ko", "")),
                    str(o.get("label", {}).get("en", "")),
                ]
                for o in question.get("options", ()) or ()
                if isinstance(o, Mapping)
            ]
        )
        self.multiple.setChecked(bool(question.get("multiple", False)))
        self.columns.set_rows(
            [
                [
                    str(c.get("key", "")),
                    str(c.get("label", {}).get("ko", "")),
                    str(c.get("label", {}).get("en", "")),
                    str(c.get("unit", "")),
                    _num_text(c.get("min")),
                    _num_text(c.get("max")),
                    "1" if c.get("max_exclusive") else "",
                ]
                for c in question.get("columns", ()) or ()
                if isinstance(c, Mapping)
            ]
        )
        rules = question.get("rules") or [{}]
        rule = rules[0] if isinstance(rules[0], Mapping) else {}
        self.require_photo.setChecked(bool(rule.get("require_photo", False)))
        self.create_finding.setChecked(bool(rule.get("create_finding", False)))
        self.severity.setCurrentIndex(max(self.severity.findData(rule.get("severity", "medium")), 0))
        self.severity.setEnabled(self.create_finding.isChecked())
        self._show_groups()
        self.loading = False

    def to_dict(self) -> dict[str, Any]:
        """The question as the format wants it: only the fields its type uses, defaults left out."""
        kind = str(self.type.currentData())
        out: dict[str, Any] = {"key": self.key.text().strip(), "type": kind, "text": self.text.value()}
        if self.required.isChecked() != default_required(kind):
            out["required"] = self.required.isChecked()
        help_text = self.help.value()
        if help_text is not None:
            out["help"] = help_text
        if self.legal_ref.text().strip():
            out["legal_ref"] = self.legal_ref.text().strip()
        if self.hazard.currentData():
            out["hazard_group"] = self.hazard.currentData()
        if kind == "yes_no_na" and self.pass_value.currentData() == "no":
            out["pass_value"] = "no"
        if kind == "number":
            if self.unit.text().strip():
                out["unit"] = self.unit.text().strip()
            for key, edit in (("min", self.minimum), ("max", self.maximum)):
                value = _number(edit.text())
                if value is not None:
                    out[key] = value
            if self.max_exclusive.isChecked():
                out["max_exclusive"] = True
        if kind == "choice":
            out["options"] = [
                {"value": value, "label": {"ko": ko, "en": en}} for value, ko, en in self.options.rows()
            ]
            if self.multiple.isChecked():
                out["multiple"] = True
        if kind == "gas_readings":
            columns = []
            for key, ko, en, unit, low, high, exclusive in self.columns.rows():
                col: dict[str, Any] = {"key": key, "label": {"ko": ko, "en": en}, "unit": unit}
                for name, text in (("min", low), ("max", high)):
                    value = _number(text)
                    if value is not None:
                        col[name] = value
                if exclusive in ("1", "y", "yes", "true", "✔"):
                    col["max_exclusive"] = True
                columns.append(col)
            out["columns"] = columns
        if kind in SCORED_TYPES and (self.require_photo.isChecked() or self.create_finding.isChecked()):
            rule: dict[str, Any] = {"when": "fail"}
            if self.require_photo.isChecked():
                rule["require_photo"] = True
            if self.create_finding.isChecked():
                rule["create_finding"] = True
                rule["severity"] = self.severity.currentData()
            out["rules"] = [rule]
        return out


def _unique_key(prefix: str, taken: set[str]) -> str:
    n = 1
    while f"{prefix}_{n}" in taken:
        n += 1
    return f"{prefix}_{n}"


class TemplateEditor(QWidget):
    """Outline + property pane + problems for one template's data."""

    changed = Signal()
    validated = Signal(list)  # the current problems

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data: dict[str, Any] = {}
        self.current: Path = ()
        self.dirty = False
        self.problems: list[str] = []
        self._rebuilding = False
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_column = QVBoxLayout(left)
        left_column.setContentsMargins(0, 0, 0, 0)
        self.tree = QTreeWidget()
        self.tree.setObjectName("outline")
        self.tree.setHeaderLabels([_("Outline")])
        self.tree.currentItemChanged.connect(lambda item, _prev: self._select_item(item))
        left_column.addWidget(self.tree, 1)
        buttons = QHBoxLayout()
        self.add_section_button = QPushButton(_("+ Section"))
        self.add_section_button.clicked.connect(self.add_section)
        self.add_question_button = QPushButton(_("+ Question"))
        self.add_question_button.clicked.connect(self.add_question)
        self.remove_button = QPushButton(_("Remove"))
        self.remove_button.clicked.connect(self.remove_current)
        self.up_button = QPushButton("▲")
        self.up_button.setToolTip(_("Move up"))
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button = QPushButton("▼")
        self.down_button.setToolTip(_("Move down"))
        self.down_button.clicked.connect(lambda: self.move_current(1))
        for button in (
            self.add_section_button,
            self.add_question_button,
            self.remove_button,
            self.up_button,
            self.down_button,
        ):
            buttons.addWidget(button)
        for button in (self.up_button, self.down_button):
            button.setFixedWidth(34)
        left_column.addLayout(buttons)
        split.addWidget(left)

        self.panes = QStackedWidget()
        self.template_pane = TemplatePane()
        self.section_pane = SectionPane()
        self.question_pane = QuestionPane()
        for pane in (self.template_pane, self.section_pane, self.question_pane):
            self.panes.addWidget(pane)
            pane.edited.connect(self._pane_edited)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.panes)
        split.addWidget(scroll)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([380, 640])
        column.addWidget(split, 1)

        self.problem_title = QLabel("")
        self.problem_title.setObjectName("problemTitle")
        column.addWidget(self.problem_title)
        self.problem_list = QListWidget()
        self.problem_list.setObjectName("problems")
        self.problem_list.setMaximumHeight(110)
        self.problem_list.itemActivated.connect(self._problem_clicked)
        self.problem_list.itemClicked.connect(self._problem_clicked)
        column.addWidget(self.problem_list)
        self._validate_timer = QTimer(self)
        self._validate_timer.setSingleShot(True)
        self._validate_timer.setInterval(300)
        self._validate_timer.timeout.connect(self.validate)
        self.version_text = ""

    # -- loading and reading -------------------------------------------------------------------

    def load(self, data: Mapping[str, Any], *, code_editable: bool, version_text: str) -> None:
        self.data = copy.deepcopy(dict(data))
        self.data.setdefault("format", 1)
        self.data.setdefault("sections", [])
        self.version_text = version_text
        self.template_pane.code.setReadOnly(not code_editable)
        self.dirty = False
        self._rebuild(())
        self.validate()

    def template_data(self) -> dict[str, Any]:
        return copy.deepcopy(self.data)

    def validate(self) -> FormTemplate | None:
        self._validate_timer.stop()
        try:
            template = validate_template(copy.deepcopy(self.data))
        except TemplateError as exc:
            self.problems = list(exc.problems)
            template = None
        else:
            self.problems = []
        self.problem_list.clear()
        for problem in self.problems:
            item = QListWidgetItem(problem)
            item.setData(PATH_ROLE, problem_path(problem))
            self.problem_list.addItem(item)
        if self.problems:
            self.problem_title.setText(
                _("{n} problem(s) — click one to go to it:").format(n=len(self.problems))
            )
            self.problem_title.setStyleSheet(f"color: {FAIL_COLOR}; font-weight: bold;")
        else:
            self.problem_title.setText(_("The template is valid."))
            self.problem_title.setStyleSheet(f"color: {PASS_COLOR}; font-weight: bold;")
        self.problem_list.setVisible(bool(self.problems))
        self.validated.emit(self.problems)
        return template

    # -- outline -------------------------------------------------------------------------------

    def _sections(self) -> list[dict[str, Any]]:
        sections = self.data.setdefault("sections", [])
        assert isinstance(sections, list)
        return sections

    def _rebuild(self, select: Path) -> None:
        self._rebuilding = True
        self.tree.clear()
        title = self.data.get("title") or {}
        root = QTreeWidgetItem([_title_of(title) or _("(untitled form)")])
        root.setData(0, PATH_ROLE, ())
        self.tree.addTopLevelItem(root)
        target = root
        number = 0
        for s, section in enumerate(self._sections()):
            section_item = QTreeWidgetItem([_title_of(section.get("title")) or section.get("key", "") or "?"])
            section_item.setData(0, PATH_ROLE, (s,))
            root.addChild(section_item)
            if select == (s,):
                target = section_item
            for q, question in enumerate(section.get("questions", []) or []):
                number += 1
                item = QTreeWidgetItem([_question_label(number, question)])
                item.setData(0, PATH_ROLE, (s, q))
                section_item.addChild(item)
                if select == (s, q):
                    target = item
        self.tree.expandAll()
        self._rebuilding = False
        self.tree.setCurrentItem(target)
        self._select_item(target)

    def _select_item(self, item: QTreeWidgetItem | None) -> None:
        if item is None or self._rebuilding:
            return
        path: Path = tuple(item.data(0, PATH_ROLE) or ())
        self.current = path
        if not path:
            self.template_pane.load(self.data, self.version_text)
            self.panes.setCurrentWidget(self.template_pane)
        elif len(path) == 1:
            self.section_pane.load(self._sections()[path[0]])
            self.panes.setCurrentWidget(self.section_pane)
        else:
            self.question_pane.load(self._sections()[path[0]]["questions"][path[1]])
            self.panes.setCurrentWidget(self.question_pane)
        self.add_question_button.setEnabled(bool(path))
        self.remove_button.setEnabled(bool(path))
        self.up_button.setEnabled(bool(path))
        self.down_button.setEnabled(bool(path))

    def select(self, path: Path) -> None:
        self._rebuild(path)

    def _problem_clicked(self, item: QListWidgetItem) -> None:
        path: Path = tuple(item.data(PATH_ROLE) or ())
        sections = self._sections()
        if path and path[0] >= len(sections):
            path = ()
        if len(path) == 2 and path[1] >= len(sections[path[0]].get("questions", []) or []):
            path = path[:1]
        self.select(path)

    # -- editing -------------------------------------------------------------------------------

    def _pane_edited(self) -> None:
        path = self.current
        if not path:
            self.template_pane.write(self.data)
            text = _title_of(self.data.get("title")) or _("(untitled form)")
        elif len(path) == 1:
            section = self._sections()[path[0]]
            self.section_pane.write(section)
            text = _title_of(section.get("title")) or section.get("key", "")
        else:
            questions = self._sections()[path[0]]["questions"]
            questions[path[1]] = self.question_pane.to_dict()
            text = _question_label(self._number_of(path), questions[path[1]])
        item = self.tree.currentItem()
        if item is not None:
            item.setText(0, text)
        self._mark_dirty()

    def _number_of(self, path: Path) -> int:
        before = sum(len(s.get("questions", []) or []) for s in self._sections()[: path[0]])
        return before + path[1] + 1

    def _mark_dirty(self) -> None:
        self.dirty = True
        self._validate_timer.start()
        self.changed.emit()

    def _keys(self) -> set[str]:
        keys = {str(s.get("key", "")) for s in self._sections()}
        for section in self._sections():
            keys |= {str(q.get("key", "")) for q in section.get("questions", []) or []}
        return keys

    def add_section(self) -> None:
        sections = self._sections()
        index = self.current[0] + 1 if self.current else len(sections)
        sections.insert(
            index,
            {
                "key": _unique_key("section", self._keys()),
                "title": {"ko": "새 섹션", "en": "New section"},
                "questions": [],
            },
        )
        self._rebuild((index,))
        self._mark_dirty()

    def add_question(self) -> None:
        if not self.current:
            return
        section_index = self.current[0]
        questions = self._sections()[section_index].setdefault("questions", [])
        index = self.current[1] + 1 if len(self.current) == 2 else len(questions)
        questions.insert(
            index,
            {
                "key": _unique_key("q", self._keys()),
                "type": "yes_no_na",
                "text": {"ko": "새 점검 항목", "en": "New check item"},
            },
        )
        self._rebuild((section_index, index))
        self._mark_dirty()

    def remove_current(self) -> None:
        path = self.current
        if not path:
            return
        if len(path) == 1:
            del self._sections()[path[0]]
            select: Path = (path[0] - 1,) if path[0] > 0 else ()
        else:
            del self._sections()[path[0]]["questions"][path[1]]
            select = (path[0], path[1] - 1) if path[1] > 0 else (path[0],)
        self._rebuild(select)
        self._mark_dirty()

    def move_current(self, step: int) -> None:
        path = self.current
        if not path:
            return
        items: list[Any] = self._sections() if len(path) == 1 else self._sections()[path[0]]["questions"]
        index = path[-1]
        target = index + step
        if not 0 <= target < len(items):
            return
        items[index], items[target] = items[target], items[index]
        self._rebuild((*path[:-1], target))
        self._mark_dirty()


def _title_of(text: object) -> str:
    if not isinstance(text, Mapping):
        return ""
    first, second = ("ko", "en") if current_language() == "ko" else ("en", "ko")
    return str(text.get(first) or text.get(second) or "")


def _question_label(number: int, question: Mapping[str, Any]) -> str:
    kind = code_label(question.get("type"), TYPE_LABELS)
    return f"{number}. {_title_of(question.get('text')) or question.get('key', '')}  [{kind}]"
