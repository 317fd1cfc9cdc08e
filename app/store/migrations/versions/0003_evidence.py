"""Evidence: vendors' documents (blobs addressed by SHA-256), their pages' text with a full-text
index, and the citations answers make to them (frozen DDL: never edit, add a revision).

The tables are written with SQLAlchemy types so that another database can build them; the
full-text index is SQLite's FTS5 and is made only there (app/store/evidence.py is the one place
that reads it).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evidence_blob",
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("stored_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "evidence_page",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sha256", "number"),
        sa.ForeignKeyConstraint(["sha256"], ["evidence_blob.sha256"], ondelete="CASCADE"),
    )
    op.create_table(
        "evidence_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("added_by", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("vendor_id", "sha256"),
        sa.ForeignKeyConstraint(["vendor_id"], ["vendor.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["sha256"], ["evidence_blob.sha256"]),
    )
    op.create_index("ix_evidence_document_vendor_id", "evidence_document", ["vendor_id"])
    op.create_index("ix_evidence_document_sha256", "evidence_document", ["sha256"])
    op.create_table(
        "evidence_citation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("qid", sa.String(), nullable=False),
        sa.Column("evaluator", sa.String(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("quote", sa.String(), nullable=False),
        sa.Column("cited_at", sa.DateTime(), nullable=False),
        sa.Column("cited_by", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["document_id"], ["evidence_document.id"], ondelete="CASCADE"),
    )
    op.create_index("ix_evidence_citation_document_id", "evidence_citation", ["document_id"])
    if op.get_bind().dialect.name == "sqlite":
        # External content: the text lives once, in evidence_page; the index holds only tokens.
        op.execute(
            "CREATE VIRTUAL TABLE evidence_fts USING fts5("
            "text, content='evidence_page', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 2')"
        )


def downgrade() -> None:
    raise NotImplementedError("Diligence does not downgrade workspaces; restore a backup instead")
