"""The evidence binder: one PDF that shows, for a period, that the SAPA safety system ran (issue 6).

Cover, table of contents, a status overview, one section per duty (SAPA Enforcement Decree Art. 4
①–⑨ and Art. 5② 1–4) with its status per half-year, gaps, the half-yearly check and the evidence
records, a cross-reference to ISO 45001 clauses 4–10 and an index of every record with its
verification code and page. Statuses come from the compliance engine (never typed in); the key
documents are drawn by the other report kinds' builders, one record at a time (``Deferred``), and
high-volume records (daily checks, TBMs, actions) as a register with one row per record.

Page numbers in the contents and the index are page references (``Cell.page_of``) that the renderer
fills in once the last page is out, so the binder is laid out in a single pass.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache
from typing import Literal

from sqlalchemy import func, select, tuple_

from safetydesk.core.audit.chain import verification_code
from safetydesk.core.audit.codes import format_code, head_code
from safetydesk.core.compliance.model import ComplianceReport, DutyStatus, Evidence, Status
from safetydesk.core.db.tables import audit_events
from safetydesk.core.domain.legal import HalfYear
from safetydesk.core.errors import UserError
from safetydesk.core.i18n import N_
from safetydesk.core.reports import fmt
from safetydesk.core.reports.context import ReportRequest, letterhead
from safetydesk.core.reports.kind import ReportKind
from safetydesk.core.reports.model import (
    Block,
    Cell,
    CellValue,
    Deferred,
    Fields,
    Heading,
    PageBreak,
    Para,
    Report,
    Spacer,
    Table,
    Tone,
    Turn,
)
from safetydesk.core.resources import resource_path
from safetydesk.core.workspace.workspace import Workspace

ComplianceFor = Callable[[Workspace, HalfYear, date], ComplianceReport]

STATUS_LABELS: dict[Status, str] = {
    Status.MET: N_("Met"),
    Status.PARTLY: N_("Partly met"),
    Status.MISSING: N_("Missing"),
    Status.NOT_APPLICABLE: N_("Not applicable"),
}
CENTRE: Literal["centre"] = "centre"
STATUS_TONES: dict[Status, Tone] = {
    Status.MET: "good",
    Status.PARTLY: "warn",
    Status.MISSING: "bad",
    Status.NOT_APPLICABLE: "muted",
}

# Evidence drawn in full by another report kind's builder (the key documents of the system).
FULL_DOCUMENTS = {
    "policies": "policy",
    "risk_assessments": "risk-assessment",
    "emergency_manuals": "emergency-manual",
    "drills": "drill",
    "incidents": "incident",
    "trainings": "training",
}

ENTITY_LABELS: dict[str, str] = {
    "policies": N_("Safety and health policies"),
    "objectives": N_("Safety and health objectives"),
    "risk_assessments": N_("Risk assessments"),
    "risk_items": N_("Risk assessment items"),
    "budget_items": N_("Budget lines"),
    "budget_spend": N_("Budget spending"),
    "appointments": N_("Appointments"),
    "role_evaluations": N_("Evaluations of safety roles"),
    "suggestions": N_("Workers' views and responses"),
    "emergency_manuals": N_("Emergency manuals"),
    "drills": N_("Emergency drills"),
    "contractors": N_("Contractors"),
    "contractor_evaluations": N_("Contractor evaluations"),
    "compliance_checks": N_("Half-yearly checks"),
    "trainings": N_("Safety and health education"),
    "incidents": N_("Accidents and incidents"),
    "corrective_actions": N_("Corrective actions"),
    "findings": N_("Findings"),
    "form_records": N_("Checklists, TBMs and permits"),
    "people": N_("People and roles"),
    "site_headcounts": N_("Headcount history"),
}

# What a record proves (``Evidence.kind``), as the register prints it; an unknown kind prints as is.
KIND_LABELS: dict[str, str] = {
    "policy": N_("Signed policy"),
    "objective": N_("Objective"),
    "risk_assessment": N_("Assessment done"),
    "owner_report": N_("Reported to the owner"),
    "action": N_("Action taken"),
    "spend": N_("Spending"),
    "budget": N_("Budget line"),
    "appointment": N_("Appointment"),
    "moel_report": N_("Reported to the Ministry"),
    "evaluation": N_("Evaluation"),
    "suggestion": N_("View heard"),
    "response": N_("Response given"),
    "tbm": N_("TBM held"),
    "manual": N_("Manual in force"),
    "drill": N_("Drill held"),
    "contractor": N_("Contract in force"),
    "check": N_("Half-yearly check"),
    "training": N_("Education held"),
}

# The record a gap asks for (``Gap.start``), as the binder prints it; an unknown one prints as is.
START_LABELS: dict[str, str] = {
    "policy": N_("Safety and health policy"),
    "objective": N_("Objective"),
    "risk_assessment": N_("Risk assessment"),
    "action": N_("Corrective action"),
    "budget": N_("Budget line"),
    "spend": N_("Spending"),
    "appointment": N_("Appointment"),
    "role_evaluation": N_("Evaluation of a safety role"),
    "suggestion": N_("Response to a worker's view"),
    "emergency_manual": N_("Emergency manual"),
    "drill": N_("Emergency drill"),
    "contractor": N_("Contractor"),
    "contractor_evaluation": N_("Contractor evaluation"),
    "training": N_("Education"),
    "compliance_check": N_("Half-yearly check"),
    "owner_confirmation": N_("Owner's confirmation"),
}


def _t(lang: str) -> Callable[[str], str]:
    return fmt.translator(lang)


# --- ISO 45001 ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IsoClause:
    number: str
    label_ko: str
    label_en: str
    duties: tuple[str, ...]
    note_ko: str = ""
    note_en: str = ""

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_ko

    def note(self, lang: str) -> str:
        return self.note_en if lang == "en" else self.note_ko


@cache
def iso_clauses() -> tuple[IsoClause, ...]:
    """ISO 45001 clauses 4–10 and the SAPA duties that support each (``resources/legal/iso45001.toml``)."""
    with resource_path("legal", "iso45001.toml").open("rb") as fh:
        data = tomllib.load(fh)
    return tuple(
        IsoClause(
            number=str(c["number"]),
            label_ko=str(c["label_ko"]),
            label_en=str(c["label_en"]),
            duties=tuple(str(d) for d in c.get("duties", ())),
            note_ko=str(c.get("note_ko", "")),
            note_en=str(c.get("note_en", "")),
        )
        for c in data["clause"]
    )


def _clause_key(number: str) -> tuple[int, ...]:
    return tuple(int(p) for p in number.split(".") if p.isdigit())


# --- periods --------------------------------------------------------------------------------------


def half_years(start: date, end: date, today: date) -> list[HalfYear]:
    """The half-years that overlap ``start``–``end`` and have begun by ``today``."""
    out: list[HalfYear] = []
    half = HalfYear.containing(start)
    while half.start <= end and half.start <= today:
        out.append(half)
        half = half.next()
    return out


def check_period(request: ReportRequest) -> tuple[date, date]:
    start, end = request.date_from, request.date_to
    if start is None or end is None:
        raise UserError(
            N_("The evidence binder covers a period: give its first and last day."),
            N_("Use --from and --to, e.g. --from 2026-01-01 --to 2026-06-30."),
        )
    if start > end:
        raise UserError(
            N_("The period starts ({start}) after it ends ({end})."),
            N_("Swap the dates, or check the year."),
            start=start.isoformat(),
            end=end.isoformat(),
        )
    if start > request.as_of:
        raise UserError(
            N_("The period starts ({start}) after today ({today}): there is nothing to show yet."),
            N_("Choose a period that has begun."),
            start=start.isoformat(),
            today=request.as_of.isoformat(),
        )
    if (end - start).days > 366 * 10:
        raise UserError(
            N_("The period {start} – {end} is longer than ten years."),
            N_("Print the binder for a shorter period (records are kept five years)."),
            start=start.isoformat(),
            end=end.isoformat(),
        )
    return start, end


def engine_compliance(ws: Workspace, half: HalfYear, today: date) -> ComplianceReport:
    from safetydesk.core.compliance.engine import compliance

    return compliance(ws, half.code, today=today)


# --- verification codes ---------------------------------------------------------------------------


def record_codes(ws: Workspace, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The verification code (``record_code``) of many records at once: their latest audit event."""
    wanted = sorted(set(keys))
    out: dict[tuple[str, str], str] = {}
    with ws.reader() as conn:
        for i in range(0, len(wanted), 400):
            chunk = wanted[i : i + 400]
            latest = (
                select(func.max(audit_events.c.seq).label("seq"))
                .where(tuple_(audit_events.c.entity, audit_events.c.record_id).in_(chunk))
                .group_by(audit_events.c.entity, audit_events.c.record_id)
                .subquery()
            )
            rows = conn.execute(
                select(audit_events.c.entity, audit_events.c.record_id, audit_events.c.hash).where(
                    audit_events.c.seq.in_(select(latest.c.seq))
                )
            )
            for row in rows:
                out[(str(row.entity), str(row.record_id))] = verification_code(bytes(row.hash))
    return out


