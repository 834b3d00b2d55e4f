"""Opening workspaces: the lock, refusing newer schemas, corrupt files, and migrating older ones."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import text

from safetydesk.core.db.schema_version import SCHEMA_HEAD, SCHEMA_REVISIONS
from safetydesk.core.errors import CorruptWorkspaceError, SchemaTooNewError, UserError, WorkspaceLockedError
from safetydesk.core.services import records
from safetydesk.core.workspace.workspace import open_workspace

NEXT = f"{int(SCHEMA_HEAD) + 1:04d}"  # the revision a next release would add


def test_new_workspace_has_wal_foreign_keys_and_folders(tmp_path: Path) -> None:
    with open_workspace(tmp_path / "new") as ws:
        with ws.reader() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        assert (ws.path / "attachments").is_dir() and (ws.path / "backups").is_dir()
        assert ws.device_id


def test_second_instance_in_another_process_gets_a_clear_message(ws_path: Path) -> None:
    with open_workspace(ws_path):
        code = textwrap.dedent(f"""
            from pathlib import Path
            from safetydesk.core.errors import WorkspaceLockedError
            from safetydesk.core.workspace.workspace import open_workspace
            try:
                open_workspace(Path({str(ws_path)!r}))
            except WorkspaceLockedError as exc:
                print("LOCKED", exc.text("en"))
        """)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        assert out.stdout.startswith("LOCKED"), out.stderr
        assert "already open" in out.stdout and "pid" in out.stdout
    # once closed, it opens again
    open_workspace(ws_path).close()


def test_second_instance_in_same_process_is_refused(ws_path: Path) -> None:
    with open_workspace(ws_path), pytest.raises(WorkspaceLockedError):
        open_workspace(ws_path)


def test_newer_schema_is_refused_and_file_untouched(ws_path: Path) -> None:
    db = ws_path / "safetydesk.db"
    con = sqlite3.connect(db)
    con.execute("UPDATE alembic_version SET version_num='9999'")
    con.commit()
    con.close()
    before = db.read_bytes()
    with pytest.raises(SchemaTooNewError) as err:
        open_workspace(ws_path)
    assert "newer version" in err.value.text("en") and "9999" in err.value.text("ko")
    assert db.read_bytes() == before


def test_garbage_file_is_reported_not_overwritten(tmp_path: Path) -> None:
    ws_dir = tmp_path / "bad"
    ws_dir.mkdir()
    (ws_dir / "safetydesk.db").write_bytes(b"this is not a database" * 100)
    with pytest.raises(CorruptWorkspaceError) as err:
        open_workspace(ws_dir)
    assert "backup" in err.value.text("en")
    assert (ws_dir / "safetydesk.db").read_bytes().startswith(b"this is not")


def test_foreign_sqlite_file_is_not_taken_over(tmp_path: Path) -> None:
    ws_dir = tmp_path / "other"
    ws_dir.mkdir()
    con = sqlite3.connect(ws_dir / "safetydesk.db")
    con.execute("CREATE TABLE stuff (x)")
    con.commit()
    con.close()
    with pytest.raises(CorruptWorkspaceError):
        open_workspace(ws_dir)


def test_missing_workspace_read_only(tmp_path: Path) -> None:
    with pytest.raises(UserError):
        open_workspace(tmp_path / "nothing", read_only=True)


def test_older_schema_is_backed_up_then_migrated(
    ws_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Simulate the next release: a copy of the scripts with one more revision that adds a column."""
    from safetydesk.core.db import migrate
    from safetydesk.core.workspace import workspace as wsmod

    with open_workspace(ws_path) as ws:
        site = records.create(ws, "sites", {"name": "동남정밀"}).id
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / f"{NEXT}_test.py").write_text(
        textwrap.dedent(f"""
        import sqlalchemy as sa
        from alembic import op
        revision = "{NEXT}"
        down_revision = "{SCHEMA_HEAD}"
        branch_labels = None
        depends_on = None
        def upgrade():
            with op.batch_alter_table("sites") as batch:
                batch.add_column(sa.Column("test_column", sa.String(20), nullable=True))
        def downgrade():
            pass
    """)
    )
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", scripts)
    monkeypatch.setattr(wsmod, "SCHEMA_REVISIONS", (*SCHEMA_REVISIONS, NEXT))
    monkeypatch.setattr(wsmod, "SCHEMA_HEAD", NEXT)
    with open_workspace(ws_path) as ws:
        assert ws.migrated_from == SCHEMA_HEAD
        with ws.reader() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == NEXT
            assert (
                conn.execute(text("SELECT name FROM sites WHERE id=:i"), {"i": site}).scalar() == "동남정밀"
            )
        backups = list((ws_path / "backups").glob(f"before-upgrade-{SCHEMA_HEAD}-*.db"))
        assert len(backups) == 1
        con = sqlite3.connect(backups[0])
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == SCHEMA_HEAD
        con.close()


def test_failed_migration_leaves_the_original(
    ws_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from safetydesk.core.db import migrate
    from safetydesk.core.workspace import workspace as wsmod

    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / f"{NEXT}_broken.py").write_text(
        textwrap.dedent(f"""
        from alembic import op
        revision = "{NEXT}"
        down_revision = "{SCHEMA_HEAD}"
        branch_labels = None
        depends_on = None
        def upgrade():
            op.execute("CREATE TABLE broken_step (x)")
            op.execute("THIS IS NOT SQL")
        def downgrade():
            pass
    """)
    )
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", scripts)
    monkeypatch.setattr(wsmod, "SCHEMA_REVISIONS", (*SCHEMA_REVISIONS, NEXT))
    monkeypatch.setattr(wsmod, "SCHEMA_HEAD", NEXT)
    with pytest.raises(UserError) as err:
        open_workspace(ws_path)
    assert "left as it was" in err.value.text("en")
    con = sqlite3.connect(ws_path / "safetydesk.db")
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == SCHEMA_HEAD
    assert not con.execute("SELECT name FROM sqlite_master WHERE name='broken_step'").fetchall()
    con.close()
