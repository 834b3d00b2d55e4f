"""Form templates and completed form records (inspections, pre-work checks, permits, TBM, drills).

One engine for every form: a record keeps the exact template version it was filled in, its answers
are child rows, and completing it scores the answers, locks it and — for failed items whose rule says
so — opens a finding and a corrective action in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, insert, select

from safetydesk.core.audit import chain
from safetydesk.core.canonical import children_digest, row_digest
from safetydesk.core.clock import new_id
from safetydesk.core.db.tables import form_answers, form_records, form_templates, gas_readings
from safetydesk.core.errors import ValidationError
from safetydesk.core.forms.schema import (
    AnswerValue,
    FormTemplate,
    GasRow,
    Score,
    score_answers,
    template_sha256,
    validate_template,
)
from safetydesk.core.i18n import N_
from safetydesk.core.services.base import Changes, Tx, transaction
from safetydesk.core.services.records import Created, complete_in, retention_until
from safetydesk.core.workspace.workspace import Workspace

SEVERITY_DUE_DAYS = {"high": 7, "medium": 30, "low": 60}


@dataclass(frozen=True)
class Answer:
    """One answer as the user gives it."""

    result: str | None = None  # pass | fail | na
    number: float | None = None
    text: str | None = None
    note: str | None = None
    attachments: tuple[str, ...] = ()
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class GasReading:
    measured_at: str
    location: str | None = None
    measured_by: str | None = None
    o2_pct: float | None = None
    h2s_ppm: float | None = None
    co_ppm: float | None = None
    lel_pct: float | None = None


@dataclass(frozen=True)
class CompletedForm:
    changes: Changes
    score: Score
    finding_ids: tuple[str, ...] = ()
    action_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class TemplateInfo:
    id: str
    code: str
    version: int
    kind: str
    title_ko: str
    title_en: str


# -- templates ----------------------------------------------------------------------------------


def install_shipped_templates(ws: Workspace, *, actor: str = "SafetyDesk") -> Changes:
    """Add every shipped template version the workspace does not have yet."""
    from safetydesk.core.forms.library import load_shipped_templates

    shipped = load_shipped_templates()
    with ws.reader() as conn:
        have = {(r[0], r[1]) for r in conn.execute(select(form_templates.c.code, form_templates.c.version))}
    missing = [t for t in shipped if (t.code, t.version) not in have]
    if not missing:
        return Changes()
    with transaction(ws, actor) as tx:
        for template in missing:
            _insert_template(tx, template, origin="shipped")
        return tx.finish()


def _insert_template(tx: Tx, template: FormTemplate, *, origin: str, copied_from: str | None = None) -> str:
    body = template.to_dict()
    return tx.insert(
        "form_templates",
        {
            "code": template.code,
            "version": template.version,
            "kind": template.kind,
            "title_ko": template.title.ko,
            "title_en": template.title.en,
            "body": body,
            "body_sha256": template_sha256(body),
            "origin": origin,
            "copied_from_id": copied_from,
        },
        summary=f"template {template.code} v{template.version}",
    )


def save_user_template(
    ws: Workspace, data: Mapping[str, Any], *, copied_from: str | None = None, actor: str | None = None
) -> Created:
    """Store a user's own (edited or copied) template after validation."""
    template = validate_template(dict(data))
    with transaction(ws, actor) as tx:
        exists = tx.conn.execute(
            select(func.count()).where(
                form_templates.c.code == template.code, form_templates.c.version == template.version
            )
        ).scalar_one()
        if exists:
            raise ValidationError(
                N_("A template {code} version {version} already exists."),
                N_("Give the copy a new code or a higher version number."),
                code=template.code,
                version=template.version,
            )
        new = _insert_template(tx, template, origin="user", copied_from=copied_from)
    return Created(new, Changes((("form_templates", new, "create"),)))


def list_templates(ws: Workspace, kind: str | None = None) -> list[TemplateInfo]:
    query = (
        select(
            form_templates.c.id,
            form_templates.c.code,
            form_templates.c.version,
            form_templates.c.kind,
            form_templates.c.title_ko,
            form_templates.c.title_en,
        )
        .where(form_templates.c.deleted_at.is_(None))
        .order_by(form_templates.c.code, form_templates.c.version)
    )
    if kind:
        query = query.where(form_templates.c.kind == kind)
    with ws.reader() as conn:
        return [TemplateInfo(*row) for row in conn.execute(query)]


