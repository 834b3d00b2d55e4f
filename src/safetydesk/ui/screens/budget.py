"""The safety and health budget (안전보건 예산, SAPA Decree Art. 4 item 4): the year's lines by purpose,
planned against spent per Decree sub-item (가 staff and facilities, 나 fixing hazards, 다 other), and
what was spent, each spend optionally naming the corrective action it paid for — the evidence for 나.

Lines and spends are kept five years (Decree Art. 13): they can be corrected, and a delete inside
that period is refused with the legal-hold message.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from safetydesk.core.i18n import N_, _
from safetydesk.core.labels import label
from safetydesk.core.queries.budget import (
    CATEGORIES,
    DECREE_ITEM,
    BudgetLine,
    BudgetYear,
    SpendRow,
    category_label,
)
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations import budget as ops
from safetydesk.ui.screens import emergency_common as common
from safetydesk.ui.screens.base import Screen
from safetydesk.ui.screens.emergency_common import DateField, ErrorBanner, select_data
from safetydesk.ui.widgets.tables import record_table

MAX_WON = 2_000_000_000
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
DECREE_TEXT = {
    "가": N_("가 staff, facilities and equipment"),
    "나": N_("나 fixing the hazards found"),
    "다": N_("다 other items (education, measurement)"),
}
LINE_HEADERS = (N_("Item"), N_("Category"), N_("Budget line"), N_("Planned"), N_("Spent"), N_("Remaining"))
SPEND_HEADERS = (N_("Date"), N_("Amount"), N_("Description"), N_("Budget line"), N_("Corrective action"))
CATEGORY_HEADERS = (N_("Decree 4-4"), N_("Lines"), N_("Planned"), N_("Spent"), N_("Used"))


def won(amount: int) -> str:
    """12,000,000원 — thousands separators and the currency word of the user's language."""
    return _("{amount} won").format(amount=f"{amount:,}")


def percent(spent: int, planned: int) -> int | None:
    return round(spent * 100 / planned) if planned > 0 else None


def _item(text: str, *, align: Qt.AlignmentFlag | None = None, data: object = None) -> QTableWidgetItem:
    cell = QTableWidgetItem(text)
    cell.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if align is not None:
        cell.setTextAlignment(align)
    if data is not None:
        cell.setData(Qt.ItemDataRole.UserRole, data)
    return cell


def _amount_box(name: str) -> QSpinBox:
    box = QSpinBox()
    box.setObjectName(name)
    box.setRange(0, MAX_WON)
    box.setSingleStep(100_000)
    box.setGroupSeparatorShown(True)
    box.setSuffix(" " + _("won"))
    box.setAlignment(Qt.AlignmentFlag.AlignRight)
    return box


