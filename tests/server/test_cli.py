"""``safetydesk-server`` commands against a real PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from safetydesk.server import audit, cli
from tests.integration.servers import PgCluster

pytestmark = pytest.mark.integration  # real PostgreSQL (and SeaweedFS for blobs)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object]]:
    code = cli.main(list(argv))
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else {}


def test_cli_admin_commands(
    pg: PgCluster, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SYNC_ADMIN_DSN", pg.admin_dsn)
    monkeypatch.setenv("SYNC_OWNER_DSN", pg.owner_dsn)
    monkeypatch.setenv("SYNC_OWNER_PASSWORD", pg.owner_password)
    monkeypatch.setenv("SYNC_APP_PASSWORD", pg.app_password)
    assert run(capsys, "install") == (0, {"applied": []})
    code, tenant = run(capsys, "tenant", "create", "대한정밀")
    assert code == 0 and tenant["name"] == "대한정밀"
    tid = str(tenant["tenant_id"])
    code, enrol = run(capsys, "code", "create", "--tenant", tid, "--hours", "2")
    assert code == 0 and len(str(enrol["code"])) == 14
    with pytest.raises(SystemExit):
        cli.main(["code", "create", "--tenant", tid, "--hours", "25"])
    capsys.readouterr()
    assert run(capsys, "device", "list", "--tenant", tid) == (0, {"devices": []})
    assert run(capsys, "audit", "verify", "--tenant", tid) == (0, {"ok": True, "events": 0, "head": ""})
    code = cli.main(["device", "revoke", "00000000-0000-4000-8000-000000000000"])
    assert code == 2
    key_path = tmp_path / "key.pem"
    code, key = run(capsys, "keygen", "--out", str(key_path))
    loaded = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    assert isinstance(loaded, Ed25519PrivateKey) and key["public_key"] == audit.public_key_hex(loaded)
    assert key_path.stat().st_mode & 0o777 == 0o600
    with pytest.raises(SystemExit):
        cli.main(["keygen", "--out", str(key_path)])


def test_signing_key_sources(tmp_path: Path) -> None:
    generated = audit.load_or_create_key("", tmp_path / "cfg")
    assert (tmp_path / "cfg" / "signing_key.pem").exists()
    again = audit.load_or_create_key("", tmp_path / "cfg")
    assert audit.public_key_hex(again) == audit.public_key_hex(generated)
    raw = "11" * 32
    assert audit.public_key_hex(audit.load_or_create_key(raw, tmp_path)) == audit.public_key_hex(
        Ed25519PrivateKey.from_private_bytes(bytes.fromhex(raw))
    )
