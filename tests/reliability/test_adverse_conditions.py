"""A full disk, a read-only disk and a busy workspace, through the real command line (issue #19).

The disk conditions use a small tmpfs when the tests may mount one (root, as in the project's
containers); without that, a read-only folder (chmod) and a file-size limit
(resource.setrlimit(RLIMIT_FSIZE), which SQLite meets as a short write) stand in.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import cli
from app.store import workspace as workspace_module
from tests.conftest import DEMO_EVALUATION

ROOT = Path(__file__).resolve().parents[2]


def run(workspace: Path, *args: str, fsize: int | None = None) -> subprocess.CompletedProcess[str]:
    def limit() -> None:  # pragma: no cover - runs in the child
        if fsize is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a short write, not a killed process
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    return subprocess.run([sys.executable, "-m", "app", "--workspace", str(workspace), *args],
                          capture_output=True, text=True, timeout=180, preexec_fn=limit, cwd=ROOT)


def _rows(db: Path, table: str) -> int:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)  # plain path, no odd characters here
    try:
        return int(con.execute(f"select count(*) from {table}").fetchone()[0])  # noqa: S608 - fixed names
    finally:
        con.close()


def _other_evaluation(tmp_path: Path) -> Path:
    doc = json.loads((ROOT / "data" / "demo.json").read_text(encoding="utf-8"))
    doc["evaluation"]["name"] = "Imported on a bad day"
    doc.pop("engagement", None)
    path = tmp_path / "other.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@contextlib.contextmanager
def tmpfs(where: Path, size: str) -> Iterator[bool]:
    """Mount a tmpfs at `where`; False when this machine does not let the tests mount one."""
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        yield False
        return
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True)
    if done.returncode != 0:
        yield False
        return
    try:
        yield True
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def _fill(folder: Path) -> None:
    with open(folder / "filler", "wb") as fh, contextlib.suppress(OSError):
        while True:
            fh.write(b"\0" * 65536)
            fh.flush()


def test_a_full_disk_is_named_as_such_and_loses_nothing(demo_path: Path, tmp_path: Path) -> None:
    other = _other_evaluation(tmp_path)
    answers = _rows(demo_path / "diligence.sqlite", "answer")
    with tmpfs(tmp_path / "small", "4m") as mounted:
        if mounted:
            ws = tmp_path / "small" / "ws"
            shutil.copytree(demo_path, ws)
            _fill(tmp_path / "small")
            fsize = None
        else:
            ws, fsize = demo_path, 65536  # the -wal may not grow past 64 KiB

        imported = run(ws, "import", str(other), fsize=fsize)
        assert imported.returncode == 2, imported.stderr
        assert "disk" in imported.stderr and "full" in imported.stderr
        assert "damaged" not in imported.stderr and "restore" not in imported.stderr.lower()
        assert "INSERT" not in imported.stderr and "Traceback" not in imported.stderr

        # Reading still works on the full disk (once: "damaged (disk I/O error); restore a backup").
        score = run(ws, "score", DEMO_EVALUATION, fsize=fsize)
        assert score.returncode == 0, score.stderr
        assert "Signal & Scale" in score.stdout

        if mounted:
            (tmp_path / "small" / "filler").unlink()
        check = run(ws, "check")
        assert check.returncode == 0 and "integrity  ok" in check.stdout, check.stdout + check.stderr
        again = run(ws, "import", str(other))
        assert again.returncode == 0, again.stderr
        assert _rows(ws / "diligence.sqlite", "answer") == 2 * answers


def test_a_workspace_on_a_read_only_disk_can_be_read_and_says_why_it_cannot_be_written(
        demo_path: Path, tmp_path: Path) -> None:
    other = _other_evaluation(tmp_path)
    with tmpfs(tmp_path / "ro", "8m") as mounted:
        ws = tmp_path / "ro" / "ws"
        shutil.copytree(demo_path, ws)
        if mounted:
            subprocess.run(["mount", "-o", "remount,ro", str(tmp_path / "ro")], check=True)
        else:
            if os.geteuid() == 0:
                pytest.skip("root ignores file permissions and this machine lets no test mount a read-only disk")
            for p in (ws / "diligence.sqlite", ws):
                p.chmod(0o555)
        try:
            score = run(ws, "score", DEMO_EVALUATION)
            assert score.returncode == 0, score.stderr  # once: exit 1, because opening wrote
            check = run(ws, "check")
            assert check.returncode == 0, check.stderr
            imported = run(ws, "import", str(other))
            assert imported.returncode == 2
            assert "read-only" in imported.stderr and "nothing was changed" in imported.stderr
            assert "Traceback" not in imported.stderr
        finally:
            if mounted:
                subprocess.run(["mount", "-o", "remount,rw", str(tmp_path / "ro")], check=True)
            else:
                ws.chmod(0o755)
        assert sorted(p.name for p in ws.iterdir()) == sorted(p.name for p in demo_path.iterdir())


def test_a_busy_workspace_exits_2_with_a_sentence_not_sql(demo_path: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(workspace_module, "LOCK_WAIT_SECONDS", 0.2)
    other = _other_evaluation(tmp_path)
    holder = sqlite3.connect(demo_path / "diligence.sqlite", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # the app, or another import, in the middle of a write
    try:
        code = cli.main(["--workspace", str(demo_path), "import", str(other)])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    err = capsys.readouterr().err
    assert code == 2, err
    assert "busy" in err and "Nothing was changed" in err
    assert "INSERT" not in err and "[SQL" not in err and "parameters" not in err
    assert code == 2
