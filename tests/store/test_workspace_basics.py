"""Workspace creation, WAL, default bank, refusal of foreign and newer files."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from app.store.workspace import HEAD, NewerWorkspaceError, WorkspaceError, open_workspace


def test_new_workspace_is_migrated_in_wal_mode_with_the_default_bank(workspace, workspace_path: Path) -> None:  # type: ignore[no-untyped-def]
    con = sqlite3.connect(workspace_path / "diligence.sqlite")
    assert con.execute("select version_num from alembic_version").fetchone() == (HEAD,)
    assert con.execute("pragma journal_mode").fetchone() == ("wal",)
    banks = con.execute("select name from bank").fetchall()
    questions = con.execute("select count(*) from question").fetchone()[0]
    assert banks == [("AI implementation partner — standard",)]
    assert questions >= 40


def test_newer_workspace_refused_and_left_byte_identical(workspace, workspace_path: Path) -> None:  # type: ignore[no-untyped-def]
    workspace.close()
    db = workspace_path / "diligence.sqlite"
    con = sqlite3.connect(db)
    con.execute("update alembic_version set version_num='9999'")
    con.commit()
    con.execute("pragma wal_checkpoint(TRUNCATE)")
    con.close()
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    with pytest.raises(NewerWorkspaceError, match="made by a newer version of Diligence"):
        open_workspace(workspace_path)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_a_file_that_is_not_sqlite_is_refused_clearly(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.sqlite"
    bogus.write_text("hello, this is not a database")
    with pytest.raises(WorkspaceError, match="not a Diligence workspace"):
        open_workspace(bogus)


def test_another_sqlite_database_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    con = sqlite3.connect(other)
    con.execute("create table t(x)")
    con.commit()
    con.close()
    with pytest.raises(WorkspaceError, match="not a Diligence workspace"):
        open_workspace(other)


def test_open_without_create_needs_an_existing_workspace(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="no workspace"):
        open_workspace(tmp_path / "missing", create=False)


def test_a_failed_session_leaves_nothing_behind(workspace, workspace_path: Path) -> None:  # type: ignore[no-untyped-def]
    from app.store.tables import UseCaseRow

    with pytest.raises(RuntimeError), workspace.session() as s:
        s.add(UseCaseRow(title="half done"))
        s.flush()
        raise RuntimeError("boom")
    con = sqlite3.connect(workspace_path / "diligence.sqlite")
    assert con.execute("select count(*) from use_case").fetchone() == (0,)
