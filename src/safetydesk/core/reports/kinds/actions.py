"""The corrective action register for a period, and one corrective action on its own (ISO 45001 10.2).

The register answers the questions an auditor or the CEO asks of the CAPA log: what was raised, by
whom it is owned, what is still open, what is late and by how much, and how quickly things get closed.
Filters (``--filter status=open`` …) narrow the rows in SQL, so a register over years of actions
still reads only the rows it prints.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, not_, or_, select

from safetydesk.core.db.tables import (
    areas,
    audit_events,
    corrective_actions,
    findings,
    people,
)
from safetydesk.core.errors import UserError
from safetydesk.core.i18n import N_, _
from safetydesk.core.labels import label
from safetydesk.core.queries.actions import OPEN_STATUSES, ActionDetail, action_detail
from safetydesk.core.reports import fmt
from safetydesk.core.reports.context import ReportRequest
from safetydesk.core.reports.kind import ReportKind
from safetydesk.core.reports.model import (
    BarChart,
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
    Spacer,
    Table,
    Tone,
)
from safetydesk.core.workspace.workspace import Workspace

CLOSED = ("done", "verified")  # the work is finished
STATUS_FILTERS: dict[str, tuple[str, ...]] = {
    "open": OPEN_STATUSES,  # "open" in a filter means every action not yet done, in progress or not
    "in_progress": ("in_progress",),
    "done": ("done",),
    "verified": ("verified",),
    "closed": CLOSED,
    "cancelled": ("cancelled",),
}
SEVERITIES = ("low", "medium", "high")
FILTER_KEYS = ("status", "area", "source", "owner", "overdue", "severity")
DUE_SOON_DAYS = 7
AGE_BUCKETS: tuple[tuple[int, int | None, str], ...] = (
    (0, 7, N_("0–7 days")),
    (8, 30, N_("8–30 days")),
    (31, 90, N_("31–90 days")),
    (91, None, N_("over 90 days")),
)
TRUE_WORDS = frozenset({"1", "true", "yes", "y", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "n", "off"})

EVENT_LABELS = {
    "create": N_("Raised"),
    "update": N_("Updated"),
    "done": N_("Marked done"),
    "verify": N_("Verified and closed"),
    "reopen": N_("Reopened"),
    "close": N_("Closed"),
    "delete": N_("Deleted"),
    "restore": N_("Restored"),
}
EVIDENCE_ROLES = {"before": N_("Before"), "after": N_("After"), "photo": N_("Photo")}
MAX_EVIDENCE_PHOTOS = 24


# -- filters ------------------------------------------------------------------------------------------


def _values(raw: object) -> list[str]:
    """A filter value as a list of words: ``"done,verified"``, ``["done", "verified"]`` or ``"done"``."""
    items: Iterable[object] = raw if isinstance(raw, list | tuple | set | frozenset) else (raw,)
    out: list[str] = []
    for item in items:
        out.extend(part.strip() for part in str(item).split(",") if part.strip())
    return out


def _bad_value(key: str, value: object, allowed: Iterable[str]) -> UserError:
    return UserError(
        N_("“{value}” is not a value the {key} filter knows."),
        N_("Use one of: {values}."),
        key=key,
        value=str(value),
        values=", ".join(allowed),
    )


def _flag(key: str, raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise _bad_value(key, raw, ("1", "0"))


@dataclass(frozen=True)
class AppliedFilter:
    key: str
    condition: ColumnElement[bool]
    words: str  # the filter in the report's language, for the summary


def _raised_on() -> ColumnElement[Any]:
    """The day the action was raised: its finding's date, else the local day it was created."""
    return func.coalesce(findings.c.found_on, func.date(corrective_actions.c.created_at, "localtime"))


def _area_ids(conn: Any, wanted: list[str], lang: str) -> tuple[list[str], list[str]]:
    """Area ids and display names matching ids, codes or names (Korean or English)."""
    rows = conn.execute(
        select(areas.c.id, areas.c.code, areas.c.name, areas.c.name_en).where(areas.c.deleted_at.is_(None))
    ).all()
    ids: list[str] = []
    names: list[str] = []
    for word in wanted:
        low = word.casefold()
        hits = [r for r in rows if low in {str(v).casefold() for v in (r.id, r.code, r.name, r.name_en) if v}]
        if not hits:
            known = sorted({str(r.name) for r in rows})
            raise UserError(
                N_("There is no area called “{value}” in this workspace."),
                N_("Use the area's name, code or id: {values}."),
                value=word,
                values=", ".join(known),
            )
        ids.extend(str(r.id) for r in hits)
        for r in hits:
            name = str((r.name_en if lang == "en" and r.name_en else r.name) or r.code)
            if name not in names:
                names.append(name)
    return ids, names


