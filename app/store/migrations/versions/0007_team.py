"""Team workspace people and roles: which login is which person with which role (`team_member`,
on both engines; unused in a folder workspace), and on PostgreSQL the group roles, grants,
row-level security policies and the audit trigger of app/store/team_security.py (frozen: never
edit, add a revision).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from app.store.migrations.portable import dialect

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "team_member",
        sa.Column("login", sa.String(), nullable=False),
        sa.Column("person", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("granted_by", sa.String(), nullable=False, server_default=""),
        sa.Column("granted_at", sa.DateTime(), nullable=False, server_default=sa.func.current_timestamp()),
        sa.PrimaryKeyConstraint("login"),
        sa.UniqueConstraint("person"),
    )
    if dialect() == "postgresql":
        from app.store import team_security

        team_security.install(op.get_bind())


def downgrade() -> None:
    raise NotImplementedError("Diligence does not downgrade workspaces; restore a backup instead")
