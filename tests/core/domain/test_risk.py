"""Risk engine: every shipped scale, its band edges, input errors, and rejection of malformed scales."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safetydesk.core.domain.legal import LegalData
from safetydesk.core.domain.provenance import LegalDefinitionError
from safetydesk.core.domain.risk import RiskInputError, RiskScale, ScaleMethod, evaluate
from safetydesk.core.legaldata import load_legal_data

ON = date(2026, 11, 1)


@pytest.fixture(scope="module")
def legal() -> LegalData:
    return load_legal_data()


def kras() -> RiskScale:
    return load_legal_data().risk_scale("kras_5x4", ON)


def moel() -> RiskScale:
    return load_legal_data().risk_scale("moel_3x3", ON)


# --- KRAS 5×4 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "band", "label_ko", "acceptable"),
    [
        (1, "very_low", "매우낮음", True),
        (3, "very_low", "매우낮음", True),
        (4, "low", "낮음", True),
        (6, "low", "낮음", True),
        (8, "moderate", "보통", False),
        (9, "slightly_high", "약간높음", False),
        (12, "slightly_high", "약간높음", False),
        (15, "high", "높음", False),
        (16, "very_high", "매우높음", False),
        (20, "very_high", "매우높음", False),
    ],
)
def test_kras_band_edges(score: int, band: str, label_ko: str, acceptable: bool) -> None:
    found = kras().band_for(score)
    assert (found.code, found.label_ko, found.acceptable) == (band, label_ko, acceptable)


def test_kras_every_score_1_to_20_has_exactly_one_band() -> None:
    scale = kras()
    assert scale.score_range == (1, 20)
    for score in range(1, 21):
        assert sum(band.contains(score) for band in scale.bands) == 1
    # unreachable products still land in the higher neighbouring band
    assert [scale.band_for(s).code for s in (7, 13, 14)] == ["moderate", "high", "high"]


KRAS_TABLE = {
    # likelihood: bands for severity 1, 2, 3, 4
    5: ["low", "slightly_high", "high", "very_high"],
    4: ["low", "moderate", "slightly_high", "very_high"],
    3: ["very_low", "low", "slightly_high", "slightly_high"],
    2: ["very_low", "low", "low", "moderate"],
    1: ["very_low", "very_low", "very_low", "low"],
}


@pytest.mark.parametrize("likelihood", [5, 4, 3, 2, 1])
@pytest.mark.parametrize("severity", [1, 2, 3, 4])
def test_kras_all_20_combinations(likelihood: int, severity: int) -> None:
    result = evaluate(kras(), likelihood=likelihood, severity=severity)
    assert result.score == likelihood * severity
    assert result.band_code == KRAS_TABLE[likelihood][severity - 1]
    assert result.acceptable == (result.band_code in {"very_low", "low"})
    assert result.level_code == f"L{likelihood}xS{severity}"
    assert (result.scale_code, result.scale_version) == ("kras_5x4", 1)
    assert result.action_ko and result.action_en and result.label_en


def test_kras_actions_match_domain() -> None:
    assert evaluate(kras(), likelihood=5, severity=4).action_ko == "즉시 작업 중지"
    assert evaluate(kras(), likelihood=1, severity=1).action_en == "Keep current measures"


def test_levels_can_be_given_by_code() -> None:
    result = evaluate(kras(), likelihood="very_high", severity="catastrophic")
    assert (result.score, result.band_code) == (20, "very_high")


# --- MOEL 3×3 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("frequency", [1, 2, 3])
@pytest.mark.parametrize("severity", [1, 2, 3])
def test_moel_all_9_combinations(frequency: int, severity: int) -> None:
    result = evaluate(moel(), likelihood=frequency, severity=severity)
    score = frequency * severity
    assert result.score == score
    assert result.acceptable == (score <= 3)
    assert result.band_code == ("low" if score <= 3 else "high")


def _band_rank(scale: RiskScale, band_code: str) -> int:
    return [b.code for b in scale.bands].index(band_code)


@given(data=st.data(), which=st.sampled_from(["kras_5x4", "moel_3x3"]))
def test_raising_likelihood_or_severity_never_lowers_risk(data: st.DataObject, which: str) -> None:
    scale = load_legal_data().risk_scale(which, ON)
    lvals = [lvl.value for lvl in scale.likelihood]
    svals = [lvl.value for lvl in scale.severity]
    like = data.draw(st.sampled_from(lvals))
    sev = data.draw(st.sampled_from(svals))
    higher_like = data.draw(st.sampled_from([v for v in lvals if v >= like]))
    higher_sev = data.draw(st.sampled_from([v for v in svals if v >= sev]))
    base = evaluate(scale, likelihood=like, severity=sev)
    for raised in (
        evaluate(scale, likelihood=higher_like, severity=sev),
        evaluate(scale, likelihood=like, severity=higher_sev),
        evaluate(scale, likelihood=higher_like, severity=higher_sev),
    ):
        assert _band_rank(scale, raised.band_code) >= _band_rank(scale, base.band_code)
        assert not (raised.acceptable and not base.acceptable)


# --- level methods ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "level", "band", "acceptable"),
    [
        ("three_level", "low", "low", True),
        ("three_level", "medium", "medium", False),
        ("three_level", "high", "high", False),
        ("three_level", 1, "low", True),
        ("three_level", 3, "high", False),
        ("checklist", "adequate", "adequate", True),
        ("checklist", "needs_improvement", "needs_improvement", False),
        ("ops", "keep_current", "keep_current", True),
        ("ops", "extra_needed", "extra_needed", False),
    ],
)
def test_level_scales(legal: LegalData, code: str, level: int | str, band: str, acceptable: bool) -> None:
    scale = legal.risk_scale(code, ON)
    result = evaluate(scale, level=level)
    assert result.score is None
    assert (result.band_code, result.acceptable) == (band, acceptable)
    assert result.level_code == (level if isinstance(level, str) else scale.levels[level - 1].code)


def test_three_level_labels(legal: LegalData) -> None:
    scale = legal.risk_scale("three_level", ON)
    assert [lvl.label_ko for lvl in scale.levels] == ["하", "중", "상"]
    assert evaluate(scale, level="high").label_ko == "상"


def test_methods_of_shipped_scales(legal: LegalData) -> None:
    methods = {code: legal.risk_scale(code, ON).method for code in legal.risk_scale_codes()}
    assert methods == {
        "kras_5x4": ScaleMethod.MATRIX,
        "moel_3x3": ScaleMethod.MATRIX,
        "three_level": ScaleMethod.LEVELS,
        "checklist": ScaleMethod.CHECKLIST,
        "ops": ScaleMethod.OPS,
    }
    for code in legal.risk_scale_codes():
        scale = legal.risk_scale(code, ON)
        assert scale.rationale_ko and scale.rationale_en


# --- input errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"likelihood": 0, "severity": 1},
        {"likelihood": 6, "severity": 1},
        {"likelihood": 5, "severity": 5},
        {"likelihood": -1, "severity": 2},
        {"likelihood": "nope", "severity": 2},
        {"likelihood": True, "severity": 2},
        {"likelihood": 3},
        {"severity": 3},
        {},
        {"likelihood": 3, "severity": 2, "level": "low"},
    ],
)
def test_matrix_input_errors(kwargs: dict[str, Any]) -> None:
    with pytest.raises(RiskInputError) as caught:
        evaluate(kras(), **kwargs)
    assert caught.value.message_ko and caught.value.message_en
    assert isinstance(caught.value, ValueError)


def test_out_of_range_message_names_scale_and_allowed_values() -> None:
    with pytest.raises(RiskInputError) as caught:
        evaluate(kras(), likelihood=6, severity=1)
    assert "kras_5x4" in caught.value.message_en
    assert "최상" in caught.value.message_ko


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"level": 4},
        {"level": 0},
        {"level": "medium_high"},
        {"likelihood": 1, "severity": 1},
        {"level": 1, "severity": 1},
    ],
)
def test_level_input_errors(legal: LegalData, kwargs: dict[str, Any]) -> None:
    with pytest.raises(RiskInputError):
        evaluate(legal.risk_scale("three_level", ON), **kwargs)


def test_band_for_out_of_range_score() -> None:
    with pytest.raises(RiskInputError):
        kras().band_for(21)


# --- malformed scale mappings -----------------------------------------------------------------------


def _level(code: str, value: int) -> dict[str, Any]:
    return {
        "code": code,
        "value": value,
        "label_ko": code,
        "label_en": code,
        "description_ko": "설명",
        "description_en": "description",
    }


def _band(code: str, lo: int, hi: int) -> dict[str, Any]:
    return {
        "code": code,
        "min": lo,
        "max": hi,
        "label_ko": code,
        "label_en": code,
        "action_ko": "조치",
        "action_en": "action",
    }


def valid_matrix() -> dict[str, Any]:
    """A 3 × 2 matrix: scores 1..6."""
    return {
        "code": "site_3x2",
        "version": 1,
        "method": "matrix",
        "label_ko": "사업장 척도",
        "label_en": "Site scale",
        "acceptable_up_to": "low",
        "rationale_ko": "근거",
        "rationale_en": "why",
        "effective_from": date(2024, 1, 1),
        "source": "사업장 규정",
        "confidence": "M",
        "likelihood": [_level("l1", 1), _level("l2", 2), _level("l3", 3)],
        "severity": [_level("s1", 1), _level("s2", 2)],
        "band": [_band("low", 1, 2), _band("mid", 3, 4), _band("high", 5, 6)],
    }


def test_valid_mapping_builds() -> None:
    scale = RiskScale.from_mapping(valid_matrix())
    assert [b.acceptable for b in scale.bands] == [True, False, False]
    assert evaluate(scale, likelihood=3, severity=2).band_code == "high"
    assert scale.effective_to is None


def _broken(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(valid_matrix())
    for key, value in changes.items():
        if value is None:
            del data[key]
        else:
            data[key] = value
    return data


@pytest.mark.parametrize(
    ("mapping", "fragment"),
    [
        (_broken(band=[_band("low", 1, 2), _band("high", 4, 6)]), "gap"),
        (_broken(band=[_band("low", 1, 3), _band("high", 3, 6)]), "overlap"),
        (_broken(band=[_band("low", 2, 3), _band("high", 4, 6)]), "lowest possible score is 1"),
        (_broken(band=[_band("low", 1, 3), _band("high", 4, 5)]), "highest possible score is 6"),
        (_broken(band=[_band("low", 1, 3), _band("high", 6, 4)]), "below min"),
        (_broken(band=[_band("low", 1, 3), _band("low", 4, 6)]), "duplicate band"),
        (_broken(acceptable_up_to="nowhere"), "not one of the band codes"),
        (_broken(severity=None), "needs [[severity]]"),
        (_broken(level=[_level("x", 1)]), "must not have [[level]]"),
        (_broken(likelihood=[_level("l1", 1), _level("l2", 1)]), "duplicate likelihood value"),
        (_broken(likelihood=[_level("l1", 0)]), "at least 1"),
        (_broken(method="vibes"), "not one of"),
        (_broken(version=0), "at least 1"),
        (_broken(code="Site Scale"), "lower_snake_case"),
        (_broken(confidence="X"), "not one of"),
        (_broken(effective_from="2024-01-01"), "TOML date"),
        (_broken(rationale_en=None), "missing"),
        (_broken(colour="red"), "unknown key"),
    ],
)
def test_malformed_scale_is_rejected(mapping: dict[str, Any], fragment: str) -> None:
    with pytest.raises(LegalDefinitionError) as caught:
        RiskScale.from_mapping(mapping)
    assert fragment in str(caught.value)


@pytest.mark.parametrize(
    "bands", [[_band("low", 1, 2), _band("high", 4, 6)], [_band("low", 1, 4), _band("high", 3, 6)]]
)
def test_gap_and_overlap_errors_name_the_scale(bands: list[dict[str, Any]]) -> None:
    with pytest.raises(LegalDefinitionError) as caught:
        RiskScale.from_mapping(_broken(band=bands))
    assert "site_3x2" in str(caught.value)
    assert caught.value.key.startswith("scale.band")


def test_levels_scale_rejects_matrix_axes() -> None:
    data = _broken(likelihood=None, severity=None, level=[_level("a", 1), _level("b", 2)], method="levels")
    data["band"] = [_band("low", 1, 1), _band("high", 2, 2)]
    assert RiskScale.from_mapping(data).method is ScaleMethod.LEVELS
    data["severity"] = [_level("s1", 1)]
    with pytest.raises(LegalDefinitionError, match="must not have"):
        RiskScale.from_mapping(data)


@given(cuts=st.sets(st.integers(min_value=2, max_value=12)), accept=st.integers(min_value=0, max_value=12))
def test_any_tiling_of_the_scores_is_accepted_and_monotonic(cuts: set[int], accept: int) -> None:
    """Likelihood 1–4 × severity 1–3 = scores 1–12; any contiguous partition is a valid scale."""
    starts = [1, *sorted(cuts)]
    ends = [s - 1 for s in starts[1:]] + [12]
    bands = [_band(f"b{i}", lo, hi) for i, (lo, hi) in enumerate(zip(starts, ends, strict=True))]
    data = _broken(
        likelihood=[_level(f"l{v}", v) for v in range(1, 5)],
        severity=[_level(f"s{v}", v) for v in range(1, 4)],
        band=bands,
        acceptable_up_to=f"b{min(accept, len(bands) - 1)}",
    )
    scale = RiskScale.from_mapping(data)
    previous = -1
    acceptable_seen_after_unacceptable = False
    was_unacceptable = False
    for score in range(1, 13):
        rank = _band_rank(scale, scale.band_for(score).code)
        assert rank >= previous
        previous = rank
        if not scale.band_for(score).acceptable:
            was_unacceptable = True
        elif was_unacceptable:
            acceptable_seen_after_unacceptable = True
    assert not acceptable_seen_after_unacceptable


@given(hole=st.integers(min_value=2, max_value=11))
def test_any_single_gap_is_rejected(hole: int) -> None:
    bands = [_band("low", 1, hole - 1), _band("high", hole + 1, 12)]
    data = _broken(
        likelihood=[_level(f"l{v}", v) for v in range(1, 5)],
        severity=[_level(f"s{v}", v) for v in range(1, 4)],
        band=bands,
    )
    with pytest.raises(LegalDefinitionError, match="gap"):
        RiskScale.from_mapping(data)
