"""Input limits (issue 7): photos — formats, size, pixels, downscale, EXIF orientation, originals kept
on request; free-text fields — one table of limits, messages naming the field in both languages."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from safetydesk.core.db.tables import RECORD_TABLES, areas, attachment_links, attachments, metadata
from safetydesk.core.errors import ValidationError
from safetydesk.core.services import records
from safetydesk.core.services.attachments import link_photo, store_photo
from safetydesk.core.services.base import transaction
from safetydesk.core.services.images import (
    JPEG_QUALITY,
    KEEP_ORIGINAL_KEY,
    MAX_PHOTO_BYTES,
    STORE_LONG_SIDE,
    prepare_photo,
)
from safetydesk.core.services.limits import DEFAULT_TEXT_LIMIT, TextTooLongError, text_limit
from safetydesk.core.workspace.workspace import Workspace

ORIENTATION = 0x0112
DATETIME = 0x0132


def _jpeg(path: Path, size: tuple[int, int], *, orientation: int | None = None) -> Path:
    img = Image.new("RGB", size, (200, 60, 40))
    img.paste((20, 20, 220), (0, 0, size[0] // 4, size[1] // 4))  # a blue block top-left, to see the turn
    exif = Image.Exif()
    exif[DATETIME] = "2026:06:30 23:59:58"  # taken on the last evening of the half-year
    if orientation is not None:
        exif[ORIENTATION] = orientation
    img.save(path, "JPEG", quality=95, exif=exif.tobytes())
    return path


def _count(ws: Workspace, table: object) -> int:
    with ws.reader() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)  # type: ignore[arg-type]


# -- photos -----------------------------------------------------------------------------------------


def test_large_photo_is_downscaled_to_long_side_as_jpeg(tmp_path: Path) -> None:
    src = _jpeg(tmp_path / "big.jpg", (4032, 3024))
    photo = prepare_photo(src)
    assert photo.downscaled and photo.mime == "image/jpeg"
    assert (photo.width, photo.height) == (STORE_LONG_SIDE, 1920)
    assert len(photo.data) < src.stat().st_size
    with Image.open(io.BytesIO(photo.data)) as img:
        assert img.format == "JPEG" and img.size == (2560, 1920)
        assert img.getexif().get(DATETIME) == "2026:06:30 23:59:58"  # when it was taken is evidence
    assert photo.original is None
    assert JPEG_QUALITY == 85


def test_exif_orientation_is_applied_and_removed(tmp_path: Path) -> None:
    # Orientation 6: the camera was turned; viewers rotate 90 degrees clockwise to show it upright.
    src = _jpeg(tmp_path / "turned.jpg", (800, 600), orientation=6)
    photo = prepare_photo(src)
    assert photo.downscaled  # re-encoded although small, because it was not upright
    with Image.open(io.BytesIO(photo.data)) as img:
        assert img.size == (600, 800)
        assert img.getexif().get(ORIENTATION) in (None, 1)
        # The blue block that was top-left is now top-right.
        r, _g, b = img.convert("RGB").getpixel((600 - 10, 10))  # type: ignore[misc]
        assert b > 150 and r < 100


def test_small_upright_photo_is_stored_byte_for_byte(tmp_path: Path) -> None:
    src = tmp_path / "small.png"
    Image.new("RGBA", (640, 480), (0, 128, 0, 128)).save(src, "PNG")
    photo = prepare_photo(src)
    assert not photo.downscaled and photo.mime == "image/png"
    assert photo.data == src.read_bytes()


def _lang_pair(exc: ValidationError) -> tuple[str, str]:
    return exc.text("en"), exc.text("ko")


def test_heic_photo_gets_convert_to_jpeg_message(tmp_path: Path) -> None:
    src = tmp_path / "IMG_0001.HEIC"
    src.write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200)
    with pytest.raises(ValidationError) as caught:
        prepare_photo(src)
    en, ko = _lang_pair(caught.value)
    assert "IMG_0001.HEIC is in HEIC/HEIF format" in en and "Convert it to JPEG" in en
    assert "HEIC" in ko and "JPEG" in ko and "변환" in ko


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    src = tmp_path / "scan.jpg"
    with src.open("wb") as fh:
        fh.write(b"\xff\xd8\xff")
        fh.truncate(MAX_PHOTO_BYTES + 1)  # sparse: 40 MB + 1 byte without writing them
    with pytest.raises(ValidationError) as caught:
        prepare_photo(src)
    en, ko = _lang_pair(caught.value)
    assert "scan.jpg is 40.0 MB; photos up to 40 MB can be attached" in en
    assert "40" in ko and "MB" in ko and "사진" in ko


def _png_header_only(path: Path, width: int, height: int) -> Path:
    """A PNG whose IHDR claims ``width`` x ``height`` (enough for the pixel check; no pixels)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b""))
    return path


def test_too_many_megapixels_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        prepare_photo(_png_header_only(tmp_path / "panorama.png", 12_000, 9_000))
    en, ko = _lang_pair(caught.value)
    assert "panorama.png has 108 megapixels; photos up to 100 megapixels" in en
    assert "108" in ko and "100" in ko
    # Pillow's own bomb guard (over ~179 MP) ends in the same message, not a crash.
    with pytest.raises(ValidationError, match=r"megapixel|메가픽셀"):
        prepare_photo(_png_header_only(tmp_path / "bomb.png", 30_000, 30_000))


