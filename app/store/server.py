"""A team workspace: the same tables and migrations on a PostgreSQL server (docs/team.md).

A workspace given as `postgresql://user@host:port/dbname` lives in that database. The
driver is psycopg 3; writes go through SQLAlchemy (`postgresql+psycopg`). A password never
travels in the address: libpq finds it in `~/.pgpass`, `PGPASSFILE` or `PGPASSWORD`, or the app
asks for it and hands it to the driver directly. Hosts that are not this machine get
`sslmode=require` unless the address says otherwise.

Every connection is made by `connect()`: the SQLAlchemy engine's pool, the readers, the answer
saves and the change listener. Opening a workspace and reading it (`diligence score`, `report`,
an evaluation loaded in the app) use plain psycopg connections; the engine, and with it the
import of SQLAlchemy (about 0.2 s of CPU), is made only when something first writes through
the ORM (docs/performance.md).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from app.store.workspace import (
    HEAD,
    KNOWN_REVISIONS,
    NewerWorkspaceError,
    Workspace,
    WorkspaceError,
    migrate,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.orm import ORMExecuteState
    from sqlmodel import Session

    from app.store.server_answers import AnswerSaver

LOCAL_HOSTS = frozenset({"", "localhost", "127.0.0.1", "::1"})
CONNECT_TIMEOUT_SECONDS = 10
# The channel on which a team workspace's clients announce what they saved (LISTEN/NOTIFY).
CHANNEL = "diligence_changes"
# One key for PostgreSQL's advisory lock held while a workspace is created or upgraded, so two
# clients opening an old workspace at the same moment upgrade it once.
MIGRATION_LOCK = 0x44494C49
# Address options passed on to libpq; anything else (a password above all) is refused.
ALLOWED_OPTIONS = frozenset({
    "sslmode", "sslrootcert", "sslcert", "sslkey", "sslcrl", "host", "hostaddr", "port",
    "connect_timeout", "application_name", "target_session_attrs", "passfile", "service",
    "gssencmode", "krbsrvname", "channel_binding", "options",
})


@dataclass(frozen=True)
class ServerAddress:
    """Where a team workspace lives, without any secret."""

    user: str
    host: str  # "" or a folder for a Unix socket
    port: int | None
    dbname: str
    options: tuple[tuple[str, str], ...] = field(default=())

    @property
    def is_local(self) -> bool:
        return self.host in LOCAL_HOSTS or self.host.startswith("/")

    @property
    def sslmode(self) -> str | None:
        explicit = dict(self.options).get("sslmode")
        return explicit or (None if self.is_local else "require")

    @property
    def display(self) -> str:
        """`user@host:port/dbname` for a window title or a message (never a password)."""
        host = self.host or "localhost"
        host = f"[{host}]" if ":" in host else host
        port = f":{self.port}" if self.port else ""
        user = f"{self.user}@" if self.user else ""
        return f"{user}{host}{port}/{self.dbname}"

    @property
    def url(self) -> str:
        """The address as given, normalised, still without any secret."""
        from urllib.parse import quote, urlencode

        host = self.host if not self.host.startswith("/") else ""
        host = f"[{host}]" if ":" in host else host
        netloc = (quote(self.user, safe="") + "@" if self.user else "") + host
        netloc += f":{self.port}" if self.port else ""
        options = dict(self.options)
        if self.host.startswith("/"):
            options["host"] = self.host
        query = f"?{urlencode(sorted(options.items()))}" if options else ""
        return f"postgresql://{netloc}/{quote(self.dbname, safe='')}{query}"

    def connect_args(self) -> dict[str, Any]:
        args: dict[str, Any] = {k: v for k, v in self.options if k not in {"host", "port"}}
        if self.sslmode:
            args["sslmode"] = self.sslmode
        args.setdefault("connect_timeout", CONNECT_TIMEOUT_SECONDS)
        args.setdefault("application_name", "Diligence")
        # Timestamps are stored in UTC without a zone, as in a folder workspace.
        args["options"] = (args.get("options", "") + " -c timezone=UTC").strip()
        return args


def parse_address(text: str) -> ServerAddress:
    """Read `postgresql://user@host:port/dbname?option=value`; refuse secrets and unknown options."""
    shown = text.strip()
    try:
        parts = urlsplit(shown)
        port = parts.port
    except ValueError:
        raise WorkspaceError(f"{_without_secret(shown)} is not a valid team workspace address "
                             "(expected postgresql://user@host:port/database)") from None
    if parts.password is not None or any(k.lower() == "password" for k, _ in parse_qsl(parts.query)):
        raise WorkspaceError(
            f"{_without_secret(shown)}: a team workspace address must not hold a password. Put it in "
            "~/.pgpass (or PGPASSFILE, or PGPASSWORD), or let the app ask for it; nothing was opened.")
    dbname = unquote(parts.path.lstrip("/"))
    if not dbname or "/" in dbname:
        raise WorkspaceError(f"{shown} does not name a database (expected postgresql://user@host:port/database)")
    options: dict[str, str] = {}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key not in ALLOWED_OPTIONS:
            raise WorkspaceError(f"{shown}: the option {key!r} is not supported in a team workspace address")
        options[key] = value
    host = unquote(parts.hostname or "") if parts.hostname else ""
    if not host and options.get("host"):
        host = options.pop("host")
    if "port" in options and port is None:
        try:
            port = int(options.pop("port"))
        except ValueError:
            raise WorkspaceError(f"{shown}: the port must be a number") from None
    user = unquote(parts.username or "") or os.environ.get("PGUSER", "")
    return ServerAddress(user=user, host=host, port=port, dbname=dbname, options=tuple(sorted(options.items())))


def _without_secret(text: str) -> str:
    """An address for a message: any password, in the user part or the options, blanked out."""
    import re

    text = re.sub(r"(//[^/@:]*):[^/@]*@", r"\1:***@", text)
    return re.sub(r"(?i)(password=)[^&]*", r"\1***", text)


PasswordPrompt = Callable[[ServerAddress], "str | None"]


class ServerWorkspace(Workspace):
    """A workspace in a PostgreSQL database; `db` and `location` name it for people.

    Every session that writes tells the other clients what it touched: a NOTIFY on CHANNEL in
    the same transaction, which PostgreSQL delivers only if (and when) it commits.
    """

    kind = "server"

    def __init__(self, address: ServerAddress, password: str | None = None) -> None:
        super().__init__(Path(address.display), Path(address.display), None, False, None)
        self.address = address
        # Random, as uuid4 is (without importing uuid, which imports `platform`): so a window can
        # skip the notices of its own saves.
        self.client_id = os.urandom(16).hex()
        self.password_given = password is not None  # whether it is, never what it is
        self._answer_saver: AnswerSaver | None = None
        # Read connections not in use; the one that checked the schema at opening is first.
        self._readers: list[tuple[Any, bool]] = []  # (connection, checked just now)
        self._readers_lock = threading.Lock()

        # A closure, not an attribute: the password (given when libpq has none) stays in memory
        # for reconnecting, and no repr() or log of the workspace can show it.
        def _connect() -> Any:
            return connect(address, password)

        self._connect = _connect

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine for the ORM's writes, made on first use (its connections come from `connect`)."""
        if self._engine is None:
            self._engine = make_server_engine(self.address, connector=self._connect)
        return self._engine

    def connection(self) -> Any:
        """A new psycopg connection (not autocommit), or the WorkspaceError saying why there is none."""
        import psycopg

        try:
            return self._connect()
        except psycopg.Error as exc:
            raise cannot_connect(self.address, exc) from None

    @contextlib.contextmanager
    def read_connection(self) -> Iterator[Any]:
        """A psycopg connection for one read: its queries share one snapshot (a repeatable-read,
        read-only transaction, rolled back afterwards), under this login's row-level security.

        Connections are kept for the next read (two at most, for the app's worker threads). One
        kept from an earlier read is checked with an empty statement first, as the engine's pool
        checks its own, so a server that restarted meanwhile costs a new connection, not an error.
        """
        con = self._reader()
        try:
            yield con
        except Exception as exc:
            failure = self._read_failure(con, exc)
            if failure is None:
                self._keep_reader(con)  # the caller's own error (nothing found, say): the connection is fine
                raise
            self._drop_reader(con)
            raise failure from None
        except BaseException:
            self._drop_reader(con)  # interrupted, perhaps mid-query
            raise
        self._keep_reader(con)

    def _reader(self) -> Any:
        while True:
            with self._readers_lock:
                if not self._readers:
                    break
                con, checked = self._readers.pop()
            if checked:
                return con
            try:
                con.execute(";")  # the pool's ping, as the read's first statement: a restarted server shows here
                return con
            except Exception as exc:
                if self._read_failure(con, exc) is None:
                    raise
                self._drop_reader(con)
        return _for_reads(self.connection())

    def _read_failure(self, con: Any, exc: Exception) -> BaseException | None:
        """What to raise for `exc`, an error on a read connection: what to tell a person when the
        driver failed (the connection is then dropped), or None when the error is the caller's own
        (nothing found, say) and the connection is fine.

        psycopg is looked up, not imported: a read through the helper process
        (app.store.server_ahead) never loads it, and then no psycopg error can reach here."""
        from app.store.server_ahead import AheadFailure

        if isinstance(exc, AheadFailure):
            return exc.explained or exc
        psycopg = sys.modules.get("psycopg")
        if psycopg is None or not isinstance(exc, psycopg.Error):
            return None
        return driver_failure(self.address, con, exc)

    def _keep_reader(self, con: Any) -> None:
        try:
            con.rollback()
        except Exception:  # noqa: BLE001 - a connection that cannot end its transaction is not kept
            self._drop_reader(con)
            return
        with self._readers_lock:
            if len(self._readers) < 2:
                self._readers.append((con, False))
                return
        self._drop_reader(con)

    @staticmethod
    def _drop_reader(con: Any) -> None:
        with contextlib.suppress(Exception):
            con.close()

    @property
    def answer_saver(self) -> AnswerSaver:
        """Answer saves in one statement each, on a connection of their own (app.store.server_answers)."""
        if self._answer_saver is None:
            from app.store.server_answers import AnswerSaver

            self._answer_saver = AnswerSaver(self)
        return self._answer_saver

    def close(self) -> None:
        if self._answer_saver is not None:
            self._answer_saver.close()
        with self._readers_lock:
            readers, self._readers = self._readers, []
        for con, _checked in readers:
            self._drop_reader(con)
        super().close()

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        from sqlalchemy import event

        with super().session() as s:
            touched: dict[str, set[int]] = {}

            def flushed(session: Session, _context: object) -> None:
                for obj in (*session.new, *session.dirty, *session.deleted):
                    table = getattr(obj, "__tablename__", None)
                    if isinstance(table, str):
                        ids = touched.setdefault(table, set())
                        for attr in ("evaluation_id", "vendor_id", "id"):
                            value = getattr(obj, attr, None)
                            if isinstance(value, int):
                                ids.add(value if attr != "id" or table == "evaluation" else -1)
                                break

            def executed(state: ORMExecuteState) -> None:
                if state.is_insert or state.is_update or state.is_delete:
                    table = getattr(getattr(state.statement, "table", None), "name", None)
                    touched.setdefault(table or "*", set())

            event.listen(s, "after_flush", flushed)
            event.listen(s, "do_orm_execute", executed)
            yield s
            s.flush()
            if touched:
                self._notify(s, touched)

    def _notify(self, s: Session, touched: dict[str, set[int]]) -> None:
        from sqlalchemy import text

        # Answers name their vendor; the notice names evaluations, which the pages go by.
        evaluations = set(touched.get("evaluation", set()))
        for table in ("vendor", "evaluator", "flag_ack"):
            evaluations |= {i for i in touched.get(table, set()) if i > 0}
        vendor_ids = {i for t in ("answer", "vendor_reference", "milestone", "evidence_document")
                      for i in touched.get(t, set()) if i > 0}
        if vendor_ids:
            from app.store.tables import VendorRow

            # The saves loaded their vendor already: get() finds it in the session without a query.
            for vendor_id in sorted(vendor_ids):
                vendor = s.get(VendorRow, vendor_id)
                if vendor is not None:
                    evaluations.add(vendor.evaluation_id)
        payload = json.dumps({"client": self.client_id, "tables": sorted(touched),
                              "evaluations": sorted(evaluations)})
        s.execute(text("select pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": payload})

    def listener(self) -> ChangeListener:
        return ChangeListener(self)

    @property
    def label(self) -> str:
        return self.address.display

    def _explain(self, exc: DBAPIError) -> BaseException:
        return explain_server(self.address, exc.orig or exc) or exc


