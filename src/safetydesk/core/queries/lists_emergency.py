"""Lists for the emergency screens (registered with core.queries.lists.register)."""
