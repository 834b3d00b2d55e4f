"""Lists for the plant screens (registered with core.queries.lists.register)."""
