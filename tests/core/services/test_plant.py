"""Statutory inspection due dates come from the legal data, not from typing."""

from __future__ import annotations

from datetime import date

from safetydesk.core.services import records
from safetydesk.core.services.plant import record_statutory_inspection, register_equipment
from safetydesk.core.workspace.workspace import Workspace
from tests.factories import base_refs


def test_press_due_dates_follow_the_art_126_cycle(ws: Workspace) -> None:
    refs = base_refs(ws)
    press = register_equipment(
        ws,
        {
            "site_id": refs["site"],
            "code": "PR-01",
            "name": "200톤 프레스",
            "kind": "press",
            "installed_on": "2024-05-10",
        },
        on=date(2026, 6, 2),
    ).id
    first_due = records.get(ws, "equipment", press)["next_inspection_due"]
    assert first_due == "2027-05-10"  # within 3 years of installation
    new_due = record_statutory_inspection(ws, press, date(2026, 9, 1), certificate_no="KC-2026-0911")
    assert new_due == "2028-09-01"  # then every 2 years
    assert records.get(ws, "equipment", press)["certificate_no"] == "KC-2026-0911"


def test_forklift_has_no_statutory_cycle(ws: Workspace) -> None:
    refs = base_refs(ws)
    lift = register_equipment(
        ws,
        {
            "site_id": refs["site"],
            "code": "FL-01",
            "name": "지게차 3톤",
            "kind": "forklift",
            "installed_on": "2022-01-01",
        },
        on=date(2026, 6, 2),
    ).id
    assert records.get(ws, "equipment", lift)["next_inspection_due"] is None
