"""Cross-field rules of a record (SYNC.md §5 rule 7): pure functions, no I/O.

Per-field merging can produce values that are valid one by one but not together (an action
verified by nobody). The sync server runs :func:`check` after every merge and raises an
``invariant`` conflict naming the rule; it never rejects the change. The services enforce the same
rules when a user edits on one PC.

Records are plain dicts of column -> JSON value (dates ``YYYY-MM-DD``, timestamps ISO text).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

# Rule ids (stable: they are stored in conflict records on every PC).
ACTION_VERIFIED_NEEDS_VERIFIER: Final = "action_verified_needs_verifier"
ACTION_DONE_BEFORE_CREATED: Final = "action_done_before_created"
LOCKED_NEEDS_COMPLETED: Final = "locked_needs_completed"

# Statuses of a corrective action (core/db/tables.py): open|in_progress|done|verified|cancelled.
# "closed" is accepted as a synonym of verified for records from other sources.
ACTION_CLOSED_STATUSES: Final = frozenset({"verified", "closed"})
# A lockable record that carries ``locked_at`` is completed (core/services/records.complete_in).
LOCKED_STATUSES: Final = frozenset({"completed", "locked"})

RULES: Final = (
    ACTION_VERIFIED_NEEDS_VERIFIER,
    ACTION_DONE_BEFORE_CREATED,
    LOCKED_NEEDS_COMPLETED,
)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _day(value: Any) -> str | None:
    """``YYYY-MM-DD`` of a date or timestamp text, else None."""
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-":
        return value[:10]
    return None


def _corrective_action(data: Mapping[str, Any]) -> list[str]:
    broken: list[str] = []
    if data.get("status") in ACTION_CLOSED_STATUSES and (
        _blank(data.get("verified_by")) or _blank(data.get("verified_on"))
    ):
        broken.append(ACTION_VERIFIED_NEEDS_VERIFIER)
    done, created = _day(data.get("done_on")), _day(data.get("created_at"))
    if done and created and done < created:
        broken.append(ACTION_DONE_BEFORE_CREATED)
    return broken


_ENTITY_RULES: Final[Mapping[str, Callable[[Mapping[str, Any]], list[str]]]] = {
    "corrective_actions": _corrective_action,
}


def check(entity: str, data: Mapping[str, Any]) -> list[str]:
    """The ids of the rules ``data`` breaks (empty when the record is consistent).

    Deleted records (``deleted_at`` set) are not checked.
    """
    if data.get("deleted_at"):
        return []
    broken: list[str] = []
    rules = _ENTITY_RULES.get(entity)
    if rules is not None:
        broken.extend(rules(data))
    if not _blank(data.get("locked_at")) and "status" in data and data.get("status") not in LOCKED_STATUSES:
        broken.append(LOCKED_NEEDS_COMPLETED)
    return broken
