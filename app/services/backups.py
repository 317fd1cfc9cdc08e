"""Backups of a workspace: on demand, rolling automatic copies on close, listing and restoring.

Every copy goes through SQLite's online backup API, so it is consistent even while the
workspace is open and being written. Copies live in the workspace's backups folder
(`<workspace>/backups/`) and are named `<db>-<kind>-<YYYYmmdd-HHMMSS-micro>.sqlite`:

- `auto`: written when the app closes after a change; only the newest KEEP_AUTOMATIC are kept;
- `manual`: `diligence backup` or Tools ▸ Back up now…; never pruned;
- `before-restore`, `before-migration-from-<rev>`: safety copies; never pruned.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from app.services.errors import InputError

if TYPE_CHECKING:
    from app.store.server import ServerWorkspace
from app.store.workspace import (
    HEAD,
    KNOWN_REVISIONS,
    LOCK_WAIT_SECONDS,
    Workspace,
    WorkspaceError,
    acquire_lock,
    backup_copy,
    backup_dir,
    connect,
    content_digest,
    database_path,
    explain,
    online_copy,
    open_workspace,
    sqlite_uri,
)

KEEP_AUTOMATIC = 10  # rolling automatic backups kept per workspace (documented in docs/reliability.md)
AUTO = "auto"
MANUAL = "manual"
BEFORE_RESTORE = "before-restore"

_NAME = re.compile(r"^(?P<stem>.+?)-(?P<kind>auto|manual|before-restore|before-migration-from-[^-]+)-(?P<stamp>\d{8}-\d{6}-\d{6})\.sqlite$")


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    kind: str  # auto | manual | before-restore | before-migration-from-<rev>
    created: datetime
    size: int

    @property
    def label(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M:%S} — {self.description}"

    @property
    def description(self) -> str:
        if self.kind.startswith("before-migration-from-"):
            return f"before the upgrade from schema {self.kind.rsplit('-', 1)[-1]}"
        return {AUTO: "automatic (on close)", MANUAL: "made by hand", BEFORE_RESTORE: "before a restore"}.get(
            self.kind, self.kind)


def _db(where: Workspace | Path | str) -> Path:
    return where.db if isinstance(where, Workspace) else database_path(Path(where).expanduser())


def _online_copy(src: Path, target: Path) -> None:
    """A proved copy of `src` at `target` (see store.workspace.online_copy), errors for a person."""
    try:
        source = connect(src, read_only=True)
        try:
            online_copy(source, src, target)
        finally:
            source.close()
    except sqlite3.DatabaseError as exc:
        if "full" in str(exc) or "locked" in str(exc) or "busy" in str(exc):
            raise InputError(f"no backup was written ({explain(target, exc)})", str(target)) from None
        raise WorkspaceError(f"{src} could not be backed up ({exc}); it may be damaged") from None
    except OSError as exc:
        raise InputError(f"cannot write the backup there ({exc.strerror})", str(target)) from None


def backup(ws: Workspace, out: Path | None = None) -> Path:
    """Write a consistent copy of the workspace to `out`, or into its backups folder.

    A team workspace has no backups folder: it is copied to `out` as a folder workspace's
    database file (one snapshot of the server), and backed up on the server with pg_dump.
    """
    from app.store.server import ServerWorkspace

    if isinstance(ws, ServerWorkspace):
        return _server_to_file(ws, out)
    if out is None:
        return _into_folder(ws.db, MANUAL)
    out = Path(out).expanduser()
    if out.is_dir():
        out = out / f"{ws.db.stem}-{MANUAL}-{datetime.now():%Y%m%d-%H%M%S-%f}.sqlite"
    if out.exists() and out.resolve() == ws.db.resolve():
        raise InputError("a backup cannot overwrite the workspace itself", str(out))
    if out.exists() and (out.resolve().parent == backup_dir(ws.db).resolve() or not out.is_file()
                         or out.resolve().name.startswith(ws.db.name)):
        raise InputError("a backup never replaces another backup, the workspace's files or a device; "
                         "give a new file name", str(out))
    if not out.parent.is_dir():
        raise InputError("the folder does not exist", str(out.parent))
    _online_copy(ws.db, out)
    return out


def _server_to_file(ws: ServerWorkspace, out: Path | None) -> Path:
    from app.services.workspace_copy import copy_workspace

    if out is None:
        raise InputError("a team workspace on a server is backed up by whoever runs the server (pg_dump), or "
                         "copied to a file here: give --out FILE (docs/team.md)", ws.label)
    out = Path(out).expanduser()
    if out.is_dir():
        out = out / f"diligence-{MANUAL}-{datetime.now():%Y%m%d-%H%M%S-%f}.sqlite"
    if out.exists():
        raise InputError("a backup never replaces another file; give a new file name", str(out))
    if not out.parent.is_dir():
        raise InputError("the folder does not exist", str(out.parent))
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".diligence-backup-") as tmp:
        copy_workspace(ws, Path(tmp) / "ws")
        os.replace(Path(tmp) / "ws" / "diligence.sqlite", out)
    return out


def _into_folder(db: Path, kind: str) -> Path:
    folder = backup_dir(db)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the backups folder ({exc.strerror})", str(folder)) from None
    target = folder / f"{db.stem}-{kind}-{datetime.now():%Y%m%d-%H%M%S-%f}.sqlite"
    _online_copy(db, target)
    return target


def list_backups(where: Workspace | Path | str) -> list[BackupInfo]:
    """The workspace's backups, newest first."""
    db = _db(where)
    folder = backup_dir(db)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob("*.sqlite"):
        m = _NAME.match(path.name)
        if m is None or m["stem"] != db.stem:
            continue
        created = datetime.strptime(m["stamp"], "%Y%m%d-%H%M%S-%f")
        found.append(BackupInfo(path, m["kind"], created, path.stat().st_size))
    return sorted(found, key=lambda b: (b.created, b.path.name), reverse=True)


