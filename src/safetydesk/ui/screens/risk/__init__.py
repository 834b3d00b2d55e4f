"""Risk assessments screen (KRAS table editor)."""

from safetydesk.ui.screens.risk.screen import RiskScreen

__all__ = ["RiskScreen"]
