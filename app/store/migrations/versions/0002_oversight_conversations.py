"""Oversight's other conversations: review minutes, explanation, spend and decisions; the
engagement's promised price, cost growth and adoption (frozen DDL: never edit, add a revision).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from app.store.migrations.portable import run

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run("ALTER TABLE engagement ADD COLUMN quote_amount FLOAT")
    run("ALTER TABLE engagement ADD COLUMN quote_currency VARCHAR NOT NULL DEFAULT ''")
    run("ALTER TABLE engagement ADD COLUMN cost_growth_pct FLOAT")
    run("ALTER TABLE engagement ADD COLUMN cost_threshold FLOAT NOT NULL DEFAULT 0.25")
    run("ALTER TABLE engagement ADD COLUMN adoption_promises JSON NOT NULL DEFAULT '[]'")
    run("ALTER TABLE monthly_review ADD COLUMN minutes FLOAT")
    run("ALTER TABLE monthly_review ADD COLUMN explained BOOLEAN NOT NULL DEFAULT 1")
    run("ALTER TABLE monthly_review ADD COLUMN spend_amount FLOAT")
    run("ALTER TABLE monthly_review ADD COLUMN spend_currency VARCHAR NOT NULL DEFAULT ''")
    run(
        "CREATE TABLE review_decision (\n\tid INTEGER NOT NULL, \n\treview_id INTEGER NOT NULL, \n\ttext VARCHAR NOT NULL, "
        "\n\towner VARCHAR NOT NULL, \n\tdue DATE, \n\tdecided_on DATE, \n\tposition INTEGER NOT NULL, \n\tPRIMARY KEY (id), "
        "\n\tFOREIGN KEY(review_id) REFERENCES monthly_review (id) ON DELETE CASCADE\n)"
    )
    run("CREATE INDEX ix_review_decision_review_id ON review_decision (review_id)")


def downgrade() -> None:
    raise NotImplementedError("Diligence does not downgrade workspaces; restore a backup instead")
