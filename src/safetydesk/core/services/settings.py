"""Write workspace settings through the one door: each changed key is an audited settings row."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import select

from safetydesk.core.db.tables import settings
from safetydesk.core.domain.company import approval_titles, normalise_business_reg_no
from safetydesk.core.errors import ValidationError
from safetydesk.core.i18n import LANGUAGES, N_
from safetydesk.core.queries.settings import (
    APPROVAL_TITLES,
    BACKUP_FOLDER,
    BACKUP_KEEP_KEYS,
    BACKUP_SCHEDULE,
    BACKUP_SCHEDULES,
    COMPANY_BRN,
    IMAGE_KEYS,
    IMAGE_ROLES,
    KNOWN_KEYS,
    PHOTOS_KEEP_ORIGINAL,
    UI_LANGUAGE,
)
from safetydesk.core.services.attachments import link, store_file
from safetydesk.core.services.base import Changes, Tx, transaction
from safetydesk.core.services.images import check_image_file
from safetydesk.core.workspace.workspace import Workspace

MAX_SETTINGS_IMAGE_BYTES = 5 * 1024 * 1024  # a logo or a seal scan; printed small on every page


def clean_value(key: str, value: Any) -> Any:
    """Check and normalise one setting; raises ``ValidationError`` with a message for the field."""
    if key not in KNOWN_KEYS:
        raise ValueError(f"unknown setting {key!r}")
    if key in IMAGE_KEYS:
        raise ValueError(f"{key} is set from a file: pass it in images=")
    if key == COMPANY_BRN:
        brn = normalise_business_reg_no(str(value or ""))
        if brn is None:
            raise ValidationError(
                N_("The business registration number must look like 000-00-00000."),
                N_("Type the 10 digits on the registration certificate (사업자등록증)."),
            )
        return brn
    if key == APPROVAL_TITLES:
        return list(approval_titles([str(v) for v in value or ()]))
    if key == UI_LANGUAGE:
        if value not in LANGUAGES:
            raise ValueError(f"unsupported language {value!r}")
        return value
    if key == BACKUP_SCHEDULE:
        if value not in BACKUP_SCHEDULES:
            raise ValueError(f"unknown backup schedule {value!r}")
        return value
    if key == BACKUP_FOLDER:
        return str(value or "").strip()
    if key == PHOTOS_KEEP_ORIGINAL:
        if not isinstance(value, bool):
            raise ValueError(f"{key} must be true or false")
        return value
    if key in BACKUP_KEEP_KEYS:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1000:
            raise ValueError(f"{key} must be a whole number from 0 to 1000")
        return value
    return str(value or "").strip()


def put_in(tx: Tx, key: str, value: Any) -> str | None:
    """Insert or update one settings row (reviving a removed one); the row id if it changed."""
    row = tx.conn.execute(
        select(settings.c.id, settings.c.value, settings.c.deleted_at).where(settings.c.key == key)
    ).first()
    if row is None:
        if value is None:
            return None
        return tx.insert("settings", {"key": key, "value": value})
    record_id = str(row.id)
    if row.deleted_at is not None:
        tx.update("settings", record_id, {"value": value, "deleted_at": None}, action="restore")
    elif row.value != value:
        tx.update("settings", record_id, {"value": value})
    else:
        return None
    return record_id


def save_settings(
    ws: Workspace,
    values: Mapping[str, Any],
    *,
    images: Mapping[str, Path | None] | None = None,
    actor: str | None = None,
) -> Changes:
    """Save changed settings in one transaction. ``images`` maps an image key to a new file or None.

    All values are checked before anything is written, so one bad field saves nothing.
    """
    cleaned = {key: clean_value(key, value) for key, value in values.items()}
    for key, path in (images or {}).items():
        if key not in IMAGE_KEYS:
            raise ValueError(f"{key} is not an image setting")
        if path is not None:
            check_image_file(path, MAX_SETTINGS_IMAGE_BYTES)
    with transaction(ws, actor) as tx:
        for key, value in cleaned.items():
            put_in(tx, key, value)
        for key, path in (images or {}).items():
            if path is None:
                put_in(tx, key, None)
                continue
            sha = store_file(tx, path)
            record_id = put_in(tx, key, {"sha256": sha, "name": path.name})
            if record_id is not None:
                link(tx, sha, "settings", record_id, role=IMAGE_ROLES[key], caption=path.name[:300])
        return tx.finish()
