"""Evidence in the workspace: blob files addressed by SHA-256, page rows and the full-text index.

Blobs live in the workspace's `documents/` folder as `documents/<first two hex>/<sha256>`; a
blob is written to a temporary file in `documents/.incoming/`, flushed to disk and renamed into
place, so a blob file is always whole. Its database row is written only after that, in the
caller's transaction: a kill in between leaves at most an unreferenced, whole file (reused by
the next add of the same bytes, removed by `sweep_unreferenced`), never a row without its file.

Full-text search is SQLite FTS5 (BM25 ranking, snippet()) over `evidence_page`; `index_pages`,
`unindex_pages`, `rebuild_index` and `search_pages` are the only code that knows it.

A team workspace (PostgreSQL, schema 0009) has no folder: a blob's bytes are a row of
`evidence_blob_data`, written by `keep_blob_bytes` in the same transaction as the blob's row (a
kill leaves both or neither), deleted with it by the foreign key's cascade. Files are staged in
a private local folder (`local_folder`), which also keeps copies of stored blobs for viewers and
exports (`blob_file`, checked against their SHA-256). Search there is a generated tsvector column
of `evidence_page` with a GIN index over the words FTS5 would take (schema 0010), ranked by
FTS5's BM25 computed in SQL (`_search_tsvector`: the same pages in the same order as a folder),
and excerpted by ts_headline with the same highlight and ellipsis marks as FTS5's snippet().
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlalchemy import text
from sqlmodel import Session

from app.domain.evidence import ELLIPSIS, HIGHLIGHT
from app.store.blob_files import (
    STRAY_AGE_SECONDS as STRAY_AGE_SECONDS,  # where blob files are, named here as before
)
from app.store.blob_files import UNINDEX_PAGES, UNREFERENCED_BLOB
from app.store.blob_files import blob_path as blob_path
from app.store.blob_files import remove_blob_files as remove_blob_files
from app.store.blob_files import stale as stale
from app.store.blob_files import stored_digests as stored_digests
from app.store.blob_files import stray_digests as stray_digests


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":  # Windows cannot open a folder to flush it; its renames are durable
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass
class StagedBlob:
    """A copy of a file in `documents/.incoming/`, hashed while copied: extraction reads exactly
    the bytes that will be stored. `commit_blob` renames it into place; `discard` deletes it."""

    folder: Path
    tmp: Path
    sha256: str
    size: int

    def discard(self) -> None:
        self.tmp.unlink(missing_ok=True)


def _incoming(folder: Path) -> Path:
    """The folder copies are staged in; parts over an hour old (a process killed while copying)
    are deleted on the way."""
    incoming = folder / ".incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    for part in incoming.glob("*.part"):
        if stale(part):
            with contextlib.suppress(OSError):
                part.unlink()
    return incoming


def stage_blob(folder: Path, source: Path, cancel: Callable[[], bool] | None = None,
               chunk_done: Callable[[int], None] | None = None) -> StagedBlob:
    """Copy `source` into the workspace's incoming folder, hashing it; flushed to disk.

    `cancel()` returning True stops the copy (InterruptedError, nothing left behind);
    `chunk_done(bytes so far)` reports progress."""
    incoming = _incoming(folder)
    fd, tmp_name = tempfile.mkstemp(dir=incoming, suffix=".part")
    tmp = Path(tmp_name)
    try:
        digest = hashlib.sha256()
        size = 0
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            while chunk := src.read(1024 * 1024):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
                if cancel is not None and cancel():
                    raise InterruptedError("cancelled")
                if chunk_done is not None:
                    chunk_done(size)
            out.flush()
            os.fsync(out.fileno())
        return StagedBlob(folder, tmp, digest.hexdigest(), size)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class _HashingWriter:
    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.out.write(data)


def stage_stream(folder: Path, fill: Callable[[IO[bytes]], object]) -> StagedBlob:
    """Like stage_blob, for bytes that come from elsewhere (a bundle): `fill(fh)` writes them."""
    incoming = _incoming(folder)
    fd, tmp_name = tempfile.mkstemp(dir=incoming, suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            writer = _HashingWriter(out)
            fill(writer)  # type: ignore[arg-type]
            out.flush()
            os.fsync(out.fileno())
        return StagedBlob(folder, tmp, writer.digest.hexdigest(), writer.size)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def commit_blob(staged: StagedBlob) -> bool:
    """Rename a staged copy to its address; True when the file is new. An existing blob of the
    same digest and size is kept (same bytes, one file) and the staged copy is dropped."""
    target = blob_path(staged.folder, staged.sha256)
    if target.exists() and target.stat().st_size == staged.size:
        staged.discard()
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staged.tmp, target)
    _fsync_dir(target.parent)
    return True


def write_blob(folder: Path, sha256: str, data: bytes) -> bool:
    """Store bytes known to have this digest (a bundle being imported); True when new."""
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ValueError("the data does not have the digest it claims")
    incoming = _incoming(folder)
    fd, tmp_name = tempfile.mkstemp(dir=incoming, suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return commit_blob(StagedBlob(folder, tmp, sha256, len(data)))


def sweep_unreferenced(s: Session, folder: Path, candidates: Iterable[str]) -> list[str]:
    """Drop the blob rows among `candidates` that no document refers to any more (with their
    pages and index entries); return the digests whose files may be deleted once the caller's
    transaction commits, together with files no row refers to that are over an hour old (left
    by a kill between a file and its row). For a team workspace, whose `folder` is this
    computer's local copies; a folder workspace's files are deleted by
    app.services.evidence_cleanup, which also keeps those a backup needs."""
    orphans = [sha for sha in dict.fromkeys(candidates) if s.execute(text(UNREFERENCED_BLOB), {"sha": sha}).first()]
    for sha in orphans:
        unindex_pages(s, sha)
        s.execute(text("DELETE FROM evidence_page WHERE sha256 = :sha"), {"sha": sha})
        s.execute(text("DELETE FROM evidence_blob WHERE sha256 = :sha"), {"sha": sha})
    known = {r[0] for r in s.execute(text("SELECT sha256 FROM evidence_blob")).all()}
    return sorted(set(orphans) | set(stray_digests(folder, known)))


def check_blob_file(folder: Path, sha256: str, size: int) -> None:
    """Inside the transaction writing a blob's row (after its first write, so holding the write
    lock): FileNotFoundError when its file is not there whole (a clean-up took it meanwhile)."""
    try:
        if blob_path(folder, sha256).stat().st_size == size:
            return
    except OSError:
        pass
    raise FileNotFoundError(f"the file {sha256} is no longer in {folder}")


def missing_blob_files(s: Session, folder: Path) -> list[tuple[str, str]]:
    """(digest, what is wrong) for each stored blob whose file is gone or has another size."""
    out: list[tuple[str, str]] = []
    for sha, size in s.execute(text("SELECT sha256, size FROM evidence_blob ORDER BY sha256")).all():
        path = blob_path(folder, sha)
        try:
            found = path.stat().st_size
        except OSError:
            out.append((sha, "missing"))
            continue
        if found != size:
            out.append((sha, f"{found:,} bytes instead of {size:,}"))
    return out


def missing_blob_bytes(s: Session) -> list[tuple[str, str]]:
    """missing_blob_files for a team workspace: blobs whose bytes row is gone or has another size."""
    rows = s.execute(text(
        "SELECT b.sha256, b.size, length(d.content) FROM evidence_blob b "
        "LEFT JOIN evidence_blob_data d ON d.sha256 = b.sha256 ORDER BY b.sha256")).all()
    return [(sha, "missing" if found is None else f"{found:,} bytes instead of {size:,}")
            for sha, size, found in rows if found != size]


# ----- blobs kept in the database (a team workspace) ---------------------------------------------


def in_database(s: Session) -> bool:
    """True when this workspace keeps blobs' bytes in the database (PostgreSQL), not as files."""
    return bool(s.get_bind().dialect.name == "postgresql")


