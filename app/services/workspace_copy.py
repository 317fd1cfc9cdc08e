"""`diligence workspace copy FROM TO`: a whole workspace between a folder and a team server.

Every row of every table is copied with its id, so everything exported from the copy is
identical to what the original exports; the audit trail is a table and comes along. Backups
come along too: a folder's `backups/` files go into a server's `backup_file` table, and that
table's files come out into `backups/` when the copy goes to a folder (docs/team.md).

The target must be empty: no workspace there yet, or one without a single row. Nothing
half-made ever looks like a workspace:
- to a server, the schema and every row are written in ONE transaction: an interrupted copy
  leaves the database as empty as it was;
- to a folder, the database is built as `diligence.sqlite.copying` and renamed into place only
  when whole (its backups are written after, beside it).
Vendors' documents (evidence files) come along byte for byte: a folder's `documents/` files go
into a server's `evidence_blob_data` table (in the same transaction as the rows), and out of it
as files when the copy goes to a folder, each checked against its SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, select, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel

from app.store import tables as _tables  # noqa: F401 - registers every table
from app.store.location import is_server_location
from app.store.server import (
    ServerAddress,
    ServerWorkspace,
    explain_server,
    make_server_engine,
    parse_address,
)
from app.store.workspace import (
    HEAD,
    KNOWN_REVISIONS,
    WorkspaceError,
    backup_dir,
    connect,
    database_path,
    documents_dir,
    make_engine,
    migrate,
    new_database,
    place,
    remove_database,
)

BATCH = 2000
BACKUP_TABLE = "backup_file"
BLOB_DATA_TABLE = "evidence_blob_data"  # a server's document bytes (schema 0009; no SQLite table)
# Tables that hold no workspace content of their own: the schema's version, and SQLite's FTS5
# index (rebuilt from evidence_page) with its shadow tables.
_SKIP_PREFIXES = ("evidence_fts",)


@dataclass
class CopySummary:
    source: str
    target: str
    rows: dict[str, int] = field(default_factory=dict)
    backups: int = 0
    documents: int = 0
    # Into a server: the people and roles (login, person, role) that came along, which that server
    # has not granted yet: its owner runs `team grant` for each (docs/team.md says why not here).
    people: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


Progress = Callable[[str, int], None]


def _tables_in_order() -> list[Table]:
    return list(SQLModel.metadata.sorted_tables)


@dataclass
class _End:
    """One side of a copy: its engine and how a person names it."""

    label: str
    engine: Engine
    address: ServerAddress | None = None
    db: Path | None = None
    owned: bool = True  # False: an open workspace's engine, left open after the copy

    @property
    def is_server(self) -> bool:
        return self.address is not None

    def close(self) -> None:
        if self.owned:
            self.engine.dispose()

    def explain(self, exc: BaseException) -> BaseException:
        from sqlalchemy.exc import DBAPIError

        if isinstance(exc, DBAPIError) and self.address is not None:
            return explain_server(self.address, exc.orig or exc) or exc
        return exc


def _revision(con: Connection) -> tuple[str | None, set[str]]:
    from sqlalchemy import inspect

    names = set(inspect(con).get_table_names())
    if "alembic_version" not in names:
        return None, names
    row = con.execute(text("select version_num from alembic_version")).first()
    return (row[0] if row else None), names


def _content_tables(names: set[str]) -> set[str]:
    return {n for n in names if n != "alembic_version" and not n.startswith(_SKIP_PREFIXES)}


def _open_source(where: str | Path | ServerWorkspace) -> _End:
    if isinstance(where, ServerWorkspace):  # already open (with the password the app asked for)
        end = _End(where.label, where.engine, address=where.address, owned=False)
    elif is_server_location(where):
        address = parse_address(str(where))
        end = _End(address.display, make_server_engine(address), address=address)
    else:
        db = database_path(Path(where).expanduser())
        if not db.is_file() or db.stat().st_size == 0:
            raise WorkspaceError(f"there is no workspace at {where}")
        end = _End(str(Path(where).expanduser()), make_engine(db, read_only=True), db=db)
    try:
        with end.engine.connect() as con:
            revision, names = _revision(con)
    except Exception as exc:
        end.close()
        raise end.explain(exc) from None
    if revision != HEAD:
        end.close()
        if revision in KNOWN_REVISIONS:
            raise WorkspaceError(f"{end.label} uses an older schema ({revision}); open it once with this "
                                 "version of Diligence to upgrade it, then copy it")
        raise WorkspaceError(f"{end.label} is not a workspace this version of Diligence can read "
                             f"(schema {revision or 'none'}); nothing was copied")
    unknown = _content_tables(names) - {t.name for t in _tables_in_order()} - {BLOB_DATA_TABLE}
    if unknown:
        end.close()
        raise WorkspaceError(f"{end.label} holds tables this version does not know ({', '.join(sorted(unknown))}); "
                             "nothing was copied")
    return end


def _is_empty(con: Connection, names: set[str]) -> bool:
    for name in sorted(_content_tables(names)):
        quoted = con.dialect.identifier_preparer.quote(name)
        if con.execute(text(f"select 1 from {quoted} limit 1")).first() is not None:  # noqa: S608 - a table name
            return False
    return True


def _not_empty(label: str) -> WorkspaceError:
    return WorkspaceError(f"{label} already holds a workspace with data; a copy goes only into an empty one. "
                          "Nothing was copied.")


def _rows(con: Connection, table: Table) -> Iterator[list[dict[str, Any]]]:
    order = [c for c in table.primary_key.columns]
    result = con.execution_options(stream_results=True, yield_per=BATCH).execute(select(table).order_by(*order))
    for part in result.mappings().partitions(BATCH):
        yield [dict(r) for r in part]


def _copy_rows(src: Connection, dst: Connection, summary: CopySummary, progress: Progress | None,
               backups_as_files: bool) -> None:
    for table in _tables_in_order():
        if table.name == BACKUP_TABLE and backups_as_files:
            continue  # written as files beside a folder target (_write_backup_files)
        n = 0
        for batch in _rows(src, table):
            if dst.dialect.name == "postgresql":
                _copy_in(dst, table, batch)
            else:
                dst.execute(table.insert(), batch)
            n += len(batch)
        summary.rows[table.name] = n
        if progress is not None:
            progress(table.name, n)


def _copy_in(dst: Connection, table: Table, batch: list[dict[str, Any]]) -> None:
    """Rows into a server table with COPY (a large workspace in minutes, not hours), in the
    connection's transaction; values are stored exactly as SQLAlchemy would store them."""
    from sqlalchemy import JSON, DateTime, LargeBinary

    names = list(table.columns.keys())
    prep = dst.dialect.identifier_preparer
    kinds = {}
    for c in table.columns:
        impl = c.type.impl if hasattr(c.type, "impl") else c.type
        kinds[c.name] = ("json" if isinstance(impl, JSON) else "time" if isinstance(impl, DateTime)
                         else "bytes" if isinstance(impl, LargeBinary) else "")
    sql = f"COPY {prep.quote(table.name)} ({', '.join(prep.quote(n) for n in names)}) FROM STDIN"
    raw = dst.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur, cur.copy(sql) as copy:
        for row in batch:
            copy.write_row([_for_copy(row[n], kinds[n]) for n in names])


