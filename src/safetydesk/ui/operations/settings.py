"""Settings operations: load and save the workspace settings; remember the language for start-up.

The language lives in two places on purpose: the ``settings`` table (it travels with the workspace,
so a second PC opens in the same language) and ``QSettings`` ``ui/language`` (read before any
workspace is open, so the first window is already in the right language).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings

from safetydesk.core.queries.settings import UI_LANGUAGE, CompanySettings, load_settings
from safetydesk.core.services.base import Changes
from safetydesk.core.services.images import check_image_file
from safetydesk.core.services.settings import MAX_SETTINGS_IMAGE_BYTES
from safetydesk.core.services.settings import save_settings as save_settings_service
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations.common import Failed
from safetydesk.ui.operations.plant import DecodedImage, decode_image

LANGUAGE_KEY = "ui/language"
PREVIEW_SIDE = 480  # previews are shown small; decoding the full scan would only cost memory


def remembered_language() -> str | None:
    """The language chosen last time (``ui/language``), for the application to apply at start-up."""
    value = QSettings().value(LANGUAGE_KEY)
    return value if value in ("ko", "en") else None


def load(
    ctx: AppContext,
    owner: QObject,
    on_done: Callable[[CompanySettings], None],
    on_error: Failed | None = None,
) -> None:
    ctx.tasks.run_db(lambda: load_settings(ctx.workspace), on_done, on_error, owner)


def save(
    ctx: AppContext,
    owner: QObject,
    values: Mapping[str, Any],
    images: Mapping[str, Path | None],
    on_done: Callable[[Changes], None],
    on_error: Failed,
) -> None:
    """Save on the database lane; once saved, remember the language for the next start."""
    language = values.get(UI_LANGUAGE)

    def saved(changes: Changes) -> None:
        if language in ("ko", "en"):
            QSettings().setValue(LANGUAGE_KEY, language)
        on_done(changes)

    ctx.tasks.run_db(
        lambda: save_settings_service(ctx.workspace, values, images=images), saved, on_error, owner
    )


def load_stored_image(
    ctx: AppContext,
    owner: QObject,
    sha256: str,
    on_done: Callable[[DecodedImage], None],
    on_error: Failed | None = None,
) -> None:
    ctx.tasks.run_cpu(
        lambda: decode_image(ctx.workspace.attachments.read_bytes(sha256), max_side=PREVIEW_SIDE),
        on_done,
        on_error,
        owner,
    )


def preview_file(
    ctx: AppContext,
    owner: QObject,
    path: Path,
    on_done: Callable[[DecodedImage], None],
    on_error: Failed,
) -> None:
    """Check a picked file (size, format) and decode a preview before it is saved."""

    def work() -> DecodedImage:
        check_image_file(path, MAX_SETTINGS_IMAGE_BYTES)
        return decode_image(path=path, max_side=PREVIEW_SIDE)

    ctx.tasks.run_cpu(work, on_done, on_error, owner)
