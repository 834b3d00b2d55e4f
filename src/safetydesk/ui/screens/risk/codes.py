"""Display names for the codes the risk screens store; the tables live in ``core.labels`` (reports use them too).

``code_label`` falls back to the shared labels, then to the code itself, so an imported unknown code still shows.
"""

from __future__ import annotations

from safetydesk.core.i18n import _
from safetydesk.core.labels import (
    ASSESSMENT_TYPE_LABELS,
    DISCOVERY_LABELS,
    HAZARD_CLASS_LABELS,
    ROLE_LABELS,
    label,
)

__all__ = [
    "ALL_LABELS",
    "ASSESSMENT_TYPE_LABELS",
    "DISCOVERY_LABELS",
    "HAZARD_CLASS_LABELS",
    "ROLE_FOR_KIND",
    "ROLE_LABELS",
    "code_label",
]

# Roster kind (people.kind) → the participant role it usually takes.
ROLE_FOR_KIND: dict[str, str] = {
    "worker": "worker",
    "supervisor": "supervisor",
    "manager": "manager",
    "owner": "manager",
    "contractor_worker": "contractor",
}
ALL_LABELS: dict[str, str] = {**ASSESSMENT_TYPE_LABELS, **HAZARD_CLASS_LABELS}


def code_label(code: object, table: dict[str, str] | None = None) -> str:
    if code is None or code == "":
        return ""
    text = str(code)
    msgid = (table or ALL_LABELS).get(text)
    return _(msgid) if msgid else label(text)
