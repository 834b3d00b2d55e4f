"""The SQLite engine of a workspace: WAL, foreign keys, busy timeout, explicit write transactions.

pysqlite's own transaction handling is switched off (``isolation_level=None``) so that SQLAlchemy's
``begin`` decides: a connection marked ``sd_write`` starts with ``BEGIN IMMEDIATE`` and holds the
single write lock for its whole transaction; readers start a deferred ``BEGIN`` and never block it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection

BUSY_TIMEOUT_MS = 5000


def make_engine(db_path: Path, *, read_only: bool = False, immutable: bool = False) -> Engine:
    if read_only:
        # immutable: a WAL database on a read-only disk, where SQLite cannot create its -shm file.
        extra = "&immutable=1" if immutable else ""
        url = f"sqlite:///file:{db_path.as_posix()}?mode=ro{extra}&uri=true"
    else:
        url = f"sqlite:///{db_path.as_posix()}"
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "isolation_level": None, "timeout": BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        if not read_only:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA synchronous=FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get("sd_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine
