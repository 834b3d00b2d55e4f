"""The lists the screens show. Add a list here (or in a topic module imported below)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, case, cast, func

from safetydesk.core.db.tables import (
    areas,
    corrective_actions,
    findings,
    form_answers,
    form_records,
    form_templates,
)
from safetydesk.core.i18n import N_
from safetydesk.core.queries.actions import OPEN_STATUSES
from safetydesk.core.queries.lists import ListColumn, ListDef, register

_open = corrective_actions.c.status.in_(OPEN_STATUSES)


def _days_overdue() -> ColumnElement[Any]:
    return case(
        (
            _open & (corrective_actions.c.due_on < func.date("now")),
            cast(func.julianday(func.date("now")) - func.julianday(corrective_actions.c.due_on), Integer),
        ),
        else_=None,
    )


def _overdue_filter(value: Any) -> ColumnElement[bool]:
    today = date.today().isoformat()
    if value == "overdue":
        return _open & (corrective_actions.c.due_on < today)
    if value == "due_soon":
        soon = (date.today() + timedelta(days=7)).isoformat()
        return _open & (corrective_actions.c.due_on >= today) & (corrective_actions.c.due_on <= soon)
    raise ValueError(f"unknown due filter {value!r}")


CORRECTIVE_ACTIONS = register(
    ListDef(
        name="corrective_actions",
        source=corrective_actions.outerjoin(areas, areas.c.id == corrective_actions.c.area_id).outerjoin(
            findings, findings.c.id == corrective_actions.c.finding_id
        ),
        id_expr=corrective_actions.c.id,
        columns=(
            ListColumn("due_on", N_("Due"), corrective_actions.c.due_on, "date", 90),
            ListColumn("days_overdue", N_("Days overdue"), _days_overdue(), "number", 90),
            ListColumn("status", N_("Status"), corrective_actions.c.status, "status", 90),
            ListColumn("title", N_("Action"), corrective_actions.c.title, "text", 380),
            ListColumn("area", N_("Area"), areas.c.name, "text", 120),
            ListColumn("owner", N_("Owner"), corrective_actions.c.owner_name, "text", 100),
            ListColumn("source", N_("Source"), corrective_actions.c.source_kind, "status", 100),
            ListColumn("hierarchy", N_("Control"), corrective_actions.c.hierarchy, "status", 100),
            ListColumn("severity", N_("Severity"), findings.c.severity, "status", 70),
        ),
        base_where=(corrective_actions.c.deleted_at.is_(None),),
        filters={
            "status": lambda v: corrective_actions.c.status.in_(
                tuple(v) if isinstance(v, (list, tuple)) else (v,)
            ),
            "area_id": lambda v: corrective_actions.c.area_id == v,
            "owner": lambda v: corrective_actions.c.owner_name == v,
            "source": lambda v: corrective_actions.c.source_kind == v,
            "due": _overdue_filter,
            "open": lambda v: _open if v else ~_open,
        },
        search=(corrective_actions.c.title, corrective_actions.c.owner_name, areas.c.name),
        default_sort=("due_on", False),
    )
)


CHECKLIST_ANSWERS = register(
    ListDef(
        name="checklist_answers",
        source=form_answers.join(form_records, form_records.c.id == form_answers.c.record_id)
        .join(form_templates, form_templates.c.id == form_records.c.template_id)
        .outerjoin(areas, areas.c.id == form_records.c.area_id),
        id_expr=form_answers.c.record_id,
        columns=(
            ListColumn("performed_on", N_("Date"), form_records.c.performed_on, "date", 90),
            ListColumn("area", N_("Area"), areas.c.name, "text", 120),
            ListColumn("template", N_("Form"), form_templates.c.title_ko, "text", 220),
            ListColumn("question", N_("Item"), form_answers.c.question_key, "text", 200),
            ListColumn("result", N_("Result"), form_answers.c.result, "status", 70),
            ListColumn("value", N_("Value"), form_answers.c.value_num, "number", 70),
            ListColumn("note", N_("Note"), form_answers.c.note, "text", 240),
        ),
        base_where=(form_records.c.deleted_at.is_(None),),
        filters={
            "result": lambda v: form_answers.c.result == v,
            "area_id": lambda v: form_records.c.area_id == v,
            "template_code": lambda v: form_templates.c.code == v,
            "since": lambda v: form_records.c.performed_on >= v,
        },
        search=(form_answers.c.note, form_answers.c.question_key),
        default_sort=("performed_on", True),
    )
)
