"""One form record on screen: fill in and autosave a draft, complete it, or read a completed one.

A draft is saved every 30 seconds while it has changes, on Ctrl+S, and when the user leaves it, so
nothing typed is lost. Completing first shows what is missing next to the questions, then what the
completion will create, and only then locks the record.
"""

from __future__ import annotations

import contextlib
from datetime import datetime

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from safetydesk.core.clock import parse_iso_utc
from safetydesk.core.i18n import _
from safetydesk.core.labels import label
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations import inspections as ops
from safetydesk.ui.screens.inspections.dialogs import CompleteDialog
from safetydesk.ui.screens.inspections.form_view import FormView
from safetydesk.ui.screens.inspections.media import FormIO
from safetydesk.ui.screens.inspections.texts import (
    FAIL_COLOR,
    PASS_COLOR,
    SEVERITY_LABELS,
    STYLE,
    code_label,
    show_error,
    tr,
)
from safetydesk.ui.widgets.retention import RetentionBadge

AUTOSAVE_MS = 30_000


def local_time(utc: str | None) -> str:
    if not utc:
        return ""
    try:
        return parse_iso_utc(utc).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return utc


class RecordEditor(QWidget):
    closed = Signal()
    written = Signal()  # a save, completion or revision changed the list behind the screen
    open_requested = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.io = FormIO(ctx)
        self.setStyleSheet(STYLE)
        self.view: ops.FormRecordView | None = None
        self.form: FormView | None = None
        self.people: tuple[str, ...] = ()
        self.complete_dialog: CompleteDialog | None = None
        self.revision_dialog: QInputDialog | None = None
        self.last_completed: ops.CompletedForm | None = None
        self._generation = 0
        self._saved_generation = 0
        self._saving = 0
        self._completing = False
        self._problems_shown = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.back_button = QPushButton(_("← Back to list"))
        self.back_button.setObjectName("back")
        self.back_button.clicked.connect(self.leave)
        bar.addWidget(self.back_button)
        self.status_chip = QLabel("")
        self.status_chip.setObjectName("statusChip")
        bar.addWidget(self.status_chip)
        self.score_label = QLabel("")
        self.score_label.setObjectName("score")
        bar.addWidget(self.score_label)
        self.retention_badge = RetentionBadge("form_records")
        bar.addWidget(self.retention_badge)
        bar.addStretch(1)
        self.save_state = QLabel("")
        self.save_state.setObjectName("saveState")
        bar.addWidget(self.save_state)
        self.save_button = QPushButton(_("Save draft"))
        self.save_button.setObjectName("saveDraft")
        self.save_button.setToolTip(_("Ctrl+S — drafts are also saved every 30 seconds"))
        self.save_button.clicked.connect(lambda: self.save(quiet=False))
        self.complete_button = QPushButton(_("Complete…"))
        self.complete_button.setObjectName("complete")
        self.complete_button.clicked.connect(self.complete)
        self.revise_button = QPushButton(_("Make revision…"))
        self.revise_button.setObjectName("revise")
        self.revise_button.clicked.connect(self.make_revision)
        self.print_button = QPushButton(_("Print…"))
        self.print_button.setObjectName("printRecord")
        self.print_button.clicked.connect(self.print_record)
        for button in (self.save_button, self.complete_button, self.revise_button, self.print_button):
            bar.addWidget(button)
        layout.addLayout(bar)
        self.banner = QLabel("")
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        layout.addWidget(self.banner)
        self.body = QVBoxLayout()
        layout.addLayout(self.body, 1)
        self.autosave = QTimer(self)
        self.autosave.setInterval(AUTOSAVE_MS)
        self.autosave.timeout.connect(self._autosave)

    # -- state ---------------------------------------------------------------------------------

    @property
    def editable(self) -> bool:
        return self.view is not None and not self.view.locked

    def is_dirty(self) -> bool:
        return self.editable and self._generation != self._saved_generation

    def has_unsaved_changes(self) -> bool:
        return self.is_dirty() or self._saving > 0 or self._completing

    def set_people(self, names: tuple[str, ...]) -> None:
        self.people = names
        if self.form is not None:
            self.form.set_people(names)

    # -- showing -------------------------------------------------------------------------------

    def show_record(self, view: ops.FormRecordView) -> None:
        self.view = view
        if self.form is not None:
            self.body.removeWidget(self.form)
            self.form.deleteLater()
        self.form = FormView(view.template, io=self.io, read_only=view.locked, header=self._header(view))
        self.form.set_answers(view.answers, view.gas)
        self.form.set_people(self.people)
        self.form.changed.connect(self._changed)
        self.body.addWidget(self.form, 1)
        self._generation = self._saved_generation = 0
        self.status_chip.setText(label(view.status))
        self.status_chip.setProperty("status", view.status)
        self.status_chip.style().unpolish(self.status_chip)
        self.status_chip.style().polish(self.status_chip)
        self.retention_badge.set_record(view.retention_until, locked=view.locked)
        self.save_button.setVisible(not view.locked)
        self.complete_button.setVisible(not view.locked)
        self.revise_button.setVisible(view.locked)
        self.revise_button.setEnabled(not view.revisions)
        self.save_state.setText("")
        self._hide_banner()
        self._update_score()
        if view.locked:
            self.autosave.stop()
        else:
            self.autosave.start()

    def _header(self, view: ops.FormRecordView) -> QWidget:
        box = QFrame()
        box.setObjectName("recordHeader")
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        facts = [
            (_("Date"), view.performed_on),
            (_("Area"), view.area_name or "—"),
            (_("Equipment"), view.equipment_label or "—"),
            (_("Performed by"), view.performed_by_name or "—"),
        ]
        if view.revision_no > 1:
            facts.append((_("Revision"), str(view.revision_no)))
        if view.completed_at:
            facts.append((_("Completed"), local_time(view.completed_at)))
        for i, (caption, value) in enumerate(facts):
            name = QLabel(caption)
            name.setObjectName("meta")
            text = QLabel(value)
            text.setObjectName(f"fact{i}")
            grid.addWidget(name, 0, i)
            grid.addWidget(text, 1, i)
        grid.setColumnStretch(len(facts), 1)
        column.addLayout(grid)
        if view.findings:
            column.addWidget(self._findings_box(view))
        if view.revisions:
            revised = QHBoxLayout()
            note = QLabel(_("This record has been revised; the revision is the current version."))
            note.setStyleSheet(f"color: {FAIL_COLOR};")
            open_button = QPushButton(_("Open the revision"))
            newest = view.revisions[-1]
            open_button.clicked.connect(lambda: self.open_requested.emit(newest))
            revised.addWidget(note)
            revised.addWidget(open_button)
            revised.addStretch(1)
            column.addLayout(revised)
        return box

    def _findings_box(self, view: ops.FormRecordView) -> QWidget:
        box = QFrame()
        box.setObjectName("findingsBox")
        column = QVBoxLayout(box)
        column.setContentsMargins(10, 6, 10, 6)
        title = QLabel(
            "<b>"
            + _("{n} finding(s) and corrective action(s) opened by this record").format(n=len(view.findings))
            + "</b>"
        )
        column.addWidget(title)
        for finding in view.findings:
            question = finding.question_key
            text = finding.description
            if question:
                with contextlib.suppress(KeyError):
                    text = tr(view.template.question(question).text)
            line = _("[{severity}] {text} — action due {due}, owner {owner} ({status})").format(
                severity=code_label(finding.severity, SEVERITY_LABELS),
                text=text,
                due=finding.due_on or "—",
                owner=finding.owner_name or _("not assigned"),
                status=label(finding.action_status or finding.status),
            )
            item = QLabel(line)
            item.setObjectName("finding")
            item.setWordWrap(True)
            column.addWidget(item)
        return box

    def print_record(self) -> None:
        if self.view is None:
            return
        self.save(quiet=True)  # queued before the report on the database lane, so the print has it
        from safetydesk.ui.reports import print_form

        print_form(self, self.ctx, self.view.id, self.view.kind)

    # -- editing -------------------------------------------------------------------------------

    def _changed(self) -> None:
        self._generation += 1
        if self._problems_shown and self.form is not None and not self.form.has_problems():
            self._problems_shown = False
            self._hide_banner()
        self.save_state.setText(_("Unsaved changes"))
        self._update_score()

    def _update_score(self) -> None:
        if self.form is None or self.view is None:
            return
        try:
            score = ops.score(self.view.template, self.form.answers(), self.form.gas_rows() or ())
        except ValueError:
            return
        open_items = len(score.unanswered_required)
        percent = "" if score.percent is None else f" · {score.percent:.0f}%"
        text = _("Pass {passed} · Fail {failed} · N/A {na}").format(
            passed=score.passed, failed=score.failed, na=score.not_applicable
        )
        if open_items and self.editable:
            text += " · " + _("{n} required open").format(n=open_items)
        self.score_label.setText(text + percent)
        color = FAIL_COLOR if score.failed else PASS_COLOR
        self.score_label.setStyleSheet(f"color: {color}; font-weight: bold;")

    def _autosave(self) -> None:
        if self.is_dirty() and not self._saving:
            self.save(quiet=True)

    def save(self, *, quiet: bool = False) -> None:
        """Write the draft's answers (Ctrl+S, autosave, leaving)."""
        if not self.editable or self.form is None or self.view is None:
            return
        if quiet and not self.is_dirty():
            return
        generation = self._generation
        self._saving += 1
        self.save_state.setText(_("Saving…"))
        ops.save_draft(
            self.ctx,
            self,
            self.view.id,
            self.form.answers(),
            self.form.gas_rows(),
            self.view.header,
            lambda _changes: self._saved(generation, quiet),
            self._save_failed,
        )

    def _saved(self, generation: int, quiet: bool) -> None:
        self._saving -= 1
        self._saved_generation = max(self._saved_generation, generation)
        stamp = datetime.now().strftime("%H:%M")
        if self.is_dirty():
            self.save_state.setText(_("Unsaved changes"))
        else:
            message = _("Saved automatically at {time}") if quiet else _("Saved at {time}")
            self.save_state.setText(message.format(time=stamp))
        self.written.emit()

    def _save_failed(self, exc: Exception) -> None:
        self._saving -= 1
        self.save_state.setText(_("Not saved"))
        show_error(self.window(), exc, _("Draft not saved"))

    def leave(self) -> None:
        """Back to the list; a draft with changes is saved on the way."""
        self.save(quiet=True)
        self.autosave.stop()
        self.closed.emit()

    # -- completing ----------------------------------------------------------------------------

    def _show_banner(self, text: str, color: str) -> None:
        self.banner.setText(text)
        self.banner.setStyleSheet(f"color: {color}; font-weight: bold; padding: 4px 0;")
        self.banner.show()

    def _hide_banner(self) -> None:
        self.banner.hide()

    def complete(self) -> None:
        if not self.editable or self.form is None or self.view is None:
            return
        if self.form.busy():
            self._show_banner(
                _("A photo or signature is still being saved; try again in a moment."), FAIL_COLOR
            )
            return
        plan = ops.plan_completion(self.view.template, self.form.answers(), self.form.gas_rows() or ())
        if not plan.ready:
            problems = self.form.show_problems(plan.score)
            self._problems_shown = True
            self._show_banner(
                _("The form cannot be completed yet: {n} question(s) need attention (marked in red).").format(
                    n=len(problems)
                ),
                FAIL_COLOR,
            )
            return
        self.form.clear_problems()
        self._hide_banner()
        dialog = CompleteDialog(plan, self.view.performed_by_name or "", self.people, self.window())
        dialog.accepted.connect(lambda: self._do_complete(dialog.owner_name()))
        self.complete_dialog = dialog
        dialog.open()

    def _do_complete(self, owner_name: str) -> None:
        if self.form is None or self.view is None:
            return
        self._completing = True
        self.complete_button.setEnabled(False)
        self.save_button.setEnabled(False)
        generation = self._generation
        record_id = self.view.id
        ops.complete(
            self.ctx,
            self,
            record_id,
            self.form.answers(),
            self.form.gas_rows(),
            self.view.header,
            owner_name,
            lambda result: self._completed(result, generation, record_id),
            self._complete_failed,
        )

    def _completed(self, result: ops.CompletedForm, generation: int, record_id: str) -> None:
        self._saved_generation = max(self._saved_generation, generation)
        self.last_completed = result
        self.written.emit()
        ops.load_record(self.ctx, self, record_id, self._show_completed, self._complete_failed)

    def _show_completed(self, view: ops.FormRecordView) -> None:
        self._completing = False
        self.complete_button.setEnabled(True)
        self.save_button.setEnabled(True)
        self.show_record(view)
        created = self.last_completed
        n = len(created.finding_ids) if created else 0
        message = (
            _("Completed and locked. {n} finding(s) and corrective action(s) were opened.").format(n=n)
            if n
            else _("Completed and locked.")
        )
        self._show_banner(message, PASS_COLOR)

    def _complete_failed(self, exc: Exception) -> None:
        self._completing = False
        self.complete_button.setEnabled(True)
        self.save_button.setEnabled(True)
        show_error(self.window(), exc, _("Not completed"))

    # -- revising ------------------------------------------------------------------------------

    def make_revision(self) -> None:
        if self.view is None or not self.view.locked:
            return
        dialog = QInputDialog(self.window())
        dialog.setWindowTitle(_("Make revision"))
        dialog.setLabelText(
            _("A revision is a new draft that corrects this record; the original stays as evidence.")
            + "\n"
            + _("Reason:")
        )
        dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
        dialog.resize(520, 160)
        record_id = self.view.id
        dialog.textValueSelected.connect(lambda reason: self._revise(record_id, reason))
        self.revision_dialog = dialog
        dialog.open()

    def _revise(self, record_id: str, reason: str) -> None:
        ops.revise(
            self.ctx,
            self,
            record_id,
            reason,
            self._revised,
            lambda exc: show_error(self.window(), exc, _("No revision made")),
        )

    def _revised(self, created: ops.Created) -> None:
        self.written.emit()
        self.open_requested.emit(created.id)
