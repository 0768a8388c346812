"""Initial schema: athletes, shoes, shoe assignments, activities, imported files.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Self-contained on purpose: a migration must not change when models.py does.
    op.create_table(
        "athletes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("sex", sa.String(length=10), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("height_cm", sa.Float(), nullable=True),
        sa.Column("mass_kg", sa.Float(), nullable=True),
        sa.Column("hr_max", sa.Float(), nullable=True),
        sa.Column("hr_rest", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_athletes"),
        sa.UniqueConstraint("name", name="uq_athletes_name"),
    )
    op.create_table(
        "shoes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("brand", sa.String(length=100), nullable=True),
        sa.Column("model", sa.String(length=100), nullable=True),
        sa.Column("start_km", sa.Float(), nullable=False),
        sa.Column("alert_km", sa.Float(), nullable=False),
        sa.Column("retired_on", sa.Date(), nullable=True),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["athlete_id"], ["athletes.id"], name="fk_shoes_athlete_id_athletes", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_shoes"),
        sa.UniqueConstraint("athlete_id", "name", name="uq_shoes_athlete_id_name"),
    )
    op.create_index("ix_shoes_athlete_id", "shoes", ["athlete_id"])
    op.create_table(
        "shoe_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shoe_id", sa.Integer(), nullable=False),
        sa.Column("from_date", sa.Date(), nullable=False),
        sa.Column("to_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["shoe_id"], ["shoes.id"], name="fk_shoe_assignments_shoe_id_shoes", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_shoe_assignments"),
    )
    op.create_index("ix_shoe_assignments_shoe_id", "shoe_assignments", ["shoe_id"])
    op.create_table(
        "activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("sport", sa.String(length=40), nullable=False),
        sa.Column("sub_sport", sa.String(length=40), nullable=False),
        sa.Column("start_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("distance_m", sa.Float(), nullable=True),
        sa.Column("timer_s", sa.Float(), nullable=True),
        sa.Column("moving_s", sa.Float(), nullable=True),
        sa.Column("elapsed_s", sa.Float(), nullable=True),
        sa.Column("avg_hr", sa.Float(), nullable=True),
        sa.Column("max_hr", sa.Float(), nullable=True),
        sa.Column("avg_cadence_spm", sa.Float(), nullable=True),
        sa.Column("avg_speed_mps", sa.Float(), nullable=True),
        sa.Column("ascent_m", sa.Float(), nullable=True),
        sa.Column("device", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("gear", sa.Text(), nullable=False),
        sa.Column("rpe", sa.Float(), nullable=True),
        sa.Column("source_name", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("session_index", sa.Integer(), nullable=False),
        sa.Column("samples_key", sa.String(length=200), nullable=True),
        sa.Column("hr_histogram", sa.LargeBinary(), nullable=True),
        sa.Column("shoe_id", sa.Integer(), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("warnings", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["athlete_id"], ["athletes.id"], name="fk_activities_athlete_id_athletes", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["shoe_id"], ["shoes.id"], name="fk_activities_shoe_id_shoes", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_activities"),
        sa.UniqueConstraint(
            "athlete_id", "content_hash", "session_index",
            name="uq_activities_athlete_id_content_hash_session_index",
        ),
    )
    op.create_index("ix_activities_athlete_id_start_utc", "activities", ["athlete_id", "start_utc"])
    op.create_table(
        "imported_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("decoded_hash", sa.String(length=64), nullable=True),
        sa.Column("source_name", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("n_activities", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["athlete_id"], ["athletes.id"], name="fk_imported_files_athlete_id_athletes", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_imported_files"),
        sa.UniqueConstraint("athlete_id", "content_hash", name="uq_imported_files_athlete_id_content_hash"),
    )


def downgrade() -> None:
    op.drop_table("imported_files")
    op.drop_index("ix_activities_athlete_id_start_utc", table_name="activities")
    op.drop_table("activities")
    op.drop_index("ix_shoe_assignments_shoe_id", table_name="shoe_assignments")
    op.drop_table("shoe_assignments")
    op.drop_index("ix_shoes_athlete_id", table_name="shoes")
    op.drop_table("shoes")
    op.drop_table("athletes")
