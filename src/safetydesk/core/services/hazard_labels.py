"""What a person decided about a description's hazard group, next to what the model suggested.

The hazard reader suggests; a person decides (DESIGN.md §7). Every decision is kept as a row of
``hazard_labels`` naming the model version whose suggestion was on screen, so that

- a record can always say which model suggested what, and whether the officer agreed;
- retraining on this workspace learns from the officer's corrections (``confirmed_labels``).

A suggestion travels from the UI to the services as the plain dict of ``Suggestion.to_dict()``;
this module does not import the model (numpy and scikit-learn load only where a model runs).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from safetydesk.core.forms.schema import HAZARD_GROUPS
from safetydesk.core.queries.hazard_labels import latest_label
from safetydesk.core.services.base import Changes, Tx, transaction
from safetydesk.core.workspace.workspace import Workspace

ENTITY: Final = "hazard_labels"
LABELLED_ENTITIES: Final = frozenset({"findings", "incidents", "risk_items"})


@dataclass(frozen=True)
class LabelInput:
    """The group a person chose for a text, and the suggestion shown when they chose (if any)."""

    hazard_group: str
    suggestion: Mapping[str, Any] | None = None

    @property
    def decision(self) -> str:
        if not self.suggestion:
            return "manual"
        return "accepted" if self.suggestion.get("group") == self.hazard_group else "corrected"

    def stored_suggestion(self) -> dict[str, Any] | None:
        """The suggestion as kept on the record: what was shown, by which model, and what was decided."""
        if not self.suggestion:
            return None
        return {**dict(self.suggestion), "decision": self.decision, "chosen_group": self.hazard_group}


def record_label_in(tx: Tx, entity: str, record_id: str, text: str, label: LabelInput) -> str | None:
    """Store the decision unless it repeats the latest one for this record and text."""
    if entity not in LABELLED_ENTITIES:
        raise ValueError(f"hazard labels are not kept for {entity!r}")
    if label.hazard_group not in HAZARD_GROUPS:
        raise ValueError(f"unknown hazard group {label.hazard_group!r}")
    text = text.strip()
    if not text:
        return None
    latest = latest_label(tx.conn, entity, record_id)
    if (
        latest is not None
        and latest["text"] == text
        and latest["hazard_group"] == label.hazard_group
        and (label.suggestion is None or latest["model_version"] == label.suggestion.get("model_version"))
    ):
        return None
    suggestion = label.suggestion or {}
    confidence = suggestion.get("confidence")
    return tx.insert(
        ENTITY,
        {
            "entity": entity,
            "record_id": record_id,
            "text": text,
            "hazard_group": label.hazard_group,
            "decision": label.decision,
            "suggested_group": suggestion.get("group"),
            "confidence": float(confidence) if isinstance(confidence, int | float) else None,
            "model_version": suggestion.get("model_version"),
            "suggestion": label.stored_suggestion(),
        },
        summary=f"{entity} {label.hazard_group} ({label.decision})",
    )


def classify_finding(
    ws: Workspace, finding_id: str, label: LabelInput, *, actor: str | None = None
) -> Changes:
    """Set a finding's hazard group as a person decided it, keeping the suggestion shown (if any).

    ``findings.model_suggestion`` keeps the latest suggestion with the decision (like incidents do),
    and the decision is added to ``hazard_labels`` for the finding's description.
    """
    if label.hazard_group not in HAZARD_GROUPS:
        raise ValueError(f"unknown hazard group {label.hazard_group!r}")
    with transaction(ws, actor) as tx:
        row = tx.get("findings", finding_id)
        values: dict[str, Any] = {"hazard_group": label.hazard_group}
        stored = label.stored_suggestion()
        if stored is not None:
            values["model_suggestion"] = stored
        if any(row.get(key) != value for key, value in values.items()):
            tx.update("findings", finding_id, values, summary=f"hazard group {label.hazard_group}")
        record_label_in(tx, "findings", finding_id, str(row["description"] or ""), label)
        return tx.finish()
