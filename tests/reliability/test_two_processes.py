"""Two processes on one workspace: the second gets read-only mode and a notice, never corruption."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.services import evaluations
from app.store.workspace import WorkspaceError, integrity_report, open_workspace
from tests.conftest import DEMO_EVALUATION
from tests.reliability.crash import ROOT, _env


@pytest.fixture
def holder(demo_path: Path) -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen([sys.executable, "-m", "tests.reliability.lock_holder", str(demo_path)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=_env(), cwd=ROOT)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked", proc.stderr
    yield proc
    for pipe in (proc.stdin, proc.stdout, proc.stderr):
        if pipe is not None and not pipe.closed:
            pipe.close()  # closing stdin also tells the holder to finish
    proc.wait(timeout=60)


def _edit(proc: subprocess.Popen[str], n: int) -> None:
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(f"edit {n}\n")
    proc.stdin.flush()
    assert proc.stdout.readline().strip() == f"edited {n}"


def test_second_process_sees_the_lock_and_opens_read_only(holder: subprocess.Popen[str], demo_path: Path) -> None:
    ws = open_workspace(demo_path, lock=True)
    try:
        assert ws.lock is not None and ws.lock.held is False
        assert "pid" in ws.lock.owner  # who holds it, for the notice
    finally:
        ws.close()
    _edit(holder, 1)
    smoke = subprocess.run([sys.executable, "-m", "app", "gui", "--smoke", "--workspace", str(demo_path)],
                           capture_output=True, text=True, timeout=120, env=_env())
    assert smoke.returncode == 0, smoke.stderr
    assert "Traceback" not in smoke.stderr
    _edit(holder, 2)  # the first process keeps working after the second came and went


def test_read_only_second_process_refuses_writes_and_reads_live_data(
    holder: subprocess.Popen[str], demo_path: Path
) -> None:
    ro = open_workspace(demo_path, read_only=True)
    try:
        snap = evaluations.load_snapshot(ro, DEMO_EVALUATION)
        with pytest.raises(WorkspaceError, match="read-only"):
            evaluations.record_answer(ro, DEMO_EVALUATION, snap.vendors[0].name, snap.evaluators[0].name, "TR03", "0")
        _edit(holder, 3)
        # The writer's committed change is visible to the reader (WAL), and nothing was corrupted.
        again = evaluations.load_snapshot(ro, DEMO_EVALUATION)
        mine = [a for a in again.answers if a.question == "TR03" and a.vendor == snap.vendors[0].name
                and a.evaluator == snap.evaluators[0].name]
        assert mine[0].note == "holder edit 3"
    finally:
        ro.close()
    assert holder.stdin is not None
    holder.stdin.close()
    holder.wait(timeout=60)
    ws = open_workspace(demo_path)
    try:
        assert integrity_report(ws) == []
    finally:
        ws.close()


def test_cli_write_while_the_app_holds_the_workspace_is_safe(holder: subprocess.Popen[str], demo_path: Path) -> None:
    # The CLI does not take the lock; SQLite's own locking serialises the two writers.
    r = subprocess.run([sys.executable, "-m", "app", "import", str(ROOT / "data" / "demo.json"),
                        "--workspace", str(demo_path)], capture_output=True, text=True, timeout=120, env=_env())
    assert r.returncode == 2 and "already exists" in r.stderr  # refused as bad input, not a crash
    _edit(holder, 4)
    r = subprocess.run([sys.executable, "-m", "app", "check", "--workspace", str(demo_path)],
                       capture_output=True, text=True, timeout=120, env=_env())
    assert r.returncode == 0, r.stdout + r.stderr
