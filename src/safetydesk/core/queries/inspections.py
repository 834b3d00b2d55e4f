"""Read side of the inspections screens: form records with their template and answers, pick lists.

Everything returned is a frozen dataclass (or a validated ``FormTemplate``), so the screens can hold
it on the GUI thread without a database session.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from safetydesk.core.db.tables import (
    areas,
    corrective_actions,
    equipment,
    findings,
    form_answers,
    form_records,
    form_templates,
    gas_readings,
    people,
)
from safetydesk.core.forms.schema import FormTemplate, Text, validate_template
from safetydesk.core.workspace.workspace import Workspace

#: Gas column keys a template may use, and the ``gas_readings`` column each is stored in.
GAS_STORAGE: Mapping[str, str] = {"o2": "o2_pct", "h2s": "h2s_ppm", "co": "co_ppm", "lel": "lel_pct"}


@dataclass(frozen=True)
class AreaOption:
    id: str
    code: str
    name: str
    name_en: str | None
    site_id: str


@dataclass(frozen=True)
class EquipmentOption:
    id: str
    code: str
    name: str
    kind: str
    area_id: str | None

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


@dataclass(frozen=True)
class TemplateOption:
    id: str
    code: str
    version: int
    kind: str
    origin: str
    title: Text
    equipment_kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class NewFormChoices:
    """What the "new form" dialog offers: the newest version of each template, areas, equipment."""

    templates: tuple[TemplateOption, ...]
    areas: tuple[AreaOption, ...]
    equipment: tuple[EquipmentOption, ...]
    people: tuple[str, ...]


@dataclass(frozen=True)
class AnswerData:
    """One stored answer, as the form widgets show and edit it."""

    result: str | None = None  # pass | fail | na (yes/no accepted from imports)
    number: float | None = None
    text: str | None = None
    note: str | None = None
    attachments: tuple[str, ...] = ()
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class GasRowData:
    measured_at: str  # UTC text, as stored
    location: str | None = None
    measured_by: str | None = None
    values: tuple[tuple[str, float | None], ...] = ()

    def value(self, key: str) -> float | None:
        return next((v for k, v in self.values if k == key), None)


@dataclass(frozen=True)
class FindingView:
    id: str
    question_key: str | None
    description: str
    severity: str
    status: str
    action_id: str | None
    action_title: str | None
    due_on: str | None
    owner_name: str | None
    action_status: str | None


@dataclass(frozen=True)
class FormRecordView:
    id: str
    template_id: str
    template: FormTemplate
    template_origin: str
    kind: str
    status: str
    locked: bool
    revision_no: int
    revision_of: str | None
    performed_on: str
    performed_by_name: str | None
    area_name: str | None
    equipment_label: str | None
    header: Mapping[str, Any]
    answers: Mapping[str, AnswerData]
    gas: tuple[GasRowData, ...]
    score_percent: float | None
    failed_count: int
    completed_at: str | None
    findings: tuple[FindingView, ...] = ()
    revisions: tuple[str, ...] = field(default=())
    retention_until: str | None = None


@dataclass(frozen=True)
class TemplateDetail:
    id: str
    code: str
    version: int
    kind: str
    origin: str
    title: Text
    body: Mapping[str, Any]
    copied_from_id: str | None


# -- pick lists ----------------------------------------------------------------------------------


def area_options(ws: Workspace) -> tuple[AreaOption, ...]:
    with ws.reader() as conn:
        rows = conn.execute(
            select(areas.c.id, areas.c.code, areas.c.name, areas.c.name_en, areas.c.site_id)
            .where(areas.c.deleted_at.is_(None))
            .order_by(areas.c.code, areas.c.name)
        ).all()
    return tuple(AreaOption(*row) for row in rows)


def people_names(ws: Workspace) -> tuple[str, ...]:
    with ws.reader() as conn:
        rows = conn.execute(
            select(people.c.name)
            .where(people.c.deleted_at.is_(None), people.c.left_on.is_(None))
            .distinct()
            .order_by(people.c.name)
        ).scalars()
        return tuple(str(name) for name in rows)


def latest_templates(ws: Workspace) -> tuple[TemplateOption, ...]:
    """The newest version of every template code, ordered by kind and title."""
    newest = (
        select(form_templates.c.code, func.max(form_templates.c.version).label("version"))
        .where(form_templates.c.deleted_at.is_(None))
        .group_by(form_templates.c.code)
        .subquery()
    )
    query = select(
        form_templates.c.id,
        form_templates.c.code,
        form_templates.c.version,
        form_templates.c.kind,
        form_templates.c.origin,
        form_templates.c.title_ko,
        form_templates.c.title_en,
        form_templates.c.body,
    ).join(
        newest,
        (newest.c.code == form_templates.c.code) & (newest.c.version == form_templates.c.version),
    )
    with ws.reader() as conn:
        rows = conn.execute(query).all()
    out = [
        TemplateOption(
            id=r.id,
            code=r.code,
            version=r.version,
            kind=r.kind,
            origin=r.origin,
            title=Text(r.title_ko, r.title_en),
            equipment_kinds=tuple(str(k) for k in (r.body or {}).get("equipment_kinds", ())),
        )
        for r in rows
    ]
    return tuple(sorted(out, key=lambda t: (t.kind, t.origin != "shipped", t.title.ko)))


def new_form_choices(ws: Workspace) -> NewFormChoices:
    with ws.reader() as conn:
        machines = conn.execute(
            select(equipment.c.id, equipment.c.code, equipment.c.name, equipment.c.kind, equipment.c.area_id)
            .where(equipment.c.deleted_at.is_(None), equipment.c.retired_on.is_(None))
            .order_by(equipment.c.code)
        ).all()
    return NewFormChoices(
        templates=latest_templates(ws),
        areas=area_options(ws),
        equipment=tuple(EquipmentOption(*row) for row in machines),
        people=people_names(ws),
    )


# -- one record ----------------------------------------------------------------------------------


def load_form_record(ws: Workspace, record_id: str) -> FormRecordView:
    with ws.reader() as conn:
        rec = (
            conn.execute(
                select(
                    form_records,
                    form_templates.c.body.label("template_body"),
                    form_templates.c.origin.label("template_origin"),
                    areas.c.name.label("area_name"),
                    (equipment.c.code + " " + equipment.c.name).label("equipment_label"),
                    people.c.name.label("person_name"),
                )
                .select_from(
                    form_records.join(form_templates, form_templates.c.id == form_records.c.template_id)
                    .outerjoin(areas, areas.c.id == form_records.c.area_id)
                    .outerjoin(equipment, equipment.c.id == form_records.c.equipment_id)
                    .outerjoin(people, people.c.id == form_records.c.performed_by_id)
                )
                .where(form_records.c.id == record_id)
            )
            .mappings()
            .one()
        )
        answer_rows = conn.execute(
            select(form_answers).where(form_answers.c.record_id == record_id)
        ).mappings()
        answers = {
            str(a["question_key"]): AnswerData(
                result=a["result"],
                number=a["value_num"],
                text=a["value_text"],
                note=a["note"],
                attachments=tuple(a["attachments"] or ()),
                values=tuple(a["value_list"] or ()),
            )
            for a in answer_rows
        }
        gas = tuple(
            GasRowData(
                measured_at=g["measured_at"],
                location=g["location"],
                measured_by=g["measured_by"],
                values=tuple((key, g[column]) for key, column in GAS_STORAGE.items()),
            )
            for g in conn.execute(
                select(gas_readings)
                .where(gas_readings.c.record_id == record_id)
                .order_by(gas_readings.c.measured_at, gas_readings.c.id)
            ).mappings()
        )
        found = tuple(
            FindingView(
                id=f.id,
                question_key=f.question_key,
                description=f.description,
                severity=f.severity,
                status=f.status,
                action_id=f.action_id,
                action_title=f.title,
                due_on=f.due_on,
                owner_name=f.owner_name,
                action_status=f.action_status,
            )
            for f in conn.execute(
                select(
                    findings.c.id,
                    findings.c.question_key,
                    findings.c.description,
                    findings.c.severity,
                    findings.c.status,
                    corrective_actions.c.id.label("action_id"),
                    corrective_actions.c.title,
                    corrective_actions.c.due_on,
                    corrective_actions.c.owner_name,
                    corrective_actions.c.status.label("action_status"),
                )
                .select_from(
                    findings.outerjoin(
                        corrective_actions,
                        (corrective_actions.c.finding_id == findings.c.id)
                        & corrective_actions.c.deleted_at.is_(None),
                    )
                )
                .where(
                    findings.c.source_id == record_id,
                    findings.c.source_kind == "inspection",
                    findings.c.deleted_at.is_(None),
                )
                .order_by(findings.c.created_at, findings.c.question_key)
            )
        )
        revisions = tuple(
            str(r)
            for r in conn.execute(
                select(form_records.c.id)
                .where(form_records.c.revision_of == record_id, form_records.c.deleted_at.is_(None))
                .order_by(form_records.c.revision_no)
            ).scalars()
        )
    return FormRecordView(
        id=rec["id"],
        template_id=rec["template_id"],
        template=validate_template(rec["template_body"]),
        template_origin=rec["template_origin"],
        kind=rec["kind"],
        status=rec["status"],
        locked=rec["locked_at"] is not None,
        revision_no=int(rec["revision_no"]),
        revision_of=rec["revision_of"],
        performed_on=rec["performed_on"],
        performed_by_name=rec["person_name"] or rec["performed_by_name"],
        area_name=rec["area_name"],
        equipment_label=rec["equipment_label"],
        header=dict(rec["header"] or {}),
        answers=answers,
        gas=gas,
        score_percent=rec["score_percent"],
        failed_count=int(rec["failed_count"] or 0),
        completed_at=rec["completed_at"],
        findings=found,
        revisions=revisions,
        retention_until=rec["retention_until"],
    )


def attachment_bytes(ws: Workspace, sha256: str) -> bytes:
    """The stored file, checked against its fingerprint (raises a ``UserError`` when missing or damaged)."""
    return ws.attachments.read_bytes(sha256)


# -- templates -----------------------------------------------------------------------------------


def template_detail(ws: Workspace, template_id: str) -> TemplateDetail:
    with ws.reader() as conn:
        row = conn.execute(select(form_templates).where(form_templates.c.id == template_id)).mappings().one()
    return TemplateDetail(
        id=row["id"],
        code=row["code"],
        version=int(row["version"]),
        kind=row["kind"],
        origin=row["origin"],
        title=Text(row["title_ko"], row["title_en"]),
        body=dict(row["body"]),
        copied_from_id=row["copied_from_id"],
    )


def next_template_version(ws: Workspace, code: str) -> int:
    """One above the highest stored version of ``code`` (1 for a new code)."""
    with ws.reader() as conn:
        highest = conn.execute(
            select(func.max(form_templates.c.version)).where(form_templates.c.code == code)
        ).scalar()
    return int(highest or 0) + 1


def code_origin(ws: Workspace, code: str) -> str | None:
    """``shipped`` or ``user`` when a template already uses ``code``; ``None`` for a free code."""
    with ws.reader() as conn:
        origins = set(
            conn.execute(
                select(form_templates.c.origin).where(form_templates.c.code == code).distinct()
            ).scalars()
        )
    if "shipped" in origins:
        return "shipped"
    return "user" if origins else None
