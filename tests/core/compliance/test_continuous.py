"""The 상시평가 tracker on crafted months: deemed, not deemed, the exact missing weeks and days."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from safetydesk.core.compliance.continuous import continuous_ra, continuous_ra_range
from safetydesk.core.services import records
from safetydesk.core.services.base import transaction
from safetydesk.core.services.forms import list_templates
from safetydesk.core.services.settings import put_in
from safetydesk.core.workspace.workspace import Workspace, open_workspace

JUNE = date(2026, 6, 1)  # a Monday; its weeks (by Thursday) start 1, 8, 15 and 22 June
LOCKED = "2026-01-01T00:00:00.000000Z"


def _tbm_template(ws: Workspace) -> str:
    return next(t.id for t in list_templates(ws) if t.code == "tbm.minutes")


def _form(
    ws: Workspace,
    day: date,
    *,
    kind: str = "tbm",
    meeting: str | None = None,
    locked: bool = True,
    deleted: bool = False,
) -> str:
    header = {"meeting": meeting} if meeting else {"team": "프레스반"}
    values = {
        "template_id": _tbm_template(ws),
        "kind": kind,
        "performed_on": day,
        "header": header,
        "status": "completed" if locked else "draft",
        "locked_at": LOCKED if locked else None,
        "deleted_at": LOCKED if deleted else None,  # a tombstone (past its retention)
    }
    return records.create(ws, "form_records", values).id


def _weekdays(start: date, end: date) -> list[date]:
    return [
        start + timedelta(days=i)
        for i in range((end - start).days + 1)
        if (start + timedelta(days=i)).weekday() < 5
    ]


def _finding(ws: Workspace, day: date) -> str:
    return records.create(
        ws,
        "findings",
        {"source_kind": "inspection", "found_on": day, "description": "방호덮개 파손", "severity": "high"},
    ).id


def _continuous_ra(ws: Workspace, day: date) -> str:
    return records.create(
        ws,
        "risk_assessments",
        {
            "title": "6월 상시 위험성평가",
            "assessment_type": "continuous",
            "method": "matrix",
            "scale_code": "kras_5x4",
            "scale_version": 1,
            "assessed_on": day,
            "participants": [],
            "discovery_methods": ["near_miss", "suggestion"],
        },
    ).id


def _full_june(ws: Workspace, skip: tuple[date, ...] = ()) -> None:
    for day in _weekdays(JUNE, date(2026, 6, 30)):
        if day not in skip:
            _form(ws, day)
    for monday in (date(2026, 6, 1), date(2026, 6, 8), date(2026, 6, 15)):
        _form(ws, monday + timedelta(days=4), meeting="weekly_review")
    _form(ws, date(2026, 6, 28), meeting="weekly_review")  # a Sunday review still counts for its week


def test_deemed_month_on_weekdays(ws: Workspace) -> None:
    _full_june(ws)
    _finding(ws, date(2026, 6, 30))
    track = continuous_ra(ws, date(2026, 6, 17), today=date(2026, 7, 15))
    assert track.month == JUNE and track.complete
    assert track.deemed and track.discovery_done and track.discovery_count == 1
    assert track.weekly_reviews_missing == () and track.tbm_days_missing == ()
    assert (track.weeks_judged, track.weekly_reviews_done) == (4, 4)
    assert (track.working_days, track.tbm_days_done) == (22, 22)
    assert track.calendar == "weekdays"
    texts = [r.render("en") for r in track.reasons]
    assert any("deemed" in t for t in texts) and any("every weekday counts" in t for t in texts)
    assert all(r.render("ko") != r.render("en") for r in track.reasons)


def test_not_deemed_lists_exact_weeks_and_days(ws: Workspace) -> None:
    for day in _weekdays(JUNE, date(2026, 6, 30)):
        if day not in (date(2026, 6, 15), date(2026, 6, 30)):
            _form(ws, day)
    _form(ws, date(2026, 6, 30), locked=False)  # a draft TBM is not a record of a meeting held
    _form(ws, date(2026, 6, 15), deleted=True)  # tombstoned: does not count
    _form(ws, date(2026, 6, 3), meeting="weekly_review")
    _form(ws, date(2026, 6, 10), kind="minutes")  # any meeting minutes count as the weekly review
    _form(ws, date(2026, 6, 16), meeting="weekly_review")
    _form(ws, date(2026, 6, 30), meeting="weekly_review")  # week of 29 June: that week belongs to July
    _finding(ws, date(2026, 7, 1))  # July's discovery, not June's
    _continuous_ra(ws, date(2026, 5, 31))  # May's
    june = continuous_ra(ws, JUNE, today=date(2026, 7, 15))
    assert not june.deemed and not june.discovery_done
    assert june.weekly_reviews_missing == (date(2026, 6, 22),)
    assert june.tbm_days_missing == (date(2026, 6, 15), date(2026, 6, 30))
    texts = " ".join(r.render("en") for r in june.reasons)
    assert "No hazard discovery" in texts
    assert "1 weeks without a weekly review: 2026-06-22" in texts
    assert "2 working days without a TBM record: 2026-06-15, 2026-06-30" in texts
    # a weekly-review record is not a TBM: 3 June had a TBM anyway, 16 June too
    may, june2, july = continuous_ra_range(ws, date(2026, 5, 20), date(2026, 7, 2), today=date(2026, 8, 20))
    assert (may.month, june2.month, july.month) == (date(2026, 5, 1), JUNE, date(2026, 7, 1))
    assert may.discovery_done and may.discovery_count == 1
    assert june2 == june
    assert july.discovery_done
    # July's weeks start 29 June (Thursday 2 July) … 27 July (Thursday 30 July); the review of
    # 30 June counts for the first of them
    assert july.weekly_reviews_missing == (
        date(2026, 7, 6),
        date(2026, 7, 13),
        date(2026, 7, 20),
        date(2026, 7, 27),
    )
    assert july.tbm_days_missing[0] == date(2026, 7, 1) and len(july.tbm_days_missing) == 23


def test_weekly_review_is_not_a_tbm(ws: Workspace) -> None:
    _form(ws, date(2026, 6, 2), meeting="weekly_review")
    track = continuous_ra(ws, JUNE, today=date(2026, 7, 1))
    assert date(2026, 6, 2) in track.tbm_days_missing
    assert track.weekly_reviews_missing == (date(2026, 6, 8), date(2026, 6, 15), date(2026, 6, 22))


def test_calendar_of_non_working_days(ws: Workspace) -> None:
    # 3 June (local elections) and the week of 22 June (summer shutdown) are off: no TBM those days
    off = (date(2026, 6, 3), *(date(2026, 6, d) for d in range(22, 27)))
    _full_june(ws, skip=off)
    _continuous_ra(ws, date(2026, 6, 1))
    assert continuous_ra(ws, JUNE, today=date(2026, 7, 1)).tbm_days_missing == off  # without a calendar
    with transaction(ws) as tx:
        put_in(tx, "calendar.non_working_days", [d.isoformat() for d in off] + ["not a date"])
    track = continuous_ra(ws, JUNE, today=date(2026, 7, 1))
    assert track.calendar == "holidays"
    assert track.deemed, [r.render("en") for r in track.reasons]
    assert track.working_days == 22 - 6
    assert track.weeks_judged == 3  # the week of 22 June has no working day: no review is due
    assert not any("every weekday counts" in r.render("en") for r in track.reasons)


def test_month_in_progress_is_not_judged_ahead(ws: Workspace) -> None:
    _full_june(ws)
    _finding(ws, date(2026, 6, 2))
    # today is Wednesday 17 June: days 1–16 are judged, weeks 1 and 8 June have ended
    track = continuous_ra(ws, JUNE, today=date(2026, 6, 17))
    assert not track.complete and not track.deemed
    assert (track.working_days, track.weeks_judged) == (12, 2)
    assert track.tbm_days_missing == () and track.weekly_reviews_missing == ()
    assert "not over yet" in track.reasons[0].render("en")
    # the last day of the month: it is still running
    assert not continuous_ra(ws, JUNE, today=date(2026, 6, 30)).complete
    assert continuous_ra(ws, JUNE, today=date(2026, 7, 1)).deemed


def test_year_boundary_weeks(ws: Workspace) -> None:
    # Monday 28 Dec 2026 — Sunday 3 Jan 2027: Thursday 31 Dec, so the week is December's
    _form(ws, date(2027, 1, 2), meeting="weekly_review")
    dec, jan = continuous_ra_range(ws, date(2026, 12, 31), date(2027, 1, 1), today=date(2027, 3, 1))
    assert date(2026, 12, 28) not in dec.weekly_reviews_missing
    assert dec.weekly_reviews_missing[-1] == date(2026, 12, 21)
    assert jan.weekly_reviews_missing[0] == date(2027, 1, 4)
    assert dec.tbm_days_missing[-1] == date(2026, 12, 31) and jan.tbm_days_missing[0] == date(2027, 1, 1)
    assert continuous_ra_range(ws, date(2027, 1, 1), date(2026, 12, 1)) == ()


def test_demo_months(demo_year_path: Path) -> None:
    ws = open_workspace(demo_year_path, read_only=True)
    try:
        tracks = continuous_ra_range(ws, date(2026, 7, 1), date(2026, 11, 30), today=date(2026, 11, 23))
    finally:
        ws.close()
    assert [t.month.month for t in tracks] == [7, 8, 9, 10, 11]
    assert all(t.calendar == "holidays" and t.discovery_done for t in tracks)
    assert sum(t.deemed for t in tracks) >= 2
    assert sum(len(t.weekly_reviews_missing) for t in tracks) == 1  # one week without the review
    assert sum(len(t.tbm_days_missing) for t in tracks) == 1  # one working day without a TBM
    assert not tracks[-1].complete and not tracks[-1].deemed
