"""Attach photos and documents to records: the file is stored (fsynced) before its row commits."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert, select

from safetydesk.core.db.tables import attachments, settings
from safetydesk.core.services.base import Tx
from safetydesk.core.services.images import KEEP_ORIGINAL_KEY, prepare_photo


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


# -- photos (input limits: format, size, downscale for storage, original optionally kept) -----------


@dataclass(frozen=True)
class StoredPhoto:
    sha256: str  # the copy shown and printed (upright, long side at most 2,560 px)
    original_sha256: str | None  # the untouched file, if the workspace keeps originals and it differs


def keep_originals(tx: Tx) -> bool:
    """The workspace setting ``photos.keep_original`` (default: off, the stored copy is enough)."""
    value = tx.conn.execute(select(settings.c.value).where(settings.c.key == KEEP_ORIGINAL_KEY)).scalar()
    return bool(value)


def store_photo(tx: Tx, path: Path, *, keep_original: bool | None = None) -> StoredPhoto:
    """Check a photo (format, 40 MB, 100 megapixels), store its upright, downscaled copy, and the
    original too when kept. Raises ``ValidationError`` with the user's message; nothing is stored then."""
    keep = keep_originals(tx) if keep_original is None else keep_original
    photo = prepare_photo(path, keep_original=keep)
    stem = path.stem
    name = path.name if not photo.downscaled else f"{stem}.{'png' if photo.mime == 'image/png' else 'jpg'}"
    sha = store_bytes(tx, photo.data, mime=photo.mime, name=name)
    original = None
    if photo.original is not None:
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        original = store_bytes(tx, photo.original, mime=mime, name=path.name)
    return StoredPhoto(sha, original)


def link_photo(
    tx: Tx, photo: StoredPhoto, entity: str, record_id: str, role: str = "photo", caption: str | None = None
) -> str:
    """Link the stored copy with ``role`` and a kept original with ``<role>_original``."""
    link_id = link(tx, photo.sha256, entity, record_id, role=role, caption=caption)
    if photo.original_sha256 is not None:
        link(tx, photo.original_sha256, entity, record_id, role=f"{role}_original", caption=caption)
    return link_id
