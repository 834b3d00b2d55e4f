"""One widget per question type, and the card that frames a question with its note, photos and problems.

Editors hold the answer as the user gives it and return it as ``AnswerData``; the card adds the note
and the photos, and shows what is wrong next to the question when completing is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QDate, QStringListModel, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDropEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QCompleter,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from safetydesk.core.forms.schema import AnswerValue as _AnswerValue
from safetydesk.core.forms.schema import Question, judge_answer
from safetydesk.core.i18n import _
from safetydesk.ui.operations.inspections import AnswerData, GasRowData
from safetydesk.ui.screens.inspections.gas import GasEditor
from safetydesk.ui.screens.inspections.media import FormIO, PhotoStrip, SignatureEditor, image_paths
from safetydesk.ui.screens.inspections.texts import (
    HAZARD_LABELS,
    SEVERITY_LABELS,
    code_label,
    fmt_number,
    limits_text,
    tr,
)

MAX_TEXT_LINES = 6
#: Question types with a small editor; their note sits on the same line.
COMPACT_TYPES = frozenset({"date", "datetime", "person", "choice", "signature"})
#: Question types whose failure can call for photo evidence; they get a photo strip and accept drops.
EVIDENCE_TYPES = frozenset({"yes_no_na", "number", "gas_readings"})


def _restyle(widget: QWidget) -> None:
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class Editor(QWidget):
    """Base of the per-type editors."""

    changed = Signal()

    def __init__(self, question: Question, read_only: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.question = question
        self.read_only = read_only

    def answer(self) -> AnswerData | None:
        """The answer without note and photos; ``None`` when nothing was entered."""
        raise NotImplementedError

    def set_answer(self, answer: AnswerData | None) -> None:
        raise NotImplementedError

    def busy(self) -> bool:
        return False


class YesNoNaEditor(Editor):
    """적합 / 부적합 / 해당없음, with the yes-or-no answer each means for this question."""

    def __init__(self, question: Question, read_only: bool, parent: QWidget | None = None) -> None:
        super().__init__(question, read_only, parent)
        good_is_yes = (question.pass_value or "yes") == "yes"
        yes, no = _("Yes"), _("No")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        self.buttons: dict[str, QPushButton] = {}
        self.group = QButtonGroup(self)
        self.group.setExclusive(False)
        for code, caption, means in (
            ("pass", _("Pass"), yes if good_is_yes else no),
            ("fail", _("Fail"), no if good_is_yes else yes),
            ("na", _("N/A"), ""),
        ):
            button = QPushButton(f"{caption} ({means})" if means else caption)
            button.setObjectName(code)
            button.setCheckable(True)
            button.setEnabled(not read_only)
            button.clicked.connect(lambda checked, c=code: self._clicked(c, checked))
            self.group.addButton(button)
            self.buttons[code] = button
            row.addWidget(button)

    def _clicked(self, code: str, checked: bool) -> None:
        for other, button in self.buttons.items():
            if other != code:
                button.setChecked(False)
        self.buttons[code].setChecked(checked)
        self.changed.emit()

    def choose(self, code: str | None) -> None:
        """Press a button as the user would (``None`` clears)."""
        for other, button in self.buttons.items():
            button.setChecked(other == code)
        self.changed.emit()

    def result(self) -> str | None:
        return next((code for code, button in self.buttons.items() if button.isChecked()), None)

    def answer(self) -> AnswerData | None:
        result = self.result()
        return AnswerData(result=result) if result else None

    def set_answer(self, answer: AnswerData | None) -> None:
        result = answer.result if answer else None
        if result in ("yes", "no"):  # imported history stores the tick itself
            result = judge_answer(self.question, _AnswerValue(result=result))
        for code, button in self.buttons.items():
            button.setChecked(code == result)


class NumberEditor(Editor):
    """A measured value with its unit and limits; it turns red outside the limits."""

    def __init__(self, question: Question, read_only: bool, parent: QWidget | None = None) -> None:
        super().__init__(question, read_only, parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setObjectName("number")
        self.edit.setFixedWidth(120)
        self.edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.edit.setReadOnly(read_only)
        self.edit.textChanged.connect(self._edited)
        row.addWidget(self.edit)
        row.addWidget(QLabel(question.unit or ""))
        limits = limits_text(question.min, question.max, question.max_exclusive, question.unit)
        self.limits = QLabel(_("Acceptable: {limits}").format(limits=limits) if limits else "")
        self.limits.setObjectName("help")
        row.addWidget(self.limits)
        self.na = QCheckBox(_("N/A"))
        self.na.setEnabled(not read_only)
        self.na.toggled.connect(self._na_toggled)
        row.addWidget(self.na)
        self.state = QLabel("")
        self.state.setObjectName("problem")
        row.addWidget(self.state)
        row.addStretch(1)

    def value(self) -> float | None:
        text = self.edit.text().strip().replace(",", ".")
        if not text:
            return None
        try:
            return float(text)
        except ValueError:
            return None

    def _edited(self) -> None:
        text, value = self.edit.text().strip(), self.value()
        invalid = bool(text) and value is None
        out = value is not None and self.question.scored and not self.question.within_limits(value)
        self.edit.setProperty("invalid", invalid)
        self.edit.setProperty("outOfLimit", out)
        _restyle(self.edit)
        self.state.setText(_("Not a number") if invalid else _("Outside the limits") if out else "")
        self.changed.emit()

    def _na_toggled(self, checked: bool) -> None:
        self.edit.setEnabled(not checked)
        self.changed.emit()

    def answer(self) -> AnswerData | None:
        if self.na.isChecked():
            return AnswerData(result="na")
        value = self.value()
        return AnswerData(number=value) if value is not None else None

    def set_answer(self, answer: AnswerData | None) -> None:
        self.na.setChecked(bool(answer and answer.result == "na"))
        number = answer.number if answer else None
        self.edit.setText("" if number is None else fmt_number(number))


class TextEditor(Editor):
    def __init__(self, question: Question, read_only: bool, parent: QWidget | None = None) -> None:
        super().__init__(question, read_only, parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.edit = QPlainTextEdit()
        self.edit.setObjectName("text")
        self.edit.setTabChangesFocus(True)
        self.edit.setReadOnly(read_only)
        self.edit.textChanged.connect(self.changed)
        self.edit.document().documentLayout().documentSizeChanged.connect(lambda _s: self._fit())
        row.addWidget(self.edit)
        self._fit()

    def _fit(self) -> None:
        """One line for a permit number, up to six for a description: the box grows with its text."""
        lines = int(self.edit.document().documentLayout().documentSize().height())
        lines = min(MAX_TEXT_LINES, max(1, lines))
        margins = 2 * self.edit.frameWidth() + 2 * int(self.edit.document().documentMargin()) + 2
        self.edit.setFixedHeight(lines * self.edit.fontMetrics().lineSpacing() + margins)

    def answer(self) -> AnswerData | None:
        text = self.edit.toPlainText()
        return AnswerData(text=text) if text.strip() else None

    def set_answer(self, answer: AnswerData | None) -> None:
        self.edit.setPlainText(answer.text or "" if answer else "")


class _Names(QStringListModel):
    """People on the roster, shared by every person field of a form."""


class PersonEditor(Editor):
    def __init__(
        self, question: Question, read_only: bool, names: _Names, parent: QWidget | None = None
    ) -> None:
        super().__init__(question, read_only, parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setObjectName("person")
        self.edit.setMaximumWidth(320)
        self.edit.setReadOnly(read_only)
        self.edit.setPlaceholderText(_("Name"))
        completer = QCompleter(names, self.edit)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.edit.setCompleter(completer)
        self.edit.textChanged.connect(self.changed)
        row.addWidget(self.edit)
        row.addStretch(1)

    def answer(self) -> AnswerData | None:
        text = self.edit.text().strip()
        return AnswerData(text=text) if text else None

    def set_answer(self, answer: AnswerData | None) -> None:
        self.edit.setText(answer.text or "" if answer else "")


class PeopleEditor(Editor):
    def __init__(self, question: Question, read_only: bool, parent: QWidget | None = None) -> None:
        super().__init__(question, read_only, parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setObjectName("people")
        self.edit.setReadOnly(read_only)
        self.edit.setPlaceholderText(_("Names separated by commas, e.g. 김철수, 이영희"))
        self.count = QLabel("")
        self.count.setObjectName("help")
        self.edit.textChanged.connect(self._edited)
        row.addWidget(self.edit, 1)
        row.addWidget(self.count)

    def names(self) -> tuple[str, ...]:
        parts = self.edit.text().replace("、", ",").replace(";", ",").split(",")
        return tuple(dict.fromkeys(p.strip() for p in parts if p.strip()))

    def _edited(self) -> None:
        n = len(self.names())
        self.count.setText(_("{n} people").format(n=n) if n else "")
        self.changed.emit()

    def answer(self) -> AnswerData | None:
        names = self.names()
        return AnswerData(values=names) if names else None

    def set_answer(self, answer: AnswerData | None) -> None:
        values = answer.values if answer else ()
        if not values and answer and answer.text:
            values = (answer.text,)
        self.edit.setText(", ".join(values))


class DateEditor(Editor):
    """A date (or date and time) typed as text, with a calendar and a Today/Now button."""

    def __init__(self, question: Question, read_only: bool, parent: QWidget | None = None) -> None:
        super().__init__(question, read_only, parent)
        self.with_time = question.type == "datetime"
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setObjectName("date")
        self.edit.setFixedWidth(150)
        self.edit.setReadOnly(read_only)
        self.edit.setPlaceholderText("YYYY-MM-DD HH:MM" if self.with_time else "YYYY-MM-DD")
        self.edit.textChanged.connect(self._edited)
        row.addWidget(self.edit)
        self.calendar_button = QToolButton()
        self.calendar_button.setText(_("Calendar"))
        self.calendar_button.setToolTip(_("Pick from a calendar"))
        self.calendar_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.calendar_button)
        self.calendar = QCalendarWidget()
        self.calendar.clicked.connect(self._pick)
        self.calendar.clicked.connect(lambda _day: menu.hide())
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        self.calendar_button.setMenu(menu)
        self.now_button = QPushButton(_("Now") if self.with_time else _("Today"))
        self.now_button.clicked.connect(self.set_now)
        for widget in (self.calendar_button, self.now_button):
            widget.setVisible(not read_only)
            row.addWidget(widget)
        self.state = QLabel("")
        self.state.setObjectName("problem")
        row.addWidget(self.state)
        row.addStretch(1)

    def _parse(self) -> str | None:
        text = self.edit.text().strip().replace("T", " ")
        if not text:
            return None
        try:
            if self.with_time:
                return datetime.strptime(text, "%Y-%m-%d %H:%M").strftime("%Y-%m-%dT%H:%M")
            return date.fromisoformat(text).isoformat()
        except ValueError:
            return None

    def _edited(self) -> None:
        invalid = bool(self.edit.text().strip()) and self._parse() is None
        self.edit.setProperty("invalid", invalid)
        _restyle(self.edit)
        self.state.setText(
            _("Write it as {pattern}").format(pattern=self.edit.placeholderText()) if invalid else ""
        )
        self.changed.emit()

    def _pick(self, day: QDate) -> None:
        text = day.toString("yyyy-MM-dd")
        if self.with_time:
            old = self.edit.text().strip()
            text += " " + (old[11:16] if len(old) >= 16 else datetime.now().strftime("%H:%M"))
        self.edit.setText(text)

    def set_now(self) -> None:
        self.edit.setText(datetime.now().strftime("%Y-%m-%d %H:%M" if self.with_time else "%Y-%m-%d"))

    def answer(self) -> AnswerData | None:
        value = self._parse()
        return AnswerData(text=value) if value else None

    def set_answer(self, answer: AnswerData | None) -> None:
        text = (answer.text or "") if answer else ""
        self.edit.setText(text.replace("T", " ")[:16])


class ChoiceEditor(Editor):
    def __init__(self, question: Question, read_only: bool, parent: QWidget | None = None) -> None:
        super().__init__(question, read_only, parent)
        self.checks: dict[str, QCheckBox] = {}
        self.combo: QComboBox | None = None
        if question.multiple:
            grid = QGridLayout(self)
            grid.setContentsMargins(0, 0, 0, 0)
            for i, option in enumerate(question.options):
                check = QCheckBox(tr(option.label))
                check.setEnabled(not read_only)
                check.toggled.connect(self.changed)
                self.checks[option.value] = check
                grid.addWidget(check, i // 3, i % 3)
        else:
            row = QHBoxLayout(self)
            row.setContentsMargins(0, 0, 0, 0)
            self.combo = QComboBox()
            self.combo.setObjectName("choice")
            self.combo.addItem(_("— choose —"), None)
            for option in question.options:
                self.combo.addItem(tr(option.label), option.value)
            self.combo.setEnabled(not read_only)
            self.combo.currentIndexChanged.connect(self.changed)
            row.addWidget(self.combo)
            row.addStretch(1)

    def answer(self) -> AnswerData | None:
        if self.combo is not None:
            value = self.combo.currentData()
            return AnswerData(text=str(value)) if value else None
        picked = tuple(v for v, check in self.checks.items() if check.isChecked())
        return AnswerData(values=picked) if picked else None

    def set_answer(self, answer: AnswerData | None) -> None:
        picked: set[str] = set()
        if answer is not None:
            picked.update(answer.values)
            if answer.text:
                picked.add(answer.text)
        if self.combo is not None:
            index = next((self.combo.findData(v) for v in picked if self.combo.findData(v) >= 0), 0)
            self.combo.setCurrentIndex(index)
        for value, check in self.checks.items():
            check.setChecked(value in picked)


class PhotoEditor(Editor):
    """A question that asks for photos: the answer is the photos themselves."""

    def __init__(
        self, question: Question, read_only: bool, io: FormIO | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(question, read_only, parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.strip = PhotoStrip(io, read_only)
        self.strip.changed.connect(self.changed)
        row.addWidget(self.strip)

    def answer(self) -> AnswerData | None:
        shas = self.strip.shas()
        return AnswerData(attachments=shas) if shas else None

    def set_answer(self, answer: AnswerData | None) -> None:
        self.strip.set_shas(answer.attachments if answer else ())

    def busy(self) -> bool:
        return self.strip.pending() > 0


class SignatureQuestion(Editor):
    def __init__(
        self, question: Question, read_only: bool, io: FormIO | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(question, read_only, parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.signature = SignatureEditor(io, read_only)
        self.signature.changed.connect(self.changed)
        row.addWidget(self.signature)

    def answer(self) -> AnswerData | None:
        sha = self.signature.sha()
        return AnswerData(attachments=(sha,)) if sha else None

    def set_answer(self, answer: AnswerData | None) -> None:
        self.signature.set_sha(answer.attachments[0] if answer and answer.attachments else None)

    def busy(self) -> bool:
        return self.signature.busy()


class GasQuestion(Editor):
    def __init__(self, question: Question, read_only: bool, parent: QWidget | None = None) -> None:
        super().__init__(question, read_only, parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.gas = GasEditor(question.columns, read_only)
        self.gas.changed.connect(self.changed)
        row.addWidget(self.gas)

    def answer(self) -> AnswerData | None:
        return AnswerData(result="na") if self.gas.na.isChecked() else None

    def set_answer(self, answer: AnswerData | None) -> None:
        self.gas.na.setChecked(bool(answer and answer.result == "na"))

    def rows(self) -> list[GasRowData]:
        return [] if self.gas.na.isChecked() else self.gas.model.to_rows()

    def set_rows(self, rows: Sequence[GasRowData]) -> None:
        self.gas.model.set_rows(list(rows))


def make_editor(question: Question, read_only: bool, io: FormIO | None, names: _Names) -> Editor:
    match question.type:
        case "yes_no_na":
            return YesNoNaEditor(question, read_only)
        case "number":
            return NumberEditor(question, read_only)
        case "date" | "datetime":
            return DateEditor(question, read_only)
        case "person":
            return PersonEditor(question, read_only, names)
        case "people":
            return PeopleEditor(question, read_only)
        case "choice":
            return ChoiceEditor(question, read_only)
        case "photo":
            return PhotoEditor(question, read_only, io)
        case "signature":
            return SignatureQuestion(question, read_only, io)
        case "gas_readings":
            return GasQuestion(question, read_only)
        case _:
            return TextEditor(question, read_only)


def rule_text(question: Question) -> str:
    rule = question.fail_rule
    if rule is None:
        return ""
    parts = []
    if rule.require_photo:
        parts.append(_("photo required"))
    if rule.create_finding:
        parts.append(
            _("opens a finding ({severity})").format(severity=code_label(rule.severity, SEVERITY_LABELS))
        )
    return _("If failed: {what}").format(what=", ".join(parts)) if parts else ""


class QuestionCard(QFrame):
    """A question with its editor, a note, evidence photos, and the problem that blocks completion."""

    changed = Signal()

    def __init__(
        self,
        number: int,
        question: Question,
        read_only: bool,
        io: FormIO | None,
        names: _Names,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.question = question
        self.read_only = read_only
        self.setObjectName("questionCard")
        self.setProperty("problem", False)
        self.setProperty("dropTarget", False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(4)
        self.editor = make_editor(question, read_only, io, names)
        self.editor.changed.connect(self._edited)

        head = QHBoxLayout()
        no = QLabel(f"{number}.")
        no.setObjectName("questionNo")
        no.setAlignment(Qt.AlignmentFlag.AlignTop)
        no.setFixedWidth(28)
        head.addWidget(no)
        texts = QVBoxLayout()
        texts.setSpacing(2)
        star = ' <span style="color:#b00020">*</span>' if question.required else ""
        self.text = QLabel(f"{_escape(tr(question.text))}{star}")
        self.text.setObjectName("questionText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        texts.addWidget(self.text)
        if question.help is not None:
            help_label = QLabel(tr(question.help))
            help_label.setObjectName("help")
            help_label.setWordWrap(True)
            texts.addWidget(help_label)
        meta = [m for m in (self._meta_ref(), rule_text(question)) if m]
        if meta:
            meta_label = QLabel(" · ".join(meta))
            meta_label.setObjectName("meta")
            meta_label.setWordWrap(True)
            texts.addWidget(meta_label)
        head.addLayout(texts, 1)
        inline = question.type == "yes_no_na"
        if inline:
            head.addWidget(self.editor, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(head)
        body = QVBoxLayout()
        body.setContentsMargins(32, 0, 0, 0)
        body.setSpacing(4)
        self.note = QLineEdit()
        self.note.setObjectName("note")
        self.note.setPlaceholderText(_("Note"))
        self.note.setReadOnly(read_only)
        self.note.textChanged.connect(self._edited)
        self.note.setVisible(question.type != "text")  # a text answer is its own note
        compact = question.type in COMPACT_TYPES and not (question.type == "choice" and question.multiple)
        if compact:
            line = QHBoxLayout()
            line.addWidget(self.editor)
            line.addWidget(self.note, 1)
            body.addLayout(line)
        elif not inline:
            body.addWidget(self.editor)

        self.photos: PhotoStrip | None = None
        extra = QHBoxLayout()
        if not compact:
            extra.addWidget(self.note, 2)
        if question.type in EVIDENCE_TYPES:
            self.photos = PhotoStrip(io, read_only)
            self.photos.changed.connect(self._edited)
            extra.addWidget(self.photos, 3)
            self.setAcceptDrops(not read_only and io is not None)
        elif question.type == "photo":
            self.setAcceptDrops(not read_only and io is not None)
        body.addLayout(extra)
        self.problem = QLabel("")
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        body.addWidget(self.problem)
        layout.addLayout(body)
        self._update_note_visibility()

    def _meta_ref(self) -> str:
        parts = []
        if self.question.legal_ref:
            parts.append(self.question.legal_ref)
        if self.question.hazard_group:
            parts.append(code_label(self.question.hazard_group, HAZARD_LABELS))
        return " · ".join(parts)

    def _edited(self) -> None:
        if self.problem.isVisible():
            self.set_problem(None)
        self._update_note_visibility()
        self.changed.emit()

    def _update_note_visibility(self) -> None:
        if self.read_only and self.question.type != "text":
            has_note = bool(self.note.text().strip())
            self.note.setVisible(has_note)
            if self.photos is not None:
                self.photos.setVisible(bool(self.photos.shas()))

    # -- answer --------------------------------------------------------------------------------

    def answer(self) -> AnswerData | None:
        base = self.editor.answer()
        note = self.note.text().strip() or None
        photos = self.photos.shas() if self.photos is not None else ()
        if base is None and note is None and not photos:
            return None
        base = base or AnswerData()
        return AnswerData(
            result=base.result,
            number=base.number,
            text=base.text,
            note=note,
            attachments=base.attachments + tuple(p for p in photos if p not in base.attachments),
            values=base.values,
        )

    def set_answer(self, answer: AnswerData | None) -> None:
        self.editor.set_answer(answer)
        self.note.setText(answer.note or "" if answer else "")
        if self.photos is not None:
            self.photos.set_shas(answer.attachments if answer else ())
        self._update_note_visibility()

    def busy(self) -> bool:
        return self.editor.busy() or bool(self.photos and self.photos.pending())

    def add_photos(self, paths: Sequence[Path]) -> None:
        """Attach photos to this question (drag-and-drop and the picker both end here)."""
        target = self.photos
        if target is None and isinstance(self.editor, PhotoEditor):
            target = self.editor.strip
        if target is not None:
            target.add_files(paths)

    # -- problems ------------------------------------------------------------------------------

    def set_problem(self, text: str | None) -> None:
        self.problem.setText(text or "")
        self.problem.setVisible(bool(text))
        self.setProperty("problem", bool(text))
        _restyle(self)

    # -- drag and drop -------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if image_paths(event.mimeData()):
            event.acceptProposedAction()
            self._drop_highlight(True)
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._drop_highlight(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self._drop_highlight(False)
        paths = image_paths(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.add_photos(paths)

    def _drop_highlight(self, on: bool) -> None:
        self.setProperty("dropTarget", on)
        _restyle(self)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
