"""Display names for the codes the risk screens store (assessment types, hazard classes, …).

Kept next to the screens until ``ui.labels`` carries them; ``code_label`` falls back to the shared
labels, then to the code itself, so an imported unknown code still shows.
"""

from __future__ import annotations

from safetydesk.core.i18n import N_, _
from safetydesk.ui.labels import label

ASSESSMENT_TYPE_LABELS: dict[str, str] = {
    "initial": N_("Initial"),
    "regular": N_("Periodic"),
    "adhoc": N_("Ad hoc"),
    "continuous": N_("Continuous"),
}
HAZARD_CLASS_LABELS: dict[str, str] = {
    "mechanical": N_("Mechanical factors"),
    "electrical": N_("Electrical factors"),
    "chemical": N_("Chemical factors"),
    "biological": N_("Biological factors"),
    "ergonomic": N_("Work characteristics (ergonomic)"),
    "environmental": N_("Work environment"),
    "fall": N_("Fall / slip"),
    "fire_explosion": N_("Fire / explosion"),
    "other": N_("Other hazard"),
}
DISCOVERY_LABELS: dict[str, str] = {
    "site_round": N_("Site round with workers (required)"),
    "suggestion": N_("Worker suggestions"),
    "interview": N_("Interviews and surveys"),
    "safety_data": N_("MSDS, measurements, health exams"),
    "checklist": N_("Checklists"),
    "near_miss": N_("Near misses and accidents"),
    "tbm": N_("TBM (pre-work meetings)"),
    "other": N_("Other sources"),
}
ROLE_LABELS: dict[str, str] = {
    "worker": N_("Worker"),
    "supervisor": N_("Supervisor"),
    "worker_rep": N_("Worker representative"),
    "safety_staff": N_("Safety and health staff"),
    "manager": N_("Manager"),
    "contractor": N_("Contractor worker"),
}
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
