"""Severity bands: relative to investigated serious accidents, persisted in the bundle, optional in
old bundles; the severity training text; the training stages callback."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from safetydesk.core.ml.bundle import METADATA_FILE, load_bundle, read_metadata, save_bundle, train_bundle
from safetydesk.core.ml.hazard_data import OshaCase, OshaData, has_outcome, load_library
from safetydesk.core.ml.hazard_model import (
    LEGACY_SEVERITY_BASE_RATE,
    LEGACY_SEVERITY_CUTS,
    SEVERITY_BANDS,
    HazardModel,
    TrainingSet,
    build_training_set,
    osha_severity_text,
    severity_band,
    train_model,
)


class CancelledError(Exception):
    """Stands for the caller's cancellation exception."""


PRESS_KO = "프레스 금형 사이 손 끼임"
TRIP_KO = "호스에 걸려 넘어짐"
PRESS_EN = "Operator reached into the point of operation of a mechanical power press"
TRIP_EN = "The employee tripped over a box in the office"


def test_band_of_a_probability() -> None:
    cuts = (0.4, 0.7)
    assert [severity_band(p, cuts) for p in (0.0, 0.39, 0.4, 0.69, 0.7, 1.0)] == [
        "low",
        "low",
        "medium",
        "medium",
        "high",
        "high",
    ]


def test_model_has_ordered_cuts_and_an_osha_base_rate(small_model: HazardModel) -> None:
    low, high = small_model.severity_cuts
    assert 0.0 < low < high < 1.0
    assert 0.5 < small_model.severity_base_rate < 0.9  # OSHA investigates serious accidents


def test_suggestion_carries_band_and_base_rate(small_model: HazardModel) -> None:
    suggestion = small_model.suggest(PRESS_KO)
    assert suggestion.severity_band in SEVERITY_BANDS
    assert suggestion.severity_band == severity_band(
        suggestion.severity_probability, small_model.severity_cuts
    )
    assert suggestion.severity_base_rate == small_model.severity_base_rate
    data = suggestion.to_dict()
    assert data["severity_band"] == suggestion.severity_band
    assert data["severity_base_rate"] == round(small_model.severity_base_rate, 4)
    assert {
        "group",
        "confidence",
        "severity_probability",
        "top_terms",
        "model_version",
        "probabilities",
    } <= set(data)
    json.dumps(data, allow_nan=False)


@pytest.mark.parametrize(("press", "trip"), [(PRESS_KO, TRIP_KO), (PRESS_EN, TRIP_EN)])
def test_bands_separate_a_press_from_a_trip(small_model: HazardModel, press: str, trip: str) -> None:
    hot, mild = small_model.suggest(press), small_model.suggest(trip)
    assert hot.severity_probability > mild.severity_probability
    assert not (hot.severity_band == "high" and mild.severity_band == "high")
    assert SEVERITY_BANDS.index(hot.severity_band) >= SEVERITY_BANDS.index(mild.severity_band)
    assert mild.severity_band != "high"


def test_bands_split_the_training_population_in_thirds(small_model: HazardModel, osha: OshaData) -> None:
    texts = [osha_severity_text(c) for c in osha.cases[1::8] if osha_severity_text(c).strip()]
    bands = small_model.severity_bands(texts)
    shares = {b: bands.count(b) / len(bands) for b in SEVERITY_BANDS}
    assert all(0.15 < share < 0.5 for share in shares.values()), shares


def test_severity_text_keeps_only_outcome_free_titles() -> None:
    def case(title: str) -> OshaCase:
        return OshaCase(
            "1", 2017, "Struck-by", "struck", "An employee was operating a saw.", title, False, False
        )

    assert osha_severity_text(case("EMPLOYEE IS STRUCK BY SAW KICKBACK")).startswith("Employee is struck")
    assert osha_severity_text(case("EMPLOYEE IS KILLED BY SAW")) == "An employee was operating a saw."
    assert osha_severity_text(case("EMPLOYEE'S FINGER AMPUTATED")) == "An employee was operating a saw."
    assert not has_outcome(osha_severity_text(case("EMPLOYEE FRACTURES ARM")))


