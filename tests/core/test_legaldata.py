"""The shipped legal files load, and a broken file is reported by file and key."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from safetydesk.core.domain.provenance import Confidence
from safetydesk.core.domain.risk import evaluate
from safetydesk.core.legaldata import FILES, LegalDataError, load_legal_data, load_legal_data_from
from safetydesk.core.resources import resource_path

ON = date(2026, 11, 1)


def test_shipped_files_exist_and_load() -> None:
    folder = resource_path("legal")
    for name in FILES:
        assert (folder / name).is_file(), name
    assert (folder / "README.md").is_file()
    data = load_legal_data()
    assert load_legal_data() is data  # cached: read once per process


def test_shipped_codes() -> None:
    data = load_legal_data()
    assert set(data.risk_scale_codes()) == {"kras_5x4", "moel_3x3", "three_level", "checklist", "ops"}
    assert {
        "sapa_implementation",
        "appointment",
        "committee_minutes",
        "safety_measure_record",
        "accident_record",
        "risk_assessment",
        "chemical_investigation",
        "work_env_measurement",
        "health_exam",
        "confined_space_gas",
        "fire_drill",
        "self_inspection",
        "osha_300",
        "education_record",
    } <= set(data.retention_kinds())
    assert "forklift" in data.inspection_kinds()


def test_every_shipped_scale_scores_every_input() -> None:
    data = load_legal_data()
    for code in data.risk_scale_codes():
        scale = data.risk_scale(code, ON)
        if scale.likelihood:
            results = [
                evaluate(scale, likelihood=lk.value, severity=sv.value)
                for lk in scale.likelihood
                for sv in scale.severity
            ]
        else:
            results = [evaluate(scale, level=lvl.code) for lvl in scale.levels]
        assert any(r.acceptable for r in results) and not all(r.acceptable for r in results), code
        assert scale.confidence in set(Confidence)


def test_current_values_are_answerable_today() -> None:
    data = load_legal_data()
    for kind in data.retention_kinds():
        assert data.retention(kind, ON).years >= 1
    for code in data.duty_codes():
        assert data.duty(code, ON).every >= 1
    for kind in data.inspection_kinds():
        data.inspection_cycle(kind, ON)
    assert len(data.thresholds(ON)) >= 10


@pytest.fixture
def legal_copy(tmp_path: Path) -> Path:
    target = tmp_path / "legal"
    shutil.copytree(resource_path("legal"), target)
    return target


def test_copy_loads(legal_copy: Path) -> None:
    assert load_legal_data_from(legal_copy).risk_scale("kras_5x4", ON).code == "kras_5x4"


def test_gap_in_a_shipped_scale_names_file_and_key(legal_copy: Path) -> None:
    path = legal_copy / "risk_scales.toml"
    text = path.read_text(encoding="utf-8")
    assert text.count("min = 7\n") == 1
    path.write_text(text.replace("min = 7\n", "min = 8\n"), encoding="utf-8")
    with pytest.raises(LegalDataError) as caught:
        load_legal_data_from(legal_copy)
    error = caught.value
    assert error.file == "risk_scales.toml"
    assert error.key == "scale[0].band[2].min"
    assert "kras_5x4" in str(error) and "gap" in str(error)
    assert error.message_ko and error.message_en


def test_typo_key_names_file_and_key(legal_copy: Path) -> None:
    path = legal_copy / "retention.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('count_from = "carried_out"', 'count_form = "carried_out"', 1), encoding="utf-8"
    )
    with pytest.raises(LegalDataError) as caught:
        load_legal_data_from(legal_copy)
    assert caught.value.file == "retention.toml"
    assert caught.value.key == "rule[0].count_from"
    assert caught.value.message == "missing"


def test_toml_syntax_error_names_file(legal_copy: Path) -> None:
    path = legal_copy / "periods.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n[[duty]\n", encoding="utf-8")
    with pytest.raises(LegalDataError) as caught:
        load_legal_data_from(legal_copy)
    assert caught.value.file == "periods.toml"
    assert "not valid TOML" in str(caught.value)


def test_missing_file_names_file(legal_copy: Path) -> None:
    (legal_copy / "thresholds.toml").unlink()
    with pytest.raises(LegalDataError) as caught:
        load_legal_data_from(legal_copy)
    assert caught.value.file == "thresholds.toml"


def test_overlapping_versions_name_the_entry(legal_copy: Path) -> None:
    path = legal_copy / "education.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("effective_to = 2023-09-26", "effective_to = 2023-09-27", 1), encoding="utf-8"
    )
    with pytest.raises(LegalDataError) as caught:
        load_legal_data_from(legal_copy)
    assert caught.value.file == "education.toml"
    assert caught.value.key == "hours[periodic/office_sales]"
    assert "overlaps" in caught.value.message
