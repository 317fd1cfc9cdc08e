"""The long soak (`make soak`): the real app in its own process, driven from the keyboard.

Run on an X display (the Makefile uses xvfb-run) with xdotool installed. The app gets a fresh
demo workspace and DILIGENCE_STATS (app/ui/stats.py), so it reports its own figures. The driver
switches pages with Ctrl+1…6 in fast bursts, then on Evaluate clicks a question and types 0–5
answers into the grid, and undoes and redoes some of them, until the time is up. It prints page switches, answers
recorded (counted in the workspace's audit log), duration, references to None and resident
memory before and after, and exits 1 if the app died or None lost references.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/soak.py --minutes 10
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

EVALUATE = 2  # sidebar row of Evaluate (Ctrl+3)
OTHER_PAGES = ["ctrl+1", "ctrl+2", "ctrl+4", "ctrl+5", "ctrl+6"]
TR03 = ("350", "273")  # window coordinates of TR03's question cell on Evaluate


def xdotool(*args: str) -> str:
    done = subprocess.run(["xdotool", *args], capture_output=True, text=True, timeout=60, check=False)
    return done.stdout.strip()


def last_stats(path: Path) -> dict[str, Any] | None:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return None
    for line in reversed(lines):
        try:
            return dict(json.loads(line))
        except ValueError:
            continue  # a line being written
    return None


def wait_for(predicate: Any, seconds: float, app: subprocess.Popen[bytes]) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if app.poll() is not None:
            return False
        if predicate():
            return True
        time.sleep(0.05)
    return False


def answers_recorded(database: Path) -> int:
    con = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        row = con.execute("SELECT count(*) FROM audit_log WHERE action = 'answer changed'").fetchone()
        return int(row[0])
    finally:
        con.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=float(os.environ.get("SOAK_MINUTES", "10")))
    args = parser.parse_args()
    if not os.environ.get("DISPLAY"):
        print("soak: no X display (run it under xvfb-run, as `make soak` does)", file=sys.stderr)
        return 2
    if shutil.which("xdotool") is None:
        print("soak: xdotool is not installed (apt-get install xdotool)", file=sys.stderr)
        return 2

    folder = Path(tempfile.mkdtemp(prefix="diligence-soak-"))
    stats = folder / "stats.jsonl"
    workspace = folder / "workspace"
    env = dict(os.environ, HOME=str(folder / "home"), DILIGENCE_STATS=str(stats))
    env.pop("QT_QPA_PLATFORM", None)  # a real X window, real key events
    log = (folder / "app.log").open("wb")
    app = subprocess.Popen(
        [sys.executable, "-m", "app", "gui", "--demo-if-empty", "--workspace", str(workspace)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        return drive(app, args.minutes, stats, workspace, folder)
    finally:
        if app.poll() is None:
            app.terminate()
            try:
                app.wait(20)
            except subprocess.TimeoutExpired:
                app.kill()
        log.close()


def drive(app: subprocess.Popen[bytes], minutes: float, stats: Path, workspace: Path, folder: Path) -> int:
    window = ""
    if wait_for(lambda: bool(xdotool("search", "--name", "— Diligence")), 120, app):
        window = xdotool("search", "--name", "— Diligence").split()[0]
    if not window or not wait_for(lambda: last_stats(stats) is not None, 60, app):
        print(f"soak: the app did not come up (log: {folder / 'app.log'})", file=sys.stderr)
        return 1
    xdotool("windowfocus", "--sync", window)
    time.sleep(5)  # the first page and the demo finish loading
    before = last_stats(stats)
    assert before is not None
    answers_before = answers_recorded(workspace / "diligence.sqlite")
    started = time.monotonic()
    deadline = started + minutes * 60
    keys_typed = undos = cycles = 0
    digit = 0
    while time.monotonic() < deadline and app.poll() is None:
        cycles += 1
        # A burst of page switches (pages without text fields under the cursor: no typing here).
        burst = [OTHER_PAGES[(cycles + i) % len(OTHER_PAGES)] for i in range(10)]
        xdotool("key", "--delay", "15", *burst)
        xdotool("key", "ctrl+3")
        if not wait_for(lambda: (last_stats(stats) or {}).get("page") == EVALUATE, 10, app):
            continue
        time.sleep(0.3)  # the page has loaded its answers
        # A click on TR03's question (a 0–5 scale question; the window's default size and the
        # demo's first vendor) puts the keyboard in the grid: a digit answers and moves down,
        # Up comes back.
        xdotool("mousemove", "--window", window, *TR03, "click", "1")
        keys = []
        for _ in range(6):
            digit = digit % 5 + 1  # 1…5, never the value just typed
            keys += [str(digit), "Up"]
            keys_typed += 1
        if cycles % 3 == 0:
            keys += ["ctrl+z", "ctrl+shift+z"]
            undos += 1
        xdotool("key", "--delay", "40", *keys)
    duration = time.monotonic() - started
    alive = app.poll() is None
    time.sleep(2)
    after = last_stats(stats) or {}
    answers = answers_recorded(workspace / "diligence.sqlite") - answers_before
    report = {
        "minutes": round(duration / 60, 2),
        "alive": alive,
        "exit_code": app.returncode,
        "page_switches": after.get("page_switches", 0) - before["page_switches"],
        "answers_typed": keys_typed,
        "answer_changes_recorded": answers,
        "undo_redo_pairs": undos,
        "none_refs_before": before["none_refs"],
        "none_refs_after": after.get("none_refs"),
        "rss_mib_before": round(before["rss_kib"] / 1024, 1),
        "rss_mib_after": round(after.get("rss_kib", 0) / 1024, 1),
    }
    print(json.dumps(report, indent=2))
    (folder / "soak.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"soak: figures in {folder / 'soak.json'}, per second in {stats}")
    if not alive:
        print(f"soak: the app died (exit {app.returncode}); log: {folder / 'app.log'}", file=sys.stderr)
        return 1
    if after.get("none_refs", 0) < before["none_refs"]:
        print("soak: references to None fell; on Python 3.11 that ends in none_dealloc", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
