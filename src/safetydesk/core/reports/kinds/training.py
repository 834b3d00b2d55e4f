"""The safety and health education record (안전보건교육 실시 기록): one session and its attendance sheet.

It carries what an inspector asks for under OSH Rule Art. 26 and 별표4: the course and its legal
category with the hours the rule requires, when and how it was given, by whom, what was taught, and
who attended for how long, with an empty column for each attendee's own signature.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from babel import Locale
from sqlalchemy import select

from safetydesk.core.db.tables import contractors, people, training_attendance
from safetydesk.core.domain.legal import EducationHours, HoursPer
from safetydesk.core.domain.provenance import LegalLookupError
from safetydesk.core.i18n import N_
from safetydesk.core.labels import label
from safetydesk.core.legaldata import load_legal_data
from safetydesk.core.queries.people import TrainingDetail, category_for, get_training
from safetydesk.core.reports import fmt
from safetydesk.core.reports.context import ReportRequest
from safetydesk.core.reports.fmt import DASH
from safetydesk.core.reports.kind import ReportKind
from safetydesk.core.reports.model import Block, Cell, Fields, Heading, Para, Report, Signatures, Table, Tone
from safetydesk.core.workspace.workspace import Workspace

SIGN_HERE = "\u00a0\n\u00a0"  # an empty cell two lines tall: room to sign by hand
PER_TEXT = {
    HoursPer.QUARTER: N_("{hours} h or more per quarter"),
    HoursPer.HALF_YEAR: N_("{hours} h or more per half-year"),
    HoursPer.YEAR: N_("{hours} h or more per year"),
    HoursPer.EVENT: N_("{hours} h or more each time"),
}
# Courses with hours in 별표4 (MSDS and job training have their own rules, not in the hours table).
HOURS_COURSES = ("periodic", "hiring", "change_of_work", "special")


def _categories(course: str, job_types: Iterable[str]) -> list[list[str]]:
    """별표4 categories to look up for the attendees' job types, each with its fallbacks in order."""
    out: list[list[str]] = []
    for job_type in job_types:
        if course == "periodic":
            choices = [[category_for(job_type)]]
        elif job_type == "day":
            choices = [["day_or_short"]]
        elif job_type == "short_term":  # the rule depends on the contract length: show both
            choices = [["day_or_short"], ["fixed_term_1w_1m", "other"]]
        elif job_type == "supervisor":
            choices = [["supervisor", "other"]]
        else:
            choices = [["other"]]
        for choice in choices:
            if choice not in out:
                out.append(choice)
    return out


def legal_hours(course: str, job_types: Iterable[str], on: date) -> list[EducationHours]:
    """The 별표4 rows in force on ``on`` for the course and the attendees' categories (none for other courses)."""
    if course not in HOURS_COURSES:
        return []
    legal = load_legal_data()
    found: list[EducationHours] = []
    for fallbacks in _categories(course, job_types):
        for category in fallbacks:
            try:
                rule = legal.education_hours(course, category, on)
            except LegalLookupError:
                continue
            if rule not in found:
                found.append(rule)
            break
    return found


def _language(code: str, lang: str) -> str:
    try:
        name = Locale.parse(lang).languages.get(code)
    except (ValueError, LookupError):
        name = None
    return str(name) if name else code


def _roster(ws: Workspace, training_id: str) -> dict[str, dict[str, Any]]:
    """Job type, department and contractor of everyone on the attendance list, in one query."""
    with ws.reader() as conn:
        rows = conn.execute(
            select(
                training_attendance.c.person_id,
                people.c.job_type,
                people.c.department,
                contractors.c.name,
            )
            .select_from(
                training_attendance.join(people, people.c.id == training_attendance.c.person_id).outerjoin(
                    contractors, contractors.c.id == people.c.contractor_id
                )
            )
            .where(training_attendance.c.training_id == training_id)
        ).all()
    return {str(r[0]): {"job_type": r[1], "department": r[2], "contractor": r[3]} for r in rows}


