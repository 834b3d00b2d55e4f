"""hazard labels: the hazard reader's suggestions and the decisions people made

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 01:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "hazard_labels",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.Column("created_by", sa.String(length=120), nullable=True),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("hazard_group", sa.String(length=30), nullable=False),
        sa.Column("decision", sa.String(length=12), nullable=False),
        sa.Column("suggested_group", sa.String(length=30), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("model_version", sa.String(length=80), nullable=True),
        sa.Column("suggestion", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hazard_labels")),
    )
    op.create_index("ix_hazard_labels_record", "hazard_labels", ["entity", "record_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_hazard_labels_record", table_name="hazard_labels")
    op.drop_table("hazard_labels")
