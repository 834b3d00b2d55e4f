"""OSH 중대재해 vs SAPA 중대산업재해, and the form-30 deadline (DOMAIN.md §1.1, §4.7)."""

from __future__ import annotations

from datetime import date

import pytest

from safetydesk.core.domain.incidents import (
    AccidentFacts,
    facts_for,
    form30_due,
    form30_required,
    osh_serious_accident,
    sapa_serious_accident,
    title_from,
)


def test_one_death_is_serious_under_both_laws() -> None:
    facts = AccidentFacts(deaths=1, injured=1)
    assert osh_serious_accident(facts).reasons == ("death",)
    assert sapa_serious_accident(facts).reasons == ("death",)


def test_two_people_three_months_is_osh_only() -> None:
    facts = AccidentFacts(injured=2, treatment_3m=2)
    assert osh_serious_accident(facts).serious
    assert not sapa_serious_accident(facts).serious


def test_two_people_six_months_is_serious_under_both() -> None:
    facts = AccidentFacts(treatment_6m=2)  # implies 3 months and two injured
    assert osh_serious_accident(facts).reasons == ("treatment",)
    assert sapa_serious_accident(facts).reasons == ("treatment",)


def test_one_person_six_months_is_not_serious() -> None:
    facts = AccidentFacts(injured=1, treatment_6m=1)
    assert not osh_serious_accident(facts).serious
    assert not sapa_serious_accident(facts).serious


@pytest.mark.parametrize(("injured", "serious"), [(9, False), (10, True)])
def test_ten_hurt_at_once_is_osh_serious(injured: int, serious: bool) -> None:
    facts = AccidentFacts(injured=injured)
    assert osh_serious_accident(facts).serious is serious
    assert not sapa_serious_accident(facts).serious


@pytest.mark.parametrize(("cases", "serious"), [(2, False), (3, True)])
def test_same_disease_three_people_in_a_year_is_sapa_only(cases: int, serious: bool) -> None:
    facts = AccidentFacts(injured=1, same_disease_1y=cases)
    assert sapa_serious_accident(facts).serious is serious
    assert not osh_serious_accident(facts).serious


def test_facts_count_the_recorded_person() -> None:
    assert facts_for(kind="near_miss", died=False, days_lost=None) == AccidentFacts()
    assert facts_for(kind="injury", died=False, days_lost=4).injured == 1
    assert facts_for(kind="fatality", died=False, days_lost=None).deaths == 1
    assert facts_for(kind="injury", died=False, days_lost=None, injured=3).injured == 3


@pytest.mark.parametrize(
    ("days_lost", "died", "due"),
    [
        (None, False, None),
        (2, False, None),
        (3, False, date(2026, 4, 30)),
        (0, True, date(2026, 4, 30)),
    ],
)
def test_form30_due_one_month_after_for_three_days_off_or_death(
    days_lost: int | None, died: bool, due: date | None
) -> None:
    assert form30_required(days_lost, died) is (due is not None)
    assert form30_due(date(2026, 3, 30), days_lost, died) == due


def test_form30_due_at_month_end_uses_the_last_day() -> None:
    assert form30_due(date(2026, 1, 31), 5, False) == date(2026, 2, 28)


def test_title_from_first_line() -> None:
    assert title_from("\n  지게차 후진 중 보행자와 근접  \n상세") == "지게차 후진 중 보행자와 근접"
    long = "가" * 100
    assert len(title_from(long)) == 80 and title_from(long).endswith("…")
