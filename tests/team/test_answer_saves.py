"""Answer saves on a team workspace: one statement each, and the same result as on a folder.

`record_answer` on a server calls `diligence_save_answer` (schema 0011) instead of the ORM
(app/store/server_answers.py). These tests hold it to what the folder path does: the answer
stored, what undo gets back, the audit trail and the notice to other windows; to the server's
rules (row-level security for a plain SQL call too); and to the faults a save can meet (the
evaluation changed by someone else since the last save, the save connection dropped).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from app.domain.bank import QuestionType
from app.domain.models import Vendor
from app.services import evaluations
from app.services.banks import ensure_default_bank
from app.services.errors import InputError, NotFound
from app.services.transfer import load_demo
from app.store.server import ServerWorkspace, open_server_workspace
from app.store.workspace import Workspace, open_workspace
from tests.conftest import DEMO_EVALUATION
from tests.pgcluster import Cluster
from tests.team.test_team_roles import DANIEL, MAYA, TEXT_QUESTION, VENDOR, Team
from tests.team.test_team_roles import team_ws as team_ws  # noqa: F401 - the fixture, used here too


def _demo(ws: Workspace) -> Workspace:
    ensure_default_bank(ws)
    load_demo(ws)
    return ws


@pytest.fixture
def server(pg_url: str) -> Iterator[ServerWorkspace]:
    ws = open_server_workspace(pg_url)
    try:
        yield _demo(ws)  # type: ignore[misc]
    finally:
        ws.close()


def _where(ws: Workspace) -> tuple[str, str, str, str]:
    """(vendor, evaluator, scale question, text question) of the demo."""
    snap = evaluations.load_snapshot(ws, DEMO_EVALUATION)
    scale = next(q.id for q in snap.bank.questions if q.type is QuestionType.SCALE)
    text = next(q.id for q in snap.bank.questions if q.type is QuestionType.TEXT)
    return snap.vendors[0].name, snap.evaluators[0].name, scale, text


def _edits(ws: Workspace) -> list[object]:
    """A run of edits a person makes, with what each returned (or the message it refused with)."""
    vendor, evaluator, scale, text = _where(ws)
    steps: list[tuple[str, object, str | None]] = [
        (scale, "4", None),  # a value; the note is kept
        (scale, "4", None),  # the same again: nothing to audit
        (scale, "2", "checked the references"),
        (scale, "", None),  # the value cleared, the note kept: the answer stays
        (scale, "", ""),  # both cleared: no answer any more
        (scale, "", ""),  # nothing to clear
        (scale, "5", None),  # a new answer, no note
        (text, "  Named team of four.  ", "from the demo"),
        (scale, "eleven", None),  # not a value of a scale question
        ("NO-SUCH-QUESTION", "1", None),
    ]
    got: list[object] = []
    for qid, value, note in steps:
        try:
            got.append(evaluations.record_answer(ws, DEMO_EVALUATION, vendor, evaluator, qid, value, note))
        except InputError as exc:
            got.append(("refused", str(exc)))
    for who, what in (("Nobody Inc.", evaluator), (vendor, "Nobody")):
        try:
            evaluations.record_answer(ws, DEMO_EVALUATION, who, what, scale, "3")
        except (InputError, NotFound) as exc:
            got.append((type(exc).__name__, str(exc)))
    return got


def _stored(ws: Workspace) -> list[tuple[str, str, str, str, str]]:
    snap = evaluations.load_snapshot(ws, DEMO_EVALUATION)
    return sorted((a.vendor, a.evaluator, a.question, a.value, a.note) for a in snap.answers)


def _audit_of_answers(rows: list[tuple[Any, ...]]) -> list[tuple[object, ...]]:
    return [(action, entity_id, json.loads(b) if isinstance(b, str) else b, json.loads(a) if isinstance(a, str) else a)
            for action, entity_id, b, a in rows]


def test_a_save_on_a_server_does_what_a_save_in_a_folder_does(server: ServerWorkspace, pg_env: Cluster,
                                                              tmp_path: Path) -> None:
    folder = _demo(open_workspace(tmp_path / "folder"))
    try:
        with folder.engine.connect() as con:
            start = con.exec_driver_sql("select max(id) from audit_log").scalar()
        on_folder, folder_answers = _edits(folder), _stored(folder)
        with folder.engine.connect() as con:
            folder_audit = _audit_of_answers(list(con.exec_driver_sql(
                "select action, entity_id, before, after from audit_log where id > ? order by id", (start,))))
    finally:
        folder.close()
    dbname = server.address.dbname
    start = pg_env.sql("select max(id) from audit_log", dbname)[0][0]
    on_server = _edits(server)
    assert on_server == on_folder  # what was saved, what undo restores, the same refusals
    assert _stored(server) == folder_answers
    server_audit = _audit_of_answers(pg_env.sql(
        f"select action, entity_id, before, after from audit_log where id > {start} order by id", dbname))
    assert server_audit == folder_audit
    assert len(server_audit) >= 5 and {row[0] for row in server_audit} == {"answer changed"}


def test_another_window_hears_of_each_saved_answer(server: ServerWorkspace, pg_url: str) -> None:
    vendor, evaluator, scale, _ = _where(server)
    other = open_server_workspace(pg_url)
    listener = other.listener()
    try:
        evaluations.record_answer(server, DEMO_EVALUATION, vendor, evaluator, scale, "1", "heard")
        evaluation_id = evaluations.evaluation_id(server, DEMO_EVALUATION)
        deadline = time.monotonic() + 5
        notices: list[Any] = []
        while not notices and time.monotonic() < deadline:
            notices = listener.poll()
            time.sleep(0.02)
        assert [(n.tables, n.evaluations) for n in notices] == [(("answer", "audit_log"), (evaluation_id,))]
        # … and the window that saved it is not told of its own save.
        own = server.listener()
        try:
            evaluations.record_answer(server, DEMO_EVALUATION, vendor, evaluator, scale, "2")
            time.sleep(0.3)
            assert own.poll() == []
            assert len(listener.poll()) == 1
        finally:
            own.close()
    finally:
        listener.close()
        other.close()


def test_an_answer_save_is_one_statement_on_the_server(server: ServerWorkspace,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    vendor, evaluator, scale, text = _where(server)
    evaluations.record_answer(server, DEMO_EVALUATION, vendor, evaluator, scale, "1")  # looks the evaluation up
    sent: list[str] = []
    execute, commit = psycopg.Cursor.execute, psycopg.Connection.commit

    def counting_execute(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(str(query))
        return execute(self, query, *args, **kwargs)

    def counting_commit(self: Any) -> None:
        sent.append("commit")
        commit(self)

    monkeypatch.setattr(psycopg.Cursor, "execute", counting_execute)
    monkeypatch.setattr(psycopg.Connection, "commit", counting_commit)
    for k in range(10):
        evaluations.record_answer(server, DEMO_EVALUATION, vendor, evaluator, scale if k % 2 else text, str(k % 5))
    assert len(sent) == 10 and all("diligence_save_answer" in s for s in sent), sent


def test_a_save_after_someone_replaced_the_evaluation_goes_to_the_new_one(server: ServerWorkspace, pg_url: str,
                                                                         pg_env: Cluster) -> None:
    vendor, evaluator, scale, _ = _where(server)
    evaluations.record_answer(server, DEMO_EVALUATION, vendor, evaluator, scale, "3")
    old_id = evaluations.evaluation_id(server, DEMO_EVALUATION)
    version = int(pg_env.sql(f"select bank_version_id from evaluation where id = {old_id}", server.address.dbname)[0][0])
    lead = open_server_workspace(pg_url)
    try:  # another client deletes the evaluation and makes it again: same names, new rows
        evaluations.delete_evaluation(lead, DEMO_EVALUATION)
        evaluations.create_evaluation(lead, DEMO_EVALUATION, version, [evaluator])
        evaluations.save_vendor(lead, DEMO_EVALUATION, Vendor(vendor))
    finally:
        lead.close()
    change = evaluations.record_answer(server, DEMO_EVALUATION, vendor, evaluator, scale, "1", "into the new one")
    assert evaluations.evaluation_id(server, DEMO_EVALUATION) != old_id
    assert change.answer is not None and change.answer.value == "1"
    assert (vendor, evaluator, scale, "1", "into the new one") in _stored(server)
    lead = open_server_workspace(pg_url)
    try:
        evaluations.delete_evaluation(lead, DEMO_EVALUATION)
    finally:
        lead.close()
    with pytest.raises(NotFound, match="there is no evaluation named"):
        evaluations.record_answer(server, DEMO_EVALUATION, vendor, evaluator, scale, "2")


def test_a_dropped_save_connection_is_made_again_and_the_save_lands_once(server: ServerWorkspace,
                                                                        pg_env: Cluster) -> None:
    vendor, evaluator, scale, _ = _where(server)
    evaluations.record_answer(server, DEMO_EVALUATION, vendor, evaluator, scale, "1", "before")
    dbname = server.address.dbname
    # The server drops every connection of the workspace (an administrator, a restart).
    pg_env.sql(f"select pg_terminate_backend(pid) from pg_stat_activity where datname = '{dbname}' "
               "and pid <> pg_backend_pid()")
    change = evaluations.record_answer(server, DEMO_EVALUATION, vendor, evaluator, scale, "4", "after")
    assert (change.before, change.before_note) == ("1", "before")
    rows = pg_env.sql(f"select a.value, a.note from answer a join vendor v on v.id = a.vendor_id "
                      f"join evaluator e on e.id = a.evaluator_id where v.name = '{vendor}' "
                      f"and e.name = '{evaluator}' and a.qid = '{scale}'", dbname)
    assert rows == [("4", "after")]
    audits = pg_env.sql(f"select count(*) from audit_log where entity_id like '%/{vendor}/{evaluator}/{scale}' "
                        "and after::text like '%after%'", dbname)
    assert audits == [(1,)]


def test_the_save_function_keeps_to_blind_scoring_and_roles_for_a_plain_sql_call(team_ws: Team) -> None:  # noqa: F811
    ev = team_ws.cluster.sql(f"select id, bank_version_id from evaluation where name = '{DEMO_EVALUATION}'",
                             team_ws.dbname)[0]
    call = "select * from diligence_save_answer(%s, null, %s, %s, %s, %s, %s, %s, %s, 'sql', 'x', 'c')"
    with team_ws.sql("maya") as con:
        # Maya cannot write Daniel's answer, nor learn his unsubmitted one from what comes back.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute(call, (ev[0], ev[1], VENDOR, DANIEL, TEXT_QUESTION, "overwritten", False, None))
        assert con.execute(call, (ev[0], ev[1], VENDOR, MAYA, TEXT_QUESTION, "mine", False, None)).fetchone()[0] == "ok"
    with team_ws.sql("viewer") as con, pytest.raises(psycopg.errors.InsufficientPrivilege):
        con.execute(call, (ev[0], ev[1], VENDOR, MAYA, TEXT_QUESTION, "viewer's", False, None))
    rows = dict(team_ws.cluster.sql(
        f"select e.name, a.value from answer a join evaluator e on e.id = a.evaluator_id "
        f"where a.qid = '{TEXT_QUESTION}' and e.name in ('{DANIEL}', '{MAYA}') "
        f"and a.vendor_id = (select id from vendor where name = '{VENDOR}')", team_ws.dbname))
    assert rows == {DANIEL: team_ws.secrets[0], MAYA: "mine"}
    actors = team_ws.cluster.sql(f"select actor from audit_log where entity_id like '%/{MAYA}/{TEXT_QUESTION}' "
                                 "order by id desc limit 1", team_ws.dbname)
    assert actors == [(team_ws.logins["maya"],)]
