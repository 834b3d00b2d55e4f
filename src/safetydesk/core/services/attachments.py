"""Attach photos and documents to records: the file is stored (fsynced) before its row commits."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from sqlalchemy import insert

from safetydesk.core.db.tables import attachments
from safetydesk.core.services.base import Tx


def store_bytes(tx: Tx, data: bytes, *, mime: str = "image/jpeg", name: str | None = None) -> str:
    sha = tx.ws.attachments.put_bytes(data)
    tx.conn.execute(
        insert(attachments).prefix_with("OR IGNORE"),
        {"sha256": sha, "size": len(data), "mime": mime, "original_name": name, "created_at": tx.now},
    )
    return sha


def store_file(tx: Tx, path: Path) -> str:
    sha = tx.ws.attachments.put_file(path)
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    tx.conn.execute(
        insert(attachments).prefix_with("OR IGNORE"),
        {
            "sha256": sha,
            "size": path.stat().st_size,
            "mime": mime,
            "original_name": path.name,
            "created_at": tx.now,
        },
    )
    return sha


def link(
    tx: Tx, sha: str, entity: str, record_id: str, role: str = "photo", caption: str | None = None
) -> str:
    return tx.insert(
        "attachment_links",
        {"sha256": sha, "entity": entity, "record_id": record_id, "role": role, "caption": caption},
    )