def load_template(conn: Any, template_id: str) -> FormTemplate:
    body = conn.execute(select(form_templates.c.body).where(form_templates.c.id == template_id)).scalar_one()
    return validate_template(body)


def template_id_by_code(ws: Workspace, code: str) -> str:
    with ws.reader() as conn:
        row = conn.execute(
            select(form_templates.c.id)
            .where(form_templates.c.code == code)
            .order_by(form_templates.c.version.desc())
            .limit(1)
        ).scalar()
    if row is None:
        raise ValidationError(
            N_("No template with the code {code}."), N_("Check the templates list."), code=code
        )
    return str(row)


# -- records -----------------------------------------------------------------------------------


def start_form(
    ws: Workspace, template_id: str, *, performed_on: date | str, actor: str | None = None, **values: Any
) -> Created:
    with transaction(ws, actor) as tx:
        template = load_template(tx.conn, template_id)
        record_id = tx.insert(
            "form_records",
            {
                "template_id": template_id,
                "kind": template.kind,
                "performed_on": performed_on,
                "header": values.pop("header", None) or {},
                **values,
            },
            summary=f"{template.code} started",
        )
    return Created(record_id, Changes((("form_records", record_id, "create"),)))


def answer_rows(answers: Mapping[str, Answer]) -> list[dict[str, Any]]:
    return [
        {
            "question_key": key,
            "result": a.result,
            "value_num": a.number,
            "value_text": a.text,
            "value_list": list(a.values) or None,
            "note": a.note,
            "attachments": list(a.attachments) or None,
        }
        for key, a in sorted(answers.items())
    ]


def _gas_rows(readings: Sequence[GasReading]) -> list[dict[str, Any]]:
    return [{"id": new_id(), **r.__dict__} for r in readings]


def save_answers(
    ws: Workspace,
    record_id: str,
    answers: Mapping[str, Answer],
    *,
    gas: Sequence[GasReading] | None = None,
    header: Mapping[str, Any] | None = None,
    actor: str | None = None,
) -> Changes:
    """Save a draft's answers (replacing the previous draft answers); completed records refuse."""
    with transaction(ws, actor) as tx:
        record = tx.get("form_records", record_id)
        template = load_template(tx.conn, record["template_id"])
        keys = {q.key for _s, q in template.questions()}
        unknown = sorted(set(answers) - keys)
        if unknown:
            raise ValidationError(
                N_("The answers name questions the template does not have: {keys}."),
                N_("Reload the form and answer again."),
                keys=", ".join(unknown),
            )
        changes = {"header": dict(header)} if header is not None else {}
        tx.update("form_records", record_id, changes, summary="answers saved")
        tx.set_children("form_records", record_id, "form_answers", answer_rows(answers))
        if gas is not None:
            tx.set_children("form_records", record_id, "gas_readings", _gas_rows(gas))
        return tx.finish()


GAS_COLUMNS = {"o2": "o2_pct", "h2s": "h2s_ppm", "co": "co_ppm", "lel": "lel_pct"}


def _answer_values(conn: Any, record_id: str, template: FormTemplate) -> dict[str, AnswerValue]:
    rows = conn.execute(select(form_answers).where(form_answers.c.record_id == record_id)).mappings()
    out = {
        r["question_key"]: AnswerValue(
            result=r["result"],
            number=r["value_num"],
            text=r["value_text"],
            attachments=tuple(r["attachments"] or ()),
            values=tuple(r["value_list"] or ()),
        )
        for r in rows
    }
    readings = (
        conn.execute(
            select(gas_readings)
            .where(gas_readings.c.record_id == record_id)
            .order_by(gas_readings.c.measured_at)
        )
        .mappings()
        .all()
    )
    if readings:
        for _section, question in template.questions():
            if question.type != "gas_readings":
                continue
            keys = [c.key for c in question.columns if c.key in GAS_COLUMNS]
            out[question.key] = AnswerValue(
                rows=tuple(
                    GasRow.of({k: r[GAS_COLUMNS[k]] for k in keys}, taken_at=r["measured_at"])
                    for r in readings
                )
            )
    return out


