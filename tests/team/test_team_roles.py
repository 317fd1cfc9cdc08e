"""People, roles, blind scoring and the audit trail on a team workspace, enforced by the server.

A demo workspace on a throwaway PostgreSQL: its creator (the database owner) is the first lead
and grants roles to four more logins. Every check is made twice where it matters: through the
app's services as that login, and with a plain psycopg connection as that login (what anyone
with a SQL client could do).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest

from app.cli import main
from app.domain.models import Vendor
from app.services import evaluations, team
from app.services.errors import InputError
from app.store.server import open_server_workspace
from app.store.workspace import WorkspaceError
from tests.conftest import DEMO_EVALUATION
from tests.pgcluster import Cluster

DANIEL = "Daniel Okafor (Data)"  # scores blind: reopened, with a secret answer and note
MAYA = "Maya Chen (RevOps)"
VENDOR = "Signal & Scale Partners"
TEXT_QUESTION = "TR06"  # a free-text question: its value can be a secret string


@dataclass
class Team:
    cluster: Cluster
    dbname: str
    owner_ws: Any
    logins: dict[str, str]  # person or role word -> login
    secrets: tuple[str, ...]

    def url(self, who: str) -> str:
        return self.cluster.url(self.dbname, self.logins[who])

    def open(self, who: str) -> Any:
        return open_server_workspace(self.url(who))

    def drop_stand_in_document(self) -> None:
        """The fixture's document has no bytes (enough for blind scoring); a copy refuses such a workspace."""
        self.cluster.sql("delete from evidence_citation; delete from evidence_document; delete from evidence_blob",
                         self.dbname)

    def sql(self, who: str) -> psycopg.Connection[Any]:
        return psycopg.connect(host="127.0.0.1", port=self.cluster.port, dbname=self.dbname,
                               user=self.logins[who], autocommit=True)


@pytest.fixture
def team_ws(pg_env: Cluster, pg_url: str) -> Iterator[Team]:
    from app.services.banks import ensure_default_bank
    from app.services.transfer import load_demo

    owner = open_server_workspace(pg_url)
    ensure_default_bank(owner)
    load_demo(owner)
    tag = uuid.uuid4().hex[:8]
    logins = {"daniel": f"daniel_{tag}", "maya": f"maya_{tag}", "viewer": f"exec_{tag}", "lead": f"lead_{tag}"}
    for login in logins.values():
        pg_env.create_login(login, f"pw-{login}")
    team.grant(owner, logins["daniel"], "evaluator", DANIEL)
    team.grant(owner, logins["maya"], "evaluator", MAYA)
    team.grant(owner, logins["viewer"], "viewer", "Erin Exec")
    team.grant(owner, logins["lead"], "lead", "Lee Lead")
    secret_value, secret_note, secret_quote = (f"SECRET-{k}-{tag}" for k in ("VALUE", "NOTE", "QUOTE"))
    # Daniel reopens his scoring and writes a secret answer, as himself.
    dan = open_server_workspace(pg_env.url(pg_url.rsplit("/", 1)[1], logins["daniel"]))
    evaluations.set_submitted(dan, DEMO_EVALUATION, DANIEL, False)
    evaluations.record_answer(dan, DEMO_EVALUATION, VENDOR, DANIEL, TEXT_QUESTION, secret_value, secret_note)
    dan.close()
    # … and a citation of his (written directly: the evidence files are not what is tested here).
    dbname = pg_url.rsplit("/", 1)[1]
    pg_env.sql("insert into evidence_blob (sha256, size, format, pages, stored_at) values ('ab', 1, 'txt', 1, now())", dbname)
    pg_env.sql("insert into evidence_document (vendor_id, sha256, name, kind, added_at, added_by, position) "
               f"select id, 'ab', 'doc.txt', 'other', now(), '', 0 from vendor where name = '{VENDOR}'", dbname)
    pg_env.sql("insert into evidence_citation (document_id, qid, evaluator, page, quote, cited_at, cited_by) "
               f"select id, '{TEXT_QUESTION}', '{DANIEL}', 1, '{secret_quote}', now(), '' from evidence_document", dbname)
    # A backup kept in the database (workspace copy brings a folder's backups) holds them too.
    pg_env.sql("insert into backup_file (name, created_at, size, content) "
               f"values ('b.sqlite', now(), 1, convert_to('{secret_value}', 'UTF8'))", dbname)
    try:
        yield Team(pg_env, dbname, owner, logins, (secret_value, secret_note, secret_quote))
    finally:
        owner.close()


def _relations(con: psycopg.Connection[Any]) -> list[str]:
    """Every table and view of the workspace's schema, from the catalog (a new table cannot slip by)."""
    rows = con.execute(
        "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
        "where n.nspname = current_schema() and c.relkind in ('r', 'v', 'm', 'p', 'f') order by 1").fetchall()
    return [r[0] for r in rows]