def local_folder() -> Path:
    """This computer's private folder for a team workspace's blobs: staged adds and copies read
    back for viewing or exporting (addressed by SHA-256 like a folder workspace's `documents/`)."""
    import getpass

    try:
        user = getpass.getuser()
    except Exception:  # no name to be found (a container without passwd entry)
        user = str(os.getpid())
    folder = Path(tempfile.gettempdir()) / f"diligence-{re.sub(r'[^A-Za-z0-9_.-]', '_', user)}" / "documents"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def keep_blob_bytes(s: Session, sha256: str, source: Path) -> None:
    """Store the bytes of `source` as the blob `sha256` (its evidence_blob row already flushed),
    in the caller's transaction; ValueError when the bytes do not have that digest."""
    data = source.read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ValueError("the data does not have the digest it claims")
    s.execute(text("INSERT INTO evidence_blob_data (sha256, content) VALUES (:sha, :data) "
                   "ON CONFLICT (sha256) DO NOTHING"), {"sha": sha256, "data": data})


def blob_bytes(s: Session, sha256: str) -> bytes | None:
    """A blob's bytes kept in the database (None when it holds none for that digest)."""
    found = s.execute(text("SELECT content FROM evidence_blob_data WHERE sha256 = :sha"), {"sha": sha256}).first()
    return None if found is None else bytes(found[0])


