"""Opening a workspace: find it, refuse what we cannot read, migrate with a backup, lock it.

A workspace is a folder holding `diligence.sqlite` (plus `backups/`); a path to an existing
database file is accepted too. The schema version is read with the standard library so that
opening an up-to-date workspace never imports Alembic.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import shutil
import sqlite3
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from app.store.location import ENV_VAR, is_server_location

if TYPE_CHECKING:
    # SQLAlchemy takes about 0.3 s to import: it loads with the first query, not at start-up,
    # so the window can be painted before it (see docs/performance.md).
    from sqlalchemy.engine import Connection, Engine
    from sqlalchemy.exc import DBAPIError
    from sqlmodel import Session

DB_NAME = "diligence.sqlite"
APPLICATION_ID = 0x44494C49  # "DILI"
HEAD = "0011"
KNOWN_REVISIONS = ("0001", "0002", "0003", "0005", "0006", "0007", "0008", "0009", "0010", "0011")
MIGRATIONS = Path(__file__).parent / "migrations"
# How long a write waits for another process's transaction (a CLI import of a large file, a
# backup) before giving up; saves that still find the workspace busy say so (docs/reliability.md).
LOCK_WAIT_SECONDS = 30.0
# A row read a moment ago that a write then matched nothing of.
GONE_OR_NOT_ALLOWED = ("that was removed by someone else meanwhile, or your login is not allowed to change it. "
                       "Nothing was changed.")
DAMAGED_HINT = "restore a backup (Tools ▸ Restore from backup…, or copy one from the backups folder)"


class WorkspaceError(Exception):
    """A workspace that cannot be opened; the message says why and what to do."""


class NewerWorkspaceError(WorkspaceError):
    pass


class DiskFullError(WorkspaceError):
    """The disk is full: the data is as it was, and reading still works."""


def default_location() -> Path:
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("Diligence", "Diligence")) / "workspace"


def database_path(location: Path) -> Path:
    if location.is_file() or location.suffix.lower() in {".sqlite", ".db", ".diligence"}:
        return location
    return location / DB_NAME


def backup_dir(db: Path) -> Path:
    if db.name == DB_NAME:
        return db.parent / "backups"
    return db.with_name(db.name + ".backups")


def documents_dir(db: Path) -> Path:
    """Where the vendors' documents of the workspace whose database is `db` are kept."""
    if db.name == DB_NAME:
        return db.parent / "documents"
    return db.with_name(db.name + ".documents")


def sqlite_uri(db: Path, **params: str) -> str:
    """An SQLite URI for `db` with every character of the path quoted.

    A path goes into a URI only through here: SQLite stops reading a file name at an unquoted
    `#` or `?` and decodes `%`, so `f"file:{db}"` opens (and creates) some other file.
    """
    from urllib.parse import urlencode

    uri = Path(os.path.abspath(db)).as_uri()
    return f"{uri}?{urlencode(params)}" if params else uri


def connect(db: Path, *, read_only: bool = False, immutable: bool = False,
            timeout: float = LOCK_WAIT_SECONDS) -> sqlite3.Connection:
    """A plain sqlite3 connection to exactly `db` (URI-quoted), checked to be that file.

    `immutable` reads a file no one writes without creating -wal/-shm files. SQLite reports
    the file it opened; anything but `db` itself is refused before a row is read or written.
    """
    params = {"immutable": "1"} if immutable else {"mode": "ro"} if read_only else {}
    con = sqlite3.connect(sqlite_uri(db, **params), uri=True, timeout=timeout, check_same_thread=False)
    try:
        opened = next((row[2] for row in con.execute("PRAGMA database_list") if row[1] == "main"), "")
        if not opened or not os.path.exists(opened) or not os.path.samefile(opened, db):
            raise WorkspaceError(f"{db}: SQLite opened another file ({opened or 'none'}); nothing was changed")
    except BaseException:
        con.close()
        raise
    return con


