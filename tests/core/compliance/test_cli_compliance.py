"""``safetydesk compliance --workspace W --period 2026H1 [--json]``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from safetydesk.cli import main
from safetydesk.core.i18n import current_language, set_language
from safetydesk.core.workspace.workspace import open_workspace
from tests.core.compliance.plant import full_plant


@pytest.fixture(autouse=True)
def _keep_language() -> Iterator[None]:
    before = current_language()
    yield
    set_language(before)


@pytest.fixture
def plant_path(ws_path: Path) -> Path:
    with open_workspace(ws_path) as ws:
        full_plant(ws)
    return ws_path


def test_json_lists_every_duty(plant_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "compliance",
            "--workspace",
            str(plant_path),
            "--period",
            "2026H1",
            "--json",
            "--as-of",
            "2026-11-23",
        ]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["period"] == "2026H1" and data["as_of"] == "2026-06-30" and data["in_progress"] is False
    duties = {d["code"]: d for d in data["duties"]}
    assert len(duties) == 13
    assert duties["sapa_4_8"]["status"] == "met" and duties["sapa_4_8"]["evidence_count"] >= 3
    assert duties["sapa_4_8"]["check"]["locked"] is True
    assert duties["sapa_4_2"]["status"] == "not_applicable"
    assert {o["code"] for o in data["obligations"]} >= {"sapa", "safety_health_coordinator", "labour_council"}


def test_text_in_english_and_korean(plant_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["compliance", "-w", str(plant_path), "--period", "2026H2", "--as-of", "2026-09-01"]
    assert main([*argv, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "SAPA compliance 2026H2" in out and "in progress" in out
    assert "[missing] sapa_4_3" in out and "(due 2026-12-31)" in out
    assert main([*argv, "--lang", "ko"]) == 0
    out = capsys.readouterr().out
    assert "중대재해처벌법 이행 현황 2026H2" in out and "[미이행] sapa_4_3" in out


def test_bad_period_exits_2_with_a_clear_message(
    plant_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--lang", "en", "compliance", "-w", str(plant_path), "--period", "2026-1"]) == 2
    err = capsys.readouterr().err
    assert "“2026-1” is not a half-year" in err and "2026H1" in err
