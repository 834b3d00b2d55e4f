"""The print preview: a report made in the background, shown page by page, printed, saved, and the Print…
buttons of the screens opening it for the record on screen."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QPushButton, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from safetydesk.core.audit.codes import format_code
from safetydesk.core.db.tables import (
    corrective_actions,
    drills,
    emergency_manuals,
    form_records,
    form_templates,
    incidents,
    policies,
    risk_assessments,
    trainings,
)
from safetydesk.core.i18n import _, set_language
from safetydesk.core.queries.inspections import load_form_record
from safetydesk.core.reports.context import ReportRequest
from safetydesk.core.workspace.workspace import Workspace, open_workspace
from safetydesk.ui import reports
from safetydesk.ui.context import AppContext
from safetydesk.ui.reports import ReportDialog, actions_filters, fit_rect, form_report_kind
from safetydesk.ui.tasks import TaskRunner
from tests.reports import pdfcheck

TODAY = date(2026, 11, 23)
WAIT_MS = 60_000


@pytest.fixture(scope="module")
def demo_path(demo_year_path: Path) -> Path:
    return demo_year_path


@pytest.fixture(scope="module")
def demo(demo_path: Path) -> Iterator[Workspace]:
    ws = open_workspace(demo_path, create=False, read_only=True)
    try:
        yield ws
    finally:
        ws.close()


@pytest.fixture(autouse=True)
def _korean_and_private_settings(tmp_path: Path) -> None:
    set_language("ko")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))


@pytest.fixture
def ctx(demo: Workspace) -> Iterator[AppContext]:
    context = AppContext(workspace=demo, tasks=TaskRunner())
    yield context
    # The dialogs delete themselves when closed; close any a failed test left open.
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, ReportDialog):
            widget.close()
    context.tasks.wait()


def _first_id(ws: Workspace, table: Any, *where: Any) -> str:
    with ws.reader() as conn:
        found = conn.execute(select(table.c.id).where(*where).order_by(table.c.id).limit(1)).scalar()
    assert found, f"the demo workspace has no {table.name}"
    return str(found)


def _inspection_id(ws: Workspace) -> str:
    query = (
        select(form_records.c.id)
        .select_from(form_records.join(form_templates, form_templates.c.id == form_records.c.template_id))
        .where(form_templates.c.kind == "inspection", form_records.c.status == "completed")
        .order_by(form_records.c.performed_on.desc(), form_records.c.id)
        .limit(1)
    )
    with ws.reader() as conn:
        return str(conn.execute(query).scalar_one())


def _dialog(qtbot: QtBot, ctx: AppContext, kind: str, request: ReportRequest, **kw: Any) -> ReportDialog:
    dialog = ReportDialog(ctx, kind, request, **kw)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.state in ("ready", "error"), timeout=WAIT_MS)
    return dialog


def _regenerated(qtbot: QtBot, dialog: ReportDialog, change: Callable[[], None]) -> None:
    """Change an option and wait for the new render (options wait a moment, so typing does not thrash)."""
    serial = dialog._serial
    change()
    assert dialog._serial == serial  # not yet: the change is debounced
    qtbot.waitUntil(lambda: dialog._serial > serial and dialog.state in ("ready", "error"), timeout=WAIT_MS)


def test_preview_shows_the_inspection_and_regenerates_in_english(
    qtbot: QtBot, ctx: AppContext, demo: Workspace
) -> None:
    record_id = _inspection_id(demo)
    view = load_form_record(demo, record_id)
    dialog = _dialog(qtbot, ctx, "inspection", ReportRequest(record_id=record_id, lang="ko"))
    assert dialog.state == "ready", dialog.message
    generated = dialog.generated
    assert generated is not None and dialog.pdf_path is not None
    assert dialog.document.status() == QPdfDocument.Status.Ready
    assert dialog.document.pageCount() == generated.pages > 0
    assert dialog.pdf_path.is_file() and not dialog.pdf_path.is_relative_to(demo.path)
    assert dialog.print_button.isEnabled() and dialog.save_button.isEnabled()
    assert not dialog.folder_button.isEnabled()  # nothing saved yet
    assert generated.code and format_code(generated.code) in dialog.info.text()
    assert _("{n} page(s)").format(n=generated.pages) in dialog.info.text()
    assert dialog.page_label.text() == _("Page {page} / {pages}").format(page=1, pages=generated.pages)
    bar = dialog.view.verticalScrollBar()
    bar.setValue(bar.maximum())  # the page number follows the scrolling
    last = _("Page {page} / {pages}").format(page=generated.pages, pages=generated.pages)
    qtbot.waitUntil(lambda: dialog.page_label.text() == last, timeout=5000)
    assert dialog.language.currentData() == "ko"
    korean = pdfcheck.text(dialog.pdf_path)
    assert view.template.title.get("ko") in korean
    assert view.template.title.get("en") not in korean
    first_pdf = dialog.pdf_path

    _regenerated(qtbot, dialog, lambda: dialog.language.setCurrentIndex(dialog.language.findData("en")))
    assert dialog.state == "ready", dialog.message
    assert dialog.pdf_path is not None and dialog.pdf_path != first_pdf
    assert not first_pdf.exists()  # the superseded preview is removed
    english = pdfcheck.text(dialog.pdf_path)
    assert english != korean
    assert view.template.title.get("en") in english
    assert view.template.title.get("ko") not in english
    assert dialog.generated is not None and dialog.document.pageCount() == dialog.generated.pages

    folder = dialog.folder
    dialog.close()
    qtbot.waitUntil(lambda: not folder.exists(), timeout=5000)


def test_paper_and_ink_options_regenerate_and_are_remembered(
    qtbot: QtBot, ctx: AppContext, demo: Workspace
) -> None:
    dialog = _dialog(qtbot, ctx, "inspection", ReportRequest(record_id=_inspection_id(demo), lang="ko"))
    assert dialog.state == "ready", dialog.message
    assert dialog.pdf_path is not None
    width, height = pdfcheck.page_size_pt(dialog.pdf_path)
    assert (round(width), round(height)) == (595, 842)  # A4
    _regenerated(qtbot, dialog, lambda: dialog.paper.setCurrentIndex(dialog.paper.findData("Letter")))
    assert dialog.pdf_path is not None
    width, height = pdfcheck.page_size_pt(dialog.pdf_path)
    assert (round(width), round(height)) == (612, 792)
    _regenerated(qtbot, dialog, lambda: dialog.grey.setChecked(True))
    assert dialog.state == "ready" and dialog.options().grayscale
    dialog.close()
    again = _dialog(qtbot, ctx, "inspection", ReportRequest(record_id=_inspection_id(demo), lang="ko"))
    assert again.paper.currentData() == "Letter" and again.grey.isChecked()
    again.close()


def test_save_as_writes_the_pdf_and_open_folder_shows_it(
    qtbot: QtBot, ctx: AppContext, demo: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = _dialog(qtbot, ctx, "inspection", ReportRequest(record_id=_inspection_id(demo), lang="ko"))
    assert dialog.state == "ready", dialog.message
    asked: list[str] = []

    def choose(_parent: QWidget, _title: str, suggested: str, _filter: str) -> tuple[str, str]:
        asked.append(suggested)
        return str(tmp_path / "out" / "점검보고서"), "PDF (*.pdf)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(choose))
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or True))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    target = tmp_path / "out" / "점검보고서.pdf"  # the .pdf is added
    qtbot.waitUntil(lambda: dialog.saved_path == target and dialog.state == "ready", timeout=WAIT_MS)
    assert asked and asked[0].endswith(f"_{date.today().isoformat()}.pdf")
    assert "__" not in Path(asked[0]).name
    assert target.read_bytes()[:5] == b"%PDF-"
    assert dialog.generated is not None
    assert pdfcheck.page_count(target) == dialog.generated.pages
    assert str(target) in dialog.status.text()
    assert dialog.folder_button.isEnabled()
    qtbot.mouseClick(dialog.folder_button, Qt.MouseButton.LeftButton)
    assert [Path(u.toLocalFile()) for u in opened] == [target.parent]
    # the next Save as starts in the folder used last
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.state == "ready", timeout=WAIT_MS)
    assert Path(asked[1]).parent == target.parent
    dialog.close()


def test_save_into_a_folder_that_cannot_be_written_says_so(
    qtbot: QtBot, ctx: AppContext, demo: Workspace, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, ctx, "inspection", ReportRequest(record_id=_inspection_id(demo), lang="ko"))
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    dialog.save_to(blocker / "report.pdf")
    qtbot.waitUntil(lambda: dialog.state == "ready" and "report.pdf" in dialog.status.text(), timeout=WAIT_MS)
    assert dialog.saved_path is None
    assert (
        _("Close the file if another program has it open, or choose another folder.") in dialog.status.text()
    )
    assert dialog.print_button.isEnabled()  # the preview is still there
    dialog.close()


def test_printing_renders_every_page_to_the_printer(
    qtbot: QtBot, ctx: AppContext, demo: Workspace, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, ctx, "inspection", ReportRequest(record_id=_inspection_id(demo), lang="ko"))
    assert dialog.state == "ready" and dialog.generated is not None
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    dialog.print_to(printer)
    assert dialog.state == "printing"
    assert not dialog.print_button.isEnabled() and not dialog.save_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.state == "ready", timeout=WAIT_MS)
    pages = dialog.generated.pages
    assert dialog.status.text() == _("{n} page(s) sent to the printer.").format(n=pages)
    assert pdfcheck.page_count(printed) == pages
    assert pdfcheck.image_count(printed) >= pages  # one picture of each page
    width, height = pdfcheck.page_size_pt(printed)
    assert width < height  # portrait, like the report
    dialog.close()


def test_print_button_asks_for_the_printer_and_prints_the_chosen_pages(
    qtbot: QtBot, ctx: AppContext, demo: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = _dialog(qtbot, ctx, "inspection", ReportRequest(record_id=_inspection_id(demo), lang="ko"))
    assert dialog.generated is not None and dialog.generated.pages >= 2
    printed = tmp_path / "second-page.pdf"

    def accept(self: QPrintDialog) -> int:
        printer = self.printer()
        assert dialog.generated is not None
        assert printer.fromPage() == 1 and printer.toPage() == dialog.generated.pages
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        printer.setPrintRange(QPrinter.PrintRange.PageRange)
        printer.setFromTo(2, 2)
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.state == "ready" and printed.exists(), timeout=WAIT_MS)
    assert pdfcheck.page_count(printed) == 1
    dialog.close()


def test_cancelled_print_dialog_prints_nothing(
    qtbot: QtBot, ctx: AppContext, demo: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = _dialog(qtbot, ctx, "inspection", ReportRequest(record_id=_inspection_id(demo), lang="ko"))
    monkeypatch.setattr(QPrintDialog, "exec", lambda _self: int(QDialog.DialogCode.Rejected.value))
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert dialog.state == "ready" and dialog.status.text() == _("Ready to print or save.")
    dialog.close()


def test_a_record_that_does_not_exist_shows_the_message_in_the_dialog(qtbot: QtBot, ctx: AppContext) -> None:
    dialog = _dialog(qtbot, ctx, "inspection", ReportRequest(record_id="no-such-record", lang="ko"))
    assert dialog.state == "error"
    text = dialog.status.text()
    assert "no-such-record" in text and "inspection" in text
    assert "기록" in text  # the Korean message, with its hint on the next line
    assert len(text.splitlines()) == 2
    assert not dialog.print_button.isEnabled() and not dialog.save_button.isEnabled()
    assert dialog.document.pageCount() == 0 and dialog.pdf_path is None
    assert dialog.info.text() == "" and dialog.page_label.text() == ""
    dialog.close()


def test_an_unknown_report_kind_is_a_message_not_a_crash(qtbot: QtBot, ctx: AppContext) -> None:
    dialog = _dialog(qtbot, ctx, "no-such-report", ReportRequest(record_id="x", lang="en"))
    assert dialog.state == "error" and "no-such-report" in dialog.status.text()
    dialog.close()


def test_period_register_regenerates_when_the_period_changes(
    qtbot: QtBot, ctx: AppContext, demo: Workspace
) -> None:
    end = date.fromisoformat(load_form_record(demo, _inspection_id(demo)).performed_on)
    start = end - timedelta(days=1)
    dialog = _dialog(
        qtbot, ctx, "inspections", ReportRequest(date_from=start, date_to=end, lang="ko"), period=True
    )
    assert dialog.state == "ready", dialog.message
    assert dialog.date_from.isVisible() and not dialog.use_period.isVisible()  # a period is required
    assert dialog.current_request().date_from == start and dialog.current_request().date_to == end
    two_days = dialog.generated.pages if dialog.generated else 0
    assert two_days > 1  # the demo inspected on the last day of its history
    # an empty period prints the register's "nothing" line instead of failing
    _regenerated(qtbot, dialog, lambda: dialog.date_from.setDate(dialog.date_from.date().addYears(5)))
    assert dialog.state == "error"  # the start is now after the end
    assert str(start.year + 5) in dialog.status.text()
    _regenerated(qtbot, dialog, lambda: dialog.date_to.setDate(dialog.date_to.date().addYears(5)))
    assert dialog.state == "ready", dialog.message
    assert dialog.pdf_path is not None and dialog.generated is not None
    assert dialog.generated.pages < two_days
    assert _("No completed inspections in this period.", "ko") in pdfcheck.text(dialog.pdf_path)
    dialog.close()


def test_optional_period_is_off_until_ticked(qtbot: QtBot, ctx: AppContext) -> None:
    dialog = ReportDialog(ctx, "actions", ReportRequest(lang="ko"), period=True, period_required=False)
    assert dialog.use_period.isVisibleTo(dialog) and not dialog.use_period.isChecked()
    assert not dialog.date_from.isEnabled()
    assert dialog.current_request().date_from is None and dialog.current_request().date_to is None
    dialog.use_period.setChecked(True)
    assert dialog.date_from.isEnabled() and dialog.current_request().date_from == date.today()
    dialog.close()


def test_closing_while_generating_leaves_no_files(qtbot: QtBot, ctx: AppContext, demo: Workspace) -> None:
    dialog = ReportDialog(ctx, "inspection", ReportRequest(record_id=_inspection_id(demo), lang="ko"))
    folder = dialog.folder
    assert dialog.state == "generating" and not dialog.print_button.isEnabled()
    dialog.close()
    ctx.tasks.wait()
    qtbot.waitUntil(lambda: not folder.exists(), timeout=5000)


def test_closing_during_a_long_render_stops_it(
    qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A year binder takes minutes; closing the preview must free the database lane, not wait."""
    from safetydesk.core.reports import registry
    from safetydesk.core.reports.render import RenderCancelledError

    outcome: dict[str, str] = {}
    real = registry.generate

    def watched(*args: Any, **kwargs: Any) -> Any:
        try:
            result = real(*args, **kwargs)
        except RenderCancelledError:
            outcome["result"] = "cancelled"
            raise
        outcome["result"] = "finished"
        return result

    monkeypatch.setattr(registry, "generate", watched)
    request = ReportRequest(date_from=date(2025, 11, 1), date_to=date(2026, 11, 23), lang="ko")
    dialog = ReportDialog(ctx, "inspections", request)
    qtbot.addWidget(dialog)
    dialog.show()
    folder = dialog.folder
    qtbot.waitUntil(lambda: dialog.progress.value() > 0, timeout=20000)  # rendering has begun
    dialog.close()
    assert ctx.tasks.wait(60000)
    assert outcome == {"result": "cancelled"}
    qtbot.waitUntil(lambda: not folder.exists(), timeout=5000)


def test_helpers_map_screens_to_reports() -> None:
    assert form_report_kind("inspection") == "inspection"
    assert (
        form_report_kind("tbm") == form_report_kind("permit") == form_report_kind("prework_check") == "form"
    )
    assert actions_filters({"status": ("open", "in_progress"), "due": "overdue", "source": None}) == {
        "status": "open",
        "overdue": "yes",
    }
    assert actions_filters({"status": "done", "due": "due_soon", "source": "incident"}) == {
        "status": "done",
        "source": "incident",
    }
    assert actions_filters({"status": None}) == {}
    from PySide6.QtCore import QRect, QSize

    assert fit_rect(QSize(100, 200), QRect(0, 0, 400, 400)) == QRect(100, 0, 200, 400)
    assert fit_rect(QSize(200, 100), QRect(0, 0, 400, 400)) == QRect(0, 100, 400, 200)


# -- the screens' Print… buttons ----------------------------------------------------------------------


def _opened_dialog(qtbot: QtBot, host: QWidget) -> ReportDialog:
    qtbot.waitUntil(lambda: bool(host.window().findChildren(ReportDialog)), timeout=5000)
    dialog = host.window().findChildren(ReportDialog)[-1]
    qtbot.waitUntil(lambda: dialog.state in ("ready", "error"), timeout=WAIT_MS)
    return dialog


def test_inspection_record_print_button_opens_the_preview_of_that_record(
    qtbot: QtBot, ctx: AppContext, demo: Workspace
) -> None:
    from safetydesk.ui.screens.inspections import InspectionsScreen

    record_id = _inspection_id(demo)
    screen = InspectionsScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1166, 768)
    screen.show()
    screen.open_record(record_id)
    qtbot.waitUntil(
        lambda: screen.editor.view is not None and screen.editor.view.id == record_id, timeout=5000
    )
    assert screen.editor.print_button.isVisible()
    qtbot.mouseClick(screen.editor.print_button, Qt.MouseButton.LeftButton)
    dialog = _opened_dialog(qtbot, screen)
    assert dialog.kind == "inspection" and dialog.request.record_id == record_id
    assert dialog.state == "ready", dialog.message
    assert dialog.isVisible() and dialog.parent() is screen.window()
    dialog.close()


def test_inspections_print_list_uses_the_screens_period(
    qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from safetydesk.ui.screens.inspections import InspectionsScreen

    screen = InspectionsScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    screen.period.setCurrentIndex(screen.period.findData(-2))  # From … to …
    screen.date_from.setDate(screen.date_from.date().fromString("2026-11-20", "yyyy-MM-dd"))
    screen.date_to.setDate(screen.date_to.date().fromString("2026-11-21", "yyyy-MM-dd"))
    qtbot.mouseClick(screen.print_list_button, Qt.MouseButton.LeftButton)
    dialog = _opened_dialog(qtbot, screen)
    assert dialog.kind == "inspections"
    request = dialog.current_request()
    assert (request.date_from, request.date_to) == (date(2026, 11, 20), date(2026, 11, 21))
    assert dialog.state == "ready", dialog.message
    dialog.close()


Case = tuple[str, str, Any, Callable[[Any, str], None], Callable[[Any], QPushButton], Callable[[Any], str]]


def _screen_cases() -> list[Case]:
    """(screen, report kind, table, open a record, its Print… button, the id of the record on screen)."""
    return [
        (
            "actions",
            "action",
            corrective_actions,
            lambda s, i: s._select(i),
            lambda s: s.print_button,
            lambda s: s.current.id,
        ),
        (
            "policies",
            "policy",
            policies,
            lambda s, i: s._version_selected(i),
            lambda s: s.print_button,
            lambda s: s.detail.id,
        ),
        (
            "risk",
            "risk-assessment",
            risk_assessments,
            lambda s, i: s.open_assessment(i),
            lambda s: s.print_button,
            lambda s: s.assessment_id,
        ),
        (
            "emergency",
            "emergency-manual",
            emergency_manuals,
            lambda s, i: s.manual.open_manual(i),
            lambda s: s.manual.print_button,
            lambda s: s.manual.manual.id,
        ),
        (
            "emergency",
            "drill",
            drills,
            lambda s, i: s.planner.open_drill(i),
            lambda s: s.planner.print_button,
            lambda s: s.planner.drill.id,
        ),
        (
            "incidents",
            "incident",
            incidents,
            lambda s, i: s.incidents.open_incident(i),
            lambda s: s.incidents.print_button,
            lambda s: s.incidents.form.detail.id,
        ),
        (
            "people",
            "training",
            trainings,
            lambda s, i: s.trainings.open_training(i),
            lambda s: s.trainings.print_button,
            lambda s: s.trainings.detail.id,
        ),
    ]


@pytest.mark.parametrize(
    ("screen_key", "kind", "table", "open_record", "button", "shown"),
    _screen_cases(),
    ids=[case[1] for case in _screen_cases()],
)
def test_record_print_buttons_open_the_report_of_the_record_on_screen(
    qtbot: QtBot,
    ctx: AppContext,
    demo: Workspace,
    screen_key: str,
    kind: str,
    table: Any,
    open_record: Callable[[Any, str], None],
    button: Callable[[Any], QPushButton],
    shown: Callable[[Any], str],
) -> None:
    from safetydesk.core.reports.registry import kinds
    from safetydesk.ui.main_window import SCREENS

    screen_type = next(s for s in SCREENS if s.key == screen_key)
    screen = screen_type(ctx)
    qtbot.addWidget(screen)
    screen.resize(1166, 768)
    print_button = button(screen)
    assert not print_button.isEnabled()  # nothing chosen yet
    screen.show()
    screen.refresh()
    open_record(screen, _first_id(demo, table, table.c.deleted_at.is_(None)))
    qtbot.waitUntil(print_button.isEnabled, timeout=10_000)
    ctx.tasks.wait()
    qtbot.wait(100)  # lists that select their first row when loaded may have moved on to it
    record_id = shown(screen)
    with demo.reader() as conn:
        assert conn.execute(select(table.c.id).where(table.c.id == record_id)).first() is not None
    qtbot.mouseClick(print_button, Qt.MouseButton.LeftButton)
    dialog = _opened_dialog(qtbot, screen)
    assert dialog.kind == kind and dialog.request.record_id == record_id
    assert kind in kinds()
    assert dialog.state == "ready", dialog.message
    assert dialog.document.pageCount() > 0
    dialog.close()


def test_actions_print_list_carries_the_screens_filters(qtbot: QtBot, ctx: AppContext) -> None:
    from safetydesk.ui.screens.actions import ActionsScreen

    screen = ActionsScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    screen.list.set_filter("due", "overdue")
    qtbot.mouseClick(screen.print_list_button, Qt.MouseButton.LeftButton)
    dialog = _opened_dialog(qtbot, screen)
    assert dialog.kind == "actions"
    assert dialog.request.filters == {"status": "open", "overdue": "yes"}
    assert dialog.use_period.isVisible() and not dialog.use_period.isChecked()  # all dates unless asked
    assert dialog.state == "ready", dialog.message
    dialog.close()


def test_near_miss_register_from_the_incidents_screen(qtbot: QtBot, ctx: AppContext) -> None:
    from safetydesk.ui.screens.incidents import IncidentsScreen

    screen = IncidentsScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    screen.incidents.from_edit.set_value("2026-01-01")
    qtbot.mouseClick(screen.incidents.print_list_button, Qt.MouseButton.LeftButton)
    dialog = _opened_dialog(qtbot, screen)
    assert dialog.kind == "near-misses"
    request = dialog.current_request()
    assert (request.date_from, request.date_to) == (date(2026, 1, 1), date.today())
    assert dialog.state == "ready", dialog.message
    dialog.close()


def test_reports_module_is_not_imported_at_start_up() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from safetydesk.ui import main_window, app; "
        "print(sorted(m for m in sys.modules if m.startswith(('safetydesk.ui.reports', "
        "'safetydesk.ui.operations.reports', 'safetydesk.core.reports', 'PySide6.QtPdf', "
        "'PySide6.QtPrintSupport', 'reportlab'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"


def test_the_dialog_helpers_return_nothing_without_a_record(qtbot: QtBot, ctx: AppContext) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    assert reports.print_record(host, ctx, "action", None) is None
    assert not host.findChildren(ReportDialog)


def test_missing_photos_and_unprintable_characters_are_warned_about(
    qtbot: QtBot, ctx: AppContext, demo: Workspace, tmp_path: Path
) -> None:
    from dataclasses import replace

    from safetydesk.ui.operations.reports import Job

    dialog = _dialog(qtbot, ctx, "inspection", ReportRequest(record_id=_inspection_id(demo), lang="ko"))
    assert dialog.generated is not None and dialog.pdf_path is not None
    copy = dialog.folder / "copy.pdf"
    copy.write_bytes(dialog.pdf_path.read_bytes())
    job = Job()
    dialog._job = job  # as if a render had just finished with these findings
    dialog._generated(job, replace(dialog.generated, path=copy, missing_photos=2, unprintable=frozenset("☃")))
    assert dialog.state == "ready" and dialog.pdf_path == copy
    text = dialog.status.text()
    assert "☃" in text
    assert (
        _("{n} photo(s) could not be read from the workspace and are marked on the page.").format(n=2) in text
    )
    dialog.close()
