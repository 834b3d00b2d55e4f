"""Encrypted .sdpack: round trip; wrong password, any flipped byte, truncation → refused, nothing written."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest

from safetydesk.core.audit.chain import verify
from safetydesk.core.errors import UserError
from safetydesk.core.queries.settings import BACKUP_SCHEDULE
from safetydesk.core.services import attachments, records
from safetydesk.core.services.base import transaction
from safetydesk.core.services.settings import save_settings
from safetydesk.core.workspace import pack as pack_mod
from safetydesk.core.workspace.pack import (
    HEADER,
    decrypt_stream,
    encrypt_stream,
    pack_workspace,
    unpack_package,
)
from safetydesk.core.workspace.workspace import Workspace, open_workspace
from tests.factories import base_refs, minimal

PASSWORD = "안전제일-2026!"
PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40


@pytest.fixture
def packed(ws: Workspace, tmp_path: Path) -> tuple[Path, str, str]:
    finding = records.create(ws, "findings", minimal("findings", base_refs(ws))).id
    with transaction(ws) as tx:
        sha = attachments.store_bytes(tx, PHOTO)
        attachments.link(tx, sha, "findings", finding, role="before")
    info = pack_workspace(ws, tmp_path / "move.sdpack", PASSWORD, log2_n=14)
    assert info.attachments == 1
    return info.path, finding, sha


def test_round_trip(packed: tuple[Path, str, str], tmp_path: Path) -> None:
    path, finding, sha = packed
    assert b"SQLite format" not in path.read_bytes() and PHOTO[:64] not in path.read_bytes()
    info = unpack_package(path, tmp_path / "other-pc", PASSWORD)
    assert info.records_checked > 0 and info.replaced_to is None
    with open_workspace(tmp_path / "other-pc") as copy:
        assert records.get(copy, "findings", finding)["description"] == "방호덮개 파손"
        assert copy.attachments.read_bytes(sha) == PHOTO
        with copy.reader() as conn:
            assert verify(conn).ok


def _refused(path: Path, target: Path, password: str = PASSWORD) -> UserError:
    with pytest.raises(UserError) as err:
        unpack_package(path, target, password)
    assert not target.exists(), "nothing may be written"
    assert "cannot be opened" in err.value.text("en") and "열 수 없습니다" in err.value.text("ko")
    return err.value


def test_wrong_password(packed: tuple[Path, str, str], tmp_path: Path) -> None:
    err = _refused(packed[0], tmp_path / "x", "wrong password")
    assert "password is wrong" in err.text("en") and "비밀번호가 틀렸" in err.text("ko")


def test_flipped_byte_anywhere_is_refused(packed: tuple[Path, str, str], tmp_path: Path) -> None:
    data = packed[0].read_bytes()
    rng = random.Random(7)
    spots = [0, 9, 12, HEADER.size - 5, HEADER.size - 1, HEADER.size, len(data) // 2, len(data) - 1]
    spots += [rng.randrange(len(data)) for _ in range(4)]
    for i, spot in enumerate(spots):
        bad = tmp_path / f"bad{i}.sdpack"
        bad.write_bytes(data[:spot] + bytes([data[spot] ^ 0x01]) + data[spot + 1 :])
        _refused(bad, tmp_path / f"x{i}")


def test_truncated_or_extended_is_refused(packed: tuple[Path, str, str], tmp_path: Path) -> None:
    data = packed[0].read_bytes()
    for i, cut in enumerate([10, HEADER.size, HEADER.size + 20, len(data) - 1]):
        bad = tmp_path / f"cut{i}.sdpack"
        bad.write_bytes(data[:cut])
        _refused(bad, tmp_path / f"x{i}")
    longer = tmp_path / "longer.sdpack"
    longer.write_bytes(data + b"\x00")
    _refused(longer, tmp_path / "y")


def test_chunks_cut_at_a_boundary_or_reordered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pack_mod, "CHUNK", 4096)
    plain = bytes(
        random.Random(1).getrandbits(8) for _ in range(4096 * 3)
    )  # exact multiple: empty last chunk
    out = io.BytesIO()
    encrypt_stream(io.BytesIO(plain), out, PASSWORD, log2_n=14)
    data = out.getvalue()
    back = io.BytesIO()
    decrypt_stream(io.BytesIO(data), back, PASSWORD)
    assert back.getvalue() == plain
    sealed = 4096 + 16
    body = data[HEADER.size :]
    chunks = [body[i : i + sealed] for i in range(0, len(body), sealed)]
    assert len(chunks) == 4 and len(chunks[-1]) == 16
    for forged in (
        data[: HEADER.size + 3 * sealed],  # dropped the final chunk: cut at a boundary
        data[: HEADER.size] + chunks[1] + chunks[0] + chunks[2] + chunks[3],  # reordered
        data[: HEADER.size] + chunks[0] + chunks[2] + chunks[3],  # one dropped in the middle
    ):
        sink = io.BytesIO()
        with pytest.raises(UserError):
            decrypt_stream(io.BytesIO(forged), sink, PASSWORD)


def test_unpack_refuses_a_non_empty_folder_and_short_passwords(
    packed: tuple[Path, str, str], ws: Workspace, tmp_path: Path
) -> None:
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("mine")
    with pytest.raises(UserError) as err:
        unpack_package(packed[0], busy, PASSWORD)
    assert "not empty" in err.value.text("en") and "비어 있지 않습니다" in err.value.text("ko")
    assert [p.name for p in busy.iterdir()] == ["keep.txt"]
    with pytest.raises(UserError) as short:
        pack_workspace(ws, tmp_path / "p.sdpack", "short")
    assert "8" in short.value.text("ko") and not (tmp_path / "p.sdpack").exists()


def test_default_kdf_round_trip_in_an_empty_existing_folder(ws: Workspace, tmp_path: Path) -> None:
    info = pack_workspace(ws, tmp_path / "d.sdpack", PASSWORD)
    assert info.path.read_bytes()[10] == pack_mod.DEFAULT_LOG2_N
    (tmp_path / "empty").mkdir()
    assert unpack_package(info.path, tmp_path / "empty", PASSWORD).records_checked > 0


def test_cli_pack_unpack_and_rotate(
    ws_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from safetydesk.cli import main

    with open_workspace(ws_path) as ws:
        finding = records.create(ws, "findings", minimal("findings", base_refs(ws))).id
    secret = tmp_path / "pw.txt"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    out = tmp_path / "x.sdpack"
    assert (
        main(["--lang", "en", "pack", "-w", str(ws_path), "--out", str(out), "--password-file", str(secret)])
        == 0
    )
    assert "Encrypted package written" in capsys.readouterr().out
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the password", encoding="utf-8")
    args = ["--lang", "en", "unpack", str(out), "-w", str(tmp_path / "new"), "--password-file"]
    assert main([*args, str(wrong)]) == 2 and not (tmp_path / "new").exists()
    assert "password is wrong" in capsys.readouterr().err
    assert main([*args, str(secret)]) == 0
    with open_workspace(tmp_path / "new") as copy:
        assert records.get(copy, "findings", finding)["id"] == finding
    assert main([*args, str(secret)]) == 2  # the folder is no longer empty
    assert "not empty" in capsys.readouterr().err
    with open_workspace(ws_path) as ws:
        save_settings(ws, {BACKUP_SCHEDULE: "off"})
    assert main(["--lang", "en", "backup", "--rotate", "-w", str(ws_path)]) == 0
    assert "Automatic backups are off" in capsys.readouterr().out
