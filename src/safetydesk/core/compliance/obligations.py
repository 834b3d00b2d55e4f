"""Which obligations apply to the site on a day: headcount (history), industry (KSIC), contractors.

Thresholds are data (``resources/legal/thresholds.toml``, read through ``core.legaldata``); this module
only gathers the site's facts in force on the day and matches them, giving each obligation its legal
source and a plain reason (DOMAIN.md §4.9 and §7 A1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.engine import Connection

from safetydesk.core.compliance.duties import load_duty_catalogue
from safetydesk.core.compliance.model import Obligation, Text
from safetydesk.core.db.tables import people, site_headcounts, sites
from safetydesk.core.domain.legal import LegalData, Threshold
from safetydesk.core.domain.provenance import LegalLookupError
from safetydesk.core.i18n import N_
from safetydesk.core.legaldata import load_legal_data
from safetydesk.core.workspace.workspace import Workspace

MANUFACTURING_DIVISIONS = range(10, 35)  # KSIC section C: divisions 10–34


@dataclass(frozen=True)
class SiteFacts:
    """The facts obligations depend on, as in force on ``on``."""

    on: date
    site_id: str | None
    site_name: str
    ksic_code: str
    industry_text: str
    industries: frozenset[str]  # codes used by thresholds.toml: all, manufacturing, shipbuilding, ...
    uses_contractors: bool
    regular_workers: int
    contractor_workers: int
    headcount_from: date | None  # effective_from of the headcount row used (None = counted from people)

    @property
    def industry(self) -> str:
        """One word for the report: shipbuilding, manufacturing, other or unknown."""
        if "shipbuilding" in self.industries:
            return "shipbuilding"
        if "manufacturing" in self.industries:
            return "manufacturing"
        return "other" if self.ksic_code or self.industry_text else "unknown"


def industries_of(ksic_code: str | None, industry_text: str | None = None) -> frozenset[str]:
    """The thresholds.toml industry codes a site belongs to (KSIC first, the free text as fallback)."""
    found = {"all"}
    digits = re.sub(r"\D", "", ksic_code or "")
    text = industry_text or ""
    if digits:
        if len(digits) >= 2 and int(digits[:2]) in MANUFACTURING_DIVISIONS:
            found.add("manufacturing")
        if digits.startswith("311"):  # 선박 및 보트 건조업 (incl. ship parts, KSIC 3111x)
            found.add("shipbuilding")
        if digits.startswith("24"):
            found.add("primary_metals")
        if digits.startswith("071"):  # 토사석 광업
            found.add("quarrying")
    else:
        if "제조" in text or "manufactur" in text.lower():
            found.add("manufacturing")
        if "선박" in text or "shipbuild" in text.lower():
            found.update({"manufacturing", "shipbuilding"})
    return frozenset(found)


def site_facts(conn: Connection, on: date) -> SiteFacts:
    site = conn.execute(
        select(sites).where(sites.c.deleted_at.is_(None)).order_by(sites.c.created_at, sites.c.id).limit(1)
    ).first()
    site_id = str(site.id) if site is not None else None
    day = on.isoformat()
    headcount = None
    if site_id is not None:
        headcount = conn.execute(
            select(
                site_headcounts.c.regular_workers,
                site_headcounts.c.contractor_workers,
                site_headcounts.c.effective_from,
            )
            .where(
                site_headcounts.c.site_id == site_id,
                site_headcounts.c.deleted_at.is_(None),
                site_headcounts.c.effective_from <= day,
            )
            .order_by(site_headcounts.c.effective_from.desc(), site_headcounts.c.created_at.desc())
            .limit(1)
        ).first()
    if headcount is not None:
        regular, contract = int(headcount[0]), int(headcount[1] or 0)
        since: date | None = date.fromisoformat(str(headcount[2]))
    else:
        regular, contract, since = _count_people(conn, day), _count_people(conn, day, contractors=True), None
    ksic = str(site.ksic_code or "") if site is not None else ""
    text = str(site.industry or "") if site is not None else ""
    return SiteFacts(
        on=on,
        site_id=site_id,
        site_name=str(site.name) if site is not None else "",
        ksic_code=ksic,
        industry_text=text,
        industries=industries_of(ksic, text),
        uses_contractors=bool(site.uses_contractors) if site is not None else False,
        regular_workers=regular,
        contractor_workers=contract,
        headcount_from=since,
    )


def _count_people(conn: Connection, day: str, *, contractors: bool = False) -> int:
    """Fallback when no headcount is recorded: people employed on ``day`` (the owner excluded)."""
    rows = conn.execute(
        select(people.c.kind, people.c.contractor_id, people.c.hired_on, people.c.left_on).where(
            people.c.deleted_at.is_(None)
        )
    ).all()
    count = 0
    for kind, contractor_id, hired, left in rows:
        if kind == "owner":
            continue
        is_contractor = contractor_id is not None or kind == "contractor_worker"
        if is_contractor != contractors:
            continue
        if (hired is None or str(hired) <= day) and (left is None or str(left) > day):
            count += 1
    return count


def derive(facts: SiteFacts, legal: LegalData | None = None) -> tuple[Obligation, ...]:
    """Every obligation in force on ``facts.on``, with whether it applies and why."""
    legal = legal or load_legal_data()
    try:
        thresholds = tuple(legal.thresholds(facts.on))
    except LegalLookupError:
        thresholds = ()
    out = [_threshold_obligation(t, facts) for t in thresholds]
    sapa = next((o for o in out if o.code == "sapa"), None)
    for fact in load_duty_catalogue().obligations:
        applies, reason = _fact_applies(fact.when, facts)
        if sapa is not None and not sapa.applies and applies:
            applies, reason = (
                False,
                Text(N_("SAPA does not apply to the site, so this duty does not either.")),
            )
        out.append(Obligation(fact.code, applies, fact.label_ko, fact.label_en, fact.source, reason))
    return tuple(out)


def obligations(ws: Workspace, on: date) -> tuple[Obligation, ...]:
    """The obligations of the workspace's site on ``on`` (headcount and industry in force that day)."""
    with ws.reader() as conn:
        facts = site_facts(conn, on)
    return derive(facts)


