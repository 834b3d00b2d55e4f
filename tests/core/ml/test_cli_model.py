"""`safetydesk model train | evaluate | suggest` end to end on a trimmed copy of the OSHA data."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from safetydesk.cli import main


@pytest.fixture(autouse=True)
def _language(monkeypatch: pytest.MonkeyPatch):
    from safetydesk.core.i18n import current_language, set_language

    monkeypatch.delenv("SAFETYDESK_LANG", raising=False)
    before = current_language()
    yield
    set_language(before)


def _trimmed(osha_csv: Path, tmp_path: Path, every: int = 3) -> Path:
    with osha_csv.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    out = tmp_path / "osha_small.csv"
    with out.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([rows[0], *rows[1::every]])
    return out


def test_train_then_suggest_in_korean_and_english(
    osha_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = tmp_path / "bundle"
    data = _trimmed(osha_csv, tmp_path)
    assert main(["model", "train", "--data", str(data), "--out", str(bundle), "--no-evaluate"]) == 0
    assert (bundle / "metadata.json").is_file() and (bundle / "model.skops").is_file()
    capsys.readouterr()
    assert (
        main(["model", "suggest", "--bundle", str(bundle), "--json", "사다리 위에서 작업 중 추락할 위험"])
        == 0
    )
    suggestion = json.loads(capsys.readouterr().out)
    assert suggestion["group"] == "fall"
    assert 0 <= suggestion["severity_probability"] <= 1
    assert suggestion["top_terms"] and suggestion["model_version"]
    assert (
        main(["--lang", "en", "model", "suggest", "--bundle", str(bundle), "hand caught in press die"]) == 0
    )
    out = capsys.readouterr().out
    assert "Caught" in out or "caught" in out
    assert "Words that drove it" in out


def test_evaluate_prints_the_measurements_as_json(osha_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["model", "evaluate", "--data", str(osha_csv), "--sample", "150", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    text = json.dumps(result)
    assert "macro_f1" in text and "korean" in text


def test_suggest_without_a_model_and_train_without_data_explain_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["--lang", "en", "model", "suggest", "-w", str(tmp_path), "--bundle", str(tmp_path), "x"]) == 2
    )
    assert "cannot be read" in capsys.readouterr().err
    assert (
        main(["--lang", "en", "model", "train", "--data", str(tmp_path / "none.csv"), "--out", str(tmp_path)])
        == 2
    )
    assert "--data" in capsys.readouterr().err


def test_workspace_train_status_and_roll_back(
    osha_csv: Path, ws_path: Path, tmp_path: Path, hazard_model_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from safetydesk.core.ml import manage

    manage._cache.clear()
    data = _trimmed(osha_csv, tmp_path, every=5)
    assert main(["--lang", "en", "model", "status", "-w", str(ws_path)]) == 0
    assert "(shipped)" in capsys.readouterr().out
    assert (
        main(["--lang", "en", "model", "train", "-w", str(ws_path), "--data", str(data), "--no-evaluate"])
        == 0
    )
    captured = capsys.readouterr()
    assert "is now this workspace's hazard model" in captured.out
    assert "Training: save (6/6)" in captured.err
    assert main(["model", "status", "-w", str(ws_path), "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["active"]["source"] == "workspace" and len(status["workspace"]) == 1
    assert status["shipped"]["folder"] == str(hazard_model_dir)
    assert main(["--lang", "en", "model", "suggest", "-w", str(ws_path), "hand caught in the press die"]) == 0
    out = capsys.readouterr().out
    assert status["active"]["version"] in out and "Severity potential" not in out  # the CLI names the band
    assert main(["--lang", "ko", "model", "roll-back", "-w", str(ws_path)]) == 0
    assert "기본 제공 위험 유형 모델" in capsys.readouterr().out
    assert main(["model", "status", "-w", str(ws_path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["active"]["source"] == "shipped"