def complete_form(
    ws: Workspace,
    record_id: str,
    *,
    on: date | None = None,
    actor: str | None = None,
    create_findings: bool = True,
    owner_name: str | None = None,
) -> CompletedForm:
    """Score, check completeness, lock, and open findings/actions for failed items that call for them."""
    on = on or date.today()
    with transaction(ws, actor) as tx:
        record = tx.get("form_records", record_id)
        template = load_template(tx.conn, record["template_id"])
        score = score_answers(template, _answer_values(tx.conn, record_id, template))
        if score.unanswered_required:
            raise ValidationError(
                N_("Some required questions are not answered: {keys}."),
                N_("Answer them, or mark them N.A., then complete the form."),
                keys=", ".join(score.unanswered_required),
            )
        if score.photo_required_missing:
            raise ValidationError(
                N_("A photo is required for these failed items: {keys}."),
                N_("Attach a photo of each failed item, then complete the form."),
                keys=", ".join(score.photo_required_missing),
            )
        tx.update("form_records", record_id, {"score_percent": score.percent, "failed_count": score.failed})
        extra = (template.retention,) if template.retention else ()
        complete_in(tx, "form_records", record_id, on, extra)
        findings: list[str] = []
        actions: list[str] = []
        if create_findings:
            by_key = {q.key: q for _s, q in template.questions()}
            answers = _answer_values(tx.conn, record_id, template)
            for key in score.findings_to_create:
                question = by_key[key]
                severity = _severity(question)
                f_id, a_id = open_finding_with_action(
                    tx,
                    source_kind="inspection",
                    source_id=record_id,
                    question_key=key,
                    area_id=record.get("area_id"),
                    site_id=record.get("site_id"),
                    equipment_id=record.get("equipment_id"),
                    found_on=on,
                    found_by=record.get("performed_by_name"),
                    description=f"{question.text.ko} — 부적합 / {question.text.en} — failed",
                    severity=severity,
                    hazard_group=question.hazard_group,
                    owner_name=owner_name,
                    photos=answers[key].attachments if key in answers else (),
                )
                findings.append(f_id)
                actions.append(a_id)
        changes = tx.finish()
    return CompletedForm(changes, score, tuple(findings), tuple(actions))


def _severity(question: Any) -> str:
    for rule in question.rules:
        if getattr(rule, "severity", None):
            return str(rule.severity)
    return "medium"


def open_finding_with_action(
    tx: Tx,
    *,
    source_kind: str,
    source_id: str | None,
    found_on: date,
    description: str,
    severity: str,
    question_key: str | None = None,
    area_id: str | None = None,
    site_id: str | None = None,
    equipment_id: str | None = None,
    found_by: str | None = None,
    hazard_group: str | None = None,
    owner_name: str | None = None,
    hierarchy: str = "engineering",
    photos: Iterable[str] = (),
) -> tuple[str, str]:
    """A finding and its corrective action in one step (the usual path from a failed checklist item)."""
    finding = tx.insert(
        "findings",
        {
            "source_kind": source_kind,
            "source_id": source_id,
            "question_key": question_key,
            "area_id": area_id,
            "site_id": site_id,
            "equipment_id": equipment_id,
            "found_on": found_on,
            "found_by": found_by,
            "description": description,
            "severity": severity,
            "hazard_group": hazard_group,
            "status": "open",
        },
    )
    for sha in photos:
        tx.insert(
            "attachment_links", {"sha256": sha, "entity": "findings", "record_id": finding, "role": "before"}
        )
    action = tx.insert(
        "corrective_actions",
        {
            "finding_id": finding,
            "source_kind": source_kind,
            "source_id": source_id,
            "area_id": area_id,
            "title": description[:300],
            "hierarchy": hierarchy,
            "owner_name": owner_name,
            "due_on": found_on + timedelta(days=SEVERITY_DUE_DAYS.get(severity, 30)),
            "status": "open",
        },
    )
    return finding, action


# -- bulk ----------------------------------------------------------------------------------------


@dataclass
class BulkForm:
    """A completed form for bulk import (history import, demo data, benchmarks)."""

    template_id: str
    kind: str
    performed_on: str
    answers: list[dict[str, Any]]
    values: dict[str, Any] = field(default_factory=dict)


