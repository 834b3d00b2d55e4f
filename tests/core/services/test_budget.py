"""The safety budget (SAPA Decree Art. 4-4): validation, spends linked to actions, legal hold."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from safetydesk.core.audit.chain import verify
from safetydesk.core.db.tables import audit_events, budget_items, corrective_actions
from safetydesk.core.errors import LegalHoldError, NotFoundError, UserError, ValidationError
from safetydesk.core.queries.budget import (
    BudgetItemInput,
    SpendInput,
    budget_year,
    budget_years,
    category_label,
    spends_between,
)
from safetydesk.core.services import records
from safetydesk.core.services.budget import (
    delete_budget_item,
    delete_spend,
    record_spend,
    save_budget_item,
)
from safetydesk.core.workspace.workspace import Workspace, open_workspace


@contextmanager
def raises_en(kind: type[UserError], text: str) -> Iterator[None]:
    with pytest.raises(kind) as err:
        yield
    assert text in err.value.text("en"), err.value.text("en")
    assert err.value.text("ko") != err.value.text("en")  # translated


def _action(ws: Workspace, title: str = "프레스 방호덮개 교체") -> str:
    return records.create(
        ws,
        "corrective_actions",
        {
            "source_kind": "inspection",
            "title": title,
            "hierarchy": "engineering",
            "due_on": date(2026, 3, 31),
        },
    ).id


def test_validation_messages(ws: Workspace) -> None:
    good = BudgetItemInput(2026, "facilities", "방호장치 교체", 10_000_000)
    with raises_en(ValidationError, "Unknown budget category"):
        save_budget_item(ws, None, BudgetItemInput(2026, "party", "회식", 1))
    with raises_en(ValidationError, "cannot be negative"):
        save_budget_item(ws, None, BudgetItemInput(2026, "staff", "수당", -1))
    with raises_en(ValidationError, "Enter what the budget line is for"):
        save_budget_item(ws, None, BudgetItemInput(2026, "staff", "  ", 1))
    with raises_en(ValidationError, "is not valid"):
        save_budget_item(ws, None, BudgetItemInput(1999, "staff", "수당", 1))
    item = save_budget_item(ws, None, good).id
    with raises_en(ValidationError, "more than 0 won"):
        record_spend(ws, SpendInput(item, date(2026, 2, 1), 0, "영수증"))
    with raises_en(ValidationError, "Describe what the money"):
        record_spend(ws, SpendInput(item, date(2026, 2, 1), 5, " "))
    with raises_en(ValidationError, "not in the budget year 2026"):
        record_spend(ws, SpendInput(item, date(2025, 12, 31), 5, "작년 영수증"))
    with pytest.raises(NotFoundError):
        record_spend(ws, SpendInput(item, date(2026, 2, 1), 5, "조치", action_id="no-such-action"))
    # a zero-won line is allowed (planned but not funded yet)
    assert save_budget_item(ws, None, BudgetItemInput(2026, "other", "미정", 0)).id


def test_year_view_with_spends_linked_to_actions(ws: Workspace) -> None:
    fix = save_budget_item(ws, None, BudgetItemInput(2026, "hazard_fix", "개선조치", 20_000_000)).id
    staff = save_budget_item(ws, None, BudgetItemInput(2026, "staff", "담당자 수당", 12_000_000)).id
    save_budget_item(ws, None, BudgetItemInput(2025, "staff", "작년 수당", 9_000_000))
    action = _action(ws)
    linked = record_spend(
        ws,
        SpendInput(fix, date(2026, 6, 30), 1_250_000, "방호덮개 교체 대금", action_id=action),
        actor="윤상철",
    ).id
    record_spend(ws, SpendInput(staff, date(2026, 7, 1), 1_000_000, "7월 수당"))
    record_spend(ws, SpendInput(staff, date(2026, 1, 1), 1_000_000, "1월 수당"))

    year = budget_year(ws, 2026)
    assert (year.planned, year.spent) == (32_000_000, 3_250_000)
    by_cat = {c.category: c for c in year.categories}
    assert [c.category for c in year.categories] == [
        "staff",
        "facilities",
        "hazard_fix",
        "education",
        "other",
    ]
    assert by_cat["hazard_fix"].decree_item == "나" and by_cat["hazard_fix"].spent == 1_250_000
    assert by_cat["staff"].decree_item == "가" and by_cat["staff"].spent == 2_000_000
    assert by_cat["facilities"].planned == 0 and by_cat["facilities"].lines == 0
    (row,) = year.linked_spends
    assert row.id == linked and row.action_id == action and row.action_title == "프레스 방호덮개 교체"
    assert row.action_status == "open"
    assert row.retention_until == "2031-06-30"  # Decree Art. 13: five years from the spend
    assert budget_years(ws) == (2025, 2026)
    # half-year boundaries: 30 June is H1, 1 July is H2
    assert [s.id for s in spends_between(ws, date(2026, 1, 1), date(2026, 6, 30), linked_only=True)] == [
        linked
    ]
    assert len(spends_between(ws, date(2026, 1, 1), date(2026, 6, 30))) == 2
    assert [s.amount for s in spends_between(ws, date(2026, 7, 1), date(2026, 12, 31))] == [1_000_000]
    assert category_label("hazard_fix", "ko") != category_label("hazard_fix", "en")
    with ws.reader() as conn:
        summary = conn.execute(
            select(audit_events.c.summary).where(audit_events.c.record_id == linked)
        ).scalar_one()
        keep = conn.execute(select(budget_items.c.retention_until).where(budget_items.c.id == fix)).scalar()
    assert summary is not None and action in summary
    assert keep == "2031-12-31"  # the budget line: five years from the end of its year
    with ws.reader() as conn:
        assert verify(conn).ok


def test_correct_but_never_delete_inside_retention(ws: Workspace) -> None:
    item = save_budget_item(ws, None, BudgetItemInput(2026, "education", "특별교육", 3_000_000)).id
    save_budget_item(ws, item, BudgetItemInput(2026, "education", "특별교육 외부강사", 3_500_000))
    assert budget_year(ws, 2026).lines[0].title == "특별교육 외부강사"
    spend = record_spend(ws, SpendInput(item, date(2026, 4, 2), 400_000, "강사료")).id
    with raises_en(ValidationError, "year cannot change"):
        save_budget_item(ws, item, BudgetItemInput(2027, "education", "특별교육", 3_500_000))
    with raises_en(ValidationError, "it cannot be deleted"):
        delete_budget_item(ws, item, today=date(2040, 1, 1))
    with raises_en(LegalHoldError, "2031-04-02"):
        delete_spend(ws, spend, today=date(2031, 4, 2))  # the last day of retention still holds
    delete_spend(ws, spend, today=date(2031, 4, 3))
    assert budget_year(ws, 2026).spent == 0
    with raises_en(LegalHoldError, "2031-12-31"):
        delete_budget_item(ws, item, today=date(2030, 1, 1))
    delete_budget_item(ws, item, today=date(2032, 1, 1))
    assert budget_year(ws, 2026).lines == ()
    with ws.reader() as conn:
        assert verify(conn).ok


def test_demo_budget_has_lines_per_purpose_and_spends_linked_to_actions(demo_year_path: Path) -> None:
    ws = open_workspace(demo_year_path, read_only=True)
    try:
        assert budget_years(ws) == (2025, 2026)
        year = budget_year(ws, 2026)
        assert all(c.planned > 0 for c in year.categories)
        assert {c.decree_item for c in year.categories if c.spent > 0} == {"가", "나", "다"}
        assert 0 < year.spent < year.planned  # the year is not over
        linked = year.linked_spends
        assert 5 <= len(linked) <= 12
        assert all(s.category == "hazard_fix" and s.action_status in ("done", "verified") for s in linked)
        with ws.reader() as conn:
            done = dict(
                conn.execute(
                    select(corrective_actions.c.id, corrective_actions.c.done_on).where(
                        corrective_actions.c.id.in_([s.action_id for s in linked])
                    )
                ).all()
            )
        assert all(done[s.action_id] == s.spent_on.isoformat() for s in linked)  # paid when done
        assert budget_year(ws, 2026).categories == year.categories  # deterministic read
    finally:
        ws.close()
