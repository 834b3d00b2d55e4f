"""Lists for the emergency, incidents and people screens (registered with core.queries.lists.register).

Times are stored in UTC; the lists show and filter them in the PC's local time (``'localtime'`` in
SQLite), because a near miss at 08:30 in Busan must not appear as 23:30 the day before.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal, or_, select

from safetydesk.core.db.tables import (
    areas,
    contractors,
    corrective_actions,
    drills,
    emergency_manuals,
    incidents,
    people,
    suggestions,
    training_attendance,
    trainings,
)
from safetydesk.core.i18n import N_
from safetydesk.core.queries.emergency import DRILL_DONE
from safetydesk.core.queries.lists import ListColumn, ListDef, register


def _one_or_many(column: Any) -> Any:
    return lambda v: column.in_(tuple(v) if isinstance(v, (list, tuple)) else (v,))


def _local(ts: Any) -> ColumnElement[Any]:
    return func.datetime(ts, "localtime")


def _local_day(ts: Any) -> ColumnElement[Any]:
    return func.date(ts, "localtime")


def _day(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


EMERGENCY_MANUALS = register(
    ListDef(
        name="emergency_manuals",
        source=emergency_manuals,
        id_expr=emergency_manuals.c.id,
        columns=(
            ListColumn("version_label", N_("Version"), emergency_manuals.c.version_label, "text", 70),
            ListColumn("title", N_("Title"), emergency_manuals.c.title, "text", 200),
            ListColumn("status", N_("Status"), emergency_manuals.c.status, "status", 80),
            ListColumn("approved_on", N_("Approved on"), emergency_manuals.c.approved_on, "date", 90),
            ListColumn("approved_by", N_("Approved by"), emergency_manuals.c.approved_by, "text", 90),
        ),
        base_where=(emergency_manuals.c.deleted_at.is_(None),),
        search=(emergency_manuals.c.title, emergency_manuals.c.version_label),
        default_sort=("version_label", True),
    )
)

_drill_actions = (
    select(func.count())
    .where(corrective_actions.c.source_id == drills.c.id, corrective_actions.c.deleted_at.is_(None))
    .scalar_subquery()
)

DRILLS = register(
    ListDef(
        name="drills",
        source=drills.outerjoin(areas, areas.c.id == drills.c.area_id),
        id_expr=drills.c.id,
        columns=(
            ListColumn("planned_on", N_("Planned"), drills.c.planned_on, "date", 90),
            ListColumn("drill_type", N_("Type"), drills.c.drill_type, "status", 130),
            ListColumn("area", N_("Area"), areas.c.name, "text", 110),
            ListColumn(
                "status",
                N_("Status"),
                case((drills.c.status.in_(DRILL_DONE), literal("drill_done")), else_=drills.c.status),
                "status",
                70,
            ),
            ListColumn("performed_at", N_("Carried out"), _local(drills.c.performed_at), "datetime", 120),
            ListColumn("seconds_to_alarm", N_("To alarm (s)"), drills.c.seconds_to_alarm, "number", 80),
            ListColumn(
                "seconds_to_evacuate", N_("To evacuate (s)"), drills.c.seconds_to_evacuate, "number", 90
            ),
            ListColumn("headcount_actual", N_("Counted"), drills.c.headcount_actual, "number", 60),
            ListColumn("headcount_expected", N_("Expected"), drills.c.headcount_expected, "number", 60),
            ListColumn("actions", N_("Actions"), _drill_actions, "number", 60),
        ),
        base_where=(drills.c.deleted_at.is_(None),),
        filters={
            "status": _one_or_many(drills.c.status),
            "drill_type": _one_or_many(drills.c.drill_type),
            "area_id": lambda v: drills.c.area_id == v,
        },
        search=(drills.c.scenario, areas.c.name),
        default_sort=("planned_on", True),
    )
)

_injured = people.alias("injured")
_incident_open = incidents.c.locked_at.is_(None)
_incident_actions = (
    select(func.count())
    .where(corrective_actions.c.source_id == incidents.c.id, corrective_actions.c.deleted_at.is_(None))
    .scalar_subquery()
)

INCIDENTS = register(
    ListDef(
        name="incidents",
        source=incidents.outerjoin(areas, areas.c.id == incidents.c.area_id).outerjoin(
            _injured, _injured.c.id == incidents.c.injured_person_id
        ),
        id_expr=incidents.c.id,
        columns=(
            ListColumn("occurred_at", N_("When"), _local(incidents.c.occurred_at), "datetime", 120),
            ListColumn("kind", N_("Kind"), incidents.c.kind, "status", 90),
            ListColumn("title", N_("What happened"), incidents.c.title, "text", 300),
            ListColumn("area", N_("Area"), areas.c.name, "text", 110),
            ListColumn("person", N_("Injured person"), _injured.c.name, "text", 90),
            ListColumn("days_lost", N_("Days lost"), incidents.c.days_lost, "number", 60),
            ListColumn("actions", N_("Actions"), _incident_actions, "number", 60),
            ListColumn(
                "state",
                N_("Status"),
                case((_incident_open, literal("investigating")), else_=literal("closed")),
                "status",
                70,
            ),
        ),
        base_where=(incidents.c.deleted_at.is_(None),),
        filters={
            "kind": _one_or_many(incidents.c.kind),
            "area_id": lambda v: incidents.c.area_id == v,
            "from": lambda v: _local_day(incidents.c.occurred_at) >= _day(v),
            "to": lambda v: _local_day(incidents.c.occurred_at) <= _day(v),
            "open": lambda v: _incident_open if v else ~_incident_open,
        },
        search=(incidents.c.title, incidents.c.description, areas.c.name, _injured.c.name),
        default_sort=("occurred_at", True),
    )
)

_submitter = people.alias("submitter")

SUGGESTIONS = register(
    ListDef(
        name="suggestions",
        source=suggestions.outerjoin(areas, areas.c.id == suggestions.c.area_id).outerjoin(
            _submitter, _submitter.c.id == suggestions.c.submitted_by_id
        ),
        id_expr=suggestions.c.id,
        columns=(
            ListColumn("submitted_on", N_("Submitted"), suggestions.c.submitted_on, "date", 90),
            ListColumn("channel", N_("Channel"), suggestions.c.channel, "status", 90),
            ListColumn(
                "submitter",
                N_("Submitted by"),
                func.coalesce(_submitter.c.name, literal("anonymous")),
                "status",
                90,
            ),
            ListColumn("area", N_("Area"), areas.c.name, "text", 100),
            ListColumn("text", N_("Suggestion"), suggestions.c.text, "text", 300),
            ListColumn("status", N_("Status"), suggestions.c.status, "status", 80),
            ListColumn("responded_on", N_("Answered on"), suggestions.c.responded_on, "date", 90),
        ),
        base_where=(suggestions.c.deleted_at.is_(None),),
        filters={
            "status": _one_or_many(suggestions.c.status),
            "channel": _one_or_many(suggestions.c.channel),
            "area_id": lambda v: suggestions.c.area_id == v,
            "open": lambda v: (
                suggestions.c.status.in_(("received", "in_progress"))
                if v
                else suggestions.c.status.in_(("answered", "closed"))
            ),
        },
        search=(suggestions.c.text, suggestions.c.response, areas.c.name, _submitter.c.name),
        default_sort=("submitted_on", True),
    )
)


def _active(value: Any) -> ColumnElement[bool]:
    today = date.today().isoformat()
    employed = or_(people.c.left_on.is_(None), people.c.left_on >= today)
    return employed if value else ~employed


PEOPLE = register(
    ListDef(
        name="people",
        source=people.outerjoin(contractors, contractors.c.id == people.c.contractor_id),
        id_expr=people.c.id,
        columns=(
            ListColumn("name", N_("Name"), people.c.name, "text", 100),
            ListColumn("kind", N_("Kind"), people.c.kind, "status", 90),
            ListColumn("job_type", N_("Job type"), people.c.job_type, "status", 90),
            ListColumn("department", N_("Department"), people.c.department, "text", 110),
            ListColumn("nationality", N_("Nationality"), people.c.nationality, "text", 60),
            ListColumn("language", N_("Language"), people.c.language, "text", 60),
            ListColumn("contractor", N_("Contractor"), contractors.c.name, "text", 110),
            ListColumn("hired_on", N_("Hired"), people.c.hired_on, "date", 90),
            ListColumn("left_on", N_("Left"), people.c.left_on, "date", 90),
        ),
        base_where=(people.c.deleted_at.is_(None),),
        filters={
            "active": _active,
            "kind": _one_or_many(people.c.kind),
            "job_type": _one_or_many(people.c.job_type),
            "contractor": lambda v: (
                people.c.contractor_id.is_not(None) if v else people.c.contractor_id.is_(None)
            ),
        },
        search=(
            people.c.name,
            people.c.name_en,
            people.c.department,
            people.c.employee_no,
            contractors.c.name,
        ),
        default_sort=("name", False),
    )
)

_attendees = select(func.count()).where(training_attendance.c.training_id == trainings.c.id).scalar_subquery()

TRAININGS = register(
    ListDef(
        name="trainings",
        source=trainings,
        id_expr=trainings.c.id,
        columns=(
            ListColumn("held_on", N_("Held on"), trainings.c.held_on, "date", 90),
            ListColumn("course", N_("Course"), trainings.c.course, "status", 100),
            ListColumn("title", N_("Title"), trainings.c.title, "text", 260),
            ListColumn("hours", N_("Hours"), trainings.c.hours, "number", 60),
            ListColumn("attendees", N_("Attendees"), _attendees, "number", 70),
            ListColumn("method", N_("Method"), trainings.c.method, "status", 80),
            ListColumn("instructor", N_("Instructor"), trainings.c.instructor, "text", 100),
            ListColumn("status", N_("Status"), trainings.c.status, "status", 80),
        ),
        base_where=(trainings.c.deleted_at.is_(None),),
        filters={
            "course": _one_or_many(trainings.c.course),
            "from": lambda v: trainings.c.held_on >= _day(v),
            "to": lambda v: trainings.c.held_on <= _day(v),
        },
        search=(trainings.c.title, trainings.c.instructor, trainings.c.content),
        default_sort=("held_on", True),
    )
)