def _for_copy(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "json":
        return json.dumps(value)  # as SQLAlchemy's JSON type writes it
    if kind == "time" and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)  # stored as UTC without a zone
    if kind == "bytes":
        return bytes(value)
    return value


def _reset_sequences(dst: Connection) -> None:
    """The server numbers the next row after the copied ones."""
    for table in _tables_in_order():
        if "id" in table.columns and table.columns["id"].primary_key and table.columns["id"].autoincrement:
            quoted = dst.dialect.identifier_preparer.quote(table.name)
            dst.execute(text(
                f"select setval(pg_get_serial_sequence(:t, 'id'), coalesce((select max(id) from {quoted}), 0) + 1, false)"),  # noqa: S608
                {"t": table.name})


def _backup_files(folder: Path, db: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name.startswith(db.stem) and p.suffix == ".sqlite")


def _insert_backup_files(dst: Connection, files: list[Path]) -> int:
    table = SQLModel.metadata.tables[BACKUP_TABLE]
    present = {r[0] for r in dst.execute(select(table.c.name))}
    n = 0
    for path in files:
        if path.name in present:
            continue
        data = path.read_bytes()
        created = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        dst.execute(table.insert(), [{"name": path.name, "created_at": created, "size": len(data), "content": data}])
        n += 1
    return n


