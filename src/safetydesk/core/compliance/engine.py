"""The SAPA compliance engine: a status per duty per half-year, computed from the records (issue 6).

``compliance(ws, "2026H1")`` judges the nine duties of SAPA Enforcement Decree Art. 4 and the four items
of Art. 5② (DOMAIN.md §1.2–1.3) from what the workspace holds. A status is never typed in: the
officer's half-yearly review (``compliance_checks``) is evidence and its ``status_at_review`` is only
the officer's note. A half-yearly duty is fully *met* only when its records are complete **and** the
period's check was reviewed and the owner confirmed receipt.

A period that is not over is judged as of ``today``; its gaps say what is still due by the period end.
Records carried out count when dated inside the period up to ``as_of``; confirmations of them (report to
the owner, answer to a suggestion, owner's receipt of a check) count when dated up to ``today`` — the
H1 check is normally signed in early July.

``Gap.start`` codes (what the screen's button starts): policy, objective, risk_assessment, action,
budget, spend, appointment, role_evaluation, suggestion, emergency_manual, drill, contractor,
contractor_evaluation, compliance_check, owner_confirmation, training.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Table, and_, or_, select
from sqlalchemy.engine import Connection

from safetydesk.core.compliance import obligations as obl
from safetydesk.core.compliance.duties import DUTY_CODES, DutyDefinition, load_duty_catalogue
from safetydesk.core.compliance.model import (
    ComplianceReport,
    DutyStatus,
    Evidence,
    Gap,
    HalfYearCheck,
    Obligation,
    Status,
    Text,
)
from safetydesk.core.db.tables import (
    appointments,
    areas,
    budget_items,
    budget_spend,
    compliance_checks,
    contractor_evaluations,
    contractors,
    corrective_actions,
    drills,
    emergency_manuals,
    findings,
    form_records,
    objectives,
    people,
    policies,
    risk_assessments,
    risk_items,
    role_evaluations,
    suggestions,
    trainings,
)
from safetydesk.core.domain.legal import HalfYear, LegalData, PeriodUnit, add_months
from safetydesk.core.domain.provenance import LegalLookupError
from safetydesk.core.errors import ValidationError
from safetydesk.core.i18n import N_, current_language
from safetydesk.core.legaldata import load_legal_data
from safetydesk.core.workspace.workspace import Workspace

KST = timezone(timedelta(hours=9))
UNMET_AT_REVIEW = frozenset({"partly", "partly_met", "missing", "not_met"})
CLOSED_ACTION = frozenset({"done", "verified", "cancelled"})


def parse_period(period: str) -> HalfYear:
    """``2026H1`` → HalfYear; a clear ValidationError (shown to the person) otherwise."""
    try:
        return HalfYear.parse(period)
    except ValueError:
        raise ValidationError(
            N_("“{period}” is not a half-year."),
            N_("Write the period as a year and H1 or H2, e.g. 2026H1 (Jan–Jun) or 2026H2 (Jul–Dec)."),
            period=period,
        ) from None


def half_yearly_codes(legal: LegalData, on: date) -> frozenset[str]:
    """Duties that recur 반기 1회 이상, as periods.toml says on ``on``."""
    out: set[str] = set()
    for code in DUTY_CODES:
        try:
            duty = legal.duty(code, on)
        except LegalLookupError:
            continue
        if duty.unit is PeriodUnit.HALF_YEAR:
            out.add(code)
    return frozenset(out)


# --- the engine ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Result:
    """What the records alone say about a duty (before the half-yearly check is taken into account)."""

    status: Status
    reason: Text
    evidence: tuple[Evidence, ...] = ()
    gaps: tuple[Gap, ...] = ()


@dataclass
class _Ctx:
    conn: Connection
    period: HalfYear
    today: date
    as_of: date
    facts: obl.SiteFacts
    obligations: tuple[Obligation, ...]
    half_yearly: frozenset[str]
    checks: dict[str, Any] = field(default_factory=dict)  # duty code -> latest compliance_checks row

    @property
    def start(self) -> date:
        return self.period.start

    @property
    def end(self) -> date:
        return self.period.end

    @property
    def in_progress(self) -> bool:
        return self.as_of < self.end

    @property
    def s(self) -> str:
        return self.start.isoformat()

    @property
    def a(self) -> str:
        return self.as_of.isoformat()

    @property
    def t(self) -> str:
        return self.today.isoformat()

    def applies(self, code: str) -> bool:
        return obl.applies(self.obligations, code)

    def gap(
        self, code: str, msgid: str, start: str | None, /, due: date | str | None = "period", **params: Any
    ) -> Gap:
        """A gap; ``due`` defaults to the period end for half-yearly duties (None: no due date)."""
        if due == "period":
            due = self.end if code in self.half_yearly else None
        assert due is None or isinstance(due, date)
        return Gap(code, Text(msgid, dict(params)), start, due)


def compliance(ws: Workspace, period: str, *, today: date | None = None) -> ComplianceReport:
    """Every SAPA duty's status for ``period`` (e.g. ``2026H1``), computed from the records."""
    half = parse_period(period)
    with ws.reader() as conn:
        return compute(conn, half, today=today or date.today())


def compute(
    conn: Connection, half: HalfYear, *, today: date, only: Sequence[str] | None = None
) -> ComplianceReport:
    legal = load_legal_data()
    as_of = min(max(today, half.start), half.end)
    facts = obl.site_facts(conn, as_of)
    items = obl.derive(facts, legal)
    ctx = _Ctx(conn, half, today, as_of, facts, items, half_yearly_codes(legal, half.end))
    ctx.checks = _latest_checks(conn, half.code)
    catalogue = load_duty_catalogue()
    duties = tuple(_judge(ctx, catalogue.duty(code)) for code in DUTY_CODES if only is None or code in only)
    return ComplianceReport(
        period=half.code,
        start=half.start,
        end=half.end,
        as_of=as_of,
        site_name=facts.site_name,
        workers=facts.regular_workers,
        contractor_workers=facts.contractor_workers,
        industry=facts.industry,
        obligations=items,
        duties=duties,
    )


def records_status(conn: Connection, half: HalfYear, code: str, *, today: date) -> Status:
    """What the records alone say about one duty (the half-yearly check not counted): the value
    ``compliance_checks.status_at_review`` keeps as the officer's snapshot. For ``sapa_5_2_1`` (the
    check that the safety laws are complied with) it is the worst status of the Art. 4 duties."""
    legal = load_legal_data()
    as_of = min(max(today, half.start), half.end)
    facts = obl.site_facts(conn, as_of)
    ctx = _Ctx(conn, half, today, as_of, facts, obl.derive(facts, legal), half_yearly_codes(legal, half.end))
    ctx.checks = _latest_checks(conn, half.code)
    catalogue = load_duty_catalogue()
    if _sapa_gate(ctx) is not None:
        return Status.NOT_APPLICABLE
    if code == "sapa_5_2_1":
        # the legal-compliance check reviews the other duties: its finding is the worst of Art. 4
        found = [_RULES[c](ctx, catalogue.duty(c)).status for c in DUTY_CODES if c.startswith("sapa_4_")]
        for worst in (Status.MISSING, Status.PARTLY):
            if worst in found:
                return worst
        return Status.MET
    return _RULES[code](ctx, catalogue.duty(code)).status


def _sapa_gate(ctx: _Ctx) -> Text | None:
    """Why no SAPA duty applies (fewer workers than SAPA Art. 3 and its phase-in need), or None."""
    sapa = obl.find(ctx.obligations, "sapa")
    if sapa is not None and sapa.applies:
        return None
    if sapa is None:
        return Text(N_("SAPA was not yet in force on {day}."), {"day": ctx.as_of.isoformat()})
    return Text(
        N_("SAPA does not apply to the site on {day}: {n} workers, fewer than {min}."),
        {
            "day": ctx.as_of.isoformat(),
            "n": ctx.facts.regular_workers,
            "min": sapa.reason.params.get("min", ""),
        },
    )


def _judge(ctx: _Ctx, duty: DutyDefinition) -> DutyStatus:
    gate = _sapa_gate(ctx)
    result = _RULES[duty.code](ctx, duty) if gate is None else _Result(Status.NOT_APPLICABLE, gate)
    half_yearly = duty.code in ctx.half_yearly
    row = ctx.checks.get(duty.code)
    check = _check_of(row) if row is not None else None
    status, reason = result.status, result.reason
    evidence = list(result.evidence)
    gaps = list(result.gaps)
    if half_yearly and status is not Status.NOT_APPLICABLE and duty.code != "sapa_5_2_1":
        if check is not None and check.reviewed_on is not None:
            evidence.append(
                Evidence(
                    "compliance_checks",
                    check.record_id,
                    _check_title(ctx, duty.code),
                    check.reviewed_on,
                    "check",
                )
            )
        confirmed = (
            check is not None and check.reviewed_on is not None and check.owner_confirmed_on is not None
        )
        if not confirmed:
            gaps.append(_check_gap(ctx, duty.code, check))
            if status is Status.MET:
                status = Status.PARTLY
                reason = (
                    Text(
                        N_(
                            "The records so far are in order; the half-yearly check and the owner's "
                            "confirmation are still due by {due}."
                        ),
                        {"due": ctx.end.isoformat()},
                    )
                    if ctx.in_progress
                    else Text(
                        N_(
                            "The records are in order, but the half-yearly check was not reviewed "
                            "and confirmed by the owner."
                        )
                    )
                )
    return DutyStatus(
        code=duty.code,
        title_ko=duty.title_ko,
        title_en=duty.title_en,
        legal_ref=duty.legal_ref,
        half_yearly=half_yearly,
        status=status,
        reason=reason,
        evidence=tuple(evidence),
        gaps=tuple(gaps),
        check=check,
        iso45001=duty.iso45001,
    )


def _check_gap(ctx: _Ctx, code: str, check: HalfYearCheck | None) -> Gap:
    if check is None or check.reviewed_on is None:
        return ctx.gap(
            code, N_("Review this duty for the half-year and note the findings."), "compliance_check"
        )
    return ctx.gap(
        code,
        N_("The owner has not yet confirmed receipt of the half-yearly check."),
        "owner_confirmation",
    )


# --- shared reads ----------------------------------------------------------------------------------


def _latest_checks(conn: Connection, period: str) -> dict[str, Any]:
    rows = conn.execute(
        select(compliance_checks)
        .where(compliance_checks.c.period == period, compliance_checks.c.deleted_at.is_(None))
        .order_by(compliance_checks.c.revision_no, compliance_checks.c.updated_at)
    ).all()
    latest: dict[str, Any] = {}
    for row in rows:
        latest[_canonical_code(str(row.duty_code))] = row  # later revisions overwrite
    return latest


def _canonical_code(code: str) -> str:
    """``d4_3`` (the column comment's spelling) and ``sapa_4_3`` name the same duty."""
    return "sapa_" + code[1:] if code.startswith("d") and code[1:2].isdigit() else code


def _check_of(row: Any) -> HalfYearCheck:
    return HalfYearCheck(
        record_id=str(row.id),
        reviewed_on=_d(row.reviewed_on),
        reviewer=row.reviewer,
        findings=row.findings_text,
        owner_name=row.owner_name,
        owner_confirmed_on=_d(row.owner_confirmed_on),
        locked=row.locked_at is not None,
    )


def _d(value: Any) -> date | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _live(table: Table) -> Any:
    return table.c.deleted_at.is_(None)


def _superseded(conn: Connection, table: Table) -> set[str]:
    """Records replaced by a completed revision (the revision is the evidence, not the original)."""
    rows = conn.execute(
        select(table.c.revision_of).where(
            table.c.revision_of.is_not(None), table.c.locked_at.is_not(None), _live(table)
        )
    ).all()
    return {str(r[0]) for r in rows}


def _done(row: Any) -> bool:
    return row.locked_at is not None or row.status == "completed"


def _fmt(day: date | None) -> str:
    return day.isoformat() if day else ""


# --- 4-1 policy and objectives ---------------------------------------------------------------------


def _duty_4_1(ctx: _Ctx, duty: DutyDefinition) -> _Result:
    code = duty.code
    rows = ctx.conn.execute(
        select(policies).where(_live(policies)).order_by(policies.c.revision_no, policies.c.updated_at)
    ).all()
    in_force = None
    for row in rows:  # the approved version that took effect last on or before as_of
        approved = _d(row.approved_on)
        effective = _d(row.effective_from) or approved
        if approved is None or effective is None or effective > ctx.as_of:
            continue
        if in_force is None or effective >= (
            _d(in_force.effective_from) or _d(in_force.approved_on) or date.min
        ):
            in_force = row
    drafts = [r for r in rows if r.approved_on is None]
    year_objectives = ctx.conn.execute(
        select(objectives.c.id, objectives.c.title, objectives.c.created_at, objectives.c.revision_of)
        .where(_live(objectives), objectives.c.year == ctx.period.year)
        .order_by(objectives.c.created_at)
    ).all()
    replaced = _superseded(ctx.conn, objectives)
    year_objectives = [o for o in year_objectives if str(o.id) not in replaced]
    evidence: list[Evidence] = []
    gaps: list[Gap] = []
    posted = False
    if in_force is not None:
        posted = _d(in_force.posted_on) is not None or bool(in_force.communicated_how)
        evidence.append(
            Evidence(
                "policies",
                str(in_force.id),
                f"{in_force.title} v{in_force.version_label}",
                _d(in_force.approved_on),
                "policy",
            )
        )
    evidence.extend(
        Evidence("objectives", str(o.id), str(o.title), _d(str(o.created_at)[:10]), "objective")
        for o in year_objectives
    )
    if in_force is None:
        gaps.append(
            ctx.gap(
                code,
                N_("A policy has been drafted but not approved by the owner.")
                if drafts
                else N_("No safety and health policy approved by the owner is in force."),
                "policy",
            )
        )
    elif not posted:
        gaps.append(
            ctx.gap(code, N_("Post the policy or record how it was communicated to workers."), "policy")
        )
    if not year_objectives:
        gaps.append(
            ctx.gap(
                code,
                N_("Set the safety and health objectives for {year}."),
                "objective",
                year=ctx.period.year,
            )
        )
    if in_force is not None and posted and year_objectives:
        return _Result(
            Status.MET,
            Text(
                N_(
                    "Policy {version} approved on {approved} and communicated; {n} objective(s) set for {year}."
                ),
                {
                    "version": in_force.version_label,
                    "approved": _fmt(_d(in_force.approved_on)),
                    "n": len(year_objectives),
                    "year": ctx.period.year,
                },
            ),
            tuple(evidence),
            tuple(gaps),
        )
    if in_force is None and not year_objectives:
        return _Result(
            Status.MISSING,
            Text(
                N_("No approved policy is in force and no objectives are set for {year}."),
                {"year": ctx.period.year},
            ),
            tuple(evidence),
            tuple(gaps),
        )
    return _Result(
        Status.PARTLY,
        Text(N_("Part of the policy and objectives is in place; see what is missing.")),
        tuple(evidence),
        tuple(gaps),
    )


