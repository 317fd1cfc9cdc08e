"""Connect to a team server in a helper process while a command loads (Linux; docs/performance.md).

A command that reads a team workspace (`diligence score`, `report`, …) spends about 0.1 s of CPU
importing psycopg and then waits for the server to accept a connection and answer the schema
check, while the same command on a folder goes straight to numpy and the domain code (another
0.1–0.15 s). On a machine with two cores or more the two can run side by side:

- `start(location)`, called by the console script before anything else (it finds the command and
  the address in its arguments, app.cli `_connect_ahead`), forks a helper process (before any
  thread exists) when `location` is a team workspace address. The
  helper imports psycopg, connects exactly as `server.connect` does, reads the schema revision
  (`server._revision`) and then holds one repeatable-read, read-only connection;
- `open_server_workspace` takes that connection (`take`) instead of making its own, and the
  workspace's reads run through it: each statement goes to the helper through a pipe and its
  rows come back (`AheadConnection`, the few methods of a DB-API connection `Reader` uses).
  The command's own process never imports psycopg unless it writes.

Nothing else changes: the same statements run on the same kind of connection, in one snapshot
per read, as the same login. A failure is the same message as without the helper, because the
helper explains it with the same functions (`server.explain_server`, `server.lost`); anything
the helper cannot answer simply falls back to the usual path in the command's own process.
The helper ends when its connection is closed, or when the command's process ends (the pipe
closes). Elsewhere than on Linux (macOS forbids some system libraries in a forked child that has
not exec'd; Windows has no fork), or in a process that already runs threads, nothing is forked
and everything happens in the command's process, as before.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, BinaryIO

from app.store.location import is_server_location

if TYPE_CHECKING:
    from app.store.workspace import WorkspaceError

GRACE_STEPS, GRACE_STEP_S = 200, 0.001  # how long a closed helper has to leave before it is ended

_pending: Ahead | None = None


class AheadFailure(Exception):
    """A statement failed in the helper, or the helper is gone: `explained` is what to tell a
    person, as `ServerWorkspace.read_connection` would have (None when there is nothing to add)."""

    def __init__(self, text: str, explained: WorkspaceError | None) -> None:
        super().__init__(text)
        self.explained = explained


def start(location: object) -> None:
    """Fork the helper for `location` when it is a team workspace address and forking is safe."""
    global _pending
    if _pending is not None or not is_server_location(location) or not sys.platform.startswith("linux"):
        return  # macOS forbids some system libraries after fork without exec; Windows has no fork
    if threading.active_count() > 1:  # a fork copies only this thread: another's locks would stay held
        return
    to_helper, from_parent = os.pipe()
    to_parent, from_helper = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the helper: it never returns into the command's code
        code = 0
        try:
            os.close(from_parent)
            os.close(to_parent)
            # Nothing to say on the command's terminal or pipes: whoever reads the command's output
            # sees its end when the command ends, not when this process does.
            quiet = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(quiet, fd)
            _serve(str(location), os.fdopen(to_helper, "rb"), os.fdopen(from_helper, "wb"))
        except BaseException:  # noqa: BLE001 - the parent falls back to its own connection
            code = 1
        finally:
            os._exit(code)
    os.close(to_helper)
    os.close(from_helper)
    _pending = Ahead(str(location), pid, os.fdopen(from_parent, "wb"), os.fdopen(to_parent, "rb"))


def take(address: Any) -> Ahead | None:
    """The helper started for `address` (a ServerAddress), if any: it is then the caller's."""
    global _pending
    ahead, _pending = _pending, None
    if ahead is None:
        return None
    from app.store.server import parse_address
    from app.store.workspace import WorkspaceError

    try:
        if parse_address(ahead.location) == address:
            return ahead
    except WorkspaceError:
        pass
    ahead.close()
    return None


def discard() -> None:
    """End a helper nobody took (the command failed before opening its workspace)."""
    global _pending
    ahead, _pending = _pending, None
    if ahead is not None:
        ahead.close()