def bulk_import_completed(ws: Workspace, forms: Sequence[BulkForm], *, actor: str = "import") -> int:
    """Insert many completed forms with SQLAlchemy Core executemany; one audit event per form.

    Answers go in as child rows; each form's event carries the digest of its answers, so raw edits
    to any answer are still caught by ``verify``. Returns the number of answers written.
    """
    if not forms:
        return 0
    with transaction(ws, actor) as tx:
        now = tx.now
        records: list[dict[str, Any]] = []
        answers: list[dict[str, Any]] = []
        per_record: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
        for form in forms:
            rid = new_id()
            done = date.fromisoformat(form.performed_on)
            rec: dict[str, Any] = {
                "id": rid,
                "created_at": now,
                "updated_at": now,
                "deleted_at": None,
                "created_by": actor,
                "status": "completed",
                "locked_at": now,
                "revision_of": None,
                "revision_no": 1,
                "retention_until": retention_until("form_records", done),
                "template_id": form.template_id,
                "kind": form.kind,
                "site_id": None,
                "area_id": None,
                "equipment_id": None,
                "performed_on": form.performed_on,
                "performed_by_id": None,
                "performed_by_name": None,
                "header": {},
                "score_percent": None,
                "failed_count": 0,
                "completed_at": now,
                "signature_sha256": None,
            }
            rec.update(form.values)
            kids = [
                {
                    "record_id": rid,
                    "question_key": a["question_key"],
                    "result": a.get("result"),
                    "value_num": _float_or_none(a.get("value_num")),
                    "value_text": a.get("value_text"),
                    "value_list": a.get("value_list"),
                    "note": a.get("note"),
                    "attachments": a.get("attachments"),
                }
                for a in form.answers
            ]
            records.append(rec)
            answers.extend(kids)
            per_record.append((rec, kids))
        tx.conn.execute(insert(form_records), records)
        tx.conn.execute(insert(form_answers), answers)
        stored = chain.children_of_many(tx.conn, "form_records", [rec["id"] for rec, _kids in per_record])
        chain.append_many(
            tx.conn,
            [
                {
                    "event_id": new_id(),
                    "at": now,
                    "actor": actor,
                    "action": "import",
                    "entity": "form_records",
                    "record_id": rec["id"],
                    "row_digest": row_digest(_as_stored(rec)),
                    "children_digest": children_digest(stored.get(rec["id"], {})),
                    "summary": "bulk import",
                }
                for rec, _kids in per_record
            ],
        )
        for rec, _kids in per_record:
            tx.touch_outbox_only("form_records", rec["id"], {**rec, "_children": ["form_answers"]})
    return len(answers)


def _as_stored(rec: Mapping[str, Any]) -> dict[str, Any]:
    """The row as it reads back from SQLite (column order does not matter: keys are sorted)."""
    out: dict[str, Any] = {}
    for column in form_records.c:
        value = rec.get(column.name)
        if value is not None and type(column.type).__name__ == "Float":
            value = float(value)
        out[column.name] = value
    return out


__all__ = [
    "Answer",
    "BulkForm",
    "CompletedForm",
    "GasReading",
    "bulk_import_completed",
    "complete_form",
    "gas_readings",
    "install_shipped_templates",
    "list_templates",
    "open_finding_with_action",
    "save_answers",
    "start_form",
]


def _float_or_none(value: Any) -> float | None:
    return None if value is None else float(value)


def passing_answers(
    template: FormTemplate, *, person: str, on: date, signature: str | None = None
) -> dict[str, Answer]:
    """A clean, all-passing set of answers (self-test, demo data and tests start from it)."""
    out: dict[str, Answer] = {}
    for _section, q in template.questions():
        match q.type:
            case "yes_no_na":
                out[q.key] = Answer(result="pass")
            case "number":
                low = q.min if q.min is not None else 0.0
                high = q.max if q.max is not None else low + 10.0
                out[q.key] = Answer(number=round((low + high) / 2, 1))
            case "date":
                out[q.key] = Answer(text=on.isoformat())
            case "datetime":
                out[q.key] = Answer(text=f"{on.isoformat()}T08:00")
            case "signature" | "photo":
                if signature:
                    out[q.key] = Answer(attachments=(signature,))
            case "choice":
                out[q.key] = Answer(text=q.options[0].value)
            case "gas_readings":
                pass
            case _:
                out[q.key] = Answer(text=person)
    return out
