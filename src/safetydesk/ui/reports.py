"""Print preview for every report: generate in the background, show the pages, print or save the PDF.

Screens import this module only inside their Print… handlers, so Qt PDF, Qt Print Support and the
report framework cost nothing at start-up. The PDF is written to a folder of its own in the system
temp directory (never into the workspace) and removed when the dialog closes.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import shutil
import tempfile
import time
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QMargins, QPointF, QRect, QSettings, QSize, QStandardPaths, Qt, QTimer, QUrl
from PySide6.QtGui import QColor, QDesktopServices, QKeySequence, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from safetydesk.core.audit.codes import format_code
from safetydesk.core.errors import UserError
from safetydesk.core.i18n import N_, _, current_language
from safetydesk.core.reports.context import PageSize, ReportOptions, ReportRequest
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations import reports as ops

if TYPE_CHECKING:
    from safetydesk.core.reports.registry import Generated

log = logging.getLogger(__name__)

LANGUAGES = (("ko", "한국어"), ("en", "English"))
PAPER = (("A4", "A4"), ("Letter", "Letter"))
PRINT_DPI = 300  # enough for crisp text; one A4 page is then ~35 MB in memory, rendered one at a time
REGENERATE_DELAY_MS = 350
ERROR_STYLE = "color: #a00018;"
WARN_STYLE = "color: #8a5a00;"
SETTINGS_PAPER = "reports/paper"
SETTINGS_GREY = "reports/grayscale"
SETTINGS_FOLDER = "reports/save_folder"
CLOSED_MARK = ".closed"


# -- printing (runs on the CPU lane) ----------------------------------------------------------------


def fit_rect(page: QSize, area: QRect) -> QRect:
    """The largest rectangle of ``page``'s shape inside ``area``, centred."""
    scale = min(area.width() / max(page.width(), 1), area.height() / max(page.height(), 1))
    width, height = round(page.width() * scale), round(page.height() * scale)
    return QRect(
        area.x() + (area.width() - width) // 2, area.y() + (area.height() - height) // 2, width, height
    )


def pages_to_print(printer: QPrinter, count: int, current: int) -> list[int]:
    """0-based page numbers the print dialog asked for: all, a range, or the page on screen."""
    match printer.printRange():
        case QPrinter.PrintRange.CurrentPage:
            return [min(max(current, 0), count - 1)] if count else []
        case QPrinter.PrintRange.PageRange:
            ranges = printer.pageRanges()
            if not ranges.isEmpty():
                return [p for p in range(count) if ranges.contains(p + 1)]
            first, last = printer.fromPage(), printer.toPage()
            if first > 0:
                return list(range(first - 1, min(last or count, count)))
    return list(range(count))


def print_document(
    source: Path, printer: QPrinter, current_page: int = 0, progress: ops.Progress | None = None
) -> int:
    """Print the PDF page by page: render each page to an image at printer resolution and paint it.

    Only one page image exists at a time, so a 300-page binder prints in bounded memory. Returns the
    number of pages sent to the printer.
    """
    document = QPdfDocument()
    if document.load(str(source)) != QPdfDocument.Error.None_:
        raise UserError(
            N_("The preview file could not be read for printing."),
            N_("Close the preview and open it again."),
        )
    try:
        pages = pages_to_print(printer, document.pageCount(), current_page)
        copies = 1 if printer.supportsMultipleCopies() else max(1, printer.copyCount())
        sequence = pages * copies
        painter = QPainter()
        if not painter.begin(printer):
            raise UserError(
                N_("The printer could not start the print job."),
                N_("Check that the printer is switched on and connected, or choose another printer."),
            )
        try:
            dpi = min(printer.resolution(), PRINT_DPI)
            area = QRect(0, 0, printer.width(), printer.height())
            for i, page in enumerate(sequence):
                if progress:
                    progress(
                        i,
                        len(sequence),
                        _("Printing page {n} of {total}…").format(n=i + 1, total=len(sequence)),
                    )
                if i and not printer.newPage():
                    raise UserError(
                        N_("The printer stopped after {n} page(s)."),
                        N_("Check the printer (paper, errors) and print again."),
                        n=i,
                    )
                points = document.pagePointSize(page)
                size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
                image = document.render(page, size)
                target = fit_rect(size, area)
                painter.fillRect(target, QColor("white"))
                painter.drawImage(target, image)
                del image
        finally:
            painter.end()
        if progress:
            progress(len(sequence), len(sequence), _("Sent to the printer."))
        return len(sequence)
    finally:
        document.close()


