"""Files we cannot use get a clear message and stay as they were; read-only workspaces refuse writes."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.services import evaluations
from app.store.workspace import HEAD, NewerWorkspaceError, WorkspaceError, open_workspace
from tests.conftest import DEMO_EVALUATION

FIXTURE = Path(__file__).parents[1] / "fixtures" / "schemas" / f"{HEAD}.sqlite"


def _workspace(tmp_path: Path) -> Path:
    folder = tmp_path / "ws"
    folder.mkdir()
    shutil.copyfile(FIXTURE, folder / "diligence.sqlite")
    return folder


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True, timeout=120)


def _siblings(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def test_newer_workspace_is_refused_and_left_byte_identical(tmp_path: Path) -> None:
    folder = _workspace(tmp_path)
    db = folder / "diligence.sqlite"
    con = sqlite3.connect(db)
    con.execute("update alembic_version set version_num = '9999'")
    con.commit()
    con.close()
    digest, files = _digest(db), _siblings(folder)
    with pytest.raises(NewerWorkspaceError, match="made by a newer version of Diligence"):
        open_workspace(folder)
    with pytest.raises(NewerWorkspaceError):
        open_workspace(folder, lock=True)
    r = _cli("score", DEMO_EVALUATION, "--workspace", str(folder))
    assert r.returncode == 2
    assert "made by a newer version of Diligence" in r.stderr
    assert "Traceback" not in r.stderr
    smoke = _cli("gui", "--smoke", "--workspace", str(folder))
    assert smoke.returncode == 2 and "made by a newer version of Diligence" in smoke.stderr
    assert _digest(db) == digest
    # No -wal/-shm either (lock files are ours and hold no data).
    assert {n for n in _siblings(folder) if not n.endswith(".lock")} == files


def _truncated(db: Path) -> None:
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3])


def _not_sqlite(db: Path) -> None:
    db.write_text("id,question\nQ1,Do you have references?\n", encoding="utf-8")


def _header_only(db: Path) -> None:
    db.write_bytes(db.read_bytes()[:100])


def _garbage_after_header(db: Path) -> None:
    data = db.read_bytes()
    db.write_bytes(data[:100] + bytes((i * 37 + 11) % 256 for i in range(len(data) - 100)))


def _tables_without_version(db: Path) -> None:
    con = sqlite3.connect(db)
    con.execute("drop table alembic_version")
    con.commit()
    con.close()


DAMAGES = {
    "truncated": (_truncated, "damaged"),
    "not sqlite": (_not_sqlite, "not an SQLite database"),
    "header only": (_header_only, "damaged"),
    "garbage pages": (_garbage_after_header, "damaged"),
    "half-made schema": (_tables_without_version, "not a Diligence workspace"),
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_damaged_workspace_gets_a_clear_message(damage: str, tmp_path: Path) -> None:
    make, phrase = DAMAGES[damage]
    folder = _workspace(tmp_path)
    db = folder / "diligence.sqlite"
    make(db)
    digest = _digest(db)
    with pytest.raises(WorkspaceError, match=phrase):
        open_workspace(folder)
    r = _cli("check", "--workspace", str(folder))
    assert r.returncode == 2, r.stderr
    assert phrase in r.stderr and "Traceback" not in r.stderr
    smoke = _cli("gui", "--smoke", "--workspace", str(folder))
    assert smoke.returncode == 2 and phrase in smoke.stderr and "Traceback" not in smoke.stderr
    assert _digest(db) == digest  # we never "repair" a file by writing over it


def test_a_damaged_page_in_use_is_reported_not_a_traceback(tmp_path: Path) -> None:
    folder = _workspace(tmp_path)
    db = folder / "diligence.sqlite"
    con = sqlite3.connect(db)
    (root,) = con.execute("select rootpage from sqlite_master where name = 'answer'").fetchone()
    (page_size,) = con.execute("pragma page_size").fetchone()
    con.close()
    with open(db, "r+b") as fh:
        fh.seek((root - 1) * page_size)
        fh.write(b"\xff" * page_size)
    r = _cli("score", DEMO_EVALUATION, "--workspace", str(folder))
    assert r.returncode == 2, r.stderr
    assert "damaged" in r.stderr and "Traceback" not in r.stderr
    check = _cli("check", "--workspace", str(folder))
    assert check.returncode != 0 and "integrity" in check.stdout + check.stderr


def test_interrupted_creation_leaves_nothing_half_made(tmp_path: Path) -> None:
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "diligence.sqlite").write_bytes(b"")  # a crash right after the file was created
    (folder / "diligence.sqlite.creating").write_bytes(b"SQLite format 3\x00partial")
    ws = open_workspace(folder)
    try:
        assert ws.created
        assert not (folder / "diligence.sqlite.creating").exists()
        with ws.engine.connect() as con:
            assert con.exec_driver_sql("select version_num from alembic_version").scalar() == HEAD
    finally:
        ws.close()


def test_read_only_workspace_refuses_writes_with_a_message(tmp_path: Path) -> None:
    folder = _workspace(tmp_path)
    db = folder / "diligence.sqlite"
    digest = _digest(db)
    ws = open_workspace(folder, read_only=True)
    try:
        snap = evaluations.load_snapshot(ws, DEMO_EVALUATION)
        vendor, evaluator = snap.vendors[0].name, snap.evaluators[0].name
        with pytest.raises(WorkspaceError, match="read-only"):
            evaluations.record_answer(ws, DEMO_EVALUATION, vendor, evaluator, "TR03", "1", "try")
        with pytest.raises(WorkspaceError, match="read-only"):
            evaluations.delete_evaluation(ws, DEMO_EVALUATION)
        assert len(evaluations.list_evaluations(ws)) == 1  # reading still works
    finally:
        ws.close()
    assert _digest(db) == digest


def test_cli_import_into_a_newer_workspace_changes_nothing(tmp_path: Path) -> None:
    folder = _workspace(tmp_path)
    db = folder / "diligence.sqlite"
    con = sqlite3.connect(db)
    con.execute("update alembic_version set version_num = '9999'")
    con.commit()
    con.close()
    digest = _digest(db)
    data = Path(__file__).parents[2] / "data" / "demo.json"
    r = _cli("import", str(data), "--workspace", str(folder))
    assert r.returncode == 2 and "newer version" in r.stderr
    assert _digest(db) == digest
    assert os.path.getsize(db) > 0
