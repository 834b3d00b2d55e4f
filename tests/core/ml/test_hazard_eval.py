"""The evaluation runs end to end on a subsample and returns plain JSON."""

from __future__ import annotations

import json

import numpy as np

from safetydesk.core.ml.hazard_data import OshaData, load_korean_eval, load_library
from safetydesk.core.ml.hazard_eval import binary_metrics, evaluate, group_metrics, reliability_table


def test_evaluate_on_a_subsample(osha: OshaData) -> None:
    report = evaluate(osha, load_library(), load_korean_eval(), sample=150, n_boot=50)
    json.dumps(report, allow_nan=False)
    holdout = report["group_holdout_2017"]
    assert holdout["n"] == 150 and holdout["train_cases"] == 300
    assert 0.0 <= holdout["macro_f1"] <= 1.0
    low, high = holdout["macro_f1_ci95"]
    assert low <= high
    severity = report["severity_grouped_split"]
    assert severity["test_texts_with_outcome_words"] == 0
    assert 0.5 < severity["roc_auc"] <= 1.0
    bands = severity["bands"]
    low, high = bands["cuts"]
    assert low <= high and 0.0 < bands["train_base_rate"] < 1.0
    assert set(bands["test"]) == {"low", "medium", "high"}
    assert sum(row["count"] for row in bands["test"].values()) == severity["n"]
    assert "previous_recipe_roc_auc" in severity and "two_heads_roc_auc" in severity
    assert set(report["korean_eval"]["severity"]["bands"]) == {"low", "medium", "high"}
    assert report["korean_eval"]["n"] >= 70
    assert report["timing"]["latency_korean"]["p95_ms"] > 0
    assert set(report["targets"]) == {"group_holdout_2017_macro_f1>=0.74", "severity_roc_auc>=0.85"}


def test_metric_helpers() -> None:
    proba = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7]])
    out = group_metrics(["a", "b", "a", "a"], proba, ["a", "b"], n_boot=20)
    assert out["accuracy"] == 0.75
    assert out["per_class"]["b"]["f1"] == round(2 / 3, 4)
    assert out["majority_baseline_macro_f1"] == round(0.857142857 / 2, 4)
    table = reliability_table(np.array([0.05, 0.95, 1.0]), np.array([0.0, 1.0, 1.0]))
    assert [row["count"] for row in table] == [1, 2]
    assert binary_metrics([True, False, True], np.array([0.9, 0.1, 0.8]), n_boot=10)["roc_auc"] == 1.0
