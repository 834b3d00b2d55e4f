"""Shared fixtures. One template workspace is built per session and copied per test (Anki's trick)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from safetydesk.core.workspace.workspace import Workspace, open_workspace


@pytest.fixture(scope="session")
def template_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from safetydesk.core.services.forms import install_shipped_templates

    path = tmp_path_factory.mktemp("template") / "ws"
    with open_workspace(path) as ws:
        install_shipped_templates(ws, actor="test")
    return path


@pytest.fixture
def ws_path(template_workspace: Path, tmp_path: Path) -> Path:
    target = tmp_path / "ws"
    shutil.copytree(template_workspace, target, ignore=shutil.ignore_patterns("safetydesk.lock*"))
    return target


@pytest.fixture
def ws(ws_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(ws_path)
    try:
        yield workspace
    finally:
        workspace.close()
