"""What the inspections screens write, on top of the form engine in ``services.forms``.

The screens hold answers as ``AnswerData`` (the same shape the queries return); this module turns them
into the engine's types, checks photos before they enter the attachment store (which keeps files
forever), and plans what completing a form will create so the user can confirm it first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from safetydesk.core.db.tables import areas, equipment, people
from safetydesk.core.errors import ValidationError
from safetydesk.core.forms.schema import (
    AnswerValue,
    FormTemplate,
    GasRow,
    Question,
    Score,
    Text,
    score_answers,
)
from safetydesk.core.i18n import N_
from safetydesk.core.queries.inspections import (
    GAS_STORAGE,
    AnswerData,
    GasRowData,
    code_origin,
    next_template_version,
    template_detail,
)
from safetydesk.core.services import attachments, forms, records
from safetydesk.core.services.base import Changes, transaction
from safetydesk.core.services.records import Created
from safetydesk.core.workspace.workspace import Workspace

MAX_PHOTO_MB = 25
MAX_PHOTO_BYTES = MAX_PHOTO_MB * 1024 * 1024
USER_PREFIX = "user."
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    name: str
    size: int


@dataclass(frozen=True)
class PlannedFinding:
    """A finding (and its corrective action) that completing the form will open."""

    question_key: str
    text: Text
    severity: str
    due_on: str
    photos: int


@dataclass(frozen=True)
class CompletionPlan:
    score: Score
    planned: tuple[PlannedFinding, ...]

    @property
    def ready(self) -> bool:
        return not self.score.unanswered_required and not self.score.photo_required_missing


# -- files -----------------------------------------------------------------------------------------


def store_photo(ws: Workspace, path: Path, *, actor: str | None = None) -> StoredFile:
    """Put a photo into the attachment store: checked (format, 40 MB, 100 megapixels), turned upright
    and downscaled for storage (``attachments.store_photo``). An answer refers to the stored copy only,
    so the original is not kept here (it would be linked to nothing)."""
    size = path.stat().st_size
    with transaction(ws, actor) as tx:
        photo = attachments.store_photo(tx, path, keep_original=False)
    return StoredFile(photo.sha256, path.name, size)


def store_signature(ws: Workspace, png: bytes, *, actor: str | None = None) -> str:
    """Store a signature drawn on the pad (PNG bytes); returns its SHA-256."""
    if not png.startswith(PNG_MAGIC):
        raise ValueError("a drawn signature must be PNG data")
    with transaction(ws, actor) as tx:
        return attachments.store_bytes(tx, png, mime="image/png", name="signature.png")


# -- answers ---------------------------------------------------------------------------------------


def to_answer_values(
    template: FormTemplate, answers: Mapping[str, AnswerData], gas: Sequence[GasRowData] = ()
) -> dict[str, AnswerValue]:
    """The engine's view of the answers (as ``complete_form`` reads them back after saving)."""
    out = {
        key: AnswerValue(
            result=a.result,
            number=a.number,
            text=a.text,
            attachments=a.attachments,
            values=a.values,
        )
        for key, a in answers.items()
    }
    if gas:
        for _section, question in template.questions():
            if question.type != "gas_readings":
                continue
            keys = [c.key for c in question.columns if c.key in GAS_STORAGE]
            out[question.key] = AnswerValue(
                attachments=out[question.key].attachments if question.key in out else (),
                rows=tuple(
                    GasRow.of({k: row.value(k) for k in keys}, taken_at=row.measured_at) for row in gas
                ),
            )
    return out


def score(template: FormTemplate, answers: Mapping[str, AnswerData], gas: Sequence[GasRowData] = ()) -> Score:
    return score_answers(template, to_answer_values(template, answers, gas))


def _severity(question: Question) -> str:
    for rule in question.rules:
        if rule.severity:
            return rule.severity
    return "medium"


def plan_completion(
    template: FormTemplate,
    answers: Mapping[str, AnswerData],
    gas: Sequence[GasRowData] = (),
    *,
    on: date | None = None,
) -> CompletionPlan:
    """What ``complete_form`` will find missing or create, computed without writing anything."""
    on = on or date.today()
    result = score(template, answers, gas)
    planned = []
    for key in result.findings_to_create:
        question = template.question(key)
        severity = _severity(question)
        due = on + timedelta(days=forms.SEVERITY_DUE_DAYS.get(severity, 30))
        planned.append(
            PlannedFinding(
                question_key=key,
                text=question.text,
                severity=severity,
                due_on=due.isoformat(),
                photos=len(answers[key].attachments) if key in answers else 0,
            )
        )
    return CompletionPlan(result, tuple(planned))


def _engine_answers(answers: Mapping[str, AnswerData]) -> dict[str, forms.Answer]:
    return {
        key: forms.Answer(
            result=a.result,
            number=a.number,
            text=a.text.strip() if a.text and a.text.strip() else None,
            note=a.note.strip() if a.note and a.note.strip() else None,
            attachments=a.attachments,
            values=a.values,
        )
        for key, a in answers.items()
    }


