"""The embedded model (DESIGN.md §7): the hazard reader (``hazard_*``, ``bundle``) and the risky-area ranking (``area*``)."""
