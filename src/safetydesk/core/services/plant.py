"""Plant register: equipment with its statutory safety-inspection (안전검사) due date.

The due date comes from the Art. 126 cycle in ``resources/legal/statutory_inspections.toml`` — the
first inspection within N years of installation, then every N years — so nobody types it by hand.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, select

from safetydesk.core.db.tables import areas, equipment, site_headcounts
from safetydesk.core.domain.company import normalise_business_reg_no, normalise_ksic
from safetydesk.core.domain.plant import statutory_kind
from safetydesk.core.domain.provenance import LegalLookupError
from safetydesk.core.errors import ValidationError
from safetydesk.core.i18n import N_
from safetydesk.core.services import records
from safetydesk.core.services.attachments import link, store_file
from safetydesk.core.services.base import Changes, Tx, transaction
from safetydesk.core.services.images import check_image_file
from safetydesk.core.services.records import Created
from safetydesk.core.workspace.workspace import Workspace


def statutory_due(
    kind: str, installed_on: str | date | None, last_inspected_on: str | date | None, on: date
) -> str | None:
    if not installed_on:
        return None
    from safetydesk.core.legaldata import load_legal_data

    installed = date.fromisoformat(str(installed_on))
    last = date.fromisoformat(str(last_inspected_on)) if last_inspected_on else None
    try:
        due = load_legal_data().next_statutory_inspection(kind, installed, last, on)
    except LegalLookupError:
        return None  # a kind the inspection rules do not know: no statutory cycle to track
    return due.isoformat() if due else None


def _with_due(values: Mapping[str, Any], current: Mapping[str, Any] | None, on: date) -> dict[str, Any]:
    merged = {**(current or {}), **values}
    out = dict(values)
    if "next_inspection_due" not in values:
        due = statutory_due(
            str(merged.get("kind")), merged.get("installed_on"), merged.get("last_inspected_on"), on
        )
        if due is not None or current is None:
            out["next_inspection_due"] = due
    return out


def register_equipment_in(tx: Tx, values: Mapping[str, Any], on: date | None = None) -> str:
    return tx.insert("equipment", _with_due(values, None, on or date.today()))


def register_equipment(
    ws: Workspace, values: Mapping[str, Any], *, actor: str | None = None, on: date | None = None
) -> Created:
    with transaction(ws, actor) as tx:
        new = register_equipment_in(tx, values, on)
        changes = tx.finish()
    return Created(new, changes)


def record_statutory_inspection(
    ws: Workspace,
    equipment_id: str,
    inspected_on: date,
    *,
    certificate_no: str | None = None,
    actor: str | None = None,
) -> str | None:
    """Record a passed 안전검사 and move the due date to the next cycle; returns the new due date."""
    with transaction(ws, actor) as tx:
        current = tx.get("equipment", equipment_id)
        values: dict[str, Any] = {"last_inspected_on": inspected_on, "certificate_no": certificate_no}
        updated = tx.update(
            "equipment",
            equipment_id,
            _with_due(values, current, inspected_on),
            summary=f"안전검사 {inspected_on.isoformat()}",
        )
    return updated.get("next_inspection_due")


# --- the plant screen's writes ------------------------------------------------------------------


def _known_kind(kind: str) -> str | None:
    """The Art. 126 kind a machine counts as, or None for a kind the legal data does not cover."""
    from safetydesk.core.legaldata import load_legal_data

    return statutory_kind(kind, frozenset(load_legal_data().inspection_kinds()))


def _due_for(merged: Mapping[str, Any], on: date) -> tuple[bool, str | None]:
    """(known, due): ``known`` is False for kinds the legal data does not cover — keep their date."""
    kind = _known_kind(str(merged.get("kind") or ""))
    if kind is None:
        return False, None
    return True, statutory_due(kind, merged.get("installed_on"), merged.get("last_inspected_on"), on)


def _required(values: Mapping[str, Any], names: Sequence[tuple[str, str]], *, creating: bool) -> None:
    """Raise for the first required field that is empty (or absent, when creating)."""
    for key, message in names:
        if (creating or key in values) and not str(values.get(key) or "").strip():
            raise ValidationError(message, N_("Fill in the field and save again."))


_NAME = ("name", N_("The name is required."))
_CODE = ("code", N_("The code is required."))
_KIND = ("kind", N_("The machine kind is required."))


def _unique_code(tx: Tx, table: Table, site_id: str, code: str, own_id: str | None) -> None:
    clash = tx.conn.execute(
        select(table.c.id).where(
            table.c.site_id == site_id,
            func.lower(table.c.code) == code.lower(),
            table.c.deleted_at.is_(None),
            table.c.id != (own_id or ""),
        )
    ).first()
    if clash is not None:
        raise ValidationError(
            N_("The code {code} is already used at this site."),
            N_("Choose another code; codes tell areas and machines apart on forms and reports."),
            code=code,
        )


def _clean_text(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v.strip() or None) if isinstance(v, str) else v for k, v in values.items()}


def save_site(
    ws: Workspace, values: Mapping[str, Any], site_id: str | None = None, *, actor: str | None = None
) -> Created:
    """Create or edit a site (사업장); the business registration and KSIC numbers are checked."""
    row = _clean_text(values)
    _required(row, (_NAME,), creating=site_id is None)
    if "business_reg_no" in row:
        brn = normalise_business_reg_no(row["business_reg_no"] or "")
        if brn is None:
            raise ValidationError(
                N_("The business registration number must look like 000-00-00000."),
                N_("Type the 10 digits on the registration certificate (사업자등록증)."),
            )
        row["business_reg_no"] = brn or None
    if "ksic_code" in row:
        ksic = normalise_ksic(row["ksic_code"] or "")
        if ksic is None:
            raise ValidationError(
                N_(
                    "The KSIC code must be 2 to 5 digits, optionally after a section letter (e.g. C29 or 25112)."
                ),
                N_("Look the code up on the business registration certificate or at kssc.kostat.go.kr."),
            )
        row["ksic_code"] = ksic or None
    with transaction(ws, actor) as tx:
        if site_id is None:
            site_id = tx.insert("sites", row)
        else:
            tx.update("sites", site_id, row)
        changes = tx.finish()
    return Created(site_id, changes)


def record_headcount(
    ws: Workspace,
    site_id: str,
    effective_from: date,
    regular_workers: int,
    contractor_workers: int = 0,
    note: str | None = None,
    *,
    actor: str | None = None,
) -> Created:
    """Add a headcount from a date; a second entry for the same date corrects the first."""
    if regular_workers < 0 or contractor_workers < 0:
        raise ValidationError(
            N_("Headcounts cannot be negative."), N_("Enter the number of workers on the payroll.")
        )
    values = {
        "regular_workers": regular_workers,
        "contractor_workers": contractor_workers,
        "note": (note or "").strip() or None,
    }
    with transaction(ws, actor) as tx:
        tx.get("sites", site_id)
        existing = tx.conn.execute(
            select(site_headcounts.c.id).where(
                site_headcounts.c.site_id == site_id,
                site_headcounts.c.effective_from == effective_from.isoformat(),
                site_headcounts.c.deleted_at.is_(None),
            )
        ).scalar()
        if existing is None:
            record_id = tx.insert(
                "site_headcounts", {"site_id": site_id, "effective_from": effective_from, **values}
            )
        else:
            record_id = str(existing)
            tx.update("site_headcounts", record_id, values)
        changes = tx.finish()
    return Created(record_id, changes)


def save_area(
    ws: Workspace, values: Mapping[str, Any], area_id: str | None = None, *, actor: str | None = None
) -> Created:
    """Create or edit an area; its code is unique within the site and its hazard tags are codes."""
    row = _clean_text(values)
    _required(row, (_CODE, _NAME), creating=area_id is None)
    if "hazard_tags" in row:
        tags = [str(t).strip() for t in row["hazard_tags"] or () if str(t).strip()]
        if any(not t.replace("_", "").isalnum() or not t.isascii() for t in tags):
            raise ValueError(f"hazard tags are codes such as 'hot_work', not {tags!r}")
        row["hazard_tags"] = list(dict.fromkeys(tags))
    if int(row.get("workers_exposed") or 0) < 0:
        raise ValidationError(
            N_("The number of workers exposed cannot be negative."),
            N_("Enter how many people work in the area on a normal day."),
        )
    with transaction(ws, actor) as tx:
        site_id = row.get("site_id") or (tx.get("areas", area_id)["site_id"] if area_id else None)
        if site_id is None:
            raise ValueError("a new area needs its site_id")
        if "code" in row:
            _unique_code(tx, areas, str(site_id), str(row["code"]), area_id)
        if area_id is None:
            row.setdefault("hazard_tags", [])
            area_id = tx.insert("areas", row)
        else:
            tx.update("areas", area_id, row)
        changes = tx.finish()
    return Created(area_id, changes)


def set_area_polygon(
    ws: Workspace,
    area_id: str,
    polygon: Sequence[Sequence[float]] | None,
    *,
    actor: str | None = None,
) -> Changes:
    """Save an area's outline on the floor plan ([[x, y], ...] image pixels); None removes it."""
    points: list[list[float]] | None = None
    if polygon:
        points = []
        for point in polygon:
            x, y = (float(v) for v in point)
            if not (math.isfinite(x) and math.isfinite(y)):
                raise ValueError(f"polygon point is not finite: {point!r}")
            points.append([round(x, 1), round(y, 1)])
        if len(points) < 3:
            raise ValidationError(
                N_("An area outline needs at least three points."),
                N_("Click at least three corners, then double-click or press Enter to close it."),
            )
    with transaction(ws, actor) as tx:
        tx.update("areas", area_id, {"polygon": points}, summary="floor plan outline")
        return tx.finish()