def test_not_an_image_and_damaged_photo(tmp_path: Path) -> None:
    fake = tmp_path / "report.jpg"
    fake.write_bytes(b"%PDF-1.7 not a photo at all")
    with pytest.raises(ValidationError) as caught:
        prepare_photo(fake)
    assert "report.jpg is not a photo SafetyDesk can read" in caught.value.text("en")
    assert "JPEG" in caught.value.text("ko")
    src = _jpeg(tmp_path / "cut.jpg", (3000, 2000))
    src.write_bytes(src.read_bytes()[: src.stat().st_size // 3])  # copy interrupted
    with pytest.raises(ValidationError) as caught:
        prepare_photo(src)
    assert "cut.jpg is damaged" in caught.value.text("en")
    assert "손상" in caught.value.text("ko")
    tiff = tmp_path / "scan.tif"
    Image.new("RGB", (10, 10)).save(tiff, "TIFF")
    with pytest.raises(ValidationError) as caught:
        prepare_photo(tiff)
    assert "is a TIFF image; photos must be JPEG" in caught.value.text("en")


def test_store_photo_keeps_original_when_the_setting_says_so(ws: Workspace, tmp_path: Path) -> None:
    src = _jpeg(tmp_path / "현장.jpg", (5000, 2500))
    site = records.create(ws, "sites", {"name": "사업장"}).id
    with transaction(ws, "test") as tx:
        plain = store_photo(tx, src)
        link_photo(tx, plain, "sites", site, role="photo")
    assert plain.original_sha256 is None
    assert _count(ws, attachments) == 1
    with transaction(ws, "test") as tx:
        tx.insert("settings", {"key": KEEP_ORIGINAL_KEY, "value": True})
    with transaction(ws, "test") as tx:
        kept = store_photo(tx, src)
        link_photo(tx, kept, "sites", site, role="after")
    assert kept.sha256 == plain.sha256 and kept.original_sha256 is not None
    assert ws.attachments.read_bytes(kept.original_sha256) == src.read_bytes()
    with Image.open(io.BytesIO(ws.attachments.read_bytes(kept.sha256))) as img:
        assert max(img.size) == STORE_LONG_SIDE
    with ws.reader() as conn:
        roles = sorted(conn.execute(select(attachment_links.c.role)).scalars())
    assert roles == ["after", "after_original", "photo"]


def test_refused_photo_stores_nothing(ws: Workspace, tmp_path: Path) -> None:
    bad = tmp_path / "IMG.HEIC"
    bad.write_bytes(b"\x00\x00\x00\x18ftypheic" + b"\x00" * 64)
    before = _count(ws, attachments)
    with pytest.raises(ValidationError), transaction(ws, "test") as tx:
        store_photo(tx, bad)
    assert _count(ws, attachments) == before
    assert not [p for p in (ws.path / "attachments").rglob("*") if p.is_file()]


# -- text fields ------------------------------------------------------------------------------------


def test_every_text_column_has_a_limit() -> None:
    unlimited = [
        f"{t.name}.{c.name}"
        for t in metadata.sorted_tables
        for c in t.c
        if type(c.type).__name__ in ("String", "Text") and text_limit(t, c.name) is None
    ]
    assert unlimited == []
    assert text_limit(areas, "description") == DEFAULT_TEXT_LIMIT == 20_000
    assert text_limit(RECORD_TABLES["sites"], "name") == 200  # String(n) keeps its n


def test_overlong_text_is_refused_naming_the_field_in_both_languages(ws: Workspace) -> None:
    site = records.create(ws, "sites", {"name": "사업장"}).id
    ok = records.create(
        ws,
        "areas",
        {"site_id": site, "code": "A1", "name": "조립", "hazard_tags": [], "description": "가" * 20_000},
    ).id
    assert ok
    before = _count(ws, areas)
    with pytest.raises(TextTooLongError) as caught:
        records.create(
            ws,
            "areas",
            {"site_id": site, "code": "A2", "name": "도장", "hazard_tags": [], "description": "가" * 20_001},
        )
    en, ko = caught.value.text("en"), caught.value.text("ko")
    assert "Description is 20,001 characters long; at most 20,000 characters can be saved." in en
    assert "설명" in ko and "20,001" in ko and "20,000" in ko
    assert _count(ws, areas) == before  # nothing half-saved
    with pytest.raises(TextTooLongError) as caught:
        records.create(ws, "sites", {"name": "x" * 201})
    assert caught.value.text("en").startswith("Name is 201 characters long; at most 200")
    assert "이름" in caught.value.text("ko")


def test_the_keep_original_setting_is_stored_and_used(ws: Workspace, tmp_path: Path) -> None:
    """Settings accept ``photos.keep_original``; an action photo then keeps its original next to the copy."""
    from PIL import Image

    from safetydesk.core.queries.settings import PHOTOS_KEEP_ORIGINAL
    from safetydesk.core.services import actions as action_service
    from safetydesk.core.services.settings import save_settings
    from tests.factories import base_refs

    big = tmp_path / "big.jpg"
    Image.new("RGB", (4000, 3000), (120, 80, 40)).save(big, quality=90)
    refs = base_refs(ws)
    from safetydesk.core.services import records

    action = records.create(
        ws,
        "corrective_actions",
        {
            "source_kind": "inspection",
            "title": "방호덮개 교체",
            "hierarchy": "engineering",
            "status": "open",
            "area_id": refs["area"],
            "due_on": "2026-04-01",
        },
    ).id
    save_settings(ws, {PHOTOS_KEEP_ORIGINAL: True})
    action_service.add_evidence(ws, action, big, role="before")
    with ws.reader() as conn:
        roles = sorted(
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT role FROM attachment_links WHERE record_id = ? AND deleted_at IS NULL", (action,)
            )
        )
    assert roles == ["before", "before_original"]