def test_training_stages_are_reported_in_order_and_can_cancel(osha: OshaData) -> None:
    training = build_training_set(list(osha.cases[:120]), load_library())
    seen: list[str] = []
    model = train_model(training, version="staged", stage=seen.append)
    assert seen == ["group", "severity", "bands"] and model.version == "staged"

    def cancel_at_severity(name: str) -> None:
        if name == "severity":
            raise CancelledError

    with pytest.raises(CancelledError):
        train_model(training, stage=cancel_at_severity)


def test_tiny_training_sets_still_get_cuts() -> None:
    texts = ["press hand caught", "fell from roof", "tripped on hose", "crushed by press"] * 2
    training = TrainingSet(
        group_texts=texts,
        group_labels=["caught", "fall", "fall", "caught"] * 2,
        severity_texts=texts,
        severity_labels=[True, True, False, True] * 2,
        counts={},
    )
    model = train_model(training, version="tiny")  # too small for out-of-fold scores: in-sample cuts
    low, high = model.severity_cuts
    assert low <= high
    assert model.suggest("press").severity_band in SEVERITY_BANDS


def test_a_model_without_cuts_uses_the_legacy_values(small_model: HazardModel) -> None:
    old = HazardModel(small_model.group, small_model.severity, "old")
    assert old.severity_cuts == LEGACY_SEVERITY_CUTS
    assert old.severity_base_rate == LEGACY_SEVERITY_BASE_RATE
    with pytest.raises(ValueError, match="ordered"):
        HazardModel(small_model.group, small_model.severity, "bad", (0.9, 0.1))


def test_cuts_survive_save_and_load(small_model: HazardModel, tmp_path: Path) -> None:
    meta = save_bundle(small_model, tmp_path / "b", provenance={}, metrics={})
    assert meta.severity is not None and meta.severity["cuts"] == list(small_model.severity_cuts)
    stored = json.loads((tmp_path / "b" / METADATA_FILE).read_text(encoding="utf-8"))
    assert stored["severity"]["cuts"] == list(small_model.severity_cuts)
    assert stored["severity"]["base_rate"] == small_model.severity_base_rate
    model, again = load_bundle(tmp_path / "b")
    assert again == meta
    assert model.severity_cuts == small_model.severity_cuts
    assert model.severity_base_rate == small_model.severity_base_rate
    for text in (PRESS_KO, TRIP_EN):
        assert model.suggest(text) == small_model.suggest(text)


def test_bundle_without_severity_entry_loads_with_legacy_defaults(
    small_model: HazardModel, tmp_path: Path
) -> None:
    folder = tmp_path / "old"
    save_bundle(small_model, folder, provenance={}, metrics={})
    path = folder / METADATA_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["severity"]
    path.write_text(json.dumps(data), encoding="utf-8")
    assert read_metadata(folder).severity is None
    model, _ = load_bundle(folder)
    assert model.severity_cuts == LEGACY_SEVERITY_CUTS
    assert model.severity_base_rate == LEGACY_SEVERITY_BASE_RATE
    suggestion = model.suggest(PRESS_KO)
    assert suggestion.severity_band in SEVERITY_BANDS
    assert suggestion.to_dict()["severity_base_rate"] == LEGACY_SEVERITY_BASE_RATE


def test_train_bundle_reports_its_stages(osha_csv: Path, tmp_path: Path) -> None:
    lines = osha_csv.read_text(encoding="utf-8").splitlines(keepends=True)
    small = tmp_path / "small.csv"
    small.write_text("".join(lines[:400]), encoding="utf-8")
    seen: list[str] = []
    meta = train_bundle(tmp_path / "b", osha_csv=small, version="t", stage=seen.append)
    assert seen == ["data", "group", "severity", "bands", "save"]
    assert meta.severity is not None and len(meta.severity["cuts"]) == 2

    def stop_before_saving(name: str) -> None:
        if name == "save":
            raise CancelledError

    with pytest.raises(CancelledError):
        train_bundle(tmp_path / "c", osha_csv=small, version="t", stage=stop_before_saving)
    assert not (tmp_path / "c").exists()


def test_band_table_in_the_evaluation() -> None:
    from safetydesk.core.ml.hazard_eval import band_table

    table = band_table(np.array([0.1, 0.5, 0.9, 0.95]), (0.3, 0.8), np.array([0.0, 1.0, 1.0, 1.0]))
    assert table["low"] == {"count": 1, "positive_rate": 0.0}
    assert table["high"] == {"count": 2, "positive_rate": 1.0}
