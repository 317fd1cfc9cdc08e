"""`workspace copy` to a new server brings the people and roles, and says exactly how to grant them.

The roles themselves (PostgreSQL group memberships) are the server's, not the workspace's: a
login of the same name on another server may be somebody else, so the copy grants nothing by
itself. It lists one `diligence team grant` command per person instead; run as printed by the
new owner, each gives that login its role and person back.
"""

from __future__ import annotations

import shlex

import pytest

from app.cli import main
from app.services import team
from tests.team.test_team_roles import DANIEL, MAYA, Team, team_ws  # noqa: F401 - the fixture


def test_a_copy_to_a_new_server_prints_the_grants_to_run_and_they_restore_every_role(
        team_ws: Team, pg_url2: str, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    team_ws.drop_stand_in_document()
    source = team_ws.cluster.url(team_ws.dbname)
    assert main(["workspace", "copy", source, pg_url2]) == 0
    out = capsys.readouterr().out
    assert "people     4: their roles are not granted on this server yet" in out
    commands = [line.strip() for line in out.splitlines() if line.strip().startswith("diligence team grant")]
    assert len(commands) == 4
    logins = team_ws.logins
    # A new server would not know these logins' roles: the throwaway cluster is one server for
    # both databases, so take the roles away first, as a fresh server would have them.
    for login in logins.values():
        team_ws.cluster.sql(f'revoke diligence_lead, diligence_evaluator, diligence_viewer from "{login}"')
    assert _granted(team_ws) == {}
    for command in commands:
        argv = shlex.split(command)[1:]
        assert main(argv) == 0, command
    capsys.readouterr()
    assert _granted(team_ws) == {logins["maya"]: "evaluator", logins["daniel"]: "evaluator",
                                 logins["viewer"]: "viewer", logins["lead"]: "lead"}
    from app.store.server import open_server_workspace

    ws = open_server_workspace(team_ws.cluster.url(pg_url2.rsplit("/", 1)[1], logins["maya"]))
    try:
        assert team.me(ws) == team.Member(logins["maya"], MAYA, "evaluator")
        roles = {m.login: (m.person, m.role) for m in team.members(ws)}
    finally:
        ws.close()
    assert roles[logins["daniel"]] == (DANIEL, "evaluator")
    assert roles[logins["viewer"]] == ("Erin Exec", "viewer")
    assert roles[logins["lead"]] == ("Lee Lead", "lead")


def _granted(t: Team) -> dict[str, str]:
    """login -> role, for the team's logins, as the server's group memberships say."""
    rows = t.cluster.sql("select r.rolname, g.rolname from pg_auth_members m join pg_roles g on g.oid = m.roleid "
                         "join pg_roles r on r.oid = m.member where g.rolname like 'diligence_%'")
    mine = set(t.logins.values())
    return {str(r): str(g).removeprefix("diligence_") for r, g in rows if r in mine}