def blob_file(s: Session, folder: Path, sha256: str) -> Path:
    """A readable file holding the blob: its file in a folder workspace; on a team workspace a
    copy in the local folder, written from the database when missing or not whole.
    FileNotFoundError when the workspace holds no such bytes."""
    path = blob_path(folder, sha256)
    if not in_database(s):
        return path
    size = s.execute(text("SELECT size FROM evidence_blob WHERE sha256 = :sha"), {"sha": sha256}).scalar()
    with contextlib.suppress(OSError):
        if size is not None and path.stat().st_size == size:
            return path
    data = blob_bytes(s, sha256)
    if data is None:
        raise FileNotFoundError(f"the workspace holds no document with SHA-256 {sha256}")
    write_blob(folder, sha256, data)
    return path


# ----- the full-text index (SQLite FTS5; a tsvector column on PostgreSQL) ------------------------


def index_pages(s: Session, sha256: str) -> None:
    """Add a blob's pages (already in evidence_page) to the full-text index."""
    if in_database(s):
        return  # a generated column: PostgreSQL indexes each page as it is written
    s.execute(text("INSERT INTO evidence_fts(rowid, text) SELECT id, text FROM evidence_page "
                   "WHERE sha256 = :sha"), {"sha": sha256})


def unindex_pages(s: Session, sha256: str) -> None:
    """Remove a blob's pages from the index (before their rows are deleted)."""
    if in_database(s):
        return
    s.execute(text(UNINDEX_PAGES), {"sha": sha256})


def rebuild_index(s: Session) -> None:
    """Rebuild the whole index from evidence_page (after rows were copied in without it)."""
    if in_database(s):
        return
    s.execute(text("INSERT INTO evidence_fts(evidence_fts) VALUES ('rebuild')"))


_TERM = re.compile(r"[^\W_]+", re.UNICODE)
_BM25_K1, _BM25_B = 1.2, 0.75  # FTS5's bm25() constants, used on PostgreSQL too
MAX_TERMS = 32
# Words too common to say where something is answered; dropped from a query that has others.
STOP_WORDS = frozenset("""
a an and are as at be been but by can could did do does for from had has have how i if in into is it its
me my no not of on or our so than that the their them then there these they this those to us was we were
what when where which who whom why will with would you your
""".split())


