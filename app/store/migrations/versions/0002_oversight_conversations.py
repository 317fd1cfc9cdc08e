"""Oversight's other conversations: review minutes, explanation, spend and decisions; the
engagement's promised price, cost growth and adoption (frozen DDL: never edit, add a revision).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE engagement ADD COLUMN quote_amount FLOAT")
    op.execute("ALTER TABLE engagement ADD COLUMN quote_currency VARCHAR NOT NULL DEFAULT ''")
    op.execute("ALTER TABLE engagement ADD COLUMN cost_growth_pct FLOAT")
    op.execute("ALTER TABLE engagement ADD COLUMN cost_threshold FLOAT NOT NULL DEFAULT 0.25")
    op.execute("ALTER TABLE engagement ADD COLUMN adoption_promises JSON NOT NULL DEFAULT '[]'")
    op.execute("ALTER TABLE monthly_review ADD COLUMN minutes FLOAT")
    op.execute("ALTER TABLE monthly_review ADD COLUMN explained BOOLEAN NOT NULL DEFAULT 1")
    op.execute("ALTER TABLE monthly_review ADD COLUMN spend_amount FLOAT")
    op.execute("ALTER TABLE monthly_review ADD COLUMN spend_currency VARCHAR NOT NULL DEFAULT ''")
    op.execute(
        "CREATE TABLE review_decision (\n\tid INTEGER NOT NULL, \n\treview_id INTEGER NOT NULL, \n\ttext VARCHAR NOT NULL, "
        "\n\towner VARCHAR NOT NULL, \n\tdue DATE, \n\tdecided_on DATE, \n\tposition INTEGER NOT NULL, \n\tPRIMARY KEY (id), "
        "\n\tFOREIGN KEY(review_id) REFERENCES monthly_review (id) ON DELETE CASCADE\n)"
    )
    op.execute("CREATE INDEX ix_review_decision_review_id ON review_decision (review_id)")


def downgrade() -> None:
    raise NotImplementedError("Diligence does not downgrade workspaces; restore a backup instead")