class Ahead:
    """The command's end of the pipe to the helper."""

    def __init__(self, location: str, pid: int, out: BinaryIO, back: BinaryIO) -> None:
        self.location = location
        self.pid = pid
        self._out = out
        self._back = back
        self.closed = False

    def opened(self) -> tuple[str | None, int] | None:
        """(schema revision, number of tables) once the helper has connected; None when the helper
        could not tell (the caller then connects itself). A failure a person must hear about
        (no such database, password refused, server down) is raised as `server.connection` would."""
        reply = self._receive()
        if reply is None:
            return None
        if reply[0] == "ready":
            return reply[1], reply[2]
        if reply[0] == "failed" and reply[1] is not None:
            self.close()
            raise reply[1]
        self.close()
        return None

    def request(self, *message: object) -> Any:
        if self.closed:
            raise AheadFailure("the connection is closed", None)
        try:
            self._out.write(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))
            self._out.flush()
        except OSError:
            self.close()
            raise AheadFailure("the helper process ended", None) from None
        reply = self._receive()
        if reply is None:
            raise AheadFailure("the helper process ended", None)
        if reply[0] == "error":
            raise AheadFailure(reply[1], reply[2])
        return reply[1]

    def _receive(self) -> Any:
        try:
            return pickle.load(self._back)
        except (EOFError, OSError, pickle.UnpicklingError):
            self.close()
            return None

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        for end in (self._out, self._back):
            try:
                end.close()  # the helper reads the end of its input and leaves
            except OSError:
                pass
        # The helper ends its session and leaves as soon as it reads the end of its input; one
        # still busy after that (a long statement the command was interrupted in) is ended.
        for _ in range(GRACE_STEPS):
            try:
                if os.waitpid(self.pid, os.WNOHANG)[0]:
                    return
            except ChildProcessError:
                return
            time.sleep(GRACE_STEP_S)
        try:
            os.kill(self.pid, signal.SIGTERM)
            os.waitpid(self.pid, 0)
        except (ChildProcessError, ProcessLookupError):
            pass


class AheadCursor:
    """One statement's rows, fetched whole by the helper."""

    def __init__(self, ahead: Ahead) -> None:
        self._ahead = ahead
        self._rows: list[tuple[Any, ...]] = []
        self._at = 0
        self.description: list[tuple[str]] | None = None

    def execute(self, sql: str, params: Sequence[object] = ()) -> AheadCursor:
        names, self._rows = self._ahead.request("execute", sql, tuple(params))
        self._at = 0
        self.description = None if names is None else [(name,) for name in names]
        return self

    def fetchmany(self, size: int = 1) -> list[tuple[Any, ...]]:
        part = self._rows[self._at:self._at + size]
        self._at += len(part)
        return part

    def fetchone(self) -> tuple[Any, ...] | None:
        part = self.fetchmany(1)
        return part[0] if part else None

    def close(self) -> None:
        self._rows = []


class AheadConnection:
    """The helper's connection as `Reader` and `ServerWorkspace` use one (execute, cursor,
    rollback, close): a repeatable-read, read-only snapshot per transaction, as `_for_reads` sets."""

    def __init__(self, ahead: Ahead) -> None:
        self._ahead = ahead

    @property
    def closed(self) -> bool:
        return self._ahead.closed

    def cursor(self) -> AheadCursor:
        return AheadCursor(self._ahead)

    def execute(self, sql: str, params: Sequence[object] = ()) -> AheadCursor:
        return self.cursor().execute(sql, params)

    def rollback(self) -> None:
        self._ahead.request("rollback")

    def close(self) -> None:
        self._ahead.close()


# ----- the helper process --------------------------------------------------------------------


def _serve(location: str, requests: BinaryIO, replies: BinaryIO) -> None:
    def reply(*message: object) -> None:
        replies.write(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))  # whole, or not at all
        replies.flush()

    from app.store import server
    from app.store.workspace import WorkspaceError

    address = server.parse_address(location)
    import psycopg

    try:
        con = server.connect(address)
    except psycopg.Error as exc:
        reply("failed", server.cannot_connect(address, exc))
        return
    try:
        revision, tables = server._revision(con)
        con.rollback()
    except psycopg.Error as exc:
        con.close()
        reply("failed", server.explain_server(address, exc))
        return
    server._for_reads(con)
    reply("ready", revision, tables)
    while True:
        try:
            message = pickle.load(requests)
        except EOFError:
            break
        try:
            if message[0] == "execute":
                cursor = con.execute(message[1], message[2])
                names = None if cursor.description is None else [c.name for c in cursor.description]
                reply("rows", (names, cursor.fetchall() if names is not None else []))
            elif message[0] == "rollback":
                con.rollback()
                reply("done", None)
        except psycopg.Error as exc:
            failure = server.driver_failure(address, con, exc)
            reply("error", f"{type(exc).__name__}: {exc}", failure if isinstance(failure, WorkspaceError) else None)
        except Exception as exc:  # noqa: BLE001 - not the server's: the command reports it as its own
            reply("error", f"{type(exc).__name__}: {exc}", None)
    con.close()
