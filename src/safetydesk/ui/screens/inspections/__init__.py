"""Inspections screen: the list of filled-in forms and the form generated from its template."""

from safetydesk.ui.screens.inspections.form_view import FormView
from safetydesk.ui.screens.inspections.screen import InspectionsScreen

__all__ = ["FormView", "InspectionsScreen"]
