"""The smaller findings of issue #19: terminal control characters, symlinked paths, SIGTERM."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app import cli
from app.services import evaluations
from app.store.workspace import acquire_lock, open_workspace
from tests.conftest import DEMO_EVALUATION


def test_score_shows_control_characters_in_names_instead_of_obeying_them(
        demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = open_workspace(demo_path)
    snap = evaluations.load_snapshot(ws, DEMO_EVALUATION)
    old = snap.vendors[0]
    evaluations.save_vendor(ws, DEMO_EVALUATION, dataclasses.replace(old, name="Evil\x1b[2J\u202eCorp"), old_name=old.name)
    ws.close()
    assert cli.main(["--workspace", str(demo_path), "score", DEMO_EVALUATION]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out
    assert "Evil\\u001b[2J\\u202eCorp" in out


def test_two_paths_to_one_workspace_share_one_lock(demo_path: Path, tmp_path: Path) -> None:
    link = tmp_path / "shortcut.sqlite"  # a workspace may be opened by its file, here through a link
    link.symlink_to(demo_path / "diligence.sqlite")
    first = acquire_lock(demo_path / "diligence.sqlite")
    try:
        second = acquire_lock(link)  # once: a separate lock file beside the link, both windows wrote
        assert first.held and not second.held
    finally:
        first.release()


def test_sigterm_still_takes_the_closing_backup(demo_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    app = subprocess.Popen([sys.executable, "-m", "app", "gui", "--workspace", str(demo_path)], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lock = demo_path / "diligence.sqlite.lock"
    try:
        for _ in range(600):  # the app is up once it holds the lock (the handler is set before)
            if lock.exists() and "pid" in lock.read_text():
                break
            time.sleep(0.1)
        app.send_signal(signal.SIGTERM)
        _, err = app.communicate(timeout=120)
    finally:
        if app.poll() is None:
            app.kill()
    assert app.returncode == 0, err
    assert list((demo_path / "backups").glob("*-auto-*.sqlite")), "no closing backup after SIGTERM"
