"""The settings screen: company details with a checked registration number, images, approval block,
language remembered in two places, backup choice."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from safetydesk.core.i18n import set_language
from safetydesk.core.queries.settings import COMPANY_LOGO, COMPANY_SEAL, load_settings
from safetydesk.core.services.plant import save_site
from safetydesk.core.workspace.workspace import Workspace
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations.settings import LANGUAGE_KEY, remembered_language
from safetydesk.ui.screens.settings import SettingsScreen
from safetydesk.ui.tasks import TaskRunner


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path) -> Iterator[None]:
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))
    QSettings().remove(LANGUAGE_KEY)
    set_language("ko")
    yield
    QSettings().remove(LANGUAGE_KEY)
    set_language("ko")


def _screen(qtbot: QtBot, ws: Workspace) -> SettingsScreen:
    screen = SettingsScreen(AppContext(workspace=ws, tasks=TaskRunner()))
    qtbot.addWidget(screen)
    screen.resize(1166, 768)
    screen.show()
    screen.refresh()
    qtbot.waitUntil(lambda: screen.current is not None, timeout=5000)
    return screen


def _png(path: Path, colour: str = "red") -> Path:
    image = QImage(64, 40, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    assert image.save(str(path))
    return path


def test_company_details_are_offered_from_the_site_and_the_number_is_checked(
    qtbot: QtBot, ws: Workspace
) -> None:
    save_site(ws, {"name": "(주)동남정밀", "business_reg_no": "617-81-52794"})
    screen = _screen(qtbot, ws)
    assert screen.name.text() == "(주)동남정밀" and not screen.prefill_note.isHidden()
    assert not screen.has_unsaved_changes()
    screen.brn.setText("617-81-5279")
    screen.save()
    assert screen.brn_error.text() == "사업자등록번호는 000-00-00000 형식이어야 합니다."
    assert not screen.brn_error.isHidden()
    assert load_settings(ws).from_site  # nothing saved
    screen.brn.setText("6178152794")
    screen.representative.setText("김대표")
    screen.save()
    qtbot.waitUntil(lambda: not screen.has_unsaved_changes() and screen.status.text() != "", timeout=5000)
    saved = load_settings(ws)
    assert (saved.name, saved.business_reg_no, saved.representative) == (
        "(주)동남정밀",
        "617-81-52794",
        "김대표",
    )
    assert not saved.from_site
    qtbot.waitUntil(lambda: screen.prefill_note.isHidden(), timeout=5000)
    screen.ctx.tasks.wait()


def test_approval_titles_and_language_and_backup_choice(qtbot: QtBot, ws: Workspace, tmp_path: Path) -> None:
    screen = _screen(qtbot, ws)
    assert screen.approval_titles() == ("담당", "검토", "승인")
    screen.box_count.setValue(4)
    screen.titles[3].setText("대표")
    assert screen.preview.titles == ("담당", "검토", "승인", "대표")
    screen.box_count.setValue(2)
    assert not screen.titles[2].isEnabled() and screen.preview.titles == ("담당", "검토")
    screen.box_count.setValue(4)
    screen.language.setCurrentIndex(screen.language.findData("en"))
    screen.schedule.setCurrentIndex(screen.schedule.findData("weekly"))
    screen.backup_folder.setText(str(tmp_path / "usb"))
    assert not screen.keep_original.isChecked()
    screen.keep_original.setChecked(True)
    assert screen.has_unsaved_changes()
    screen.save()
    qtbot.waitUntil(lambda: not screen.has_unsaved_changes(), timeout=5000)
    assert "다시 시작" in screen.status.text()  # the language switches on restart, and it says so
    saved = load_settings(ws)
    assert saved.approval_titles == ("담당", "검토", "승인", "대표")
    assert (saved.language, saved.backup_schedule, saved.backup_folder) == (
        "en",
        "weekly",
        str(tmp_path / "usb"),
    )
    assert saved.keep_original_photos
    assert remembered_language() == "en" and QSettings().value(LANGUAGE_KEY) == "en"
    screen.ctx.tasks.wait()


def test_logo_and_seal_are_previewed_then_stored_on_save(qtbot: QtBot, ws: Workspace, tmp_path: Path) -> None:
    screen = _screen(qtbot, ws)
    slot = screen.slots[COMPANY_LOGO]
    assert not slot.remove.isEnabled()
    screen.stage_image(COMPANY_LOGO, _png(tmp_path / "logo.png"))
    qtbot.waitUntil(
        lambda: slot.preview.pixmap() is not None and not slot.preview.pixmap().isNull(), timeout=5000
    )
    assert screen.has_unsaved_changes() and load_settings(ws).logo is None  # not stored until saved
    bad = tmp_path / "seal.png"
    bad.write_bytes(b"%PDF-1.4 not an image")
    screen.stage_image(COMPANY_SEAL, bad)
    seal = screen.slots[COMPANY_SEAL]
    qtbot.waitUntil(lambda: seal.error.text() != "", timeout=5000)
    assert "PNG" in seal.error.text()
    screen.save()
    qtbot.waitUntil(
        lambda: load_settings(ws).logo is not None and not screen.has_unsaved_changes(), timeout=5000
    )
    stored = load_settings(ws)
    assert stored.logo is not None and stored.logo.name == "logo.png" and stored.seal is None
    # shown again from the workspace after the reload
    qtbot.waitUntil(
        lambda: slot.name.text() == "logo.png" and not slot.preview.pixmap().isNull(), timeout=5000
    )
    slot.remove.click()
    screen.save()
    qtbot.waitUntil(lambda: load_settings(ws).logo is None, timeout=5000)
    screen.ctx.tasks.wait()


def test_undo_changes_and_workspace_path(qtbot: QtBot, ws: Workspace) -> None:
    screen = _screen(qtbot, ws)
    assert screen.workspace_path.text() == str(ws.path)
    screen.name.setText("임시 이름")
    assert screen.has_unsaved_changes()
    screen.revert_button.click()
    qtbot.waitUntil(lambda: screen.name.text() == "" and not screen.has_unsaved_changes(), timeout=5000)
    screen.ctx.tasks.wait()
