"""Bundles round-trip through skops and refuse what this build cannot read the same way."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from safetydesk.core.errors import UserError
from safetydesk.core.ml.bundle import (
    METADATA_FILE,
    MODEL_FILE,
    ModelBundleError,
    load_bundle,
    read_metadata,
    save_bundle,
    train_bundle,
)
from safetydesk.core.ml.hazard_model import HazardModel, feature_schema_hash


@pytest.fixture
def bundle(small_model: HazardModel, tmp_path: Path) -> Path:
    folder = tmp_path / "bundle"
    save_bundle(small_model, folder, provenance={"osha_sha256": "abc"}, metrics={"macro_f1": 0.5})
    return folder


def test_round_trip(small_model: HazardModel, bundle: Path) -> None:
    model, meta = load_bundle(bundle)
    assert meta.version == "test-small" and meta.feature_schema_hash == feature_schema_hash()
    assert meta.provenance == {"osha_sha256": "abc"} and meta.metrics == {"macro_f1": 0.5}
    for text in ("프레스 금형 교체 중 손가락 협착", "worker fell from the scaffold"):
        assert model.suggest(text) == small_model.suggest(text)
    assert (bundle / MODEL_FILE).stat().st_size < 15 * 1024 * 1024
    assert zipfile.is_zipfile(bundle / MODEL_FILE)  # a skops archive, not a pickle stream
    # saving must leave the live model usable
    assert small_model.suggest("사다리에서 추락").group == "fall"


def _edit_metadata(folder: Path, **changes: object) -> None:
    path = folder / METADATA_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(changes)
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"sklearn_version": "0.0.1"}, "scikit-learn 0.0.1"),
        ({"feature_schema_hash": "0000000000000000"}, "feature schema"),
        ({"kind": "something-else"}, "unknown kind"),
    ],
)
def test_mismatch_is_refused(bundle: Path, changes: dict[str, object], fragment: str) -> None:
    _edit_metadata(bundle, **changes)
    with pytest.raises(ModelBundleError) as info:
        load_bundle(bundle)
    assert isinstance(info.value, UserError)
    assert fragment in info.value.message("en")
    assert info.value.hint("en")
    assert info.value.message("ko") != info.value.message("en")  # bilingual


def test_tampered_model_is_refused(bundle: Path) -> None:
    with (bundle / MODEL_FILE).open("ab") as fh:
        fh.write(b"x")
    with pytest.raises(ModelBundleError) as info:
        load_bundle(bundle)
    assert "does not match" in info.value.message("en")


def test_unreadable_metadata_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(ModelBundleError):
        read_metadata(tmp_path)


def test_train_bundle_records_provenance(osha_csv: Path, tmp_path: Path) -> None:
    lines = osha_csv.read_text(encoding="utf-8").splitlines(keepends=True)
    small = tmp_path / "small.csv"
    small.write_text("".join(lines[:400]), encoding="utf-8")  # a few hundred records
    meta = train_bundle(tmp_path / "b", osha_csv=small, confirmed=[("용접 불티 화재", "other")], version="t1")
    assert meta.provenance["confirmed_labels"] == 1
    assert meta.provenance["osha"]["sha256"] == hashlib.sha256(small.read_bytes()).hexdigest()
    model, again = load_bundle(tmp_path / "b")
    assert again == meta and model.version == "t1"
