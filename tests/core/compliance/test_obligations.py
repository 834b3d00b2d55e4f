"""Obligations from facts: headcount thresholds, headcount history, industry (KSIC) and contractors."""

from __future__ import annotations

from datetime import date

import pytest

from safetydesk.core.compliance.model import Obligation
from safetydesk.core.compliance.obligations import industries_of, obligations
from safetydesk.core.services import records
from safetydesk.core.workspace.workspace import Workspace
from tests.core.compliance.plant import person, site

ON = date(2026, 3, 31)


def by_code(items: tuple[Obligation, ...]) -> dict[str, Obligation]:
    return {o.code: o for o in items}


@pytest.mark.parametrize(
    ("workers", "expected"),
    [
        (
            4,
            {
                "sapa": False,
                "safety_health_coordinator": False,
                "labour_council": False,
                "safety_officer": False,
            },
        ),
        (
            5,
            {
                "sapa": True,
                "safety_health_coordinator": False,
                "labour_council": False,
                "safety_officer": False,
            },
        ),
        (19, {"sapa": True, "safety_health_coordinator": False, "labour_council": False}),
        (20, {"sapa": True, "safety_health_coordinator": True, "labour_council": False}),
        (29, {"labour_council": False}),
        (30, {"labour_council": True, "safety_health_coordinator": True}),
        (
            49,
            {"safety_health_coordinator": True, "safety_officer": False, "osh_committee": False},
        ),
        (
            50,
            {
                "safety_health_coordinator": False,
                "safety_officer": True,
                "osh_committee": True,
                "site_safety_manager": True,
                "sapa_dedicated_organisation": False,
            },
        ),
    ],
)
def test_headcount_thresholds(ws: Workspace, workers: int, expected: dict[str, bool]) -> None:
    site(ws, workers=workers, contractor_workers=0, ksic="25911")
    got = by_code(obligations(ws, ON))
    for code, applies in expected.items():
        assert got[code].applies is applies, (workers, code, got[code].reason.render("en"))
    assert got["sapa"].source == "중대재해 처벌 등에 관한 법률 제3조"
    assert str(workers) in got["sapa"].reason.render("en")


def test_reason_names_the_band_in_both_languages(ws: Workspace) -> None:
    site(ws, workers=20, contractor_workers=0)
    coordinator = by_code(obligations(ws, ON))["safety_health_coordinator"]
    assert coordinator.reason.render("en") == "20 workers, between 20 and 49: applies."
    assert coordinator.reason.render("ko") != coordinator.reason.render("en")
    assert coordinator.source == "산업안전보건법 시행령 제24조"


def test_sapa_phase_in_before_2024(ws: Workspace) -> None:
    site(ws, workers=30, headcount_from=date(2022, 1, 1))
    assert by_code(obligations(ws, date(2023, 6, 30)))["sapa"].applies is False
    assert by_code(obligations(ws, date(2024, 1, 27)))["sapa"].applies is True


def test_contractor_workers_count_for_the_contractor_safety_lead_in_shipbuilding(ws: Workspace) -> None:
    site(ws, workers=45, contractor_workers=5, ksic="31114")
    got = by_code(obligations(ws, ON))
    lead = got["contractor_safety_lead_shipbuilding"]
    assert lead.applies and "45 own and 5 contractors' workers" in lead.reason.render("en")
    assert got["contractor_safety_lead"].applies is False  # the general rule needs 100
    assert got["building_period_standard"].applies is True
    assert got["safety_health_coordinator"].applies is True  # shipbuilding is manufacturing (KSIC 31)


def test_contractor_workers_below_the_shipbuilding_threshold(ws: Workspace) -> None:
    site(ws, workers=45, contractor_workers=4, ksic="31114")
    assert by_code(obligations(ws, ON))["contractor_safety_lead_shipbuilding"].applies is False


def test_general_manufacturing_is_not_shipbuilding(ws: Workspace) -> None:
    site(ws, workers=45, contractor_workers=5, ksic="25911")
    got = by_code(obligations(ws, ON))
    assert got["contractor_safety_lead_shipbuilding"].applies is False
    assert "shipbuilding" in got["contractor_safety_lead_shipbuilding"].reason.render("en")
    assert "KSIC 311" in got["building_period_standard"].reason.render("en")
    assert got["building_period_standard"].applies is False
    assert got["contractor_management"].applies is True


def test_no_contractors_no_contractor_rules(ws: Workspace) -> None:
    site(ws, workers=120, contractor_workers=0, ksic="31114", uses_contractors=False)
    got = by_code(obligations(ws, ON))
    for code in ("contractor_safety_lead", "contractor_safety_lead_shipbuilding", "contractor_management"):
        assert got[code].applies is False
        assert got[code].reason.render("en") == "The site does not give work to contractors."


def test_non_manufacturing_needs_no_coordinator(ws: Workspace) -> None:
    site(ws, workers=30, contractor_workers=0, ksic="46101")  # wholesale
    got = by_code(obligations(ws, ON))
    assert got["safety_health_coordinator"].applies is False
    assert "manufacturing" in got["safety_health_coordinator"].reason.render("en")
    assert got["labour_council"].applies is True


def test_headcount_in_force_on_the_day(ws: Workspace) -> None:
    site_id = site(ws, workers=18, contractor_workers=0, headcount_from=date(2026, 1, 1))
    records.create(
        ws,
        "site_headcounts",
        {"site_id": site_id, "effective_from": date(2026, 4, 1), "regular_workers": 22},
    )
    assert by_code(obligations(ws, date(2026, 3, 31)))["safety_health_coordinator"].applies is False
    assert by_code(obligations(ws, date(2026, 4, 1)))["safety_health_coordinator"].applies is True
    assert (
        by_code(obligations(ws, date(2025, 12, 31)))["sapa"].applies is False
    )  # nothing recorded yet → people


def test_without_headcount_rows_people_are_counted(ws: Workspace) -> None:
    site_id = records.create(ws, "sites", {"name": "무인원", "ksic_code": "25911"}).id
    for i in range(5):
        person(ws, site_id, f"근로자{i}")
    person(ws, site_id, "대표", "owner")
    assert by_code(obligations(ws, ON))["sapa"].applies is True
    assert "5 workers" in by_code(obligations(ws, ON))["sapa"].reason.render("en")


@pytest.mark.parametrize(
    ("ksic", "text", "expected"),
    [
        ("31114", None, {"all", "manufacturing", "shipbuilding"}),
        ("C31114", None, {"all", "manufacturing", "shipbuilding"}),
        ("25911", None, {"all", "manufacturing"}),
        ("24111", None, {"all", "manufacturing", "primary_metals"}),
        ("34", None, {"all", "manufacturing"}),
        ("35", None, {"all"}),
        (None, "선박 구성 부분품 제조업", {"all", "manufacturing", "shipbuilding"}),
        (None, "금속 가공 제조업", {"all", "manufacturing"}),
        (None, None, {"all"}),
    ],
)
def test_industries_of(ksic: str | None, text: str | None, expected: set[str]) -> None:
    assert industries_of(ksic, text) == expected