def _leaks(con: psycopg.Connection[Any], secrets: tuple[str, ...], daniel_id: int) -> list[str]:
    found = []
    for name in _relations(con):
        try:
            rows = con.execute(f'select * from "{name}"').fetchall()  # noqa: S608 - catalog names
        except psycopg.errors.InsufficientPrivilege:
            continue  # not readable at all: nothing leaks
        columns = [d.name for d in con.execute(f'select * from "{name}" limit 0').description or []]
        for row in rows:
            text = repr(row)
            found.extend(f"{name}: {s}" for s in secrets if s in text)
            if name == "answer" and row[columns.index("evaluator_id")] == daniel_id:
                found.append(f"answer row of {DANIEL}: {row}")
    return found


def _daniel_id(t: Team) -> int:
    return int(t.cluster.sql(f"select id from evaluator where name = '{DANIEL}'", t.dbname)[0][0])


# ----- blind scoring ----------------------------------------------------------------------------


@pytest.mark.parametrize("reader", ["maya", "lead", "viewer"])
def test_no_other_login_reads_an_unsubmitted_answer_note_or_citation_in_any_table(team_ws: Team, reader: str) -> None:
    daniel_id = _daniel_id(team_ws)
    with team_ws.sql("daniel") as own:  # the check can see them: Daniel reads his own
        assert len(_leaks(own, team_ws.secrets, -1)) >= 3
    with team_ws.sql(reader) as con:
        assert _leaks(con, team_ws.secrets, daniel_id) == []
        # Through the app as well: no answer of Daniel's in what that login loads.
        ws = team_ws.open(reader)
        try:
            snap = evaluations.load_snapshot(ws, DEMO_EVALUATION)
            assert not [a for a in snap.answers if a.evaluator == DANIEL]
            assert snap.answers  # Maya submitted: hers are there
        finally:
            ws.close()
    # Once Daniel submits, the others read his answers.
    dan = team_ws.open("daniel")
    evaluations.set_submitted(dan, DEMO_EVALUATION, DANIEL, True)
    dan.close()
    with team_ws.sql(reader) as con:
        assert {s for s in team_ws.secrets if any(s in x for x in _leaks(con, team_ws.secrets, -1))} == set(team_ws.secrets)


def test_results_read_by_a_colleague_are_provisional_while_someone_is_still_scoring(team_ws: Team) -> None:
    ws = team_ws.open("maya")
    try:
        state = evaluations.score(ws, DEMO_EVALUATION).scoring
        assert state.provisional and [e.name for e in state.still_scoring] == [DANIEL]
        assert state.summary().startswith("PROVISIONAL: 1 of 2 evaluators have submitted")
    finally:
        ws.close()


# ----- roles ------------------------------------------------------------------------------------


def test_an_evaluator_cannot_create_a_vendor_by_the_app_or_by_sql(team_ws: Team) -> None:
    ws = team_ws.open("maya")
    try:
        with pytest.raises(WorkspaceError, match="not allowed"):
            evaluations.save_vendor(ws, DEMO_EVALUATION, Vendor("Maya's own vendor"))
    finally:
        ws.close()
    with team_ws.sql("maya") as con, pytest.raises(psycopg.errors.InsufficientPrivilege):
        con.execute("insert into vendor (evaluation_id, name, industries, claims, pricing_model, pricing_amount, "
                    "pricing_currency, pricing_assumes, assumed_infrastructure, position, timeline_description, version) "
                    "select id, 'x', '[]', '', '', 0, 'USD', '[]', '[]', 9, '', 1 from evaluation")
    assert [r[0] for r in team_ws.cluster.sql("select name from vendor where name in ('x', 'Maya''s own vendor')",
                                              team_ws.dbname)] == []


def test_an_evaluator_writes_only_their_own_answers(team_ws: Team) -> None:
    ws = team_ws.open("maya")
    try:
        evaluations.record_answer(ws, DEMO_EVALUATION, VENDOR, MAYA, TEXT_QUESTION, "Maya's own words")
        with pytest.raises(WorkspaceError, match="not allowed"):
            evaluations.record_answer(ws, DEMO_EVALUATION, VENDOR, DANIEL, "TR04", "0")
        with pytest.raises(WorkspaceError, match="not allowed"):
            evaluations.set_submitted(ws, DEMO_EVALUATION, DANIEL, True)
    finally:
        ws.close()
    with team_ws.sql("maya") as con:
        assert con.execute("update evaluator set submitted_at = now() where name = %s", (DANIEL,)).rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute("update evaluator set name = 'renamed' where name = %s", (MAYA,))


