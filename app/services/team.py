"""People and roles on a team workspace: who I am, what my role lets me do, granting roles.

The server enforces the roles (app/store/team_security.py); this module reads them so the app
can show them and disable what a role may not do, and runs `team grant` through the server's
own function (leads only). A folder workspace has no roles: its one user may do everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from app.services.errors import InputError
from app.store.workspace import Workspace

Role = Literal["lead", "evaluator", "viewer"]
ROLES: tuple[Role, ...] = ("lead", "evaluator", "viewer")

# What each role may do, by action; the server's grants say the same (team_security.py).
MANAGE = "manage"  # banks, evaluations, vendors, engagements, evidence, organization, use cases
ANSWER = "answer"  # enter and submit one's own answers
READ = "read"  # results, reports, oversight
_ALLOWED: dict[str, frozenset[str]] = {
    "lead": frozenset({MANAGE, ANSWER, READ}),
    "evaluator": frozenset({ANSWER, READ}),
    "viewer": frozenset({READ}),
}


@dataclass(frozen=True)
class Member:
    login: str
    person: str
    role: Role


def is_team(ws: Workspace) -> bool:
    return getattr(ws, "kind", "file") == "server"


def me(ws: Workspace) -> Member | None:
    """The login this workspace is open as, its person and role; None on a folder workspace.

    A login the team has not been granted to reads as a viewer with its login as the name
    (the server lets it read no more than that, if it can connect at all).
    """
    if not is_team(ws):
        return None
    from sqlalchemy import text

    with ws.engine.connect() as con:
        login = str(con.execute(text("select session_user")).scalar_one())
        row = con.execute(text("select person, role from team_member where login = :login"), {"login": login}).first()
        owner = _owner(con)
    if row is None:
        return Member(login, login, "lead" if login == owner else "viewer")
    return Member(login, str(row[0]), row[1] if row[1] in ROLES else "viewer")


def may(member: Member | None, action: str) -> bool:
    """Whether `member` (None: a folder workspace's one user) may do `action` (MANAGE, ANSWER, READ)."""
    return member is None or action in _ALLOWED.get(member.role, frozenset())


def owner(ws: Workspace) -> str | None:
    """The login that owns a team workspace's database (None on a folder workspace). Only it (or a
    superuser) reads everything, unsubmitted answers and kept backups included, so only it can copy
    the workspace to a file (`workspace copy`, `backup --out`)."""
    if not is_team(ws):
        return None
    with ws.engine.connect() as con:
        return _owner(con)


def members(ws: Workspace) -> list[Member]:
    if not is_team(ws):
        raise InputError("people and roles exist only on a team workspace (a postgresql:// address); "
                         "a workspace folder has one user")
    from sqlalchemy import text

    with ws.engine.connect() as con:
        rows = con.execute(text("select login, person, role from team_member order by role, person")).all()
        owner = _owner(con)
    found = [Member(str(r[0]), str(r[1]), r[2]) for r in rows]
    if owner not in {m.login for m in found}:  # the creator: the first lead, without a row
        found.insert(0, Member(owner, owner, "lead"))
    return found


def _owner(con: Any) -> str:
    from sqlalchemy import text

    return str(con.execute(text(
        "select pg_get_userbyid(datdba) from pg_database where datname = current_database()")).scalar_one())


def grant(ws: Workspace, login: str, role: str, person: str | None = None) -> Member:
    """Give `login` a role (and the person it is: by default its login). Leads only, checked by the server."""
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}: choose lead, evaluator or viewer")
    login = login.strip()
    if not is_team(ws):
        members(ws)  # raises the folder workspace message
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    if person is None:  # a login already on the team keeps its person; a new one is named after itself
        person = next((m.person for m in members(ws) if m.login == login), login)
    person = " ".join(person.split())
    if not login or not person:
        raise InputError("a login and a person's name are needed")

    try:
        with ws.engine.begin() as con:
            con.execute(text("select diligence_grant(:login, :person, :role)"),
                        {"login": login, "person": person, "role": role})
    except DBAPIError as exc:
        cause = exc.orig or exc
        detail = getattr(getattr(cause, "diag", None), "message_primary", None) or str(cause).splitlines()[0]
        if getattr(cause, "sqlstate", "") == "42501":
            raise InputError("only a lead can grant roles; nothing was changed") from None
        if getattr(cause, "sqlstate", "") in {"42704", "23505", "22023"}:
            raise InputError(f"{detail}; nothing was changed") from None
        raise
    return Member(login, person, role)
