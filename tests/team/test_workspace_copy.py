"""`diligence workspace copy`: folder <-> server, folder -> folder, server -> server, losslessly.

"Lossless" is checked the way a person would notice: the exchange file of every evaluation,
the snapshot and oversight of every engagement and the audit trail read back identical, and
every row of every table is the same; backups come along (files <-> the server's table).
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlmodel import SQLModel

from app.services import audit, backups, engagements, evaluations, transfer
from app.services.workspace_copy import copy_workspace
from app.store.server import make_server_engine, parse_address
from app.store.workspace import WorkspaceError, open_workspace
from tests.conftest import DEMO_EVALUATION
from tests.pgcluster import Cluster


def everything(where: str | Path) -> dict[str, Any]:
    """What a person can get out of a workspace, plus every row of every table."""
    ws = open_workspace(where, create=False)
    try:
        out: dict[str, Any] = {}
        for ev in evaluations.list_evaluations(ws):
            out[f"evaluation {ev.name}"] = transfer.dumps(transfer.export_document(ws, ev.name))
        for _id, name, _vendor in engagements.list_engagements(ws):
            out[f"engagement {name}"] = repr(engagements.load(ws, name))
            out[f"oversight {name}"] = repr(engagements.oversight(ws, name, today=date(2026, 11, 27)))
            out[f"metric changes {name}"] = repr(engagements.metric_changes(ws, name))
        out["audit"] = [repr(e) for e in audit.query(ws)]
        with ws.engine.connect() as con:
            for table in SQLModel.metadata.sorted_tables:
                if table.name == "backup_file":
                    continue
                order = list(table.primary_key.columns)
                out[f"table {table.name}"] = [tuple(r) for r in con.execute(select(table).order_by(*order))]
        return out
    finally:
        ws.close()


def backup_files(folder: Path) -> dict[str, bytes]:
    found = folder / "backups"
    return {p.name: p.read_bytes() for p in sorted(found.glob("*.sqlite"))} if found.is_dir() else {}


def server_backups(url: str) -> dict[str, bytes]:
    engine = make_server_engine(parse_address(url))
    try:
        with engine.connect() as con:
            return {r[0]: bytes(r[1]) for r in con.execute(text("select name, content from backup_file order by name"))}
    finally:
        engine.dispose()


def server_tables(url: str) -> int:
    engine = make_server_engine(parse_address(url))
    try:
        with engine.connect() as con:
            return int(con.execute(text(
                "select count(*) from information_schema.tables where table_schema = current_schema()")).scalar_one())
    finally:
        engine.dispose()


@pytest.fixture
def rich_folder(demo_path: Path) -> Path:
    """The demo with a submitted evaluator, an audit trail and two backups."""
    ws = open_workspace(demo_path)
    try:
        first = evaluations.load_snapshot(ws, DEMO_EVALUATION).evaluators[0].name
        evaluations.set_submitted(ws, DEMO_EVALUATION, first)
        backups.backup(ws)
        backups.backup(ws)
    finally:
        ws.close()
    assert len(backup_files(demo_path)) == 2
    return demo_path


def second_database(cluster: Cluster) -> str:
    import uuid

    return cluster.create_database(f"t_{uuid.uuid4().hex[:12]}")


def test_folder_to_server_and_back_is_lossless(rich_folder: Path, pg_url: str, tmp_path: Path) -> None:
    before = everything(rich_folder)
    assert before["audit"] and any(k.startswith("engagement ") for k in before)
    summary = copy_workspace(rich_folder, pg_url)
    assert summary.backups == 2 and summary.rows["answer"] > 0
    on_server = everything(pg_url)
    assert on_server == before
    assert server_backups(pg_url) == backup_files(rich_folder)
    back = tmp_path / "back"
    summary = copy_workspace(pg_url, back)
    assert summary.backups == 2
    assert everything(back) == before
    assert backup_files(back) == backup_files(rich_folder)


def test_a_copied_server_workspace_takes_new_rows_after_the_copied_ones(rich_folder: Path, pg_url: str) -> None:
    copy_workspace(rich_folder, pg_url)
    ws = open_workspace(pg_url)
    try:
        evaluations.add_evaluator(ws, DEMO_EVALUATION, "Priya Raman (IT)")
        names = [e.name for e in evaluations.load_snapshot(ws, DEMO_EVALUATION).evaluators]
    finally:
        ws.close()
    assert names[-1] == "Priya Raman (IT)"


def test_server_to_server_and_folder_to_folder(rich_folder: Path, pg_url: str, pg_env: Cluster, tmp_path: Path) -> None:
    before = everything(rich_folder)
    copy_workspace(rich_folder, pg_url)
    other = second_database(pg_env)
    copy_workspace(pg_url, other)
    assert everything(other) == before
    assert server_backups(other) == backup_files(rich_folder)
    folder = tmp_path / "plain-copy"
    copy_workspace(rich_folder, folder)
    assert everything(folder) == before
    assert backup_files(folder) == backup_files(rich_folder)


def test_a_target_with_data_is_refused_and_left_as_it_was(rich_folder: Path, pg_url: str, tmp_path: Path) -> None:
    ws = open_workspace(pg_url)  # a new workspace: it gets the default bank
    from app.services.banks import ensure_default_bank

    ensure_default_bank(ws)
    ws.close()
    before = everything(pg_url)
    with pytest.raises(WorkspaceError, match="already holds a workspace with data"):
        copy_workspace(rich_folder, pg_url)
    assert everything(pg_url) == before
    folder = tmp_path / "busy"
    copy_workspace(rich_folder, folder)
    with pytest.raises(WorkspaceError, match="already holds a workspace with data"):
        copy_workspace(pg_url, folder)
    assert everything(folder) == everything(rich_folder)


def test_an_interrupted_copy_leaves_the_target_empty(rich_folder: Path, pg_url: str, tmp_path: Path) -> None:
    class Stop(Exception):
        pass

    def stop_after_answers(table: str, _rows: int) -> None:
        if table == "answer":
            raise Stop

    with pytest.raises(Stop):
        copy_workspace(rich_folder, pg_url, progress=stop_after_answers)
    assert server_tables(pg_url) == 0
    folder = tmp_path / "half"
    with pytest.raises(Stop):
        copy_workspace(rich_folder, folder, progress=stop_after_answers)
    assert not (folder / "diligence.sqlite").exists()
    assert [p.name for p in folder.iterdir()] == [] if folder.exists() else True
    # The same target then takes the whole copy.
    copy_workspace(rich_folder, pg_url)
    assert everything(pg_url) == everything(rich_folder)


def test_kill_9_mid_copy_leaves_the_server_database_empty(rich_folder: Path, pg_url: str) -> None:
    """A copy killed by the system (not an exception) commits nothing: one transaction."""
    script = (
        "import os, signal, sys\n"
        "from app.services.workspace_copy import copy_workspace\n"
        "def kill(table, rows):\n"
        "    if table == 'answer':\n"
        "        os.kill(os.getpid(), signal.SIGKILL)\n"
        "copy_workspace(sys.argv[1], sys.argv[2], progress=kill)\n"
    )
    r = subprocess.run([sys.executable, "-c", script, str(rich_folder), pg_url], capture_output=True, text=True,
                       timeout=120, env=os.environ.copy())
    assert r.returncode == -9, r.stderr
    assert server_tables(pg_url) == 0


def test_cli_workspace_copy(rich_folder: Path, pg_url: str, tmp_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True, timeout=180)

    r = run("workspace", "copy", str(rich_folder), pg_url)
    assert r.returncode == 0, r.stderr
    assert "backups    2" in r.stdout and parse_address(pg_url).display in r.stdout
    r = run("workspace", "copy", str(rich_folder), pg_url)
    assert r.returncode == 2 and "already holds a workspace with data" in r.stderr
    r = run("workspace", "copy", pg_url, str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    assert everything(tmp_path / "out") == everything(rich_folder)


def test_backup_of_a_team_workspace_is_a_folder_workspace_file(rich_folder: Path, pg_url: str, tmp_path: Path) -> None:
    copy_workspace(rich_folder, pg_url)
    r = subprocess.run([sys.executable, "-m", "app", "backup", "--workspace", pg_url], capture_output=True, text=True,
                       timeout=180)
    assert r.returncode == 2 and "pg_dump" in r.stderr and "--out" in r.stderr
    out = tmp_path / "team-backup.sqlite"
    r = subprocess.run([sys.executable, "-m", "app", "backup", "--workspace", pg_url, "--out", str(out)],
                       capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stderr
    assert everything(out) == everything(rich_folder)
