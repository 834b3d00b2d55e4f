"""Lists for the inspections screens (registered with core.queries.lists.register)."""