# -- the dialog -------------------------------------------------------------------------------------


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(edit: QDateEdit) -> date:
    picked = edit.date()
    return date(picked.year(), picked.month(), picked.day())


def error_text(exc: Exception) -> str:
    """A ``UserError`` says what to do; anything else is a bug, shown plainly so it can be reported."""
    if isinstance(exc, UserError):
        return exc.text()
    return _("Unexpected error while making the report: {error}").format(error=f"{type(exc).__name__}: {exc}")


class ReportDialog(QDialog):
    """Preview of one report with its print options; Print…, Save as PDF…, Open folder, Close."""

    def __init__(
        self,
        ctx: AppContext,
        kind: str,
        request: ReportRequest,
        parent: QWidget | None = None,
        *,
        period: bool = False,
        period_required: bool = True,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.kind = kind
        self.request = request
        self.setObjectName("reportDialog")
        self.setWindowTitle(_("Print preview"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.folder = Path(tempfile.mkdtemp(prefix="safetydesk-report-"))
        # Closing removes the folder; this covers a dialog destroyed with its window instead.
        self.destroyed.connect(functools.partial(shutil.rmtree, str(self.folder), True))
        self.generated: Generated | None = None
        self.pdf_path: Path | None = None
        self.saved_path: Path | None = None
        self.state = "idle"  # generating | ready | error | printing | saving
        self.message = ""
        self._job: ops.Job | None = None
        self._print_job = False
        self._serial = 0
        self._started = 0.0
        self._step = ""
        self._printer: QPrinter | None = None
        settings = QSettings()

        layout = QVBoxLayout(self)
        options = QHBoxLayout()
        options.addWidget(QLabel(_("Report language")))
        self.language = QComboBox()
        self.language.setObjectName("reportLanguage")
        for code, name in LANGUAGES:
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(request.lang)))
        options.addWidget(self.language)
        options.addSpacing(12)
        options.addWidget(QLabel(_("Paper")))
        self.paper = QComboBox()
        self.paper.setObjectName("reportPaper")
        for code, name in PAPER:
            self.paper.addItem(name, code)
        self.paper.setCurrentIndex(max(0, self.paper.findData(settings.value(SETTINGS_PAPER, "A4"))))
        options.addWidget(self.paper)
        options.addSpacing(12)
        self.grey = QCheckBox(_("Ink saving (grey)"))
        self.grey.setObjectName("reportGrey")
        self.grey.setToolTip(_("No coloured fills: highlighted rows print as grey shades and bold text."))
        self.grey.setChecked(str(settings.value(SETTINGS_GREY, "false")).lower() == "true")
        options.addWidget(self.grey)
        self.use_period = QCheckBox(_("Period"))
        self.use_period.setObjectName("reportUsePeriod")
        self.date_from = QDateEdit()
        self.date_to = QDateEdit()
        self.dash = QLabel("~")
        today = request.as_of
        for edit, day in ((self.date_from, request.date_from), (self.date_to, request.date_to)):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(_qdate(day or today))
        self.date_from.setObjectName("reportFrom")
        self.date_to.setObjectName("reportTo")
        self.use_period.setChecked(bool(request.date_from or request.date_to) or period_required)
        period_label = QLabel(_("Period"))
        options.addSpacing(12)
        for widget in (period_label, self.use_period, self.date_from, self.dash, self.date_to):
            options.addWidget(widget)
            widget.setVisible(period)
        # A register that needs a period shows plain dates; one that may cover everything has a box.
        (self.use_period if period_required else period_label).setVisible(False)
        self._period = period
        options.addStretch(1)
        layout.addLayout(options)

        status = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setObjectName("reportProgress")
        self.progress.setFixedWidth(220)
        self.progress.setTextVisible(False)
        self.status = QLabel("")
        self.status.setObjectName("reportStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        status.addWidget(self.progress)
        status.addWidget(self.status, 1)
        layout.addLayout(status)

        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setObjectName("reportPreview")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)
        self.view.setPageSpacing(12)
        self.view.setDocumentMargins(QMargins(12, 12, 12, 12))
        layout.addWidget(self.view, 1)

        facts = QHBoxLayout()
        self.info = QLabel("")
        self.info.setObjectName("reportInfo")
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.page_label = QLabel("")
        self.page_label.setObjectName("reportPage")
        self.zoom = QComboBox()
        self.zoom.setObjectName("reportZoom")
        self.zoom.addItem(_("Fit width"), QPdfView.ZoomMode.FitToWidth)
        self.zoom.addItem(_("Whole page"), QPdfView.ZoomMode.FitInView)
        facts.addWidget(self.info, 1)
        facts.addWidget(self.page_label)
        facts.addSpacing(12)
        facts.addWidget(self.zoom)
        layout.addLayout(facts)

        buttons = QHBoxLayout()
        self.print_button = QPushButton(_("Print…"))
        self.print_button.setObjectName("reportPrint")
        self.print_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Print))
        self.print_button.setToolTip(_("Ctrl+P"))
        self.save_button = QPushButton(_("Save as PDF…"))
        self.save_button.setObjectName("reportSave")
        self.folder_button = QPushButton(_("Open folder"))
        self.folder_button.setObjectName("reportOpenFolder")
        self.folder_button.setToolTip(_("Show the saved PDF in its folder"))
        self.close_button = QPushButton(_("Close"))
        self.close_button.setObjectName("reportClose")
        for button in (self.print_button, self.save_button, self.folder_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)

        self.ticker = QTimer(self)
        self.ticker.setInterval(500)
        self.ticker.timeout.connect(self._show_step)
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(REGENERATE_DELAY_MS)
        self.debounce.timeout.connect(self.regenerate)
        self.language.currentIndexChanged.connect(self._options_changed)
        self.paper.currentIndexChanged.connect(self._options_changed)
        self.grey.toggled.connect(self._options_changed)
        self.use_period.toggled.connect(self._options_changed)
        self.date_from.dateChanged.connect(self._options_changed)
        self.date_to.dateChanged.connect(self._options_changed)
        self.view.pageNavigator().currentPageChanged.connect(self._show_page)
        self.zoom.currentIndexChanged.connect(lambda _i: self.view.setZoomMode(self.zoom.currentData()))
        self.print_button.clicked.connect(self.print_)
        self.save_button.clicked.connect(self.save_as)
        self.folder_button.clicked.connect(self.open_folder)
        self.close_button.clicked.connect(self.close)
        self._period_widgets_enabled()
        self._update_buttons()
        # Large enough to read a page, small enough for a 1366×768 laptop with its taskbar.
        room = self.screen().availableGeometry()
        self.resize(min(1000, room.width() - 40), min(820, room.height() - 60))
        self.regenerate()

    # -- generating -----------------------------------------------------------------------------

    def options(self) -> ReportOptions:
        paper: PageSize = "Letter" if self.paper.currentData() == "Letter" else "A4"
        return ReportOptions(page_size=paper, grayscale=self.grey.isChecked())

    def current_request(self) -> ReportRequest:
        request = ReportRequest(
            record_id=self.request.record_id,
            date_from=self.request.date_from,
            date_to=self.request.date_to,
            lang=str(self.language.currentData()),
            filters=dict(self.request.filters),
            today=self.request.today,
        )
        if self._period:
            on = self.use_period.isChecked()
            request = ReportRequest(
                record_id=request.record_id,
                date_from=_pydate(self.date_from) if on else None,
                date_to=_pydate(self.date_to) if on else None,
                lang=request.lang,
                filters=request.filters,
                today=request.today,
            )
        return request

    def _options_changed(self, *_args: object) -> None:
        self._period_widgets_enabled()
        settings = QSettings()
        settings.setValue(SETTINGS_PAPER, self.paper.currentData())
        settings.setValue(SETTINGS_GREY, "true" if self.grey.isChecked() else "false")
        self.debounce.start()

    def _period_widgets_enabled(self) -> None:
        on = self.use_period.isChecked()
        for widget in (self.date_from, self.date_to, self.dash):
            widget.setEnabled(on)

    def regenerate(self) -> None:
        """Start a new PDF with the current options; a render still running is abandoned."""
        self.debounce.stop()
        if self._job is not None:
            self._job.cancel()
        self._serial += 1
        job = ops.Job()
        self._job = job
        out = self.folder / f"report-{self._serial:03d}.pdf"
        self._set_state("generating", _("Reading the records…"))
        self.progress.setRange(0, 0)
        self._started = time.perf_counter()
        self._step = _("Reading the records…")
        self.ticker.start()
        ops.generate(
            self.ctx,
            self,
            self.kind,
            self.current_request(),
            out,
            self.options(),
            job,
            lambda done, total, text: self._progressed(job, done, total, text),
            lambda result: self._generated(job, result),
            lambda exc: self._failed(job, exc),
        )

    def _progressed(self, job: ops.Job, done: int, total: int, text: str) -> None:
        if job is not self._job or self.state != "generating" or done >= total:
            return  # the last step is followed at once by the result
        if done > 0:  # the core says how far it is: show it; before the first step, just busy
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        self._step = text
        self._show_step()

    def _show_step(self) -> None:
        if self.state != "generating":
            self.ticker.stop()
            return
        seconds = time.perf_counter() - self._started
        text = (
            self._step
            if seconds < 1
            else _("{step} ({seconds:.0f} s)").format(step=self._step, seconds=seconds)
        )
        self.status.setText(text)

    def _generated(self, job: ops.Job, result: Generated | None) -> None:
        if job is not self._job:
            if result is not None and result.path is not None:
                result.path.unlink(missing_ok=True)
            return
        self._job = None
        if result is None or result.path is None:
            return
        previous = self.pdf_path
        page = self.view.pageNavigator().currentPage()
        if self.document.load(str(result.path)) != QPdfDocument.Error.None_:
            result.path.unlink(missing_ok=True)
            self._show_failure(
                UserError(
                    N_("The PDF was made but could not be shown."), N_("Change an option to try again.")
                )
            )
            return
        self.generated = result
        self.pdf_path = result.path
        if previous is not None and previous != result.path:
            previous.unlink(missing_ok=True)
        if 0 < page < result.pages:
            self.view.pageNavigator().jump(page, QPointF(), self.view.pageNavigator().currentZoom())
        self.setWindowTitle(f"{_('Print preview')} — {result.title}")
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        facts = [_("{n} page(s)").format(n=result.pages)]
        if result.code:
            facts.append(_("Verification code: {code}").format(code=format_code(result.code)))
        facts.append(_("made in {seconds:.1f} s").format(seconds=result.seconds))
        self.info.setText(" · ".join(facts))
        ready = _("Ready to print or save.")
        if result.missing_photos:
            ready += " " + _(
                "{n} photo(s) could not be read from the workspace and are marked on the page."
            ).format(n=result.missing_photos)
        if result.unprintable:
            ready += " " + _("Characters the report font cannot draw are printed as “?”: {chars}").format(
                chars=" ".join(sorted(result.unprintable))
            )
        self._set_state("ready", ready)
        if result.missing_photos or result.unprintable:
            self.status.setStyleSheet(WARN_STYLE)
        self._show_page(self.view.pageNavigator().currentPage())

    def _failed(self, job: ops.Job, exc: Exception) -> None:
        if job is not self._job:
            return  # an abandoned render: a newer one is on its way
        self._job = None
        self._show_failure(exc)

    def _show_failure(self, exc: Exception) -> None:
        if not isinstance(exc, UserError):
            log.error("report %s failed: %s", self.kind, getattr(exc, "__traceback_text__", exc))
        self.document.close()
        if self.pdf_path is not None:
            self.pdf_path.unlink(missing_ok=True)
        self.pdf_path = None
        self.generated = None
        self.info.setText("")
        self.page_label.setText("")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self._set_state("error", error_text(exc))

    def _set_state(self, state: str, message: str) -> None:
        self.state = state
        self.message = message
        self.status.setText(message)
        self.status.setStyleSheet(ERROR_STYLE + " font-weight: bold;" if state == "error" else "")
        self.progress.setVisible(state in ("generating", "printing", "saving"))
        self._update_buttons()

    def _update_buttons(self) -> None:
        have_pdf = self.pdf_path is not None and self.generated is not None
        idle = self.state == "ready"
        self.print_button.setEnabled(have_pdf and idle)
        self.save_button.setEnabled(have_pdf and idle)
        self.folder_button.setEnabled(self.saved_path is not None)

    def _show_page(self, page: int) -> None:
        # The navigator also reports while the dialog is being destroyed, its children first.
        with contextlib.suppress(RuntimeError):
            count = self.document.pageCount()
            self.page_label.setText(
                _("Page {page} / {pages}").format(page=page + 1, pages=count) if count else ""
            )

    # -- printing -------------------------------------------------------------------------------

    def printer(self) -> QPrinter:
        """The printer, set to the report's paper and orientation (kept, so the choice is remembered)."""
        if self._printer is None:
            self._printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer = self._printer
        printer.setFullPage(True)  # the PDF pages carry their own margins
        size = (
            QPageSize.PageSizeId.Letter if self.paper.currentData() == "Letter" else QPageSize.PageSizeId.A4
        )
        printer.setPageSize(QPageSize(size))
        if self.document.pageCount():
            points = self.document.pagePointSize(0)
            landscape = points.width() > points.height()
            printer.setPageOrientation(
                QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
            )
            printer.setFromTo(1, self.document.pageCount())
        if self.generated is not None:
            printer.setDocName(self.generated.title)
        return printer

    def print_(self) -> None:
        """Ask for the printer and pages (the system print dialog), then print in the background."""
        if self.pdf_path is None:
            return
        printer = self.printer()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(_("Print"))
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCurrentPage, True)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
        dialog.setMinMax(1, max(1, self.document.pageCount()))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """Print the current PDF on ``printer`` (already set up) without holding up the window."""
        source = self.pdf_path
        if source is None or self.state != "ready":
            return
        current = self.view.pageNavigator().currentPage()
        folder = self.folder
        self._set_state("printing", _("Preparing the pages for the printer…"))
        self.progress.setRange(0, 0)

        def work(progress: ops.Progress) -> int:
            try:
                return print_document(source, printer, current, progress)
            finally:
                if (folder / CLOSED_MARK).exists():  # the dialog closed while printing
                    shutil.rmtree(folder, ignore_errors=True)

        self._print_job = True
        ops.print_pdf(self.ctx, self, work, self._print_progress, self._printed, self._print_failed)

    def _print_progress(self, done: int, total: int, text: str) -> None:
        if self.state != "printing":
            return
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.status.setText(text)

    def _printed(self, pages: int) -> None:
        self._print_job = False
        self._set_state("ready", _("{n} page(s) sent to the printer.").format(n=pages))

    def _print_failed(self, exc: Exception) -> None:
        self._print_job = False
        if not isinstance(exc, UserError):
            log.error("printing failed: %s", getattr(exc, "__traceback_text__", exc))
        self._set_state("ready", "")
        self.status.setText(error_text(exc))
        self.status.setStyleSheet(ERROR_STYLE)

    # -- saving ---------------------------------------------------------------------------------

    def default_file_name(self) -> str:
        from safetydesk.core.reports.registry import default_file_name

        title = self.generated.title if self.generated else self.kind
        stem = self.generated.file_stem if self.generated else ""
        name = default_file_name(title, stem, self.request.today)
        return re.sub(r"_+", "_", name)

    def save_as(self) -> None:
        if self.pdf_path is None:
            return
        folder = str(QSettings().value(SETTINGS_FOLDER, "") or "")
        if not folder or not Path(folder).is_dir():
            folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        name, _filter = QFileDialog.getSaveFileName(
            self, _("Save as PDF"), str(Path(folder) / self.default_file_name()), _("PDF files") + " (*.pdf)"
        )
        if not name:
            return
        target = Path(name)
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        self.save_to(target)

    def save_to(self, target: Path) -> None:
        source = self.pdf_path
        if source is None:
            return
        self._set_state("saving", _("Saving…"))
        self.progress.setRange(0, 0)
        ops.copy_pdf(self.ctx, self, source, target, self._saved, self._save_failed)

    def _saved(self, target: Path) -> None:
        self.saved_path = target
        QSettings().setValue(SETTINGS_FOLDER, str(target.parent))
        self._set_state("ready", _("Saved as {path}").format(path=target))

    def _save_failed(self, exc: Exception) -> None:
        self._set_state("ready", "")
        self.status.setText(error_text(exc))
        self.status.setStyleSheet(ERROR_STYLE)

    def open_folder(self) -> None:
        if self.saved_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.saved_path.parent)))

    # -- closing --------------------------------------------------------------------------------

    def done(self, result: int) -> None:
        self._clean_up()
        super().done(result)

    def _clean_up(self) -> None:
        self.debounce.stop()
        self.ticker.stop()
        if self._job is not None:
            self._job.cancel()
            self._job = None
        self.document.close()
        if self._print_job:
            # The printer is still reading the file: the print job removes the folder when it ends.
            (self.folder / CLOSED_MARK).touch()
            return
        shutil.rmtree(self.folder, ignore_errors=True)


