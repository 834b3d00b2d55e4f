"""SAPA evidence records: budget items and spending, role appointments and their evaluations

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 01:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "budget_items",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.Column("created_by", sa.String(length=120), nullable=True),
        sa.Column("retention_until", sa.String(length=10), nullable=True),
        sa.Column("site_id", sa.String(length=36), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("planned_amount", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_budget_items_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_items")),
    )
    op.create_index("ix_budget_items_year", "budget_items", ["year"], unique=False)
    op.create_table(
        "appointments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.Column("created_by", sa.String(length=120), nullable=True),
        sa.Column("retention_until", sa.String(length=10), nullable=True),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("appointed_on", sa.String(length=10), nullable=False),
        sa.Column("ended_on", sa.String(length=10), nullable=True),
        sa.Column("authority", sa.Text(), nullable=True),
        sa.Column("budget_amount", sa.Integer(), nullable=True),
        sa.Column("reported_to_moel_on", sa.String(length=10), nullable=True),
        sa.Column("outsourced_to", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_appointments_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointments")),
    )
    op.create_index("ix_appointments_role", "appointments", ["role"], unique=False)
    op.create_table(
        "role_evaluations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.Column("created_by", sa.String(length=120), nullable=True),
        sa.Column("status", sa.String(length=20), server_default="draft", nullable=False),
        sa.Column("locked_at", sa.String(length=32), nullable=True),
        sa.Column("revision_of", sa.String(length=36), nullable=True),
        sa.Column("revision_no", sa.Integer(), server_default="1", nullable=False),
        sa.Column("retention_until", sa.String(length=10), nullable=True),
        sa.Column("appointment_id", sa.String(length=36), nullable=False),
        sa.Column("period", sa.String(length=6), nullable=False),
        sa.Column("evaluated_on", sa.String(length=10), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("total_score", sa.Float(), nullable=True),
        sa.Column("result", sa.String(length=20), nullable=True),
        sa.Column("evaluator", sa.String(length=120), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointments.id"],
            name=op.f("fk_role_evaluations_appointment_id_appointments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_evaluations")),
    )
    op.create_index("ix_role_evaluations_period", "role_evaluations", ["period"], unique=False)
    op.create_table(
        "budget_spend",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.Column("created_by", sa.String(length=120), nullable=True),
        sa.Column("retention_until", sa.String(length=10), nullable=True),
        sa.Column("budget_item_id", sa.String(length=36), nullable=False),
        sa.Column("spent_on", sa.String(length=10), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("action_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["corrective_actions.id"],
            name=op.f("fk_budget_spend_action_id_corrective_actions"),
        ),
        sa.ForeignKeyConstraint(
            ["budget_item_id"], ["budget_items.id"], name=op.f("fk_budget_spend_budget_item_id_budget_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_spend")),
    )
    op.create_index("ix_budget_spend_spent", "budget_spend", ["spent_on"], unique=False)


def downgrade() -> None:
    for index, table in (
        ("ix_budget_spend_spent", "budget_spend"),
        ("ix_role_evaluations_period", "role_evaluations"),
        ("ix_appointments_role", "appointments"),
        ("ix_budget_items_year", "budget_items"),
    ):
        op.drop_index(index, table_name=table)
        op.drop_table(table)
