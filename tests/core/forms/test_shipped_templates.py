"""Every shipped template validates, round-trips and follows the house conventions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from safetydesk.core.forms import (
    FormTemplate,
    load_shipped_templates,
    template_sha256,
    templates_dir,
    validate_template,
)

SHIPPED = sorted(templates_dir().glob("*.json"))
EXPECTED_CODES = {
    "prework.press",
    "prework.overhead_crane",
    "prework.forklift",
    "prework.air_compressor",
    "prework.industrial_robot",
    "inspection.machine_shop_general",
    "permit.hot_work",
    "permit.confined_space",
    "tbm.minutes",
    "drill.record",
}


def _raw(path: Path) -> dict[str, object]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_all_expected_templates_ship() -> None:
    templates = load_shipped_templates()
    assert {t.code for t in templates} == EXPECTED_CODES
    assert not (templates_dir() / "bad").exists()


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_template_round_trips(path: Path) -> None:
    raw = _raw(path)
    template = validate_template(raw)
    assert template.to_dict() == raw  # shipped files are already canonical (no restated defaults)
    assert validate_template(template.to_dict()) == template
    assert template_sha256(template) == template_sha256(raw)
    assert path.name == f"{template.code}.json"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_template_is_bilingual_and_sensible(path: Path) -> None:
    template = validate_template(_raw(path))
    assert any("가" <= ch <= "힣" for ch in template.title.ko)
    assert template.title.en.isascii()
    assert template.legal_basis is not None
    assert template.retention is not None
    for section, question in template.questions():
        assert any("가" <= ch <= "힣" for ch in question.text.ko), (section.key, question.key)
        rule = question.fail_rule
        if rule is not None and rule.create_finding:
            assert rule.severity is not None


def _template(code: str) -> FormTemplate:
    return next(t for t in load_shipped_templates() if t.code == code)


def test_press_check_covers_annex3_and_failures_need_photo_and_finding() -> None:
    press = _template("prework.press")
    assert press.kind == "prework_check"
    assert set(press.equipment_kinds) == {"press", "shear"}
    items = [q for _, q in press.questions() if q.type == "yes_no_na"]
    annex3 = [q for q in items if q.legal_ref == "안전보건규칙 제35조 별표3"]
    assert len(annex3) >= 7
    for question in items:
        rule = question.fail_rule
        assert rule is not None and rule.require_photo and rule.create_finding, question.key
    assert press.question("oil_air_leak").pass_value == "no"


def test_confined_space_permit_gas_limits_follow_the_law() -> None:
    permit = _template("permit.confined_space")
    assert permit.retention == "confined_space_gas"
    gas = permit.question("gas_readings")
    o2, h2s, co, lel = (gas.column(k) for k in ("o2", "h2s", "co", "lel"))
    assert (o2.min, o2.max, o2.max_exclusive) == (18, 23.5, True)
    assert o2.within(18) and o2.within(23.4) and not o2.within(23.5) and not o2.within(17.9)
    assert not h2s.within(10) and h2s.within(9.9)
    assert not co.within(30) and co.within(29)
    assert not lel.within(10) and lel.within(0)
    assert permit.question("attendant").required


def test_hot_work_permit_has_six_precautions_and_people() -> None:
    permit = _template("permit.hot_work")
    precautions = next(s for s in permit.sections if s.key == "precautions")
    numbered = [
        q for q in precautions.questions if (q.legal_ref or "").startswith("안전보건규칙 제241조제2항제")
    ]
    assert len(numbered) == 6
    for key in ("applicant", "issuer", "approver", "fire_watch_person"):
        assert permit.question(key).type == "person"
    assert permit.question("gas_readings").type == "gas_readings"


def test_general_inspection_size_and_measured_limits() -> None:
    inspection = _template("inspection.machine_shop_general")
    items = [q for _, q in inspection.questions() if q.scored]
    assert 28 <= len(items) <= 40
    assert len(inspection.sections) >= 6
    assert inspection.question("illuminance").min == 300
    assert inspection.question("exit_distance").max == 50
    pressure = inspection.question("extinguisher_pressure")
    assert (pressure.min, pressure.max) == (0.7, 0.98)


def test_drill_record_types_and_timings() -> None:
    drill = _template("drill.record")
    kinds = {o.value for o in drill.question("drill_type").options}
    assert kinds == {"fire", "chemical_leak", "confined_space_rescue", "scenario"}
    for key in ("seconds_to_alarm", "seconds_to_evacuate", "headcount_expected", "headcount_actual"):
        assert drill.question(key).type == "number"


def test_tbm_record_fields() -> None:
    tbm = _template("tbm.minutes")
    types = {q.key: q.type for _, q in tbm.questions()}
    assert types["held_at"] == "datetime"
    assert types["leader"] == "person"
    assert types["attendees"] == "people"
    assert types["ppe_checked"] == "yes_no_na"
    assert types["health_checked"] == "yes_no_na"
