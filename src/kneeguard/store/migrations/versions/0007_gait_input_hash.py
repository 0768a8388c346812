"""Gait sessions remember what was analysed: a fingerprint of the input file and the options, unique per athlete,
so a batch gait run that is re-run, or a task retried after a worker died, cannot store one analysis twice.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Batch mode: SQLite copies the table, PostgreSQL alters it in place. NULL (sessions from `kneeguard gait`
    # and the web app) never collides: both databases let a unique constraint hold many NULLs.
    with op.batch_alter_table("gait_sessions") as batch:
        batch.add_column(sa.Column("input_hash", sa.String(64), nullable=True))
        batch.create_unique_constraint("uq_gait_sessions_athlete_id_input_hash", ["athlete_id", "input_hash"])


def downgrade() -> None:
    with op.batch_alter_table("gait_sessions") as batch:
        batch.drop_constraint("uq_gait_sessions_athlete_id_input_hash", type_="unique")
        batch.drop_column("input_hash")
