"""Alembic environment: always runs against the engine handed in by ``core.db.migrate``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from safetydesk.core.db.tables import metadata

config = context.config
engine = config.attributes.get("engine")
if not isinstance(engine, Engine):
    raise RuntimeError("SafetyDesk migrations run only through safetydesk.core.db.migrate")

with engine.connect() as connection:
    context.configure(
        connection=connection, target_metadata=metadata, render_as_batch=True, transactional_ddl=True
    )
    with context.begin_transaction():
        context.run_migrations()
