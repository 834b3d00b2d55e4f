"""The import dialog: preview with problems keeps Import disabled; a clean file imports everything."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from safetydesk.core.db.tables import audit_events, people
from safetydesk.core.i18n import set_language
from safetydesk.core.workspace.workspace import Workspace
from safetydesk.ui.context import AppContext
from safetydesk.ui.tasks import TaskRunner
from safetydesk.ui.widgets.import_dialog import ImportDialog
from tests.core.exchange import corpus
from tests.factories import base_refs


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("ko")


def _count(ws: Workspace) -> tuple[int, int]:
    with ws.reader() as conn:
        return (
            conn.execute(select(func.count()).select_from(people)).scalar_one(),
            conn.execute(select(func.count()).select_from(audit_events)).scalar_one(),
        )


def test_problems_block_import_and_a_clean_file_imports(qtbot: QtBot, ws: Workspace, tmp_path: Path) -> None:
    base_refs(ws)
    ctx = AppContext(workspace=ws, tasks=TaskRunner())
    bad = corpus.xlsx(
        tmp_path / "bad.xlsx", [corpus.WORKER_HEADER, corpus.worker(1), corpus.worker(2, hired="soon")]
    )
    dialog = ImportDialog(ctx, "workers", bad)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10000)
    assert dialog.problems.rowCount() == 1
    assert dialog.problems.item(0, 1).text() == "3"
    assert "not a date" in dialog.problems.item(0, 3).text()
    assert not dialog.import_button.isEnabled()

    before = _count(ws)
    good = corpus.xlsx(tmp_path / "good.xlsx", [corpus.WORKER_HEADER] + [corpus.worker(n) for n in range(5)])
    dialog = ImportDialog(ctx, "workers", good)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=10000)
    assert dialog.sample.rowCount() == 5
    with qtbot.waitSignal(dialog.imported, timeout=10000):
        dialog.import_button.click()
    after = _count(ws)
    assert (after[0] - before[0], after[1] - before[1]) == (5, 5)


def test_people_screen_button_imports_a_cp949_csv_and_refreshes_the_roster(
    qtbot: QtBot, ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    from safetydesk.ui.screens.people import PeopleScreen

    base_refs(ws)
    path = tmp_path / "roster.csv"
    path.write_bytes("사번,이름,입사일\nK1,김철수,2026.7.1\nK2,이영희,2025.12.31\n".encode("cp949"))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(path), ""))
    ctx = AppContext(workspace=ws, tasks=TaskRunner())
    screen = PeopleScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    screen.refresh()
    page = screen.roster
    qtbot.waitUntil(lambda: page.list.model.rowCount() == 1, timeout=5000)
    page.excel_button.click()
    dialog = page.findChild(ImportDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=10000)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: page.list.model.rowCount() == 3, timeout=10000)
    ctx.tasks.wait()
