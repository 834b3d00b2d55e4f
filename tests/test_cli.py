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


def test_self_test_passes_and_exercises_fonts_templates_and_pdf() -> None:
    out = _run("--self-test")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "self-test passed" in out.stdout
    assert "templates" in out.stdout and "NanumGothic" in out.stdout and "audit events verified" in out.stdout


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
