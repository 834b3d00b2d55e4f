"""A small model trained once per session on a subsample (the full training is for the CLI)."""

from __future__ import annotations

from pathlib import Path

import pytest

from safetydesk.core.ml.hazard_data import OshaData, default_osha_csv, load_library, load_osha
from safetydesk.core.ml.hazard_model import HazardModel, build_training_set, train_model


@pytest.fixture(scope="session")
def osha_csv() -> Path:
    path = default_osha_csv()
    if not path.is_file():
        pytest.fail(f"OSHA data not available at {path}: the checkout needs ../shared beside it")
    return path


@pytest.fixture(scope="session")
def osha(osha_csv: Path) -> OshaData:
    return load_osha(osha_csv)


@pytest.fixture(scope="session")
def small_model(osha: OshaData) -> HazardModel:
    cases = [c for i, c in enumerate(osha.cases) if i % 4 == 0]
    return train_model(build_training_set(cases, load_library()), version="test-small")