def _attendance(d: TrainingDetail, roster: dict[str, dict[str, Any]], lang: str) -> list[Block]:
    t = fmt.translator(lang)
    rows: list[tuple[str | Cell, ...]] = []
    tones: list[Tone] = []
    attended = 0
    person_hours = 0.0
    for n, a in enumerate(d.attendees, start=1):
        info = roster.get(a.person_id, {})
        present = a.hours > 0
        attended += present
        person_hours += a.hours
        short = present and a.hours < d.hours
        rows.append(
            (
                Cell(str(n), align="centre"),
                a.name,
                label(info.get("job_type"), lang) or DASH,
                fmt.names((info.get("department"), info.get("contractor")), " · ") or DASH,
                Cell(fmt.yes_no(present, lang), align="centre", bold=not present),
                Cell(fmt.number(a.hours), align="right", tone="warn" if short else None),
                SIGN_HERE,
            )
        )
        tones.append(None if present else "warn")
    total = len(d.attendees)
    if total:
        rows.append(
            (
                Cell(
                    t(N_("Total")), bold=True, align="right", span=4
                ),  # the renderer fills the spanned cells
                Cell(f"{attended} / {total}", bold=True, align="centre"),
                Cell(fmt.number(person_hours), bold=True, align="right"),
                "",
            )
        )
        tones.append("head")
    blocks: list[Block] = [
        Heading(t(N_("Attendance"))),
        Fields(
            (
                (t(N_("On the list")), str(total)),
                (t(N_("Attended")), str(attended)),
                (t(N_("Did not attend")), str(total - attended)),
                (t(N_("Person-hours")), fmt.number(person_hours, "h")),
            )
        ),
        Table(
            headers=(
                t(N_("No.")),
                t(N_("Name")),
                t(N_("Job type")),
                t(N_("Department / contractor")),
                t(N_("Attended")),
                t(N_("Hours")),
                t(N_("Signature")),
            ),
            rows=tuple(rows),
            widths=(0.5, 2.2, 1.6, 2.6, 1.0, 0.9, 2.4),
            tones=tuple(tones),
            font_size=8.5,
            empty_text=t(N_("Nobody is on the attendance list.")),
        ),
    ]
    if total - attended:
        blocks.append(Para(t(N_("Highlighted rows: on the list but did not attend (0 h).")), "note"))
    return blocks


def build_training(ws: Workspace, request: ReportRequest) -> Report:
    assert request.record_id is not None
    lang = request.lang
    t = fmt.translator(lang)
    d = get_training(ws, request.record_id)
    roster = _roster(ws, d.id)
    held = date.fromisoformat(d.held_on[:10])
    rules = legal_hours(d.course, (str(r.get("job_type") or "") for r in roster.values()), held)
    required = "\n".join(
        f"{r.label_ko if lang == 'ko' else r.label_en}: {t(PER_TEXT[r.per]).format(hours=r.hours)}"
        for r in rules
    )
    sources = fmt.names(dict.fromkeys(r.source for r in rules), "\n")
    blocks: list[Block] = []
    if not d.locked:
        blocks.append(Para(t(N_("DRAFT — this record is not completed and may still change.")), "bad"))
    instructor = d.instructor or DASH
    if d.instructor_qualification:
        instructor += f" ({d.instructor_qualification})"
    blocks.append(
        Fields(
            (
                (t(N_("Course")), label(d.course, lang)),
                (t(N_("Title")), d.title),
                (t(N_("Date")), f"{fmt.day(held)} ({fmt.weekday(held, lang)})"),
                (t(N_("Time (from–to)")), DASH),
                (t(N_("Hours of training")), fmt.number(d.hours, "h")),
                (t(N_("Method")), label(d.method, lang)),
                (t(N_("Instructor")), instructor),
                (t(N_("Place of training")), DASH),
                (t(N_("Language")), _language(d.language, lang)),
                (t(N_("Status")), label(d.status, lang)),
            )
        )
    )
    blocks.append(
        Fields(
            (
                (t(N_("Legal category and required hours")), required or DASH),
                (t(N_("Legal basis")), sources or DASH),
            ),
            columns=1,
        )
    )
    for r in rules:
        if r.per is HoursPer.EVENT and d.hours < r.hours:
            blocks.append(
                Para(
                    t(
                        N_(
                            "This session gives {hours} h of the {required} h required for “{category}”: "
                            "record the remaining hours in further sessions."
                        )
                    ).format(
                        hours=fmt.number(d.hours),
                        required=r.hours,
                        category=r.label_ko if lang == "ko" else r.label_en,
                    ),
                    "note",
                )
            )
    blocks.append(Heading(t(N_("Content")), 2))
    blocks.append(Para(d.content or DASH))
    blocks.extend(_attendance(d, roster, lang))
    blocks.append(Heading(t(N_("Signatures"))))
    blocks.append(
        Signatures(
            (
                (t(N_("Instructor")), d.instructor),
                (t(N_("Training coordinator")), ""),
                (t(N_("Confirmed by")), ""),
            )
        )
    )
    return Report(
        kind="training",
        title=t(N_("Safety and health education record")),
        lang=lang,
        blocks=tuple(blocks),
        record=("trainings", d.id),
        subtitle=" · ".join(p for p in (fmt.day(held), d.title) if p),
        file_stem=f"training_{fmt.day(held)}",
    )


KINDS = (
    ReportKind(
        "training",
        N_("Safety and health education record"),
        "record",
        build_training,
        entity="trainings",
        description=N_(
            "One training session: course, legal category and hours, instructor, content and the "
            "attendance sheet with a signature column"
        ),
    ),
)