def applied_filters(conn: Any, filters: Mapping[str, Any], as_of: date, lang: str) -> list[AppliedFilter]:
    """Turn ``request.filters`` into SQL conditions; unknown keys and values are a :class:`UserError`."""
    t = fmt.translator(lang)
    unknown = [k for k in filters if k not in FILTER_KEYS]
    if unknown:
        raise UserError(
            N_("The corrective action register has no filter “{key}”."),
            N_("Filters you can use: {keys}. For example: --filter status=open"),
            key=unknown[0],
            keys=", ".join(FILTER_KEYS),
        )
    ca = corrective_actions.c
    out: list[AppliedFilter] = []
    for key in FILTER_KEYS:
        if key not in filters or filters[key] is None or str(filters[key]).strip() == "":
            continue
        raw = filters[key]
        words = _values(raw)
        if key == "status":
            codes: list[str] = []
            for word in words:
                if word not in STATUS_FILTERS:
                    raise _bad_value(key, word, STATUS_FILTERS)
                codes.extend(c for c in STATUS_FILTERS[word] if c not in codes)
            shown = ", ".join(
                t(N_("open (not yet done)"))
                if w == "open"
                else t(N_("closed (done or verified)"))
                if w == "closed"
                else label(w, lang)
                for w in words
            )
            out.append(AppliedFilter(key, ca.status.in_(codes), t(N_("Status")) + ": " + shown))
        elif key == "area":
            ids, names = _area_ids(conn, words, lang)
            out.append(AppliedFilter(key, ca.area_id.in_(ids), t(N_("Area")) + ": " + ", ".join(names)))
        elif key == "source":
            shown = ", ".join(label(w, lang) for w in words)
            out.append(AppliedFilter(key, ca.source_kind.in_(words), t(N_("Source")) + ": " + shown))
        elif key == "owner":
            by_person = select(people.c.id).where(or_(people.c.name.in_(words), people.c.name_en.in_(words)))
            out.append(
                AppliedFilter(
                    key,
                    or_(ca.owner_name.in_(words), ca.owner_id.in_(words), ca.owner_id.in_(by_person)),
                    t(N_("Owner")) + ": " + ", ".join(words),
                )
            )
        elif key == "overdue":
            late = and_(ca.status.in_(OPEN_STATUSES), ca.due_on < as_of.isoformat())
            if _flag(key, raw):
                out.append(AppliedFilter(key, late, t(N_("Overdue only"))))
            else:
                out.append(AppliedFilter(key, not_(late), t(N_("Not overdue"))))
        elif key == "severity":
            for word in words:
                if word not in SEVERITIES:
                    raise _bad_value(key, word, SEVERITIES)
            shown = ", ".join(label(w, lang) for w in words)
            out.append(AppliedFilter(key, findings.c.severity.in_(words), t(N_("Severity")) + ": " + shown))
    return out


# -- the register -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterRow:
    id: str
    raised_on: date
    source: str
    area: str
    title: str
    finding: str
    owner: str
    due_on: date
    status: str
    done_on: date | None

    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def overdue_days(self, as_of: date) -> int:
        return max(0, (as_of - self.due_on).days) if self.is_open() else 0

    def ageing(self, as_of: date) -> int | None:
        """Days open so far, or the days it took to close; none for a cancelled action."""
        if self.is_open():
            return max(0, (as_of - self.raised_on).days)
        if self.status in CLOSED and self.done_on is not None:
            return max(0, (self.done_on - self.raised_on).days)
        return None


def register_query(
    conditions: Iterable[ColumnElement[bool]], start: date | None, end: date | None
) -> Select[Any]:
    raised = _raised_on()
    ca = corrective_actions.c
    query = (
        select(
            ca.id,
            raised.label("raised_on"),
            ca.source_kind,
            areas.c.name.label("area_name"),
            areas.c.name_en.label("area_name_en"),
            ca.title,
            findings.c.description.label("finding_text"),
            ca.owner_name,
            ca.due_on,
            ca.status,
            ca.done_on,
        )
        .select_from(
            corrective_actions.outerjoin(areas, areas.c.id == ca.area_id).outerjoin(
                findings, findings.c.id == ca.finding_id
            )
        )
        .where(ca.deleted_at.is_(None), *conditions)
        .order_by(raised, ca.due_on, ca.id)
    )
    if start:
        query = query.where(raised >= start.isoformat())
    if end:
        query = query.where(raised <= end.isoformat())
    return query


