"""The safety and health budget and what was spent (SAPA Decree Art. 4 item 4), as screens and the
compliance engine read it.

Decree Art. 4-4 asks for a budget for (가) safety staff, facilities and equipment, (나) fixing the
hazards found under item 3, and (다) other items a MOEL notice sets. A budget line has one of five
categories; ``DECREE_ITEM`` maps each to the sub-item it serves. A spend row may name the corrective
action it paid for: that link is the evidence for (나).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Row, Select, and_, select

from safetydesk.core.db.tables import budget_items, budget_spend, corrective_actions
from safetydesk.core.i18n import N_, _
from safetydesk.core.workspace.workspace import Workspace

CATEGORIES: tuple[str, ...] = ("staff", "facilities", "hazard_fix", "education", "other")

# English msgids; Korean in resources/locale/ko/LC_MESSAGES/sapa_records.po.
CATEGORY_LABELS: dict[str, str] = {
    "staff": N_("Safety and health staff"),
    "facilities": N_("Safety facilities and equipment"),
    "hazard_fix": N_("Fixing hazards found"),
    "education": N_("Safety and health education"),
    "other": N_("Other safety and health items"),
}

# Which sub-item of Decree Art. 4 item 4 a category serves: 가 staff/facilities, 나 hazard fixes, 다 other.
DECREE_ITEM: dict[str, str] = {
    "staff": "가",
    "facilities": "가",
    "hazard_fix": "나",
    "education": "다",
    "other": "다",
}


def category_label(code: str, lang: str | None = None) -> str:
    return _(CATEGORY_LABELS[code], lang) if code in CATEGORY_LABELS else code


@dataclass(frozen=True)
class BudgetItemInput:
    year: int
    category: str  # staff | facilities | hazard_fix | education | other
    title: str
    planned_amount: int  # KRW, ≥ 0
    site_id: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class SpendInput:
    budget_item_id: str
    spent_on: date
    amount: int  # KRW, > 0
    description: str
    action_id: str | None = None  # the corrective action it paid for (Decree 4-4 나)


@dataclass(frozen=True)
class SpendRow:
    id: str
    budget_item_id: str
    category: str
    spent_on: date
    amount: int
    description: str
    action_id: str | None
    action_title: str | None
    action_status: str | None
    retention_until: str | None


@dataclass(frozen=True)
class BudgetLine:
    id: str
    year: int
    category: str
    title: str
    planned_amount: int
    spent: int
    site_id: str | None
    note: str | None
    retention_until: str | None
    spends: tuple[SpendRow, ...]


@dataclass(frozen=True)
class CategoryTotal:
    category: str
    decree_item: str  # 가 | 나 | 다
    planned: int
    spent: int
    lines: int


@dataclass(frozen=True)
class BudgetYear:
    year: int
    lines: tuple[BudgetLine, ...]
    categories: tuple[CategoryTotal, ...]  # every category in CATEGORIES order, zeros included
    planned: int
    spent: int

    @property
    def linked_spends(self) -> tuple[SpendRow, ...]:
        """Spend rows that name the corrective action they paid for (Decree 4-4 나)."""
        return tuple(s for line in self.lines for s in line.spends if s.action_id)


def _spend_query() -> Select[Any]:
    return (
        select(
            budget_spend,
            budget_items.c.category,
            corrective_actions.c.title.label("action_title"),
            corrective_actions.c.status.label("action_status"),
        )
        .select_from(
            budget_spend.join(budget_items, budget_items.c.id == budget_spend.c.budget_item_id).outerjoin(
                corrective_actions, corrective_actions.c.id == budget_spend.c.action_id
            )
        )
        .where(budget_spend.c.deleted_at.is_(None), budget_items.c.deleted_at.is_(None))
    )


def _spend_row(r: Row[Any]) -> SpendRow:
    m = r._mapping
    return SpendRow(
        id=m["id"],
        budget_item_id=m["budget_item_id"],
        category=m["category"],
        spent_on=date.fromisoformat(m["spent_on"]),
        amount=int(m["amount"]),
        description=m["description"],
        action_id=m["action_id"],
        action_title=m["action_title"],
        action_status=m["action_status"],
        retention_until=m["retention_until"],
    )


def budget_year(ws: Workspace, year: int) -> BudgetYear:
    """Every live budget line of ``year`` with its spends, and planned/spent per category."""
    with ws.reader() as conn:
        items = (
            conn.execute(
                select(budget_items)
                .where(budget_items.c.year == year, budget_items.c.deleted_at.is_(None))
                .order_by(budget_items.c.category, budget_items.c.title, budget_items.c.id)
            )
            .mappings()
            .all()
        )
        spends = conn.execute(
            _spend_query()
            .where(budget_items.c.year == year)
            .order_by(budget_spend.c.spent_on, budget_spend.c.id)
        ).all()
    by_item: dict[str, list[SpendRow]] = defaultdict(list)
    for r in spends:
        row = _spend_row(r)
        by_item[row.budget_item_id].append(row)
    lines = tuple(
        BudgetLine(
            id=i["id"],
            year=int(i["year"]),
            category=i["category"],
            title=i["title"],
            planned_amount=int(i["planned_amount"]),
            spent=sum(s.amount for s in by_item[i["id"]]),
            site_id=i["site_id"],
            note=i["note"],
            retention_until=i["retention_until"],
            spends=tuple(by_item[i["id"]]),
        )
        for i in items
    )
    totals = tuple(
        CategoryTotal(
            category=c,
            decree_item=DECREE_ITEM[c],
            planned=sum(x.planned_amount for x in lines if x.category == c),
            spent=sum(x.spent for x in lines if x.category == c),
            lines=sum(1 for x in lines if x.category == c),
        )
        for c in CATEGORIES
    )
    return BudgetYear(
        year=year,
        lines=lines,
        categories=totals,
        planned=sum(x.planned_amount for x in lines),
        spent=sum(x.spent for x in lines),
    )


def spends_between(
    ws: Workspace, start: date, end: date, *, linked_only: bool = False
) -> tuple[SpendRow, ...]:
    """Live spend rows with ``start <= spent_on <= end``; ``linked_only`` keeps those naming an action."""
    query = _spend_query().where(
        and_(budget_spend.c.spent_on >= start.isoformat(), budget_spend.c.spent_on <= end.isoformat())
    )
    if linked_only:
        query = query.where(budget_spend.c.action_id.is_not(None))
    with ws.reader() as conn:
        rows = conn.execute(query.order_by(budget_spend.c.spent_on, budget_spend.c.id)).all()
    return tuple(_spend_row(r) for r in rows)


def budget_years(ws: Workspace) -> tuple[int, ...]:
    """The years that have at least one live budget line, oldest first."""
    with ws.reader() as conn:
        years = conn.execute(
            select(budget_items.c.year).where(budget_items.c.deleted_at.is_(None)).distinct()
        ).scalars()
        return tuple(sorted(int(y) for y in years))
