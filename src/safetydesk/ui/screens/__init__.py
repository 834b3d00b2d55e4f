"""Screens. They own their widgets and Qt models and never touch the database directly."""
