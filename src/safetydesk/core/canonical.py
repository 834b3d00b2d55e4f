"""Canonical JSON: the one byte form used for hashes (audit chain, row digests, templates)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any


def canonical_json(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def row_digest(row: Mapping[str, Any]) -> str:
    return sha256_hex(canonical_json(dict(row)))


def children_digest(children: Mapping[str, Iterable[Mapping[str, Any]]]) -> str | None:
    """Digest of a parent's child rows, independent of their order; empty child tables are left out."""
    digest = hashlib.sha256()
    any_rows = False
    for name in sorted(children):
        encoded = sorted(canonical_json(dict(row)) for row in children[name])
        for line in encoded:
            digest.update(name.encode() + b"\x00" + line + b"\n")
            any_rows = True
    return digest.hexdigest() if any_rows else None
