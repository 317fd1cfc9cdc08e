"""Reading a team workspace without SQLAlchemy: `score`, `report` and `evaluation list` open the
server with one psycopg connection, check the schema on it and read on it (docs/team.md,
docs/performance.md). The answers arrive grouped by the server, as SQLite groups them."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.domain.bank import QuestionType
from app.services import evaluations, reading
from app.services.errors import NotFound
from app.store.reader import reading as reader_on
from app.store.server import ServerUnavailable, ServerWorkspace
from app.store.workspace import open_workspace
from tests.conftest import DEMO_ENGAGEMENT, DEMO_EVALUATION
from tests.pgcluster import Cluster
from tests.store.test_answer_columns import _generated, _same_as_per_answer
from tests.team.test_server_workspace import run


@pytest.fixture
def server_demo(demo_url: str) -> Iterator[ServerWorkspace]:
    ws = open_workspace(demo_url)
    assert isinstance(ws, ServerWorkspace)
    yield ws
    ws.close()


def _sql(ws: ServerWorkspace, statement: str) -> None:
    con = ws.connection()
    try:
        con.execute(statement)
        con.commit()
    finally:
        con.close()


@pytest.mark.parametrize("command", [
    ["score", DEMO_EVALUATION],
    ["report", DEMO_EVALUATION, "--out", "{out}"],
    ["evaluation", "list"],
    ["oversight", DEMO_ENGAGEMENT, "--json"],
    ["review-report", DEMO_ENGAGEMENT, "--out", "{out}"],
])
def test_reading_commands_on_a_server_load_neither_sqlalchemy_nor_alembic(server_demo: ServerWorkspace,
                                                                         tmp_path: Path, command: list[str]) -> None:
    args = [a.replace("{out}", str(tmp_path / "report.pdf")) for a in command]
    code = (
        f"import sys; from app.cli import main; code = main({[*args, '--workspace', server_demo.address.url]!r});\n"
        "print('EXIT', code, 'LOADED', [m for m in ('sqlalchemy', 'sqlmodel', 'alembic') if m in sys.modules])"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    assert "EXIT 0 LOADED []" in r.stdout, r.stdout[-500:] + r.stderr


def test_answers_grouped_by_the_server_score_as_one_object_per_answer(server_demo: ServerWorkspace) -> None:
    _generated(server_demo)
    _same_as_per_answer(server_demo)
    answers = list(evaluations.load_snapshot(server_demo, DEMO_EVALUATION).answers)
    assert any(a.note for a in answers) and any(not a.note for a in answers)
    with reader_on(server_demo) as r:
        r.answer_columns(r.evaluation(DEMO_EVALUATION).id)
        assert r._latest_answer, "the server grouped the answers"


@pytest.mark.parametrize(("text", "note"), [
    ("one\x1etwo", "RS\x1e in the value"),  # the answers are read row by row
    ("question\x1fvalue", "US in the value"),
    ("a,b\x1ec", ""),
    ("plain", "RS\x1e in the note"),  # grouped; the notes read by themselves
    ("plain", 'US\x1f, "quotes", {braces}, a \\ and a\nnew line'),  # grouped, notes with their group
])
def test_an_answer_holding_the_separators_reads_as_typed_from_a_server(server_demo: ServerWorkspace,
                                                                       text: str, note: str) -> None:
    _generated(server_demo)
    snap = evaluations.load_snapshot(server_demo, DEMO_EVALUATION)
    question = next(q for q in snap.bank.questions if q.type is QuestionType.TEXT)
    vendor, evaluator = snap.vendors[1].name, snap.evaluators[0].name
    evaluations.record_answer(server_demo, DEMO_EVALUATION, vendor, evaluator, question.id, text, note)
    _same_as_per_answer(server_demo)
    answers = evaluations.load_snapshot(server_demo, DEMO_EVALUATION).answers
    assert [(a.value, a.note) for a in answers
            if (a.vendor, a.evaluator, a.question) == (vendor, evaluator, question.id)] == [(text, note)]


def test_evaluators_in_the_same_position_keep_the_answer_order_on_a_server(server_demo: ServerWorkspace) -> None:
    _generated(server_demo)
    _sql(server_demo, "UPDATE evaluator SET position = 0")
    _sql(server_demo, "UPDATE vendor SET position = 7 - id")  # vendors listed in reverse
    _same_as_per_answer(server_demo)


def test_one_read_sees_one_state_even_while_someone_saves(server_demo: ServerWorkspace, pg_url: str) -> None:
    """Like a folder's read transaction: a report never mixes a submission made halfway through it."""
    person = evaluations.load_snapshot(server_demo, DEMO_EVALUATION).evaluators[0].name
    evaluations.set_submitted(server_demo, DEMO_EVALUATION, person, False)
    other = open_workspace(pg_url)
    try:
        with reader_on(server_demo) as r:
            ev = r.evaluation(DEMO_EVALUATION)
            before = r.evaluators(ev.id)
            evaluations.set_submitted(other, DEMO_EVALUATION, person)  # another client, committed
            assert r.evaluators(ev.id) == before
    finally:
        other.close()
    after = {e.name: e.submitted for e in evaluations.load_snapshot(server_demo, DEMO_EVALUATION).evaluators}
    assert after[person] and not {e.name: e.submitted for e in before}[person]


