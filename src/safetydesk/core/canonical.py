"""Canonical JSON: the one byte form used for hashes (audit chain, row digests, templates)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

# One encoder, built once: json.dumps() with options builds a new encoder on every call.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def canonical_json(value: Any) -> bytes:
    return _ENCODER.encode(value).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def row_digest(row: Mapping[str, Any]) -> str:
    return sha256_hex(canonical_json(dict(row)))


def children_digest(children: Mapping[str, Iterable[Sequence[Any]]]) -> str | None:
    """Digest of a parent's child rows as stored (value tuples in column order), order-independent.

    Rows are taken exactly as SQLite returns them (JSON columns as their text, booleans as 0/1), so
    the writer and ``verify`` hash the same bytes without decoding anything. Empty tables are left out.
    """
    digest = hashlib.sha256()
    any_rows = False
    encode = _ENCODER.encode
    for name in sorted(children):
        for line in sorted(encode(list(row)) for row in children[name]):
            digest.update(name.encode() + b"\x00" + line.encode("utf-8") + b"\n")
            any_rows = True
    return digest.hexdigest() if any_rows else None
