"""Lists for the plant screens (registered with core.queries.lists.register)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select

from safetydesk.core.db.tables import areas, equipment, site_headcounts
from safetydesk.core.i18n import N_
from safetydesk.core.queries.lists import ListColumn, ListDef, register, true

STATUTORY_WINDOW_DAYS = 60  # "due soon" on the home tile and in the equipment list
_in_service = equipment.c.retired_on.is_(None)


def _statutory_filter(value: Any) -> ColumnElement[bool]:
    """overdue | due_60d | tracked (has a due date) | untracked (no statutory cycle)."""
    today = date.today()
    due = equipment.c.next_inspection_due
    if value == "overdue":
        return and_(_in_service, due < today.isoformat())
    if value == "due_60d":
        soon = (today + timedelta(days=STATUTORY_WINDOW_DAYS)).isoformat()
        return and_(_in_service, due >= today.isoformat(), due <= soon)
    if value == "tracked":
        return due.is_not(None)
    if value == "untracked":
        return due.is_(None)
    raise ValueError(f"unknown statutory filter {value!r}")


def _service_filter(value: Any) -> ColumnElement[bool]:
    if value == "in_service":
        return _in_service
    if value == "retired":
        return equipment.c.retired_on.is_not(None)
    if value == "all":
        return true()
    raise ValueError(f"unknown service filter {value!r}")


_live_area = and_(areas.c.id == equipment.c.area_id, areas.c.deleted_at.is_(None))

EQUIPMENT = register(
    ListDef(
        name="equipment",
        source=equipment.outerjoin(areas, _live_area),
        id_expr=equipment.c.id,
        columns=(
            ListColumn("code", N_("Code"), equipment.c.code, "text", 64),
            ListColumn("name", N_("Machine"), equipment.c.name, "text", 140),
            ListColumn("next_inspection_due", N_("Next due"), equipment.c.next_inspection_due, "date", 96),
            ListColumn("last_inspected_on", N_("Last inspected"), equipment.c.last_inspected_on, "date", 90),
            ListColumn("kind", N_("Kind"), equipment.c.kind, "text", 104),
            ListColumn("area", N_("Area"), areas.c.name, "text", 80),
            ListColumn("installed_on", N_("Installed"), equipment.c.installed_on, "date", 86),
            ListColumn("certificate_no", N_("Certificate no."), equipment.c.certificate_no, "text", 110),
            ListColumn("retired_on", N_("Retired"), equipment.c.retired_on, "date", 86),
        ),
        base_where=(equipment.c.deleted_at.is_(None),),
        filters={
            "site_id": lambda v: equipment.c.site_id == v,
            "area_id": lambda v: equipment.c.area_id == v,
            "kind": lambda v: equipment.c.kind == v,
            "statutory": _statutory_filter,
            "service": _service_filter,
        },
        search=(
            equipment.c.code,
            equipment.c.name,
            equipment.c.maker,
            equipment.c.model,
            equipment.c.serial_no,
            equipment.c.certificate_no,
            areas.c.name,
        ),
        default_sort=("code", False),
    )
)


def _machines_in_area() -> ColumnElement[Any]:
    return (
        select(func.count())
        .select_from(equipment)
        .where(equipment.c.area_id == areas.c.id, equipment.c.deleted_at.is_(None), _in_service)
        .scalar_subquery()
    )


AREAS = register(
    ListDef(
        name="areas",
        source=areas,
        id_expr=areas.c.id,
        columns=(
            ListColumn("code", N_("Code"), areas.c.code, "text", 60),
            ListColumn("name", N_("Area"), areas.c.name, "text", 130),
            ListColumn("hazard_tags", N_("Hazards"), areas.c.hazard_tags, "text", 200),
            ListColumn("workers_exposed", N_("Workers"), areas.c.workers_exposed, "number", 60),
            ListColumn("machines", N_("Machines"), _machines_in_area(), "number", 60),
            ListColumn(
                "outlined",
                N_("Outline"),
                func.coalesce(func.json_array_length(areas.c.polygon), 0) >= 3,
                "bool",
                60,
            ),
        ),
        base_where=(areas.c.deleted_at.is_(None),),
        filters={"site_id": lambda v: areas.c.site_id == v},
        search=(areas.c.code, areas.c.name, areas.c.name_en, areas.c.description),
        default_sort=("code", False),
    )
)

HEADCOUNTS = register(
    ListDef(
        name="site_headcounts",
        source=site_headcounts,
        id_expr=site_headcounts.c.id,
        columns=(
            ListColumn("effective_from", N_("From"), site_headcounts.c.effective_from, "date", 90),
            ListColumn("regular_workers", N_("Employees"), site_headcounts.c.regular_workers, "number", 80),
            ListColumn(
                "contractor_workers",
                N_("Contractor workers"),
                site_headcounts.c.contractor_workers,
                "number",
                110,
            ),
            ListColumn(
                "total",
                N_("Total"),
                site_headcounts.c.regular_workers + site_headcounts.c.contractor_workers,
                "number",
                60,
            ),
            ListColumn("note", N_("Note"), site_headcounts.c.note, "text", 160),
        ),
        base_where=(site_headcounts.c.deleted_at.is_(None),),
        filters={"site_id": lambda v: site_headcounts.c.site_id == v},
        search=(site_headcounts.c.note,),
        default_sort=("effective_from", True),
    )
)
