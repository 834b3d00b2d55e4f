"""Lists for the risk screens (registered with core.queries.lists.register)."""
