"""The command line as a user runs it: a real subprocess for help and the self-test."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from safetydesk.cli import main


def _run(*args: str, timeout: int = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "safetydesk", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )


def test_help_lists_every_command() -> None:
    out = _run("--help")
    assert out.returncode == 0
    for command in ("demo", "verify", "backup", "restore", "--self-test", "--workspace"):
        assert command in out.stdout


def test_self_test_passes_and_exercises_fonts_templates_pdf_and_model(hazard_model_dir: Path) -> None:
    out = _run("--self-test")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "self-test passed" in out.stdout
    assert "templates" in out.stdout and "NanumGothic" in out.stdout and "audit events verified" in out.stdout
    assert "lists queried" in out.stdout
    model_line = next(line for line in out.stdout.splitlines() if line.startswith("ok   model"))
    assert "saved and loaded with skops" in model_line and "predicts machine, slip" in model_line
    hazard_line = next(line for line in out.stdout.splitlines() if line.startswith("ok   hazard-model"))
    assert "press pinch -> caught" in hazard_line


def test_self_test_fails_without_the_shipped_hazard_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from safetydesk.core import selftest
    from safetydesk.core.ml.bundle import ModelBundleError
    from safetydesk.core.ml.manage import ENV_MODEL_DIR

    monkeypatch.setenv(ENV_MODEL_DIR, str(tmp_path / "no-model"))
    with pytest.raises(ModelBundleError):
        selftest._check_hazard_model(tmp_path)


def test_self_test_refuses_a_model_file_with_untrusted_types(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import skops.io

    from safetydesk.core import selftest

    monkeypatch.setattr(skops.io, "get_untrusted_types", lambda **_kw: ["builtins.eval"])
    with pytest.raises(RuntimeError, match=r"untrusted types: builtins\.eval"):
        selftest._check_model(tmp_path)


def test_backup_and_restore_commands(
    ws_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--lang", "en", "backup", "--workspace", str(ws_path), "--out", str(tmp_path)]) == 0
    backup = next(tmp_path.glob("*.sdbackup"))
    assert main(["--lang", "en", "restore", "--workspace", str(tmp_path / "restored"), str(backup)]) == 0
    assert main(["--lang", "en", "verify", "--workspace", str(tmp_path / "restored")]) == 0
    out = capsys.readouterr().out
    assert "Backup written" in out and "restored into" in out and "match the audit chain" in out


def test_user_errors_exit_2_with_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "ko", "verify", "--workspace", str(tmp_path / "none")]) == 2
    assert "작업공간을 찾지 못했습니다" in capsys.readouterr().err
