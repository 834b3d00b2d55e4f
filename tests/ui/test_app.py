"""Application set-up: Qt's own strings follow the language, and the window has the SafetyDesk icon."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, QTranslator
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from safetydesk.core.i18n import current_language, set_language
from safetydesk.core.resources import resource_path
from safetydesk.ui.app import install_qt_translation, make_application


def test_korean_loads_qts_own_translation(qapp: QApplication) -> None:
    translator = install_qt_translation(qapp, "ko")
    assert translator is not None, "qtbase_ko.qm not found in Qt's translations folder"
    try:
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "취소"
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "취소"
    finally:
        qapp.removeTranslator(translator)
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"


def test_english_needs_no_qt_translation(qapp: QApplication) -> None:
    assert install_qt_translation(qapp, "en") is None


def test_make_application_sets_the_icon_and_the_korean_qt_strings(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Keep the user's real settings (a remembered language) out of the test.
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))
    monkeypatch.delenv("SAFETYDESK_LANG", raising=False)
    before = current_language()
    set_language("ko")
    try:
        assert make_application() is qapp
        assert not qapp.windowIcon().isNull()
        assert resource_path("icons", "safetydesk.ico").stat().st_size > 1000
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "취소"
    finally:
        for translator in qapp.findChildren(QTranslator):
            qapp.removeTranslator(translator)
            translator.deleteLater()
        qapp.setStyleSheet("")
        set_language(before)
