"""협력업체: contractors, their safety standards and evaluations (SAPA Decree Art. 4-9).

The list shows each contractor's contract period, its latest evaluation and whether a completed
evaluation is still valid (``due`` otherwise), and whether the safety-and-health cost standard and the
building-period standard are set. The detail edits the contractor and its standards; the evaluations of
the selected contractor open in a dialog of criteria rows (score out of max). A completed evaluation is
locked and kept for its legal retention; the dialog then only shows it.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from safetydesk.core.errors import UserError
from safetydesk.core.i18n import N_, _
from safetydesk.core.queries.contractors import (
    PURPOSES,
    RESULTS,
    ContractorEvaluationInput,
    ContractorInput,
    ContractorRow,
    Criterion,
    EvaluationRow,
    default_criteria,
    suggested_result,
    total_score,
)
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations import contractors as ops
from safetydesk.ui.operations.contractors import ContractorsView
from safetydesk.ui.screens.base import Screen

PURPOSE_TEXT = {"prequalification": N_("Prequalification"), "periodic": N_("Periodic")}
RESULT_TEXT = {"pass": N_("Pass"), "conditional": N_("Conditional"), "fail": N_("Fail")}
RESULT_COLOUR = {"pass": "#1d5a1d", "conditional": "#8a5a00", "fail": "#a00018"}
DUE_COLOUR = "#a00018"
YES, NO = "✓", "✗"

# List columns.
COL_NAME, COL_SCOPE, COL_CONTRACT, COL_LATEST, COL_DUE, COL_COST, COL_PERIOD, COL_WORKERS = range(8)
LIST_HEADERS = (
    N_("Contractor"),
    N_("Work scope"),
    N_("Contract"),
    N_("Latest evaluation"),
    N_("Evaluation status"),
    N_("Cost std."),
    N_("Building-period std."),
    N_("Workers"),
)
EVAL_HEADERS = (N_("Date"), N_("Purpose"), N_("Score"), N_("Result"), N_("Evaluator"), N_("Status"))
ERROR_STYLE = "color: #a00018;"
BANNER_LOCKED = "background: #e3f4e3; color: #1d5a1d; padding: 4px 8px;"
BANNER_DRAFT = "background: #fff4d6; color: #6b4a00; padding: 4px 8px;"


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _iso(box: QDateEdit) -> date:
    return date.fromisoformat(box.date().toString("yyyy-MM-dd"))


def _date_box(day: date) -> QDateEdit:
    box = QDateEdit(_qdate(day))
    box.setCalendarPopup(True)
    box.setDisplayFormat("yyyy-MM-dd")
    return box


def result_text(result: str | None) -> str:
    return _(RESULT_TEXT[result]) if result in RESULT_TEXT else "-"


def purpose_text(purpose: str) -> str:
    return _(PURPOSE_TEXT[purpose]) if purpose in PURPOSE_TEXT else purpose


def contract_text(row: ContractorRow) -> str:
    if row.contract_from is None and row.contract_to is None:
        return "-"
    start = row.contract_from.isoformat() if row.contract_from else ""
    end = row.contract_to.isoformat() if row.contract_to else ""
    return f"{start} ~ {end}"


def due_text(row: ContractorRow) -> str:
    """ "Valid until …" or "Due" (missing or expired completed evaluation)."""
    if row.valid_evaluation is not None:
        return _("Valid until {date}").format(date=row.valid_evaluation.valid_until.isoformat())
    if row.last_completed is None:
        return _("Due: no completed evaluation")
    return _("Due: evaluation expired")


def _score_text(e: EvaluationRow) -> str:
    if e.total_score is None:
        return "-"
    return f"{e.total_score:g} / {e.max_score:g}"


class EvaluationDialog(QDialog):
    """One evaluation: criteria rows (label, score, max), result, evaluator and notes.

    Save draft / Complete and lock call back into the screen; a locked evaluation opens read-only.
    """

    def __init__(
        self,
        screen: ContractorsScreen,
        contractor: ContractorRow,
        existing: EvaluationRow | None,
        today: date,
    ) -> None:
        super().__init__(screen)
        self.owner_screen = screen
        self.contractor = contractor
        self.existing = existing
        self.locked = existing is not None and existing.locked
        self._result_touched = existing is not None and existing.result is not None
        self.setWindowTitle(_("Contractor evaluation — {name}").format(name=contractor.name))
        self.setObjectName("evaluationDialog")
        self.resize(680, 620)
        box = QVBoxLayout(self)
        self.banner = QLabel("")
        self.banner.setObjectName("evaluationBanner")
        self.banner.setWordWrap(True)
        box.addWidget(self.banner)
        form = QFormLayout()
        self.evaluated_on = _date_box(existing.evaluated_on if existing else today)
        self.evaluated_on.setMaximumDate(_qdate(today))
        self.purpose = QComboBox()
        for code in PURPOSES:
            self.purpose.addItem(purpose_text(code), code)
        default_purpose = (
            existing.purpose if existing else ("periodic" if contractor.latest else "prequalification")
        )
        self.purpose.setCurrentIndex(max(0, self.purpose.findData(default_purpose)))
        form.addRow(_("Evaluated on"), self.evaluated_on)
        form.addRow(_("Purpose"), self.purpose)
        box.addLayout(form)
        caption = QLabel(_("Criteria (score out of the maximum points; edit, add or remove rows)"))
        caption.setWordWrap(True)
        box.addWidget(caption)
        self.criteria = QTableWidget(0, 3)
        self.criteria.setObjectName("criteriaTable")
        self.criteria.setHorizontalHeaderLabels([_("Criterion"), _("Score"), _("Max")])
        header = self.criteria.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.criteria.verticalHeader().setVisible(False)
        box.addWidget(self.criteria, 1)
        rows_bar = QHBoxLayout()
        self.add_row_button = QPushButton(_("Add criterion"))
        self.remove_row_button = QPushButton(_("Remove criterion"))
        self.total = QLabel("")
        self.total.setObjectName("evaluationTotal")
        self.total.setStyleSheet("font-weight: bold;")
        rows_bar.addWidget(self.add_row_button)
        rows_bar.addWidget(self.remove_row_button)
        rows_bar.addStretch(1)
        rows_bar.addWidget(self.total)
        box.addLayout(rows_bar)
        lower = QFormLayout()
        self.result_box = QComboBox()
        self.result_box.setObjectName("evaluationResult")
        self.result_box.addItem(_("(not decided)"), None)
        for code in RESULTS:
            self.result_box.addItem(result_text(code), code)
        self.evaluator = QLineEdit(existing.evaluator or "" if existing else "")
        self.evaluator.setObjectName("evaluator")
        self.notes = QPlainTextEdit(existing.notes or "" if existing else "")
        self.notes.setFixedHeight(64)
        lower.addRow(_("Result"), self.result_box)
        lower.addRow(_("Evaluator"), self.evaluator)
        lower.addRow(_("Notes"), self.notes)
        box.addLayout(lower)
        self.error = QLabel("")
        self.error.setObjectName("evaluationError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setVisible(False)
        box.addWidget(self.error)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(_("Save draft"))
        self.save_button.setObjectName("saveEvaluation")
        self.complete_button = QPushButton(_("Complete and lock"))
        self.complete_button.setObjectName("completeEvaluation")
        self.close_button = QPushButton(_("Close") if self.locked else _("Cancel"))
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.complete_button)
        buttons.addWidget(self.close_button)
        box.addLayout(buttons)

        criteria = (
            tuple(
                Criterion(
                    str(c.get("key") or ""),
                    str(c.get("label") or ""),
                    float(c.get("score") or 0),
                    float(c.get("max") or 0),
                )
                for c in existing.criteria
            )
            if existing
            else default_criteria()
        )
        for c in criteria:
            self.add_criterion(c)
        if existing is not None:
            self.result_box.setCurrentIndex(max(0, self.result_box.findData(existing.result)))
        self._update_total()

        self.add_row_button.clicked.connect(lambda: self.add_criterion(Criterion("", "", 0.0, 10.0)))
        self.remove_row_button.clicked.connect(self._remove_row)
        self.result_box.activated.connect(self._result_chosen)
        self.save_button.clicked.connect(lambda: self.submit(complete=False))
        self.complete_button.clicked.connect(lambda: self.submit(complete=True))
        self.close_button.clicked.connect(self.reject)
        self._show_state()

    # -- criteria rows --------------------------------------------------------------------------------

    def add_criterion(self, c: Criterion) -> None:
        row = self.criteria.rowCount()
        self.criteria.insertRow(row)
        item = QTableWidgetItem(c.label)
        item.setData(Qt.ItemDataRole.UserRole, c.key)
        self.criteria.setItem(row, 0, item)
        score = QDoubleSpinBox()
        score.setDecimals(1)
        score.setRange(0, 1000)
        score.setValue(c.score)
        maximum = QDoubleSpinBox()
        maximum.setDecimals(1)
        maximum.setRange(0, 1000)
        maximum.setValue(c.max)
        score.valueChanged.connect(self._update_total)
        maximum.valueChanged.connect(self._update_total)
        self.criteria.setCellWidget(row, 1, score)
        self.criteria.setCellWidget(row, 2, maximum)
        self._update_total()

    def _remove_row(self) -> None:
        row = self.criteria.currentRow()
        if row >= 0:
            self.criteria.removeRow(row)
            self._update_total()

    def _spin(self, row: int, column: int) -> QDoubleSpinBox:
        widget = self.criteria.cellWidget(row, column)
        assert isinstance(widget, QDoubleSpinBox)
        return widget

    def set_score(self, row: int, score: float) -> None:
        self._spin(row, 1).setValue(score)

    def values_criteria(self) -> tuple[Criterion, ...]:
        out: list[Criterion] = []
        for row in range(self.criteria.rowCount()):
            item = self.criteria.item(row, 0)
            label_text = item.text() if item else ""
            key = str(item.data(Qt.ItemDataRole.UserRole) or "") if item else ""
            out.append(Criterion(key, label_text, self._spin(row, 1).value(), self._spin(row, 2).value()))
        return tuple(out)

    def _update_total(self) -> None:
        criteria = self.values_criteria() if self.criteria.rowCount() else ()
        most = sum(c.max for c in criteria)
        self.total.setText(
            _("Total {score} / {max}").format(score=f"{total_score(criteria):g}", max=f"{most:g}")
        )
        if not self._result_touched and not self.locked:
            # Suggest from the scores once scoring has started; an unscored form stays undecided.
            suggested = suggested_result(criteria) if total_score(criteria) > 0 else None
            self.result_box.setCurrentIndex(max(0, self.result_box.findData(suggested)))

    def _result_chosen(self, _index: int) -> None:
        self._result_touched = True

    # -- state ------------------------------------------------------------------------------------------

    def _show_state(self) -> None:
        existing = self.existing
        if existing is not None and existing.locked:
            self.banner.setText(
                _("Completed and locked; kept until {until}. A locked evaluation is not edited.").format(
                    until=existing.retention_until or "-"
                )
            )
            self.banner.setStyleSheet(BANNER_LOCKED)
        else:
            self.banner.setText(
                _("Draft: not yet evidence. Complete it to lock it as the record of the evaluation.")
            )
            self.banner.setStyleSheet(BANNER_DRAFT)
        editable = not self.locked
        for widget in (self.evaluated_on, self.purpose, self.result_box):
            widget.setEnabled(editable)
        self.evaluator.setReadOnly(not editable)
        self.notes.setReadOnly(not editable)
        self.add_row_button.setVisible(editable)
        self.remove_row_button.setVisible(editable)
        self.save_button.setVisible(editable)
        self.complete_button.setVisible(editable)
        self.criteria.setEditTriggers(
            QAbstractItemView.EditTrigger.AllEditTriggers
            if editable
            else QAbstractItemView.EditTrigger.NoEditTriggers
        )
        for row in range(self.criteria.rowCount()):
            for column in (1, 2):
                self._spin(row, column).setReadOnly(not editable)

    def values(self) -> ContractorEvaluationInput:
        return ContractorEvaluationInput(
            contractor_id=self.contractor.id,
            evaluated_on=_iso(self.evaluated_on),
            purpose=str(self.purpose.currentData()),
            criteria=self.values_criteria(),
            result=self.result_box.currentData(),
            evaluator=self.evaluator.text(),
            notes=self.notes.toPlainText(),
        )

    def submit(self, *, complete: bool) -> None:
        if self.locked:
            return
        self.error.setVisible(False)
        self.save_button.setEnabled(False)
        self.complete_button.setEnabled(False)
        self.owner_screen.save_evaluation(self, complete=complete)

    def failed(self, exc: Exception) -> None:
        self.save_button.setEnabled(True)
        self.complete_button.setEnabled(True)
        self.error.setText(exc.text() if isinstance(exc, UserError) else f"{type(exc).__name__}: {exc}")
        self.error.setVisible(True)


class ContractorsScreen(Screen):
    key = "contractors"
    title_msgid = N_("Contractors")

    #: The day validity is judged on (None: today). Tests fix it.
    today: date | None = None

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.view: ContractorsView | None = None
        self.loading = False
        self.busy = False
        self.dirty = False
        self.selected: str | None = None
        self.dialog: EvaluationDialog | None = None
        self._filling = False
        intro = QLabel(
            _(
                "Decree Art. 4-9: evaluate a contractor's safety and health capability before giving it work "
                "and periodically, set the safety and health cost standard (and for shipbuilding the "
                "building-period standard), and check them every half-year."
            )
        )
        intro.setWordWrap(True)
        intro.setStyleSheet("color: #555;")
        self.layout_.addWidget(intro)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self._list_panel())
        splitter.addWidget(self._detail_panel())
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        self.layout_.addWidget(splitter, 1)
        self._show_detail(None)

    # -- building ------------------------------------------------------------------------------------

    def _list_panel(self) -> QWidget:
        panel = QWidget()
        box = QVBoxLayout(panel)
        box.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.summary = QLabel("")
        self.summary.setObjectName("contractorsSummary")
        self.new_button = QPushButton(_("New contractor"))
        self.new_button.setObjectName("newContractor")
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.new_button)
        box.addLayout(bar)
        self.table = QTableWidget(0, len(LIST_HEADERS))
        self.table.setObjectName("contractorsTable")
        self.table.setHorizontalHeaderLabels([_(h) for h in LIST_HEADERS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_SCOPE, QHeaderView.ResizeMode.Stretch)
        box.addWidget(self.table, 1)
        self.table.itemSelectionChanged.connect(self._row_selected)
        self.new_button.clicked.connect(self.new_record)
        return panel

    def _detail_panel(self) -> QWidget:
        panel = QWidget()
        outer = QHBoxLayout(panel)
        outer.setContentsMargins(0, 0, 0, 0)
        group = QGroupBox(_("Contractor"))
        group_box = QVBoxLayout(group)
        form = QFormLayout()
        group_box.addLayout(form)
        self.name = QLineEdit()
        self.name.setObjectName("contractorName")
        self.reg_no = QLineEdit()
        self.scope = QLineEdit()
        self.contact_name = QLineEdit()
        self.contact_phone = QLineEdit()
        period = QHBoxLayout()
        self.has_contract = QCheckBox(_("Contract period"))
        self.contract_from = _date_box(date.today())
        self.contract_to = _date_box(date.today())
        period.addWidget(self.has_contract)
        period.addWidget(self.contract_from)
        period.addWidget(QLabel("~"))
        period.addWidget(self.contract_to)
        period.addStretch(1)
        self.cost_standard = QPlainTextEdit()
        self.cost_standard.setObjectName("costStandard")
        self.cost_standard.setFixedHeight(48)
        self.cost_standard.setPlaceholderText(
            _("e.g. safety and health cost of at least 1.5 of every 100 won of the contract amount")
        )
        self.period_standard = QPlainTextEdit()
        self.period_standard.setObjectName("periodStandard")
        self.period_standard.setFixedHeight(48)
        self.period_note = QLabel("")
        self.period_note.setObjectName("periodNote")
        self.period_note.setWordWrap(True)
        self.period_note.setStyleSheet("color: #555;")
        form.addRow(_("Name"), self.name)
        form.addRow(_("Business registration no."), self.reg_no)
        form.addRow(_("Work scope"), self.scope)
        form.addRow(_("Contact"), self.contact_name)
        form.addRow(_("Phone"), self.contact_phone)
        form.addRow(period)
        form.addRow(_("Safety and health cost standard"), self.cost_standard)
        form.addRow(_("Building-period standard"), self.period_standard)
        form.addRow(self.period_note)
        self.error = QLabel("")
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setVisible(False)
        form.addRow(self.error)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(_("Save"))
        self.save_button.setObjectName("saveContractor")
        self.delete_button = QPushButton(_("Delete"))
        self.delete_button.setObjectName("deleteContractor")
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        group_box.addStretch(1)
        group_box.addLayout(buttons)
        outer.addWidget(group, 3)

        right = QGroupBox(_("Evaluations"))
        rbox = QVBoxLayout(right)
        self.evaluations = QTableWidget(0, len(EVAL_HEADERS))
        self.evaluations.setObjectName("evaluationsTable")
        self.evaluations.setHorizontalHeaderLabels([_(h) for h in EVAL_HEADERS])
        self.evaluations.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.evaluations.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.evaluations.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.evaluations.verticalHeader().setVisible(False)
        self.evaluations.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.evaluations.horizontalHeader().setStretchLastSection(True)
        rbox.addWidget(self.evaluations, 1)
        ebar = QHBoxLayout()
        self.new_evaluation_button = QPushButton(_("New evaluation…"))
        self.new_evaluation_button.setObjectName("newEvaluation")
        self.open_evaluation_button = QPushButton(_("Open…"))
        self.delete_evaluation_button = QPushButton(_("Delete draft"))
        ebar.addWidget(self.new_evaluation_button)
        ebar.addWidget(self.open_evaluation_button)
        ebar.addStretch(1)
        ebar.addWidget(self.delete_evaluation_button)
        rbox.addLayout(ebar)
        self.workers_label = QLabel("")
        self.workers_label.setObjectName("contractorWorkers")
        self.workers_label.setWordWrap(True)
        rbox.addWidget(self.workers_label)
        self.evaluation_error = QLabel("")
        self.evaluation_error.setWordWrap(True)
        self.evaluation_error.setStyleSheet(ERROR_STYLE)
        self.evaluation_error.setVisible(False)
        rbox.addWidget(self.evaluation_error)
        outer.addWidget(right, 4)

        for edit in (self.name, self.reg_no, self.scope, self.contact_name, self.contact_phone):
            edit.textEdited.connect(self._edited)
        for text in (self.cost_standard, self.period_standard):
            text.textChanged.connect(self._edited)
        self.has_contract.toggled.connect(self._contract_toggled)
        self.contract_from.dateChanged.connect(self._edited)
        self.contract_to.dateChanged.connect(self._edited)
        self.save_button.clicked.connect(self.save)
        self.delete_button.clicked.connect(lambda: self.delete_contractor())
        self.new_evaluation_button.clicked.connect(lambda: self.new_evaluation())
        self.open_evaluation_button.clicked.connect(lambda: self.open_evaluation())
        self.evaluations.cellDoubleClicked.connect(
            lambda row, _c: self.open_evaluation(self._evaluation_at(row))
        )
        self.delete_evaluation_button.clicked.connect(lambda: self.delete_evaluation())
        return panel

    # -- screen commands ------------------------------------------------------------------------------

    def _today(self) -> date:
        return self.today or date.today()

    def refresh(self) -> None:
        if self.dirty:
            return
        self.loading = True
        ops.load(self.ctx, self, self.selected, self._today(), self._loaded, self._failed)

    def new_record(self) -> None:
        self.selected = None
        self.table.clearSelection()
        self._show_detail(None)
        self.name.setFocus()

    def save(self) -> None:
        if self.busy:
            return
        values = self.values()
        self.busy = True
        self.error.setVisible(False)
        ops.save_contractor(self.ctx, self, values, self.selected, self._today(), self._saved, self._failed)

    def has_unsaved_changes(self) -> bool:
        return self.dirty

    def open_filtered(self, filters: dict[str, object]) -> None:
        """``{"contractor_id": id}`` selects a contractor; ``{"evaluation_id": id}`` selects the
        contractor of that evaluation and highlights it (compliance evidence links)."""
        evaluation_id = filters.get("evaluation_id")
        contractor_id = filters.get("contractor_id")
        if isinstance(evaluation_id, str):
            self.loading = True

            def done(view: ContractorsView) -> None:
                self._loaded(view)
                ids = [e.id for e in view.evaluations]
                if evaluation_id in ids:
                    self.evaluations.selectRow(ids.index(evaluation_id))

            ops.load_for_evaluation(self.ctx, self, evaluation_id, self._today(), done, self._failed)
            return
        if isinstance(contractor_id, str):
            self.selected = contractor_id
            self.dirty = False
        self.refresh()

    def delete_contractor(self) -> None:
        if self.selected is None or self.busy:
            return
        self.busy = True
        ops.delete_contractor(self.ctx, self, self.selected, self._today(), self._saved, self._failed)

    # -- evaluations ------------------------------------------------------------------------------------

    def _evaluation_at(self, row: int) -> EvaluationRow | None:
        if self.view is None or not 0 <= row < len(self.view.evaluations):
            return None
        return self.view.evaluations[row]

    def selected_contractor(self) -> ContractorRow | None:
        if self.view is None or self.selected is None:
            return None
        return next((r for r in self.view.rows if r.id == self.selected), None)

    def new_evaluation(self) -> EvaluationDialog | None:
        contractor = self.selected_contractor()
        if contractor is None:
            self._evaluation_failed(UserError(N_("Save or choose a contractor first."), ""))
            return None
        return self._open_dialog(contractor, None)

    def open_evaluation(self, evaluation: EvaluationRow | None = None) -> EvaluationDialog | None:
        contractor = self.selected_contractor()
        evaluation = evaluation or self._evaluation_at(self.evaluations.currentRow())
        if contractor is None or evaluation is None:
            return None
        return self._open_dialog(contractor, evaluation)

    def _open_dialog(self, contractor: ContractorRow, evaluation: EvaluationRow | None) -> EvaluationDialog:
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = EvaluationDialog(self, contractor, evaluation, self._today())
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.finished.connect(lambda _r: self._dialog_closed())
        self.dialog.show()
        return self.dialog

    def _dialog_closed(self) -> None:
        self.dialog = None

    def save_evaluation(self, dialog: EvaluationDialog, *, complete: bool) -> None:
        evaluation_id = dialog.existing.id if dialog.existing else None

        def done(view: ContractorsView) -> None:
            self._loaded(view)
            dialog.accept()

        ops.save_evaluation(
            self.ctx, self, dialog.values(), evaluation_id, complete, self._today(), done, dialog.failed
        )

    def delete_evaluation(self) -> None:
        evaluation = self._evaluation_at(self.evaluations.currentRow())
        if evaluation is None or self.selected is None:
            return
        ops.delete_evaluation(
            self.ctx, self, evaluation.id, self.selected, self._today(), self._loaded, self._evaluation_failed
        )

    # -- showing ----------------------------------------------------------------------------------------

    def _loaded(self, view: ContractorsView) -> None:
        self.loading = False
        self.busy = False
        self.view = view
        self.error.setVisible(False)
        self.evaluation_error.setVisible(False)
        self.selected = view.selected
        self._fill_table(view)
        self._show_detail(self.selected_contractor())

    def _saved(self, view: ContractorsView) -> None:
        self.dirty = False
        self._loaded(view)

    def _fill_table(self, view: ContractorsView) -> None:
        today = self._today()
        due = sum(1 for r in view.rows if r.evaluation_due and r.active_on(today))
        self.summary.setText(
            _(
                "{n} contractor(s); {due} due for evaluation; an evaluation counts for {months} months."
            ).format(n=len(view.rows), due=due, months=view.valid_months)
        )
        self._filling = True
        self.table.setRowCount(len(view.rows))
        for i, r in enumerate(view.rows):
            latest = r.latest
            cells = [
                r.name,
                r.work_scope or "",
                contract_text(r),
                f"{result_text(latest.result)} · {latest.evaluated_on.isoformat()}" if latest else "-",
                due_text(r),
                YES if r.cost_standard_set else NO,
                YES if r.building_period_set else NO,
                str(r.workers),
            ]
            colours = {
                COL_COST: "#1d5a1d" if r.cost_standard_set else DUE_COLOUR,
                COL_PERIOD: "#1d5a1d" if r.building_period_set else DUE_COLOUR,
            }
            if latest and latest.result in RESULT_COLOUR:
                colours[COL_LATEST] = RESULT_COLOUR[latest.result]
            if r.evaluation_due:
                colours[COL_DUE] = DUE_COLOUR
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, r.id)
                if column in (COL_COST, COL_PERIOD, COL_WORKERS):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if column in colours:
                    item.setForeground(QColor(colours[column]))
                if column == COL_DUE and r.evaluation_due:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(i, column, item)
            if r.id == self.selected:
                self.table.selectRow(i)
        self._filling = False
        if view.building_period_applies:
            self.period_note.setText(
                _(
                    "Decree Art. 4-9 다: this site is in shipbuilding, so a building-period standard "
                    "is required for contracted work."
                )
            )
        else:
            self.period_note.setText(
                _("Applies to shipbuilding and construction work only (Decree Art. 4-9 다).")
            )

    def _show_detail(self, row: ContractorRow | None) -> None:
        self._filling = True
        self.name.setText(row.name if row else "")
        self.reg_no.setText(row.business_reg_no or "" if row else "")
        self.scope.setText(row.work_scope or "" if row else "")
        self.contact_name.setText(row.contact_name or "" if row else "")
        self.contact_phone.setText(row.contact_phone or "" if row else "")
        has_contract = row is not None and (row.contract_from is not None or row.contract_to is not None)
        self.has_contract.setChecked(has_contract)
        today = self._today()
        self.contract_from.setDate(_qdate(row.contract_from if row and row.contract_from else today))
        self.contract_to.setDate(
            _qdate(row.contract_to if row and row.contract_to else date(today.year, 12, 31))
        )
        self.contract_from.setEnabled(has_contract)
        self.contract_to.setEnabled(has_contract)
        self.cost_standard.setPlainText(row.safety_cost_standard or "" if row else "")
        self.period_standard.setPlainText(row.building_period_standard or "" if row else "")
        self.delete_button.setEnabled(row is not None)
        self.new_evaluation_button.setEnabled(row is not None)
        evaluations = self.view.evaluations if self.view and row else ()
        self.open_evaluation_button.setEnabled(bool(evaluations))
        self.delete_evaluation_button.setEnabled(bool(evaluations))
        self.evaluations.setRowCount(len(evaluations))
        for i, e in enumerate(evaluations):
            status = (
                _("Locked, kept until {date}").format(date=e.retention_until or "-")
                if e.locked
                else _("Draft")
            )
            cells = [
                e.evaluated_on.isoformat(),
                purpose_text(e.purpose),
                _score_text(e),
                result_text(e.result),
                e.evaluator or "",
                status,
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 3 and e.result in RESULT_COLOUR:
                    item.setForeground(QColor(RESULT_COLOUR[str(e.result)]))
                self.evaluations.setItem(i, column, item)
        workers = self.view.workers if self.view and row else ()
        if row is None:
            self.workers_label.setText(_("New contractor: fill in the name and save, then evaluate it."))
        elif workers:
            current = [w.name for w in workers if not w.left_on or w.left_on >= today.isoformat()]
            self.workers_label.setText(
                _("Workers from this contractor ({n}): {names}").format(
                    n=len(current), names=", ".join(current)
                )
            )
        else:
            self.workers_label.setText(_("No workers of this contractor are registered under People."))
        self.dirty = False
        self._filling = False

    def values(self) -> ContractorInput:
        has_contract = self.has_contract.isChecked()
        return ContractorInput(
            name=self.name.text(),
            business_reg_no=self.reg_no.text(),
            work_scope=self.scope.text(),
            contact_name=self.contact_name.text(),
            contact_phone=self.contact_phone.text(),
            contract_from=_iso(self.contract_from) if has_contract else None,
            contract_to=_iso(self.contract_to) if has_contract else None,
            safety_cost_standard=self.cost_standard.toPlainText(),
            building_period_standard=self.period_standard.toPlainText(),
        )

    def _row_selected(self) -> None:
        if self._filling:
            return
        rows = self.table.selectionModel().selectedRows()
        if not rows or self.view is None:
            return
        contractor_id = self.view.rows[rows[0].row()].id
        if contractor_id == self.selected:
            return
        self.selected = contractor_id
        self.dirty = False
        self.refresh()

    def _contract_toggled(self, on: bool) -> None:
        self.contract_from.setEnabled(on)
        self.contract_to.setEnabled(on)
        self._edited()

    def _edited(self, *_args: object) -> None:
        if not self._filling:
            self.dirty = True

    def _failed(self, exc: Exception) -> None:
        self.loading = False
        self.busy = False
        self.error.setText(exc.text() if isinstance(exc, UserError) else f"{type(exc).__name__}: {exc}")
        self.error.setVisible(True)

    def _evaluation_failed(self, exc: Exception) -> None:
        self.evaluation_error.setText(
            exc.text() if isinstance(exc, UserError) else f"{type(exc).__name__}: {exc}"
        )
        self.evaluation_error.setVisible(True)
