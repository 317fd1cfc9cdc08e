"""A folder workspace's document files (`documents/<aa>/<sha256>`) and the deletion of those that
removed documents left behind. Plain sqlite3 and the file system only (no SQLAlchemy), so that
the app can clean up while it opens a workspace without loading it.

What may be deleted is decided by `app.services.evidence_cleanup`; here is how:
- `unreferenced` lists the blobs no document refers to (a document removed in the app keeps its
  blob so that undo can bring it back), `drop_rows` deletes such blobs' rows, pages and index
  entries in one transaction (a blob a document came to refer to meanwhile is kept);
- `delete_files` deletes files no blob row refers to while holding the database's write lock: an
  add or an import writes a blob's row only after checking, under that same lock, that the file
  is there (`app.store.evidence.check_blob_file`), so no row is ever left without its file;
- `documents_in_backup` reads which documents a backup file lists (restoring it needs their files);
- `holds_its_digest` tells a file the app stored (its bytes have the SHA-256 it is named by) from
  someone's own file that happens to be named like one.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path

_HEX = re.compile(r"[0-9a-f]{64}")
STRAY_AGE_SECONDS = 3600.0


def blob_path(folder: Path, sha256: str) -> Path:
    if not _HEX.fullmatch(sha256):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return folder / sha256[:2] / sha256


def stored_digests(folder: Path) -> set[str]:
    """The digests of every blob file in the folder: files named by a SHA-256 in the sub-folder
    of its first two characters, where `blob_path` puts them (any other file is not ours)."""
    if not folder.is_dir():
        return set()
    return {p.name for p in folder.glob("??/*") if _HEX.fullmatch(p.name) and p.parent.name == p.name[:2]}


def stale(path: Path) -> bool:
    """A file without a row, old enough not to be another process's add about to write its row."""
    try:
        return time.time() - path.stat().st_mtime > STRAY_AGE_SECONDS
    except OSError:
        return False


def stray_digests(folder: Path, known: set[str]) -> list[str]:
    """Blob files no row refers to that are over an hour old (a kill between a file and its row,
    or a file kept for a backup; a younger one may be another process's add about to write its row)."""
    return sorted(sha for sha in stored_digests(folder) - known if stale(blob_path(folder, sha)))


def remove_blob_files(folder: Path, digests: Iterable[str]) -> None:
    """Delete blob files (after the transaction that dropped their rows has committed)."""
    for sha in digests:
        with contextlib.suppress(OSError):
            path = blob_path(folder, sha)
            path.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                path.parent.rmdir()  # only when empty


def holds_its_digest(folder: Path, sha256: str) -> bool:
    """Whether the file at a blob's address holds bytes with that SHA-256."""
    digest = hashlib.sha256()
    try:
        with blob_path(folder, sha256).open("rb") as fh:
            while chunk := fh.read(1024 * 1024):
                digest.update(chunk)
    except OSError:
        return False
    return digest.hexdigest() == sha256


# ----- rows (a folder workspace's SQLite database) -----------------------------------------------


def _has_table(con: sqlite3.Connection, name: str) -> bool:
    return con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


def known(con: sqlite3.Connection) -> set[str]:
    """Every blob the database holds."""
    if not _has_table(con, "evidence_blob"):
        return set()
    return {r[0] for r in con.execute("SELECT sha256 FROM evidence_blob")}


def unreferenced(con: sqlite3.Connection) -> list[str]:
    """The blobs no document refers to any more."""
    if not _has_table(con, "evidence_blob"):
        return []
    return [r[0] for r in con.execute(
        "SELECT b.sha256 FROM evidence_blob b WHERE NOT EXISTS "
        "(SELECT 1 FROM evidence_document d WHERE d.sha256 = b.sha256) ORDER BY b.sha256")]


# Shared with app.store.evidence (which runs them through SQLAlchemy): parameter `:sha`.
UNREFERENCED_BLOB = ("SELECT 1 FROM evidence_blob b WHERE b.sha256 = :sha AND NOT EXISTS "
                     "(SELECT 1 FROM evidence_document d WHERE d.sha256 = b.sha256)")
UNINDEX_PAGES = ("INSERT INTO evidence_fts(evidence_fts, rowid, text) SELECT 'delete', id, text "
                 "FROM evidence_page WHERE sha256 = :sha")


def drop_rows(con: sqlite3.Connection, digests: Iterable[str]) -> list[str]:
    """Delete, in one transaction, the rows (blob, pages, their search index entries) of the blobs
    among `digests` that no document refers to; the digests dropped. `con` is in autocommit mode."""
    wanted = list(dict.fromkeys(digests))
    if not wanted:
        return []
    dropped: list[str] = []
    con.execute("BEGIN IMMEDIATE")
    try:
        for sha in wanted:
            if con.execute(UNREFERENCED_BLOB, {"sha": sha}).fetchone() is None:
                continue
            con.execute(UNINDEX_PAGES, {"sha": sha})
            con.execute("DELETE FROM evidence_page WHERE sha256 = ?", (sha,))
            con.execute("DELETE FROM evidence_blob WHERE sha256 = ?", (sha,))
            dropped.append(sha)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return dropped


def delete_files(con: sqlite3.Connection, folder: Path, digests: Iterable[str]) -> list[str]:
    """Delete the files of `digests` that no blob row refers to, holding the write lock while doing
    so (see the module's docstring); the digests whose files are gone. `con` is in autocommit mode."""
    wanted = list(dict.fromkeys(digests))
    if not wanted:
        return []
    con.execute("BEGIN IMMEDIATE")
    try:
        marks = ", ".join("?" for _ in wanted)
        stored = {r[0] for r in con.execute(f"SELECT sha256 FROM evidence_blob WHERE sha256 IN ({marks})", wanted)}
        gone = [sha for sha in wanted if sha not in stored]
        remove_blob_files(folder, gone)
    finally:
        con.execute("ROLLBACK")
    return [sha for sha in gone if not blob_path(folder, sha).exists()]


def documents_in_backup(path: Path) -> set[str]:
    """The digests of the documents a backup file lists: restoring it needs their files.
    sqlite3.DatabaseError (or WorkspaceError) when the file cannot be read."""
    from app.store.workspace import connect

    con = connect(path, immutable=True)
    try:
        if not _has_table(con, "evidence_document"):
            return set()  # made before documents existed
        return {r[0] for r in con.execute("SELECT DISTINCT sha256 FROM evidence_document") if isinstance(r[0], str)}
    finally:
        con.close()
