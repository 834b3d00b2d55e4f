"""Emergency manual versions and drills (DOMAIN.md §3, SAPA Decree Art. 4-8, Safety Rules Art. 640).

An approved manual is locked evidence (kept 5 years); changing it means a new version that points at the
old one. A drill is planned, then run with a stopwatch; finishing it stores the timings and the roll call
and opens a draft drill-record form (the shipped ``drill.record`` template) pre-filled with them, so the
officer only adds the sign-off there. The roll call lives in that form's ``header`` JSON because the
``drills`` table has no column for it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from safetydesk.core.db.tables import form_templates
from safetydesk.core.errors import RecordLockedError, ValidationError
from safetydesk.core.i18n import N_
from safetydesk.core.queries.emergency import DRILL_TYPES, MANUAL_SECTIONS, REQUIRED_SECTIONS
from safetydesk.core.services.base import Changes, Tx, transaction
from safetydesk.core.services.incidents import ActionInput, add_action_in
from safetydesk.core.services.records import Created, complete_in, retention_until
from safetydesk.core.workspace.workspace import Workspace

DRILL_TEMPLATE = "drill.record"


@dataclass(frozen=True)
class ManualInput:
    title: str
    version_label: str
    sections: Mapping[str, str]
    posted_on: date | None = None


@dataclass(frozen=True)
class DrillPlan:
    drill_type: str
    planned_on: date
    area_id: str | None = None
    scenario: str | None = None
    headcount_expected: int | None = None


@dataclass(frozen=True)
class RollCallEntry:
    person_id: str
    name: str
    present: bool


@dataclass(frozen=True)
class DrillResult:
    started_at: datetime  # timezone-aware
    seconds_to_alarm: int | None
    seconds_to_evacuate: int | None  # from the alarm (or the start, if no alarm was sounded)
    headcount_expected: int | None
    headcount_actual: int | None
    observations: str = ""
    roll_call: tuple[RollCallEntry, ...] = ()
    place: str | None = None


def _text(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


# -- manual -----------------------------------------------------------------------------------------


def _manual_values(data: ManualInput) -> dict[str, Any]:
    title = _text(data.title)
    label = _text(data.version_label)
    if title is None or label is None:
        raise ValidationError(
            N_("The manual needs a title and a version."), N_("Fill in both, then save again.")
        )
    unknown = set(data.sections) - set(MANUAL_SECTIONS)
    if unknown:
        raise ValueError(f"unknown manual sections {sorted(unknown)}")
    return {
        "title": title,
        "version_label": label,
        "sections": {key: str(data.sections.get(key) or "") for key in MANUAL_SECTIONS},
        "posted_on": data.posted_on,
    }


def save_manual(
    ws: Workspace, manual_id: str | None, data: ManualInput, *, actor: str | None = None
) -> Created:
    values = _manual_values(data)
    with transaction(ws, actor) as tx:
        if manual_id is None:
            manual_id = tx.insert("emergency_manuals", values)
        else:
            tx.update("emergency_manuals", manual_id, values)
        changes = tx.finish()
    return Created(manual_id, changes)


def approve_manual(
    ws: Workspace, manual_id: str, *, approved_by: str, approved_on: date, actor: str | None = None
) -> Changes:
    """Approve and lock. The three Decree 4-8 parts must be written before anyone signs it."""
    if _text(approved_by) is None:
        raise ValidationError(N_("Who approves the manual?"), N_("Enter the approver's name."))
    with transaction(ws, actor) as tx:
        row = tx.get("emergency_manuals", manual_id)
        sections = row.get("sections") or {}
        empty = [key for key in REQUIRED_SECTIONS if not str(sections.get(key) or "").strip()]
        if empty:
            raise ValidationError(
                N_("The manual lacks parts SAPA Decree Art. 4-8 requires: {parts}."),
                N_(
                    "Write what to do in each part (가 stop work and evacuate, 나 rescue, 다 prevent further damage)."
                ),
                parts=", ".join({"ga": "가", "na": "나", "da": "다"}[k] for k in empty),
            )
        tx.update(
            "emergency_manuals",
            manual_id,
            {"approved_by": approved_by.strip(), "approved_on": approved_on, "status": "completed"},
        )
        complete_in(tx, "emergency_manuals", manual_id, approved_on)
        return tx.finish()


def next_version_label(label: str) -> str:
    """1.0 → 1.1, v3 → v4, 2026-1 → 2026-2; anything else gets ".1" appended."""
    match = re.search(r"(\d+)(\D*)$", label)
    if match is None:
        return f"{label}.1"
    number = int(match.group(1)) + 1
    return f"{label[: match.start(1)]}{number}{match.group(2)}"


def revise_manual(ws: Workspace, manual_id: str, *, reason: str, actor: str | None = None) -> Created:
    """A new draft version of an approved manual, pointing at it; the approved one stays as evidence."""
    if _text(reason) is None:
        raise ValidationError(
            N_("Say why the manual is being revised."), N_("For example: new line, drill findings.")
        )
    with transaction(ws, actor) as tx:
        original = tx.get("emergency_manuals", manual_id)
        if not original.get("locked_at"):
            raise RecordLockedError(
                N_("Only completed records are revised; this one is still a draft."),
                N_("Edit the draft directly."),
            )
        new = tx.insert(
            "emergency_manuals",
            {
                "title": original["title"],
                "version_label": next_version_label(str(original["version_label"])),
                "sections": dict(original.get("sections") or {}),
                "status": "draft",
                "revision_of": manual_id,
                "revision_no": int(original["revision_no"]) + 1,
            },
            summary=f"revision of {manual_id}: {reason.strip()}",
        )
        changes = tx.finish()
    return Created(new, changes)


# -- drills -----------------------------------------------------------------------------------------


def _check_planned(row: Mapping[str, Any]) -> None:
    if row["status"] != "planned":
        raise RecordLockedError(
            N_("This drill was already carried out; its record cannot be changed."),
            N_("Plan a new drill, or add corrective actions to this one."),
        )


def plan_drill(ws: Workspace, drill_id: str | None, plan: DrillPlan, *, actor: str | None = None) -> Created:
    if plan.drill_type not in DRILL_TYPES:
        raise ValueError(f"unknown drill type {plan.drill_type!r}")
    if plan.headcount_expected is not None and plan.headcount_expected < 0:
        raise ValidationError(N_("People counts cannot be negative."), N_("Enter 0 or more."))
    values: dict[str, Any] = {
        "drill_type": plan.drill_type,
        "planned_on": plan.planned_on,
        "area_id": plan.area_id,
        "scenario": _text(plan.scenario),
        "headcount_expected": plan.headcount_expected,
    }
    with transaction(ws, actor) as tx:
        if drill_id is None:
            drill_id = tx.insert("drills", {**values, "status": "planned"})
        else:
            _check_planned(tx.get("drills", drill_id))
            tx.update("drills", drill_id, values)
        changes = tx.finish()
    return Created(drill_id, changes)


def _drill_template_id(tx: Tx) -> str | None:
    value = tx.conn.execute(
        select(form_templates.c.id)
        .where(form_templates.c.code == DRILL_TEMPLATE, form_templates.c.deleted_at.is_(None))
        .order_by(form_templates.c.version.desc())
        .limit(1)
    ).scalar()
    return str(value) if value else None


def _answers(
    drill: Mapping[str, Any], result: DrillResult, present: Sequence[RollCallEntry]
) -> list[dict[str, Any]]:
    """Pre-filled drill-record answers; the sign-off questions are left to the person."""
    local = result.started_at.astimezone()
    rows: list[dict[str, Any]] = [
        {"question_key": "started_at", "value_text": local.strftime("%Y-%m-%dT%H:%M")},
        {"question_key": "drill_type", "value_text": drill["drill_type"]},
    ]
    if result.place:
        rows.append({"question_key": "place", "value_text": result.place})
    if drill.get("scenario"):
        rows.append({"question_key": "scenario", "value_text": drill["scenario"]})
    if present:
        rows.append(
            {
                "question_key": "participants",
                "value_list": [p.person_id for p in present],
                "value_text": ", ".join(p.name for p in present),
            }
        )
    numbers = {
        "seconds_to_alarm": result.seconds_to_alarm,
        "seconds_to_evacuate": result.seconds_to_evacuate,
        "headcount_expected": result.headcount_expected,
        "headcount_actual": result.headcount_actual,
    }
    rows += [{"question_key": k, "value_num": float(v)} for k, v in numbers.items() if v is not None]
    if result.headcount_expected is not None and result.headcount_actual is not None:
        ok = result.headcount_actual >= result.headcount_expected
        rows.append({"question_key": "headcount_complete", "result": "pass" if ok else "fail"})
    if _text(result.observations):
        rows.append({"question_key": "problems_found", "value_text": result.observations.strip()})
    keys = ("result", "value_num", "value_text", "value_list", "note", "attachments")
    return [{"question_key": r["question_key"], **{k: r.get(k) for k in keys}} for r in rows]


def finish_drill(ws: Workspace, drill_id: str, result: DrillResult, *, actor: str | None = None) -> Changes:
    """Record the run: timings, headcount, observations; status done; a draft drill-record form."""
    if result.started_at.tzinfo is None:
        raise ValueError("started_at must be timezone-aware")
    counts = (
        result.seconds_to_alarm,
        result.seconds_to_evacuate,
        result.headcount_expected,
        result.headcount_actual,
    )
    if any(v is not None and v < 0 for v in counts):
        raise ValidationError(N_("Times and people counts cannot be negative."), N_("Enter 0 or more."))
    with transaction(ws, actor) as tx:
        drill = tx.get("drills", drill_id)
        _check_planned(drill)
        performed_on = result.started_at.astimezone().date()
        present = [p for p in result.roll_call if p.present]
        values: dict[str, Any] = {
            "status": "done",
            "performed_at": result.started_at,
            "seconds_to_alarm": result.seconds_to_alarm,
            "seconds_to_evacuate": result.seconds_to_evacuate,
            "headcount_expected": result.headcount_expected,
            "headcount_actual": result.headcount_actual,
            "observations": _text(result.observations),
            "retention_until": retention_until("drills", performed_on),
        }
        template_id = _drill_template_id(tx)
        if template_id is not None:
            form_id = tx.insert(
                "form_records",
                {
                    "template_id": template_id,
                    "kind": "drill",
                    "area_id": drill.get("area_id"),
                    "performed_on": performed_on,
                    "header": {
                        "drill_id": drill_id,
                        "roll_call": [
                            {"person_id": p.person_id, "name": p.name, "present": p.present}
                            for p in result.roll_call
                        ],
                    },
                },
                summary="drill record started from the drill run",
            )
            tx.set_children("form_records", form_id, "form_answers", _answers(drill, result, present))
            values["form_record_id"] = form_id
        tx.update("drills", drill_id, values, summary="drill carried out")
        return tx.finish()


def add_drill_action(
    ws: Workspace, drill_id: str, action: ActionInput, *, actor: str | None = None
) -> Created:
    """A corrective action from a drill observation (feeds the SAPA 4-8 half-yearly check)."""
    with transaction(ws, actor) as tx:
        drill = tx.get("drills", drill_id)
        new = add_action_in(
            tx,
            source_kind="drill",
            source_id=drill_id,
            action=action,
            area_id=drill.get("area_id"),
            found_on=date.today(),
        )
        changes = tx.finish()
    return Created(new, changes)
