"""Imported files are found by their bytes' hash across athletes: the same watch file imported under a second
athlete is said at import (a coach filed one runner's run under another), and the per-athlete unique constraint
(athlete_id first) cannot serve a lookup by hash alone.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""
from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_imported_files_content_hash", "imported_files", ["content_hash"])


def downgrade() -> None:
    op.drop_index("ix_imported_files_content_hash", table_name="imported_files")
