"""Risk assessments: the list, and the KRAS editor with live scoring and the completion guard."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from safetydesk.core.domain.risk import RiskScale
from safetydesk.core.domain.risk_assessment import AssessmentHeader, Blocker, RiskItemData
from safetydesk.core.errors import UserError
from safetydesk.core.i18n import N_, _
from safetydesk.core.labels import label
from safetydesk.core.queries.risk import AssessmentDetail, RiskReference
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations import risk as ops
from safetydesk.ui.screens.base import Screen
from safetydesk.ui.screens.risk.codes import ASSESSMENT_TYPE_LABELS, code_label
from safetydesk.ui.screens.risk.delegates import ItemDelegate
from safetydesk.ui.screens.risk.header import AssessmentForm, scale_key, scale_name
from safetydesk.ui.screens.risk.items_model import COLUMN_INDEX, COLUMNS, RiskItemsModel, hidden_columns
from safetydesk.ui.screens.risk.list_look import show_sort, wrap_header
from safetydesk.ui.widgets.hazard_hint import HazardHint
from safetydesk.ui.widgets.import_dialog import choose_and_import
from safetydesk.ui.widgets.list_view import ListView
from safetydesk.ui.widgets.retention import RetentionBadge

AnyIndex = QModelIndex | QPersistentModelIndex

TYPE_FILTER = (
    (N_("All types"), None),
    (N_("Initial"), "initial"),
    (N_("Periodic"), "regular"),
    (N_("Ad hoc"), "adhoc"),
    (N_("Continuous"), "continuous"),
)
STATUS_FILTER = ((N_("All statuses"), None), (N_("Draft"), "draft"), (N_("Completed"), "completed"))
OPEN_FILTER = (
    (N_("With or without open risks"), None),
    (N_("Unacceptable risks left"), True),
    (N_("No unacceptable risk left"), False),
)
BLOCKER_SHORT = {
    Blocker.NOT_RATED: N_("not rated"),
    Blocker.NO_MEASURE: N_("no reduction measure"),
    Blocker.NO_RESIDUAL: N_("risk after improvement not re-decided"),
    Blocker.RESIDUAL_UNACCEPTABLE: N_("still unacceptable after improvement"),
}
DEFAULT_SCALE = "kras_5x4"
SITE_ROUND_WARNING = N_(
    "No site round with workers is recorded: Rule Art. 37-2 expects workers to take part through one."
)
ERROR_STYLE = "color: #a00018;"
BANNER_STYLES = {
    "info": "background: #eef3f9; color: #1b3a5c; padding: 4px 8px;",
    "locked": "background: #ececec; color: #333; padding: 4px 8px;",
    "warn": "background: #fff4d6; color: #6b4a00; padding: 4px 8px;",
    "ok": "background: #e3f4e3; color: #1d5a1d; padding: 4px 8px;",
}


class ListLabels(QStyledItemDelegate):
    """Shows the list's stored codes (type, scale) by name and marks open unacceptable risks red."""

    def __init__(self, screen: RiskScreen) -> None:
        super().__init__(screen)
        self.screen = screen

    def initStyleOption(self, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        super().initStyleOption(option, index)
        model = self.screen.list.model
        key = model.columns[index.column()][0]
        value = model.data(index, Qt.ItemDataRole.UserRole)
        if value is None:
            return
        if key == "assessment_type":
            option.text = code_label(value, ASSESSMENT_TYPE_LABELS)  # type: ignore[attr-defined]
        elif key == "scale_code":
            version = model.value(index.row(), "scale_version")
            scale = self.screen.scales.get(scale_key(str(value), int(version or 0)))
            if scale is not None:
                option.text = scale_name(scale)  # type: ignore[attr-defined]
        elif key == "open_unacceptable" and int(value) > 0:
            option.palette.setColor(QPalette.ColorRole.Text, QColor("#a00018"))  # type: ignore[attr-defined]


class ActionDialog(QDialog):
    """Confirm the corrective action made from one item: its due date and owner."""

    def __init__(self, item: RiskItemData, owners: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Create corrective action"))
        form = QFormLayout(self)
        measure = QLabel(item.reduction_measures)
        measure.setWordWrap(True)
        self.due = QDateEdit()
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("yyyy-MM-dd")
        planned = QDate.fromString(item.planned_on or "", "yyyy-MM-dd")
        self.due.setDate(planned if planned.isValid() else QDate.currentDate().addDays(30))
        self.owner = QLineEdit(item.owner_name)
        form.addRow(_("Reduction measures"), measure)
        form.addRow(_("Due"), self.due)
        form.addRow(_("Owner"), self.owner)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class RiskScreen(Screen):
    key = "risk"
    title_msgid = N_("Risk assessments")

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.reference: RiskReference | None = None
        self.scales: dict[str, RiskScale] = {}
        self.detail: AssessmentDetail | None = None
        self.assessment_id: str | None = None
        self.dirty = False
        self.busy = False
        self._after_reference: list[Callable[[], None]] = []
        self.pages = QStackedWidget()
        self.pages.addWidget(self._list_page())
        self.pages.addWidget(self._editor_page())
        self.layout_.addWidget(self.pages, 1)

    # -- list page --------------------------------------------------------------------------------

    def _list_page(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.new_button = QPushButton(_("New assessment"))
        self.new_button.setObjectName("newAssessment")
        self.open_button = QPushButton(_("Open assessment"))
        self.open_button.setObjectName("openAssessment")
        self.open_button.setEnabled(False)
        bar.addWidget(self.new_button)
        bar.addWidget(self.open_button)
        self.excel_button = QPushButton(_("Import from Excel…"))  # issue 7: Excel/CSV exchange
        self.excel_button.clicked.connect(
            lambda: choose_and_import(self.ctx, "risk-assessment", self, self._imported)
        )
        bar.addWidget(self.excel_button)
        bar.addStretch(1)
        box.addLayout(bar)
        self.list = ListView(
            self.ctx.tasks,
            self.ctx.workspace,
            "risk_assessments",
            (
                ("assessment_type", N_("Type"), TYPE_FILTER),
                ("status", N_("Status"), STATUS_FILTER),
                ("open_unacceptable", N_("Unacceptable left"), OPEN_FILTER),
            ),
        )
        self.list.table.setItemDelegate(ListLabels(self))
        wrap_header(self.list.table.horizontalHeader())
        keys = [column[0] for column in self.list.model.columns]
        self.list.table.setColumnHidden(keys.index("scale_version"), True)
        show_sort(self.list, "assessed_on", descending=True)
        box.addWidget(self.list, 1)
        self.new_button.clicked.connect(self.new_record)
        self.open_button.clicked.connect(self._open_selected)
        self.list.activated.connect(self.open_assessment)
        self.list.selected.connect(lambda rid: self.open_button.setEnabled(isinstance(rid, str)))
        self._selected_id: str | None = None
        self.list.selected.connect(self._remember_selection)
        return page

    def _remember_selection(self, record_id: object) -> None:
        self._selected_id = record_id if isinstance(record_id, str) else None

    def _open_selected(self) -> None:
        if self._selected_id:
            self.open_assessment(self._selected_id)

    # -- editor page ------------------------------------------------------------------------------

    def _editor_page(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(4)
        top = QHBoxLayout()
        self.back_button = QPushButton("← " + _("Assessments"))
        self.back_button.setObjectName("backToList")
        self.heading = QLabel("")
        self.heading.setObjectName("assessmentHeading")
        self.heading.setStyleSheet("font-weight: bold; font-size: 11pt;")
        self.heading.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.save_button = QPushButton(_("Save"))
        self.save_button.setObjectName("saveAssessment")
        self.complete_button = QPushButton(_("Complete…"))
        self.complete_button.setObjectName("completeAssessment")
        self.revise_button = QPushButton(_("Make revision…"))
        self.revise_button.setObjectName("reviseAssessment")
        self.delete_button = QPushButton(_("Delete draft"))
        self.delete_button.setObjectName("deleteAssessment")
        top.addWidget(self.back_button)
        top.addWidget(self.heading, 1)
        self.retention_badge = RetentionBadge("risk_assessments")
        top.addWidget(self.retention_badge)
        self.print_button = QPushButton(_("Print…"))
        self.print_button.setObjectName("printAssessment")
        self.print_button.setEnabled(False)
        self.print_button.clicked.connect(self.print_record)
        for button in (
            self.save_button,
            self.complete_button,
            self.revise_button,
            self.delete_button,
            self.print_button,
        ):
            top.addWidget(button)
        box.addLayout(top)
        self.banner = QLabel("")
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        box.addWidget(self.banner)
        self.error = QLabel("")
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.setVisible(False)
        box.addWidget(self.error)

        splitter = QSplitter(Qt.Orientation.Vertical)
        self.form = AssessmentForm()
        splitter.addWidget(self.form)
        items = QWidget()
        items_box = QVBoxLayout(items)
        items_box.setContentsMargins(0, 0, 0, 0)
        items_box.setSpacing(2)
        rows_bar = QHBoxLayout()
        self.add_row_button = QPushButton(_("Add hazard"))
        self.add_row_button.setObjectName("addRow")
        self.add_row_button.setToolTip(_("Insert: add a row below the current one"))
        self.remove_row_button = QPushButton(_("Remove"))
        self.remove_row_button.setObjectName("removeRow")
        self.remove_row_button.setToolTip(_("Ctrl+Delete"))
        self.up_button = QPushButton("↑")
        self.up_button.setObjectName("rowUp")
        self.up_button.setToolTip(_("Alt+Up: move the row up"))
        self.down_button = QPushButton("↓")
        self.down_button.setObjectName("rowDown")
        self.down_button.setToolTip(_("Alt+Down: move the row down"))
        self.action_button = QPushButton(_("Create corrective action…"))
        self.action_button.setObjectName("createAction")
        self.summary = QLabel("")
        self.summary.setObjectName("itemsSummary")
        for button in (self.add_row_button, self.remove_row_button, self.up_button, self.down_button):
            rows_bar.addWidget(button)
        rows_bar.addWidget(self.action_button)
        rows_bar.addStretch(1)
        rows_bar.addWidget(self.summary)
        items_box.addLayout(rows_bar)
        self.model = RiskItemsModel(self)
        self.table = QTableView()
        self.table.setObjectName("riskItems")
        self.table.setModel(self.model)
        self.table.setItemDelegate(ItemDelegate(self.table))
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setMinimumSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        wrap_header(header)
        for i, column in enumerate(COLUMNS):
            self.table.setColumnWidth(i, column.width)
        items_box.addWidget(self.table, 1)
        self.hazard_hint = HazardHint(self.ctx, parent=items)
        self.hazard_hint.setToolTip(_("Hazard group suggested for the current row's hazard situation"))
        self.model.suggestion_for = self._row_suggestion
        items_box.addWidget(self.hazard_hint)
        splitter.addWidget(items)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([140, 520])
        box.addWidget(splitter, 1)

        for keys, slot in (
            ("Insert", self.add_row),
            ("Ctrl+Delete", self.remove_row),
            ("Alt+Up", lambda: self.move_row(-1)),
            ("Alt+Down", lambda: self.move_row(1)),
        ):
            shortcut = QShortcut(QKeySequence(keys), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.back_button.clicked.connect(self.back_to_list)
        self.save_button.clicked.connect(self.save)
        self.complete_button.clicked.connect(lambda: self.complete())
        self.revise_button.clicked.connect(lambda: self.make_revision())
        self.delete_button.clicked.connect(lambda: self.delete_draft())
        self.add_row_button.clicked.connect(self.add_row)
        self.remove_row_button.clicked.connect(self.remove_row)
        self.up_button.clicked.connect(lambda: self.move_row(-1))
        self.down_button.clicked.connect(lambda: self.move_row(1))
        self.action_button.clicked.connect(lambda: self.create_action())
        self.model.edited.connect(self._items_edited)
        self.form.edited.connect(self._form_edited)
        self.form.scale_changed.connect(self._scale_requested)
        self.form.save_report.clicked.connect(self.save_owner_report)
        self.table.selectionModel().currentChanged.connect(lambda *_a: self._update_buttons())
        self.table.selectionModel().currentChanged.connect(lambda *_a: self._update_hint())
        self.model.dataChanged.connect(lambda *_a: self._update_hint())
        self.model.modelReset.connect(self._update_hint)
        self.model.rowsRemoved.connect(lambda *_a: self._update_hint())
        self.model.rowsMoved.connect(lambda *_a: self._update_hint())
        self.hazard_hint.accepted.connect(self._accept_group)
        return page

    # -- screen commands ---------------------------------------------------------------------------

    def _imported(self, _changes: object) -> None:
        self.refresh()

    def refresh(self) -> None:
        ops.load_reference(self.ctx, self, self._reference_loaded, self._show_error)
        if self.pages.currentIndex() == 0:
            self.list.refresh()

    def _reference_loaded(self, ref: RiskReference) -> None:
        self.reference = ref
        for scale in ref.scales:
            self.scales[scale_key(scale.code, scale.version)] = scale
        self.form.set_reference(ref)
        self.model.owner_names = tuple(p.name for p in ref.people)
        self.list.table.viewport().update()
        waiting, self._after_reference = self._after_reference, []
        for job in waiting:
            job()

    def _when_reference(self, job: Callable[[], None]) -> None:
        if self.reference is not None:
            job()
        else:
            self._after_reference.append(job)
            if len(self._after_reference) == 1:
                ops.load_reference(self.ctx, self, self._reference_loaded, self._show_error)

    def new_record(self) -> None:
        if not self._may_leave():
            return
        self._when_reference(self._start_new)

    def _start_new(self) -> None:
        assert self.reference is not None
        if not self.reference.scales:
            QMessageBox.warning(
                self, _("Risk assessments"), _("No risk scale is in force today; check the legal data files.")
            )
            return
        scales = {s.code: s for s in self.reference.scales}
        scale = scales.get(DEFAULT_SCALE) or self.reference.scales[0]
        header = AssessmentHeader(
            title="",
            assessment_type="regular",
            scale_code=scale.code,
            scale_version=scale.version,
            assessed_on=date.today().isoformat(),
            site_id=self.reference.site_id,
        )
        self.detail = None
        self.assessment_id = None
        self._show_editor(header, scale, (RiskItemData(),), read_only=False, locked=False)
        self.retention_badge.set_record(None)
        self.heading.setText(_("New risk assessment"))
        self._set_banner(_("Fill in the header, then one row per hazard. Ctrl+S saves."), "info")
        self.form.setCurrentIndex(0)
        self.form.title.setFocus()

    def open_assessment(self, assessment_id: str) -> None:
        if not self._may_leave():
            return
        self._when_reference(
            lambda: ops.load_assessment(self.ctx, self, assessment_id, self._show_detail, self._show_error)
        )

    def save(self) -> None:
        if self.pages.currentIndex() != 1 or self.busy:
            return
        if self.detail is not None and self.detail.locked:
            return
        self._save(None)

    def _save(self, then: Callable[[AssessmentDetail], None] | None) -> None:
        self._close_editor()
        header = self.form.header()
        self._busy(True)

        def done(detail: AssessmentDetail) -> None:
            self._busy(False)
            self._show_detail(detail)
            if not self.form.site_round_missing():
                self._set_banner(_("Saved."), "ok")
            self.list.refresh()
            if then is not None:
                then(detail)

        ops.save_assessment(
            self.ctx, self, header, self.model.items(), self.assessment_id, done, self._failed
        )

    def focus_search(self) -> None:
        if self.pages.currentIndex() == 0:
            self.list.focus_search()

    def has_unsaved_changes(self) -> bool:
        return self.dirty or self.table.state() == QAbstractItemView.State.EditingState

    def open_filtered(self, filters: dict[str, object]) -> None:
        if self.pages.currentIndex() == 1 and not self._may_leave():
            return
        self._show_list()
        for key, value in filters.items():
            self.list.set_filter(key, value)

    # -- editor state ------------------------------------------------------------------------------

    def _show_detail(self, detail: AssessmentDetail) -> None:
        self.detail = detail
        self.scales.setdefault(scale_key(detail.scale.code, detail.scale.version), detail.scale)
        same = self.pages.currentIndex() == 1 and self.assessment_id in (detail.id, None)
        current = self.table.currentIndex() if same else QModelIndex()
        self.assessment_id = detail.id
        self._show_editor(
            detail.header, detail.scale, detail.items, read_only=detail.locked, locked=detail.locked
        )
        if current.isValid() and current.row() < self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(current.row(), current.column()))
        status = label(detail.status)
        self.heading.setText(
            _("{title} — revision {n}, {status}").format(
                title=detail.header.title, n=detail.revision_no, status=status
            )
        )
        self.heading.setToolTip(self.heading.text())
        self.retention_badge.set_record(detail.retention_until, locked=detail.locked)
        if detail.locked:
            self._set_banner(
                _(
                    "Completed {when}; keep until {until}. Completed assessments are read-only: "
                    "make a revision to change it."
                ).format(when=(detail.completed_at or "")[:10], until=detail.retention_until or "—"),
                "locked",
            )
        else:
            self._set_banner("", "info")
            self._warn_site_round()

    def _show_editor(
        self,
        header: AssessmentHeader,
        scale: RiskScale,
        items: tuple[RiskItemData, ...],
        *,
        read_only: bool,
        locked: bool,
    ) -> None:
        self.form.load(header, scale, read_only=read_only, locked=locked)
        self.model.load(scale, items, read_only=read_only)
        self._apply_columns(scale)
        if self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(0, COLUMN_INDEX["task"]))
        self.error.setVisible(False)
        self.dirty = False
        self.pages.setCurrentIndex(1)
        self._update_buttons()
        self._update_summary()

    def _apply_columns(self, scale: RiskScale) -> None:
        hidden = hidden_columns(scale)
        for i in range(len(COLUMNS)):
            self.table.setColumnHidden(i, i in hidden)

    def print_record(self) -> None:
        from safetydesk.ui.reports import print_record

        print_record(self, self.ctx, "risk-assessment", self.assessment_id)

    def _update_buttons(self) -> None:
        locked = self.detail is not None and self.detail.locked
        editing = not locked and not self.busy
        for button in (self.save_button, self.complete_button, self.add_row_button):
            button.setEnabled(editing)
        row = self.table.currentIndex().row()
        has_row = 0 <= row < self.model.rowCount()
        self.remove_row_button.setEnabled(editing and has_row)
        self.up_button.setEnabled(editing and has_row and row > 0)
        self.down_button.setEnabled(editing and has_row and row < self.model.rowCount() - 1)
        self.revise_button.setEnabled(locked and not self.busy)
        self.delete_button.setEnabled(self.assessment_id is not None and not locked and not self.busy)
        self.print_button.setEnabled(self.assessment_id is not None)
        item = self.model.item(row) if has_row else None
        self.action_button.setEnabled(
            not self.busy
            and item is not None
            and bool(item.reduction_measures.strip())
            and not item.action_id
        )

    def _update_hint(self) -> None:
        """Point the hazard hint at the current row's situation text."""
        row = self.table.currentIndex().row()
        item = self.model.item(row) if 0 <= row < self.model.rowCount() else None
        self.hazard_hint.set_read_only(self.model.read_only)
        self.hazard_hint.prefix = _("Row {n}: ").format(n=row + 1) if item is not None else ""
        self.hazard_hint.set_text(item.situation if item is not None else "")
        self.hazard_hint.set_chosen(item.hazard_group if item is not None else None)

    def _row_suggestion(self, row: int) -> dict[str, object] | None:
        """The suggestion on screen, if it was read from this row's situation as it is now."""
        if row != self.table.currentIndex().row() or not 0 <= row < self.model.rowCount():
            return None
        if self.model.item(row).situation.strip() != self.hazard_hint.text():
            return None
        return self.hazard_hint.suggestion_for_save()

    def _accept_group(self, group: str) -> None:
        row = self.table.currentIndex().row()
        suggestion = self._row_suggestion(row)
        if suggestion is not None:
            self.model.set_group(row, group, suggestion)

    def _update_summary(self) -> None:
        total = self.model.rowCount()
        bad = self.model.unacceptable_count()
        blockers = self.model.blockers()
        text = _("{n} hazards · {bad} unacceptable").format(n=total, bad=bad)
        if blockers and not (self.detail and self.detail.locked):
            text += " · " + _("{n} keep it from completion").format(n=len(blockers))
            self.summary.setToolTip(
                "\n".join(f"{b.number}. {b.task or '—'}: {_(BLOCKER_SHORT[b.reason])}" for b in blockers)
            )
            self.summary.setStyleSheet(ERROR_STYLE)
        else:
            self.summary.setToolTip("")
            self.summary.setStyleSheet("")
        self.summary.setText(text)

    def _items_edited(self) -> None:
        self._mark_dirty()
        self._update_summary()
        self._update_buttons()

    def _mark_dirty(self) -> None:
        self.dirty = True

    def _form_edited(self) -> None:
        self._mark_dirty()
        self._warn_site_round()

    def _warn_site_round(self) -> None:
        """Rule Art. 37-2: workers take part through a site round; say so while it is unchecked."""
        locked = self.detail is not None and self.detail.locked
        warning = SITE_ROUND_WARNING
        if self.form.site_round_missing() and not locked:
            self._set_banner(_(warning), "warn")
        elif self.banner.text() == _(warning):
            self._set_banner("", "info")

    def _busy(self, on: bool) -> None:
        self.busy = on
        self._update_buttons()

    def _set_banner(self, text: str, style: str) -> None:
        self.banner.setText(text)
        self.banner.setStyleSheet(BANNER_STYLES[style])
        self.banner.setVisible(bool(text))

    def _show_error(self, exc: Exception) -> None:
        text = exc.text() if isinstance(exc, UserError) else f"{type(exc).__name__}: {exc}"
        self.error.setText(text)
        self.error.setVisible(True)

    def _failed(self, exc: Exception) -> None:
        self._busy(False)
        self._show_error(exc)
        blockers = getattr(exc, "blockers", ())
        if blockers:
            first = blockers[0].number - 1
            column = COLUMN_INDEX["reduction_measures"]
            if blockers[0].reason is Blocker.NOT_RATED:
                hidden = hidden_columns(self.model.scale)
                column = COLUMN_INDEX["likelihood"]
                column = COLUMN_INDEX["level"] if column in hidden else column
            self.table.setCurrentIndex(self.model.index(first, column))

    def _close_editor(self) -> None:
        """Commit a cell still being typed in, so Save keeps it."""
        if self.table.state() != QAbstractItemView.State.EditingState:
            return
        editor = self.table.indexWidget(self.table.currentIndex())
        if editor is not None:
            delegate = self.table.itemDelegate()
            delegate.commitData.emit(editor)
            delegate.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    # -- rows --------------------------------------------------------------------------------------

    def add_row(self) -> None:
        if self.model.read_only:
            return
        current = self.table.currentIndex()
        row = self.model.add_row(current.row() + 1 if current.isValid() else None)
        index = self.model.index(row, COLUMN_INDEX["task"])
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        self.table.setFocus()

    def remove_row(self) -> None:
        current = self.table.currentIndex()
        if not current.isValid() or self.model.read_only:
            return
        item = self.model.item(current.row())
        if item.action_id and not self._confirm(
            _("This hazard has a corrective action. Remove the row anyway? The action stays.")
        ):
            return
        self.model.removeRows(current.row(), 1)
        if self.model.rowCount():
            row = min(current.row(), self.model.rowCount() - 1)
            self.table.setCurrentIndex(self.model.index(row, current.column()))

    def move_row(self, delta: int) -> None:
        current = self.table.currentIndex()
        if not current.isValid():
            return
        row = self.model.move_row(current.row(), delta)
        self.table.setCurrentIndex(self.model.index(row, current.column()))

    # -- scale -------------------------------------------------------------------------------------

    def _scale_requested(self, scale: RiskScale) -> None:
        if self.model.has_ratings() and not self._confirm(
            _("Changing the scale clears the ratings already entered. Change it?")
        ):
            self.form.revert_scale()
            return
        self.form.accept_scale(scale)
        self.model.set_scale(scale)
        self._apply_columns(scale)
        self._update_summary()

    # -- life cycle ----------------------------------------------------------------------------------

    def complete(self, *, confirmed: bool = False) -> None:
        if self.busy or (self.detail is not None and self.detail.locked):
            return
        self._close_editor()
        if not confirmed:
            question = _("Complete and lock this assessment? It can then only be changed by a revision.")
            if self.form.site_round_missing():
                question = _("No site round with workers is recorded (Rule Art. 37-2).") + "\n" + question
            if not self._confirm(question):
                return

        def lock(detail: AssessmentDetail) -> None:
            self._busy(True)
            ops.complete_assessment(self.ctx, self, detail.id, self._completed, self._failed)

        if self.dirty or self.assessment_id is None:
            self._save(lock)
        elif self.detail is not None:
            lock(self.detail)

    def _completed(self, detail: AssessmentDetail) -> None:
        self._busy(False)
        self._show_detail(detail)
        self.list.refresh()

    def make_revision(self, reason: str | None = None) -> None:
        if self.detail is None or not self.detail.locked or self.busy:
            return
        if reason is None:
            text, ok = QInputDialog.getText(self, _("Make revision"), _("Reason for the revision:"))
            if not ok:
                return
            reason = text
        self._busy(True)
        ops.revise_assessment(self.ctx, self, self.detail.id, reason, self._revised, self._failed)

    def _revised(self, detail: AssessmentDetail) -> None:
        self._busy(False)
        self._show_detail(detail)
        self._set_banner(_("Revision {n} started as a draft.").format(n=detail.revision_no), "info")
        self.list.refresh()

    def delete_draft(self, *, confirmed: bool = False) -> None:
        if self.assessment_id is None or self.busy:
            return
        if not confirmed and not self._confirm(_("Delete this draft assessment?")):
            return
        self._busy(True)
        ops.delete_assessment(self.ctx, self, self.assessment_id, lambda _c: self._deleted(), self._failed)

    def _deleted(self) -> None:
        self._busy(False)
        self.dirty = False
        self.detail = None
        self.assessment_id = None
        self._show_list()

    def save_owner_report(self) -> None:
        if self.detail is None:
            return
        reported = self.form.report_date()
        self._busy(True)
        ops.record_owner_report(
            self.ctx,
            self,
            self.detail.id,
            date.fromisoformat(reported) if reported else None,
            self.form.shared_how.text(),
            self._report_saved,
            self._failed,
        )

    def _report_saved(self, detail: AssessmentDetail) -> None:
        self._busy(False)
        self._show_detail(detail)
        self._set_banner(_("Report to the owner recorded."), "ok")
        self.list.refresh()

    def create_action(self, due_on: date | None = None, owner_name: str | None = None) -> None:
        """Make a corrective action from the current row (saving first if the table was edited)."""
        self._close_editor()
        row = self.table.currentIndex().row()
        if not 0 <= row < self.model.rowCount() or self.busy:
            return
        item = self.model.item(row)
        if due_on is None:
            dialog = ActionDialog(item, self.model.owner_names, self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            due_on = date.fromisoformat(dialog.due.date().toString("yyyy-MM-dd"))
            owner_name = dialog.owner.text()
        chosen_due = due_on

        def make(detail: AssessmentDetail) -> None:
            target = detail.items[row].id if row < len(detail.items) else None
            if target is None:
                return
            self._busy(True)
            ops.create_action(
                self.ctx, self, detail.id, target, chosen_due, owner_name, self._action_created, self._failed
            )

        if self.dirty or self.detail is None:
            self._save(make)
        else:
            make(self.detail)

    def _action_created(self, detail: AssessmentDetail) -> None:
        self._busy(False)
        self._show_detail(detail)
        self._set_banner(_("Corrective action created; follow it up in Corrective actions."), "ok")

    # -- navigation ----------------------------------------------------------------------------------

    def back_to_list(self) -> None:
        if self._may_leave():
            self._show_list()

    def _show_list(self) -> None:
        self.dirty = False
        self.pages.setCurrentIndex(0)
        self.list.refresh()

    def _may_leave(self) -> bool:
        """Ask before dropping typed input; saving is the default answer."""
        self._close_editor()
        if not self.dirty or self.pages.currentIndex() != 1:
            return True
        answer = self._ask_unsaved()
        if answer == QMessageBox.StandardButton.Save:
            self._save(lambda _d: None)
            return False  # the person acts again once the save is through
        return answer == QMessageBox.StandardButton.Discard

    def _ask_unsaved(self) -> QMessageBox.StandardButton:
        return QMessageBox.question(
            self,
            _("Risk assessments"),
            _("The assessment has unsaved changes. Save them?"),
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )

    def _confirm(self, text: str) -> bool:
        answer = QMessageBox.question(self, _("Risk assessments"), text)
        return answer == QMessageBox.StandardButton.Yes