def _changed_since(db: Path, backup_file: Path) -> bool:
    """Whether the workspace's rows differ from the backup's (compared by content, not file times:
    the -wal file's time moves whenever the app runs, even when nothing was edited)."""
    try:
        current, previous = connect(db, read_only=True), connect(backup_file, immutable=True)
        try:
            return content_digest(current) != content_digest(previous)
        finally:
            current.close()
            previous.close()
    except sqlite3.DatabaseError:
        return True  # an unreadable previous copy is no reason to skip a new one


def automatic_backup(ws: Workspace, keep: int = KEEP_AUTOMATIC) -> Path | None:
    """The rolling backup taken when the app closes: skipped when nothing changed since the last one."""
    if ws.read_only or not ws.db.exists():
        return None
    autos = [b for b in list_backups(ws) if b.kind == AUTO]
    if autos and not _changed_since(ws.db, autos[0].path):
        return None
    path = _into_folder(ws.db, AUTO)
    prune(ws, keep)
    return path


def prune(where: Workspace | Path | str, keep: int = KEEP_AUTOMATIC) -> list[Path]:
    """Delete automatic backups beyond the newest `keep`; other kinds are never deleted."""
    autos = [b for b in list_backups(where) if b.kind == AUTO]
    removed = []
    for b in autos[keep:]:
        b.path.unlink(missing_ok=True)
        removed.append(b.path)
    return removed


def check_backup(path: Path) -> str:
    """The schema revision of a backup file; WorkspaceError when it is not a usable workspace."""
    path = Path(path)
    if not path.is_file():
        raise WorkspaceError(f"{path} does not exist")
    try:
        con = connect(path, immutable=True)
        try:
            (result,) = con.execute("PRAGMA quick_check").fetchone()
            row = con.execute("select version_num from alembic_version").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise WorkspaceError(f"{path} is not a usable backup ({exc})") from None
    if result != "ok":
        raise WorkspaceError(f"{path} is damaged ({result}); choose another backup")
    if row is None or row[0] not in KNOWN_REVISIONS:
        raise WorkspaceError(f"{path} was made by a newer version of Diligence; update Diligence to restore it")
    return str(row[0])