def _check_header(db: Path, header: bytes, wal_holds_pages: bool = False) -> None:
    """Refuse a file cut short: SQLite's header states how many pages the file must hold."""
    if len(header) < 100:
        raise WorkspaceError(f"{db} is damaged (the file is cut short); {DAMAGED_HINT}")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    change_counter, pages, valid_for = header[24:28], int.from_bytes(header[28:32], "big"), header[92:96]
    if page_size < 512 or page_size & (page_size - 1):
        raise WorkspaceError(f"{db} is damaged (its header is not valid); {DAMAGED_HINT}")
    # The page count is only meaningful when written by SQLite 3.7+ in the same transaction.
    if pages and change_counter == valid_for and not wal_holds_pages and db.stat().st_size < pages * page_size:
        raise WorkspaceError(f"{db} is damaged (the file is cut short); {DAMAGED_HINT}")


def _page_size(db: Path) -> int:
    with open(db, "rb") as fh:
        header = fh.read(100)
    size = int.from_bytes(header[16:18], "big") if len(header) >= 18 else 0
    return 65536 if size == 1 else max(size, 512)


def _read_revision(db: Path) -> tuple[str | None, int]:
    """(alembic revision or None, number of tables) read with plain sqlite3."""
    try:
        with open(db, "rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise WorkspaceError(f"{db}: cannot be read ({exc.strerror})") from None
    if header and not header.startswith(b"SQLite format 3\x00"):
        raise WorkspaceError(f"{db} is not a Diligence workspace (it is not an SQLite database)")
    if not header:
        return None, 0
    wal = db.with_name(db.name + "-wal")
    # Without a -wal file everything is in the main file, and `immutable` reads it without
    # creating -wal/-shm files: a workspace we then refuse stays exactly as it was.
    has_wal = wal.exists() and wal.stat().st_size > 0
    # With one, a checkpoint stopped by a full disk leaves a header counting pages the main
    # file could not grow to, while the -wal still holds them: whole, not cut short.
    _check_header(db, header, wal_holds_pages=has_wal)
    try:
        con = connect(db, read_only=True, immutable=not has_wal)
        try:
            tables = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
            if "alembic_version" not in tables:
                return None, len(tables)
            row = con.execute("select version_num from alembic_version").fetchone()
            return (row[0] if row else None), len(tables)
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise WorkspaceError(f"{db} is damaged and cannot be opened ({exc}); {DAMAGED_HINT}") from None


def _on_connect(dbapi_con: sqlite3.Connection, _record: object) -> None:
    dbapi_con.execute("PRAGMA foreign_keys=ON")
    dbapi_con.execute(f"PRAGMA busy_timeout={int(LOCK_WAIT_SECONDS * 1000)}")
    dbapi_con.execute("PRAGMA synchronous=FULL")


def make_engine(db: Path, read_only: bool = False, immutable: bool = False) -> Engine:
    from sqlalchemy import event
    from sqlalchemy.pool import QueuePool
    from sqlmodel import create_engine

    # The connection is made here, not from a URL: SQLAlchemy decodes `%` in a URL's path and
    # cuts it at `?`, so a path can only travel safely as a quoted SQLite URI (see sqlite_uri).
    engine = create_engine("sqlite://", creator=lambda: connect(db, read_only=read_only, immutable=immutable),
                           poolclass=QueuePool)
    event.listen(engine, "connect", _on_connect)
    return engine


def migrate(db: Path | None, engine: Engine, connection: Connection | None = None) -> None:
    """Bring the schema to HEAD, on `connection` (in its transaction) or in a new one."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")
        return
    with engine.begin() as con:
        cfg.attributes["connection"] = con
        command.upgrade(cfg, "head")


def row_counts(con: sqlite3.Connection) -> dict[str, int]:
    """Rows in every table of the connection's main database (in its current read snapshot)."""
    names = [r[0] for r in con.execute("select name from sqlite_master where type='table' and name not like 'sqlite_%'")]
    return {n: con.execute(f'select count(*) from "{n.replace(chr(34), chr(34) * 2)}"').fetchone()[0] for n in names}


def content_digest(con: sqlite3.Connection) -> str:
    """A fingerprint of every row of every table: equal digests, equal data (file times say nothing)."""
    import hashlib

    digest = hashlib.sha256()
    names = sorted(r[0] for r in con.execute("select name from sqlite_master where type='table' and name not like 'sqlite_%'"))
    for name in names:
        digest.update(f"\0table {name}\0".encode())
        quoted = name.replace(chr(34), chr(34) * 2)
        try:
            rows: Iterable[Any] = con.execute(f'select * from "{quoted}" order by rowid')
        except sqlite3.OperationalError:  # a WITHOUT ROWID table (the full-text index's)
            rows = sorted(con.execute(f'select * from "{quoted}"').fetchall(), key=repr)
        for row in rows:
            digest.update(repr(tuple(row)).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def online_copy(source: sqlite3.Connection, src_name: Path, target: Path) -> int:
    """Copy the database behind `source` into `target` and prove the copy; the rows copied.

    The copy is written beside `target` and renamed into place only after it has been opened
    again and found whole: integrity check `ok` and, table by table, as many rows as the source
    held in the same snapshot. A source without tables is refused: there is nothing to keep.
    Raises WorkspaceError when the copy cannot be proved, OSError or sqlite3.Error as they come.
    """
    tmp = target.with_name(f".{target.name}.part")
    tmp.unlink(missing_ok=True)
    began = source.in_transaction is False
    try:
        if began:
            source.execute("BEGIN")  # one read snapshot for the counts and the copy
        expected = row_counts(source)
        if not expected:
            raise WorkspaceError(f"{src_name} holds no tables; there is nothing to back up")
        dest = connect(tmp)
        try:
            source.backup(dest)
            dest.execute("PRAGMA journal_mode=DELETE")  # a backup is one self-contained file
        finally:
            dest.close()
        if began:
            source.rollback()
        check = connect(tmp, immutable=True)
        try:
            (result,) = check.execute("PRAGMA quick_check").fetchone()
            found = row_counts(check)
        finally:
            check.close()
        if result != "ok" or found != expected:
            raise WorkspaceError(
                f"the backup of {src_name} did not come out whole ({result if result != 'ok' else 'rows differ'}); "
                "nothing was replaced")
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())  # the copy must be on disk before anything relies on it
        os.replace(tmp, target)
        return sum(found.values())
    except BaseException:
        if began and source.in_transaction:
            source.rollback()
        tmp.unlink(missing_ok=True)
        raise


def backup_copy(db: Path, label: str) -> Path:
    """A proved copy of the database (SQLite's online backup API) in its backups folder."""
    folder = backup_dir(db)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{db.stem}-{label}-{stamp}.sqlite"
    con = connect(db, read_only=True)
    try:
        online_copy(con, db, target)
    finally:
        con.close()
    return target


@dataclass
class Lock:
    path: Path
    handle: IO[str] | None
    owner: str = ""

    @property
    def held(self) -> bool:
        return self.handle is not None

    def release(self) -> None:
        if self.handle is not None:
            with contextlib.suppress(OSError):
                self.handle.close()
            self.handle = None


def _lock_file(fh: IO[str]) -> None:
    """An exclusive, non-blocking advisory lock held as long as `fh` stays open."""
    if sys.platform == "win32":
        import msvcrt

        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def acquire_lock(db: Path) -> Lock:
    """Take the workspace's advisory lock; `held` is False when another process has it.

    The lock file sits beside the real file: two paths to one database (a symlinked folder)
    meet at one lock, so two windows never both write.
    """
    db = Path(os.path.realpath(db))
    path = db.with_name(db.name + ".lock")
    fh = open(path, "a+")  # noqa: SIM115 - kept open for the life of the lock
    try:
        _lock_file(fh)
    except OSError:
        try:
            fh.seek(0)
            owner = fh.read().strip()
        except OSError:  # Windows refuses to read a locked range
            owner = ""
        fh.close()
        return Lock(path, None, owner)
    fh.seek(0)
    fh.truncate()
    fh.write(f"pid {os.getpid()} user {current_user()}\n")
    fh.flush()
    return Lock(path, fh)


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name is not worth failing over
        return "unknown"


class Workspace:
    """An open workspace: an engine and short sessions, one transaction per user action.

    `kind` is "file" here and "server" for a team workspace (app.store.server.ServerWorkspace).
    """

    kind = "file"

    def __init__(self, location: Path, db: Path, engine: Engine | None, read_only: bool, lock: Lock | None) -> None:
        self.location = location
        self.db = db
        self._engine = engine
        self.read_only = read_only
        self.lock = lock
        self.created = False
        self.unwritable = False  # read-only because the file or its folder cannot be written
        self.disk_full = False  # … because the disk is full

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine, made on first use so that opening a workspace stays cheap."""
        if self._engine is None:
            self._engine = make_engine(self.db, read_only=self.read_only, immutable=self.immutable_file())
        return self._engine

    def immutable_file(self) -> bool:
        """Where no -wal/-shm file can be made, a file without pending changes is read as immutable."""
        wal = self.db.with_name(self.db.name + "-wal")
        return self.unwritable and not (wal.exists() and wal.stat().st_size > 0)

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose work commits on success and rolls back entirely on any error.

        A read-only workspace refuses any change with a WorkspaceError; a damaged file
        surfaces as a WorkspaceError naming what to do rather than a driver traceback.
        """
        from sqlalchemy import event
        from sqlalchemy.exc import DBAPIError
        from sqlalchemy.orm.exc import StaleDataError
        from sqlmodel import Session

        with Session(self.engine, expire_on_commit=False) as s:
            if self.read_only:
                event.listen(s, "before_flush", self._refuse_write)
            try:
                yield s
                if self.read_only:
                    if s.new or s.dirty or s.deleted:
                        self._refuse_write()
                else:
                    s.commit()
            except DBAPIError as exc:
                s.rollback()
                raise self._explain(exc) from exc
            except StaleDataError:
                # A row read a moment ago matched nothing when written: removed meanwhile, or
                # on a team workspace hidden from this login by the server's row-level security.
                s.rollback()
                raise WorkspaceError(GONE_OR_NOT_ALLOWED) from None
            except BaseException:
                s.rollback()
                raise

    @property
    def label(self) -> str:
        """What a person calls this workspace: its folder, or the server's user@host:port/db."""
        return str(self.location)

    def _refuse_write(self, *_args: object) -> None:
        if self.disk_full:
            raise _disk_full(self.db)
        if self.unwritable:
            raise WorkspaceError(
                f"{self.location} is read-only (the file, its folder or its disk cannot be written); "
                "nothing was changed. Copy the workspace to a folder you can write to make changes.")
        raise WorkspaceError(
            f"{self.location} is open read-only (it is open in another Diligence window, or was opened "
            "read-only); nothing was changed. Close the other window and reopen the workspace to make changes."
        )

    def _explain(self, exc: DBAPIError) -> BaseException:
        text = str(exc.orig).lower()
        if "readonly" in text or "read-only" in text:
            try:
                self._refuse_write()
            except WorkspaceError as refusal:
                return refusal
        return explain(self.db, exc.orig or exc) or exc

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
        if self.lock is not None:
            self.lock.release()


def open_workspace(
    location: str | Path | None = None,
    *,
    create: bool = True,
    read_only: bool = False,
    lock: bool = False,
) -> Workspace:
    """Open (creating and migrating as needed) the workspace at `location`.

    Raises WorkspaceError with a message for a person when the file is not a workspace,
    is damaged, or was made by a newer version of Diligence. An address
    `postgresql://user@host:port/dbname` (given, or in DILIGENCE_WORKSPACE) opens a team
    workspace on that server (app.store.server).
    """
    target = location if location else os.environ.get(ENV_VAR)
    if is_server_location(target):
        from app.store.server import open_server_workspace

        if read_only:
            raise WorkspaceError("a team workspace cannot be opened read-only here; "
                                 "the server decides what each login may change")
        return open_server_workspace(target, create=create)
    loc = Path(location).expanduser() if location else default_location()
    db = database_path(loc)
    exists = db.exists() and db.stat().st_size > 0
    if not exists and not create:
        raise WorkspaceError(f"there is no workspace at {loc}")
    revision, tables = _read_revision(db) if exists else (None, 0)
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise NewerWorkspaceError(
            f"{db} was made by a newer version of Diligence (schema {revision}); "
            "update Diligence to open it. The file was not changed."
        )
    if exists and revision is None and tables == 0 and db.stat().st_size > _page_size(db):
        # Creating would delete this file: a database with pages but no tables is one we
        # failed to read, never an empty workspace (a new one is at most one page).
        raise WorkspaceError(f"{db} holds data that cannot be read as a workspace; it was not changed. {DAMAGED_HINT}")
    if exists and revision is None and tables > 0:
        raise WorkspaceError(
            f"{db} is an SQLite database but not a Diligence workspace (or its creation was interrupted); "
            f"{DAMAGED_HINT}"
        )
    # A workspace on a read-only disk or in a folder we may not write is still readable: it
    # opens read-only, says why, and is read without creating any file beside it.
    unwritable = exists and not read_only and not _writable(db)
    if unwritable and revision != HEAD:
        raise WorkspaceError(f"{db} needs an upgrade, but it or its folder is read-only; nothing was changed")
    read_only = read_only or unwritable
    full = False
    workspace_lock = acquire_lock(db) if lock and not read_only and db.parent.exists() else None
    if revision != HEAD:
        if read_only:
            raise WorkspaceError(f"{db} needs an upgrade and cannot be opened read-only")
        db.parent.mkdir(parents=True, exist_ok=True)
        if workspace_lock is None and lock:
            workspace_lock = acquire_lock(db)
        if workspace_lock is not None and not workspace_lock.held:
            workspace_lock.release()
            raise WorkspaceError(f"{db} needs an upgrade but is open in another Diligence window; close it first")
        if revision is None:
            _create(db)
        else:
            saved = backup_copy(db, f"before-migration-from-{revision}")
            upgrade_engine = make_engine(db)
            try:
                migrate(db, upgrade_engine)
            except Exception as exc:  # noqa: BLE001 - the person needs the backup's name, not a traceback
                raise WorkspaceError(
                    f"{db} could not be upgraded ({getattr(exc, 'orig', None) or exc}); "
                    f"the copy taken before the upgrade is {saved}"
                ) from exc
            finally:
                upgrade_engine.dispose()
        engine = make_engine(db)
        with engine.connect() as con:
            con.exec_driver_sql("PRAGMA journal_mode=WAL")
        ws = Workspace(loc, db, engine, False, workspace_lock)
        ws.created = revision is None
        return ws
    if not read_only:
        try:
            _ensure_wal(db)
        except DiskFullError:
            wal = db.with_name(db.name + "-wal")
            if wal.exists() and wal.stat().st_size > 0:
                raise
            # Not even the -shm file can be made: read the file as it stands, write nothing.
            read_only = unwritable = True
            full = True
    ws = Workspace(loc, db, None, read_only, workspace_lock)
    ws.unwritable = unwritable
    ws.disk_full = full
    return ws


def _writable(db: Path) -> bool:
    return all(os.access(p, os.W_OK) for p in (db, db.parent))


def _ensure_wal(db: Path) -> None:
    """Put the database in WAL mode with the standard library (no SQLAlchemy at start-up)."""
    try:
        con = connect(db)
        try:
            con.execute("PRAGMA journal_mode=WAL")
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise (explain(db, exc) or exc) from None


# SQLite's codes for a write the disk refused (full, over a size limit, quota): no damage.
_WRITE_FAILURES = frozenset({
    "SQLITE_FULL", "SQLITE_IOERR_WRITE", "SQLITE_IOERR_FSYNC", "SQLITE_IOERR_TRUNCATE",
    "SQLITE_IOERR_SHMSIZE", "SQLITE_IOERR_SHMOPEN", "SQLITE_IOERR_SHMMAP",
})


def explain(db: Path, exc: BaseException) -> WorkspaceError | None:
    """A message for a person for an SQLite failure (never SQL or parameters); None if unknown.

    A busy workspace, a full disk and a read-only file are conditions, not damage: the data
    is as it was, so they never suggest restoring a backup.
    """
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return WorkspaceError(
            f"{db} is busy: another program (a command-line import, another window) kept it locked for "
            f"over {LOCK_WAIT_SECONDS:.0f} seconds. Nothing was changed; try again when it has finished.")
    name = getattr(exc, "sqlite_errorname", "")
    if "full" in text or name in _WRITE_FAILURES or (("disk i/o" in text or "i/o error" in text) and _no_space(db)):
        return _disk_full(db)
    if "unique constraint" in text:
        return WorkspaceError(
            f"{db} was changed by another program at the same moment (something with the same name was "
            "saved first). Nothing was changed; look at the workspace and try again.")
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return WorkspaceError(
            f"{db} cannot be written (the file or its folder is read-only). Nothing was changed.")
    if "malformed" in text or "not a database" in text or "disk i/o" in text:
        return WorkspaceError(f"{db} is damaged ({exc}); {DAMAGED_HINT}")
    return None


def _disk_full(db: Path) -> DiskFullError:
    return DiskFullError(
        f"the disk holding {db} is full (or refuses to let the file grow). Nothing was changed and the workspace is as it was; "
        "free some space and try again.")


def _no_space(db: Path) -> bool:
    try:
        return shutil.disk_usage(db.parent).free < 1024 * 1024
    except OSError:
        return False


def _create(db: Path) -> None:
    """Build a new workspace beside its final name, then rename it into place.

    SQLite's Python driver runs DDL outside transactions, so a crash while creating tables in
    place would leave a half-made file; a rename is atomic, so the workspace exists wholly or not.
    """
    db.unlink(missing_ok=True)  # an empty `db`
    tmp = db.with_name(db.name + ".creating")
    place(new_database(tmp), tmp, db)


def remove_database(tmp: Path) -> None:
    for p in (tmp, tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
        p.unlink(missing_ok=True)


def new_database(tmp: Path) -> Engine:
    """A new database at `tmp` (leftovers of an interrupted attempt removed) with the current
    schema; its engine. Fill it, then `place` it under its real name."""
    remove_database(tmp)
    engine = make_engine(tmp)
    try:
        with engine.connect() as con:
            con.exec_driver_sql("PRAGMA journal_mode=WAL")
            con.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
        migrate(tmp, engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


def place(engine: Engine, tmp: Path, db: Path) -> None:
    """Fold the -wal into `tmp`, put it on disk and rename it to `db`: whole, or not there."""
    try:
        with engine.connect() as con:
            con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    for suffix in ("-wal", "-shm"):
        tmp.with_name(tmp.name + suffix).unlink(missing_ok=True)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, db)


def integrity_report(ws: Workspace) -> list[str]:
    """Problems found by SQLite's integrity and foreign-key checks (empty when healthy)."""
    from sqlalchemy.exc import DBAPIError

    problems: list[str] = []
    if ws.kind == "server":
        # The server enforces keys itself and keeps its own files whole; reaching it is the check.
        try:
            with ws.engine.connect() as con:
                con.exec_driver_sql("select 1")
        except DBAPIError as exc:
            problems.append(str(ws._explain(exc)))
        return problems
    try:
        with ws.engine.connect() as con:
            for (line,) in con.exec_driver_sql("PRAGMA integrity_check"):
                if line != "ok":
                    problems.append(str(line))
            for row in con.exec_driver_sql("PRAGMA foreign_key_check"):
                problems.append(f"foreign key: {tuple(row)}")
    except DBAPIError as exc:  # so damaged that the check itself cannot run
        problems.append(f"the file is damaged ({exc.orig}); {DAMAGED_HINT}")
    return problems


def copy_database(src: Path, dst: Path) -> None:
    shutil.copyfile(src, dst)
