"""Scoring answers against a template: counts, limits, gas tables and rule consequences."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safetydesk.core.forms import (
    AnswerValue,
    FormTemplate,
    GasRow,
    load_shipped_templates,
    score_answers,
    validate_template,
)


def _t(ko: str, en: str) -> dict[str, str]:
    return {"ko": ko, "en": en}


FAIL_RULE: dict[str, Any] = {
    "when": "fail",
    "require_photo": True,
    "create_finding": True,
    "severity": "high",
}


def _template() -> FormTemplate:
    return validate_template(
        {
            "format": 1,
            "code": "test.scoring",
            "version": 3,
            "kind": "inspection",
            "title": _t("채점 시험", "Scoring test"),
            "sections": [
                {
                    "key": "checks",
                    "title": _t("점검", "Checks"),
                    "questions": [
                        {
                            "key": "brake",
                            "type": "yes_no_na",
                            "text": _t("브레이크", "Brake"),
                            "rules": [FAIL_RULE],
                        },
                        {"key": "guard", "type": "yes_no_na", "text": _t("방호장치", "Guard")},
                        {
                            "key": "oil_leak",
                            "type": "yes_no_na",
                            "text": _t("누유가 있는가?", "Is oil leaking?"),
                            "pass_value": "no",
                            "rules": [{"when": "fail", "create_finding": True, "severity": "medium"}],
                        },
                        {
                            "key": "optional_item",
                            "type": "yes_no_na",
                            "text": _t("선택", "Optional"),
                            "required": False,
                        },
                    ],
                },
                {
                    "key": "measurements",
                    "title": _t("측정", "Measurements"),
                    "questions": [
                        {
                            "key": "lux",
                            "type": "number",
                            "text": _t("조도", "Illuminance"),
                            "required": True,
                            "unit": "lux",
                            "min": 300,
                            "rules": [{"when": "fail", "require_photo": True}],
                        },
                        {
                            "key": "co",
                            "type": "number",
                            "text": _t("CO", "CO"),
                            "unit": "ppm",
                            "max": 30,
                            "max_exclusive": True,
                        },
                        {
                            "key": "pressure",
                            "type": "number",
                            "text": _t("압력", "Pressure"),
                            "required": True,
                        },
                        {
                            "key": "gas",
                            "type": "gas_readings",
                            "text": _t("가스", "Gas"),
                            "required": True,
                            "columns": [
                                {
                                    "key": "o2",
                                    "label": _t("산소", "Oxygen"),
                                    "unit": "%",
                                    "min": 18,
                                    "max": 23.5,
                                    "max_exclusive": True,
                                },
                                {
                                    "key": "h2s",
                                    "label": _t("황화수소", "H2S"),
                                    "unit": "ppm",
                                    "max": 10,
                                    "max_exclusive": True,
                                },
                            ],
                            "rules": [FAIL_RULE],
                        },
                    ],
                },
                {
                    "key": "sign_off",
                    "title": _t("확인", "Sign-off"),
                    "questions": [
                        {
                            "key": "inspector",
                            "type": "person",
                            "text": _t("점검자", "Inspector"),
                            "required": True,
                        },
                        {"key": "crew", "type": "people", "text": _t("작업자", "Crew"), "required": True},
                        {"key": "note", "type": "text", "text": _t("비고", "Notes")},
                        {
                            "key": "signature",
                            "type": "signature",
                            "text": _t("서명", "Signature"),
                            "required": True,
                        },
                        {
                            "key": "shift",
                            "type": "choice",
                            "text": _t("근무조", "Shift"),
                            "required": True,
                            "options": [
                                {"value": "day", "label": _t("주간", "Day")},
                                {"value": "night", "label": _t("야간", "Night")},
                            ],
                        },
                    ],
                },
            ],
        }
    )


def _complete() -> dict[str, AnswerValue]:
    return {
        "brake": AnswerValue(result="yes"),
        "guard": AnswerValue(result="yes"),
        "oil_leak": AnswerValue(result="no"),
        "lux": AnswerValue(number=450),
        "co": AnswerValue(number=2),
        "pressure": AnswerValue(number=0.8),
        "gas": AnswerValue(rows=(GasRow.of({"o2": 20.9, "h2s": 0}, taken_at="2025-03-04T08:10"),)),
        "inspector": AnswerValue(text="person-1"),
        "crew": AnswerValue(values=("person-2", "person-3")),
        "signature": AnswerValue(attachments=("ab12",)),
        "shift": AnswerValue(text="day"),
    }


def test_all_good_answers_pass() -> None:
    score = score_answers(_template(), _complete())
    # brake, guard, oil_leak, lux, co, gas; "pressure" has no limits so it is not scored
    assert (score.passed, score.failed, score.not_applicable) == (6, 0, 0)
    assert score.percent == 100.0
    assert score.unanswered_required == ()
    assert score.failed_keys == score.findings_to_create == score.photo_required_missing == ()


def test_pass_fail_na_counting_and_percent() -> None:
    answers = _complete()
    answers["guard"] = AnswerValue(result="no")
    answers["brake"] = AnswerValue(result="na")
    answers["optional_item"] = AnswerValue(result="yes")
    score = score_answers(_template(), answers)
    assert (score.passed, score.failed, score.not_applicable) == (5, 1, 1)
    assert score.percent == pytest.approx(5 / 6 * 100)
    assert score.failed_keys == ("guard",)
    assert score.findings_to_create == ()  # guard has no rule


def test_pass_value_no_inverts_yes_and_no() -> None:
    answers = _complete()
    answers["oil_leak"] = AnswerValue(result="yes")  # "Is oil leaking?" -> yes is bad
    score = score_answers(_template(), answers)
    assert score.failed_keys == ("oil_leak",)
    assert score.findings_to_create == ("oil_leak",)
    assert score.photo_required_missing == ()  # its rule asks for no photo


def test_pre_judged_pass_and_fail_results_are_accepted() -> None:
    answers = _complete()
    answers["oil_leak"] = AnswerValue(result="pass")
    answers["guard"] = AnswerValue(result="fail")
    score = score_answers(_template(), answers)
    assert score.failed_keys == ("guard",)


@pytest.mark.parametrize(
    ("key", "number", "fails"),
    [
        ("lux", 300, False),
        ("lux", 299.9, True),
        ("co", 29.9, False),
        ("co", 30, True),  # max_exclusive: must stay below 30
        ("co", -1, False),
        ("pressure", 1e6, False),  # no limits: a reading, never a fail
    ],
)
def test_number_limits(key: str, number: float, fails: bool) -> None:
    answers = _complete()
    answers[key] = AnswerValue(number=number)
    score = score_answers(_template(), answers)
    assert (key in score.failed_keys) is fails


def test_number_failure_requires_photo_until_attached() -> None:
    answers = _complete()
    answers["lux"] = AnswerValue(number=120)
    score = score_answers(_template(), answers)
    assert score.photo_required_missing == ("lux",)
    assert score.findings_to_create == ()
    answers["lux"] = AnswerValue(number=120, attachments=("cafe01",))
    assert score_answers(_template(), answers).photo_required_missing == ()


@pytest.mark.parametrize(
    ("rows", "outcome"),
    [
        (({"o2": 20.9, "h2s": 0},), "pass"),
        (({"o2": 17.5, "h2s": 0},), "fail"),
        (({"o2": 23.5, "h2s": 0},), "fail"),
        (({"o2": 20.9, "h2s": 10},), "fail"),
        (({"o2": 20.9, "h2s": 0}, {"o2": 20.8, "h2s": 12}), "fail"),  # the second round fails
        (({"o2": 20.9, "h2s": None},), "incomplete"),
        (({"o2": 20.9},), "incomplete"),
        (({"o2": 16.0},), "fail"),  # a failing reading outweighs a missing one
    ],
)
def test_gas_readings_against_column_limits(rows: tuple[dict[str, float | None], ...], outcome: str) -> None:
    answers = _complete()
    answers["gas"] = AnswerValue(rows=tuple(GasRow.of(row) for row in rows))
    score = score_answers(_template(), answers)
    assert ("gas" in score.failed_keys) is (outcome == "fail")
    assert ("gas" in score.unanswered_required) is (outcome == "incomplete")
    if outcome == "fail":
        assert "gas" in score.findings_to_create
        assert "gas" in score.photo_required_missing


def test_required_unanswered_in_template_order() -> None:
    answers = _complete()
    for key in ("brake", "lux", "pressure", "gas", "crew", "signature", "shift"):
        del answers[key]
    answers["inspector"] = AnswerValue(text="   ")
    score = score_answers(_template(), answers)
    assert score.unanswered_required == (
        "brake",
        "lux",
        "pressure",
        "gas",
        "inspector",
        "crew",
        "signature",
        "shift",
    )
    assert "optional_item" not in score.unanswered_required
    assert "note" not in score.unanswered_required


def test_na_counts_as_answered() -> None:
    answers = _complete()
    answers["gas"] = AnswerValue(result="na")
    answers["inspector"] = AnswerValue(result="na")
    score = score_answers(_template(), answers)
    assert score.unanswered_required == ()
    assert score.not_applicable == 1  # only scored questions are counted


def test_photo_required_missing_for_failed_yes_no() -> None:
    answers = _complete()
    answers["brake"] = AnswerValue(result="no")
    score = score_answers(_template(), answers)
    assert score.failed_keys == ("brake",)
    assert score.findings_to_create == ("brake",)
    assert score.photo_required_missing == ("brake",)
    answers["brake"] = AnswerValue(result="no", attachments=("0f0f",))
    assert score_answers(_template(), answers).photo_required_missing == ()


def test_nothing_answered() -> None:
    score = score_answers(_template(), {})
    assert score.percent is None
    assert (score.passed, score.failed, score.not_applicable) == (0, 0, 0)
    assert len(score.unanswered_required) == 10


@pytest.mark.parametrize(
    ("key", "answer", "fragment"),
    [
        ("nope", AnswerValue(result="yes"), "not in template test.scoring v3: nope"),
        ("note", AnswerValue(result="yes"), "only fits a yes_no_na question"),
        ("note", AnswerValue(result="fail"), "a text question cannot fail"),
        ("shift", AnswerValue(text="evening"), "unknown option(s) evening"),
        ("shift", AnswerValue(values=("day", "night")), "only one option may be chosen"),
        ("gas", AnswerValue(rows=(GasRow.of({"ch4": 1.0}),)), "unknown gas column(s) ch4"),
    ],
)
def test_answers_that_cannot_belong_are_rejected(key: str, answer: AnswerValue, fragment: str) -> None:
    answers = _complete()
    answers[key] = answer
    with pytest.raises(ValueError) as caught:
        score_answers(_template(), answers)
    assert fragment in str(caught.value)


def test_answer_value_validates_itself() -> None:
    with pytest.raises(ValueError, match="not one of"):
        AnswerValue(result="ok")
    with pytest.raises(ValueError, match="finite"):
        AnswerValue(number=float("nan"))


PRESS = next(t for t in load_shipped_templates() if t.code == "prework.press")
PRESS_ITEMS = [q.key for _, q in PRESS.questions() if q.type == "yes_no_na"]


@given(
    st.dictionaries(
        st.sampled_from(PRESS_ITEMS),
        st.builds(
            AnswerValue,
            result=st.sampled_from(["yes", "no", "na", "pass", "fail"]),
            attachments=st.lists(
                st.text(alphabet="0123456789abcdef", min_size=4, max_size=8), max_size=2
            ).map(tuple),
        ),
    )
)
def test_press_score_invariants(answers: dict[str, AnswerValue]) -> None:
    score = score_answers(PRESS, answers)
    assert score.passed + score.failed + score.not_applicable == len(answers)
    assert score.failed == len(score.failed_keys)
    # every press item creates a finding and needs a photo on failure
    assert score.findings_to_create == score.failed_keys
    assert set(score.photo_required_missing) <= set(score.failed_keys)
    assert set(score.unanswered_required) == set(PRESS_ITEMS) - set(answers) | {
        "checked_at",
        "inspector",
        "inspector_signature",
    }
    if score.percent is not None:
        assert 0.0 <= score.percent <= 100.0
