"""Clinician edits of a plan (remove/swap an exercise, dose, weekly ceiling, no-running period).

Revision ID: 0005
Revises: 0003 (re-pointed to 0004 at merge)
Create Date: 2026-11-26
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Self-contained on purpose: a migration must not change when models.py does.
    op.create_table(
        "plan_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("author", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("exercise", sa.String(64), nullable=True),
        sa.Column("new_exercise", sa.String(64), nullable=True),
        sa.Column("sets", sa.Integer(), nullable=True),
        sa.Column("reps", sa.String(16), nullable=True),
        sa.Column("per_week", sa.Integer(), nullable=True),
        sa.Column("max_weekly_km", sa.Float(), nullable=True),
        sa.Column("start_day", sa.Date(), nullable=True),
        sa.Column("end_day", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed_by", sa.String(80), nullable=True),
        sa.ForeignKeyConstraint(["athlete_id"], ["athletes.id"], name="fk_plan_overrides_athlete_id_athletes",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_plan_overrides"),
    )
    op.create_index("ix_plan_overrides_athlete_id_created_at", "plan_overrides", ["athlete_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_plan_overrides_athlete_id_created_at", table_name="plan_overrides")
    op.drop_table("plan_overrides")
