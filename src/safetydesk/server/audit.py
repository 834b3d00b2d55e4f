"""The per-tenant audit hash chain (SYNC.md §5 rule 5, §7) and signed checkpoints of its head."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import psycopg
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def event_payload(device: str, event_id: str, hlc: str, data: Mapping[str, Any]) -> dict[str, Any]:
    return {"device": device, "event_id": event_id, "hlc": hlc, "data": dict(data)}


def chain_hash(prev: bytes, payload: Mapping[str, Any]) -> bytes:
    """``hash_n = SHA-256(hash_{n-1} || canonical_json({device, event_id, hlc, data}))``."""
    return hashlib.sha256(prev + canonical_json(payload)).digest()


def verify_chain(conn: psycopg.Connection[Any], tenant_id: str) -> dict[str, Any]:
    """Recompute the tenant's chain; the caller has set the tenant scope on ``conn``.

    ``{ok: true, events, head}`` or ``{ok: false, broken_at, events}`` (the first bad seq).
    """
    prev = b""
    expected_seq = 1
    events = 0
    with conn.cursor(name="audit_verify") as cur:
        cur.itersize = 2000
        cur.execute(
            "SELECT seq, payload, prev_hash, hash FROM sync.audit_event WHERE tenant_id = %s ORDER BY seq",
            (tenant_id,),
        )
        for seq, payload, prev_hash, digest in cur:
            if seq != expected_seq or bytes(prev_hash) != prev or chain_hash(prev, payload) != bytes(digest):
                return {"ok": False, "broken_at": int(seq), "events": events}
            prev = bytes(digest)
            expected_seq += 1
            events += 1
    row = conn.execute("SELECT audit_seq, audit_head FROM sync.tenant WHERE id = %s", (tenant_id,)).fetchone()
    if row is None or int(row[0]) != events or bytes(row[1]) != prev:
        return {
            "ok": False,
            "broken_at": events + 1 if row is None else min(int(row[0]), events + 1),
            "events": events,
        }
    return {"ok": True, "events": events, "head": prev.hex()}


# -- signing key -------------------------------------------------------------------------------------


def load_or_create_key(spec: str, config_dir: Path) -> Ed25519PrivateKey:
    """The server's Ed25519 key: ``spec`` is 64 hex digits (the raw key), a PEM file path, or empty
    (then ``<config_dir>/signing_key.pem``, generated on first start with mode 0600)."""
    text = spec.strip()
    if len(text) == 64 and all(c in "0123456789abcdefABCDEF" for c in text):
        return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(text))
    path = Path(text) if text else config_dir / "signing_key.pem"
    if not path.exists():
        _create_once(path)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return key


def _create_once(path: Path) -> None:
    """Generate a key at ``path`` unless another process (uvicorn worker) wins the race: link(2) is atomic."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.new")
    write_new_key(tmp)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)


def write_new_key(path: Path) -> Ed25519PrivateKey:
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(path)
    return key


def public_key_hex(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def checkpoint_message(tenant_id: str, audit_seq: int, head_hex: str, signed_at: str) -> bytes:
    """The bytes a checkpoint signature covers."""
    return canonical_json(
        {"tenant_id": tenant_id, "audit_seq": audit_seq, "head": head_hex, "signed_at": signed_at}
    )
