"""The embedded model (DESIGN.md §7): hazard reader engine."""
