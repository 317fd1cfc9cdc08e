"""Workspaces in folders with characters that mean something in a URI (issue #19, item 1).

A path once went into SQLite URIs unquoted: at `#` or `?` SQLite opened an empty stray file
instead, the next open re-created the workspace over the real one, and backups came out empty.
Every test here runs the real command line on such a path and checks the data with SQL.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.services import backups
from app.store.workspace import WorkspaceError, connect, open_workspace, sqlite_uri
from tests.conftest import DEMO_EVALUATION

ODD_NAMES = [
    "C# team",
    "what?now",
    "100%20done %41",
    "a&b;c'd\"e f",
    "Ünïcødé 工作区 ☃",
    "x" * 255,  # the longest name a Linux folder can have
]


def cli(workspace: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", "--workspace", str(workspace), *args],
                          capture_output=True, text=True, timeout=180)


def _rows(db: Path, table: str) -> int:
    con = sqlite3.connect(db)  # a plain path, no URI: the independent reader
    try:
        return int(con.execute(f"select count(*) from {table}").fetchone()[0])  # noqa: S608 - fixed names
    finally:
        con.close()


@pytest.mark.parametrize("name", ODD_NAMES, ids=["hash", "question", "percent", "shell", "unicode", "255"])
def test_a_workspace_in_an_odd_folder_keeps_its_data_and_backs_up_whole(tmp_path: Path, name: str) -> None:
    parent = tmp_path / "parent"
    parent.mkdir()
    ws = parent / name / "ws"
    assert cli(ws, "demo").returncode == 0
    db = ws / "diligence.sqlite"
    answers = _rows(db, "answer")
    assert answers > 300

    check = cli(ws, "check")
    assert check.returncode == 0, check.stderr
    assert "integrity  ok" in check.stdout
    score = cli(ws, "score", DEMO_EVALUATION)
    assert score.returncode == 0, score.stderr  # once: "there is no evaluation named …"
    assert "Signal & Scale" in score.stdout
    backup = cli(ws, "backup")
    assert backup.returncode == 0, backup.stderr
    (copy,) = (ws / "backups").glob("*.sqlite")
    assert _rows(copy, "answer") == answers  # once: a 4,096-byte file without tables
    assert _rows(db, "answer") == answers
    # Nothing was created beside the folder (once: a stray empty database named "C" or "what").
    assert sorted(p.name for p in parent.iterdir()) == [name]


def test_uris_quote_every_character_and_reach_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "a#b?c%41 d"
    folder.mkdir()
    db = folder / "x.sqlite"
    sqlite3.connect(db).execute("create table t(x)").connection.close()
    uri = sqlite_uri(db, mode="ro")
    assert "#" not in uri.split("?")[0] and uri.endswith("?mode=ro") and "%2541" in uri
    con = connect(db, read_only=True)
    assert [r[0] for r in con.execute("select name from sqlite_master")] == ["t"]
    con.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a#b?c%41 d"]


def test_a_database_with_pages_but_no_readable_tables_is_refused_not_recreated(tmp_path: Path) -> None:
    db = tmp_path / "diligence.sqlite"
    con = sqlite3.connect(db)
    con.execute("create table t(x)")
    con.executemany("insert into t values (?)", [("x" * 500,)] * 200)
    con.commit()
    con.execute("drop table t")  # pages stay (no vacuum), the schema is empty
    con.commit()
    con.close()
    before = db.read_bytes()
    with pytest.raises(WorkspaceError, match="cannot be read as a workspace; it was not changed"):
        open_workspace(tmp_path)
    assert db.read_bytes() == before


def test_a_backup_of_a_database_without_tables_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "empty.sqlite"
    sqlite3.connect(db).execute("pragma user_version=1").connection.close()
    with pytest.raises(WorkspaceError, match="no tables"):
        backups._online_copy(db, tmp_path / "copy.sqlite")
    assert not (tmp_path / "copy.sqlite").exists()


def test_restore_works_in_an_odd_folder(demo_path: Path, tmp_path: Path) -> None:
    odd = tmp_path / "R&D #1 ?" / "ws"
    odd.parent.mkdir()
    demo_path.rename(odd)
    ws = open_workspace(odd)
    kept = backups.backup(ws)
    ws.close()
    con = sqlite3.connect(odd / "diligence.sqlite")
    con.execute("delete from answer")
    con.commit()
    con.close()
    before = backups.restore(odd, kept)
    assert before is not None and _rows(before, "answer") == 0
    assert _rows(odd / "diligence.sqlite", "answer") == _rows(kept, "answer") > 300
