"""Display names for the codes the form screens show, the shared style sheet and error display.

``ui.labels`` covers the common statuses; form kinds, question types and hazard groups are only shown
by these screens, so their names live here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMessageBox, QStyledItemDelegate, QWidget

from safetydesk.core.errors import UserError
from safetydesk.core.forms.schema import Text
from safetydesk.core.i18n import N_, _, current_language

KIND_LABELS: Mapping[str, str] = {
    "inspection": N_("Inspection"),
    "prework_check": N_("Pre-work check"),
    "permit": N_("Work permit"),
    "tbm": N_("TBM"),
    "drill": N_("Drill"),
    "minutes": N_("Minutes"),
    "evaluation": N_("Evaluation"),
}

ORIGIN_LABELS: Mapping[str, str] = {"shipped": N_("Shipped"), "user": N_("User")}

TYPE_LABELS: Mapping[str, str] = {
    "yes_no_na": N_("Pass / fail / N.A."),
    "number": N_("Number"),
    "text": N_("Text"),
    "date": N_("Date"),
    "datetime": N_("Date and time"),
    "person": N_("Person"),
    "people": N_("People"),
    "signature": N_("Signature"),
    "photo": N_("Photo"),
    "choice": N_("Choice"),
    "gas_readings": N_("Gas readings"),
}

HAZARD_LABELS: Mapping[str, str] = {
    "fall": N_("Fall"),
    "struck": N_("Struck by object"),
    "caught": N_("Caught in machinery"),
    "electrical": N_("Electrical"),
    "chemical": N_("Chemical"),
    "cardio_heat": N_("Heart and heat stress"),
    "fire_explosion": N_("Fire and explosion"),
    "other": N_("Other"),
}

SEVERITY_LABELS: Mapping[str, str] = {"high": N_("High"), "medium": N_("Medium"), "low": N_("Low")}

STATUS_LABELS: Mapping[str, str] = {"draft": N_("Draft"), "completed": N_("Completed")}

ALL_CODES: Mapping[str, str] = {**KIND_LABELS, **ORIGIN_LABELS}

PASS_COLOR = "#2e7d32"
FAIL_COLOR = "#c62828"
NA_COLOR = "#546e7a"
PROBLEM_COLOR = "#b00020"
OUT_OF_LIMIT_BG = "#fde2e2"

STYLE = f"""
QFrame#questionCard {{ background: #ffffff; border: 1px solid #d5dae1; border-radius: 4px; }}
QFrame#questionCard[problem="true"] {{ border: 2px solid {PROBLEM_COLOR}; }}
QFrame#questionCard[dropTarget="true"] {{ border: 2px dashed #1b4f8a; background: #eef4fb; }}
QFrame#sectionBox {{ background: #f4f6f9; border: none; }}
QLabel#sectionTitle {{ font-size: 12pt; font-weight: bold; color: #1b4f8a; padding: 2px 0; }}
QLabel#questionNo {{ color: #6b7785; font-weight: bold; }}
QLabel#questionText {{ font-size: 10.5pt; }}
QLabel#help, QLabel#meta {{ color: #5f6b7a; }}
QLabel#problem {{ color: {PROBLEM_COLOR}; font-weight: bold; }}
QLabel#formTitle {{ font-size: 15pt; font-weight: bold; }}
QFrame#legalBasis {{ background: #fff8e1; border: 1px solid #f0d98c; border-radius: 4px; }}
QFrame#findingsBox {{ background: #fdecea; border: 1px solid #f3b7b1; border-radius: 4px; }}
QLabel#statusChip {{ border-radius: 9px; padding: 2px 10px; color: white; background: #1b4f8a; }}
QLabel#statusChip[status="completed"] {{ background: {PASS_COLOR}; }}
QLabel#statusChip[status="draft"] {{ background: #ef6c00; }}
QPushButton#pass:checked {{ background: {PASS_COLOR}; color: white; border: 1px solid {PASS_COLOR}; }}
QPushButton#fail:checked {{ background: {FAIL_COLOR}; color: white; border: 1px solid {FAIL_COLOR}; }}
QPushButton#na:checked {{ background: {NA_COLOR}; color: white; border: 1px solid {NA_COLOR}; }}
QPushButton#pass, QPushButton#fail, QPushButton#na {{ padding: 4px 12px; min-width: 70px; }}
QLineEdit[outOfLimit="true"] {{ background: {OUT_OF_LIMIT_BG}; border: 1px solid {FAIL_COLOR}; color: {FAIL_COLOR}; }}
QLineEdit#note[readOnly="true"] {{ border: none; background: transparent; color: #37474f; }}
QLineEdit[invalid="true"] {{ border: 1px solid {PROBLEM_COLOR}; }}
"""


def code_label(code: object, labels: Mapping[str, str] = ALL_CODES) -> str:
    if code is None:
        return ""
    msgid = labels.get(str(code))
    return _(msgid) if msgid else str(code)


def tr(text: Text | None) -> str:
    """A template text in the user's language."""
    return text.get(current_language()) if text is not None else ""


def fmt_number(value: float) -> str:
    return f"{value:g}" if math.isfinite(value) else str(value)


def limits_text(low: float | None, high: float | None, high_exclusive: bool, unit: str | None = None) -> str:
    """``18 ≤ x < 23.5 %`` — the law's 이상/미만 written the same way in both languages."""
    unit_text = f" {unit}" if unit else ""
    if low is not None and high is not None:
        return f"{fmt_number(low)} ≤ x {'<' if high_exclusive else '≤'} {fmt_number(high)}{unit_text}"
    if low is not None:
        return f"x ≥ {fmt_number(low)}{unit_text}"
    if high is not None:
        return f"x {'<' if high_exclusive else '≤'} {fmt_number(high)}{unit_text}"
    return ""


def error_text(exc: BaseException) -> str:
    if isinstance(exc, UserError):
        return exc.text()
    return _("Something went wrong: {error}").format(error=str(exc) or type(exc).__name__)


def show_error(parent: QWidget, exc: BaseException, title: str | None = None) -> None:
    """A window-modal message that does not block the event loop (tests and timers keep running)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title or _("SafetyDesk"))
    box.setText(error_text(exc))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()


class CodeDelegate(QStyledItemDelegate):
    """Shows a stored code column (kind, origin) by its name in the user's language."""

    def __init__(self, labels: Mapping[str, str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.labels = labels

    def displayText(self, value: object, locale: object) -> str:  # type: ignore[override]
        return code_label(value, self.labels)