# --- 4-2 dedicated organisation ---------------------------------------------------------------------


def _duty_4_2(ctx: _Ctx, duty: DutyDefinition) -> _Result:
    workers = ctx.facts.regular_workers
    if not ctx.applies("sapa_dedicated_organisation"):
        return _Result(
            Status.NOT_APPLICABLE,
            Text(
                N_(
                    "{n} workers, fewer than 500: a dedicated safety and health organisation is not required."
                ),
                {"n": workers},
            ),
        )
    staff = _active_appointments(
        ctx, ("safety_officer", "health_officer", "safety_health_manager"), ctx.as_of
    )
    evidence = tuple(_appointment_evidence(a) for a in staff)
    need = int(duty.param("min_staff"))
    if len(staff) >= need:
        return _Result(
            Status.MET,
            Text(
                N_("{n} workers; {staff} safety and health staff appointed."),
                {"n": workers, "staff": len(staff)},
            ),
            evidence,
        )
    gap = ctx.gap(
        duty.code,
        N_("Appoint at least {need} safety and health staff to the dedicated organisation."),
        "appointment",
        need=need,
    )
    status = Status.PARTLY if staff else Status.MISSING
    return _Result(
        status,
        Text(
            N_("{n} workers; only {staff} of {need} safety and health staff appointed."),
            {"n": workers, "staff": len(staff), "need": need},
        ),
        evidence,
        (gap,),
    )


# --- 4-3 hazards found and fixed (risk assessment route) -------------------------------------------


def _duty_4_3(ctx: _Ctx, duty: DutyDefinition) -> _Result:
    code = duty.code
    replaced = _superseded(ctx.conn, risk_assessments)
    rows = [
        r
        for r in ctx.conn.execute(
            select(risk_assessments)
            .where(_live(risk_assessments), risk_assessments.c.assessed_on.between(ctx.s, ctx.a))
            .order_by(risk_assessments.c.assessed_on)
        ).all()
        if str(r.id) not in replaced
    ]
    done = [r for r in rows if _done(r) or r.completed_at is not None]
    reported = [
        r for r in done if r.reported_to_owner_on is not None and str(r.reported_to_owner_on) <= ctx.t
    ]
    evidence = [
        Evidence("risk_assessments", str(r.id), str(r.title), _d(r.assessed_on), "risk_assessment")
        for r in done
    ]
    evidence.extend(
        Evidence("risk_assessments", str(r.id), str(r.title), _d(r.reported_to_owner_on), "owner_report")
        for r in reported
    )
    gaps: list[Gap] = []
    if not done:
        return _hazards_without_assessment(ctx, duty, rows, evidence)
    ids = [str(r.id) for r in done]
    actions = _actions_of_assessments(ctx, ids)
    overdue = [a for a in actions if a.status not in CLOSED_ACTION and str(a.due_on) < ctx.t]
    evidence.extend(
        Evidence("corrective_actions", str(a.id), str(a.title), _d(a.done_on), "action")
        for a in actions
        if a.status in ("done", "verified")
    )
    unreported = len(done) - len(reported)
    if unreported:
        gaps.append(
            ctx.gap(
                code,
                N_("Report {n} risk assessment result(s) to the owner."),
                "risk_assessment",
                n=unreported,
            )
        )
    if overdue:
        gaps.append(
            ctx.gap(
                code,
                N_("{n} improvement action(s) from these assessments are past their due date."),
                "action",
                n=len(overdue),
                due=None,
            )
        )
    if not unreported and not overdue:
        return _Result(
            Status.MET,
            Text(
                N_(
                    "{n} risk assessment(s) done and reported to the owner; {a} improvement action(s) followed up."
                ),
                {"n": len(done), "a": len(actions)},
            ),
            tuple(evidence),
            tuple(gaps),
        )
    if unreported:
        reason = Text(
            N_("{n} risk assessment(s) done, {r} not reported to the owner."),
            {"n": len(done), "r": unreported},
        )
    else:
        reason = Text(
            N_("{n} risk assessment(s) done and reported, but {o} improvement action(s) are overdue."),
            {"n": len(done), "o": len(overdue)},
        )
    return _Result(Status.PARTLY, reason, tuple(evidence), tuple(gaps))