def test_reads_go_on_after_the_server_restarts_and_say_so_while_it_is_down(
        server_demo: ServerWorkspace, pg_env: Cluster) -> None:
    first = reading.score(server_demo, DEMO_EVALUATION).ranking
    pg_env.stop()
    with pytest.raises(ServerUnavailable, match="cannot be reached"):
        reading.load_snapshot(server_demo, DEMO_EVALUATION)
    pg_env.restart()
    assert reading.score(server_demo, DEMO_EVALUATION).ranking == first  # a new connection, no error
    pg_env.stop("immediate")  # the kept connection is cut while idle
    pg_env.restart()
    assert reading.score(server_demo, DEMO_EVALUATION).ranking == first


def test_a_workspace_from_a_newer_diligence_is_refused_and_left_alone(server_demo: ServerWorkspace) -> None:
    _sql(server_demo, "UPDATE alembic_version SET version_num = '9999'")
    r = run("score", DEMO_EVALUATION, workspace=server_demo.address.url)
    assert r.returncode == 2 and "made by a newer version of Diligence (schema 9999)" in r.stderr, r.stderr
    con = server_demo.connection()
    try:
        assert con.execute("select version_num from alembic_version").fetchall() == [("9999",)]
    finally:
        con.close()


def test_a_database_of_something_else_or_an_empty_one_is_refused_and_left_alone(pg_env: Cluster,
                                                                              pg_url: str) -> None:
    dbname = pg_url.rsplit("/", 1)[1]
    r = run("score", DEMO_EVALUATION, workspace=pg_url)
    assert r.returncode == 2 and "there is no workspace at" in r.stderr, r.stderr
    assert pg_env.sql("select count(*) from pg_tables where schemaname = 'public'", dbname) == [(0,)]
    pg_env.sql("create table customers (id int)", dbname)
    r = run("evaluation", "list", workspace=pg_url)  # a command that would create a workspace
    assert r.returncode == 2 and "holds tables that are not a Diligence workspace" in r.stderr, r.stderr
    assert pg_env.sql("select tablename from pg_tables where schemaname = 'public'", dbname) == [("customers",)]


def test_a_read_that_finds_nothing_keeps_its_connection(server_demo: ServerWorkspace) -> None:
    """Asking for an evaluation that is not there is the caller's error, not the connection's:
    the next read goes on the same server backend instead of logging in again."""
    def backend() -> int:
        with reader_on(server_demo) as r:
            row = r.first("SELECT pg_backend_pid() AS pid")
            assert row is not None
            return int(row.pid)

    before = backend()
    with pytest.raises(NotFound):
        reading.load_snapshot(server_demo, "No such evaluation")
    assert backend() == before
