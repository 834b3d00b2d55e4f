"""The safety and health budget and its spending (SAPA Decree Art. 4 item 4).

Budget lines and spend rows are SAPA implementation records: they are kept five years (Decree
Art. 13) from the day the measure was carried out — a budget line from 31 Dec of its year, a spend
from the day it was spent. ``retention_until`` is set when the row is written, so a line or spend
can be corrected (audited update) but not deleted inside that period (``LegalHoldError``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from safetydesk.core.db.tables import budget_spend
from safetydesk.core.errors import ValidationError
from safetydesk.core.i18n import N_
from safetydesk.core.queries.budget import CATEGORIES, BudgetItemInput, SpendInput
from safetydesk.core.services import records
from safetydesk.core.services.base import Changes, Tx, transaction
from safetydesk.core.services.records import Created, retention_until
from safetydesk.core.workspace.workspace import Workspace

ITEMS = "budget_items"
SPEND = "budget_spend"


def _item_row(values: BudgetItemInput) -> dict[str, Any]:
    if not 2000 <= values.year <= 2100:
        raise ValidationError(N_("The year {year} is not valid."), N_("Check the year."), year=values.year)
    if values.category not in CATEGORIES:
        raise ValidationError(
            N_("Unknown budget category {category}."),
            N_("Choose staff, facilities, hazard fixes, education or other."),
            category=values.category,
        )
    if not values.title.strip():
        raise ValidationError(
            N_("Enter what the budget line is for."), N_("For example: press light curtain replacement.")
        )
    if isinstance(values.planned_amount, bool) or not isinstance(values.planned_amount, int):
        raise ValidationError(
            N_("Enter the planned amount in won, as a whole number."), N_("Check the amount.")
        )
    if values.planned_amount < 0:
        raise ValidationError(N_("The planned amount cannot be negative."), N_("Enter 0 or more won."))
    return {
        "year": values.year,
        "category": values.category,
        "title": values.title.strip(),
        "planned_amount": values.planned_amount,
        "site_id": values.site_id,
        "note": (values.note or "").strip() or None,
        "retention_until": retention_until(ITEMS, date(values.year, 12, 31)),
    }


def save_budget_item(
    ws: Workspace, item_id: str | None, values: BudgetItemInput, *, actor: str | None = None
) -> Created:
    """Create a budget line (``item_id`` None) or correct one; every change is audited."""
    row = _item_row(values)
    with transaction(ws, actor) as tx:
        if item_id is None:
            item_id = tx.insert(ITEMS, row)
        else:
            current = tx.get(ITEMS, item_id)
            if current["deleted_at"]:
                raise ValidationError(N_("This budget line was deleted."), N_("Refresh the list."))
            if int(current["year"]) != values.year and _has_spend(tx, item_id):
                raise ValidationError(
                    N_("Money was already spent from this line; its year cannot change."),
                    N_("Make a new line for the other year."),
                )
            tx.update(ITEMS, item_id, row)
        changes = tx.finish()
    return Created(item_id, changes)


def _has_spend(tx: Tx, item_id: str) -> bool:
    count = tx.conn.execute(
        select(func.count())
        .select_from(budget_spend)
        .where(budget_spend.c.budget_item_id == item_id, budget_spend.c.deleted_at.is_(None))
    ).scalar_one()
    return int(count) > 0


def _check_spend(tx: Tx, values: SpendInput) -> dict[str, Any]:
    if isinstance(values.amount, bool) or not isinstance(values.amount, int) or values.amount <= 0:
        raise ValidationError(
            N_("The amount spent must be more than 0 won."), N_("Enter the amount paid, in won.")
        )
    if not values.description.strip():
        raise ValidationError(
            N_("Describe what the money was spent on."), N_("For example: invoice 2026-031, guard rail.")
        )
    item = tx.get(ITEMS, values.budget_item_id)
    if item["deleted_at"]:
        raise ValidationError(N_("This budget line was deleted."), N_("Refresh the list."))
    if values.spent_on.year != int(item["year"]):
        raise ValidationError(
            N_("The spend date {date} is not in the budget year {year}."),
            N_("Record it against a budget line of that year."),
            date=values.spent_on.isoformat(),
            year=int(item["year"]),
        )
    if values.action_id is not None:
        action = tx.get("corrective_actions", values.action_id)
        if action["deleted_at"]:
            raise ValidationError(
                N_("The corrective action this spend names was deleted."), N_("Choose another action.")
            )
    return {
        "budget_item_id": values.budget_item_id,
        "spent_on": values.spent_on,
        "amount": values.amount,
        "description": values.description.strip(),
        "action_id": values.action_id,
        "retention_until": retention_until(SPEND, values.spent_on),
    }


def record_spend(ws: Workspace, values: SpendInput, *, actor: str | None = None) -> Created:
    """Record money spent from a budget line, optionally naming the corrective action it paid for."""
    with transaction(ws, actor) as tx:
        row = _check_spend(tx, values)
        summary = f"spent {values.amount} KRW" + (
            f" for action {values.action_id}" if values.action_id else ""
        )
        spend_id = tx.insert(SPEND, row, summary=summary)
        changes = tx.finish()
    return Created(spend_id, changes)


def update_spend(ws: Workspace, spend_id: str, values: SpendInput, *, actor: str | None = None) -> Changes:
    """Correct a spend row (audited); the original values stay in the audit trail."""
    with transaction(ws, actor) as tx:
        row = _check_spend(tx, values)
        tx.update(SPEND, spend_id, row)
        return tx.finish()


def delete_budget_item(
    ws: Workspace, item_id: str, *, actor: str | None = None, today: date | None = None
) -> Changes:
    """Tombstone a budget line outside its retention period and without live spends.

    Raises ``LegalHoldError`` inside the retention period (Decree Art. 13: five years).
    """
    with transaction(ws, actor) as tx:
        if _has_spend(tx, item_id):
            raise ValidationError(
                N_("Money was spent from this budget line; it cannot be deleted."),
                N_("Correct the line instead: the spending is evidence."),
            )
        records.delete_in(tx, ITEMS, item_id, today or date.today())
        return tx.finish()


def delete_spend(
    ws: Workspace, spend_id: str, *, actor: str | None = None, today: date | None = None
) -> Changes:
    """Tombstone a spend row outside its retention period; ``LegalHoldError`` inside it."""
    with transaction(ws, actor) as tx:
        records.delete_in(tx, SPEND, spend_id, today or date.today())
        return tx.finish()
