"""The serious-accident emergency manual (SAPA Decree Art. 4-8) and the emergency drill record.

The manual prints the three parts the Decree requires under their own headings (가 stop work,
evacuate, remove the hazard; 나 rescue and first aid; 다 prevent further damage), then what else the
stored manual holds (contacts, escape routes and the site map, equipment), the people with emergency
roles and their phones, the half-yearly check of the manual and the drills it was checked against,
and the versions.

The drill record prints the run as stored: header, a timeline from the stopwatch times, the roll call
(the form's ``header.roll_call`` when the drill was run in the app, else the participants recorded on
the drill form with the headcount), the results checked, observations, the corrective actions raised
(on the drill itself or on its drill-record form), photos and signatures.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from safetydesk.core.clock import parse_iso_utc
from safetydesk.core.db.tables import (
    areas,
    compliance_checks,
    contractors,
    drills,
    emergency_manuals,
    people,
    sites,
)
from safetydesk.core.domain.legal import HalfYear
from safetydesk.core.i18n import N_
from safetydesk.core.labels import label
from safetydesk.core.queries.actions import days_overdue
from safetydesk.core.queries.emergency import (
    DRILL_DONE,
    MANUAL_SECTIONS,
    REQUIRED_SECTIONS,
    DrillDetail,
    LinkedAction,
    ManualDetail,
    actions_for,
    get_drill,
    get_manual,
)
from safetydesk.core.queries.inspections import AnswerData, FormRecordView, load_form_record
from safetydesk.core.queries.settings import load_settings
from safetydesk.core.reports import fmt
from safetydesk.core.reports.context import ReportRequest
from safetydesk.core.reports.fmt import DASH, or_dash
from safetydesk.core.reports.kind import ReportKind
from safetydesk.core.reports.model import (
    Block,
    Cell,
    CellValue,
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

# The three parts of SAPA Enforcement Decree Art. 4 item 8, in the Decree's own words.
MANUAL_PARTS: dict[str, str] = {
    "ga": N_("가. Stopping work, evacuating workers, removing the hazard and other response measures"),
    "na": N_("나. Rescue and first aid for people injured in a serious industrial accident"),
    "da": N_("다. Measures to prevent further damage"),
}
MANUAL_OTHER: dict[str, str] = {
    "contacts": N_("Emergency contacts and reporting"),
    "routes": N_("Escape routes and assembly points"),
    "equipment": N_("Emergency equipment"),
}

# People roles (``people.roles``) that matter in an emergency, in the order the organisation table lists them.
EMERGENCY_ROLES: dict[str, str] = {
    "ceo": N_("CEO"),
    "management_responsible": N_("Management responsible person (SAPA)"),
    "safety_health_manager": N_("Safety and health general manager"),
    "safety_manager": N_("Safety manager"),
    "health_manager": N_("Health manager"),
    "safety_health_coordinator": N_("Safety and health officer"),
    "fire_safety_manager": N_("Fire safety manager"),
    "first_aider": N_("First-aider"),
    "fire_warden": N_("Fire warden (evacuation guide)"),
    "confined_space_attendant": N_("Confined-space attendant"),
    "supervisor": N_("Supervisor"),
    "night_shift_lead": N_("Night-shift lead"),
    "contractor_lead": N_("Contractor site lead"),
}
# Who signs as "safety manager": the first role found, in this order.
SAFETY_MANAGER_ROLES = ("safety_manager", "safety_health_coordinator", "safety_health_manager")

CHECK_RESULTS: dict[str, str] = {
    "met": N_("Met"),
    "partly_met": N_("Partly met"),
    "not_met": N_("Not met"),
}
CHECK_TONES: dict[str, Tone] = {"partly_met": "warn", "not_met": "bad"}
MANUAL_DUTY = "sapa_4_8"


# Yes/no items of the drill-record form, printed as "results checked" (key → the question as printed).
DRILL_CHECKS: dict[str, str] = {
    "headcount_complete": N_("Everyone accounted for at the assembly point"),
    "call_119_simulated": N_("Simulated 119 call made as the procedure says"),
    "equipment_ok": N_("Emergency equipment used worked properly"),
    "cs_contact_chain": N_("Emergency contact chain practised (Art. 640)"),
    "cs_rescue_gear": N_("Use of rescue equipment practised (Art. 640)"),
    "cs_breathing_apparatus": N_("Breathing apparatus or air-line mask put on (Art. 640)"),
    "cs_first_aid": N_("First aid practised (Art. 640)"),
}
RESULT_TEXT: dict[str, str] = {
    "pass": N_("Yes"),
    "yes": N_("Yes"),
    "fail": N_("No"),
    "no": N_("No"),
    "na": N_("N/A"),
}
DRILL_LEGAL_BASIS: dict[str, str] = {
    "fire": N_(
        "Fire Prevention Act Art. 37 and Rule Art. 36: fire drill and education at least once a year; "
        "keep the result record for 2 years."
    ),
    "confined_space_rescue": N_(
        "Safety Rules Art. 640: confined-space emergency rescue drill at least every 6 months; "
        "record and keep the results."
    ),
}
DRILL_COMMON_BASIS = N_(
    "SAPA Enforcement Decree Art. 4(8): drills show whether actions follow the emergency manual "
    "(checked at least once every half-year)."
)


def _mmss(seconds: float | None) -> str:
    if seconds is None:
        return DASH
    total = round(seconds)
    return f"{total // 60:02d}:{total % 60:02d}"


def _duration(seconds: int | None, lang: str) -> str:
    """``4 min 21 s`` / ``4분 21초``."""
    if seconds is None:
        return DASH
    t = fmt.translator(lang)
    minutes, secs = divmod(int(seconds), 60)
    if minutes and secs:
        return t(N_("{m} min {s} s")).format(m=minutes, s=secs)
    if minutes:
        return t(N_("{m} min")).format(m=minutes)
    return t(N_("{s} s")).format(s=secs)


def _area_names(conn: Any, lang: str) -> dict[str, str]:
    rows = conn.execute(select(areas.c.id, areas.c.name, areas.c.name_en)).all()
    return {str(r[0]): str((r[2] if lang == "en" and r[2] else r[1]) or "") for r in rows}


@dataclass(frozen=True)
class _Person:
    id: str
    name: str
    job_title: str
    department: str
    company: str  # contractor name, empty for own staff
    phone: str
    roles: tuple[str, ...]
    employed: bool


def _people(conn: Any, as_of: date) -> list[_Person]:
    rows = conn.execute(
        select(
            people.c.id,
            people.c.name,
            people.c.name_en,
            people.c.job_title,
            people.c.department,
            people.c.phone,
            people.c.roles,
            people.c.left_on,
            contractors.c.name.label("company"),
        )
        .select_from(people.outerjoin(contractors, contractors.c.id == people.c.contractor_id))
        .where(people.c.deleted_at.is_(None))
        .order_by(people.c.name)
    ).mappings()
    out = []
    for r in rows:
        left = r["left_on"]
        out.append(
            _Person(
                id=str(r["id"]),
                name=str(r["name"]),
                job_title=str(r["job_title"] or ""),
                department=str(r["department"] or ""),
                company=str(r["company"] or ""),
                phone=str(r["phone"] or ""),
                roles=tuple(str(x) for x in (r["roles"] or ())),
                employed=not left or str(left) > as_of.isoformat(),
            )
        )
    return out


def _safety_manager(staff: Sequence[_Person]) -> str:
    for role in SAFETY_MANAGER_ROLES:
        for p in staff:
            if p.employed and role in p.roles:
                return p.name
    return ""


def _approver(ws: Workspace, staff: Sequence[_Person]) -> str:
    name = load_settings(ws).representative
    if name:
        return name
    return next((p.name for p in staff if p.employed and "ceo" in p.roles), "")


# -- the emergency manual ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Version:
    id: str
    version_label: str
    status: str
    locked: bool
    approved_by: str
    approved_on: str
    posted_on: str
    revision_no: int
    created_by: str
    created_at: str
    retention_until: str
    sections: Mapping[str, Any]

    @property
    def effective(self) -> str:
        return self.posted_on or self.approved_on


def _versions(conn: Any) -> list[_Version]:
    rows = conn.execute(
        select(emergency_manuals)
        .where(emergency_manuals.c.deleted_at.is_(None))
        .order_by(emergency_manuals.c.revision_no, emergency_manuals.c.created_at)
    ).mappings()
    return [
        _Version(
            id=str(r["id"]),
            version_label=str(r["version_label"]),
            status=str(r["status"]),
            locked=r["locked_at"] is not None,
            approved_by=str(r["approved_by"] or ""),
            approved_on=fmt.day(r["approved_on"]),
            posted_on=fmt.day(r["posted_on"]),
            revision_no=int(r["revision_no"]),
            created_by=str(r["created_by"] or ""),
            created_at=str(r["created_at"] or ""),
            retention_until=fmt.day(r["retention_until"]),
            sections=dict(r["sections"] or {}),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class _Check:
    period: str
    status: str
    result: str
    reviewer: str
    reviewed_on: str
    findings: str
    owner_name: str
    owner_confirmed_on: str


def _manual_checks(conn: Any) -> list[_Check]:
    """The SAPA 4-8 half-yearly checks, the newest revision of each half-year, oldest first."""
    rows = conn.execute(
        select(compliance_checks)
        .where(compliance_checks.c.duty_code == MANUAL_DUTY, compliance_checks.c.deleted_at.is_(None))
        .order_by(compliance_checks.c.period, compliance_checks.c.revision_no)
    ).mappings()
    latest: dict[str, _Check] = {}
    for r in rows:
        latest[str(r["period"])] = _Check(
            period=str(r["period"]),
            status=str(r["status"]),
            result=str(r["status_at_review"] or ""),
            reviewer=str(r["reviewer"] or ""),
            reviewed_on=fmt.day(r["reviewed_on"]),
            findings=str(r["findings_text"] or ""),
            owner_name=str(r["owner_name"] or ""),
            owner_confirmed_on=fmt.day(r["owner_confirmed_on"]),
        )
    return list(latest.values())


@dataclass(frozen=True)
class _DrillRow:
    id: str
    drill_type: str
    scenario: str
    area: str
    day: str
    expected: int | None
    actual: int | None
    seconds_to_alarm: int | None
    seconds_to_evacuate: int | None
    observations: str


def _done_drills(conn: Any, area_names: Mapping[str, str]) -> list[_DrillRow]:
    """Every drill carried out, oldest first (a workspace holds a few per year)."""
    rows = conn.execute(
        select(drills)
        .where(
            drills.c.deleted_at.is_(None),
            drills.c.status.in_(DRILL_DONE),
            drills.c.performed_at.is_not(None),
        )
        .order_by(drills.c.performed_at)
    ).mappings()
    out = []
    for r in rows:
        out.append(
            _DrillRow(
                id=str(r["id"]),
                drill_type=str(r["drill_type"]),
                scenario=str(r["scenario"] or ""),
                area=area_names.get(str(r["area_id"] or ""), ""),
                day=fmt.moment(r["performed_at"])[:10],
                expected=r["headcount_expected"],
                actual=r["headcount_actual"],
                seconds_to_alarm=r["seconds_to_alarm"],
                seconds_to_evacuate=r["seconds_to_evacuate"],
                observations=str(r["observations"] or ""),
            )
        )
    return out


def _headcount(expected: int | None, actual: int | None) -> str:
    if expected is None and actual is None:
        return DASH
    return f"{or_dash(actual)} / {or_dash(expected)}"


def _check_text(check: _Check | None, lang: str) -> tuple[str, Tone]:
    t = fmt.translator(lang)
    if check is None:
        return t(N_("Not checked")), "bad"
    result = label(check.result, lang, CHECK_RESULTS) if check.result else DASH
    text = f"{result} · {t(N_('reviewed'))} {or_dash(check.reviewed_on)}"
    if check.status != "completed":
        text += f" ({t(N_('draft, not yet confirmed by the CEO'))})"
    return text, CHECK_TONES.get(check.result)


def _half_year_blocks(
    checks: Sequence[_Check],
    done: Sequence[_DrillRow],
    window: tuple[date, date],
    as_of: date,
    lang: str,
) -> list[Block]:
    t = fmt.translator(lang)
    blocks: list[Block] = [
        Heading(t(N_("Half-yearly check of the manual (SAPA Decree Art. 4-8)"))),
        Para(
            t(
                N_(
                    "At least once every half-year, check that actions follow this manual; "
                    "keep the check report for 5 years (Decree Art. 13)."
                )
            ),
            "note",
        ),
    ]
    by_period = {c.period: c for c in checks}
    current = HalfYear.containing(as_of)
    previous = current.previous()
    now_text, _tone = _check_text(by_period.get(current.code), lang)
    if current.code not in by_period:
        now_text = t(N_("Not checked yet — due by {day}")).format(day=current.end.isoformat())
    prev_text, _tone = _check_text(by_period.get(previous.code), lang)
    last = next((c for c in reversed(checks) if c.reviewed_on), None)
    in_half = sum(1 for d in done if d.day and current.contains(date.fromisoformat(d.day)))
    last_drill = done[-1] if done else None
    blocks.append(
        Fields(
            (
                (t(N_("This half-year")) + f" ({current.code})", now_text),
                (t(N_("Previous half-year")) + f" ({previous.code})", prev_text),
                (
                    t(N_("Last check")),
                    f"{last.period} · {last.reviewed_on}" if last else t(N_("No check recorded")),
                ),
                (t(N_("Drills carried out this half-year")), str(in_half)),
                (
                    t(N_("Last drill")),
                    f"{last_drill.day} · {label(last_drill.drill_type, lang)}" if last_drill else DASH,
                ),
                (t(N_("Checks on record")), str(len(checks))),
            )
        )
    )
    rows: list[tuple[CellValue, ...]] = []
    tones: list[Tone] = []
    for c in reversed(checks):
        rows.append(
            (
                Cell(c.period, align="centre"),
                Cell(or_dash(c.reviewed_on), align="centre"),
                or_dash(c.reviewer),
                Cell(label(c.result, lang, CHECK_RESULTS) if c.result else DASH, align="centre"),
                or_dash(c.findings),
                or_dash(f"{c.owner_name} {c.owner_confirmed_on}".strip() if c.owner_confirmed_on else ""),
            )
        )
        tones.append(CHECK_TONES.get(c.result) or ("muted" if c.status != "completed" else None))
    blocks.append(Heading(t(N_("Check reports")), 2))
    blocks.append(
        Table(
            headers=(
                t(N_("Half-year")),
                t(N_("Reviewed on")),
                t(N_("Reviewer")),
                t(N_("Result")),
                t(N_("Findings")),
                t(N_("Confirmed by the CEO")),
            ),
            rows=tuple(rows),
            widths=(1.1, 1.4, 1.2, 1.1, 5.0, 2.0),
            tones=tuple(tones),
            empty_text=t(N_("No half-yearly check of the manual is recorded.")),
        )
    )
    start, end = window
    in_window = [d for d in done if d.day and start.isoformat() <= d.day <= end.isoformat()]
    blocks.append(
        Heading(t(N_("Drills that checked the manual ({period})")).format(period=fmt.period(start, end)), 2)
    )
    drill_rows: list[tuple[CellValue, ...]] = []
    drill_tones: list[Tone] = []
    for d in reversed(in_window):
        short = d.expected is not None and d.actual is not None and d.actual < d.expected
        drill_rows.append(
            (
                Cell(d.day, align="centre"),
                label(d.drill_type, lang),
                or_dash(d.scenario),
                or_dash(d.area),
                Cell(_headcount(d.expected, d.actual), align="centre", bold=short),
                Cell(_mmss(d.seconds_to_evacuate), align="centre"),
                or_dash(d.observations),
            )
        )
        drill_tones.append("warn" if short else None)
    blocks.append(
        Table(
            headers=(
                t(N_("Date")),
                t(N_("Type")),
                t(N_("Scenario")),
                t(N_("Area")),
                t(N_("Present / expected")),
                t(N_("Evacuation (min:s)")),
                t(N_("Problems found")),
            ),
            rows=tuple(drill_rows),
            widths=(1.3, 1.4, 3.2, 1.2, 1.2, 1.2, 3.0),
            tones=tuple(drill_tones),
            empty_text=t(N_("No drill was carried out in this period.")),
        )
    )
    return blocks


def _organisation_table(staff: Sequence[_Person], lang: str) -> Table:
    t = fmt.translator(lang)
    order = list(EMERGENCY_ROLES)
    listed = [p for p in staff if p.employed and any(r in EMERGENCY_ROLES for r in p.roles)]
    listed.sort(key=lambda p: (min(order.index(r) for r in p.roles if r in EMERGENCY_ROLES), p.name))
    rows: list[tuple[CellValue, ...]] = []
    for p in listed:
        roles = ", ".join(t(EMERGENCY_ROLES[r]) for r in order if r in p.roles)
        where = p.company or fmt.names((p.department, p.job_title), " · ")
        rows.append((roles, p.name, or_dash(where), Cell(or_dash(p.phone), align="centre")))
    return Table(
        headers=(t(N_("Emergency role")), t(N_("Name")), t(N_("Department / company")), t(N_("Phone"))),
        rows=tuple(rows),
        widths=(3.6, 1.4, 3.4, 1.7),
        empty_text=t(N_("Nobody has an emergency role on the people list.")),
    )


def _section_text(sections: Mapping[str, Any], key: str) -> str:
    return str(sections.get(key) or "").strip()


def build_manual(ws: Workspace, request: ReportRequest) -> Report:
    assert request.record_id is not None
    lang = request.lang
    t = fmt.translator(lang)
    detail: ManualDetail = get_manual(ws, request.record_id)
    as_of = request.as_of
    with ws.reader() as conn:
        versions = _versions(conn)
        area_names = _area_names(conn, lang)
        site = (
            conn.execute(
                select(sites.c.name, sites.c.name_en, sites.c.floor_plan_sha256)
                .where(sites.c.deleted_at.is_(None))
                .order_by(sites.c.created_at)
                .limit(1)
            )
            .mappings()
            .first()
        )
        live_areas = conn.execute(
            select(areas.c.id).where(areas.c.deleted_at.is_(None)).order_by(areas.c.code, areas.c.name)
        ).scalars()
        covered = [area_names[str(a)] for a in live_areas if area_names.get(str(a))]
        checks = _manual_checks(conn)
        done = _done_drills(conn, area_names)
        staff = _people(conn, as_of)
    this = next((v for v in versions if v.id == detail.id), None)
    raw_sections: Mapping[str, Any] = this.sections if this else detail.sections
    previous = next((v for v in versions if v.id == detail.revision_of), None)
    effective = fmt.day(detail.posted_on) or fmt.day(detail.approved_on)
    later = [
        v
        for v in versions
        if v.locked and v.effective and v.revision_no > detail.revision_no and v.effective > (effective or "")
    ]
    site_name = ""
    floor_plan = None
    if site is not None:
        site_name = str((site["name_en"] if lang == "en" and site["name_en"] else site["name"]) or "")
        floor_plan = site["floor_plan_sha256"]

    blocks: list[Block] = []
    if not detail.locked:
        blocks.append(
            Para(t(N_("DRAFT — this version of the manual is not approved and not in force.")), "bad")
        )
    elif later:
        blocks.append(
            Para(
                t(N_("Superseded: version {version} replaced this one on {day}.")).format(
                    version=later[0].version_label, day=later[0].effective
                ),
                "bad",
            )
        )
    blocks.append(
        Fields(
            (
                (t(N_("Title")), detail.title),
                (t(N_("Version")), f"{detail.version_label} ({t(N_('revision'))} {detail.revision_no})"),
                (t(N_("Status")), label(detail.status, lang)),
                (t(N_("In force from")), or_dash(effective)),
                (t(N_("Approved by")), or_dash(detail.approved_by)),
                (t(N_("Approved on")), or_dash(fmt.day(detail.approved_on))),
                (t(N_("Posted on")), or_dash(fmt.day(detail.posted_on))),
                (t(N_("Prepared by")), or_dash(this.created_by if this else "")),
                (t(N_("Previous version")), previous.version_label if previous else DASH),
                (t(N_("Keep until")), or_dash(this.retention_until if this else "")),
            )
        )
    )
    blocks.append(
        Fields(
            (
                (t(N_("Workplace")), or_dash(site_name)),
                (
                    t(N_("Areas covered")),
                    t(N_("All areas of the workplace ({n}): {names}")).format(
                        n=len(covered), names=", ".join(covered)
                    )
                    if covered
                    else DASH,
                ),
            ),
            columns=1,
        )
    )
    blocks.append(
        Para(
            t(
                N_(
                    "SAPA Enforcement Decree Art. 4(8): prepare a manual for when a serious industrial "
                    "accident happens or is imminent, covering parts 가, 나 and 다 below, and check at "
                    "least once every half-year that actions follow it."
                )
            ),
            "note",
        )
    )

    blocks.append(Heading(t(N_("Measures required by SAPA Decree Art. 4-8"))))
    for key in REQUIRED_SECTIONS:
        blocks.append(Heading(t(MANUAL_PARTS[key]), 2))
        text = _section_text(raw_sections, key)
        blocks.append(Para(text or DASH))
        if not text:
            blocks.append(
                Para(
                    t(N_("This part is empty: the Decree requires it before the manual is approved.")), "bad"
                )
            )

    blocks.append(Heading(t(MANUAL_OTHER["contacts"])))
    blocks.append(Para(_section_text(raw_sections, "contacts") or DASH))
    blocks.append(
        Para(
            t(
                N_(
                    "Reporting: call 119 at once for fire, rescue and ambulance. Report a serious accident "
                    "to the regional MOEL office without delay by phone, fax or other means — what happened "
                    "and the damage, the actions taken and the outlook, other important matters "
                    "(OSH Act Art. 54②, Rule Art. 67)."
                )
            ),
            "note",
        )
    )
    blocks.append(Heading(t(N_("Emergency organisation and phone list")), 2))
    blocks.append(_organisation_table(staff, lang))

    blocks.append(Heading(t(MANUAL_OTHER["routes"])))
    blocks.append(Para(_section_text(raw_sections, "routes") or DASH))
    if floor_plan:
        blocks.append(
            Photos((PhotoRef(str(floor_plan), t(N_("Site map (floor plan)"))),), columns=1, max_height_mm=95)
        )

    blocks.append(Heading(t(MANUAL_OTHER["equipment"])))
    blocks.append(Para(_section_text(raw_sections, "equipment") or DASH))

    extra = [k for k in raw_sections if k not in MANUAL_SECTIONS and _section_text(raw_sections, k)]
    for key in extra:  # parts an import or an older version stored beyond the known ones
        blocks.append(Heading(key.replace("_", " ").capitalize()))
        blocks.append(Para(_section_text(raw_sections, key)))

    start = date.fromisoformat(effective) if effective else as_of - timedelta(days=365)
    end = as_of
    if later:
        end = min(end, date.fromisoformat(later[0].effective) - timedelta(days=1))
    blocks.extend(_half_year_blocks(checks, done, (start, max(start, end)), as_of, lang))

    blocks.append(Heading(t(N_("Versions of the manual"))))
    version_rows: list[tuple[CellValue, ...]] = []
    version_tones: list[Tone] = []
    for v in versions:
        version_rows.append(
            (
                Cell(v.version_label, align="centre", bold=v.id == detail.id),
                Cell(str(v.revision_no), align="centre"),
                Cell(label(v.status, lang), align="centre"),
                Cell(or_dash(v.effective), align="centre"),
                or_dash(v.approved_by),
                Cell(or_dash(v.approved_on), align="centre"),
                or_dash(v.created_by),
            )
        )
        version_tones.append("good" if v.id == detail.id else None)
    blocks.append(
        Table(
            headers=(
                t(N_("Version")),
                t(N_("Revision")),
                t(N_("Status")),
                t(N_("In force from")),
                t(N_("Approved by")),
                t(N_("Approved on")),
                t(N_("Prepared by")),
            ),
            rows=tuple(version_rows),
            widths=(1.0, 0.9, 1.2, 1.5, 1.5, 1.5, 1.5),
            tones=tuple(version_tones),
        )
    )

    blocks.append(Heading(t(N_("Signatures"))))
    blocks.append(
        Signatures(
            (
                (t(N_("Prepared by")), this.created_by if this else ""),
                (t(N_("Safety manager")), _safety_manager(staff)),
                (t(N_("Approved by")), detail.approved_by or _approver(ws, staff)),
            )
        )
    )
    return Report(
        kind="emergency-manual",
        title=t(N_("Serious-accident emergency manual")),
        lang=lang,
        blocks=tuple(blocks),
        record=("emergency_manuals", detail.id),
        subtitle=" · ".join(
            p
            for p in (
                detail.title,
                f"v{detail.version_label}",
                t(N_("in force from {day}")).format(day=effective) if effective else "",
            )
            if p
        ),
        file_stem=f"emergency_manual_v{detail.version_label}",
    )


# -- the drill record ------------------------------------------------------------------------------


def _answer(view: FormRecordView | None, key: str) -> AnswerData | None:
    return view.answers.get(key) if view else None


def _answer_text(view: FormRecordView | None, key: str) -> str:
    answer = _answer(view, key)
    return (answer.text or "").strip() if answer else ""


def _answer_number(view: FormRecordView | None, key: str) -> int | None:
    answer = _answer(view, key)
    return int(answer.number) if answer and answer.number is not None else None


def _start_time(drill: DrillDetail, view: FormRecordView | None) -> datetime | None:
    if drill.performed_at:
        try:
            return parse_iso_utc(drill.performed_at).astimezone()
        except ValueError:
            pass
    stored = _answer_text(view, "started_at")
    if stored:
        try:
            return datetime.fromisoformat(stored)
        except ValueError:
            return None
    return None


def _timeline(drill: DrillDetail, view: FormRecordView | None, lang: str) -> list[Block]:
    t = fmt.translator(lang)
    start = _start_time(drill, view)
    alarm = drill.seconds_to_alarm
    evacuate = drill.seconds_to_evacuate
    steps: list[tuple[int, str, int | None]] = []  # (seconds from the start, what, step length)
    if start is not None or alarm is not None or evacuate is not None:
        steps.append((0, t(N_("Drill started: the emergency is simulated")), None))
    if alarm is not None:
        steps.append((alarm, t(N_("Alarm raised")), alarm))
    if evacuate is not None:
        at = (alarm or 0) + evacuate
        what = t(N_("Evacuation complete: everyone out and at the assembly point"))
        steps.append((at, what, evacuate))
    rows: list[tuple[CellValue, ...]] = []
    for seconds, what, length in steps:
        clock = (start + timedelta(seconds=seconds)).strftime("%H:%M:%S") if start else DASH
        rows.append(
            (
                Cell(clock, align="centre"),
                Cell(_mmss(seconds), align="centre", bold=True),
                what,
                Cell(_duration(length, lang) if length is not None else DASH, align="centre"),
            )
        )
    blocks: list[Block] = [
        Heading(t(N_("Timeline"))),
        Table(
            headers=(t(N_("Time")), t(N_("Elapsed (min:s)")), t(N_("Step")), t(N_("Step took"))),
            rows=tuple(rows),
            widths=(1.3, 1.3, 6.0, 1.6),
            empty_text=t(N_("No times were recorded for this drill.")),
        ),
    ]
    if evacuate is not None:
        total = (alarm or 0) + evacuate
        blocks.append(
            Para(
                t(N_("From the start to full evacuation: {total}.")).format(total=_duration(total, lang)),
                "small",
            )
        )
    return blocks


def _history(drill: DrillDetail, done: Sequence[_DrillRow], lang: str, limit: int = 5) -> list[Block]:
    """The latest earlier drills of the same type, to compare the times with."""
    t = fmt.translator(lang)
    same = [d for d in done if d.drill_type == drill.drill_type and d.id != drill.id]
    this_day = fmt.moment(drill.performed_at)[:10] if drill.performed_at else drill.planned_on
    earlier = [d for d in same if d.day <= this_day][-limit:]
    if not earlier:
        return []
    rows: list[tuple[CellValue, ...]] = []
    for d in reversed(earlier):
        rows.append(
            (
                Cell(d.day, align="centre"),
                Cell(_mmss(d.seconds_to_alarm), align="centre"),
                Cell(_mmss(d.seconds_to_evacuate), align="centre"),
                Cell(_headcount(d.expected, d.actual), align="centre"),
                or_dash(d.observations),
            )
        )
    return [
        Heading(t(N_("Earlier drills of this type")), 2),
        Table(
            headers=(
                t(N_("Date")),
                t(N_("To alarm (min:s)")),
                t(N_("Evacuation (min:s)")),
                t(N_("Present / expected")),
                t(N_("Problems found")),
            ),
            rows=tuple(rows),
            widths=(1.3, 1.3, 1.3, 1.3, 5.0),
        ),
    ]


@dataclass(frozen=True)
class RollCall:
    """Who was expected at the assembly point and who was there (``present`` None: not recorded)."""

    entries: tuple[tuple[str, str, bool | None], ...]  # (name, department/company, present)
    expected: int | None
    present: int | None
    from_roll_call: bool  # True: per-person presence was recorded (the drill was run in the app)

    @property
    def absent(self) -> int | None:
        if self.expected is None or self.present is None:
            return None
        return max(self.expected - self.present, 0)


def roll_call(drill: DrillDetail, view: FormRecordView | None, staff: Sequence[_Person]) -> RollCall:
    by_id = {p.id: p for p in staff}
    by_name: dict[str, _Person] = {}
    for p in staff:
        by_name.setdefault(p.name, p)

    def where(person: _Person | None) -> str:
        if person is None:
            return ""
        return person.company or person.department or person.job_title

    stored = view.header.get("roll_call") if view else None
    if isinstance(stored, list) and stored:
        entries: list[tuple[str, str, bool | None]] = []
        for item in stored:
            if not isinstance(item, Mapping):
                continue
            person = by_id.get(str(item.get("person_id") or "")) or by_name.get(str(item.get("name") or ""))
            name = str(item.get("name") or (person.name if person else ""))
            entries.append((name, where(person), bool(item.get("present"))))
        present = sum(1 for e in entries if e[2])
        return RollCall(
            entries=tuple(entries),
            expected=drill.headcount_expected if drill.headcount_expected is not None else len(entries),
            present=drill.headcount_actual if drill.headcount_actual is not None else present,
            from_roll_call=True,
        )
    answer = _answer(view, "participants")
    values: Iterable[str] = answer.values if answer and answer.values else ()
    if answer and not answer.values and answer.text:
        values = [v.strip() for v in answer.text.split(",") if v.strip()]
    entries = []  # presence not recorded per person
    for value in values:
        person = by_id.get(value) or by_name.get(value)
        entries.append((person.name if person else value, where(person), None))
    return RollCall(
        entries=tuple(entries),
        expected=drill.headcount_expected
        if drill.headcount_expected is not None
        else _answer_number(view, "headcount_expected"),
        present=drill.headcount_actual
        if drill.headcount_actual is not None
        else _answer_number(view, "headcount_actual"),
        from_roll_call=False,
    )


def _roll_call_blocks(call: RollCall, lang: str) -> list[Block]:
    t = fmt.translator(lang)
    absent = call.absent
    blocks: list[Block] = [
        Heading(t(N_("Roll call at the assembly point"))),
        Fields(
            (
                (t(N_("Expected")), or_dash(call.expected)),
                (t(N_("Present")), or_dash(call.present)),
                (t(N_("Absent / not accounted for")), or_dash(absent)),
                (t(N_("Names on the record")), str(len(call.entries))),
            )
        ),
    ]
    if absent:
        blocks.append(
            Para(
                t(N_("{n} person(s) were not accounted for at the assembly point.")).format(n=absent),
                "bad",
            )
        )
    rows: list[tuple[CellValue, ...]] = []
    tones: list[Tone] = []
    order = (
        sorted(call.entries, key=lambda e: (e[2] is not False, e[0])) if call.from_roll_call else call.entries
    )
    for number, (name, where, present) in enumerate(order, start=1):
        if present is None:
            mark = Cell(DASH, align="centre")
        elif present:
            mark = Cell(t(N_("Present")), align="centre")
        else:
            mark = Cell(t(N_("Absent")), align="centre", bold=True)
        rows.append((Cell(str(number), align="centre"), name, or_dash(where), mark))
        tones.append("warn" if present is False else None)
    if not call.from_roll_call and absent:
        rows.append(
            (
                Cell(DASH, align="centre"),
                Cell(
                    t(N_("{n} not accounted for — names not recorded")).format(n=absent),
                    bold=True,
                    span=2,
                ),
                Cell(t(N_("Absent")), align="centre", bold=True),
            )
        )
        tones.append("warn")
    if call.entries:
        if call.from_roll_call:
            present_count: int | None = sum(1 for e in call.entries if e[2])
            absent_count: int | None = sum(1 for e in call.entries if e[2] is False)
        else:
            present_count, absent_count = call.present, absent
        rows.append(
            (
                Cell(t(N_("Total")), bold=True, span=3),
                Cell(
                    t(N_("{present} present / {absent} absent")).format(
                        present=or_dash(present_count), absent=or_dash(absent_count)
                    ),
                    bold=True,
                    align="centre",
                ),
            )
        )
        tones.append("head")
    blocks.append(
        Table(
            headers=(
                t(N_("No.")),
                t(N_("Name")),
                t(N_("Department / company")),
                t(N_("At the assembly point")),
            ),
            rows=tuple(rows),
            widths=(0.6, 2.6, 3.8, 2.4),
            tones=tuple(tones),
            empty_text=t(N_("No names were recorded for this drill.")),
            font_size=8,
        )
    )
    if not call.from_roll_call and call.entries:
        blocks.append(
            Para(
                t(
                    N_(
                        "The names are the participants recorded on the drill form; presence was counted, "
                        "not ticked per person."
                    )
                ),
                "note",
            )
        )
    return blocks


def _checks_blocks(view: FormRecordView | None, drill_type: str, lang: str) -> list[Block]:
    t = fmt.translator(lang)
    rows: list[tuple[CellValue, ...]] = []
    tones: list[Tone] = []
    for key, question in DRILL_CHECKS.items():
        answer = _answer(view, key)
        not_this_drill = key.startswith("cs_") and drill_type != "confined_space_rescue"
        if not_this_drill and (answer is None or answer.result in (None, "na")):
            continue
        result = (answer.result or "") if answer else ""
        text = t(RESULT_TEXT[result]) if result in RESULT_TEXT else DASH
        rows.append(
            (
                t(question),
                Cell(text, align="centre", bold=result in ("fail", "no")),
                or_dash(answer.note if answer else ""),
            )
        )
        tones.append("bad" if result in ("fail", "no") else ("muted" if result == "na" else None))
    return [
        Heading(t(N_("Results checked"))),
        Table(
            headers=(t(N_("Item")), t(N_("Result")), t(N_("Note"))),
            rows=tuple(rows),
            widths=(5.0, 1.1, 4.4),
            tones=tuple(tones),
        ),
    ]


def _drill_actions(drill: DrillDetail, form_actions: Sequence[LinkedAction]) -> list[LinkedAction]:
    seen: set[str] = set()
    out: list[LinkedAction] = []
    for action in (*drill.actions, *form_actions):
        if action.id not in seen:
            seen.add(action.id)
            out.append(action)
    out.sort(key=lambda a: (a.due_on, a.title))
    return out


def _actions_blocks(
    actions: Sequence[LinkedAction], view: FormRecordView | None, as_of: date, lang: str
) -> list[Block]:
    t = fmt.translator(lang)
    rows: list[tuple[CellValue, ...]] = []
    tones: list[Tone] = []
    for number, a in enumerate(actions, start=1):
        overdue = days_overdue(a.status, a.due_on, as_of) > 0
        status = label(a.status, lang)
        if overdue:
            status += f" · {t(N_('overdue'))}"
        rows.append(
            (
                Cell(str(number), align="centre"),
                a.title,
                or_dash(a.owner_name),
                Cell(or_dash(fmt.day(a.due_on)), align="centre"),
                Cell(status, align="centre", bold=overdue),
            )
        )
        tones.append("bad" if overdue else ("good" if a.status in ("done", "verified") else None))
    unactioned = [f for f in (view.findings if view else ()) if f.action_id is None]
    for f in unactioned:
        rows.append(
            (
                Cell(DASH, align="centre"),
                f"{f.description}\n{t(N_('(no corrective action yet)'))}",
                DASH,
                Cell(DASH, align="centre"),
                Cell(label(f.status, lang), align="centre"),
            )
        )
        tones.append("warn")
    return [
        Heading(t(N_("Corrective actions from the drill"))),
        Table(
            headers=(t(N_("No.")), t(N_("Corrective action")), t(N_("Owner")), t(N_("Due")), t(N_("Status"))),
            rows=tuple(rows),
            widths=(0.5, 6.2, 1.4, 1.4, 1.6),
            tones=tuple(tones),
            empty_text=t(N_("No corrective actions were raised from this drill.")),
        ),
    ]


def build_drill(ws: Workspace, request: ReportRequest) -> Report:
    assert request.record_id is not None
    lang = request.lang
    t = fmt.translator(lang)
    drill = get_drill(ws, request.record_id)
    view = load_form_record(ws, drill.form_record_id) if drill.form_record_id else None
    with ws.reader() as conn:
        area_names = _area_names(conn, lang)
        staff = _people(conn, request.as_of)
        done = _done_drills(conn, area_names)
        form_actions = actions_for(conn, drill.form_record_id) if drill.form_record_id else ()
    area = area_names.get(drill.area_id or "", "") or (drill.area_name or "")
    carried_out = drill.status in DRILL_DONE
    status = label("drill_done" if carried_out else drill.status, lang)
    when = fmt.moment(drill.performed_at, with_weekday=True, lang=lang) if drill.performed_at else ""
    if not when and _answer_text(view, "started_at"):
        when = _answer_text(view, "started_at").replace("T", " ")
    leader = _answer_text(view, "responsible_person")
    observer = _answer_text(view, "evaluator")
    recorded_by = (view.performed_by_name if view else None) or ""

    blocks: list[Block] = []
    if not carried_out:
        blocks.append(
            Para(
                t(N_("PLANNED — this drill has not been carried out yet; the results below are empty.")),
                "bad",
            )
        )
    elif view is not None and not view.locked:
        blocks.append(Para(t(N_("The drill-record form is still a draft and may change.")), "bad"))
    blocks.append(
        Fields(
            (
                (t(N_("Type of drill")), label(drill.drill_type, lang)),
                (t(N_("Status")), status),
                (t(N_("Planned on")), or_dash(fmt.day(drill.planned_on))),
                (t(N_("Carried out")), or_dash(when)),
                (t(N_("Area")), or_dash(area)),
                (t(N_("Place")), or_dash(_answer_text(view, "place"))),
                (t(N_("Drill leader")), or_dash(leader)),
                (t(N_("Observer (evaluator)")), or_dash(observer)),
                (t(N_("Recorded by")), or_dash(recorded_by)),
                (t(N_("Next drill due")), or_dash(_answer_text(view, "next_drill_due"))),
            )
        )
    )
    blocks.append(
        Fields(
            (
                (t(N_("Scenario")), or_dash(drill.scenario or _answer_text(view, "scenario"))),
                (t(N_("What was practised")), or_dash(_answer_text(view, "contents"))),
                (t(N_("Roles")), or_dash(_answer_text(view, "roles"))),
                (t(N_("Contractors taking part")), or_dash(_answer_text(view, "contractor_participants"))),
            ),
            columns=1,
        )
    )
    basis = [t(DRILL_LEGAL_BASIS[drill.drill_type])] if drill.drill_type in DRILL_LEGAL_BASIS else []
    blocks.append(Para(" ".join([*basis, t(DRILL_COMMON_BASIS)]), "note"))

    blocks.extend(_timeline(drill, view, lang))
    blocks.extend(_history(drill, done, lang))
    blocks.extend(_roll_call_blocks(roll_call(drill, view, staff), lang))
    blocks.extend(_checks_blocks(view, drill.drill_type, lang))

    blocks.append(Heading(t(N_("Observations"))))
    problems = _answer_text(view, "problems_found")
    observations = drill.observations.strip()
    items: list[tuple[str, str]] = [(t(N_("Observations")), or_dash(observations or problems))]
    if problems and problems != observations:
        items.append((t(N_("Problems found")), problems))
    items += [
        (t(N_("Improvements planned")), or_dash(_answer_text(view, "corrective_actions"))),
        (t(N_("Equipment used")), or_dash(_answer_text(view, "equipment_used"))),
    ]
    blocks.append(Fields(tuple(items), columns=1))

    blocks.extend(_actions_blocks(_drill_actions(drill, form_actions), view, request.as_of, lang))

    photo_answer = _answer(view, "photos")
    photos = list(photo_answer.attachments) if photo_answer else []
    if photos:
        blocks.append(Heading(t(N_("Photos"))))
        blocks.append(
            Photos(
                tuple(
                    PhotoRef(sha, f"{t(N_('Drill'))} {fmt.day(drill.planned_on)} ({i})")
                    for i, sha in enumerate(photos, start=1)
                ),
                max_height_mm=70,
            )
        )
    blocks.append(Heading(t(N_("Signatures"))))
    signed = _answer(view, "responsible_signature")
    if signed and signed.attachments:
        blocks.append(
            Para(
                t(N_("Signed on the drill-record form by {name}.")).format(name=or_dash(leader)),
                "note",
            )
        )
    blocks.append(
        Signatures(
            (
                (t(N_("Drill leader")), leader),
                (t(N_("Safety manager")), _safety_manager(staff)),
                (t(N_("Approved by")), _approver(ws, staff)),
            )
        )
    )
    day = fmt.moment(drill.performed_at)[:10] if drill.performed_at else fmt.day(drill.planned_on)
    return Report(
        kind="drill",
        title=t(N_("Emergency drill record")),
        lang=lang,
        blocks=tuple(blocks),
        record=("drills", drill.id),
        subtitle=" · ".join(p for p in (label(drill.drill_type, lang), day, area) if p),
        file_stem=f"drill_{day}_{drill.drill_type}",
    )


KINDS = (
    ReportKind(
        "emergency-manual",
        N_("Serious-accident emergency manual"),
        "record",
        build_manual,
        entity="emergency_manuals",
        description=N_(
            "SAPA Decree Art. 4-8 manual: parts 가/나/다, contacts, routes, equipment, half-yearly check"
        ),
    ),
    ReportKind(
        "drill",
        N_("Emergency drill record"),
        "record",
        build_drill,
        entity="drills",
        description=N_("Drill header, timeline, roll call, results, observations, corrective actions"),
    ),
)
