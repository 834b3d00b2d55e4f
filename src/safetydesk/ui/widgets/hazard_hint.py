"""A one-line hazard suggestion under a description field: the model suggests, a person decides.

``HazardHint`` watches a text widget (or is fed text with ``set_text``). About half a second after
typing stops it asks the embedded model, on the CPU lane, for the description's hazard group and
severity potential, and shows them with the words that drove the suggestion::

    Suggestion: Caught in 78% · words: press, die, hand · Severity potential: high  [Accept]

[Accept] selects the group in the form's hazard-group combo (or emits ``accepted`` for forms that
keep the group elsewhere, like a risk table row). Whatever the person then saves, the screen passes
``suggestion_for_save()`` along with the chosen group, so the record keeps which model suggested what
and whether the person agreed (DESIGN.md §7).

The model loads the first time a hint asks (never at start-up). If it cannot be loaded the hint says
so quietly, with the reason in its tooltip, and the form works as before.
"""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING, Any, Final

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTextEdit,
    QWidget,
)

from safetydesk.core.errors import UserError
from safetydesk.core.i18n import N_, _
from safetydesk.core.labels import label
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations import hazard_hint as ops

if TYPE_CHECKING:
    from safetydesk.core.ml.hazard_model import Suggestion

__all__ = ["DEBOUNCE_MS", "HazardHint"]

log = logging.getLogger(__name__)

DEBOUNCE_MS: Final = 500
MAX_TERMS: Final = 3
SEVERITY_BANDS: Final = {
    "low": N_("Severity potential: low"),
    "medium": N_("Severity potential: medium"),
    "high": N_("Severity potential: high"),
}
MUTED_STYLE: Final = "color: #707070;"
HINT_STYLE: Final = "color: #1b3a5c;"
HIGH_STYLE: Final = "color: #a00018;"

TextWidget = QLineEdit | QPlainTextEdit | QTextEdit


def _plain(widget: TextWidget) -> str:
    return widget.text() if isinstance(widget, QLineEdit) else widget.toPlainText()


def _terms(suggestion: Suggestion) -> list[str]:
    """The words that pushed the model towards its group, strongest first, without repeats."""
    out: list[str] = []
    for tw in suggestion.top_terms:
        term = str(tw.term).strip()
        if not term or tw.weight <= 0 or term in out:
            continue
        out.append(term)
        if len(out) == MAX_TERMS:
            break
    return out