def _engine_gas(gas: Sequence[GasRowData]) -> list[forms.GasReading]:
    return [
        forms.GasReading(
            measured_at=row.measured_at,
            location=row.location or None,
            measured_by=row.measured_by or None,
            o2_pct=row.value("o2"),
            h2s_ppm=row.value("h2s"),
            co_ppm=row.value("co"),
            lel_pct=row.value("lel"),
        )
        for row in gas
    ]


# -- records ---------------------------------------------------------------------------------------


def start_record(
    ws: Workspace,
    template_id: str,
    *,
    performed_on: date | str,
    area_id: str | None = None,
    equipment_id: str | None = None,
    performed_by_name: str | None = None,
    actor: str | None = None,
) -> Created:
    """Start a draft; the site comes from the area and the person is linked when the name is known."""
    detail = template_detail(ws, template_id)
    kinds = tuple(detail.body.get("equipment_kinds", ()))
    values: dict[str, Any] = {}
    with ws.reader() as conn:
        machine = None
        if equipment_id:
            machine = (
                conn.execute(
                    select(equipment.c.kind, equipment.c.area_id, equipment.c.site_id).where(
                        equipment.c.id == equipment_id
                    )
                )
                .mappings()
                .one()
            )
            if kinds and machine["kind"] not in kinds:
                raise ValidationError(
                    N_("This check is for {kinds}; the chosen equipment is a {kind}."),
                    N_("Choose equipment of a matching kind, or another check."),
                    kinds=", ".join(kinds),
                    kind=machine["kind"],
                )
            values["site_id"] = machine["site_id"]
            area_id = area_id or machine["area_id"]
        elif detail.kind == "prework_check":
            raise ValidationError(
                N_("A pre-work check is made for one machine."),
                N_("Choose the equipment to be checked."),
            )
        if area_id:
            values["site_id"] = conn.execute(
                select(areas.c.site_id).where(areas.c.id == area_id)
            ).scalar_one()
        name = (performed_by_name or "").strip()
        if name:
            matches = (
                conn.execute(
                    select(people.c.id).where(
                        people.c.name == name, people.c.deleted_at.is_(None), people.c.left_on.is_(None)
                    )
                )
                .scalars()
                .all()
            )
            if len(matches) == 1:
                values["performed_by_id"] = matches[0]
    return forms.start_form(
        ws,
        template_id,
        performed_on=performed_on,
        actor=actor,
        area_id=area_id,
        equipment_id=equipment_id,
        performed_by_name=name or None,
        **values,
    )


def save_draft(
    ws: Workspace,
    record_id: str,
    answers: Mapping[str, AnswerData],
    gas: Sequence[GasRowData] | None = None,
    header: Mapping[str, Any] | None = None,
    *,
    actor: str | None = None,
) -> Changes:
    return forms.save_answers(
        ws,
        record_id,
        _engine_answers(answers),
        gas=None if gas is None else _engine_gas(gas),
        header=header,
        actor=actor,
    )


def complete_record(
    ws: Workspace,
    record_id: str,
    answers: Mapping[str, AnswerData],
    gas: Sequence[GasRowData] | None = None,
    header: Mapping[str, Any] | None = None,
    *,
    owner_name: str | None = None,
    on: date | None = None,
    actor: str | None = None,
) -> forms.CompletedForm:
    """Save the answers as shown, then score, lock and open findings/actions for failed items."""
    save_draft(ws, record_id, answers, gas, header, actor=actor)
    return forms.complete_form(
        ws, record_id, on=on, actor=actor, owner_name=(owner_name or "").strip() or None
    )


def revise_record(ws: Workspace, record_id: str, reason: str, *, actor: str | None = None) -> Created:
    if not reason.strip():
        raise ValidationError(
            N_("Say why the record is being revised."),
            N_("The reason is kept with the revision as evidence."),
        )
    return records.revise(ws, "form_records", record_id, reason=reason.strip(), actor=actor)


# -- templates -------------------------------------------------------------------------------------


def user_copy(ws: Workspace, template_id: str) -> dict[str, Any]:
    """The body of a new user template copied from ``template_id``: code ``user.<code>``, next version."""
    detail = template_detail(ws, template_id)
    body = dict(detail.body)
    code = detail.code if detail.code.startswith(USER_PREFIX) else f"{USER_PREFIX}{detail.code}"
    body["code"] = code
    body["version"] = next_template_version(ws, code)
    return body


def save_template(
    ws: Workspace, data: Mapping[str, Any], *, copied_from: str | None = None, actor: str | None = None
) -> Created:
    """Save an edited template as the next version of its code; shipped codes stay the library's."""
    code = str(data.get("code", ""))
    if code_origin(ws, code) == "shipped":
        raise ValidationError(
            N_("The code {code} belongs to a shipped template."),
            N_("Give your template its own code, for example {suggestion}."),
            code=code,
            suggestion=f"{USER_PREFIX}{code}",
        )
    body = {**data, "version": next_template_version(ws, code)}
    return forms.save_user_template(ws, body, copied_from=copied_from, actor=actor)
