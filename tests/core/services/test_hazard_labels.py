"""A finding's hazard group, decided by a person next to the model's suggestion (classify_finding)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from safetydesk.core.db.tables import hazard_labels
from safetydesk.core.services import records
from safetydesk.core.services.hazard_labels import LabelInput, classify_finding
from safetydesk.core.workspace.workspace import Workspace
from tests.factories import base_refs, minimal

SUGGESTION: dict[str, Any] = {
    "group": "caught",
    "confidence": 0.78,
    "severity_probability": 0.4,
    "severity_band": "high",
    "severity_base_rate": 0.3,
    "top_terms": [{"term": "프레스", "weight": 1.2}],
    "model_version": "hazard-test-1",
    "probabilities": {"caught": 0.78, "struck": 0.1},
}


def _finding(ws: Workspace) -> str:
    refs = base_refs(ws)
    values = {**minimal("findings", refs), "description": "프레스 방호덮개 파손, 손 끼임 위험"}
    return records.create(ws, "findings", values).id


def _labels(ws: Workspace, finding_id: str) -> list[dict[str, Any]]:
    with ws.reader() as conn:
        rows = conn.execute(
            select(hazard_labels)
            .where(hazard_labels.c.entity == "findings", hazard_labels.c.record_id == finding_id)
            .order_by(hazard_labels.c.created_at, hazard_labels.c.id)
        )
        return [dict(r._mapping) for r in rows]


def test_accepted_suggestion_is_kept_on_the_finding_and_as_a_label(ws: Workspace) -> None:
    finding_id = _finding(ws)
    changes = classify_finding(ws, finding_id, LabelInput("caught", SUGGESTION))
    assert "findings" in changes.entities and "hazard_labels" in changes.entities
    row = records.get(ws, "findings", finding_id)
    assert row["hazard_group"] == "caught"
    assert row["model_suggestion"]["decision"] == "accepted"
    assert row["model_suggestion"]["model_version"] == "hazard-test-1"
    labels = _labels(ws, finding_id)
    assert len(labels) == 1
    label = labels[0]
    assert (label["decision"], label["hazard_group"], label["suggested_group"]) == (
        "accepted",
        "caught",
        "caught",
    )
    assert label["text"] == "프레스 방호덮개 파손, 손 끼임 위험"
    assert label["model_version"] == "hazard-test-1" and label["confidence"] == pytest.approx(0.78)
    # the same decision again changes nothing
    assert classify_finding(ws, finding_id, LabelInput("caught", SUGGESTION)).items == ()


def test_correction_and_manual_choice(ws: Workspace) -> None:
    finding_id = _finding(ws)
    classify_finding(ws, finding_id, LabelInput("struck", SUGGESTION))
    row = records.get(ws, "findings", finding_id)
    assert row["hazard_group"] == "struck"
    assert row["model_suggestion"]["decision"] == "corrected"
    assert row["model_suggestion"]["chosen_group"] == "struck"
    classify_finding(ws, finding_id, LabelInput("fall"))  # no suggestion on screen
    row = records.get(ws, "findings", finding_id)
    assert row["hazard_group"] == "fall"
    assert row["model_suggestion"]["decision"] == "corrected"  # the last suggestion shown stays
    assert [lb["decision"] for lb in _labels(ws, finding_id)] == ["corrected", "manual"]


def test_unknown_group_is_refused(ws: Workspace) -> None:
    finding_id = _finding(ws)
    with pytest.raises(ValueError, match="unknown hazard group"):
        classify_finding(ws, finding_id, LabelInput("slippery"))
    assert _labels(ws, finding_id) == []
