"""Completed forms through one generic renderer: inspections, pre-work checks, permits, TBM minutes, …

The template says what the record holds, so a new template prints without new report code: a
header from the record, one table per section (failed answers highlighted), gas logs as tables,
photo and signature answers as pictures, then the findings with their actions and the signatures.
"""

from __future__ import annotations

import functools
from datetime import date

from sqlalchemy import select

from safetydesk.core.db.tables import form_records, form_templates
from safetydesk.core.forms.schema import AnswerValue, FormTemplate, GasRow, Question, judge_answer
from safetydesk.core.i18n import N_, _
from safetydesk.core.labels import label
from safetydesk.core.queries.inspections import AnswerData, FormRecordView, GasRowData, load_form_record
from safetydesk.core.reports import fmt
from safetydesk.core.reports.context import ReportRequest
from safetydesk.core.reports.kind import ReportKind
from safetydesk.core.reports.model import (
    Block,
    Cell,
    Deferred,
    Fields,
    Heading,
    PageBreak,
    Para,
    PhotoRef,
    Photos,
    Report,
    Signatures,
    Table,
    Tone,
)
from safetydesk.core.workspace.workspace import Workspace

FORM_TITLES = {
    "inspection": N_("Inspection report"),
    "prework_check": N_("Pre-work inspection report"),
    "permit": N_("Work permit"),
    "tbm": N_("TBM minutes"),
    "drill": N_("Drill record"),
    "minutes": N_("Minutes"),
    "evaluation": N_("Evaluation"),
}
OUTCOME = {"pass": N_("Pass"), "fail": N_("Fail"), "na": N_("N/A")}
MAX_PHOTOS_PER_FORM = 40  # more than this is an evidence dump, not a report: the rest are listed


def _answer_value(answer: AnswerData) -> AnswerValue:
    return AnswerValue(
        result=answer.result,
        number=answer.number,
        text=answer.text,
        attachments=answer.attachments,
        values=answer.values,
    )


def _gas_rows(view: FormRecordView) -> tuple[GasRow, ...]:
    return tuple(GasRow(g.values, g.measured_at) for g in view.gas)


def _limits(question: Question) -> str:
    low, high = question.min, question.max
    unit = question.unit or ""
    if low is not None and high is not None:
        return f"{fmt.number(low)}–{fmt.number(high)} {unit}".strip()
    if low is not None:
        return f"≥ {fmt.number(low)} {unit}".strip()
    if high is not None:
        return f"{'<' if question.max_exclusive else '≤'} {fmt.number(high)} {unit}".strip()
    return ""


ANSWER_WORDS = {"yes": N_("Yes"), "no": N_("No")}


def _answer_text(question: Question, answer: AnswerData | None, lang: str) -> str:
    """What was entered, in words; a ticked pass/fail/N-A shows only in the result column."""
    t = fmt.translator(lang)
    if answer is None or answer.result == "na":
        return ""
    match question.type:
        case "yes_no_na":
            word = ANSWER_WORDS.get(answer.result or "")
            return t(word) if word else ""
        case "number":
            return fmt.number(answer.number, question.unit)
        case "choice":
            chosen = answer.values or ((answer.text,) if answer.text else ())
            by_value = {o.value: o.label.get(lang) for o in question.options}
            return ", ".join(by_value.get(v, v) for v in chosen if v)
        case "people":
            return fmt.names(answer.values or ((answer.text,) if answer.text else ()))
        case "datetime":
            if answer.text and answer.text.endswith("Z"):
                return fmt.moment(answer.text)
            return (answer.text or "").replace("T", " ")[:16]
        case "signature":
            return t(N_("signed (see Signatures)")) if answer.attachments else ""
        case "photo":
            n = len(answer.attachments)
            return t(N_("{n} photo(s), below")).format(n=n) if n else ""
        case "gas_readings":
            return t(N_("see the gas log below"))
        case _:
            return answer.text or ""


