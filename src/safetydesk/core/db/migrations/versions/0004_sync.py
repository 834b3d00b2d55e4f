"""sync client state: field versions seen, applied record versions, conflicts, blobs, sync log

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 03:40:00

New tables only (SYNC.md §3.2): the outbox (``sync_outbox``) and ``sync_state`` exist since 0001,
and a new column on an audited table would change the row digests of every record written before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "sync_base",
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("entity", "record_id", name=op.f("pk_sync_base")),
    )
    op.create_table(
        "sync_rows",
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("server_seq", sa.Integer(), nullable=False),
        sa.Column("stale", sa.Boolean(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("entity", "record_id", name=op.f("pk_sync_rows")),
    )
    op.create_index("ix_sync_rows_stale", "sync_rows", ["stale"], unique=False)
    op.create_table(
        "sync_conflicts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("field", sa.String(length=80), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("resolved", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("server_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflicts")),
    )
    op.create_index("ix_sync_conflicts_resolved", "sync_conflicts", ["resolved"], unique=False)
    op.create_table(
        "sync_blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", sa.String(length=32), nullable=True),
        sa.Column("present", sa.Boolean(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_sync_blobs")),
    )
    op.create_table(
        "sync_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("started_at", sa.String(length=32), nullable=False),
        sa.Column("finished_at", sa.String(length=32), nullable=True),
        sa.Column("ok", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("pushed", sa.Integer(), server_default="0", nullable=False),
        sa.Column("pulled", sa.Integer(), server_default="0", nullable=False),
        sa.Column("uploaded", sa.Integer(), server_default="0", nullable=False),
        sa.Column("downloaded", sa.Integer(), server_default="0", nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_log")),
    )


def downgrade() -> None:
    op.drop_table("sync_log")
    op.drop_table("sync_blobs")
    op.drop_index("ix_sync_conflicts_resolved", table_name="sync_conflicts")
    op.drop_table("sync_conflicts")
    op.drop_index("ix_sync_rows_stale", table_name="sync_rows")
    op.drop_table("sync_rows")
    op.drop_table("sync_base")
