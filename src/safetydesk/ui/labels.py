"""Display names for stored codes (statuses, sources, hierarchy of controls, …) in both languages."""

from __future__ import annotations

from safetydesk.core.i18n import N_, _

CODES: dict[str, str] = {
    # statuses
    "draft": N_("Draft"),
    "completed": N_("Completed"),
    "open": N_("Open"),
    "in_progress": N_("In progress"),
    "done": N_("Done"),
    "verified": N_("Verified"),
    "cancelled": N_("Cancelled"),
    "planned": N_("Planned"),
    "received": N_("Received"),
    "answered": N_("Answered"),
    "closed": N_("Closed"),
    # sources
    "inspection": N_("Inspection"),
    "risk_assessment": N_("Risk assessment"),
    "incident": N_("Incident"),
    "near_miss": N_("Near miss"),
    "suggestion": N_("Suggestion"),
    "audit": N_("Audit"),
    "drill": N_("Drill"),
    "tbm": N_("TBM"),
    # hierarchy of controls
    "legal": N_("Legal requirement"),
    "elimination": N_("Elimination"),
    "substitution": N_("Substitution"),
    "engineering": N_("Engineering"),
    "administrative": N_("Administrative"),
    "ppe": N_("PPE"),
    # severity
    "high": N_("High"),
    "medium": N_("Medium"),
    "low": N_("Low"),
}


def label(code: object) -> str:
    if code is None:
        return ""
    text = str(code)
    msgid = CODES.get(text)
    return _(msgid) if msgid else text