def _date(value: object) -> date | None:
    if value is None or value == "":
        return None
    return date.fromisoformat(str(value)[:10])


def load_register(ws: Workspace, request: ReportRequest) -> tuple[list[RegisterRow], list[AppliedFilter]]:
    lang = request.lang
    with ws.reader() as conn:
        applied = applied_filters(conn, request.filters, request.as_of, lang)
        result = conn.execute(
            register_query((f.condition for f in applied), request.date_from, request.date_to)
        ).all()
    rows = []
    for r in result:
        area = (r.area_name_en if lang == "en" and r.area_name_en else r.area_name) or ""
        raised = _date(r.raised_on)
        due = _date(r.due_on)
        assert raised is not None and due is not None
        rows.append(
            RegisterRow(
                id=str(r.id),
                raised_on=raised,
                source=str(r.source_kind),
                area=area,
                title=str(r.title or ""),
                finding=str(r.finding_text or ""),
                owner=str(r.owner_name or ""),
                due_on=due,
                status=str(r.status),
                done_on=_date(r.done_on),
            )
        )
    return rows, applied


@dataclass(frozen=True)
class RegisterSummary:
    total: int
    open: int
    overdue: int
    closed: int
    closed_on_time: int
    on_time_percent: float | None
    median_days_to_close: float | None
    buckets: tuple[int, ...]
    overdue_in_bucket: tuple[int, ...]


def _bucket(days: int) -> int:
    for i, (low, high, _label) in enumerate(AGE_BUCKETS):
        if days >= low and (high is None or days <= high):
            return i
    return 0


def summarise(rows: list[RegisterRow], as_of: date) -> RegisterSummary:
    buckets = [0] * len(AGE_BUCKETS)
    late_buckets = [0] * len(AGE_BUCKETS)
    closed = [r for r in rows if r.status in CLOSED and r.done_on is not None]
    for r in rows:
        if r.is_open():
            i = _bucket(r.ageing(as_of) or 0)
            buckets[i] += 1
            late_buckets[i] += r.overdue_days(as_of) > 0
    durations = [max(0, (r.done_on - r.raised_on).days) for r in closed if r.done_on is not None]
    on_time = sum(1 for r in closed if r.done_on is not None and r.done_on <= r.due_on)
    return RegisterSummary(
        total=len(rows),
        open=sum(1 for r in rows if r.is_open()),
        overdue=sum(1 for r in rows if r.overdue_days(as_of) > 0),
        closed=len(closed),
        closed_on_time=on_time,
        on_time_percent=100.0 * on_time / len(closed) if closed else None,
        median_days_to_close=float(statistics.median(durations)) if durations else None,
        buckets=tuple(buckets),
        overdue_in_bucket=tuple(late_buckets),
    )


def _row_cells(n: int, row: RegisterRow, as_of: date, lang: str) -> tuple[tuple[CellValue, ...], Tone]:
    t = fmt.translator(lang)
    late = row.overdue_days(as_of)
    ageing = row.ageing(as_of)
    text = row.title or row.finding
    if row.finding and row.finding.strip() != row.title.strip():
        text += "\n(" + t(N_("Finding")) + ": " + row.finding + ")"
    status = label(row.status, lang)
    tone: Tone = None
    if late > 0:
        tone = "bad"
        status += "\n" + t(N_("OVERDUE"))
    elif row.is_open() and row.due_on <= as_of + timedelta(days=DUE_SOON_DAYS):
        tone = "warn"
        status += "\n" + t(N_("due soon"))
    elif not row.is_open():
        tone = "muted"
    cells: tuple[CellValue, ...] = (
        Cell(str(n), align="right"),
        Cell(fmt.day(row.raised_on), align="centre"),
        label(row.source, lang),
        row.area or "—",
        text,
        row.owner,
        Cell(fmt.day(row.due_on), align="centre", bold=late > 0),
        Cell(status, align="centre", bold=late > 0),
        Cell(fmt.day(row.done_on), align="centre"),
        Cell("" if ageing is None else str(ageing), align="right"),
        Cell(str(late), align="right", bold=True) if late else Cell("", align="right"),
    )
    return cells, tone


