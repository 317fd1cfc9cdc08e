"""Backups: `diligence backup`, rolling automatic copies, listing, and restore that keeps the current file."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.services import backups, evaluations
from app.services.errors import InputError
from app.store.workspace import (
    Workspace,
    WorkspaceError,
    acquire_lock,
    integrity_report,
    open_workspace,
)
from tests.conftest import DEMO_EVALUATION

VENDOR = "Signal & Scale Partners"


def _answer(ws: Workspace, value: str) -> None:
    snap = evaluations.load_snapshot(ws, DEMO_EVALUATION)
    evaluations.record_answer(ws, DEMO_EVALUATION, VENDOR, snap.evaluators[0].name, "TR03", value, f"set to {value}")


def _value(db: Path) -> str:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return str(con.execute(
            "select a.value from answer a join vendor v on v.id = a.vendor_id "
            "join evaluator e on e.id = a.evaluator_id where v.name = ? and a.qid = 'TR03' order by e.position limit 1",
            (VENDOR,),
        ).fetchone()[0])
    finally:
        con.close()


def _count(db: Path, table: str) -> int:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return int(con.execute(f"select count(*) from {table}").fetchone()[0])  # noqa: S608 - fixed names
    finally:
        con.close()


def test_cli_backup_writes_a_consistent_copy(demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "copy.sqlite"
    r = subprocess.run([sys.executable, "-m", "app", "backup", "--out", str(out), "--workspace", str(demo_path)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert str(out) in r.stdout
    assert _count(out, "answer") == _count(demo_path / "diligence.sqlite", "answer") > 0
    con = sqlite3.connect(out)
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert con.execute("pragma journal_mode").fetchone()[0] == "delete"  # one self-contained file
    con.close()
    assert not out.with_name(out.name + "-wal").exists()
    # Without --out the copy lands in the workspace's backups folder.
    r = subprocess.run([sys.executable, "-m", "app", "backup", "--workspace", str(demo_path)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    ws = open_workspace(demo_path)
    try:
        assert [b.kind for b in backups.list_backups(ws)] == ["manual"]
    finally:
        ws.close()


def test_cli_backup_to_a_missing_folder_is_bad_input(demo_path: Path, tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, "-m", "app", "backup", "--out", str(tmp_path / "nope" / "c.sqlite"),
                        "--workspace", str(demo_path)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "does not exist" in r.stderr


def test_backup_includes_uncheckpointed_changes(demo: Workspace, tmp_path: Path) -> None:
    _answer(demo, "1")
    assert demo.db.with_name("diligence.sqlite-wal").exists()  # the change sits in the WAL
    copy = backups.backup(demo, tmp_path / "c.sqlite")
    assert _value(copy) == "1"


def test_backup_refuses_to_overwrite_the_workspace(demo: Workspace) -> None:
    with pytest.raises(InputError):
        backups.backup(demo, demo.db)


def test_automatic_backups_roll_and_skip_when_nothing_changed(demo: Workspace) -> None:
    made = []
    for i in range(backups.KEEP_AUTOMATIC + 3):
        _answer(demo, str(i % 6))
        path = backups.automatic_backup(demo)
        assert path is not None
        made.append(path)
    assert backups.automatic_backup(demo) is None  # nothing changed since the last one
    manual = backups.backup(demo)
    autos = [b.path for b in backups.list_backups(demo) if b.kind == "auto"]
    assert len(autos) == backups.KEEP_AUTOMATIC
    assert autos == list(reversed(made))[: backups.KEEP_AUTOMATIC]  # the newest are kept
    assert manual.exists()  # manual copies are never pruned
    assert _value(autos[0]) == str((backups.KEEP_AUTOMATIC + 2) % 6)


def test_read_only_workspace_takes_no_automatic_backup(demo_path: Path) -> None:
    ws = open_workspace(demo_path, read_only=True)
    try:
        assert backups.automatic_backup(ws) is None
    finally:
        ws.close()


def test_restore_brings_back_the_old_contents_and_keeps_the_current(demo_path: Path) -> None:
    ws = open_workspace(demo_path)
    _answer(ws, "2")
    saved = backups.backup(ws)
    _answer(ws, "5")
    evaluations.delete_evaluation(ws, DEMO_EVALUATION)
    ws.close()
    kept = backups.restore(demo_path, saved)
    assert kept is not None and "before-restore" in kept.name
    assert _count(kept, "evaluation") == 0  # the state just before the restore is kept
    ws = open_workspace(demo_path)
    try:
        assert integrity_report(ws) == []
        assert [e.name for e in evaluations.list_evaluations(ws)] == [DEMO_EVALUATION]
        assert _value(ws.db) == "2"
        kinds = {b.kind for b in backups.list_backups(ws)}
        assert {"manual", "before-restore"} <= kinds
        _answer(ws, "3")  # the restored workspace works normally
    finally:
        ws.close()


def test_restore_over_a_damaged_file_moves_it_aside(demo_path: Path) -> None:
    ws = open_workspace(demo_path)
    saved = backups.backup(ws)
    ws.close()
    db = demo_path / "diligence.sqlite"
    damaged = db.read_bytes()[:100] + b"\x00" * 5000
    db.write_bytes(damaged)
    with pytest.raises(WorkspaceError):
        open_workspace(demo_path)
    kept = backups.restore(demo_path, saved)
    assert kept is not None and ".damaged-" in kept.name and kept.read_bytes() == damaged
    ws = open_workspace(demo_path)
    try:
        assert [e.name for e in evaluations.list_evaluations(ws)] == [DEMO_EVALUATION]
    finally:
        ws.close()


def test_restore_refuses_while_another_window_has_the_workspace(demo_path: Path) -> None:
    ws = open_workspace(demo_path)
    saved = backups.backup(ws)
    ws.close()
    lock = acquire_lock(demo_path / "diligence.sqlite")
    try:
        with pytest.raises(WorkspaceError, match="open in another"):
            backups.restore(demo_path, saved)
    finally:
        lock.release()


def test_restore_refuses_a_file_that_is_not_a_backup(demo_path: Path, tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.sqlite"
    bogus.write_text("not a database", encoding="utf-8")
    with pytest.raises(WorkspaceError):
        backups.restore(demo_path, bogus)
    assert _count(demo_path / "diligence.sqlite", "evaluation") == 1


def test_restore_takes_the_write_lock_before_its_safety_copy(demo_path: Path) -> None:
    """An import committing while a restore starts is kept in the before-restore copy (#19, item 5)."""
    import threading

    ws = open_workspace(demo_path)
    saved = backups.backup(ws)
    ws.close()
    db = demo_path / "diligence.sqlite"
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another program's import, in the middle of its transaction
    writer.execute("update evaluation set name = 'Imported meanwhile'")
    result: list[Path | None] = []
    restoring = threading.Thread(target=lambda: result.append(backups.restore(demo_path, saved)))
    restoring.start()
    folder = demo_path / "backups"
    # Give the restore the chance to (wrongly) copy before it has the lock; it is not timed.
    for _ in range(40):
        if any(folder.glob("*before-restore*")):
            break
        restoring.join(0.05)
    writer.execute("COMMIT")  # the import succeeds, as it reports
    writer.close()
    restoring.join(60)
    assert result and result[0] is not None
    kept = result[0]
    con = sqlite3.connect(kept)
    assert con.execute("select name from evaluation").fetchall() == [("Imported meanwhile",)]
    con.close()
    assert _count(db, "evaluation") == 1


def test_automatic_backups_do_not_rotate_when_only_file_times_move(demo: Workspace) -> None:
    """The app keeps the -wal file fresh while it runs: 13 idle sessions once left 10 equal copies (#19, item 6)."""
    import os
    import time

    _answer(demo, "2")
    first = backups.automatic_backup(demo)
    assert first is not None
    for _ in range(backups.KEEP_AUTOMATIC + 3):  # sessions without an edit
        later = time.time() + 3600
        for f in (demo.db, demo.db.with_name(demo.db.name + "-wal")):
            if f.exists():
                os.utime(f, (later, later))
        assert backups.automatic_backup(demo) is None
    assert [b.path for b in backups.list_backups(demo) if b.kind == "auto"] == [first]
    _answer(demo, "3")  # a real edit is still caught
    assert backups.automatic_backup(demo) is not None


def test_restoring_a_backup_from_an_older_schema_brings_its_rows(demo_path: Path, tmp_path: Path) -> None:
    """The rows are copied after upgrading a scratch copy of the backup to this schema."""
    import shutil

    old = tmp_path / "old-backup.sqlite"
    shutil.copyfile(Path(__file__).parents[1] / "fixtures" / "schemas" / "0001.sqlite", old)
    expected = _count(old, "answer")
    ws = open_workspace(demo_path)
    ws.close()
    kept = backups.restore(demo_path, old)
    assert kept is not None and "before-restore" in kept.name
    ws = open_workspace(demo_path)
    try:
        assert integrity_report(ws) == []
        assert _count(ws.db, "answer") == expected
    finally:
        ws.close()


def test_restore_after_documents_changed_brings_back_their_search(demo_path: Path, tmp_path: Path) -> None:
    """The documents' full-text index is rebuilt from the restored pages: copying it row by row
    over pages that changed since the backup left it damaged ("database disk image is malformed")."""
    from app.services import evidence
    from tests.evidence_files import make_pdf

    ws = open_workspace(demo_path)
    try:
        kept = evidence.add_document(ws, DEMO_EVALUATION, VENDOR, make_pdf(tmp_path / "a.pdf", [["Uptime SLA 99.9"]]))
        saved = backups.backup(ws)
        evidence.remove_document(ws, kept)
        evidence.add_document(ws, DEMO_EVALUATION, VENDOR, make_pdf(tmp_path / "b.pdf", [["Pricing per seat"]]))
    finally:
        ws.close()
    backups.restore(demo_path, saved)
    ws = open_workspace(demo_path)
    try:
        assert [d.name for d in evidence.list_documents(ws, DEMO_EVALUATION, VENDOR)] == ["a.pdf"]
        assert [p.document.name for p in evidence.search(ws, DEMO_EVALUATION, VENDOR, "uptime")] == ["a.pdf"]
        assert evidence.search(ws, DEMO_EVALUATION, VENDOR, "pricing") == []
        with ws.engine.connect() as con:
            con.exec_driver_sql("INSERT INTO evidence_fts(evidence_fts) VALUES ('integrity-check')")
    finally:
        ws.close()
