"""Display names for stored codes (statuses, sources, hierarchy of controls, …) in both languages."""

from __future__ import annotations

from collections.abc import Mapping

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
    # incident kinds
    "first_aid": N_("First aid"),
    "injury": N_("Injury"),
    "lost_time": N_("Lost-time injury"),
    "fatality": N_("Fatality"),
    "illness": N_("Occupational illness"),
    "investigating": N_("Under investigation"),
    "drill_done": N_("Carried out"),
    # drill types
    "fire": N_("Fire evacuation"),
    "chemical_leak": N_("Chemical leak"),
    "confined_space_rescue": N_("Confined-space rescue"),
    "scenario": N_("Scenario drill"),
    # suggestion channels
    "box": N_("Suggestion box"),
    "survey": N_("Survey"),
    "mobile": N_("Mobile / QR"),
    "meeting": N_("Meeting"),
    "anonymous": N_("Anonymous"),
    # people
    "worker": N_("Worker"),
    "supervisor": N_("Supervisor"),
    "manager": N_("Manager"),
    "contractor_worker": N_("Contractor worker"),
    "owner": N_("Owner (CEO)"),
    "production": N_("Production"),
    "office": N_("Office / sales"),
    "day": N_("Day labourer"),
    "short_term": N_("Short fixed-term"),
    # education
    "periodic": N_("Periodic education"),
    "hiring": N_("Hiring education"),
    "change_of_work": N_("Change-of-work education"),
    "special": N_("Special education"),
    "msds": N_("MSDS education"),
    "job": N_("Job training"),
    "in_person": N_("In person"),
    "online": N_("Online"),
    "office_sales": N_("Office and sales staff"),
    # hazard groups (forms.schema.HAZARD_GROUPS)
    "fall": N_("Fall"),
    "struck": N_("Struck by / collision"),
    "caught": N_("Caught in"),
    "electrical": N_("Electric shock"),
    "chemical": N_("Chemical / asphyxiation"),
    "cardio_heat": N_("Cardiovascular / heat"),
    "fire_explosion": N_("Fire / explosion"),
    "other": N_("Other"),
}


# Risk assessment codes (the 11-column table and its header).
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
# The hazard reader's severity band: where a description sits among serious accidents investigated by
# US OSHA (terciles of the model's score), not a probability for this plant.
SEVERITY_BAND_LABELS: dict[str, str] = {
    "low": N_("lower"),
    "medium": N_("middle"),
    "high": N_("higher"),
}
ROLE_LABELS: dict[str, str] = {
    "worker": N_("Worker"),
    "supervisor": N_("Supervisor"),
    "worker_rep": N_("Worker representative"),
    "safety_staff": N_("Safety and health staff"),
    "manager": N_("Manager"),
    "contractor": N_("Contractor worker"),
}


def label(code: object, lang: str | None = None, table: Mapping[str, str] | None = None) -> str:
    """The display name of a stored code in ``lang`` (default: the user's); unknown codes show as stored."""
    if code is None:
        return ""
    text = str(code)
    msgid = (table or {}).get(text) or CODES.get(text)
    return _(msgid, lang) if msgid else text