def build_register(ws: Workspace, request: ReportRequest) -> Report:
    lang = request.lang
    t = fmt.translator(lang)
    as_of = request.as_of
    rows, applied = load_register(ws, request)
    s = summarise(rows, as_of)
    period = fmt.period(request.date_from, request.date_to) or t(N_("All records"))
    words = "; ".join(f.words for f in applied) or t(N_("none (every action)"))
    median = (
        t(N_("{n} days")).format(n=fmt.number(s.median_days_to_close))
        if s.median_days_to_close is not None
        else "—"
    )
    on_time = (
        f"{fmt.percent(s.on_time_percent)} ({s.closed_on_time}/{s.closed})"
        if s.on_time_percent is not None
        else "—"
    )
    blocks: list[Block] = [
        Fields(
            (
                (t(N_("Period (raised)")), period),
                (t(N_("As of")), fmt.day(as_of)),
                (t(N_("Filters")), words),
                (t(N_("Total actions")), str(s.total)),
                (t(N_("Open")), str(s.open)),
                (t(N_("Overdue")), str(s.overdue)),
                (t(N_("Closed on time")), on_time),
                (t(N_("Median days to close")), median),
            ),
            columns=4,
        ),
        Spacer(3),
    ]
    if s.open:
        labels = []
        tones: list[Tone] = []
        for (_low, _high, msgid), late in zip(AGE_BUCKETS, s.overdue_in_bucket, strict=True):
            text = t(msgid)
            if late:
                text += " · " + t(N_("{n} overdue")).format(n=late)
            labels.append(text)
            tones.append("bad" if late else None)
        blocks.append(
            BarChart(
                t(N_("Open actions by age (days since raised)")),
                tuple(labels),
                tuple(float(v) for v in s.buckets),
                tuple(tones),
                height_mm=42,
            )
        )
    elif rows:
        blocks.append(Para(t(N_("No open actions: every action in this register is closed.")), "note"))
    body: list[tuple[CellValue, ...]] = []
    row_tones: list[Tone] = []
    for n, row in enumerate(rows, start=1):
        cells, tone = _row_cells(n, row, as_of, lang)
        body.append(cells)
        row_tones.append(tone)
    blocks.append(Heading(t(N_("Corrective actions"))))
    blocks.append(
        Table(
            headers=(
                t(N_("No.")),
                t(N_("Raised on")),
                t(N_("Source")),
                t(N_("Area")),
                t(N_("Finding / action")),
                t(N_("Owner")),
                t(N_("Due")),
                t(N_("Status")),
                t(N_("Completed")),
                t(N_("Age (days)")),
                t(N_("Days overdue")),
            ),
            rows=tuple(body),
            widths=(0.5, 1.05, 1.05, 1.2, 5.0, 0.95, 1.05, 1.0, 1.05, 0.75, 0.75),
            tones=tuple(row_tones),
            font_size=7.5,
            empty_text=t(N_("No corrective actions match this period and these filters.")),
        )
    )
    if rows:
        blocks.append(
            Para(
                t(
                    N_(
                        "Age: days since the action was raised (open actions, as of {date}) or days it took to "
                        "complete (closed actions). Red rows are past their due date; yellow rows are due within "
                        "{days} days."
                    )
                ).format(date=fmt.day(as_of), days=DUE_SOON_DAYS),
                "note",
            )
        )
    return Report(
        kind="actions",
        title=t(N_("Corrective action register")),
        lang=lang,
        blocks=tuple(blocks),
        record=None,
        subtitle=" · ".join(p for p in (period, words if applied else "") if p),
        landscape=True,
        file_stem="corrective_actions",
    )


# -- one action ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Extra:
    raised_on: date | None
    source_id: str | None
    verification_note: str
    budget_krw: int | None
    spent_krw: int | None
    found_by: str
    area_name_en: str
    events: tuple[tuple[str, str, str, str], ...]  # (at, actor, action, summary)


