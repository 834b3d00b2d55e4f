"""Migrations: the known-revision list matches the scripts, and empty → head equals the model."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from safetydesk.core.db.engine import make_engine
from safetydesk.core.db.migrate import script_revisions, upgrade
from safetydesk.core.db.schema_version import SCHEMA_HEAD, SCHEMA_REVISIONS
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


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "workspaces"


def _revision(db: Path) -> str:
    import sqlite3

    con = sqlite3.connect(db)
    try:
        return str(con.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    finally:
        con.close()


def _counts(db: Path) -> dict[str, int]:
    import sqlite3

    con = sqlite3.connect(db)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: int(con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0]) for n in names}
    finally:
        con.close()


@pytest.mark.parametrize("revision", [r for r in SCHEMA_REVISIONS if r != SCHEMA_HEAD])
def test_every_released_revision_opens_migrates_and_keeps_every_record(revision: str, tmp_path: Path) -> None:
    import zipfile

    from sqlalchemy import select

    from safetydesk.core.audit import chain
    from safetydesk.core.db.tables import attachments
    from safetydesk.core.workspace.workspace import open_workspace

    fixture = FIXTURES / f"rev{revision}.zip"
    assert fixture.is_file(), f"every released revision needs a fixture workspace: {fixture} is missing"
    path = tmp_path / "ws"
    with zipfile.ZipFile(fixture) as archive:
        archive.extractall(path)
    db = path / "safetydesk.db"
    assert _revision(db) == revision
    before = _counts(db)
    assert before["audit_events"] > 1000 and before["form_answers"] > 10000

    ws = open_workspace(path, create=False)
    try:
        assert ws.migrated_from == revision
        assert _revision(db) == SCHEMA_HEAD
        backups = list(ws.backups_dir.glob(f"before-upgrade-{revision}-*"))
        assert len(backups) == 1 and _counts(backups[0]) == before  # the untouched original, kept aside
        after = _counts(db)
        assert {k: v for k, v in after.items() if k in before and k != "alembic_version"} == {
            k: v for k, v in before.items() if k != "alembic_version"
        }
        with ws.reader() as conn:
            report = chain.verify(conn)
            shas = [r[0] for r in conn.execute(select(attachments.c.sha256))]
        assert report.ok, (report.broken_reason, report.tampered[:3])
        assert report.events == before["audit_events"]
        assert shas and all(ws.attachments.check(sha) for sha in shas)

        # The migrated workspace takes new records of the new schema and its chain still verifies.
        from datetime import UTC, datetime

        from safetydesk.core.services.incidents import QuickIntake, record_near_miss

        record_near_miss(
            ws,
            QuickIntake(
                "지게차 후진 중 보행자와 부딪칠 뻔함",
                datetime(2026, 11, 23, 9, tzinfo=UTC),
                hazard_group="struck",
            ),
        )
        with ws.reader() as conn:
            assert chain.verify(conn).ok
            assert (
                conn.exec_driver_sql("SELECT count(*) FROM hazard_labels").scalar()
                == before.get("hazard_labels", 0) + 1
            )
    finally:
        ws.close()
