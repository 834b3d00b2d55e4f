"""Migrations: the known-revision list matches the scripts, and empty → head equals the model."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from safetydesk.core.db.engine import make_engine
from safetydesk.core.db.migrate import script_revisions, upgrade
from safetydesk.core.db.schema_version import SCHEMA_REVISIONS
from safetydesk.core.db.tables import metadata


def test_known_revisions_match_scripts() -> None:
    assert tuple(script_revisions()) == SCHEMA_REVISIONS


def test_empty_to_head_matches_the_model(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "m.db")
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert diff == []
