"""The compliance engine on crafted workspaces: every duty met, partly, missing, not applicable.

Each test starts from ``full_plant`` (2026H1 records that meet every duty), removes or changes one
piece through the audited services and asserts the status and the gap the engine derives.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import update

from safetydesk.core.compliance.engine import compliance, report_as_dict
from safetydesk.core.compliance.model import Status
from safetydesk.core.db.tables import compliance_checks
from safetydesk.core.errors import ValidationError
from safetydesk.core.services import records
from safetydesk.core.workspace.workspace import Workspace, open_workspace
from tests.core.compliance.plant import (
    HALF_YEARLY,
    TODAY,
    created_completed,
    drill,
    full_plant,
    report,
    review_and_confirm,
    site,
)

MET_ALL = {
    "sapa_4_1": "met",
    "sapa_4_2": "not_applicable",
    "sapa_4_3": "met",
    "sapa_4_4": "met",
    "sapa_4_5": "met",
    "sapa_4_6": "met",
    "sapa_4_7": "met",
    "sapa_4_8": "met",
    "sapa_4_9": "met",
    "sapa_5_2_1": "met",
    "sapa_5_2_2": "not_applicable",
    "sapa_5_2_3": "met",
    "sapa_5_2_4": "not_applicable",
}


def delete(ws: Workspace, entity: str, record_id: str) -> None:
    """Tombstone a record in a test (draft records only; completed ones are under legal hold)."""
    with ws.writer() as conn:
        from safetydesk.core.services.base import table_for

        table = table_for(entity)
        conn.execute(update(table).where(table.c.id == record_id).values(deleted_at="2026-11-01T00:00:00Z"))


def duty(ws: Workspace, code: str, period: str = "2026H1", today: date = TODAY):  # type: ignore[no-untyped-def]
    return report(ws, period, today).duty(code)


def test_full_plant_meets_every_duty_with_evidence_and_checks(ws: Workspace) -> None:
    plant = full_plant(ws)
    r = report(ws)
    assert {d.code: d.status.value for d in r.duties} == MET_ALL
    assert (r.period, r.start, r.end, r.as_of) == (
        "2026H1",
        date(2026, 1, 1),
        date(2026, 6, 30),
        date(2026, 6, 30),
    )
    assert (r.workers, r.contractor_workers, r.industry) == (30, 5, "manufacturing")
    assert r.gaps == ()
    ra = r.duty("sapa_4_3")
    assert ra.half_yearly and ra.legal_ref.endswith("제4조제3호") and "6.1.2" in ra.iso45001
    kinds = {(e.entity, e.kind) for e in ra.evidence}
    assert ("risk_assessments", "owner_report") in kinds and ("compliance_checks", "check") in kinds
    assert ra.check is not None and ra.check.locked and ra.check.owner_confirmed_on == date(2026, 7, 8)
    assert ra.check.record_id == plant.ids["check_sapa_4_3"]
    assert not r.duty("sapa_4_1").half_yearly and r.duty("sapa_4_1").check is None
    assert {d.code for d in r.duties if d.half_yearly} == set(HALF_YEARLY)
    # every status reads in both languages
    for d in r.duties:
        assert d.reason.render("ko") and d.reason.render("en")
        assert d.title("ko") == d.title_ko and d.title("en") == d.title_en


def test_bad_period_is_a_clear_error(ws: Workspace) -> None:
    with pytest.raises(ValidationError) as err:
        compliance(ws, "2026H3")
    assert "2026H1" in err.value.text("en")


# --- 4-1 ------------------------------------------------------------------------------------------


def test_4_1_missing_without_policy_and_objectives(ws: Workspace) -> None:
    site(ws)
    d = duty(ws, "sapa_4_1")
    assert d.status is Status.MISSING
    assert {g.start for g in d.gaps} == {"policy", "objective"}


def test_4_1_partly_when_policy_not_posted_and_draft_only_is_missing(ws: Workspace) -> None:
    site(ws)
    records.create(ws, "objectives", {"year": 2026, "title": "재해 0"})
    records.create(
        ws,
        "policies",
        {"title": "방침", "body": "…", "version_label": "1.0", "approved_on": date(2026, 2, 1)},
    )
    d = duty(ws, "sapa_4_1")
    assert d.status is Status.PARTLY
    assert [g.message.render("en") for g in d.gaps] == [
        "Post the policy or record how it was communicated to workers."
    ]


def test_4_1_objectives_of_another_year_do_not_count(ws: Workspace) -> None:
    plant = full_plant(ws)
    delete(ws, "objectives", plant.ids["objective"])
    records.create(ws, "objectives", {"year": 2025, "title": "작년 목표"})
    d = duty(ws, "sapa_4_1")
    assert d.status is Status.PARTLY and [g.start for g in d.gaps] == ["objective"]


# --- 4-2 ------------------------------------------------------------------------------------------


def test_4_2_not_applicable_under_500_and_applies_from_500(ws: Workspace) -> None:
    full_plant(ws)
    d = duty(ws, "sapa_4_2")
    assert d.status is Status.NOT_APPLICABLE and "500" in d.reason.render("en")
    records.create(
        ws,
        "site_headcounts",
        {"site_id": _site_id(ws), "effective_from": date(2026, 1, 1), "regular_workers": 520},
    )
    d = duty(ws, "sapa_4_2")
    assert d.status is Status.MISSING and d.gaps[0].start == "appointment"


def _site_id(ws: Workspace) -> str:
    with ws.reader() as conn:
        from safetydesk.core.db.tables import sites

        return str(conn.execute(sites.select()).first().id)  # type: ignore[union-attr]


# --- 4-3 ------------------------------------------------------------------------------------------


def test_4_3_missing_without_assessment(ws: Workspace) -> None:
    site(ws)
    d = duty(ws, "sapa_4_3")
    assert d.status is Status.MISSING
    assert {g.start for g in d.gaps} == {"risk_assessment", "compliance_check"}
    assert all(g.due == date(2026, 6, 30) for g in d.gaps)


def test_4_3_partly_when_not_reported_to_owner(ws: Workspace) -> None:
    full_plant(ws, checks=False)
    created_completed(
        ws,
        "risk_assessments",
        {
            "title": "도장 공정",
            "assessment_type": "adhoc",
            "method": "matrix",
            "scale_code": "kras_5x4",
            "scale_version": 1,
            "assessed_on": date(2026, 5, 2),
            "participants": [],
            "discovery_methods": [],
        },
        date(2026, 5, 2),
    )
    d = duty(ws, "sapa_4_3")
    assert d.status is Status.PARTLY
    assert "1 not reported" in d.reason.render("en")
    assert "Report 1 risk assessment result(s) to the owner." in [g.message.render("en") for g in d.gaps]


def test_4_3_partly_when_improvement_action_overdue(ws: Workspace) -> None:
    plant = full_plant(ws)
    records.create(
        ws,
        "corrective_actions",
        {
            "source_kind": "risk_assessment",
            "source_id": plant.ids["ra"],
            "title": "난간 설치",
            "hierarchy": "engineering",
            "due_on": date(2026, 6, 1),
            "status": "open",
        },
    )
    d = duty(ws, "sapa_4_3")
    assert d.status is Status.PARTLY
    assert [g.start for g in d.gaps] == ["action"]


def test_4_3_records_met_but_check_missing_or_unconfirmed_is_partly(ws: Workspace) -> None:
    full_plant(ws, checks=False)
    d = duty(ws, "sapa_4_3")
    assert d.status is Status.PARTLY and [g.start for g in d.gaps] == ["compliance_check"]
    assert "not reviewed" in d.reason.render("en")
    review_and_confirm(ws, "sapa_4_3", confirm=False)
    d = duty(ws, "sapa_4_3")
    assert d.status is Status.PARTLY and [g.start for g in d.gaps] == ["owner_confirmation"]
    assert d.check is not None and d.check.reviewed_on == date(2026, 7, 6) and not d.check.locked


def test_4_3_assessment_on_31_dec_counts_for_h2_not_next_h1(ws: Workspace) -> None:
    full_plant(ws)
    with ws.writer() as conn:
        from safetydesk.core.db.tables import risk_assessments

        conn.execute(
            update(risk_assessments).values(assessed_on="2025-12-31", reported_to_owner_on="2026-01-05")
        )
    assert duty(ws, "sapa_4_3").status is Status.MISSING
    previous = duty(ws, "sapa_4_3", "2025H2")
    assert previous.status is Status.PARTLY  # records complete, but no check of 2025H2
    assert [g.start for g in previous.gaps] == ["compliance_check"]


# --- 4-4 ------------------------------------------------------------------------------------------


def test_4_4_missing_partly_met(ws: Workspace) -> None:
    plant = full_plant(ws)
    assert duty(ws, "sapa_4_4").status is Status.MET
    delete(ws, "budget_items", plant.ids["budget_ga"])
    d = duty(ws, "sapa_4_4")
    assert d.status is Status.PARTLY
    assert [g.message.render("en") for g in d.gaps] == [
        "The budget has no line for safety staff, facilities or equipment."
    ]
    delete(ws, "budget_spend", plant.ids["spend"])
    delete(ws, "budget_items", plant.ids["budget_na"])
    assert duty(ws, "sapa_4_4").status is Status.MISSING


# --- 4-5 / 4-6 ------------------------------------------------------------------------------------


def test_4_5_partly_without_evaluation_in_the_period(ws: Workspace) -> None:
    plant = full_plant(ws)
    delete(ws, "role_evaluations", plant.ids["evaluation"])
    d = duty(ws, "sapa_4_5")
    assert d.status is Status.PARTLY
    assert "role_evaluation" in [g.start for g in d.gaps]


def test_4_5_missing_without_any_supervisor(ws: Workspace) -> None:
    site(ws)
    d = duty(ws, "sapa_4_5")
    assert d.status is Status.MISSING and d.gaps[0].start == "appointment"


def test_4_5_needs_contractor_safety_lead_in_shipbuilding_from_50_with_contractors(ws: Workspace) -> None:
    full_plant(ws, ksic="31114", workers=45, contractor_workers=5)
    d = duty(ws, "sapa_4_5")
    assert d.status is Status.PARTLY
    assert any(g.message.params.get("role_code") == "general_safety_lead" for g in d.gaps)


def test_4_6_not_applicable_under_20_workers(ws: Workspace) -> None:
    full_plant(ws, workers=19)
    d = duty(ws, "sapa_4_6")
    assert d.status is Status.NOT_APPLICABLE and "19 workers" in d.reason.render("en")


def test_4_6_missing_partly_met(ws: Workspace) -> None:
    plant = full_plant(ws)
    assert duty(ws, "sapa_4_6").status is Status.MET
    records.update(
        ws, "appointments", plant.ids["appt_coordinator"], {"reported_to_moel_on": date(2025, 1, 20)}
    )
    d = duty(ws, "sapa_4_6")
    assert d.status is Status.PARTLY and "late" in d.gaps[0].message.render("en")
    delete(ws, "appointments", plant.ids["appt_coordinator"])
    d = duty(ws, "sapa_4_6")  # the people register still names a coordinator
    assert d.status is Status.PARTLY and "people register" in d.reason.render("en")
    records.update(ws, "people", plant.coordinator, {"roles": []})
    assert duty(ws, "sapa_4_6").status is Status.MISSING


def test_4_6_safety_officer_from_50_workers(ws: Workspace) -> None:
    full_plant(ws, workers=50)
    d = duty(ws, "sapa_4_6")
    assert d.status is Status.MISSING  # the coordinator no longer counts; a safety officer is needed
    assert d.gaps[0].message.params["role_code"] == "safety_officer"


# --- 4-7 ------------------------------------------------------------------------------------------


def test_4_7_missing_and_partly_when_unanswered(ws: Workspace) -> None:
    plant = full_plant(ws)
    delete(ws, "suggestions", plant.ids["suggestion"])
    assert duty(ws, "sapa_4_7").status is Status.MISSING
    records.create(ws, "suggestions", {"submitted_on": date(2026, 6, 29), "channel": "tbm", "text": "소음"})
    # as of today (Nov) it is unanswered for more than 30 days
    d = duty(ws, "sapa_4_7")
    assert d.status is Status.PARTLY and d.gaps[0].start == "suggestion"
    # judged on 10 July it was not yet overdue
    assert duty(ws, "sapa_4_7", today=date(2026, 7, 10)).status is Status.MET


# --- 4-8: drills at the half-year boundary (local time, KST) ---------------------------------------


def test_4_8_drill_on_30_june_counts_for_h1_not_h2(ws: Workspace) -> None:
    plant = full_plant(ws)
    delete(ws, "drills", plant.ids["drill"])
    assert duty(ws, "sapa_4_8").status is Status.PARTLY
    drill(ws, "2026-06-30T14:30:00.000000Z")  # 30 Jun 23:30 KST
    h1 = duty(ws, "sapa_4_8")
    assert h1.status is Status.MET and [e.on for e in h1.evidence if e.kind == "drill"] == [date(2026, 6, 30)]
    h2 = duty(ws, "sapa_4_8", "2026H2")
    assert [e for e in h2.evidence if e.kind == "drill"] == []


def test_4_8_drill_on_1_july_counts_for_h2_not_h1(ws: Workspace) -> None:
    plant = full_plant(ws)
    delete(ws, "drills", plant.ids["drill"])
    drill(ws, "2026-06-30T15:30:00.000000Z", planned_on=date(2026, 7, 1))  # 1 Jul 00:30 KST
    h1 = duty(ws, "sapa_4_8")
    assert h1.status is Status.PARTLY and [g.start for g in h1.gaps] == ["drill"]
    h2 = duty(ws, "sapa_4_8", "2026H2")
    assert [e.on for e in h2.evidence if e.kind == "drill"] == [date(2026, 7, 1)]


def test_4_8_missing_without_manual_and_drill(ws: Workspace) -> None:
    site(ws)
    d = duty(ws, "sapa_4_8")
    assert d.status is Status.MISSING
    assert {g.start for g in d.gaps} == {"emergency_manual", "drill", "compliance_check"}


# --- 4-9 ------------------------------------------------------------------------------------------


def test_4_9_not_applicable_without_contractors(ws: Workspace) -> None:
    full_plant(ws, uses_contractors=False)
    d = duty(ws, "sapa_4_9")
    assert d.status is Status.NOT_APPLICABLE and d.check is not None  # a check may exist; N/A still


def test_4_9_partly_without_cost_standard_missing_without_evaluation(ws: Workspace) -> None:
    plant = full_plant(ws)
    records.update(ws, "contractors", plant.ids["contractor"], {"safety_cost_standard": None})
    d = duty(ws, "sapa_4_9")
    assert d.status is Status.PARTLY and d.gaps[0].start == "contractor"
    records.create(ws, "contractors", {"name": "한빛크레인", "safety_cost_standard": "2%"})
    d = duty(ws, "sapa_4_9")
    assert "contractor_evaluation" in [g.start for g in d.gaps]


def test_4_9_evaluation_older_than_12_months_does_not_count(ws: Workspace) -> None:
    plant = full_plant(ws)
    with ws.writer() as conn:
        from safetydesk.core.db.tables import contractor_evaluations

        conn.execute(update(contractor_evaluations).values(evaluated_on="2025-06-29"))
    d = duty(ws, "sapa_4_9")
    assert d.status is Status.MISSING
    assert d.gaps[0].message.params["record_id"] == plant.ids["contractor"]


def test_4_9_building_period_standard_only_for_shipbuilding(ws: Workspace) -> None:
    full_plant(ws, ksic="31114")
    d = duty(ws, "sapa_4_9")
    assert d.status is Status.PARTLY
    assert [g.message.render("en") for g in d.gaps] == [
        "Set the building-period standard for contracted shipbuilding work."
    ]


def test_4_9_general_manufacturing_needs_no_building_period(ws: Workspace) -> None:
    full_plant(ws, ksic="29199")
    assert duty(ws, "sapa_4_9").status is Status.MET


# --- Art. 5 -----------------------------------------------------------------------------------------


def test_5_2_1_missing_partly_met(ws: Workspace) -> None:
    full_plant(ws, checks=False)
    d = duty(ws, "sapa_5_2_1")
    assert d.status is Status.MISSING and d.gaps[0].start == "compliance_check"
    check = review_and_confirm(ws, "sapa_5_2_1", confirm=False)
    d = duty(ws, "sapa_5_2_1")
    assert d.status is Status.PARTLY and d.gaps[0].start == "owner_confirmation"
    from safetydesk.core.services.compliance import confirm_by_owner

    confirm_by_owner(ws, check, owner_name="대표", confirmed_on=date(2026, 7, 9))
    assert duty(ws, "sapa_5_2_1").status is Status.MET


def test_5_2_2_acts_on_an_unmet_finding(ws: Workspace) -> None:
    plant = full_plant(ws, checks=False)
    delete(ws, "budget_items", plant.ids["budget_ga"])  # 4-4 partly → the legal check finds it
    check = review_and_confirm(ws, "sapa_5_2_1")
    assert records.get(ws, "compliance_checks", check)["status_at_review"] == "partly"
    d = duty(ws, "sapa_5_2_2")
    assert d.status is Status.MISSING and d.gaps[0].start == "action"
    records.create(
        ws,
        "corrective_actions",
        {
            "source_kind": "compliance_check",
            "source_id": check,
            "title": "설비 예산 추가 편성",
            "hierarchy": "legal",
            "due_on": date(2026, 8, 31),
            "owner_name": "대표",
        },
    )
    d = duty(ws, "sapa_5_2_2")
    assert d.status is Status.MET and d.evidence[0].kind == "action"


def test_5_2_3_missing_and_not_applicable(ws: Workspace) -> None:
    plant = full_plant(ws)
    delete(ws, "trainings", plant.ids["special"])
    d = duty(ws, "sapa_5_2_3")
    assert d.status is Status.MISSING and d.gaps[0].start == "training"
    records.update(ws, "areas", plant.area, {"hazard_tags": []})
    assert duty(ws, "sapa_5_2_3").status is Status.NOT_APPLICABLE


def test_5_2_4_orders_missing_education(ws: Workspace) -> None:
    plant = full_plant(ws, checks=False)
    delete(ws, "trainings", plant.ids["special"])
    review_and_confirm(ws, "sapa_5_2_3")
    d = duty(ws, "sapa_5_2_4")
    assert d.status is Status.MISSING
    records.create(
        ws,
        "trainings",
        {"course": "special", "title": "용접 특별교육", "held_on": date(2026, 7, 20), "hours": 16},
    )
    d = duty(ws, "sapa_5_2_4")
    assert d.status is Status.MET and [e.kind for e in d.evidence] == ["training"]
    # the H1 duty itself stays missing: the education was held in H2
    assert duty(ws, "sapa_5_2_3").status is Status.MISSING


# --- a period in progress ---------------------------------------------------------------------------


def test_period_in_progress_is_judged_as_of_today(ws: Workspace) -> None:
    full_plant(ws, checks=False)
    r = report(ws, today=date(2026, 5, 1))
    assert r.as_of == date(2026, 5, 1)
    d = r.duty("sapa_4_8")  # the drill of 20 May has not happened yet
    assert d.status is Status.PARTLY and "no drill yet" in d.reason.render("en")
    assert {g.due for g in d.gaps} == {date(2026, 6, 30)}
    ra = r.duty("sapa_4_3")  # records so far complete, the check still to come
    assert ra.status is Status.PARTLY and "still due by 2026-06-30" in ra.reason.render("en")
    assert report_as_dict(r, "en")["in_progress"] is True


def test_headcount_history_decides_the_period(ws: Workspace) -> None:
    full_plant(ws, workers=18, headcount_from=date(2025, 1, 1))
    assert duty(ws, "sapa_4_6").status is Status.NOT_APPLICABLE
    records.create(
        ws,
        "site_headcounts",
        {"site_id": _site_id(ws), "effective_from": date(2026, 7, 1), "regular_workers": 22},
    )
    assert duty(ws, "sapa_4_6").status is Status.NOT_APPLICABLE  # H1 judged on 30 Jun: 18 workers
    h2 = report(ws, "2026H2")
    assert h2.workers == 22 and h2.duty("sapa_4_6").status is Status.MET


# --- the one-year demo ------------------------------------------------------------------------------


def test_demo_year_2026h1_is_plausible(demo_year_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "demo"
    shutil.copytree(demo_year_path, copy, ignore=shutil.ignore_patterns("safetydesk.lock*"))
    with open_workspace(copy, create=False, read_only=True) as ws:
        r = compliance(ws, "2026H1", today=date(2026, 11, 23))
    got = {d.code: d.status for d in r.duties}
    assert set(got) == set(MET_ALL)
    assert r.industry == "shipbuilding" and r.workers > 20
    met = [c for c, s in got.items() if s is Status.MET]
    assert len(met) >= 8, got
    for code in ("sapa_4_1", "sapa_4_3", "sapa_4_7", "sapa_4_8", "sapa_5_2_1", "sapa_5_2_3"):
        assert got[code] is Status.MET, (code, r.duty(code).reason.render("en"))
    assert got["sapa_4_2"] is Status.NOT_APPLICABLE
    assert all(d.status is not Status.MET or d.evidence for d in r.duties)
    # the demo's checks were confirmed by the owner and locked
    assert all(r.duty(c).check is not None and r.duty(c).check.locked for c in HALF_YEARLY)  # type: ignore[union-attr]


def test_status_at_review_is_only_a_note(ws: Workspace) -> None:
    """A typed-in ``status_at_review`` never changes the computed status."""
    site(ws)
    check = review_and_confirm(ws, "sapa_4_8")
    with ws.writer() as conn:
        conn.execute(
            update(compliance_checks).where(compliance_checks.c.id == check).values(status_at_review="met")
        )
    assert duty(ws, "sapa_4_8").status is Status.MISSING


@pytest.mark.parametrize(("workers", "expected"), [(4, Status.NOT_APPLICABLE), (5, Status.MISSING)])
def test_sapa_gate_at_five_workers(ws: Workspace, workers: int, expected: Status) -> None:
    site(ws, workers=workers, contractor_workers=0)
    r = report(ws)
    assert r.duty("sapa_4_3").status is expected
    if expected is Status.NOT_APPLICABLE:
        assert all(d.status is Status.NOT_APPLICABLE and not d.gaps for d in r.duties)
        assert r.duty("sapa_4_1").reason.render("en") == (
            "SAPA does not apply to the site on 2026-06-30: 4 workers, fewer than 5."
        )


def test_sapa_phase_in_for_small_firms_before_2024(ws: Workspace) -> None:
    site(ws, workers=30, headcount_from=date(2022, 1, 1))
    assert report(ws, "2023H1").duty("sapa_4_8").status is Status.NOT_APPLICABLE
    assert report(ws, "2024H1").duty("sapa_4_8").status is Status.MISSING


def test_4_3_procedure_route_without_an_assessment_in_the_half_year(ws: Workspace) -> None:
    """Decree 4-3 main text: hazards found and fixed under the procedure, proven by the half-yearly check."""
    full_plant(ws)
    with ws.writer() as conn:
        from safetydesk.core.db.tables import risk_assessments

        conn.execute(
            update(risk_assessments).values(assessed_on="2025-09-15", reported_to_owner_on="2025-09-20")
        )
    assert duty(ws, "sapa_4_3").status is Status.MISSING  # no hazard found in H1 either
    finding = records.create(
        ws,
        "findings",
        {
            "source_kind": "inspection",
            "found_on": date(2026, 2, 10),
            "description": "덮개 파손",
            "severity": "high",
        },
    ).id
    action = records.create(
        ws,
        "corrective_actions",
        {
            "finding_id": finding,
            "source_kind": "inspection",
            "title": "덮개 교체",
            "hierarchy": "engineering",
            "due_on": date(2026, 3, 1),
            "status": "done",
            "done_on": date(2026, 2, 20),
        },
    ).id
    d = duty(ws, "sapa_4_3")
    assert d.status is Status.MET, d.reason.render("en")
    assert {e.kind for e in d.evidence} == {"procedure", "hazard", "action", "check"}
    assert "last assessment 2025-09-15" in d.reason.render("en")
    records.update(ws, "corrective_actions", action, {"status": "open", "done_on": None})
    d = duty(ws, "sapa_4_3")
    assert d.status is Status.PARTLY and d.gaps[0].start == "action"
    # the procedure lapses: the last assessment is more than 12 months before the period end
    with ws.writer() as conn:
        from safetydesk.core.db.tables import risk_assessments

        conn.execute(update(risk_assessments).values(assessed_on="2025-06-29"))
    assert duty(ws, "sapa_4_3").status is Status.MISSING


def test_4_3_procedure_route_still_needs_the_check(ws: Workspace) -> None:
    full_plant(ws, checks=False)
    with ws.writer() as conn:
        from safetydesk.core.db.tables import risk_assessments

        conn.execute(update(risk_assessments).values(assessed_on="2025-12-01"))
    records.create(
        ws,
        "findings",
        {
            "source_kind": "inspection",
            "found_on": date(2026, 5, 10),
            "description": "통로 적치",
            "severity": "low",
        },
    )
    d = duty(ws, "sapa_4_3")
    assert d.status is Status.PARTLY and [g.start for g in d.gaps] == ["compliance_check"]


@pytest.mark.parametrize(
    ("performed_at", "counts_for"),
    [
        ("2025-12-31T14:59:00.000000Z", "2025H2"),  # 31 Dec 23:59 KST
        ("2025-12-31T15:00:00.000000Z", "2026H1"),  # 1 Jan 00:00 KST
    ],
)
def test_4_8_drill_at_the_year_boundary_uses_local_time(
    ws: Workspace, performed_at: str, counts_for: str
) -> None:
    plant = full_plant(ws)
    delete(ws, "drills", plant.ids["drill"])
    drill(ws, performed_at)
    for period in ("2025H2", "2026H1"):
        drills = [e for e in duty(ws, "sapa_4_8", period).evidence if e.kind == "drill"]
        assert len(drills) == (1 if period == counts_for else 0), period