def _hazards_without_assessment(
    ctx: _Ctx, duty: DutyDefinition, drafts: list[Any], evidence: list[Evidence]
) -> _Result:
    """Decree 4-3 without the RA proviso: the procedure (an assessment within the last year) found and
    fixed hazards during the half-year; the half-yearly check (required by ``_judge``) then proves it."""
    code = duty.code
    months = int(duty.param("procedure_valid_months"))
    since = add_months(ctx.as_of, -months).isoformat()
    latest = ctx.conn.execute(
        select(risk_assessments.c.id, risk_assessments.c.title, risk_assessments.c.assessed_on)
        .where(
            _live(risk_assessments),
            risk_assessments.c.assessed_on.between(since, ctx.a),
            or_(risk_assessments.c.locked_at.is_not(None), risk_assessments.c.completed_at.is_not(None)),
        )
        .order_by(risk_assessments.c.assessed_on.desc())
        .limit(1)
    ).first()
    found = ctx.conn.execute(
        select(findings.c.id, findings.c.description, findings.c.found_on)
        .where(_live(findings), findings.c.found_on.between(ctx.s, ctx.a))
        .order_by(findings.c.found_on)
    ).all()
    actions = (
        ctx.conn.execute(
            select(corrective_actions).where(
                _live(corrective_actions),
                corrective_actions.c.finding_id.in_(
                    select(findings.c.id).where(_live(findings), findings.c.found_on.between(ctx.s, ctx.a))
                ),
            )
        ).all()
        if found
        else []
    )
    if latest is None or not found:
        gaps = [
            ctx.gap(code, N_("Complete the risk assessment that was started."), "risk_assessment")
            if drafts
            else ctx.gap(code, N_("Carry out a risk assessment this half-year."), "risk_assessment")
        ]
        reason = (
            Text(
                N_("No risk assessment has been completed yet this half-year; one is due by {due}."),
                {"due": ctx.end.isoformat()},
            )
            if ctx.in_progress
            else Text(N_("No risk assessment was completed in the half-year."))
        )
        return _Result(Status.MISSING, reason, tuple(evidence), tuple(gaps))
    evidence.append(
        Evidence("risk_assessments", str(latest.id), str(latest.title), _d(latest.assessed_on), "procedure")
    )
    evidence.extend(
        Evidence("findings", str(f.id), _short(str(f.description)), _d(f.found_on), "hazard") for f in found
    )
    evidence.extend(
        Evidence("corrective_actions", str(a.id), str(a.title), _d(a.done_on), "action")
        for a in actions
        if a.status in ("done", "verified")
    )
    overdue = [a for a in actions if a.status not in CLOSED_ACTION and str(a.due_on) < ctx.t]
    params = {
        "f": len(found),
        "a": sum(1 for a in actions if a.status in ("done", "verified")),
        "o": len(overdue),
        "latest": _fmt(_d(latest.assessed_on)),
    }
    if overdue:
        gap = ctx.gap(
            code,
            N_("{n} improvement action(s) for hazards found this half-year are past their due date."),
            "action",
            n=len(overdue),
            due=None,
        )
        return _Result(
            Status.PARTLY,
            Text(
                N_(
                    "No risk assessment this half-year; {f} hazard(s) found under the procedure "
                    "(last assessment {latest}), {o} improvement action(s) overdue."
                ),
                params,
            ),
            tuple(evidence),
            (gap,),
        )
    return _Result(
        Status.MET,
        Text(
            N_(
                "No risk assessment this half-year; {f} hazard(s) found under the procedure "
                "(last assessment {latest}) and {a} fixed, to be confirmed by the half-yearly check."
            ),
            params,
        ),
        tuple(evidence),
    )


def _actions_of_assessments(ctx: _Ctx, ids: Sequence[str]) -> list[Any]:
    if not ids:
        return []
    linked = select(risk_items.c.action_id).where(
        risk_items.c.assessment_id.in_(ids), risk_items.c.action_id.is_not(None)
    )
    return list(
        ctx.conn.execute(
            select(corrective_actions).where(
                _live(corrective_actions),
                or_(
                    and_(
                        corrective_actions.c.source_kind == "risk_assessment",
                        corrective_actions.c.source_id.in_(ids),
                    ),
                    corrective_actions.c.id.in_(linked),
                ),
            )
        ).all()
    )


# --- 4-4 budget ------------------------------------------------------------------------------------


def _duty_4_4(ctx: _Ctx, duty: DutyDefinition) -> _Result:
    code = duty.code
    ga = set(duty.param("categories_ga"))
    na = set(duty.param("categories_na"))
    items = ctx.conn.execute(
        select(budget_items).where(_live(budget_items), budget_items.c.year == ctx.period.year)
    ).all()
    spend = ctx.conn.execute(
        select(budget_spend)
        .where(_live(budget_spend), budget_spend.c.spent_on.between(ctx.s, ctx.a))
        .order_by(budget_spend.c.spent_on)
    ).all()
    action_spend = ctx.conn.execute(
        select(corrective_actions.c.id, corrective_actions.c.title, corrective_actions.c.done_on)
        .where(
            _live(corrective_actions),
            corrective_actions.c.spent_krw > 0,
            corrective_actions.c.done_on.between(ctx.s, ctx.a),
        )
        .order_by(corrective_actions.c.done_on)
    ).all()
    evidence = [
        Evidence("budget_items", str(i.id), f"{i.title} ({i.planned_amount:,} KRW)", None, "budget")
        for i in items
    ]
    evidence.extend(
        Evidence("budget_spend", str(s.id), str(s.description), _d(s.spent_on), "spend") for s in spend
    )
    # an action whose cost is also a linked spend row counts once
    paid_by_spend = {str(s.action_id) for s in spend if s.action_id is not None}
    action_spend = [a for a in action_spend if str(a.id) not in paid_by_spend]
    evidence.extend(
        Evidence("corrective_actions", str(a.id), str(a.title), _d(a.done_on), "spend") for a in action_spend
    )
    categories = {str(i.category) for i in items}
    linked = [s for s in spend if s.action_id is not None] + list(action_spend)
    gaps: list[Gap] = []
    if not items:
        gaps.append(
            ctx.gap(code, N_("Plan the safety and health budget for {year}."), "budget", year=ctx.period.year)
        )
    else:
        if not categories & ga:
            gaps.append(
                ctx.gap(
                    code, N_("The budget has no line for safety staff, facilities or equipment."), "budget"
                )
            )
        if not categories & na:
            gaps.append(
                ctx.gap(
                    code,
                    N_("The budget has no line for fixing the hazards found in risk assessments."),
                    "budget",
                )
            )
    if not linked:
        gaps.append(ctx.gap(code, N_("Record spending on an improvement action this half-year."), "spend"))
    if not items and not linked and not spend:
        return _Result(
            Status.MISSING,
            Text(N_("No budget for {year} and no spending recorded."), {"year": ctx.period.year}),
            tuple(evidence),
            tuple(gaps),
        )
    if not gaps:
        return _Result(
            Status.MET,
            Text(
                N_(
                    "{n} budget line(s) for {year}; {s} spending record(s) linked to improvements this half-year."
                ),
                {"n": len(items), "year": ctx.period.year, "s": len(linked)},
            ),
            tuple(evidence),
        )
    if not items:
        reason = Text(
            N_("Money was spent on improvements, but no budget is planned for {year}."),
            {"year": ctx.period.year},
        )
    else:
        reason = Text(
            N_("{n} budget line(s) for {year}, but part of the duty is missing."),
            {"n": len(items), "year": ctx.period.year},
        )
    return _Result(Status.PARTLY, reason, tuple(evidence), tuple(gaps))


# --- appointments (4-5, 4-6) -----------------------------------------------------------------------

ROLE_NAMES = {
    "supervisor": N_("supervisor"),
    "safety_health_manager": N_("site safety and health manager"),
    "general_safety_lead": N_("contractor safety lead"),
    "safety_officer": N_("safety officer"),
    "health_officer": N_("health officer"),
    "safety_health_coordinator": N_("safety and health coordinator"),
}


def _active_appointments(ctx: _Ctx, roles: Iterable[str], on: date, since: date | None = None) -> list[Any]:
    """Appointments of ``roles`` in force on ``on`` (or, with ``since``, at any time in since..on)."""
    first = (since or on).isoformat()
    return list(
        ctx.conn.execute(
            select(appointments, people.c.name.label("person_name"))
            .select_from(appointments.join(people, people.c.id == appointments.c.person_id))
            .where(
                _live(appointments),
                appointments.c.role.in_(list(roles)),
                appointments.c.appointed_on <= on.isoformat(),
                or_(appointments.c.ended_on.is_(None), appointments.c.ended_on >= first),
            )
            .order_by(appointments.c.appointed_on)
        ).all()
    )


