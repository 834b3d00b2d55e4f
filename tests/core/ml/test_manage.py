"""Which model a workspace uses; retraining on its labels, cancel, refusal and roll back."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from safetydesk.core.errors import UserError
from safetydesk.core.ml import manage
from safetydesk.core.ml.bundle import METADATA_FILE
from safetydesk.core.queries.hazard_labels import confirmed_labels, label_counts
from safetydesk.core.services.incidents import QuickIntake, record_near_miss
from safetydesk.core.workspace.workspace import Workspace

WHEN = datetime(2026, 11, 20, 9, tzinfo=UTC)


@pytest.fixture(scope="module")
def small_csv(osha_csv: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every fifth OSHA row: retraining in ~2 s instead of ~10 s (the recipe is the same)."""
    out = tmp_path_factory.mktemp("osha") / "small.csv"
    with (
        osha_csv.open(encoding="utf-8", newline="") as src,
        out.open("w", encoding="utf-8", newline="") as dst,
    ):
        reader = csv.reader(src)
        writer = csv.writer(dst)
        writer.writerow(next(reader))
        for i, row in enumerate(reader):
            if i % 5 == 0:
                writer.writerow(row)
    return out


def _suggestion(ws: Workspace, text: str) -> dict[str, object]:
    s = manage.suggest(ws, text)
    assert s is not None
    return s.to_dict()


def test_the_shipped_model_is_used_until_a_workspace_retrains(ws: Workspace, hazard_model_dir: Path) -> None:
    active = manage.active_model(ws)
    assert active.info.source == "shipped" and active.info.folder == hazard_model_dir
    assert not active.problems
    suggestion = manage.suggest(ws, "프레스 금형 사이에 손이 끼일 뻔함")
    assert suggestion is not None and suggestion.group == "caught"
    assert suggestion.model_version == active.info.meta.version
    assert manage.suggest(ws, "프레스") is None  # too short to read


def test_decisions_are_kept_as_labels_with_the_model_version(ws: Workspace, hazard_model_dir: Path) -> None:
    text = "지게차가 후진하다 보행자와 부딪칠 뻔함"
    shown = _suggestion(ws, text)
    assert shown["group"] == "struck"
    accepted = record_near_miss(ws, QuickIntake(text, WHEN, hazard_group="struck", model_suggestion=shown))
    other = "용접 작업장 환기 불량으로 어지러움 호소"
    shown_other = _suggestion(ws, other)
    corrected_group = "fire_explosion" if shown_other["group"] != "fire_explosion" else "other"
    record_near_miss(ws, QuickIntake(other, WHEN, hazard_group=corrected_group, model_suggestion=shown_other))
    record_near_miss(ws, QuickIntake("천장 크레인 훅 해지장치 파손 발견", WHEN, hazard_group="struck"))
    record_near_miss(ws, QuickIntake("바닥 기름으로 미끄러질 뻔함", WHEN))  # no group chosen: no label

    with ws.reader() as conn:
        counts = label_counts(conn)
        labels = confirmed_labels(conn)
        stored = conn.exec_driver_sql(
            "SELECT model_suggestion FROM incidents WHERE id = ?", (accepted.id,)
        ).scalar()
    assert counts == {"accepted": 1, "corrected": 1, "manual": 1}
    assert (other, "other") in labels  # fire_explosion is trained as "other", like the library
    assert len(labels) == 3
    kept = json.loads(stored)
    assert kept["decision"] == "accepted" and kept["chosen_group"] == "struck"
    assert kept["model_version"] == manage.active_model(ws).info.meta.version


def test_retrain_uses_the_labels_becomes_active_and_rolls_back(
    ws: Workspace, hazard_model_dir: Path, small_csv: Path
) -> None:
    text = "탱크 내부 도장 작업 중 신너 증기로 두통"
    record_near_miss(
        ws, QuickIntake(text, WHEN, hazard_group="chemical", model_suggestion=_suggestion(ws, text))
    )
    stages: list[str] = []
    info = manage.retrain(ws, osha_csv=small_csv, progress=lambda stage, _i, _n: stages.append(stage))
    assert stages == list(manage.STAGES)
    assert info.source == "workspace" and info.folder.parent == manage.workspace_models_dir(ws)
    assert info.meta.provenance["confirmed_labels"] == 1
    assert "korean_eval" in info.meta.metrics
    status = manage.model_status(ws)
    assert status.active is not None and status.active.meta.version == info.meta.version
    assert status.can_roll_back and status.confirmed == 1
    assert manage.suggest(ws, "프레스 금형 사이에 손이 끼일 뻔함").model_version == info.meta.version  # type: ignore[union-attr]

    manage.roll_back(ws)
    assert manage.active_model(ws).info.source == "shipped"
    assert info.folder.is_dir()  # the retrained bundle stays for the record
    assert manage.activate(ws, info.folder.name).meta.version == info.meta.version
    assert manage.active_model(ws).info.source == "workspace"


def test_cancel_leaves_the_model_in_use(ws: Workspace, hazard_model_dir: Path, small_csv: Path) -> None:
    seen: list[str] = []

    def cancelled() -> bool:
        return "group" in seen  # cancel once training has started

    with pytest.raises(manage.TrainingCancelledError):
        manage.retrain(
            ws, osha_csv=small_csv, progress=lambda stage, _i, _n: seen.append(stage), cancelled=cancelled
        )
    assert seen == ["data", "group"]  # it really started, and stopped at the next stage
    root = manage.workspace_models_dir(ws)
    assert not root.exists() or not [p for p in root.iterdir() if p.is_dir()]
    assert manage.active_model(ws).info.source == "shipped"


def test_a_bundle_this_build_cannot_read_is_refused_and_the_shipped_one_used(
    ws: Workspace, hazard_model_dir: Path, small_csv: Path
) -> None:
    info = manage.retrain(ws, osha_csv=small_csv, evaluate_new=False)
    meta_path = info.folder / METADATA_FILE
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["sklearn_version"] = "0.1.0"
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    manage._cache.clear()

    active = manage.active_model(ws)
    assert active.info.source == "shipped"
    assert len(active.problems) == 1
    assert "0.1.0" in active.problems[0].message("en") and "scikit-learn" in active.problems[0].message("en")
    assert "scikit-learn" in active.problems[0].message("ko")
    status = manage.model_status(ws)
    assert status.problems and status.active is not None and status.active.source == "shipped"
    assert status.can_roll_back  # the pointer to the refused bundle can be cleared
    manage.roll_back(ws)
    status = manage.model_status(ws)
    assert not status.can_roll_back and not status.problems
    assert not manage.active_model(ws).problems


def test_without_any_model_the_reason_is_given(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(manage.ENV_MODEL_DIR, str(tmp_path / "missing"))
    manage._cache.clear()
    with pytest.raises(UserError) as caught:
        manage.active_model(ws)
    assert "Reinstall" in caught.value.hint("en")
    status = manage.model_status(ws)
    assert status.active is None and status.problems


def test_retrain_without_training_data_says_so(ws: Workspace, tmp_path: Path, hazard_model_dir: Path) -> None:
    with pytest.raises(UserError) as caught:
        manage.retrain(ws, osha_csv=tmp_path / "absent.csv")
    assert "training data" in caught.value.message("en")
    assert manage.active_model(ws).info.source == "shipped"