def query_words(query: str) -> list[str]:
    """The words to look for in what a person typed (letters and digits only, each once, lower
    case); very common words are left out unless there is nothing else."""
    seen: list[str] = []
    for word in _TERM.findall(query.casefold()):
        if word not in seen:
            seen.append(word)
    kept = [w for w in seen if w not in STOP_WORDS] or seen
    return kept[:MAX_TERMS]


def match_expression(query: str) -> str:
    """An FTS5 query from what a person typed: each word a quoted term, any of them may match
    (BM25 ranks pages holding more and rarer words first). Operators and syntax in the text are
    never interpreted; an empty string when there is no word to look for."""
    return " OR ".join(f'"{w}"' for w in query_words(query))


@dataclass(frozen=True)
class PageHit:
    document_id: int
    page: int
    rank: float
    snippet: str


def search_pages(s: Session, vendor_id: int, query: str, limit: int = 10,
                 snippet_words: int = 16) -> list[PageHit]:
    """The best pages of a vendor's documents for `query`, best first (BM25; lower is better)."""
    if in_database(s):
        return _search_tsvector(s, vendor_id, query_words(query), limit, snippet_words)
    expression = match_expression(query)
    if not expression:
        return []
    params: dict[str, object] = {"vendor": vendor_id, "q": expression, "limit": limit, "open": HIGHLIGHT[0],
                                 "close": HIGHLIGHT[1], "ell": ELLIPSIS, "words": snippet_words}
    # Rank first, then make excerpts for the pages kept only: snippet() in the ranking query
    # would run for every matching page before the sort.
    ranked = s.execute(text(
        "SELECT evidence_fts.rowid, d.id, p.number, bm25(evidence_fts) AS rank "
        "FROM evidence_fts JOIN evidence_page p ON p.id = evidence_fts.rowid "
        "JOIN evidence_document d ON d.sha256 = p.sha256 "
        "WHERE evidence_fts MATCH :q AND d.vendor_id = :vendor "
        "ORDER BY rank, d.position, d.id, p.number LIMIT :limit"), params).all()
    if not ranked:
        return []
    pages = ", ".join(f":p{i}" for i in range(len(ranked)))
    params.update({f"p{i}": r[0] for i, r in enumerate(ranked)})
    snippets = dict(s.execute(text(
        "SELECT rowid, snippet(evidence_fts, 0, :open, :close, :ell, :words) FROM evidence_fts "
        f"WHERE evidence_fts MATCH :q AND rowid IN ({pages})"), params).all())
    rows = [(r[1], r[2], r[3], snippets.get(r[0], "")) for r in ranked]
    return [PageHit(int(r[0]), int(r[1]), float(r[2]), str(r[3])) for r in rows]


