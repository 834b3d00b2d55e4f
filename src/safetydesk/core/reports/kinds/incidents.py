"""Accident reports: one incident in the layout of the 산업재해조사표, and a near-miss summary for a period.

The incident report follows the sections of OSH Enforcement Rule form 30 (DOMAIN.md §4.7): Ⅰ. the
workplace, Ⅱ. the injured person, Ⅲ. overview and cause, Ⅳ. the recurrence-prevention plan, then the
signatures of the writer, the employer and the worker representative. It prints what the workspace
holds — the record, the roster, the site and the form-30 values kept with the record — and a dash
where it holds nothing, so the officer sees what is still to be filled in before filing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel import Locale
from sqlalchemy import func, select

from safetydesk.core.clock import parse_iso_utc
from safetydesk.core.db.tables import (
    areas,
    contractors,
    corrective_actions,
    equipment,
    incidents,
    people,
    site_headcounts,
    sites,
)
from safetydesk.core.domain.incidents import INJURY_KINDS, Classification
from safetydesk.core.forms.schema import HAZARD_GROUPS
from safetydesk.core.i18n import N_, _
from safetydesk.core.labels import label
from safetydesk.core.queries.actions import OPEN_STATUSES, days_overdue
from safetydesk.core.queries.incidents import IncidentDetail, get_incident
from safetydesk.core.queries.settings import load_settings
from safetydesk.core.reports import fmt
from safetydesk.core.reports.context import ReportRequest
from safetydesk.core.reports.fmt import DASH, or_dash
from safetydesk.core.reports.kind import ReportKind
from safetydesk.core.reports.model import (
    BarChart,
    Block,
    Cell,
    Fields,
    Heading,
    Para,
    PhotoRef,
    Photos,
    Report,
    Signatures,
    Table,
    Tone,
)
from safetydesk.core.workspace.workspace import Workspace

MAX_PHOTOS = 12
MONTHS_IN_CHART = 24  # a longer period is charted by year

OSH_REASONS = {
    "death": N_("a death"),
    "treatment": N_("2 or more people need 3+ months' treatment"),
    "simultaneous": N_("10 or more people hurt at the same time"),
}
SAPA_REASONS = {
    "death": N_("a death"),
    "treatment": N_("2 or more people need 6+ months' treatment"),
    "disease": N_("3 or more people with the same occupational disease within a year"),
}
# Employment types the roster's job type states outright (others come only from the form-30 values).
EMPLOYMENT_FROM_JOB_TYPE = {"day": "day", "short_term": "short_term"}


# -- shared helpers ---------------------------------------------------------------------------------


def _sub(data: Any, key: str) -> Mapping[str, Any]:
    value = data.get(key) if isinstance(data, Mapping) else None
    return value if isinstance(value, Mapping) else {}


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).strip()


def _blank(text: str) -> str:
    """A printed name in a signature box: empty rather than a dash, so it can be written in."""
    return "" if text == DASH else text


def country(code: str | None, lang: str) -> str:
    """``우즈베키스탄 (UZ)`` from an ISO 3166 code; the code alone if the name is unknown."""
    if not code:
        return DASH
    try:
        name = Locale.parse(lang).territories.get(code.upper())
    except (ValueError, LookupError):
        name = None
    return f"{name} ({code.upper()})" if name else code.upper()


def _classification(c: Classification, reasons: Mapping[str, str], lang: str) -> str:
    if not c.serious:
        return _(N_("No"), lang)
    return _(N_("Yes — {reasons}"), lang).format(reasons=", ".join(_(reasons[r], lang) for r in c.reasons))


def _overdue(status: str, due_on: str | None, as_of: date) -> bool:
    return days_overdue(status, due_on, as_of) > 0


# -- the incident report (산업재해조사표 layout) ----------------------------------------------------


@dataclass(frozen=True)
class _IncidentExtras:
    """What form 30 asks for beyond ``get_incident``: the site, the roster entry and the stored form values."""

    form30: Mapping[str, Any]
    created_by: str | None
    area_name: str | None
    area_name_en: str | None
    equipment_code: str | None
    equipment_name: str | None
    site: Mapping[str, Any]
    workers: int | None
    person: Mapping[str, Any]


def _extras(ws: Workspace, d: IncidentDetail) -> _IncidentExtras:
    with ws.reader() as conn:
        row = (
            conn.execute(
                select(
                    incidents.c.form30,
                    incidents.c.created_by,
                    incidents.c.site_id,
                    areas.c.name.label("area_name"),
                    areas.c.name_en.label("area_name_en"),
                    areas.c.site_id.label("area_site_id"),
                    equipment.c.code.label("equipment_code"),
                    equipment.c.name.label("equipment_name"),
                )
                .select_from(
                    incidents.outerjoin(areas, areas.c.id == incidents.c.area_id).outerjoin(
                        equipment, equipment.c.id == incidents.c.equipment_id
                    )
                )
                .where(incidents.c.id == d.id)
            )
            .mappings()
            .one()
        )
        site_id = row["site_id"] or row["area_site_id"]
        site_query = select(sites).where(sites.c.deleted_at.is_(None))
        site_query = (
            site_query.where(sites.c.id == site_id)
            if site_id
            else site_query.order_by(sites.c.created_at, sites.c.id).limit(1)
        )
        site = conn.execute(site_query).mappings().first()
        workers = None
        if site is not None:
            workers = conn.execute(
                select(site_headcounts.c.regular_workers)
                .where(
                    site_headcounts.c.site_id == site["id"],
                    site_headcounts.c.deleted_at.is_(None),
                    site_headcounts.c.effective_from <= d.occurred_on.isoformat(),
                )
                .order_by(site_headcounts.c.effective_from.desc())
                .limit(1)
            ).scalar()
        person: Mapping[str, Any] = {}
        if d.injured_person_id:
            found = (
                conn.execute(
                    select(
                        people.c.name,
                        people.c.nationality,
                        people.c.visa_status,
                        people.c.job_title,
                        people.c.job_type,
                        people.c.kind,
                        people.c.department,
                        people.c.hired_on,
                        contractors.c.name.label("contractor"),
                    )
                    .select_from(people.outerjoin(contractors, contractors.c.id == people.c.contractor_id))
                    .where(people.c.id == d.injured_person_id)
                )
                .mappings()
                .first()
            )
            person = dict(found) if found else {}
    form30 = row["form30"] if isinstance(row["form30"], Mapping) else {}
    return _IncidentExtras(
        form30=form30,
        created_by=row["created_by"],
        area_name=row["area_name"],
        area_name_en=row["area_name_en"],
        equipment_code=row["equipment_code"],
        equipment_name=row["equipment_name"],
        site=dict(site) if site is not None else {},
        workers=int(workers) if workers is not None else None,
        person=person,
    )


def _form30_status(d: IncidentDetail, as_of: date, lang: str) -> tuple[str, bool]:
    """The 산업재해조사표 line and whether it is overdue."""
    if d.form30_due is None:
        return _(N_("Not required (under 3 days off, no death)"), lang), False
    if d.reported_to_moel_on:
        return (
            _(N_("Submitted on {day} (due by {due})"), lang).format(
                day=fmt.day(d.reported_to_moel_on), due=d.form30_due.isoformat()
            ),
            False,
        )
    text = _(N_("Due by {day}"), lang).format(day=d.form30_due.isoformat())
    late = d.form30_due < as_of
    if late:
        text += " — " + _(N_("overdue"), lang)
    return text, late


def _site_section(d: IncidentDetail, x: _IncidentExtras, lang: str) -> list[Block]:
    t = fmt.translator(lang)
    filed = _sub(x.form30, "site")
    site = x.site
    site_name = site.get("name_en") if lang == "en" and site.get("name_en") else site.get("name")
    industry = _text(site, "industry")
    if industry and site.get("ksic_code"):
        industry = f"{industry} ({site['ksic_code']})"
    workers = filed.get("workers")
    if not isinstance(workers, (int, float)):
        workers = x.workers
    return [
        Heading(t(N_("I. Workplace"))),
        Fields(
            (
                (
                    t(N_("Accident insurance management no.")),
                    or_dash(_text(filed, "insurance_no"), site.get("insurance_no")),
                ),
                (
                    t(N_("Business registration no.")),
                    or_dash(_text(filed, "business_reg_no"), site.get("business_reg_no")),
                ),
                (t(N_("Site name")), or_dash(_text(filed, "name"), site_name)),
                (
                    t(N_("Number of workers")),
                    t(N_("{n} persons")).format(n=fmt.number(float(workers)))
                    if workers is not None
                    else DASH,
                ),
                (t(N_("Industry")), or_dash(_text(filed, "industry"), industry)),
                (t(N_("Address")), or_dash(_text(filed, "address"), site.get("address"))),
            )
        ),
    ]


def _person_section(d: IncidentDetail, x: _IncidentExtras, lang: str) -> list[Block]:
    t = fmt.translator(lang)
    blocks: list[Block] = [Heading(t(N_("II. Injured person")))]
    filed = _sub(x.form30, "injured")
    p = x.person
    if d.kind not in INJURY_KINDS and not d.injured_person_id and not filed:
        blocks.append(Para(t(N_("No one was injured (near miss).")), "note"))
        return blocks
    job = or_dash(_text(filed, "occupation"), p.get("job_title"))
    if p.get("job_type"):
        job_type = label(p["job_type"], lang)
        job = f"{job} ({job_type})" if job != DASH else job_type
    employment = _text(filed, "employment_type")
    if not employment and p.get("job_type") in EMPLOYMENT_FROM_JOB_TYPE:
        employment = label(EMPLOYMENT_FROM_JOB_TYPE[str(p["job_type"])], lang)
    years = filed.get("years_in_same_work")
    days_off = d.days_lost if d.days_lost is not None else filed.get("expected_days_off")
    died = d.died or d.kind == "fatality" or filed.get("died") is True
    nationality = p.get("nationality") or _text(filed, "nationality")
    affiliation = fmt.names((p.get("department"), p.get("contractor")), " · ")
    blocks.append(
        Fields(
            (
                (t(N_("Name")), or_dash(d.injured_person_name, _text(filed, "name"))),
                (t(N_("Sex")), or_dash(_text(filed, "sex"))),
                (t(N_("Nationality")), country(str(nationality), lang) if nationality else DASH),
                (t(N_("Visa status")), or_dash(p.get("visa_status"), _text(filed, "visa_status"))),
                (t(N_("Occupation (job type)")), job),
                (t(N_("Department / contractor")), affiliation or DASH),
                (t(N_("Hire date")), or_dash(fmt.day(p.get("hired_on")), _text(filed, "hired_on"))),
                (
                    t(N_("Years in the same kind of work")),
                    t(N_("{n} years")).format(n=years) if isinstance(years, (int, float)) else DASH,
                ),
                (t(N_("Employment type")), employment or DASH),
                (t(N_("Work pattern")), or_dash(_text(filed, "work_pattern"))),
                (t(N_("Injury type (disease)")), or_dash(d.injury_type, _text(filed, "injury_type"))),
                (t(N_("Body part")), or_dash(d.body_part, _text(filed, "body_part"))),
                (
                    t(N_("Expected days off")),
                    t(N_("{n} days off")).format(n=days_off) if isinstance(days_off, int) else DASH,
                ),
                (t(N_("Died")), fmt.yes_no(died, lang)),
            )
        )
    )
    c = d.casualties
    if c.injured > 1 or c.deaths > 1:
        blocks.append(
            Para(
                t(
                    N_(
                        "This accident hurt {injured} people ({deaths} died); the record names one. "
                        "Form 30 needs the details of every injured person: add the others."
                    )
                ).format(injured=c.injured, deaths=c.deaths),
                "bad",
            )
        )
    return blocks


def _place(d: IncidentDetail, x: _IncidentExtras, lang: str) -> str:
    filed = _sub(x.form30, "accident")
    area = x.area_name_en if lang == "en" and x.area_name_en else x.area_name
    machine = fmt.names((x.equipment_code, x.equipment_name), " ")
    place = fmt.names((area, machine), " · ")
    return place or or_dash(_text(filed, "place"))


def _overview_section(d: IncidentDetail, x: _IncidentExtras, lang: str) -> list[Block]:
    t = fmt.translator(lang)
    filed = _sub(x.form30, "accident")
    blocks: list[Block] = [
        Heading(t(N_("III. Overview and cause"))),
        Fields(
            (
                (
                    t(N_("Date and time of the accident")),
                    fmt.moment(d.occurred_at, with_weekday=True, lang=lang),
                ),
                (t(N_("Place (process)")), _place(d, x, lang)),
                (t(N_("Hazard group")), label(d.hazard_group, lang) if d.hazard_group else DASH),
                (t(N_("Title")), or_dash(d.title)),
                (t(N_("Reported by")), or_dash(d.reported_by)),
            )
        ),
        Fields(
            (
                (t(N_("Type of work")), or_dash(_text(filed, "work_type"))),
                (
                    t(N_("Situation at the time (unsafe conditions and acts)")),
                    or_dash(_text(filed, "situation"), d.description),
                ),
                (t(N_("Cause of the accident")), or_dash(d.cause, _text(filed, "cause"))),
                (t(N_("Immediate action")), or_dash(d.immediate_action)),
            ),
            columns=1,
        ),
    ]
    return blocks


def _plan_section(d: IncidentDetail, x: _IncidentExtras, as_of: date, lang: str) -> list[Block]:
    t = fmt.translator(lang)
    plan = or_dash(d.recurrence_plan, _text(x.form30, "recurrence_plan"))
    rows: list[tuple[str | Cell, ...]] = []
    tones: list[Tone] = []
    for i, a in enumerate(d.actions, start=1):
        late = _overdue(a.status, a.due_on, as_of)
        status = label(a.status, lang) + (" — " + t(N_("overdue")) if late else "")
        rows.append(
            (
                Cell(str(i), align="centre"),
                a.title,
                a.owner_name or DASH,
                Cell(fmt.day(a.due_on), align="centre"),
                Cell(status, align="centre", bold=late),
            )
        )
        tones.append("bad" if late else ("muted" if a.status == "cancelled" else None))
    return [
        Heading(t(N_("IV. Recurrence-prevention plan"))),
        Fields(((t(N_("Plan")), plan),), columns=1),
        Heading(t(N_("Corrective actions")), 2),
        Table(
            headers=(t(N_("No.")), t(N_("Corrective action")), t(N_("Owner")), t(N_("Due")), t(N_("Status"))),
            rows=tuple(rows),
            widths=(0.5, 6.0, 1.6, 1.5, 1.9),
            tones=tuple(tones),
            empty_text=t(N_("No corrective actions are linked to this incident.")),
        ),
    ]


def _legal_section(d: IncidentDetail, as_of: date, lang: str) -> list[Block]:
    t = fmt.translator(lang)
    form30, late = _form30_status(d, as_of, lang)
    c = d.casualties
    casualties = t(
        N_("deaths {deaths} · injured {injured} · 3+ months' treatment {t3} · 6+ months' {t6}")
    ).format(deaths=c.deaths, injured=c.injured, t3=c.treatment_3m, t6=c.treatment_6m)
    status = label(d.status, lang)
    if d.revision_no > 1:
        status += f" · {t(N_('Revision'))} {d.revision_no}"
    blocks: list[Block] = [
        Fields(((t(N_("Kind")), label(d.kind, lang)), (t(N_("Status")), status))),
        Fields(
            (
                (t(N_("Accident investigation report (form 30)")), form30),
                (t(N_("Casualties")), casualties),
                (t(N_("Serious accident (OSH Rule Art. 3)")), _classification(d.osh, OSH_REASONS, lang)),
                (
                    t(N_("Serious industrial accident (SAPA Art. 2-2)")),
                    _classification(d.sapa, SAPA_REASONS, lang),
                ),
            ),
            columns=1,
        ),
    ]
    if late:
        blocks.append(
            Para(
                t(
                    N_(
                        "Form 30 is overdue: submit it to the regional labour office at once "
                        "(not reporting: fine up to ₩15 million)."
                    )
                ),
                "bad",
            )
        )
    if d.osh.serious or d.sapa.serious:
        blocks.append(
            Para(
                t(
                    N_(
                        "Serious accident: stop the work and report to the regional labour office without "
                        "delay by phone or fax (OSH Act Art. 54②), and file form 30 within one month."
                    )
                ),
                "bad",
            )
        )
    return blocks


def build_incident(ws: Workspace, request: ReportRequest) -> Report:
    assert request.record_id is not None
    lang = request.lang
    t = fmt.translator(lang)
    d = get_incident(ws, request.record_id)
    x = _extras(ws, d)
    as_of = request.as_of
    blocks: list[Block] = []
    if not d.locked:
        blocks.append(Para(t(N_("DRAFT — this record is not completed and may still change.")), "bad"))
    blocks.append(
        Para(
            t(
                N_(
                    "Laid out as the 산업재해조사표 (OSH Enforcement Rule form 30). Required for a death or an "
                    "injury or illness with 3 or more days off; submit within one month of the accident. "
                    "A dash (—) marks an item the workspace does not hold: fill it in before filing."
                )
            ),
            "note",
        )
    )
    blocks.extend(_legal_section(d, as_of, lang))
    blocks.extend(_site_section(d, x, lang))
    blocks.extend(_person_section(d, x, lang))
    blocks.extend(_overview_section(d, x, lang))
    if d.photos:
        blocks.append(Heading(t(N_("Photos")), 2))
        shown = d.photos[:MAX_PHOTOS]
        blocks.append(
            Photos(tuple(PhotoRef(sha, f"{t(N_('Photo'))} {i}") for i, sha in enumerate(shown, start=1)))
        )
        if len(d.photos) > len(shown):
            blocks.append(
                Para(
                    t(N_("{n} more photos are kept with the record in the workspace.")).format(
                        n=len(d.photos) - len(shown)
                    ),
                    "note",
                )
            )
    blocks.extend(_plan_section(d, x, as_of, lang))
    signed = _sub(x.form30, "signatures")
    representative = load_settings(ws).representative
    blocks.append(Heading(t(N_("Signatures"))))
    blocks.append(
        Signatures(
            (
                (t(N_("Written by")), _blank(or_dash(_text(signed, "writer"), x.created_by))),
                (t(N_("Employer")), _blank(or_dash(representative, _text(signed, "employer")))),
                (t(N_("Worker representative (confirmation)")), _blank(or_dash(_text(signed, "worker_rep")))),
            )
        )
    )
    blocks.append(
        Para(
            t(
                N_(
                    "The worker representative confirms the contents (Rule Art. 73); attach their dissent "
                    "if any. Where there is no representative, the injured worker confirms."
                )
            ),
            "note",
        )
    )
    title = (
        t(N_("Near-miss investigation report"))
        if d.kind == "near_miss"
        else t(N_("Industrial accident investigation report"))
    )
    return Report(
        kind="incident",
        title=title,
        lang=lang,
        blocks=tuple(blocks),
        record=("incidents", d.id),
        subtitle=" · ".join(p for p in (fmt.moment(d.occurred_at, lang=lang), d.title) if p),
        file_stem=f"incident_{d.occurred_on.isoformat()}",
    )


# -- near-miss summary ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _NearMiss:
    id: str
    occurred_at: str
    area: str
    title: str
    description: str
    hazard_group: str | None
    status: str


@dataclass(frozen=True)
class _Action:
    title: str
    status: str
    due_on: str


def _near_misses(ws: Workspace, request: ReportRequest) -> tuple[list[_NearMiss], dict[str, list[_Action]]]:
    local_day = func.date(incidents.c.occurred_at, "localtime")
    superseded = select(incidents.c.revision_of).where(
        incidents.c.revision_of.is_not(None), incidents.c.deleted_at.is_(None)
    )
    where = [
        incidents.c.kind == "near_miss",
        incidents.c.deleted_at.is_(None),
        ~incidents.c.id.in_(superseded),
    ]
    if request.date_from:
        where.append(local_day >= request.date_from.isoformat())
    if request.date_to:
        where.append(local_day <= request.date_to.isoformat())
    area_name = areas.c.name_en if request.lang == "en" else areas.c.name
    with ws.reader() as conn:
        rows = conn.execute(
            select(
                incidents.c.id,
                incidents.c.occurred_at,
                func.coalesce(area_name, areas.c.name),
                incidents.c.title,
                incidents.c.description,
                incidents.c.hazard_group,
                incidents.c.status,
            )
            .select_from(incidents.outerjoin(areas, areas.c.id == incidents.c.area_id))
            .where(*where)
            .order_by(incidents.c.occurred_at, incidents.c.id)
        ).all()
        acts = conn.execute(
            select(
                corrective_actions.c.source_id,
                corrective_actions.c.title,
                corrective_actions.c.status,
                corrective_actions.c.due_on,
            )
            .select_from(corrective_actions.join(incidents, incidents.c.id == corrective_actions.c.source_id))
            .where(corrective_actions.c.deleted_at.is_(None), *where)
            .order_by(corrective_actions.c.due_on, corrective_actions.c.id)
        ).all()
    found = [
        _NearMiss(str(r[0]), str(r[1]), str(r[2] or ""), str(r[3]), str(r[4] or ""), r[5], str(r[6]))
        for r in rows
    ]
    actions: dict[str, list[_Action]] = {}
    for a in acts:
        actions.setdefault(str(a[0]), []).append(_Action(str(a[1]), str(a[2]), str(a[3])))
    return found, actions


def _local_day(stored: str) -> date:
    return parse_iso_utc(stored).astimezone().date()


def _months(start: date, end: date) -> list[str]:
    out: list[str] = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _chart_height(n: int) -> float:
    return max(26.0, min(150.0, 16.0 + 4.6 * n))


def _by_time(items: list[_NearMiss], request: ReportRequest, lang: str) -> BarChart:
    t = fmt.translator(lang)
    days = [_local_day(i.occurred_at) for i in items]
    start = request.date_from or min(days)
    end = request.date_to or max(days)
    months = _months(start, end)
    if len(months) > MONTHS_IN_CHART:
        years = [str(y) for y in range(start.year, end.year + 1)]
        per_year = Counter(str(d.year) for d in days)
        return BarChart(
            t(N_("Near misses by year")),
            tuple(years),
            tuple(float(per_year[y]) for y in years),
            height_mm=_chart_height(len(years)),
        )
    per_month = Counter(d.strftime("%Y-%m") for d in days)
    return BarChart(
        t(N_("Near misses by month")),
        tuple(months),
        tuple(float(per_month[m]) for m in months),
        height_mm=_chart_height(len(months)),
    )


def _by(title: str, counts: Counter[str]) -> BarChart:
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return BarChart(
        title,
        tuple(k for k, _ in ordered),
        tuple(float(v) for _, v in ordered),
        height_mm=_chart_height(len(ordered)),
    )


def build_near_misses(ws: Workspace, request: ReportRequest) -> Report:
    lang = request.lang
    t = fmt.translator(lang)
    items, actions = _near_misses(ws, request)
    as_of = request.as_of
    all_actions = [a for i in items for a in actions.get(i.id, [])]
    open_actions = [a for a in all_actions if a.status in OPEN_STATUSES]
    late_actions = [a for a in open_actions if _overdue(a.status, a.due_on, as_of)]
    blocks: list[Block] = [
        Fields(
            (
                (t(N_("Period")), fmt.period(request.date_from, request.date_to) or t(N_("All records"))),
                (t(N_("Near misses")), str(len(items))),
                (t(N_("Actions raised")), str(len(all_actions))),
                (
                    t(N_("Actions still open")),
                    str(len(open_actions))
                    + (f" ({t(N_('overdue'))} {len(late_actions)})" if late_actions else ""),
                ),
            )
        )
    ]
    if not items:
        blocks.append(Para(t(N_("No near misses were reported in this period.")), "note"))
    else:
        none = t(N_("(no area)"))
        blocks.append(Heading(t(N_("Counts"))))
        blocks.append(_by_time(items, request, lang))
        blocks.append(_by(t(N_("Near misses by area")), Counter(i.area or none for i in items)))
        groups = Counter(i.hazard_group or "" for i in items)
        order = {g: n for n, g in enumerate(HAZARD_GROUPS)}
        ordered = sorted(groups.items(), key=lambda kv: (-kv[1], order.get(kv[0], len(order))))
        blocks.append(
            BarChart(
                t(N_("Near misses by hazard group")),
                tuple(label(g, lang) if g else t(N_("(not classified)")) for g, _ in ordered),
                tuple(float(n) for _, n in ordered),
                height_mm=_chart_height(len(ordered)),
            )
        )
        blocks.append(Heading(t(N_("Near-miss list"))))
        rows: list[tuple[str | Cell, ...]] = []
        tones: list[Tone] = []
        for n, item in enumerate(items, start=1):
            linked = actions.get(item.id, [])
            late = any(_overdue(a.status, a.due_on, as_of) for a in linked)
            lines = [
                f"• {a.title} ({label(a.status, lang)}, {fmt.day(a.due_on)})"
                + (f" — {t(N_('overdue'))}" if _overdue(a.status, a.due_on, as_of) else "")
                for a in linked
            ]
            description = item.title
            if item.description and item.description.strip() != item.title.strip():
                description += "\n" + item.description
            rows.append(
                (
                    Cell(str(n), align="centre"),
                    Cell(fmt.moment(item.occurred_at, lang=lang).replace(" ", "\n", 1), align="centre"),
                    item.area or DASH,
                    description,
                    label(item.hazard_group, lang) if item.hazard_group else DASH,
                    "\n".join(lines) or t(N_("(none)")),
                    Cell(label(item.status, lang), align="centre"),
                )
            )
            tones.append("warn" if late else None)
        blocks.append(
            Table(
                headers=(
                    t(N_("No.")),
                    t(N_("Date")),
                    t(N_("Area")),
                    t(N_("What happened")),
                    t(N_("Hazard group")),
                    t(N_("Actions raised")),
                    t(N_("Status")),
                ),
                rows=tuple(rows),
                widths=(0.6, 1.4, 1.4, 4.1, 1.3, 3.4, 1.5),
                tones=tuple(tones),
                font_size=8,
                empty_text=t(N_("No near misses were reported in this period.")),
            )
        )
        if late_actions:
            blocks.append(Para(t(N_("Highlighted rows have a corrective action past its due date.")), "note"))
    return Report(
        kind="near-misses",
        title=t(N_("Near-miss summary")),
        lang=lang,
        blocks=tuple(blocks),
        record=None,
        subtitle=fmt.period(request.date_from, request.date_to),
        file_stem="near_misses",
    )


KINDS = (
    ReportKind(
        "incident",
        N_("Accident investigation report (form 30 layout)"),
        "record",
        build_incident,
        entity="incidents",
        description=N_(
            "One incident laid out as the 산업재해조사표: site, injured person, overview and cause, "
            "recurrence-prevention plan, signatures"
        ),
    ),
    ReportKind(
        "near-misses",
        N_("Near-miss summary"),
        "period",
        build_near_misses,
        description=N_("Near misses of a period by month, area and hazard group, with their actions"),
    ),
)
