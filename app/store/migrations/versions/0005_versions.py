"""Version columns for optimistic concurrency: the rows two people may edit at once (organization
profile, use case, vendor profile, bank (its drafts saved as new versions), engagement,
engagement metric) count their saves, and a save
that finds another count than it read is refused (frozen DDL: never edit, add a revision).

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-27
"""

from alembic import op

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLES = ("organization", "use_case", "vendor", "bank", "engagement", "engagement_metric")


def upgrade() -> None:
    # The same words on SQLite and PostgreSQL; existing rows start at version 1.
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} ADD COLUMN version INTEGER NOT NULL DEFAULT 1")


def downgrade() -> None:
    raise NotImplementedError("Diligence does not downgrade workspaces; restore a backup instead")