def connect(address: ServerAddress, password: str | None = None) -> Any:
    """A psycopg connection to the server (not autocommit): the one place this app connects.

    The password, when given, goes to the driver directly; otherwise libpq finds it in
    ~/.pgpass, PGPASSFILE or PGPASSWORD. Driver errors are the caller's to explain.
    """
    import psycopg

    return psycopg.connect(host=address.host or None, port=address.port, user=address.user or None,
                           dbname=address.dbname, password=password, **address.connect_args())


def make_server_engine(address: ServerAddress, password: str | None = None, *,
                       connector: Callable[[], Any] | None = None) -> Engine:
    """An engine for the server; connections (made by `connect`, or `connector`) are checked
    before use and made again after a drop."""
    from sqlalchemy import URL
    from sqlalchemy import create_engine as sa_create_engine

    if connector is None:
        def connector() -> Any:
            return connect(address, password)

    url = URL.create("postgresql+psycopg", username=address.user or None,
                     host=address.host or None, port=address.port, database=address.dbname)
    return sa_create_engine(url, creator=connector, pool_pre_ping=True, pool_size=5, max_overflow=5,
                            pool_recycle=1800)


def open_server_workspace(text: str, *, create: bool = True, password: str | None = None) -> ServerWorkspace:
    """Open (creating the tables and upgrading as needed) the team workspace at the address.

    An up-to-date workspace is opened with one psycopg connection, which checks the schema and
    is then kept for the first read; SQLAlchemy and Alembic load only to create or upgrade.
    """
    ws = ServerWorkspace(parse_address(text), password)
    try:
        ws.created = _prepare(ws, create)
    except BaseException:
        ws.close()
        raise
    return ws


