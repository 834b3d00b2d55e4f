"""Checks an image file before it enters the attachment store (floor plans, logo, seal, signature).

The attachment store keeps files forever, so a 300 MB scan or a renamed PDF is refused here with a
message the user can act on, rather than stored and then failing to show.
"""

from __future__ import annotations

from pathlib import Path

from safetydesk.core.errors import ValidationError
from safetydesk.core.i18n import N_

MAX_IMAGE_BYTES = 20 * 1024 * 1024

# Leading bytes of the formats Qt decodes without extra plug-ins.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
)


def image_mime(head: bytes) -> str | None:
    for signature, mime in _SIGNATURES:
        if head.startswith(signature):
            return mime
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_image_file(path: Path, limit: int = MAX_IMAGE_BYTES) -> str:
    """Return the image's MIME type, or raise a ``ValidationError`` saying what is wrong with it."""
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise ValidationError(
            N_("The file {name} cannot be read: {reason}."),
            N_("Check that the file exists and is not open in another program."),
            name=path.name,
            reason=exc.strerror or str(exc),
        ) from exc
    if size > limit:
        raise ValidationError(
            N_("The image {name} is {size} MB; images up to {limit} MB can be used."),
            N_("Save the image at a lower resolution or as JPEG, then choose it again."),
            name=path.name,
            size=f"{size / (1024 * 1024):.1f}",
            limit=limit // (1024 * 1024),
        )
    mime = image_mime(head)
    if mime is None:
        raise ValidationError(
            N_("The file {name} is not an image SafetyDesk can show."),
            N_("Use a PNG, JPEG, BMP, GIF or WebP image (export a PDF drawing as PNG first)."),
            name=path.name,
        )
    return mime