def _outcome(question: Question, answer: AnswerData | None, gas: tuple[GasRow, ...]) -> str | None:
    if answer is None and question.type != "gas_readings":
        return None
    value = _answer_value(answer) if answer else AnswerValue()
    if question.type == "gas_readings":
        value = AnswerValue(result=answer.result if answer else None, rows=gas)
    return judge_answer(question, value)


def _gas_table(question: Question, rows: tuple[GasRowData, ...], lang: str) -> Table:
    headers = (
        _(N_("Measured at"), lang),
        _(N_("Location"), lang),
        _(N_("Measured by"), lang),
        *(f"{c.label.get(lang)} ({c.unit})" for c in question.columns),
    )
    body: list[tuple[str | Cell, ...]] = []
    tones: list[Tone] = []
    for row in rows:
        cells: list[str | Cell] = [fmt.moment(row.measured_at), row.location or "", row.measured_by or ""]
        bad = False
        for column in question.columns:
            value = row.value(column.key)
            if value is None:
                cells.append(Cell("—", align="centre"))
            elif column.within(value):
                cells.append(Cell(fmt.number(value), align="right"))
            else:
                bad = True
                cells.append(Cell(fmt.number(value) + " ▲", tone="bad", bold=True, align="right"))
        body.append(tuple(cells))
        tones.append("warn" if bad else None)
    limits = ", ".join(
        f"{c.label.get(lang)} {_limits_of_column(c.min, c.max, c.max_exclusive)} {c.unit}".strip()
        for c in question.columns
    )
    return Table(
        headers=headers,
        rows=tuple(body),
        widths=(1.6, 1.6, 1.2, *(1.0 for _ in question.columns)),
        tones=tuple(tones),
        empty_text=_(N_("No readings recorded."), lang) + (f" ({limits})" if limits else ""),
    )


def _limits_of_column(low: float | None, high: float | None, exclusive: bool) -> str:
    if low is not None and high is not None:
        return f"{fmt.number(low)}–{'<' if exclusive else ''}{fmt.number(high)}"
    if low is not None:
        return f"≥ {fmt.number(low)}"
    if high is not None:
        return f"{'<' if exclusive else '≤'} {fmt.number(high)}"
    return ""


def form_title(template: FormTemplate, lang: str) -> str:
    return template.title.get(lang)