# -- what the screens call ------------------------------------------------------------------------


def open_report(
    parent: QWidget,
    ctx: AppContext,
    kind: str,
    request: ReportRequest,
    *,
    period: bool = False,
    period_required: bool = True,
) -> ReportDialog:
    dialog = ReportDialog(ctx, kind, request, parent.window(), period=period, period_required=period_required)
    dialog.show()
    return dialog


def print_record(parent: QWidget, ctx: AppContext, kind: str, record_id: str | None) -> ReportDialog | None:
    """The Print… button of a record: preview report ``kind`` of the record shown (nothing if none)."""
    if not record_id:
        return None
    return open_report(parent, ctx, kind, ReportRequest(record_id=record_id, lang=current_language()))


def form_report_kind(form_kind: str) -> str:
    """Inspections print as the inspection report; TBM minutes, permits and other forms as a form."""
    return "inspection" if form_kind == "inspection" else "form"


def print_form(
    parent: QWidget, ctx: AppContext, record_id: str | None, form_kind: str
) -> ReportDialog | None:
    return print_record(parent, ctx, form_report_kind(form_kind), record_id)


def actions_filters(list_filters: Mapping[str, Any]) -> dict[str, Any]:
    """The actions screen's list filters as the register's filters (status, overdue, source).

    The register knows no "due within 7 days"; that choice prints every due date.
    """
    filters: dict[str, Any] = {}
    status = list_filters.get("status")
    if status:
        codes = [str(c) for c in ((status,) if isinstance(status, str) else status)]
        if {"open", "in_progress"} <= set(codes):  # the register's "open" is both
            codes = ["open", *(c for c in codes if c not in ("open", "in_progress"))]
        filters["status"] = ",".join(codes)
    if list_filters.get("due") == "overdue":
        filters["overdue"] = "yes"
    if list_filters.get("source"):
        filters["source"] = str(list_filters["source"])
    return filters


def print_actions_list(parent: QWidget, ctx: AppContext, list_filters: Mapping[str, Any]) -> ReportDialog:
    """The corrective-action register as filtered on screen; a period is optional."""
    request = ReportRequest(lang=current_language(), filters=actions_filters(list_filters))
    return open_report(parent, ctx, "actions", request, period=True, period_required=False)


def _day(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def print_period_list(
    parent: QWidget,
    ctx: AppContext,
    kind: str,
    date_from: object = None,
    date_to: object = None,
    default_days: int = 30,
) -> ReportDialog:
    """A register over the screen's period; an open end is today, an open start ``default_days`` back."""
    end = _day(date_to) or date.today()
    start = _day(date_from) or end - timedelta(days=default_days)
    request = ReportRequest(date_from=start, date_to=end, lang=current_language())
    return open_report(parent, ctx, kind, request, period=True, period_required=True)
