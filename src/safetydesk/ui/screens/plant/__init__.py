"""The plant screen: sites and headcounts, areas on the floor plan, and the equipment register."""

from safetydesk.ui.screens.plant.screen import PlantScreen

__all__ = ["PlantScreen"]
