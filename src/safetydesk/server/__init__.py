"""Optional sync server (FastAPI + PostgreSQL + S3), installed with ``pip install .[server]``.

It imports only ``safetydesk.core.domain`` and the sync protocol types, never the UI (DESIGN.md §1).
"""
