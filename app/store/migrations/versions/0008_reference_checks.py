"""Reference checks: our calls to a vendor's references (frozen DDL: never edit, add a revision).

Written with SQLAlchemy types, so that both engines (SQLite, PostgreSQL) build it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reference_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("company", sa.String(), nullable=False),
        sa.Column("confirmed_production", sa.Boolean(), nullable=False),
        sa.Column("stage", sa.String(), nullable=False),
        sa.Column("industry", sa.String(), nullable=False),
        sa.Column("by", sa.String(), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["vendor_id"], ["vendor.id"], ondelete="CASCADE"),
    )
    op.create_index("ix_reference_check_vendor_id", "reference_check", ["vendor_id"])


def downgrade() -> None:
    raise NotImplementedError("Diligence does not downgrade workspaces; restore a backup instead")