def _write_backup_files(src: Connection, folder: Path) -> int:
    table = SQLModel.metadata.tables[BACKUP_TABLE]
    n = 0
    rows = src.execution_options(stream_results=True, yield_per=1).execute(
        select(table.c.name, table.c.created_at, table.c.content).order_by(table.c.id))
    for name, created, content in rows:
        if Path(name).name != name or not name:
            raise WorkspaceError(f"a backup kept in the workspace has a name that is not a file name ({name!r})")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        tmp = path.with_name(f".{name}.part")
        with open(tmp, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        stamp = created.timestamp()
        os.utime(path, (stamp, stamp))
        n += 1
    return n


def _source_backups(source: _End) -> list[Path]:
    return [] if source.db is None else _backup_files(backup_dir(source.db), source.db)


def _count_blobs(con: Connection) -> int:
    table = SQLModel.metadata.tables["evidence_blob"]
    return int(con.execute(select(func.count()).select_from(table)).scalar_one())


def copy_workspace(source: str | Path | ServerWorkspace, target: str | Path,
                   progress: Progress | None = None) -> CopySummary:
    """Copy the whole workspace at `source` into the empty `target` (a folder or a server address)."""
    src = _open_source(source)
    try:
        if is_server_location(target):
            return _to_server(src, parse_address(str(target)), progress)
        return _to_folder(src, Path(target).expanduser(), progress)
    finally:
        if src.owned:
            src.engine.dispose()


def _to_server(src: _End, address: ServerAddress, progress: Progress | None) -> CopySummary:
    from app.store.server import MIGRATION_LOCK

    dst = _End(address.display, make_server_engine(address), address=address)
    summary = CopySummary(src.label, dst.label)
    if src.address is not None and src.address == address:
        raise WorkspaceError("the source and the target are the same workspace; nothing was copied")
    try:
        with src.engine.connect() as s:
            if src.is_server:  # one snapshot of the source for every table
                s.execute(text("set transaction isolation level repeatable read, read only"))
            # One transaction: the schema and every row arrive together or not at all.
            with dst.engine.begin() as d:
                d.execute(text("select pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
                # The audit rows keep their actors (the owner's copy only: app/store/team_security.py).
                d.execute(text("select set_config('diligence.copying', 'on', true)"))
                revision, names = _revision(d)
                if revision is None and names:
                    raise WorkspaceError(f"{dst.label} holds tables that are not a Diligence workspace; "
                                         "nothing was copied")
                if revision is not None and (revision != HEAD or not _is_empty(d, names)):
                    raise _not_empty(dst.label)
                if revision is None:
                    migrate(None, dst.engine, connection=d)
                _copy_rows(s, d, summary, progress, backups_as_files=False)
                summary.backups = _insert_backup_files(d, _source_backups(src))
                summary.documents = _insert_documents(s, d, src)
                _reset_sequences(d)
                summary.people = [(str(r[0]), str(r[1]), str(r[2])) for r in d.execute(text(
                    "select login, person, role from team_member where login <> session_user order by role, person"))]
    except WorkspaceError:
        raise
    except Exception as exc:
        raise dst.explain(src.explain(exc)) from None
    finally:
        dst.engine.dispose()
    return summary


def _to_folder(src: _End, location: Path, progress: Progress | None) -> CopySummary:
    db = database_path(location)
    if src.db is not None and db.exists() and os.path.samefile(db, src.db):
        raise WorkspaceError("the source and the target are the same workspace; nothing was copied")
    if db.exists() and db.stat().st_size > 0:
        _refuse_unless_empty_file(db, str(location))
    summary = CopySummary(src.label, str(location))
    docs = documents_dir(db)
    if docs.exists() and any(docs.iterdir()):
        raise _not_empty(str(location))
    docs_existed = docs.exists()
    db.parent.mkdir(parents=True, exist_ok=True)
    tmp = db.with_name(db.name + ".copying")
    engine = new_database(tmp)
    try:
        with src.engine.connect() as s:
            if src.is_server:
                s.execute(text("set transaction isolation level repeatable read, read only"))
            with engine.begin() as d:
                _copy_rows(s, d, summary, progress, backups_as_files=True)
                d.exec_driver_sql("INSERT INTO evidence_fts(evidence_fts) VALUES('rebuild')")
            blobs = _count_blobs(s)
            if blobs and src.db is not None:
                summary.documents = _copy_documents(documents_dir(src.db), docs)
            elif blobs:
                summary.documents = _write_documents(s, docs, src.label)
            place(engine, tmp, db)
            # Backups after the workspace: an interruption here leaves a whole workspace with fewer backups.
            if src.is_server:
                summary.backups = _write_backup_files(s, backup_dir(db))
            else:
                summary.backups = _copy_files(_source_backups(src), backup_dir(db))
    except BaseException as exc:
        remove_database(tmp)
        if not docs_existed:
            shutil.rmtree(docs, ignore_errors=True)
        if isinstance(exc, WorkspaceError) or not isinstance(exc, Exception):
            raise
        raise src.explain(exc) from None
    finally:
        engine.dispose()
    return summary


def _refuse_unless_empty_file(db: Path, label: str) -> None:
    try:
        con = connect(db, read_only=True)
        try:
            names = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
            for name in sorted(_content_tables(names)):
                if name.startswith("sqlite_"):
                    continue
                quoted = '"' + name.replace('"', '""') + '"'
                if con.execute(f"select 1 from {quoted} limit 1").fetchone() is not None:  # noqa: S608
                    raise _not_empty(label)
        finally:
            con.close()
    except sqlite3.DatabaseError:
        raise WorkspaceError(f"{label} holds a file that is not an empty workspace; nothing was copied") from None
    # An empty workspace file is replaced by the copy (renamed over it).


def _copy_files(files: list[Path], folder: Path) -> int:
    for path in files:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{path.name}.part"
        shutil.copy2(path, tmp)
        os.replace(tmp, folder / path.name)
    return len(files)


def _copy_documents(src: Path, dst: Path) -> int:
    n = 0
    for path in sorted(src.rglob("*")):
        if path.is_file() and ".incoming" not in path.relative_to(src).parts:
            target = dst / path.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            n += 1
    return n


def _blob_sizes(con: Connection) -> list[tuple[str, int]]:
    table = SQLModel.metadata.tables["evidence_blob"]
    return [(r[0], int(r[1])) for r in con.execute(select(table.c.sha256, table.c.size).order_by(table.c.sha256))]


def _insert_documents(src: Connection, dst: Connection, source: _End) -> int:
    """Every blob's bytes into the server's evidence_blob_data (its rows are copied already):
    from the source server's table, or from the source folder's files, checked against their digest."""
    from app.store import evidence as blobs

    insert = text("INSERT INTO " + BLOB_DATA_TABLE + " (sha256, content) VALUES (:sha, :data)")
    n = 0
    if source.is_server:
        rows = src.execution_options(stream_results=True, yield_per=1).execute(
            text("SELECT sha256, content FROM evidence_blob_data ORDER BY sha256"))
        for sha, content in rows:
            dst.execute(insert, {"sha": sha, "data": bytes(content)})
            n += 1
        return n
    assert source.db is not None
    folder = documents_dir(source.db)
    for sha, size in _blob_sizes(src):
        path = blobs.blob_path(folder, sha)
        try:
            data = path.read_bytes()
        except OSError:
            raise WorkspaceError(f"{source.label} lists a document whose file {path} it does not hold; "
                                 "nothing was copied") from None
        if len(data) != size or hashlib.sha256(data).hexdigest() != sha:
            raise WorkspaceError(f"the document file {path} in {source.label} is not the one its workspace lists "
                                 "(its content changed); nothing was copied")
        dst.execute(insert, {"sha": sha, "data": data})
        n += 1
    return n


def _write_documents(src: Connection, folder: Path, label: str) -> int:
    """A server's blobs as files in a folder workspace's documents folder (each checked against its digest)."""
    from app.store import evidence as blobs

    n = 0
    rows = src.execution_options(stream_results=True, yield_per=1).execute(
        text("SELECT b.sha256, d.content FROM evidence_blob b LEFT JOIN evidence_blob_data d ON d.sha256 = b.sha256 "
             "ORDER BY b.sha256"))
    for sha, content in rows:
        if content is None:
            raise WorkspaceError(f"{label} lists a document ({sha[:12]}) whose bytes it does not hold; nothing was copied")
        try:
            blobs.write_blob(folder, sha, bytes(content))
        except ValueError:
            raise WorkspaceError(f"{label} holds a document whose bytes do not match its SHA-256 ({sha[:12]}); "
                                 "nothing was copied") from None
        n += 1
    return n
