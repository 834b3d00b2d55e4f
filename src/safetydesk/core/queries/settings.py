"""Workspace settings (company details, approval block, language, backup choice) as one value.

Settings are rows of the ``settings`` table (key → JSON value) so that they travel with the
workspace, are audited and sync like any record; reports read the company header from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from safetydesk.core.db.tables import settings, sites
from safetydesk.core.domain.company import approval_titles
from safetydesk.core.workspace.workspace import Workspace

COMPANY_NAME = "company.name"
COMPANY_NAME_EN = "company.name_en"
COMPANY_ADDRESS = "company.address"
COMPANY_BRN = "company.business_reg_no"
COMPANY_REPRESENTATIVE = "company.representative"
COMPANY_LOGO = "company.logo"
COMPANY_SEAL = "company.seal"
COMPANY_SIGNATURE = "company.signature"
APPROVAL_TITLES = "approval.titles"
UI_LANGUAGE = "ui.language"
BACKUP_SCHEDULE = "backup.schedule"
BACKUP_FOLDER = "backup.folder"
BACKUP_KEEP_DAILY = "backup.keep_daily"
BACKUP_KEEP_WEEKLY = "backup.keep_weekly"
BACKUP_KEEP_MONTHLY = "backup.keep_monthly"
BACKUP_KEEP_KEYS = {BACKUP_KEEP_DAILY: 7, BACKUP_KEEP_WEEKLY: 4, BACKUP_KEEP_MONTHLY: 12}

TEXT_KEYS = (COMPANY_NAME, COMPANY_NAME_EN, COMPANY_ADDRESS, COMPANY_BRN, COMPANY_REPRESENTATIVE)
IMAGE_KEYS = (COMPANY_LOGO, COMPANY_SEAL, COMPANY_SIGNATURE)
IMAGE_ROLES = {COMPANY_LOGO: "logo", COMPANY_SEAL: "seal", COMPANY_SIGNATURE: "signature"}
BACKUP_SCHEDULES = ("off", "daily", "weekly")
PHOTOS_KEEP_ORIGINAL = "photos.keep_original"  # also store the untouched photo next to its stored copy
KNOWN_KEYS = frozenset(
    (
        *TEXT_KEYS,
        *IMAGE_KEYS,
        APPROVAL_TITLES,
        UI_LANGUAGE,
        BACKUP_SCHEDULE,
        BACKUP_FOLDER,
        *BACKUP_KEEP_KEYS,
        PHOTOS_KEEP_ORIGINAL,
    )
)


@dataclass(frozen=True)
class StoredImage:
    sha256: str
    name: str


@dataclass(frozen=True)
class CompanySettings:
    name: str
    name_en: str
    address: str
    business_reg_no: str
    representative: str
    logo: StoredImage | None
    seal: StoredImage | None
    signature: StoredImage | None
    approval_titles: tuple[str, ...]
    language: str
    backup_schedule: str
    backup_folder: str  # empty = the workspace's own backups folder
    from_site: bool = False  # company details not saved yet: filled in from the first site
    keep_daily: int = 7
    keep_weekly: int = 4
    keep_monthly: int = 12
    keep_original_photos: bool = False


def raw_settings(ws: Workspace) -> dict[str, Any]:
    with ws.reader() as conn:
        rows = conn.execute(
            select(settings.c.key, settings.c.value).where(settings.c.deleted_at.is_(None))
        ).all()
    return {str(r.key): r.value for r in rows}


def _image(value: Any) -> StoredImage | None:
    if isinstance(value, dict) and isinstance(value.get("sha256"), str):
        return StoredImage(value["sha256"], str(value.get("name") or ""))
    return None


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _first_site(ws: Workspace) -> dict[str, Any]:
    with ws.reader() as conn:
        row = (
            conn.execute(
                select(sites.c.name, sites.c.name_en, sites.c.address, sites.c.business_reg_no)
                .where(sites.c.deleted_at.is_(None))
                .order_by(sites.c.created_at, sites.c.id)
                .limit(1)
            )
            .mappings()
            .first()
        )
    if row is None:
        return {}
    return {
        COMPANY_NAME: row["name"],
        COMPANY_NAME_EN: row["name_en"],
        COMPANY_ADDRESS: row["address"],
        COMPANY_BRN: row["business_reg_no"],
    }


def load_settings(ws: Workspace) -> CompanySettings:
    """The settings, with defaults; until company details are saved, the first site's are offered."""
    raw = raw_settings(ws)
    from_site = False
    if not any(_str(raw.get(key)) for key in TEXT_KEYS):
        site = _first_site(ws)
        from_site = bool(site)
        raw.update({k: v for k, v in site.items() if v})
    titles = raw.get(APPROVAL_TITLES)
    schedule = _str(raw.get(BACKUP_SCHEDULE))
    language = _str(raw.get(UI_LANGUAGE))
    return CompanySettings(
        name=_str(raw.get(COMPANY_NAME)),
        name_en=_str(raw.get(COMPANY_NAME_EN)),
        address=_str(raw.get(COMPANY_ADDRESS)),
        business_reg_no=_str(raw.get(COMPANY_BRN)),
        representative=_str(raw.get(COMPANY_REPRESENTATIVE)),
        logo=_image(raw.get(COMPANY_LOGO)),
        seal=_image(raw.get(COMPANY_SEAL)),
        signature=_image(raw.get(COMPANY_SIGNATURE)),
        approval_titles=approval_titles([str(t) for t in titles] if isinstance(titles, list) else None),
        language=language if language in ("ko", "en") else "ko",
        # automatic rotating backups are on unless the user turned them off
        backup_schedule=schedule if schedule in BACKUP_SCHEDULES else "daily",
        backup_folder=_str(raw.get(BACKUP_FOLDER)),
        from_site=from_site,
        keep_daily=_count(raw.get(BACKUP_KEEP_DAILY), 7),
        keep_weekly=_count(raw.get(BACKUP_KEEP_WEEKLY), 4),
        keep_monthly=_count(raw.get(BACKUP_KEEP_MONTHLY), 12),
        keep_original_photos=raw.get(PHOTOS_KEEP_ORIGINAL) is True,
    )


def _count(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else default
