"""Check-ins and gait sessions, until now JSON files under the data folder.

Revision ID: 0002
Revises: 0001
Create Date: 2025-02-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Self-contained on purpose: a migration must not change when models.py does.
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["athlete_id"], ["athletes.id"], name="fk_checkins_athlete_id_athletes", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_checkins"),
    )
    op.create_index("ix_checkins_athlete_id_recorded_at", "checkins", ["athlete_id", "recorded_at"])
    op.create_table(
        "gait_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["athlete_id"], ["athletes.id"], name="fk_gait_sessions_athlete_id_athletes", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_gait_sessions"),
    )
    op.create_index("ix_gait_sessions_athlete_id_recorded_at", "gait_sessions", ["athlete_id", "recorded_at"])


def downgrade() -> None:
    op.drop_index("ix_gait_sessions_athlete_id_recorded_at", table_name="gait_sessions")
    op.drop_table("gait_sessions")
    op.drop_index("ix_checkins_athlete_id_recorded_at", table_name="checkins")
    op.drop_table("checkins")