def form_blocks(view: FormRecordView, lang: str) -> list[Block]:
    """The blocks of one completed (or draft) form; used alone and in the period bundle."""
    t = fmt.translator(lang)
    template = view.template
    blocks: list[Block] = []
    status = label(view.status, lang)
    if not view.locked:
        blocks.append(Para(t(N_("DRAFT — this record is not completed and may still change.")), "bad"))
    header: list[tuple[str, str]] = [
        (t(N_("Form")), f"{template.title.get(lang)} (v{template.version})"),
        (t(N_("Date")), fmt.day(view.performed_on)),
        (t(N_("Area")), view.area_name or "—"),
        (t(N_("Equipment")), view.equipment_label or "—"),
        (t(N_("Performed by")), view.performed_by_name or "—"),
        (t(N_("Status")), status + (f" · {fmt.moment(view.completed_at)}" if view.completed_at else "")),
    ]
    scored = [q for _, q in template.questions() if q.scored]
    if scored:
        header.append((t(N_("Score")), fmt.percent(view.score_percent) or "—"))
        header.append((t(N_("Failed items")), str(view.failed_count)))
    if view.revision_no > 1:
        header.append((t(N_("Revision")), str(view.revision_no)))
    for key, value in view.header.items():
        if isinstance(value, str | int | float) and str(value).strip():
            header.append((key.replace("_", " ").capitalize(), str(value)))
    blocks.append(Fields(tuple(header)))
    if template.legal_basis:
        blocks.append(Para(f"{t(N_('Legal basis'))}: {template.legal_basis.get(lang)}", "note"))
    gas = _gas_rows(view)
    photos: list[PhotoRef] = []
    signed: list[PhotoRef] = []
    gas_tables: list[tuple[str, Table]] = []
    for section in template.sections:
        blocks.append(Heading(section.title.get(lang), 2))
        rows: list[tuple[str | Cell, ...]] = []
        tones: list[Tone] = []
        for number, question in enumerate(section.questions, start=1):
            answer = view.answers.get(question.key)
            outcome = _outcome(question, answer, gas)
            text = question.text.get(lang)
            if question.legal_ref:
                text += f"\n[{question.legal_ref}]"
            limits = _limits(question) if question.type == "number" else ""
            if limits:
                text += f"\n({t(N_('limit'))} {limits})"
            result = t(OUTCOME[outcome]) if outcome else ""
            note = answer.note if answer and answer.note else ""
            rows.append(
                (
                    Cell(str(number), align="centre"),
                    text,
                    _answer_text(question, answer, lang),
                    Cell(result, bold=outcome == "fail", align="centre"),
                    note,
                )
            )
            tones.append("bad" if outcome == "fail" else ("muted" if outcome == "na" else None))
            if question.type == "gas_readings":
                gas_tables.append((question.text.get(lang), _gas_table(question, view.gas, lang)))
            if answer:
                for i, sha in enumerate(answer.attachments, start=1):
                    caption = f"{section.title.get(lang)} · {number}. {question.text.get(lang)}"
                    if len(answer.attachments) > 1:
                        caption += f" ({i})"
                    (signed if question.type == "signature" else photos).append(PhotoRef(sha, caption))
        blocks.append(
            Table(
                headers=(
                    t(N_("No.")),
                    t(N_("Item")),
                    t(N_("Recorded value")),
                    t(N_("Result")),
                    t(N_("Note")),
                ),
                rows=tuple(rows),
                widths=(0.5, 6.0, 2.4, 1.1, 2.6),
                tones=tuple(tones),
                font_size=8,
            )
        )
    for title, table in gas_tables:
        blocks.append(Heading(f"{t(N_('Gas log'))}: {title}", 2))
        blocks.append(table)
    if view.findings:
        blocks.append(Heading(t(N_("Findings and corrective actions"))))
        rows = []
        tones = []
        for f in view.findings:
            rows.append(
                (
                    f.description,
                    Cell(label(f.severity, lang), align="centre"),
                    f.action_title or t(N_("(no action yet)")),
                    f.owner_name or "",
                    Cell(fmt.day(f.due_on), align="centre"),
                    Cell(label(f.action_status or f.status, lang), align="centre"),
                )
            )
            tones.append("warn" if f.severity == "high" else None)
        blocks.append(
            Table(
                headers=(
                    t(N_("Finding")),
                    t(N_("Severity")),
                    t(N_("Corrective action")),
                    t(N_("Owner")),
                    t(N_("Due")),
                    t(N_("Status")),
                ),
                rows=tuple(rows),
                widths=(4.0, 1.1, 3.6, 1.5, 1.5, 1.3),
                tones=tuple(tones),
            )
        )
    if photos:
        blocks.append(Heading(t(N_("Photos"))))
        shown = photos[:MAX_PHOTOS_PER_FORM]
        blocks.append(Photos(tuple(shown)))
        if len(photos) > len(shown):
            blocks.append(
                Para(
                    t(N_("{n} more photos are kept with the record in the workspace.")).format(
                        n=len(photos) - len(shown)
                    ),
                    "note",
                )
            )
    blocks.append(Heading(t(N_("Signatures"))))
    # the first signature captured on the form goes in the performer's box; any others print small
    if len(signed) > 1:
        blocks.append(Photos(tuple(signed[1:]), columns=3, max_height_mm=22))
    blocks.append(
        Signatures(
            (
                (t(N_("Performed by")), view.performed_by_name or ""),
                (t(N_("Supervisor")), ""),
                (t(N_("Safety manager")), ""),
            ),
            images=(signed[0].sha256,) if signed else (),
        )
    )
    return blocks


