"""Suggestions on Korean and English text, explanations and speed."""

from __future__ import annotations

import time

import pytest

from safetydesk.core.ml.hazard_data import GROUPS
from safetydesk.core.ml.hazard_model import HazardModel, build_training_set, feature_schema_hash


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("프레스 금형 교체 중 손가락 협착", "caught"),
        ("사다리에서 추락", "fall"),
        ("분전반 충전부 노출로 감전 위험", "electrical"),
        ("폭염 속 옥외 작업 중 열사병", "cardio_heat"),
        ("지게차가 후진하다 보행자와 충돌", "struck"),
        ("The employee fell from the roof while installing panels", "fall"),
        ("His hand was caught in the rollers of the conveyor", "caught"),
        ("The worker contacted an energized power line and received an electric shock", "electrical"),
    ],
)
def test_suggest_gives_sensible_groups(small_model: HazardModel, text: str, group: str) -> None:
    suggestion = small_model.suggest(text)
    assert suggestion.group == group, suggestion
    assert 0.0 < suggestion.confidence <= 1.0
    assert 0.0 <= suggestion.severity_probability <= 1.0
    assert suggestion.model_version == "test-small"
    assert set(suggestion.probabilities) == set(GROUPS)
    assert suggestion.to_dict()["group"] == group
    assert suggestion.severity_band in ("low", "medium", "high")
    assert suggestion.to_dict()["severity_band"] == suggestion.severity_band


def test_top_terms_are_words_of_the_text(small_model: HazardModel) -> None:
    text = "프레스 금형 교체 중 손가락 협착"
    suggestion = small_model.suggest(text)
    assert suggestion.top_terms
    words = text.split()
    assert all(term.term in words and term.weight > 0 for term in suggestion.top_terms)
    weights = [t.weight for t in suggestion.top_terms]
    assert weights == sorted(weights, reverse=True)


def test_empty_text_does_not_crash(small_model: HazardModel) -> None:
    suggestion = small_model.suggest("")
    assert suggestion.group in GROUPS and suggestion.top_terms == ()


def test_severity_ranks_a_press_above_a_trip(small_model: HazardModel) -> None:
    press = small_model.suggest("Operator reached into the point of operation of a mechanical power press")
    trip = small_model.suggest("The employee tripped over a box in the office")
    assert press.severity_probability > trip.severity_probability


def test_suggest_is_fast(small_model: HazardModel) -> None:
    texts = [
        "프레스 금형 교체 중 손가락 협착",
        "The employee fell from a ladder while changing a light bulb",
    ] * 20
    small_model.suggest(texts[0])
    times = []
    for text in texts:
        start = time.perf_counter()
        small_model.suggest(text)
        times.append(time.perf_counter() - start)
    times.sort()
    assert times[int(len(times) * 0.95)] < 0.05  # target 10 ms; slack for loaded CI machines


def test_confirmed_labels_are_validated() -> None:
    with pytest.raises(ValueError, match="not one of"):
        build_training_set([], [], [("text", "nonsense")])
    ts = build_training_set([], [], [("용접 불티", "other")])
    assert ts.group_labels == ["other"]


def test_schema_hash_is_stable() -> None:
    assert feature_schema_hash() == feature_schema_hash()
    assert len(feature_schema_hash()) == 16