def test_a_viewer_reads_but_changes_nothing(team_ws: Team) -> None:
    ws = team_ws.open("viewer")
    try:
        assert evaluations.score(ws, DEMO_EVALUATION).ranking
        with pytest.raises(WorkspaceError, match="not allowed"):
            evaluations.record_answer(ws, DEMO_EVALUATION, VENDOR, MAYA, TEXT_QUESTION, "viewer's words")
    finally:
        ws.close()
    with team_ws.sql("viewer") as con, pytest.raises(psycopg.errors.InsufficientPrivilege):
        con.execute("delete from vendor")


def test_roles_are_granted_by_leads_only_and_each_login_knows_its_own(team_ws: Team) -> None:
    owner = team.me(team_ws.owner_ws)
    assert owner is not None and owner.role == "lead"  # the creator is the first lead
    ws = team_ws.open("maya")
    try:
        assert team.me(ws) == team.Member(team_ws.logins["maya"], MAYA, "evaluator")
        assert not team.may(team.me(ws), team.MANAGE) and team.may(team.me(ws), team.ANSWER)
        with pytest.raises(InputError, match="only a lead can grant roles"):
            team.grant(ws, team_ws.logins["maya"], "lead")
    finally:
        ws.close()
    with team_ws.sql("maya") as con, pytest.raises(psycopg.errors.InsufficientPrivilege):
        con.execute("insert into team_member (login, person, role) values ('x', 'x', 'lead')")
    lead = team_ws.open("lead")
    try:
        team.grant(lead, team_ws.logins["viewer"], "evaluator", "Erin Exec")  # a lead who is not the owner
        with pytest.raises(InputError, match="already the login"):
            team.grant(lead, team_ws.logins["viewer"], "evaluator", MAYA)  # a person is one login
        evaluations.save_vendor(lead, DEMO_EVALUATION, Vendor("Lead's new vendor"))
    finally:
        lead.close()
    roles = {m.login: m.role for m in team.members(team_ws.owner_ws)}
    assert roles[team_ws.logins["viewer"]] == "evaluator"


def test_team_commands(team_ws: Team, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["team", "list", "--workspace", team_ws.url("maya")]) == 0
    out = capsys.readouterr().out
    assert f"evaluator  {team_ws.logins['maya']}" in out and "(you)" in out and "Erin Exec" in out
    assert main(["team", "grant", team_ws.logins["viewer"], "--role", "lead", "--workspace", team_ws.url("maya")]) == 2
    assert "only a lead can grant roles" in capsys.readouterr().err
    assert main(["team", "grant", team_ws.logins["viewer"], "--role", "lead", "--workspace", team_ws.url("lead")]) == 0
    assert "is now Erin Exec, lead" in capsys.readouterr().out


# ----- the audit trail --------------------------------------------------------------------------


def test_the_audit_trail_names_the_login_not_a_typed_name(team_ws: Team) -> None:
    lead = team_ws.open("lead")
    try:
        evaluations.save_vendor(lead, DEMO_EVALUATION, Vendor("Audited vendor"), actor="Someone Else")
    finally:
        lead.close()
    with team_ws.sql("maya") as con:
        con.execute("insert into audit_log (at, actor, action, entity, entity_id, reason) "
                    "values (%s, 'Lee Lead', 'forged', 'vendor', '1', '')", (datetime.now(UTC).replace(tzinfo=None),))
    rows = dict(team_ws.cluster.sql("select action, actor from audit_log where action in ('vendor added', 'forged')",
                                    team_ws.dbname))
    assert rows == {"vendor added": team_ws.logins["lead"], "forged": team_ws.logins["maya"]}
    with team_ws.sql("maya") as con, pytest.raises(psycopg.errors.InsufficientPrivilege):
        con.execute("update audit_log set actor = 'nobody'")


def test_a_database_owned_by_a_lead_login_sets_up_the_team_as_the_setup_guide_says(pg_env: Cluster) -> None:
    """docs/team.md: the owner is an ordinary login with CREATEROLE, not a superuser."""
    tag = uuid.uuid4().hex[:8]
    ann, bob = f"ann_{tag}", f"bob_{tag}"
    pg_env.create_login(ann, f"pw-{ann}")
    pg_env.sql(f'alter role "{ann}" createrole')
    pg_env.create_login(bob, f"pw-{bob}")
    dbname = f"t_{tag}"
    url = pg_env.create_database(dbname, owner=ann)
    try:
        ws = open_server_workspace(url)  # ann creates the workspace
        try:
            from app.services.banks import ensure_default_bank

            ensure_default_bank(ws)
            assert team.me(ws) == team.Member(ann, ann, "lead")
            team.grant(ws, bob, "viewer", "Bob")
        finally:
            ws.close()
        with psycopg.connect(host="127.0.0.1", port=pg_env.port, dbname=dbname, user=bob, autocommit=True) as con:
            assert con.execute("select count(*) from bank").fetchone() == (1,)
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                con.execute("delete from bank")
    finally:
        pg_env.drop_database(dbname)
