"""Plant operations: sites, areas, machines and the floor plan, run off the GUI thread.

Reads and writes go to the database lane; decoding images (a floor plan can be a 20 MB scan) goes to
the CPU lane. Results come back as frozen dataclasses (and a ``QImage``, which is safe to build
outside the GUI thread, unlike a ``QPixmap``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QSize
from PySide6.QtGui import QImage, QImageIOHandler, QImageReader

from safetydesk.core.errors import UserError
from safetydesk.core.i18n import N_
from safetydesk.core.queries import plant as queries
from safetydesk.core.queries.plant import (
    AreaDetail,
    EquipmentDetail,
    EquipmentKind,
    SiteDetail,
    SiteSummary,
)
from safetydesk.core.services import plant as services
from safetydesk.core.services import records
from safetydesk.core.services.base import Changes
from safetydesk.core.services.images import MAX_IMAGE_BYTES, check_image_file
from safetydesk.core.services.records import Created
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations.common import Failed

MAX_DISPLAY_SIDE = 4096  # decoded floor plans are scaled to this; outlines stay in full-size pixels


@dataclass(frozen=True)
class DecodedImage:
    """An image ready to show. ``scale`` = original pixels per decoded pixel (1.0 if not reduced)."""

    image: QImage
    scale: float
    original_size: tuple[int, int]


@dataclass(frozen=True)
class FloorPlan:
    sha256: str
    decoded: DecodedImage


def decode_image(
    data: bytes | None = None, path: Path | None = None, max_side: int = MAX_DISPLAY_SIDE
) -> DecodedImage:
    """Decode image bytes or a file, reduced to ``max_side`` if larger; EXIF rotation is applied.

    Reduction happens while reading (JPEG decodes at a fraction of the cost), so a large scan
    never takes hundreds of MB as a full-size bitmap.
    """
    buffer: QBuffer | None = None
    if data is not None:
        buffer = QBuffer()
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        reader = QImageReader(buffer)
        name = ""
    elif path is not None:
        reader = QImageReader(str(path))
        name = path.name
    else:
        raise ValueError("decode_image needs data or a path")
    reader.setAutoTransform(True)
    raw = reader.size()
    if not raw.isValid():
        raise _undecodable(name, reader.errorString())
    turned = bool(reader.transformation() & QImageIOHandler.Transformation.TransformationRotate90)
    original = (raw.height(), raw.width()) if turned else (raw.width(), raw.height())
    longest = max(raw.width(), raw.height())
    if longest > max_side:
        factor = max_side / longest
        reader.setScaledSize(QSize(max(1, round(raw.width() * factor)), max(1, round(raw.height() * factor))))
    image = reader.read()
    if buffer is not None:
        buffer.close()
    if image.isNull():
        raise _undecodable(name, reader.errorString())
    return DecodedImage(image, original[0] / image.width(), original)


def _undecodable(name: str, reason: str) -> UserError:
    return UserError(
        N_("The image {name} could not be read: {reason}."),
        N_("Open it in an image editor, save it again as PNG or JPEG, and choose it again."),
        name=name or "—",
        reason=reason,
    )


# --- reads ----------------------------------------------------------------------------------------


def load_sites(
    ctx: AppContext,
    owner: QObject,
    on_done: Callable[[tuple[SiteSummary, ...]], None],
    on_error: Failed | None = None,
) -> None:
    ctx.tasks.run_db(lambda: queries.list_sites(ctx.workspace), on_done, on_error, owner)


def load_site(
    ctx: AppContext,
    owner: QObject,
    site_id: str,
    on_done: Callable[[SiteDetail], None],
    on_error: Failed | None = None,
) -> None:
    ctx.tasks.run_db(lambda: queries.site_detail(ctx.workspace, site_id), on_done, on_error, owner)


def load_areas(
    ctx: AppContext,
    owner: QObject,
    site_id: str,
    on_done: Callable[[tuple[AreaDetail, ...]], None],
    on_error: Failed | None = None,
) -> None:
    ctx.tasks.run_db(lambda: queries.site_areas(ctx.workspace, site_id), on_done, on_error, owner)


def load_equipment(
    ctx: AppContext,
    owner: QObject,
    equipment_id: str,
    on_done: Callable[[EquipmentDetail], None],
    on_error: Failed | None = None,
) -> None:
    ctx.tasks.run_db(lambda: queries.equipment_detail(ctx.workspace, equipment_id), on_done, on_error, owner)


def load_kinds(
    ctx: AppContext,
    owner: QObject,
    on_done: Callable[[tuple[EquipmentKind, ...]], None],
    on_error: Failed | None = None,
) -> None:
    """Machine kinds with their statutory cycles (reads the legal data files: the CPU lane)."""
    ctx.tasks.run_cpu(queries.equipment_kinds, on_done, on_error, owner)


def load_floor_plan(
    ctx: AppContext,
    owner: QObject,
    sha256: str,
    on_done: Callable[[FloorPlan], None],
    on_error: Failed | None = None,
) -> None:
    def work() -> FloorPlan:
        return FloorPlan(sha256, decode_image(ctx.workspace.attachments.read_bytes(sha256)))

    ctx.tasks.run_cpu(work, on_done, on_error, owner)


# --- writes ---------------------------------------------------------------------------------------


def save_site(
    ctx: AppContext,
    owner: QObject,
    values: Mapping[str, Any],
    site_id: str | None,
    on_done: Callable[[Created], None],
    on_error: Failed,
) -> None:
    ctx.tasks.run_db(lambda: services.save_site(ctx.workspace, values, site_id), on_done, on_error, owner)


def record_headcount(
    ctx: AppContext,
    owner: QObject,
    site_id: str,
    effective_from: date,
    regular_workers: int,
    contractor_workers: int,
    note: str,
    on_done: Callable[[Created], None],
    on_error: Failed,
) -> None:
    ctx.tasks.run_db(
        lambda: services.record_headcount(
            ctx.workspace, site_id, effective_from, regular_workers, contractor_workers, note
        ),
        on_done,
        on_error,
        owner,
    )


def remove_record(
    ctx: AppContext,
    owner: QObject,
    entity: str,
    record_id: str,
    on_done: Callable[[Changes], None],
    on_error: Failed,
) -> None:
    """Tombstone a headcount or a machine entered by mistake (areas go through ``remove_area``)."""
    if entity not in ("site_headcounts", "equipment"):
        raise ValueError(f"remove_record does not remove {entity}")
    ctx.tasks.run_db(lambda: records.delete(ctx.workspace, entity, record_id), on_done, on_error, owner)


def save_area(
    ctx: AppContext,
    owner: QObject,
    values: Mapping[str, Any],
    area_id: str | None,
    on_done: Callable[[Created], None],
    on_error: Failed,
) -> None:
    ctx.tasks.run_db(lambda: services.save_area(ctx.workspace, values, area_id), on_done, on_error, owner)


def remove_area(
    ctx: AppContext, owner: QObject, area_id: str, on_done: Callable[[Changes], None], on_error: Failed
) -> None:
    ctx.tasks.run_db(lambda: services.delete_area(ctx.workspace, area_id), on_done, on_error, owner)


def save_outline(
    ctx: AppContext,
    owner: QObject,
    area_id: str,
    polygon: Sequence[Sequence[float]] | None,
    on_done: Callable[[Changes], None],
    on_error: Failed,
) -> None:
    ctx.tasks.run_db(
        lambda: services.set_area_polygon(ctx.workspace, area_id, polygon), on_done, on_error, owner
    )


def save_equipment(
    ctx: AppContext,
    owner: QObject,
    values: Mapping[str, Any],
    equipment_id: str | None,
    on_done: Callable[[Created], None],
    on_error: Failed,
) -> None:
    ctx.tasks.run_db(
        lambda: services.save_equipment(ctx.workspace, values, equipment_id), on_done, on_error, owner
    )


def record_inspection(
    ctx: AppContext,
    owner: QObject,
    equipment_id: str,
    inspected_on: date,
    certificate_no: str,
    on_done: Callable[[str | None], None],
    on_error: Failed,
) -> None:
    """Record a passed 안전검사; ``on_done`` receives the new due date (None: no statutory cycle)."""
    ctx.tasks.run_db(
        lambda: services.record_inspection(
            ctx.workspace, equipment_id, inspected_on, certificate_no=certificate_no
        ),
        on_done,
        on_error,
        owner,
    )


def import_floor_plan(
    ctx: AppContext,
    owner: QObject,
    site_id: str,
    path: Path,
    on_done: Callable[[FloorPlan], None],
    on_error: Failed,
) -> None:
    """Check and decode the file on the CPU lane, then store it on the database lane.

    Decoding first means a file that is not a readable image is refused before anything is stored.
    """

    def decode() -> DecodedImage:
        check_image_file(path, MAX_IMAGE_BYTES)
        return decode_image(path=path)

    def store(decoded: DecodedImage) -> None:
        ctx.tasks.run_db(
            lambda: FloorPlan(services.set_floor_plan(ctx.workspace, site_id, path), decoded),
            on_done,
            on_error,
            owner,
        )

    ctx.tasks.run_cpu(decode, store, on_error, owner)
