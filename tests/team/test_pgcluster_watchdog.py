"""A test run that is killed (timeout, Ctrl+C, kill -9) leaves no PostgreSQL server behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.pgcluster import MISSING, find_bindir

ROOT = Path(__file__).resolve().parents[2]
CHILD = f"""
import sys, time
sys.path.insert(0, {str(ROOT)!r})
from tests.pgcluster import start_cluster
cluster = start_cluster()
pid = (cluster.data / "postmaster.pid").read_text().split()[0]
print(cluster.folder, pid, flush=True)
time.sleep(600)  # killed long before
"""


def _alive(pid: int) -> bool:
    """The process exists and is not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def _gone_within(seconds: float, pid: int, folder: Path) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive(pid) and not folder.exists():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT], ids=["kill -9", "Ctrl+C"])
def test_the_cluster_stops_when_the_process_that_started_it_dies(how: signal.Signals) -> None:
    if find_bindir() is None:
        if os.environ.get("DILIGENCE_REQUIRE_POSTGRES"):
            pytest.fail(MISSING)
        pytest.skip(MISSING)
    child = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        folder_text, pid_text = child.stdout.readline().split()
        folder, postmaster = Path(folder_text), int(pid_text)
        assert _alive(postmaster) and folder.exists()  # the server runs for the test process
        os.kill(child.pid, how)  # without any clean-up (SIGKILL), or before it (SIGINT, no handler ran)
        child.wait(timeout=30)
        assert _gone_within(30, postmaster, folder), "the server outlived the process that started it"
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        if child.stdout is not None:
            child.stdout.close()