class HazardHint(QWidget):
    """The suggestion line for one description; ``suggestion_for_save()`` is what the screen stores."""

    suggested = Signal(object)  # Suggestion | None: a new suggestion is on screen (or none)
    accepted = Signal(str)  # the group the person accepted

    def __init__(
        self,
        ctx: AppContext | None,
        text_widget: TextWidget | None = None,
        combo: QComboBox | None = None,
        parent: QWidget | None = None,
        *,
        delay_ms: int = DEBOUNCE_MS,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("hazardHint")
        self.ctx = ctx
        self.text_widget = text_widget
        self.combo = combo
        self.shown: Suggestion | None = None  # the suggestion on screen
        self.shown_text = ""  # the text it was made for
        self.unavailable: str | None = None  # why no suggestion can be made, once known
        self.requests = 0  # suggestions asked for (tests and diagnostics)
        self._fed_text = ""
        self._busy = False
        self._again = False
        self._read_only = False
        self._chosen: str | None = None  # the group already chosen, for hints without a combo
        self.prefix = ""  # e.g. which table row the suggestion is for

        self.label = QLabel("")
        self.label.setObjectName("hazardHintText")
        self.label.setWordWrap(True)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.accept_button = QPushButton(_("Accept"))
        self.accept_button.setObjectName("hazardHintAccept")
        self.accept_button.setToolTip(_("Use the suggested hazard group"))
        self.accept_button.setVisible(False)
        self.accept_button.clicked.connect(self.accept)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.accept_button)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(delay_ms)
        self.timer.timeout.connect(self._ask)
        if text_widget is not None:
            text_widget.textChanged.connect(self._text_changed)
        if combo is not None:
            combo.currentIndexChanged.connect(lambda _i: self._update_button())

    # -- what the screen uses --------------------------------------------------------------------

    def set_text(self, text: str) -> None:
        """Feed the text to read (for hints not attached to a text widget, e.g. a table cell)."""
        if text != self._fed_text:
            self._fed_text = text
            if self.shown is not None and self.shown_text != self.text():
                self._show(None, "")  # another row or record: its suggestion follows shortly
            self._text_changed()

    def text(self) -> str:
        source = _plain(self.text_widget) if self.text_widget is not None else self._fed_text
        return source.strip()

    def suggestion_for_save(self) -> dict[str, Any] | None:
        """``Suggestion.to_dict()`` of the suggestion shown for the text as it is now, else None."""
        if self.shown is None or self.shown_text != self.text():
            return None
        return self.shown.to_dict()

    def set_chosen(self, group: str | None) -> None:
        """The group chosen now, for hints without a combo (Accept is off when it matches)."""
        self._chosen = group
        self._update_button()

    def set_read_only(self, read_only: bool) -> None:
        """A locked record still shows the suggestion, but it cannot be accepted."""
        self._read_only = read_only
        self._update_button()

    def refresh_now(self) -> None:
        """Ask at once instead of after the typing pause."""
        self.timer.stop()
        self._ask()

    def accept(self) -> None:
        suggestion = self.shown
        if suggestion is None or self._read_only:
            return
        if self.combo is not None:
            index = self.combo.findData(suggestion.group)
            if index >= 0:
                self.combo.setCurrentIndex(index)
        self.accepted.emit(suggestion.group)
        self._update_button()

    # -- asking the model ------------------------------------------------------------------------

    def _text_changed(self) -> None:
        if len(self.text()) < ops.MIN_TEXT:
            self.timer.stop()
            self._show(None, "")
            return
        self.timer.start()

    def _ask(self) -> None:
        text = self.text()
        if len(text) < ops.MIN_TEXT:
            self._show(None, "")
            return
        if text == self.shown_text and self.shown is not None:
            return
        if self.ctx is None:
            return
        if self._busy:
            self._again = True  # one request at a time; ask again for the newest text after it
            return
        self._busy = True
        self.requests += 1
        ops.suggest_hazard(
            self.ctx, self, text, functools.partial(self._done, text), functools.partial(self._failed, text)
        )

    def _finish(self) -> None:
        self._busy = False
        if self._again:
            self._again = False
            self._ask()

    def _done(self, asked: str, suggestion: Suggestion | None) -> None:
        self.unavailable = None
        if asked == self.text():  # else the text changed meanwhile: the result is stale
            self._show(suggestion, asked)
        self._finish()

    def _failed(self, asked: str, exc: Exception) -> None:
        if isinstance(exc, UserError):
            reason = exc.text()
        else:
            reason = f"{type(exc).__name__}: {exc}"
            log.warning("hazard suggestion failed: %s", getattr(exc, "__traceback_text__", exc))
        self.unavailable = reason
        self._show(None, "")
        self.label.setText(_("Hazard suggestions unavailable"))
        self.label.setStyleSheet(MUTED_STYLE)
        self.label.setToolTip(
            _("The hazard model could not be used, so no group is suggested. The form works as usual.")
            + "\n\n"
            + reason
        )
        self._busy = False
        self._again = False

    # -- showing ---------------------------------------------------------------------------------

    def _show(self, suggestion: Suggestion | None, text: str) -> None:
        self.shown = suggestion
        self.shown_text = text if suggestion is not None else ""
        if suggestion is None:
            self.label.setText("")
            self.label.setToolTip("")
            self.label.setStyleSheet(MUTED_STYLE)
        else:
            self.label.setText(self.prefix + self.line(suggestion))
            self.label.setToolTip(self.tooltip(suggestion))
            band = getattr(suggestion, "severity_band", None)
            self.label.setStyleSheet(HIGH_STYLE if band == "high" else HINT_STYLE)
        self._update_button()
        self.suggested.emit(suggestion)

    def _update_button(self) -> None:
        suggestion = self.shown
        self.accept_button.setVisible(suggestion is not None)
        if suggestion is None:
            return
        chosen = self.combo.currentData() if self.combo is not None else self._chosen
        enabled = not self._read_only and (self.combo is None or self.combo.isEnabled())
        self.accept_button.setEnabled(enabled and chosen != suggestion.group)

    @staticmethod
    def line(suggestion: Suggestion) -> str:
        parts = [
            _("Suggestion: {group} {percent}%").format(
                group=label(suggestion.group), percent=round(suggestion.confidence * 100)
            )
        ]
        terms = _terms(suggestion)
        if terms:
            parts.append(_("words: {terms}").format(terms=", ".join(terms)))
        band = getattr(suggestion, "severity_band", None)
        if band in SEVERITY_BANDS:
            parts.append(_(SEVERITY_BANDS[band]))
        return " · ".join(parts)

    @staticmethod
    def tooltip(suggestion: Suggestion) -> str:
        others = sorted(suggestion.probabilities.items(), key=lambda kv: kv[1], reverse=True)[1:3]
        lines = [
            _(
                "A suggestion from the built-in hazard model (version {version}). You decide the hazard group."
            ).format(version=suggestion.model_version),
            _(
                "Severity potential compares the wording with serious accidents investigated by US OSHA "
                "(high: reads like the more severe of them). It is not the probability of an injury in this plant."
            ),
        ]
        if others:
            lines.append(
                _("Next most likely: {groups}").format(
                    groups=", ".join(f"{label(g)} {round(p * 100)}%" for g, p in others)
                )
            )
        return "\n".join(lines)
