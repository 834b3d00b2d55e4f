"""Length limits of free-text fields, in one table (issue 7, "Input limits").

Columns declared ``String(n)`` keep their ``n``. ``Text`` columns have no length in the schema (SQLite
would store megabytes), so they get ``DEFAULT_TEXT_LIMIT`` here unless ``TEXT_LIMITS`` says otherwise.
``validate_values`` calls ``check_text_lengths`` before anything is written; the message names the
field in the user's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Table

from safetydesk.core.errors import ValidationError
from safetydesk.core.i18n import N_, _

DEFAULT_TEXT_LIMIT = 20_000  # about ten printed pages: more than any finding, cause or procedure needs

# (table, column) -> limit, for Text columns that need a different one than the default.
TEXT_LIMITS: dict[tuple[str, str], int] = {
    ("audit_events", "summary"): 2_000,
    ("form_answers", "value_text"): 5_000,
    ("form_answers", "note"): 5_000,
    ("hazard_labels", "text"): 5_000,
    ("suggestions", "text"): 5_000,
    ("sync_state", "value"): 1_000_000,  # machine state, not typed by anyone
    ("policies", "body"): 50_000,  # a whole safety and health policy statement
}

# The names users see for free-text fields (the Korean is in hostile.po).
FIELD_LABELS: dict[str, str] = {
    "summary": N_("Summary"),
    "findings_text": N_("Findings"),
    "work_scope": N_("Scope of work"),
    "safety_cost_standard": N_("Safety cost standard"),
    "building_period_standard": N_("Construction period standard"),
    "text": N_("Text"),
    "body": N_("Text of the policy"),
    "communicated_how": N_("How it was communicated"),
    "content": N_("Content"),
    "description": N_("Description"),
    "note": N_("Note"),
    "notes": N_("Notes"),
    "authority": N_("Authority"),
    "result": N_("Result"),
    "trigger": N_("Reason for the assessment"),
    "shared_how": N_("How it was shared"),
    "immediate_action": N_("Immediate action"),
    "cause": N_("Cause"),
    "recurrence_plan": N_("Plan to prevent recurrence"),
    "interim_measure": N_("Interim measure"),
    "verification_note": N_("Verification note"),
    "scenario": N_("Scenario"),
    "observations": N_("Observations"),
    "value_text": N_("Answer"),
    "task": N_("Task"),
    "situation": N_("Hazardous situation"),
    "legal_basis": N_("Legal basis"),
    "current_controls": N_("Current controls"),
    "reduction_measures": N_("Reduction measures"),
    "remarks": N_("Remarks"),
    "response": N_("Response"),
    "name": N_("Name"),
    "title": N_("Title"),
    "address": N_("Address"),
    "caption": N_("Caption"),
}


class TextTooLongError(ValidationError):
    """Names the field in whichever language the message is shown in."""

    def message(self, lang: str | None = None) -> str:
        params = dict(self.params, field=_(str(self.params["field"]), lang))
        return _(self.message_id, lang).format(**params)

    def hint(self, lang: str | None = None) -> str:
        params = dict(self.params, field=_(str(self.params["field"]), lang))
        return _(self.hint_id, lang).format(**params) if self.hint_id else ""


def text_limit(table: Table, column: str) -> int | None:
    """The most characters ``table.column`` may hold, or ``None`` if it is not a text column."""
    col = table.c[column]
    if type(col.type).__name__ not in ("String", "Text"):
        return None
    length = getattr(col.type, "length", None)
    if length is not None:
        return int(length)
    return TEXT_LIMITS.get((table.name, column), DEFAULT_TEXT_LIMIT)


def field_label(column: str) -> str:
    return FIELD_LABELS.get(column, column)  # unlabelled: the field name, as the other checks say it


def check_text_lengths(table: Table, values: Mapping[str, Any]) -> None:
    """Raise ``TextTooLongError`` for the first text value longer than its limit."""
    for key, value in values.items():
        if not isinstance(value, str) or key not in table.c:
            continue
        limit = text_limit(table, key)
        if limit is not None and len(value) > limit:
            raise TextTooLongError(
                N_("{field} is {length} characters long; at most {limit} characters can be saved."),
                N_(
                    "Shorten the text of {field} (attach a longer document as a file instead) and save again."
                ),
                field=field_label(key),
                length=f"{len(value):,}",
                limit=f"{limit:,}",
            )