def delete_area(
    ws: Workspace, area_id: str, *, actor: str | None = None, today: date | None = None
) -> Changes:
    """Remove an area entered by mistake; machines still placed in it must be moved first."""
    with transaction(ws, actor) as tx:
        used = tx.conn.execute(
            select(func.count())
            .select_from(equipment)
            .where(equipment.c.area_id == area_id, equipment.c.deleted_at.is_(None))
        ).scalar_one()
        if used:
            raise ValidationError(
                N_("{n} machines are still registered in this area."),
                N_("Move them to another area first, then remove the area."),
                n=used,
            )
        records.delete_in(tx, "areas", area_id, today or date.today())
        return tx.finish()


def save_equipment(
    ws: Workspace,
    values: Mapping[str, Any],
    equipment_id: str | None = None,
    *,
    actor: str | None = None,
    on: date | None = None,
) -> Created:
    """Create or edit a machine; the next statutory inspection date follows from kind and dates."""
    row = _clean_text(values)
    row.pop("next_inspection_due", None)  # computed, never typed
    _required(row, (_CODE, _NAME, _KIND), creating=equipment_id is None)
    day = on or date.today()
    with transaction(ws, actor) as tx:
        current = tx.get("equipment", equipment_id) if equipment_id else None
        site_id = row.get("site_id") or (current or {}).get("site_id")
        if site_id is None:
            raise ValueError("a new machine needs its site_id")
        if "code" in row:
            _unique_code(tx, equipment, str(site_id), str(row["code"]), equipment_id)
        merged = {**(current or {}), **row}
        _check_dates(merged.get("installed_on"), merged.get("last_inspected_on"))
        known, due = _due_for(merged, day)
        if known or current is None:
            row["next_inspection_due"] = due
        if equipment_id is None:
            equipment_id = tx.insert("equipment", row)
        else:
            tx.update("equipment", equipment_id, row)
        changes = tx.finish()
    return Created(equipment_id, changes)


