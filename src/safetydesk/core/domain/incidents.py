"""Accident classifiers and the 산업재해조사표 deadline (DOMAIN.md §1.1, §4.7) — pure rules, no I/O.

The OSH Act's 중대재해 (Rule Art. 3) and SAPA's 중대산업재해 (Act Art. 2-2) use different
thresholds, and an officer who mixes them up either misses a "report without delay" duty or panics
over a case that is not one. Both are answered from the same facts so the screen can show both flags.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from safetydesk.core.domain.legal import add_months

KINDS = ("near_miss", "first_aid", "injury", "lost_time", "fatality", "illness")
INJURY_KINDS = frozenset({"first_aid", "injury", "lost_time", "fatality", "illness"})

# OSH Enforcement Rule Art. 3 (중대재해).
OSH_TREATMENT_MONTHS = 3
OSH_TREATMENT_PEOPLE = 2
OSH_SIMULTANEOUS_PEOPLE = 10
# SAPA Act Art. 2-2 (중대산업재해).
SAPA_TREATMENT_MONTHS = 6
SAPA_TREATMENT_PEOPLE = 2
SAPA_SAME_DISEASE_PEOPLE = 3
# OSH Enforcement Rule Art. 73 (산업재해조사표, form 30).
FORM30_MIN_DAYS_OFF = 3
FORM30_WITHIN_MONTHS = 1


@dataclass(frozen=True)
class AccidentFacts:
    """What one accident did to people; counts are of people, not of injuries."""

    deaths: int = 0
    injured: int = 0  # injured or ill at the same time (including those counted below)
    treatment_3m: int = 0  # needing at least 3 months' treatment
    treatment_6m: int = 0  # needing at least 6 months' treatment
    same_disease_1y: int = 0  # people with the same listed occupational disease within 1 year

    def normalised(self) -> AccidentFacts:
        """6 months' treatment is also 3 months'; everyone treated is also injured."""
        six = max(self.treatment_6m, 0)
        three = max(self.treatment_3m, six)
        return AccidentFacts(
            deaths=max(self.deaths, 0),
            injured=max(self.injured, three),
            treatment_3m=three,
            treatment_6m=six,
            same_disease_1y=max(self.same_disease_1y, 0),
        )


@dataclass(frozen=True)
class Classification:
    """``reasons`` are codes the screen turns into text: death, treatment, simultaneous, disease."""

    serious: bool
    reasons: tuple[str, ...] = ()


def osh_serious_accident(facts: AccidentFacts) -> Classification:
    """중대재해 (OSH Rule Art. 3): ≥1 death, ≥2 people with ≥3 months' treatment, ≥10 hurt at once."""
    f = facts.normalised()
    reasons: list[str] = []
    if f.deaths >= 1:
        reasons.append("death")
    if f.treatment_3m >= OSH_TREATMENT_PEOPLE:
        reasons.append("treatment")
    if f.injured >= OSH_SIMULTANEOUS_PEOPLE:
        reasons.append("simultaneous")
    return Classification(bool(reasons), tuple(reasons))


def sapa_serious_accident(facts: AccidentFacts) -> Classification:
    """중대산업재해 (SAPA Art. 2-2): ≥1 death, ≥2 people with ≥6 months' treatment from the same
    accident, or ≥3 people with the same listed occupational disease within 1 year."""
    f = facts.normalised()
    reasons: list[str] = []
    if f.deaths >= 1:
        reasons.append("death")
    if f.treatment_6m >= SAPA_TREATMENT_PEOPLE:
        reasons.append("treatment")
    if f.same_disease_1y >= SAPA_SAME_DISEASE_PEOPLE:
        reasons.append("disease")
    return Classification(bool(reasons), tuple(reasons))


def form30_required(days_lost: int | None, died: bool) -> bool:
    """산업재해조사표 is due for a death or an injury/illness needing ≥3 days off (Rule Art. 73①)."""
    return died or (days_lost is not None and days_lost >= FORM30_MIN_DAYS_OFF)


def form30_due(occurred_on: date, days_lost: int | None, died: bool) -> date | None:
    """Last day to submit form 30: one month from the accident (same day next month)."""
    if not form30_required(days_lost, died):
        return None
    return add_months(occurred_on, FORM30_WITHIN_MONTHS)


def facts_for(
    *,
    kind: str,
    died: bool,
    days_lost: int | None,
    deaths: int = 0,
    injured: int = 0,
    treatment_3m: int = 0,
    treatment_6m: int = 0,
    same_disease_1y: int = 0,
) -> AccidentFacts:
    """Facts of one incident record: the injured person on the record counts unless told otherwise."""
    own_death = 1 if died or kind == "fatality" else 0
    own_injury = 1 if kind in INJURY_KINDS else 0
    return AccidentFacts(
        deaths=max(deaths, own_death),
        injured=max(injured, own_injury),
        treatment_3m=treatment_3m,
        treatment_6m=treatment_6m,
        same_disease_1y=same_disease_1y,
    ).normalised()


def title_from(description: str, limit: int = 80) -> str:
    """A list title from the first line of what happened (the quick intake asks for no title)."""
    first = next((line.strip() for line in description.splitlines() if line.strip()), "")
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"
