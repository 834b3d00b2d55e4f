"""Double-clicking a .sdpack: password asked (again when wrong), unpacked into a new folder, never over one."""

from __future__ import annotations

from pathlib import Path

import pytest

from safetydesk.cli import main
from safetydesk.core.errors import UserError
from safetydesk.core.services import records
from safetydesk.core.workspace.opening import MAX_TRIES, open_package, unpack_target
from safetydesk.core.workspace.pack import pack_workspace
from safetydesk.core.workspace.workspace import Workspace, open_workspace

PASSWORD = "correct horse battery"


@pytest.fixture
def package(ws: Workspace, tmp_path: Path) -> tuple[Path, str]:
    site = records.create(ws, "sites", {"name": "동남정밀 부산공장"}).id
    out = tmp_path / "동남정밀.sdpack"
    pack_workspace(ws, out, PASSWORD, log2_n=14)
    return out, site


def test_a_wrong_password_is_asked_again_then_the_package_opens_as_a_new_workspace(
    package: tuple[Path, str], tmp_path: Path
) -> None:
    pack, site = package
    workspaces = tmp_path / "workspaces"
    (workspaces / "동남정밀").mkdir(parents=True)
    (workspaces / "동남정밀" / "safetydesk.db").write_bytes(b"someone else's workspace")
    answers = iter(["wrong password", PASSWORD])
    asked: list[int] = []
    told: list[UserError] = []

    def ask(attempt: int) -> str | None:
        asked.append(attempt)
        return next(answers)

    target = open_package(pack, workspaces, ask_password=ask, tell=told.append)
    assert asked == [1, 2] and len(told) == 1 and "password" in told[0].message("en")
    assert target == workspaces / "동남정밀-2"  # the existing folder is never used
    assert (workspaces / "동남정밀" / "safetydesk.db").read_bytes() == b"someone else's workspace"
    with open_workspace(target) as opened:
        assert records.get(opened, "sites", site)["name"] == "동남정밀 부산공장"


def test_cancel_or_too_many_wrong_passwords_write_nothing(package: tuple[Path, str], tmp_path: Path) -> None:
    pack, _site = package
    workspaces = tmp_path / "workspaces"
    assert open_package(pack, workspaces, ask_password=lambda _n: None, tell=lambda _e: None) is None
    told: list[UserError] = []
    assert open_package(pack, workspaces, ask_password=lambda _n: "nope nope", tell=told.append) is None
    assert len(told) == MAX_TRIES
    assert not workspaces.exists() or not any(p.is_dir() and any(p.iterdir()) for p in workspaces.iterdir())


def test_a_damaged_package_writes_nothing(package: tuple[Path, str], tmp_path: Path) -> None:
    pack, _site = package
    data = pack.read_bytes()
    pack.write_bytes(b"PK\x03\x04 a zip renamed to .sdpack")  # not a package at all: told once
    told: list[UserError] = []
    asked: list[int] = []

    def ask(attempt: int) -> str:
        asked.append(attempt)
        return PASSWORD

    assert open_package(pack, tmp_path / "w", ask_password=ask, tell=told.append) is None
    assert asked == [1] and len(told) == 1 and "not a SafetyDesk package" in told[0].message("en")
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= (
        0xFF  # GCM cannot tell damage from a wrong password: asked again, then given up
    )
    pack.write_bytes(bytes(flipped))
    asked.clear()
    assert open_package(pack, tmp_path / "w", ask_password=ask, tell=told.append) is None
    assert asked == list(range(1, MAX_TRIES + 1))
    assert not (tmp_path / "w").exists() or not any((tmp_path / "w").rglob("safetydesk.db"))


def test_unpack_target_and_the_command_refuse_what_is_not_a_package(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert unpack_target(tmp_path / "a.sdpack", tmp_path / "ws") == tmp_path / "ws" / "a"
    (tmp_path / "ws" / "a").mkdir(parents=True)
    assert unpack_target(tmp_path / "a.sdpack", tmp_path / "ws") == tmp_path / "ws" / "a"  # empty: usable
    note = tmp_path / "notes.txt"
    note.write_text("x")
    assert main(["--lang", "en", "open", str(note)]) == 2
    assert "cannot open notes.txt" in capsys.readouterr().err
