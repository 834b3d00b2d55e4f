"""The continuous risk-assessment tracker (상시평가; MOEL notice 「사업장 위험성평가에 관한 지침」 §15④,
DOMAIN.md §2.2 and §7 C8).

A month is **deemed** (the continuous assessment stands in for ad-hoc and regular assessments; it
never replaces the initial one) when all three parts were done and recorded:

1. **monthly hazard discovery** — at least one of: a risk assessment of type ``continuous`` assessed
   in the month, or a hazard finding (``findings.found_on``) in the month. Findings are what the site
   rounds, worker suggestions, near-miss reviews and checks produce once a hazard is judged and given
   a corrective action, so a finding is "found, decided and acted on". A suggestion or a near-miss
   that produced no finding does not count by itself.
2. **weekly review** — every week has a review where the site safety manager, the safety/health staff
   and the supervisors discuss results and check progress. The workspace records it as a completed
   form record of kind ``minutes`` (a meeting-minutes template), or of kind ``tbm`` whose header has
   ``"meeting": "weekly_review"`` (the TBM form used for the managers' weekly safety meeting; this is
   how the demo records it). Weeks are ISO weeks (Monday–Sunday); a week belongs to the month that
   holds its Thursday (the ISO 8601 rule), so each week is judged once, and a review on any day of
   that week counts even if the day falls in the neighbouring month. A week with no working day is
   not required; a week that has not ended before ``today`` is not judged yet.
3. **daily TBM** — every working day of the month has at least one completed ``tbm`` form record that
   is not a weekly review. Working days are Monday–Friday minus the non-working days listed in the
   workspace setting ``calendar.non_working_days`` (ISO dates: public holidays, shutdowns). Without
   that setting every weekday counts (``MonthTrack.calendar == "weekdays"``) and a reason says so.
   Days from ``today`` on are not judged yet.

Only live (not deleted) records count; form records must be completed (locked). A month that has
not ended before ``today`` is never deemed; its missing weeks and days so far are still listed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from safetydesk.core.compliance.model import Text
from safetydesk.core.db.tables import findings, form_records, risk_assessments, settings
from safetydesk.core.i18n import N_
from safetydesk.core.workspace.workspace import Workspace

CALENDAR_SETTING = "calendar.non_working_days"
WEEKLY_REVIEW = "weekly_review"


@dataclass(frozen=True)
class MonthTrack:
    month: date  # first day of the month
    deemed: bool
    discovery_done: bool
    weekly_reviews_missing: tuple[date, ...]  # Mondays of the weeks without a weekly review
    tbm_days_missing: tuple[date, ...]  # working days without a TBM record
    reasons: tuple[Text, ...]
    complete: bool = True  # False while the month has not ended before ``today``
    calendar: str = "weekdays"  # "holidays" when the workspace lists its non-working days
    discovery_count: int = 0  # continuous RAs + findings in the month
    weeks_judged: int = 0
    weekly_reviews_done: int = 0
    working_days: int = 0  # working days judged (before ``today``)
    tbm_days_done: int = 0


def _first(day: date) -> date:
    return date(day.year, day.month, 1)


def _next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def _months(start: date, end: date) -> list[date]:
    out: list[date] = []
    m = _first(start)
    while m <= end:
        out.append(m)
        m = _next_month(m)
    return out


def _weeks_of(month: date) -> list[date]:
    """Mondays of the ISO weeks whose Thursday lies in ``month``."""
    thursday = month + timedelta(days=(3 - month.weekday()) % 7)
    out: list[date] = []
    while thursday.month == month.month and thursday.year == month.year:
        out.append(thursday - timedelta(days=3))
        thursday += timedelta(days=7)
    return out


def _non_working_days(ws: Workspace) -> frozenset[date] | None:
    with ws.reader() as conn:
        value = conn.execute(
            select(settings.c.value).where(
                settings.c.key == CALENDAR_SETTING, settings.c.deleted_at.is_(None)
            )
        ).scalar()
    if not isinstance(value, list):
        return None
    days: set[date] = set()
    for item in value:
        try:
            days.add(date.fromisoformat(str(item)))
        except ValueError:
            continue
    return frozenset(days)


def _dates(rows: Iterable[Any]) -> list[date]:
    return [date.fromisoformat(str(r)[:10]) for r in rows if r]


def continuous_ra(ws: Workspace, month: date, *, today: date | None = None) -> MonthTrack:
    """The 상시평가 status of the month containing ``month`` (see the module docstring)."""
    return continuous_ra_range(ws, month, month, today=today)[0]


def continuous_ra_range(
    ws: Workspace, start: date, end: date, *, today: date | None = None
) -> tuple[MonthTrack, ...]:
    """One ``MonthTrack`` per month from the month of ``start`` to the month of ``end``, in order."""
    today = today or date.today()
    months = _months(start, end)
    if not months:
        return ()
    weeks = {m: _weeks_of(m) for m in months}
    lo = min([months[0], *(w for ws_ in weeks.values() for w in ws_)])
    hi = max(
        [
            _next_month(months[-1]) - timedelta(days=1),
            *(w + timedelta(days=6) for ws_ in weeks.values() for w in ws_),
        ]
    )
    lo_s, hi_s = lo.isoformat(), hi.isoformat()
    off = _non_working_days(ws)
    with ws.reader() as conn:
        ra_days = _dates(
            conn.execute(
                select(risk_assessments.c.assessed_on).where(
                    risk_assessments.c.deleted_at.is_(None),
                    risk_assessments.c.assessment_type == "continuous",
                    risk_assessments.c.assessed_on.between(lo_s, hi_s),
                )
            ).scalars()
        )
        finding_days = _dates(
            conn.execute(
                select(findings.c.found_on).where(
                    findings.c.deleted_at.is_(None), findings.c.found_on.between(lo_s, hi_s)
                )
            ).scalars()
        )
        meeting = func.json_extract(form_records.c.header, "$.meeting")
        forms = conn.execute(
            select(form_records.c.performed_on, form_records.c.kind, meeting).where(
                form_records.c.deleted_at.is_(None),
                form_records.c.locked_at.is_not(None),
                form_records.c.kind.in_(("tbm", "minutes")),
                form_records.c.performed_on.between(lo_s, hi_s),
            )
        ).all()
    reviews: set[date] = set()
    tbm_days: set[date] = set()
    for performed_on, kind, meeting_kind in forms:
        day = date.fromisoformat(str(performed_on))
        if kind == "minutes" or meeting_kind == WEEKLY_REVIEW:
            reviews.add(day)
        else:
            tbm_days.add(day)

    def working(day: date) -> bool:
        return day.weekday() < 5 and (off is None or day not in off)

    out: list[MonthTrack] = []
    for month in months:
        last = _next_month(month) - timedelta(days=1)
        complete = last < today
        discovery = sum(1 for d in ra_days if month <= d <= last) + sum(
            1 for d in finding_days if month <= d <= last
        )
        judged_weeks = [
            w
            for w in weeks[month]
            if w + timedelta(days=6) < today and any(working(w + timedelta(days=i)) for i in range(7))
        ]
        weeks_missing = tuple(
            w for w in judged_weeks if not any(w + timedelta(days=i) in reviews for i in range(7))
        )
        days = [month + timedelta(days=i) for i in range((last - month).days + 1)]
        judged_days = [d for d in days if d < today and working(d)]
        days_missing = tuple(d for d in judged_days if d not in tbm_days)
        reasons: list[Text] = []
        if not complete:
            reasons.append(
                Text(
                    N_("The month is not over yet; days up to {day} are counted."),
                    {"day": (today - timedelta(days=1)).isoformat()},
                )
            )
        if discovery:
            reasons.append(
                Text(
                    N_("Hazards were found and decided in the month ({count} records)."),
                    {"count": discovery},
                )
            )
        elif complete:
            reasons.append(
                Text(N_("No hazard discovery in the month: no continuous risk assessment and no finding."))
            )
        if weeks_missing:
            reasons.append(
                Text(
                    N_("{count} weeks without a weekly review: {weeks}."),
                    {"count": len(weeks_missing), "weeks": ", ".join(w.isoformat() for w in weeks_missing)},
                )
            )
        if days_missing:
            reasons.append(
                Text(
                    N_("{count} working days without a TBM record: {days}."),
                    {"count": len(days_missing), "days": ", ".join(d.isoformat() for d in days_missing)},
                )
            )
        if off is None:
            reasons.append(
                Text(
                    N_(
                        "No calendar of non-working days is set: every weekday counts as a working day, "
                        "holidays included."
                    )
                )
            )
        deemed = complete and discovery > 0 and not weeks_missing and not days_missing
        if deemed:
            reasons.insert(
                0,
                Text(
                    N_(
                        "Monthly discovery, weekly reviews and daily TBM were all done: "
                        "the continuous assessment is deemed for the month."
                    )
                ),
            )
        out.append(
            MonthTrack(
                month=month,
                deemed=deemed,
                discovery_done=discovery > 0,
                weekly_reviews_missing=weeks_missing,
                tbm_days_missing=days_missing,
                reasons=tuple(reasons),
                complete=complete,
                calendar="weekdays" if off is None else "holidays",
                discovery_count=discovery,
                weeks_judged=len(judged_weeks),
                weekly_reviews_done=len(judged_weeks) - len(weeks_missing),
                working_days=len(judged_days),
                tbm_days_done=len(judged_days) - len(days_missing),
            )
        )
    return tuple(out)
