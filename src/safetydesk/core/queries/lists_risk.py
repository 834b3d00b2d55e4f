"""Lists for the risk screens (registered with core.queries.lists.register).

``risk_assessments`` counts each assessment's items and the unacceptable ones still open in SQL, so
the list shows at a glance which assessments still carry hazards nobody has brought down.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, not_, or_, select, true

from safetydesk.core.db.tables import areas, objectives, people, policies, risk_assessments, risk_items
from safetydesk.core.i18n import N_
from safetydesk.core.queries.lists import ListColumn, ListDef, register

_live_item = and_(risk_items.c.assessment_id == risk_assessments.c.id, risk_items.c.deleted_at.is_(None))
# Unacceptable now and not yet brought to an acceptable residual risk by a completed improvement.
_open_unacceptable = and_(
    risk_items.c.acceptable.is_(false()),
    not_(and_(risk_items.c.residual_acceptable.is_(true()), risk_items.c.completed_on.is_not(None))),
)


def _items_count() -> ColumnElement[Any]:
    return select(func.count()).where(_live_item).scalar_subquery()


def _open_count() -> ColumnElement[Any]:
    return select(func.count()).where(_live_item, _open_unacceptable).scalar_subquery()


def _one_or_many(column: Any) -> Any:
    return lambda v: column.in_(tuple(v) if isinstance(v, (list, tuple)) else (v,))


def _has_open(value: Any) -> ColumnElement[bool]:
    return _open_count() > 0 if value else _open_count() == 0


RISK_ASSESSMENTS = register(
    ListDef(
        name="risk_assessments",
        source=risk_assessments.outerjoin(areas, areas.c.id == risk_assessments.c.area_id),
        id_expr=risk_assessments.c.id,
        columns=(
            ListColumn("assessed_on", N_("Assessed on"), risk_assessments.c.assessed_on, "date", 90),
            ListColumn("title", N_("Process (task)"), risk_assessments.c.title, "text", 230),
            ListColumn("area", N_("Area"), areas.c.name, "text", 110),
            ListColumn("assessment_type", N_("Type"), risk_assessments.c.assessment_type, "status", 70),
            ListColumn("scale_code", N_("Method and scale"), risk_assessments.c.scale_code, "text", 190),
            ListColumn("scale_version", N_("Scale version"), risk_assessments.c.scale_version, "number", 60),
            ListColumn("revision_no", N_("Rev."), risk_assessments.c.revision_no, "number", 45),
            ListColumn("status", N_("Status"), risk_assessments.c.status, "status", 80),
            ListColumn("items", N_("Items"), _items_count(), "number", 60),
            ListColumn("open_unacceptable", N_("Unacceptable left"), _open_count(), "number", 80),
            ListColumn("lead_assessor", N_("Lead assessor"), risk_assessments.c.lead_assessor, "text", 80),
            ListColumn(
                "reported_to_owner_on",
                N_("Reported to owner"),
                risk_assessments.c.reported_to_owner_on,
                "date",
                100,
            ),
        ),
        base_where=(risk_assessments.c.deleted_at.is_(None),),
        filters={
            "assessment_type": _one_or_many(risk_assessments.c.assessment_type),
            "status": _one_or_many(risk_assessments.c.status),
            "area_id": lambda v: risk_assessments.c.area_id == v,
            "year": lambda v: func.substr(risk_assessments.c.assessed_on, 1, 4) == str(v),
            "open_unacceptable": _has_open,
        },
        search=(
            risk_assessments.c.title,
            risk_assessments.c.lead_assessor,
            risk_assessments.c.trigger,
            areas.c.name,
        ),
        default_sort=("assessed_on", True),
    )
)

POLICIES = register(
    ListDef(
        name="policies",
        source=policies,
        id_expr=policies.c.id,
        columns=(
            ListColumn("version_label", N_("Version"), policies.c.version_label, "text", 50),
            ListColumn("revision_no", N_("Rev."), policies.c.revision_no, "number", 40),
            ListColumn("status", N_("Status"), policies.c.status, "status", 62),
            ListColumn("approved_by", N_("Approved by"), policies.c.approved_by, "text", 110),
            ListColumn("approved_on", N_("Approved on"), policies.c.approved_on, "date", 84),
            ListColumn("posted_on", N_("Posted on"), policies.c.posted_on, "date", 84),
            ListColumn("written_on", N_("Written"), func.substr(policies.c.created_at, 1, 10), "date", 90),
            ListColumn("title", N_("Title"), policies.c.title, "text", 200),
        ),
        base_where=(policies.c.deleted_at.is_(None),),
        filters={"status": _one_or_many(policies.c.status)},
        search=(policies.c.title, policies.c.version_label, policies.c.approved_by, policies.c.body),
        default_sort=("revision_no", True),
    )
)

OBJECTIVES = register(
    ListDef(
        name="objectives",
        source=objectives.outerjoin(people, people.c.id == objectives.c.owner_id),
        id_expr=objectives.c.id,
        columns=(
            ListColumn("title", N_("Objective"), objectives.c.title, "text", 180),
            ListColumn("target", N_("Target"), objectives.c.target, "text", 110),
            ListColumn("kpi", N_("KPI"), objectives.c.kpi, "text", 120),
            ListColumn("owner", N_("Owner"), people.c.name, "text", 70),
            ListColumn("result", N_("Result"), objectives.c.result, "text", 120),
            ListColumn("achieved", N_("Achieved"), objectives.c.achieved, "bool", 50),
        ),
        base_where=(objectives.c.deleted_at.is_(None),),
        filters={
            "year": lambda v: objectives.c.year == int(v),
            "policy_id": lambda v: objectives.c.policy_id == v,  # sic: column name in tables.py
            "achieved": lambda v: (
                or_(objectives.c.achieved.is_(None), objectives.c.achieved.is_(false()))
                if v == "no"
                else objectives.c.achieved.is_(true())
            ),
        },
        search=(objectives.c.title, objectives.c.target, objectives.c.kpi, people.c.name),
        default_sort=("title", False),
    )
)
