"""Legal parameters as of a date: calendar arithmetic, half-years, retention, education, inspections."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safetydesk.core.domain.legal import (
    Anchor,
    CountedFrom,
    CountFrom,
    HalfYear,
    HoursPer,
    LegalData,
    LegalInputError,
    PeriodUnit,
    add_months,
    add_years,
    parse_education,
    parse_periods,
    parse_retention,
    parse_risk_scales,
    parse_statutory_inspections,
    parse_thresholds,
)
from safetydesk.core.domain.provenance import (
    Confidence,
    LegalDefinitionError,
    NotInForceError,
    UnknownCodeError,
)
from safetydesk.core.legaldata import load_legal_data
from tests.core.domain.test_risk import valid_matrix


@pytest.fixture(scope="module")
def legal() -> LegalData:
    return load_legal_data()


# --- calendar arithmetic ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 5, 10), 24, date(2028, 5, 10)),
    ],
)
def test_add_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_add_years_leap_day() -> None:
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert add_years(date(2024, 2, 29), 3) == date(2027, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert add_years(date(2023, 3, 1), 1) == date(2024, 3, 1)


@given(day=st.dates(min_value=date(1900, 1, 1), max_value=date(2900, 12, 31)), years=st.integers(0, 50))
def test_add_years_keeps_month_and_never_overshoots(day: date, years: int) -> None:
    result = add_years(day, years)
    assert (result.year, result.month) == (day.year + years, day.month)
    assert result.day == day.day or (day.month, day.day, result.day) == (2, 29, 28)


# --- half-years --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (date(2026, 1, 1), "2026H1"),
        (date(2026, 6, 30), "2026H1"),
        (date(2026, 7, 1), "2026H2"),
        (date(2026, 12, 31), "2026H2"),
    ],
)
def test_half_year_edges(legal: LegalData, day: date, code: str) -> None:
    half = legal.half_year(day)
    assert half.code == code
    assert half.contains(day)


def test_half_year_navigation() -> None:
    h2 = HalfYear.parse("2026H2")
    assert (h2.start, h2.end) == (date(2026, 7, 1), date(2026, 12, 31))
    assert h2.next() == HalfYear(2027, 1)
    assert h2.next().code == "2027H1"
    assert h2.previous().code == "2026H1"
    assert HalfYear.parse("2026h1").previous().code == "2025H2"
    assert HalfYear(2026, 1) < HalfYear(2026, 2) < HalfYear(2027, 1)
    assert str(HalfYear(2026, 1)) == "2026H1"


def test_dec_31_rolls_into_next_years_h1(legal: LegalData) -> None:
    half = legal.half_year(date(2026, 12, 31))
    assert half.next().start == date(2027, 1, 1)
    assert half.end + timedelta(days=1) == half.next().start


@given(day=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_half_years_tile_the_calendar(day: date) -> None:
    half = HalfYear.containing(day)
    assert half.start <= day <= half.end
    assert half.next().start == half.end + timedelta(days=1)
    assert half.next().previous() == half
    assert HalfYear.parse(half.code) == half


@pytest.mark.parametrize("text", ["2026H3", "2026", "H1", "26H1", "2026-H1"])
def test_half_year_parse_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        HalfYear.parse(text)


def test_half_year_before_definition(legal: LegalData) -> None:
    with pytest.raises(NotInForceError):
        legal.half_year(date(2021, 12, 31))


# --- retention -------------------------------------------------------------------------------------

BRIEF_RETENTION = {
    "sapa_implementation": (5, CountFrom.CARRIED_OUT),
    "appointment": (3, CountFrom.COMPLETED),
    "committee_minutes": (2, CountFrom.COMPLETED),
    "safety_measure_record": (3, CountFrom.COMPLETED),
    "accident_record": (3, CountFrom.COMPLETED),
    "risk_assessment": (3, CountFrom.COMPLETED),
    "chemical_investigation": (3, CountFrom.COMPLETED),
    "work_env_measurement": (5, CountFrom.COMPLETED),
    "health_exam": (5, CountFrom.COMPLETED),
    "confined_space_gas": (3, CountFrom.CARRIED_OUT),
    "fire_drill": (2, CountFrom.CARRIED_OUT),
    "self_inspection": (2, CountFrom.COMPLETED),
    "osha_300": (5, CountFrom.END_OF_CALENDAR_YEAR),
    "education_record": (3, CountFrom.CARRIED_OUT),
}


@pytest.mark.parametrize(("kind", "expected"), BRIEF_RETENTION.items())
def test_retention_years(legal: LegalData, kind: str, expected: tuple[int, CountFrom]) -> None:
    rule = legal.retention(kind, date(2026, 11, 1))
    assert (rule.years, rule.count_from) == expected
    assert rule.source and rule.label_ko and rule.label_en


def test_education_record_is_flagged_as_unverified(legal: LegalData) -> None:
    rule = legal.retention("education_record", date(2026, 1, 1))
    assert rule.confidence is Confidence.MEMORY
    assert "default" in rule.note


@pytest.mark.parametrize(
    ("kind", "completed", "until"),
    [
        ("risk_assessment", date(2024, 2, 29), date(2027, 2, 28)),
        ("health_exam", date(2024, 2, 29), date(2029, 2, 28)),
        ("sapa_implementation", date(2023, 2, 28), date(2028, 2, 28)),
        ("committee_minutes", date(2026, 3, 31), date(2028, 3, 31)),
        ("work_env_measurement_listed_substance", date(2024, 2, 29), date(2054, 2, 28)),
        ("osha_300", date(2025, 1, 15), date(2030, 12, 31)),
        ("osha_300", date(2024, 12, 31), date(2029, 12, 31)),
        ("confined_space_gas", date(2026, 1, 5), date(2029, 1, 5)),
    ],
)
def test_retention_until(legal: LegalData, kind: str, completed: date, until: date) -> None:
    assert legal.retention_until(kind, completed) == until


def test_retention_version_switches_on_the_amendment_date(legal: LegalData) -> None:
    old = legal.retention("risk_assessment", date(2026, 5, 31))
    new = legal.retention("risk_assessment", date(2026, 6, 1))
    assert old.confidence is Confidence.SECONDARY
    assert new.confidence is Confidence.LAW
    assert "37조의4" in new.source
    assert old.effective_to == date(2026, 5, 31)


def test_retention_errors(legal: LegalData) -> None:
    with pytest.raises(NotInForceError) as caught:
        legal.retention_until("confined_space_gas", date(2025, 11, 30))
    assert "2025-12-01" in caught.value.message_en and caught.value.message_ko
    with pytest.raises(UnknownCodeError):
        legal.retention("shopping_list", date(2026, 1, 1))


# --- education ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "on", "hours", "per"),
    [
        ("other", date(2023, 9, 1), 6, HoursPer.QUARTER),
        ("other", date(2023, 9, 26), 6, HoursPer.QUARTER),
        ("other", date(2023, 9, 27), 12, HoursPer.HALF_YEAR),
        ("other", date(2024, 6, 1), 12, HoursPer.HALF_YEAR),
        ("office_sales", date(2023, 9, 1), 3, HoursPer.QUARTER),
        ("office_sales", date(2024, 6, 1), 6, HoursPer.HALF_YEAR),
        ("supervisor", date(2025, 5, 29), 16, HoursPer.YEAR),
        ("supervisor", date(2025, 5, 30), 16, HoursPer.YEAR),
    ],
)
def test_periodic_education_versions(
    legal: LegalData, category: str, on: date, hours: int, per: HoursPer
) -> None:
    found = legal.education_hours("periodic", category, on)
    assert (found.hours, found.per) == (hours, per)


def test_supervisor_category_source_changes_in_2025(legal: LegalData) -> None:
    before = legal.education_hours("periodic", "supervisor", date(2025, 5, 29))
    after = legal.education_hours("periodic", "supervisor", date(2025, 5, 30))
    assert "제1호의2" in after.source and "제1호의2" not in before.source


@pytest.mark.parametrize(
    ("course", "category", "hours"),
    [
        ("hiring", "day_or_short", 1),
        ("hiring", "fixed_term_1w_1m", 4),
        ("hiring", "other", 8),
        ("change_of_work", "day_or_short", 1),
        ("change_of_work", "other", 2),
        ("special", "day_or_short", 2),
        ("special", "day_or_short_tower_crane_signal", 8),
        ("special", "other", 16),
        ("special", "other_short_intermittent", 2),
    ],
)
def test_event_education_hours(legal: LegalData, course: str, category: str, hours: int) -> None:
    found = legal.education_hours(course, category, date(2026, 11, 1))
    assert (found.hours, found.per) == (hours, HoursPer.EVENT)


def test_education_errors(legal: LegalData) -> None:
    with pytest.raises(NotInForceError):
        legal.education_hours("periodic", "other", date(2019, 12, 31))
    with pytest.raises(NotInForceError):
        legal.education_hours("hiring", "other", date(2023, 1, 1))
    with pytest.raises(UnknownCodeError):
        legal.education_hours("periodic", "astronaut", date(2026, 1, 1))


# --- statutory inspections ------------------------------------------------------------------------

ON = date(2026, 11, 1)


@pytest.mark.parametrize(
    ("kind", "installed", "last", "due"),
    [
        ("press", date(2024, 3, 15), None, date(2027, 3, 15)),
        ("press", date(2024, 3, 15), date(2027, 3, 1), date(2029, 3, 1)),
        ("crane", date(2020, 2, 29), None, date(2023, 2, 28)),
        ("crane", date(2020, 2, 29), date(2024, 2, 29), date(2026, 2, 28)),
        ("pressure_vessel", date(2022, 1, 10), date(2025, 1, 5), date(2027, 1, 5)),
        ("pressure_vessel_psm", date(2022, 1, 10), date(2025, 1, 5), date(2029, 1, 5)),
        ("crane_construction_site", date(2026, 2, 28), None, date(2026, 8, 28)),
        ("crane_construction_site", date(2026, 2, 28), date(2026, 8, 31), date(2027, 2, 28)),
        ("mobile_crane", date(2025, 6, 1), None, date(2028, 6, 1)),
        ("industrial_robot", date(2025, 6, 1), None, date(2028, 6, 1)),
        ("mixer", date(2026, 7, 1), None, date(2029, 7, 1)),
        ("forklift", date(2025, 6, 1), None, None),
        ("forklift", date(2025, 6, 1), date(2026, 1, 1), None),
    ],
)
def test_next_statutory_inspection(
    legal: LegalData, kind: str, installed: date, last: date | None, due: date | None
) -> None:
    assert legal.next_statutory_inspection(kind, installed, last, ON) == due


BRIEF_KINDS = [
    "crane",
    "mobile_crane",
    "lift",
    "press",
    "shear",
    "pressure_vessel",
    "local_exhaust",
    "centrifuge",
    "roller",
    "injection_moulding",
    "conveyor",
    "industrial_robot",
    "mixer",
    "crusher",
]


@pytest.mark.parametrize("kind", BRIEF_KINDS)
def test_art_126_kinds_are_3_then_2_years(legal: LegalData, kind: str) -> None:
    cycle = legal.inspection_cycle(kind, ON)
    assert cycle.statutory
    assert (cycle.first_within_months, cycle.then_every_months) == (36, 24)
    assert "126" in cycle.source


def test_forklift_has_no_statutory_cycle_and_says_why(legal: LegalData) -> None:
    cycle = legal.inspection_cycle("forklift", ON)
    assert not cycle.statutory
    assert cycle.first_within_months is None and cycle.counted_from is None
    assert "126" in cycle.reason_en and "126" in cycle.reason_ko


def test_mobile_crane_counts_from_registration(legal: LegalData) -> None:
    assert legal.inspection_cycle("mobile_crane", ON).counted_from is CountedFrom.REGISTRATION
    assert legal.inspection_cycle("press", ON).counted_from is CountedFrom.INSTALLATION


def test_inspection_errors(legal: LegalData) -> None:
    with pytest.raises(LegalInputError) as caught:
        legal.next_statutory_inspection("press", date(2025, 1, 1), date(2024, 1, 1), ON)
    assert caught.value.message_ko and caught.value.message_en
    with pytest.raises(NotInForceError):
        legal.next_statutory_inspection("mixer", date(2025, 1, 1), None, date(2026, 5, 31))
    with pytest.raises(UnknownCodeError):
        legal.next_statutory_inspection("toaster", date(2025, 1, 1), None, ON)


# --- thresholds ---------------------------------------------------------------------------------------


def test_sapa_phase_in(legal: LegalData) -> None:
    assert not legal.thresholds(date(2024, 1, 26)).applies("sapa", 49)
    assert legal.thresholds(date(2024, 1, 26)).applies("sapa", 50)
    assert legal.thresholds(date(2024, 1, 27)).applies("sapa", 5)
    assert not legal.thresholds(date(2024, 1, 27)).applies("sapa", 4)


@pytest.mark.parametrize(
    ("code", "below", "at"),
    [
        ("safety_officer", 49, 50),
        ("osh_committee", 49, 50),
        ("labour_council", 29, 30),
        ("safety_health_regulations", 99, 100),
        ("contractor_safety_lead", 99, 100),
        ("contractor_safety_lead_shipbuilding", 49, 50),
        ("safety_health_coordinator", 19, 20),
    ],
)
def test_thresholds(legal: LegalData, code: str, below: int, at: int) -> None:
    current = legal.thresholds(ON)
    assert not current.applies(code, below)
    assert current.applies(code, at)


def test_coordinator_band_is_20_to_49(legal: LegalData) -> None:
    coordinator = legal.thresholds(ON).get("safety_health_coordinator")
    assert (coordinator.min_workers, coordinator.max_workers) == (20, 49)
    assert coordinator.industries == ("manufacturing",)
    assert not coordinator.applies_to(50)


def test_threshold_set_contents(legal: LegalData) -> None:
    current = legal.thresholds(ON)
    codes = [t.code for t in current]
    assert len(codes) == len(set(codes)) == len(current)
    assert current.get("contractor_safety_lead").counts_contractor_workers
    assert not current.get("labour_council").counts_contractor_workers
    with pytest.raises(UnknownCodeError):
        current.get("moon_base")


def test_thresholds_before_any_version(legal: LegalData) -> None:
    with pytest.raises(NotInForceError):
        legal.thresholds(date(2019, 1, 1))
    assert "sapa" not in [t.code for t in legal.thresholds(date(2021, 1, 1))]


# --- duty periods -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code", ["sapa_4_3", "sapa_4_5", "sapa_4_7", "sapa_4_8", "sapa_4_9", "sapa_5_2_1", "sapa_5_2_3"]
)
def test_sapa_checks_are_half_yearly(legal: LegalData, code: str) -> None:
    duty = legal.duty(code, ON)
    assert (duty.unit, duty.every, duty.anchor) == (PeriodUnit.HALF_YEAR, 1, Anchor.CALENDAR)
    assert duty.window(date(2026, 6, 30)) == (date(2026, 1, 1), date(2026, 6, 30))
    assert duty.due_after(date(2026, 3, 1)) == date(2026, 12, 31)
    assert duty.due_after(date(2026, 12, 1)) == date(2027, 6, 30)


@pytest.mark.parametrize(
    ("code", "unit", "every", "anchor"),
    [
        ("confined_space_rescue_drill", PeriodUnit.MONTH, 6, Anchor.ROLLING),
        ("fire_drill", PeriodUnit.YEAR, 1, Anchor.CALENDAR),
        ("osh_committee", PeriodUnit.QUARTER, 1, Anchor.CALENDAR),
        ("labour_council", PeriodUnit.MONTH, 3, Anchor.ROLLING),
        ("contractor_council", PeriodUnit.MONTH, 1, Anchor.CALENDAR),
        ("joint_inspection_shipbuilding", PeriodUnit.MONTH, 2, Anchor.ROLLING),
        ("joint_inspection", PeriodUnit.QUARTER, 1, Anchor.CALENDAR),
        ("ra_periodic", PeriodUnit.YEAR, 1, Anchor.CALENDAR),
    ],
)
def test_duty_frequencies(legal: LegalData, code: str, unit: PeriodUnit, every: int, anchor: Anchor) -> None:
    duty = legal.duty(code, ON)
    assert (duty.unit, duty.every, duty.anchor) == (unit, every, anchor)


@pytest.mark.parametrize(
    ("code", "last", "due"),
    [
        ("confined_space_rescue_drill", date(2026, 1, 15), date(2026, 7, 15)),
        ("confined_space_rescue_drill", date(2026, 8, 31), date(2027, 2, 28)),
        ("osh_committee", date(2026, 2, 10), date(2026, 6, 30)),
        ("osh_committee", date(2026, 12, 20), date(2027, 3, 31)),
        ("contractor_council", date(2026, 1, 31), date(2026, 2, 28)),
        ("labour_council", date(2026, 1, 10), date(2026, 4, 10)),
        ("joint_inspection_shipbuilding", date(2026, 10, 31), date(2026, 12, 31)),
        ("fire_drill", date(2026, 3, 1), date(2027, 12, 31)),
    ],
)
def test_due_after(legal: LegalData, code: str, last: date, due: date) -> None:
    assert legal.duty(code, ON).due_after(last) == due


def test_ra_periodic_changes_with_the_2026_rule(legal: LegalData) -> None:
    old = legal.duty("ra_periodic", date(2026, 5, 31))
    new = legal.duty("ra_periodic", date(2026, 6, 1))
    assert old.anchor is Anchor.ROLLING and new.anchor is Anchor.CALENDAR
    assert old.due_after(date(2025, 9, 1)) == date(2026, 9, 1)
    assert new.due_after(date(2026, 9, 1)) == date(2027, 12, 31)


def test_rolling_duty_has_no_window(legal: LegalData) -> None:
    with pytest.raises(ValueError):
        legal.duty("labour_council", ON).window(ON)


def test_reminder_offsets(legal: LegalData) -> None:
    assert legal.reminder_offsets(ON) == (30, 14, 7)


# --- risk-scale lookup --------------------------------------------------------------------------------


def test_risk_scale_lookup(legal: LegalData) -> None:
    assert legal.risk_scale("kras_5x4", ON).version == 1
    assert legal.risk_scale("kras_5x4", date(2000, 1, 1), version=1).version == 1
    with pytest.raises(NotInForceError):
        legal.risk_scale("kras_5x4", date(2023, 5, 21))
    with pytest.raises(UnknownCodeError):
        legal.risk_scale("kras_5x4", ON, version=2)
    with pytest.raises(UnknownCodeError):
        legal.risk_scale("tarot", ON)


# --- parsing: version chains and structure ---------------------------------------------------------


def _rule(**overrides: Any) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "kind": "thing",
        "years": 3,
        "count_from": "completed",
        "label_ko": "것",
        "label_en": "thing",
        "effective_from": date(2020, 1, 1),
        "source": "법",
        "confidence": "L",
    }
    rule.update(overrides)
    return rule


def test_retention_chain_with_open_ended_predecessor() -> None:
    rules = parse_retention({"format": 1, "rule": [_rule(), _rule(years=5, effective_from=date(2025, 1, 1))]})
    data = LegalData(
        risk_scales=(),
        retention=rules,
        periods=parse_periods(_periods()),
        education=(),
        inspections=(),
        thresholds=(),
    )
    assert data.retention("thing", date(2024, 12, 31)).years == 3
    assert data.retention("thing", date(2025, 1, 1)).years == 5


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        ({"format": 2, "rule": [_rule()]}, "format 2"),
        ({"rule": [_rule()]}, "format: missing"),
        ({"format": 1, "rule": [_rule(), _rule()]}, "same day"),
        (
            {
                "format": 1,
                "rule": [_rule(effective_to=date(2025, 6, 1)), _rule(effective_from=date(2025, 1, 1))],
            },
            "overlaps",
        ),
        ({"format": 1, "rule": [_rule(effective_to=date(2019, 1, 1))]}, "before effective_from"),
        ({"format": 1, "rule": [_rule(years=0)]}, "at least 1"),
        ({"format": 1, "rule": [_rule(count_from="whenever")]}, "not one of"),
        ({"format": 1, "rule": [_rule(kind="Bad Kind")]}, "lower_snake_case"),
        ({"format": 1, "rule": [_rule(yeers=3)]}, "unknown key"),
        ({"format": 1, "rule": []}, "non-empty array"),
        ({"format": 1, "rule": [_rule()], "extra": 1}, "unknown key"),
    ],
)
def test_malformed_retention(document: dict[str, Any], fragment: str) -> None:
    with pytest.raises(LegalDefinitionError) as caught:
        parse_retention(document)
    assert fragment in str(caught.value)


def test_overlap_error_names_the_kind() -> None:
    document = {"format": 1, "rule": [_rule(), _rule()]}
    with pytest.raises(LegalDefinitionError) as caught:
        parse_retention(document)
    assert caught.value.key == "rule[kind=thing]"


def _periods() -> dict[str, Any]:
    common = {"effective_from": date(2020, 1, 1), "source": "법", "confidence": "L"}
    return {
        "format": 1,
        "half_year": [{"first_half_months": [1, 6], "second_half_months": [7, 12], **common}],
        "duty": [
            {
                "code": "x",
                "unit": "quarter",
                "every": 1,
                "anchor": "calendar",
                "label_ko": "엑스",
                "label_en": "x",
                **common,
            }
        ],
        "reminder": [{"days_before": [30, 14, 7], **common}],
    }


@pytest.mark.parametrize(
    ("path", "value", "fragment"),
    [
        (("half_year", "first_half_months"), [1, 5], "only calendar halves"),
        (("half_year", "second_half_months"), [7], "first_month, last_month"),
        (("duty", "every"), 2, "every = 1"),
        (("duty", "unit"), "fortnight", "not one of"),
        (("reminder", "days_before"), [7, 14, 30], "largest first"),
        (("reminder", "days_before"), [], "non-empty list"),
    ],
)
def test_malformed_periods(path: tuple[str, str], value: Any, fragment: str) -> None:
    document = copy.deepcopy(_periods())
    document[path[0]][0][path[1]] = value
    with pytest.raises(LegalDefinitionError) as caught:
        parse_periods(document)
    assert fragment in str(caught.value)


def _equipment(**overrides: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "kind": "press",
        "statutory": True,
        "first_within_months": 36,
        "then_every_months": 24,
        "counted_from": "installation",
        "label_ko": "프레스",
        "label_en": "Press",
        "effective_from": date(2020, 1, 1),
        "source": "법",
        "confidence": "L",
    }
    entry.update(overrides)
    return {"format": 1, "equipment": [{k: v for k, v in entry.items() if v is not None}]}


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        (_equipment(then_every_months=None), "missing"),
        (_equipment(statutory=False, reason_ko="이유", reason_en="why"), "has no cycle"),
        (
            _equipment(
                statutory=False,
                first_within_months=None,
                then_every_months=None,
                counted_from=None,
            ),
            "reason_ko: missing",
        ),
        (_equipment(statutory="yes"), "true or false"),
    ],
)
def test_malformed_inspections(document: dict[str, Any], fragment: str) -> None:
    with pytest.raises(LegalDefinitionError) as caught:
        parse_statutory_inspections(document)
    assert fragment in str(caught.value)


def test_malformed_thresholds_and_education() -> None:
    base = {
        "code": "x",
        "min_workers": 50,
        "max_workers": 10,
        "industries": ["all"],
        "label_ko": "엑스",
        "label_en": "x",
        "effective_from": date(2020, 1, 1),
        "source": "법",
        "confidence": "L",
    }
    with pytest.raises(LegalDefinitionError, match="at least 50"):
        parse_thresholds({"format": 1, "threshold": [base]})
    with pytest.raises(LegalDefinitionError, match="non-empty list of texts"):
        parse_thresholds({"format": 1, "threshold": [{**base, "max_workers": 99, "industries": []}]})
    hours = {
        "course": "periodic",
        "category": "other",
        "hours": 12,
        "per": "fortnight",
        "label_ko": "정기",
        "label_en": "periodic",
        "effective_from": date(2020, 1, 1),
        "source": "법",
        "confidence": "L",
    }
    with pytest.raises(LegalDefinitionError, match="not one of"):
        parse_education({"format": 1, "hours": [hours]})


def test_scale_versions_must_increase_with_date() -> None:
    first = valid_matrix()
    second = {**valid_matrix(), "version": 2, "effective_from": date(2023, 1, 1)}
    with pytest.raises(LegalDefinitionError, match="later version number"):
        parse_risk_scales({"format": 1, "scale": [first, second]})
    second["effective_from"] = date(2025, 1, 1)
    first["effective_to"] = date(2024, 12, 31)
    scales = parse_risk_scales({"format": 1, "scale": [first, second]})
    data = LegalData(
        risk_scales=scales,
        retention=(),
        periods=parse_periods(_periods()),
        education=(),
        inspections=(),
        thresholds=(),
    )
    assert data.risk_scale("site_3x2", date(2024, 12, 31)).version == 1
    assert data.risk_scale("site_3x2", date(2025, 1, 1)).version == 2
    same = {**valid_matrix(), "effective_from": date(2025, 1, 1)}
    with pytest.raises(LegalDefinitionError, match="duplicate version"):
        parse_risk_scales({"format": 1, "scale": [first, same]})


@given(
    boundaries=st.lists(
        st.dates(min_value=date(2000, 1, 2), max_value=date(2099, 12, 31)),
        min_size=1,
        max_size=6,
        unique=True,
    ),
    probe=st.dates(min_value=date(1999, 1, 1), max_value=date(2100, 12, 31)),
)
def test_the_version_in_force_is_the_latest_started(boundaries: list[date], probe: date) -> None:
    starts = sorted(boundaries)
    rules = parse_retention(
        {"format": 1, "rule": [_rule(years=i + 1, effective_from=start) for i, start in enumerate(starts)]}
    )
    data = LegalData(
        risk_scales=(),
        retention=rules,
        periods=parse_periods(_periods()),
        education=(),
        inspections=(),
        thresholds=(),
    )
    started = [i for i, start in enumerate(starts) if start <= probe]
    if not started:
        with pytest.raises(NotInForceError):
            data.retention("thing", probe)
    else:
        assert data.retention("thing", probe).years == started[-1] + 1
