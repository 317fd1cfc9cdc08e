"""Search on a server ranks as in a folder (PostgreSQL only; frozen DDL: never edit, add a revision).

A folder workspace ranks search hits with SQLite FTS5's BM25 over its `unicode61` words: runs of
letters and digits, everything else a separator. PostgreSQL's own parser splits text otherwise
(it keeps "99.9", "iso-27001" and web addresses as words), so the same query could match other
pages and rank them in another order. Each page's words are now taken the way FTS5 takes them
(`diligence_search_text`: lower case, accents taken off Latin letters as FTS5's
`remove_diacritics 2` does, every run of non-letters-or-digits one space), and the number
of words on each page is kept (`word_count`), so that app/store/evidence.py computes FTS5's BM25
on the server from the same counts: how many pages, their average length, how many pages hold
each word, and how often this page does.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27
"""

from alembic import op

from app.store.migrations.portable import dialect

# FTS5's remove_diacritics 2 for Latin letters (U+00C0-U+024F): each letter with accents and
# its plain lower-case letter, as SQLite's tokenizer folds them (checked once against it).
ACCENTED = (
    "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆ"
    "ćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐő"
    "ŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛ"
    "ǜǞǟǦǧǨǩǪǫǬǭǰǴǵǸǹǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯȰȱ"
    "Ȳȳſ"
)
PLAIN = (
    "aaaaaaceeeeiiiinooooouuuuyaaaaaaceeeeiiiinooooouuuuyyaaaaaac"
    "cccccccddeeeeeeeeeegggggggghhiiiiiiiiijjkkllllllnnnnnnoooooo"
    "rrrrrrssssssssttttuuuuuuuuuuuuwwyyyzzzzzzoouuaaiioouuuuuuuuu"
    "uaaggkkoooojggnnaaaaaaeeeeiiiioooorrrruuuusstthhaaeeoooooooo"
    "yys"
)

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if dialect() != "postgresql":
        return
    # Lower case, accents off Latin letters, and one space for every run of anything else.
    op.execute("CREATE OR REPLACE FUNCTION diligence_search_text(t text) RETURNS text LANGUAGE sql "
               "IMMUTABLE PARALLEL SAFE AS $$ select regexp_replace(translate(lower(t), "
               f"'{ACCENTED}', '{PLAIN}'), '[^[:alnum:]]+', ' ', 'g') $$")
    op.execute("CREATE OR REPLACE FUNCTION diligence_word_count(t text) RETURNS integer LANGUAGE sql "
               "IMMUTABLE PARALLEL SAFE AS $$ select count(*)::integer from regexp_matches(t, '[[:alnum:]]+', 'g') $$")
    op.execute("DROP INDEX ix_evidence_page_words")
    op.execute("ALTER TABLE evidence_page DROP COLUMN words")
    op.execute("ALTER TABLE evidence_page ADD COLUMN words tsvector "
               "GENERATED ALWAYS AS (to_tsvector('simple', diligence_search_text(text))) STORED")
    op.execute("ALTER TABLE evidence_page ADD COLUMN word_count integer "
               "GENERATED ALWAYS AS (diligence_word_count(text)) STORED")
    op.execute("CREATE INDEX ix_evidence_page_words ON evidence_page USING gin (words)")


def downgrade() -> None:
    raise NotImplementedError("Diligence does not downgrade workspaces; restore a backup instead")
