"""Read-only queries that return plain immutable data for screens, reports and the CLI."""