def _check_dates(installed_on: Any, inspected_on: Any) -> None:
    if installed_on and inspected_on and str(inspected_on) < str(installed_on):
        raise ValidationError(
            N_("The inspection date {inspected} is before the installation date {installed}."),
            N_("Check both dates against the inspection certificate."),
            inspected=str(inspected_on),
            installed=str(installed_on),
        )


def record_inspection(
    ws: Workspace,
    equipment_id: str,
    inspected_on: date,
    *,
    certificate_no: str | None = None,
    actor: str | None = None,
    today: date | None = None,
) -> str | None:
    """Record a passed 안전검사 from the screen; like ``record_statutory_inspection`` but checked.

    Refuses a future date or one before installation, and also moves the date of machines known by
    an everyday name (an overhead crane is a crane). Returns the new due date.
    """
    if inspected_on > (today or date.today()):
        raise ValidationError(
            N_("The inspection date {day} is in the future."),
            N_("Record an inspection after it has passed."),
            day=inspected_on.isoformat(),
        )
    with transaction(ws, actor) as tx:
        current = tx.get("equipment", equipment_id)
        _check_dates(current.get("installed_on"), inspected_on.isoformat())
        values: dict[str, Any] = {
            "last_inspected_on": inspected_on,
            "certificate_no": (certificate_no or "").strip() or current.get("certificate_no"),
        }
        merged = {**current, "last_inspected_on": inspected_on.isoformat()}
        known, due = _due_for(merged, inspected_on)
        if known:
            values["next_inspection_due"] = due
        updated = tx.update("equipment", equipment_id, values, summary=f"안전검사 {inspected_on.isoformat()}")
    due_value = updated.get("next_inspection_due")
    return str(due_value) if due_value else None


def set_floor_plan(ws: Workspace, site_id: str, image: Path, *, actor: str | None = None) -> str:
    """Store a floor-plan image (≤ 20 MB) and make it the site's plan; returns its SHA-256.

    Area outlines are kept: they are in image pixels, so a redrawn plan of the same size still fits.
    """
    check_image_file(image)
    with transaction(ws, actor) as tx:
        tx.get("sites", site_id)
        sha = store_file(tx, image)
        link(tx, sha, "sites", site_id, role="floor_plan", caption=image.name[:300])
        tx.update("sites", site_id, {"floor_plan_sha256": sha}, summary="floor plan")
    return sha