class BudgetScreen(Screen):
    key = "budget"
    title_msgid = N_("Safety and health budget")

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.today = date.today()
        self.view: ops.BudgetView | None = None
        self.action_choices: tuple[ops.ActionChoice, ...] = ()
        self.loading = False
        self.line_id: str | None = None  # the line in the line form (None: a new line)
        self.spend_id: str | None = None  # the spend in the spend form (None: a new spend)
        self._filling = False

        bar = QHBoxLayout()
        bar.addWidget(QLabel(_("Year")))
        self.year_box = QComboBox()
        self.year_box.setObjectName("budgetYear")
        bar.addWidget(self.year_box)
        self.total_label = QLabel("")
        self.total_label.setObjectName("budgetTotal")
        self.total_label.setStyleSheet("font-weight: bold;")
        bar.addSpacing(16)
        bar.addWidget(self.total_label, 1)
        self.layout_.addLayout(bar)

        self.categories = record_table("budgetCategories", CATEGORY_HEADERS, (330, 60, 150, 150))
        self.categories.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.categories.setFixedHeight(24 * 3 + 30)
        self.layout_.addWidget(self.categories)

        split = QSplitter(Qt.Orientation.Vertical)
        split.setObjectName("budgetSplit")
        split.addWidget(self._lines_part())
        split.addWidget(self._spends_part())
        split.setSizes([300, 320])
        self.layout_.addWidget(split, 1)
        self.error = ErrorBanner()
        self.layout_.addWidget(self.error)

        self.year_box.currentIndexChanged.connect(lambda _i: self._year_changed())
        self.lines.itemSelectionChanged.connect(self._line_selected)
        self.spends.itemSelectionChanged.connect(self._spend_selected)
        self.whole_year.toggled.connect(lambda _on: self._fill_spends())
        self.new_line_button.clicked.connect(self.new_line)
        self.save_line_button.clicked.connect(self.save_line)
        self.delete_line_button.clicked.connect(self.delete_line)
        self.new_spend_button.clicked.connect(self.new_spend)
        self.save_spend_button.clicked.connect(self.save_spend)
        self.delete_spend_button.clicked.connect(self.delete_spend)
        self._set_years((), self.today.year)
        self.new_line()
        self.new_spend()

    # -- layout ---------------------------------------------------------------------------------

    def _lines_part(self) -> QWidget:
        part = QSplitter(Qt.Orientation.Horizontal)
        self.lines = record_table("budgetLines", LINE_HEADERS, (40, 130, 200, 110, 110, 110))
        self.lines.horizontalHeader().setStretchLastSection(False)
        self.lines.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        part.addWidget(self.lines)
        group = QGroupBox(_("Budget line"))
        form = QFormLayout(group)
        self.category_box = QComboBox()
        self.category_box.setObjectName("lineCategory")
        for code in CATEGORIES:
            self.category_box.addItem(f"{DECREE_ITEM[code]} · {category_label(code)}", code)
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("lineTitle")
        self.title_edit.setPlaceholderText(_("e.g. press light curtain replacement"))
        self.planned_box = _amount_box("linePlanned")
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("lineNote")
        form.addRow(_("Category"), self.category_box)
        form.addRow(_("Title"), self.title_edit)
        form.addRow(_("Planned"), self.planned_box)
        form.addRow(_("Note"), self.note_edit)
        self.line_state = QLabel("")
        self.line_state.setObjectName("lineState")
        self.line_state.setStyleSheet("color: #555;")
        self.line_state.setWordWrap(True)
        form.addRow(self.line_state)
        buttons = QHBoxLayout()
        self.new_line_button = QPushButton(_("New line"))
        self.save_line_button = QPushButton(_("Save line"))
        self.save_line_button.setObjectName("saveLine")
        self.delete_line_button = QPushButton(_("Delete"))
        buttons.addWidget(self.new_line_button)
        buttons.addWidget(self.delete_line_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_line_button)
        form.addRow(buttons)
        part.addWidget(group)
        part.setSizes([700, 330])
        return part

    def _spends_part(self) -> QWidget:
        part = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        box = QVBoxLayout(left)
        box.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        self.spend_caption = QLabel("")
        self.spend_caption.setObjectName("spendCaption")
        self.spend_caption.setStyleSheet("font-weight: bold;")
        self.whole_year = QCheckBox(_("Whole year"))
        self.whole_year.setObjectName("wholeYear")
        head.addWidget(self.spend_caption, 1)
        head.addWidget(self.whole_year)
        box.addLayout(head)
        self.spends = record_table("budgetSpends", SPEND_HEADERS, (90, 115, 240, 180))
        box.addWidget(self.spends, 1)
        part.addWidget(left)
        group = QGroupBox(_("Spending"))
        form = QFormLayout(group)
        self.spend_line_box = QComboBox()
        self.spend_line_box.setObjectName("spendLine")
        self.spend_date = DateField()
        self.spend_date.setObjectName("spendDate")
        self.spend_amount = _amount_box("spendAmount")
        self.spend_description = QLineEdit()
        self.spend_description.setObjectName("spendDescription")
        self.spend_description.setPlaceholderText(_("e.g. invoice 2026-031, guard rail"))
        self.action_box = QComboBox()
        self.action_box.setObjectName("spendAction")
        self.action_box.setEditable(True)
        self.action_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = self.action_box.completer()
        if completer is not None:
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.action_box.setToolTip(_("The corrective action this money paid for (type to search)"))
        form.addRow(_("Budget line"), self.spend_line_box)
        form.addRow(_("Date"), self.spend_date)
        form.addRow(_("Amount"), self.spend_amount)
        form.addRow(_("Description"), self.spend_description)
        form.addRow(_("Action"), self.action_box)
        buttons = QHBoxLayout()
        self.new_spend_button = QPushButton(_("New spend"))
        self.save_spend_button = QPushButton(_("Add spend"))
        self.save_spend_button.setObjectName("saveSpend")
        self.delete_spend_button = QPushButton(_("Delete"))
        buttons.addWidget(self.new_spend_button)
        buttons.addWidget(self.delete_spend_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_spend_button)
        form.addRow(buttons)
        part.addWidget(group)
        part.setSizes([700, 330])
        return part

    # -- loading --------------------------------------------------------------------------------

    def selected_year(self) -> int:
        data = self.year_box.currentData()
        return int(data) if data is not None else self.today.year

    def _set_years(self, years: tuple[int, ...], keep: int) -> None:
        offered = sorted({*years, self.today.year, self.today.year + 1}, reverse=True)
        self._filling = True
        self.year_box.clear()
        for y in offered:
            self.year_box.addItem(str(y), y)
        select_data(self.year_box, keep)
        self._filling = False

    def refresh(self) -> None:
        self.load(self.selected_year())

    def load(self, year: int) -> None:
        self.loading = True
        ops.load_year(self.ctx, self, year, self._show, self._failed)
        ops.load_actions(self.ctx, self, date(year - 1, 1, 1), self._set_actions, self._failed)

    def _year_changed(self) -> None:
        if not self._filling:
            self.line_id = None
            self.load(self.selected_year())

    def _failed(self, exc: Exception) -> None:
        self.loading = False
        self.error.show_error(exc)

    def _set_actions(self, actions: tuple[ops.ActionChoice, ...]) -> None:
        self.action_choices = actions
        current = self.action_box.currentData()
        self.action_box.clear()
        self.action_box.addItem(_("— no corrective action —"), None)
        for a in actions:
            self.action_box.addItem(f"{a.title} ({label(a.status)}, {a.due_on:%Y-%m-%d})", a.id)
        select_data(self.action_box, current)

    def _show(self, view: ops.BudgetView) -> None:
        self.view = view
        y = view.year
        shown = {int(self.year_box.itemData(i)) for i in range(self.year_box.count())}
        if y.year != self.selected_year() or not {y.year, *view.years} <= shown:
            self._set_years(view.years, y.year)
        share = percent(y.spent, y.planned)
        self.total_label.setText(
            _("{year}: planned {planned}, spent {spent}").format(
                year=y.year, planned=won(y.planned), spent=won(y.spent)
            )
            + (f" ({share}%)" if share is not None else "")
        )
        self._fill_categories(y)
        self._fill_lines(y)
        self._fill_spends()
        self.loading = False

    def _fill_categories(self, y: BudgetYear) -> None:
        self.categories.setRowCount(0)
        for row, sub in enumerate(DECREE_TEXT):
            parts = [c for c in y.categories if c.decree_item == sub]
            planned = sum(c.planned for c in parts)
            spent = sum(c.spent for c in parts)
            self.categories.insertRow(row)
            names = ", ".join(category_label(c.category) for c in parts)
            caption = _item(_(DECREE_TEXT[sub]), data=sub)
            caption.setToolTip(names)
            self.categories.setItem(row, 0, caption)
            self.categories.setItem(row, 1, _item(str(sum(c.lines for c in parts)), align=RIGHT))
            self.categories.setItem(row, 2, _item(won(planned), align=RIGHT))
            self.categories.setItem(row, 3, _item(won(spent), align=RIGHT))
            bar = QProgressBar()
            bar.setObjectName(f"used-{sub}")
            bar.setRange(0, 100)
            share = percent(spent, planned)
            bar.setValue(min(share or 0, 100))
            bar.setFormat(f"{share}%" if share is not None else "—")
            bar.setTextVisible(True)
            if share is not None and share > 100:
                bar.setStyleSheet("QProgressBar::chunk { background: #c62828; }")
            self.categories.setCellWidget(row, 4, bar)

    def _fill_lines(self, y: BudgetYear) -> None:
        keep = self.line_id
        self._filling = True
        self.lines.setRowCount(0)
        for row, line in enumerate(y.lines):
            self.lines.insertRow(row)
            left = line.planned_amount - line.spent
            self.lines.setItem(row, 0, _item(DECREE_ITEM.get(line.category, ""), data=line.id))
            self.lines.setItem(row, 1, _item(category_label(line.category)))
            self.lines.setItem(row, 2, _item(line.title))
            self.lines.setItem(row, 3, _item(won(line.planned_amount), align=RIGHT))
            self.lines.setItem(row, 4, _item(won(line.spent), align=RIGHT))
            left_item = _item(won(left), align=RIGHT)
            if left < 0:
                left_item.setForeground(QBrush(QColor("#b00020")))
            self.lines.setItem(row, 5, left_item)
        self.spend_line_box.clear()
        for line in y.lines:
            self.spend_line_box.addItem(f"{DECREE_ITEM.get(line.category, '')} · {line.title}", line.id)
        self._filling = False
        if keep is not None and self.line(keep) is not None:
            self.select_line(keep)
        else:
            self.new_line(clear_selection=False)

    def line(self, line_id: str) -> BudgetLine | None:
        if self.view is None:
            return None
        return next((x for x in self.view.year.lines if x.id == line_id), None)

    def select_line(self, line_id: str) -> None:
        for row in range(self.lines.rowCount()):
            cell = self.lines.item(row, 0)
            if cell is not None and cell.data(Qt.ItemDataRole.UserRole) == line_id:
                self.lines.selectRow(row)
                self._line_selected()
                return

    def _selected_id(self, table: QTableWidget) -> str | None:
        rows = table.selectionModel().selectedRows()
        if not rows:
            return None
        cell = table.item(rows[0].row(), 0)
        return str(cell.data(Qt.ItemDataRole.UserRole)) if cell is not None else None

    def _line_selected(self) -> None:
        if self._filling:
            return
        line_id = self._selected_id(self.lines)
        line = self.line(line_id) if line_id else None
        if line is None:
            return
        self.line_id = line.id
        select_data(self.category_box, line.category)
        self.title_edit.setText(line.title)
        self.planned_box.setValue(line.planned_amount)
        self.note_edit.setText(line.note or "")
        self.line_state.setText(
            _("Kept until {until}; it can be corrected but not deleted before then.").format(
                until=line.retention_until or "—"
            )
        )
        select_data(self.spend_line_box, line.id)
        self._fill_spends()

    def _spend_rows(self) -> list[SpendRow]:
        if self.view is None:
            return []
        if self.whole_year.isChecked() or self.line_id is None:
            return sorted(
                (s for x in self.view.year.lines for s in x.spends), key=lambda s: (s.spent_on, s.id)
            )
        line = self.line(self.line_id)
        return list(line.spends) if line else []

    def _fill_spends(self) -> None:
        rows = self._spend_rows()
        titles = {x.id: x.title for x in self.view.year.lines} if self.view else {}
        line = self.line(self.line_id) if self.line_id else None
        if self.whole_year.isChecked() or line is None:
            caption = _("Spending in {year}").format(year=self.selected_year())
        else:
            caption = _("Spending from “{line}”").format(line=line.title)
        self.spend_caption.setText(f"{caption} — {won(sum(s.amount for s in rows))}")
        self.spends.setColumnHidden(3, not (self.whole_year.isChecked() or line is None))
        keep = self.spend_id
        self._filling = True
        self.spends.setRowCount(0)
        for row, s in enumerate(rows):
            self.spends.insertRow(row)
            self.spends.setItem(row, 0, _item(s.spent_on.isoformat(), data=s.id))
            self.spends.setItem(row, 1, _item(won(s.amount), align=RIGHT))
            self.spends.setItem(row, 2, _item(s.description))
            self.spends.setItem(row, 3, _item(titles.get(s.budget_item_id, "")))
            action = (
                f"{label(s.action_status or '')} · {s.action_title}" if s.action_id and s.action_title else ""
            )
            self.spends.setItem(row, 4, _item(action))
        self._filling = False
        if keep is not None and any(s.id == keep for s in rows):
            for row in range(self.spends.rowCount()):
                cell = self.spends.item(row, 0)
                if cell is not None and cell.data(Qt.ItemDataRole.UserRole) == keep:
                    self.spends.selectRow(row)

    def spend(self, spend_id: str) -> SpendRow | None:
        if self.view is None:
            return None
        return next((s for x in self.view.year.lines for s in x.spends if s.id == spend_id), None)

    def _spend_selected(self) -> None:
        if self._filling:
            return
        spend_id = self._selected_id(self.spends)
        s = self.spend(spend_id) if spend_id else None
        if s is None:
            return
        self.spend_id = s.id
        select_data(self.spend_line_box, s.budget_item_id)
        self.spend_date.set_value(s.spent_on)
        self.spend_amount.setValue(s.amount)
        self.spend_description.setText(s.description)
        if s.action_id is not None and self.action_box.findData(s.action_id) < 0:
            self.action_box.addItem(f"{s.action_title} ({label(s.action_status or '')})", s.action_id)
        select_data(self.action_box, s.action_id)
        self.save_spend_button.setText(_("Save spend"))

    # -- editing --------------------------------------------------------------------------------

    def new_line(self, clear_selection: bool = True) -> None:
        self.line_id = None
        if clear_selection:
            self.lines.clearSelection()
        select_data(self.category_box, "facilities")
        self.title_edit.setText("")
        self.planned_box.setValue(0)
        self.note_edit.setText("")
        self.line_state.setText(_("New line for {year} — not saved yet.").format(year=self.selected_year()))
        self.error.clear_error()
        self._fill_spends()

    def line_input(self) -> ops.BudgetItemInput:
        return ops.BudgetItemInput(
            year=self.selected_year(),
            category=str(self.category_box.currentData()),
            title=self.title_edit.text(),
            planned_amount=int(self.planned_box.value()),
            note=self.note_edit.text() or None,
        )

    def save_line(self) -> None:
        self.error.clear_error()

        def saved(new_id: str) -> None:
            self.line_id = new_id
            self.refresh()

        ops.save_item(self.ctx, self, self.line_id, self.line_input(), saved, self.error.show_error)

    def delete_line(self) -> None:
        if self.line_id is None:
            return
        if not common.confirm(self, _("Delete this budget line?")):
            return
        self.error.clear_error()

        def deleted(_changes: object) -> None:
            self.line_id = None
            self.refresh()

        ops.delete_item(self.ctx, self, self.line_id, deleted, self.error.show_error)

    def new_spend(self) -> None:
        self.spend_id = None
        self.spends.clearSelection()
        if self.line_id is not None:
            select_data(self.spend_line_box, self.line_id)
        day = self.today if self.today.year == self.selected_year() else date(self.selected_year(), 12, 31)
        self.spend_date.set_value(day)
        self.spend_amount.setValue(0)
        self.spend_description.setText("")
        self.action_box.setCurrentIndex(0)
        self.save_spend_button.setText(_("Add spend"))
        self.error.clear_error()

    def choose_action(self, action_id: str | None) -> None:
        select_data(self.action_box, action_id)

    def spend_input(self) -> ops.SpendInput | None:
        line_id = self.spend_line_box.currentData()
        if line_id is None:
            return None
        action_id = self.action_box.currentData()
        if self.action_box.currentIndex() > 0 and self.action_box.currentText() != self.action_box.itemText(
            self.action_box.currentIndex()
        ):
            action_id = None  # typed text that matches no action
        return ops.SpendInput(
            budget_item_id=str(line_id),
            spent_on=self.spend_date.value() or self.today,
            amount=int(self.spend_amount.value()),
            description=self.spend_description.text(),
            action_id=str(action_id) if action_id else None,
        )

    def save_spend(self) -> None:
        self.error.clear_error()
        values = self.spend_input()
        if values is None:
            self.error.setText(_("Add a budget line first; spending is recorded against a line."))
            self.error.show()
            return

        def saved(new_id: str) -> None:
            self.spend_id = new_id
            self.save_spend_button.setText(_("Save spend"))
            self.refresh()

        if self.spend_id is None:
            ops.record_spend(self.ctx, self, values, saved, self.error.show_error)
        else:
            ops.update_spend(self.ctx, self, self.spend_id, values, saved, self.error.show_error)

    def delete_spend(self) -> None:
        if self.spend_id is None:
            return
        if not common.confirm(self, _("Delete this spend?")):
            return
        self.error.clear_error()

        def deleted(_changes: object) -> None:
            self.spend_id = None
            self.refresh()

        ops.delete_spend(self.ctx, self, self.spend_id, deleted, self.error.show_error)

    # -- Screen commands ------------------------------------------------------------------------

    def new_record(self) -> None:
        self.new_line()

    def save(self) -> None:
        self.save_line()

    def open_filtered(self, filters: dict[str, object]) -> None:
        """``{"year": 2026}`` shows that year's budget."""
        year = filters.get("year")
        if isinstance(year, int):
            if self.year_box.findData(year) < 0:
                self.year_box.addItem(str(year), year)
            select_data(self.year_box, year)
