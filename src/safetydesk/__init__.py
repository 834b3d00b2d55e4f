"""SafetyDesk: the safety and health management system of record for small manufacturers."""

__version__ = "0.1.0"
