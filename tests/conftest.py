"""Shared fixtures. One template workspace is built per session and copied per test (Anki's trick)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
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


DEMO_TODAY = date(2026, 11, 23)


@pytest.fixture(scope="session")
def demo_year_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with one year of history, built once per session for every test that reads it.

    Never write to it: copy it first (``shutil.copytree``), as the tests that change data do.
    """
    from safetydesk.core.demo.builder import build_demo

    path = tmp_path_factory.mktemp("demo-year") / "demo"
    build_demo(path, seed=7, today=DEMO_TODAY, years=1)
    return path


@pytest.fixture(scope="session")
def hazard_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The hazard reader trained once per session from the shipped data, used as "the shipped model".

    ``SAFETYDESK_MODEL_DIR`` points the app at it for the whole session (like the build's bundle in
    ``resources/ml/hazard_model``), so tests never depend on a bundle left in the source tree.
    """
    from safetydesk.core.ml.bundle import train_bundle
    from safetydesk.core.ml.hazard_data import default_osha_csv
    from safetydesk.core.ml.manage import ENV_MODEL_DIR

    folder = tmp_path_factory.mktemp("hazard-model") / "bundle"
    train_bundle(folder, osha_csv=default_osha_csv(), metrics={"note": "test session model"})
    before = os.environ.get(ENV_MODEL_DIR)
    os.environ[ENV_MODEL_DIR] = str(folder)
    yield folder
    if before is None:
        os.environ.pop(ENV_MODEL_DIR, None)
    else:
        os.environ[ENV_MODEL_DIR] = before


@pytest.fixture(autouse=True)
def _gui_thread_gc(request: pytest.FixtureRequest) -> Iterator[None]:
    """Qt tests collect garbage in the GUI thread only, like the app (``ui/gc_guard.py``)."""
    if "qtbot" not in request.fixturenames and "qapp" not in request.fixturenames:
        yield
        return
    from safetydesk.ui import gc_guard

    app = request.getfixturevalue("qapp")
    collector = gc_guard.install(app)
    yield
    collector.stop()  # back to automatic collection for the tests that follow without Qt
    collector.setParent(None)
    collector.deleteLater()