def _extra(ws: Workspace, action_id: str) -> _Extra:
    with ws.reader() as conn:
        row = conn.execute(
            select(
                _raised_on().label("raised_on"),
                corrective_actions.c.source_id,
                corrective_actions.c.verification_note,
                corrective_actions.c.budget_krw,
                corrective_actions.c.spent_krw,
                findings.c.found_by,
                areas.c.name_en.label("area_name_en"),
            )
            .select_from(
                corrective_actions.outerjoin(
                    findings, findings.c.id == corrective_actions.c.finding_id
                ).outerjoin(areas, areas.c.id == corrective_actions.c.area_id)
            )
            .where(corrective_actions.c.id == action_id)
        ).one()
        events = conn.execute(
            select(audit_events.c.at, audit_events.c.actor, audit_events.c.action, audit_events.c.summary)
            .where(audit_events.c.entity == "corrective_actions", audit_events.c.record_id == action_id)
            .order_by(audit_events.c.seq)
        ).all()
    return _Extra(
        raised_on=_date(row.raised_on),
        source_id=row.source_id,
        verification_note=str(row.verification_note or ""),
        budget_krw=row.budget_krw,
        spent_krw=row.spent_krw,
        found_by=str(row.found_by or ""),
        area_name_en=str(row.area_name_en or ""),
        events=tuple((str(e.at), str(e.actor), str(e.action), str(e.summary or "")) for e in events),
    )


def _timeline(detail: ActionDetail, extra: _Extra, as_of: date, lang: str) -> Table:
    t = fmt.translator(lang)
    rows: list[tuple[CellValue, ...]] = []
    tones: list[Tone] = []

    def add(day: object, what: str, who: str, tone: Tone = None) -> None:
        rows.append((Cell(fmt.day(str(day)), align="centre"), what, who))
        tones.append(tone)

    if extra.raised_on:
        add(extra.raised_on, t(N_("Raised")), extra.found_by)
    late = detail.days_overdue > 0
    add(detail.due_on, t(N_("Due")), detail.owner_name, "bad" if late else None)
    if detail.done_on:
        add(detail.done_on, t(N_("Marked done")), detail.owner_name)
    if detail.verified_on:
        verdict = t(N_("Verified and closed"))
        if detail.effective is False:
            verdict = t(N_("Verified: not effective, reopened"))
        add(detail.verified_on, verdict, detail.verified_by or "", "good" if detail.effective else None)
    if detail.status == "cancelled":
        rows.append((Cell("", align="centre"), label("cancelled", lang), ""))
        tones.append("muted")

    def when(i: int) -> str:
        first = rows[i][0]
        return (first.text if isinstance(first, Cell) else first) or "9999"

    order = sorted(range(len(rows)), key=when)
    return Table(
        headers=(t(N_("Date")), t(N_("Step")), t(N_("By"))),
        rows=tuple(rows[i] for i in order),
        widths=(1.2, 4.0, 2.0),
        tones=tuple(tones[i] for i in order),
    )


def _audit_trail(extra: _Extra, lang: str) -> Table:
    t = fmt.translator(lang)
    rows: list[tuple[CellValue, ...]] = []
    for at, actor, action, summary in extra.events:
        what = _(EVENT_LABELS[action], lang) if action in EVENT_LABELS else action
        rows.append((Cell(fmt.moment(at), align="centre"), what, actor, summary))
    return Table(
        headers=(t(N_("Recorded at")), t(N_("Change")), t(N_("By")), t(N_("Note"))),
        rows=tuple(rows),
        widths=(1.6, 1.8, 1.4, 4.0),
        empty_text=t(N_("No changes recorded.")),
    )


