"""The validator rejects each malformed template with one precise, path-led message."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from safetydesk.core.forms import TemplateError, load_template_file, validate_template

BAD = Path(__file__).parent / "bad_templates"

# fixture file -> text the error message must contain
CASES: dict[str, str] = {
    "unknown_type.json": (
        "sections[0].questions[1].type: unknown question type 'yesno' (allowed: yes_no_na, number,"
    ),
    "duplicate_question_key.json": (
        "sections[1].questions[0].key: duplicate question key 'brake' (first used at sections[0].questions[0])"
    ),
    "duplicate_section_key.json": "sections[1].key: duplicate section key 'checks' (first used at sections[0])",
    "missing_korean_text.json": "sections[0].questions[0].text.ko: missing Korean text",
    "empty_english_text.json": "title.en: English text is empty",
    "min_greater_than_max.json": "sections[0].questions[2]: min (30) is greater than max (10)",
    "choice_one_option.json": "sections[0].questions[2].options: a choice needs at least 2 options, got 1",
    "duplicate_option_values.json": "options[1].value: duplicate option value 'day'",
    "bad_code.json": "code: template code 'Prework Press' must match ^[a-z][a-z0-9_.-]*$",
    "bad_version.json": "version: version must be a positive integer, got 0",
    "unsupported_format.json": "format: unsupported format 2 (this version reads format 1)",
    "unknown_kind.json": "kind: unknown kind 'checklist' (allowed: inspection, prework_check,",
    "root_is_list.json": "(root): a form template must be a JSON object, got array",
    "invalid_json.json": "invalid JSON at line 8, column 1",
    "duplicate_json_key.json": "invalid JSON: the key 'ko' appears twice in one object",
    "gas_without_columns.json": (
        "sections[0].questions[2].columns: a gas_readings table needs at least one column"
    ),
    "gas_column_without_limits.json": "columns[0]: a gas column needs a 'min' or 'max' limit",
    "rule_on_text_question.json": (
        "sections[0].questions[1].rules: rules only apply to questions that can fail "
        "(yes_no_na, number, gas_readings); a text question cannot fail"
    ),
    "rule_on_number_without_limits.json": "rules on a number question need a 'min' or 'max' to fail against",
    "finding_without_severity.json": "rules[0].severity: create_finding needs a severity (high, medium, low)",
    "unknown_field.json": "questions[0].requried: unknown field 'requried' (did you mean 'required'?",
    "pass_value_on_number.json": "pass_value: 'pass_value' only applies to type 'yes_no_na', not 'number'",
    "prework_without_equipment.json": "equipment_kinds: a prework_check must name the equipment kinds",
    "empty_section.json": "sections[0].questions: a section needs at least one question",
}


def test_every_fixture_has_a_case() -> None:
    assert sorted(p.name for p in BAD.glob("*.json")) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_template_is_rejected_naming_the_problem(name: str) -> None:
    with pytest.raises(TemplateError) as caught:
        load_template_file(BAD / name)
    error = caught.value
    assert len(error.problems) == 1, error.problems
    assert CASES[name] in error.problems[0]
    message = str(error)
    assert name in message  # the file is named
    assert CASES[name] in message


def _minimal() -> dict[str, Any]:
    return {
        "format": 1,
        "code": "test.minimal",
        "version": 1,
        "kind": "inspection",
        "title": {"ko": "시험", "en": "Test"},
        "sections": [
            {
                "key": "checks",
                "title": {"ko": "점검", "en": "Checks"},
                "questions": [
                    {"key": "brake", "type": "yes_no_na", "text": {"ko": "브레이크", "en": "Brake"}}
                ],
            }
        ],
    }


def test_minimal_template_is_valid() -> None:
    template = validate_template(_minimal())
    assert template.code == "test.minimal"
    assert template.question("brake").required  # yes_no_na defaults to required
    assert template.question("brake").pass_value == "yes"


def test_all_problems_are_collected_in_one_error() -> None:
    data = _minimal()
    data["code"] = "Bad Code"
    data["version"] = -3
    data["title"] = {"ko": ""}
    question = data["sections"][0]["questions"][0]
    question["type"] = "yesno"
    question["hazard_group"] = "falling"
    with pytest.raises(TemplateError) as caught:
        validate_template(data)
    problems = caught.value.problems
    expected = [
        "code: template code 'Bad Code'",
        "version: version must be a positive integer, got -3",
        "title.ko: Korean text is empty",
        "title.en: missing English text",
        "sections[0].questions[0].type: unknown question type 'yesno'",
        "sections[0].questions[0].hazard_group: unknown hazard group 'falling'",
    ]
    assert len(problems) == len(expected), problems
    for fragment in expected:
        assert any(fragment in problem for problem in problems), (fragment, problems)
    assert f"({len(expected)} problems)" in str(caught.value)


def test_missing_required_fields_and_wrong_json_types() -> None:
    data: dict[str, Any] = {"format": 1, "code": "x", "version": True, "title": "plain", "sections": {}}
    with pytest.raises(TemplateError) as caught:
        validate_template(data)
    problems = caught.value.problems
    assert "kind: required field is missing" in problems
    assert "version: version must be a positive integer, got boolean" in problems
    assert 'title: text ({"ko": ..., "en": ...}) must be a JSON object, got string' in problems
    assert "sections: sections must be a JSON array, got object" in problems


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"key": "Brake"}, "key: question key 'Brake' must match ^[a-z][a-z0-9_]*$"),
        ({"required": "yes"}, "required: must be true or false, got string"),
        ({"pass_value": "maybe"}, "pass_value: unknown pass_value 'maybe' (allowed: yes, no)"),
        ({"help": {"ko": "도움말", "en": "Help", "ja": "ヘルプ"}}, "help.ja: unknown language 'ja'"),
        ({"rules": [{"when": "pass", "require_photo": True}]}, "when: unknown rule trigger 'pass'"),
        ({"rules": [{"when": "fail"}]}, "the rule does nothing"),
        (
            {"rules": [{"when": "fail", "require_photo": True, "severity": "high"}]},
            "severity only applies when create_finding is true",
        ),
        (
            {
                "rules": [
                    {"when": "fail", "require_photo": True},
                    {"when": "fail", "create_finding": True, "severity": "low"},
                ]
            },
            "rules[1].when: a second rule for when 'fail'",
        ),
        ({"options": []}, "'options' only applies to type 'choice', not 'yes_no_na'"),
    ],
)
def test_question_level_problems(change: dict[str, object], fragment: str) -> None:
    data = _minimal()
    data["sections"][0]["questions"][0].update(change)
    with pytest.raises(TemplateError) as caught:
        validate_template(data)
    assert any(fragment in problem for problem in caught.value.problems), caught.value.problems


@pytest.mark.parametrize(
    ("question", "fragment"),
    [
        (
            {"key": "co", "type": "number", "text": {"ko": "CO", "en": "CO"}, "max_exclusive": True},
            "max_exclusive needs a 'max'",
        ),
        (
            {
                "key": "co",
                "type": "number",
                "text": {"ko": "CO", "en": "CO"},
                "min": 5,
                "max": 5,
                "max_exclusive": True,
            },
            "no value can pass",
        ),
        (
            {"key": "co", "type": "number", "text": {"ko": "CO", "en": "CO"}, "max": "10"},
            "max: must be a finite number, got string",
        ),
        (
            {"key": "pick", "type": "choice", "text": {"ko": "선택", "en": "Pick"}},
            "a choice question needs 'options'",
        ),
        (
            {"key": "gas", "type": "gas_readings", "text": {"ko": "가스", "en": "Gas"}},
            "a gas_readings question needs 'columns'",
        ),
    ],
)
def test_type_specific_problems(question: dict[str, object], fragment: str) -> None:
    data = _minimal()
    data["sections"][0]["questions"].append(question)
    with pytest.raises(TemplateError) as caught:
        validate_template(data)
    assert any(fragment in problem for problem in caught.value.problems), caught.value.problems


@pytest.mark.parametrize("value", [True, 1.0, "1", None])
def test_format_must_be_the_integer_1(value: object) -> None:
    data = _minimal()
    data["format"] = value
    with pytest.raises(TemplateError, match="format: unsupported format"):
        validate_template(data)


def test_validation_does_not_mutate_input() -> None:
    data = _minimal()
    before = copy.deepcopy(data)
    validate_template(data)
    assert data == before


def test_template_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="invalid form template"):
        validate_template(None)