# --- building -------------------------------------------------------------------------------------


def duty_ref(code: str, lang: str) -> str:
    """``sapa_4_3`` → "제4조 ③" / "Art. 4 ③"; ``sapa_5_2_1`` → "제5조 ② 1호" / "Art. 5 ② 1"."""
    circled = "①②③④⑤⑥⑦⑧⑨⑩"
    parts = code.removeprefix("sapa_").split("_")
    if not all(p.isdigit() for p in parts) or not parts:
        return code
    article = f"제{parts[0]}조" if lang == "ko" else f"Art. {parts[0]}"
    rest = ""
    if len(parts) >= 2 and 1 <= int(parts[1]) <= 10:
        rest = " " + circled[int(parts[1]) - 1]
    if len(parts) >= 3:
        rest += f" {parts[2]}호" if lang == "ko" else f" {parts[2]}"
    return article + rest


def duty_heading(duty: DutyStatus, lang: str) -> str:
    return f"{duty_ref(duty.code, lang)} {duty.title(lang)}"


def status_text(status: Status, lang: str) -> str:
    return _t(lang)(STATUS_LABELS[status])


def _clip(text: str, limit: int) -> str:
    """One line of a register or the index: long titles (bilingual checklist items) are shortened."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _key(entity: str, record_id: str) -> str:
    return f"rec:{entity}:{record_id}"


def _demote(blocks: Sequence[Block]) -> list[Block]:
    """A document's own sections become sub-sections of the binder (they stay out of the outline)."""
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Heading):
            out.append(replace(block, level=2, outline=None, anchor=""))
        elif isinstance(block, Deferred):
            out.append(Deferred(functools.partial(_demote_made, block.make)))
        else:
            out.append(block)
    return out


