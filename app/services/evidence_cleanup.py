"""Deleting what removed documents left behind, once nothing can need it any more.

Removing a document in the app keeps its bytes (its blob: file, pages, search index) so that
undo can bring it back (`evidence.remove_document(keep_bytes=True)`); removing a vendor keeps
its documents' bytes for the same reason. `clean_up` deletes them when nothing can: the app
calls it when it opens a workspace for writing (before anything can be undone in it) and when
it lets go of one (it opens another, or quits); the command line when it removes a document.

The rule (docs/formats.md, Evidence): a file is deleted only when
- no document in the workspace refers to its bytes;
- no other Diligence window has the workspace open for writing (its undo history could bring
  the document back): the Workspace must hold the lock, or the lock must be free (it is then
  held while cleaning); a workspace open read-only, and a team workspace (other people's
  windows may undo a removal there), are left alone;
- no backup in the workspace's backups folder lists a document with it (restoring the backup
  needs the file); when a backup there cannot be read, no file is deleted;
- it is a file the app stored: `<aa>/<sha256>` in `documents/`, holding bytes of that SHA-256;
  one no row refers to only once it is over an hour old (it may be an add in progress).
The removed documents' rows (their pages' text and index) are dropped from the database as soon
as no window can undo their removal, whether or not a backup still needs the file.

Plain sqlite3 (app.store.blob_files): the app runs this while it opens a workspace, before it
has loaded SQLAlchemy.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from app.services.backups import list_backups
from app.store import blob_files
from app.store.workspace import Workspace, WorkspaceError, acquire_lock, connect, documents_dir

BUSY_WAIT_SECONDS = 5.0  # how long a clean-up waits for another program's write (then it is left for next time)


@dataclass(frozen=True)
class CleanUp:
    """What `clean_up` did, by SHA-256: removed documents' bytes dropped from the database (with
    their pages and search index), the files deleted, and the files kept because a backup lists
    a document with them (or a backup could not be read)."""

    dropped: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
    kept_for_backups: tuple[str, ...] = ()


def clean_up(ws: Workspace, only: Iterable[str] | None = None) -> CleanUp:
    """Delete what removed documents left behind that nothing needs (the module's rule). `only`
    limits the removed documents' bytes looked at to those digests (files no row refers to are
    always looked at)."""
    if ws.kind != "file" or ws.read_only:
        return CleanUp()
    lock = None
    if ws.lock is None:
        lock = acquire_lock(ws.db)
        if not lock.held:  # another window has the workspace open for writing
            return CleanUp()
    elif not ws.lock.held:  # this window has let go of the workspace (a restore): not its moment
        return CleanUp()
    try:
        con = connect(ws.db, timeout=BUSY_WAIT_SECONDS)
        try:
            con.isolation_level = None  # transactions as blob_files begins them
            return _clean(ws, con, None if only is None else set(only))
        except sqlite3.OperationalError as exc:  # busy: another program is writing; next time, then
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            return CleanUp()
        finally:
            con.close()
    finally:
        if lock is not None:
            lock.release()


def _clean(ws: Workspace, con: sqlite3.Connection, only: set[str] | None) -> CleanUp:
    folder = documents_dir(ws.db)
    candidates = [sha for sha in blob_files.unreferenced(con) if only is None or sha in only]
    strays = blob_files.stray_digests(folder, blob_files.known(con))
    if not candidates and not strays:
        return CleanUp()
    needed = _needed_by_backups(ws)
    dropped = blob_files.drop_rows(con, candidates)
    files = [sha for sha in dropped if blob_files.blob_path(folder, sha).exists()]
    files += [sha for sha in strays if sha not in files]
    kept = sorted(files if needed is None else set(files) & needed)
    # A file no row refers to is read whole before it goes (is it one the app stored?): only
    # when it is to go, not at every clean-up while a backup keeps it.
    doomed = [sha for sha in files if sha not in kept and (sha in dropped or blob_files.holds_its_digest(folder, sha))]
    deleted = blob_files.delete_files(con, folder, doomed)
    return CleanUp(tuple(dropped), tuple(deleted), tuple(kept))


def _needed_by_backups(ws: Workspace) -> set[str] | None:
    """The digests of the documents the workspace's backups list; None when a backup cannot be
    read (it may list any of them)."""
    needed: set[str] = set()
    for backup in list_backups(ws):
        try:
            needed |= blob_files.documents_in_backup(backup.path)
        except (sqlite3.DatabaseError, WorkspaceError, OSError):
            return None
    return needed
