"""One demo workspace (a year of history) shared read-only by the report tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from safetydesk.core.workspace.workspace import Workspace, open_workspace

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="session")
def demo_path(demo_year_path: Path) -> Path:
    return demo_year_path


@pytest.fixture(scope="session")
def demo(demo_path: Path) -> Iterator[Workspace]:
    ws = open_workspace(demo_path, create=False, read_only=True)
    try:
        yield ws
    finally:
        ws.close()


@pytest.fixture(autouse=True)
def _keep_language(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """``main(["--lang", …])`` sets the process language and SAFETYDESK_LANG; put both back."""
    from safetydesk.core.i18n import current_language, set_language

    monkeypatch.delenv("SAFETYDESK_LANG", raising=False)
    before = current_language()
    yield
    set_language(before)