def _appointment_evidence(a: Any) -> Evidence:
    return Evidence(
        "appointments", str(a.id), f"{a.person_name} ({a.role})", _d(a.appointed_on), "appointment"
    )


def _people_with_role(ctx: _Ctx, role: str, on: date) -> list[Any]:
    day = on.isoformat()
    out = []
    for p in ctx.conn.execute(
        select(
            people.c.id, people.c.name, people.c.kind, people.c.roles, people.c.hired_on, people.c.left_on
        ).where(_live(people))
    ).all():
        roles = p.roles or []
        holds = role in roles or (role == "supervisor" and p.kind == "supervisor")
        employed = (p.hired_on is None or str(p.hired_on) <= day) and (
            p.left_on is None or str(p.left_on) > day
        )
        if holds and employed:
            out.append(p)
    return out


def _duty_4_5(ctx: _Ctx, duty: DutyDefinition) -> _Result:
    code = duty.code
    required = ["supervisor"]
    if ctx.applies("site_safety_manager"):
        required.append("safety_health_manager")
    if ctx.applies("contractor_safety_lead") or ctx.applies("contractor_safety_lead_shipbuilding"):
        required.append("general_safety_lead")
    active = _active_appointments(ctx, required, ctx.as_of, since=ctx.start)
    evaluations = ctx.conn.execute(
        select(role_evaluations).where(
            _live(role_evaluations),
            # the half-year the evaluation is for (the service keeps its date within that half-year
            # plus a month's grace); a January evaluation of H2 must not count for H1
            role_evaluations.c.period == ctx.period.code,
        )
    ).all()
    replaced = _superseded(ctx.conn, role_evaluations)
    evaluated = {str(e.appointment_id) for e in evaluations if str(e.id) not in replaced}
    evidence = [_appointment_evidence(a) for a in active]
    evidence.extend(
        Evidence(
            "role_evaluations",
            str(e.id),
            f"{e.evaluator or ''} {e.result or ''}".strip() or str(e.period),
            _d(e.evaluated_on),
            "evaluation",
        )
        for e in evaluations
        if str(e.id) not in replaced
    )
    gaps: list[Gap] = []
    designated_only: list[str] = []
    for role in required:
        if any(a.role == role for a in active):
            continue
        if _people_with_role(ctx, role, ctx.as_of):
            designated_only.append(role)
            gaps.append(
                ctx.gap(
                    code,
                    N_("Record the appointment of the {role} with the authority and budget given."),
                    "appointment",
                    role_code=role,
                    role=ROLE_NAMES[role],
                )
            )
        else:
            gaps.append(
                ctx.gap(
                    code,
                    N_("Appoint a {role} and record the authority and budget given."),
                    "appointment",
                    role_code=role,
                    role=ROLE_NAMES[role],
                )
            )
    # who holds the role at the end of the period (or today) is the one to give authority and evaluate
    current = [a for a in active if a.ended_on is None or str(a.ended_on) >= ctx.a]
    incomplete = [a for a in current if not a.authority or a.budget_amount is None]
    if incomplete:
        gaps.append(
            ctx.gap(
                code,
                N_("{n} appointment(s) do not state the authority and budget given."),
                "appointment",
                n=len(incomplete),
            )
        )
    unevaluated = [a for a in current if str(a.id) not in evaluated]
    if unevaluated:
        gaps.append(
            ctx.gap(
                code,
                N_("Evaluate the work of {n} appointed person(s) this half-year."),
                "role_evaluation",
                n=len(unevaluated),
            )
        )
    if not active:
        reason = (
            Text(
                N_(
                    "Roles are designated in the people register, but no appointment records or evaluations exist."
                )
            )
            if designated_only
            else Text(N_("No supervisor or safety manager appointment is recorded."))
        )
        return _Result(
            Status.PARTLY if designated_only else Status.MISSING, reason, tuple(evidence), tuple(gaps)
        )
    if not gaps:
        return _Result(
            Status.MET,
            Text(
                N_("{n} appointment(s) with authority and budget; all evaluated this half-year."),
                {"n": len(active)},
            ),
            tuple(evidence),
        )
    return _Result(
        Status.PARTLY,
        Text(
            N_("{n} appointment(s); {e} evaluated this half-year; {g} point(s) to complete."),
            {"n": len(active), "e": len(active) - len(unevaluated), "g": len(gaps)},
        ),
        tuple(evidence),
        tuple(gaps),
    )


def _duty_4_6(ctx: _Ctx, duty: DutyDefinition) -> _Result:
    code = duty.code
    required = [
        role
        for role, obligation in (
            ("safety_health_coordinator", "safety_health_coordinator"),
            ("safety_officer", "safety_officer"),
        )
        if ctx.applies(obligation)
    ]
    workers = ctx.facts.regular_workers
    if not required:
        return _Result(
            Status.NOT_APPLICABLE,
            Text(
                N_(
                    "{n} workers: the OSH Act requires no safety officer or safety and health coordinator "
                    "(in manufacturing a coordinator from 20 workers, a safety officer from 50)."
                ),
                {"n": workers, "industry": ctx.facts.industry},
            ),
        )
    days = int(duty.param("moel_report_days"))
    report_roles = set(duty.param("moel_report_roles"))
    active = _active_appointments(ctx, required, ctx.as_of)
    evidence = [_appointment_evidence(a) for a in active]
    gaps: list[Gap] = []
    missing: list[str] = []
    designated: list[str] = []
    for role in required:
        if any(a.role == role for a in active):
            continue
        if _people_with_role(ctx, role, ctx.as_of):
            designated.append(role)
            gaps.append(
                ctx.gap(
                    code,
                    N_("Record the appointment of the {role} and its report to MOEL."),
                    "appointment",
                    role_code=role,
                    role=ROLE_NAMES[role],
                    due=None,
                )
            )
        else:
            missing.append(role)
            gaps.append(
                ctx.gap(
                    code,
                    N_("Appoint a {role}: the OSH Act requires one at {n} workers."),
                    "appointment",
                    role_code=role,
                    role=ROLE_NAMES[role],
                    n=workers,
                    due=None,
                )
            )
    for a in active:
        if a.role not in report_roles:
            continue
        appointed = _d(a.appointed_on)
        reported = _d(a.reported_to_moel_on)
        assert appointed is not None
        deadline = appointed + timedelta(days=days)
        if reported is None:
            gaps.append(
                ctx.gap(
                    code,
                    N_("Report the appointment of {name} to MOEL (due {due})."),
                    "appointment",
                    name=a.person_name,
                    due=deadline,
                )
            )
        elif reported > deadline:
            gaps.append(
                ctx.gap(
                    code,
                    N_("The appointment of {name} was reported to MOEL late, on {on}."),
                    "appointment",
                    name=a.person_name,
                    on=reported.isoformat(),
                    due=None,
                )
            )
        else:
            evidence.append(
                Evidence("appointments", str(a.id), f"{a.person_name} ({a.role})", reported, "moel_report")
            )
    if len(missing) == len(required):
        return _Result(
            Status.MISSING,
            Text(N_("{n} workers: a required appointment is missing."), {"n": workers}),
            tuple(evidence),
            tuple(gaps),
        )
    if not gaps:
        return _Result(
            Status.MET,
            Text(N_("{n} workers: the required safety staff are appointed and reported."), {"n": workers}),
            tuple(evidence),
        )
    reason = (
        Text(N_("The required role is designated in the people register, but no appointment record exists."))
        if designated and not active
        else Text(N_("{n} workers: part of the required staffing is missing."), {"n": workers})
    )
    return _Result(Status.PARTLY, reason, tuple(evidence), tuple(gaps))


