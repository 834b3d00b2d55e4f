"""Fixtures shared by the screen tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from safetydesk.core.i18n import set_language
from safetydesk.core.workspace.workspace import Workspace, open_workspace


@pytest.fixture
def english_ui(tmp_path: Path) -> Iterator[None]:
    """English messages, and the window's QSettings in the test's own folder (not the user's)."""
    set_language("en")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))
    yield
    set_language("ko")


@pytest.fixture
def demo(demo_year_path: Path, tmp_path: Path) -> Iterator[Workspace]:
    """A private, writable copy of the session's one-year demo workspace."""
    target = tmp_path / "demo"
    shutil.copytree(demo_year_path, target, ignore=shutil.ignore_patterns("safetydesk.lock*"))
    workspace = open_workspace(target)
    try:
        yield workspace
    finally:
        workspace.close()
