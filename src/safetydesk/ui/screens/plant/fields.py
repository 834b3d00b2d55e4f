"""Small form pieces the plant and settings screens share: an optional date, hazard chips, errors."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QToolButton,
    QWidget,
)

from safetydesk.core.domain.plant import HAZARD_TAG_LABELS, HAZARD_TAGS
from safetydesk.core.errors import UserError
from safetydesk.core.i18n import _, current_language

log = logging.getLogger(__name__)
_NO_DATE = QDate(1900, 1, 1)

CHIP_STYLE = """
QPushButton[chip="true"] {
    border: 1px solid #9aa7b4; border-radius: 11px; padding: 3px 10px; background: #f4f6f8; color: #333;
}
QPushButton[chip="true"]:checked { background: #1b4f8a; border-color: #1b4f8a; color: white; }
QPushButton[chip="true"]:focus { border: 2px solid #f9a825; }
"""


class DateField(QWidget):
    """A date that may be empty: a calendar date edit plus a clear button ("—" when empty)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        self.edit = QDateEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setMinimumDate(_NO_DATE)
        self.edit.setSpecialValueText("—")
        self.edit.setDate(_NO_DATE)
        self.clear_button = QToolButton()
        self.clear_button.setText("×")
        self.clear_button.setToolTip(_("Clear the date"))
        self.clear_button.setAutoRaise(True)
        self.clear_button.clicked.connect(lambda: self.set_value(None))
        row.addWidget(self.edit, 1)
        row.addWidget(self.clear_button)
        self.edit.dateChanged.connect(lambda _d: self.changed.emit())
        self.edit.calendarWidget().clicked.connect(lambda _d: self.changed.emit())

    def value(self) -> date | None:
        current = self.edit.date()
        if current == _NO_DATE:
            return None
        return date(current.year(), current.month(), current.day())

    def set_value(self, value: date | str | None) -> None:
        if isinstance(value, str):
            value = date.fromisoformat(value) if value else None
        if value is None:
            self.edit.setDate(_NO_DATE)
        else:
            self.edit.setDate(QDate(value.year, value.month, value.day))

    def setReadOnly(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)
        self.clear_button.setEnabled(not read_only)


def hazard_label(tag: str) -> str:
    labels = HAZARD_TAG_LABELS.get(tag)
    if labels is None:
        return tag.replace("_", " ")
    return labels[0] if current_language() == "ko" else labels[1]


class HazardChips(QWidget):
    """The hazard tags of an area as toggle chips; tags outside the standard set are kept as chips too."""

    changed = Signal()
    COLUMNS = 5

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(CHIP_STYLE)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(4)
        self.grid.setVerticalSpacing(4)
        self.chips: dict[str, QPushButton] = {}
        for tag in HAZARD_TAGS:
            self._add_chip(tag)

    def _add_chip(self, tag: str) -> QPushButton:
        chip = QPushButton(hazard_label(tag))
        chip.setObjectName(f"chip-{tag}")
        chip.setProperty("chip", True)
        chip.setCheckable(True)
        chip.toggled.connect(lambda _on: self.changed.emit())
        index = len(self.chips)
        self.grid.addWidget(chip, index // self.COLUMNS, index % self.COLUMNS)
        self.chips[tag] = chip
        return chip

    def set_tags(self, tags: Iterable[str]) -> None:
        wanted = list(tags)
        for tag in wanted:
            if tag not in self.chips:
                self._add_chip(tag)
        for tag, chip in self.chips.items():
            chip.blockSignals(True)
            chip.setChecked(tag in wanted)
            chip.blockSignals(False)

    def tags(self) -> list[str]:
        return [tag for tag, chip in self.chips.items() if chip.isChecked()]


class FieldError(QLabel):
    """A red message under a field; empty and hidden when the field is fine."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet("color: #b00020;")
        self.setWordWrap(True)
        self.hide()

    def show_message(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))


def show_failure(parent: QWidget, exc: Exception, where: FieldError | None = None) -> None:
    """A ``UserError`` is shown where the user is looking; anything else is a bug, logged and reported."""
    if isinstance(exc, UserError):
        if where is not None:
            where.show_message(exc.text())
        else:
            QMessageBox.warning(parent, "SafetyDesk", exc.text())
        return
    log.error("plant/settings task failed: %s", getattr(exc, "__traceback_text__", repr(exc)))
    QMessageBox.critical(
        parent,
        "SafetyDesk",
        _("Something went wrong and the change was not saved: {error}").format(
            error=f"{type(exc).__name__}: {exc}"
        ),
    )


def confirm_discard(parent: QWidget, what: str) -> bool:
    """Ask before throwing away typed input; True to go on and lose it."""
    answer = QMessageBox.question(
        parent,
        "SafetyDesk",
        _("The {what} has unsaved changes. Discard them?").format(what=what),
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Discard