def restore(location: Path | str, backup_path: Path | str) -> Path | None:
    """Replace the workspace at `location` with a backup; the current contents are kept first.

    The workspace must be closed in every Diligence window. The write lock is taken FIRST and
    held to the end: the `before-restore` copy and the replacement happen in one transaction,
    so an import committing meanwhile is either in the copy (it came before) or waits and
    lands on top of the restored data (it came after); it is never lost between the two. A
    damaged current file is moved aside (renamed `…damaged-<stamp>`) and never deleted.
    Returns the path where the previous contents were kept (None when there were none).
    """
    db = database_path(Path(location).expanduser())
    source = Path(backup_path).expanduser()
    revision = check_backup(source)
    db.parent.mkdir(parents=True, exist_ok=True)
    lock = acquire_lock(db)
    if not lock.held:
        raise WorkspaceError(f"{db} is open in another Diligence window; close it before restoring")
    try:
        if not db.exists() or db.stat().st_size == 0:
            _online_copy(source, db)
            return None
        with tempfile.TemporaryDirectory(prefix="diligence-restore-") as scratch:
            if revision != HEAD:  # bring the backup's rows to this schema on a scratch copy first
                source = _migrated_copy(source, Path(scratch))
            try:
                dst = connect(db, timeout=LOCK_WAIT_SECONDS)
            except sqlite3.DatabaseError:
                return _replace_damaged(db, source)
            try:
                try:
                    dst.execute("ATTACH DATABASE ? AS restored", (sqlite_uri(source, immutable="1"),))
                    dst.execute("BEGIN IMMEDIATE")  # the write lock before anything else
                    # Read through a second connection: with the write lock held here, what it
                    # sees is final (a connection cannot copy while it holds the write lock).
                    kept = backup_copy(db, BEFORE_RESTORE)
                except (sqlite3.DatabaseError, WorkspaceError) as exc:
                    if dst.in_transaction:
                        dst.rollback()
                    if "locked" in str(exc) or "busy" in str(exc):
                        raise WorkspaceError(f"{db} is busy (another program is writing to it); nothing was "
                                             "changed, try again in a moment") from None
                    dst.close()
                    return _replace_damaged(db, source)
                _copy_rows(dst)
                dst.commit()
            finally:
                dst.close()
        return kept
    finally:
        lock.release()


def _replace_damaged(db: Path, source: Path) -> Path:
    kept = _move_aside(db)
    _online_copy(source, db)
    return kept


def _migrated_copy(backup_file: Path, scratch: Path) -> Path:
    """A copy of an older backup upgraded to this version's schema, in `scratch`."""
    copy = scratch / "restored.sqlite"
    _online_copy(backup_file, copy)
    open_workspace(copy, create=False).close()
    return copy


def _copy_rows(dst: sqlite3.Connection) -> None:
    """Replace every table of `main` with the rows of the attached `restored` database.

    A full-text index (the FTS5 table over the documents' pages, and its own tables) is not
    copied row by row but rebuilt from the restored pages: deleting from it looks up each row's
    current text, which the restore has already replaced (the index would then be damaged
    whenever a page changed since the backup)."""
    found = dst.execute("select name, sql from main.sqlite_master where type='table' and name not like 'sqlite_%'").fetchall()
    indexes = [name for name, sql in found if "USING FTS5" in (sql or "").upper()]
    for table, _sql in found:
        if any(table == index or table.startswith(f"{index}_") for index in indexes):
            continue
        q = '"' + table.replace('"', '""') + '"'
        cols = ", ".join('"' + r[1].replace('"', '""') + '"' for r in dst.execute(f"PRAGMA main.table_info({q})"))
        dst.execute(f"DELETE FROM main.{q}")
        dst.execute(f"INSERT INTO main.{q} ({cols}) SELECT {cols} FROM restored.{q}")
    for index in indexes:
        q = '"' + index.replace('"', '""') + '"'
        dst.execute(f"INSERT INTO main.{q}({q}) VALUES ('rebuild')")


def _move_aside(db: Path) -> Path:
    stamp = f"{datetime.now():%Y%m%d-%H%M%S}"
    aside = db.with_name(f"{db.name}.damaged-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        f = db.with_name(db.name + suffix)
        if f.exists():
            shutil.move(str(f), str(aside.with_name(aside.name + suffix)))
    return aside