def _demote_made(make: Callable[[], Sequence[Block]]) -> Sequence[Block]:
    return _demote(make())


def _builders() -> dict[str, Callable[[Workspace, ReportRequest], Report]]:
    from safetydesk.core.reports.kinds import emergency, incidents, policy, risk, training

    return {
        "policy": policy.build_policy,
        "risk-assessment": risk.build_risk_assessment,
        "emergency-manual": emergency.build_manual,
        "drill": emergency.build_drill,
        "incident": incidents.build_incident,
        "training": training.build_training,
    }


@dataclass
class _IndexEntry:
    entity: str
    record_id: str
    title: str
    on: date | None
    duties: list[str]


class _Binder:
    def __init__(self, ws: Workspace, request: ReportRequest, reports: Sequence[ComplianceReport]) -> None:
        self.ws = ws
        self.request = request
        self.lang = request.lang
        self.t = _t(self.lang)
        self.reports = list(reports)
        self.index: dict[tuple[str, str], _IndexEntry] = {}
        self.placed: set[str] = set()  # anchors already in the binder (a record is drawn in full once)
        for report in self.reports:
            for duty in report.duties:
                for ev in duty.evidence:
                    entry = self.index.get((ev.entity, ev.record_id))
                    if entry is None:
                        entry = self.index[(ev.entity, ev.record_id)] = _IndexEntry(
                            ev.entity, ev.record_id, ev.title, ev.on, []
                        )
                    if duty.code not in entry.duties:
                        entry.duties.append(duty.code)
        self.codes = record_codes(ws, self.index)
        self.duty_codes: list[str] = []
        self.duties: dict[str, DutyStatus] = {}
        for report in self.reports:
            for duty in report.duties:
                if duty.code not in self.duties:
                    self.duty_codes.append(duty.code)
                    self.duties[duty.code] = duty

    def code(self, entity: str, record_id: str) -> str:
        found = self.codes.get((entity, record_id))
        return format_code(found) if found else fmt.DASH

    def entity_label(self, entity: str) -> str:
        return self.t(ENTITY_LABELS[entity]) if entity in ENTITY_LABELS else entity

    # -- sections ----------------------------------------------------------------------------------

    def sections(self) -> list[tuple[str, str]]:
        """(anchor, heading) of every top-level section, in order (the table of contents)."""
        t = self.t
        out = [("sec:overview", t(N_("Status overview")))]
        for code in self.duty_codes:
            out.append((f"duty:{code}", duty_heading(self.duties[code], self.lang)))
        out.append(("sec:iso", t(N_("Cross-reference to ISO 45001 (clauses 4–10)"))))
        out.append(("sec:index", t(N_("Index of records and verification codes"))))
        return out

    def cover(self, start: date, end: date) -> list[Block]:
        t = self.t
        with self.ws.reader() as conn:
            head = head_code(conn)
        halves = ", ".join(r.period for r in self.reports) or fmt.DASH
        latest = self.reports[-1] if self.reports else None
        company = letterhead(self.ws, self.lang)
        items: list[tuple[str, str]] = [
            (t(N_("Company")), company.company),
            (t(N_("Representative")), fmt.or_dash(company.representative)),
            (t(N_("Period")), fmt.period(start, end)),
            (t(N_("Half-years")), halves),
        ]
        if latest is not None:
            items += [
                (t(N_("Site")), latest.site_name),
                (t(N_("Regular workers")), str(latest.workers)),
            ]
        items += [
            (t(N_("Generated")), datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")),
            (t(N_("Status as of")), self.request.as_of.isoformat()),
            (t(N_("Workspace")), str(self.ws.path)),
            (t(N_("Workspace state code")), format_code(head) if head else fmt.DASH),
            (t(N_("Records in this binder")), str(len(self.index))),
        ]
        return [
            Para(t(N_("Evidence binder")), "title"),
            Para(
                t(N_("Serious Accidents Punishment Act — safety and health management system")),
                "body",
            ),
            Fields(tuple(items), columns=1),
            Spacer(2),
            Para(
                t(
                    N_(
                        "Every status in this binder is computed from the records of the workspace, never typed "
                        "in. Half-years that overlap the period are shown in full. Each record carries its "
                        "verification code: check a printed page with “safetydesk verify --code CODE”."
                    )
                ),
                "note",
            ),
        ]

    def contents(self) -> list[Block]:
        t = self.t
        rows: list[tuple[CellValue, ...]] = []
        for n, (anchor, title) in enumerate(self.sections(), start=1):
            rows.append((str(n), Cell(title, link=anchor), Cell("", page_of=anchor)))
        return [
            Heading(t(N_("Table of contents"))),
            Table(
                headers=("#", t(N_("Section")), t(N_("Page"))),
                rows=tuple(rows),
                widths=(0.06, 0.8, 0.14),
                align=("right", "left", "right"),
                font_size=9,
            ),
        ]

    def overview(self) -> list[Block]:
        t = self.t
        blocks: list[Block] = [Heading(t(N_("Status overview")), anchor="sec:overview", outline=0)]
        if not self.reports:
            blocks.append(Para(t(N_("No half-year of this period has begun yet.")), "note"))
            return blocks
        headers: list[CellValue] = [t(N_("Duty")), *(r.period for r in self.reports)]
        rows: list[tuple[CellValue, ...]] = []
        for code in self.duty_codes:
            cells: list[CellValue] = [Cell(duty_heading(self.duties[code], self.lang), link=f"duty:{code}")]
            for report in self.reports:
                try:
                    duty = report.duty(code)
                except KeyError:
                    cells.append(fmt.DASH)
                    continue
                cells.append(Cell(status_text(duty.status, self.lang), tone=STATUS_TONES[duty.status]))
            rows.append(tuple(cells))
        n = len(self.reports)
        blocks.append(
            Table(
                headers=tuple(headers),
                rows=tuple(rows),
                widths=(0.46, *tuple(0.54 / n for _ in range(n))),
                align=("left", *(CENTRE for _ in range(n))),
            )
        )
        latest = self.reports[-1]
        blocks.append(Heading(t(N_("Which duties apply")), level=2))
        blocks.append(
            Para(
                t(
                    N_("{site}: {workers} regular workers, {contractors} contractor workers ({industry}).")
                ).format(
                    site=latest.site_name,
                    workers=latest.workers,
                    contractors=latest.contractor_workers,
                    industry=latest.industry,
                ),
                "small",
            )
        )
        rows = []
        tones: list[Tone] = []
        for ob in latest.obligations:
            rows.append(
                (
                    ob.label_en if self.lang == "en" else ob.label_ko,
                    t(N_("Applies")) if ob.applies else t(N_("Does not apply")),
                    ob.reason.render(self.lang),
                    ob.source,
                )
            )
            tones.append(None if ob.applies else "muted")
        blocks.append(
            Table(
                headers=(t(N_("Obligation")), t(N_("Applies?")), t(N_("Why")), t(N_("Legal source"))),
                rows=tuple(rows),
                tones=tuple(tones),
                widths=(0.3, 0.12, 0.3, 0.28),
                font_size=8,
                empty_text=t(N_("No obligations derived.")),
            )
        )
        return blocks

    def duty_section(self, code: str) -> list[Block]:
        t = self.t
        lang = self.lang
        first = self.duties[code]
        blocks: list[Block] = [
            PageBreak(),
            Heading(duty_heading(first, lang), anchor=f"duty:{code}", outline=0),
            Fields(
                (
                    (t(N_("Legal basis")), first.legal_ref),
                    (
                        t(N_("Check frequency")),
                        t(N_("At least once every half-year")) if first.half_yearly else t(N_("Continuous")),
                    ),
                    (t(N_("ISO 45001")), ", ".join(first.iso45001) or fmt.DASH),
                ),
                columns=1,
            ),
        ]
        rows: list[tuple[CellValue, ...]] = []
        for report in self.reports:
            try:
                duty = report.duty(code)
            except KeyError:
                continue
            check = duty.check
            confirmed = fmt.day(check.owner_confirmed_on) if check and check.owner_confirmed_on else fmt.DASH
            rows.append(
                (
                    Cell(report.period, link=f"duty:{code}:{report.period}"),
                    Cell(status_text(duty.status, lang), tone=STATUS_TONES[duty.status]),
                    duty.reason.render(lang),
                    str(len(duty.evidence)),
                    str(len(duty.gaps)),
                    confirmed,
                )
            )
        blocks.append(
            Table(
                headers=(
                    t(N_("Half-year")),
                    t(N_("Status")),
                    t(N_("Reason")),
                    t(N_("Records")),
                    t(N_("Gaps")),
                    t(N_("Owner confirmed")),
                ),
                rows=tuple(rows),
                widths=(0.11, 0.13, 0.42, 0.09, 0.08, 0.17),
                align=("left", "centre", "left", "right", "right", "centre"),
            )
        )
        for report in self.reports:
            try:
                duty = report.duty(code)
            except KeyError:
                continue
            blocks += self.half_year(report, duty)
        return blocks

    def half_year(self, report: ComplianceReport, duty: DutyStatus) -> list[Block]:
        t = self.t
        lang = self.lang
        blocks: list[Block] = [
            Heading(
                f"{report.period} ({fmt.period(report.start, report.end)}) — {status_text(duty.status, lang)}",
                level=2,
                anchor=f"duty:{duty.code}:{report.period}",
                outline=1,
            ),
            Para(duty.reason.render(lang), "bad" if duty.status is Status.MISSING else "body"),
        ]
        if duty.gaps:
            blocks.append(
                Table(
                    headers=(t(N_("Gap")), t(N_("Due")), t(N_("Record that closes it"))),
                    rows=tuple(
                        (
                            g.message.render(lang),
                            fmt.day(g.due) or fmt.DASH,
                            t(START_LABELS[g.start]) if g.start in START_LABELS else (g.start or fmt.DASH),
                        )
                        for g in duty.gaps
                    ),
                    widths=(0.6, 0.14, 0.26),
                    tones=tuple("warn" for _ in duty.gaps),
                    font_size=8,
                )
            )
        if duty.half_yearly or duty.check is not None:
            check = duty.check
            if check is None:
                blocks.append(
                    Para(t(N_("No half-yearly check has been recorded for this half-year.")), "note")
                )
            else:
                blocks.append(
                    Fields(
                        (
                            (t(N_("Half-yearly check")), fmt.day(check.reviewed_on) or fmt.DASH),
                            (t(N_("Reviewed by")), fmt.or_dash(check.reviewer)),
                            (t(N_("Findings")), fmt.or_dash(check.findings)),
                            (t(N_("Business owner")), fmt.or_dash(check.owner_name)),
                            (t(N_("Owner confirmed")), fmt.day(check.owner_confirmed_on) or fmt.DASH),
                            (t(N_("Locked")), fmt.yes_no(check.locked, lang)),
                            (t(N_("Verification code")), self.code("compliance_checks", check.record_id)),
                        ),
                        columns=2,
                    )
                )
        if not duty.evidence:
            blocks.append(Para(t(N_("No records count towards this duty in this half-year.")), "note"))
            return blocks
        groups: dict[str, list[Evidence]] = {}
        for ev in duty.evidence:
            groups.setdefault(ev.entity, []).append(ev)
        for entity, items in groups.items():
            items.sort(key=lambda e: (e.on or date.min, e.record_id))
            blocks.append(
                Heading(
                    f"{self.entity_label(entity)} ({len(items)})",
                    level=2,
                    anchor=f"duty:{duty.code}:{report.period}:{entity}",
                    outline=2,
                )
            )
            blocks.append(self.register(items))
            if entity in FULL_DOCUMENTS:
                for ev in items:
                    key = _key(ev.entity, ev.record_id)
                    if key in self.placed:
                        continue
                    self.placed.add(key)
                    blocks.append(Deferred(functools.partial(self.document, FULL_DOCUMENTS[entity], ev)))
        return blocks

    def register(self, items: Sequence[Evidence]) -> Table:
        """One row per record: date, title, what it proves, code, page (the row itself, or the full document)."""
        t = self.t
        rows: list[tuple[CellValue, ...]] = []
        for ev in items:
            key = _key(ev.entity, ev.record_id)
            anchor = ""
            if ev.entity not in FULL_DOCUMENTS and key not in self.placed:
                self.placed.add(key)
                anchor = key
            rows.append(
                (
                    Cell(fmt.day(ev.on) or fmt.DASH, anchor=anchor),
                    Cell(_clip(ev.title, 120) or fmt.DASH, link=key if ev.entity in FULL_DOCUMENTS else ""),
                    t(KIND_LABELS[ev.kind]) if ev.kind in KIND_LABELS else (ev.kind or fmt.DASH),
                    Cell(self.code(ev.entity, ev.record_id), align="centre"),
                    Cell("", page_of=key),
                )
            )
        return Table(
            headers=(
                t(N_("Date")),
                t(N_("Record")),
                t(N_("Proves")),
                t(N_("Verification code")),
                t(N_("Page")),
            ),
            rows=tuple(rows),
            widths=(0.12, 0.46, 0.16, 0.17, 0.09),
            align=("left", "left", "left", "centre", "right"),
            font_size=7.5,
        )

    def document(self, kind: str, ev: Evidence) -> list[Block]:
        """A key document drawn in full by its own report kind, read only when the renderer gets here.

        A document printed landscape on its own (a risk-assessment table) gets landscape pages here
        too; the pages after it are portrait again.
        """
        t = self.t
        request = ReportRequest(record_id=ev.record_id, lang=self.lang, today=self.request.as_of)
        report: Report | None = None
        problem = ""
        try:
            report = _builders()[kind](self.ws, request)
        except UserError as exc:
            problem = exc.text(self.lang)
        turned = report is not None and report.landscape
        blocks: list[Block] = [
            PageBreak(landscape=turned),
            Heading(
                f"{self.entity_label(ev.entity)}: {ev.title or fmt.DASH} — {fmt.day(ev.on) or fmt.DASH}",
                anchor=_key(ev.entity, ev.record_id),
            ),
            Para(
                f"{t(N_('Record'))} {ev.record_id} · {t(N_('Verification code'))} "
                f"{self.code(ev.entity, ev.record_id)}",
                "note",
            ),
        ]
        if report is None:
            return [*blocks, Para(problem, "bad")]
        if report.subtitle:
            blocks.append(Para(report.subtitle, "small"))
        blocks += _demote(report.blocks)
        if turned:
            blocks.append(Turn(landscape=False))
        return blocks

    def iso(self) -> list[Block]:
        t = self.t
        lang = self.lang
        blocks: list[Block] = [
            PageBreak(),
            Heading(t(N_("Cross-reference to ISO 45001 (clauses 4–10)")), anchor="sec:iso", outline=0),
            Para(
                t(
                    N_(
                        "Which duties, and so which records of this binder, support each clause of ISO 45001:2018. "
                        "The mapping is the product's reading, not a certification body's."
                    )
                ),
                "note",
            ),
        ]
        clauses = {c.number: c for c in iso_clauses()}
        mapped: dict[str, list[str]] = {n: list(c.duties) for n, c in clauses.items()}
        for code in self.duty_codes:  # the engine's own map adds to the file's
            for number in self.duties[code].iso45001:
                target = number if number in mapped else self._nearest_clause(number, clauses)
                if target and code not in mapped[target]:
                    mapped[target].append(code)
        rows: list[tuple[CellValue, ...]] = []
        for number in sorted(mapped, key=_clause_key):
            clause = clauses[number]
            codes = [c for c in self.duty_codes if c in mapped[number]]
            duty_text = "\n".join(duty_heading(self.duties[c], lang) for c in codes)
            records = sum(len(self._records_of(c)) for c in codes)
            note = clause.note(lang)
            rows.append(
                (
                    Cell(number, bold=True),
                    clause.label(lang),
                    "\n".join(p for p in (duty_text, note) if p) or fmt.DASH,
                    str(records) if codes else fmt.DASH,
                    Cell("", page_of=f"duty:{codes[0]}") if codes else fmt.DASH,
                )
            )
        blocks.append(
            Table(
                headers=(
                    t(N_("Clause")),
                    t(N_("ISO 45001 requirement")),
                    t(N_("SAPA duties and records")),
                    t(N_("Records")),
                    t(N_("Page")),
                ),
                rows=tuple(rows),
                widths=(0.08, 0.3, 0.45, 0.08, 0.09),
                align=("left", "left", "left", "right", "right"),
                font_size=8,
            )
        )
        return blocks

    @staticmethod
    def _nearest_clause(number: str, clauses: dict[str, IsoClause]) -> str | None:
        parts = number.split(".")
        while parts:
            candidate = ".".join(parts)
            if candidate in clauses:
                return candidate
            parts.pop()
        return None

    def _records_of(self, code: str) -> set[tuple[str, str]]:
        return {k for k, e in self.index.items() if code in e.duties}

    def record_index(self) -> list[Block]:
        t = self.t
        blocks: list[Block] = [
            PageBreak(),
            Heading(t(N_("Index of records and verification codes")), anchor="sec:index", outline=0),
            Para(
                t(
                    N_(
                        "Every record this binder refers to, by type and date, with the code of its latest "
                        "audit event and the page where it is shown."
                    )
                ),
                "note",
            ),
        ]
        if not self.index:
            blocks.append(Para(t(N_("No records count towards any duty in this period.")), "note"))
            return blocks
        by_entity: dict[str, list[_IndexEntry]] = {}
        for entry in self.index.values():
            by_entity.setdefault(entry.entity, []).append(entry)
        n = 0
        for entity in sorted(by_entity, key=self.entity_label):
            entries = sorted(by_entity[entity], key=lambda e: (e.on or date.min, e.title, e.record_id))
            rows: list[tuple[CellValue, ...]] = []
            for e in entries:
                n += 1
                key = _key(e.entity, e.record_id)
                rows.append(
                    (
                        str(n),
                        fmt.day(e.on) or fmt.DASH,
                        Cell(_clip(e.title, 60) or fmt.DASH, link=key),
                        ", ".join(duty_ref(c, self.lang) for c in e.duties),
                        e.record_id,
                        self.code(e.entity, e.record_id),
                        Cell("", page_of=key),
                    )
                )
            blocks.append(
                Heading(
                    f"{self.entity_label(entity)} ({len(entries)})",
                    level=2,
                    anchor=f"index:{entity}",
                    outline=1,
                )
            )
            blocks.append(
                Table(
                    headers=(
                        "#",
                        t(N_("Date")),
                        t(N_("Record")),
                        t(N_("Duties")),
                        t(N_("Record id")),
                        t(N_("Verification code")),
                        t(N_("Page")),
                    ),
                    rows=tuple(rows),
                    widths=(0.06, 0.1, 0.25, 0.12, 0.28, 0.12, 0.07),
                    align=("right", "left", "left", "left", "left", "centre", "right"),
                    font_size=6.5,
                )
            )
        return blocks


def binder_report(
    ws: Workspace, request: ReportRequest, reports: Sequence[ComplianceReport] | None = None
) -> Report:
    """The binder for ``request``'s period; ``reports`` (one per half-year) default to the engine's."""
    start, end = check_period(request)
    if reports is None:
        reports = [
            engine_compliance(ws, half, request.as_of) for half in half_years(start, end, request.as_of)
        ]
    b = _Binder(ws, request, reports)
    blocks: list[Block] = [*b.cover(start, end), PageBreak(), *b.contents(), PageBreak(), *b.overview()]
    for code in b.duty_codes:
        blocks += b.duty_section(code)
    blocks += b.iso()
    blocks += b.record_index()
    t = b.t
    return Report(
        kind="binder",
        title=t(N_("SAPA evidence binder")),
        lang=request.lang,
        blocks=tuple(blocks),
        record=None,
        subtitle=fmt.period(start, end),
        file_stem=f"binder_{start.isoformat()}_{end.isoformat()}",
    )


def build_binder(ws: Workspace, request: ReportRequest) -> Report:
    return binder_report(ws, request)


def evidence_keys(reports: Iterable[ComplianceReport]) -> set[tuple[str, str]]:
    """Every (entity, record id) the reports count as evidence: what the binder's index must list."""
    return {(ev.entity, ev.record_id) for r in reports for d in r.duties for ev in d.evidence}


KINDS = (
    ReportKind(
        "binder",
        N_("SAPA evidence binder"),
        "period",
        build_binder,
        description=N_(
            "One PDF for a period: status of every SAPA duty per half-year, gaps, checks, the evidence "
            "records, ISO 45001 cross-reference and an index of verification codes"
        ),
    ),
)