def _prepare(ws: ServerWorkspace, create: bool) -> bool:
    """Create or upgrade the schema as needed; True when the workspace was created just now."""
    address = ws.address
    con, revision, tables = _first_connection(ws)
    try:
        if revision is not None and revision not in KNOWN_REVISIONS:
            raise NewerWorkspaceError(
                f"{address.display} was made by a newer version of Diligence (schema {revision}); "
                "update Diligence to open it. Nothing was changed.")
        if revision is None and tables:
            raise WorkspaceError(
                f"{address.display} holds tables that are not a Diligence workspace; nothing was changed. "
                "Use an empty database for a team workspace.")
        if revision is None and not create:
            raise WorkspaceError(f"there is no workspace at {address.display}")
    except BaseException:
        con.close()
        raise
    if revision == HEAD:
        ws._readers.append((_for_reads(con), True))  # the first read needs no check: it was just used
        return False
    con.close()
    return _upgrade(ws)


def _first_connection(ws: ServerWorkspace) -> tuple[Any, str | None, int]:
    """A connection to the workspace with its schema revision and number of tables: the one the
    helper process made while the command loaded (app.store.server_ahead), or a new one."""
    from app.store import server_ahead

    ahead = server_ahead.take(ws.address) if not ws.password_given else None
    if ahead is not None:
        opened = ahead.opened()  # raises what `connection` would have (no such database, say)
        if opened is not None:
            return server_ahead.AheadConnection(ahead), *opened
    import psycopg

    con = ws.connection()
    try:
        revision, tables = _revision(con)
        con.rollback()
    except psycopg.Error as exc:
        con.close()
        raise (explain_server(ws.address, exc) or exc) from None
    except BaseException:
        con.close()
        raise
    return con, revision, tables


