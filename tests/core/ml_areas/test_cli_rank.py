"""`safetydesk model rank-areas`: the ranking and its reasons from the command line."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from safetydesk.cli import main
from safetydesk.core.workspace.workspace import Workspace
from tests.core.ml_areas.test_areas import _near_miss, _overdue_action, _plant


@pytest.fixture(autouse=True)
def _language(monkeypatch: pytest.MonkeyPatch):
    from safetydesk.core.i18n import current_language, set_language

    monkeypatch.delenv("SAFETYDESK_LANG", raising=False)
    before = current_language()
    yield
    set_language(before)


def test_rank_areas_prints_the_busy_area_first_with_its_reasons(
    ws: Workspace, ws_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    areas = _plant(ws)
    today = date.today()
    for days in (5, 12, 20):
        _near_miss(ws, areas["B"], today - timedelta(days=days))
    _overdue_action(ws, areas["B"], days_late=9)
    ws.close()
    assert main(["model", "rank-areas", "-w", str(ws_path), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    first = result["areas"][0]
    assert first["area_id"] == areas["B"]
    assert first["reasons"], "the top area says why"
    assert main(["--lang", "en", "model", "rank-areas", "-w", str(ws_path), "--method", "fallback"]) == 0
    text = capsys.readouterr().out
    assert "overdue corrective action" in text
    assert text.index("1.") < text.index("2.")


def test_model_without_an_action_explains_itself(ws_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "en", "model", "-w", str(ws_path)]) == 2
    assert "safetydesk model --help" in capsys.readouterr().err
