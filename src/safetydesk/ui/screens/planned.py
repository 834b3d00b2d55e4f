"""Navigation entries whose full screens arrive with the desktop-application issue."""

from __future__ import annotations

from safetydesk.core.i18n import N_
from safetydesk.ui.screens.base import PlannedScreen


class PlantScreen(PlannedScreen):
    key = "plant"
    title_msgid = N_("Plant")
    description_msgid = N_("Sites, areas and the equipment register with statutory inspection dates.")


class InspectionsScreen(PlannedScreen):
    key = "inspections"
    title_msgid = N_("Inspections")
    description_msgid = N_("Checklists, pre-work checks, permits and TBM minutes.")


class RiskScreen(PlannedScreen):
    key = "risk"
    title_msgid = N_("Risk assessments")
    description_msgid = N_("KRAS risk assessment tables with the risk engine.")


class EmergencyScreen(PlannedScreen):
    key = "emergency"
    title_msgid = N_("Emergency")
    description_msgid = N_("Emergency manual and drills.")


class IncidentsScreen(PlannedScreen):
    key = "incidents"
    title_msgid = N_("Incidents and near misses")
    description_msgid = N_("Incidents, near misses and worker suggestions.")


class PeopleScreen(PlannedScreen):
    key = "people"
    title_msgid = N_("People and training")
    description_msgid = N_("Roster, education records and hours per half-year.")


class SettingsScreen(PlannedScreen):
    key = "settings"
    title_msgid = N_("Settings")
    description_msgid = N_("Company details, approval block, language, backups.")