def _for_reads(con: Any) -> Any:
    """`con`, each of its transactions now one repeatable-read, read-only snapshot (a helper's
    connection is made so in the helper)."""
    from app.store.server_ahead import AheadConnection

    if not isinstance(con, AheadConnection):
        import psycopg

        con.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        con.read_only = True
    return con


def _upgrade(ws: ServerWorkspace) -> bool:
    """Bring the schema to HEAD under the advisory lock; True when it was created just now."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    try:
        # PostgreSQL runs DDL inside transactions: the upgrade is applied wholly or not at all.
        with ws.engine.begin() as con:
            con.execute(text("select pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            revision, _ = _revision(con.connection.driver_connection)
            if revision != HEAD:
                migrate(None, ws.engine, connection=con)
            return revision is None
    except DBAPIError as exc:
        raise (explain_server(ws.address, exc.orig or exc) or exc) from None


def _revision(con: Any) -> tuple[str | None, int]:
    """(alembic revision or None, number of tables and views), on a psycopg connection in its
    transaction. The catalog is read directly: information_schema's views cost a new connection
    several ms more."""
    tables, versioned = con.execute(
        "select count(*), coalesce(bool_or(relname = 'alembic_version' and relkind = 'r'), false) "
        "from pg_catalog.pg_class where relnamespace = current_schema()::regnamespace "
        "and relkind in ('r', 'v', 'm', 'f', 'p')").fetchone()
    if not versioned:
        return None, int(tables)
    row = con.execute("select version_num from alembic_version").fetchone()
    return (row[0] if row else None), int(tables)


def explain_server(address: ServerAddress, exc: BaseException) -> WorkspaceError | None:
    """A message for a person for a server failure (never SQL, parameters or secrets)."""
    text = str(exc).lower()
    where = address.display
    if "password authentication failed" in text or "no password supplied" in text:
        return PasswordNeeded(
            f"the server at {where} did not accept the login (a password is needed or was wrong). "
            "Put it in ~/.pgpass (or PGPASSFILE, or PGPASSWORD), or enter it when the app asks.")
    if "does not exist" in text and "database" in text:
        return WorkspaceError(f"the database {address.dbname!r} does not exist on the server at {where}; "
                              "ask whoever runs the server to create it (docs/team.md)")
    if "role" in text and "does not exist" in text:
        return WorkspaceError(f"the server at {where} has no login {address.user!r}; "
                              "ask whoever runs the server to create it (docs/team.md)")
    if "ssl" in text and ("not support" in text or "unsupported" in text):
        return WorkspaceError(f"the server at {where} does not offer an encrypted connection, which is required "
                              "for a server on another machine; ask whoever runs it to turn SSL on (docs/team.md)")
    if any(s in text for s in ("connection refused", "could not connect", "timeout expired", "server closed the connection",
                                "terminating connection", "connection is closed", "consuming input failed",
                                "connection not open", "the database system is", "could not translate host",
                                "no route to host", "network is unreachable", "ssl syscall", "connection timed out",
                                "administrator command")):
        return ServerUnavailable(
            f"the team server at {where} cannot be reached (it may be restarting, or the network is down). "
            "Nothing was saved; try again when it is back.")
    if "permission denied" in text or "row-level security" in text:
        return WorkspaceError(f"your login on {where} is not allowed to do that. Nothing was changed.")
    if "could not serialize" in text or "deadlock detected" in text:
        return WorkspaceError(
            f"{where} was changed by someone else at the same moment. Nothing was changed; try again.")
    if "unique" in text and ("violat" in text or "duplicate" in text):
        return WorkspaceError(
            f"{where} was changed by someone else at the same moment (something with the same name was "
            "saved first). Nothing was changed; look at the workspace and try again.")
    return None


class ServerUnavailable(WorkspaceError):
    """The server cannot be reached right now; nothing was saved."""


class PasswordNeeded(WorkspaceError):
    """The server asked for a password that libpq could not find."""


@dataclass(frozen=True)
class Notice:
    """What another client saved: the tables it wrote and the evaluations they belong to."""

    tables: tuple[str, ...]
    evaluations: tuple[int, ...]


def lost(ws: ServerWorkspace, exc: BaseException) -> ServerUnavailable:
    """The server went away (restarting, the network down): what to tell a person."""
    return lost_at(ws.address, exc)


def lost_at(address: ServerAddress, exc: BaseException) -> ServerUnavailable:
    error = explain_server(address, exc)
    return error if isinstance(error, ServerUnavailable) else ServerUnavailable(
        f"the team server at {address.display} cannot be reached. Nothing was saved; try again when it is back.")


def cannot_connect(address: ServerAddress, exc: BaseException) -> WorkspaceError:
    """What to tell a person when connecting failed with `exc`."""
    return explain_server(address, exc) or lost_at(address, exc)


def driver_failure(address: ServerAddress, con: Any, exc: BaseException) -> BaseException:
    """What to raise for `exc`, a psycopg error on `con`: the connection lost, or what else the
    server said, in words for a person; `exc` itself when there is nothing to add."""
    gone = con.closed or con.broken
    return (lost_at(address, exc) if gone else explain_server(address, exc)) or exc


def own_connection(ws: ServerWorkspace) -> Any:
    """A psycopg connection of its own (autocommit), made as every other one is (`connect`)."""
    con = ws.connection()
    con.autocommit = True
    return con


class ChangeListener:
    """A connection of its own that LISTENs on CHANNEL; the app watches its socket.

    `poll()` returns the notices of other clients that arrived; it raises ServerUnavailable when
    the connection is gone (the server restarted, the network dropped); `ping()` finds that out
    when nothing arrives. Make a new listener to reconnect.
    """

    def __init__(self, ws: ServerWorkspace) -> None:
        self.ws = ws
        self.con: Any = own_connection(ws)
        self.con.execute(f"LISTEN {CHANNEL}")

    def fileno(self) -> int:
        return int(self.con.fileno())

    def _lost(self, exc: BaseException) -> ServerUnavailable:
        return lost(self.ws, exc)

    def poll(self) -> list[Notice]:
        import psycopg

        found: list[Notice] = []
        try:
            for n in self.con.notifies(timeout=0):
                notice = self._read(n.payload)
                if notice is not None:
                    found.append(notice)
        except psycopg.Error as exc:
            raise self._lost(exc) from None
        return found

    def _read(self, payload: str) -> Notice | None:
        try:
            data = json.loads(payload)
        except ValueError:
            return None
        if not isinstance(data, dict) or data.get("client") == self.ws.client_id:
            return None
        return Notice(tuple(str(t) for t in data.get("tables", [])),
                      tuple(int(i) for i in data.get("evaluations", []) if isinstance(i, int)))

    def ping(self) -> None:
        import psycopg

        try:
            self.con.execute("select 1")
        except psycopg.Error as exc:
            raise self._lost(exc) from None

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.con.close()