def _search_tsvector(s: Session, vendor_id: int, words: list[str], limit: int, snippet_words: int) -> list[PageHit]:
    """search_pages on PostgreSQL: any word may match, ranked by FTS5's own BM25 computed from the
    same counts (so a folder and its copy on a server list the same pages in the same order), and
    excerpted by ts_headline for the pages kept, marked as FTS5 marks them.

    FTS5's bm25(): for each query word w found on a page, idf(w) * f * (k1 + 1) / (f + k1 * (1 - b
    + b * D / avgD)), summed and negated (lower is better), with k1 = 1.2, b = 0.75, f how often w
    is on the page, D the page's words, avgD the average over every page of the workspace, and
    idf(w) = ln((N - n + 0.5) / (n + 0.5)) for N pages of which n hold w (1e-6 when not above 0).
    Words are taken alike on both engines (migration 0010: lower case, accents off Latin letters,
    split at anything but letters and digits): f comes from the tsvector's positions, D from
    `word_count`. (A tsvector keeps at most 256 places of one word on a page and none past its
    16,383rd word: only a page saying one word more often than that, or a page longer than that,
    ranks differently from a folder.) The excerpts are PostgreSQL's ts_headline of the page."""
    if not words or limit <= 0:
        return []
    # Each word is letters and digits only (query_words, and checked again below): nothing in it is
    # tsquery syntax.
    params: dict[str, object] = {"vendor": vendor_id, "words": words, "limit": limit, "k1": _BM25_K1, "b": _BM25_B}
    ranked = s.execute(text(
        "WITH corpus AS MATERIALIZED (SELECT count(*)::float8 AS n, coalesce(avg(word_count), 0)::float8 AS avg_d "
        "FROM evidence_page), "
        # The words as the pages' words are taken (lower case, no accents: "café" finds "cafe").
        "terms AS MATERIALIZED (SELECT btrim(diligence_search_text(w)) AS word "
        "  FROM unnest(CAST(:words AS text[])) AS w WHERE btrim(diligence_search_text(w)) ~ '^[[:alnum:]]+$'), "
        "idf AS MATERIALIZED (SELECT terms.word, CASE WHEN x.idf > 0 THEN x.idf ELSE 1e-6 END AS idf "
        "  FROM terms CROSS JOIN corpus, "
        "  LATERAL (SELECT count(*)::float8 AS n FROM evidence_page h WHERE h.words @@ to_tsquery('simple', terms.word)) AS hits, "
        "  LATERAL (SELECT ln((corpus.n - hits.n + 0.5) / (hits.n + 0.5)) AS idf) AS x), "
        "query AS MATERIALIZED (SELECT to_tsquery('simple', string_agg(word, ' | ')) AS q, "
        "  array_agg(word) AS words FROM terms), "
        "pages AS MATERIALIZED (SELECT p.id, d.id AS document, p.number, d.position, p.word_count, "
        "  ts_filter(setweight(p.words, 'A', query.words), '{a}') AS found "
        "  FROM query, evidence_page p JOIN evidence_document d ON d.sha256 = p.sha256 "
        "  WHERE p.words @@ query.q AND d.vendor_id = :vendor) "
        "SELECT pages.id, pages.document, pages.number, "
        "  -sum(idf.idf * (t.f * (:k1 + 1)) / (t.f + :k1 * (1 - :b + :b * pages.word_count / corpus.avg_d))) AS rank "
        "FROM pages CROSS JOIN corpus "
        "CROSS JOIN LATERAL (SELECT v.lexeme, cardinality(v.positions)::float8 AS f FROM unnest(pages.found) AS v) AS t "
        "JOIN idf ON idf.word = t.lexeme "
        "GROUP BY pages.id, pages.document, pages.number, pages.position "
        "ORDER BY rank, pages.position, pages.document, pages.number LIMIT :limit"), params).all()
    if not ranked:
        return []
    options = (f"StartSel={HIGHLIGHT[0]}, StopSel={HIGHLIGHT[1]}, MaxWords={max(snippet_words, 2)}, "
               f"MinWords={max(snippet_words // 2, 1)}, ShortWord=0, HighlightAll=false")
    rows = s.execute(text(
        "SELECT p.id, p.text, ts_headline('simple', p.text, to_tsquery('simple', :q), :options) "
        "FROM evidence_page p WHERE p.id = ANY(:ids)"),
        {"q": " | ".join(words), "options": options, "ids": [r[0] for r in ranked]}).all()
    snippets = {r[0]: _with_ellipses(r[1], r[2]) for r in rows}
    return [PageHit(int(r[1]), int(r[2]), float(r[3]), snippets.get(r[0], "")) for r in ranked]


def _with_ellipses(page: str, headline: str) -> str:
    """An excerpt marked where it leaves out the page's beginning or end, as FTS5's snippet() does."""
    plain = headline.replace(HIGHLIGHT[0], "").replace(HIGHLIGHT[1], "").strip()
    if not plain:
        return headline
    whole = page.strip()
    start = "" if whole.startswith(plain) else ELLIPSIS
    end = "" if whole.endswith(plain) else ELLIPSIS
    return f"{start}{headline.strip()}{end}"
