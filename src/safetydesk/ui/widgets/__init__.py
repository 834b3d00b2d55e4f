"""Reusable widgets and Qt models shared by the screens."""
