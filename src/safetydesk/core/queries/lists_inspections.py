"""Lists for the inspections screens (registered with core.queries.lists.register).

``form_records`` holds every filled-in form (inspections, pre-work checks, permits, TBM, drills);
``form_templates`` the template library. Template titles come in both languages as two columns so the
screen shows the one of the user's language and search finds either.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import aliased

from safetydesk.core.db.tables import areas, equipment, form_records, form_templates, people
from safetydesk.core.i18n import N_
from safetydesk.core.queries.lists import ListColumn, ListDef, register


def _one_or_many(column: Any, value: Any) -> ColumnElement[bool]:
    values = tuple(value) if isinstance(value, (list, tuple)) else (value,)
    return column.in_(values)  # type: ignore[no-any-return]


_equipment_label = equipment.c.code + " " + equipment.c.name
_performer = func.coalesce(people.c.name, form_records.c.performed_by_name)

FORM_RECORDS = register(
    ListDef(
        name="form_records",
        source=form_records.join(form_templates, form_templates.c.id == form_records.c.template_id)
        .outerjoin(areas, areas.c.id == form_records.c.area_id)
        .outerjoin(equipment, equipment.c.id == form_records.c.equipment_id)
        .outerjoin(people, people.c.id == form_records.c.performed_by_id),
        id_expr=form_records.c.id,
        columns=(
            ListColumn("performed_on", N_("Date"), form_records.c.performed_on, "date", 95),
            ListColumn("title_ko", N_("Form"), form_templates.c.title_ko, "text", 300),
            ListColumn("title_en", N_("Form"), form_templates.c.title_en, "text", 300),
            ListColumn("area", N_("Area"), areas.c.name, "text", 130),
            ListColumn("equipment", N_("Equipment"), _equipment_label, "text", 170),
            ListColumn("performed_by", N_("Performed by"), _performer, "text", 100),
            ListColumn("score", N_("Score"), form_records.c.score_percent, "percent", 70),
            ListColumn("failed", N_("Failed"), form_records.c.failed_count, "number", 70),
            ListColumn("status", N_("Status"), form_records.c.status, "status", 80),
        ),
        base_where=(form_records.c.deleted_at.is_(None),),
        filters={
            "kind": lambda v: _one_or_many(form_records.c.kind, v),
            "status": lambda v: _one_or_many(form_records.c.status, v),
            "area_id": lambda v: form_records.c.area_id == v,
            "equipment_id": lambda v: form_records.c.equipment_id == v,
            "template_code": lambda v: form_templates.c.code == v,
            "date_from": lambda v: form_records.c.performed_on >= str(v),
            "date_to": lambda v: form_records.c.performed_on <= str(v),
            "has_failed": lambda v: (
                (form_records.c.failed_count > 0) if v else (form_records.c.failed_count == 0)
            ),
        },
        search=(
            form_templates.c.title_ko,
            form_templates.c.title_en,
            areas.c.name,
            equipment.c.code,
            equipment.c.name,
            form_records.c.performed_by_name,
            people.c.name,
        ),
        default_sort=("performed_on", True),
    )
)

_newer = aliased(form_templates)


def _latest_only(value: Any) -> ColumnElement[bool]:
    newest = (
        select(func.max(_newer.c.version))
        .where(_newer.c.code == form_templates.c.code, _newer.c.deleted_at.is_(None))
        .scalar_subquery()
    )
    return form_templates.c.version == newest if value else form_templates.c.version < newest


FORM_TEMPLATES = register(
    ListDef(
        name="form_templates",
        source=form_templates,
        id_expr=form_templates.c.id,
        columns=(
            ListColumn("origin", N_("Origin"), form_templates.c.origin, "status", 80),
            ListColumn("kind", N_("Kind"), form_templates.c.kind, "status", 110),
            ListColumn("code", N_("Code"), form_templates.c.code, "text", 230),
            ListColumn("version", N_("Version"), form_templates.c.version, "number", 60),
            ListColumn("title_ko", N_("Title"), form_templates.c.title_ko, "text", 320),
            ListColumn("title_en", N_("Title"), form_templates.c.title_en, "text", 320),
            ListColumn("saved_on", N_("Saved"), func.substr(form_templates.c.updated_at, 1, 10), "date", 95),
        ),
        base_where=(form_templates.c.deleted_at.is_(None),),
        filters={
            "origin": lambda v: form_templates.c.origin == v,
            "kind": lambda v: _one_or_many(form_templates.c.kind, v),
            "latest": _latest_only,
        },
        search=(form_templates.c.code, form_templates.c.title_ko, form_templates.c.title_en),
        default_sort=("code", False),
    )
)
