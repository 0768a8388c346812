"""Web app tables: accounts and assignments, clinician notes, background jobs, plan ticks.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _athlete_fk(table: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["athlete_id"], ["athletes.id"], name=f"fk_{table}_athlete_id_athletes",
                                   ondelete=ondelete)


def upgrade() -> None:
    # Self-contained on purpose: a migration must not change when models.py does.
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(80), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _athlete_fk("users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("username", name="uq_users_username"),
    )
    op.create_table(
        "user_athletes",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_user_athletes_user_id_users",
                                ondelete="CASCADE"),
        _athlete_fk("user_athletes"),
        sa.PrimaryKeyConstraint("user_id", "athlete_id", name="pk_user_athletes"),
    )
    op.create_table(
        "athlete_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _athlete_fk("athlete_notes"),
        sa.PrimaryKeyConstraint("id", name="pk_athlete_notes"),
    )
    op.create_index("ix_athlete_notes_athlete_id_created_at", "athlete_notes", ["athlete_id", "created_at"])
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _athlete_fk("jobs"),
        sa.PrimaryKeyConstraint("id", name="pk_jobs"),
    )
    op.create_index("ix_jobs_athlete_id_created_at", "jobs", ["athlete_id", "created_at"])
    op.create_table(
        "plan_completions",
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("session_key", sa.String(80), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pain", sa.Integer(), nullable=True),
        _athlete_fk("plan_completions"),
        sa.PrimaryKeyConstraint("athlete_id", "day", "session_key", name="pk_plan_completions"),
    )


def downgrade() -> None:
    op.drop_table("plan_completions")
    op.drop_index("ix_jobs_athlete_id_created_at", table_name="jobs")
    op.drop_table("jobs")
    op.drop_index("ix_athlete_notes_athlete_id_created_at", table_name="athlete_notes")
    op.drop_table("athlete_notes")
    op.drop_table("user_athletes")
    op.drop_table("users")
