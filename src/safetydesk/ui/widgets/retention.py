"""A one-line badge on a record's header saying how long the law keeps it (legal hold).

Every record pane shows it next to the status line::

    Keep until 2031-07-06 · legal hold — cannot be deleted, correct it by revision

The date is the record's ``retention_until``, computed by the service when the record was completed
(``records.complete_in``); the tooltip names the legal basis from ``resources/legal/retention.toml``
for the record type (``record_retention.toml``). A draft shows that it has no retention period yet.
"""

from __future__ import annotations

import tomllib
from datetime import date
from functools import cache
from typing import Final

from PySide6.QtWidgets import QLabel, QWidget

from safetydesk.core.i18n import N_, _, current_language
from safetydesk.core.resources import resource_path

__all__ = ["RetentionBadge", "legal_basis", "retention_text"]

HOLD_STYLE: Final = "color: #1b3a5c; background: #e8eef6; border-radius: 3px; padding: 1px 6px;"
FREE_STYLE: Final = "color: #707070; padding: 1px 6px;"

HOLD: Final = N_("Keep until {until} · legal hold — cannot be deleted, correct it by revision")
ENDED: Final = N_("Retention ended {until} — may be deleted")
LOCKED: Final = N_("Completed — kept as evidence; cannot be deleted, correct it by revision")
IN_USE: Final = N_("Kept while in use — retention starts when it is closed")
DRAFT: Final = N_("Draft — no retention period yet")


@cache
def _kinds() -> dict[str, tuple[str, ...]]:
    with resource_path("legal", "record_retention.toml").open("rb") as fh:
        data = tomllib.load(fh)
    return {k: tuple(v) for k, v in data["records"].items()}


def legal_basis(entity: str, on: date | None = None) -> list[str]:
    """One line per retention rule that applies to this record type: label, years and source."""
    from safetydesk.core.legaldata import load_legal_data

    legal = load_legal_data()
    day = on or date.today()
    ko = current_language() == "ko"
    lines: list[str] = []
    for kind in _kinds().get(entity, ()):
        try:
            rule = legal.retention(kind, day)
        except Exception:
            continue
        name = rule.label_ko if ko else rule.label_en
        lines.append(
            _("{name}: {years} years — {source}").format(name=name, years=rule.years, source=rule.source)
        )
    return lines


def retention_text(
    retention_until: str | None, *, locked: bool = False, in_use: bool = False, today: date | None = None
) -> str:
    """The badge text for a record with this retention end (``None`` while it has none)."""
    if retention_until:
        until = str(retention_until)[:10]
        if date.fromisoformat(until) >= (today or date.today()):
            return _(HOLD).format(until=until)
        return _(ENDED).format(until=until)
    if locked:
        return _(LOCKED)
    if in_use:
        return _(IN_USE)
    return _(DRAFT)


class RetentionBadge(QLabel):
    """Shows a record's retention end; ``set_record`` whenever the pane shows another record."""

    def __init__(self, entity: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entity = entity
        self.setObjectName("retentionBadge")
        self.setWordWrap(True)
        self.set_record(None)

    def set_record(
        self,
        retention_until: str | None,
        *,
        locked: bool = False,
        in_use: bool = False,
        today: date | None = None,
    ) -> None:
        self.setText(retention_text(retention_until, locked=locked, in_use=in_use, today=today))
        held = bool(retention_until) and str(retention_until)[:10] >= (today or date.today()).isoformat()
        self.setStyleSheet(HOLD_STYLE if held or (locked and not retention_until) else FREE_STYLE)
        basis = legal_basis(self.entity)
        tip = _("Legal basis for keeping this record:") + "\n" + "\n".join(basis) if basis else ""
        self.setToolTip(tip)
