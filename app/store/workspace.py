"""Opening a workspace: find it, refuse what we cannot read, migrate with a backup, lock it.

A workspace is a folder holding `diligence.sqlite` (plus `backups/`); a path to an existing
database file is accepted too. The schema version is read with the standard library so that
opening an up-to-date workspace never imports Alembic.
"""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import os
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

DB_NAME = "diligence.sqlite"
APPLICATION_ID = 0x44494C49  # "DILI"
HEAD = "0001"
KNOWN_REVISIONS = ("0001",)
ENV_VAR = "DILIGENCE_WORKSPACE"


class WorkspaceError(Exception):
    """A workspace that cannot be opened; the message says why and what to do."""


class NewerWorkspaceError(WorkspaceError):
    pass


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


def _read_revision(db: Path) -> tuple[str | None, int]:
    """(alembic revision or None, number of tables) read with plain sqlite3."""
    try:
        with open(db, "rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        raise WorkspaceError(f"{db}: cannot be read ({exc.strerror})") from None
    if header and header != b"SQLite format 3\x00":
        raise WorkspaceError(f"{db} is not a Diligence workspace (it is not an SQLite database)")
    if not header:
        return None, 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
            if "alembic_version" not in tables:
                return None, len(tables)
            row = con.execute("select version_num from alembic_version").fetchone()
            return (row[0] if row else None), len(tables)
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise WorkspaceError(f"{db} is damaged and cannot be opened ({exc}); restore a backup") from None


def _on_connect(dbapi_con: sqlite3.Connection, _record: object) -> None:
    dbapi_con.execute("PRAGMA foreign_keys=ON")
    dbapi_con.execute("PRAGMA busy_timeout=5000")
    dbapi_con.execute("PRAGMA synchronous=FULL")


def make_engine(db: Path, read_only: bool = False) -> Engine:
    url = f"sqlite:///file:{db}?mode=ro&uri=true" if read_only else f"sqlite:///{db}"
    engine = create_engine(url, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _on_connect)
    return engine


def migrate(db: Path, engine: Engine) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as con:
        cfg.attributes["connection"] = con
        command.upgrade(cfg, "head")


def backup_copy(db: Path, label: str) -> Path:
    """Copy the database with SQLite's online backup API into the backups folder."""
    folder = backup_dir(db)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{db.stem}-{label}-{stamp}.sqlite"
    tmp = target.with_suffix(".tmp")
    src = sqlite3.connect(db)
    dst = sqlite3.connect(tmp)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    os.replace(tmp, target)
    return target


@dataclass
class Lock:
    path: Path
    handle: object | None
    owner: str = ""

    @property
    def held(self) -> bool:
        return self.handle is not None

    def release(self) -> None:
        if self.handle is not None:
            with contextlib.suppress(OSError):
                self.handle.close()  # type: ignore[attr-defined]
            self.handle = None


def acquire_lock(db: Path) -> Lock:
    """Take the workspace's advisory lock; `held` is False when another process has it."""
    path = db.with_name(db.name + ".lock")
    fh = open(path, "a+")  # noqa: SIM115 - kept open for the life of the lock
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fh.seek(0)
        owner = fh.read().strip()
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
    """An open workspace: an engine and short sessions, one transaction per user action."""

    def __init__(self, location: Path, db: Path, engine: Engine, read_only: bool, lock: Lock | None) -> None:
        self.location = location
        self.db = db
        self.engine = engine
        self.read_only = read_only
        self.lock = lock
        self.created = False

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose work commits on success and rolls back entirely on any error."""
        with Session(self.engine, expire_on_commit=False) as s:
            try:
                yield s
                if not self.read_only:
                    s.commit()
            except BaseException:
                s.rollback()
                raise

    def close(self) -> None:
        self.engine.dispose()
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
    is damaged, or was made by a newer version of Diligence.
    """
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
    if exists and revision is None and tables > 0:
        raise WorkspaceError(f"{db} is an SQLite database but not a Diligence workspace")
    workspace_lock = acquire_lock(db) if lock and not read_only and db.parent.exists() else None
    if revision != HEAD:
        if read_only:
            raise WorkspaceError(f"{db} needs an upgrade and cannot be opened read-only")
        db.parent.mkdir(parents=True, exist_ok=True)
        if workspace_lock is None and lock:
            workspace_lock = acquire_lock(db)
        if revision is not None:
            backup_copy(db, f"before-migration-from-{revision}")
        engine = make_engine(db)
        with engine.connect() as con:
            con.exec_driver_sql("PRAGMA journal_mode=WAL")
            con.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
        migrate(db, engine)
        ws = Workspace(loc, db, engine, False, workspace_lock)
        ws.created = revision is None
        return ws
    engine = make_engine(db, read_only=read_only)
    if not read_only:
        with engine.connect() as con:
            con.exec_driver_sql("PRAGMA journal_mode=WAL")
    return Workspace(loc, db, engine, read_only, workspace_lock)


def integrity_report(ws: Workspace) -> list[str]:
    """Problems found by SQLite's integrity and foreign-key checks (empty when healthy)."""
    problems: list[str] = []
    with ws.engine.connect() as con:
        for (line,) in con.exec_driver_sql("PRAGMA integrity_check"):
            if line != "ok":
                problems.append(str(line))
        for row in con.exec_driver_sql("PRAGMA foreign_key_check"):
            problems.append(f"foreign key: {tuple(row)}")
    return problems


def copy_database(src: Path, dst: Path) -> None:
    shutil.copyfile(src, dst)
