"""Activities the person corrected ("exclude from analysis", when they last edited one), and laps.

`excluded` (false for every stored activity) leaves an activity out of every analysis, e.g. a run
dated 1990 by a watch whose clock was never set; `edited_at` marks a corrected sport, title, shoe or
exclusion, so a richer copy imported later keeps the correction. `laps` holds the device's laps
(FIT, TCX) as JSON; activities imported before stay without (their pages show per-km splits).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Batch mode: SQLite copies the table, PostgreSQL alters it in place.
    with op.batch_alter_table("activities") as batch:
        batch.add_column(sa.Column("excluded", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("laps", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("activities") as batch:
        batch.drop_column("laps")
        batch.drop_column("edited_at")
        batch.drop_column("excluded")
