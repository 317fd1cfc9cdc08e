"""Backup files kept inside a team workspace's database (frozen DDL: never edit, add a revision).

A folder workspace keeps its backups as files in `backups/`; a workspace on a server has no
folder, so `diligence workspace copy` carries a folder's backups into this table (name, kind,
time and the file's bytes) and writes them back out as files when the copy goes the other way.
A folder workspace leaves the table empty.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "backup_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("backup_file")