def build_form(ws: Workspace, request: ReportRequest) -> Report:
    assert request.record_id is not None
    view = load_form_record(ws, request.record_id)
    lang = request.lang
    kind_title = _(FORM_TITLES.get(view.kind, N_("Form record")), lang)
    return Report(
        kind="form",
        title=view.template.title.get(lang),
        lang=lang,
        blocks=tuple(form_blocks(view, lang)),
        record=("form_records", view.id),
        subtitle=" · ".join(
            p
            for p in (
                kind_title,
                fmt.day(view.performed_on),
                view.area_name or "",
                view.equipment_label or "",
            )
            if p
        ),
        file_stem=f"{view.template.code}_{fmt.day(view.performed_on)}",
    )


def _ids_in_period(ws: Workspace, kinds: tuple[str, ...], start: date | None, end: date | None) -> list[str]:
    query = (
        select(form_records.c.id)
        .select_from(form_records.join(form_templates, form_templates.c.id == form_records.c.template_id))
        .where(
            form_records.c.deleted_at.is_(None),
            form_records.c.status == "completed",
            form_templates.c.kind.in_(kinds),
        )
        .order_by(form_records.c.performed_on, form_records.c.id)
    )
    if start:
        query = query.where(form_records.c.performed_on >= start.isoformat())
    if end:
        query = query.where(form_records.c.performed_on <= end.isoformat())
    with ws.reader() as conn:
        return [str(i) for i in conn.execute(query).scalars()]


def _bundle_entry(ws: Workspace, record_id: str, number: int, lang: str) -> list[Block]:
    """One record of the binder, read only when the renderer reaches it (memory stays flat)."""
    view = load_form_record(ws, record_id)
    t = fmt.translator(lang)
    return [
        Heading(
            f"{number}. {view.template.title.get(lang)} — {fmt.day(view.performed_on)} · {view.area_name or ''}"
        ),
        Para(f"{t(N_('Record'))} {view.id}", "note"),
        *form_blocks(view, lang),
    ]


def build_inspections_bundle(ws: Workspace, request: ReportRequest) -> Report:
    """Every completed inspection and pre-work check of a period, one after another (an audit binder)."""
    lang = request.lang
    t = fmt.translator(lang)
    ids = _ids_in_period(ws, ("inspection", "prework_check"), request.date_from, request.date_to)
    blocks: list[Block] = [
        Fields(
            (
                (t(N_("Period")), fmt.period(request.date_from, request.date_to) or t(N_("All records"))),
                (t(N_("Reports")), str(len(ids))),
            )
        )
    ]
    if not ids:
        blocks.append(Para(t(N_("No completed inspections in this period.")), "note"))
    for i, record_id in enumerate(ids):
        blocks.append(PageBreak())
        blocks.append(Deferred(functools.partial(_bundle_entry, ws, record_id, i + 1, lang)))
    return Report(
        kind="inspections",
        title=t(N_("Inspection reports")),
        lang=lang,
        blocks=tuple(blocks),
        record=None,
        subtitle=fmt.period(request.date_from, request.date_to),
        file_stem="inspections",
    )


KINDS = (
    ReportKind(
        "form",
        N_("Completed form (any template)"),
        "record",
        build_form,
        entity="form_records",
        description=N_("Any completed form through the generic renderer"),
    ),
    ReportKind(
        "inspection",
        N_("Inspection report"),
        "record",
        build_form,
        entity="form_records",
        description=N_("Header, every answer, failed items, photos, findings and actions, signatures"),
    ),
    ReportKind(
        "tbm",
        N_("TBM minutes"),
        "record",
        build_form,
        entity="form_records",
        description=N_("Tool-box meeting minutes from the TBM form"),
    ),
    ReportKind(
        "permit",
        N_("Work permit"),
        "record",
        build_form,
        entity="form_records",
        description=N_("Hot-work or confined-space permit, with the gas log"),
    ),
    ReportKind(
        "inspections",
        N_("Inspection reports for a period"),
        "period",
        build_inspections_bundle,
        description=N_("Every completed inspection of the period in one PDF"),
    ),
)
