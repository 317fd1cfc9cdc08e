"""Answer saves on a team workspace: one statement, one round trip (docs/team.md, performance).

An answer is the one thing many people save at once and back to back, so on a server it does
not go through the ORM: `diligence_save_answer` (schema 0011) finds the vendor and evaluator,
applies the answer rule, writes the audit row and the NOTIFY in one call, with the caller's
rights (row-level security applies to it as to any query of theirs).

The client keeps, per open workspace:

- a connection of its own for saves (autocommit, the statement prepared on the server), used by
  one save at a time. When it turns out to be gone (the server restarted, the network dropped),
  the save is tried once more on a new connection: setting an answer to a value is idempotent,
  and a save is reported saved only when the server answered it. If that fails too, the save
  raises ServerUnavailable ("Nothing was saved").
- what it validated the evaluation against (its id and bank version, and the parsed bank). The
  server checks these in the same statement and answers `stale` when the evaluation changed
  meanwhile; the caller then looks again and retries.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.domain.bank import Bank
    from app.store.server import ServerWorkspace

SAVE_ANSWER = ("select outcome, had_answer, old_value, old_note "
               "from diligence_save_answer(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)")


@dataclass(frozen=True)
class AnswerTarget:
    """An evaluation as a save was validated against: the server checks it has not changed."""

    evaluation_id: int
    name: str | None  # the name it was found by (None when found by id)
    bank_version_id: int
    evaluation_name: str
    bank: Bank


@dataclass(frozen=True)
class SavedAnswer:
    """The server's answer: `outcome` is ok, stale, no vendor, no evaluator or gone; the answer
    before the save (`had_answer`, `value`, `note`) only when it is ok."""

    outcome: str
    had_answer: bool
    value: str | None
    note: str | None


class AnswerSaver:
    """The save connection and the validated evaluations of one ServerWorkspace."""

    def __init__(self, ws: ServerWorkspace) -> None:
        self.ws = ws
        self.targets: dict[str | int, AnswerTarget] = {}
        self._con: Any = None
        self._lock = threading.Lock()

    def save(self, target: AnswerTarget, vendor: str, evaluator: str, qid: str, value: str, empty: bool,
             note: str | None, source: str) -> SavedAnswer:
        import psycopg

        from app.store.server import explain_server, lost

        params = (target.evaluation_id, target.name, target.bank_version_id, vendor, evaluator, qid, value, empty,
                  note, source, evaluator, self.ws.client_id)
        with self._lock:
            for attempt in (1, 2):
                fresh = self._con is None
                con = self._connection()
                try:
                    row = con.execute(SAVE_ANSWER, params, prepare=True).fetchone()
                except psycopg.Error as exc:
                    if not (con.closed or con.broken):
                        raise (explain_server(self.ws.address, exc) or exc) from None
                    self._drop()
                    if attempt == 1 and not fresh:
                        continue  # the connection had gone since the last save: once more on a new one
                    raise lost(self.ws, exc) from None
                assert row is not None
                return SavedAnswer(str(row[0]), bool(row[1]), row[2], row[3])
        raise AssertionError("unreachable")

    def _connection(self) -> Any:
        from app.store.server import own_connection

        if self._con is None:
            self._con = own_connection(self.ws)
        return self._con

    def _drop(self) -> None:
        con, self._con = self._con, None
        if con is not None:
            try:
                con.close()
            except Exception:  # noqa: BLE001, S110 - closing a connection that is gone already
                pass

    def close(self) -> None:
        with self._lock:
            self._drop()
