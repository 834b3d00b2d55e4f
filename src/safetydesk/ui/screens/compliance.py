"""SAPA duties (중대재해 의무): the 13 duties of Decree Art. 4 and 5 per half-year, computed by the
compliance engine from the records, with their evidence and gaps, the half-yearly check (officer's
review, owner's confirmation and signature, then locked for 5 years: Decree Art. 13), the continuous
risk-assessment tracker (상시평가) and the evidence binder.

Nothing here imports ``core.compliance``: the operations load it inside their jobs on the database lane.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from safetydesk.core.domain.legal import HalfYear
from safetydesk.core.errors import UserError
from safetydesk.core.i18n import N_, _, current_language
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations import compliance as ops
from safetydesk.ui.screens.base import Screen

if TYPE_CHECKING:
    from safetydesk.core.compliance.model import DutyStatus, Evidence, Gap
    from safetydesk.ui.reports import ReportDialog
    from safetydesk.ui.screens.inspections.media import SignatureDialog

log = logging.getLogger(__name__)

DASH = "—"
STATUS_COLOURS = {"met": "#2e7d32", "partly": "#f9a825", "missing": "#c62828", "not_applicable": "#9e9e9e"}
STATUS_LABELS = {
    "met": N_("Met"),
    "partly": N_("Partly met"),
    "missing": N_("Missing"),
    "not_applicable": N_("Not applicable"),
}
INDUSTRY_LABELS = {"manufacturing": N_("manufacturing"), "shipbuilding": N_("shipbuilding")}
COLUMNS = (N_("No."), N_("Duty"), N_("Status"), N_("Evidence"), N_("Gaps"), N_("Half-yearly check"))
COL_NO, COL_DUTY, COL_STATUS, COL_EVIDENCE, COL_GAPS, COL_CHECK = range(6)

# A filter value that stands for the evidence record's id (the target screen selects that record).
RECORD_ID = "{record_id}"

# Where an evidence record lives: table -> (screen key, filters).
ENTITY_SCREENS: dict[str, tuple[str, dict[str, object]]] = {
    "policies": ("policies", {}),
    "objectives": ("policies", {}),
    "risk_assessments": ("risk", {}),
    "risk_items": ("risk", {}),
    "drills": ("emergency", {}),
    "emergency_manuals": ("emergency", {}),
    "trainings": ("people", {"tab": "trainings"}),
    "training_attendance": ("people", {"tab": "trainings"}),
    "suggestions": ("incidents", {"tab": "suggestions"}),
    "incidents": ("incidents", {}),
    "corrective_actions": ("actions", {}),
    "form_records": ("inspections", {}),
    "people": ("people", {}),
    "appointments": ("people", {"tab": "appointments"}),
    "role_evaluations": ("people", {"tab": "appointments"}),
    "contractors": ("contractors", {"contractor_id": RECORD_ID}),
    "contractor_evaluations": ("contractors", {"evaluation_id": RECORD_ID}),
    "budget_spend": ("budget", {}),
    "budget_items": ("budget", {}),
}

# What a gap's button starts: Gap.start -> (caption, screen key, filters, start a new record there).
START_TARGETS: dict[str, tuple[str, str, dict[str, object], bool]] = {
    "policy": (N_("New policy"), "policies", {}, True),
    "objective": (N_("Set objectives"), "policies", {"year": None}, True),
    "risk_assessment": (N_("New risk assessment"), "risk", {}, True),
    "owner_report": (N_("Open risk assessments"), "risk", {}, False),
    "drill": (N_("Plan a drill"), "emergency", {}, True),
    "emergency_manual": (N_("Open the emergency manual"), "emergency", {}, False),
    "contractor_evaluation": (N_("Open contractors"), "contractors", {}, False),
    "contractor": (N_("Open contractors"), "contractors", {}, False),
    "training": (N_("New training"), "people", {"tab": "trainings"}, True),
    "suggestion": (N_("New worker suggestion"), "incidents", {"tab": "suggestions"}, True),
    "appointment": (N_("Open appointments"), "people", {"tab": "appointments"}, False),
    "role_evaluation": (N_("Open appointments"), "people", {"tab": "appointments"}, False),
    "staffing": (N_("Open appointments"), "people", {"tab": "appointments"}, False),
    "budget": (N_("Open the budget"), "budget", {"year": None}, False),
    "corrective_action": (N_("Go to corrective actions"), "actions", {}, False),
    "action": (N_("Go to corrective actions"), "actions", {}, False),
    "spend": (N_("Open the budget"), "budget", {"year": None}, False),
    "tbm": (N_("Open inspections and TBM"), "inspections", {}, False),
    "inspection": (N_("Open inspections and TBM"), "inspections", {}, False),
    "compliance_check": (N_("Record the review"), "compliance", {}, False),
    "owner_confirmation": (N_("Confirm receipt below"), "compliance", {}, False),
}


# -- formatting (pure) -----------------------------------------------------------------------------


def duty_number(code: str) -> str:
    """``sapa_4_3`` → ``4-3``; ``sapa_5_2_1`` → ``5②-1``."""
    parts = code.removeprefix("sapa_").split("_")
    if len(parts) == 3 and parts[1] == "2":
        return f"{parts[0]}②-{parts[2]}"
    return "-".join(parts)


def period_label(code: str) -> str:
    half = HalfYear.parse(code)
    text = _("{year} first half (Jan–Jun)") if half.half == 1 else _("{year} second half (Jul–Dec)")
    return text.format(year=half.year)


def status_text(status: str) -> str:
    return _(STATUS_LABELS.get(status, status))


def check_text(duty: DutyStatus) -> str:
    check = duty.check
    if (check is None or check.reviewed_on is None) and not duty.half_yearly:
        return DASH  # no half-yearly check is required; one may still be recorded
    if check is None or check.reviewed_on is None:
        return _("Not reviewed")
    if check.locked:
        return _("Owner confirmed {day}").format(day=check.owner_confirmed_on or DASH)
    return _("Reviewed {day}").format(day=check.reviewed_on)


def _day_text(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _render(value: object) -> str:
    render = getattr(value, "render", None)
    return str(render(current_language())) if callable(render) else str(value)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(edit: QDateEdit) -> date:
    value = edit.date()
    return date(value.year(), value.month(), value.day())


def _error_text(exc: Exception) -> str:
    if isinstance(exc, UserError):
        return exc.text()
    log.error("compliance screen: %s", getattr(exc, "__traceback_text__", repr(exc)))
    return _("Something went wrong: {error}").format(error=f"{type(exc).__name__}: {exc}")


class GapRow(QFrame):
    """One gap in plain words with the button that starts the record closing it."""

    def __init__(self, gap: Gap, on_start: Callable[[Gap], None]) -> None:
        super().__init__()
        self.gap = gap
        self.setObjectName(f"gap-{gap.start or 'none'}")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 2, 0, 2)
        text = escape(_render(gap.message))
        if gap.due is not None:
            text += (
                f" <span style='color:#666'>({escape(_('due {day}').format(day=gap.due.isoformat()))})</span>"
            )
        self.label = QLabel(f"<span style='color:#c62828'>●</span> {text}")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        row.addWidget(self.label, 1)
        self.button: QPushButton | None = None
        if gap.start in START_TARGETS:
            caption = START_TARGETS[gap.start or ""][0]
            self.button = QPushButton(_(caption))
            self.button.setObjectName(f"start-{gap.start}")
            self.button.clicked.connect(lambda: on_start(gap))
            row.addWidget(self.button, 0, Qt.AlignmentFlag.AlignTop)


class ComplianceScreen(Screen):
    key = "compliance"
    title_msgid = N_("SAPA duties")
    #: The day the statuses are computed for (None: today). Tests fix it.
    today: date | None = None

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.view: ops.ComplianceView | None = None
        self.period: str | None = None
        self.selected: str | None = None  # duty code
        self.loading = False
        self.signature_png: bytes | None = None
        self.signature_dialog: SignatureDialog | None = None
        self.binder_dialog: ReportDialog | None = None
        self._pending: dict[str, object] = {}
        self._review_dirty = False
        self._dirty_duty: str | None = None
        self._filling = False
        self._fit_pending = False
        self._serial = 0

        top = QHBoxLayout()
        top.addWidget(QLabel(_("Period")))
        self.period_box = QComboBox()
        self.period_box.setObjectName("compliance-period")
        self.period_box.setMinimumWidth(200)
        self.period_box.currentIndexChanged.connect(self._period_chosen)
        top.addWidget(self.period_box)
        self.facts = QLabel(_("Computing the duties from the records…"))
        self.facts.setObjectName("compliance-facts")
        self.facts.setWordWrap(True)
        top.addWidget(self.facts, 1)
        self.binder_button = QPushButton(_("Binder…"))
        self.binder_button.setObjectName("compliance-binder")
        self.binder_button.setToolTip(_("One PDF with every duty, its status and its evidence records"))
        self.binder_button.clicked.connect(self.open_binder)
        top.addWidget(self.binder_button)
        self.layout_.addLayout(top)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("compliance-tabs")
        self.layout_.addWidget(self.tabs, 1)

        # duties: table | detail
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("compliance-duties")
        self.table.setHorizontalHeaderLabels([_(c) for c in COLUMNS])
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setMinimumSectionSize(28)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)  # long Korean duty titles wrap instead of being cut
        header = self.table.horizontalHeader()
        header.sectionResized.connect(self._fit_rows_later)
        header.setSectionResizeMode(COL_DUTY, QHeaderView.ResizeMode.Stretch)
        for column in (COL_NO, COL_STATUS, COL_EVIDENCE, COL_GAPS, COL_CHECK):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._row_selected)
        splitter.addWidget(self.table)

        detail = QWidget()
        self.detail_layout = box = QVBoxLayout(detail)
        self.heading = QLabel("")
        self.heading.setObjectName("duty-heading")
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-weight: bold; font-size: 12pt;")
        box.addWidget(self.heading)
        self.legal = QLabel("")
        self.legal.setObjectName("duty-legal")
        self.legal.setWordWrap(True)
        self.legal.setStyleSheet("color: #555;")
        box.addWidget(self.legal)
        self.reason = QLabel("")
        self.reason.setObjectName("duty-reason")
        self.reason.setWordWrap(True)
        self.reason.setTextFormat(Qt.TextFormat.RichText)
        box.addWidget(self.reason)

        self.evidence_box = QGroupBox(_("Evidence"))
        evidence_layout = QVBoxLayout(self.evidence_box)
        self.evidence = QListWidget()
        self.evidence.setObjectName("duty-evidence")
        self.evidence.setToolTip(_("Double-click a record to open its screen"))
        self.evidence.setMaximumHeight(110)
        self.evidence.itemDoubleClicked.connect(self._evidence_opened)
        evidence_layout.addWidget(self.evidence)
        box.addWidget(self.evidence_box)

        self.gaps_box = QGroupBox(_("Gaps"))
        self.gaps_layout = QVBoxLayout(self.gaps_box)
        self.gap_rows: list[GapRow] = []
        box.addWidget(self.gaps_box)

        self.check_box = QGroupBox(_("Half-yearly check"))
        self.check_box.setObjectName("duty-check")
        check = QVBoxLayout(self.check_box)
        self.check_state = QLabel("")
        self.check_state.setObjectName("check-state")
        self.check_state.setWordWrap(True)
        self.check_state.setTextFormat(Qt.TextFormat.RichText)
        check.addWidget(self.check_state)
        form = QFormLayout()
        self.reviewer = QLineEdit()
        self.reviewer.setObjectName("check-reviewer")
        self.reviewed_on = QDateEdit()
        self.reviewed_on.setObjectName("check-reviewed-on")
        self.findings = QPlainTextEdit()
        self.findings.setObjectName("check-findings")
        self.findings.setPlaceholderText(_("What was checked, what was found, what will be done"))
        self.findings.setFixedHeight(70)
        form.addRow(_("Reviewer (safety officer)"), self.reviewer)
        form.addRow(_("Reviewed on"), self.reviewed_on)
        form.addRow(_("Findings and actions"), self.findings)
        check.addLayout(form)
        self.review_button = QPushButton(_("Record review"))
        self.review_button.setObjectName("check-record-review")
        self.review_button.clicked.connect(self.record_review)
        check.addWidget(self.review_button, 0, Qt.AlignmentFlag.AlignRight)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        check.addWidget(line)
        owner_form = QFormLayout()
        self.owner_name = QLineEdit()
        self.owner_name.setObjectName("check-owner-name")
        self.confirmed_on = QDateEdit()
        self.confirmed_on.setObjectName("check-confirmed-on")
        signature_row = QHBoxLayout()
        self.signature_preview = QLabel(_("Not signed"))
        self.signature_preview.setObjectName("check-signature")
        self.signature_preview.setFixedSize(180, 56)
        self.signature_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.signature_preview.setStyleSheet("background: white; border: 1px solid #c9ced6; color: #8a939e;")
        self.sign_button = QPushButton(_("Sign…"))
        self.sign_button.setObjectName("check-sign")
        self.sign_button.clicked.connect(self.open_signature)
        signature_row.addWidget(self.signature_preview)
        signature_row.addWidget(self.sign_button)
        signature_row.addStretch(1)
        owner_form.addRow(_("Owner (경영책임자)"), self.owner_name)
        owner_form.addRow(_("Received on"), self.confirmed_on)
        owner_form.addRow(_("Signature"), signature_row)
        check.addLayout(owner_form)
        self.confirm_button = QPushButton(_("Confirm receipt"))
        self.confirm_button.setObjectName("check-confirm")
        self.confirm_button.clicked.connect(self.confirm_receipt)
        check.addWidget(self.confirm_button, 0, Qt.AlignmentFlag.AlignRight)
        self.check_message = QLabel("")
        self.check_message.setObjectName("check-message")
        self.check_message.setWordWrap(True)
        check.addWidget(self.check_message)
        box.addWidget(self.check_box)
        box.addStretch(1)
        for edit in (self.reviewed_on, self.confirmed_on):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        for widget in (self.reviewer, self.findings):
            (widget.textChanged).connect(self._review_edited)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(detail)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 4)
        splitter.setSizes([560, 460])
        self.tabs.addTab(splitter, _("Duties"))

        # obligations from the site's facts
        self.obligations = QTableWidget(0, 4)
        self.obligations.setObjectName("compliance-obligations")
        self.obligations.setHorizontalHeaderLabels(
            [_("Obligation"), _("Applies"), _("Legal source"), _("Why")]
        )
        self.obligations.verticalHeader().hide()
        self.obligations.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.obligations.setWordWrap(True)
        header = self.obligations.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(self._fit_rows_later)
        self.tabs.addTab(self.obligations, _("Obligations"))

        # continuous risk assessment (상시평가)
        tracker = QWidget()
        tracker_layout = QVBoxLayout(tracker)
        intro = QLabel(
            _(
                "Continuous risk assessment (상시평가) counts as the periodic assessment in a month with "
                "hazard discovery, a weekly review every week and a TBM on every work day."
            )
        )
        intro.setWordWrap(True)
        intro.setStyleSheet("color: #555;")
        tracker_layout.addWidget(intro)
        self.months = QTableWidget(0, 5)
        self.months.setObjectName("compliance-months")
        self.months.setHorizontalHeaderLabels(
            [_("Month"), _("Deemed"), _("Weekly reviews missing"), _("TBM days missing"), _("Why")]
        )
        self.months.verticalHeader().hide()
        self.months.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.months.setWordWrap(True)
        header = self.months.horizontalHeader()
        for column in range(4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.months.setColumnWidth(2, 200)
        self.months.setColumnWidth(3, 240)
        header.sectionResized.connect(self._fit_rows_later)
        tracker_layout.addWidget(self.months, 1)
        self.months_note = QLabel("")
        self.months_note.setObjectName("compliance-months-note")
        self.months_note.setWordWrap(True)
        tracker_layout.addWidget(self.months_note)
        self.tabs.addTab(tracker, _("Continuous risk assessment"))
        self.tabs.currentChanged.connect(self._fit_rows_later)
        self._show_duty(None)

    def _fit_rows_later(self, *_args: object) -> None:
        """Wrapped cells get their height once the columns have their final widths."""
        if not self._fit_pending:
            self._fit_pending = True
            QTimer.singleShot(0, self._fit_rows)

    def _fit_rows(self) -> None:
        self._fit_pending = False
        for table in (self.table, self.obligations, self.months):
            table.resizeRowsToContents()

    # -- loading ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        self.load(self.period)

    def load(self, period: str | None) -> None:
        self.loading = True
        self._serial += 1
        serial = self._serial

        def done(view: ops.ComplianceView) -> None:
            if serial == self._serial:  # a newer request (e.g. another period) supersedes this one
                self._loaded(view)

        def failed(exc: Exception) -> None:
            if serial == self._serial:
                self._failed(exc)

        ops.load_compliance(self.ctx, self, period, self.today, done, failed)

    def _failed(self, exc: Exception) -> None:
        self.loading = False
        self.facts.setText(_("The duties could not be computed: {error}").format(error=_error_text(exc)))
        self.facts.setStyleSheet("color: #b00020;")

    def _loaded(self, view: ops.ComplianceView) -> None:
        self.loading = False
        self.view = view
        report = view.report
        self.period = report.period
        self.facts.setStyleSheet("")
        self._fill_periods(view.periods, report.period)
        industry = _(INDUSTRY_LABELS.get(report.industry, report.industry)) if report.industry else DASH
        self.facts.setText(
            _("{site}: {workers} workers, {industry}, {contractors} contractor workers — as of {day}").format(
                site=report.site_name or DASH,
                workers=report.workers,
                industry=industry,
                contractors=report.contractor_workers,
                day=report.as_of.isoformat(),
            )
        )
        self._fill_duties()
        self._fill_obligations()
        self._fill_months()
        pending, self._pending = self._pending, {}
        duty = pending.get("duty")
        code = duty if isinstance(duty, str) else self.selected
        codes = [d.code for d in report.duties]
        self.select_duty(code if code in codes else (codes[0] if codes else None))
        message = pending.get("message")
        if isinstance(message, str):
            self._say(message)

    def _fill_periods(self, periods: Sequence[str], current: str) -> None:
        self._filling = True
        self.period_box.clear()
        for code in periods:
            self.period_box.addItem(period_label(code), code)
        self.period_box.setCurrentIndex(max(0, self.period_box.findData(current)))
        self._filling = False

    def _period_chosen(self, index: int) -> None:
        if self._filling or index < 0:
            return
        code = self.period_box.itemData(index)
        if isinstance(code, str) and code != self.period:
            self.set_period(code)

    def set_period(self, code: str) -> None:
        """Show another half-year (the table re-computes from the records)."""
        self.period = code
        index = self.period_box.findData(code)
        if index >= 0 and index != self.period_box.currentIndex():
            self._filling = True
            self.period_box.setCurrentIndex(index)
            self._filling = False
        self.load(code)

    def _fill_duties(self) -> None:
        assert self.view is not None
        duties = self.view.report.duties
        self.table.blockSignals(True)
        self.table.setRowCount(len(duties))
        for row, duty in enumerate(duties):
            status = str(duty.status)
            reason = _render(duty.reason)
            cells = (
                duty_number(duty.code),
                duty.title(),
                f"● {status_text(status)}",
                str(len(duty.evidence)),
                str(len(duty.gaps)),
                check_text(duty),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, duty.code)
                if column == COL_STATUS:
                    item.setForeground(QColor(STATUS_COLOURS.get(status, "#444")))
                    item.setToolTip(reason)
                elif column == COL_DUTY:
                    item.setToolTip(f"{duty.title()}\n{duty.legal_ref}")
                elif column == COL_GAPS and duty.gaps:
                    item.setForeground(QColor("#c62828"))
                if column in (COL_EVIDENCE, COL_GAPS):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, column, item)
        self.table.blockSignals(False)
        self.table.resizeRowsToContents()

    def _fill_obligations(self) -> None:
        assert self.view is not None
        obligations = self.view.report.obligations
        lang = current_language()
        self.obligations.setRowCount(len(obligations))
        for row, ob in enumerate(obligations):
            cells = (
                ob.label_en if lang == "en" else ob.label_ko,
                _("Yes") if ob.applies else _("No"),
                ob.source,
                _render(ob.reason),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if column == 1:
                    item.setForeground(QColor("#2e7d32" if ob.applies else "#757575"))
                self.obligations.setItem(row, column, item)
        self.obligations.resizeRowsToContents()

    def _fill_months(self) -> None:
        assert self.view is not None
        months = self.view.months
        self.months.setRowCount(len(months))
        for row, track in enumerate(months):
            month = getattr(track, "month", None)
            deemed = bool(getattr(track, "deemed", False))
            complete = bool(getattr(track, "complete", True))
            weeks = [_day_text(w) for w in getattr(track, "weekly_reviews_missing", ())]
            days = [_day_text(d) for d in getattr(track, "tbm_days_missing", ())]
            reasons = [_render(r) for r in getattr(track, "reasons", ())]
            if not getattr(track, "discovery_done", True):
                reasons.insert(0, _("No hazard discovery this month"))
            cells = (
                month.strftime("%Y-%m") if isinstance(month, date) else str(month),
                _("Deemed") if deemed else (_("Not deemed") if complete else _("Month not over")),
                ", ".join(weeks) or DASH,
                ", ".join(days) or DASH,
                " ".join(dict.fromkeys(reasons)) or DASH,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if column == 1:
                    item.setForeground(
                        QColor("#2e7d32" if deemed else ("#c62828" if complete else "#757575"))
                    )
                self.months.setItem(row, column, item)
        self._fit_rows_later()
        if self.view.months_error:
            self.months_note.setText(_("The continuous risk-assessment tracker is not available."))
        else:
            self.months_note.setText(
                _("{deemed} of {count} months deemed.").format(
                    deemed=sum(1 for m in months if getattr(m, "deemed", False)), count=len(months)
                )
            )

    # -- the selected duty -----------------------------------------------------------------------

    def duty(self, code: str | None = None) -> DutyStatus | None:
        code = code or self.selected
        if self.view is None or code is None:
            return None
        for duty in self.view.report.duties:
            if duty.code == code:
                return duty
        return None

    def select_duty(self, code: str | None) -> None:
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == code:
                self.table.blockSignals(True)
                self.table.selectRow(row)
                self.table.blockSignals(False)
                break
        self._show_duty(self.duty(code))

    def _row_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        item = self.table.item(rows[0].row(), 0)
        code = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if isinstance(code, str) and code != self.selected:
            self._show_duty(self.duty(code))

    def _show_duty(self, duty: DutyStatus | None) -> None:
        self.selected = duty.code if duty is not None else None
        self.evidence.clear()
        for row in self.gap_rows:
            row.setParent(None)
            row.deleteLater()
        self.gap_rows = []
        while self.gaps_layout.count():
            self.gaps_layout.takeAt(0)
        self.check_message.setText("")
        if duty is None:
            self.heading.setText(_("Choose a duty on the left."))
            for widget in (self.legal, self.reason, self.check_state):
                widget.setText("")
            self.evidence_box.setTitle(_("Evidence"))
            self.gaps_box.setTitle(_("Gaps"))
            self.check_box.setEnabled(False)
            return
        self.check_box.setEnabled(True)
        status = str(duty.status)
        self.heading.setText(f"{duty_number(duty.code)} · {duty.title()}")
        legal = duty.legal_ref
        if duty.half_yearly:
            legal += " · " + _("at least once per half-year")
        if duty.iso45001:
            legal += " · ISO 45001 " + ", ".join(duty.iso45001)
        self.legal.setText(legal)
        self.reason.setText(
            f"<span style='color:{STATUS_COLOURS.get(status, '#444')}; font-size:14pt'>●</span> "
            f"<b>{escape(status_text(status))}</b> — {escape(_render(duty.reason))}"
        )
        self.evidence_box.setTitle(_("Evidence ({count})").format(count=len(duty.evidence)))
        for ev in duty.evidence:
            when = ev.on.isoformat() if ev.on else DASH
            item = QListWidgetItem(f"{when}  {ev.title}")
            item.setData(Qt.ItemDataRole.UserRole, ev)
            target = ENTITY_SCREENS.get(ev.entity)
            item.setToolTip(
                ev.entity if target else _("{entity} (no screen to open)").format(entity=ev.entity)
            )
            self.evidence.addItem(item)
        if not duty.evidence:
            placeholder = QListWidgetItem(_("No records count towards this duty in the period."))
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.evidence.addItem(placeholder)
        self.gaps_box.setTitle(_("Gaps ({count})").format(count=len(duty.gaps)))
        for gap in duty.gaps:
            gap_row = GapRow(gap, self.start_gap)
            self.gap_rows.append(gap_row)
            self.gaps_layout.addWidget(gap_row)
        if not duty.gaps:
            self.gaps_layout.addWidget(QLabel(_("Nothing missing.")))
        self._show_check(duty)

    def _show_check(self, duty: DutyStatus) -> None:
        check = duty.check
        self._filling = True
        today = self.today or date.today()
        reviewed = check is not None and check.reviewed_on is not None
        locked = bool(check is not None and check.locked)
        keep_typed = self._review_dirty and self._dirty_duty == duty.code and not locked
        if not keep_typed:  # a refresh must not throw away a review being typed
            self.reviewer.setText((check.reviewer or "") if check else "")
            self.findings.setPlainText((check.findings or "") if check else "")
        self.reviewed_on.setDate(_qdate(check.reviewed_on if check and check.reviewed_on else today))
        self.owner_name.setText((check.owner_name or "") if check else "")
        self.confirmed_on.setDate(
            _qdate(check.owner_confirmed_on if check and check.owner_confirmed_on else today)
        )
        self._set_signature(None)
        self._filling = False
        self._review_dirty = keep_typed
        for widget in (self.reviewer, self.owner_name):
            widget.setReadOnly(locked)
        self.findings.setReadOnly(locked)
        for edit in (self.reviewed_on, self.confirmed_on):
            edit.setReadOnly(locked)
        self.review_button.setEnabled(not locked)
        self.sign_button.setEnabled(reviewed and not locked)
        self.confirm_button.setEnabled(reviewed and not locked)
        self.confirm_button.setToolTip("" if reviewed else _("Record the review first."))
        if locked and check is not None:
            keep = self.view.retention.get(check.record_id, "") if self.view else ""
            text = _("Confirmed by {owner} on {day}. Locked: read-only, kept until {until}.").format(
                owner=check.owner_name or DASH,
                day=check.owner_confirmed_on or DASH,
                until=keep or DASH,
            )
            self.check_state.setText(f"🔒 <b>{escape(text)}</b>")
            self.signature_preview.setText(_("Signed"))
        elif reviewed and check is not None:
            self.check_state.setText(
                escape(
                    _("Reviewed by {reviewer} on {day}; waiting for the owner's confirmation.").format(
                        reviewer=check.reviewer or DASH, day=check.reviewed_on
                    )
                )
            )
        else:
            self.check_state.setText(
                escape(_("Not reviewed yet for {period}.").format(period=period_label(self.period or "")))
                if self.period
                else ""
            )

    def _review_edited(self) -> None:
        if not self._filling:
            self._review_dirty = True
            self._dirty_duty = self.selected

    def _set_signature(self, png: bytes | None) -> None:
        self.signature_png = png
        self.signature_preview.setPixmap(QPixmap())
        if png is None:
            self.signature_preview.setText(_("Not signed"))
            return
        image = QImage.fromData(png)
        self.signature_preview.setPixmap(
            QPixmap.fromImage(image).scaled(
                self.signature_preview.size() - QSize(6, 6),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )

    def set_signature(self, png: bytes | None) -> None:
        """The owner's signature as a PNG (from the signature pad)."""
        self._set_signature(png)

    def open_signature(self) -> SignatureDialog:
        from safetydesk.ui.screens.inspections.media import SignatureDialog

        dialog = SignatureDialog(self.window())
        self.signature_dialog = dialog
        dialog.accepted.connect(lambda: self._set_signature(dialog.pad.png_bytes()))
        dialog.open()
        return dialog

    # -- the half-yearly check ------------------------------------------------------------------

    def _say(self, text: str, error: bool = False) -> None:
        self.check_message.setText(text)
        self.check_message.setStyleSheet("color: #b00020;" if error else "color: #2e7d32;")

    def record_review(self) -> None:
        duty = self.duty()
        if duty is None or self.period is None or (duty.check is not None and duty.check.locked):
            return
        reviewer = self.reviewer.text().strip()
        findings = self.findings.toPlainText().strip()
        if not reviewer or not findings:
            self._say(_("Enter the reviewer and the findings."), error=True)
            return
        self.review_button.setEnabled(False)
        code = duty.code
        ops.record_review(
            self.ctx,
            self,
            self.period,
            code,
            reviewer=reviewer,
            reviewed_on=_pydate(self.reviewed_on),
            findings=findings,
            on_done=lambda _id: self._after_change(code, _("Review recorded.")),
            on_error=self._change_failed,
        )

    def confirm_receipt(self) -> None:
        duty = self.duty()
        check = duty.check if duty is not None else None
        if duty is None or check is None or check.locked or check.reviewed_on is None:
            return
        owner = self.owner_name.text().strip()
        if not owner:
            self._say(_("Enter the owner's name."), error=True)
            return
        self.confirm_button.setEnabled(False)
        code = duty.code
        ops.confirm_by_owner(
            self.ctx,
            self,
            check.record_id,
            owner_name=owner,
            confirmed_on=_pydate(self.confirmed_on),
            signature_png=self.signature_png,
            on_done=lambda until: self._after_change(
                code, _("Receipt confirmed; the check is locked and kept until {until}.").format(until=until)
            ),
            on_error=self._change_failed,
        )

    def _after_change(self, code: str, message: str) -> None:
        self._review_dirty = False
        self._pending = {"duty": code, "message": message}
        self.load(self.period)

    def _change_failed(self, exc: Exception) -> None:
        duty = self.duty()
        if duty is not None:
            self._show_check(duty)
        self._say(_error_text(exc), error=True)

    # -- going elsewhere -------------------------------------------------------------------------

    def start_gap(self, gap: Gap) -> None:
        """Open the screen where the record closing ``gap`` is made (and start a new one there)."""
        target = START_TARGETS.get(gap.start or "")
        if target is None:
            return
        _caption, key, filters, new = target
        if key == self.key:
            self.tabs.setCurrentIndex(0)
            self.select_duty(gap.duty_code)
            (self.owner_name if gap.start == "owner_confirmation" else self.findings).setFocus()
            return
        filters = dict(filters)
        if "year" in filters:
            filters["year"] = self.view.report.start.year if self.view else (self.today or date.today()).year
        self.go(key, filters, new_record=new)

    def go(self, key: str, filters: dict[str, object], *, new_record: bool = False, then: str = "") -> None:
        self.navigate.emit(key, filters)
        current = getattr(self.window(), "current_screen", None)
        if not callable(current):
            return
        screen = current()
        if not isinstance(screen, Screen) or screen.key != key:
            return
        if new_record:
            screen.new_record()
        elif then:
            opener = getattr(screen, "open_assessment", None)
            if callable(opener):
                opener(then)

    def _evidence_opened(self, item: QListWidgetItem) -> None:
        evidence: Evidence | Any = item.data(Qt.ItemDataRole.UserRole)
        entity = getattr(evidence, "entity", None)
        target = ENTITY_SCREENS.get(entity or "")
        if target is None:
            return
        key, filters = target
        record = str(getattr(evidence, "record_id", ""))
        filters = {k: (record if v == RECORD_ID else v) for k, v in filters.items()}
        self.go(key, filters, then=record if entity == "risk_assessments" else "")

    def open_binder(self) -> ReportDialog | None:
        """The evidence binder (report kind "binder") over the selected half-year."""
        if self.period is None:
            return None
        from safetydesk.core.reports.context import ReportRequest
        from safetydesk.ui.reports import open_report

        half = HalfYear.parse(self.period)
        request = ReportRequest(
            date_from=half.start,
            date_to=half.end,
            lang=current_language(),
            filters={"period": half.code},
            today=self.today,
        )
        self.binder_dialog = open_report(self, self.ctx, "binder", request, period=True, period_required=True)
        return self.binder_dialog

    # -- keyboard commands and the dashboard ------------------------------------------------------

    def save(self) -> None:
        if self.review_button.isEnabled() and self._review_dirty:
            self.record_review()

    def has_unsaved_changes(self) -> bool:
        return self._review_dirty

    def open_filtered(self, filters: dict[str, object]) -> None:
        """``{"duty": "sapa_4_3"}`` selects a duty; ``{"period": "2026H1"}`` shows that half-year."""
        self.tabs.setCurrentIndex(0)
        period = filters.get("period")
        duty = filters.get("duty")
        if isinstance(duty, str):
            self._pending["duty"] = duty
        if isinstance(period, str) and period != self.period:
            self.set_period(period)
        elif isinstance(duty, str) and self.view is not None and not self.loading:
            self._pending.clear()
            self.select_duty(duty)
