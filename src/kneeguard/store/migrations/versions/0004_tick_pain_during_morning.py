"""Plan ticks record pain during the session and the next morning (the pain-monitoring model).

The old `pain` column ("pain after the session") becomes `pain_during`: the advice always judged it
against the acceptable band for pain during activity, so stored values keep their meaning.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Batch mode: SQLite copies the table, PostgreSQL alters it in place.
    with op.batch_alter_table("plan_completions") as batch:
        batch.alter_column("pain", new_column_name="pain_during", existing_type=sa.Integer(), existing_nullable=True)
        batch.add_column(sa.Column("pain_morning", sa.Integer(), nullable=True))


def downgrade() -> None:
    # The next-morning values have no place in the old table; pain during becomes `pain` again.
    with op.batch_alter_table("plan_completions") as batch:
        batch.drop_column("pain_morning")
        batch.alter_column("pain_during", new_column_name="pain", existing_type=sa.Integer(), existing_nullable=True)
