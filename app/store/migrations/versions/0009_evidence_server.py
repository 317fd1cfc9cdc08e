"""Vendors' documents on a team workspace (PostgreSQL only; frozen DDL: never edit, add a revision).

A folder workspace keeps each document's bytes as a file in `documents/` and searches pages
with SQLite's FTS5 index (0003). A server has no folder: the bytes go into `evidence_blob_data`
(one row per SHA-256, written in the same transaction as the blob's row, removed with it), and
each page's words into a generated `tsvector` column of `evidence_page` with a GIN index
(app/store/evidence.py reads both). The role grants are brought up to date for the new table
(app/store/team_security.py): everyone reads it, leads write it. SQLite is left unchanged.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27
"""

from alembic import op

from app.store.migrations.portable import dialect

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if dialect() != "postgresql":
        return
    op.execute(
        "CREATE TABLE evidence_blob_data ("
        "sha256 VARCHAR NOT NULL PRIMARY KEY REFERENCES evidence_blob (sha256) ON DELETE CASCADE, "
        "content BYTEA NOT NULL)"
    )
    # PDFs and Office files are compressed already: store them out of line without trying again.
    op.execute("ALTER TABLE evidence_blob_data ALTER COLUMN content SET STORAGE EXTERNAL")
    # 'simple': lower-cased words, no stemming and no stop words, like the folder's FTS5 index.
    op.execute("ALTER TABLE evidence_page ADD COLUMN words tsvector "
               "GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED")
    op.execute("CREATE INDEX ix_evidence_page_words ON evidence_page USING gin (words)")
    from app.store import team_security

    team_security.install(op.get_bind())


def downgrade() -> None:
    raise NotImplementedError("Diligence does not downgrade workspaces; restore a backup instead")
