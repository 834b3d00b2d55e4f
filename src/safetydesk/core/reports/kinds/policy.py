"""The posted safety and health policy and its year's objectives (SAPA Decree Art. 4-1; ISO 45001 5.2, 6.2).

What an inspector asks to see: the statement exactly as posted, which version it is and since when it
applies, who approved it and when, where and how it was made known to the workers, and the objectives
(target, KPI, owner, result) that put the policy to work in its year.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, literal_column, or_, select

from safetydesk.core.db.tables import objectives, people, policies
from safetydesk.core.i18n import N_
from safetydesk.core.queries.policies import PolicyDetail, policy_detail
from safetydesk.core.queries.settings import load_settings
from safetydesk.core.reports import fmt
from safetydesk.core.reports.context import ReportRequest
from safetydesk.core.reports.kind import ReportKind
from safetydesk.core.reports.model import (
    Block,
    Cell,
    CellValue,
    Fields,
    Heading,
    Para,
    Report,
    Signatures,
    Spacer,
    Table,
    Tone,
)
from safetydesk.core.workspace.workspace import Workspace


@dataclass(frozen=True)
class ObjectiveRow:
    year: int
    title: str
    target: str
    kpi: str
    owner: str
    result: str
    achieved: bool | None
    evaluated: bool  # the year's result was recorded and locked


def policy_year(detail: PolicyDetail, created_at: str | None = None) -> int | None:
    for value in (detail.effective_from, detail.approved_on, created_at):
        if value:
            return int(str(value)[:4])
    return None


def load_objectives(
    ws: Workspace, policy_id: str, first: int | None, last: int | None, lang: str
) -> list[ObjectiveRow]:
    """Objectives linked to the policy, and every objective set for a year the policy was in force."""
    condition = objectives.c.policy_id == policy_id
    if first is not None:
        in_force = objectives.c.year >= first
        if last is not None:
            in_force = and_(in_force, objectives.c.year <= last)
        condition = or_(condition, in_force)
    query = (
        select(
            objectives.c.year,
            objectives.c.title,
            objectives.c.target,
            objectives.c.kpi,
            objectives.c.result,
            objectives.c.achieved,
            objectives.c.status,
            people.c.name.label("owner_name"),
            people.c.name_en.label("owner_name_en"),
        )
        .select_from(objectives.outerjoin(people, people.c.id == objectives.c.owner_id))
        .where(objectives.c.deleted_at.is_(None), condition)
        .order_by(objectives.c.year, objectives.c.created_at, literal_column("objectives.rowid"))
    )
    with ws.reader() as conn:
        rows = conn.execute(query).all()
    return [
        ObjectiveRow(
            year=int(r.year),
            title=str(r.title),
            target=str(r.target or ""),
            kpi=str(r.kpi or ""),
            owner=str((r.owner_name_en if lang == "en" and r.owner_name_en else r.owner_name) or ""),
            result=str(r.result or ""),
            achieved=r.achieved,
            evaluated=r.status == "completed",
        )
        for r in rows
    ]


def _progress(row: ObjectiveRow, lang: str) -> tuple[str, Tone]:
    t = fmt.translator(lang)
    if row.achieved is True:
        return t(N_("Achieved")), "good"
    if row.achieved is False:
        return t(N_("Not achieved")), "bad"
    return t(N_("In progress")), None


def objectives_table(rows: list[ObjectiveRow], lang: str) -> Table:
    t = fmt.translator(lang)
    body: list[tuple[CellValue, ...]] = []
    tones: list[Tone] = []
    for n, row in enumerate(rows, start=1):
        status, tone = _progress(row, lang)
        body.append(
            (
                Cell(str(n), align="right"),
                row.title,
                row.target,
                row.kpi,
                row.owner,
                row.result or "—",
                Cell(status, tone=tone, bold=tone == "bad", align="centre"),
            )
        )
        tones.append(None)
    return Table(
        headers=(
            t(N_("No.")),
            t(N_("Objective")),
            t(N_("Target")),
            t(N_("KPI")),
            t(N_("Owner")),
            t(N_("Result so far")),
            t(N_("Status")),
        ),
        rows=tuple(body),
        widths=(0.6, 3.0, 1.5, 2.6, 1.2, 2.0, 1.3),
        tones=tuple(tones),
        font_size=8,
        empty_text=t(N_("No objectives are recorded for this policy or its year.")),
    )


@dataclass(frozen=True)
class Successor:
    version_label: str
    effective_from: str | None
    approved: bool


def successor(ws: Workspace, policy_id: str) -> Successor | None:
    """The version that revised this one, if any (the printed page must say it is no longer current)."""
    with ws.reader() as conn:
        row = conn.execute(
            select(policies.c.version_label, policies.c.effective_from, policies.c.status)
            .where(policies.c.revision_of == policy_id, policies.c.deleted_at.is_(None))
            .order_by(policies.c.created_at.desc())
            .limit(1)
        ).first()
    if row is None:
        return None
    return Successor(str(row.version_label), row.effective_from, row.status == "completed")


def objectives_year(rows: list[ObjectiveRow], as_of: int, first: int | None, last: int | None) -> int | None:
    """The year whose objectives the page shows: the current year while the policy is in force.

    A superseded policy shows its last year in force, a policy that starts next year its first year;
    if that year has no objectives yet, the latest earlier year that has some.
    """
    target = as_of
    if first is not None:
        target = max(target, first)
    if last is not None:
        target = min(target, last)
    years = sorted({r.year for r in rows})
    if not years or target in years:
        return target
    earlier = [y for y in years if y <= target]
    return earlier[-1] if earlier else years[0]


def _approved(detail: PolicyDetail) -> bool:
    return detail.status == "completed" and detail.locked and bool(detail.approved_on)


def build_policy(ws: Workspace, request: ReportRequest) -> Report:
    assert request.record_id is not None
    lang = request.lang
    t = fmt.translator(lang)
    detail = policy_detail(ws, request.record_id)
    company = load_settings(ws)
    first = policy_year(detail)
    newer = successor(ws, detail.id)
    last = None
    if newer is not None and newer.approved and newer.effective_from:
        last = int(newer.effective_from[:4])
    candidates = load_objectives(ws, detail.id, first, last, lang)
    year = objectives_year(candidates, request.as_of.year, first, last)
    rows = [r for r in candidates if r.year == year]
    approved = _approved(detail)
    blocks: list[Block] = []
    if not approved:
        blocks.append(
            Para(
                t(N_("DRAFT — not approved. This version must not be posted until the CEO approves it.")),
                "bad",
            )
        )
    version = f"v{detail.version_label}"
    if detail.revision_no > 1:
        version += " · " + t(N_("revision {n}")).format(n=detail.revision_no)
    if detail.previous_version:
        version += " · " + t(N_("replaces v{version}")).format(version=detail.previous_version)
    approval = ""
    if approved:  # a draft revision carries its original's approval until the CEO approves it again
        approval = " · ".join(p for p in (detail.approved_by or "", fmt.day(detail.approved_on)) if p)
    items: list[tuple[str, str]] = [
        (t(N_("Title")), detail.title),
        (t(N_("Version")), version),
        (t(N_("Effective from")), fmt.day(detail.effective_from) or "—"),
        (t(N_("Status")), t(N_("Approved")) if approved else t(N_("Draft (not approved)"))),
        (t(N_("Approved by")), approval or "—"),
        (t(N_("Representative (CEO)")), company.representative or "—"),
        (t(N_("Posted on")), fmt.day(detail.posted_on) or "—"),
        (t(N_("Keep until")), fmt.day(detail.retention_until) or "—"),
    ]
    if newer is not None and newer.approved:
        blocks.append(
            Para(
                t(
                    N_(
                        "Superseded by v{version}, effective {date}: this version is no longer the posted policy."
                    )
                ).format(version=newer.version_label, date=fmt.day(newer.effective_from) or "—"),
                "bad",
            )
        )
    blocks.append(Fields(tuple(items)))
    blocks.append(
        Fields(((t(N_("Where and how it was posted and shared")), detail.communicated_how or "—"),), 1)
    )
    if detail.revision_reason:
        blocks.append(Spacer(1.5))
        blocks.append(Para(t(N_("Reason for this revision")) + ": " + detail.revision_reason, "note"))
    blocks.append(Heading(detail.title or t(N_("Safety and health policy"))))
    blocks.append(Para(detail.body))
    approver = (detail.approved_by if approved else None) or company.representative
    blocks.append(Spacer(4))
    if approved:
        blocks.append(
            Para(
                t(N_("Approved on {date} by {name}.")).format(
                    date=fmt.day(detail.approved_on), name=approver
                ),
                "centre",
            )
        )
    blocks.append(Spacer(2))
    blocks.append(
        Signatures(
            (
                (t(N_("Representative (CEO)")), approver or ""),
                (t(N_("Posting confirmed by")), ""),
            )
        )
    )
    title = t(N_("Safety and health objectives"))
    if year is not None:
        title += " " + str(year)
    blocks.append(Heading(title))
    wanted = min(max(request.as_of.year, first or 0), last or request.as_of.year)
    if year is not None and rows and year != wanted:
        blocks.append(
            Para(
                t(
                    N_(
                        "No objectives are recorded for {wanted} yet; the latest objectives, for {year}, follow."
                    )
                ).format(wanted=wanted, year=year),
                "note",
            )
        )
    blocks.append(objectives_table(rows, lang))
    blocks.append(
        Para(
            t(
                N_(
                    "Legal basis: Serious Accidents Punishment Act Enforcement Decree Art. 4 No. 1 "
                    "(safety and health objectives and management policy); ISO 45001 5.2 and 6.2."
                )
            ),
            "note",
        )
    )
    return Report(
        kind="policy",
        title=t(N_("Safety and health policy")),
        lang=lang,
        blocks=tuple(blocks),
        record=("policies", detail.id),
        subtitle=" · ".join(
            p for p in (detail.title, f"v{detail.version_label}", fmt.day(detail.effective_from)) if p
        ),
        file_stem=f"policy_v{detail.version_label}",
    )


KINDS = (
    ReportKind(
        "policy",
        N_("Safety and health policy"),
        "record",
        build_policy,
        entity="policies",
        description=N_("The posted policy statement with approval, posting and the year's objectives"),
    ),
)
