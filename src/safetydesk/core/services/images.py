"""Checks an image file before it enters the attachment store (floor plans, logo, seal, signature).

The attachment store keeps files forever, so a 300 MB scan or a renamed PDF is refused here with a
message the user can act on, rather than stored and then failing to show.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
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


# -- photos: formats, size limits, downscale for storage -------------------------------------------

MAX_PHOTO_BYTES = 40 * 1024 * 1024  # what a phone or a 50-megapixel camera writes, with room to spare
MAX_PHOTO_PIXELS = 100_000_000  # beyond this a "photo" is a panorama or a decompression bomb
STORE_LONG_SIDE = 2560  # enough to read a nameplate or a gauge; a 12 MP photo shrinks about 4-fold
JPEG_QUALITY = 85
KEEP_ORIGINAL_KEY = "photos.keep_original"  # workspace setting: also store the untouched file
PHOTO_FORMATS = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "BMP": "image/bmp",
    "GIF": "image/gif",
}
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif")


@dataclass(frozen=True)
class PreparedPhoto:
    """What goes into the attachment store for one photo."""

    data: bytes
    mime: str
    width: int
    height: int
    downscaled: bool  # re-encoded smaller (or turned upright) for storage
    original: bytes | None  # the file as chosen, when it differs from ``data`` and is to be kept


def is_heif(head: bytes) -> bool:
    return head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS


def prepare_photo(
    path: Path,
    *,
    keep_original: bool = False,
    long_side: int = STORE_LONG_SIDE,
    quality: int = JPEG_QUALITY,
    max_bytes: int = MAX_PHOTO_BYTES,
    max_pixels: int = MAX_PHOTO_PIXELS,
) -> PreparedPhoto:
    """Check a photo and make the copy to store: upright (EXIF orientation applied), long side at most
    ``long_side`` pixels, JPEG at ``quality``. A photo already small and upright is stored unchanged.

    Raises ``ValidationError`` naming the file and what to do: too big, too many pixels, HEIC (convert
    to JPEG), not an image, or damaged.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        size = path.stat().st_size
        raw = path.read_bytes() if size <= max_bytes else b""
    except OSError as exc:
        raise ValidationError(
            N_("The file {name} cannot be read: {reason}."),
            N_("Check that the file exists and is not open in another program."),
            name=path.name,
            reason=exc.strerror or str(exc),
        ) from exc
    if size > max_bytes:
        raise ValidationError(
            N_("The photo {name} is {size} MB; photos up to {limit} MB can be attached."),
            N_("Take the photo at a lower resolution, or save a smaller JPEG copy and attach that."),
            name=path.name,
            size=f"{size / (1024 * 1024):.1f}",
            limit=max_bytes // (1024 * 1024),
        )
    if is_heif(raw[:16]):
        raise ValidationError(
            N_("The photo {name} is in HEIC/HEIF format, which SafetyDesk cannot read."),
            N_(
                "Convert it to JPEG (on an iPhone: Settings › Camera › Formats › Most Compatible) and attach it again."
            ),
            name=path.name,
        )
    try:
        with warnings.catch_warnings():
            # Our own limit (checked next) is the one that speaks to the user; Pillow's warning is noise.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as probe:
                fmt = probe.format or ""
                width, height = probe.size
    except Image.DecompressionBombError as exc:  # Pillow's own guard, far above ours
        raise _too_many_pixels(
            path, f"{2 * (Image.MAX_IMAGE_PIXELS or 0) / 1_000_000:.0f}+", max_pixels
        ) from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ValidationError(
            N_("The file {name} is not a photo SafetyDesk can read."),
            N_("Attach a JPEG or PNG photo (convert other formats to JPEG first)."),
            name=path.name,
        ) from exc
    if fmt not in PHOTO_FORMATS:
        raise ValidationError(
            N_("The file {name} is a {format} image; photos must be JPEG, PNG, WebP, BMP or GIF."),
            N_("Convert it to JPEG and attach it again."),
            name=path.name,
            format=fmt or "?",
        )
    if width * height > max_pixels:
        raise _too_many_pixels(path, f"{width * height / 1_000_000:.0f}", max_pixels)
    try:
        with warnings.catch_warnings(), Image.open(io.BytesIO(raw)) as img:
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img.load()
            orientation = img.getexif().get(0x0112, 1)
            if max(width, height) <= long_side and orientation in (None, 1):
                return PreparedPhoto(raw, PHOTO_FORMATS[fmt], width, height, False, None)
            upright = ImageOps.exif_transpose(img)
            upright.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
            exif = upright.getexif()
            exif.pop(0x0112, None)  # the pixels are upright now; keep the rest (date taken is evidence)
            keep_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
            out = io.BytesIO()
            if keep_alpha and fmt == "PNG":
                upright.save(out, "PNG", optimize=True, exif=exif.tobytes())
                mime = "image/png"
            else:
                upright.convert("RGB").save(out, "JPEG", quality=quality, optimize=True, exif=exif.tobytes())
                mime = "image/jpeg"
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            N_("The photo {name} is damaged and cannot be read to the end."),
            N_("Copy the photo from the camera or phone again, then attach the new copy."),
            name=path.name,
        ) from exc
    return PreparedPhoto(
        out.getvalue(), mime, upright.width, upright.height, True, raw if keep_original else None
    )


def _too_many_pixels(path: Path, pixels: str, max_pixels: int) -> ValidationError:
    return ValidationError(
        N_("The photo {name} has {pixels} megapixels; photos up to {limit} megapixels can be attached."),
        N_("Save a smaller copy (for example 4000 pixels on the long side) and attach that."),
        name=path.name,
        pixels=pixels,
        limit=max_pixels // 1_000_000,
    )
