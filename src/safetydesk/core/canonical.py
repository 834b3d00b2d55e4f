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
    """Digest of a parent's child rows, sorted by id so that insertion order does not matter.

    Empty child tables are left out, so "no gas readings" hashes the same however it is spelled.
    """
    payload = {}
    for name, rows in children.items():
        ordered = sorted((dict(r) for r in rows), key=lambda r: str(r["id"]))
        if ordered:
            payload[name] = ordered
    if not payload:
        return None
    return sha256_hex(canonical_json(payload))