# --- 4-7 workers' opinions -------------------------------------------------------------------------


def _duty_4_7(ctx: _Ctx, duty: DutyDefinition) -> _Result:
    code = duty.code
    within = int(duty.param("answer_within_days"))
    rows = ctx.conn.execute(
        select(suggestions)
        .where(_live(suggestions), suggestions.c.submitted_on.between(ctx.s, ctx.a))
        .order_by(suggestions.c.submitted_on)
    ).all()
    tbm = ctx.conn.execute(
        select(form_records.c.id, form_records.c.performed_on, form_records.c.header)
        .where(
            _live(form_records),
            form_records.c.kind == "tbm",
            form_records.c.performed_on.between(ctx.s, ctx.a),
            or_(form_records.c.completed_at.is_not(None), form_records.c.locked_at.is_not(None)),
        )
        .order_by(form_records.c.performed_on)
    ).all()
    answered = [r for r in rows if r.responded_on is not None and str(r.responded_on) <= ctx.t]
    cutoff = (ctx.today - timedelta(days=within)).isoformat()
    overdue = [r for r in rows if r not in answered and str(r.submitted_on) <= cutoff]
    evidence = [
        Evidence("suggestions", str(r.id), _short(str(r.text)), _d(r.submitted_on), "suggestion")
        for r in rows
    ]
    evidence.extend(
        Evidence("suggestions", str(r.id), _short(str(r.response or r.text)), _d(r.responded_on), "response")
        for r in answered
    )
    evidence.extend(Evidence("form_records", str(t.id), "TBM", _d(t.performed_on), "tbm") for t in tbm)
    gaps: list[Gap] = []
    if overdue:
        gaps.append(
            ctx.gap(
                code,
                N_("Answer {n} suggestion(s) older than {days} days."),
                "suggestion",
                n=len(overdue),
                days=within,
                due=None,
            )
        )
    if not rows and not tbm:
        gaps.append(
            ctx.gap(
                code,
                N_("Hear the workers' opinions (suggestion box, TBM, meeting) and record them."),
                "suggestion",
            )
        )
        reason = (
            Text(N_("No worker opinion or TBM has been recorded yet this half-year."))
            if ctx.in_progress
            else Text(N_("No worker opinion or TBM was recorded in the half-year."))
        )
        return _Result(Status.MISSING, reason, tuple(evidence), tuple(gaps))
    params = {"n": len(rows), "a": len(answered), "t": len(tbm)}
    if overdue:
        return _Result(
            Status.PARTLY,
            Text(
                N_("{n} suggestion(s), {a} answered, {t} TBM meeting(s); some are unanswered too long."),
                params,
            ),
            tuple(evidence),
            tuple(gaps),
        )
    return _Result(
        Status.MET,
        Text(N_("{n} suggestion(s), {a} answered; {t} TBM meeting(s)."), params),
        tuple(evidence),
        tuple(gaps),
    )


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- 4-8 emergency manual and drills ---------------------------------------------------------------


