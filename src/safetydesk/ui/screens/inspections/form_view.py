"""A form generated from its template: header with the legal basis, sections, one card per question.

The same widget fills in a draft, shows a completed record read-only and previews a template in the
template editor, so what the user previews is exactly what will be filled in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from safetydesk.core.forms.schema import FormTemplate, Score
from safetydesk.core.i18n import _
from safetydesk.ui.operations.inspections import AnswerData, GasRowData
from safetydesk.ui.screens.inspections.media import FormIO
from safetydesk.ui.screens.inspections.questions import GasQuestion, QuestionCard, _Names
from safetydesk.ui.screens.inspections.texts import KIND_LABELS, STYLE, code_label, tr


class FormView(QScrollArea):
    changed = Signal()

    def __init__(
        self,
        template: FormTemplate,
        *,
        io: FormIO | None,
        read_only: bool,
        header: QWidget | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.template = template
        self.read_only = read_only
        self.setObjectName("formView")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setStyleSheet(STYLE)
        self.names = _Names(self)
        self._loading = False
        content = QWidget()
        content.setObjectName("formContent")
        column = QVBoxLayout(content)
        column.setContentsMargins(4, 4, 16, 16)
        column.setSpacing(8)
        column.addWidget(self._title_block())
        if header is not None:
            column.addWidget(header)
        self.cards: dict[str, QuestionCard] = {}
        number = 0
        for section in template.sections:
            box = QFrame()
            box.setObjectName("sectionBox")
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(8, 8, 8, 8)
            box_layout.setSpacing(6)
            title = QLabel(tr(section.title))
            title.setObjectName("sectionTitle")
            box_layout.addWidget(title)
            if section.description is not None:
                description = QLabel(tr(section.description))
                description.setObjectName("help")
                description.setWordWrap(True)
                box_layout.addWidget(description)
            for question in section.questions:
                number += 1
                card = QuestionCard(number, question, read_only, io, self.names)
                card.changed.connect(self._card_changed)
                self.cards[question.key] = card
                box_layout.addWidget(card)
            column.addWidget(box)
        column.addStretch(1)
        self.setWidget(content)

    def _title_block(self) -> QWidget:
        block = QWidget()
        layout = QVBoxLayout(block)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        title = QLabel(tr(self.template.title))
        title.setObjectName("formTitle")
        title.setWordWrap(True)
        layout.addWidget(title)
        meta = QLabel(
            f"{code_label(self.template.kind, KIND_LABELS)} · {self.template.code} "
            + _("version {n}").format(n=self.template.version)
        )
        meta.setObjectName("meta")
        layout.addWidget(meta)
        if self.template.description is not None:
            description = QLabel(tr(self.template.description))
            description.setWordWrap(True)
            layout.addWidget(description)
        if self.template.legal_basis is not None:
            legal = QFrame()
            legal.setObjectName("legalBasis")
            legal_layout = QVBoxLayout(legal)
            legal_layout.setContentsMargins(10, 6, 10, 6)
            caption = QLabel("<b>" + _("Legal basis") + "</b>")
            text = QLabel(tr(self.template.legal_basis))
            text.setObjectName("legalBasisText")
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            legal_layout.addWidget(caption)
            legal_layout.addWidget(text)
            layout.addWidget(legal)
        return block

    def _card_changed(self) -> None:
        if not self._loading:
            self.changed.emit()

    # -- answers -------------------------------------------------------------------------------

    def set_people(self, names: Sequence[str]) -> None:
        self.names.setStringList(list(names))

    def set_answers(self, answers: Mapping[str, AnswerData], gas: Sequence[GasRowData] = ()) -> None:
        self._loading = True
        try:
            for key, card in self.cards.items():
                card.set_answer(answers.get(key))
                if isinstance(card.editor, GasQuestion):
                    card.editor.set_rows(gas)
        finally:
            self._loading = False

    def answers(self) -> dict[str, AnswerData]:
        out: dict[str, AnswerData] = {}
        for key, card in self.cards.items():
            answer = card.answer()
            if answer is not None:
                out[key] = answer
        return out

    def gas_rows(self) -> list[GasRowData] | None:
        """The readings table of the form (``None`` when the template has no gas question)."""
        for card in self.cards.values():
            if isinstance(card.editor, GasQuestion):
                return card.editor.rows()
        return None

    def busy(self) -> bool:
        """True while a photo or signature is still being stored."""
        return any(card.busy() for card in self.cards.values())

    # -- problems ------------------------------------------------------------------------------

    def has_problems(self) -> bool:
        return any(card.problem.isVisibleTo(card) for card in self.cards.values())

    def clear_problems(self) -> None:
        for card in self.cards.values():
            card.set_problem(None)

    def show_problems(self, score: Score) -> list[str]:
        """Mark what blocks completion next to each question; returns the keys, first scrolled to."""
        self.clear_problems()
        keys: list[str] = []
        for key in score.unanswered_required:
            self.cards[key].set_problem(_("This question must be answered (or marked N/A where allowed)."))
            keys.append(key)
        for key in score.photo_required_missing:
            if key not in keys:
                self.cards[key].set_problem(
                    _("A failed item needs a photo: add one, or drop it onto this question.")
                )
                keys.append(key)
        ordered = [key for key in self.cards if key in keys]
        if ordered:
            self.ensureWidgetVisible(self.cards[ordered[0]], 0, 80)
        return ordered