def build_action(ws: Workspace, request: ReportRequest) -> Report:
    assert request.record_id is not None
    lang = request.lang
    t = fmt.translator(lang)
    as_of = request.as_of
    detail = action_detail(ws, request.record_id, today=as_of)
    extra = _extra(ws, request.record_id)
    area = extra.area_name_en if lang == "en" and extra.area_name_en else detail.area_name
    blocks: list[Block] = []
    status = label(detail.status, lang)
    if detail.days_overdue > 0:
        blocks.append(
            Para(
                t(N_("OVERDUE: {n} days past the due date {due} (as of {date}).")).format(
                    n=detail.days_overdue, due=fmt.day(detail.due_on), date=fmt.day(as_of)
                ),
                "bad",
            )
        )
    ageing: str = "—"
    if extra.raised_on:
        if detail.status in OPEN_STATUSES:
            ageing = t(N_("{n} days open")).format(n=max(0, (as_of - extra.raised_on).days))
        elif detail.done_on:
            days = max(0, (date.fromisoformat(detail.done_on) - extra.raised_on).days)
            ageing = t(N_("closed in {n} days")).format(n=days)
    source = label(detail.source_kind, lang)
    if extra.source_id:
        source += " (" + t(N_("record")) + " " + extra.source_id[:8] + ")"
    items: list[tuple[str, str]] = [
        (t(N_("Action")), detail.title),
        (t(N_("Status")), status),
        (t(N_("Source")), source),
        (t(N_("Area")), area or "—"),
        (t(N_("Raised on")), fmt.day(extra.raised_on)),
        (t(N_("Due")), fmt.day(detail.due_on)),
        (t(N_("Owner")), detail.owner_name or "—"),
        (t(N_("Control")), label(detail.hierarchy, lang)),
        (t(N_("Severity")), label(detail.severity, lang) or "—"),
        (t(N_("Age")), ageing),
        (t(N_("Completed")), fmt.day(detail.done_on) or "—"),
        (
            t(N_("Verified")),
            " · ".join(p for p in (fmt.day(detail.verified_on), detail.verified_by or "") if p) or "—",
        ),
    ]
    if detail.effective is not None:
        items.append((t(N_("Effective")), fmt.yes_no(detail.effective, lang)))
    if extra.budget_krw is not None or extra.spent_krw is not None:
        items.append(
            (
                t(N_("Budget / spent")),
                f"{fmt.number(extra.budget_krw, '원' if lang == 'ko' else 'KRW')} / "
                f"{fmt.number(extra.spent_krw, '원' if lang == 'ko' else 'KRW')}",
            )
        )
    blocks.append(Fields(tuple(items)))
    if detail.finding_text and detail.finding_text.strip() != detail.title.strip():
        blocks.append(Heading(t(N_("Finding")), 2))
        blocks.append(Para(detail.finding_text))
    if detail.description:
        blocks.append(Heading(t(N_("Description of the action")), 2))
        blocks.append(Para(detail.description))
    if detail.interim_measure:
        blocks.append(Heading(t(N_("Interim measure until the fix")), 2))
        blocks.append(Para(detail.interim_measure))
    if extra.verification_note:
        blocks.append(Heading(t(N_("Verification note")), 2))
        blocks.append(Para(extra.verification_note))
    blocks.append(Heading(t(N_("Progress"))))
    blocks.append(_timeline(detail, extra, as_of, lang))
    blocks.append(Heading(t(N_("Change history (audit trail)")), 2))
    blocks.append(_audit_trail(extra, lang))
    if detail.evidence:
        blocks.append(Heading(t(N_("Evidence photos"))))
        refs = []
        order = {"before": 0, "photo": 1, "after": 2}
        evidence = sorted(detail.evidence, key=lambda e: order.get(e.role, 1))
        for ev in evidence[:MAX_EVIDENCE_PHOTOS]:
            role = _(EVIDENCE_ROLES[ev.role], lang) if ev.role in EVIDENCE_ROLES else ev.role
            caption = (ev.caption or "").strip()
            text = role if not caption or caption == role else f"{role} · {caption}"
            refs.append(PhotoRef(ev.sha256, text))
        blocks.append(Photos(tuple(refs), max_height_mm=70))
        if len(detail.evidence) > len(refs):
            blocks.append(
                Para(
                    t(N_("{n} more photos are kept with the record in the workspace.")).format(
                        n=len(detail.evidence) - len(refs)
                    ),
                    "note",
                )
            )
    blocks.append(Heading(t(N_("Signatures"))))
    blocks.append(
        Signatures(
            (
                (t(N_("Action owner")), detail.owner_name),
                (t(N_("Verified by")), detail.verified_by or ""),
                (t(N_("Safety manager")), ""),
            )
        )
    )
    return Report(
        kind="action",
        title=t(N_("Corrective action")),
        lang=lang,
        blocks=tuple(blocks),
        record=("corrective_actions", detail.id),
        subtitle=" · ".join(p for p in (detail.title, area) if p),
        file_stem=f"action_{detail.id[:8]}",
    )


KINDS = (
    ReportKind(
        "actions",
        N_("Corrective action register"),
        "period",
        build_register,
        description=N_(
            "Actions raised in a period with owner, due date, status, age and days overdue "
            "(--filter status=open|area=…|source=…|owner=…|overdue=1)"
        ),
    ),
    ReportKind(
        "action",
        N_("Corrective action"),
        "record",
        build_action,
        entity="corrective_actions",
        description=N_("One corrective action: finding, owner, dates, history and evidence photos"),
    ),
)