def _fact_applies(when: str, facts: SiteFacts) -> tuple[bool, Text]:
    if not facts.uses_contractors:
        return False, Text(N_("The site does not give work to contractors."))
    if when == "shipbuilding_contractors" and "shipbuilding" not in facts.industries:
        return False, Text(
            N_("Only for shipbuilding (KSIC 311); this site's KSIC code is {ksic}."),
            {"ksic": facts.ksic_code or "-"},
        )
    if when == "shipbuilding_contractors":
        return True, Text(
            N_("The site gives work to contractors and is in shipbuilding (KSIC {ksic})."),
            {"ksic": facts.ksic_code or "-"},
        )
    return True, Text(N_("The site gives work to contractors."))


_INDUSTRY_ONLY = {
    "manufacturing": N_("Only for manufacturing (KSIC 10–34); this site's KSIC code is {ksic}."),
    "shipbuilding": N_("Only for shipbuilding (KSIC 311); this site's KSIC code is {ksic}."),
}


def _threshold_obligation(t: Threshold, facts: SiteFacts) -> Obligation:
    def make(applies: bool, reason: Text) -> Obligation:
        return Obligation(t.code, applies, t.label_ko, t.label_en, t.source, reason)

    if "all" not in t.industries and not (set(t.industries) & facts.industries):
        key = t.industries[0] if len(t.industries) == 1 else ""
        msgid = _INDUSTRY_ONLY.get(
            key,
            N_("Only for shipbuilding, primary metals and quarrying; this site's KSIC code is {ksic}."),
        )
        return make(False, Text(msgid, {"ksic": facts.ksic_code or "-"}))
    if t.counts_contractor_workers and not facts.uses_contractors:
        return make(False, Text(N_("The site does not give work to contractors.")))
    count = facts.regular_workers
    params: dict[str, object] = {"count": count, "min": t.min_workers, "max": t.max_workers or 0}
    if t.counts_contractor_workers:
        count += facts.contractor_workers
        params.update(count=count, regular=facts.regular_workers, contractors=facts.contractor_workers)
        if t.applies_to(count):
            return make(
                True,
                Text(
                    N_(
                        "{count} workers ({regular} own and {contractors} contractors' workers), "
                        "at least {min}: applies."
                    ),
                    params,
                ),
            )
        return make(
            False,
            Text(
                N_(
                    "{count} workers ({regular} own and {contractors} contractors' workers), "
                    "fewer than {min}: does not apply."
                ),
                params,
            ),
        )
    if t.applies_to(count):
        if t.max_workers is None:
            return make(True, Text(N_("{count} workers, at least {min}: applies."), params))
        return make(True, Text(N_("{count} workers, between {min} and {max}: applies."), params))
    if count < t.min_workers:
        return make(False, Text(N_("{count} workers, fewer than {min}: does not apply."), params))
    return make(False, Text(N_("{count} workers, more than {max}: does not apply."), params))


def applies(items: tuple[Obligation, ...], code: str) -> bool:
    return any(o.code == code and o.applies for o in items)


def find(items: tuple[Obligation, ...], code: str) -> Obligation | None:
    return next((o for o in items if o.code == code), None)
