"""Time and identifiers as the records store them: UTC ISO-8601 text and UUID4 text."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso_utc(moment: datetime) -> str:
    """Render a timezone-aware moment as the fixed-width text stored in every ``*_at`` column."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: SafetyDesk stores UTC only")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def now_iso() -> str:
    return iso_utc(utc_now())


def parse_iso_utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def iso_date(day: date) -> str:
    return day.isoformat()


def new_id() -> str:
    return str(uuid.uuid4())
