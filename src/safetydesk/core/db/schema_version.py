"""Known schema revisions, oldest first, so that opening a current workspace needs no Alembic import.

A test checks this tuple against the Alembic scripts; add every new revision here.
"""

SCHEMA_REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004")
SCHEMA_HEAD = SCHEMA_REVISIONS[-1]