def _drill_day(row: Any) -> date | None:
    if row.performed_at:
        moment = datetime.fromisoformat(str(row.performed_at).replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(KST).date()
    if row.status in ("done", "completed"):
        return _d(row.planned_on)
    return None


def _duty_4_8(ctx: _Ctx, duty: DutyDefinition) -> _Result:
    code = duty.code
    need = int(duty.param("min_drills"))
    manuals = ctx.conn.execute(
        select(emergency_manuals)
        .where(_live(emergency_manuals), emergency_manuals.c.approved_on <= ctx.a)
        .order_by(emergency_manuals.c.approved_on, emergency_manuals.c.revision_no)
    ).all()
    manual = manuals[-1] if manuals else None
    # a drill's day is local (KST); widen the UTC text window by a day on each side, then filter
    low = (ctx.start - timedelta(days=1)).isoformat()
    high = (ctx.as_of + timedelta(days=2)).isoformat()
    candidates = ctx.conn.execute(
        select(drills).where(
            _live(drills),
            or_(
                drills.c.performed_at.between(low, high),
                and_(drills.c.performed_at.is_(None), drills.c.planned_on.between(ctx.s, ctx.a)),
            ),
        )
    ).all()
    done = []
    for row in candidates:
        day = _drill_day(row)
        if day is not None and ctx.start <= day <= ctx.as_of and row.status != "cancelled":
            done.append((day, row))
    done.sort(key=lambda x: x[0])
    evidence: list[Evidence] = []
    if manual is not None:
        evidence.append(
            Evidence(
                "emergency_manuals",
                str(manual.id),
                f"{manual.title} v{manual.version_label}",
                _d(manual.approved_on),
                "manual",
            )
        )
    evidence.extend(
        Evidence("drills", str(r.id), _short(str(r.scenario or r.drill_type)), day, "drill")
        for day, r in done
    )
    gaps: list[Gap] = []
    if manual is None:
        gaps.append(
            ctx.gap(
                code,
                N_("Write the serious-accident manual and have the owner approve it."),
                "emergency_manual",
                due=None,
            )
        )
    if len(done) < need:
        gaps.append(
            ctx.gap(code, N_("Hold an emergency drill following the manual this half-year."), "drill")
        )
    params = {"n": len(done), "need": need}
    if manual is not None and len(done) >= need:
        return _Result(
            Status.MET,
            Text(N_("Manual approved; {n} drill(s) held this half-year."), params),
            tuple(evidence),
        )
    if manual is None and not done:
        return _Result(
            Status.MISSING,
            Text(N_("No approved emergency manual and no drill.")),
            tuple(evidence),
            tuple(gaps),
        )
    if manual is None:
        return _Result(
            Status.PARTLY,
            Text(N_("{n} drill(s) held, but no approved emergency manual."), params),
            tuple(evidence),
            tuple(gaps),
        )
    reason = (
        Text(
            N_("Manual approved; no drill yet this half-year (at least {need} due by {due})."),
            {"need": need, "due": ctx.end.isoformat()},
        )
        if ctx.in_progress
        else Text(N_("Manual approved, but {n} of at least {need} drill(s) held in the half-year."), params)
    )
    return _Result(Status.PARTLY, reason, tuple(evidence), tuple(gaps))


# --- 4-9 contractors -------------------------------------------------------------------------------


def _duty_4_9(ctx: _Ctx, duty: DutyDefinition) -> _Result:
    code = duty.code
    if not ctx.facts.uses_contractors:
        return _Result(Status.NOT_APPLICABLE, Text(N_("The site does not give work to contractors.")))
    months = int(duty.param("evaluation_valid_months"))
    active = ctx.conn.execute(
        select(contractors)
        .where(
            _live(contractors),
            or_(contractors.c.contract_from.is_(None), contractors.c.contract_from <= ctx.a),
            or_(contractors.c.contract_to.is_(None), contractors.c.contract_to >= ctx.s),
        )
        .order_by(contractors.c.name)
    ).all()
    earliest = add_months(ctx.as_of, -months).isoformat()
    replaced = _superseded(ctx.conn, contractor_evaluations)
    evaluations = [
        e
        for e in ctx.conn.execute(
            select(contractor_evaluations)
            .where(
                _live(contractor_evaluations), contractor_evaluations.c.evaluated_on.between(earliest, ctx.a)
            )
            .order_by(contractor_evaluations.c.evaluated_on)
        ).all()
        if str(e.id) not in replaced and _done(e)  # a draft evaluation is not yet evidence
    ]
    names = {str(c.id): str(c.name) for c in active}
    evaluated = {str(e.contractor_id) for e in evaluations}
    evidence = [
        Evidence(
            "contractor_evaluations",
            str(e.id),
            f"{names.get(str(e.contractor_id), '')} ({e.purpose}, {e.result or '-'})",
            _d(e.evaluated_on),
            "evaluation",
        )
        for e in evaluations
        if str(e.contractor_id) in names
    ]
    evidence.extend(
        Evidence("contractors", str(c.id), str(c.name), _d(c.contract_from), "contractor") for c in active
    )
    gaps: list[Gap] = []
    if not active:
        gaps.append(
            ctx.gap(code, N_("Register the contractors the site gives work to."), "contractor", due=None)
        )
        return _Result(
            Status.MISSING,
            Text(N_("The site uses contractors, but none is registered for the period.")),
            tuple(evidence),
            tuple(gaps),
        )
    not_evaluated = [c for c in active if str(c.id) not in evaluated]
    no_cost = [c for c in active if not c.safety_cost_standard]
    for c in not_evaluated:
        gaps.append(
            ctx.gap(
                code,
                N_("Evaluate {name}: no evaluation in the last {months} months."),
                "contractor_evaluation",
                name=c.name,
                months=months,
                record_id=str(c.id),
            )
        )
    for c in no_cost:
        gaps.append(
            ctx.gap(
                code,
                N_("Set the safety and health cost standard for {name}."),
                "contractor",
                name=c.name,
                record_id=str(c.id),
            )
        )
    if obl.applies(ctx.obligations, "building_period_standard") and not any(
        c.building_period_standard for c in active
    ):
        gaps.append(
            ctx.gap(
                code, N_("Set the building-period standard for contracted shipbuilding work."), "contractor"
            )
        )
    params = {"n": len(active), "e": len(active) - len(not_evaluated), "months": months}
    if not gaps:
        return _Result(
            Status.MET,
            Text(
                N_("{n} contractor(s), all evaluated in the last {months} months, with cost standards."),
                params,
            ),
            tuple(evidence),
        )
    if len(not_evaluated) == len(active):
        return _Result(
            Status.MISSING,
            Text(N_("{n} contractor(s), none evaluated in the last {months} months."), params),
            tuple(evidence),
            tuple(gaps),
        )
    return _Result(
        Status.PARTLY,
        Text(N_("{n} contractor(s), {e} evaluated; standards or evaluations are incomplete."), params),
        tuple(evidence),
        tuple(gaps),
    )


# --- 5-2-1 / 5-2-3 the half-yearly checks, 5-2-2 / 5-2-4 acting on findings ------------------------


def _duty_5_2_1(ctx: _Ctx, duty: DutyDefinition) -> _Result:
    code = duty.code
    row = ctx.checks.get(code)
    check = _check_of(row) if row is not None else None
    if check is None or check.reviewed_on is None:
        reason = (
            Text(
                N_("The legal-compliance check for this half-year is due by {due}."),
                {"due": ctx.end.isoformat()},
            )
            if ctx.in_progress
            else Text(N_("No legal-compliance check was recorded for the half-year."))
        )
        return _Result(Status.MISSING, reason, (), (_check_gap(ctx, code, check),))
    evidence = (
        Evidence(
            "compliance_checks", check.record_id, _check_title(ctx, duty.code), check.reviewed_on, "check"
        ),
    )
    if check.owner_confirmed_on is None or check.owner_confirmed_on > ctx.today:
        return _Result(
            Status.PARTLY,
            Text(
                N_("Checked on {on} by {who}; the owner has not confirmed receipt."),
                {"on": _fmt(check.reviewed_on), "who": check.reviewer or "-"},
            ),
            evidence,
            (_check_gap(ctx, code, check),),
        )
    return _Result(
        Status.MET,
        Text(
            N_("Checked on {on} by {who}; the owner confirmed receipt on {confirmed}."),
            {
                "on": _fmt(check.reviewed_on),
                "who": check.reviewer or "-",
                "confirmed": _fmt(check.owner_confirmed_on),
            },
        ),
        evidence,
    )


def _findings(ctx: _Ctx, codes: Callable[[str], bool]) -> list[Any]:
    return [
        row
        for code, row in ctx.checks.items()
        if codes(code) and row.reviewed_on is not None and str(row.status_at_review or "") in UNMET_AT_REVIEW
    ]


def _check_actions(ctx: _Ctx, check_ids: Sequence[str]) -> list[Any]:
    if not check_ids:
        return []
    return list(
        ctx.conn.execute(
            select(corrective_actions).where(
                _live(corrective_actions),
                corrective_actions.c.source_kind == "compliance_check",
                corrective_actions.c.source_id.in_(list(check_ids)),
            )
        ).all()
    )


def _all_check_ids(ctx: _Ctx, duty_code: str) -> list[str]:
    """Every revision of the period's check of ``duty_code`` (an action may point at any of them)."""
    rows = ctx.conn.execute(
        select(compliance_checks.c.id, compliance_checks.c.duty_code).where(
            compliance_checks.c.period == ctx.period.code
        )
    ).all()
    return [str(r.id) for r in rows if _canonical_code(str(r.duty_code)) == duty_code]


def _acting_on_findings(
    ctx: _Ctx, duty: DutyDefinition, unmet: list[Any], extra: Callable[[Any], list[Evidence]] | None = None
) -> _Result:
    code = duty.code
    if not unmet:
        education = duty.code == "sapa_5_2_4"
        if education and "sapa_5_2_3" in ctx.checks:
            reason = Text(
                N_("The half-year's education check found nothing missing, so no order was needed.")
            )
        elif not education and ctx.checks:
            reason = Text(N_("The half-year's checks found no unmet duty, so no action was needed."))
        else:
            reason = Text(N_("No check of this half-year has found anything unmet (yet), so nothing is due."))
        return _Result(Status.NOT_APPLICABLE, reason)
    evidence: list[Evidence] = []
    gaps: list[Gap] = []
    handled = 0
    for row in unmet:
        duty_code = _canonical_code(str(row.duty_code))
        actions = [
            a
            for a in _check_actions(ctx, _all_check_ids(ctx, duty_code))
            if a.owner_id is not None or a.owner_name
        ]
        found = [
            Evidence("corrective_actions", str(a.id), str(a.title), _d(a.created_at), "action")
            for a in actions
        ]
        if extra is not None:
            found.extend(extra(row))
        evidence.extend(found)
        if found:
            handled += 1
        else:
            gaps.append(
                ctx.gap(
                    code,
                    N_(
                        "The check of {duty} found it unmet: assign an action with an owner "
                        "(staff or budget)."
                    ),
                    "action",
                    duty=duty_code.removeprefix("sapa_").replace("_", "-"),
                    record_id=str(row.id),
                    due=None,
                )
            )
    params = {"n": len(unmet), "h": handled}
    if handled == len(unmet):
        return _Result(
            Status.MET,
            Text(N_("{n} unmet finding(s), each with an assigned action."), params),
            tuple(evidence),
        )
    status = Status.PARTLY if handled else Status.MISSING
    return _Result(
        status,
        Text(N_("{n} unmet finding(s), {h} with an assigned action."), params),
        tuple(evidence),
        tuple(gaps),
    )


def _duty_5_2_2(ctx: _Ctx, duty: DutyDefinition) -> _Result:
    return _acting_on_findings(ctx, duty, _findings(ctx, lambda c: c != "sapa_5_2_3"))


def _special_trainings(ctx: _Ctx, courses: Sequence[str], low: str, high: str) -> list[Any]:
    return list(
        ctx.conn.execute(
            select(trainings.c.id, trainings.c.title, trainings.c.held_on, trainings.c.revision_of)
            .where(
                _live(trainings),
                trainings.c.course.in_(list(courses)),
                trainings.c.held_on.between(low, high),
            )
            .order_by(trainings.c.held_on)
        ).all()
    )


def _duty_5_2_3(ctx: _Ctx, duty: DutyDefinition) -> _Result:
    code = duty.code
    courses = list(duty.param("courses"))
    replaced = _superseded(ctx.conn, trainings)
    held = [t for t in _special_trainings(ctx, courses, ctx.s, ctx.a) if str(t.id) not in replaced]
    evidence = [Evidence("trainings", str(t.id), str(t.title), _d(t.held_on), "training") for t in held]
    if held:
        return _Result(
            Status.MET,
            Text(N_("{n} mandatory hazardous-work training session(s) held."), {"n": len(held)}),
            tuple(evidence),
        )
    hazardous = _hazardous_work(ctx)
    if not hazardous:
        return _Result(
            Status.NOT_APPLICABLE,
            Text(
                N_(
                    "No hazardous work that needs special education is recorded "
                    "(no hazard-tagged area and no work permit)."
                )
            ),
        )
    gap = ctx.gap(
        code,
        N_("Deliver the special education for hazardous work ({n} area(s) or permit(s))."),
        "training",
        n=hazardous,
    )
    reason = (
        Text(
            N_("No special education has been held yet this half-year; it is due by {due}."),
            {"due": ctx.end.isoformat()},
        )
        if ctx.in_progress
        else Text(N_("Hazardous work is recorded, but no special education was held in the half-year."))
    )
    return _Result(Status.MISSING, reason, (), (gap,))


def _hazardous_work(ctx: _Ctx) -> int:
    tagged = sum(
        1 for (tags,) in ctx.conn.execute(select(areas.c.hazard_tags).where(_live(areas))).all() if tags
    )
    permits = len(
        ctx.conn.execute(
            select(form_records.c.id).where(
                _live(form_records),
                form_records.c.kind == "permit",
                form_records.c.performed_on.between(ctx.s, ctx.a),
            )
        ).all()
    )
    return tagged + permits


def _duty_5_2_4(ctx: _Ctx, duty: DutyDefinition) -> _Result:
    courses = list(load_duty_catalogue().duty("sapa_5_2_3").param("courses"))

    def later_training(row: Any) -> list[Evidence]:
        since = str(row.reviewed_on)
        return [
            Evidence("trainings", str(t.id), str(t.title), _d(t.held_on), "training")
            for t in _special_trainings(ctx, courses, since, ctx.t)
        ]

    return _acting_on_findings(ctx, duty, _findings(ctx, lambda c: c == "sapa_5_2_3"), later_training)


_RULES: dict[str, Callable[[_Ctx, DutyDefinition], _Result]] = {
    "sapa_4_1": _duty_4_1,
    "sapa_4_2": _duty_4_2,
    "sapa_4_3": _duty_4_3,
    "sapa_4_4": _duty_4_4,
    "sapa_4_5": _duty_4_5,
    "sapa_4_6": _duty_4_6,
    "sapa_4_7": _duty_4_7,
    "sapa_4_8": _duty_4_8,
    "sapa_4_9": _duty_4_9,
    "sapa_5_2_1": _duty_5_2_1,
    "sapa_5_2_2": _duty_5_2_2,
    "sapa_5_2_3": _duty_5_2_3,
    "sapa_5_2_4": _duty_5_2_4,
}


# --- serialisation (CLI --json, binder) ------------------------------------------------------------


def report_as_dict(report: ComplianceReport, lang: str | None = None) -> dict[str, Any]:
    """The report as plain JSON-ready data, texts rendered in ``lang``."""

    lang = lang or current_language()

    def day(value: date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "period": report.period,
        "start": day(report.start),
        "end": day(report.end),
        "as_of": day(report.as_of),
        "in_progress": report.as_of < report.end,
        "site": report.site_name,
        "workers": report.workers,
        "contractor_workers": report.contractor_workers,
        "industry": report.industry,
        "obligations": [
            {
                "code": o.code,
                "applies": o.applies,
                "label": o.label_en if lang == "en" else o.label_ko,
                "source": o.source,
                "reason": o.reason.render(lang),
            }
            for o in report.obligations
        ],
        "duties": [
            {
                "code": d.code,
                "title": d.title(lang),
                "legal_ref": d.legal_ref,
                "half_yearly": d.half_yearly,
                "status": d.status.value,
                "reason": d.reason.render(lang),
                "iso45001": list(d.iso45001),
                "evidence_count": len(d.evidence),
                "evidence": [
                    {
                        "entity": e.entity,
                        "record_id": e.record_id,
                        "title": e.title,
                        "on": day(e.on),
                        "kind": e.kind,
                    }
                    for e in d.evidence
                ],
                "gaps": [
                    {"message": g.message.render(lang), "start": g.start, "due": day(g.due)} for g in d.gaps
                ],
                "check": None
                if d.check is None
                else {
                    "record_id": d.check.record_id,
                    "reviewed_on": day(d.check.reviewed_on),
                    "reviewer": d.check.reviewer,
                    "findings": d.check.findings,
                    "owner_name": d.check.owner_name,
                    "owner_confirmed_on": day(d.check.owner_confirmed_on),
                    "locked": d.check.locked,
                },
            }
            for d in report.duties
        ],
    }


def _check_title(ctx: _Ctx, code: str) -> str:
    """A check's title in no particular language (the binder and screens print it as is): "2026H1 · 4-3"."""
    return f"{ctx.period.code} · {code.removeprefix('sapa_').replace('_', '-')}"
